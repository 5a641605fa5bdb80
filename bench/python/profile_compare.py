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


def load(dirs):
    """Mean over rounds of per-op (calls/step, self ms/step, total ms/step) and of the step wall time."""
    ops, steps = {}, []
    for d in dirs:
        with open(os.path.join(d, "ops.csv")) as f:
            for row in csv.DictReader(f):
                o = ops.setdefault(row["op"], [0.0, 0.0, 0.0])
                o[0] += float(row["calls_per_step"]) / len(dirs)
                o[1] += float(row["self_ms_per_step"]) / len(dirs)
                o[2] += float(row["total_ms_per_step"]) / len(dirs)
        with open(os.path.join(d, "profile.json")) as f:
            steps.append(json.load(f)["mean_step_ms"])
    return ops, steps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ml", nargs="+", required=True)
    ap.add_argument("--pt", nargs="+", required=True)
    ap.add_argument("--pt-label", default="PyTorch")
    ap.add_argument("--extra", nargs="*", default=[], help="NAME=DIR[,DIR...]: more PyTorch configurations (self ms/step column)")
    ap.add_argument("--rows", type=int, default=40)
    args = ap.parse_args()
    ml, ml_steps = load(args.ml)
    pt, pt_steps = load(args.pt)
    extras = []
    for e in args.extra:
        name, dirs = e.split("=", 1)
        extras.append((name, *load(dirs.split(","))))

    def fmt(v):
        return f"{v:.3f}"

    def ratio(a, b):
        return f"{a / b:.2f}" if b > 0.0005 else "n/a"

    ml_self = sum(o[1] for o in ml.values())
    pt_self = sum(o[1] for o in pt.values())
    mean = lambda xs: sum(xs) / len(xs)
    print("## Totals (per step, mean over rounds)")
    print()
    print(f"| | MedLearn | {args.pt_label} | ratio MedLearn / {args.pt_label} | difference ms |" + "".join(f" {n} |" for n, _, _ in extras))
    print("|---|---:|---:|---:|---:|" + "---:|" * len(extras))
    print(f"| wall ms per step (profiled) | {mean(ml_steps):.2f} | {mean(pt_steps):.2f} | {ratio(mean(ml_steps), mean(pt_steps))} | {mean(ml_steps) - mean(pt_steps):+.2f} |"
          + "".join(f" {mean(s):.2f} |" for _, _, s in extras))
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
