"""Shared writer for golden files: PyTorch results the C# tests compare against.

Each generator script (gen_<area>.py) builds inputs with a fixed seed, runs Debian's python3-torch and
writes tests/MedLearn.Torch.Tests/Golden/<area>.json. Never edit a golden file by hand: change the script
and run `tools/golden/regen.sh`.

Format: {"torch": version, "tensors": {name: {"dtype": str, "shape": [...], "data": [flat row-major]}},
         "values": {name: number | string | list}}
"""
import json
import os

import torch

# MEDLEARN_GOLDEN_DIR redirects the output (the reproducibility test regenerates into a temp folder).
# Engine goldens go to tests/MedLearn.Torch.Tests/Golden, toolkit ones (Golden(area, suite="MedLearn.Tests"))
# to tests/MedLearn.Tests/Golden.
def golden_dir(suite="MedLearn.Torch.Tests"):
    return os.environ.get("MEDLEARN_GOLDEN_DIR") or os.path.join(
        os.path.dirname(__file__), "..", "..", "tests", suite, "Golden")


GOLDEN_DIR = golden_dir()

_DTYPES = {
    torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.int32: "int32",
    torch.uint8: "uint8", torch.bool: "bool", torch.bfloat16: "bfloat16", torch.float16: "float16",
}


class Golden:
    def __init__(self, area, suite="MedLearn.Torch.Tests"):
        self.area = area
        self.dir = golden_dir(suite)
        self.tensors = {}
        self.values = {}

    def tensor(self, name, t):
        t = t.detach().cpu()
        dtype = _DTYPES[t.dtype]
        data = t.float() if t.dtype in (torch.bfloat16, torch.float16) else t
        flat = data.contiguous().reshape(-1).tolist()
        self.tensors[name] = {"dtype": dtype, "shape": list(t.shape), "data": flat}
        return t

    def value(self, name, v):
        self.values[name] = v
        return v

    def save(self):
        os.makedirs(self.dir, exist_ok=True)
        path = os.path.join(self.dir, f"{self.area}.json")
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"torch": torch.__version__, "tensors": self.tensors, "values": self.values}, f)
        os.replace(tmp, path)
        print(f"wrote {path}: {len(self.tensors)} tensors, {len(self.values)} values")
