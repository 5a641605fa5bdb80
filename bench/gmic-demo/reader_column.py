"""Writes the test rows of a GMIC run's split with a simulated reader column (for the hybrid score demo).

reader = clip(0.5 + 0.2 * (2 * label - 1) + N(0, 0.25^2), 0, 1), drawn once per breast (exam, laterality) from
random.Random(7), so both views of a breast carry the same score, as a radiologist scores a breast.
Usage: reader_column.py LABELS_CSV SPLIT_CSV OUT_CSV
"""
import csv, os, random, sys

labels_csv, split_csv, out_csv = sys.argv[1:4]
base = os.path.dirname(os.path.abspath(labels_csv))
split_dir = os.path.dirname(os.path.abspath(split_csv))
test = set()
with open(split_csv) as f:
    for row in csv.DictReader(f):
        if row["split"] == "test":
            test.add(os.path.normpath(os.path.join(split_dir, row["path"])))
rng = random.Random(7)
scores = {}
rows = []
with open(labels_csv) as f:
    reader = csv.DictReader(f)
    fields = reader.fieldnames + ["reader"]
    for row in reader:
        path = os.path.normpath(os.path.join(base, row["path"]))
        if path not in test:
            continue
        key = (row["exam"], row["laterality"])
        if key not in scores:
            y = int(row["label"])
            scores[key] = min(1.0, max(0.0, 0.5 + 0.2 * (2 * y - 1) + rng.gauss(0, 0.25)))
        row = dict(row, path=path, mask=os.path.normpath(os.path.join(base, row["mask"])), reader=f"{scores[key]:.4f}")
        rows.append(row)
with open(out_csv + ".tmp", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=fields)
    w.writeheader()
    w.writerows(rows)
os.replace(out_csv + ".tmp", out_csv)
print(f"{len(rows)} test images, {len(scores)} breasts -> {out_csv}")
