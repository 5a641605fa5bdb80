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
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from golden import Golden


class PreActBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes)
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        if downsample is not None:
            self.downsample = downsample
        else:
            self.downsample = None

    def forward(self, x):
        a = self.relu(self.bn1(x))
        shortcut = x if self.downsample is None else self.downsample(a)
        return self.conv2(self.relu(self.bn2(self.conv1(a)))) + shortcut


class Trunk(nn.Module):
    def __init__(self):
        super().__init__()
        self.first_conv = nn.Conv2d(1, 16, 7, 2, 3, bias=False)
        self.first_pool = nn.MaxPool2d(3, 2, 0)
        self.layer_list = nn.ModuleList()
        inplanes = 16
        for i, planes in enumerate([16, 32, 64, 128, 256]):
            stride = 1 if i == 0 else 2
            ds = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False))
            self.layer_list.append(nn.Sequential(PreActBlock(inplanes, planes, stride, ds), PreActBlock(planes, planes)))
            inplanes = planes
        self.final_bn = nn.BatchNorm2d(256)
        self.relu = nn.ReLU()

    def forward(self, x):
        h = self.first_pool(self.first_conv(x))
        for layer in self.layer_list:
            h = layer(h)
        return self.relu(self.final_bn(h))


class Saliency(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.gn_conv_last = nn.Conv2d(256, classes, 1, bias=False)

    def forward(self, h):
        return torch.sigmoid(self.gn_conv_last(h))


def top_t(a, t):
    n, c, h, w = a.shape
    k = min(max(int(round(h * w * t)), 1), h * w)  # Python's round: half to even
    return a.view(n, c, -1).topk(k, dim=2)[0].mean(dim=2)


def retrieve_roi(a, H, W, crop, K):
    n, c, h, w = a.shape
    wh = min(max(int(round(crop[0] * h / H)), 1), h)
    ww = min(max(int(round(crop[1] * w / W)), 1), w)
    flat = a.detach().double().view(n, c, -1)
    mn = flat.min(dim=2, keepdim=True)[0].unsqueeze(-1)
    mx = flat.max(dim=2, keepdim=True)[0].unsqueeze(-1)
    m = ((a.detach().double() - mn) / (mx - mn)).sum(dim=1, keepdim=True)
    out, margins = [], []
    for i in range(n):
        mi = m[i:i + 1].clone()
        wins = []
        for _ in range(K):
            pooled = F.avg_pool2d(mi, (wh, ww), stride=1)
            pw = pooled.shape[-1]
            vals = pooled.view(-1)
            best = int(torch.argmax(vals))
            top2 = vals.topk(2)[0]
            margins.append(float((top2[0] - top2[1]) * wh * ww))
            r, col = best // pw, best % pw
            mi[:, :, r:r + wh, col:col + ww] = 0
            wins.append((r, col, int(round(r / h * H)), int(round(col / w * W))))
        out.append(wins)
    return out, margins


def crop_patches(x, windows, crop):
    patches = []
    for i, wins in enumerate(windows):
        img = x[i:i + 1]
        fill = float(img.min())
        for (_, _, r, c) in wins:
            p = torch.full((1, x.shape[1], crop[0], crop[1]), fill)
            r0, r1 = max(r, 0), min(r + crop[0], x.shape[2])
            c0, c1 = max(c, 0), min(c + crop[1], x.shape[3])
            p[:, :, r0 - r:r1 - r, c0 - c:c1 - c] = img[:, :, r0:r1, c0:c1]
            patches.append(p)
    return torch.cat(patches, 0)


class Gmic(nn.Module):
    def __init__(self, classes=2, t=0.02, K=6, crop=(256, 256)):
        super().__init__()
        self.t, self.K, self.crop = t, K, crop
        self.ds_net = Trunk()
        self.left_postprocess_net = Saliency(classes)
        self.dn_resnet = torchvision.models.resnet18(num_classes=1)
        self.dn_resnet.fc = nn.Identity()
        self.mil_attn_V = nn.Linear(512, 128, bias=False)
        self.mil_attn_U = nn.Linear(512, 128, bias=False)
        self.mil_attn_w = nn.Linear(128, 1, bias=False)
        self.classifier_linear = nn.Linear(512, classes, bias=False)
        self.fusion_network = nn.Linear(768, classes)

    def forward(self, x):
        n, _, H, W = x.shape
        hg = self.ds_net(x)
        a = self.left_postprocess_net(hg)
        y_global = top_t(a, self.t)
        windows, margins = retrieve_roi(a, H, W, self.crop, self.K)
        patches = crop_patches(x, windows, self.crop).expand(-1, 3, -1, -1)
        h = self.dn_resnet(patches).view(n, self.K, 512)
        flat = h.view(n * self.K, 512)
        s = self.mil_attn_w(torch.sigmoid(self.mil_attn_U(flat)) * torch.tanh(self.mil_attn_V(flat))).view(n, self.K)
        attn = F.softmax(s, dim=1)
        z = (attn.unsqueeze(-1) * h).sum(1)
        local_logits = self.classifier_linear(z)
        g = hg.amax(dim=(2, 3))
        fusion_logits = self.fusion_network(torch.cat([g, z], 1))
        return a, y_global, local_logits, fusion_logits, attn, windows, margins


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
