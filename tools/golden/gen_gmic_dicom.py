"""A MONOCHROME1 screening-like DICOM with a window, and what GMIC's 'resize' preprocessing must make of it.

Writes tests/MedLearn.Tests/Golden/gmic_dicom/mono1_window.dcm (pydicom, synthetic data only: no patient data) and
golden gmic_dicom.json: the image the preprocessing must return at the file's own size (so the bilinear resize is
the identity): stored x (BitsStored 12) -> MONOCHROME1 inverted to 4095 - x -> the file's LINEAR window
(DICOM C.11.2.1.2.1 on the inverted values, centre inverted too: c' = 4095 - c) -> per-image standardisation
(x - mean) / std (population std, correction 0, as NormalizeIntensity).
Run with /usr/bin/python3 (the pyenv python3 has no pydicom).
"""
import os

import numpy as np
import pydicom
import torch
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from golden import Golden, golden_dir

g = Golden("gmic_dicom", suite="MedLearn.Tests")
ROWS, COLS = 32, 24
CENTER, WIDTH = 2600.0, 2000.0   # stored-value sense (MONOCHROME1)
yy, xx = np.mgrid[0:ROWS, 0:COLS]
# Breast against the RIGHT edge: dense (low stored values in MONOCHROME1 = bright) near x = COLS-1.
dist = np.sqrt(((xx - (COLS - 1)) / 18.0) ** 2 + ((yy - ROWS / 2) / 14.0) ** 2)
stored = np.where(dist < 1, 1200 + 900 * dist, 3900).astype(np.uint16)
stored += (np.arange(ROWS * COLS).reshape(ROWS, COLS) * 7 % 50).astype(np.uint16)

meta = FileMetaDataset()
meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.1.2"   # digital mammography, for presentation
meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=["medlearn-gmic-dicom"])
meta.TransferSyntaxUID = ExplicitVRLittleEndian
out_dir = os.path.join(golden_dir("MedLearn.Tests"), "gmic_dicom")
os.makedirs(out_dir, exist_ok=True)
path = os.path.join(out_dir, "mono1_window.dcm")
ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
ds.is_little_endian = True
ds.is_implicit_VR = False
ds.SOPClassUID = meta.MediaStorageSOPClassUID
ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
ds.Modality = "MG"
ds.PatientName = "Synthetic^Phantom"
ds.Rows, ds.Columns = ROWS, COLS
ds.SamplesPerPixel = 1
ds.PhotometricInterpretation = "MONOCHROME1"
ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
ds.PixelRepresentation = 0
ds.WindowCenter = CENTER
ds.WindowWidth = WIDTH
ds.PixelData = stored.tobytes()
ds.save_as(path, write_like_original=False)

# The oracle.
x = pydicom.dcmread(path).pixel_array.astype(np.float64)
inv = 4095 - x
c = 4095 - CENTER
y = np.clip((inv - (c - 0.5)) / (WIDTH - 1) + 0.5, 0, 1)
t = torch.tensor(y, dtype=torch.float32)
t = (t - t.mean()) / t.std(unbiased=False)
g.tensor("resize_profile", t.unsqueeze(0))
g.save()
