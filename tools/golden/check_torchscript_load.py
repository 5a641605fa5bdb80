"""Oracle for MedLearn's TorchScript export (tests/MedLearn.Tests/Export/TorchScriptExportTests.cs).

Usage: check_torchscript_load.py DIR. For every DIR/<case>.ts the C# test wrote, with DIR/<case>.state.pt (MedLearn's
checkpoint of the same model), DIR/<case>.input.pt ({"input": x}) and DIR/<case>.expected.pt (MedLearn's eval outputs:
"out0", "out1", ...), this script loads the module with torch.jit.load (Python's loader, no MedLearn code) and prints
one JSON object on stdout: {case: {"max_abs_diff": [per output], "max_abs_expected": [largest |value| per output], "shapes": [...], "keys": state_dict keys of the
scripted module, "checkpoint_keys": keys of the checkpoint, "values_equal": every tensor bit-equal,
"training": module.training, "eval_all": eval() cleared every submodule's training flag, "metadata": the medlearn.json extra file parsed}}.
"""
import json
import os
import sys

import torch

torch.set_num_threads(1)
folder = sys.argv[1]
report = {}
for file in sorted(os.listdir(folder)):
    if not file.endswith(".ts"):
        continue
    case = file[:-3]
    base = os.path.join(folder, case)
    extra = {"medlearn.json": ""}
    module = torch.jit.load(base + ".ts", _extra_files=extra)
    checkpoint = torch.load(base + ".state.pt")
    x = torch.load(base + ".input.pt")["input"]
    expected = torch.load(base + ".expected.pt")
    with torch.no_grad():
        out = module(x)
    outs = list(out) if isinstance(out, tuple) else [out]
    scripted = module.state_dict()
    report[case] = {
        "max_abs_diff": [float((o - expected[f"out{i}"]).abs().max()) if o.shape == expected[f"out{i}"].shape else None
                         for i, o in enumerate(outs)],
        "max_abs_expected": [float(expected[f"out{i}"].abs().max()) for i in range(len(outs))],
        "shapes": [list(o.shape) for o in outs],
        "keys": list(scripted.keys()),
        "checkpoint_keys": list(checkpoint.keys()),
        "values_equal": all(k in checkpoint and torch.equal(v, checkpoint[k]) for k, v in scripted.items()),
        "training": module.training,
        # train()/eval() reach every submodule (Python's ScriptModule API works on the file).
        "eval_all": module.train().eval() is module and not any(m.training for m in module.modules()),
        "metadata": json.loads(extra["medlearn.json"]) if extra["medlearn.json"] else None,
    }
print(json.dumps(report))
