/* text.c: sanitise and measure UTF-8 text by display width. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "xmalloc.h"

static int text_ascii;	/* the locale is not UTF-8: show '?' for the rest */

/* Show only ASCII (when the terminal's locale is not UTF-8). */
void
text_set_ascii(int on)
{
	text_ascii = on;
}

/* Decode one UTF-8 character at s; its length, or 0 if invalid. */
static size_t
utf8_decode(const unsigned char *s, unsigned *cp)
{
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ?
	    3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (n == 0)
		return 0;
	*cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp < 0xe000))
		return 0;
	return n;
}

/* Skip an escape sequence (CSI, OSC, DCS, ...) starting at ESC. */
static size_t
skip_escape(const unsigned char *s)
{
	size_t i = 1;

	if (s[1] == '[') {			/* CSI: params, final 0x40-0x7e */
		for (i = 2; s[i] != '\0' && (s[i] < 0x40 || s[i] > 0x7e); i++)
			;
		return s[i] ? i + 1 : i;
	}
	if (s[1] == ']' || s[1] == 'P' || s[1] == '_' || s[1] == '^') {
		for (i = 2; s[i] != '\0' && s[i] != 0x07; i++)	/* to BEL/ST */
			if (s[i] == 0x1b && s[i + 1] == '\\')
				return i + 2;
		return s[i] ? i + 1 : i;
	}
	return s[1] ? 2 : 1;
}

/* BiDi embeddings, overrides and isolates: they reorder what follows
 * (an "exe.pdf" that is really "fdp.exe"). */
static int
text_bidi(unsigned cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069);
}

/*
 * A copy safe to draw: escape sequences removed, tabs as spaces, other
 * control characters (C0, DEL, C1), BiDi overrides and invalid UTF-8
 * as '?'.
 */
char *
text_sanitize(const char *in)
{
	const unsigned char *s = (const unsigned char *)in;
	char *out = xmalloc(strlen(in) * 4 + 1), *o = out;
	unsigned cp;
	size_t n;

	while (*s != '\0') {
		if (*s == 0x1b) {
			s += skip_escape(s);
			continue;
		}
		if (*s == '\t' || *s == '\n' || *s == '\r') {
			*o++ = ' ';
			s++;
			continue;
		}
		n = utf8_decode(s, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0) || text_bidi(cp) ||
		    (text_ascii && cp >= 0x80)) {
			*o++ = '?';
			s += n ? n : 1;
			continue;
		}
		memcpy(o, s, n);
		o += n;
		s += n;
	}
	*o = '\0';
	return out;
}

/* Advance over one character of sanitised text; sets its width. */
size_t
text_next(const char *str, int *width)
{
	unsigned cp;
	size_t n = utf8_decode((const unsigned char *)str, &cp);
	int w;

	if (n == 0) {
		*width = 1;
		return 1;
	}
	w = wcwidth((wchar_t)cp);
	*width = w < 0 ? 1 : w;
	return n;
}

/* Display width of sanitised text. */
int
text_width(const char *s)
{
	int total = 0, w;

	while (*s != '\0') {
		s += text_next(s, &w);
		total += w;
	}
	return total;
}

/*
 * Sanitised text cut to at most width columns, never in the middle of a
 * character; with pad, filled with spaces to exactly width.
 */
char *
text_fit(const char *in, int width, int pad)
{
	char *clean = text_sanitize(in), *out, *p = clean;
	int used = 0, w;
	size_t n;

	while (*p != '\0') {
		n = text_next(p, &w);
		if (used + w > width)
			break;
		used += w;
		p += n;
	}
	out = xmalloc((size_t)(p - clean) + (size_t)(width > 0 ? width : 0) + 1);
	memcpy(out, clean, (size_t)(p - clean));
	n = (size_t)(p - clean);
	while (pad && used < width) {
		out[n++] = ' ';
		used++;
	}
	out[n] = '\0';
	free(clean);
	return out;
}

/* Characters that must not start a line (kinsoku: closing brackets,
 * punctuation, small kana, the prolonged sound mark). */
static int
text_no_start(unsigned cp)
{
	static const unsigned list[] = {
		')', ']', '}', '.', ',', ':', ';', '!', '?',
		0x3001, 0x3002, 0xff0c, 0xff0e, 0x30fb, 0xff1a, 0xff1b, 0xff1f,
		0xff01, 0x30fc, 0x300d, 0x300f, 0xff09, 0xff3d, 0xff5d, 0x3009,
		0x300b, 0x3011, 0x3015, 0x3005, 0x309d, 0x309e, 0x30fd, 0x30fe,
		0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085,
		0x3087, 0x308e, 0x30a1, 0x30a3, 0x30a5, 0x30a7, 0x30a9, 0x30c3,
		0x30e3, 0x30e5, 0x30e7, 0x30ee, 0x30f5, 0x30f6,
	};
	size_t i;

	for (i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		if (list[i] == cp)
			return 1;
	return 0;
}

/* Characters that must not end a line (opening brackets). */
static int
text_no_end(unsigned cp)
{
	return cp == '(' || cp == '[' || cp == '{' || cp == 0x300c ||
	    cp == 0x300e || cp == 0xff08 || cp == 0xff3b || cp == 0xff5b ||
	    cp == 0x3008 || cp == 0x300a || cp == 0x3010 || cp == 0x3014;
}

/*
 * May a line break before cp (of width w), after prev (of width pw)?
 * Between two characters where one is wide (CJK: Japanese has no spaces
 * between words), unless kinsoku forbids it.
 */
static int
text_can_break(unsigned prev, int pw, unsigned cp, int w)
{
	return (pw == 2 || w == 2) && !text_no_start(cp) && !text_no_end(prev);
}

/*
 * The length in bytes of the next line of at most width columns: broken
 * at the last place that fits when the rest does not fit: after a space,
 * ':' or ',', or next to a wide (CJK) character; else as much as fits;
 * always at least one character.
 */
size_t
text_wrap(const char *s, int width)
{
	size_t i = 0, brk = 0, n;
	unsigned cp, prev = 0;
	int used = 0, w, pw = 0;

	while (s[i] != '\0') {
		n = text_next(s + i, &w);
		if (utf8_decode((const unsigned char *)s + i, &cp) == 0)
			cp = '?';
		if (i > 0 && text_can_break(prev, pw, cp, w))
			brk = i;
		if (used + w > width && i > 0)
			return brk ? brk : i;
		used += w;
		i += n;
		if (cp == ' ' || cp == ':' || cp == ',')
			brk = i;
		prev = cp;
		pw = w;
	}
	return i;
}
