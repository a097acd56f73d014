#!/usr/bin/env bash
# The cost curve of docs/performance.md (issue 13): the supernet step and its FP floor against
# model size and batch size, then the per-subnet measurement cost and how the pipeline's time
# grows with CQAP samples and front points. Raw outputs go to OUT (docs/results/issue13 by
# default); run it on a quiet machine, nothing else running:
#   scripts/cost-curve.sh [steps|measure|pipeline|all]
#   steps     eqnet bench train-step for fmnist-cnn, mbv2-28, resnet20 and mobilenetv2 (224x224)
#             at several batch sizes: step times, 1 vs all threads, resident memory
#   measure   eqnet bench subnet-measure on RUN (default: the demo run) at batch 500 and 128
#   pipeline  the quick preset at 25, 50 and 100 CQAP subnets per form, and `eqnet search`
#             verifying 10, 20 and 40 front points of the demo run: stage times
#   published the supernet step of the published EQ-Net code (PyTorch, scripts/published-step.py)
#             and ours, on one thread, taking turns three times (MODELS, default mbv2-28):
#             PUBLISHED=DIR (a checkout of
#             https://github.com/xuke225/EQ-Net), python3-torch and python3-torchvision
set -euo pipefail
EQ=${EQNET:-build/app/eqnet/eqnet}
OUT=${OUT:-docs/results/issue13}
RUN=${RUN:-resources/demo-run}
WORK=${WORK:-runs/issue13}
mkdir -p "$OUT" "$WORK"

steps() {
  local f="$OUT/cost-curve-steps.txt"
  : > "$f"
  while read -r seconds model batches; do
    for b in $batches; do
      echo "\$ eqnet bench train-step --model $model --batch-size $b --seconds $seconds --rounds 2" >> "$f"
      /usr/bin/time -f "process peak resident memory: %M KB, wall %e s" \
        "$EQ" bench train-step --model "$model" --batch-size "$b" --seconds "$seconds" --rounds 2 >> "$f" 2>&1
      echo >> "$f"
    done
  done <<'LIST'
4 fmnist-cnn 32 128 512
4 mbv2-28 32 128 512
4 resnet20 32 128 512
0 mobilenetv2 8 32
LIST
}

measure() {
  local f="$OUT/subnet-measure.txt"
  : > "$f"
  for b in 500 128; do
    echo "\$ eqnet bench subnet-measure --run $RUN --bn-images 2048 --batch-size $b" >> "$f"
    "$EQ" bench subnet-measure --run "$RUN" --bn-images 2048 --batch-size "$b" >> "$f" 2>&1
    echo >> "$f"
  done
}

pipeline() {
  local f="$OUT/pipeline-growth.txt"
  : > "$f"
  for k in 25 50 100; do
    rm -rf "$WORK/quick-$k"
    echo "\$ eqnet pipeline --preset quick --per-form $k --out $WORK/quick-$k" >> "$f"
    /usr/bin/time -a -o "$WORK/quick-$k.log" -f "wall %e s" "$EQ" pipeline --preset quick --per-form "$k" \
      --out "$WORK/quick-$k" > "$WORK/quick-$k.log" 2>&1
    grep "stage times\|^wall" "$WORK/quick-$k.log" >> "$f"
    echo >> "$f"
  done
  for n in 10 20 40; do
    rm -rf "$WORK/search-$n"
    cp -r "$RUN" "$WORK/search-$n"
    rm -rf "$WORK/search-$n/search"  # nothing measured before: every point costs its measurement
    echo "\$ eqnet search --run $WORK/search-$n --verify-top $n" >> "$f"
    /usr/bin/time -a -o "$f" -f "wall %e s" "$EQ" search --run "$WORK/search-$n" --verify-top "$n" \
      > "$WORK/search-$n.log" 2>&1
    echo >> "$f"
  done
}

published() {
  local f="$OUT/published-step.txt" dir=${PUBLISHED:?set PUBLISHED to a checkout of the published EQ-Net code}
  : > "$f"
  for model in ${MODELS:-mbv2-28}; do
    for round in 1 2 3; do
      echo "\$ eqnet bench train-step --model $model --threads 1 --seconds 5 --rounds 1  # round $round" >> "$f"
      "$EQ" bench train-step --model "$model" --threads 1 --seconds 5 --rounds 1 | grep "supernet:" >> "$f"
      echo "\$ scripts/published-step.py --model $model --threads 1 --seconds 5  # round $round" >> "$f"
      /usr/bin/python3 scripts/published-step.py --eqnet-repo "$dir" --model "$model" --batch-size 128 \
        --threads 1 --seconds 5 >> "$f"
    done
  done
}

case "${1:-all}" in
  steps) steps ;;
  measure) measure ;;
  pipeline) pipeline ;;
  published) published ;;
  all) steps; measure; pipeline ;;
  *) echo "usage: $0 [steps|measure|pipeline|published|all]" >&2; exit 2 ;;
esac
