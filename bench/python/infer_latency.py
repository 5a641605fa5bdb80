#!/usr/bin/python3
"""Single-image inference latency with Debian's python3-torch (the PyTorch side of bench/models.sh).

torchvision.models.<model>() (1000 classes, torch.manual_seed(0) init, eval mode) on one fixed random
1x3xSxS image, under torch.inference_mode(). One configuration per process:
  eager               PyTorch default: float32, NCHW, unfused
  fused-cl            conv+BN folded (torch.fx.experimental.optimization.fuse), channels_last, float32
  fused-cl-bf16       fused, channels_last, bfloat16 weights and input (MedLearn's default inference on a CPU with
                      native bf16: the same computation as autocast, without re-casting the weights every call)
  fused-cl-autocast   fused, channels_last, float32 weights under torch.autocast("cpu", torch.bfloat16)
The timed call includes converting the float32 NCHW input to the configuration's layout/dtype and the output to
float32, like MedLearn's InferenceModel.Forward. Warm-up iterations are not timed.
Prints one line: RESULT mode=infer config=... mean_ms=... p50_ms=... p95_ms=... min_ms=... peak_rss_mb=... out0=...
"""
import argparse
import math
import time

from peak_memory import peak_rss_mb


def quantile(values, q):
    s = sorted(values)
    rank = math.ceil(q * len(s))
    return s[min(max(rank - 1, 0), len(s) - 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=["eager", "fused-cl", "fused-cl-bf16", "fused-cl-autocast"], required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--model", choices=["resnet18", "resnet50", "densenet121", "efficientnet_b0", "convnext_tiny", "vit_b_16"], default="resnet18")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--iters", type=int, default=50)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--size", type=int, default=224)
    args = ap.parse_args()

    import torch  # imported after parsing; set_num_threads is the first torch call

    torch.set_num_threads(args.threads)
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, args.model)()
    model.eval()
    x = torch.randn(args.batch, 3, args.size, args.size)
    cfg = args.config
    if cfg != "eager":
        from torch.fx.experimental.optimization import fuse
        model = fuse(model)
        model = model.to(memory_format=torch.channels_last)
    if cfg == "fused-cl-bf16":
        model = model.to(torch.bfloat16)

    def once():
        with torch.inference_mode():
            inp = x
            if cfg != "eager":
                inp = inp.contiguous(memory_format=torch.channels_last)
            if cfg == "fused-cl-bf16":
                out = model(inp.to(torch.bfloat16)).float()
            elif cfg == "fused-cl-autocast":
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    out = model(inp)
                out = out.float()
            else:
                out = model(inp)
            return out[:, 0].sum().item()

    for _ in range(args.warmup):
        once()
    times = []
    out0 = 0.0
    for _ in range(args.iters):
        t0 = time.perf_counter()
        out0 = once()
        times.append(1000 * (time.perf_counter() - t0))
    print(f"RESULT mode=infer config={cfg} model={args.model} threads={torch.get_num_threads()} batch={args.batch} size={args.size} "
          f"mean_ms={sum(times) / len(times):.2f} p50_ms={quantile(times, 0.5):.2f} p95_ms={quantile(times, 0.95):.2f} "
          f"min_ms={min(times):.2f} peak_rss_mb={peak_rss_mb():.0f} out0={out0:.4f}")


if __name__ == "__main__":
    main()
