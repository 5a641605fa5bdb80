#!/usr/bin/env bash
# UG-MCL at the paper's size: MedLearn (C#, bench/MedLearn.Bench --mode ugmcl-iter|ugmcl-window) vs the same dual-task
# V-Net and iteration in PyTorch (bench/python/ugmcl.py, Debian python3-torch 1.13, same libtorch), same threads, each
# configuration in a fresh process, C# and Python alternating:
#   iter    one training iteration: batch 4 (2 labeled) of 112x112x80, T = 8 teacher passes, all losses, SGD, EMA
#   window  sliding-window inference of a 120x120x88 volume, patch 112x112x80, stride 18 in-plane / 4 through-plane
# MedLearn default (Precision.Auto) vs PyTorch default (fp32 NCDHW) and PyTorch's best configuration. The issue names
# channels_last_3d + bf16 autocast as "best"; on CPUs without native bf16 (no avx512_bf16/amx_bf16 in /proc/cpuinfo)
# that is emulated and tens of times slower, so there it is skipped unless BF16=1, and channels_last_3d fp32 is timed
# instead; the "best" column is the fastest PyTorch configuration measured. Records CPU, load average before/after,
# peak RSS (VmHWM) per process. Run by hand, un-niced (not a test):
#   bench/ugmcl.sh                                             # THREADS=2 WARMUP=1 ITERS=1, full size
#   PATCH=48,64,64 VOLUME=56,72,72 bench/ugmcl.sh              # reduced-size smoke run (D,H,W)
# Writes bench/results/ugmcl.md (override with OUT).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-1}
ITERS=${ITERS:-1}
PATCH=${PATCH:-80,112,112}
VOLUME=${VOLUME:-88,120,120}
STRIDE=${STRIDE:-4,18,18}
MODES=${MODES:-"iter window"}
OUT=${OUT:-bench/results/ugmcl.md}
PY=/usr/bin/python3
if [ -z "${BF16:-}" ]; then
  if grep -qE 'avx512_bf16|amx_bf16' /proc/cpuinfo; then BF16=1; else BF16=0; fi
fi
source bench/lib.sh
declare -A R
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
COMMON="--threads $THREADS --warmup $WARMUP --iters $ITERS --patch $PATCH"
PT_CONFIGS="fp32 cl-fp32"
[ "$BF16" = 1 ] && PT_CONFIGS="$PT_CONFIGS cl-bf16"
for mode in $MODES; do
  extra=""
  [ "$mode" = window ] && extra="--volume $VOLUME --stride $STRIDE"
  first=1
  for pt in $PT_CONFIGS; do
    echo "== ugmcl $mode: MedLearn auto / PyTorch $pt (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    # MedLearn's default runs before the first and after the last PyTorch configuration (alternation).
    if [ $first = 1 ]; then R[$mode,ml-auto]=$(run $CS --mode ugmcl-$mode --config auto $COMMON $extra); first=0; fi
    R[$mode,pt-$pt]=$(run $PY bench/python/ugmcl.py --mode $mode --config $pt $COMMON $extra)
  done
  R[$mode,ml-auto2]=$(run $CS --mode ugmcl-$mode --config auto $COMMON $extra)
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# best PyTorch configuration of a mode: the smallest mean_ms.
best() { local k b="" bk=""; for k in $PT_CONFIGS; do local v; v=$(field mean_ms "${R[$1,pt-$k]}"); if [ -z "$b" ] || awk -v a="$v" -v b="$b" 'BEGIN{exit !(a<b)}'; then b=$v; bk=$k; fi; done; echo "$bk"; }
mean2() { awk -v a="$(field mean_ms "$1")" -v b="$(field mean_ms "$2")" 'BEGIN { printf "%.1f", (a + b) / 2 }'; }
maxrss() { awk -v a="$(field peak_rss_mb "$1")" -v b="$(field peak_rss_mb "$2")" 'BEGIN { printf "%d", (a > b ? a : b) }'; }
{
  echo "# UG-MCL benchmark (patch ${PATCH} D,H,W; volume ${VOLUME}; stride ${STRIDE}; $THREADS threads)"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(grep -qE 'avx512_bf16|amx_bf16' /proc/cpuinfo && echo 'native bf16' || echo 'no native bf16 (bf16 emulated)'); Debian libtorch 1.13.1 / python3-torch 1.13.1."
  echo "Load average (1/5/15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER ($(date -u +%Y-%m-%dT%H:%MZ))."
  echo "Command: \`THREADS=$THREADS WARMUP=$WARMUP ITERS=$ITERS PATCH=$PATCH VOLUME=$VOLUME STRIDE=$STRIDE MODES=\"$MODES\" BF16=$BF16 bench/ugmcl.sh\`"
  echo "(per process: \`$CS --mode ugmcl-MODE --config auto $COMMON ...\` and \`$PY bench/python/ugmcl.py --mode MODE --config CONFIG $COMMON ...\`)."
  echo "MedLearn default resolves to: $(field plan "${R[$(set -- $MODES; echo $1),ml-auto]}"). MedLearn ms = mean of its two runs (before and after the PyTorch runs)."
  echo
  echo "| case | MedLearn ms (runs) | PyTorch ms | speed-up (PyTorch / MedLearn) | MedLearn peak RSS MB | PyTorch peak RSS MB |"
  echo "|---|---|---|---|---|---|"
  for mode in $MODES; do
    a=${R[$mode,ml-auto]}; a2=${R[$mode,ml-auto2]}; m=$(mean2 "$a" "$a2")
    for pt in $PT_CONFIGS; do
      b=${R[$mode,pt-$pt]}
      echo "| $mode: MedLearn default vs PyTorch $pt | $m ($(field mean_ms "$a"), $(field mean_ms "$a2")) | $(field mean_ms "$b") | $(ratio "$(field mean_ms "$b")" "$m") | $(maxrss "$a" "$a2") | $(field peak_rss_mb "$b") |"
    done
    echo "| $mode: PyTorch best here = $(best $mode) | | | | | |"
  done
} > "$OUT"
cat "$OUT"
