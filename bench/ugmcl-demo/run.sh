#!/usr/bin/env bash
# Reduced-size UG-MCL demonstration on synthetic phantoms: supervised-only vs UG-MCL (and
# ablations, via METHODS) over several seeds, held-out Dice / HD95 from each run's test_cases.csv.
# Usage: bench/ugmcl-demo/run.sh [OUT]   (env: SEEDS="0 1 2" ITERATIONS=300 RAMPUP=1 LABELED=2 METHODS="supervised;ugmcl"
#        EXTRA="--sdf-per-patch" (flags for every run) MEDLEARN=path/to/medlearn (e.g. a copy of the build, so rebuilding the tree does not disturb a running demo))
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ml="${MEDLEARN:-$here/../../medlearn}"
out="${1:-/tmp/ugmcl-demo-bench}"
seeds="${SEEDS:-0 1 2}"
iterations="${ITERATIONS:-300}"
rampup="${RAMPUP:-1}"
labeled="${LABELED:-2}"
mkdir -p "$out"
[ -d "$out/phantoms" ] || "$ml" data synth volume --out "$out/phantoms" --count 20 --size 24x24x24 --seed 7 > "$out/synth.log" 2>&1
common=(--data "$out/phantoms" --labeled "$labeled" --test 6 --iterations "$iterations" --patch 16,16,16 --window-stride 8,8,8
        --filters 8 --depth 2 --uncertainty-passes 4 --rampup "$rampup" --lr-step 100000 ${EXTRA:-})
# METHODS: ';'-separated method + flags, e.g. "mean-teacher;ugmcl --no-uncertainty;ugmcl --no-cross-task;ugmcl --no-sdf-head"
IFS=';' read -ra methods <<< "${METHODS:-supervised;mean-teacher;ugmcl;ugmcl --no-uncertainty;ugmcl --no-cross-task;ugmcl --no-sdf-head}"
echo "method,seed,dice_mean,hd95_mm_mean,run" > "$out/summary.csv"
for seed in $seeds; do
  for m in "${methods[@]}"; do
    name="$(echo "$m" | tr ' ' '_' | tr -d '-')-s$seed"
    # shellcheck disable=SC2086
    OMP_WAIT_POLICY=PASSIVE "$ml" train segment "${common[@]}" --method $m --seed "$seed" --out "$out/runs" --name "$name" > "$out/$name.log" 2>&1
    run="$(ls -d "$out"/runs/*-"$name" | tail -1)"
    mean="$(grep '^mean,' "$run/test_cases.csv" | cut -d, -f2,4)"
    echo "$m,$seed,$mean,$run" >> "$out/summary.csv"
    echo "$m seed $seed: $mean"
  done
done
