/* authres.c: the Authentication-Results field (RFC 8601), read
 * tolerantly, and its results in words. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "i18n.h"
#include "xmalloc.h"

#define nitems(a)		(sizeof(a) / sizeof((a)[0]))

#define AUTHRES_MAX_INPUT	16384	/* bytes of one field read */
#define AUTHRES_MAX_TEXT	255	/* bytes kept of one value */

enum authres_tok_type {
	TK_END,
	TK_WORD,
	TK_QSTR,		/* s, len: the inside, escapes kept */
	TK_EQ,
	TK_SLASH,
	TK_DOT,
	TK_SEMI,
};

struct authres_tok {
	enum authres_tok_type	 type;
	const char		*s;
	size_t			 len;
	int			 space;		/* CFWS stood before it */
};

/* A field's tokens; the last is TK_END. */
struct authres_lex {
	struct authres_tok	*t;
	size_t			 n;
	size_t			 cap;
};

/* What one resinfo says before it becomes an entry. */
struct authres_props {
	char	*reason, *hd, *hi, *hs, *hfrom, *mailfrom, *helo;
};

static const struct {
	const char		*name;
	enum authres_value	 value;
} authres_values[] = {
	{ "pass", AR_PASS }, { "fail", AR_FAIL }, { "hardfail", AR_FAIL },
	{ "softfail", AR_SOFTFAIL }, { "neutral", AR_NEUTRAL },
	{ "none", AR_NONE }, { "temperror", AR_TEMPERROR },
	{ "permerror", AR_PERMERROR }, { "policy", AR_POLICY },
	{ "bestguesspass", AR_BESTGUESSPASS },
};

static const char *authres_value_names[] = {
	"unknown", "pass", "fail", "softfail", "neutral", "none",
	"temperror", "permerror", "policy", "bestguesspass"
};

/* ------------------------------------------------------------- tokens */

/* Folding and other white space. */
static int
authres_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A character that ends a word. */
static int
authres_special(char c)
{
	return authres_ws(c) || c == '(' || c == ')' || c == '"' ||
	    c == ';' || c == '=' || c == '/' || c == '.' || c == '\0';
}

/* Past white space and comments (nested, with quoted pairs); an
 * unterminated comment runs to the end. */
static size_t
authres_cfws(const char *s, size_t i, size_t n)
{
	size_t depth;

	for (;;) {
		while (i < n && authres_ws(s[i]))
			i++;
		if (i >= n || s[i] != '(')
			return i;
		for (depth = 0; i < n; i++) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			else if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0) {
				i++;
				break;
			}
		}
	}
}

/* Append a token. */
static void
authres_push(struct authres_lex *lx, enum authres_tok_type type,
    const char *s, size_t len, int space)
{
	if (lx->n == lx->cap) {
		lx->cap = lx->cap ? lx->cap * 2 : 32;
		lx->t = xreallocarray(lx->t, lx->cap, sizeof(*lx->t));
	}
	lx->t[lx->n].type = type;
	lx->t[lx->n].s = s;
	lx->t[lx->n].len = len;
	lx->t[lx->n].space = space;
	lx->n++;
}

/* The end of a quoted string that starts at s[i] == '"'. */
static size_t
authres_qstr_end(const char *s, size_t i, size_t n)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\' && i + 1 < n)
			i++;
	return i;
}

/* Cut a field into tokens, comments and white space dropped. */
static void
authres_lex(const char *s, size_t n, struct authres_lex *lx)
{
	static const char single[] = "=/.;";
	static const enum authres_tok_type stype[] = {
		TK_EQ, TK_SLASH, TK_DOT, TK_SEMI
	};
	size_t i = 0, j, e;
	int space;

	for (;;) {
		j = authres_cfws(s, i, n);
		space = j > i;
		if ((i = j) >= n)
			break;
		if (strchr(single, s[i]) != NULL) {
			authres_push(lx, stype[strchr(single, s[i]) - single],
			    s + i, 1, space);
			i++;
		} else if (s[i] == '"') {
			e = authres_qstr_end(s, i, n);
			authres_push(lx, TK_QSTR, s + i + 1, e - i - 1, space);
			i = e < n ? e + 1 : n;
		} else if (s[i] == ')')
			i++;		/* a stray closing parenthesis */
		else {
			for (j = i; j < n && !authres_special(s[j]); j++)
				;
			authres_push(lx, TK_WORD, s + i, j - i, space);
			i = j;
		}
	}
	authres_push(lx, TK_END, s + n, 0, 1);
}

/* Is token t the word w (ASCII case folded)? */
static int
authres_is(const struct authres_tok *t, const char *w)
{
	return t->type == TK_WORD && t->len == strlen(w) &&
	    strncasecmp(t->s, w, t->len) == 0;
}

/* A lower-case copy of a word, cut to the text limit. */
static char *
authres_lower(const char *s, size_t len)
{
	char *out = xstrndup(s, len < AUTHRES_MAX_TEXT ? len :
	    AUTHRES_MAX_TEXT), *p;

	for (p = out; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	return out;
}

/* A quoted string's inside with its quoted pairs undone. */
static char *
authres_unquote(const struct authres_tok *t)
{
	char *out = xmalloc(t->len + 1);
	size_t i, k = 0;

	for (i = 0; i < t->len && k < AUTHRES_MAX_TEXT; i++) {
		if (t->s[i] == '\\' && i + 1 < t->len)
			i++;
		out[k++] = t->s[i];
	}
	out[k] = '\0';
	return out;
}

/* A value at t[*i]: a quoted string, or tokens written together
 * ("@mail.example.com", "n/eQEnMw=="). NULL when there is none. */
static char *
authres_value(const struct authres_tok *t, size_t *i)
{
	const char *start;
	size_t j = *i;

	if (t[j].type == TK_QSTR) {
		*i = j + 1;
		return authres_unquote(&t[j]);
	}
	if (t[j].type == TK_END || t[j].type == TK_SEMI)
		return NULL;
	start = t[j].s;
	for (j++; t[j].type != TK_END && t[j].type != TK_SEMI &&
	    t[j].type != TK_QSTR && !t[j].space; j++)
		;
	*i = j;
	return xstrndup(start, (size_t)(t[j - 1].s + t[j - 1].len - start) <
	    AUTHRES_MAX_TEXT ? (size_t)(t[j - 1].s + t[j - 1].len - start) :
	    AUTHRES_MAX_TEXT);
}

/* ------------------------------------------------------------ results */

/* Keep a property's value where it belongs (takes v). */
static void
authres_prop(struct authres_props *p, const struct authres_tok *ptype,
    const struct authres_tok *prop, char *v)
{
	char **slot = NULL;

	if (prop == NULL && authres_is(ptype, "reason"))
		slot = &p->reason;
	else if (prop != NULL && authres_is(ptype, "header"))
		slot = authres_is(prop, "d") ? &p->hd : authres_is(prop, "i") ?
		    &p->hi : authres_is(prop, "s") ? &p->hs :
		    authres_is(prop, "from") ? &p->hfrom : NULL;
	else if (prop != NULL && authres_is(ptype, "smtp"))
		slot = authres_is(prop, "mailfrom") ? &p->mailfrom :
		    authres_is(prop, "helo") ? &p->helo : NULL;
	if (slot != NULL && *slot == NULL)
		*slot = v;
	else
		free(v);
}

/* One "key = value" or "ptype.property = value" at t[*i]; a word that is
 * neither is passed over. */
static void
authres_propspec(const struct authres_tok *t, size_t *i,
    struct authres_props *p)
{
	const struct authres_tok *ptype = &t[*i], *prop = NULL;
	size_t j = *i + 1;
	char *v;

	if (t[j].type == TK_DOT && t[j + 1].type == TK_WORD) {
		prop = &t[j + 1];
		j += 2;
	}
	if (t[j].type != TK_EQ) {
		*i = j;
		return;
	}
	j++;
	if ((v = authres_value(t, &j)) != NULL)
		authres_prop(p, ptype, prop, v);
	*i = j;
}

/* The part after the last '@', or all of it; NULL stays NULL. */
static char *
authres_domain_of(const char *s)
{
	const char *at;

	if (s == NULL)
		return NULL;
	at = strrchr(s, '@');
	return xstrdup(at ? at + 1 : s);
}

/* Turn the properties into the entry's domain and identity. */
static void
authres_props_take(struct authres_entry *e, struct authres_props *p)
{
	e->reason = p->reason;
	if (e->method == AR_DKIM) {
		e->domain = p->hd ? xstrdup(p->hd) : authres_domain_of(p->hi);
		e->identity = p->hi ? xstrdup(p->hi) : NULL;
		e->selector = p->hs ? xstrdup(p->hs) : NULL;
	} else if (e->method == AR_DMARC)
		e->domain = p->hfrom ? xstrdup(p->hfrom) : NULL;
	else if (e->method == AR_SPF) {
		e->domain = authres_domain_of(p->mailfrom ? p->mailfrom :
		    p->helo);
		e->identity = p->mailfrom ? xstrdup(p->mailfrom) :
		    p->helo ? xstrdup(p->helo) : NULL;
	}
	free(p->hd);
	free(p->hi);
	free(p->hs);
	free(p->hfrom);
	free(p->mailfrom);
	free(p->helo);
}

/* The method and value of an entry from their words. */
static void
authres_entry_names(struct authres_entry *e, const struct authres_tok *m,
    const struct authres_tok *v)
{
	size_t k;

	e->method_name = authres_lower(m->s, m->len);
	e->method = strcmp(e->method_name, "spf") == 0 ? AR_SPF :
	    strcmp(e->method_name, "dkim") == 0 ? AR_DKIM :
	    strcmp(e->method_name, "dmarc") == 0 ? AR_DMARC :
	    strcmp(e->method_name, "arc") == 0 ? AR_ARC : AR_OTHER;
	e->value_name = authres_lower(v->s, v->len);
	e->value = AR_UNKNOWN;
	for (k = 0; k < nitems(authres_values); k++)
		if (strcmp(e->value_name, authres_values[k].name) == 0)
			e->value = authres_values[k].value;
}

/* Past the rest of a result, to its ';' or the end. */
static size_t
authres_skip(const struct authres_tok *t, size_t i)
{
	while (t[i].type != TK_END && t[i].type != TK_SEMI)
		i++;
	return i;
}

/* One resinfo at t[i]: "method[/version] = value props..."; what is not
 * one ("none", a bare domain) is skipped. Returns where it ends. */
static size_t
authres_resinfo(const struct authres_tok *t, size_t i, struct authres *ar)
{
	struct authres_props p;
	struct authres_entry *e;
	size_t m = i, j = i + 1;

	if (authres_is(&t[i], "none") && (t[j].type == TK_SEMI ||
	    t[j].type == TK_END)) {
		ar->none = 1;
		return j;
	}
	if (t[i].type != TK_WORD)
		return authres_skip(t, i);
	if (t[j].type == TK_SLASH)
		j += t[j + 1].type == TK_WORD ? 2 : 1;
	if (t[j].type != TK_EQ || t[j + 1].type != TK_WORD ||
	    ar->n >= AUTHRES_MAX)
		return authres_skip(t, j);
	memset(&p, 0, sizeof(p));
	for (i = j + 2; t[i].type != TK_END && t[i].type != TK_SEMI;)
		if (t[i].type == TK_WORD)
			authres_propspec(t, &i, &p);
		else
			i++;
	e = &ar->e[ar->n++];
	authres_entry_names(e, &t[m], &t[j + 1]);
	authres_props_take(e, &p);
	return i;
}

/* Where the results start: past the authserv-id and version, which are
 * read into ar. 0 when the field has no authserv-id (its first word is
 * a method); (size_t)-1 when its version is not 1. */
static size_t
authres_head(const struct authres_tok *t, struct authres *ar)
{
	size_t i = 0;

	if (t[0].type == TK_QSTR) {
		ar->authserv_id = authres_unquote(&t[0]);
		i = 1;
	} else if (t[0].type == TK_WORD) {
		for (i = 1; (t[i].type == TK_WORD || t[i].type == TK_DOT) &&
		    !t[i].space; i++)
			;
		if (t[i].type == TK_EQ || t[i].type == TK_SLASH)
			return 0;
		ar->authserv_id = xstrndup(t[0].s, (size_t)(t[i - 1].s +
		    t[i - 1].len - t[0].s) < AUTHRES_MAX_TEXT ?
		    (size_t)(t[i - 1].s + t[i - 1].len - t[0].s) :
		    AUTHRES_MAX_TEXT);
	}
	if (t[i].type == TK_WORD && t[i].len > 0 &&
	    strspn(t[i].s, "0123456789") >= t[i].len) {
		if (!authres_is(&t[i], "1"))
			return (size_t)-1;
		i++;
	}
	return authres_skip(t, i);
}

/* One Authentication-Results field value; NULL when it cannot be read
 * (a version other than 1, or neither results nor "none"). */
struct authres *
authres_parse(const char *value)
{
	struct authres_lex lx;
	struct authres *ar;
	size_t i, n;

	if (value == NULL)
		return NULL;
	n = strnlen(value, AUTHRES_MAX_INPUT);
	memset(&lx, 0, sizeof(lx));
	authres_lex(value, n, &lx);
	ar = xcalloc(1, sizeof(*ar));
	ar->e = xcalloc(AUTHRES_MAX, sizeof(*ar->e));
	if (lx.t[0].type == TK_END ||
	    (i = authres_head(lx.t, ar)) == (size_t)-1) {
		free(lx.t);
		authres_free(ar);
		return NULL;
	}
	while (lx.t[i].type != TK_END)
		i = lx.t[i].type == TK_SEMI ? i + 1 :
		    authres_resinfo(lx.t, i, ar);
	free(lx.t);
	if (ar->n == 0 && !ar->none) {
		authres_free(ar);
		return NULL;
	}
	return ar;
}

/* Free what one entry holds. */
static void
authres_entry_clear(struct authres_entry *e)
{
	free(e->method_name);
	free(e->value_name);
	free(e->reason);
	free(e->domain);
	free(e->identity);
	free(e->selector);
}

/* Free parsed results; accepts NULL. */
void
authres_free(struct authres *ar)
{
	size_t i;

	if (ar == NULL)
		return;
	for (i = 0; i < ar->n; i++)
		authres_entry_clear(&ar->e[i]);
	free(ar->e);
	free(ar->authserv_id);
	free(ar);
}

/* Move the results of from to the end of into (as many as fit), and
 * free from. */
void
authres_merge(struct authres *into, struct authres *from)
{
	size_t i;

	if (from == NULL)
		return;
	into->none |= from->none;
	for (i = 0; i < from->n; i++) {
		if (into->n < AUTHRES_MAX)
			into->e[into->n++] = from->e[i];
		else
			authres_entry_clear(&from->e[i]);
	}
	from->n = 0;
	authres_free(from);
}

/* Do two fields name the same authserv-id (or both none)? */
int
authres_same_server(const struct authres *a, const struct authres *b)
{
	if (a->authserv_id == NULL || b->authserv_id == NULL)
		return a->authserv_id == b->authserv_id;
	return strcasecmp(a->authserv_id, b->authserv_id) == 0;
}

/* The index of the topmost readable field among values (in message
 * order), or of the topmost whose authserv-id is id when id is not NULL;
 * -1 when there is none. */
long
authres_pick(const char *const *values, size_t n, const char *id)
{
	struct authres *ar;
	size_t i;
	int hit;

	for (i = 0; i < n; i++) {
		if ((ar = authres_parse(values[i])) == NULL)
			continue;
		hit = id == NULL || (ar->authserv_id != NULL &&
		    strcasecmp(ar->authserv_id, id) == 0);
		authres_free(ar);
		if (hit)
			return (long)i;
	}
	return -1;
}

/* --------------------------------------------------------------- words */

/* The stable name of a result value. */
const char *
authres_value_name(enum authres_value v)
{
	return authres_value_names[v];
}

/* "SPF", "DKIM", "DMARC", "ARC", or the method's own name. */
const char *
authres_method_label(const struct authres_entry *e)
{
	static const char *const labels[] = {
		NULL, "SPF", "DKIM", "DMARC", "ARC"
	};

	return e->method == AR_OTHER ? e->method_name : labels[e->method];
}

/* An SPF result in words, or NULL. */
static char *
authres_words_spf(enum authres_value v, const char *d)
{
	switch (v) {
	case AR_PASS:
		return xasprintf(_("SPF: the sending server may send mail for "
		    "%s"), d);
	case AR_FAIL:
		return xasprintf(_("SPF: the sending server may NOT send mail "
		    "for %s"), d);
	case AR_SOFTFAIL:
		return xasprintf(_("SPF: the sending server is probably not "
		    "allowed to send mail for %s"), d);
	case AR_NEUTRAL:
		return xasprintf(_("SPF: %s says nothing about the sending "
		    "server"), d);
	case AR_NONE:
		return xasprintf(_("SPF: %s publishes no SPF policy"), d);
	case AR_TEMPERROR:
		return xasprintf(_("SPF: could not be checked for %s "
		    "(temporary DNS error)"), d);
	case AR_PERMERROR:
		return xasprintf(_("SPF: the SPF policy of %s is broken"), d);
	case AR_BESTGUESSPASS:
		return xasprintf(_("SPF: %s publishes no SPF policy; the "
		    "sending server passes a best guess"), d);
	default:
		return NULL;
	}
}

/* A DKIM result in words, or NULL. */
static char *
authres_words_dkim(enum authres_value v, const char *d)
{
	switch (v) {
	case AR_PASS:
		return xasprintf(_("DKIM: signed by %s, signature valid"), d);
	case AR_FAIL:
		return xasprintf(_("DKIM: signed by %s, but the signature does "
		    "not match: the message may have been changed"), d);
	case AR_NEUTRAL:
		return xasprintf(_("DKIM: signed by %s, but the signature "
		    "could not be judged"), d);
	case AR_NONE:
		return xstrdup(_("DKIM: the message is not signed"));
	case AR_POLICY:
		return xasprintf(_("DKIM: signed by %s, signature valid but "
		    "not acceptable to the receiving server's policy"), d);
	case AR_TEMPERROR:
		return xasprintf(_("DKIM: the signature by %s could not be "
		    "checked (temporary error)"), d);
	case AR_PERMERROR:
		return xasprintf(_("DKIM: the signature by %s cannot be "
		    "checked (broken signature or key)"), d);
	default:
		return NULL;
	}
}

/* A DMARC result in words, or NULL. */
static char *
authres_words_dmarc(enum authres_value v, const char *d)
{
	switch (v) {
	case AR_PASS:
		return xasprintf(_("DMARC: the sender's domain %s is "
		    "authenticated"), d);
	case AR_FAIL:
		return xasprintf(_("DMARC: the sender's domain %s is NOT "
		    "authenticated: the From address may be forged"), d);
	case AR_NONE:
		return xasprintf(_("DMARC: %s publishes no DMARC policy"), d);
	case AR_TEMPERROR:
		return xasprintf(_("DMARC: could not be checked for %s "
		    "(temporary error)"), d);
	case AR_PERMERROR:
		return xasprintf(_("DMARC: the DMARC policy of %s is broken"),
		    d);
	default:
		return NULL;
	}
}

/* An ARC result in words, or NULL. */
static char *
authres_words_arc(enum authres_value v)
{
	switch (v) {
	case AR_PASS:
		return xstrdup(_("ARC: the chain of forwarders that vouch for "
		    "the message is intact"));
	case AR_FAIL:
		return xstrdup(_("ARC: the chain of forwarders is broken"));
	case AR_NONE:
		return xstrdup(_("ARC: no forwarder vouched for the message"));
	default:
		return NULL;
	}
}

/* One result as a translated sentence, e.g. "DKIM: signed by
 * example.com, signature valid"; what has no sentence of its own is
 * "method: result". Not sanitised for a terminal. */
char *
authres_describe(const struct authres_entry *e)
{
	/* TRANSLATORS: stands for a domain name the header does not give,
	 * in sentences such as "DKIM: signed by %s, signature valid". */
	const char *d = e->domain ? e->domain : _("(no domain given)");
	char *s = NULL;

	switch (e->method) {
	case AR_SPF:
		s = authres_words_spf(e->value, d);
		break;
	case AR_DKIM:
		s = authres_words_dkim(e->value, d);
		break;
	case AR_DMARC:
		s = authres_words_dmarc(e->value, d);
		break;
	case AR_ARC:
		s = authres_words_arc(e->value);
		break;
	case AR_OTHER:
		break;
	}
	if (s != NULL)
		return s;
	/* TRANSLATORS: a method and its result as the header writes them,
	 * e.g. "compauth: pass". */
	return xasprintf(_("%s: %s"), authres_method_label(e), e->value_name);
}
