/* app.c: the screen stack, the one redraw pass, and the event loop. */
#include "build-config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "screen.h"
#include "submit.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

/* A new screen with its callbacks and data. */
struct screen *
screen_new(const struct screen_ops *ops, struct app *a, void *data)
{
	struct screen *s = xcalloc(1, sizeof(*s));

	s->ops = ops;
	s->app = a;
	s->data = data;
	return s;
}

/* Show a screen on top of the others. */
void
app_push(struct app *a, struct screen *s)
{
	if (a->depth == APP_MAX_SCREENS) {
		s->ops->free(s);
		app_message(a, 1, "%s", _("too many screens open"));
		return;
	}
	a->stack[a->depth++] = s;
	app_dirty(a);
}

/* Close the top screen. */
void
app_pop(struct app *a)
{
	struct screen *s;

	if (a->depth == 0)
		return;
	s = a->stack[--a->depth];
	s->ops->free(s);
	app_dirty(a);
}

/* Ask for a redraw. */
void
app_dirty(struct app *a)
{
	a->dirty = 1;
}

/* Show a one-line message (bad: an error) until the next key. */
void
app_message(struct app *a, int bad, const char *fmt, ...)
{
	va_list ap;

	free(a->message);
	va_start(ap, fmt);
	a->message = xvasprintf(fmt, ap);
	va_end(ap);
	a->message_bad = bad;
	app_dirty(a);
}

/* The account at index i, or NULL. */
const struct account *
app_account(struct app *a, int i)
{
	if (i < 0 || (size_t)i >= a->naccounts)
		return NULL;
	return a->cfg->accounts[i];
}

/* The attribute that goes with a level. */
enum attr
app_level_attr(enum level l)
{
	switch (l) {
	case LEVEL_VERIFIED:
		return AT_OK;
	case LEVEL_PINNED:
		return AT_PIN;
	case LEVEL_UNVERIFIED:
		return AT_WARN;
	case LEVEL_PLAINTEXT:
		return AT_BAD;
	case LEVEL_NONE:
		break;
	}
	return AT_DIM;
}

/* Draw a lock tag such as "[TLS]"; the columns used. */
int
app_draw_lock(int y, int x, const struct svc_view *v)
{
	char tag[16];

	snprintf(tag, sizeof(tag), "[%s]", level_tag(v->level));
	return term_put(y, x, 7, app_level_attr(v->level), tag);
}

/* "TLS1.3 · TLS_AES_256_GCM_SHA384 · verified localhost" and friends. */
char *
app_session_summary(const struct svc_view *v, const char *host)
{
	const char *dot = term_utf8() ? " \xc2\xb7 " : " - ";

	if (v->level == LEVEL_NONE)
		return xstrdup(v->error ? v->error : _("not connected"));
	if (v->level == LEVEL_PLAINTEXT)
		return xasprintf(_("NOT ENCRYPTED%s%s"), dot, host);
	return xasprintf("%s%s%s%s%s %s", v->tls.version, dot, v->tls.cipher,
	    dot, level_name(v->level), host);
}

/* The outbox count at the right of the status line, when not empty. */
static void
app_status_outbox(struct app *a, int y)
{
	size_t n = a->outbox ? a->outbox[a->account] : 0;
	char *tag;
	int w;

	if (n == 0)
		return;
	/* TRANSLATORS: on the status line; F is the key that sends them. */
	tag = xasprintf(ngettext(" outbox: %zu (S: send) ",
	    " outbox: %zu (S: send) ", n), n);
	w = text_width(tag);
	if (w < term_cols())
		term_put(y, term_cols() - w, w, AT_WARN, tag);
	free(tag);
}

/* The status line: the current account's IMAP (else first) service. */
void
app_status_line(struct app *a, int y)
{
	const struct account *acct = app_account(a, a->account);
	struct svc_view v;
	enum service svc;
	char *sum, *line;
	int x;

	term_fill(y, AT_BAR);
	if (acct == NULL)
		return;
	for (svc = 0; svc < SERVICE_COUNT && acct->url[svc] == NULL; svc++)
		;
	if (svc == SERVICE_COUNT)
		return;
	worker_snapshot(a->workers[a->account], svc, &v, 0);
	x = app_draw_lock(y, 0, &v);
	sum = app_session_summary(&v, acct->url[svc]->host);
	line = xasprintf(" %s %s %s: %s", acct->name, service_label(svc),
	    transport_name(acct->url[svc]->transport), sum);
	term_put(y, x, term_cols() - x, AT_BAR, line);
	free(line);
	free(sum);
	svc_view_clear(&v);
	app_status_outbox(a, y);
}

/* The title bar: the top screen's title and the help hint. */
static void
app_title(struct app *a)
{
	struct screen *s = a->stack[a->depth - 1];
	char *t = s->ops->title ? s->ops->title(s) : xstrdup(s->ops->name);
	char *line = xasprintf("starling: %s", t);
	/* Dialogs take every key: q is text there, Esc leaves. */
	const char *hint = s->ops->key != NULL && s->ops->ctx == KC_GLOBAL ?
	    _("Esc: cancel") : _("?: help  q: back");

	term_fill(0, AT_BAR);
	term_put(0, 0, term_cols(), AT_BAR, line);
	if (term_cols() > text_width(line) + text_width(hint) + 2)
		term_put(0, term_cols() - text_width(hint), text_width(hint),
		    AT_BAR, hint);
	free(line);
	free(t);
}

/* The one redraw pass. */
static void
app_draw(struct app *a)
{
	struct screen *s;
	int rows = term_rows();

	a->dirty = 0;
	term_erase();
	term_cursor(0, 0, 0);
	if (a->depth == 0 || rows < 4)
		goto out;
	app_title(a);
	s = a->stack[a->depth - 1];
	s->ops->draw(s, 1, rows - 3);
	app_status_line(a, rows - 2);
	if (a->message != NULL)
		term_put(rows - 1, 0, term_cols(), a->message_bad ? AT_BAD :
		    AT_NORMAL, a->message);
out:
	term_flush();
}

/* The guide, with the Authentication-Results of the message open in the
 * pager (the nearest pager on the stack), if any. */
static void
app_open_guide(struct app *a)
{
	const char *ar = NULL;
	int i, open = 0;

	for (i = a->depth - 1; i >= 0 && !open; i--)
		open = scr_pager_auth_results(a->stack[i], &ar);
	app_push(a, scr_guide_new(a, a->account, open, ar));
}

/* Count the messages in an account's outbox again. */
void
app_outbox_refresh(struct app *a, int account)
{
	char *err = NULL;
	size_t n = 0;

	if (a->outbox == NULL || app_account(a, account) == NULL)
		return;
	if (outbox_count(app_account(a, account), &n, &err) != ST_OK) {
		free(err);
		return;
	}
	a->outbox[account] = n;
	app_dirty(a);
}

/* S: try the current account's outbox again. */
static void
app_flush(struct app *a)
{
	const struct account *acct = app_account(a, a->account);

	app_outbox_refresh(a, a->account);
	if (acct == NULL || a->outbox == NULL || a->outbox[a->account] == 0) {
		app_message(a, 0, _("the outbox of %s is empty"),
		    acct ? acct->name : "?");
		return;
	}
	worker_flush(a->workers[a->account]);
	app_message(a, 0, "%s", _("sending the messages in the outbox…"));
}

/* What became of a message sent or of the outbox tried again. */
static void
app_submitted(struct app *a, const struct event *ev)
{
	const char *why = ev->text ? ev->text : _("unknown error");

	app_outbox_refresh(a, ev->account);
	if (ev->type == EV_SENT && ev->status == ST_OK)
		app_message(a, ev->warning != NULL, "%s",
		    _("The message was sent."));
	else if (ev->type == EV_SENT)
		app_message(a, 1, ev->queued ? _("Not sent, kept in the "
		    "outbox (S: try again): %s") : _("Not sent: %s"), why);
	else if (ev->status == ST_OK && ev->nleft == 0)
		app_message(a, 0, ngettext("Sent %zu message from the outbox.",
		    "Sent %zu messages from the outbox.", ev->nsent),
		    ev->nsent);
	else if (ev->status == ST_OK)
		app_message(a, 1, ngettext("Sent %zu, %zu message is still in "
		    "the outbox.", "Sent %zu, %zu messages are still in the "
		    "outbox.", ev->nleft), ev->nsent, ev->nleft);
	else
		app_message(a, 1, ngettext("Sent %zu, %zu message is still in "
		    "the outbox: %s", "Sent %zu, %zu messages are still in the "
		    "outbox: %s", ev->nleft), ev->nsent, ev->nleft, why);
}

/* Download the current account's POP3 mail (on its worker). */
static void
app_fetch(struct app *a)
{
	const struct account *acct = app_account(a, a->account);

	if (acct == NULL)
		return;
	if (acct->url[SERVICE_POP3] == NULL) {
		app_message(a, 1, _("%s has no POP3 server: add pop3 = "
		    "pop3s://HOST and maildir = DIR to its section to fetch "
		    "mail"), acct->name);
		return;
	}
	worker_fetch(a->workers[a->account]);
	app_message(a, 0, _("%s: fetching mail over POP3…"), acct->name);
}

/* Operations every screen shares, when the screen did not take them. */
static void
app_global_op(struct app *a, enum op op)
{
	struct screen *top = a->stack[a->depth - 1];

	switch (op) {
	case OP_QUIT:
		a->quit = 1;
		break;
	case OP_BACK:
		if (a->depth > 1)
			app_pop(a);
		else
			a->quit = 1;
		break;
	case OP_HELP:
		if (top->ops->ctx != KC_HELP)
			app_push(a, scr_help_new(a, top->ops->ctx));
		break;
	case OP_CERT:
		app_push(a, scr_cert_new(a, a->account, SERVICE_IMAP));
		break;
	case OP_TRANSCRIPT:
		app_push(a, scr_transcript_new(a, a->account, SERVICE_IMAP));
		break;
	case OP_GUIDE:
		if (top->ops->ctx != KC_GUIDE)
			app_open_guide(a);
		break;
	case OP_CONNECT:
		worker_connect(a->workers[a->account]);
		app_message(a, 0, "%s", _("connecting..."));
		break;
	case OP_FETCH:
		app_fetch(a);
		break;
	case OP_CANCEL:
		worker_cancel(a->workers[a->account]);
		app_message(a, 0, "%s", _("cancelled"));
		break;
	case OP_REDRAW:
		term_erase();
		app_dirty(a);
		break;
	case OP_COMPOSE:
		compose_new(a, a->account);
		break;
	case OP_FLUSH:
		app_flush(a);
		break;
	default:
		break;
	}
}

/* One key: the top screen's raw handler, else its operation table. */
static void
app_key(struct app *a, int key)
{
	struct screen *s = a->stack[a->depth - 1];
	enum op op;

	if (key == K_RESIZE) {
		app_dirty(a);
		return;
	}
	if (a->message != NULL) {
		free(a->message);
		a->message = NULL;
		app_dirty(a);
	}
	if (s->ops->key != NULL && s->ops->key(s, key)) {
		app_dirty(a);
		return;
	}
	op = keys_lookup(a->keys, s->ops->ctx, key);
	if (op == OP_NONE)
		return;
	if (!s->ops->op(s, op))
		app_global_op(a, op);
	app_dirty(a);
}

/* One worker event: every screen sees it, then the global handling. */
static void
app_event(struct app *a, const struct event *ev)
{
	int i;

	for (i = a->depth - 1; i >= 0; i--)
		if (a->stack[i]->ops->event != NULL)
			a->stack[i]->ops->event(a->stack[i], ev);
	switch (ev->type) {
	case EV_NEED_PASSWORD:
		app_push(a, dlg_password_new(a, ev->account, ev->text));
		break;
	case EV_ERROR:
		app_message(a, 1, "%s", ev->text ? ev->text : _("error"));
		break;
	case EV_PROGRESS:	/* a notice; bad when it has a status */
		app_message(a, ev->status != ST_OK, "%s", ev->text ? ev->text :
		    "");
		break;
	case EV_SENT:
	case EV_FLUSHED:
		app_submitted(a, ev);
		break;
	case EV_CHANGES:	/* "2 new messages in INBOX" */
	case EV_ACTION:		/* "Moved the message to Archive." */
		if (ev->text != NULL)
			app_message(a, 0, "%s", ev->text);
		break;
	case EV_FETCHED:
		app_message(a, ev->status != ST_OK, "%s", ev->text ? ev->text :
		    "");
		break;
	default:
		break;
	}
	app_dirty(a);
}

/* Drain the wake-up pipe and every worker's events. */
static void
app_drain(struct app *a)
{
	struct event *ev;
	char buf[64];
	size_t i;

	while (read(a->wake[0], buf, sizeof(buf)) > 0)
		;
	for (i = 0; i < a->naccounts; i++)
		while ((ev = worker_next_event(a->workers[i])) != NULL) {
			app_event(a, ev);
			event_free(ev);
		}
}

/* Wait for a key or an event; handle them. */
static void
app_wait(struct app *a)
{
	struct pollfd pfd[2] = { { 0, POLLIN, 0 }, { a->wake[0], POLLIN, 0 } };
	int key;

	if (poll(pfd, 2, 1000) == -1 && errno != EINTR)
		fatalx("poll: %s", strerror(errno));
	if (pfd[1].revents & POLLIN)
		app_drain(a);
	/* curses may hold keys already read; a resize arrives as a key. */
	while (!a->quit && (key = term_key(0)) != -1)
		app_key(a, key);
}

/* Run the UI until the user quits; the exit status. */
int
app_run(struct app *a)
{
	term_init();
	a->dirty = 1;
	while (!a->quit && a->depth > 0) {
		if (a->dirty)
			app_draw(a);
		app_wait(a);
	}
	term_end();
	return 0;
}

/* Is the account's IMAP down (neither ready nor connecting)? */
int
app_imap_down(struct app *a, int account)
{
	const struct account *acct = app_account(a, account);
	enum conn_state st;

	/* Without IMAP there is nothing to wait for (the local folder). */
	if (acct == NULL || acct->url[SERVICE_IMAP] == NULL)
		return 0;
	st = worker_state(a->workers[account], SERVICE_IMAP);
	return st != CONN_READY && st != CONN_BUSY;
}

/*
 * Track IMAP going down and coming back for a screen that waits on it:
 * 1 when it is ready again after being down (not after a plain failure,
 * which would only fail again).
 */
int
app_imap_back(struct app *a, int account, int *lost)
{
	if (app_imap_down(a, account)) {
		*lost = 1;
		return 0;
	}
	if (!*lost ||
	    worker_state(a->workers[account], SERVICE_IMAP) != CONN_READY)
		return 0;
	*lost = 0;
	return 1;
}

/* Move a list cursor for a navigation operation; 1 if it was one. */
int
list_move(int *cursor, int *top, int count, int rows, enum op op)
{
	int c = *cursor;

	switch (op) {
	case OP_UP: c--; break;
	case OP_DOWN: c++; break;
	case OP_PAGE_UP: c -= rows > 1 ? rows - 1 : 1; break;
	case OP_PAGE_DOWN: c += rows > 1 ? rows - 1 : 1; break;
	case OP_TOP: c = 0; break;
	case OP_BOTTOM: c = count - 1; break;
	default: return 0;
	}
	if (c >= count)
		c = count - 1;
	if (c < 0)
		c = 0;
	*cursor = c;
	if (*cursor < *top)
		*top = *cursor;
	if (rows > 0 && *cursor >= *top + rows)
		*top = *cursor - rows + 1;
	return 1;
}
