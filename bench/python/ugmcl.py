#!/usr/bin/python3
"""UG-MCL with Debian's python3-torch: the PyTorch side of bench/ugmcl.sh.

The network is the authors' dual-task V-Net (DTC / UG-MCL code: ConvBlock, DownsamplingConvBlock,
UpsamplingDeconvBlock with nn.ConvTranspose3d, Dropout3d(0.5) after the bottleneck and before the heads, out_conv ->
tanh = SDF, out_conv2 = segmentation logits; 16 filters, 2 classes, 9,448,883 parameters), written as the reference.
Modes (one configuration per process):
  iter    one UG-MCL training iteration as the reference loop does it: batch 4 (2 labeled + 2 unlabeled) of
          112x112x80 (tensor order D=80, H=112, W=112), ground-truth SDF of the 2 label patches with scipy's exact EDT
          (the reference compute_sdf), student forward, 0.5 (CE + Dice) + 0.3 MSE(SDF), teacher (EMA model, train mode,
          no_grad) on noisy unlabeled input, T = 8 MC-dropout + noise passes 2 per forward, entropy mask with
          threshold (0.75 + 0.25 rampup) ln 2, masked intra-task + cross-task consistency (k = 1500), SGD lr 0.01
          momentum 0.9 wd 1e-4, EMA update (decay 0.99) of the teacher.
  window  sliding-window inference (eval, inference_mode) of a 120x120x88 volume (D=88, H=W=120): patch 80x112x112,
          stride 4/18/18, the reference grid (12 windows), one window per forward, constant averaging of softmax.
Configs: fp32 (PyTorch's default: float32, NCDHW), cl-fp32 (channels_last_3d float32), cl-bf16 (channels_last_3d +
torch.autocast('cpu', bfloat16): the issue's "best configuration").
Prints: RESULT mode=... config=... threads=... mean_ms=... best_ms=... peak_rss_mb=... check=...
"""
import argparse
import math
import time

import numpy as np

from peak_memory import peak_rss_mb


def build(torch):
    nn = torch.nn

    class ConvBlock(nn.Module):
        def __init__(self, stages, cin, cout):
            super().__init__()
            ops = []
            for i in range(stages):
                ops += [nn.Conv3d(cin if i == 0 else cout, cout, 3, padding=1), nn.BatchNorm3d(cout), nn.ReLU(inplace=True)]
            self.conv = nn.Sequential(*ops)

        def forward(self, x):
            return self.conv(x)

    class Down(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.conv = nn.Sequential(nn.Conv3d(cin, cout, 2, stride=2, padding=0), nn.BatchNorm3d(cout), nn.ReLU(inplace=True))

        def forward(self, x):
            return self.conv(x)

    class Up(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.conv = nn.Sequential(nn.ConvTranspose3d(cin, cout, 2, stride=2, padding=0), nn.BatchNorm3d(cout), nn.ReLU(inplace=True))

        def forward(self, x):
            return self.conv(x)

    class VNet(nn.Module):
        def __init__(self, n_channels=1, n_classes=2, f=16):
            super().__init__()
            self.block_one = ConvBlock(1, n_channels, f)
            self.block_one_dw = Down(f, 2 * f)
            self.block_two = ConvBlock(2, 2 * f, 2 * f)
            self.block_two_dw = Down(2 * f, 4 * f)
            self.block_three = ConvBlock(3, 4 * f, 4 * f)
            self.block_three_dw = Down(4 * f, 8 * f)
            self.block_four = ConvBlock(3, 8 * f, 8 * f)
            self.block_four_dw = Down(8 * f, 16 * f)
            self.block_five = ConvBlock(3, 16 * f, 16 * f)
            self.block_five_up = Up(16 * f, 8 * f)
            self.block_six = ConvBlock(3, 8 * f, 8 * f)
            self.block_six_up = Up(8 * f, 4 * f)
            self.block_seven = ConvBlock(3, 4 * f, 4 * f)
            self.block_seven_up = Up(4 * f, 2 * f)
            self.block_eight = ConvBlock(2, 2 * f, 2 * f)
            self.block_eight_up = Up(2 * f, f)
            self.block_nine = ConvBlock(1, f, f)
            self.out_conv = nn.Conv3d(f, n_classes - 1, 1, padding=0)
            self.out_conv2 = nn.Conv3d(f, n_classes, 1, padding=0)
            self.dropout = nn.Dropout3d(p=0.5, inplace=False)

        def forward(self, x):
            x1 = self.block_one(x)
            x2 = self.block_two(self.block_one_dw(x1))
            x3 = self.block_three(self.block_two_dw(x2))
            x4 = self.block_four(self.block_three_dw(x3))
            x5 = self.dropout(self.block_five(self.block_four_dw(x4)))
            x6 = self.block_six(self.block_five_up(x5) + x4)
            x7 = self.block_seven(self.block_six_up(x6) + x3)
            x8 = self.block_eight(self.block_seven_up(x7) + x2)
            x9 = self.dropout(self.block_nine(self.block_eight_up(x8) + x1))
            return torch.tanh(self.out_conv(x9)), self.out_conv2(x9)

    return VNet


def compute_sdf(mask):
    """The reference compute_sdf for one binary patch: normalised EDT outside minus inside, 0 on the inner boundary."""
    from scipy.ndimage import binary_erosion, distance_transform_edt
    pos = mask.astype(bool)
    if not pos.any():
        return np.zeros(mask.shape, np.float32)
    neg = ~pos
    posdis = distance_transform_edt(pos)
    negdis = distance_transform_edt(neg)
    boundary = pos & ~binary_erosion(pos, border_value=0)
    sdf = (negdis - negdis.min()) / (negdis.max() - negdis.min()) - (posdis - posdis.min()) / (posdis.max() - posdis.min())
    sdf[boundary] = 0
    return sdf.astype(np.float32)


def sphere(shape, radius):
    """A centred ball (the bench's label patch); the C# side builds the same."""
    d, h, w = np.ogrid[:shape[0], :shape[1], :shape[2]]
    c = [(s - 1) / 2 for s in shape]
    return ((d - c[0]) ** 2 + (h - c[1]) ** 2 + (w - c[2]) ** 2 <= radius * radius).astype(np.int64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["iter", "window"], required=True)
    ap.add_argument("--config", choices=["fp32", "cl-fp32", "cl-bf16"], required=True)
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--iters", type=int, default=2)
    ap.add_argument("--patch", default="80,112,112", help="D,H,W")
    ap.add_argument("--volume", default="88,120,120", help="D,H,W of the sliding-window volume")
    ap.add_argument("--stride", default="4,18,18")
    ap.add_argument("--filters", type=int, default=16)
    ap.add_argument("--passes", type=int, default=8)
    ap.add_argument("--profile", action="store_true", help="print torch.profiler's op table of one timed run")
    args = ap.parse_args()

    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    patch = [int(v) for v in args.patch.split(",")]
    cl = args.config != "fp32"
    bf16 = args.config == "cl-bf16"
    fmt = torch.channels_last_3d if cl else torch.contiguous_format
    VNet = build(torch)
    torch.manual_seed(0)
    model = VNet(f=args.filters).to(memory_format=fmt)

    if args.mode == "iter":
        ema = VNet(f=args.filters).to(memory_format=fmt)
        ema.load_state_dict(model.state_dict())
        for p in ema.parameters():
            p.detach_()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
        x = torch.randn(4, 1, *patch).contiguous(memory_format=fmt)
        label_np = np.stack([sphere(patch, min(patch) // 3)] * 2)
        label = torch.from_numpy(label_np)
        labeled, T, k, step = 2, args.passes, 1500.0, [0]
        model.train()
        ema.train()

        def rampup(t, length):
            if length == 0:
                return 1.0
            p = 1.0 - min(max(t, 0.0), length) / length
            return math.exp(-5.0 * p * p)

        def dice_loss(score, target):
            inter = (score * target).sum()
            return 1 - (2 * inter + 1e-5) / ((score * score).sum() + (target * target).sum() + 1e-5)

        def run():
            t = step[0]
            gt_sdf = torch.from_numpy(np.stack([compute_sdf(m)[None] for m in label_np]))
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                out_tanh, out_seg = model(x)
            out_tanh, out_seg = out_tanh.float(), out_seg.float()
            soft = torch.softmax(out_seg, 1)
            ce = F.cross_entropy(out_seg[:labeled], label)
            dice = dice_loss(soft[:labeled, 1], (label == 1).float())
            mse = F.mse_loss(out_tanh[:labeled], gt_sdf)
            sup = 0.5 * (ce + dice) + 0.3 * mse
            xu = x[labeled:]
            with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                noisy = xu + torch.clamp(torch.randn_like(xu) * 0.1, -0.2, 0.2)
                ema_soft = torch.softmax(ema(noisy)[1].float(), 1)
                rep = xu.repeat(2, 1, 1, 1, 1)
                n = xu.shape[0]
                preds = torch.zeros([T * n, 2, *patch])
                for i in range(T // 2):
                    inp = rep + torch.clamp(torch.randn_like(rep) * 0.1, -0.2, 0.2)
                    preds[2 * n * i:2 * n * (i + 1)] = ema(inp)[1].float()
                preds = torch.softmax(preds, 1).reshape(T, n, 2, *patch).mean(0)
                uncertainty = -torch.sum(preds * torch.log(preds + 1e-6), dim=1, keepdim=True)
            threshold = (0.75 + 0.25 * rampup(t, 6000)) * math.log(2)
            mask = (uncertainty < threshold).float()
            intra = torch.sum(mask * (soft[labeled:] - ema_soft) ** 2) / (2 * torch.sum(mask) + 1e-16)
            cross = torch.mean((torch.sigmoid(-k * out_tanh) - soft[:, 1:]) ** 2)
            lam = 1.0 * rampup(t // 150, 40.0)
            loss = sup + lam * (intra + cross)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            a = min(1 - 1 / (t + 1), 0.99)
            with torch.no_grad():
                for pe, ps in zip(ema.parameters(), model.parameters()):
                    pe.mul_(a).add_(ps, alpha=1 - a)
            step[0] += 1
            return float(loss)
    else:
        volume = [int(v) for v in args.volume.split(",")]
        stride = [int(v) for v in args.stride.split(",")]
        model.eval()
        image = torch.randn(1, *volume)

        def origins(size, p, s):
            n = math.ceil((size - p) / s) + 1
            return [min(i * s, size - p) for i in range(n)]

        def run():
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                score = torch.zeros(2, *volume)
                count = torch.zeros(1, *volume)
                for z in origins(volume[0], patch[0], stride[0]):
                    for y in origins(volume[1], patch[1], stride[1]):
                        for xx in origins(volume[2], patch[2], stride[2]):
                            win = image[:, z:z + patch[0], y:y + patch[1], xx:xx + patch[2]][None].contiguous(memory_format=fmt)
                            prob = torch.softmax(model(win)[1].float(), 1)[0]
                            score[:, z:z + patch[0], y:y + patch[1], xx:xx + patch[2]] += prob
                            count[:, z:z + patch[0], y:y + patch[1], xx:xx + patch[2]] += 1
                score = score / count
            return float(score[1].sum())

    for _ in range(args.warmup):
        run()
    times, check = [], 0.0
    for i in range(args.iters):
        t0 = time.perf_counter()
        if args.profile and i == args.iters - 1:
            with torch.profiler.profile() as prof:
                check = run()
            print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))
        else:
            check = run()
        times.append(time.perf_counter() - t0)
    print(f"RESULT mode={args.mode} config={args.config} threads={torch.get_num_threads()} "
          f"mean_ms={1000 * sum(times) / len(times):.1f} best_ms={1000 * min(times):.1f} peak_rss_mb={peak_rss_mb():.0f} check={check:.6g}")


if __name__ == "__main__":
    main()
