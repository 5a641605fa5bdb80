"""The torchvision 0.14 models of the ConvNeXt / ViT / Swin zoo tests, shared by zoo_vit_oracle.py and check_zoo_vit_load.py.

Full architectures (4 classes) and small configurations of the same torchvision classes (3 classes) for the
training-step and round-trip tests; `perturb` makes every parameter matter (torchvision initialises layer scales
to 1e-6 and the ViT head to zero, which would hide most of the network from a logits comparison).
"""
import contextlib
import math

import torch
import torchvision
from torchvision.models.convnext import CNBlockConfig, ConvNeXt
from torchvision.models.swin_transformer import SwinTransformer
from torchvision.models.vision_transformer import VisionTransformer

# name -> (constructor, input shape)
SMALL = {
    "convnext_mini": (lambda: ConvNeXt([CNBlockConfig(16, 32, 2), CNBlockConfig(32, None, 2)], stochastic_depth_prob=0.5, num_classes=3),
                      (2, 3, 32, 32)),
    "vit_mini": (lambda: VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=32, mlp_dim=64, num_classes=3),
                 (2, 3, 32, 32)),
    "swin_mini": (lambda: SwinTransformer(patch_size=[2, 2], embed_dim=16, depths=[2, 2], num_heads=[2, 4], window_size=[4, 4],
                                          stochastic_depth_prob=0.5, num_classes=3),
                  (2, 3, 24, 24)),
}


def perturb(model):
    """Non-trivial layer scales, norms, biases, tokens and heads (in place, no grad)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("layer_scale"):
                p.uniform_(0.2, 1.0)
            elif name.endswith("relative_position_bias_table"):
                p.normal_(0, 1)
            elif name in ("class_token",) or name.endswith("pos_embedding"):
                p.normal_(0, 0.5)
            elif name.startswith("heads.head") or name.startswith("head.") or name.startswith("classifier.2"):
                p.normal_(0, 0.05)
            elif p.dim() == 1 and name.endswith("weight"):
                p.uniform_(0.5, 1.5)
            elif p.dim() == 1:
                p.uniform_(-0.1, 0.1)
    return model


@contextlib.contextmanager
def no_init():
    """Skips torch.nn.init's initialisers while models are built (86 M trunc_normal draws for ViT-B/16 are slow and
    every value is overwritten by `randomize` or a loaded state dict)."""
    names = ["uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "xavier_uniform_", "xavier_normal_",
             "kaiming_uniform_", "kaiming_normal_"]
    saved = {n: getattr(torch.nn.init, n) for n in names}
    try:
        for n in names:
            setattr(torch.nn.init, n, lambda t, *a, **k: t)
        yield
    finally:
        for n, f in saved.items():
            setattr(torch.nn.init, n, f)


def randomize(model):
    """Fresh values for every parameter: matrices and kernels normal(0, 1/sqrt(fan_in)), then `perturb`."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() > 1:
                p.normal_(0, 1 / math.sqrt(p[0].numel()))
    return perturb(model)
