#!/usr/bin/env bash
# The mbv2-28 runs behind docs/results.md (issue 10), one process per run, one thread each, so
# that two run side by side on a 2-core machine: EXP=NAME SEED=S scripts/experiments-issue10.sh
#   supernet       stage 1 (2 FP epochs) + supernet (EPOCHS epochs, WDR + GPG), the default
#   fp             stage 1 only (2 FP epochs, the same as the supernet job's): the variants' start
#                  when the supernet's own report is already at hand
#   adam-unused    the supernet from the seed's stage 1, with --adam-moves-unused-slots (ablation)
#   no-wdr         the supernet from the seed's stage 1 without WDR-Loss (ablation)
#   teacher        the supernet from the seed's stage 1, guided by the largest subnet only
#   labels         the supernet from the seed's stage 1, every subnet on the labels only
#   static         static QAT baselines (pc-sym-asym) from the seed's stage 1, as many steps as
#                  the supernet (EPOCHS epochs): BITS="2 4 8" to choose
#   static-compute the same with as many subnet forward/backward passes as the supernet: the
#                  supernet trains K=3 subnets per step, so 3 x EPOCHS epochs
#   fromfp         the default supernet trained again from the seed's stage 1 (reproduces the
#                  supernet job's run exactly; the reference when only stage 1 is kept)
#   long           the default supernet for 3 x EPOCHS epochs from the seed's stage 1, reported
#                  beside the static-compute models (equal steps at the longer schedule)
#   cqap-r2        CQAP of the seed's 3-epoch supernet with two BN estimates per sample, 3 fits
# EPOCHS: stage 2 epochs, 3 by default. Each supernet run is followed by its `eqnet report`
# (every form, W8A8/W4A4/W2A2, BN on 2,048 images) written to RUNS/report-NAME.md.
#   queue          for SEEDS (default "2 0 1"), two at a time: the supernets first (FIRST=fp: only
#                  their stage 1), then the variants that start from their stage 1 (QUEUE,
#                  default "no-wdr teacher labels static-compute")
set -euo pipefail
if [ "${1:-}" = --job ]; then EXP=$2; SEED=$3; fi  # one line of the queue: EXP SEED
EQ=${EQNET:-build/app/eqnet/eqnet}
R=${RUNS:-runs/issue10}
S=${SEED:-0}
E=${EPOCHS:-3}
mkdir -p "$R"
run() {
  local name=$1; shift; local s; s=$(date +%s)
  "$EQ" train --model mbv2-28 --threads 1 --seed "$S" --out "$R/$name" "$@" > "$R/$name.log" 2>&1
  echo "$name: $(( $(date +%s) - s )) s" >> "$R/times.txt"
}
report() {
  "$EQ" report --run "$R/$1" --bits 8 4 2 --bn-images 2048 --threads 1 --out "$R/report-$1.md" \
    > "$R/report-$1.log" 2>&1
}
FP="$R/mbv2-s$S/checkpoints/fp.pt"
waitfp() { # variants start from the seed's stage 1, which the supernet job writes first
  until [ -f "$FP" ]; do sleep 20; done
}
variant() { local name=$1; shift; waitfp; run "$name" --from-fp "$FP" --epochs "$E" "$@"; report "$name"; }
case "${EXP:?set EXP}" in
  queue)
    jobs=()
    for x in ${FIRST:-supernet} ${QUEUE:-no-wdr teacher labels static-compute}; do
      for s in ${SEEDS:-2 0 1}; do jobs+=("$x $s"); done
    done
    printf '%s\n' "${jobs[@]}" | xargs -P 2 -L 1 "$0" --job
    ;;
  supernet)       run "mbv2-s$S" --fp-epochs 2 --epochs "$E"; report "mbv2-s$S" ;;
  fp)             run "mbv2-s$S" --fp-epochs 2 --epochs 0 ;;
  fromfp)         variant "mbv2-s$S-fromfp" ;;
  long)
    waitfp
    run "mbv2-s$S-e9" --from-fp "$FP" --epochs $((3 * E))
    "$EQ" report --run "$R/mbv2-s$S-e9" --static "$R/static-w2-x3-s$S" "$R/static-w4-x3-s$S" "$R/static-w8-x3-s$S" \
      --forms pc-sym-asym --bits 8 4 2 --bn-images 2048 --threads 1 --out "$R/static-e9-report-s$S.md" \
      > "$R/static-e9-report-s$S.log" 2>&1 ;;
  cqap-r2)
    # CQAP with two BN estimates averaged per sample, on a copy of the seed's 3-epoch supernet
    # (EXP=fromfp), fitted with fit seeds 0-2 (docs/results.md, "CQAP on mbv2-28").
    d="$R/mbv2-s$S-r2"
    mkdir -p "$d"
    cp -r "$R/mbv2-s$S-fromfp"/{checkpoints,metrics.jsonl,run.json} "$d"/
    cq=("$EQ" cqap --run "$d" --per-form 100 --bn-images 2048 --bn-repeats 2 --workers 1 --threads 1)
    "${cq[@]}" --sample-only > "$R/cqap-s$S-r2.log" 2>&1
    for f in 0 1 2; do "${cq[@]}" --fit-seed $f > "$R/cqap-s$S-r2-fit$f.log" 2>&1; done ;;
  adam-unused)    variant "mbv2-s$S-adamall" --adam-moves-unused-slots ;;
  no-wdr)         variant "mbv2-s$S-nowdr" --no-wdr ;;
  teacher)        variant "mbv2-s$S-teacher" --guidance teacher ;;
  labels)         variant "mbv2-s$S-labels" --guidance labels ;;
  static|static-compute)
    waitfp
    se=$E; tag=""
    if [ "$EXP" = static-compute ]; then se=$((3 * E)); tag="-x3"; fi
    for b in ${BITS:-2 4 8}; do
      run "static-w$b$tag-s$S" --from-fp "$FP" --epochs "$se" --static "$b" --static-form pc-sym-asym
    done ;;
  *) echo "unknown EXP $EXP" >&2; exit 2 ;;
esac
