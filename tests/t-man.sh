#!/bin/bash
# The manual pages: groff finds nothing to warn about (-ww) in either page,
# man(1) renders both without complaint, starling.conf(5) describes every
# key that client/config.c accepts and its examples load, and starling(1)'s
# synopsis has every subcommand that `starling --help` lists. TAP output.
set -u
top=${top_srcdir:-.}
STARLING=${STARLING:-${top_builddir:-.}/ui/starling}
PAGES="man/starling.1 man/starling.conf.5"
for b in groff man; do
    command -v "$b" >/dev/null 2>&1 ||
        { echo "1..0 # SKIP $b not installed (groff-base, man-db)"; exit 0; }
done
T=$(mktemp -d "${TMPDIR:-/tmp}/t-man.XXXXXX")
trap 'rm -rf "$T"' EXIT
N=0
FAILED=0
echo "1..7"
# point STATUS DESC [DIAG]: one test point (STATUS 0 = ok).
point() {
    N=$((N + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $N - $2"
    else
        echo "not ok $N - $2"
        FAILED=$((FAILED + 1))
        [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
    fi
}

for p in $PAGES; do
    w=$(groff -ww -man -Tutf8 -z "$top/$p" 2>&1)
    st=$?
    [ "$st" -eq 0 ] && [ -z "$w" ]
    point $? "groff -ww -man -Tutf8 -z $p: no warnings" "exit $st; $w"
done

for p in $PAGES; do
    name=$(basename "$p")
    name=${name%.*}
    out=$(MANPAGER=cat PAGER=cat MANWIDTH=80 man -l "$top/$p" 2>"$T/err")
    st=$?
    [ "$st" -eq 0 ] && [ ! -s "$T/err" ] && grep -q "^NAME" <<<"$out" &&
        grep -qF "$name" <<<"$out"
    point $? "man -l $p renders it (NAME, no message)" \
        "exit $st; stderr: $(cat "$T/err"); output: $(head -5 <<<"$out")"
done

# Every key of config_keys[] in client/config.c has a tag (.BI key " = ")
# in starling.conf.5.
keys=$(sed -n '/^} config_keys\[\] = {$/,/^};$/p' "$top/client/config.c" | grep -oE '\{ "[a-z0-9_]+", CONFIG_' |
    sed -E 's/\{ "([a-z0-9_]+)".*/\1/' | sort -u)
missing=
for k in $keys; do
    grep -qE "^\.BI $k \" = \"" "$top/man/starling.conf.5" || missing="$missing $k"
done
[ -n "$keys" ] && [ -z "$missing" ]
point $? "starling.conf(5) describes every key of client/config.c ($(echo $keys | wc -w) keys)" \
    "keys found in config.c: $(echo $keys); not described:$missing"

# The example configuration files of starling.conf(5) load.
awk '/^\.EX$/ { ex = 1; buf = ""; next }
     /^\.EE$/ { if (buf ~ /^\[/) printf "%s\n", buf; ex = 0; next }
     ex { gsub(/\\-/, "-"); buf = buf $0 "\n" }' "$top/man/starling.conf.5" \
    >"$T/config"
chmod 600 "$T/config"
out=$(HOME=$T "$STARLING" check --config "$T/config" no-such-account 2>&1)
sections=$(grep -c '^\[' "$T/config")
grep -qF 'no account named "no-such-account"' <<<"$out" && [ "$sections" -ge 4 ]
point $? "the examples of starling.conf(5) load ($sections sections)" \
    "$(printf '%s\n' "$out" "--- examples:" "$(cat "$T/config")")"

# Every subcommand of --help is in starling(1)'s synopsis.
subs=$("$STARLING" --help | grep -oE '^ *(usage: )?starling [a-z]+' |
    awk '{ print $NF }' | sort -u)
missing=
for s in $subs; do
    grep -qE "^\.SY \"starling $s\"" "$top/man/starling.1" || missing="$missing $s"
done
[ -n "$subs" ] && [ -z "$missing" ]
point $? "starling(1)'s synopsis has every subcommand of --help ($(echo $subs))" \
    "missing:$missing"

[ "$FAILED" -gt 0 ] && echo "# $FAILED of $N test points failed"
exit 0
