#!/bin/sh
# Build each libFuzzer harness with clang and run it briefly over its
# corpus (a smoke test in make check; `make fuzz` runs them longer).
# Usage: smoke.sh [SECONDS]   (0 or absent: a short, bounded run). TAP.
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
bld=${top_builddir:-$src}
secs=${1:-0}
names="url config transcript sanitize keys transit authres guide envelope outbox draft thread mime charset localbox"
set -- $names
echo "1..$#"
if ! command -v clang >/dev/null 2>&1; then
	n=0; for f in $names; do n=$((n + 1)); echo "ok $n - fuzz_$f # SKIP clang is not installed"; done
	exit 0
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
common="$src/client/xmalloc.c $src/client/strdist.c $src/client/status.c"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -I$bld -I$src/client -I$src/ui -I$src/keys $(pkg-config --cflags gnutls libetpan inih)"
n=0
for f in $names; do
	n=$((n + 1))
	runs=20000
	case $f in
	url) extra="$src/client/url.c" ;;
	config) extra="$src/client/config.c $src/client/url.c $src/client/xdg.c $src/client/argv.c $src/client/strbuf.c -linih" ;;
	transcript) extra="$src/client/transcript.c" ;;
	sanitize) extra="$src/ui/text.c" ;;
	keys) extra="$src/keys/keys.c $src/keys/defaults.c $src/client/xdg.c" ;;
	transit) extra="$src/client/transit.c $src/client/authres.c" ;;
	authres) extra="$src/client/authres.c" ;;
	guide) runs=2000	# each run lays out the whole guide
		extra="$src/client/guide.c $src/client/transcript.c $src/client/level.c $src/client/url.c $src/ui/guide_view.c $src/ui/text.c" ;;
	outbox) extra="$src/client/outbox.c $src/client/message.c $src/client/address.c $src/client/encode.c $src/client/maildir.c $src/client/xdg.c $(pkg-config --libs libetpan) -lmagic" ;;
	envelope) extra="$src/client/message.c $src/client/address.c $src/client/encode.c $(pkg-config --libs libetpan) -lmagic" ;;
	draft) extra="$src/client/draft.c $src/client/message.c $src/client/address.c $src/client/encode.c $(pkg-config --libs libetpan) -lmagic" ;;
	thread) extra="$src/client/thread.c" ;;
	mime|charset) extra="$src/client/mime.c $src/client/charset.c $src/client/html.c $src/client/argv.c $src/client/strbuf.c $src/ui/text.c $(pkg-config --cflags --libs libetpan libxml-2.0 libseccomp)" ;;
	localbox) extra="$src/client/localbox.c $src/client/maildir.c $src/client/mailbox.c $src/client/mime.c $src/client/charset.c $src/client/html.c $src/client/argv.c $src/client/strbuf.c $src/client/transit.c $src/client/authres.c $(pkg-config --cflags --libs libetpan libxml-2.0 libseccomp)" ;;
	esac
	if ! clang $flags -o "$out/fuzz_$f" "$src/tests/fuzz/fuzz_$f.c" $common $extra >"$out/$f.log" 2>&1; then
		echo "not ok $n - fuzz_$f builds"; sed 's/^/# /' "$out/$f.log"; continue
	fi
	mkdir -p "$out/c_$f"
	if [ "$secs" -gt 0 ]; then run="-max_total_time=$secs"; else run="-runs=$runs"; fi
	if "$out/fuzz_$f" $run -max_len=4096 -timeout=10 "$out/c_$f" "$src/tests/fuzz/corpus/$f" >"$out/$f.run" 2>&1; then
		echo "ok $n - fuzz_$f: $(grep -c . "$out/$f.run" >/dev/null; tail -1 "$out/$f.run")"
	else
		echo "not ok $n - fuzz_$f found a crash"; tail -40 "$out/$f.run" | sed 's/^/# /'
	fi
done
