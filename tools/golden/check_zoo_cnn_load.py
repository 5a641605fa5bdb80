"""Loads MedLearn-saved state dicts of the CNN zoo into torchvision 0.14 models with strict=True.

Usage: check_zoo_cnn_load.py DIR ARCH...   For each ARCH, DIR/ARCH.pt is MedLearn's StateDictFile.Save of a 4-class
model and DIR/ARCH_input.pt a dict {"input": tensor}. Prints, as JSON, {ARCH: eval-mode logits (nested list)}.
"""
import json
import os
import sys

import torch
import torchvision

torch.set_num_threads(1)
folder, archs = sys.argv[1], sys.argv[2:]
result = {}
for name in archs:
    kw = {"num_classes": 4}
    if name == "inception_v3":
        kw.update(aux_logits=True, transform_input=True, init_weights=False)
    model = getattr(torchvision.models, name)(**kw)
    model.load_state_dict(torch.load(os.path.join(folder, name + ".pt")), strict=True)
    model.eval()
    x = torch.load(os.path.join(folder, name + "_input.pt"))["input"]
    with torch.no_grad():
        result[name] = model(x).tolist()
print(json.dumps(result))
