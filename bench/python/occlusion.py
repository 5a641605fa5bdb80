#!/usr/bin/python3
"""One occlusion map with Debian's python3-torch (the PyTorch side of bench/occlusion.sh).

torchvision.models.<model>() (1000 classes, torch.manual_seed(0) init, eval mode) on one fixed random 1x3xSxS image
(torch.randn after the model, as in MedLearn's bench), window 20, stride 4, zero fill, target = the predicted class;
map = mean probability drop of the windows covering each pixel (same window layout as MedLearn: every stride while
the window fits, plus one flush with the edge). One configuration per process:
  loop-eager      a Python loop, one forward per position, float32 eager model (what most scripts do)
  batched-eager   --batch occluded copies per forward (built with torch ops), float32 eager model
  loop-same       one forward per position, model configured like MedLearn's default inference on a CPU with native
                  bf16: torch.fx conv/BN fusion, channels_last, bfloat16 weights and input
  batched-same    --batch copies per forward with that configuration (MedLearn's `batched` computation)
All under torch.inference_mode(). One untimed warm-up map on a few positions first.
Prints: RESULT mode=occlusion config=... seconds=... positions=... ms_per_position=... p0=... map_max=... argmax=y,x
"""
import argparse
import time

from peak_memory import peak_rss_mb

WINDOW = 20
STRIDE = 4


def starts(length, stride):
    s = list(range(0, length - WINDOW + 1, stride))
    if s[-1] + WINDOW < length:
        s.append(length - WINDOW)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", choices=["loop-eager", "batched-eager", "loop-same", "batched-same"], required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--model", choices=["resnet18", "resnet50"], default="resnet18")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--size", type=int, default=224)
    args = ap.parse_args()

    import torch  # imported after parsing; set_num_threads is the first torch call

    torch.set_num_threads(args.threads)
    import torchvision

    torch.manual_seed(0)
    model = getattr(torchvision.models, args.model)()
    model.eval()
    x = torch.randn(1, 3, args.size, args.size)
    same = args.config.endswith("-same")
    if same:
        from torch.fx.experimental.optimization import fuse
        model = fuse(model).to(memory_format=torch.channels_last).to(torch.bfloat16)

    def probabilities(batch):
        if same:
            batch = batch.contiguous(memory_format=torch.channels_last).to(torch.bfloat16)
        return torch.softmax(model(batch).float().double(), dim=1)

    def occlusion_map(stride, batch_size, batched):
        h, w = args.size, args.size
        with torch.inference_mode():
            p = probabilities(x)[0]
            target = int(p.argmax())
            p0 = float(p[target])
            positions = [(y, x0) for y in starts(h, stride) for x0 in starts(w, stride)]
            drops = []
            if batched:
                rows = torch.arange(h).view(1, 1, h, 1)
                cols = torch.arange(w).view(1, 1, 1, w)
                for i in range(0, len(positions), batch_size):
                    chunk = positions[i:i + batch_size]
                    ys = torch.tensor([p[0] for p in chunk]).view(-1, 1, 1, 1)
                    xs = torch.tensor([p[1] for p in chunk]).view(-1, 1, 1, 1)
                    mask = (rows >= ys) & (rows < ys + WINDOW) & (cols >= xs) & (cols < xs + WINDOW)
                    occluded = torch.where(mask, torch.zeros(()), x)
                    drops.extend((p0 - probabilities(occluded)[:, target]).tolist())
            else:
                for (y, x0) in positions:
                    occluded = x.clone()
                    occluded[:, :, y:y + WINDOW, x0:x0 + WINDOW] = 0
                    drops.append(p0 - float(probabilities(occluded)[0, target]))
            total = torch.zeros(h, w, dtype=torch.float64)
            count = torch.zeros(h, w, dtype=torch.float64)
            for (y, x0), d in zip(positions, drops):
                total[y:y + WINDOW, x0:x0 + WINDOW] += d
                count[y:y + WINDOW, x0:x0 + WINDOW] += 1
            return (total / count.clamp(min=1)).float(), len(positions), p0

    batched = args.config.startswith("batched")
    occlusion_map(args.size // 2, args.batch, batched)  # warm-up
    t0 = time.perf_counter()
    heat, positions, p0 = occlusion_map(STRIDE, args.batch, batched)
    seconds = time.perf_counter() - t0
    flat = int(heat.reshape(-1).argmax())
    print(f"RESULT mode=occlusion config={args.config} model={args.model} threads={torch.get_num_threads()} "
          f"batch={args.batch if batched else 1} size={args.size} window={WINDOW} stride={STRIDE} positions={positions} "
          f"seconds={seconds:.2f} ms_per_position={seconds * 1000 / positions:.2f} peak_rss_mb={peak_rss_mb():.0f} "
          f"p0={p0:.6f} map_max={float(heat.max()):.6f} argmax={flat // args.size},{flat % args.size}")


if __name__ == "__main__":
    main()
