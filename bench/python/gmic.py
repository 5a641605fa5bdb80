#!/usr/bin/python3
"""GMIC at full resolution with Debian's python3-torch: the PyTorch side of bench/gmic.sh.

The model is tools/golden/gmic_reference.py (GMIC written from the specification, the authors' parameter names);
2 classes, t = 0.02, K = 6 patches of 256 x 256. One configuration per process:
  fp32     float32, NCHW (PyTorch's default)
  cl-bf16  channels_last model and input + torch.autocast('cpu', torch.bfloat16)
Modes: forward (eval, inference_mode, batch 1) or step (train, Adam lr 1e-5, the GMIC loss with beta 10^-4.5 on a
fixed target). --model resnet34 times torchvision's ResNet-34 (1 class) forward on the same image instead.
Prints: RESULT mode=... config=... model=... threads=... mean_ms=... best_ms=... peak_rss_mb=...
"""
import argparse
import os
import sys
import time

from peak_memory import peak_rss_mb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["forward", "step"], required=True)
    ap.add_argument("--config", choices=["fp32", "cl-bf16"], required=True)
    ap.add_argument("--model", choices=["gmic", "resnet34"], default="gmic")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--height", type=int, default=2944)
    ap.add_argument("--width", type=int, default=1920)
    args = ap.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    import torch.nn.functional as F
    import torchvision
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "golden"))
    from gmic_reference import Gmic

    torch.manual_seed(0)
    if args.model == "gmic":
        model = Gmic()
        x = torch.randn(1, 1, args.height, args.width)
    else:
        model = torchvision.models.resnet34(num_classes=1)
        x = torch.randn(1, 3, args.height, args.width)
    bf16 = args.config == "cl-bf16"
    if bf16:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    target = torch.tensor([[0.0, 1.0]])
    opt = torch.optim.Adam(model.parameters(), lr=1e-5) if args.mode == "step" else None
    model.train(args.mode == "step")

    def run():
        if args.mode == "forward":
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                out = model(x)
            return out[3] if args.model == "gmic" else out
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            a, yg, ll, fl, attn, windows, margins = model(x)
        loss = (F.binary_cross_entropy(yg.float(), target, reduction="sum") + F.binary_cross_entropy_with_logits(ll.float(), target, reduction="sum")
                + F.binary_cross_entropy_with_logits(fl.float(), target, reduction="sum") + 10 ** -4.5 * a.float().abs().sum())
        loss.backward()
        opt.step()
        return loss

    for _ in range(args.warmup):
        run()
    times = []
    for _ in range(args.iters):
        t0 = time.perf_counter()
        float(run().float().sum())
        times.append(time.perf_counter() - t0)
    print(f"RESULT mode={args.mode} config={args.config} model={args.model} threads={torch.get_num_threads()} "
          f"mean_ms={1000 * sum(times) / len(times):.1f} best_ms={1000 * min(times):.1f} peak_rss_mb={peak_rss_mb():.0f}")


if __name__ == "__main__":
    main()
