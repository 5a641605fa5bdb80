#!/usr/bin/python3
"""Side-by-side per-op table of bench/profile.sh: MedLearn (`medlearn profile` folders) vs PyTorch (bench/python/profile.py
folders), each side averaged over its rounds (fresh processes). Prints Markdown: totals, then one row per op with self
ms per step on each side, the ratio MedLearn / PyTorch and the difference, sorted by the absolute difference.
Usage: profile_compare.py --ml DIR... --pt DIR... [--extra NAME=DIR,DIR ...] [--rows N]
"""
import argparse
import csv
import json
import os


def load(dirs, pick="fastest"):
    """Per-op (calls/step, self ms/step, total ms/step) and the step wall times of the rounds: of the round with the
    fastest mean step (the least disturbed by other processes) or the mean over the rounds."""
    steps = []
    for d in dirs:
        with open(os.path.join(d, "profile.json")) as f:
            steps.append(json.load(f)["mean_step_ms"])
    if pick == "fastest":
        dirs = [dirs[steps.index(min(steps))]]
    ops = {}
    for d in dirs:
        with open(os.path.join(d, "ops.csv")) as f:
            for row in csv.DictReader(f):
                o = ops.setdefault(row["op"], [0.0, 0.0, 0.0])
                o[0] += float(row["calls_per_step"]) / len(dirs)
                o[1] += float(row["self_ms_per_step"]) / len(dirs)
                o[2] += float(row["total_ms_per_step"]) / len(dirs)
    return ops, steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ml", nargs="+", required=True)
    ap.add_argument("--pt", nargs="+", required=True)
    ap.add_argument("--pt-label", default="PyTorch")
    ap.add_argument("--extra", nargs="*", default=[], help="NAME=DIR[,DIR...]: more PyTorch configurations (self ms/step column)")
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--pick", choices=["fastest", "mean"], default="fastest", help="per side: the fastest round, or the mean over rounds")
    args = ap.parse_args()
    ml, ml_steps = load(args.ml, args.pick)
    pt, pt_steps = load(args.pt, args.pick)
    extras = []
    for e in args.extra:
        name, dirs = e.split("=", 1)
        extras.append((name, *load(dirs.split(","), args.pick)))

    def fmt(v):
        return f"{v:.3f}"

    def ratio(a, b):
        return f"{a / b:.2f}" if b > 0.0005 else "n/a"

    ml_self = sum(o[1] for o in ml.values())
    pt_self = sum(o[1] for o in pt.values())
    mean = lambda xs: sum(xs) / len(xs)
    which = "the fastest round of each side" if args.pick == "fastest" else "mean over rounds"
    print(f"## Totals (per step; per-op times from {which})")
    print()
    print(f"| | MedLearn | {args.pt_label} | ratio MedLearn / {args.pt_label} | difference ms |" + "".join(f" {n} |" for n, _, _ in extras))
    print("|---|---:|---:|---:|---:|" + "---:|" * len(extras))
    pick = min if args.pick == "fastest" else mean
    print(f"| wall ms per step (profiled; {'fastest round' if args.pick == 'fastest' else 'mean'}) | {pick(ml_steps):.2f} | {pick(pt_steps):.2f} | {ratio(pick(ml_steps), pick(pt_steps))} | {pick(ml_steps) - pick(pt_steps):+.2f} |"
          + "".join(f" {pick(s):.2f} |" for _, _, s in extras))
    print(f"| ops' self time ms per step | {ml_self:.2f} | {pt_self:.2f} | {ratio(ml_self, pt_self)} | {ml_self - pt_self:+.2f} |"
          + "".join(f" {sum(o[1] for o in x.values()):.2f} |" for _, x, _ in extras))
    print(f"| op calls per step | {sum(o[0] for o in ml.values()):.0f} | {sum(o[0] for o in pt.values()):.0f} | | |" + "".join(f" {sum(o[0] for o in x.values()):.0f} |" for _, x, _ in extras))
    print(f"| wall ms per step, each round | {' / '.join(f'{s:.1f}' for s in ml_steps)} | {' / '.join(f'{s:.1f}' for s in pt_steps)} | | |" + "".join(f" {' / '.join(f'{v:.1f}' for v in s)} |" for _, _, s in extras))
    print()
    print(f"## Per op, sorted by |difference| of self time (top {args.rows})")
    print()
    print("Self = an op's own time (its duration minus its direct children's); total = with children. ms per step.")
    print()
    print(f"| Op | calls/step MedLearn / {args.pt_label} | self ms MedLearn | self ms {args.pt_label} | ratio | difference ms | total ms MedLearn / {args.pt_label} |"
          + "".join(f" self ms {n} |" for n, _, _ in extras))
    print("|---|---|---:|---:|---:|---:|---|" + "---:|" * len(extras))
    names = sorted(set(ml) | set(pt), key=lambda n: -abs(ml.get(n, [0, 0, 0])[1] - pt.get(n, [0, 0, 0])[1]))
    zero = [0.0, 0.0, 0.0]
    for n in names[: args.rows]:
        a, b = ml.get(n, zero), pt.get(n, zero)
        print(f"| {n} | {a[0]:.2f} / {b[0]:.2f} | {fmt(a[1])} | {fmt(b[1])} | {ratio(a[1], b[1])} | {a[1] - b[1]:+.3f} | {fmt(a[2])} / {fmt(b[2])} |"
              + "".join(f" {fmt(x.get(n, zero)[1])} |" for _, x, _ in extras))
    rest = names[args.rows:]
    if rest:
        ra = sum(ml.get(n, zero)[1] for n in rest)
        rb = sum(pt.get(n, zero)[1] for n in rest)
        print(f"| ({len(rest)} other ops) | | {fmt(ra)} | {fmt(rb)} | {ratio(ra, rb)} | {ra - rb:+.3f} | |" + "".join(" |" for _ in extras))
    print(f"| **all ops** | {sum(o[0] for o in ml.values()):.0f} / {sum(o[0] for o in pt.values()):.0f} | **{fmt(ml_self)}** | **{fmt(pt_self)}** | {ratio(ml_self, pt_self)} | {ml_self - pt_self:+.3f} | |"
          + "".join(f" {fmt(sum(o[1] for o in x.values()))} |" for _, x, _ in extras))


if __name__ == "__main__":
    main()
