#!/bin/sh
# Command-line tests of eqnet: cli_test.sh EQNET CASE WORKDIR (tests/cli/CMakeLists.txt adds one
# ctest per case). Checks help, exit codes and error messages; nothing here trains or reads data.
# eqnet's start (loading LibTorch, about a second) dominates, so each case runs it only a few times.
E=$1
CASE=$2
W=$3

# Every command of `eqnet --help`, and bench's subcommands.
COMMANDS="info ptq eval recalibrate train report bench cqap search profiles export pipeline launch"
BENCH_COMMANDS="fakequant train-step calibration subnet-measure decode measurement search data-parallel"

fail() {
    echo "FAIL ($CASE): $*"
    exit 1
}

# run ARGS...: eqnet's stdout and stderr in OUT, its exit code in RC.
run() {
    ARGS="$*"
    OUT=$("$E" "$@" 2>&1)
    RC=$?
    printf '$ eqnet %s\n%s\n(exit code %s)\n' "$ARGS" "$OUT" "$RC"
}
expect_rc() {
    [ "$RC" = "$1" ] || fail "eqnet $ARGS: exit code $RC, expected $1"
}
expect_failure() {
    [ "$RC" != 0 ] || fail "eqnet $ARGS: exit code 0, expected a failure"
}
expect_output() {
    case $OUT in
    *"$1"*) ;;
    *) fail "eqnet $ARGS: the output lacks '$1'" ;;
    esac
}

rm -rf "$W"
mkdir -p "$W" || fail "cannot create $W"

case $CASE in
help_lists_commands)
    run --help
    expect_rc 0
    for c in $COMMANDS; do
        printf '%s\n' "$OUT" | grep -q "^  $c  " || fail "eqnet --help does not list the command $c"
    done
    ;;
subcommand_help)
    # Every command's and bench subcommand's --help, as many at once as there are cores.
    jobs=$(nproc 2>/dev/null || echo 2)
    i=0
    for c in $COMMANDS; do
        echo "$c" >"$W/cmd-$i"
        i=$((i + 1))
    done
    for c in $BENCH_COMMANDS; do
        echo "bench $c" >"$W/cmd-$i"
        i=$((i + 1))
    done
    n=$i
    i=0
    while [ $i -lt $n ]; do
        # shellcheck disable=SC2046 # the command's words, split on purpose
        ("$E" $(cat "$W/cmd-$i") --help >"$W/out-$i" 2>&1; echo $? >"$W/rc-$i") &
        i=$((i + 1))
        [ $((i % jobs)) -eq 0 ] && wait
    done
    wait
    i=0
    while [ $i -lt $n ]; do
        c=$(cat "$W/cmd-$i")
        echo "$ eqnet $c --help: exit code $(cat "$W/rc-$i")"
        [ "$(cat "$W/rc-$i")" = 0 ] || { cat "$W/out-$i"; fail "eqnet $c --help: exit code $(cat "$W/rc-$i")"; }
        grep -q "Usage: .*eqnet $c \[OPTIONS\]" "$W/out-$i" || { cat "$W/out-$i"; fail "eqnet $c --help: no usage line"; }
        # Every numeric option shows its admissible range (option_limits.cpp): INT:[1, 65536].
        if grep -E "^ +-[^ ]* (INT|UINT|FLOAT)( |=|$)" "$W/out-$i"; then
            fail "eqnet $c --help: a numeric option without a range"
        fi
        i=$((i + 1))
    done
    ;;
unknown_option)
    run info --no-such-option
    expect_failure
    expect_output "The following argument was not expected: --no-such-option"
    ;;
info_default)
    run info
    expect_rc 0
    expect_output "model mbv2-28"
    expect_output "| # | layer | kind | weight | output | MACs | params | input | bits |"
    expect_output "total MACs per image:"
    ;;
eval_needs_one_choice)
    run eval
    expect_rc 2
    expect_output "error: give exactly one of --subnet FILE, --uniform WnAm or --fp"
    ;;
train_missing_data)
    run train --data /nonexistent --out "$W/run"
    expect_rc 2
    expect_output "error: data directory '/nonexistent' does not exist"
    ;;
train_missing_data_writes_no_run)
    run train --data /nonexistent --out "$W/run"
    expect_rc 2
    [ ! -e "$W/run/run.json" ] || fail "a failed eqnet train left $W/run/run.json behind"
    run train --model bogus --out "$W/run"
    expect_rc 2
    expect_output "error: unknown model 'bogus'"
    [ ! -e "$W/run/run.json" ] || fail "a failed eqnet train left $W/run/run.json behind"
    ;;
option_out_of_range)
    # Refused while parsing, naming the option and its range; nothing is created.
    run train --threads 100000 --out "$W/run"
    expect_rc 105
    expect_output "--threads: 100000 is outside [0, 1024]"
    run train --batch-size 0 --out "$W/run"
    expect_output "--batch-size: 0 is outside [1, 65536]"
    run pipeline --val-size 0 --out "$W/run"
    expect_output "--val-size: 0 is outside [1, 1000000000]"
    run export --run "$W/run" --max-bitops -5
    expect_output "--max-bitops: -5 is outside [0, 1e+30]"
    run train --lr nan --std 0.3,0,0.3 --out "$W/run"
    expect_output "--lr: nan is outside (0, 10]"
    run search --run "$W/run" --population 1
    expect_output "--population: 1 is outside [2, 100000]"
    run train --channels 2 --out "$W/run"
    expect_output "--channels: 2 is not one of 1, 3"
    [ ! -e "$W/run" ] || fail "a refused command created $W/run"
    ;;
distributed_options_checked)
    # A data-parallel run's settings are checked before any rank waits for the others or
    # writes anything, naming the option or variable at fault.
    run train --world-size 2 --rank 2 --out "$W/run"
    expect_rc 2
    expect_output "rank 2: must be from 0 to world size - 1 (1)"
    run train --master 127.0.0.1:99999 --world-size 2 --out "$W/run"
    expect_output "--master 127.0.0.1:99999: the port must be a number from 1 to 65535"
    export RANK=one
    run train --out "$W/run"
    unset RANK
    expect_output "RANK=one: expected a whole number"
    run launch -n 2
    expect_failure
    run launch -n 0 -- train --out "$W/run"
    expect_output "--ranks: 0 is outside [1, 256]"
    run launch -n 2 -- launch -n 2 -- train
    expect_output "the command cannot be launch itself"
    [ ! -e "$W/run" ] || fail "a refused command created $W/run"
    ;;
profiles_beside_the_program)
    # An installed eqnet finds the shipped profiles in <prefix>/share/eqnet/profiles beside its
    # bin/, whatever the prefix (the Debian package's /usr, not the configured /usr/local).
    mkdir -p "$W/prefix/bin" "$W/prefix/share/eqnet/profiles"
    cp "$E" "$W/prefix/bin/eqnet"
    sed 's/"name": *"[^"]*"/"name": "only-here"/' "$(dirname "$0")/../../resources/profiles/int8-pc-sym.json" \
        >"$W/prefix/share/eqnet/profiles/only-here.json"
    E="$W/prefix/bin/eqnet"
    run profiles
    expect_rc 0
    expect_output "only-here"
    expect_output "| only-here | preset |"
    ;;
bench_decode_missing_data)
    run bench decode --data /nonexistent
    expect_rc 2
    expect_output "error: image folder '/nonexistent' does not exist"
    ;;
*)
    fail "unknown case"
    ;;
esac
echo "PASS ($CASE)"
