/* fuzz_charset.c: any bytes in any of the labels mail uses become valid
 * UTF-8 (bad bytes as U+FFFD, never dropped: the output of a stateless
 * charset is never empty for non-empty input), with no ISO-2022 escape
 * let through; RFC 2047
 * words and RFC 2231 parameters built from the same bytes decode too. */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "mime.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const labels[] = {
	"ISO-2022-JP", "iso-2022-jp-2", "ISO-2022-JP-3", "cp50221",
	"Shift_JIS", "x-sjis", "EUC-JP", "euc-jp-ms", "gb2312", "GBK",
	"gb18030", "big5", "big5-hkscs", "ks_c_5601-1987", "koi8-r",
	"windows-1251", "windows-1252", "iso-8859-1", "iso-8859-2",
	"us-ascii", "utf-8", "utf-7", "utf-16", "unknown-8bit",
	"x-no-such", NULL,
};

/* Valid UTF-8 without ESC/SO/SI from an ISO-2022 decoder, or abort. */
static void
check(const char *s, const char *label)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;

	for (; *p != '\0'; p += n) {
		n = *p < 0x80 ? 1 : *p >= 0xc2 && *p < 0xe0 ? 2 :
		    *p >= 0xe0 && *p < 0xf0 ? 3 : *p >= 0xf0 && *p < 0xf5 ?
		    4 : 0;
		if (n == 0)
			abort();
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				abort();
		if (label != NULL && strncasecmp(label, "iso-2022", 8) == 0 &&
		    (*p == 0x1b || *p == 0x0e || *p == 0x0f))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *label;
	char *out, *word, *hdr;
	size_t k = sizeof(labels) / sizeof(labels[0]);

	if (size == 0)
		return 0;
	label = labels[data[0] % k];
	out = charset_to_utf8(label, (const char *)data + 1, size - 1, NULL);
	check(out, label);
	/* Bytes are never dropped silently (stateful charsets can hold
	 * nothing but shifts and escapes). */
	if (size > 1 && out[0] == '\0' && label != NULL &&
	    strncasecmp(label, "iso-2022", 8) != 0 &&
	    strcasecmp(label, "cp50221") != 0 &&
	    strncasecmp(label, "utf-", 4) != 0)
		abort();
	free(out);
	word = xstrndup((const char *)data + 1, size - 1);
	hdr = xasprintf("=?%s?Q?%s?= tail", label ? label : "x", word);
	out = mime_decode_header(hdr);
	check(out, NULL);
	free(out);
	free(hdr);
	hdr = xasprintf("attachment; filename*=%s''%s", label ? label : "",
	    word);
	if ((out = mime_param(hdr, "filename")) != NULL) {
		check(out, NULL);
		free(out);
	}
	free(hdr);
	free(word);
	return 0;
}
