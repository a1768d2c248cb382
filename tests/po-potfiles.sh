#!/bin/sh
# Every source file with a translatable string is listed in po/POTFILES.in,
# and po/ja.po translates every message the sources have now (extracted
# here with xgettext, not taken from a po/starling.pot that may be stale):
# none untranslated, none fuzzy. TAP output.
cd "${top_srcdir:-.}" || exit 1
echo "1..3"
missing=$(grep -l '_("\|N_("\|ngettext(' client/*.c ui/*.c keys/*.c 2>/dev/null |
	while read -r f; do grep -qx "$f" po/POTFILES.in || echo "$f"; done)
if [ -z "$missing" ]; then
	echo "ok 1 - every file with _() is in po/POTFILES.in"
else
	echo "not ok 1 - missing from po/POTFILES.in: $missing"
fi
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null po/ja.po 2>&1)
case "$stats" in
*untranslated*|*fuzzy*) echo "not ok 2 - po/ja.po is incomplete: $stats" ;;
*) echo "ok 2 - po/ja.po: $stats" ;;
esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The options of po/Makevars.
if ! xgettext --keyword=_ --keyword=N_ --keyword=ngettext:1,2 \
    --from-code=UTF-8 --add-comments=TRANSLATORS: -o "$tmp/now.pot" \
    -f po/POTFILES.in 2>"$tmp/err" ||
    ! msgmerge -q -o "$tmp/ja.po" po/ja.po "$tmp/now.pot" 2>>"$tmp/err"; then
	echo "not ok 3 - cannot extract the messages: $(cat "$tmp/err")"
	exit 0
fi
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/ja.po" 2>&1)
case "$stats" in
*untranslated*|*fuzzy*)
	echo "not ok 3 - po/ja.po lacks messages the sources have now: $stats"
	{ msgattrib --untranslated "$tmp/ja.po"
	  msgattrib --only-fuzzy "$tmp/ja.po"; } 2>/dev/null |
	    grep '^msgid "..*' | sed 's/^/# /' | head -20 ;;
*) echo "ok 3 - po/ja.po covers every message of the sources: $stats" ;;
esac
