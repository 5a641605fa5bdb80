"""Oracle data for the torchvision CNN zoo in MedLearn.Models (EfficientNet, MobileNetV3, RegNetY, Inception-v3).

Not checked in (the state dicts are large). The C# tests (ZooCnnOracle) run this script once into a temp folder
(`--out DIR`) and read zoo_cnn.json (golden format, see golden.py) and the .pt files:
  values  "<arch>_params_1000"   parameter count of torchvision's 1000-class model (every architecture)
          "<arch>_keys"          its state-dict keys in order; "<arch>_shapes" their shapes (every architecture)
  For the parity architectures (PARITY, and for eval logits and features only LOGITS_ONLY), torchvision <arch>(num_classes=4) after torch.manual_seed(0), batch norms
  calibrated on random batches so eval activations are O(1):
  <arch>.pt                      its state_dict
  tensors "<arch>_input"         the eval input (1x3xSxS; S = 64, Inception 139)
          "<arch>_logits", "<arch>_features"   eval logits and the pooled feature vector the replaced head reads
  Training step (train mode, batch 2, labels "<arch>_train_labels", input "<arch>_train_input"; S = 64, Inception 299
  because its auxiliary head needs a 17x17 Mixed_6e map): torch.manual_seed(SEED) right before the forward pass (so
  dropout / stochastic-depth masks come from a known generator state), loss = CE(logits) (+ 0.4 CE(aux) for
  Inception), SGD(lr 0.1) step:
  <arch>_step.pt                 the state dict after the step (running statistics included)
  values "<arch>_train_loss", "<arch>_train_loss_tol", "<arch>_step_tol" ({key: tolerance}: 10x the distance of
         torchvision's fp32 step from the same step in float64, at least 1e-4)
"""
import argparse
import copy
import os

import torch
import torch.nn.functional as F
import torchvision

import golden

SEED = 1234
ALL = ["efficientnet_b0", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4", "efficientnet_v2_s",
       "mobilenet_v3_large", "regnet_y_400mf", "inception_v3"]
# Inception at 139 px: its last maps are 3x3 (at 75-80 px they are 1x1 and the random network's eval output is
# ill-conditioned: torchvision's own fp32 logits then differ from fp64 by > 1e-4).
EVAL_SIZE = {"efficientnet_b0": 64, "efficientnet_v2_s": 64, "mobilenet_v3_large": 64, "regnet_y_400mf": 64, "inception_v3": 139}
PARITY = ["efficientnet_b0", "efficientnet_v2_s", "mobilenet_v3_large", "regnet_y_400mf", "inception_v3"]
# Eval logits and features only (no training step, to keep the oracle's time down): the larger EfficientNets, 64 px.
LOGITS_ONLY = ["efficientnet_b1", "efficientnet_b2", "efficientnet_b3", "efficientnet_b4"]

parser = argparse.ArgumentParser()
parser.add_argument("--out", required=True)
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)
torch.set_num_threads(1)
g = golden.Golden("zoo_cnn")
g.dir = args.out


def build(name, **kw):
    if name == "inception_v3":
        # As torchvision builds it for its ImageNet weights: auxiliary head, transform_input.
        kw.update(aux_logits=True, transform_input=True, init_weights=True)
    return getattr(torchvision.models, name)(**kw)


def features(model, name, x):
    """The vector MedLearn's head reads (input of the linear layer transfer learning replaces)."""
    with torch.no_grad():
        if name.startswith("efficientnet"):
            return torch.flatten(model.avgpool(model.features(x)), 1)
        if name == "mobilenet_v3_large":
            f = torch.flatten(model.avgpool(model.features(x)), 1)
            return model.classifier[1](model.classifier[0](f))
        if name == "regnet_y_400mf":
            return torch.flatten(model.avgpool(model.trunk_output(model.stem(x))), 1)
        head, model.fc = model.fc, torch.nn.Identity()
        f = model(x)
        model.fc = head
        return f


def calibrate(model, size):
    """Non-trivial affine batch-norm parameters and running statistics (cumulative average over random batches); the
    architecture's momentum is restored afterwards (the training step updates the statistics with it)."""
    momenta = {}
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
                momenta[m] = m.momentum
                m.momentum = None
        # Batch norms in training mode, the model itself in eval mode (Inception's auxiliary head needs 299 px).
        model.eval()
        for m in momenta:
            m.train()
        for _ in range(3):
            model(torch.randn(8, 3, size, size))
    for m, momentum in momenta.items():
        m.momentum = momentum
    model.eval()


for name in ALL:
    torch.manual_seed(0)
    model = build(name)
    sd = model.state_dict()
    g.value(f"{name}_params_1000", sum(p.numel() for p in model.parameters()))
    g.value(f"{name}_keys", list(sd.keys()))
    g.value(f"{name}_shapes", [list(v.shape) for v in sd.values()])
    del model, sd

for name in PARITY + LOGITS_ONLY:
    size = EVAL_SIZE.get(name, 64)
    torch.manual_seed(0)
    model = build(name, num_classes=4)
    calibrate(model, size)
    torch.save(model.state_dict(), os.path.join(args.out, f"{name}.pt"))
    x = g.tensor(f"{name}_input", torch.randn(1, 3, size, size))
    with torch.no_grad():
        g.tensor(f"{name}_logits", model(x))
    g.tensor(f"{name}_features", features(model, name, x))
    if name in LOGITS_ONLY:
        del model
        continue

    # One training step.
    train_size = 299 if name == "inception_v3" else 64
    xt = g.tensor(f"{name}_train_input", torch.randn(2, 3, train_size, train_size))
    yt = g.tensor(f"{name}_train_labels", torch.tensor([1, 3]))
    # The same step in float64 measures how far torchvision's own fp32 result is from exact arithmetic: a training
    # step through batch norms of tiny batches is ill-conditioned, so MedLearn's fp32 result is held to a tolerance
    # of 10x that distance (at least 1e-4) per tensor.
    model64 = copy.deepcopy(model).double()
    results = []
    for m, dtype in [(model, torch.float32), (model64, torch.float64)]:
        m.train()
        opt = torch.optim.SGD(m.parameters(), lr=0.1)
        torch.manual_seed(SEED)
        out = m(xt.to(dtype))
        if name == "inception_v3":
            loss = F.cross_entropy(out.logits, yt) + 0.4 * F.cross_entropy(out.aux_logits, yt)
        else:
            loss = F.cross_entropy(out, yt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        results.append((loss.item(), m.state_dict()))
    (loss32, sd32), (loss64, sd64) = results
    g.value(f"{name}_train_loss", loss32)
    g.value(f"{name}_train_loss_tol", max(1e-4, 10 * abs(loss32 - loss64)))
    g.value(f"{name}_step_tol", {k: max(1e-4, 10 * (v.double() - sd64[k]).abs().max().item())
                                 for k, v in sd32.items() if v.is_floating_point()})
    torch.save(sd32, os.path.join(args.out, f"{name}_step.pt"))
    del model64
g.save()
