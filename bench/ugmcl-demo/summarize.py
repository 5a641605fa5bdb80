#!/usr/bin/env python3
"""Mean +- sd (sample, n-1) over seeds of held-out Dice and HD95 per method, from one or more summary.csv files of run.sh.
Usage: bench/ugmcl-demo/summarize.py OUT/summary.csv [MORE/summary.csv ...]  -> markdown tables on stdout."""
import csv, math, sys
from collections import OrderedDict

rows = []
for path in sys.argv[1:]:
    with open(path) as f:
        rows += list(csv.DictReader(f))
by = OrderedDict()
for r in sorted(rows, key=lambda r: (int(r["seed"]),)):
    by.setdefault(r["method"], []).append(r)

def ms(values):
    v = [x for x in values if not math.isnan(x)]
    if not v:
        return "n/a"
    m = sum(v) / len(v)
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else float("nan")
    return f"{m:.4f} ± {sd:.4f}"

print("| method | seed | held-out Dice (mean of 6) | HD95 mm (mean of 6) |\n|---|---|---|---|")
for m, rs in by.items():
    for r in rs:
        print(f"| {m} | {r['seed']} | {float(r['dice_mean']):.4f} | {float(r['hd95_mm_mean']):.3f} |")
print("\n| method | Dice mean ± sd over seeds | HD95 mm mean ± sd over seeds | seeds |\n|---|---|---|---|")
for m, rs in by.items():
    print(f"| {m} | {ms([float(r['dice_mean']) for r in rs])} | {ms([float(r['hd95_mm_mean']) for r in rs])} | {len(rs)} |")
