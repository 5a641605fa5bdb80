"""Oracle data for MedLearn.Models (torchvision 0.14 classifiers).

Not checked in: the state dicts are large (resnet50 ~90 MB). The C# tests run this script into a temp folder
(`--out DIR`, else $MEDLEARN_GOLDEN_DIR, else a folder under the system temp dir) and read:
  <name>.pt       torch.save(model.state_dict()) of torchvision <name>(num_classes=4) after torch.manual_seed(0)
  models.json     golden format (see golden.py): tensors "input" (1x3x64x64) and "<name>_logits" (eval mode);
                  values "<name>_keys" (state-dict keys in order) and "<name>_params_1000" (parameter count
                  of the 1000-class model).
For the pretrained-import tests (PretrainedWeights.Load):
  resnet18_1000.pt         torchvision resnet18() with its 1000-class head (calibrated like the others); tensor
                           "resnet18_1000_features" = its pooled features (input to fc) for "input"
  densenet121_legacy.pt    densenet121.pt with torchvision's legacy key names (denselayer1.norm.1.weight ...)
                           and without num_batches_tracked, like the original densenet121-a639ec97.pth
  tensors "gray_input" (1x1x64x64) and "resnet18_gray_logits" (the 4-class resnet18 on (g, g, g))
"""
import argparse
import os
import tempfile

import torch
import torchvision

import golden

parser = argparse.ArgumentParser()
parser.add_argument("--out", default=None)
args = parser.parse_args()
out = args.out or os.environ.get("MEDLEARN_GOLDEN_DIR") or os.path.join(tempfile.gettempdir(), "medlearn-models-golden")
os.makedirs(out, exist_ok=True)
os.environ["MEDLEARN_GOLDEN_DIR"] = out
torch.set_num_threads(1)

g = golden.Golden("models")
g.dir = out
torch.manual_seed(0)
x = g.tensor("input", torch.randn(1, 3, 64, 64))



def calibrate(model):
    """Non-trivial affine batch-norm parameters, and running statistics estimated on random batches (cumulative
    average) so eval-mode activations stay O(1) and the 1e-4 logits tolerance is meaningful."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
                m.momentum = None
        model.train()
        for _ in range(2):
            model(torch.randn(8, 3, 64, 64))
    model.eval()


models = {}
for name in ["resnet18", "resnet34", "resnet50", "densenet121"]:
    ctor = getattr(torchvision.models, name)
    g.value(f"{name}_params_1000", sum(p.numel() for p in ctor().parameters()))
    if name == "resnet34":
        continue
    torch.manual_seed(0)
    model = ctor(num_classes=4)
    calibrate(model)
    models[name] = model
    sd = model.state_dict()
    torch.save(sd, os.path.join(out, f"{name}.pt"))
    g.value(f"{name}_keys", list(sd.keys()))
    with torch.no_grad():
        g.tensor(f"{name}_logits", model(x))
        if name == "densenet121":
            import torch.nn.functional as F
            f = F.adaptive_avg_pool2d(F.relu(model.features(x)), (1, 1)).flatten(1)
            g.tensor(f"{name}_features", f)

# Pretrained import: a 1000-class file into a 4-class model (head re-initialised, features must match).
torch.manual_seed(1)
r1000 = torchvision.models.resnet18()
calibrate(r1000)
torch.save(r1000.state_dict(), os.path.join(out, "resnet18_1000.pt"))
with torch.no_grad():
    r1000.fc = torch.nn.Identity()
    g.tensor("resnet18_1000_features", r1000(x))

# torchvision's legacy DenseNet key names (its loader renames them), without num_batches_tracked.
import re
legacy = re.compile(r"^(.*denselayer\d+\.(?:norm|relu|conv))((?:[12])\.(?:weight|bias|running_mean|running_var))$")
old = {}
for k, v in models["densenet121"].state_dict().items():
    if k.endswith("num_batches_tracked"):
        continue
    m = legacy.match(k)
    old[m.group(1) + "." + m.group(2) if m else k] = v
assert any(".norm.1." in k for k in old)
torch.save(old, os.path.join(out, "densenet121_legacy.pt"))

# A gray image g through a 1-channel model with summed filters equals (g, g, g) through torchvision's.
torch.manual_seed(2)
gray = g.tensor("gray_input", torch.randn(1, 1, 64, 64))
with torch.no_grad():
    g.tensor("resnet18_gray_logits", models["resnet18"](gray.expand(1, 3, 64, 64)))
g.save()
