#!/bin/sh
# Every source file with a translatable string is listed in po/POTFILES.in,
# and po/ja.po has no untranslated or fuzzy message. TAP output.
cd "${top_srcdir:-.}" || exit 1
echo "1..2"
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
