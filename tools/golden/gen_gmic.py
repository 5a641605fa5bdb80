"""Golden values for MedLearn.Models.Gmic and the GMIC training loss (method 2 of the methods specification).

Writes tests/MedLearn.Tests/Golden/gmic.json. The oracle is GMIC written independently in PyTorch from the
specification (ResNet-22 pre-activation global module with the authors' first-conv padding 3, sigmoid 1x1-conv
saliency, top-t% pooling, greedy class-agnostic retrieve_roi, image-minimum fill, torchvision ResNet-18 local
module without fc, gated attention, fusion), with the authors' parameter names (nyukat/GMIC).

Weights and inputs are not stored: both sides compute them from the same formula (deterministic_state / image
below, mirrored in the C# test), so the file stays small. Cases:
- keys: the state-dict key order; params: parameter count (2 classes).
- fwd_*: eval-mode forward of a [2, 1, 384, 320] image with t = 0.1, K = 3, crops 96 x 96 (a 2 x 2 window: round(1.5) = 2): saliency, y_global,
  local/fusion logits, attention, windows (grid and input corners); margins records the smallest gap between
  the best and second-best window sum at every greedy step (the comparison is only meaningful if it is not a tie).
- loss_*: train-mode loss = mean_n [sum_c (BCE(global) + BCE(local) + BCE(fusion)) + beta * sum_{c,i,j} |A|]
  with beta = 0.01 for targets [[1, 0], [0, 1]], and its gradient for a few parameters.
"""
import math

import torch
import torch.nn.functional as F

from gmic_reference import Gmic
from golden import Golden


def deterministic_state(model):
    """value = a + b * sin(0.37 i + 0.11 j) (float64, then float32) for element i of the j-th state-dict entry:
    running_var a=1 b=0.25; other 1-D weights a=1 b=0.1; 1-D biases/running means a=0 b=0.05; weights of rank
    >= 2 a=0 b=1.5/sqrt(fan_in). num_batches_tracked is left alone."""
    sd = model.state_dict()
    for j, (name, t) in enumerate(sd.items()):
        if not t.is_floating_point():
            continue
        i = torch.arange(t.numel(), dtype=torch.float64)
        s = torch.sin(0.37 * i + 0.11 * j)
        if name.endswith("running_var"):
            a, b = 1.0, 0.25
        elif t.dim() == 1 and name.endswith("weight"):
            a, b = 1.0, 0.1
        elif t.dim() == 1:
            a, b = 0.0, 0.05
        else:
            a, b = 0.0, 1.5 / math.sqrt(t.numel() / t.shape[0])
        t.copy_((a + b * s).view(t.shape).float())


def image(n, h, w):
    """x[k, 0, r, c] = sin(0.05 (k + 1) r) cos(0.07 c) + 0.5 sin(0.013 r c) (float64, then float32)."""
    r = torch.arange(h, dtype=torch.float64).view(h, 1)
    c = torch.arange(w, dtype=torch.float64).view(1, w)
    imgs = [torch.sin(0.05 * (k + 1) * r) * torch.cos(0.07 * c) + 0.5 * torch.sin(0.013 * r * c) for k in range(n)]
    return torch.stack(imgs).unsqueeze(1).float()


torch.manual_seed(13)
torch.set_num_threads(1)
g = Golden("gmic", suite="MedLearn.Tests")

full = Gmic()
g.value("keys", list(full.state_dict().keys()))
g.value("params", sum(p.numel() for p in full.parameters()))

model = Gmic(t=0.1, K=3, crop=(96, 96))
deterministic_state(model)
x = image(2, 384, 320)
model.eval()
with torch.no_grad():
    a, yg, ll, fl, attn, windows, margins = model(x)
g.tensor("fwd_saliency", a)
g.tensor("fwd_global", yg)
g.tensor("fwd_local_logits", ll)
g.tensor("fwd_fusion_logits", fl)
g.tensor("fwd_attention", attn)
g.value("fwd_windows", [[list(w) for w in wins] for wins in windows])
g.value("fwd_min_margin", min(margins))
assert min(margins) > 1e-3, f"near tie in retrieve_roi ({min(margins)}): change the image formula"

model.train()
beta = 0.01
target = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
a, yg, ll, fl, attn, windows, margins = model(x)
per_sample = (F.binary_cross_entropy(yg, target, reduction="none").sum(1)
              + F.binary_cross_entropy_with_logits(ll, target, reduction="none").sum(1)
              + F.binary_cross_entropy_with_logits(fl, target, reduction="none").sum(1)
              + beta * a.abs().sum(dim=(1, 2, 3)))
loss = per_sample.mean()
loss.backward()
g.value("loss_beta", beta)
g.value("loss", float(loss))
g.value("loss_windows", [[list(w) for w in wins] for wins in windows])
g.value("loss_min_margin", min(margins))
assert min(margins) > 1e-3, f"near tie in retrieve_roi ({min(margins)}) in train mode"
params = dict(model.named_parameters())
for name in ["fusion_network.weight", "mil_attn_w.weight", "left_postprocess_net.gn_conv_last.weight", "ds_net.first_conv.weight",
             "dn_resnet.layer4.1.bn2.weight", "dn_resnet.bn1.weight"]:
    g.tensor("grad_" + name, params[name].grad)
g.save()
