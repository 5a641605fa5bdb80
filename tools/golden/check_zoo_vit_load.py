"""Loads a state dict MedLearn (C#) saved into the matching torchvision class with strict=True and prints its eval-mode
logits on an input file as JSON: {"logits": [...], "keys": n}.

Usage: /usr/bin/python3 check_zoo_vit_load.py MINI_NAME STATE_DICT.pt INPUT.pt
MINI_NAME is a key of zoo_vit_models.SMALL; INPUT.pt holds {"input": tensor}.
"""
import json
import sys

import torch

from zoo_vit_models import SMALL

name, path, input_path = sys.argv[1:4]
model = SMALL[name][0]()
sd = torch.load(path)
model.load_state_dict(sd, strict=True)
model.eval()
with torch.no_grad():
    logits = model(torch.load(input_path)["input"])
print(json.dumps({"logits": logits.reshape(-1).tolist(), "keys": len(sd)}))
