#!/usr/bin/env bash
# GMIC at full resolution (2944x1920, one image): MedLearn (C#, bench/MedLearn.Bench --mode gmic) vs the same GMIC in
# PyTorch (bench/python/gmic.py, Debian python3-torch 1.13, same libtorch), same threads, each configuration in a
# fresh process, C# and Python alternating. Forward (eval) and one training step (Adam, GMIC loss); MedLearn default
# (Precision.Auto) vs PyTorch default (fp32 NCHW), and both in channels_last + bf16 autocast; peak RSS of each process.
# Also a ResNet-34 forward on the same image (the paper's comparison). Run by hand (not a test):
#   bench/gmic.sh                        # THREADS=2 WARMUP=1 ITERS=3
#   HEIGHT=736 WIDTH=480 bench/gmic.sh   # reduced size smoke run
# Writes bench/results/gmic.md (override with OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-1}
ITERS=${ITERS:-3}
HEIGHT=${HEIGHT:-2944}
WIDTH=${WIDTH:-1920}
OUT=${OUT:-bench/results/gmic.md}
PY=/usr/bin/python3
source bench/lib.sh
declare -A R
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
COMMON="--threads $THREADS --warmup $WARMUP --iters $ITERS --height $HEIGHT --width $WIDTH"
for mode in forward step; do
  echo "== gmic $mode" >&2
  R[$mode,ml-auto]=$(run $CS --mode gmic --gmic-mode $mode --config auto $COMMON)
  R[$mode,pt-fp32]=$(run $PY bench/python/gmic.py --mode $mode --config fp32 $COMMON)
  R[$mode,ml-cl-bf16]=$(run $CS --mode gmic --gmic-mode $mode --config cl-bf16 $COMMON)
  R[$mode,pt-cl-bf16]=$(run $PY bench/python/gmic.py --mode $mode --config cl-bf16 $COMMON)
done
echo "== resnet34 forward" >&2
R[r34,ml-auto]=$(run $CS --mode gmic --gmic-mode forward --config auto --model resnet34 $COMMON)
R[r34,pt-fp32]=$(run $PY bench/python/gmic.py --mode forward --config fp32 --model resnet34 $COMMON)

row() { # label key-ml key-pt
  local a=${R[$2]} b=${R[$3]}
  echo "| $1 | $(field mean_ms "$a") | $(field mean_ms "$b") | $(ratio "$(field mean_ms "$b")" "$(field mean_ms "$a")") | $(field peak_rss_mb "$a") | $(field peak_rss_mb "$b") |"
}
{
  echo "# GMIC benchmark (${HEIGHT}x${WIDTH}, one image, $THREADS threads)"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "Command: \`THREADS=$THREADS WARMUP=$WARMUP ITERS=$ITERS HEIGHT=$HEIGHT WIDTH=$WIDTH bench/gmic.sh\` ($(date -u +%Y-%m-%dT%H:%MZ))."
  echo "MedLearn default resolves to: $(field plan "${R[forward,ml-auto]}")."
  echo
  echo "| case | MedLearn ms | PyTorch ms | speed-up (PyTorch / MedLearn) | MedLearn peak RSS MB | PyTorch peak RSS MB |"
  echo "|---|---|---|---|---|---|"
  row "forward: MedLearn default vs PyTorch fp32" forward,ml-auto forward,pt-fp32
  row "forward: both channels_last + bf16" forward,ml-cl-bf16 forward,pt-cl-bf16
  row "forward: MedLearn default vs PyTorch channels_last + bf16" forward,ml-auto forward,pt-cl-bf16
  row "training step: MedLearn default vs PyTorch fp32" step,ml-auto step,pt-fp32
  row "training step: both channels_last + bf16" step,ml-cl-bf16 step,pt-cl-bf16
  row "training step: MedLearn default vs PyTorch channels_last + bf16" step,ml-auto step,pt-cl-bf16
  row "ResNet-34 forward: MedLearn default vs PyTorch fp32" r34,ml-auto r34,pt-fp32
  echo
  echo "ResNet-34 / GMIC forward time (MedLearn default): $(ratio "$(field mean_ms "${R[r34,ml-auto]}")" "$(field mean_ms "${R[forward,ml-auto]}")"); peak RSS ratio: $(ratio "$(field peak_rss_mb "${R[r34,ml-auto]}")" "$(field peak_rss_mb "${R[forward,ml-auto]}")")."
  echo "ResNet-34 / GMIC forward time (PyTorch fp32): $(ratio "$(field mean_ms "${R[r34,pt-fp32]}")" "$(field mean_ms "${R[forward,pt-fp32]}")"); peak RSS ratio: $(ratio "$(field peak_rss_mb "${R[r34,pt-fp32]}")" "$(field peak_rss_mb "${R[forward,pt-fp32]}")")."
} > "$OUT"
cat "$OUT"
