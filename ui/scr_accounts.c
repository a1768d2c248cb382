/* scr_accounts.c: the home screen: one row per account, a lock per
 * service, and the way into the override dialog. */
#include "build-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

struct accounts {
	int	cursor;
	int	top;
};

/* "12 unseen", "connecting…", the reason a service is refused, ... */
static char *
accounts_state_text(const struct svc_view *v, enum service svc)
{
	switch (v->state) {
	case CONN_IDLE:
		return xstrdup(_("not connected"));
	case CONN_BUSY:
		return xstrdup(_("connecting..."));
	case CONN_READY:
		if (svc == SERVICE_IMAP)
			return xasprintf(ngettext("%u unseen", "%u unseen",
			    v->unseen), v->unseen);
		/* POP3: what waits unread in the local Maildir. */
		if (svc == SERVICE_POP3 && v->unseen > 0)
			return xasprintf(ngettext("secured, %u unseen",
			    "secured, %u unseen", v->unseen), v->unseen);
		return xstrdup(_("secured"));
	case CONN_REFUSED:
		return xstrdup(v->status == ST_TLS_FAILED ?
		    _("refused: certificate (press i)") :
		    _("refused: not encrypted (press Enter)"));
	case CONN_FAILED:
		break;
	}
	return xstrdup(v->status == ST_TLS_FAILED ?
	    _("failed: certificate (press i)") : _("failed (press c)"));
}

/* One service's lock, transport and state, e.g. "IMAP [TLS] starttls". */
static int
accounts_draw_service(struct app *a, int idx, enum service svc, int y, int x)
{
	struct svc_view v;
	char *state, *cell;
	int used;

	worker_snapshot(a->workers[idx], svc, &v, 0);
	if (!v.configured) {
		svc_view_clear(&v);
		return 0;
	}
	used = term_put(y, x, 5, AT_NORMAL, service_label(svc));
	used += 1 + app_draw_lock(y, x + used + 1, &v);
	state = accounts_state_text(&v, svc);
	cell = xasprintf("%s, %s", transport_name(v.transport), state);
	used += 1 + term_put(y, x + used + 1, term_cols() - x - used - 1,
	    v.state == CONN_REFUSED ||
	    v.state == CONN_FAILED ? AT_BAD : AT_NORMAL, cell);
	free(cell);
	free(state);
	svc_view_clear(&v);
	return used + 3;
}

/* Draw the rows. */
static void
accounts_draw(struct screen *s, int top, int rows)
{
	struct accounts *d = s->data;
	struct app *a = s->app;
	enum service svc;
	int i, y, x;

	for (i = d->top; (size_t)i < a->naccounts && i - d->top < rows; i++) {
		y = top + i - d->top;
		if (i == d->cursor)
			term_fill(y, AT_REVERSE);
		x = term_put(y, 0, 16, i == d->cursor ? AT_REVERSE : AT_BOLD,
		    a->cfg->accounts[i]->name) + 2;
		if (x < 18)
			x = 18;
		for (svc = 0; svc < SERVICE_COUNT; svc++)
			x += accounts_draw_service(a, i, svc, y, x);
	}
}

/* The title. */
static char *
accounts_title(struct screen *s)
{
	return xstrdup(_("accounts"));
}

/* After the typed confirmation: allow plaintext for this session. */
static void
accounts_override(struct app *a, void *arg)
{
	int idx = (int)(intptr_t)arg;

	worker_allow_plaintext(a->workers[idx]);
	worker_connect(a->workers[idx]);
	app_message(a, 1, _("%s: plaintext allowed for this session only"),
	    app_account(a, idx)->name);
}

/* Explain what would be exposed and ask for the account's name. */
static void
accounts_ask_override(struct app *a, int idx)
{
	const struct account *acct = app_account(a, idx);
	const struct url *u = acct->url[SERVICE_IMAP];
	char *text;

	text = xasprintf(_("The IMAP connection to %s port %u is NOT "
	    "encrypted. If you go on, your user name, your password and "
	    "every message you read travel in the clear: anyone on the path "
	    "(this network, its operators, your provider, an attacker in "
	    "between) can read them and reuse your password. This lasts for "
	    "this session only. To go on anyway, type the account's name "
	    "(%s) and press Enter; Esc cancels."), u->host, u->port,
	    acct->name);
	app_push(a, dlg_confirm_new(a, text, acct->name, accounts_override,
	    (void *)(intptr_t)idx));
	free(text);
}

/* Enter: open the folders, connect, or offer the override. */
static void
accounts_select(struct app *a, int idx)
{
	struct svc_view v;

	a->account = idx;
	worker_snapshot(a->workers[idx], SERVICE_IMAP, &v, 0);
	if (!v.configured && app_account(a, idx)->maildir != NULL)
		app_push(a, scr_folders_new(a, idx));
	else if (!v.configured)
		app_message(a, 1, "%s", _("this account has no IMAP server"));
	else if (v.state == CONN_READY)
		app_push(a, scr_folders_new(a, idx));
	else if (v.state == CONN_REFUSED && v.status == ST_NOT_ENCRYPTED &&
	    v.level == LEVEL_PLAINTEXT)
		accounts_ask_override(a, idx);
	else if (v.state == CONN_REFUSED || (v.state == CONN_FAILED &&
	    v.status == ST_TLS_FAILED))
		app_push(a, scr_cert_new(a, idx, SERVICE_IMAP));
	else if (v.state != CONN_BUSY)
		worker_connect(a->workers[idx]);
	svc_view_clear(&v);
}

/* Handle an operation. */
static int
accounts_op(struct screen *s, enum op op)
{
	struct accounts *d = s->data;
	struct app *a = s->app;

	if (list_move(&d->cursor, &d->top, (int)a->naccounts,
	    term_rows() - 3, op)) {
		a->account = d->cursor;
		return 1;
	}
	switch (op) {
	case OP_SELECT:
		accounts_select(a, d->cursor);
		return 1;
	case OP_CONNECT:
		a->account = d->cursor;
		worker_connect(a->workers[d->cursor]);
		return 1;
	default:
		return 0;
	}
}

/* A service changed: show why it failed. */
static void
accounts_event(struct screen *s, const struct event *ev)
{
	struct svc_view v;

	if (ev->type != EV_SERVICE)
		return;
	worker_snapshot(s->app->workers[ev->account], ev->service, &v, 0);
	if ((v.state == CONN_FAILED || v.state == CONN_REFUSED) &&
	    v.error != NULL)
		app_message(s->app, 1, "%s", v.error);
	svc_view_clear(&v);
}

/* Free the screen. */
static void
accounts_free(struct screen *s)
{
	free(s->data);
	free(s);
}

static const struct screen_ops accounts_ops = {
	.name = "accounts",
	.ctx = KC_ACCOUNTS,
	.draw = accounts_draw,
	.op = accounts_op,
	.event = accounts_event,
	.title = accounts_title,
	.free = accounts_free,
};

/* The accounts screen. */
struct screen *
scr_accounts_new(struct app *a)
{
	return screen_new(&accounts_ops, a, xcalloc(1, sizeof(struct accounts)));
}
