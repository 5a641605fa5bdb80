"""Golden PyTorch files for the serialization tests (MedLearn.Torch.Serialization).

Writes small .pt files next to Golden/serial.json:
  serial_state.pt   torch.save(model.state_dict()) of a conv+bn+linear model (OrderedDict with _metadata,
                    int64 num_batches_tracked) plus extra entries: every dtype, a transposed (strided)
                    view, a view with a storage offset and two tensors sharing that storage.
  serial_nested.pt  a nested value: an Adam state dict, tuples, ints (incl. 64-bit extremes), floats,
                    strings, bool, None, int-keyed dicts, empty containers, a tensor.
  serial_nested_p4.pt  the same nested value with pickle protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL ...).
  serial_legacy.pt  a tensor saved in the pre-1.6 (non-zip) format.
serial.json holds every tensor's values, dtype and shape, and per-key strides/offsets.
"""
import os

import torch

import golden
from golden import GOLDEN_DIR, Golden
from serial_models import Tiny

# golden.py does not list these two dtypes; extend its table for this script only.
golden._DTYPES.update({torch.int16: "int16", torch.int8: "int8"})

torch.manual_seed(0)
os.makedirs(GOLDEN_DIR, exist_ok=True)
g = Golden("serial")

model = Tiny()
# Non-trivial batch-norm statistics and a counter.
model.train()
for _ in range(3):
    model(torch.randn(2, 3, 6, 6))
sd = model.state_dict()
assert hasattr(sd, "_metadata")

base = torch.arange(10, dtype=torch.float32) * 0.5 - 1.0
extras = {
    "extra.f64": torch.tensor([1.0 / 3.0, -2.5e-300, 1e300], dtype=torch.float64),
    "extra.f16": torch.tensor([0.5, -1.25, 65504.0], dtype=torch.float16),
    "extra.bf16": torch.tensor([[1.5, -2.0], [3.140625, 0.0078125]], dtype=torch.bfloat16),
    "extra.i64": torch.tensor([-(2 ** 63), 2 ** 63 - 1, 0, 42], dtype=torch.int64),
    "extra.i32": torch.tensor([-7, 2 ** 31 - 1, 3], dtype=torch.int32),
    "extra.i16": torch.tensor([-300, 32767], dtype=torch.int16),
    "extra.i8": torch.tensor([-128, 5, 127], dtype=torch.int8),
    "extra.u8": torch.tensor([0, 200, 255], dtype=torch.uint8),
    "extra.bool": torch.tensor([True, False, True]),
    "extra.scalar": torch.tensor(2.75),
    "extra.empty": torch.zeros(0, 3),
    "extra.transposed": (torch.arange(12, dtype=torch.float32).reshape(3, 4) * 1.5).t(),
    "extra.offset": base[3:7],
    "extra.shared_a": base[0:5],
    "extra.shared_b": base.view(2, 5),
}
assert not extras["extra.transposed"].is_contiguous()
for k, v in extras.items():
    sd[k] = v

for k, v in sd.items():
    g.tensor(k, v)
g.value("keys", list(sd.keys()))
g.value("i64_exact", sd["extra.i64"].tolist())
g.value("strides", {k: list(v.stride()) for k, v in sd.items()})
g.value("model_keys", list(model.state_dict().keys()))
torch.save(sd, os.path.join(GOLDEN_DIR, "serial_state.pt"))

opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999))
model(torch.randn(2, 3, 6, 6)).sum().backward()
opt.step()
nested = {
    "optimizer": opt.state_dict(),
    "epoch": 7,
    "lr": 0.001,
    "name": "h\u00e9llo \u2713",
    "flags": (True, False, None),
    "big": 2 ** 40,
    "neg": -5,
    "minlong": -(2 ** 63),
    "maxlong": 2 ** 63 - 1,
    "mid": 70000,
    "list": [1, 2.5, "x", [3], (4, 5, 6, 7)],
    "intkeys": {1: "a", 300: "b", -2: "c"},
    "empty": {},
    "emptylist": [],
    "emptytuple": (),
    "tensor": torch.tensor([1.0, 2.0, -3.5]),
}
for i, p in enumerate(model.parameters()):
    st = opt.state_dict()["state"][i]
    g.tensor(f"adam.{i}.exp_avg", st["exp_avg"])
    g.tensor(f"adam.{i}.exp_avg_sq", st["exp_avg_sq"])
    g.value(f"adam.{i}.step", float(st["step"]))
g.value("adam.param_count", len(list(model.parameters())))
g.value("adam.group_keys", list(opt.state_dict()["param_groups"][0].keys()))
torch.save(nested, os.path.join(GOLDEN_DIR, "serial_nested.pt"))
torch.save(nested, os.path.join(GOLDEN_DIR, "serial_nested_p4.pt"), pickle_protocol=4)
torch.save(torch.arange(4), os.path.join(GOLDEN_DIR, "serial_legacy.pt"), _use_new_zipfile_serialization=False)
g.save()
