/* transit_view.c: the transit lock in words: index marks, their legend,
 * and the pager's hop and authentication lines. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "transit_view.h"
#include "xmalloc.h"

struct tv_line {
	char		*text;		/* sanitised */
	enum attr	 attr;
};

struct transit_view {
	struct tv_line	*lines;
	size_t		 n;
};

static const struct {
	char		 mark;
	enum attr	 attr;
} tv_marks[] = {
	[TM_UNKNOWN] = { '?', AT_DIM },
	[TM_ENCRYPTED] = { 'T', AT_OK },
	[TM_WEAK] = { 'W', AT_WARN },
	[TM_CLEAR] = { '!', AT_BAD },
	[TM_LOCAL] = { 'L', AT_DIM },
};

/* The index's mark for a message, and its attribute when wanted. */
char
transit_view_mark(enum transit_mark m, enum attr *at)
{
	if (at != NULL)
		*at = tv_marks[m].attr;
	return tv_marks[m].mark;
}

/* The legend of the marks: a heading, one line per mark, a note. */
void
transit_view_legend(transit_view_legend_fn add, void *arg)
{
	add(arg, NULL, _("Transit lock: the column after the flags tells how "
	    "the message travelled, from its Received header fields"),
	    AT_BOLD);
	/* TRANSLATORS: the marks T, W, !, L, ? are shown as they are. */
	add(arg, "T", _("encrypted (TLS) on every hop between servers"),
	    AT_NORMAL);
	add(arg, "W", _("encrypted on every hop, but a hop used TLS older "
	    "than 1.2 (weak)"), AT_NORMAL);
	add(arg, "!", _("at least one hop was not encrypted: anyone on that "
	    "path could read the message"), AT_NORMAL);
	add(arg, "L", _("the message never left one server"), AT_NORMAL);
	add(arg, "?", _("not known: a hop's header does not say, or there is "
	    "none"), AT_NORMAL);
	add(arg, NULL, _("Each hop is as the receiving server wrote it; only "
	    "the top ones come from your own provider, the lowest could be "
	    "forged by the sender. Open a message to see every hop."),
	    AT_DIM);
}

/* Append a line (takes text, sanitises it). */
static void
tv_add(struct transit_view *tv, char *text, enum attr at)
{
	tv->lines = xreallocarray(tv->lines, tv->n + 1, sizeof(*tv->lines));
	tv->lines[tv->n].text = text_sanitize(text);
	tv->lines[tv->n].attr = at;
	tv->n++;
	free(text);
}

/* The summary line's text and attribute. */
static char *
tv_summary(const struct transit *t, enum attr *at)
{
	*at = AT_NORMAL;
	switch (t->verdict) {
	case TRANSIT_ENCRYPTED:
		*at = t->weak ? AT_WARN : AT_OK;
		return xstrdup(t->weak ? _("Transit: [TLS] encrypted on every "
		    "hop between servers, but with TLS older than 1.2 on "
		    "some") : _("Transit: [TLS] encrypted on every hop "
		    "between servers"));
	case TRANSIT_CLEAR:
		*at = AT_BAD;
		return xstrdup(_("Transit: [PLAIN] at least one hop was not "
		    "encrypted"));
	case TRANSIT_LOCAL:
		return xstrdup(_("Transit: [local] the message never left one "
		    "server"));
	case TRANSIT_UNKNOWN:
		break;
	}
	if (t->nhops == 0)
		return xstrdup(_("Transit: [?] not known: the message has no "
		    "Received header"));
	return xstrdup(_("Transit: [?] not known: a hop's header does not "
	    "say whether it was encrypted"));
}

/* A hop's tag: text first, as in the locks. */
static const char *
tv_tag(const struct hop *h)
{
	switch (h->verdict) {
	case HOP_ENCRYPTED:
		return "[TLS]";
	case HOP_CLEAR:
		return "[PLAIN]";
	case HOP_LOCAL:
		/* TRANSLATORS: a tag, kept short: a hop within one server. */
		return _("[local]");
	case HOP_UNKNOWN:
		break;
	}
	return "[?]";
}

/* Where a hop went: "from A to B". */
static char *
tv_where(const struct hop *h)
{
	if (h->from != NULL && h->by != NULL)
		/* TRANSLATORS: a hop: from the sending host to the receiving. */
		return xasprintf(_("from %s to %s"), h->from, h->by);
	if (h->by != NULL)
		/* TRANSLATORS: a hand-over inside one host. */
		return xasprintf(_("within %s"), h->by);
	if (h->from != NULL)
		return xasprintf(_("from %s"), h->from);
	return xstrdup(_("no host named"));
}

/* "TLS 1.3" for the versions we know, else the text as written. */
static const char *
tv_version(const struct hop *h)
{
	static const char *const names[] = {
		NULL, NULL, "SSL 2", "SSL 3", "TLS 1.0", "TLS 1.1", "TLS 1.2",
		"TLS 1.3"
	};

	return names[h->tls] ? names[h->tls] : h->tls_text;
}

/* Append ", text" to a list (takes text). */
static void
tv_join(char **list, char *text)
{
	char *n = xasprintf("%s, %s", *list, text);

	free(*list);
	free(text);
	*list = n;
}

/* Why a hop is judged so, when the facts alone do not tell. */
static char *
tv_why(const struct hop *h)
{
	switch (h->why) {
	case WHY_NOTHING:
		return xstrdup(_("the header does not say how it travelled"));
	case WHY_PROTOCOL_SILENT:
		return xasprintf(_("%s does not tell whether TLS was used"),
		    h->protocol);
	case WHY_PROTOCOL_TLS:
		return xstrdup(_("encrypted (the protocol name says so; no "
		    "details)"));
	case WHY_PROTOCOL_CLEAR:
		return xstrdup(_("not encrypted"));
	case WHY_LOCAL_PROTOCOL:
		return xstrdup(_("delivery within the server"));
	case WHY_LOOPBACK:
		return xstrdup(_("within one machine (loopback address)"));
	case WHY_SAME_HOST:
		return xstrdup(_("within one machine"));
	case WHY_NO_PEER:
		return xstrdup(_("handed over within the server (no sending "
		    "host)"));
	case WHY_TLS_FACTS:
		break;
	}
	return NULL;
}

/* The facts of a hop after where it went: protocol, TLS, reason. */
static char *
tv_facts(const struct hop *h)
{
	char *s = tv_where(h), *why;

	if (h->protocol != NULL && h->why != WHY_PROTOCOL_SILENT)
		tv_join(&s, xstrdup(h->protocol));
	if (tv_version(h) != NULL)
		tv_join(&s, xstrdup(tv_version(h)));
	if (h->cipher != NULL)
		tv_join(&s, xstrdup(h->cipher));
	if (h->bits > 0)
		tv_join(&s, xasprintf(_("%u-bit key"), h->bits));
	if (h->weak)
		tv_join(&s, xstrdup(_("weak: TLS older than 1.2")));
	if ((why = tv_why(h)) != NULL)
		tv_join(&s, why);
	else if (h->tls == TV_NONE && h->cipher == NULL)
		tv_join(&s, xstrdup(_("TLS")));
	return s;
}

/* The hops from the sender to you: numbered, oldest first. */
static void
tv_hops(struct transit_view *tv, const struct transit *t)
{
	const struct hop *h;
	enum attr at;
	char *facts;
	size_t i;

	for (i = t->nhops; i > 0; i--) {
		h = &t->hops[i - 1];
		at = h->verdict == HOP_CLEAR ? AT_BAD : h->weak ? AT_WARN :
		    h->verdict == HOP_LOCAL ? AT_DIM : AT_NORMAL;
		facts = tv_facts(h);
		tv_add(tv, xasprintf("  %zu. %s %s", t->nhops - i + 1,
		    tv_tag(h), facts), at);
		free(facts);
	}
	if (t->dropped > 0)
		tv_add(tv, xstrdup(_("  Some Received fields were not read "
		    "(too many or too long): the path is not known whole.")),
		    AT_DIM);
	if (t->nhops > 1)
		tv_add(tv, xstrdup(_("  Hops are listed from the sender to "
		    "you, each as the receiving server wrote it; the lower "
		    "ones could be forged by the sender.")), AT_DIM);
}

/* The trusted Authentication-Results, one line per result. */
static void
tv_auth(struct transit_view *tv, const struct transit *t)
{
	const struct authres_entry *e;
	enum attr at;
	char *words;
	size_t i;

	if (t->auth == NULL) {
		if (t->auth_ignored)
			tv_add(tv, xstrdup(_("Authentication: ignored: its "
			    "results lie below every Received field, so no "
			    "server on the way wrote them")), AT_DIM);
		return;
	}
	tv_add(tv, t->auth->authserv_id ? xasprintf(_("Authentication, "
	    "checked by %s:"), t->auth->authserv_id) :
	    xstrdup(_("Authentication (the checking server gives no name):")),
	    AT_NORMAL);
	if (t->auth->none && t->auth->n == 0)
		tv_add(tv, xstrdup(_("  nothing was checked")), AT_DIM);
	for (i = 0; i < t->auth->n; i++) {
		e = &t->auth->e[i];
		at = e->value == AR_PASS ? AT_NORMAL : e->value == AR_FAIL ||
		    e->value == AR_PERMERROR ? AT_BAD : e->value ==
		    AR_SOFTFAIL ? AT_WARN : AT_DIM;
		words = authres_describe(e);
		tv_add(tv, xasprintf("  %s", words), at);
		free(words);
	}
}

/* The pager's lines for a message's transit record (NULL: none). */
struct transit_view *
transit_view_new(const struct transit *t)
{
	struct transit_view *tv;
	enum attr at;
	char *s;

	if (t == NULL)
		return NULL;
	tv = xcalloc(1, sizeof(*tv));
	s = tv_summary(t, &at);
	tv_add(tv, s, at);
	tv_hops(tv, t);
	tv_auth(tv, t);
	return tv;
}

/* Hand each line to add, in order; a NULL view has none. */
void
transit_view_lines(const struct transit_view *tv, transit_view_add_fn add,
    void *arg)
{
	size_t i;

	for (i = 0; tv != NULL && i < tv->n; i++)
		add(arg, tv->lines[i].text, tv->lines[i].attr);
}

/* Free a view; accepts NULL. */
void
transit_view_free(struct transit_view *tv)
{
	size_t i;

	if (tv == NULL)
		return;
	for (i = 0; i < tv->n; i++)
		free(tv->lines[i].text);
	free(tv->lines);
	free(tv);
}
