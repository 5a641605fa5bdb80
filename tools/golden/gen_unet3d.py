"""Golden values for MedLearn.Models.Segmentation.UNet3d and 3-D Grad-CAM of segmentation networks.

Writes tests/MedLearn.Tests/Golden/unet3d.json. The reference network is the common PyTorch U-Net
(milesial/Pytorch-UNet, bilinear=False) written with 3-D layers, with a choice of batch / instance / no norm:
the C# UNet3d must load its state_dict by name and give the same logits. Grad-CAM for segmentation:
score = sum over voxels predicted as class c (argmax of the logits) of the class-c logit; alpha_k = mean of
d score / d A_k over space; cam = relu(sum_k alpha_k A_k); trilinear up-sampling (align_corners=False) to the
input size; divided by its maximum.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from golden import Golden
from unet3d_reference import UNet3D

torch.manual_seed(0)
torch.set_num_threads(1)
g = Golden("unet3d", suite="MedLearn.Tests")


def count(m):
    return sum(p.numel() for p in m.parameters())


for name, kw in {"default": {}, "instance": {"norm": "instance"}, "none_k3": {"norm": "none", "classes": 3, "f": 8, "depth": 4},
                 "in2_d1": {"cin": 2, "f": 4, "depth": 1}}.items():
    g.value(f"params_{name}", count(UNet3D(**kw)))


def case(name, kw, shape):
    net = UNet3D(**kw)
    # non-trivial running statistics and affine parameters for batch norm
    for m in net.modules():
        if isinstance(m, nn.BatchNorm3d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    net.eval()
    for k, v in net.state_dict().items():
        g.tensor(f"{name}.sd.{k}", v)
    g.value(f"{name}.keys", list(net.state_dict().keys()))
    x = torch.randn(*shape)
    g.tensor(f"{name}.input", x)
    with torch.no_grad():
        g.tensor(f"{name}.logits", net(x))
    return net, x


bn, xb = case("bn", {"f": 2, "depth": 2, "classes": 3}, (2, 1, 8, 8, 8))
case("inst", {"cin": 2, "f": 3, "depth": 1, "norm": "instance"}, (1, 2, 4, 6, 8))


def seg_gradcam(net, x, layer, target):
    acts = {}
    handle = getattr(net, layer).register_forward_hook(lambda m, i, o: acts.__setitem__("a", o))
    logits = net(x)
    handle.remove()
    mask = logits.argmax(1)[0] == target
    score = (logits[0, target] * mask).sum()
    a = acts["a"]
    grad, = torch.autograd.grad(score, a)
    a, grad = a.detach().double(), grad.double()
    alpha = grad.mean(dim=(2, 3, 4), keepdim=True)
    cam = F.relu((alpha * a).sum(1, keepdim=True))
    up = F.interpolate(cam, size=x.shape[2:], mode="trilinear", align_corners=False)[0, 0]
    return (up / up.max()).float(), int(mask.sum())


# the Grad-CAM network: a batch-norm U-Net whose output bias is shifted so that every class is predicted somewhere
cam_net = UNet3D(f=2, depth=2, classes=3).eval()
x1 = torch.randn(1, 1, 8, 8, 8) * 2
with torch.no_grad():
    cam_net.outc.conv.bias -= cam_net(x1).mean(dim=(0, 2, 3, 4))
    counts = torch.bincount(cam_net(x1).argmax(1).flatten(), minlength=3)
for k, v in cam_net.state_dict().items():
    g.tensor(f"cam.sd.{k}", v)
g.tensor("cam.input", x1)
g.value("cam.class_voxels", counts.tolist())
# the two foreground classes ordered by predicted size (both must be predicted somewhere)
order = [int(c) for c in torch.argsort(counts[1:], descending=True) + 1]
assert all(counts[c] > 0 for c in order), counts
for i, layer in enumerate(("up2", "down1", "down2")):
    target = order[i % 2]
    cam, voxels = seg_gradcam(cam_net, x1, layer, target)
    g.value(f"cam.{layer}.target", target)
    g.tensor(f"cam.{layer}", cam)
    g.value(f"cam.{layer}.mask_voxels", voxels)
g.save()
