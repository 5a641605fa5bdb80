"""DICOM VOI LUT Sequence / VOI LUT Function files and pydicom's display values (issue 12 item 3,
tests/MedLearn.Tests/Readers/VoiLutTests.cs).

Writes small DICOM files into tests/MedLearn.Tests/Golden/voi_lut/ and, into
tests/MedLearn.Tests/Golden/voi_lut.json, pydicom 2.3's apply_voi_lut(pixel_array, ds) for each, divided by its
output range so it lands in [0, 1] as MedLearn's VoiTransform does:
  - VOI LUT: lut value / (2^bits_per_entry - 1);
  - window:  (y - y_min) / (y_max - y_min), y_min/y_max pydicom's (the BitsStored range; no rescale in these files).
Inputs for the 8-bit LUT stay within first_map + 255 (pydicom 2.3 computes the LUT index in the LUT's own dtype,
which wraps for 8-bit LUTs beyond that). Deterministic: fixed seed, fixed UIDs, no dates.
Run with /usr/bin/python3 (tools/golden/regen.sh). Never edit the outputs by hand.
"""
import os
import shutil
import warnings

import numpy as np
import torch
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.pixel_data_handlers.util import apply_voi_lut
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

import pydicom
from golden import Golden, golden_dir

warnings.simplefilter("ignore")
g = Golden("voi_lut", suite="MedLearn.Tests")
OUT = os.path.join(golden_dir("MedLearn.Tests"), "voi_lut")
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
rng = np.random.default_rng(1203)
ROWS, COLS = 8, 9


def write(name, pixels, signed, bits_stored, lut=None, center=None, width=None, function=None,
          photometric="MONOCHROME2", oracle=True):
    """pixels: int array [ROWS, COLS]; lut: (first_map, bits, entries list, explanation, vr of LUTData[, count])."""
    path = os.path.join(OUT, name)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.2"  # digital mammography, for presentation
    meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.8.498.1203." + str(sum(map(ord, name)))
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "MG"
    ds.Rows, ds.Columns = ROWS, COLS
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if center is not None:
        ds.WindowCenter = center
        ds.WindowWidth = width
    if function is not None:
        ds.VOILUTFunction = function
    if lut is not None:
        first, bits, entries, explanation, vr = lut[:5]
        item = Dataset()
        n = lut[5] if len(lut) > 5 else len(entries)  # a 6th value overrides the descriptor's count (hostile files)
        item.add(DataElement(0x00283002, "SS" if signed else "US", [n % 65536, first, bits]))
        if vr == "OW":
            item.add(DataElement(0x00283006, "OW", np.asarray(entries, dtype="<u2").tobytes()))
        else:
            item.add(DataElement(0x00283006, "US", [int(v) for v in entries]))
        item.LUTExplanation = explanation
        ds.VOILUTSequence = Sequence([item])
    ds.PixelData = np.asarray(pixels, dtype="<i2" if signed else "<u2").tobytes()
    ds.save_as(path, write_like_original=False)
    if not oracle:
        return

    back = pydicom.dcmread(path)
    arr = back.pixel_array
    y = apply_voi_lut(arr, back).astype(np.float64)
    if lut is not None:
        y = y / (2 ** lut[1] - 1)
    else:
        if signed:
            y_min, y_max = -(2 ** (bits_stored - 1)), 2 ** (bits_stored - 1) - 1
        else:
            y_min, y_max = 0, 2 ** bits_stored - 1
        y = (y - y_min) / (y_max - y_min)
    stem = name[:-4]
    g.tensor(stem, torch.from_numpy(np.ascontiguousarray(y.reshape(1, ROWS, COLS))))
    g.tensor(stem + ".input", torch.from_numpy(arr.astype(np.float64).reshape(1, ROWS, COLS)))
    if lut is not None:
        g.value(stem + ".lut", [first, bits, len(entries), explanation])


# 8-bit entries, unsigned 12-bit pixels: first mapped 100, 200 entries; inputs 40..355 cover below/inside/above.
lut8 = rng.integers(0, 256, 200)
write("lut8.dcm", rng.integers(40, 356, (ROWS, COLS)), False, 12, lut=(100, 8, lut8, "8-bit test LUT", "US"),
      center=2048, width=4096)  # the LUT wins over the window
# 16-bit entries, signed pixels, negative first mapped value (descriptor as SS).
lut16 = np.sort(rng.integers(0, 65536, 1000))
write("lut16_signed.dcm", rng.integers(-700, 701, (ROWS, COLS)), True, 16,
      lut=(-500, 16, lut16, "16-bit signed LUT", "US"))
# Descriptor first value 0 = 65536 entries (LUT Data as OW), 12 bits per entry.
lut65536 = (np.arange(65536) * 4095 // 65535)[::-1].copy()
write("lut65536.dcm", rng.integers(0, 65536, (ROWS, COLS)), False, 16, lut=(0, 12, lut65536, "inverting", "OW"))
# Windows with each VOI LUT Function (12-bit unsigned; mammography-like values).
win = rng.integers(0, 4096, (ROWS, COLS))
write("sigmoid.dcm", win, False, 12, center=2000, width=1000, function="SIGMOID")
write("linear_exact.dcm", win, False, 12, center=2000.5, width=1500, function="LINEAR_EXACT")
write("linear.dcm", win, False, 12, center=2000, width=1500, function="LINEAR")
write("linear_default.dcm", win, False, 12, center=1000, width=801)  # no function: LINEAR
write("signed_sigmoid.dcm", rng.integers(-1000, 1001, (ROWS, COLS)), True, 12, center=-100, width=300, function="SIGMOID")
write("no_voi.dcm", win, False, 12)  # neither: the transform refuses it
# MONOCHROME1 with a LUT: pydicom applies it to the stored (un-inverted) values; MedLearn keeps it only when the
# reader is told not to invert.
write("mono1_lut8.dcm", rng.integers(40, 356, (ROWS, COLS)), False, 12, lut=(100, 8, lut8, "mono1", "US"),
      photometric="MONOCHROME1")
# Hostile: bits per entry 20 (PS3.3 allows 8..16) and LUT Data shorter than its descriptor: the read is refused.
write("lut_bad_bits.dcm", win, False, 12, lut=(0, 20, [1, 2, 3], "bad", "US"), oracle=False)
bad_short = rng.integers(0, 256, 10)
write("lut_short.dcm", win, False, 12, lut=(0, 8, bad_short, "short", "US", 300), oracle=False)
g.save()
