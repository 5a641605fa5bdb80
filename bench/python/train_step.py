#!/usr/bin/python3
"""Training-step throughput with Debian's python3-torch (the PyTorch side of bench/run.sh and bench/models.sh).

Same workload as bench/MedLearn.Bench: torchvision.models.<model>(num_classes=4) (resnet18 by default), a batch
of 3x224x224 random images (fixed seed), cross-entropy, SGD(lr=0.01, momentum=0.9). One configuration per process:
  fp32     float32, NCHW (contiguous)
  cl       float32, channels_last model and input
  cl-bf16  channels_last + torch.autocast('cpu', torch.bfloat16) around forward and loss
Prints one line: RESULT config=... model=... threads=... img_per_s=... best_img_per_s=... step_ms=... peak_rss_mb=...
"""
import argparse
import time

from peak_memory import peak_rss_mb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=["fp32", "cl", "cl-bf16"], required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--model", choices=["resnet18", "resnet50", "densenet121", "efficientnet_b0", "convnext_tiny", "vit_b_16"], default="resnet18")
    args = ap.parse_args()

    import torch  # imported after parsing; set_num_threads is the first torch call

    torch.set_num_threads(args.threads)
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, args.model)(num_classes=4)
    model.train()
    x = torch.randn(args.batch, 3, 224, 224)
    y = torch.randint(0, 4, (args.batch,))
    channels_last = args.config in ("cl", "cl-bf16")
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    criterion = torch.nn.CrossEntropyLoss()
    use_bf16 = args.config == "cl-bf16"

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
            loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(args.warmup):
        step()
    # Mean throughput over the timed steps, and the fastest single step (less sensitive to other processes
    # competing for the cores). loss.item() inside the step keeps the timing comparable to the C# side.
    t0 = time.perf_counter()
    best = float("inf")
    for _ in range(args.steps):
        s0 = time.perf_counter()
        loss = step().item()
        best = min(best, time.perf_counter() - s0)
    dt = time.perf_counter() - t0
    ips = args.batch * args.steps / dt
    print(f"RESULT config={args.config} model={args.model} threads={torch.get_num_threads()} img_per_s={ips:.2f} best_img_per_s={args.batch / best:.2f} "
          f"step_ms={1000 * dt / args.steps:.1f} peak_rss_mb={peak_rss_mb():.0f} loss={loss:.4f}")


if __name__ == "__main__":
    main()
