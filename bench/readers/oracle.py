"""Oracle values for the reader comparison (bench/readers/run.sh): every test file Debian ships with pydicom,
nibabel and scikit-image, plus the regression files of tools/golden/gen_readers_regressions.py, decoded by
pydicom / nibabel / tifffile / PIL with MedLearn's documented display conventions applied (docs/data.md):
rescale slope/intercept (DoseGridScaling for RT dose), MONOCHROME1 inverted over the stored range,
YBR_FULL/YBR_FULL_422 converted to RGB (pydicom's convert_color_space), a grey palette PNG kept single-channel,
MINISWHITE TIFF inverted over the sample range.

Writes a JSON list of {path, oracle, numel, sum, sumsq, min, max, tol} or {path, oracle, refused: reason} to argv[1].
Statistics are order-free (the readers may reorder frames along the slice normal); `tol` is the allowed absolute
difference of min/max/mean (0 for lossless data, a few grey levels for lossy JPEG).
Run with /usr/bin/python3 (the pyenv python3 has no pydicom).
"""
import glob
import json
import os
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")
import nibabel as nib  # noqa: E402
import pydicom  # noqa: E402
import tifffile  # noqa: E402
from PIL import Image  # noqa: E402
from pydicom.pixel_data_handlers.util import convert_color_space  # noqa: E402

PYDICOM = "/usr/lib/python3/dist-packages/pydicom/data/test_files"
NIBABEL = "/usr/lib/python3/dist-packages/nibabel/tests/data"
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
HERE = os.path.dirname(os.path.abspath(__file__))
REGRESSIONS = os.path.join(HERE, "..", "..", "tests", "MedLearn.Tests", "Golden", "readers_regressions")
LOSSY = ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.91")


def stats(a, tol=0.0):
    a = np.nan_to_num(np.asarray(a, dtype=np.float64), nan=0.0)  # NaN voxels count as 0 on both sides
    return {"numel": int(a.size), "sum": float(a.sum()), "sumsq": float((a * a).sum()),
            "min": float(a.min()), "max": float(a.max()), "tol": tol}


def dicom(path):
    ds = pydicom.dcmread(path, force=True)
    if "PixelData" not in ds:
        return None
    a = ds.pixel_array
    pi = str(ds.get("PhotometricInterpretation", "")).strip()
    if pi in ("YBR_FULL", "YBR_FULL_422") and int(ds.SamplesPerPixel) == 3:
        a = convert_color_space(a, pi, "RGB")
    if int(ds.BitsAllocated) > 1 and int(ds.BitsStored) < int(ds.BitsAllocated) and a.dtype.kind in "iu":
        # PS3.5 8.1.1: only the low BitsStored bits are the value (pydicom 2.3 keeps the high bits; pydicom 3 masks)
        bs = int(ds.BitsStored)
        a = a.astype(np.int64) & ((1 << bs) - 1)
        if int(ds.PixelRepresentation) == 1:
            a = np.where(a >= 1 << (bs - 1), a - (1 << bs), a)
    a = a.astype(np.float64)
    if pi == "MONOCHROME1":
        bs, signed = int(ds.BitsStored), int(ds.PixelRepresentation) == 1
        a = (-1.0 if signed else float(2 ** bs - 1)) - a
    slope = ds.get("RescaleSlope")
    intercept = ds.get("RescaleIntercept")
    if slope is None and intercept is None and "DoseGridScaling" in ds:
        slope = ds.DoseGridScaling
    a = a * float(slope if slope is not None else 1) + float(intercept if intercept is not None else 0)
    ts = str(ds.file_meta.get("TransferSyntaxUID", "")) if hasattr(ds, "file_meta") else ""
    return stats(a, 3.0 if ts in LOSSY else 0.0)


def nifti(path):
    img = nib.load(path)
    a = np.asanyarray(img.dataobj)
    if a.dtype.names:  # RGB24 / RGBA32 structured voxels
        a = np.stack([a[n] for n in a.dtype.names])
    return stats(a)


def raster(path):
    if path.lower().endswith((".tif", ".tiff")):
        with tifffile.TiffFile(path) as t:
            page = t.pages[0]
            a = page.asarray()
            if page.photometric == tifffile.PHOTOMETRIC.MINISWHITE:
                a = np.iinfo(a.dtype).max - a.astype(np.int64) if a.dtype.kind in "ui" else -a
        return stats(a)
    if path.lower().endswith(".png"):
        with open(path, "rb") as f:
            ihdr = f.read(29)
        if ihdr[24] == 16 and ihdr[25] in (2, 6):
            raise ValueError("PIL reduces 16-bit colour PNGs to 8 bits")  # no oracle for them here
    im = Image.open(path)
    im.seek(0)
    if im.mode == "1":
        im = im.convert("L")  # 1-bit PNG: 0/255 as libpng and OpenCV expand it
    if im.mode == "P":
        pal = np.asarray(im.getpalette()).reshape(-1, 3)
        grey = bool(np.all(pal[:, 0] == pal[:, 1]) and np.all(pal[:, 1] == pal[:, 2]))
        im = im.convert("L" if grey and "transparency" not in im.info else ("RGBA" if "transparency" in im.info else "RGB"))
    elif im.mode == "LA":
        im = im.convert("RGBA")
    tol = 2.0 if path.lower().endswith((".jpg", ".jpeg")) else 0.0
    return stats(np.asarray(im), tol)


def entry(path, oracle, fn):
    try:
        r = fn(path)
    except Exception as e:  # the oracle refuses: the reader may refuse too
        r = {"refused": f"{type(e).__name__}: {str(e)[:120]}"}
    if r is None:
        return None
    return {"path": os.path.abspath(path), "oracle": oracle, **r}


out = []
for p in sorted(glob.glob(os.path.join(PYDICOM, "*.dcm"))):
    e = entry(p, "pydicom", dicom)
    if e:
        out.append(e)
for p in sorted(glob.glob(os.path.join(NIBABEL, "*.nii*")) + [os.path.join(NIBABEL, "analyze.hdr")]):
    if p.endswith("dconn.nii"):
        continue  # CIFTI-2 matrix
    out.append(entry(p, "nibabel", nifti))
for p in sorted(glob.glob(os.path.join(SKIMAGE, "*.png")) + glob.glob(os.path.join(SKIMAGE, "*.jpg"))
                + glob.glob(os.path.join(SKIMAGE, "*.tif"))):
    out.append(entry(p, "PIL/tifffile", raster))
for p in sorted(glob.glob(os.path.join(REGRESSIONS, "*"))):
    name = os.path.basename(p)
    if name.endswith((".dcm",)) and not name.startswith("content_"):
        e = entry(p, "pydicom", dicom)
    elif name.endswith((".nii", ".nii.gz", ".hdr")) and not name.startswith("content_"):
        e = entry(p, "nibabel", nifti)
    elif name.endswith((".png", ".tif", ".jpg")):
        e = entry(p, "PIL/tifffile", raster)
    else:
        continue
    if e:
        out.append(e)
with open(sys.argv[1], "w") as f:
    json.dump(out, f, indent=0)
print(f"wrote {sys.argv[1]}: {len(out)} files")
