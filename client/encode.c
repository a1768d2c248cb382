/* encode.c: RFC 2047 words, folding, quoted-printable, base64, RFC 2231. */
#include "build-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "xmalloc.h"

/* Words longer than this are encoded, so that no line can get too long. */
#define ENCODE_LONG_WORD	900

/* "=?UTF-8?B?" and "?=" around every encoded word. */
#define ENCODE_WORD_OVERHEAD	12

/* Bytes of payload in one encoded word of a parameter (name="..."). */
#define ENCODE_PARAM_WORD	40

static const char encode_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char encode_hex[] = "0123456789ABCDEF";

/* ---------------------------------------------------------------- ebuf */

/* An empty buffer. */
void
ebuf_init(struct ebuf *b)
{
	memset(b, 0, sizeof(*b));
}

/* Append len bytes. */
void
ebuf_add(struct ebuf *b, const void *data, size_t len)
{
	if (b->cap - b->len < len + 1) {
		while (b->cap - b->len < len + 1)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
}

/* Append a string. */
void
ebuf_str(struct ebuf *b, const char *s)
{
	ebuf_add(b, s, strlen(s));
}

/* Append a formatted string. */
void
ebuf_printf(struct ebuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	ebuf_str(b, s);
	free(s);
}

/* The contents (NUL-terminated, also when empty); the buffer is empty
 * afterwards. */
char *
ebuf_take(struct ebuf *b, size_t *len)
{
	char *p;

	if (b->p == NULL)
		ebuf_add(b, "", 0);
	p = b->p;
	if (len != NULL)
		*len = b->len;
	ebuf_init(b);
	return p;
}

/* Free the contents; accepts an empty buffer. */
void
ebuf_free(struct ebuf *b)
{
	free(b->p);
	ebuf_init(b);
}

/* ----------------------------------------------------------- characters */

/* The length of the UTF-8 character at s (1 for an invalid byte). */
size_t
encode_char_len(const char *s, size_t left)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i;

	if (u[0] < 0xc2)
		return 1;
	n = u[0] < 0xe0 ? 2 : u[0] < 0xf0 ? 3 : u[0] < 0xf5 ? 4 : 1;
	if (n > left)
		return 1;
	for (i = 1; i < n; i++)
		if ((u[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* Must this word travel as encoded words: 8-bit bytes, controls, text
 * that a reader would take for an encoded word, or a giant word? */
int
encode_needs_words(const char *s, size_t len)
{
	size_t i;

	if (len > ENCODE_LONG_WORD)
		return 1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x7f || (c < 0x20 && c != '\t'))
			return 1;
		if (c == '=' && i + 1 < len && s[i + 1] == '?')
			return 1;
	}
	return 0;
}

/* May c stand for itself in a Q-encoded word, even inside a phrase
 * (RFC 2047 5.3)? */
static int
encode_q_safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '!' || c == '*' || c == '+' ||
	    c == '-' || c == '/';
}

/* Columns byte c takes in a Q-encoded word. */
static size_t
encode_q_cost(unsigned char c)
{
	return encode_q_safe(c) || c == ' ' ? 1 : 3;
}

/* Columns of len bytes as B (base64) text. */
static size_t
encode_b_cost(size_t len)
{
	return (len + 2) / 3 * 4;
}

/* Q is chosen when it is no longer than B. */
static int
encode_use_q(const char *s, size_t len)
{
	size_t i, q = 0;

	for (i = 0; i < len; i++)
		q += encode_q_cost((unsigned char)s[i]);
	return q <= encode_b_cost(len);
}

/* How many bytes of whole characters fit in avail columns of payload. */
static size_t
encode_fit(const char *s, size_t len, long avail, int q)
{
	size_t used = 0, cost = 0, n, i, c;

	while (used < len) {
		n = encode_char_len(s + used, len - used);
		if (q) {
			for (c = 0, i = 0; i < n; i++)
				c += encode_q_cost((unsigned char)s[used + i]);
			if ((long)(cost + c) > avail)
				break;
			cost += c;
		} else if ((long)encode_b_cost(used + n) > avail)
			break;
		used += n;
	}
	return used;
}

/* Append one encoded word for len bytes of s. */
static void
encode_word(struct ebuf *b, const char *s, size_t len, int q)
{
	struct ebuf tmp;
	size_t i;

	ebuf_str(b, q ? "=?UTF-8?Q?" : "=?UTF-8?B?");
	if (!q) {
		ebuf_init(&tmp);
		encode_base64(&tmp, s, len);
		/* one line: base64 of at most 57 bytes, CRLF dropped */
		for (i = 0; i < tmp.len; i++)
			if (tmp.p[i] != '\r' && tmp.p[i] != '\n')
				ebuf_add(b, tmp.p + i, 1);
		ebuf_free(&tmp);
	} else
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];
			char esc[3] = { '=', encode_hex[c >> 4],
			    encode_hex[c & 15] };

			if (c == ' ')
				ebuf_add(b, "_", 1);
			else if (encode_q_safe(c))
				ebuf_add(b, &c, 1);
			else
				ebuf_add(b, esc, 3);
		}
	ebuf_str(b, "?=");
}

/* ------------------------------------------------------------- headers */

/* Start a header: "Name:". */
void
encode_hdr_begin(struct ehdr *h, struct ebuf *b, const char *name)
{
	h->b = b;
	ebuf_str(b, name);
	ebuf_add(b, ":", 1);
	h->col = h->start = strlen(name) + 1;
}

/* Append whitespace ws (" " when empty) and token tok, folding before
 * the whitespace when the line would pass ENCODE_LINE columns. */
void
encode_hdr_token(struct ehdr *h, const char *ws, size_t wslen,
    const char *tok, size_t toklen)
{
	if (wslen == 0) {
		ws = " ";
		wslen = 1;
	}
	if (h->col > h->start && h->col + wslen + toklen > ENCODE_LINE) {
		ebuf_add(h->b, "\r\n", 2);
		h->col = 0;
	}
	ebuf_add(h->b, ws, wslen);
	ebuf_add(h->b, tok, toklen);
	h->col += wslen + toklen;
}

/*
 * Append s as encoded words, each after a space or a fold, each line at
 * most ENCODE_LINE columns, never splitting a UTF-8 character. The space
 * between two encoded words is not part of the text (RFC 2047 6.2), so
 * the text's own spaces are encoded inside the words.
 */
void
encode_hdr_words(struct ehdr *h, const char *s, size_t len)
{
	int q = encode_use_q(s, len);
	long avail;
	size_t n;

	while (len > 0) {
		avail = (long)ENCODE_LINE - (long)h->col - 1 -
		    ENCODE_WORD_OVERHEAD;
		n = encode_fit(s, len, avail, q);
		if (n == 0) {
			ebuf_add(h->b, "\r\n", 2);
			h->col = 0;
			n = encode_fit(s, len, ENCODE_LINE - 1 -
			    ENCODE_WORD_OVERHEAD, q);
		}
		ebuf_add(h->b, " ", 1);
		h->col++;
		n = n ? n : 1;		/* cannot happen: one char always fits */
		{
			size_t before = h->b->len;

			encode_word(h->b, s, n, q);
			h->col += h->b->len - before;
		}
		s += n;
		len -= n;
	}
}

/* End the header line. */
void
encode_hdr_end(struct ehdr *h)
{
	ebuf_add(h->b, "\r\n", 2);
}

/* Is c whitespace inside a header value? */
static int
encode_is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/* Write one unstructured word run: plain words as they are, runs of words
 * that need encoding (with the spaces between them) as encoded words. */
static void
encode_words_of(struct ehdr *h, const char *v, size_t len)
{
	size_t i = 0, ws, w, e, span_end;

	while (i < len) {
		for (ws = i; i < len && encode_is_ws(v[i]); i++)
			;
		if (i == len)
			break;
		for (w = i; i < len && !encode_is_ws(v[i]); i++)
			;
		if (!encode_needs_words(v + w, i - w)) {
			encode_hdr_token(h, v + ws, w - ws, v + w, i - w);
			continue;
		}
		/* Extend the span over following words that need it too. */
		span_end = i;
		for (;;) {
			for (e = span_end; e < len && encode_is_ws(v[e]); e++)
				;
			if (e == len)
				break;
			for (w = e; e < len && !encode_is_ws(v[e]); e++)
				;
			if (!encode_needs_words(v + w, e - w))
				break;
			span_end = e;
		}
		for (w = ws; encode_is_ws(v[w]); w++)
			;
		encode_hdr_words(h, v + w, span_end - w);
		i = span_end;
	}
}

/* A header with an unstructured value (Subject, Comments, ...); line
 * breaks in the value become spaces, so nothing can be injected. */
void
encode_unstructured(struct ebuf *b, const char *name, const char *value)
{
	struct ehdr h;
	char *v = xstrdup(value != NULL ? value : ""), *p;

	/* CR LF (or a lone CR or LF) becomes one space */
	for (p = v; *p != '\0'; p++)
		if (*p == '\r' && p[1] == '\n')
			memmove(p, p + 1, strlen(p));
	for (p = v; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	encode_hdr_begin(&h, b, name);
	encode_words_of(&h, v, strlen(v));
	encode_hdr_end(&h);
	free(v);
}

/* Is c an atext character (RFC 5322 3.2.3)? */
static int
encode_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * A display name (RFC 5322 phrase): atoms as they are, other ASCII as one
 * quoted string, anything else as encoded words. Line breaks become
 * spaces.
 */
void
encode_phrase(struct ehdr *h, const char *name)
{
	char *v = xstrdup(name), *p;
	size_t len, i;
	struct ebuf q;
	int atoms = 1;

	for (p = v; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
		if (*p != ' ' && !encode_atext((unsigned char)*p))
			atoms = 0;
	}
	len = strlen(v);
	if (encode_needs_words(v, len))
		encode_hdr_words(h, v, len);
	else if (atoms)
		encode_words_of(h, v, len);
	else {
		ebuf_init(&q);
		ebuf_add(&q, "\"", 1);
		for (i = 0; i < len; i++) {
			if (v[i] == '"' || v[i] == '\\')
				ebuf_add(&q, "\\", 1);
			ebuf_add(&q, v + i, 1);
		}
		ebuf_add(&q, "\"", 1);
		encode_hdr_token(h, NULL, 0, q.p, q.len);
		ebuf_free(&q);
	}
	free(v);
}

/* May c stand for itself in an RFC 2231 extended value (attribute-char)? */
static int
encode_attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$&+-.^_`|~", c) != NULL);
}

/* Is value fine as a plain quoted parameter value: short printable ASCII? */
static int
encode_param_plain(const char *value)
{
	size_t i, len = strlen(value);

	if (len > 60)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)value[i] < 0x20 ||
		    (unsigned char)value[i] >= 0x7f)
			return 0;
	return 1;
}

/* One parameter token: name="value" with \ before " and \. */
static void
encode_param_quoted(struct ehdr *h, const char *name, const char *value,
    int last)
{
	struct ebuf t;
	size_t i;

	ebuf_init(&t);
	ebuf_printf(&t, "%s=\"", name);
	for (i = 0; value[i] != '\0'; i++) {
		if (value[i] == '"' || value[i] == '\\')
			ebuf_add(&t, "\\", 1);
		ebuf_add(&t, value + i, 1);
	}
	ebuf_str(&t, last ? "\"" : "\";");
	encode_hdr_token(h, NULL, 0, t.p, t.len);
	ebuf_free(&t);
}

/* Emit one token of an RFC 2231 parameter and reset the buffer. */
static void
encode_param_flush(struct ehdr *h, struct ebuf *t, int last)
{
	if (!last)
		ebuf_add(t, ";", 1);
	encode_hdr_token(h, NULL, 0, t->p, t->len);
	t->len = 0;
}

/* One character of value (UTF-8) as an RFC 2231 extended value. */
static void
encode_pct_char(struct ebuf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3] = { '%', encode_hex[c >> 4], encode_hex[c & 15] };

		if (encode_attr_char(c))
			ebuf_add(b, &c, 1);
		else
			ebuf_add(b, esc, 3);
	}
}

/* The columns value takes as an RFC 2231 extended value. */
static size_t
encode_pct_len(const char *value)
{
	size_t n = 0;

	for (; *value != '\0'; value++)
		n += encode_attr_char((unsigned char)*value) ? 1 : 3;
	return n;
}

/*
 * A parameter (RFC 2231): name="value" when value is short printable
 * ASCII, else name*=UTF-8''%XX..., split into name*0*=, name*1*=, ...
 * when it does not fit on one line (between characters, so that even a
 * reader that decodes each piece alone gets whole characters). ";"
 * follows unless last.
 */
void
encode_param(struct ehdr *h, const char *name, const char *value, int last)
{
	size_t len = strlen(value), i = 0, n, mark;
	struct ebuf t;
	unsigned seg = 0;

	if (encode_param_plain(value)) {
		encode_param_quoted(h, name, value, last);
		return;
	}
	ebuf_init(&t);
	/* " name*=UTF-8''...;" on one line? */
	if (1 + strlen(name) + 2 + 7 + encode_pct_len(value) + !last <=
	    ENCODE_LINE) {
		ebuf_printf(&t, "%s*=UTF-8''", name);
		encode_pct_char(&t, value, len);
		encode_param_flush(h, &t, last);
		ebuf_free(&t);
		return;
	}
	while (i < len) {
		ebuf_printf(&t, "%s*%u*=%s", name, seg, seg == 0 ? "UTF-8''" :
		    "");
		seg++;
		while (i < len) {
			n = encode_char_len(value + i, len - i);
			mark = t.len;
			encode_pct_char(&t, value + i, n);
			/* " " before, ";" after: at most ENCODE_LINE */
			if (t.len + 2 > ENCODE_LINE && mark > 0 &&
			    t.p[mark - 1] != '=' && t.p[mark - 1] != '\'') {
				t.len = mark;
				break;
			}
			i += n;
		}
		encode_param_flush(h, &t, last && i == len);
	}
	ebuf_free(&t);
}

/*
 * The same parameter as RFC 2047 encoded words inside a quoted string,
 * name="=?UTF-8?B?...?=", which is what old clients read (not standard:
 * see VIOLATIONS.md); plain when value is short printable ASCII.
 */
void
encode_param_words(struct ehdr *h, const char *name, const char *value,
    int last)
{
	size_t len = strlen(value), n;
	int q = encode_use_q(value, len);
	struct ebuf t;

	if (encode_param_plain(value)) {
		encode_param_quoted(h, name, value, last);
		return;
	}
	ebuf_init(&t);
	ebuf_printf(&t, "%s=\"", name);
	while (len > 0) {
		n = encode_fit(value, len, ENCODE_PARAM_WORD, q);
		encode_word(&t, value, n ? n : 1, q);
		value += n ? n : 1;
		len -= n ? n : 1;
		if (len == 0)
			ebuf_str(&t, last ? "\"" : "\";");
		encode_hdr_token(h, NULL, 0, t.p, t.len);
		t.len = 0;
	}
	ebuf_free(&t);
}

/* --------------------------------------------------------------- bodies */

/* The Content-Transfer-Encoding name. */
const char *
encode_cte_name(enum encode_cte cte)
{
	static const char *names[] = {
		"7bit", "8bit", "quoted-printable", "base64"
	};

	return names[cte];
}

/*
 * How a text goes on the wire: 7bit when it is ASCII, 8bit when the
 * server takes 8BITMIME, else quoted-printable; also quoted-printable for
 * a line over ENCODE_MAX octets, a NUL or a lone CR, which neither allows.
 */
enum encode_cte
encode_text_cte(const char *s, size_t len, int eightbit)
{
	size_t i, line = 0;
	int high = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			line = 0;
			continue;
		}
		if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		if (c == '\0' || c == '\r' || ++line > ENCODE_MAX)
			return CTE_QP;
		if (c >= 0x80)
			high = 1;
	}
	if (!high)
		return CTE_7BIT;
	return eightbit ? CTE_8BIT : CTE_QP;
}

/* The next line of s: its length without the line end, and where the one
 * after begins. */
static size_t
encode_line(const char *s, size_t len, size_t *next)
{
	const char *nl = memchr(s, '\n', len);
	size_t n = nl != NULL ? (size_t)(nl - s) : len;

	*next = nl != NULL ? n + 1 : len;
	if (nl != NULL && n > 0 && s[n - 1] == '\r')
		n--;
	return n;
}

/* Text with every line ending in CRLF (a last line without one gets it). */
void
encode_crlf(struct ebuf *b, const char *s, size_t len)
{
	size_t n, next;

	while (len > 0) {
		n = encode_line(s, len, &next);
		ebuf_add(b, s, n);
		ebuf_add(b, "\r\n", 2);
		s += next;
		len -= next;
	}
}

/* One line as quoted-printable: at most 76 columns with "=" soft breaks,
 * whitespace at the end of the line encoded. */
static void
encode_qp_line(struct ebuf *b, const char *s, size_t n)
{
	size_t i, col = 0, w;
	char rep[3];

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int last = i + 1 == n;

		if ((c >= 33 && c <= 126 && c != '=') ||
		    ((c == ' ' || c == '\t') && !last)) {
			rep[0] = (char)c;
			w = 1;
		} else {
			rep[0] = '=';
			rep[1] = encode_hex[c >> 4];
			rep[2] = encode_hex[c & 15];
			w = 3;
		}
		if (col + w > (last ? ENCODE_LINE : ENCODE_LINE - 1)) {
			ebuf_add(b, "=\r\n", 3);
			col = 0;
		}
		ebuf_add(b, rep, w);
		col += w;
	}
	ebuf_add(b, "\r\n", 2);
}

/* Quoted-printable (RFC 2045 6.7); line ends become CRLF hard breaks. */
void
encode_qp(struct ebuf *b, const char *s, size_t len)
{
	size_t n, next;

	while (len > 0) {
		n = encode_line(s, len, &next);
		encode_qp_line(b, s, n);
		s += next;
		len -= next;
	}
}

/* Base64 in lines of 76 characters, each ending in CRLF. */
void
encode_base64(struct ebuf *b, const void *data, size_t len)
{
	const unsigned char *p = data;
	char out[4];
	size_t i, col = 0;
	unsigned v;

	for (i = 0; i < len; i += 3) {
		v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[0] = encode_b64[v >> 18 & 63];
		out[1] = encode_b64[v >> 12 & 63];
		out[2] = i + 1 < len ? encode_b64[v >> 6 & 63] : '=';
		out[3] = i + 2 < len ? encode_b64[v & 63] : '=';
		ebuf_add(b, out, 4);
		if ((col += 4) == ENCODE_LINE) {
			ebuf_add(b, "\r\n", 2);
			col = 0;
		}
	}
	if (col > 0)
		ebuf_add(b, "\r\n", 2);
}

/* A body in the given transfer encoding. */
void
encode_body(struct ebuf *b, const char *s, size_t len, enum encode_cte cte)
{
	switch (cte) {
	case CTE_7BIT:
	case CTE_8BIT:
		encode_crlf(b, s, len);
		break;
	case CTE_QP:
		encode_qp(b, s, len);
		break;
	case CTE_BASE64:
		encode_base64(b, s, len);
		break;
	}
}
