"""Oracle data for the ConvNeXt / ViT-B/16 / Swin-T zoo (torchvision 0.14), run by the C# tests into a temp folder.

Usage: /usr/bin/python3 zoo_vit_oracle.py --out DIR   (one invocation for every test; ~560 MB of state dicts)
Not a gen_*.py golden script: nothing it writes is checked in (the tests regenerate it into a temp folder each run,
so GoldenReproducibilityTests, which re-runs every gen_*.py against its checked-in JSON, leaves it alone).
Writes into DIR:
  <name>.pt       state dicts of convnext_tiny(num_classes=4), vit_b_16(image_size=64, num_classes=4), swin_t(num_classes=4)
                  after torch.manual_seed(0) and zoo_vit_models.randomize (built without torchvision's init)
  vit_b_16_pos224.pt   {"pos": interpolate_embeddings(224, 16, vit_b_16.pt)["encoder.pos_embedding"]}
  <mini>_init.pt, <mini>_grads.pt, <mini>_step.pt   small configurations (zoo_vit_models.SMALL): the state dict before a
                  training step, the gradients of the step and the state dict after it (train mode, torch.manual_seed(123)
                  right before the forward so stochastic depth draws are reproducible, cross entropy, SGD lr 0.1 momentum 0.9)
  zoo_vit.json    golden format: tensors "input" (1x3x64x64), "gray_input" (1x1x64x64), "<name>_logits", "<name>_features",
                  "<name>_gray_logits" (the model on (g, g, g)), "vit_b_16_input32" (1x3x32x32) and "vit_b_16_32px_logits" (a
                  VisionTransformer(image_size=32) loaded with torchvision's interpolate_embeddings of vit_b_16.pt),
                  "<mini>_input", "<mini>_labels", "<mini>_loss"; values "<name>_keys" (state-dict keys in order, also for
                  convnext_small) and "<name>_params_1000" (parameters of the 1000-class builder).
"""
import argparse
import os
import tempfile

import torch
import torch.nn.functional as F
import torchvision
from torchvision.models.vision_transformer import interpolate_embeddings

import golden
from zoo_vit_models import SMALL, no_init, perturb, randomize

parser = argparse.ArgumentParser()
parser.add_argument("--out", default=None)
args = parser.parse_args()
out = args.out or os.environ.get("MEDLEARN_GOLDEN_DIR") or os.path.join(tempfile.gettempdir(), "medlearn-zoo-vit-golden")
os.makedirs(out, exist_ok=True)
torch.set_num_threads(1)

g = golden.Golden("zoo_vit")
g.dir = out
torch.manual_seed(0)
x = g.tensor("input", torch.randn(1, 3, 64, 64))
gray = g.tensor("gray_input", torch.randn(1, 1, 64, 64))

with no_init():
    for name in ["convnext_tiny", "convnext_small", "vit_b_16", "swin_t"]:
        g.value(f"{name}_params_1000", sum(p.numel() for p in getattr(torchvision.models, name)().parameters()))


def features(name, model, inp):
    if name.startswith("convnext"):
        return model.classifier[1](model.classifier[0](model.avgpool(model.features(inp))))
    if name.startswith("swin"):
        return model.flatten(model.avgpool(model.permute(model.norm(model.features(inp)))))
    t = model._process_input(inp)
    t = torch.cat([model.class_token.expand(t.shape[0], -1, -1), t], dim=1)
    return model.encoder(t)[:, 0]


for name, ctor in [("convnext_tiny", lambda: torchvision.models.convnext_tiny(num_classes=4)),
                   ("convnext_small", lambda: torchvision.models.convnext_small(num_classes=4)),
                   ("vit_b_16", lambda: torchvision.models.vit_b_16(image_size=64, num_classes=4)),
                   ("swin_t", lambda: torchvision.models.swin_t(num_classes=4))]:
    torch.manual_seed(0)
    with no_init():
        model = ctor()
    model = randomize(model).eval()
    sd = model.state_dict()
    torch.save(sd, os.path.join(out, f"{name}.pt"))
    g.value(f"{name}_keys", list(sd.keys()))
    with torch.no_grad():
        g.tensor(f"{name}_logits", model(x))
        g.tensor(f"{name}_features", features(name, model, x))
        g.tensor(f"{name}_gray_logits", model(gray.expand(1, 3, 64, 64)))
    if name == "vit_b_16":
        pos224 = interpolate_embeddings(224, 16, dict(sd))["encoder.pos_embedding"]
        torch.save({"pos": pos224.contiguous()}, os.path.join(out, "vit_b_16_pos224.pt"))
        with no_init():
            small = torchvision.models.vit_b_16(image_size=32, num_classes=4).eval()
        small.load_state_dict(interpolate_embeddings(32, 16, dict(sd)), strict=True)
        x32 = g.tensor("vit_b_16_input32", torch.randn(1, 3, 32, 32))
        with torch.no_grad():
            g.tensor("vit_b_16_32px_logits", small(x32))
        del small
    del model, sd

for name, (ctor, shape) in SMALL.items():
    torch.manual_seed(1)
    model = perturb(ctor())
    torch.save(model.state_dict(), os.path.join(out, f"{name}_init.pt"))
    inp = g.tensor(f"{name}_input", torch.randn(*shape))
    labels = g.tensor(f"{name}_labels", torch.tensor([0, 2]))
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    torch.manual_seed(123)
    loss = F.cross_entropy(model(inp), labels)
    opt.zero_grad()
    loss.backward()
    g.tensor(f"{name}_loss", loss.detach().reshape(1))
    torch.save({k: p.grad.detach().clone() for k, p in model.named_parameters()}, os.path.join(out, f"{name}_grads.pt"))
    opt.step()
    torch.save(model.state_dict(), os.path.join(out, f"{name}_step.pt"))
g.save()
