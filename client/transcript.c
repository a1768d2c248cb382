/* transcript.c: record a connection's dialogue, with secrets redacted. */
#include "build-config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transcript.h"
#include "xmalloc.h"

#define TR_MAX_LINE	4096	/* longer lines are cut and marked */
#define TR_MAX_LINES	2000	/* then the oldest half is dropped */
#define TR_KEEP		(2 * TR_MAX_LINE)	/* read before scrubbing */
#define TR_REDACTED	"[redacted]"

struct partial {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};

struct transcript {
	struct tr_line	*lines;
	size_t		 nlines;
	size_t		 cap;
	enum tr_phase	 phase;
	int		 secret;
	struct partial	 part[2];	/* TR_SENT, TR_RECEIVED */
	char		**scrub;	/* substrings that must never appear */
	size_t		 nscrub;
};

/* A new, empty transcript in the plaintext phase. */
struct transcript *
transcript_new(void)
{
	return xcalloc(1, sizeof(struct transcript));
}

/* Free a transcript and wipe what it knew of secrets; accepts NULL. */
void
transcript_free(struct transcript *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nlines; i++)
		free(t->lines[i].text);
	free(t->lines);
	for (i = 0; i < t->nscrub; i++)
		xfree_secret(t->scrub[i]);
	free(t->scrub);
	for (i = 0; i < 2; i++) {
		xwipe(t->part[i].buf, t->part[i].cap);
		free(t->part[i].buf);
	}
	free(t);
}

/* Mark the start of a new phase (plain, or inside TLS). */
void
transcript_set_phase(struct transcript *t, enum tr_phase phase)
{
	transcript_flush(t);
	t->phase = phase;
}

/* The current phase. */
enum tr_phase
transcript_phase(const struct transcript *t)
{
	return t->phase;
}

/* While on, every sent line is redacted whole (the gate turns it on). */
void
transcript_secret_mode(struct transcript *t, int on)
{
	transcript_flush(t);
	t->secret = on;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of len bytes, unpadded. */
static char *
base64_encode(const unsigned char *in, size_t len)
{
	char *out = xmalloc(len / 3 * 4 + 5), *o = out;
	size_t i;
	unsigned v;

	for (i = 0; i + 2 < len; i += 3) {
		v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		*o++ = b64[v >> 18];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
		*o++ = b64[v & 63];
	}
	if (i < len) {
		v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0);
		*o++ = b64[v >> 18];
		*o++ = b64[v >> 12 & 63];
		if (i + 1 < len)
			*o++ = b64[v >> 6 & 63];
	}
	*o = '\0';
	return out;
}

/* Add one string to the scrub list (if long enough to be meaningful). */
static void
scrub_add(struct transcript *t, char *s)
{
	if (strlen(s) < 4) {
		xfree_secret(s);
		return;
	}
	t->scrub = xreallocarray(t->scrub, t->nscrub + 1, sizeof(char *));
	t->scrub[t->nscrub++] = s;
}

/*
 * The base64 "core" of a secret at byte alignment r: the characters that
 * any base64 encoding of a buffer holding the secret at an offset = r
 * (mod 3) must contain, whatever surrounds it.
 */
static char *
base64_core(const char *secret, size_t r)
{
	size_t len = strlen(secret), skip = r == 0 ? 0 : r + 1, n;
	unsigned char *buf = xcalloc(1, len + r);
	char *enc, *core;

	memcpy(buf + r, secret, len);
	enc = base64_encode(buf, len + r);
	xwipe(buf, len + r);
	free(buf);
	n = strlen(enc);
	/* Drop the characters that mix in the bytes around the secret. */
	n = n > skip + 2 ? n - 2 : skip;
	core = xstrndup(enc + skip, n - skip);
	xfree_secret(enc);
	return core;
}

/* Register a secret: it and its base64 forms are scrubbed everywhere. */
void
transcript_add_secret(struct transcript *t, const char *secret)
{
	char *clean;
	size_t r;

	if (secret == NULL || *secret == '\0')
		return;
	scrub_add(t, xstrdup(secret));
	/* Lines are scrubbed after sanitising: match that form too. */
	clean = transcript_sanitize(secret, strlen(secret));
	if (strcmp(clean, secret) != 0)
		scrub_add(t, clean);
	else
		xfree_secret(clean);
	for (r = 0; r < 3; r++)
		scrub_add(t, base64_core(secret, r));
}

/* Append one UTF-8 code point or a caret-notation control to out. */
static size_t
sanitize_one(const unsigned char *s, size_t len, char *out, size_t *o)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x20 || s[0] == 0x7f) {
		if (s[0] == '\t') {
			out[(*o)++] = ' ';
			return 1;
		}
		out[(*o)++] = '^';
		out[(*o)++] = s[0] == 0x7f ? '?' : (char)(s[0] + '@');
		return 1;
	}
	if (s[0] < 0x80) {
		out[(*o)++] = s[0];
		return 1;
	}
	n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 :
	    s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (n == 0 || n > len || s[0] >= 0xf5)
		goto bad;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp < 0xe000) || (cp >= 0x80 && cp < 0xa0))
		goto bad;
	memcpy(out + *o, s, n);
	*o += n;
	return n;
bad:
	out[(*o)++] = '?';
	return 1;
}

/* A printable copy of len bytes: no control characters, valid UTF-8. */
char *
transcript_sanitize(const char *in, size_t len)
{
	char *out = xmalloc(len * 2 + 1);
	size_t i = 0, o = 0;

	while (i < len)
		i += sanitize_one((const unsigned char *)in + i, len - i, out, &o);
	out[o] = '\0';
	return out;
}

/* Does the line start with word (case-insensitive, then space or end)? */
static const char *
word_at(const char *p, const char *word)
{
	size_t n = strlen(word);

	if (strncasecmp(p, word, n) != 0 || (p[n] != ' ' && p[n] != '\0'))
		return NULL;
	return p + n;
}

/* Skip an IMAP tag (an atom followed by a space), if there is one. */
static const char *
skip_tag(const char *p)
{
	const char *sp = strchr(p, ' ');

	if (sp == NULL)
		return p;
	while (*sp == ' ')
		sp++;
	return sp;
}

/* Keep the first kept bytes of a line and redact the rest. */
static char *
redact_after(const char *line, const char *keep_end)
{
	size_t n = (size_t)(keep_end - line);

	while (*keep_end == ' ')
		keep_end++;
	if (*keep_end == '\0')
		return xstrdup(line);
	return xasprintf("%.*s " TR_REDACTED, (int)n, line);
}

/* The position after "AUTH[ENTICATE] MECH", or NULL. */
static const char *
auth_verb_end(const char *p)
{
	const char *e;

	if ((e = word_at(p, "AUTHENTICATE")) == NULL &&
	    (e = word_at(p, "AUTH")) == NULL)
		return NULL;
	while (*e == ' ')
		e++;
	while (*e != ' ' && *e != '\0')
		e++;
	return e;
}

/*
 * Redact one sent line: credential commands keep their verb (and SASL
 * mechanism), the arguments become [redacted]. In secret mode any other
 * line (a SASL continuation, a literal) is redacted whole.
 */
char *
transcript_redact_sent(const char *line, int secret)
{
	static const char *verbs[] = { "LOGIN", "USER", "PASS", "APOP" };
	const char *p, *e;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		p = pass == 0 ? line : skip_tag(line);
		for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
			if ((e = word_at(p, verbs[i])) != NULL)
				return redact_after(line, e);
		if ((e = auth_verb_end(p)) != NULL)
			return redact_after(line, e);
	}
	if (secret && *line != '\0' && strcmp(line, "*") != 0)
		return xstrdup(TR_REDACTED);
	return xstrdup(line);
}

/* Replace every token that contains a registered secret with [redacted]. */
static char *
scrub_line(const struct transcript *t, char *text)
{
	size_t i, start, end, len, from;
	char *hit, *n;

	for (i = 0; i < t->nscrub; i++) {
		from = 0;
		while ((hit = strstr(text + from, t->scrub[i])) != NULL) {
			start = (size_t)(hit - text);
			end = start + strlen(t->scrub[i]);
			while (start > 0 && text[start - 1] != ' ')
				start--;
			len = strlen(text);
			while (end < len && text[end] != ' ')
				end++;
			n = xasprintf("%.*s" TR_REDACTED "%s", (int)start, text,
			    text + end);
			xfree_secret(text);
			text = n;
			/* Go on after the marker: it may contain the secret. */
			from = start + strlen(TR_REDACTED);
		}
	}
	return text;
}

/* Cut a scrubbed line to TR_MAX_LINE bytes (on a character boundary). */
static char *
cut_line(char *text)
{
	size_t len = strlen(text);
	char *n;

	if (len <= TR_MAX_LINE)
		return text;
	len = TR_MAX_LINE;
	while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
		len--;
	n = xasprintf("%.*s [...]", (int)len, text);
	xfree_secret(text);
	return n;
}

/* Keep memory bounded: forget the oldest half of a long dialogue. */
static void
drop_oldest(struct transcript *t)
{
	size_t i, half = t->nlines / 2;

	for (i = 1; i < half; i++)
		free(t->lines[i].text);
	/* Line 0 (the connection note) stays; a marker replaces the rest. */
	free(t->lines[half].text);
	t->lines[half] = t->lines[0];
	t->lines[half].dir = TR_NOTE;
	t->lines[half].text = xstrdup("[...]");
	memmove(t->lines + 1, t->lines + half, (t->nlines - half) *
	    sizeof(*t->lines));
	t->nlines -= half - 1;
}

/* Store one complete line (without its CR LF). */
static void
add_line(struct transcript *t, enum tr_dir dir, const char *raw, size_t len)
{
	struct tr_line *l;
	char *clean, *text;

	if (len > TR_KEEP)
		len = TR_KEEP;
	clean = transcript_sanitize(raw, len);
	if (dir == TR_SENT) {
		text = transcript_redact_sent(clean, t->secret);
		xfree_secret(clean);
	} else
		text = clean;
	text = cut_line(scrub_line(t, text));
	if (t->nlines == TR_MAX_LINES)
		drop_oldest(t);
	if (t->nlines == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->lines = xreallocarray(t->lines, t->cap, sizeof(*t->lines));
	}
	l = &t->lines[t->nlines++];
	l->dir = dir;
	l->phase = t->phase;
	clock_gettime(CLOCK_REALTIME, &l->when);
	l->text = text;
}

/* Emit the buffered partial line of one direction, if any. */
static void
flush_dir(struct transcript *t, enum tr_dir dir)
{
	struct partial *p = &t->part[dir];

	if (p->len == 0)
		return;
	add_line(t, dir, p->buf, p->len);
	xwipe(p->buf, p->len);
	p->len = 0;
}

/* Emit any partial lines (before a phase change or a note). */
void
transcript_flush(struct transcript *t)
{
	flush_dir(t, TR_SENT);
	flush_dir(t, TR_RECEIVED);
}

/* Append raw bytes to a partial line buffer, growing it. */
static void
partial_append(struct partial *p, const char *b, size_t n)
{
	char *nb;

	if (n == 0)
		return;
	if (p->len + n > p->cap) {
		p->cap = p->len + n + 256;
		nb = xmalloc(p->cap);
		if (p->buf != NULL) {
			memcpy(nb, p->buf, p->len);
			xwipe(p->buf, p->len);
			free(p->buf);
		}
		p->buf = nb;
	}
	memcpy(p->buf + p->len, b, n);
	p->len += n;
}

/* Record bytes that went over the wire in one direction. */
void
transcript_record(struct transcript *t, enum tr_dir dir, const void *buf,
    size_t len)
{
	struct partial *p;
	const char *b = buf, *nl;
	size_t n;

	if (dir != TR_SENT && dir != TR_RECEIVED)
		fatalx("transcript_record: bad direction %d", dir);
	p = &t->part[dir];

	while (len > 0) {
		nl = memchr(b, '\n', len);
		n = nl ? (size_t)(nl - b) : len;
		if (p->len < TR_KEEP)
			partial_append(p, b, n < TR_KEEP - p->len ? n :
			    TR_KEEP - p->len);
		if (nl == NULL)
			return;
		if (p->len > 0 && p->buf[p->len - 1] == '\r')
			p->len--;
		add_line(t, dir, p->buf ? p->buf : "", p->len);
		xwipe(p->buf, p->len);
		p->len = 0;
		b += n + 1;
		len -= n + 1;
	}
}

/* Record an explanatory note (already translated by the caller). */
void
transcript_note(struct transcript *t, const char *fmt, ...)
{
	va_list ap;
	char *s;

	transcript_flush(t);
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	add_line(t, TR_NOTE, s, strlen(s));
	free(s);
}

/* A copy of the recorded lines (for another thread to show). */
struct transcript *
transcript_dup(const struct transcript *t)
{
	struct transcript *n = transcript_new();
	size_t i;

	n->phase = t->phase;
	n->cap = n->nlines = t->nlines;
	n->lines = xcalloc(n->cap ? n->cap : 1, sizeof(*n->lines));
	for (i = 0; i < t->nlines; i++) {
		n->lines[i] = t->lines[i];
		n->lines[i].text = xstrdup(t->lines[i].text);
	}
	return n;
}

/* How many lines are recorded. */
size_t
transcript_count(const struct transcript *t)
{
	return t->nlines;
}

/* Line i, or NULL past the end. */
const struct tr_line *
transcript_line(const struct transcript *t, size_t i)
{
	return i < t->nlines ? &t->lines[i] : NULL;
}
