"""Opens files written by MedLearn (C#) with Python's torch.load and reports what it sees, as JSON on stdout.

Usage: /usr/bin/python3 check_load.py STATE_DICT.pt CHECKPOINT.pt
       /usr/bin/python3 check_load.py --sums FILE.pt     (per-key sums of a name -> tensor dict)
Run by SerializationTests (C# -> Python round trip). The state dict and the checkpoint's "model" entry
must load into serial_models.Tiny with strict=True.
"""
import json
import math
import sys

import torch

from serial_models import Tiny


def num(x):
    """JSON has no inf/nan: those are written as their Python repr."""
    return x if math.isfinite(x) else repr(x)


def summarize(v):
    if isinstance(v, torch.Tensor):
        return {"tensor_sum": num(float(v.double().sum())), "dtype": str(v.dtype).replace("torch.", ""),
                "shape": list(v.shape), "requires_grad": v.requires_grad, "values": [num(x) for x in v.double().reshape(-1).tolist()]}
    if isinstance(v, dict):
        return {"dict": type(v).__name__, "items": [[summarize(k), summarize(x)] for k, x in v.items()]}
    if isinstance(v, tuple):
        return {"tuple": [summarize(x) for x in v]}
    if isinstance(v, list):
        return [summarize(x) for x in v]
    if isinstance(v, (bool, int, float, str)) or v is None:
        return v
    raise TypeError(f"unexpected {type(v)}")


def main(state_path, checkpoint_path):
    out = {"torch": torch.__version__}

    sd = torch.load(state_path)
    out["state_type"] = type(sd).__name__
    model = Tiny()
    model.load_state_dict(sd, strict=True)
    out["state_sums"] = {k: float(v.double().sum()) for k, v in model.state_dict().items()}
    out["state_dtypes"] = {k: str(v.dtype).replace("torch.", "") for k, v in sd.items()}

    ck = torch.load(checkpoint_path)
    out["checkpoint_keys"] = list(ck.keys())
    out["format"] = ck["format"]
    out["epoch"] = ck["epoch"]
    out["step"] = ck["step"]
    out["model_type"] = type(ck["model"]).__name__
    model2 = Tiny()
    model2.load_state_dict(ck["model"], strict=True)
    out["model_sums"] = {k: float(v.double().sum()) for k, v in model2.state_dict().items()}
    torch.set_rng_state(ck["rng_state"])
    out["rand_after_rng_restore"] = torch.rand(4).tolist()
    out["optimizer"] = summarize(ck["optimizer"])
    out["scheduler"] = summarize(ck["scheduler"])
    out["extra"] = summarize(ck["extra"])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "--sums":
        json.dump({k: num(float(v.double().sum())) for k, v in torch.load(sys.argv[2]).items()}, sys.stdout)
    else:
        main(sys.argv[1], sys.argv[2])
