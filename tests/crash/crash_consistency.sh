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

# kill_at PATTERN COUNT: runs the pipeline in $W/b until its output holds COUNT lines matching
# PATTERN (an extended regular expression), SIGKILLs it, checks the files.
kills=0
kill_at() {
    pattern=$1
    count=$2
    # shellcheck disable=SC2086
    "$E" $ARGS --out "$W/b" >"$W/b.log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        n=$(tr '\r' '\n' <"$W/b.log" | grep -cE "$pattern")
        if [ "$n" -ge "$count" ]; then
            kill -9 "$pid" 2>/dev/null && {
                kills=$((kills + 1))
                echo "   killed at '$pattern' #$count: $(tr '\r' '\n' <"$W/b.log" | grep -E "$pattern" | tail -1 | cut -c1-100)"
            }
            break
        fi
        sleep 0.05
    done
    wait "$pid" 2>/dev/null
    if grep -q "pipeline finished" "$W/b.log"; then
        echo "   '$pattern' #$count: the pipeline finished before the kill"
    fi
    grep -q "^error" "$W/b.log" && { cat "$W/b.log"; fail "the rerun failed"; }
    $CHECK "$W/b" --allow-part || fail "files after a kill at '$pattern'"
}

echo "== interrupted: the same in $W/b, killed in every stage"
kill_at '^fp ' 3
kill_at '^fp ' 20
kill_at 'calibrat' 1
kill_at '^supernet ' 3
kill_at '^supernet ' 30
kill_at '^cqap-sample' 2
kill_at '^cqap-sample' 40
kill_at 'fit' 1
kill_at '^search .*generation' 1
kill_at 'measured=' 1
kill_at 'measured=' 4
kill_at '^export' 1
echo "== finishing the interrupted run"
# shellcheck disable=SC2086
"$E" $ARGS --out "$W/b" >"$W/b.log" 2>&1 || { tail -20 "$W/b.log"; fail "the final rerun failed"; }
$CHECK "$W/b" --compare "$W/a" || fail "the interrupted run's results"
echo "PASS: $kills kills, every file whole after each, the results equal the uninterrupted run's"
