#!/usr/bin/env bash
# The compute ceiling under `medlearn serve`'s throughput (issue 16): ResNet-18 forward passes alone, 224 px, 2-class
# head as served (the 1000-class head of bench/MedLearn.Bench costs < 0.1 %), at batch 1, 8 and 16, in MedLearn
# (InferenceModel: folded, channels-last, float32, inference mode; bench/MedLearn.Bench --mode infer --config fp32) and
# in PyTorch (fx-fused, channels_last, float32, inference_mode; bench/python/infer_latency.py --config fused-cl), the
# sides alternating, THREADS intra-op threads (default: every core). img/s = batch / mean time of one forward pass.
# No HTTP, no decoding: what a server could reach at most on this machine with that batch size.
#   bench/serve-ceiling.sh          # SECONDS_PER=10 per cell; writes bench/results/serve-ceiling.md (override with OUT)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
THREADS=${THREADS:-$(nproc)}
SECONDS_PER=${SECONDS_PER:-10}
OUT=${OUT:-bench/results/serve-ceiling.md}
export OMP_WAIT_POLICY=PASSIVE
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A R
for b in 1 8 16; do
  # about SECONDS_PER seconds per cell at ~55 ms per image
  iters=$(( SECONDS_PER * 18 / b )); [ "$iters" -lt 8 ] && iters=8
  sides="cs py"; [ "$b" = 8 ] && sides="py cs"
  for side in $sides; do
    if [ "$side" = cs ]; then R[cs-$b]=$(run $CS --mode infer --config fp32 --threads "$THREADS" --batch "$b" --warmup 3 --iters "$iters")
    else R[py-$b]=$(run /usr/bin/python3 bench/python/infer_latency.py --config fused-cl --threads "$THREADS" --batch "$b" --warmup 3 --iters "$iters"); fi
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
ips() { awk -v b="$1" -v ms="$2" 'BEGIN { printf "%.1f", b * 1000 / ms }'; }
{
  echo "# ResNet-18 forward-pass ceiling (224 px, float32, channels-last, folded BN, $THREADS threads)"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, flags: $(grep -o -w 'avx2\|avx512f\|avx512_bf16\|amx_bf16' /proc/cpuinfo | sort -u | tr '\n' ' '); $(date -u +%Y-%m-%dT%H:%MZ); load average before/after: $LOAD_BEFORE / $LOAD_AFTER."
  echo "Command: \`THREADS=$THREADS SECONDS_PER=$SECONDS_PER bench/serve-ceiling.sh\`"
  echo
  echo "| batch | MedLearn ms / pass (mean, p50) | MedLearn img/s | PyTorch ms / pass (mean, p50) | PyTorch img/s | MedLearn / PyTorch |"
  echo "|---:|---|---:|---|---:|---:|"
  for b in 1 8 16; do
    c=${R[cs-$b]}; p=${R[py-$b]}
    ci=$(ips "$b" "$(field mean_ms "$c")"); pi=$(ips "$b" "$(field mean_ms "$p")")
    echo "| $b | $(field mean_ms "$c"), $(field p50_ms "$c") | $ci | $(field mean_ms "$p"), $(field p50_ms "$p") | $pi | $(ratio "$ci" "$pi") |"
  done
  echo
  c1=$(ips 1 "$(field mean_ms "${R[cs-1]}")"); c16=$(ips 16 "$(field mean_ms "${R[cs-16]}")")
  p1=$(ips 1 "$(field mean_ms "${R[py-1]}")"); p16=$(ips 16 "$(field mean_ms "${R[py-16]}")")
  echo "- Batching gain of the forward pass alone (batch 16 / batch 1): MedLearn $(ratio "$c16" "$c1")x, PyTorch $(ratio "$p16" "$p1")x."
  echo "  A batched service can beat an unbatched one by at most this factor (plus the per-request overhead it removes)."
} > "$OUT"
cat "$OUT"
