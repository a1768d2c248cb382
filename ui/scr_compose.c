/* scr_compose.c: writing mail. The user's editor first, then the
 * confirmation screen: who gets the message, what is attached, and
 * exactly how it will travel (the SMTP lock, transport and server, probed
 * by the account's worker while the user writes) before anything is
 * sent. Sending, postponing and the probe run on the worker; the result
 * is shown here. */
#include "build-config.h"

#include <sys/stat.h>

#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draft.h"
#include "editor.h"
#include "i18n.h"
#include "message.h"
#include "screen.h"
#include "submit.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

#define CP_PREVIEW_MIN	3	/* body lines worth a preview */
#define CP_ADDR_LINES	3	/* lines a To, Cc or Bcc value may take */

enum cp_state {
	CP_ASK_FORWARD,		/* forward inline or as an attachment? */
	CP_LOADING,		/* waiting for the message replied to */
	CP_CONFIRM,		/* the confirmation screen */
	CP_SENDING,		/* the worker submits it */
	CP_POSTPONING,		/* the worker keeps it as a draft */
	CP_DONE,		/* the result is shown */
	CP_FAILED,		/* the message replied to did not load */
};

enum cp_ask {
	CP_ASK_NONE,
	CP_ASK_ABORT,		/* q: abort the message? */
	CP_ASK_EXIT,		/* the editor failed: abort? */
	CP_ASK_UNCHANGED,	/* a new message left as it was: abort? */
};

struct compose {
	int			 account;
	uint32_t		 job;		/* matches the worker's events */
	enum op			 kind;		/* OP_COMPOSE, OP_REPLY, ... */
	char			*folder;	/* of the message replied to */
	uint32_t		 seq;
	enum draft_forward	 fwd;
	enum cp_state		 state;
	enum cp_ask		 ask;
	int			 editor_status;
	int			 edited;	/* the editor ran once */
	char			*text;		/* as the user left it */
	size_t			 textlen;
	struct draft		 d;
	char			**types;	/* of d.attach, by libmagic */
	size_t			 ntypes;
	char			*error;		/* the draft's problem */
	char			*send_error;	/* the last try failed */
	int			 route_done;
	struct submit_route	 route;
	char			*route_error;
	char			*result;	/* CP_DONE, CP_FAILED */
	int			 result_bad;
};

static const struct screen_ops cp_ops;

/* Replace a string field (takes v; NULL clears it). */
static void
cp_set(char **field, char *v)
{
	free(*field);
	*field = v;
}

/* Keep the editable text. */
static void
cp_set_text(struct compose *cp, char *text, size_t len)
{
	free(cp->text);
	cp->text = text;
	cp->textlen = len;
}

/* Forget the attachments' types. */
static void
cp_types_clear(struct compose *cp)
{
	size_t i;

	for (i = 0; i < cp->ntypes; i++)
		free(cp->types[i]);
	free(cp->types);
	cp->types = NULL;
	cp->ntypes = 0;
}

/* The type of each attachment, as libmagic names it (the send engine
 * asks libmagic too), looked up once per change. */
static void
cp_types(struct compose *cp)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_SYMLINK);
	const char *t;
	size_t i;

	cp_types_clear(cp);
	if (m != NULL && magic_load(m, NULL) != 0) {
		magic_close(m);
		m = NULL;
	}
	cp->types = xcalloc(cp->d.nattach + 1, sizeof(*cp->types));
	for (i = 0; i < cp->d.nattach; i++) {
		t = m ? magic_file(m, cp->d.attach[i]) : NULL;
		cp->types[i] = xstrdup(t ? t : "application/octet-stream");
	}
	cp->ntypes = cp->d.nattach;
	if (m != NULL)
		magic_close(m);
}

/* --------------------------------------------------------------- flow */

/* Close the screen: the message is given up (or done). */
static void
cp_close(struct screen *s, const char *why)
{
	struct app *a = s->app;

	if (why != NULL)
		app_message(a, 0, "%s", why);
	app_pop(a);
}

/* Read the edited text back; its problem, if any, is shown. */
static void
cp_parse(struct compose *cp)
{
	char *err = NULL;

	cp_set(&cp->error, NULL);
	cp_set(&cp->send_error, NULL);
	if (draft_parse(cp->text, cp->textlen, &cp->d, &err) != ST_OK)
		cp->error = err;
	else
		cp_types(cp);
	cp->state = CP_CONFIRM;
}

/* Run the editor on the text, then read it back (or ask first). */
static void
cp_edit(struct screen *s)
{
	struct compose *cp = s->data;
	char *out = NULL, *err = NULL;
	size_t outlen = 0;
	int changed;

	cp->state = CP_CONFIRM;
	if (editor_run(s->app->cfg, cp->text, cp->textlen, &out, &outlen,
	    &cp->editor_status, &err) != ST_OK) {
		cp_set(&cp->error, err);
		app_dirty(s->app);
		return;
	}
	changed = outlen != cp->textlen || memcmp(out, cp->text, outlen);
	cp_set_text(cp, out, outlen);
	if (cp->editor_status != 0)
		cp->ask = CP_ASK_EXIT;
	else if (!changed && !cp->edited && cp->kind == OP_COMPOSE)
		cp->ask = CP_ASK_UNCHANGED;
	else
		cp_parse(cp);
	cp->edited = 1;
	term_erase();
	app_dirty(s->app);
}

/* The message replied to or forwarded arrived: make the draft, edit. */
static void
cp_loaded(struct screen *s, const struct event *ev)
{
	struct compose *cp = s->data;
	const struct account *acct = app_account(s->app, cp->account);
	struct draft_parent p;
	char *err = NULL, *text;

	if (draft_parent_parse(ev->raw, ev->rawlen, ev->msg.body, &p, &err) !=
	    ST_OK) {
		cp->state = CP_FAILED;
		cp_set(&cp->result, err);
		return;
	}
	draft_clear(&cp->d);
	if (cp->kind == OP_FORWARD)
		draft_forward(&p, acct, cp->fwd, &cp->d);
	else
		draft_reply(&p, acct, cp->kind == OP_REPLY_ALL, &cp->d);
	draft_parent_clear(&p);
	text = draft_text(&cp->d);
	cp_set_text(cp, text, strlen(text));
	cp_edit(s);
}

/* Build the message as it goes on the wire; NULL on a problem (shown). */
static char *
cp_build(struct screen *s, size_t *len, struct envelope_out *env)
{
	struct compose *cp = s->data;
	int eightbit = cp->route_done && cp->route.status == ST_OK &&
	    cp->route.eightbit;
	char *msg = NULL, *err = NULL;

	memset(env, 0, sizeof(*env));
	if (cp->error != NULL) {
		app_message(s->app, 1, "%s", _("the message has a problem: "
		    "press e to edit it"));
		return NULL;
	}
	if (message_build(&cp->d, app_account(s->app, cp->account), eightbit,
	    &msg, len, env, &err) != ST_OK) {
		cp_set(&cp->error, err);
		return NULL;
	}
	return msg;
}

/* y: hand the message to the worker. */
static void
cp_send(struct screen *s)
{
	struct compose *cp = s->data;
	struct envelope_out env;
	char *msg;
	size_t len;

	if ((msg = cp_build(s, &len, &env)) == NULL)
		return;
	cp_set(&cp->send_error, NULL);
	worker_send(s->app->workers[cp->account], cp->job, msg, len, &env);
	cp->state = CP_SENDING;
}

/* p: keep the message as a draft, to finish later. */
static void
cp_postpone(struct screen *s)
{
	struct compose *cp = s->data;
	struct envelope_out env;
	char *msg;
	size_t len;

	if ((msg = cp_build(s, &len, &env)) == NULL)
		return;
	envelope_out_clear(&env);
	cp_set(&cp->send_error, NULL);
	worker_postpone(s->app->workers[cp->account], cp->job, msg, len);
	cp->state = CP_POSTPONING;
}

/* The path typed for a: attach it if it can be read. */
static void
cp_attach_done(struct app *a, void *arg, const char *path)
{
	struct compose *cp = arg;
	char *err = NULL, *text;

	if (path[strspn(path, " ")] == '\0')
		return;
	if (draft_add_attach(&cp->d, path, &err) != ST_OK) {
		app_message(a, 1, "%s", err);
		free(err);
		return;
	}
	text = draft_text(&cp->d);
	cp_set_text(cp, text, strlen(text));
	cp_types(cp);
	app_message(a, 0, _("attached %s"), cp->d.attach[cp->d.nattach - 1]);
}

/* a: ask for a file to attach. */
static void
cp_attach(struct screen *s)
{
	struct compose *cp = s->data;

	if (cp->error != NULL) {
		app_message(s->app, 1, "%s", _("the message has a problem: "
		    "press e to edit it first"));
		return;
	}
	app_push(s->app, dlg_input_new(s->app, _("The file to attach (a "
	    "path; ~/ is your home directory):"), _("File: "), "",
	    cp_attach_done, cp, NULL));
}

/* ------------------------------------------------------------- events */

/* Keep a copy of the route the worker found. */
static void
cp_routed(struct compose *cp, const struct event *ev)
{
	submit_route_clear(&cp->route);
	cp->route = ev->route;
	cp->route.host = ev->route.host ? xstrdup(ev->route.host) : NULL;
	cp->route.tls_version = ev->route.tls_version ?
	    xstrdup(ev->route.tls_version) : NULL;
	cp->route.summary = ev->route.summary ?
	    xstrdup(ev->route.summary) : NULL;
	cp->route.status = ev->status;
	cp_set(&cp->route_error, ev->text ? xstrdup(ev->text) : NULL);
	cp->route_done = 1;
}

/* Where the copy of a sent message went, for people. */
static const char *
cp_sent_folder(const struct account *acct)
{
	if (acct->url[SERVICE_IMAP] == NULL)
		return _("the local Sent folder");
	return acct->sent_folder ? acct->sent_folder : "Sent";
}

/* The submission ended: sent, queued in the outbox, or failed. */
static void
cp_sent(struct compose *cp, const struct account *acct,
    const struct event *ev)
{
	const char *why = ev->text ? ev->text : _("unknown error");

	if (ev->status != ST_OK && !ev->queued) {
		cp->state = CP_CONFIRM;
		cp_set(&cp->send_error, xasprintf(_("Not sent: %s"), why));
		return;
	}
	cp->state = CP_DONE;
	cp->result_bad = ev->status != ST_OK || ev->warning != NULL;
	if (ev->status != ST_OK)
		cp->result = xasprintf(_("Not sent: %s\n\nThe message is safe "
		    "in the outbox of %s. Press S to try again once this is "
		    "fixed; nothing is sent in the clear."), why, acct->name);
	else if (ev->warning != NULL)
		cp->result = xasprintf(_("The message was sent, but: %s"),
		    ev->warning);
	else
		cp->result = xasprintf(_("The message was sent. A copy was "
		    "saved in %s."), cp_sent_folder(acct));
}

/* The draft was kept, or not. */
static void
cp_postponed(struct screen *s, const struct event *ev)
{
	struct compose *cp = s->data;

	if (ev->status != ST_OK) {
		cp->state = CP_CONFIRM;
		cp_set(&cp->send_error, xasprintf(_("Not kept as a draft: %s"),
		    ev->text ? ev->text : _("unknown error")));
		return;
	}
	cp_close(s, _("The message was kept as a draft."));
}

/* Worker events of this account and this message. */
static void
cp_event(struct screen *s, const struct event *ev)
{
	struct compose *cp = s->data;

	if (ev->account != cp->account)
		return;
	if (ev->type == EV_ERROR && cp->state == CP_LOADING) {
		cp->state = CP_FAILED;
		cp_set(&cp->result, xstrdup(ev->text ? ev->text :
		    _("unknown error")));
	}
	if (ev->job != cp->job)
		return;
	switch (ev->type) {
	case EV_RAW:
		if (cp->state == CP_LOADING)
			cp_loaded(s, ev);
		break;
	case EV_ROUTE:
		cp_routed(cp, ev);
		break;
	case EV_SENT:
		cp_sent(cp, app_account(s->app, cp->account), ev);
		break;
	case EV_POSTPONED:
		cp_postponed(s, ev);
		return;
	default:
		return;
	}
	app_dirty(s->app);
}

/* --------------------------------------------------------------- keys */

/* The answer to "inline or attached?". */
static int
cp_key_forward(struct screen *s, int key)
{
	struct compose *cp = s->data;

	if (key == K_ESC || key == 'q') {
		cp_close(s, _("cancelled"));
		return 1;
	}
	if (key != 'i' && key != 'a')
		return key != K_RESIZE;
	cp->fwd = key == 'i' ? DRAFT_FWD_INLINE : DRAFT_FWD_ATTACH;
	cp->state = CP_LOADING;
	worker_raw(s->app->workers[cp->account], cp->folder, cp->seq, cp->job);
	return 1;
}

/* The answer to a yes/no question; y aborts the message. */
static int
cp_key(struct screen *s, int key)
{
	struct compose *cp = s->data;
	enum cp_ask ask = cp->ask;

	if (cp->state == CP_ASK_FORWARD)
		return cp_key_forward(s, key);
	if (ask == CP_ASK_NONE)
		return 0;
	if (key == 'y' || key == 'Y') {
		cp_close(s, _("The message was not sent."));
		return 1;
	}
	if (key != 'n' && key != 'N' && key != K_ESC)
		return 1;
	cp->ask = CP_ASK_NONE;
	if (ask != CP_ASK_ABORT)
		cp_parse(cp);
	return 1;
}

/* q: leave, asking first when the text would be lost. */
static void
cp_back(struct screen *s)
{
	struct compose *cp = s->data;

	switch (cp->state) {
	case CP_CONFIRM:
		cp->ask = CP_ASK_ABORT;
		break;
	case CP_SENDING:
	case CP_POSTPONING:
		app_message(s->app, 0, "%s", _("wait for the result: the "
		    "message is on its way"));
		break;
	default:
		cp_close(s, NULL);
		break;
	}
}

/* The operations of the confirmation screen. */
static int
cp_op(struct screen *s, enum op op)
{
	struct compose *cp = s->data;
	int confirm = cp->state == CP_CONFIRM;

	switch (op) {
	case OP_BACK:
		cp_back(s);
		return 1;
	case OP_SEND:
		if (confirm)
			cp_send(s);
		return 1;
	case OP_EDIT:
		if (confirm)
			cp_edit(s);
		return 1;
	case OP_ATTACH:
		if (confirm)
			cp_attach(s);
		return 1;
	case OP_POSTPONE:
		if (confirm)
			cp_postpone(s);
		return 1;
	case OP_COMPOSE:
		app_message(s->app, 1, "%s", _("finish this message first, or "
		    "abort it with q"));
		return 1;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------ drawing */

/* Text wrapped from column x over at most max rows (up to end); the
 * next free row. */
static int
cp_wrap(int y, int end, int x, int max, enum attr at, const char *text)
{
	char *clean = text_sanitize(text), *p = clean, *line;
	int width = term_cols() - x - 1;
	size_t n;

	if (width < 10)
		width = 10;
	while (*p != '\0' && y < end && max-- > 0) {
		n = text_wrap(p, width);
		line = xstrndup(p, n);
		term_put(y++, x, width, at, line);
		free(line);
		for (p += n; *p == ' '; p++)
			;
	}
	free(clean);
	return y;
}

/* A paragraph of text that may hold newlines; the next free row. */
static int
cp_text(int y, int end, int x, enum attr at, const char *text)
{
	const char *p = text, *nl;
	char *line;

	while (*p != '\0' && y < end) {
		nl = strchr(p, '\n');
		line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		y = line[0] ? cp_wrap(y, end, x, end - y, at, line) : y + 1;
		free(line);
		p = nl ? nl + 1 : p + strlen(p);
	}
	return y;
}

/* The widest of the field labels (they are translated). */
static int
cp_label_width(void)
{
	const char *labels[] = { _("From:"), _("To:"), _("Cc:"), _("Bcc:"),
	    _("Subject:"), _("Attached:") };
	size_t i;
	int w = 0;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (text_width(labels[i]) > w)
			w = text_width(labels[i]);
	return w + 1;
}

/* One field: its label, its value wrapped beside it. */
static int
cp_field(int y, int end, const char *label, const char *value, int lines)
{
	int x = 2 + cp_label_width();

	if (value == NULL || value[0] == '\0')
		return y;
	term_put(y, 2, x - 2, AT_BOLD, label);
	return cp_wrap(y, end, x, lines, AT_NORMAL, value);
}

/* A size for people: 512 B, 1.2 KiB, 34 KiB, 5.6 MiB. */
static char *
cp_size(off_t n)
{
	double v = (double)n;

	if (n < 1024)
		return xasprintf(_("%lld B"), (long long)n);
	if (n < 1024 * 1024)
		return xasprintf(v < 10240 ? _("%.1f KiB") : _("%.0f KiB"),
		    v / 1024);
	return xasprintf(v < 10485760 ? _("%.1f MiB") : _("%.0f MiB"),
	    v / 1048576);
}

/* "name (size, type)" of a file to attach. */
static char *
cp_attach_text(const char *path, const char *type)
{
	const char *name = strrchr(path, '/');
	struct stat sb;
	char *size, *out;

	name = name ? name + 1 : path;
	if (stat(path, &sb) == -1)
		/* TRANSLATORS: a file to attach that is gone. */
		return xasprintf(_("%s (missing)"), name);
	size = cp_size(sb.st_size);
	out = xasprintf("%s (%s, %s)", name, size, type);
	free(size);
	return out;
}

/* The attachments, one per row; the forwarded message too. */
static int
cp_attachments(const struct compose *cp, int y, int end)
{
	const char *label = _("Attached:");
	char *t, *size;
	size_t i;

	for (i = 0; i < cp->d.nattach && y < end; i++, label = "") {
		t = cp_attach_text(cp->d.attach[i], i < cp->ntypes ?
		    cp->types[i] : "?");
		y = cp_field(y, end, label, t, 1);
		free(t);
	}
	if (cp->d.forward_raw && y < end) {
		size = cp_size((off_t)cp->d.rawlen);
		/* TRANSLATORS: an attachment: the message being forwarded. */
		t = xasprintf(_("the forwarded message (%s, message/rfc822)"),
		    size);
		y = cp_field(y, end, label, t, 1);
		free(t);
		free(size);
	}
	return y;
}

/* The lock of the route: [TLS], [PLAIN], or [--] while checking. */
static int
cp_lock(int y, const struct compose *cp)
{
	struct svc_view v;

	memset(&v, 0, sizeof(v));
	v.level = cp->route_done ? cp->route.level : LEVEL_NONE;
	return app_draw_lock(y, 2, &v);
}

/* How the message will travel, or why it cannot go securely. */
static int
cp_route(const struct compose *cp, const struct account *acct, int y,
    int end)
{
	const struct url *u = acct->url[SERVICE_SMTP];
	const char *why;
	char *where;
	int x;

	term_put(y++, 2, term_cols() - 2, AT_BOLD, _("How it travels:"));
	x = 3 + cp_lock(y, cp);
	where = xasprintf("SMTP %s:%u", u->host, u->port);
	x += 1 + term_put(y, x, term_cols() - x, AT_NORMAL, where);
	free(where);
	if (!cp->route_done)
		return cp_wrap(y, end, x, 1, AT_DIM,
		    _("checking the route…"));
	if (cp->route.status == ST_OK && cp->route.summary != NULL)
		return cp_wrap(y, end, x, 2, AT_OK, cp->route.summary);
	why = cp->route.summary ? cp->route.summary : cp->route_error ?
	    cp->route_error : _("unknown error");
	y = cp_wrap(y, end, x, 3, AT_BAD, why);
	return cp_wrap(y, end, 4, 2, AT_NORMAL, _("It cannot be sent "
	    "securely now: y keeps it in the outbox until it can; nothing is "
	    "sent in the clear."));
}

/* The first lines of the body, dimmed. */
static int
cp_preview(const struct compose *cp, int y, int end)
{
	const char *p = cp->d.body ? cp->d.body : "", *nl;
	char *line;

	if (end - y < CP_PREVIEW_MIN || *p == '\0')
		return y;
	for (y++; *p != '\0' && y < end; y++) {
		nl = strchr(p, '\n');
		line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		term_put(y, 2, term_cols() - 3, AT_DIM, line);
		free(line);
		p = nl ? nl + 1 : p + strlen(p);
	}
	return y;
}

/* The summary of a message that can be sent. */
static void
cp_draw_summary(struct screen *s, int y, int end)
{
	struct compose *cp = s->data;
	const struct account *acct = app_account(s->app, cp->account);

	y = cp_field(y, end, _("From:"), cp->d.from, 1);
	y = cp_field(y, end, _("To:"), cp->d.to, CP_ADDR_LINES);
	y = cp_field(y, end, _("Cc:"), cp->d.cc, CP_ADDR_LINES);
	y = cp_field(y, end, _("Bcc:"), cp->d.bcc, CP_ADDR_LINES);
	y = cp_field(y, end, _("Subject:"), cp->d.subject ? cp->d.subject :
	    _("(no subject)"), 2);
	y = cp_attachments(cp, y, end);
	y = cp_route(cp, acct, y + 1, end);
	if (cp->send_error != NULL)
		y = cp_wrap(y + 1, end, 2, 4, AT_BAD, cp->send_error);
	cp_preview(cp, y, end);
}

/* The question, or the keys, on the last row. */
static void
cp_draw_keys(const struct compose *cp, int y)
{
	const char *q = NULL, *keys;
	char *exit = NULL;

	switch (cp->ask) {
	case CP_ASK_ABORT:
		q = _("Abort this message? Nothing is sent and the text is "
		    "lost. (y/n)");
		break;
	case CP_ASK_EXIT:
		q = exit = xasprintf(_("The editor exited with status %d. "
		    "Abort this message? (y/n)"), cp->editor_status);
		break;
	case CP_ASK_UNCHANGED:
		q = _("The message was not changed. Abort it? (y/n)");
		break;
	case CP_ASK_NONE:
		break;
	}
	if (q != NULL) {
		term_put(y, 1, term_cols() - 2, AT_BOLD, q);
		free(exit);
		return;
	}
	if (cp->state == CP_SENDING || cp->state == CP_POSTPONING)
		keys = cp->state == CP_SENDING ? _("Sending…") :
		    _("Keeping it as a draft…");
	else if (cp->state == CP_CONFIRM && cp->error != NULL)
		keys = _("e: edit again  q: abort");
	else if (cp->state == CP_CONFIRM)
		keys = _("y: send  e: edit  a: attach  p: postpone  q: abort");
	else
		keys = _("q: close");
	term_put(y, 1, term_cols() - 2, AT_DIM, keys);
}

/* Draw the screen for its state. */
static void
cp_draw(struct screen *s, int top, int rows)
{
	struct compose *cp = s->data;
	int y = top + 1, end = top + rows - 1;

	switch (cp->state) {
	case CP_ASK_FORWARD:
		cp_wrap(y, end, 2, 4, AT_BOLD, _("Forward this message: i: "
		    "inline, quoted in the text; a: as an attachment, whole. "
		    "Esc: cancel"));
		return;
	case CP_LOADING:
		term_put(y, 2, term_cols() - 2, AT_DIM, _("Loading the "
		    "message…"));
		return;
	case CP_DONE:
	case CP_FAILED:
		cp_text(y, end, 2, cp->result_bad || cp->state == CP_FAILED ?
		    AT_BAD : AT_OK, cp->result ? cp->result : "");
		break;
	default:
		if (cp->error != NULL) {
			y = cp_wrap(y, end, 2, 1, AT_BOLD, _("The message "
			    "cannot be sent as it is:"));
			cp_wrap(y, end, 2, end - y, AT_BAD, cp->error);
		} else if (cp->ask == CP_ASK_NONE || cp->edited)
			cp_draw_summary(s, y, end);
		break;
	}
	cp_draw_keys(cp, top + rows - 1);
}

/* "work: new message", "work: reply", ... */
static char *
cp_title(struct screen *s)
{
	struct compose *cp = s->data;
	const struct account *acct = app_account(s->app, cp->account);
	const char *what;

	switch (cp->kind) {
	case OP_REPLY:
		what = _("reply");
		break;
	case OP_REPLY_ALL:
		what = _("reply to all");
		break;
	case OP_FORWARD:
		what = _("forward");
		break;
	default:
		what = _("new message");
		break;
	}
	return xasprintf("%s: %s", acct ? acct->name : "?", what);
}

/* Free the screen. */
static void
cp_free(struct screen *s)
{
	struct compose *cp;

	if (s == NULL)
		return;
	cp = s->data;
	free(cp->folder);
	free(cp->text);
	draft_clear(&cp->d);
	cp_types_clear(cp);
	free(cp->error);
	free(cp->send_error);
	submit_route_clear(&cp->route);
	free(cp->route_error);
	free(cp->result);
	free(cp);
	free(s);
}

static const struct screen_ops cp_ops = {
	.name = "compose",
	.ctx = KC_COMPOSE,
	.draw = cp_draw,
	.op = cp_op,
	.key = cp_key,
	.event = cp_event,
	.title = cp_title,
	.free = cp_free,
};

/* ------------------------------------------------------------ starting */

/* A compose screen for an account that can send; NULL (and a message)
 * if it cannot. The route is probed at once, while the user writes. */
static struct screen *
cp_new(struct app *a, int account, enum op kind)
{
	const struct account *acct = app_account(a, account);
	struct compose *cp;

	if (acct == NULL) {
		app_message(a, 1, "%s", _("no account to send from"));
		return NULL;
	}
	if (acct->url[SERVICE_SMTP] == NULL) {
		app_message(a, 1, _("account %s has no smtp = server to send "
		    "through; add one to %s"), acct->name, a->cfg->path);
		return NULL;
	}
	cp = xcalloc(1, sizeof(*cp));
	cp->account = account;
	cp->kind = kind;
	cp->job = ++a->jobs;
	worker_route(a->workers[account], cp->job);
	return screen_new(&cp_ops, a, cp);
}

/* m: a new message from the account, straight into the editor. */
void
compose_new(struct app *a, int account)
{
	struct screen *s = cp_new(a, account, OP_COMPOSE);
	struct compose *cp;
	char *text;
	int depth;

	if (s == NULL)
		return;
	cp = s->data;
	draft_new(app_account(a, account), &cp->d);
	text = draft_text(&cp->d);
	cp_set_text(cp, text, strlen(text));
	depth = a->depth;
	app_push(a, s);
	if (a->depth > depth)		/* not refused: too many screens */
		cp_edit(s);
}

/* r, g, f: a reply to, or a forward of, message seq of a folder. */
void
compose_reply(struct app *a, int account, const char *folder, uint32_t seq,
    enum op kind)
{
	struct screen *s = cp_new(a, account, kind);
	struct compose *cp;

	if (s == NULL)
		return;
	cp = s->data;
	cp->folder = xstrdup(folder);
	cp->seq = seq;
	cp->state = kind == OP_FORWARD ? CP_ASK_FORWARD : CP_LOADING;
	if (kind != OP_FORWARD)
		worker_raw(a->workers[account], folder, seq, cp->job);
	app_push(a, s);
}
