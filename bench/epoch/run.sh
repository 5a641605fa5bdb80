#!/usr/bin/env bash
# One full ResNet-18 training epoch end to end (PNG decode + augmentation + train steps): MedLearn's training spine
# (FolderDataset + DataLoader + ClassificationTransforms.Train + Trainer + SupervisedClassificationTask, model
# ModelRegistry.Create("resnet18", 4), SGD lr 0.001 momentum 0.9) against PyTorch (ImageFolder + torchvision
# transforms + DataLoader + torchvision resnet18 + SGD), same machine, same run, alternating C# and Python.
#   bench/epoch/run.sh                              # N=256 THREADS=2 WORKERS=2 BATCH=16 EPOCHS=1 REPS=1
#   N=1024 REPS=3 WORKERS="1 2" bench/epoch/run.sh  # the idle-machine run
# Environment:
#   N           images in the synthetic ROP set (balanced over 4 classes, 256x256 PNG)       [256]
#   DATA        data folder; generated with `medlearn data synth rop` when missing          [/tmp/medlearn-bench-rop/n$N-s256]
#   THREADS     intra-op threads of the training thread (torch.set_num_threads / TorchSettings.InitialThreads) [2]
#   WORKERS     loader workers (threads in MedLearn, processes in PyTorch); a list sweeps     [2]
#   BATCH       batch size                                                                   [16]
#   EPOCHS      epochs per process (1 = one cold epoch, as a real run's first epoch)         [1]
#   REPS        repetitions of every configuration, fresh processes; the median is reported [1]
#   CS_CONFIGS  MedLearn precisions: auto (TrainerOptions default), fp32 (Precision.Fp32 = fp32 channels-last on the
#               CPU), fp32-nchw (Precision.Fp32 with SpatialDims = 0: contiguous NCHW), bf16 [auto fp32 fp32-nchw]
#   PY_CONFIGS  PyTorch configurations: fp32 (default NCHW loop), cl (fp32 channels_last), cl-bf16 [fp32 cl cl-bf16]
#   LOADER      1 = also time each side's loader alone (same transforms, no model)           [1]
#   OUT         results file                                                                 [bench/results/epoch-end-to-end.md]
#   NOTE        a line of text put under the title (e.g. "PRELIMINARY: machine shared")     []
# A "## Notes (hand-written ..." section already in OUT is kept (placed before the raw RESULT lines).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-256}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-2}
BATCH=${BATCH:-16}
EPOCHS=${EPOCHS:-1}
REPS=${REPS:-1}
CS_CONFIGS=${CS_CONFIGS:-"auto fp32 fp32-nchw"}
PY_CONFIGS=${PY_CONFIGS:-"fp32 cl cl-bf16"}
LOADER=${LOADER:-1}
DATA=${DATA:-/tmp/medlearn-bench-rop/n$N-s256}
OUT=${OUT:-bench/results/epoch-end-to-end.md}
NOTE=${NOTE:-}
PY=/usr/bin/python3
NOTES=$([ -f "$OUT" ] && sed -n '/^## Notes (hand-written/,/^## Raw RESULT lines/p' "$OUT" | sed '$ { /^## Raw RESULT lines/d }' || true)

dotnet build bench/MedLearn.EpochBench -c Release 2>&1 | grep -E " error |warning" | sort -u || true
if [ ! -d "$DATA" ]; then
  dotnet build src/MedLearn.Cli -c Release 2>&1 | grep -E " error |warning" | sort -u || true
  ./medlearn data synth rop --out "$DATA.tmp" --count "$N" --size 256 >&2
  mv "$DATA.tmp" "$DATA"
fi
FILES=$(find "$DATA" -name '*.png' | wc -l)
CS="dotnet bench/MedLearn.EpochBench/bin/Release/net10.0/MedLearn.EpochBench.dll"
ARGS="--data $DATA --threads $THREADS --batch $BATCH --epochs $EPOCHS"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2" | tr -d '"'; }
RUNS=$(mktemp)
trap 'rm -f "$RUNS"' EXIT

# One run: records "key<TAB>img_per_s<TAB>RESULT line" (key = impl|config|workers).
run() {
  local key=$1; shift
  local line
  line=$("$@" | grep '^RESULT') || { echo "FAILED: $*" >&2; return 1; }
  echo "$line" >&2
  printf '%s\t%s\t%s\n' "$key" "$(field img_per_s "$line")" "$line" >> "$RUNS"
}

read -r -a CSC <<<"$CS_CONFIGS"
read -r -a PYC <<<"$PY_CONFIGS"
PAIRS=$(( ${#CSC[@]} > ${#PYC[@]} ? ${#CSC[@]} : ${#PYC[@]} ))
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date +%s)
for w in $WORKERS; do
  for r in $(seq "$REPS"); do
    for ((i = 0; i < PAIRS; i++)); do
      if [ -n "${CSC[$i]:-}" ]; then
        echo "== MedLearn ${CSC[$i]}, workers $w, rep $r" >&2
        run "medlearn|${CSC[$i]}|$w" $CS --mode train --precision "${CSC[$i]}" --workers "$w" $ARGS
      fi
      if [ -n "${PYC[$i]:-}" ]; then
        echo "== PyTorch ${PYC[$i]}, workers $w, rep $r" >&2
        run "pytorch|${PYC[$i]}|$w" $PY bench/epoch/torch_epoch.py --mode train --config "${PYC[$i]}" --workers "$w" $ARGS
      fi
    done
    if [ "$LOADER" = 1 ]; then
      echo "== loaders alone, workers $w, rep $r" >&2
      run "medlearn|loader|$w" $CS --mode loader --workers "$w" $ARGS
      run "pytorch|loader|$w" $PY bench/epoch/torch_epoch.py --mode loader --workers "$w" $ARGS
    fi
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
MINUTES=$(( ($(date +%s) - START + 59) / 60 ))

# The RESULT line of the median run (by img/s) of a key; all img/s of the key.
median_line() { awk -F'\t' -v k="$1" '$1 == k' "$RUNS" | sort -t$'\t' -k2,2g | awk -F'\t' '{ a[NR] = $3 } END { if (NR) print a[int((NR + 1) / 2)] }'; }
all_ips() { awk -F'\t' -v k="$1" '$1 == k { printf "%s ", $2 }' "$RUNS" | sed 's/ $//'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
ips() { field img_per_s "$(median_line "$1")"; }
label() {
  case $1 in
    medlearn\|auto) echo "MedLearn Precision.Auto (default)";;
    medlearn\|fp32) echo "MedLearn Precision.Fp32 (fp32, channels-last)";;
    medlearn\|fp32-nchw) echo "MedLearn Precision.Fp32, SpatialDims 0 (fp32, NCHW)";;
    medlearn\|bf16) echo "MedLearn Precision.Bf16 (bf16 autocast, channels-last)";;
    pytorch\|fp32) echo "PyTorch fp32 NCHW (default)";;
    pytorch\|cl) echo "PyTorch fp32 channels_last";;
    pytorch\|cl-bf16) echo "PyTorch channels_last + bf16 autocast";;
    *) echo "$1";;
  esac
}

{
  echo "# One training epoch end to end: MedLearn vs PyTorch"
  echo
  [ -n "$NOTE" ] && { echo "**$NOTE**"; echo; }
  echo "Generated by \`bench/epoch/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src native bench || echo ', with uncommitted changes'))."
  echo
  echo "- Machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs ($(lscpu | sed -n 's/^Core(s) per socket: *//p') cores/socket, $(lscpu | sed -n 's/^Thread(s) per core: *//p') thread(s)/core), bf16 flags: $(grep -o -w -E 'avx512_bf16|amx_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "- Software: .NET $(dotnet --version), Debian libtorch 1.13 under both; $($PY -c 'import torch, torchvision, PIL; print(f"PyTorch {torch.__version__}, torchvision {torchvision.__version__}, Pillow {PIL.__version__}")')"
  echo "- Data: $FILES synthetic ROP-like fundus PNGs, 256x256 RGB, 4 balanced classes (\`./medlearn data synth rop --out $DATA --count $N --size 256\`)"
  echo "- Work per epoch: decode -> RandomResizedCrop 224 (scale 0.08-1, ratio 3/4-4/3) -> horizontal flip -> ImageNet normalisation -> shuffled batches of $BATCH -> ResNet-18 (4 classes) forward, cross-entropy, backward, SGD(lr 0.001, momentum 0.9)"
  echo "  - MedLearn: \`FolderDataset\` + \`DataLoader\` (Workers = N threads, WorkerIntraOpThreads 1, PrefetchDepth 2) with \`ClassificationTransforms.Train\` (ScaleIntensity, ToChannels(3), RandomResizedCrop, RandomFlip, Normalize), \`Trainer.Fit\` (TrainerOptions { Epochs = $EPOCHS, Precision = ... }, no validation, no checkpoints) over \`SupervisedClassificationTask\` and \`ModelRegistry.Create(\"resnet18\", 4)\`, SGD from \`ClassificationSetup.Optimizer\`"
  echo "  - PyTorch: \`ImageFolder\` + \`Compose([RandomResizedCrop(224), RandomHorizontalFlip(), ToTensor(), Normalize(ImageNet)])\` + \`DataLoader(batch $BATCH, shuffle, num_workers = N)\` (worker processes), \`torchvision.models.resnet18(num_classes=4)\`, SGD; \`loss.item()\` once per step as the Trainer does"
  echo "- Threads: $THREADS intra-op threads for training on both sides; loader workers: $WORKERS"
  echo "- Timing: wall time of $EPOCHS epoch(s) per fresh process, from the start of the epoch loop (loader start-up included) to the last optimiser step; process start, data set scan and model/optimiser construction excluded. img/s = images trained / that time. Configurations alternate MedLearn/PyTorch; $REPS run(s) each, median reported"
  echo "- Peak RSS: VmHWM of the process (MedLearn's workers are threads, so included); PyTorch's worker processes are listed separately (largest worker's peak RSS from getrusage(RUSAGE_CHILDREN), counting the copy-on-write pages shared with the parent)"
  echo "- Command: \`N=$N THREADS=$THREADS WORKERS=\"$WORKERS\" BATCH=$BATCH EPOCHS=$EPOCHS REPS=$REPS bench/epoch/run.sh\` ($MINUTES min)"
  echo "- Load average before/after: $LOAD_BEFORE / $LOAD_AFTER on $(nproc) CPUs$(awk -v l="${LOAD_BEFORE%% *}" -v n="$(nproc)" 'BEGIN { if (l > 0.5 * n) print " — **the machine was busy: numbers are noisy**" }')"
  echo
  echo "## Epoch throughput"
  echo
  echo "| Configuration | Workers | img/s | epoch s | data wait s (fraction) | first step s | median step s | compute s/step | peak RSS MB | worker peak RSS MB | loss | all runs img/s |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for w in $WORKERS; do
    for c in "${CSC[@]}"; do k="medlearn|$c|$w"; l=$(median_line "$k"); [ -n "$l" ] || continue
      echo "| $(label "medlearn|$c") | $w | $(field img_per_s "$l") | $(field seconds "$l") | $(field data_wait_s "$l") ($(field data_wait_fraction "$l")) | $(field first_step_s "$l") | $(field median_step_s "$l") | $(field compute_s_per_step "$l") | $(field peak_rss_mb "$l") | (threads) | $(field loss "$l") | $(all_ips "$k") |"
    done
    for c in "${PYC[@]}"; do k="pytorch|$c|$w"; l=$(median_line "$k"); [ -n "$l" ] || continue
      echo "| $(label "pytorch|$c") | $w | $(field img_per_s "$l") | $(field seconds "$l") | $(field data_wait_s "$l") ($(field data_wait_fraction "$l")) | $(field first_step_s "$l") | $(field median_step_s "$l") | $(field compute_s_per_step "$l") | $(field peak_rss_mb "$l") | $(field worker_peak_rss_mb "$l") | $(field loss "$l") | $(all_ips "$k") |"
    done
  done
  echo
  echo "MedLearn's precision plan for auto: $(sed -n 's/.* plan="\([^"]*\)".*/\1/p' <<<"$(median_line "medlearn|auto|${WORKERS%% *}")")."
  echo
  echo "## Ratios (MedLearn img/s / PyTorch img/s)"
  echo
  echo "| Workers | MedLearn default / PyTorch default (auto / fp32 NCHW) | MedLearn fp32 / PyTorch fp32 (channels-last / NCHW) | like-for-like fp32 NCHW (fp32-nchw / fp32) | like-for-like fp32 channels-last (fp32 / cl) | like-for-like bf16 (auto / cl-bf16) |"
  echo "|---:|---:|---:|---:|---:|---:|"
  for w in $WORKERS; do
    echo "| $w | **$(ratio "$(ips "medlearn|auto|$w")" "$(ips "pytorch|fp32|$w")")** | $(ratio "$(ips "medlearn|fp32|$w")" "$(ips "pytorch|fp32|$w")") | $(ratio "$(ips "medlearn|fp32-nchw|$w")" "$(ips "pytorch|fp32|$w")") | $(ratio "$(ips "medlearn|fp32|$w")" "$(ips "pytorch|cl|$w")") | $(ratio "$(ips "medlearn|auto|$w")" "$(ips "pytorch|cl-bf16|$w")") |"
  done
  echo
  echo "Target: MedLearn >= 1.2x PyTorch's img/s."
  if [ "$LOADER" = 1 ]; then
    echo
    echo "## Loaders alone (same data, transforms and batches, no model; $EPOCHS cold epoch(s) per process)"
    echo
    echo "| Workers | MedLearn img/s | PyTorch img/s | MedLearn / PyTorch | MedLearn peak RSS MB | PyTorch peak RSS MB (main / largest worker) |"
    echo "|---:|---:|---:|---:|---:|---:|"
    for w in $WORKERS; do
      m=$(median_line "medlearn|loader|$w"); p=$(median_line "pytorch|loader|$w")
      echo "| $w | $(field img_per_s "$m") | $(field img_per_s "$p") | $(ratio "$(field img_per_s "$m")" "$(field img_per_s "$p")") | $(field peak_rss_mb "$m") | $(field peak_rss_mb "$p") / $(field worker_peak_rss_mb "$p") |"
    done
  fi
  if [ -n "$NOTES" ]; then
    echo
    printf '%s\n' "$NOTES"
  fi
  echo
  echo "## Raw RESULT lines"
  echo
  echo '```'
  cut -f3 "$RUNS"
  echo '```'
} > "$OUT"
cat "$OUT"
