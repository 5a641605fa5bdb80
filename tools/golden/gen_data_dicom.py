"""Golden values for the DICOM readers (tests/MedLearn.Tests/Dicom).

Oracle: pydicom 2.3 (Debian python3-pydicom) on the real test files it ships, plus a synthetic CT-like series
written here into tests/MedLearn.Tests/Golden/dicom_series*/ (no real patient data: synthetic names only).
Run with /usr/bin/python3 (the pyenv python3 has no pydicom).
"""
import os
import shutil
import warnings

import numpy as np
import pydicom
import torch
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from golden import Golden, golden_dir

warnings.simplefilter("ignore")
g = Golden("dicom", suite="MedLearn.Tests")

# Files pydicom can decode with the handlers Debian installs (numpy, pillow, rle). JPEG-LS, JPEG lossless and
# some J2K files are checked in C# against their uncompressed twins instead.
FILES = [
    "CT_small.dcm", "MR_small.dcm", "MR_small_RLE.dcm", "MR_small_jp2klossless.dcm", "MR_small_bigendian.dcm",
    "MR_small_implicit.dcm", "image_dfl.dcm", "liver_1frame.dcm", "SC_rgb_jpeg_dcmd.dcm", "SC_rgb_rle.dcm",
    "SC_rgb_rle_2frame.dcm", "SC_rgb_small_odd.dcm", "rtdose.dcm", "JPEG2000.dcm",
    "SC_rgb_dcmtk_+eb+cr.dcm",
]


def key(name):
    return name.replace(".dcm", "").replace("+", "p")


for name in FILES:
    path = get_testdata_file(name)
    ds = pydicom.dcmread(path)
    a = ds.pixel_array
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    spp = int(ds.SamplesPerPixel)
    a = a.reshape(frames, int(ds.Rows), int(ds.Columns), spp).astype(np.float64)
    k = key(name)
    g.value(k + ".shape", list(a.shape))
    g.value(k + ".sum", float(a.sum()))
    g.value(k + ".sumsq", float((a * a).sum()))
    g.value(k + ".min", float(a.min()))
    g.value(k + ".max", float(a.max()))
    flat = a.reshape(-1)
    idx = [0, 1, len(flat) // 3, len(flat) // 2, len(flat) - 1]
    g.value(k + ".probe_index", idx)
    g.value(k + ".probe_value", [float(flat[i]) for i in idx])
    slope = float(ds.get("RescaleSlope", 1) or 1)
    intercept = float(ds.get("RescaleIntercept", 0) or 0)
    g.value(k + ".rescaled_sum", float((a * slope + intercept).sum()))
    g.value(k + ".bits_stored", int(ds.BitsStored))
    for tag in ("ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing"):
        if tag in ds:
            g.value(k + "." + tag, [float(v) for v in ds[tag].value])
    for tag in ("WindowCenter", "WindowWidth", "RescaleSlope", "RescaleIntercept", "SliceThickness"):
        if tag in ds and ds[tag].value is not None:
            v = ds[tag].value
            g.value(k + "." + tag, float(v[0] if isinstance(v, pydicom.multival.MultiValue) else v))
    g.value(k + ".Modality", str(ds.get("Modality", "")))
    if "GridFrameOffsetVector" in ds:
        g.value(k + ".GridFrameOffsetVector", [float(v) for v in ds.GridFrameOffsetVector])
        g.value(k + ".DoseGridScaling", float(ds.DoseGridScaling))

# --- synthetic series ------------------------------------------------------------------------------------
ROOT = golden_dir("MedLearn.Tests")
rng = np.random.default_rng(20240611)
ROWS, COLS, SLICES = 12, 10, 6
ROW_SPACING, COL_SPACING, SLICE_SPACING = 0.8, 0.6, 2.5
SLOPE, INTERCEPT = 2.0, -1024.0
PATIENT_NAME, PATIENT_ID = "Zzyzx^Quintessa", "PID-778899"   # synthetic; tests assert they never leak


def rotation(ax, ay, az):
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


R = rotation(0.3, -0.2, 0.5)
ROW_COS, COL_COS = R[:, 0], R[:, 1]
NORMAL = np.cross(ROW_COS, COL_COS)
ORIGIN = np.array([-30.5, 12.25, 40.0])
RAW = rng.integers(0, 4096, size=(SLICES, ROWS, COLS)).astype(np.uint16)


def write_slice(path, k, series_uid, raw, iop=None, rows=ROWS, cols=COLS, position=None, instance=1):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"  # CT Image Storage
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[series_uid, str(k), os.path.basename(os.path.dirname(path)), os.path.basename(path)])
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientName, ds.PatientID = PATIENT_NAME, PATIENT_ID
    ds.Modality = "CT"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    ds.SeriesInstanceUID = series_uid
    ds.InstanceNumber = instance
    pos = ORIGIN + k * SLICE_SPACING * NORMAL if position is None else position
    ds.ImagePositionPatient = [f"{v:.6f}" for v in pos]
    ds.ImageOrientationPatient = [f"{v:.8f}" for v in (np.concatenate([ROW_COS, COL_COS]) if iop is None else iop)]
    ds.PixelSpacing = [ROW_SPACING, COL_SPACING]
    ds.SliceThickness = 3.0   # deliberately not the spacing
    ds.RescaleSlope, ds.RescaleIntercept = SLOPE, INTERCEPT
    ds.WindowCenter, ds.WindowWidth = 40, 400
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = rows, cols
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.PixelData = np.ascontiguousarray(raw[:rows, :cols]).astype("<u2").tobytes()
    ds.save_as(path, write_like_original=False)


def fresh(name):
    d = os.path.join(ROOT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def write_series(name, slices, series_uid, **per_slice):
    d = fresh(name)
    perm = rng.permutation(len(slices))   # file names and instance numbers do not follow position
    for j, k in enumerate(slices):
        extra = {kk: v(k) for kk, v in per_slice.items()}
        write_slice(os.path.join(d, f"IM{perm[j]:04d}.dcm"), k, series_uid, RAW[k], instance=int(perm[j]) + 1, **extra)
    return d


UID_A = "1.2.826.0.1.3680043.8.498.10"
UID_B = "1.2.826.0.1.3680043.8.498.11"
write_series("dicom_series", range(SLICES), UID_A)
write_series("dicom_series_missing", [0, 1, 2, 4, 5], UID_A)
write_series("dicom_series_mixed", range(4), UID_A,
             iop=lambda k: [1, 0, 0, 0, 1, 0] if k == 2 else None)
write_series("dicom_series_sizes", range(4), UID_A, rows=lambda k: ROWS - 2 if k == 1 else ROWS)
d = write_series("dicom_series_two", range(3), UID_A)
for k in range(3):
    write_slice(os.path.join(d, f"B{k}.dcm"), k, UID_B, RAW[k] // 2, position=ORIGIN + np.array([0, 0, 200.0]) + k * 4.0 * NORMAL)

affine = np.eye(4)
affine[:3, 0] = ROW_COS * COL_SPACING
affine[:3, 1] = COL_COS * ROW_SPACING
affine[:3, 2] = NORMAL * SLICE_SPACING
affine[:3, 3] = ORIGIN
g.value("series.affine", affine.reshape(-1).tolist())
g.value("series.spacing", [SLICE_SPACING, ROW_SPACING, COL_SPACING])
g.value("series.uid_a", UID_A)
g.value("series.uid_b", UID_B)
g.value("series.patient_name", PATIENT_NAME)
g.value("series.patient_id", PATIENT_ID)
hu = RAW.astype(np.float64) * SLOPE + INTERCEPT
g.tensor("series.volume", torch.from_numpy(hu.astype(np.float32)).reshape(1, SLICES, ROWS, COLS))
g.value("series.volume_sum", float(hu.sum()))
g.tensor("series_b.volume", torch.from_numpy(((RAW[:3] // 2).astype(np.float64) * SLOPE + INTERCEPT).astype(np.float32)).reshape(1, 3, ROWS, COLS))
g.save()
