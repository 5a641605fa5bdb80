"""Regression files and expected values for the reader fixes of issue 12 (tests/MedLearn.Tests/Readers/
ReaderRegressionTests.cs, ReaderFuzzTests.cs, bench/readers).

Writes small files into tests/MedLearn.Tests/Golden/readers_regressions/ and their expected values into
tests/MedLearn.Tests/Golden/readers_regressions.json. Expected values come from pydicom 2.3 / nibabel / PIL /
tifffile (Debian), with MedLearn's documented conventions applied in numpy where the oracle has none:
  - DICOM bits outside BitsStored are not pixel data (PS3.5 8.1.1): masked, and signed values sign-extended from
    BitsStored (pydicom 2.3 keeps the high bits; pydicom 3 masks, as here);
  - MONOCHROME1 is inverted over the stored range: unsigned (2^BitsStored - 1) - x, signed -1 - x;
  - YBR_FULL / YBR_FULL_422 become RGB with pydicom's convert_color_space;
  - rescale (or RT DoseGridScaling) is computed in float64 and returned as float32.
Run with /usr/bin/python3 (tools/golden/regen.sh). Never edit the outputs by hand.
"""
import gzip
import os
import shutil
import struct
import warnings
import zlib

import nibabel as nib
import numpy as np
import pydicom
import tifffile
import torch
from PIL import Image
from pydicom.data import get_testdata_file
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.pixel_data_handlers.util import convert_color_space
from pydicom.uid import DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian

from golden import Golden, golden_dir

warnings.simplefilter("ignore")
g = Golden("readers_regressions", suite="MedLearn.Tests")
OUT = os.path.join(golden_dir("MedLearn.Tests"), "readers_regressions")
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
rng = np.random.default_rng(1212)


def p(name):
    return os.path.join(OUT, name)


def expect(key, chw):
    """Expected values in MedLearn's layout ([C, H, W] / [C, D, H, W]), float64: the whole tensor when small, else
    its shape, order-free statistics and every 97th element (row-major)."""
    a = np.ascontiguousarray(np.asarray(chw, dtype=np.float64))
    g.value(key + ".shape", list(a.shape))
    g.value(key + ".stats", [float(a.sum()), float((a * a).sum()), float(a.min()), float(a.max())])
    flat = a.reshape(-1)
    g.tensor(key, torch.from_numpy(flat if flat.size <= 4096 else flat[::97].copy()))


def dicom(path, pixels, ts=ExplicitVRLittleEndian, **attrs):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = attrs.pop("sop", "1.2.840.10008.5.1.4.1.1.7")
    meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.8.498.1212." + str(zlib.crc32(os.path.basename(path).encode()))
    meta.TransferSyntaxUID = ts
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = ts != ExplicitVRBigEndian
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = attrs.pop("Modality", "OT")
    for k, v in attrs.items():
        setattr(ds, k, v)
    ds.PixelData = pixels
    ds.save_as(path, write_like_original=False)
    return path


def masked(raw, bits_stored, signed):
    """PS3.5 8.1.1: keep the low BitsStored bits; sign-extend them for PixelRepresentation 1."""
    v = raw.astype(np.int64) & ((1 << bits_stored) - 1)
    if signed:
        v = np.where(v >= 1 << (bits_stored - 1), v - (1 << bits_stored), v)
    return v


def pydicom_display(path):
    """pydicom's decode with MedLearn's conventions, in [C, (D,) H, W]."""
    ds = pydicom.dcmread(path)
    a = ds.pixel_array
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    spp = int(ds.SamplesPerPixel)
    pi = str(ds.PhotometricInterpretation)
    if pi in ("YBR_FULL", "YBR_FULL_422") and spp == 3:
        a = convert_color_space(a, pi, "RGB")
    a = a.reshape(frames, int(ds.Rows), int(ds.Columns), spp)
    if ds.BitsAllocated > 1 and ds.BitsStored < ds.BitsAllocated and a.dtype.kind in "iu":
        a = masked(a, int(ds.BitsStored), int(ds.PixelRepresentation) == 1)
    a = a.astype(np.float64)
    if pi == "MONOCHROME1":
        a = (-1.0 if int(ds.PixelRepresentation) == 1 else float(2 ** int(ds.BitsStored) - 1)) - a
    slope, intercept = ds.get("RescaleSlope"), ds.get("RescaleIntercept")
    if slope is None and intercept is None and "DoseGridScaling" in ds:
        slope = ds.DoseGridScaling
    a = a * float(1 if slope is None else slope) + float(0 if intercept is None else intercept)
    if slope is not None and not (float(slope) == 1 and float(0 if intercept is None else intercept) == 0):
        a = a.astype(np.float32).astype(np.float64)
    chw = a.transpose(3, 0, 1, 2)
    return chw[:, 0] if frames == 1 else chw


# --- 1. silent wrong values ------------------------------------------------------------------------------
for name in ("rtdose_expb.dcm", "rtdose_expb_1frame.dcm", "rtdose_1frame.dcm", "rtdose_rle_1frame.dcm",
             "J2K_pixelrep_mismatch.dcm", "SC_ybr_full_422_uncompressed.dcm", "MR_small_expb.dcm"):
    src = get_testdata_file(name)
    shutil.copy(src, p(name))
    expect(name, pydicom_display(src))

# 12 bits stored in 16 with garbage in the unused high bits, signed and unsigned, little and big endian.
logical = rng.integers(-2048, 2048, size=(5, 7))
garbage = rng.integers(0, 16, size=(5, 7)) << 12
for signed in (0, 1):
    values = logical if signed else logical + 2048
    raw = ((values & 0xFFF) | garbage).astype(np.uint16)
    for ts, order in ((ExplicitVRLittleEndian, "<u2"), (ExplicitVRBigEndian, ">u2")):
        name = f"bits12_{'signed' if signed else 'unsigned'}_{'be' if ts == ExplicitVRBigEndian else 'le'}.dcm"
        dicom(p(name), raw.astype(order).tobytes(), ts=ts, SamplesPerPixel=1, PhotometricInterpretation="MONOCHROME2",
              Rows=5, Columns=7, BitsAllocated=16, BitsStored=12, HighBit=11, PixelRepresentation=signed)
        expect(name, pydicom_display(p(name)))
# 32-bit signed big endian (the RT dose bug on a signed synthetic file)
v32 = rng.integers(-2**31, 2**31, size=(4, 6)).astype(np.int64)
dicom(p("int32_be.dcm"), v32.astype(">i4").tobytes(), ts=ExplicitVRBigEndian, SamplesPerPixel=1,
      PhotometricInterpretation="MONOCHROME2", Rows=4, Columns=6, BitsAllocated=32, BitsStored=32, HighBit=31,
      PixelRepresentation=1)
expect("int32_be.dcm", pydicom_display(p("int32_be.dcm")))

# --- 3. display conventions -------------------------------------------------------------------------------
raw = rng.integers(0, 4096, size=(6, 8)).astype(np.uint16)
dicom(p("monochrome1.dcm"), raw.astype("<u2").tobytes(), Modality="MG", SamplesPerPixel=1,
      PhotometricInterpretation="MONOCHROME1", Rows=6, Columns=8, BitsAllocated=16, BitsStored=12, HighBit=11,
      PixelRepresentation=0, WindowCenter=1000, WindowWidth=600, RescaleSlope=2, RescaleIntercept=-100)
expect("monochrome1.dcm", pydicom_display(p("monochrome1.dcm")))
# window centre mapped like the values: c' = lo + hi - c with lo, hi the rescaled stored range
g.value("monochrome1.window", [(0 * 2 - 100) + (4095 * 2 - 100) - 1000, 600])
g.value("monochrome1.raw_sum", float(raw.sum()))

rgb = rng.integers(0, 256, size=(6, 8, 3)).astype(np.uint8)
ybr = convert_color_space(rgb, "RGB", "YBR_FULL")
dicom(p("ybr_full.dcm"), ybr.tobytes(), SamplesPerPixel=3, PhotometricInterpretation="YBR_FULL", PlanarConfiguration=0,
      Rows=6, Columns=8, BitsAllocated=8, BitsStored=8, HighBit=7, PixelRepresentation=0)
expect("ybr_full.dcm", pydicom_display(p("ybr_full.dcm")))
g.value("ybr_full.raw", ybr.transpose(2, 0, 1).reshape(-1).astype(float).tolist())

grey = rng.integers(0, 256, size=(9, 11)).astype(np.uint8)
im = Image.fromarray(grey).convert("P", palette=Image.Palette.ADAPTIVE, colors=256)
pal = np.asarray(im.getpalette()).reshape(-1, 3)
assert np.all(pal[:, 0] == pal[:, 1]) and np.all(pal[:, 1] == pal[:, 2]), "adaptive palette of a grey image is grey"
im.save(p("palette_grey.png"))
expect("palette_grey.png", np.asarray(Image.open(p("palette_grey.png")).convert("L"))[None])
colour = Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
colour.save(p("palette_colour.png"))
expect("palette_colour.png", np.asarray(Image.open(p("palette_colour.png")).convert("RGB")).transpose(2, 0, 1))

for bits, dtype in ((8, np.uint8), (16, np.uint16)):
    a = rng.integers(0, np.iinfo(dtype).max + 1, size=(5, 6)).astype(dtype)
    tifffile.imwrite(p(f"miniswhite{bits}.tif"), a, photometric="miniswhite")
    with tifffile.TiffFile(p(f"miniswhite{bits}.tif")) as t:
        assert t.pages[0].photometric == tifffile.PHOTOMETRIC.MINISWHITE
        stored = t.pages[0].asarray().astype(np.float64)
    expect(f"miniswhite{bits}.tif", (np.iinfo(dtype).max - stored)[None])

# NIfTI scaling in float64: a slope whose product overflows float32 is an error; an ordinary one is exact.
data16 = rng.integers(-100, 100, size=(3, 4, 5)).astype(np.int16)
img = nib.Nifti1Image(data16, np.eye(4))
img.header.set_slope_inter(3e38, 0)
nib.save(img, p("slope_3e38.nii"))
g.value("slope_3e38.max_abs", float(np.abs(np.asanyarray(nib.load(p("slope_3e38.nii")).dataobj)).max()))
data32 = rng.integers(-2**31, 2**31, size=(3, 4, 5)).astype(np.int32)
img = nib.Nifti1Image(data32, np.eye(4))
img.header.set_slope_inter(1e-3, 7.25)
nib.save(img, p("slope_int32.nii"))
vals = np.asanyarray(nib.load(p("slope_int32.nii")).dataobj).astype(np.float64)  # nibabel: float64 scaling
expect("slope_int32.nii", vals.astype(np.float32).astype(np.float64).transpose(2, 1, 0)[None])

# --- 2. valid files refused ---------------------------------------------------------------------------------
with open(get_testdata_file("MR_small.dcm"), "rb") as f:
    mr = f.read()
with open(p("mr_zero_padded.dcm"), "wb") as f:
    f.write(mr + b"\0" * 256)
expect("mr_zero_padded.dcm", pydicom_display(get_testdata_file("MR_small.dcm")))
shutil.copy(get_testdata_file("JPEG2000-embedded-sequence-delimiter.dcm"), p("JPEG2000-embedded-sequence-delimiter.dcm"))


# --- 4. resource limits -------------------------------------------------------------------------------------
def element_le(group, elem, vr, value, long_form):
    head = struct.pack("<HH", group, elem) + vr
    return head + (struct.pack("<HI", 0, len(value)) if long_form else struct.pack("<H", len(value))) + value


def meta_group(ts_uid):
    ts = ts_uid.encode() + (b"\0" if len(ts_uid) % 2 else b"")
    sop = b"1.2.840.10008.5.1.4.1.1.7\0"
    body = element_le(2, 1, b"OB", b"\0\1", True) + element_le(2, 2, b"UI", sop, False) \
        + element_le(2, 3, b"UI", b"1.2.3.4\0", False) + element_le(2, 0x10, b"UI", ts, False)
    return element_le(2, 0, b"UL", struct.pack("<I", len(body)), False) + body


def image_elements(rows, cols, pixels):
    return (element_le(0x28, 2, b"US", struct.pack("<H", 1), False)
            + element_le(0x28, 4, b"CS", b"MONOCHROME2 ", False)
            + element_le(0x28, 0x10, b"US", struct.pack("<H", rows), False)
            + element_le(0x28, 0x11, b"US", struct.pack("<H", cols), False)
            + element_le(0x28, 0x100, b"US", struct.pack("<H", 8), False)
            + element_le(0x28, 0x101, b"US", struct.pack("<H", 8), False)
            + element_le(0x28, 0x102, b"US", struct.pack("<H", 7), False)
            + element_le(0x28, 0x103, b"US", struct.pack("<H", 0), False)
            + element_le(0x7FE0, 0x10, b"OB", pixels, True))


pix = rng.integers(0, 256, size=(4, 5)).astype(np.uint8)
pre = b"\0" * 128 + b"DICM" + meta_group(ExplicitVRLittleEndian)
# unknown VR "DC": GDCM reads reserved bytes + a 4-byte length (PS3.5 7.1.2 for VRs it does not know)
dc_ok = element_le(0x0009, 0x0010, b"LO", b"MEDLEARN", False) + element_le(0x0009, 0x1001, b"DC", b"abcd", True)
with open(p("vr_dc_ok.dcm"), "wb") as f:
    f.write(pre + dc_ok + image_elements(4, 5, pix.tobytes()))
expect("vr_dc_ok.dcm", pix.astype(np.float64)[None])
# the 3.3 KB bomb: "DC" with a 2-byte length 0 in the first 2 bytes GDCM reads as reserved, 4-byte length 0xF0000000
bomb = struct.pack("<HH", 0x0009, 0x1001) + b"DC" + struct.pack("<HI", 0, 0xF0000000) + b"\0" * 3200
with open(p("vr_dc_bomb.dcm"), "wb") as f:
    f.write(pre + element_le(0x0009, 0x0010, b"LO", b"MEDLEARN", False) + bomb)

# deflated dataset inflating to 4 MB (2000 x 1000 16-bit zeros with a ramp)
big = np.zeros((1000, 2000), dtype=np.uint16)
big[0, :] = np.arange(2000)
dicom(p("deflate_4mb.dcm"), big.astype("<u2").tobytes(), ts=DeflatedExplicitVRLittleEndian, SamplesPerPixel=1,
      PhotometricInterpretation="MONOCHROME2", Rows=1000, Columns=2000, BitsAllocated=16, BitsStored=16, HighBit=15,
      PixelRepresentation=0)
g.value("deflate_4mb.sum", float(big.astype(np.float64).sum()))
g.value("deflate_4mb.file_bytes", os.path.getsize(p("deflate_4mb.dcm")))

# .nii.gz declaring 256 x 256 x 256 int16 (32 MB) of zeros in a few kB
img = nib.Nifti1Image(np.zeros((256, 256, 256), dtype=np.int16), np.eye(4))
nib.save(img, p("zeros_32mb.nii.gz"))
g.value("zeros_32mb.bytes", 256 * 256 * 256 * 2)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


with open(p("png_40000.png"), "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 40000, 40000, 8, 0, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(b"\0" * 40001)) + png_chunk(b"IEND", b""))
a16 = (rng.integers(0, 65536, size=(40, 30))).astype(np.uint16)
Image.fromarray(a16.astype(np.int32), mode="I").save(p("grey16.png"))  # 16-bit PNG
expect("grey16.png", np.asarray(Image.open(p("grey16.png"))).astype(np.float64)[None])

# --- 5. content decides the format ----------------------------------------------------------------------------
small = rng.integers(0, 256, size=(7, 9)).astype(np.uint8)
Image.fromarray(small).save(p("seed.png"))
Image.fromarray(np.stack([small] * 3, -1)).save(p("seed.jpg"), quality=90)
tifffile.imwrite(p("seed.tif"), small)
vol = rng.integers(-500, 500, size=(5, 4, 3)).astype(np.int16)
nib.save(nib.Nifti1Image(vol, np.diag([0.5, 0.75, 2.0, 1.0])), p("seed.nii"))
nib.save(nib.Nifti1Image(vol, np.diag([0.5, 0.75, 2.0, 1.0])), p("seed.nii.gz"))
dicom(p("seed.dcm"), small.tobytes(), SamplesPerPixel=1, PhotometricInterpretation="MONOCHROME2", Rows=7, Columns=9,
      BitsAllocated=8, BitsStored=8, HighBit=7, PixelRepresentation=0)
expect("seed_2d", small.astype(np.float64)[None])
expect("seed_nii", vol.astype(np.float64).transpose(2, 1, 0)[None])
for src, dst in (("seed.nii", "content_nifti.dcm"), ("seed.png", "content_png.dcm"), ("seed.tif", "content_tiff.dcm"),
                 ("seed.png", "content_png.nii"), ("seed.nii.gz", "content_gzip.nii"), ("seed.dcm", "content_dicom.png")):
    shutil.copy(p(src), p(dst))
with open(p("seed.nii.gz"), "rb") as f:
    gz = bytearray(f.read())
gz[-8] ^= 0xFF  # CRC32 of the trailer
with open(p("bad_crc.nii.gz"), "wb") as f:
    f.write(gz)
with open(p("content_gzip_text.nii"), "wb") as f:
    f.write(gzip.compress(b"not an image\n" * 50, mtime=0))

# --- 7. header/image pairs, ANALYZE 7.5, complex NIfTI -----------------------------------------------------
affine = np.array([[0.5, 0, 0, -10], [0, 0.75, 0, 20], [0, 0, 2.0, 5], [0, 0, 0, 1]])
nib.save(nib.Nifti1Pair(vol, affine), p("pair.img"))
loaded = nib.load(p("pair.hdr"))
expect("pair.hdr", np.asanyarray(loaded.dataobj).astype(np.float64).transpose(2, 1, 0)[None])
g.value("pair.affine", loaded.affine.reshape(-1).tolist())
ana = nib.AnalyzeImage(vol, affine)
nib.save(ana, p("analyze.img"))
loaded = nib.load(p("analyze.hdr"))
expect("analyze.hdr", np.asanyarray(loaded.dataobj).astype(np.float64).transpose(2, 1, 0)[None])
g.value("analyze.affine", loaded.affine.reshape(-1).tolist())
g.value("analyze.zooms", [float(z) for z in loaded.header.get_zooms()])
nib.save(nib.Nifti1Image((vol + 1j * vol).astype(np.complex64), np.eye(4)), p("complex.nii"))
tifffile.imwrite(p("planar16_rgb.tif"), rng.integers(0, 65536, size=(3, 4, 5)).astype(np.uint16), photometric="rgb", planarconfig="separate")
tifffile.imwrite(p("uint32.tif"), rng.integers(0, 2**32, size=(4, 5), dtype=np.uint64).astype(np.uint32))

g.save()
print(f"wrote {len(os.listdir(OUT))} files into {OUT}")
