# Shared helpers of the bench scripts that compare MedLearn (C#, bench/MedLearn.Bench) with PyTorch result lines
# ("RESULT key=value ..."). Source it after `cd` to the repository root.
dotnet build bench/MedLearn.Bench -c Release 2>&1 | grep -E " error |warning" | sort -u || true
CS="dotnet bench/MedLearn.Bench/bin/Release/net10.0/MedLearn.Bench.dll"
# field KEY LINE: the value of KEY=... in a RESULT line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
# ratio A B: A / B with two decimals, n/a when B is not positive.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
# run CMD...: runs a benchmark process, echoes its RESULT line to stderr (progress) and stdout (capture).
run() { local r; r=$("$@" | grep '^RESULT'); echo "$r" >&2; echo "$r"; }
# hand_notes FILE: the "## Notes (hand-written ..." section of a results file and everything after it (kept when the
# script regenerates FILE; empty when FILE or the section does not exist).
hand_notes() { if [ -f "$1" ]; then sed -n '/^## Notes (hand-written/,$p' "$1"; fi; }
