#!/usr/bin/env bash
# Supervised-only vs SRC-MT on a real (non-synthetic) labeled image set available offline: Debian's
# dataset-fashion-mnist. 500 images per class of the official training set (5000 images, 10 classes) are written as
# PNG folders, MedLearn splits them 70/15/15 (stratified, per seed) and the label sweep trains both methods at low
# labeled fractions over 3 seeds. Results: bench/results/fashion-mnist-semi.md (hand-written from the sweep's
# report.html / sweep.csv).
#
#   sudo apt-get install dataset-fashion-mnist     # /usr/share/datasets/fashion-mnist/*.gz
#   bench/fashion-mnist/run.sh [WORKDIR] [short|long]   # default /tmp/medlearn-fashion, short (sweep.yaml); long = sweep-long.yaml
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/medlearn-fashion}"
config="${2:-short}"
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || { echo "install dataset-fashion-mnist first (apt-get install dataset-fashion-mnist)" >&2; exit 1; }
mkdir -p "$work"
[ -d "$work/fashion500" ] || /usr/bin/python3 "$here/import_fashion_mnist.py" --out "$work/fashion500" --per-class 500
start=$(date +%s)
"$repo/medlearn" experiment label-sweep --data "$work/fashion500" --fractions 0.01,0.02,0.05 --methods supervised,src-mt --seeds 3 \
  --config "$here/$([ "$config" = long ] && echo sweep-long.yaml || echo sweep.yaml)" --out "$work/sweep-$config" || true
echo "wall time: $(( $(date +%s) - start )) s (a rerun skips finished cells)"
echo "report: $work/sweep-$config/report.html"
