"""Oracle for MedLearn's UNet3d checkpoints: loads a state dict file written by MedLearn into the PyTorch reference
network (unet3d_reference.py) with strict=True and prints, as JSON, the eval-mode logits of the input
x[0, c, d, h, w] = sin(0.1 * flat_index) (float32) so the C# test can compare them with its own.
Usage: /usr/bin/python3 check_unet3d_load.py MODEL.pt IN_CHANNELS CLASSES FILTERS DEPTH NORM D H W"""
import json
import sys

import torch

from unet3d_reference import UNet3D

path, cin, classes, f, depth, norm, d, h, w = sys.argv[1:]
cin, classes, f, depth, d, h, w = map(int, (cin, classes, f, depth, d, h, w))
net = UNet3D(cin=cin, classes=classes, f=f, depth=depth, norm=norm)
state = torch.load(path)
result = net.load_state_dict(state, strict=True)
net.eval()
x = torch.sin(0.1 * torch.arange(cin * d * h * w, dtype=torch.float32)).reshape(1, cin, d, h, w)
with torch.no_grad():
    logits = net(x)
print(json.dumps({"keys": list(state.keys()), "logits": logits.reshape(-1).tolist()}))
