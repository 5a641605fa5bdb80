#!/usr/bin/env bash
# The label-fraction sweep of docs/semi-supervised.md, section 8: supervised-only vs SRC-MT on the quick-start demo's
# synthetic ROP set (480 fundus phantoms, 128 px, seed 0 — the same files `medlearn demo` trains on), labeled
# fractions 5/10/20/100 %, 3 seeds, settings in sweep.yaml. Run by hand; a rerun skips finished cells.
#
#   bench/rop-semi/run.sh [WORKDIR]        # default /tmp/medlearn-rop-semi; writes WORKDIR/sweep/report.html
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/medlearn-rop-semi}"
mkdir -p "$work"
[ -d "$work/rop480" ] || "$repo/medlearn" data synth rop --out "$work/rop480" --count 480 --size 128 --seed 0
start=$(date +%s)
"$repo/medlearn" experiment label-sweep --data "$work/rop480" --fractions 0.05,0.1,0.2,1.0 --methods supervised,src-mt --seeds 3 \
  --config "$here/sweep.yaml" --out "$work/sweep"
echo "wall time: $(( $(date +%s) - start )) s (a rerun skips finished cells)"
echo "report: $work/sweep/report.html"
