/* scr_cert.c: the certificate details of one service: the level in words,
 * the TLS session, the verdict, the whole chain, a changed key beside the
 * pinned one; and the decisions: pin this key, accept it once, reject. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "pins.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

/* One row of the document: a label (or a left column) and a value. */
struct cert_row {
	int		 lx;		/* column of the label */
	char		*label;		/* or NULL */
	enum attr	 lattr;
	int		 x;		/* column of the value */
	char		*text;		/* or NULL */
	enum attr	 attr;
};

struct cert {
	int		 account;
	enum service	 svc;
	struct svc_view	 view;
	char		**stored;	/* old pins (changed key) */
	size_t		 nstored;
	struct cert_row	*rows;
	size_t		 nrows;
	int		 width;		/* rows built for it */
	int		 labelw;	/* the label column */
	int		 top;		/* first row shown */
	int		 body;		/* rows shown last time */
	unsigned char	*pin_der;	/* what the dialog pins */
	size_t		 pin_der_len;
	char		*pin_pin;	/* its pin-sha256 */
};

/* The account shown. */
static const struct account *
cert_account(struct cert *c, struct app *a)
{
	return app_account(a, c->account);
}

/* The URL of the service shown; NULL when there is no account. */
static const struct url *
cert_url(struct cert *c, struct app *a)
{
	const struct account *acct = cert_account(c, a);

	return acct ? acct->url[c->svc] : NULL;
}

/* Forget the pins read from the database. */
static void
cert_stored_clear(struct cert *c)
{
	size_t i;

	for (i = 0; i < c->nstored; i++)
		free(c->stored[i]);
	free(c->stored);
	c->stored = NULL;
	c->nstored = 0;
}

/* Take a fresh copy of the service's state (and the old pins if changed). */
static void
cert_refresh(struct cert *c, struct app *a)
{
	const struct url *u = cert_url(c, a);

	c->width = -1;
	if (u == NULL)
		return;
	svc_view_clear(&c->view);
	worker_snapshot(a->workers[c->account], c->svc, &c->view, 0);
	cert_stored_clear(c);
	if (c->view.tls.nchain > 0 && c->view.tls.stored_pin ==
	    PIN_MISMATCH)
		c->nstored = pins_stored(u->host, u->port, &c->stored);
}

/* Drop the document rows. */
static void
cert_rows_clear(struct cert *c)
{
	size_t i;

	for (i = 0; i < c->nrows; i++) {
		free(c->rows[i].label);
		free(c->rows[i].text);
	}
	free(c->rows);
	c->rows = NULL;
	c->nrows = 0;
}

/* Append a row; label and text are copied (either may be NULL). */
static void
cert_row(struct cert *c, int lx, const char *label, enum attr lattr, int x,
    const char *text, enum attr attr)
{
	struct cert_row *r;

	c->rows = xreallocarray(c->rows, c->nrows + 1, sizeof(*c->rows));
	r = &c->rows[c->nrows++];
	r->lx = lx;
	r->label = label ? text_sanitize(label) : NULL;
	r->lattr = lattr;
	r->x = x;
	r->text = text ? text_sanitize(text) : NULL;
	r->attr = attr;
}

/* A label and its value, the value wrapped in the value column. */
static void
cert_field(struct cert *c, const char *label, enum attr attr,
    const char *value)
{
	char *clean = text_sanitize(value ? value : ""), *p = clean, *part;
	int x = 2 + c->labelw, width = c->width - x;
	size_t n;

	if (width < 8 || (strchr(clean, ' ') == NULL && text_width(clean) >
	    width && text_width(clean) <= c->width - 4)) {
		/* too narrow, or one long word (a fingerprint) that fits
		 * whole on a row of its own: the value below the label */
		if (label != NULL)
			cert_row(c, 2, label, AT_NORMAL, 0, NULL, AT_NORMAL);
		x = 4;
		width = c->width > 5 ? c->width - 4 : 1;
		label = NULL;
	}
	do {
		n = text_wrap(p, width);
		part = xstrndup(p, n);
		cert_row(c, 2, label, AT_NORMAL, x, part, attr);
		free(part);
		label = NULL;
		for (p += n; *p == ' '; p++)
			;
	} while (*p != '\0');
	free(clean);
}

/* A heading in bold across the width. */
static void
cert_heading(struct cert *c, const char *text, enum attr attr)
{
	cert_row(c, 0, text, attr, 0, NULL, AT_NORMAL);
}

/* An empty row. */
static void
cert_blank(struct cert *c)
{
	cert_row(c, 0, NULL, AT_NORMAL, 0, NULL, AT_NORMAL);
}

/* The labels of the value column; the widest sets its width. */
static const char *
cert_labels(int i)
{
	static const char *labels[] = {
		N_("Security:"), N_("Connection:"), N_("Session:"),
		N_("Verdict:"), N_("Subject:"), N_("Names (SAN):"),
		N_("Issuer:"), N_("Valid:"), N_("Key:"), N_("Signature:"),
		N_("SHA-256:"), N_("Pin:"), NULL
	};

	return labels[i] ? _(labels[i]) : NULL;
}

/* The width of the widest label, plus a gap. */
static int
cert_label_width(void)
{
	const char *l;
	int i, w = 0;

	for (i = 0; (l = cert_labels(i)) != NULL; i++)
		if (text_width(l) > w)
			w = text_width(l);
	return w + 2;
}

/* " · " where the terminal can show it, " - " elsewhere. */
static const char *
cert_dot(void)
{
	return term_utf8() ? " \xc2\xb7 " : " - ";
}

/* Where the connection stands when there is no certificate to show. */
static char *
cert_state_text(const struct svc_view *v)
{
	if (v->error != NULL)
		return xstrdup(v->error);
	switch (v->state) {
	case CONN_BUSY:
		return xstrdup(_("connecting..."));
	case CONN_READY:
		return xstrdup(v->level == LEVEL_PLAINTEXT ?
		    _("connected without TLS: there is no certificate") :
		    _("connected"));
	default:
		break;
	}
	return xstrdup(_("not connected"));
}

/* The level in words, the connection state, the TLS session. */
static void
cert_build_session(struct cert *c)
{
	const struct tls_info *t = &c->view.tls;
	char *s;

	cert_field(c, _("Security:"), c->view.level == LEVEL_PLAINTEXT ?
	    AT_BAD : AT_NORMAL, level_describe(c->view.level));
	if (c->view.error != NULL || t->nchain == 0) {
		s = cert_state_text(&c->view);
		cert_field(c, _("Connection:"), c->view.error ? AT_BAD :
		    AT_NORMAL, s);
		free(s);
	}
	if (t->version[0] == '\0')
		return;
	s = xasprintf("%s%s%s%s%s", t->version, cert_dot(), t->cipher,
	    t->group[0] ? cert_dot() : "", t->group);
	cert_field(c, _("Session:"), AT_NORMAL, s);
	free(s);
}

enum cert_mark { MARK_GOOD, MARK_BAD, MARK_NOTE };

/* One line of the verdict, marked so that colour is not the only sign. */
static void
cert_verdict_line(struct cert *c, const char **label, enum cert_mark mark,
    enum attr attr, const char *text)
{
	static const char *utf8[] = { "\xe2\x9c\x93", "\xe2\x9c\x97", "!" };
	static const char *ascii[] = { "+", "x", "!" };
	char *s = xasprintf("%s %s", term_utf8() ? utf8[mark] : ascii[mark],
	    text);

	cert_field(c, *label, attr, s);
	*label = NULL;
	free(s);
}

/* What is good about the certificate, in words. */
static void
cert_verdict_good(struct cert *c, const char **label)
{
	const struct tls_info *t = &c->view.tls;

	if (t->trusted)
		cert_verdict_line(c, label, MARK_GOOD, AT_OK,
		    _("trusted by a certificate authority"));
	if (t->hostname_ok)
		cert_verdict_line(c, label, MARK_GOOD, AT_OK,
		    _("issued for the host name you configured"));
	if (t->config_pin == PIN_MATCH)
		cert_verdict_line(c, label, MARK_GOOD, AT_PIN,
		    _("matches your pin (tls_pin in the configuration)"));
	if (t->stored_pin == PIN_MATCH)
		cert_verdict_line(c, label, MARK_GOOD, AT_PIN,
		    _("matches your pin (the key you pinned)"));
	if (c->view.level == LEVEL_UNVERIFIED)
		cert_verdict_line(c, label, MARK_NOTE, AT_WARN,
		    _("accepted by you for this session only"));
}

/* The verdict: every problem in words, and what is fine. */
static void
cert_build_verdict(struct cert *c)
{
	const struct tls_info *t = &c->view.tls;
	const char *label = _("Verdict:");
	enum attr bad = c->view.level == LEVEL_NONE ? AT_BAD : AT_WARN;
	size_t i;

	if (t->nchain == 0)
		return;
	if (t->config_pin == PIN_MISMATCH)
		cert_verdict_line(c, &label, MARK_BAD, AT_BAD,
		    _("the key does not match tls_pin in your configuration"));
	if (t->stored_pin == PIN_MISMATCH)
		cert_verdict_line(c, &label, MARK_BAD, AT_BAD,
		    _("the key is not the one you pinned"));
	for (i = 0; i < t->nerrors; i++)
		cert_verdict_line(c, &label, MARK_BAD, bad, t->errors[i]);
	cert_verdict_good(c, &label);
}

/* Lines of text, each wrapped to a width (a column of the key compare). */
struct cert_col {
	char		**line;
	enum attr	 *attr;
	size_t		  n;
};

/* Append text to a column, wrapped to width. */
static void
cert_col_add(struct cert_col *col, int width, enum attr attr,
    const char *text)
{
	char *clean = text_sanitize(text), *p = clean;
	size_t n;

	do {
		n = text_wrap(p, width);
		col->line = xreallocarray(col->line, col->n + 1,
		    sizeof(char *));
		col->attr = xreallocarray(col->attr, col->n + 1,
		    sizeof(enum attr));
		col->line[col->n] = xstrndup(p, n);
		col->attr[col->n++] = attr;
		for (p += n; *p == ' '; p++)
			;
	} while (*p != '\0');
	free(clean);
}

/* Free a column's lines. */
static void
cert_col_clear(struct cert_col *col)
{
	size_t i;

	for (i = 0; i < col->n; i++)
		free(col->line[i]);
	free(col->line);
	free(col->attr);
}

/* The pinned side: the old pins, and where they are kept. */
static void
cert_col_pinned(struct cert *c, struct app *a, struct cert_col *col,
    int width)
{
	const struct account *acct = cert_account(c, a);
	char *path = pins_path(), *s;
	size_t i;

	cert_col_add(col, width, AT_BOLD, _("PINNED (what you trusted)"));
	if (c->view.tls.config_pin == PIN_MISMATCH && acct->tls_pin != NULL) {
		cert_col_add(col, width, AT_PIN, acct->tls_pin);
		cert_col_add(col, width, AT_DIM,
		    _("tls_pin in your configuration"));
	}
	for (i = 0; i < c->nstored; i++)
		cert_col_add(col, width, AT_PIN, c->stored[i]);
	if (c->view.tls.stored_pin == PIN_MISMATCH) {
		if (c->nstored == 0)
			cert_col_add(col, width, AT_DIM,
			    _("the pinned key cannot be read back"));
		s = xasprintf(_("kept in %s"), path);
		cert_col_add(col, width, AT_DIM, s);
		free(s);
	}
	free(path);
}

/* The presented side: the key the server shows now. */
static void
cert_col_presented(struct cert *c, struct cert_col *col, int width)
{
	const struct tls_cert *leaf = &c->view.tls.chain[0];
	char *s;

	cert_col_add(col, width, AT_BOLD, _("PRESENTED NOW (new key)"));
	cert_col_add(col, width, AT_BAD, leaf->pin ? leaf->pin : "?");
	s = xasprintf("%s %s", leaf->key, leaf->subject ? leaf->subject : "");
	cert_col_add(col, width, AT_NORMAL, s);
	free(s);
	cert_col_add(col, width, AT_NORMAL, _("SHA-256:"));
	cert_col_add(col, width, AT_NORMAL, leaf->sha256);
}

/* Two columns side by side (rows of the document). */
static void
cert_cols_beside(struct cert *c, struct cert_col *l, struct cert_col *r,
    int colw)
{
	size_t i, n = l->n > r->n ? l->n : r->n;
	int rx = 2 + colw + 3;

	for (i = 0; i < n; i++)
		cert_row(c, 2, i < l->n ? l->line[i] : "", i < l->n ?
		    l->attr[i] : AT_NORMAL, rx, i < r->n ? r->line[i] : "",
		    i < r->n ? r->attr[i] : AT_NORMAL);
}

/* One column after the other (narrow terminals). */
static void
cert_cols_stacked(struct cert *c, struct cert_col *l, struct cert_col *r)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		cert_row(c, 2, l->line[i], l->attr[i], 0, NULL, AT_NORMAL);
	cert_blank(c);
	for (i = 0; i < r->n; i++)
		cert_row(c, 2, r->line[i], r->attr[i], 0, NULL, AT_NORMAL);
}

/* A changed key: the pinned one and the presented one, compared. */
static void
cert_build_changed(struct cert *c, struct app *a)
{
	struct cert_col l = { NULL, NULL, 0 }, r = { NULL, NULL, 0 };
	int colw = (c->width - 2 - 3) / 2, beside = colw >= 56;

	if (c->view.tls.nchain == 0 ||
	    (c->view.tls.stored_pin != PIN_MISMATCH &&
	    c->view.tls.config_pin != PIN_MISMATCH))
		return;
	if (!beside)
		colw = c->width > 6 ? c->width - 4 : 2;
	cert_blank(c);
	cert_heading(c, _("The server's key changed"), AT_BAD);
	cert_col_pinned(c, a, &l, colw);
	cert_col_presented(c, &r, colw);
	if (beside)
		cert_cols_beside(c, &l, &r, colw);
	else
		cert_cols_stacked(c, &l, &r);
	cert_col_clear(&l);
	cert_col_clear(&r);
}

/* The time now as in the certificates (ISO 8601, UTC): they compare. */
static void
cert_now(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Validity: from -> to, with the days left or since it expired. */
static void
cert_build_validity(struct cert *c, const struct tls_cert *tc)
{
	const char *arrow = term_utf8() ? " \xe2\x86\x92 " : " -> ";
	char now[24], *when, *range, *s;
	enum attr attr = AT_NORMAL;

	cert_now(now, sizeof(now));
	if (tc->days_left < 0) {
		when = xasprintf(ngettext("expired %ld day ago",
		    "expired %ld days ago", -tc->days_left), -tc->days_left);
		attr = AT_BAD;
	} else if (strcmp(now, tc->not_before) < 0) {
		when = xstrdup(_("not valid yet"));
		attr = AT_BAD;
	} else {
		when = xasprintf(ngettext("%ld day left", "%ld days left",
		    tc->days_left), tc->days_left);
		if (tc->days_left < 14)
			attr = AT_WARN;
	}
	range = xasprintf("%s%s%s", tc->not_before, arrow, tc->not_after);
	s = xasprintf("%s (%s)", range, when);
	if (text_width(s) <= c->width - 2 - c->labelw)
		cert_field(c, _("Valid:"), attr, s);
	else {
		free(s);
		s = xasprintf("(%s)", when);
		cert_field(c, _("Valid:"), attr, range);
		cert_field(c, NULL, attr, s);
	}
	free(range);
	free(s);
	free(when);
}

/* The names a certificate is issued for, comma separated. */
static char *
cert_sans(const struct tls_cert *tc)
{
	char *s = xstrdup(""), *n;
	size_t i;

	if (tc->nsan == 0) {
		free(s);
		return xstrdup(_("(none)"));
	}
	for (i = 0; i < tc->nsan; i++) {
		n = xasprintf("%s%s%s", s, i ? ", " : "", tc->san[i]);
		free(s);
		s = n;
	}
	return s;
}

/* The heading of certificate i of the chain. */
static void
cert_build_title(struct cert *c, size_t i)
{
	const struct tls_cert *tc = &c->view.tls.chain[i];
	int self = tc->subject && tc->issuer &&
	    strcmp(tc->subject, tc->issuer) == 0;
	char *s;

	if (i == 0)
		s = xasprintf(_("Certificate %zu of %zu: the server's own%s"),
		    i + 1, c->view.tls.nchain, self ? _(", self-signed") : "");
	else
		s = xasprintf(_("Certificate %zu of %zu: its issuer%s"), i + 1,
		    c->view.tls.nchain, self ? _(", self-signed") : "");
	cert_blank(c);
	cert_heading(c, s, AT_BOLD);
	free(s);
}

/* Every fact about certificate i of the chain. */
static void
cert_build_one(struct cert *c, size_t i)
{
	const struct tls_cert *tc = &c->view.tls.chain[i];
	char *sans = cert_sans(tc);

	cert_build_title(c, i);
	cert_field(c, _("Subject:"), AT_NORMAL, tc->subject);
	cert_field(c, _("Names (SAN):"), AT_NORMAL, sans);
	cert_field(c, _("Issuer:"), AT_NORMAL, tc->issuer);
	cert_build_validity(c, tc);
	cert_field(c, _("Key:"), AT_NORMAL, tc->key);
	cert_field(c, _("Signature:"), AT_NORMAL, tc->signature);
	cert_field(c, _("SHA-256:"), AT_NORMAL, tc->sha256);
	cert_field(c, _("Pin:"), AT_NORMAL, tc->pin);
	free(sans);
}

/* Build the document for a width. */
static void
cert_build(struct cert *c, struct app *a, int width)
{
	size_t i;

	cert_rows_clear(c);
	c->width = width;
	c->labelw = cert_label_width();
	cert_build_session(c);
	cert_build_verdict(c);
	cert_build_changed(c, a);
	for (i = 0; i < c->view.tls.nchain; i++)
		cert_build_one(c, i);
}

/* Why this certificate cannot be pinned or accepted; NULL if it can. */
static const char *
cert_cannot(struct cert *c)
{
	const struct tls_info *t = &c->view.tls;

	if (t->nchain == 0 || t->chain[0].der_len == 0)
		return _("there is no certificate to decide on: not connected "
		    "over TLS");
	if (t->config_pin == PIN_MISMATCH)
		return _("the key does not match tls_pin: edit tls_pin in the "
		    "configuration");
	return NULL;
}

/* The key bound to an operation here, as the help shows it; or NULL. */
static char *
cert_key_for(struct app *a, enum op op)
{
	struct key_help *rows;
	size_t n, i;
	char *key = NULL;

	n = keys_help(a->keys, KC_CERT, &rows);
	for (i = 0; i < n && key == NULL; i++)
		if (rows[i].op != NULL &&
		    strcmp(rows[i].op, keys_op_name(op)) == 0)
			key = xstrdup(rows[i].key);
	keys_help_free(rows, n);
	return key;
}

/* The actions and their keys: "p: pin this key  a: accept once ..."; pin
 * and accept only when there is a certificate to decide on. */
static char *
cert_hint(struct app *a, int decide)
{
	static const struct { enum op op; const char *what; } acts[] = {
		{ OP_PIN, N_("pin this key") },
		{ OP_ACCEPT, N_("accept once") },
		{ OP_REJECT, N_("reject") },
		{ OP_NEXT_SERVICE, N_("next service") },
	};
	char *hint = xstrdup(""), *key, *n;
	size_t i;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if ((!decide && i < 2) ||
		    (key = cert_key_for(a, acts[i].op)) == NULL)
			continue;
		n = xasprintf("%s%s%s: %s", hint, *hint ? "  " : "", key,
		    _(acts[i].what));
		free(hint);
		free(key);
		hint = n;
	}
	return hint;
}

/* The fixed top: the lock, the service and where it is. */
static void
cert_draw_head(struct cert *c, struct app *a, int y)
{
	const struct url *u = cert_url(c, a);
	char *s;
	int x;

	if (u == NULL) {
		term_put(y, 0, term_cols(), AT_BAD, _("no account"));
		return;
	}
	x = app_draw_lock(y, 0, &c->view);
	s = xasprintf("%s %s:%u (%s)", service_label(c->svc), u->host,
	    u->port, transport_name(u->transport));
	term_put(y, x + 1, term_cols() - x - 1, AT_BOLD, s);
	free(s);
}

/* The alarm for a changed key, above everything else (two rows at
 * most); the rows used. */
static int
cert_draw_alarm(struct cert *c, int y)
{
	char *text, *p, *part;
	int rows = 0;
	size_t n;

	if (c->view.tls.nchain == 0 ||
	    (c->view.tls.stored_pin != PIN_MISMATCH &&
	    c->view.tls.config_pin != PIN_MISMATCH))
		return 0;
	text = text_sanitize(_("!! THE SERVER'S KEY HAS CHANGED since you "
	    "pinned it: someone may be intercepting the connection. Compare "
	    "the keys below."));
	for (p = text; *p != '\0' && rows < 2; rows++) {
		n = text_wrap(p, term_cols());
		part = xstrndup(p, n);
		term_put(y + rows, 0, term_cols(), AT_BAD, part);
		free(part);
		for (p += n; *p == ' '; p++)
			;
	}
	free(text);
	return rows;
}

/* Draw one row of the document. */
static void
cert_draw_row(const struct cert_row *r, int y)
{
	int cols = term_cols();

	if (r->label != NULL)
		term_put(y, r->lx, (r->text ? r->x - 1 : cols) - r->lx,
		    r->lattr, r->label);
	if (r->text != NULL)
		term_put(y, r->x, cols - r->x, r->attr, r->text);
}

/* Keep the first body row within the document. */
static void
cert_clamp(struct cert *c)
{
	int max = (int)c->nrows - c->body;

	if (c->top > max)
		c->top = max;
	if (c->top < 0)
		c->top = 0;
}

/* Draw: the lock line, the alarm, the document, the actions. */
static void
cert_draw(struct screen *s, int top, int rows)
{
	struct cert *c = s->data;
	char *hint;
	int y = top, i;

	if (c->width != term_cols())
		cert_build(c, s->app, term_cols());
	cert_draw_head(c, s->app, y++);
	y += cert_draw_alarm(c, y);
	c->body = top + rows - 1 - y;
	cert_clamp(c);
	for (i = 0; i < c->body && (size_t)(c->top + i) < c->nrows; i++)
		cert_draw_row(&c->rows[c->top + i], y + i);
	hint = cert_hint(s->app, cert_cannot(c) == NULL);
	if (rows > 2)
		term_put(top + rows - 1, 0, term_cols(), AT_DIM, hint);
	free(hint);
}

/* The pin was typed: store the key and reconnect. */
static void
cert_pin_confirmed(struct app *a, void *arg)
{
	struct screen *s = arg;
	struct cert *c = s->data;
	const struct url *u = cert_url(c, a);
	char *err = NULL;

	if (pins_store(u->host, u->port, c->pin_der, c->pin_der_len,
	    &err) == -1) {
		app_message(a, 1, "%s", err);
		free(err);
		return;
	}
	app_message(a, 0, _("pinned the key of %s:%u; reconnecting"), u->host,
	    u->port);
	worker_connect(a->workers[c->account]);
}

/* p: pin the server's key, after the host name is typed. */
static int
cert_op_pin(struct screen *s)
{
	struct cert *c = s->data;
	const struct url *u = cert_url(c, s->app);
	const struct tls_cert *leaf;
	const char *why = cert_cannot(c);
	char *text;

	if (why != NULL) {
		app_message(s->app, 1, "%s", why);
		return 1;
	}
	leaf = &c->view.tls.chain[0];
	free(c->pin_der);
	free(c->pin_pin);
	c->pin_der = xmalloc(leaf->der_len);
	memcpy(c->pin_der, leaf->der, leaf->der_len);
	c->pin_der_len = leaf->der_len;
	c->pin_pin = xstrdup(leaf->pin ? leaf->pin : "");
	/* TRANSLATORS: %1$s:%2$u is host:port, %3$s the key's pin-sha256. */
	text = xasprintf(_("Pin the key of %1$s:%2$u? From now on starling "
	    "trusts this key for %1$s:%2$u even without a certificate "
	    "authority, and raises an alarm if it ever changes. Key: %3$s. "
	    "Compare it with what the server's administrator gave you, then "
	    "type the host name %1$s to confirm."), u->host, u->port,
	    c->pin_pin);
	app_push(s->app, dlg_confirm_new(s->app, text, u->host,
	    cert_pin_confirmed, s));
	free(text);
	return 1;
}

/* a: accept this certificate for this session, and reconnect. */
static int
cert_op_accept(struct screen *s)
{
	struct cert *c = s->data;
	const char *why = cert_cannot(c);

	if (why == NULL && c->view.tls.stored_pin == PIN_MISMATCH)
		why = _("a changed key cannot be accepted once; pin the new "
		    "key if it is right");
	if (why == NULL && (c->view.level == LEVEL_VERIFIED ||
	    c->view.level == LEVEL_PINNED))
		why = _("this certificate is already trusted");
	if (why != NULL) {
		app_message(s->app, 1, "%s", why);
		return 1;
	}
	worker_accept_cert(s->app->workers[c->account], c->svc,
	    c->view.tls.chain[0].sha256);
	worker_connect(s->app->workers[c->account]);
	app_message(s->app, 0, "%s", _("accepted for this session; "
	    "reconnecting"));
	return 1;
}

/* r: reject: nothing is trusted, leave the screen. */
static int
cert_op_reject(struct screen *s)
{
	app_message(s->app, 0, "%s", _("rejected: the certificate is not "
	    "trusted"));
	app_pop(s->app);
	return 1;
}

/* Tab: the next configured service of the account. */
static int
cert_op_next(struct screen *s)
{
	struct cert *c = s->data;

	if (cert_account(c, s->app) == NULL)
		return 1;
	c->svc = config_next_service(cert_account(c, s->app), c->svc);
	c->top = 0;
	cert_refresh(c, s->app);
	return 1;
}

static const struct {
	enum op	  op;
	int	(*fn)(struct screen *);
} cert_ops_table[] = {
	{ OP_PIN, cert_op_pin },
	{ OP_ACCEPT, cert_op_accept },
	{ OP_REJECT, cert_op_reject },
	{ OP_NEXT_SERVICE, cert_op_next },
};

/* An operation: an action from the table, else scrolling. */
static int
cert_op(struct screen *s, enum op op)
{
	struct cert *c = s->data;
	int count = (int)c->nrows - c->body + 1, dummy = 0;
	size_t i;

	for (i = 0; i < sizeof(cert_ops_table) / sizeof(cert_ops_table[0]); i++)
		if (cert_ops_table[i].op == op)
			return cert_ops_table[i].fn(s);
	return list_move(&c->top, &dummy, count > 1 ? count : 1, 0, op);
}

/* A worker event: a new state of this account's services. */
static void
cert_event(struct screen *s, const struct event *ev)
{
	struct cert *c = s->data;

	if (ev->type == EV_SERVICE && ev->account == c->account) {
		cert_refresh(c, s->app);
		app_dirty(s->app);
	}
}

/* "certificate: work IMAP localhost:993". */
static char *
cert_title(struct screen *s)
{
	struct cert *c = s->data;
	const struct url *u = cert_url(c, s->app);

	if (u == NULL)
		return xstrdup(_("certificate"));
	return xasprintf(_("certificate: %s %s %s:%u"),
	    cert_account(c, s->app)->name, service_label(c->svc), u->host,
	    u->port);
}

/* Free the screen. */
static void
cert_free(struct screen *s)
{
	struct cert *c = s->data;

	svc_view_clear(&c->view);
	cert_stored_clear(c);
	cert_rows_clear(c);
	free(c->pin_der);
	free(c->pin_pin);
	free(c);
	free(s);
}

static const struct screen_ops cert_ops = {
	.name = "certificate",
	.ctx = KC_CERT,
	.draw = cert_draw,
	.op = cert_op,
	.event = cert_event,
	.title = cert_title,
	.free = cert_free,
};

/* The certificate screen for a service of an account (the first
 * configured one if that service is not). */
struct screen *
scr_cert_new(struct app *a, int account, enum service svc)
{
	const struct account *acct = app_account(a, account);
	struct cert *c = xcalloc(1, sizeof(*c));

	c->account = account;
	c->svc = svc;
	if (acct != NULL && acct->url[svc] == NULL)
		c->svc = config_next_service(acct, svc);
	cert_refresh(c, a);
	return screen_new(&cert_ops, a, c);
}
