#!/usr/bin/env bash
# The Fashion-MNIST runs behind docs/results.md (issue 3). Every stage-2 run starts from the
# same FP model (the first run's stage 1) and trains for the same number of steps.
# Usage: scripts/experiments-issue3.sh [RUNS_DIR] [EPOCHS]
set -euo pipefail
EQ=${EQNET:-build/app/eqnet/eqnet}
R=${1:-runs/issue3}
E=${2:-2}
mkdir -p "$R"
t() { local name=$1; shift; local s=$(date +%s); "$@"; echo "$name: $(( $(date +%s) - s )) s" | tee -a "$R/times.txt"; }
t supernet-gpg-wdr "$EQ" train --out "$R/gpg-wdr" --fp-epochs 2 --epochs "$E"
FP="$R/gpg-wdr/checkpoints/fp.pt"
for b in 2 4 8; do
  t "static-W${b}A${b}" "$EQ" train --out "$R/static-w$b" --from-fp "$FP" --epochs "$E" --static "$b" --static-form pc-sym-asym
done
t supernet-gpg-nowdr "$EQ" train --out "$R/gpg-nowdr" --from-fp "$FP" --epochs "$E" --no-wdr
t supernet-teacher-wdr "$EQ" train --out "$R/teacher-wdr" --from-fp "$FP" --epochs "$E" --guidance teacher
t supernet-labels-wdr "$EQ" train --out "$R/labels-wdr" --from-fp "$FP" --epochs "$E" --guidance labels
