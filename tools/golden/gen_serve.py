"""Inputs of the `medlearn serve` tests (tests/MedLearn.Server.Tests/Golden/serve), written with pydicom, nibabel, PIL,
tifffile and zlib, byte for byte reproducibly; serve.json (beside the folder) records their SHA-256 so that the
reproducibility test (MEDLEARN_GOLDEN_DIR) checks the checked-in files are what this script writes.

marked.dcm            16-bit MONOCHROME2 CT slice (20 x 24) whose patient and physician tags carry MARKER strings:
                      the service must never write them to a response, an error or its log.
marked_no_pixels.dcm  the same header without Pixel Data (a valid DICOM file that is not an image).
volume.nii.gz         a 3-D NIfTI volume (24 x 20 x 6): a 2-D classifier must refuse it with a clear error.
slice.png, slice.nii  the same 8-bit 20 x 16 image as PNG and as a one-slice NIfTI (24 x 20 x 1 -> i = columns, j = rows).
grey16.tif            a 16-bit grayscale TIFF (30 x 40).
huge_header.png       a valid PNG signature + IHDR claiming 100000 x 100000 pixels, then a tiny IDAT and IEND.
"""
import gzip
import hashlib
import json
import os
import struct
import zlib

import nibabel as nib
import numpy as np
import tifffile
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

GOLDEN = os.environ.get("MEDLEARN_GOLDEN_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "MedLearn.Server.Tests", "Golden")
OUT = os.path.join(GOLDEN, "serve")
MARKERS = {
    "PatientName": "MARKERSURNAME^MARKERGIVEN",
    "PatientID": "MARKERID-7731",
    "PatientBirthDate": "19010203",
    "OtherPatientIDs": "MARKEROTHERID",
    "ReferringPhysicianName": "MARKERDOCTOR^A",
    "InstitutionName": "MARKERHOSPITAL",
    "AccessionNumber": "MARKERACC991",
}


def dicom(path, with_pixels):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=["serve", os.path.basename(path)])
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(path, {}, file_meta=meta, preamble=b"\0" * 128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    for tag, value in MARKERS.items():
        setattr(ds, tag, value)
    ds.Modality = "CT"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.77"
    ds.SeriesInstanceUID = "1.2.826.0.1.3680043.8.498.78"
    ds.PixelSpacing = [0.5, 0.5]
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.WindowCenter, ds.WindowWidth = 40, 400
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = 20, 24
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    if with_pixels:
        y, x = np.mgrid[0:20, 0:24]
        ds.PixelData = (800 + 40 * x + 25 * y).astype("<u2").tobytes()
    ds.save_as(path, write_like_original=False)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(path):
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def main():
    os.makedirs(OUT, exist_ok=True)
    dicom(os.path.join(OUT, "marked.dcm"), True)
    dicom(os.path.join(OUT, "marked_no_pixels.dcm"), False)
    volume = (np.arange(24 * 20 * 6).reshape(24, 20, 6) % 251).astype(np.int16)
    with gzip.GzipFile(os.path.join(OUT, "volume.nii.gz"), "wb", mtime=0) as f:  # mtime 0: the same bytes every time
        f.write(nib.Nifti1Image(volume, np.diag([0.8, 0.8, 2.0, 1.0])).to_bytes())
    huge_png(os.path.join(OUT, "huge_header.png"))
    y, x = np.mgrid[0:16, 0:20]
    plane = ((x * 11 + y * 7) % 256).astype(np.uint8)  # rows x columns
    Image.fromarray(plane).save(os.path.join(OUT, "slice.png"))
    nib.save(nib.Nifti1Image(plane.T[:, :, None].copy(), np.eye(4)), os.path.join(OUT, "slice.nii"))
    y, x = np.mgrid[0:40, 0:30]
    tifffile.imwrite(os.path.join(OUT, "grey16.tif"), (x * 1500 + y * 400).astype(np.uint16))
    hashes = {name: hashlib.sha256(open(os.path.join(OUT, name), "rb").read()).hexdigest() for name in sorted(os.listdir(OUT))}
    with open(os.path.join(GOLDEN, "serve.json"), "w") as f:
        json.dump({"sha256": hashes}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
