/* fuzz_mime.c: any bytes as a fetched message: parsed and rendered into
 * a document (libetpan, charsets, RFC 2231, the built-in HTML converter)
 * without a crash; every block and name is valid UTF-8, a copy of the
 * document equals it, and the pager's sanitiser leaves no control
 * character in any of it. */
#include "build-config.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"
#include "text.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Valid UTF-8 (the charset layer promises it), or abort. */
static void
utf8_or_abort(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;

	while (*p != '\0') {
		n = *p < 0x80 ? 1 : *p >= 0xc2 && *p < 0xe0 ? 2 :
		    *p >= 0xe0 && *p < 0xf0 ? 3 : *p >= 0xf0 && *p < 0xf5 ?
		    4 : 0;
		if (n == 0)
			abort();
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				abort();
		p += n;
	}
}

/* The sanitised text has no control character left. */
static void
clean_or_abort(const char *s)
{
	char *c = text_sanitize(s);
	const unsigned char *p;

	for (p = (const unsigned char *)c; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 &&
		    p[1] < 0xa0))
			abort();
	free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_doc *d, *c;
	size_t i;

	setlocale(LC_CTYPE, "C.UTF-8");
	d = mime_parse((const char *)data, size, NULL);
	c = mime_doc_copy(d);
	if (c->nblocks != d->nblocks || c->natts != d->natts)
		abort();
	for (i = 0; i < d->nblocks; i++) {
		utf8_or_abort(d->blocks[i].text);
		clean_or_abort(d->blocks[i].text);
		if (strcmp(d->blocks[i].text, c->blocks[i].text) != 0)
			abort();
	}
	for (i = 0; i < d->natts; i++) {
		utf8_or_abort(d->atts[i].name);
		clean_or_abort(d->atts[i].name);
		if (memcmp(d->atts[i].data, c->atts[i].data,
		    d->atts[i].size) != 0)
			abort();
	}
	mime_doc_free(c);
	mime_doc_free(d);
	return 0;
}
