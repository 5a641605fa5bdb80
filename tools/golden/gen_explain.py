"""Oracle data for MedLearn.Explain (Grad-CAM, Grad-CAM++, occlusion, deletion curve), computed the usual PyTorch way:
forward hooks and torch.autograd.grad for Grad-CAM, a plain Python loop (one forward per window) for occlusion.

Default mode (tools/golden/regen.sh) writes tests/MedLearn.Tests/Golden/explain.json:
  a SmallCnn (MedLearn's small-cnn layout: width 4, 3 input channels, 3 classes) with calibrated batch norms,
  its state dict as tensors "sd.<key>", an input "input" (1x3x32x32) and
  cam_<layer>_<method>_c<class>    Grad-CAM / Grad-CAM++ maps (32x32, in [0, 1]) for layers features.relu3 and
                                   features.relu2, the predicted class and class 0
  occlusion_<fill>                 occlusion maps (window 8, stride 4 and window 6 stride 5, fills zero / mean / blur)
  deletion_probabilities           the deletion curve (zero fill, 10 steps) of the features.relu3 Grad-CAM map
  values: predicted class, p0, deletion AUC.

--resnet18 STATE_DICT --out FILE mode (run by the C# tests at test time, since the weights are large): loads a
torchvision resnet18(num_classes=3) state dict written by MedLearn, and writes FILE (golden format) with the input
(1x3x64x64, seed 0) and Grad-CAM / Grad-CAM++ maps for layer4 and layer3.

Conventions reproduced (see src/MedLearn/Explain/GradCam.cs): score = logit of the class; Grad-CAM weight = spatial
mean of the gradient; Grad-CAM++ a = g^2 / (2 g^2 + sum(A) g^3) (0 where the denominator is 0), weight = sum(a relu(g));
cam = relu(sum_k w_k A_k); bilinear upsample (align_corners=False); divided by its max (all zeros stays zeros).
Occlusion windows: start, start + stride, ... while the window fits, plus one flush with the edge; map = mean drop of
the windows covering a pixel. Deletion: pixels ranked by saliency (descending, ties by index), step i removes
round(i * P / k) of them.
"""
import argparse
import math
import os
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
import torchvision.transforms.functional as TF

import golden


class SmallCnn(nn.Module):
    def __init__(self, classes=3, in_channels=3, width=4):
        super().__init__()
        self.features = nn.Sequential(OrderedDict([
            ("conv1", nn.Conv2d(in_channels, width, 3, padding=1, bias=False)),
            ("bn1", nn.BatchNorm2d(width)),
            ("relu1", nn.ReLU(inplace=True)),
            ("pool1", nn.MaxPool2d(2, 2)),
            ("conv2", nn.Conv2d(width, 2 * width, 3, padding=1, bias=False)),
            ("bn2", nn.BatchNorm2d(2 * width)),
            ("relu2", nn.ReLU(inplace=True)),
            ("pool2", nn.MaxPool2d(2, 2)),
            ("conv3", nn.Conv2d(2 * width, 4 * width, 3, stride=2, padding=1, bias=False)),
            ("bn3", nn.BatchNorm2d(4 * width)),
            ("relu3", nn.ReLU(inplace=True)),
        ]))
        self.fc = nn.Linear(4 * width, classes)

    def forward(self, x):
        return self.fc(F.adaptive_avg_pool2d(self.features(x), 1).flatten(1))


def calibrate(model, shape):
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
                m.momentum = None
        model.train()
        for _ in range(2):
            model(torch.randn(*shape))
    model.eval()


def grad_cam(model, module, x, target, plus_plus):
    """Grad-CAM with a forward hook on `module` (the standard PyTorch recipe)."""
    store = {}
    handle = module.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
    logits = model(x)
    handle.remove()
    if target is None:
        target = int(logits[0].argmax())
    a = store["a"]
    (g,) = torch.autograd.grad(logits[0, target], a)
    a = a.detach().double()
    g = g.double()
    if plus_plus:
        g2 = g * g
        g3 = g2 * g
        denominator = 2 * g2 + a.sum(dim=(2, 3), keepdim=True) * g3
        alpha = torch.where(denominator != 0, g2 / torch.where(denominator != 0, denominator, torch.ones_like(denominator)),
                            torch.zeros_like(g))
        w = (alpha * torch.relu(g)).sum(dim=(2, 3), keepdim=True)
    else:
        w = g.mean(dim=(2, 3), keepdim=True)
    cam = torch.relu((w * a).sum(dim=1, keepdim=True))
    up = F.interpolate(cam, size=x.shape[2:], mode="bilinear", align_corners=False)[0, 0]
    m = up.max()
    return (up / m if m > 0 else torch.zeros_like(up)).float(), target


def starts(length, window, stride):
    s = list(range(0, length - window + 1, stride))
    if s[-1] + window < length:
        s.append(length - window)
    return s


def probability(model, x, target):
    with torch.no_grad():
        return float(torch.softmax(model(x).double(), dim=1)[0, target])


def occlusion(model, x, window, stride, fill, target):
    """One forward per window position (the naive loop), mean drop of covering windows per pixel."""
    _, c, h, w = x.shape
    if fill == "zero":
        value = torch.zeros_like(x)
    elif fill == "mean":
        value = x.mean(dim=(2, 3), keepdim=True).expand_as(x)
    else:
        sigma = max(0.5, window / 4.0)
        k = 2 * math.ceil(3 * sigma) + 1
        value = TF.gaussian_blur(x, kernel_size=[k, k], sigma=[sigma, sigma])
    p0 = probability(model, x, target)
    total = torch.zeros(h, w, dtype=torch.float64)
    count = torch.zeros(h, w, dtype=torch.float64)
    for y0 in starts(h, window, stride):
        for x0 in starts(w, window, stride):
            occluded = x.clone()
            occluded[:, :, y0:y0 + window, x0:x0 + window] = value[:, :, y0:y0 + window, x0:x0 + window]
            drop = p0 - probability(model, occluded, target)
            total[y0:y0 + window, x0:x0 + window] += drop
            count[y0:y0 + window, x0:x0 + window] += 1
    return torch.where(count > 0, total / count.clamp(min=1), torch.zeros_like(total)).float()


def deletion(model, x, saliency, target, steps):
    s = saliency.reshape(-1).double().numpy()
    order = np.argsort(-s, kind="stable")
    pixels = s.size
    probabilities, fractions = [], []
    for i in range(steps + 1):
        n = int(math.floor(i * pixels / steps + 0.5))
        mask = torch.zeros(pixels, dtype=torch.bool)
        mask[torch.from_numpy(order[:n].copy())] = True
        removed = x.clone()
        removed[:, :, mask.reshape(x.shape[2:])] = 0
        probabilities.append(probability(model, removed, target))
        fractions.append(n / pixels)
    auc = sum((fractions[i + 1] - fractions[i]) * (probabilities[i] + probabilities[i + 1]) / 2 for i in range(steps))
    return probabilities, auc


def small_cnn_golden():
    torch.manual_seed(0)
    model = SmallCnn()
    calibrate(model, (8, 3, 32, 32))
    with torch.no_grad():
        model.fc.weight.mul_(6)  # a decisive head: occlusion drops well above float32 noise
    g = golden.Golden("explain", suite="MedLearn.Tests")
    for k, v in model.state_dict().items():
        g.tensor("sd." + k, v)
    torch.manual_seed(1)
    x = g.tensor("input", torch.rand(1, 3, 32, 32) * 2 - 1)
    for layer in ["relu3", "relu2"]:
        module = getattr(model.features, layer)
        for plus_plus, method in [(False, "gradcam"), (True, "gradcam++")]:
            cam, predicted = grad_cam(model, module, x, None, plus_plus)
            g.tensor(f"cam_features.{layer}_{method}_predicted", cam)
            cam0, _ = grad_cam(model, module, x, 0, plus_plus)
            g.tensor(f"cam_features.{layer}_{method}_c0", cam0)
    g.value("predicted", predicted)
    g.value("p0", probability(model, x, predicted))
    for fill in ["zero", "mean", "blur"]:
        g.tensor(f"occlusion_{fill}", occlusion(model, x, 8, 4, fill, predicted))
    g.tensor("occlusion_w6_s5", occlusion(model, x, 6, 5, "zero", predicted))
    saliency, _ = grad_cam(model, model.features.relu3, x, None, False)
    probabilities, auc = deletion(model, x, saliency, predicted, 10)
    g.tensor("deletion_probabilities", torch.tensor(probabilities, dtype=torch.float64))
    g.value("deletion_auc", auc)
    g.save()


def resnet18_oracle(state_dict, out):
    model = torchvision.models.resnet18(num_classes=3)
    model.load_state_dict(torch.load(state_dict))
    model.eval()
    g = golden.Golden("resnet18_cam")
    g.dir = os.path.dirname(os.path.abspath(out))
    g.area = os.path.splitext(os.path.basename(out))[0]
    torch.manual_seed(0)
    x = g.tensor("input", torch.randn(1, 3, 64, 64))
    for layer in ["layer4", "layer3"]:
        for plus_plus, method in [(False, "gradcam"), (True, "gradcam++")]:
            cam, predicted = grad_cam(model, getattr(model, layer), x, None, plus_plus)
            g.tensor(f"{layer}_{method}", cam)
            g.value("predicted", predicted)
    cam1, _ = grad_cam(model, model.layer4, x, 1, False)
    g.tensor("layer4_gradcam_c1", cam1)
    g.save()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--resnet18", default=None, help="state dict of a torchvision resnet18(num_classes=3)")
    parser.add_argument("--out", default=None, help="output file of the --resnet18 mode")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.resnet18:
        resnet18_oracle(args.resnet18, args.out)
    else:
        small_cnn_golden()
