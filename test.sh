#!/usr/bin/env bash
# Sets up a fresh Debian machine, builds everything (including the native shim) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
dotnet build MedLearn.sln -c Release 2>&1 | grep -E "error|warn|Build succeeded|Time Elapsed" || true
log=$(mktemp)
set +e
dotnet test MedLearn.sln -c Release --no-build --logger "console;verbosity=normal" 2>&1 | tee "$log" | grep -vE "^\s+Passed " 
status=${PIPESTATUS[0]}
set -e
# One plain closing line: "N passed, N failed".
passed=$(awk '/^ +Passed: +[0-9]+$/ {s+=$2} END {print s+0}' "$log")
failed=$(awk '/^ +Failed: +[0-9]+$/ {s+=$2} END {print s+0}' "$log")
# A crashed test host ("Test Run Aborted") counts no failed test by itself: report it as one.
aborted=$(grep -c "Test Run Aborted" "$log" || true)
failed=$((failed + aborted))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
rm -f "$log"
echo "$passed passed, $failed failed"
exit "$status"
