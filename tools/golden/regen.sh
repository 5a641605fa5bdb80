#!/usr/bin/env bash
# Regenerates every golden file with Debian's python3-torch (apt-get install python3-torch python3-torchvision).
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
for script in gen_*.py; do
  # gen_data_models.py writes large torchvision state dicts to a temp folder; its tests run it themselves.
  [ "$script" = gen_data_models.py ] && continue
  echo "== $script"
  OMP_NUM_THREADS=1 "$PY" "$script"
done
