/* transit.c: Received fields into hops with a verdict each, the
 * message's verdict, and the Authentication-Results block to trust. */
#include "build-config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "transit.h"
#include "xmalloc.h"

#define nitems(a)		(sizeof(a) / sizeof((a)[0]))

#define TRANSIT_MAX_INPUT	8192	/* bytes of one field read */
#define TRANSIT_MAX_TOKENS	256	/* words and comments of one field */
#define TRANSIT_MAX_TEXT	255	/* bytes kept of one name */
#define TRANSIT_MAX_CIPHER	80

/* A word or, with comment set, the inside of a (nested) comment. */
struct transit_tok {
	int		 comment;
	const char	*s;
	size_t		 len;
};

/* The clause a word belongs to. */
enum transit_clause {
	CL_NONE,
	CL_FROM,
	CL_BY,
	CL_WITH,
	CL_VIA,
	CL_ID,
	CL_FOR,
};

/* What a field says beyond the hop's own members. */
struct transit_clues {
	int		 tls;		/* TLS is written in the field */
	int		 starttls;	/* "with ESMTP with STARTTLS" */
	int		 submit;	/* Postfix pickup, qmail-queue */
	char		*by_ip;
};

/* Where the topmost Authentication-Results block stands. */
enum transit_ar_state {
	TR_AR_WAIT,		/* none read yet */
	TR_AR_OPEN,		/* the topmost block, nothing below it yet */
	TR_AR_SHUT,		/* a Received field followed it */
};

static const char *const transit_clause_words[] = {
	NULL, "from", "by", "with", "via", "id", "for"
};

/* RFC 3848 and RFC 6531 protocol words, and those servers use. */
static const char *const transit_proto_tls[] = {
	"ESMTPS", "ESMTPSA", "SMTPS", "LMTPS", "LMTPSA", "UTF8SMTPS",
	"UTF8SMTPSA", "UTF8LMTPS", "UTF8LMTPSA", "HTTPS"
};
static const char *const transit_proto_clear[] = {
	"SMTP", "ESMTP", "ESMTPA", "UTF8SMTP", "UTF8SMTPA", "HTTP"
};
static const char *const transit_proto_local[] = {
	"local", "LMTP", "LMTPA", "UTF8LMTP", "UTF8LMTPA"
};

static const char *const transit_verdict_names[] = {
	"unknown", "encrypted", "clear", "local"
};
static const char *const transit_hop_verdict_names[] = {
	"unknown", "encrypted", "clear", "local"
};
static const char *const transit_why_names[] = {
	"nothing", "protocol-silent", "tls-facts", "protocol-tls",
	"protocol-clear", "local-protocol", "loopback", "same-host", "no-peer"
};
static const char *const transit_tls_names[] = {
	"none", "other", "SSL2", "SSL3", "TLS1.0", "TLS1.1", "TLS1.2",
	"TLS1.3"
};

/* -------------------------------------------------------------- names */

/* The stable name of a message verdict. */
const char *
transit_verdict_name(enum transit_verdict v)
{
	return transit_verdict_names[v];
}

/* The stable name of a hop verdict. */
const char *
transit_hop_verdict_name(enum hop_verdict v)
{
	return transit_hop_verdict_names[v];
}

/* The stable name of a reason. */
const char *
transit_why_name(enum hop_why w)
{
	return transit_why_names[w];
}

/* "TLS1.3", "SSL3", "other", "none". */
const char *
transit_tls_name(enum tls_ver v)
{
	return transit_tls_names[v];
}

/* ------------------------------------------------------------- tokens */

/* Folding and other white space. */
static int
transit_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The ')' closing the comment that opens at s[i], or n. */
static size_t
transit_comment_end(const char *s, size_t i, size_t n)
{
	size_t depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i;
	}
	return n;
}

/* The end of the word at s[i]: a quoted string, an [address literal],
 * or a run up to white space, '(' or ';'. */
static size_t
transit_word_end(const char *s, size_t i, size_t n)
{
	if (s[i] == '"') {
		for (i++; i < n && s[i] != '"'; i++)
			if (s[i] == '\\' && i + 1 < n)
				i++;
		return i < n ? i + 1 : n;
	}
	if (s[i] == '[') {
		while (i < n && s[i] != ']' && !transit_ws(s[i]))
			i++;
		return i < n && s[i] == ']' ? i + 1 : i;
	}
	while (i < n && !transit_ws(s[i]) && s[i] != '(' && s[i] != ';')
		i++;
	return i;
}

/* Cut a Received value into words and comments up to its first ';'
 * outside a comment (the date follows it). Returns the count. */
static size_t
transit_lex(const char *s, size_t n, struct transit_tok *t, size_t max)
{
	size_t i = 0, e, k = 0;

	while (k < max) {
		while (i < n && transit_ws(s[i]))
			i++;
		if (i >= n || s[i] == ';')
			break;
		if (s[i] == ')') {
			i++;		/* a stray closing parenthesis */
			continue;
		}
		if (s[i] == '(') {
			e = transit_comment_end(s, i, n);
			t[k].comment = 1;
			t[k].s = s + i + 1;
			t[k++].len = e - i - 1;
			i = e < n ? e + 1 : n;
			continue;
		}
		e = transit_word_end(s, i, n);
		t[k].comment = 0;
		t[k].s = s + i;
		t[k++].len = e - i;
		i = e;
	}
	return k;
}

/* Is the word (s, len) w, ASCII case folded? */
static int
transit_is(const char *s, size_t len, const char *w)
{
	return len == strlen(w) && strncasecmp(s, w, len) == 0;
}

/* Is the word one of the list? */
static int
transit_in(const char *s, size_t len, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (transit_is(s, len, list[i]))
			return 1;
	return 0;
}

/* A bounded copy. */
static char *
transit_text(const char *s, size_t len)
{
	return xstrndup(s, len < TRANSIT_MAX_TEXT ? len : TRANSIT_MAX_TEXT);
}

/* (s, len) without white space at either end. */
static void
transit_trim(const char **s, size_t *len)
{
	while (*len > 0 && transit_ws(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && transit_ws((*s)[*len - 1]))
		(*len)--;
}

/* ---------------------------------------------------------- addresses */

/* An IPv4 or IPv6 address (also "IPv6:..." and with a %zone), or
 * "local" (OpenSMTPD's [local]), as a copy without those; else NULL. */
static char *
transit_ip(const char *s, size_t len)
{
	unsigned char buf[sizeof(struct in6_addr)];
	char ip[64];
	size_t n;

	transit_trim(&s, &len);
	if (len >= 5 && strncasecmp(s, "IPv6:", 5) == 0) {
		s += 5;
		len -= 5;
	}
	if ((n = strcspn(s, "%")) < len)
		len = n;
	if (len == 0 || len >= sizeof(ip))
		return NULL;
	memcpy(ip, s, len);
	ip[len] = '\0';
	if (strcasecmp(ip, "local") == 0 || inet_pton(AF_INET, ip, buf) == 1 ||
	    inet_pton(AF_INET6, ip, buf) == 1)
		return xstrdup(ip);
	return NULL;
}

/* The address in a word or comment: inside its first [brackets], else
 * the whole of it; NULL when there is none. */
static char *
transit_ip_in(const char *s, size_t len)
{
	const char *open, *close;

	open = memchr(s, '[', len);
	if (open != NULL) {
		close = memchr(open, ']', len - (size_t)(open - s));
		if (close != NULL)
			return transit_ip(open + 1, (size_t)(close - open - 1));
	}
	return transit_ip(s, len);
}

/* Is this address the machine itself (127/8, ::1, [local])? */
static int
transit_loopback(const char *ip)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (strcasecmp(ip, "local") == 0)
		return 1;
	if (inet_pton(AF_INET, ip, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, ip, &a6) != 1)
		return 0;
	return IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) &&
	    a6.s6_addr[12] == 127);
}

/* --------------------------------------------------------------- TLS */

/* A TLS version as servers write it: TLSv1.3, TLS1_3, TLS 1.2, TLSv1,
 * SSLv3; TV_OTHER for "TLSv1/SSLv3" and such, TV_NONE when the word
 * does not start with TLS or SSL. */
static enum tls_ver
transit_version(const char *s, size_t len)
{
	static const struct {
		const char	*rest;
		enum tls_ver	 v;
	} tls[] = {
		{ "1", TV_TLS10 }, { "1.0", TV_TLS10 }, { "1_0", TV_TLS10 },
		{ "1.1", TV_TLS11 }, { "1_1", TV_TLS11 }, { "1.2", TV_TLS12 },
		{ "1_2", TV_TLS12 }, { "1.3", TV_TLS13 }, { "1_3", TV_TLS13 },
	}, ssl[] = {
		{ "2", TV_SSL2 }, { "2.0", TV_SSL2 }, { "3", TV_SSL3 },
		{ "3.0", TV_SSL3 },
	};
	int is_ssl;
	size_t i;

	if (len < 3 || (strncasecmp(s, "TLS", 3) != 0 &&
	    strncasecmp(s, "SSL", 3) != 0))
		return TV_NONE;
	is_ssl = strncasecmp(s, "SSL", 3) == 0;
	s += 3;
	len -= 3;
	if (len > 0 && (*s == 'v' || *s == 'V' || *s == ' ')) {
		s++;
		len--;
	}
	for (i = 0; !is_ssl && i < nitems(tls); i++)
		if (transit_is(s, len, tls[i].rest))
			return tls[i].v;
	for (i = 0; is_ssl && i < nitems(ssl); i++)
		if (transit_is(s, len, ssl[i].rest))
			return ssl[i].v;
	return TV_OTHER;
}

/* A word that is only a version: "TLS1.3", "TLSv1_2", "SSLv3". */
static int
transit_version_word(const char *s, size_t len)
{
	size_t i = 3;

	if (transit_version(s, len) == TV_NONE)
		return 0;
	if (i < len && (s[i] == 'v' || s[i] == 'V'))
		i++;
	return i < len && strspn(s + i, "0123456789._") >= len - i;
}

/* Keep a version as written, once. */
static void
transit_set_version(struct hop *h, const char *s, size_t len,
    struct transit_clues *c)
{
	enum tls_ver v = transit_version(s, len);

	if (v == TV_NONE || h->tls != TV_NONE)
		return;
	h->tls = v;
	h->tls_text = transit_text(s, len);
	c->tls = 1;
}

/* Keep a cipher suite name when it looks like one, once. */
static void
transit_set_cipher(struct hop *h, const char *s, size_t len,
    struct transit_clues *c)
{
	if (h->cipher != NULL || len == 0 || len > TRANSIT_MAX_CIPHER ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") < len)
		return;
	h->cipher = xstrndup(s, len);
	c->tls = 1;
}

/* Keep a key length ("256" or "256/256"), once. */
static void
transit_set_bits(struct hop *h, const char *s, size_t len)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9' && v < 100000; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	if (i > 0 && h->bits == 0)
		h->bits = v;
}

/* The next word of a comment from *p: split at white space, ',' and
 * parentheses; 0 at the end. */
static size_t
transit_next(const char **p, const char *end)
{
	const char *s = *p;

	while (s < end && (transit_ws(*s) || *s == ',' || *s == '(' ||
	    *s == ')'))
		s++;
	*p = s;
	while (s < end && !transit_ws(*s) && *s != ',' && *s != '(' &&
	    *s != ')')
		s++;
	return (size_t)(s - *p);
}

/* Postfix: "using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384
 * (256/256 bits) key-exchange ...". */
static void
transit_tls_postfix(const char *s, const char *end, struct hop *h,
    struct transit_clues *c)
{
	size_t n;

	if ((n = transit_next(&s, end)) == 0 || !transit_is(s, n, "using"))
		return;
	s += n;
	n = transit_next(&s, end);
	transit_set_version(h, s, n, c);
	s += n;
	if ((n = transit_next(&s, end)) == 0 || !transit_is(s, n, "with"))
		return;
	s += n;
	if ((n = transit_next(&s, end)) == 0 || !transit_is(s, n, "cipher"))
		return;
	s += n;
	n = transit_next(&s, end);
	transit_set_cipher(h, s, n, c);
	s += n;
	n = transit_next(&s, end);
	transit_set_bits(h, s, n);
}

/* Sendmail, Google, Microsoft, Mimecast: "version=TLSv1.3
 * cipher=TLS_AES_256_GCM_SHA384 bits=256/256", with spaces or commas. */
static void
transit_tls_pairs(const char *s, const char *end, struct hop *h,
    struct transit_clues *c)
{
	const char *bits = NULL;
	size_t n, nbits = 0;
	int tls = 0;

	for (; (n = transit_next(&s, end)) > 0; s += n) {
		if (n > 8 && strncasecmp(s, "version=", 8) == 0) {
			transit_set_version(h, s + 8, n - 8, c);
			tls = 1;
		} else if (n > 7 && strncasecmp(s, "cipher=", 7) == 0) {
			transit_set_cipher(h, s + 7, n - 7, c);
			tls = 1;
		} else if (n > 5 && strncasecmp(s, "bits=", 5) == 0) {
			bits = s + 5;
			nbits = n - 5;
		}
	}
	/* Sendmail's "(authenticated bits=0)" is SASL's, not TLS's. */
	if (tls && bits != NULL)
		transit_set_bits(h, bits, nbits);
}

/* Courier: "TLS: TLSv1.2,256bits,ECDHE-RSA-AES256-GCM-SHA384". */
static void
transit_tls_courier(const char *s, const char *end, struct hop *h,
    struct transit_clues *c)
{
	const char *p = s;
	size_t n;

	while ((size_t)(end - p) >= 5 && strncmp(p, "TLS: ", 5) != 0)
		p++;
	if ((size_t)(end - p) < 5)
		return;
	for (p += 5; (n = transit_next(&p, end)) > 0; p += n) {
		if (transit_version(p, n) != TV_NONE)
			transit_set_version(h, p, n, c);
		else if (n > 4 && strncmp(p + n - 4, "bits", 4) == 0)
			transit_set_bits(h, p, n - 4);
		else
			transit_set_cipher(h, p, n, c);
	}
}

/* Exim before 4.92, OpenSMTPD: "TLS1.2:ECDHE-RSA-AES256-GCM-SHA384:256"
 * (a fourth field may follow). The whole comment, no spaces. */
static void
transit_tls_colons(const char *s, size_t len, struct hop *h,
    struct transit_clues *c)
{
	const char *a, *b, *end = s + len;

	if (memchr(s, ' ', len) != NULL || (a = memchr(s, ':', len)) == NULL ||
	    (b = memchr(a + 1, ':', (size_t)(end - a - 1))) == NULL ||
	    !transit_version_word(s, (size_t)(a - s)))
		return;
	transit_set_version(h, s, (size_t)(a - s), c);
	transit_set_cipher(h, a + 1, (size_t)(b - a - 1), c);
	transit_set_bits(h, b + 1, (size_t)(end - b - 1));
}

/* qmail's TLS patch: "with (DHE-RSA-AES256-GCM-SHA384 encrypted) SMTP". */
static void
transit_tls_qmail(const char *s, size_t len, struct hop *h,
    struct transit_clues *c)
{
	const char *sp;

	transit_trim(&s, &len);
	sp = memchr(s, ' ', len);
	if (sp != NULL && transit_is(sp + 1, (size_t)(s + len - sp - 1),
	    "encrypted"))
		transit_set_cipher(h, s, (size_t)(sp - s), c);
}

/* Every way a comment can record TLS. */
static void
transit_tls_comment(const char *s, size_t len, struct hop *h,
    struct transit_clues *c)
{
	transit_trim(&s, &len);
	if (transit_is(s, len, "TLS")) {	/* Exchange 2010: "(TLS)" */
		c->tls = 1;
		return;
	}
	if (transit_version_word(s, len)) {	/* Exim 4.92+: "(TLS1.3)" */
		transit_set_version(h, s, len, c);
		return;
	}
	transit_tls_postfix(s, s + len, h, c);
	transit_tls_pairs(s, s + len, h, c);
	transit_tls_courier(s, s + len, h, c);
	transit_tls_colons(s, len, h, c);
}

/* ---------------------------------------------------------------- hops */

/* A comment: TLS facts anywhere, addresses in the from and by parts,
 * local submission notes. */
static void
transit_comment(const struct transit_tok *t, enum transit_clause cl,
    struct hop *h, struct transit_clues *c)
{
	const char *s = t->s;
	size_t len = t->len;

	transit_tls_comment(s, len, h, c);
	if (cl == CL_WITH && h->protocol == NULL)
		transit_tls_qmail(s, len, h, c);
	if (cl == CL_FROM && h->from_ip == NULL)
		h->from_ip = transit_ip_in(s, len);
	else if (cl == CL_BY && c->by_ip == NULL)
		c->by_ip = transit_ip_in(s, len);
	transit_trim(&s, &len);
	if (cl == CL_BY && len > 12 && memmem(s, len, "from userid ", 12))
		c->submit = 1;		/* Postfix pickup: "(Postfix, from userid 1000)" */
	if (cl == CL_NONE && len > 6 && strncmp(s, "qmail ", 6) == 0 &&
	    memmem(s, len, " invoked ", 9) != NULL)
		c->submit = 1;		/* "(qmail 1234 invoked by uid 89)" */
}

/* Which clause a word opens, or CL_NONE. */
static enum transit_clause
transit_clause_of(const struct transit_tok *t)
{
	size_t i;

	for (i = 1; i < nitems(transit_clause_words); i++)
		if (transit_is(t->s, t->len, transit_clause_words[i]))
			return (enum transit_clause)i;
	return CL_NONE;
}

/* The protocol word after "with" at t[i]; "Microsoft SMTP Server" is
 * three. Returns the index of its last word. */
static size_t
transit_protocol(const struct transit_tok *t, size_t n, size_t i,
    struct hop *h, struct transit_clues *c)
{
	size_t len = t[i].len;

	while (len > 0 && (t[i].s[len - 1] == ',' || t[i].s[len - 1] == '.'))
		len--;
	if (h->protocol != NULL) {
		if (transit_is(t[i].s, len, "STARTTLS"))
			c->starttls = 1;	/* Mimecast */
		return i;
	}
	if (transit_is(t[i].s, len, "Microsoft") && i + 2 < n &&
	    !t[i + 1].comment && !t[i + 2].comment &&
	    transit_is(t[i + 1].s, t[i + 1].len, "SMTP") &&
	    transit_is(t[i + 2].s, t[i + 2].len, "Server")) {
		h->protocol = xstrdup("Microsoft SMTP Server");
		return i + 2;
	}
	if (len > 0)
		h->protocol = transit_text(t[i].s, len);
	return i;
}

/* The value of a clause at t[i]; returns the index of its last word. */
static size_t
transit_value(const struct transit_tok *t, size_t n, size_t i,
    enum transit_clause cl, struct hop *h, struct transit_clues *c)
{
	switch (cl) {
	case CL_FROM:
		if (h->from == NULL) {
			h->from = transit_text(t[i].s, t[i].len);
			if (t[i].s[0] == '[' && h->from_ip == NULL)
				h->from_ip = transit_ip_in(t[i].s, t[i].len);
		}
		break;
	case CL_BY:
		if (h->by == NULL)
			h->by = transit_text(t[i].s, t[i].len);
		break;
	case CL_WITH:
		return transit_protocol(t, n, i, h, c);
	case CL_VIA:		/* "via HTTP" (old webmail) */
		if (h->protocol == NULL && (transit_is(t[i].s, t[i].len,
		    "HTTP") || transit_is(t[i].s, t[i].len, "HTTPS")))
			h->protocol = transit_text(t[i].s, t[i].len);
		break;
	default:
		break;
	}
	return i;
}

/* A word that is no clause's value: an address after the from host
 * (fetchmail), Exim's "tls CIPHER". Returns the index of the last word
 * used. */
static size_t
transit_word(const struct transit_tok *t, size_t n, size_t i,
    enum transit_clause cl, struct hop *h, struct transit_clues *c)
{
	if (cl == CL_FROM && t[i].s[0] == '[' && h->from_ip == NULL)
		h->from_ip = transit_ip_in(t[i].s, t[i].len);
	else if (cl == CL_WITH && transit_is(t[i].s, t[i].len, "tls") &&
	    i + 1 < n && !t[i + 1].comment) {
		transit_set_cipher(h, t[i + 1].s, t[i + 1].len, c);
		return i + 1;
	}
	return i;
}

/* Walk the words and comments of one field. */
static void
transit_read(const struct transit_tok *t, size_t n, struct hop *h,
    struct transit_clues *c)
{
	enum transit_clause cl = CL_NONE, k;
	size_t i;
	int want = 0;

	for (i = 0; i < n; i++) {
		if (t[i].comment)
			transit_comment(&t[i], cl, h, c);
		else if (want) {
			i = transit_value(t, n, i, cl, h, c);
			want = 0;
		} else if ((k = transit_clause_of(&t[i])) != CL_NONE) {
			cl = k;
			want = 1;
		} else
			i = transit_word(t, n, i, cl, h, c);
	}
}

/* Are from and by written as one host, with no other address? */
static int
transit_same_host(const struct hop *h, const struct transit_clues *c)
{
	size_t a = strlen(h->from), b = strlen(h->by);

	if (a > 0 && h->from[a - 1] == '.')
		a--;
	if (b > 0 && h->by[b - 1] == '.')
		b--;
	if (a == 0 || a != b || strncasecmp(h->from, h->by, a) != 0)
		return 0;
	return h->from_ip == NULL || (c->by_ip != NULL &&
	    strcasecmp(h->from_ip, c->by_ip) == 0);
}

/* Set a verdict and its reason. */
static void
transit_set(struct hop *h, enum hop_verdict v, enum hop_why w)
{
	h->verdict = v;
	h->why = w;
}

/* The hop's verdict from what its field says, in order of precedence. */
static void
transit_judge(struct hop *h, const struct transit_clues *c)
{
	const char *p = h->protocol;
	size_t pl = p ? strlen(p) : 0;

	if (c->submit)
		transit_set(h, HOP_LOCAL, WHY_NO_PEER);
	else if (p && (transit_in(p, pl, transit_proto_local,
	    nitems(transit_proto_local)) || strncasecmp(p, "local-", 6) == 0))
		transit_set(h, HOP_LOCAL, WHY_LOCAL_PROTOCOL);
	else if (c->tls)
		transit_set(h, HOP_ENCRYPTED, WHY_TLS_FACTS);
	else if (p && (c->starttls || transit_in(p, pl, transit_proto_tls,
	    nitems(transit_proto_tls))))
		transit_set(h, HOP_ENCRYPTED, WHY_PROTOCOL_TLS);
	else if (h->from == NULL)
		transit_set(h, h->by ? HOP_LOCAL : HOP_UNKNOWN, h->by ?
		    WHY_NO_PEER : WHY_NOTHING);
	else if (h->from_ip ? transit_loopback(h->from_ip) :
	    strcasecmp(h->from, "localhost") == 0)
		transit_set(h, HOP_LOCAL, WHY_LOOPBACK);
	else if (h->by != NULL && transit_same_host(h, c))
		transit_set(h, HOP_LOCAL, WHY_SAME_HOST);
	else if (p && transit_in(p, pl, transit_proto_clear,
	    nitems(transit_proto_clear)))
		transit_set(h, HOP_CLEAR, WHY_PROTOCOL_CLEAR);
	else
		transit_set(h, HOP_UNKNOWN, p ? WHY_PROTOCOL_SILENT :
		    WHY_NOTHING);
	h->weak = h->verdict == HOP_ENCRYPTED && h->tls >= TV_SSL2 &&
	    h->tls <= TV_TLS11;
}

/* One Received field value (folded or not) as a hop. */
void
transit_hop_parse(const char *value, struct hop *h)
{
	struct transit_tok t[TRANSIT_MAX_TOKENS];
	struct transit_clues c;
	size_t n;

	memset(h, 0, sizeof(*h));
	memset(&c, 0, sizeof(c));
	if (value != NULL) {
		n = transit_lex(value, strnlen(value, TRANSIT_MAX_INPUT), t,
		    nitems(t));
		transit_read(t, n, h, &c);
	}
	transit_judge(h, &c);
	free(c.by_ip);
}

/* Free what a hop holds and zero it; accepts NULL. */
void
transit_hop_clear(struct hop *h)
{
	if (h == NULL)
		return;
	free(h->from);
	free(h->from_ip);
	free(h->by);
	free(h->protocol);
	free(h->tls_text);
	free(h->cipher);
	memset(h, 0, sizeof(*h));
}

/* ------------------------------------------------------------ message */

/* An empty record, to be filled by transit_add(). */
struct transit *
transit_new(void)
{
	return xcalloc(1, sizeof(struct transit));
}

/* Is a field name (s) the name n, case folded, spaces around allowed? */
static int
transit_name_is(const char *s, const char *n)
{
	size_t len = strlen(s);

	transit_trim(&s, &len);
	return transit_is(s, len, n);
}

/* An Authentication-Results field: the topmost readable one opens the
 * block, which takes those of the same server until a Received field. */
static void
transit_add_authres(struct transit *t, const char *value)
{
	struct authres *ar;

	if (t->ar_state == TR_AR_SHUT || (ar = authres_parse(value)) == NULL)
		return;
	if (t->ar_state == TR_AR_WAIT) {
		t->auth = ar;
		t->ar_state = TR_AR_OPEN;
	} else if (authres_same_server(t->auth, ar))
		authres_merge(t->auth, ar);
	else
		authres_free(ar);
}

/* One header field, in the order of the message; fields other than
 * Received and Authentication-Results are ignored. */
void
transit_add(struct transit *t, const char *name, const char *value)
{
	if (name == NULL || value == NULL)
		return;
	if (transit_name_is(name, "Received")) {
		if (t->ar_state == TR_AR_OPEN)
			t->ar_state = TR_AR_SHUT;
		if (t->nhops >= TRANSIT_MAX_HOPS) {
			t->dropped++;
			return;
		}
		t->hops = xreallocarray(t->hops, t->nhops + 1,
		    sizeof(*t->hops));
		transit_hop_parse(value, &t->hops[t->nhops++]);
	} else if (transit_name_is(name, "Authentication-Results"))
		transit_add_authres(t, value);
}

/* A field was cut off (a size limit): the path is not known whole. */
void
transit_cut(struct transit *t)
{
	t->dropped++;
}

/* After the last field: the message's verdict, and the results kept
 * only when a Received field lies below them. */
void
transit_finish(struct transit *t)
{
	size_t i, count[4] = { 0, 0, 0, 0 };

	if (t->ar_state == TR_AR_OPEN) {
		authres_free(t->auth);
		t->auth = NULL;
		t->auth_ignored = 1;
	}
	t->weak = 0;
	for (i = 0; i < t->nhops; i++) {
		count[t->hops[i].verdict]++;
		t->weak |= t->hops[i].weak;
	}
	if (count[HOP_CLEAR] > 0)
		t->verdict = TRANSIT_CLEAR;
	else if (count[HOP_UNKNOWN] > 0 || t->dropped > 0 || t->nhops == 0)
		t->verdict = TRANSIT_UNKNOWN;
	else if (count[HOP_ENCRYPTED] > 0)
		t->verdict = TRANSIT_ENCRYPTED;
	else
		t->verdict = TRANSIT_LOCAL;
}

/* Free the record; accepts NULL. */
void
transit_free(struct transit *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nhops; i++)
		transit_hop_clear(&t->hops[i]);
	free(t->hops);
	authres_free(t->auth);
	free(t);
}

/* The index's summary of a finished record. */
enum transit_mark
transit_mark(const struct transit *t)
{
	switch (t->verdict) {
	case TRANSIT_ENCRYPTED:
		return t->weak ? TM_WEAK : TM_ENCRYPTED;
	case TRANSIT_CLEAR:
		return TM_CLEAR;
	case TRANSIT_LOCAL:
		return TM_LOCAL;
	case TRANSIT_UNKNOWN:
		break;
	}
	return TM_UNKNOWN;
}
