"""Oracle data for MedLearn.Models (torchvision 0.14 classifiers).

Not checked in: the state dicts are large (resnet50 ~90 MB). The C# tests run this script into a temp folder
(`--out DIR`, else $MEDLEARN_GOLDEN_DIR, else a folder under the system temp dir) and read:
  <name>.pt       torch.save(model.state_dict()) of torchvision <name>(num_classes=4) after torch.manual_seed(0)
  models.json     golden format (see golden.py): tensors "input" (1x3x64x64) and "<name>_logits" (eval mode);
                  values "<name>_keys" (state-dict keys in order) and "<name>_params_1000" (parameter count
                  of the 1000-class model).
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

for name in ["resnet18", "resnet34", "resnet50", "densenet121"]:
    ctor = getattr(torchvision.models, name)
    g.value(f"{name}_params_1000", sum(p.numel() for p in ctor().parameters()))
    if name == "resnet34":
        continue
    torch.manual_seed(0)
    model = ctor(num_classes=4)
    # Non-trivial affine batch-norm parameters, and running statistics estimated on random batches (cumulative
    # average) so eval-mode activations stay O(1) and the 1e-4 logits tolerance is meaningful.
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
    sd = model.state_dict()
    torch.save(sd, os.path.join(out, f"{name}.pt"))
    g.value(f"{name}_keys", list(sd.keys()))
    with torch.no_grad():
        g.tensor(f"{name}_logits", model(x))
        if name == "densenet121":
            import torch.nn.functional as F
            f = F.adaptive_avg_pool2d(F.relu(model.features(x)), (1, 1)).flatten(1)
            g.tensor(f"{name}_features", f)
g.save()
