"""GMIC written independently in PyTorch from the specification (method 2 of the methods specification), with the
authors' parameter names (nyukat/GMIC): the oracle of tools/golden/gen_gmic.py and the PyTorch side of
bench/python/gmic.py. ResNet-22 pre-activation global module (first conv padding 3, as the authors), sigmoid 1x1-conv
saliency, top-t% pooling (Python's round: half to even), greedy class-agnostic retrieve_roi, patches with
image-minimum fill, torchvision ResNet-18 local module without fc, gated attention, fusion.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision


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
