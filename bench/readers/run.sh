#!/usr/bin/env bash
# Reader correctness against the oracles: every test file Debian ships with pydicom, nibabel and scikit-image plus
# the issue-12 regression files, read by MedLearn (bench/MedLearn.ReaderBench) and by pydicom / nibabel / PIL /
# tifffile (bench/readers/oracle.py, conventions of docs/data.md applied). Prints one line per file and a summary
# table; the process's stderr is captured and its size reported (native decoders must print nothing).
# Usage: bench/readers/run.sh [OUT_DIR]   (run from anywhere; results in OUT_DIR, default /tmp/medlearn-readers)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-/tmp/medlearn-readers}"
mkdir -p "$out"
dotnet build bench/MedLearn.ReaderBench -c Release 2>&1 | grep -E " error |rror CS" | sort -u || true
/usr/bin/python3 bench/readers/oracle.py "$out/oracle.json"
dotnet bench/MedLearn.ReaderBench/bin/Release/net10.0/MedLearn.ReaderBench.dll "$out/oracle.json" >"$out/result.txt" 2>"$out/stderr.txt"
grep -v '^equal\|^both-refuse' "$out/result.txt" || true
echo "stderr of the reading process: $(wc -c <"$out/stderr.txt") bytes ($out/stderr.txt)"
