#!/usr/bin/env bash
# Load test of `medlearn serve` (issue 16): closed-loop clients (bench/MedLearn.ServeBench) posting one PNG to a
# ResNet-18 run (224 px input) on loopback, at 1, 8 and 32 concurrent clients, against
#   ml-batched    medlearn serve --max-batch 16 --max-wait-ms 5
#   ml-unbatched  medlearn serve --max-batch 1
#   python        bench/python/serve.py (http.server + torch, fused + channels_last, its own dynamic batching, 16 / 5 ms)
# All three servers run at once (OMP_WAIT_POLICY=PASSIVE, so idle ones do not spin) and the sides alternate at every
# level. Then (RSS_REQUESTS > 0) RSS of ml-batched before and after RSS_REQUESTS more requests at 32 clients.
#   RUN=runs/<resnet18 run> IMAGE=some.png bench/serve.sh        # SECONDS_PER=15 RSS_REQUESTS=10000 by default
# Writes bench/results/serve.md (override with OUT); a "## Notes (hand-written" section already in OUT is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN=${RUN:?RUN=<a resnet18 classification run folder>}
IMAGE=${IMAGE:?IMAGE=<a PNG or JPEG>}
SECONDS_PER=${SECONDS_PER:-15}
RSS_REQUESTS=${RSS_REQUESTS:-10000}
OUT=${OUT:-bench/results/serve.md}
NOTE=${NOTE:-}
PY=/usr/bin/python3
source bench/lib.sh
NOTES=$(hand_notes "$OUT")
dotnet build bench/MedLearn.ServeBench -c Release 2>&1 | grep -E " error " | sort -u || true
LOAD="dotnet bench/MedLearn.ServeBench/bin/Release/net10.0/MedLearn.ServeBench.dll"
export OMP_WAIT_POLICY=PASSIVE
LOGS=$(mktemp -d)
./medlearn serve --run bench="$RUN" --port 8081 --max-batch 16 --max-wait-ms 5 --queue 256 > "$LOGS/batched.log" 2>&1 & P1=$!
./medlearn serve --run bench="$RUN" --port 8082 --max-batch 1 --queue 256 > "$LOGS/unbatched.log" 2>&1 & P2=$!
$PY bench/python/serve.py --run "$RUN" --port 8083 --threads "$(nproc)" --max-batch 16 --max-wait-ms 5 > "$LOGS/python.log" 2>&1 & P3=$!
trap 'kill $P1 $P2 $P3 2>/dev/null || true; rm -rf "$LOGS"' EXIT
for port in 8081 8082; do until curl -sf "http://127.0.0.1:$port/v1/ready" >/dev/null; do sleep 1; done; done
until grep -q serving "$LOGS/python.log"; do sleep 1; done
declare -A URL=([ml-batched]=http://127.0.0.1:8081/v1/models/bench/predict [ml-unbatched]=http://127.0.0.1:8082/v1/models/bench/predict [python]=http://127.0.0.1:8083/predict)
declare -A PID=([ml-batched]=$P1 [ml-unbatched]=$P2 [python]=$P3)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date +%s)
declare -A R
ORDERS=("ml-batched python ml-unbatched" "python ml-unbatched ml-batched" "ml-unbatched ml-batched python")
i=0
for clients in 1 8 32; do
  for side in ${ORDERS[$i]}; do
    R[$side-$clients]=$($LOAD --server "$side" --url "${URL[$side]}" --image "$IMAGE" --clients "$clients" --seconds "$SECONDS_PER" --warmup 3 --pid "${PID[$side]}" | grep '^RESULT')
    echo "${R[$side-$clients]}" >&2
  done
  i=$((i + 1))
done
RSS_LINE=""
if [ "$RSS_REQUESTS" -gt 0 ]; then
  before=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$P1/status")
  samples=""
  for part in 1 2 3 4 5; do
    r=$($LOAD --server ml-batched --url "${URL[ml-batched]}" --image "$IMAGE" --clients 32 --requests $((RSS_REQUESTS / 5)) --pid "$P1" | grep '^RESULT')
    echo "$r" >&2
    samples="$samples $(field rss_mb "$r")"
    failed_rss=$(( ${failed_rss:-0} + $(field failed "$r") ))
  done
  RSS_LINE="RSS of ml-batched: $before MB after the load levels, then after each further $((RSS_REQUESTS / 5)) requests at 32 clients:$samples MB; failed requests: $failed_rss."
fi
END=$(date +%s)
{
  echo "# medlearn serve: load test (ResNet-18, 224 px input)"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average before: $LOAD_BEFORE; $(date -u +%Y-%m-%dT%H:%MZ); $((END - START)) s."
  echo "Command: \`RUN=$RUN IMAGE=$IMAGE SECONDS_PER=$SECONDS_PER RSS_REQUESTS=$RSS_REQUESTS bench/serve.sh\`"
  echo "Image: $(file -b "$IMAGE" | cut -d, -f1-3). Each cell: $SECONDS_PER s of closed-loop requests after 3 s of warm-up; the three servers alternate."
  [ -n "$NOTE" ] && echo && echo "$NOTE"
  echo
  echo "| clients | server | requests | failed | throughput (img/s) | p50 ms | p95 ms | p99 ms | RSS MB |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for clients in 1 8 32; do
    for side in ml-batched ml-unbatched python; do
      r=${R[$side-$clients]}
      echo "| $clients | $side | $(field requests "$r") | $(field failed "$r") | $(field throughput "$r") | $(field p50_ms "$r") | $(field p95_ms "$r") | $(field p99_ms "$r") | $(field rss_mb "$r") |"
    done
  done
  echo
  for clients in 1 8 32; do
    b=$(field throughput "${R[ml-batched-$clients]}"); u=$(field throughput "${R[ml-unbatched-$clients]}"); p=$(field throughput "${R[python-$clients]}")
    echo "- $clients clients: batched / unbatched = $(ratio "$b" "$u"), batched / python = $(ratio "$b" "$p")"
  done
  [ -n "$RSS_LINE" ] && echo && echo "$RSS_LINE"
  [ -n "$NOTES" ] && echo && echo "$NOTES"
} > "$OUT"
cat "$OUT"
