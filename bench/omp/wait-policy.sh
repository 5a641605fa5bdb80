#!/usr/bin/env bash
# OMP_WAIT_POLICY active vs passive: wall time per epoch of `medlearn train semi` and `train classify` with the
# small CNN, on the machine as it is ("idle") and with HOGS busy-loop processes on the cores ("loaded").
# Usage: bench/omp/wait-policy.sh [WORK_DIR] [REPEATS] [HOGS]   (from the repository root, after a Release build)
# Prints one line per run: "load policy command epochs seconds s/epoch"; the sides alternate within each repeat.
set -euo pipefail
ml="${MEDLEARN:-./medlearn}"  # e.g. MEDLEARN="dotnet /copy/of/medlearn.dll" to keep building meanwhile
work="${1:-/tmp/medlearn-omp}"; repeats="${2:-2}"; hogs="${3:-2}"
mkdir -p "$work"
[ -d "$work/rop" ] || $ml data synth rop --out "$work/rop" --count 320 --size 64 --seed 1 >/dev/null
epochs=3
common=(--data "$work/rop" --model small-cnn --epochs "$epochs" --image-size 64 --precision fp32 --workers 1 --seed 0
        --set latency-images=1 --set bootstrap-samples=10)
one() { # load policy command
  local load="$1" policy="$2" cmd="$3" start end extra=()
  if [ "$cmd" = semi ]; then extra=(--labeled-fraction 0.5 --set report-samples=0); else extra=(--set explain-samples=0); fi
  start=$(date +%s.%N)
  OMP_WAIT_POLICY="$policy" $ml train "$cmd" "${common[@]}" "${extra[@]}" --out "$work/runs-$load-$policy" >"$work/last.log" 2>&1 \
    || { echo "FAILED: $load $policy $cmd (see $work/last.log)"; tail -3 "$work/last.log"; return; }
  end=$(date +%s.%N)
  awk -v l="$load" -v p="$policy" -v c="$cmd" -v e="$epochs" -v s="$start" -v t="$end" \
    'BEGIN { printf "%-6s %-7s %-8s %d %7.1f %6.2f\n", l, p, c, e, t - s, (t - s) / e }'
}
pids=()
stop_hogs() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=(); }
trap stop_hogs EXIT
for load in idle loaded; do
  if [ "$load" = loaded ]; then for _ in $(seq "$hogs"); do (while :; do :; done) & pids+=($!); done; fi
  echo "# $load: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  for r in $(seq "$repeats"); do
    for cmd in semi classify; do
      if [ $((r % 2)) -eq 1 ]; then one "$load" ACTIVE "$cmd"; one "$load" PASSIVE "$cmd"
      else one "$load" PASSIVE "$cmd"; one "$load" ACTIVE "$cmd"; fi
    done
  done
  stop_hogs
done
