#!/bin/sh
# Writes the man pages of eqnet and eqnet-studio (section 1) from the programs' own help texts,
# so that a page can never disagree with its program:
#   make-manpage.sh eqnet EQNET VERSION OUT
#   make-manpage.sh eqnet-studio STUDIO VERSION OUT
# (packaging/CPackConfig.cmake runs it at build time; OUT is gzip-compressed roff).
set -eu
PAGE=$1
E=$2
VERSION=$3
OUT=$4
date=$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)

# roff-escape the help text (backslashes, hyphens, leading dots and quotes), then turn the bold
# markers @B@ ... @R@ the awk scripts put around names into roff fonts.
esc() {
    sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\&'/" \
        -e 's/@B@/\\fB/g' -e 's/@R@/\\fR/g' -e 's/^@TP@$/.TP/'
}

# The option lines of one help text as .TP entries ("  --name TYPE   text" and continuations).
options() {
    awk '
        /^Options:/ { on = 1; next }
        /^(Subcommands|Arguments):/ { on = 0 }
        !on { next }
        /^  -/ {
            line = substr($0, 3)
            # the option and its type end where two spaces start the description
            n = match(line, /  +[^ ]/)
            if (n) { print "@TP@"; print "@B@" substr(line, 1, n - 1) "@R@"; rest = substr(line, n); sub(/^ +/, "", rest); print rest }
            else { print "@TP@"; print "@B@" line "@R@" }
            next
        }
        /^ +[^ ]/ { t = $0; sub(/^ +/, "", t); print t }
    '
}

commands() { "$E" "$@" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'; }

studio_page() {
    printf '.TH EQNET-STUDIO 1 "%s" "eqnet-studio %s" "User Commands"\n' "$date" "$VERSION"
    echo '.SH NAME'
    echo 'eqnet\-studio \- desktop workbench for elastic quantization (EQ\-Net) of neural networks'
    echo '.SH SYNOPSIS'
    printf '%s\n' '.B eqnet\-studio' '[\fIoptions\fR] [\fIrun\fR]'
    echo '.SH DESCRIPTION'
    echo 'EQ\-Net Studio trains a quantization supernet on worker threads while it draws the training'
    echo 'curves and the weight distributions live, fits the CQAP accuracy predictor, searches the Pareto'
    echo 'front of accuracy against BitOps for the hardware constraints chosen in its dock, and exports the'
    echo 'chosen subnet as JSON and ONNX. Without a run folder it reopens the last run.'
    echo '.SH OPTIONS'
    QT_QPA_PLATFORM=offscreen "$E" --help | options | esc
    echo '.SH ARGUMENTS'
    QT_QPA_PLATFORM=offscreen "$E" --help | awk '/^Arguments:/ { on = 1; next } on && /^  [a-z]/ { c = $1; $1 = ""; sub(/^ +/, ""); print "@TP@"; print "@B@" c "@R@"; print }' | esc
    cat <<'TAIL'
.SH FILES
.TP
.I $XDG_CONFIG_HOME/EQ\-Net Studio/eqnet\-studio.conf
Window layout, the recent runs, the language.
.TP
.I /usr/share/eqnet/demo-run
The demo run that \-\-demo opens (as a writable copy).
.SH SEE ALSO
.BR eqnet (1);
the user guide in \fI/usr/share/doc/eqnet\-studio/user\-guide.md\fR.
TAIL
}

eqnet_page() {
    printf '.TH EQNET 1 "%s" "eqnet %s" "User Commands"\n' "$date" "$VERSION"
    echo '.SH NAME'
    echo 'eqnet \- elastic quantization (EQ\-Net) of neural networks from the command line'
    echo '.SH SYNOPSIS'
    echo '.B eqnet'
    echo '.I command'
    printf '%s\n' '[\fIoptions\fR]'
    echo '.SH DESCRIPTION'
    echo 'eqnet trains one weight\-sharing quantization supernet that runs at every bit\-width from 2 to 8 bits'
    echo 'and in every quantization form, fits the CQAP accuracy predictor, searches the Pareto front of'
    echo 'accuracy against BitOps for a hardware profile and exports the chosen subnet as JSON and ONNX.'
    echo '.B eqnet pipeline'
    echo 'does all of it in one resumable command. The same engine drives the desktop application,'
    echo '.BR eqnet\-studio (1).'
    echo '.SH COMMANDS'
    "$E" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { c = $1; $1 = ""; sub(/^ +/, ""); print "@TP@"; print "@B@" c "@R@"; print }' | esc
    for c in $(commands); do
        printf '.SH "EQNET %s"\n' "$(echo "$c" | tr a-z A-Z)"
        "$E" "$c" --help | sed -n '1p' | esc
        "$E" "$c" --help | options | esc
        for b in $(commands "$c"); do
            printf '.SS "eqnet %s %s"\n' "$c" "$b"
            "$E" "$c" "$b" --help | sed -n '1p' | esc
            "$E" "$c" "$b" --help | options | esc
        done
    done
    cat <<'TAIL'
.SH EXIT STATUS
0 on success; 2 for an error in the input (a message names the file or field at fault); 3 for an
internal error; 103\-114 for a command line it refuses (an unknown option, a value outside its range); 130 when stopped by Ctrl\-C (run
the same command again to resume).
.SH ENVIRONMENT
.TP
.B EQNET_PROFILE_DIR
Colon\-separated folders searched for hardware profiles before the user's
(\fI$XDG_CONFIG_HOME/eqnet/profiles\fR) and the shipped ones (\fI/usr/share/eqnet/profiles\fR).
.TP
.B OMP_NUM_THREADS
When set, the number of CPU threads unless \-\-threads is given.
.SH FILES
A run folder holds \fIrun.json\fR (the configuration), \fImetrics.jsonl\fR, \fIcheckpoints/\fR,
\fIcqap/\fR, \fIsearch/<profile>/front.json\fR and \fIexports/\fR; every file is written atomically.
.SH SEE ALSO
.BR eqnet\-studio (1);
the user guide in \fI/usr/share/doc/eqnet\-studio/user\-guide.md\fR.
TAIL
}

case $PAGE in
eqnet) eqnet_page ;;
eqnet-studio) studio_page ;;
*) echo "make-manpage.sh: unknown page $PAGE" >&2; exit 2 ;;
esac | gzip -9n >"$OUT"
