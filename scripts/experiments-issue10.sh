#!/usr/bin/env bash
# The mbv2-28 runs behind docs/results.md (issue 10), one process per run, one thread each, so
# that two run side by side on a 2-core machine: EXP=NAME SEED=S scripts/experiments-issue10.sh
#   supernet       stage 1 (2 FP epochs) + supernet (3 epochs, WDR + GPG), the default
#   adam-unused    the same from the seed's stage 1, with --adam-moves-unused-slots (ablation)
#   static         static QAT baselines W2A2, W4A4, W8A8 (pc-sym-asym) from the seed's stage 1,
#                  as many steps as the supernet (3 epochs): BITS="2 4 8" to choose
set -euo pipefail
EQ=${EQNET:-build/app/eqnet/eqnet}
R=${RUNS:-runs/issue10}
S=${SEED:-0}
mkdir -p "$R"
run() { local name=$1; shift; local s=$(date +%s); "$EQ" train --model mbv2-28 --threads 1 --seed "$S" "$@" > "$R/$name.log" 2>&1; echo "$name: $(( $(date +%s) - s )) s" >> "$R/times.txt"; }
FP="$R/mbv2-s$S/checkpoints/fp.pt"
case "${EXP:?set EXP}" in
  supernet)    run "mbv2-s$S" --out "$R/mbv2-s$S" --fp-epochs 2 --epochs 3 ;;
  adam-unused) run "mbv2-s$S-adamall" --out "$R/mbv2-s$S-adamall" --from-fp "$FP" --epochs 3 --adam-moves-unused-slots ;;
  static)      for b in ${BITS:-2 4 8}; do
                 run "static-w$b-s$S" --out "$R/static-w$b-s$S" --from-fp "$FP" --epochs 3 --static "$b" --static-form pc-sym-asym
               done ;;
  *) echo "unknown EXP $EXP" >&2; exit 2 ;;
esac
