#!/bin/sh
# Crash consistency of `eqnet pipeline --preset quick` (docs/reliability.md): runs it once
# without interruption, then again in another folder, SIGKILLing it as soon as each stage shows
# on its progress output (FP training, calibration, supernet training, CQAP sampling, the fit,
# the search, the verification, the export), rerunning after every kill. After each kill every
# file must be whole; the final results must equal the uninterrupted run's.
#   crash_consistency.sh EQNET WORKDIR [extra pipeline options...]
set -u
E=$1
W=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
CHECK="python3 $HERE/check_run_files.py"

fail() {
    echo "FAIL: $*"
    exit 1
}

rm -rf "$W"
mkdir -p "$W" || fail "cannot create $W"
ARGS="pipeline --preset quick --threads 1 $*"

echo "== uninterrupted: eqnet $ARGS --out $W/a"
start=$(date +%s)
# shellcheck disable=SC2086 # the options, split on purpose
"$E" $ARGS --out "$W/a" >"$W/a.log" 2>&1 || { tail -20 "$W/a.log"; fail "the uninterrupted pipeline failed"; }
echo "   took $(($(date +%s) - start)) s"
$CHECK "$W/a" || fail "the uninterrupted run's files"

# What the interrupted run has done so far, for the kill conditions: step records of a stage,
# lines of a file, lines of its output matching a pattern.
steps() {
    n=$(grep -c "\"stage\":\"$1\".*\"type\":\"step\"" "$W/b/metrics.jsonl" 2>/dev/null)
    echo "${n:-0}"
}
lines() { if [ -f "$W/b/$1" ]; then wc -l <"$W/b/$1"; else echo 0; fi; }
said() { tr '\r' '\n' <"$W/b.log" | grep -cE "$1"; }

# kill_when LABEL CONDITION: runs the pipeline in $W/b until CONDITION (shell) holds, SIGKILLs
# it, checks that every file is whole.
kills=0
kill_when() {
    label=$1
    cond=$2
    # shellcheck disable=SC2086
    "$E" $ARGS --out "$W/b" >"$W/b.log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if eval "$cond"; then
            kill -9 "$pid" 2>/dev/null && {
                kills=$((kills + 1))
                echo "   killed in $label ($cond)"
            }
            break
        fi
        sleep 0.05
    done
    wait "$pid" 2>/dev/null
    if grep -q "pipeline finished" "$W/b.log"; then
        echo "   $label: the pipeline finished before the kill"
        missed="$missed $label"
    fi
    grep -q "^error" "$W/b.log" && { cat "$W/b.log"; fail "the rerun failed"; }
    $CHECK "$W/b" --allow-part || fail "files after a kill in $label"
}

echo "== interrupted: the same in $W/b, killed in every stage"
missed=""
kill_when "FP training, epoch 1" '[ "$(steps fp)" -ge 20 ]'
kill_when "FP training, epoch 2" '[ "$(steps fp)" -ge 200 ]'
kill_when "calibration" '[ "$(said "calibrating the quantizer")" -ge 1 ]'
kill_when "supernet training, start" '[ "$(steps supernet)" -ge 5 ]'
kill_when "supernet training, middle" '[ "$(steps supernet)" -ge 80 ]'
kill_when "CQAP sampling, start" '[ "$(lines cqap/samples.jsonl)" -ge 2 ]'
kill_when "CQAP sampling, middle" '[ "$(lines cqap/samples.jsonl)" -ge 12 ]'
kill_when "CQAP fit" '[ -f "$W/b/cqap/samples.jsonl" ] && [ ! -f "$W/b/cqap/predictor.json" ] && [ "$(said "^cqap 100")" -ge 1 ]'
kill_when "NSGA-II search" '[ "$(said "^search .*generation")" -ge 1 ]'
kill_when "verification, first points" '[ "$(said "measured=")" -ge 1 ]'
kill_when "verification, later points" '[ "$(said "measured=")" -ge 3 ]'
kill_when "export" '[ "$(said "^export")" -ge 1 ]'
[ -z "$missed" ] || fail "no kill landed in:$missed"
echo "== finishing the interrupted run"
# shellcheck disable=SC2086
"$E" $ARGS --out "$W/b" >"$W/b.log" 2>&1 || { tail -20 "$W/b.log"; fail "the final rerun failed"; }
$CHECK "$W/b" --compare "$W/a" || fail "the interrupted run's results"
echo "PASS: $kills kills (one in every stage), every file whole after each, the results equal the uninterrupted run's"
