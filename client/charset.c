/* charset.c: mail charsets to UTF-8 through iconv, with the fallbacks that
 * real (mislabelled) mail needs. */
#include "build-config.h"

#include <libetpan/libetpan.h>

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "strbuf.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define CHARSET_NAME_MAX	48
#define CHARSET_CHAIN_MAX	4
#define CHARSET_CP50221		"CP50221"	/* our emulation, not iconv's */
#define CHARSET_BAD_BYTE	0xff		/* never valid in CP932 */

/* The decoders to try for one label, in order. */
struct charset_chain {
	char		name[CHARSET_NAME_MAX];
	const char	*dec[CHARSET_CHAIN_MAX];
	char		 own[CHARSET_NAME_MAX];	/* storage for dec[0] */
	size_t		 n;
};

static const struct {
	const char	*name;
	const char	*dec[CHARSET_CHAIN_MAX];
} charset_chains[] = {
	{ "UTF-8", { "UTF-8" } },
	{ "US-ASCII", { "UTF-8", "CP1252" } },
	{ "unknown-8bit", { "UTF-8", "CP1252" } },
	{ "ISO-8859-1", { "CP1252", "ISO-8859-1" } },
	{ "ISO-2022-JP", { "ISO-2022-JP", CHARSET_CP50221, "ISO-2022-JP-2",
	    "ISO-2022-JP-3" } },
	{ "ISO-2022-JP-2", { "ISO-2022-JP-2", CHARSET_CP50221,
	    "ISO-2022-JP-3" } },
	{ "ISO-2022-JP-3", { "ISO-2022-JP-3", CHARSET_CP50221,
	    "ISO-2022-JP-2" } },
	{ "CP50221", { CHARSET_CP50221, "ISO-2022-JP-2", "ISO-2022-JP-3" } },
	{ "Shift_JIS", { "CP932", "SHIFT_JISX0213" } },
	{ "EUC-JP", { "EUC-JP", "EUC-JP-MS" } },
	{ "EUC-JP-MS", { "EUC-JP-MS", "EUC-JP" } },
	{ "GB18030", { "GB18030" } },
	{ "Big5", { "BIG5", "BIG5-HKSCS" } },
	{ "Big5-HKSCS", { "BIG5-HKSCS", "BIG5" } },
	{ "CP949", { "CP949" } },
	{ "KOI8-R", { "KOI8-R" } },
	{ "KOI8-U", { "KOI8-U" } },
	{ "windows-874", { "CP874", "TIS-620" } },
	{ "UTF-7", { "UTF-7" } },
	{ "macintosh", { "MACINTOSH" } },
};

/* Labels (normalised: lower case, "-" for "_" and " ") and the chain
 * they mean. windows-125x and ISO-8859-x are recognised by shape. */
static const struct {
	const char	*label;
	const char	*name;
} charset_aliases[] = {
	{ "utf-8", "UTF-8" }, { "utf8", "UTF-8" },
	{ "unicode-1-1-utf-8", "UTF-8" }, { "unicode20utf8", "UTF-8" },
	{ "us-ascii", "US-ASCII" }, { "ascii", "US-ASCII" },
	{ "ansi-x3.4-1968", "US-ASCII" }, { "iso646-us", "US-ASCII" },
	{ "us", "US-ASCII" }, { "cp367", "US-ASCII" },
	{ "iso-ir-6", "US-ASCII" }, { "default", "US-ASCII" },
	{ "unknown-8bit", "unknown-8bit" }, { "unknown", "unknown-8bit" },
	{ "8bit", "unknown-8bit" }, { "user-defined", "unknown-8bit" },
	{ "latin1", "ISO-8859-1" }, { "l1", "ISO-8859-1" },
	{ "cp819", "ISO-8859-1" }, { "ibm819", "ISO-8859-1" },
	{ "iso-ir-100", "ISO-8859-1" }, { "iso88591", "ISO-8859-1" },
	{ "iso-2022-jp", "ISO-2022-JP" }, { "csiso2022jp", "ISO-2022-JP" },
	{ "iso2022jp", "ISO-2022-JP" }, { "jis", "ISO-2022-JP" },
	{ "iso-2022-jp-1", "ISO-2022-JP" },
	{ "iso-2022-jp-2", "ISO-2022-JP-2" },
	{ "csiso2022jp2", "ISO-2022-JP-2" },
	{ "iso-2022-jp-3", "ISO-2022-JP-3" },
	{ "cp50220", "CP50221" }, { "cp50221", "CP50221" },
	{ "cp50222", "CP50221" },
	{ "shift-jis", "Shift_JIS" }, { "shiftjis", "Shift_JIS" },
	{ "sjis", "Shift_JIS" }, { "ms-kanji", "Shift_JIS" },
	{ "csshiftjis", "Shift_JIS" }, { "windows-31j", "Shift_JIS" },
	{ "cp932", "Shift_JIS" }, { "cp-932", "Shift_JIS" },
	{ "ms932", "Shift_JIS" }, { "ms-cp932", "Shift_JIS" },
	{ "ibm-943", "Shift_JIS" }, { "sjis-open", "Shift_JIS" },
	{ "sjis-win", "Shift_JIS" },
	{ "euc-jp", "EUC-JP" }, { "eucjp", "EUC-JP" }, { "ujis", "EUC-JP" },
	{ "cseucpkdfmtjapanese", "EUC-JP" }, { "euc", "EUC-JP" },
	{ "euc-jp-ms", "EUC-JP-MS" }, { "eucjp-ms", "EUC-JP-MS" },
	{ "eucjp-win", "EUC-JP-MS" }, { "eucjpms", "EUC-JP-MS" },
	{ "gb2312", "GB18030" }, { "gbk", "GB18030" },
	{ "gb18030", "GB18030" }, { "cp936", "GB18030" },
	{ "ms936", "GB18030" }, { "windows-936", "GB18030" },
	{ "euc-cn", "GB18030" }, { "euccn", "GB18030" },
	{ "csgb2312", "GB18030" }, { "chinese", "GB18030" },
	{ "gb-2312-80", "GB18030" }, { "gb2312-80", "GB18030" },
	{ "iso-ir-58", "GB18030" }, { "cn-gb", "GB18030" },
	{ "big5", "Big5" }, { "big-5", "Big5" }, { "cn-big5", "Big5" },
	{ "csbig5", "Big5" }, { "cp950", "Big5" }, { "big5-eten", "Big5" },
	{ "big5-hkscs", "Big5-HKSCS" }, { "big5hkscs", "Big5-HKSCS" },
	{ "euc-kr", "CP949" }, { "euckr", "CP949" }, { "cp949", "CP949" },
	{ "uhc", "CP949" }, { "windows-949", "CP949" },
	{ "ks-c-5601-1987", "CP949" }, { "ks-c-5601-1989", "CP949" },
	{ "ks-c-5601", "CP949" }, { "ksc5601", "CP949" },
	{ "ksc-5601", "CP949" }, { "korean", "CP949" },
	{ "csksc56011987", "CP949" }, { "iso-ir-149", "CP949" },
	{ "koi8-r", "KOI8-R" }, { "koi8r", "KOI8-R" },
	{ "cskoi8r", "KOI8-R" }, { "koi8", "KOI8-R" },
	{ "koi8-u", "KOI8-U" }, { "koi8u", "KOI8-U" },
	{ "tis-620", "windows-874" }, { "cp874", "windows-874" },
	{ "windows-874", "windows-874" }, { "iso-8859-11", "windows-874" },
	{ "utf-7", "UTF-7" }, { "unicode-1-1-utf-7", "UTF-7" },
	{ "macintosh", "macintosh" }, { "mac", "macintosh" },
	{ "mac-roman", "macintosh" }, { "csmacintosh", "macintosh" },
};

/* ------------------------------------------------------------- labels */

/* The label in lower case with "_" and " " as "-", quotes and spaces
 * around it gone; 0 if it is empty, too long or holds odd characters. */
static int
charset_normalise(const char *label, char *out, size_t size)
{
	size_t i, k = 0, n;

	if (label == NULL)
		return 0;
	label += strspn(label, " \t\"'");
	n = strlen(label);
	while (n > 0 && strchr(" \t\"'", label[n - 1]) != NULL)
		n--;
	if (n == 0 || n >= size)
		return 0;
	for (i = 0; i < n; i++) {
		char c = label[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (c == '_' || c == ' ')
			c = '-';
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-.:+()", c) != NULL))
			return 0;
		out[k++] = c;
	}
	out[k] = '\0';
	return 1;
}

/* Fill a chain from the table entry called name. */
static int
charset_chain_named(const char *name, struct charset_chain *c)
{
	size_t i, j;

	for (i = 0; i < nitems(charset_chains); i++) {
		if (strcmp(charset_chains[i].name, name) != 0)
			continue;
		snprintf(c->name, sizeof(c->name), "%s", name);
		for (j = 0; j < CHARSET_CHAIN_MAX &&
		    charset_chains[i].dec[j] != NULL; j++)
			c->dec[j] = charset_chains[i].dec[j];
		c->n = j;
		return 1;
	}
	return 0;
}

/* A one-decoder chain: the name shown and iconv's name for it. */
static int
charset_chain_one(const char *name, const char *iconv_name,
    struct charset_chain *c)
{
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->own, sizeof(c->own), "%s", iconv_name);
	c->dec[0] = c->own;
	c->n = 1;
	return 1;
}

/* windows-125x, cp125x, win-125x; ISO-8859-x in its many spellings. */
static int
charset_chain_shaped(const char *l, struct charset_chain *c)
{
	char name[CHARSET_NAME_MAX], iconv_name[CHARSET_NAME_MAX];
	const char *p = NULL;
	unsigned n;
	int end = 0;

	if (strncmp(l, "windows-", 8) == 0)
		p = l + 8;
	else if (strncmp(l, "cp-", 3) == 0 || strncmp(l, "win-", 4) == 0)
		p = strchr(l, '-') + 1;
	else if (strncmp(l, "cp", 2) == 0)
		p = l + 2;
	if (p != NULL && sscanf(p, "125%1u%n", &n, &end) == 1 &&
	    p[end] == '\0') {
		snprintf(name, sizeof(name), "windows-125%u", n);
		snprintf(iconv_name, sizeof(iconv_name), "CP125%u", n);
		return charset_chain_one(name, iconv_name, c);
	}
	p = strncmp(l, "iso-8859-", 9) == 0 ? l + 9 :
	    strncmp(l, "iso8859-", 8) == 0 ? l + 8 :
	    strncmp(l, "iso-8859", 8) == 0 ? l + 8 : NULL;
	if (p == NULL || sscanf(p, "%u%n", &n, &end) != 1 || n < 1 ||
	    n > 16 || n == 12 || (p[end] != '\0' && p[end] != ':' &&
	    strcmp(p + end, "-i") != 0 && strcmp(p + end, "-e") != 0))
		return 0;
	if (n == 1)
		return charset_chain_named("ISO-8859-1", c);
	if (n == 11)
		return charset_chain_named("windows-874", c);
	snprintf(name, sizeof(name), "ISO-8859-%u", n);
	return charset_chain_one(name, name, c);
}

/* Can iconv decode this (normalised) name? */
static int
charset_iconv_knows(const char *name)
{
	iconv_t cd = iconv_open("UTF-8", name);

	if (cd == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	return 1;
}

/* The chain for a label; 0 when the label names nothing known. */
static int
charset_chain_for(const char *label, struct charset_chain *c)
{
	char l[CHARSET_NAME_MAX], up[CHARSET_NAME_MAX];
	const char *try;
	size_t i, k;

	memset(c, 0, sizeof(*c));
	if (!charset_normalise(label, l, sizeof(l)))
		return 0;
	for (k = 0; k < 2; k++) {
		try = k == 0 ? l : strncmp(l, "x-", 2) == 0 ? l + 2 : NULL;
		if (try == NULL)
			break;
		for (i = 0; i < nitems(charset_aliases); i++)
			if (strcmp(charset_aliases[i].label, try) == 0)
				return charset_chain_named(
				    charset_aliases[i].name, c);
		if (charset_chain_shaped(try, c))
			return 1;
	}
	for (i = 0; l[i] != '\0'; i++)
		up[i] = (char)(l[i] >= 'a' && l[i] <= 'z' ? l[i] - 32 : l[i]);
	up[i] = '\0';
	if (!charset_iconv_knows(up))
		return 0;
	return charset_chain_one(up, up, c);
}

/* The normalised name of a label, or NULL when it names nothing known. */
char *
charset_canonical(const char *label)
{
	struct charset_chain c;

	return charset_chain_for(label, &c) ? xstrdup(c.name) : NULL;
}

/* ---------------------------------------------------------- decoding */

/* Bytes through iconv to UTF-8, each bad byte as U+FFFD (counted in
 * *bad); NULL when iconv does not know the charset. */
static char *
charset_iconv(const char *from, const char *in, size_t len, size_t *bad,
    size_t *outlen)
{
	struct strbuf b = { 0 };
	char out[4096], *ip = (char *)in, *op;
	size_t il = len, ol, r;
	iconv_t cd;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1)
		return NULL;
	while (il > 0) {
		op = out;
		ol = sizeof(out);
		r = iconv(cd, &ip, &il, &op, &ol);
		strbuf_add(&b, out, (size_t)(op - out));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* EILSEQ, or EINVAL (cut short): this byte is bad. */
		strbuf_add_cp(&b, 0xfffd);
		(*bad)++;
		ip++;
		il--;
	}
	op = out;
	ol = sizeof(out);
	iconv(cd, NULL, NULL, &op, &ol);
	strbuf_add(&b, out, (size_t)(op - out));
	iconv_close(cd);
	return strbuf_take(&b, outlen);
}

/* The length of one strictly valid UTF-8 character at s (RFC 3629: no
 * overlong form, no surrogate, nothing past U+10FFFF), or 0. */
static size_t
charset_utf8_len(const unsigned char *s, size_t left)
{
	unsigned long cp;
	size_t n, i;

	n = s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : s[0] >= 0xe0 && s[0] < 0xf0 ?
	    3 : s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : 0;
	if (n == 0 || n > left)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		return 0;
	return n;
}

/*
 * What iconv wrote, checked: anything that is not strict UTF-8 (glibc
 * lets 5- and 6-byte forms through) and NUL become U+FFFD; so do an
 * ESC, SO or SI that an ISO-2022 decoder let through (a designation or
 * shift it does not know). All but NUL count as bad bytes.
 */
static char *
charset_tidy(char *s, size_t len, const char *dec, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	int iso2022 = strncmp(dec, "ISO-2022", 8) == 0;
	struct strbuf b = { 0 };
	size_t i = 0, n;

	strbuf_add(&b, "", 0);
	while (i < len) {
		if (u[i] == 0 || (iso2022 && (u[i] == 0x1b || u[i] == 0x0e ||
		    u[i] == 0x0f))) {
			strbuf_add_cp(&b, 0xfffd);
			*bad += u[i++] != 0;
		} else if (u[i] < 0x80) {
			strbuf_addc(&b, (char)u[i++]);
		} else if ((n = charset_utf8_len(u + i, len - i)) > 0) {
			strbuf_add(&b, u + i, n);
			i += n;
		} else {
			strbuf_add_cp(&b, 0xfffd);
			(*bad)++;
			i++;
		}
	}
	free(s);
	return strbuf_take(&b, NULL);
}

/* JIS X 0208 row/cell bytes (0x21-0x7e) as Shift_JIS/CP932 bytes. */
static void
charset_jis_sjis(unsigned char j1, unsigned char j2, struct strbuf *b)
{
	unsigned s1 = (unsigned)((j1 - 0x21) >> 1) + 0x81, s2;

	if (s1 > 0x9f)
		s1 += 0x40;
	if (j1 & 1)
		s2 = j2 + (j2 >= 0x60 ? 0x20u : 0x1fu);
	else
		s2 = j2 + 0x7eu;
	strbuf_addc(b, (char)s1);
	strbuf_addc(b, (char)s2);
}

enum jis_set { JIS_ASCII, JIS_KANJI, JIS_KANA, JIS_OTHER, JIS_SAME };

/* An escape sequence at s (ESC included): its length and the set it
 * designates. */
static size_t
charset_jis_escape(const unsigned char *s, size_t n, enum jis_set *set)
{
	static const struct {
		const char	*seq;
		enum jis_set	 set;
	} esc[] = {
		{ "\033(B", JIS_ASCII }, { "\033(J", JIS_ASCII },
		{ "\033(H", JIS_ASCII }, { "\033$B", JIS_KANJI },
		{ "\033$@", JIS_KANJI }, { "\033&@", JIS_SAME },
		{ "\033(I", JIS_KANA },
	};
	size_t i, len;

	for (i = 0; i < nitems(esc); i++) {
		len = strlen(esc[i].seq);
		if (n >= len && memcmp(s, esc[i].seq, len) == 0) {
			if (esc[i].set != JIS_SAME)	/* ESC & @ */
				*set = esc[i].set;
			return len;
		}
	}
	/* ESC $ ( D, ESC $ A, ...: intermediates 0x20-0x2f, a final. */
	for (len = 1; len < n && s[len] >= 0x20 && s[len] <= 0x2f; len++)
		;
	*set = JIS_OTHER;
	return len < n ? len + 1 : len;
}

/* ISO-2022-JP as CP932 bytes, the way Microsoft's CP50221 reads it;
 * what it cannot place becomes CHARSET_BAD_BYTE. */
static char *
charset_jis_cp932(const char *in, size_t len, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	enum jis_set set = JIS_ASCII;
	struct strbuf b = { 0 };
	size_t i = 0;
	int so = 0;

	while (i < len) {
		if (s[i] == 0x1b) {
			i += charset_jis_escape(s + i, len - i, &set);
			if (set == JIS_OTHER)	/* a set we cannot read */
				strbuf_addc(&b, (char)CHARSET_BAD_BYTE);
			so = 0;
		} else if (s[i] == 0x0e || s[i] == 0x0f) {
			so = s[i++] == 0x0e;
		} else if (s[i] < 0x21 || s[i] >= 0x7f ||
		    (set == JIS_ASCII && !so)) {
			strbuf_addc(&b, (char)s[i++]);	/* 8-bit kept */
		} else if (so || set == JIS_KANA) {
			strbuf_addc(&b, s[i] <= 0x5f ? (char)(s[i] + 0x80) :
			    (char)CHARSET_BAD_BYTE);
			i++;
		} else if (set == JIS_KANJI && i + 1 < len &&
		    s[i + 1] >= 0x21 && s[i + 1] < 0x7f) {
			charset_jis_sjis(s[i], s[i + 1], &b);
			i += 2;
		} else {
			strbuf_addc(&b, (char)CHARSET_BAD_BYTE);
			i++;
		}
	}
	return strbuf_take(&b, outlen);
}

/* One decoder of a chain; NULL when iconv lacks it. */
static char *
charset_decode_one(const char *dec, const char *in, size_t len,
    size_t *bad)
{
	char *sjis, *out;
	size_t n, outlen;

	*bad = 0;
	if (strcmp(dec, CHARSET_CP50221) == 0) {
		sjis = charset_jis_cp932(in, len, &n);
		out = charset_iconv("CP932", sjis, n, bad, &outlen);
		free(sjis);
	} else
		out = charset_iconv(dec, in, len, bad, &outlen);
	return out ? charset_tidy(out, outlen, dec, bad) : NULL;
}

/* Every byte as the code point of the same value (the last resort). */
static char *
charset_latin1(const char *in, size_t len)
{
	struct strbuf b = { 0 };
	size_t i;

	for (i = 0; i < len; i++)
		strbuf_add_cp(&b, (unsigned char)in[i]);
	return strbuf_take(&b, NULL);
}

/*
 * Text labelled with a charset (NULL: none) as UTF-8: the first decoder
 * of the label's chain that takes every byte, else the one with the
 * fewest bad bytes. info, when not NULL, says what happened.
 */
char *
charset_to_utf8(const char *label, const char *in, size_t len,
    struct charset_info *info)
{
	struct charset_info dummy;
	struct charset_chain c;
	char *best = NULL, *out;
	size_t i, bad, best_bad = 0;

	info = info ? info : &dummy;
	memset(info, 0, sizeof(*info));
	if (!charset_chain_for(label, &c)) {
		if (label != NULL && label[strspn(label, " \t\"'")] != '\0')
			info->flags |= CHARSET_UNKNOWN;
		charset_chain_named("unknown-8bit", &c);
	}
	for (i = 0; i < c.n; i++) {
		if ((out = charset_decode_one(c.dec[i], in, len, &bad)) ==
		    NULL)
			continue;
		if (best == NULL || bad < best_bad) {
			free(best);
			best = out;
			best_bad = bad;
			info->used = c.dec[i] == c.own ? NULL : c.dec[i];
			info->flags = (info->flags & CHARSET_UNKNOWN) |
			    (i > 0 ? CHARSET_FALLBACK : 0);
		} else
			free(out);
		if (best_bad == 0)
			break;
	}
	if (best == NULL)
		return charset_latin1(in, len);
	info->bad = best_bad;
	if (best_bad > 0)
		info->flags |= CHARSET_REPLACED;
	return best;
}

/* ------------------------------------------------------- libetpan hook */

/* libetpan's extended_charconv: conversions to UTF-8 are ours. */
static int
charset_libetpan(const char *tocode, const char *fromcode, const char *str,
    size_t length, char *result, size_t *result_len)
{
	char *out;
	size_t n;

	if (strcasecmp(tocode, "utf-8") != 0 && strcasecmp(tocode, "utf8") != 0)
		return MAIL_CHARCONV_ERROR_UNKNOWN_CHARSET;
	out = charset_to_utf8(fromcode, str, length, NULL);
	if ((n = strlen(out)) > *result_len) {
		free(out);
		return MAIL_CHARCONV_ERROR_MEMORY;
	}
	memcpy(result, out, n);
	*result_len = n;
	free(out);
	return MAIL_CHARCONV_NO_ERROR;
}

static pthread_once_t charset_once = PTHREAD_ONCE_INIT;

/* Set the hook (once). */
static void
charset_set_hook(void)
{
	extended_charconv = charset_libetpan;
}

/* Make libetpan's conversions to UTF-8 go through charset_to_utf8(). */
void
charset_install(void)
{
	pthread_once(&charset_once, charset_set_hook);
}
