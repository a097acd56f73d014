#!/bin/sh
# Writes the bash completion of eqnet from its own help texts (commands, bench's subcommands,
# every command's options, the values of options that take a fixed set), so that it can never
# disagree with the program: make-completion.sh EQNET OUT (run at build time).
set -eu
E=$1
OUT=$2

commands() { "$E" "$@" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'; }

# "NAMES|TYPE" for each option of one help text: "-h,--help|", "--format|TEXT:{json,onnx,both}".
option_lines() {
    awk '/^Options:/ { on = 1; next } /^Subcommands:/ { on = 0 }
         on && /^  -/ { line = substr($0, 3); n = match(line, /  /); if (n) line = substr(line, 1, n - 1)
                        sp = index(line, " "); if (sp) print substr(line, 1, sp - 1) "|" substr(line, sp + 1); else print line "|" }'
}

# The completion code of one command path ("train", "bench fakequant").
command_case() {
    path=$1
    help=$("$E" $path --help)
    opts=$(printf '%s\n' "$help" | option_lines | cut -d'|' -f1 | tr ',' '\n' | tr '\n' ' ' | sed 's/ $//')
    printf '    "%s")\n' "$path"
    printf '        opts="%s"\n' "$opts"
    # Values of enumerated options: {a,b,c} or "value in {a->0,b->1}" in the type.
    printf '%s\n' "$help" | option_lines | while IFS='|' read -r names type; do
        case $type in
        *"{"*) ;;
        *) continue ;;
        esac
        values=$(printf '%s' "$type" | sed -e 's/^[^{]*{//' -e 's/}.*$//' -e 's/->[0-9]*//g' | tr ',' ' ')
        for n in $(printf '%s' "$names" | tr ',' ' '); do
            printf '        [[ $prev == %s ]] && { COMPREPLY=($(compgen -W "%s" -- "$cur")); return; }\n' "$n" "$values"
        done
    done
    printf '        ;;\n'
}

{
    cat <<'HEAD'
# bash completion for eqnet. Generated from eqnet's help texts by packaging/make-completion.sh;
# installed into /usr/share/bash-completion/completions/eqnet.

_eqnet_profiles() {
    local d f
    for d in ${EQNET_PROFILE_DIR//:/ } "${XDG_CONFIG_HOME:-$HOME/.config}/eqnet/profiles" /usr/share/eqnet/profiles; do
        for f in "$d"/*.json; do [[ -e $f ]] && basename "$f" .json; done
    done
}

_eqnet() {
    local cur prev words cword
    _init_completion || return
HEAD
    printf '    local commands="%s"\n' "$(commands | tr '\n' ' ' | sed 's/ $//')"
    printf '    local bench_commands="%s"\n' "$(commands bench | tr '\n' ' ' | sed 's/ $//')"
    cat <<'MID'
    if ((cword == 1)); then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    local path=${words[1]}
    if [[ $path == bench ]]; then
        if ((cword == 2)); then
            COMPREPLY=($(compgen -W "$bench_commands --help" -- "$cur"))
            return
        fi
        path="bench ${words[2]}"
    fi
    case $prev in
    --model)
        COMPREPLY=($(compgen -W "mbv2-28 fmnist-cnn resnet20 resnet18 mobilenetv2" -- "$cur"))
        _filedir onnx
        return
        ;;
    --profile)
        COMPREPLY=($(compgen -W "$(_eqnet_profiles)" -- "$cur"))
        _filedir json
        return
        ;;
    --guidance)
        COMPREPLY=($(compgen -W "gpg teacher labels" -- "$cur"))
        return
        ;;
    --device)
        COMPREPLY=($(compgen -W "cpu cuda" -- "$cur"))
        return
        ;;
    --out | --run | --resume | --data | --out-dir | --compare)
        _filedir -d
        return
        ;;
    esac
    local opts=""
    case $path in
MID
    for c in $(commands); do
        command_case "$c"
        for b in $(commands "$c"); do command_case "$c $b"; done
    done
    cat <<'TAIL'
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    # The value of any other option: a file.
    [[ $prev == -* ]] && _filedir
}
complete -F _eqnet eqnet
TAIL
} >"$OUT"
