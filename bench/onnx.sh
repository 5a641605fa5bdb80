#!/usr/bin/env bash
# ONNX Runtime latency of MedLearn's exported models vs MedLearn's own inference (InferenceModel, Precision.Auto), same
# machine, same run, same network and weights (seed 0), batch 1 at 224 px, each measurement in a fresh process, the two
# sides alternating for ROUNDS rounds. Run by hand (not a test):
#   bench/onnx.sh                                   # THREADS=2 ROUNDS=3 IWARMUP=10 ITERS=50 MODELS="resnet18 efficientnet_b0"
# Writes bench/results/onnx.md (override with OUT); a "## Notes (hand-written" section already in OUT is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
IWARMUP=${IWARMUP:-10}
ITERS=${ITERS:-50}
MODELS=${MODELS:-"resnet18 efficientnet_b0"}
OUT=${OUT:-bench/results/onnx.md}
NOTE=${NOTE:-}
source bench/lib.sh
NOTES=$(hand_notes "$OUT")
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo "# ONNX Runtime vs MedLearn inference latency (batch 1, 224 px)"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; threads $THREADS; load average before: $LOAD_BEFORE. $NOTE"
  echo "Command: \`THREADS=$THREADS ROUNDS=$ROUNDS IWARMUP=$IWARMUP ITERS=$ITERS MODELS=\"$MODELS\" bench/onnx.sh\` ($(date -u +%Y-%m-%d))"
  echo
  echo "| model | round | MedLearn mean ms (p95) | ONNX Runtime mean ms (p95) | ORT / MedLearn | MedLearn plan |"
  echo "| --- | --- | --- | --- | --- | --- |"
} > "$OUT.tmp"
for m in $MODELS; do
  ML_SUM=0; ORT_SUM=0
  for r in $(seq 1 "$ROUNDS"); do
    ARGS="--threads $THREADS --warmup $IWARMUP --iters $ITERS --model $m"
    ml=$(run $CS --mode infer --config default $ARGS)
    ort=$(run $CS --mode onnx --config ort $ARGS)
    a=$(field mean_ms "$ml"); b=$(field mean_ms "$ort")
    ML_SUM=$(awk -v s="$ML_SUM" -v x="$a" 'BEGIN { print s + x }'); ORT_SUM=$(awk -v s="$ORT_SUM" -v x="$b" 'BEGIN { print s + x }')
    plan=$(sed -n 's/.*plan="\([^"]*\)".*/\1/p' <<<"$ml")
    echo "| $m | $r | $a ($(field p95_ms "$ml")) | $b ($(field p95_ms "$ort")) | $(ratio "$b" "$a") | $plan |" >> "$OUT.tmp"
  done
  echo "| $m | mean | $(awk -v s="$ML_SUM" -v n="$ROUNDS" 'BEGIN { printf "%.2f", s / n }') | $(awk -v s="$ORT_SUM" -v n="$ROUNDS" 'BEGIN { printf "%.2f", s / n }') | $(ratio "$ORT_SUM" "$ML_SUM") | |" >> "$OUT.tmp"
done
echo >> "$OUT.tmp"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)." >> "$OUT.tmp"
if [ -n "$NOTES" ]; then { echo; printf '%s\n' "$NOTES"; } >> "$OUT.tmp"; fi
mv "$OUT.tmp" "$OUT"
cat "$OUT"
