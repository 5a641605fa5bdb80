"""Golden values for the image readers (tests/MedLearn.Tests/Readers): real files from Debian packages
(python3-skimage's sample images, python3-nibabel's test data) decoded by PIL and nibabel.

Per raster image: shape in MedLearn's layout [C, H, W], sum, sum of squares, a few pixels and (for JPEG, whose
decoders may differ by +-1 between libjpeg versions) 32x32 block means. Per NIfTI file: shape [C, D, H, W], the
dtype MedLearn is expected to produce, nibabel's affine (img.affine) and zooms, and data checksums.
Run with /usr/bin/python3 (tools/golden/regen.sh).
"""
import os

import numpy as np
import nibabel as nib
import torch
from PIL import Image

from golden import Golden

SK = "/usr/lib/python3/dist-packages/skimage/data"
NB = "/usr/lib/python3/dist-packages/nibabel/tests/data"

RASTER = ["retina.jpg", "rocket.jpg", "camera.png", "astronaut.png", "logo.png", "chelsea.png",
          "chessboard_GRAY_U16.tif", "chessboard_GRAY_U16B.tif", "multipage.tif"]
NIFTI = ["anatomical.nii", "example4d.nii.gz", "example_nifti2.nii.gz", "functional.nii",
         "reoriented_anat_moved.nii", "resampled_anat_moved.nii", "standard.nii.gz"]

# A few fixed probe positions, as fractions of each axis.
PROBES = [(0.0, 0.0), (0.5, 0.5), (0.25, 0.75), (0.9, 0.1), (0.999, 0.999)]

g = Golden("readers", suite="MedLearn.Tests")


def nan_to_none(v):
    return None if np.isnan(v) else float(v)


def key(name):
    return name.replace(".", "_")


for name in RASTER:
    im = Image.open(os.path.join(SK, name))
    im.seek(0)  # first page of a multi-page TIFF
    a = np.asarray(im)
    if a.dtype.byteorder == ">":
        a = a.astype(a.dtype.newbyteorder("<"))
    if a.ndim == 2:
        a = a[:, :, None]
    chw = np.ascontiguousarray(a.transpose(2, 0, 1)).astype(np.float64)
    k = key(name)
    c, h, w = chw.shape
    g.value(k + ".shape", [c, h, w])
    g.value(k + ".bits", 16 if a.dtype == np.uint16 else 8)
    g.value(k + ".sum", float(chw.sum()))
    g.value(k + ".sumsq", float((chw ** 2).sum()))
    g.value(k + ".probes", [[ch, int(fy * (h - 1)), int(fx * (w - 1)), float(chw[ch, int(fy * (h - 1)), int(fx * (w - 1))])]
                            for ch in range(c) for fy, fx in PROBES])
    if name.endswith(".jpg"):
        bh, bw = h // 32, w // 32
        blocks = chw[:, : bh * 32, : bw * 32].reshape(c, bh, 32, bw, 32).mean(axis=(2, 4))
        g.tensor(k + ".blocks", torch.from_numpy(blocks))

for name in NIFTI:
    img = nib.load(os.path.join(NB, name))
    hdr = img.header
    # nibabel moves the header's scl_slope/scl_inter into the data proxy (and sets the header's to NaN) on load.
    slope, inter = float(img.dataobj.slope), float(img.dataobj.inter)
    scaled = not (slope == 1 and inter == 0)
    data = img.get_fdata() if scaled else np.asanyarray(img.dataobj)
    shape = list(data.shape) + [1] * (3 - data.ndim)
    x, y, z = shape[:3]
    t = int(np.prod(shape[3:])) if len(shape) > 3 else 1
    # file order (i fastest) -> [T, Z, Y, X]
    vol = np.asarray(data, dtype=np.float64).reshape((x, y, z, t), order="F").transpose(3, 2, 1, 0)
    k = key(name)
    dt = img.get_data_dtype().newbyteorder("=")
    expected_dtype = "float32" if scaled else {"uint8": "uint8", "int8": "int8", "int16": "int16", "uint16": "int32",
                                                 "int32": "int32", "uint32": "int64", "int64": "int64",
                                                 "float32": "float32", "float64": "float64"}[dt.name]
    g.value(k + ".shape", list(vol.shape))
    g.value(k + ".dtype", expected_dtype)
    g.value(k + ".scale", [slope, inter])
    g.value(k + ".version", 2 if isinstance(hdr, nib.Nifti2Header) else 1)
    g.value(k + ".affine", [float(v) for v in img.affine.reshape(-1)])
    g.value(k + ".zooms", [float(v) for v in hdr.get_zooms()[:3]])
    # NaN voxels (resampled_anat_moved.nii has some) are counted and left out of the sums; NaN probes are null.
    g.value(k + ".nans", int(np.isnan(vol).sum()))
    g.value(k + ".sum", float(np.nansum(vol)))
    g.value(k + ".sumsq", float(np.nansum(vol ** 2)))
    T, Z, Y, X = vol.shape
    g.value(k + ".probes", [[tt, int(fz * (Z - 1)), int(fy * (Y - 1)), int(fx * (X - 1)),
                             nan_to_none(vol[tt, int(fz * (Z - 1)), int(fy * (Y - 1)), int(fx * (X - 1))])]
                            for tt in range(T) for fz, fy, fx in [(0, 0, 0), (0.5, 0.5, 0.5), (0.3, 0.6, 0.9), (1, 1, 1)]])

g.save()
