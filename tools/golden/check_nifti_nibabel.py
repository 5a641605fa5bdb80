"""Oracle for NiftiWriter: loads a NIfTI file with nibabel and prints its shape, dtype, affine, qform, zooms and
data checksums as JSON (used by tests/MedLearn.Tests/Readers/NiftiWriterTests.cs through PythonOracle).
Usage: /usr/bin/python3 check_nifti_nibabel.py FILE"""
import json
import sys

import nibabel as nib
import numpy as np

img = nib.load(sys.argv[1])
data = np.asarray(img.dataobj).astype(np.float64)
print(json.dumps({
    "shape": list(img.shape),
    "dtype": str(img.get_data_dtype()),
    "affine": [float(v) for v in img.affine.reshape(-1)],
    "qform": [float(v) for v in img.get_qform().reshape(-1)],
    "qform_code": int(img.header["qform_code"]),
    "sform_code": int(img.header["sform_code"]),
    "zooms": [float(v) for v in img.header.get_zooms()],
    "sum": float(data.sum()),
    "sumsq": float((data ** 2).sum()),
    "first": float(data.reshape(-1, order="F")[0]),
    "last": float(data.reshape(-1, order="F")[-1]),
}))
