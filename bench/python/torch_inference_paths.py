"""PyTorch's fp32 CPU inference paths at batch 1, 224 px: eager, and frozen TorchScript with
torch.jit.optimize_for_inference (conv/BN folding, oneDNN prepacked weights), NCHW and channels_last.
Run by hand:  /usr/bin/python3 bench/python/torch_inference_paths.py resnet18 efficientnet_b0 convnext_tiny
Prints one line per model: mean/min ms of each path and the largest |difference| of the frozen model's logits."""
import sys
import time

import torch
import torchvision

THREADS = 2
ITERS, WARMUP = 15, 4


def bench(f, x):
    with torch.inference_mode():
        for _ in range(WARMUP):
            f(x)
        times = []
        for _ in range(ITERS):
            t = time.perf_counter()
            f(x)
            times.append(time.perf_counter() - t)
    return 1000 * sum(times) / len(times), 1000 * min(times)


def main():
    torch.set_num_threads(THREADS)
    for name in sys.argv[1:]:
        torch.manual_seed(0)
        model = getattr(torchvision.models, name)().eval()
        x = torch.randn(1, 3, 224, 224)
        eager = bench(model, x)
        with torch.no_grad():
            frozen = torch.jit.optimize_for_inference(torch.jit.script(model))
        nchw = bench(frozen, x)
        with torch.no_grad():
            frozen_cl = torch.jit.optimize_for_inference(torch.jit.script(model.to(memory_format=torch.channels_last)))
        cl = bench(frozen_cl, x.to(memory_format=torch.channels_last))
        with torch.inference_mode():
            diff = (frozen(x) - model(x)).abs().max().item()
        print(f"{name}: eager {eager[0]:.1f}/{eager[1]:.1f} ms, optimize_for_inference {nchw[0]:.1f}/{nchw[1]:.1f} ms "
              f"({nchw[0] / eager[0]:.2f}x), + channels_last {cl[0]:.1f}/{cl[1]:.1f} ms; max |d| {diff:.2e}", flush=True)


if __name__ == "__main__":
    main()
