#!/usr/bin/env bash
# GMIC demonstration on the synthetic screening phantoms (docs/gmic.md section 5).
# 480 phantoms of 256x160 (240 breasts x CC+MLO, 120 exams/patients), lesion size floor 2 px; split by patient
# 60/20/20; GMIC with K = 6 patches of 32 px, screening preprocessing (laterality flip from the manifest), then
# `medlearn evaluate` on the test rows with a simulated reader column. Usage: [CONTRAST=0.35] bench/gmic-demo/run.sh [WORKDIR] [EPOCHS]
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
work="${1:-/tmp/gmic-demo}"
epochs="${2:-5}"
contrast="${CONTRAST:-1}"   # --lesion-contrast of the phantoms (< 1: harder)
ml() { nice -n 10 "$here/medlearn" "$@"; }
mkdir -p "$work"
[ -f "$work/mammo/labels.csv" ] || ml data synth mammo --out "$work/mammo" --count 480 --size 256x160 --min-lesion-pixels 2 --views 2 --seed 1 --lesion-contrast "$contrast"
ml train gmic --data "$work/mammo/labels.csv" --image-size 256x160 --crop-size 32 --patches 6 --preprocessing screening \
  --epochs "$epochs" --batch-size 8 --lr 3e-4 --seed 1 --workers 1 --out "$work/runs" --set monitor=val_auc
run="$(ls -d "$work"/runs/*-gmic | tail -1)"
# The test rows of the run's split with a simulated reader score (label-dependent noise, seeded) for the hybrid.
/usr/bin/python3 "$here/bench/gmic-demo/reader_column.py" "$work/mammo/labels.csv" "$run/split.csv" "$work/test-with-reader.csv"
ml evaluate --run "$run" --data "$work/test-with-reader.csv" --label test-reader
