/* strbuf.c: a growable NUL-terminated byte buffer. */
#include "build-config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xmalloc.h"

/* Room for n more bytes and the NUL. */
static void
strbuf_grow(struct strbuf *b, size_t n)
{
	size_t cap;

	if (n > (size_t)-1 / 2 - b->len)
		fatalx("strbuf: %zu bytes is too much", n);
	if (b->s != NULL && b->len + n < b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap <= b->len + n)
		cap *= 2;
	b->s = xreallocarray(b->s, cap, 1);
	b->cap = cap;
}

/* Append n bytes. */
void
strbuf_add(struct strbuf *b, const void *p, size_t n)
{
	strbuf_grow(b, n);
	if (n > 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Append one byte. */
void
strbuf_addc(struct strbuf *b, char c)
{
	strbuf_add(b, &c, 1);
}

/* Append a string. */
void
strbuf_adds(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

/* Append a formatted string. */
void
strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_adds(b, s);
	free(s);
}

/* Append a code point as UTF-8; a surrogate or one out of range (or
 * NUL) as U+FFFD. */
void
strbuf_add_cp(struct strbuf *b, unsigned long cp)
{
	char u[4];

	if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		cp = 0xfffd;
	if (cp < 0x80) {
		strbuf_addc(b, (char)cp);
		return;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		strbuf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		strbuf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		strbuf_add(b, u, 4);
	}
}

/* The string (never NULL; "" when nothing was added), its length in
 * *len when len is not NULL; the buffer is left empty. */
char *
strbuf_take(struct strbuf *b, size_t *len)
{
	char *s = b->s ? b->s : xstrdup("");

	if (len != NULL)
		*len = b->len;
	memset(b, 0, sizeof(*b));
	return s;
}

/* Free the contents; the buffer is left empty. */
void
strbuf_clear(struct strbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
