"""Golden values for MedLearn.Data.Transforms (torchvision.transforms.functional 0.14 as the oracle).

Writes tests/MedLearn.Tests/Golden/transforms.json. Inputs are built from a fixed seed; the C# tests rebuild
them from the stored tensors and compare their transform outputs with tolerances.
"""
import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF
from torchvision.transforms import InterpolationMode

from golden import Golden

torch.manual_seed(1234)
g = Golden("transforms", suite="MedLearn.Tests")

rgb = g.tensor("rgb", torch.rand(3, 11, 14))
gray = g.tensor("gray", torch.rand(1, 9, 12))
vol = g.tensor("vol", torch.rand(1, 5, 6, 7))

# resize (bilinear, align_corners=False, no antialias) and shorter-side resize
g.tensor("resize_7x9", TF.resize(rgb, [7, 9], InterpolationMode.BILINEAR, antialias=False))
g.tensor("resize_up_17x19", TF.resize(rgb, [17, 19], InterpolationMode.BILINEAR, antialias=False))
g.tensor("resize_short_6", TF.resize(rgb, 6, InterpolationMode.BILINEAR, antialias=False))
g.tensor("resize_vol_4x8x5", F.interpolate(vol[None], size=[4, 8, 5], mode="trilinear", align_corners=False)[0])

# resized crop with a given box
g.tensor("resized_crop", TF.resized_crop(rgb, 2, 3, 7, 8, [10, 10], InterpolationMode.BILINEAR, antialias=False))

# affine with fixed parameters (fill=None: plain zeros padding)
for name, (angle, tr, sc, sh) in {
    "affine_rot": (30.0, [0, 0], 1.0, [0.0, 0.0]),
    "affine_all": (-17.0, [2, -1], 1.2, [10.0, -5.0]),
    "affine_scale": (0.0, [1, 2], 0.8, [0.0, 0.0]),
}.items():
    g.tensor(name, TF.affine(rgb, angle=angle, translate=tr, scale=sc, shear=sh,
                             interpolation=InterpolationMode.BILINEAR, fill=None))

# colour adjustments
g.tensor("brightness_1.3", TF.adjust_brightness(rgb, 1.3))
g.tensor("contrast_0.6", TF.adjust_contrast(rgb, 0.6))
g.tensor("contrast_gray_1.4", TF.adjust_contrast(gray, 1.4))
g.tensor("saturation_1.7", TF.adjust_saturation(rgb, 1.7))
g.tensor("hue_0.2", TF.adjust_hue(rgb, 0.2))
g.tensor("hue_-0.35", TF.adjust_hue(rgb, -0.35))
g.tensor("grayscale", TF.rgb_to_grayscale(rgb))

# gaussian blur (reflect padding, 2-D kernel)
g.tensor("blur_5_1.1", TF.gaussian_blur(rgb, [5, 5], [1.1, 1.1]))
g.tensor("blur_3_0.6", TF.gaussian_blur(gray, [3, 3], [0.6, 0.6]))

# normalize
g.tensor("normalize_imagenet", TF.normalize(rgb, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]))

# percentiles (torch.quantile linear)
g.tensor("quantiles", torch.quantile(rgb.reshape(-1).double(), torch.tensor([0.02, 0.5, 0.98], dtype=torch.float64)))

g.save()
