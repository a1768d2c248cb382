/* scr_transcript.c: the teaching view: the last dialogue of a service, each
 * line tagged with where it travelled ([plain] or [tls]) and who said it
 * (C: starling, S: the server), the explanations in bold; saved on demand
 * to a private file. Secrets were redacted when they were recorded. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

#define TR_TAGW	11		/* "[plain] C: " */

/* One row on screen: a tag (first row of a line only) and text. */
struct tr_row {
	const char	*tag;		/* static, or NULL */
	int		 x;		/* column of the text */
	enum attr	 tattr;
	char		*text;
	enum attr	 attr;
};

struct trview {
	int		 account;
	enum service	 svc;
	struct svc_view	 view;
	struct tr_row	*rows;
	size_t		 nrows;
	int		 width;		/* rows built for it */
	int		 top;		/* first row shown */
	int		 body;		/* rows shown last time */
};

/* The tag of a line; the text is the signal, colour is extra. These are
 * protocol notation, the same in every language. */
static const char *
tr_tag(const struct tr_line *l)
{
	if (l->dir == TR_NOTE)
		return "  **";
	if (l->phase == TR_PLAIN)
		return l->dir == TR_SENT ? "[plain] C:" : "[plain] S:";
	return l->dir == TR_SENT ? "[tls] C:" : "[tls] S:";
}

/* The attribute of a line: notes bold, plaintext as a warning. */
static enum attr
tr_attr(const struct tr_line *l)
{
	if (l->dir == TR_NOTE)
		return AT_BOLD;
	return l->phase == TR_PLAIN ? AT_WARN : AT_NORMAL;
}

/* The account shown, or NULL. */
static const struct account *
tr_account(struct trview *t, struct app *a)
{
	return app_account(a, t->account);
}

/* The URL of the service shown; NULL when there is no account. */
static const struct url *
tr_url(struct trview *t, struct app *a)
{
	const struct account *acct = tr_account(t, a);

	return acct ? acct->url[t->svc] : NULL;
}

/* Take a fresh copy of the service's state and dialogue. */
static void
tr_refresh(struct trview *t, struct app *a)
{
	t->width = -1;
	if (tr_account(t, a) == NULL)
		return;
	svc_view_clear(&t->view);
	worker_snapshot(a->workers[t->account], t->svc, &t->view, 1);
}

/* Drop the rows. */
static void
tr_rows_clear(struct trview *t)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		free(t->rows[i].text);
	free(t->rows);
	t->rows = NULL;
	t->nrows = 0;
}

/* Append a row; text is taken over. */
static void
tr_row(struct trview *t, int x, const char *tag, enum attr tattr,
    char *text, enum attr attr)
{
	struct tr_row *r;

	t->rows = xreallocarray(t->rows, t->nrows + 1, sizeof(*t->rows));
	r = &t->rows[t->nrows++];
	r->x = x;
	r->tag = tag;
	r->tattr = tattr;
	r->text = text;
	r->attr = attr;
}

/* One transcript line as rows, wrapped by display width. */
static void
tr_build_line(struct trview *t, const struct tr_line *l, int width)
{
	char *clean = text_sanitize(l->text ? l->text : ""), *p = clean;
	const char *tag = tr_tag(l);
	enum attr attr = tr_attr(l);
	size_t n;

	do {
		n = text_wrap(p, width);
		tr_row(t, TR_TAGW, tag, attr, xstrndup(p, n), attr);
		tag = NULL;
		p += n;
	} while (*p != '\0');
	free(clean);
}

/* Why there is nothing to show yet. */
static void
tr_build_empty(struct trview *t)
{
	const char *why = t->view.error;
	char *text, *clean, *p;
	size_t n;

	if (why == NULL)
		why = t->view.state == CONN_BUSY ? _("connecting...") :
		    _("not connected");
	text = xasprintf(_("Nothing recorded yet for %s: %s"),
	    service_label(t->svc), why);
	clean = text_sanitize(text);

	for (p = clean; *p != '\0'; ) {
		n = text_wrap(p, t->width > 10 ? t->width : 10);
		tr_row(t, 0, NULL, AT_NORMAL, xstrndup(p, n), AT_NORMAL);
		for (p += n; *p == ' '; p++)
			;
	}
	free(clean);
	free(text);
}

/* Build the rows for a width. */
static void
tr_build(struct trview *t, int width)
{
	size_t i, n = t->view.tr ? transcript_count(t->view.tr) : 0;
	int tw = width - TR_TAGW;

	tr_rows_clear(t);
	t->width = width;
	if (n == 0) {
		tr_build_empty(t);
		return;
	}
	for (i = 0; i < n; i++)
		tr_build_line(t, transcript_line(t->view.tr, i),
		    tw > 10 ? tw : 10);
}

/* The fixed top: the lock, where, and how many lines. */
static void
tr_draw_head(struct trview *t, struct app *a, int y)
{
	const struct url *u = tr_url(t, a);
	size_t n = t->view.tr ? transcript_count(t->view.tr) : 0;
	char *s;
	int x;

	if (u == NULL) {
		term_put(y, 0, term_cols(), AT_BAD, _("no account"));
		return;
	}
	x = app_draw_lock(y, 0, &t->view);
	s = xasprintf(ngettext("%s %s:%u (%s): %zu line recorded",
	    "%s %s:%u (%s): %zu lines recorded", n), service_label(t->svc),
	    u->host, u->port, transport_name(u->transport), n);
	term_put(y, x + 1, term_cols() - x - 1, AT_BOLD, s);
	free(s);
}

/* The legend: what the tags mean. */
static void
tr_draw_legend(int y)
{
	term_put(y, 0, term_cols(), AT_DIM,
	    _("[plain] in the clear  [tls] encrypted  C: starling  "
	    "S: server  **: note"));
}

/* The key bound to an operation here, as the help shows it; or NULL. */
static char *
tr_key_for(struct app *a, enum op op)
{
	struct key_help *rows;
	size_t n, i;
	char *key = NULL;

	n = keys_help(a->keys, KC_TRANSCRIPT, &rows);
	for (i = 0; i < n && key == NULL; i++)
		if (rows[i].op != NULL &&
		    strcmp(rows[i].op, keys_op_name(op)) == 0)
			key = xstrdup(rows[i].key);
	keys_help_free(rows, n);
	return key;
}

/* The actions and their keys: "s: save to a file  <Tab>: next service". */
static char *
tr_hint(struct app *a)
{
	static const struct { enum op op; const char *what; } acts[] = {
		{ OP_SAVE, N_("save to a file") },
		{ OP_NEXT_SERVICE, N_("next service") },
	};
	char *hint = xstrdup(""), *key, *n;
	size_t i;

	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if ((key = tr_key_for(a, acts[i].op)) == NULL)
			continue;
		n = xasprintf("%s%s%s: %s", hint, *hint ? "  " : "", key,
		    _(acts[i].what));
		free(hint);
		free(key);
		hint = n;
	}
	return hint;
}

/* Keep the first body row within the rows. */
static void
tr_clamp(struct trview *t)
{
	int max = (int)t->nrows - t->body;

	if (t->top > max)
		t->top = max;
	if (t->top < 0)
		t->top = 0;
}

/* Draw one row: the tag column, then the text. */
static void
tr_draw_row(const struct tr_row *r, int y)
{
	if (r->tag != NULL)
		term_put(y, 0, TR_TAGW - 1, r->tattr, r->tag);
	term_put(y, r->x, term_cols() - r->x, r->attr, r->text);
}

/* Draw: the lock line, the legend, the dialogue, the actions. */
static void
tr_draw(struct screen *s, int top, int rows)
{
	struct trview *t = s->data;
	char *hint;
	int y = top, i;

	if (t->width != term_cols())
		tr_build(t, term_cols());
	tr_draw_head(t, s->app, y++);
	if (rows > 4)
		tr_draw_legend(y++);
	t->body = top + rows - 1 - y;
	tr_clamp(t);
	for (i = 0; i < t->body && (size_t)(t->top + i) < t->nrows; i++)
		tr_draw_row(&t->rows[t->top + i], y + i);
	hint = tr_hint(s->app);
	if (rows > 2)
		term_put(top + rows - 1, 0, term_cols(), AT_DIM, hint);
	free(hint);
}

/* A file name made of safe characters only. */
static char *
tr_safe_name(const char *name)
{
	char *s = xstrdup(name), *p;

	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    (*p == '.' && p != s)))
			*p = '_';
	return s;
}

/*
 * Create $HOME/starling-transcript-ACCOUNT-SERVICE-YYYYmmdd-HHMMSS.txt,
 * never replacing a file (O_EXCL; a -2, -3, ... suffix when it exists),
 * private (0600). The descriptor, or -1 with *errstr set.
 */
static int
tr_save_create(const char *account, enum service svc, char **path,
    char **errstr)
{
	const char *home = getenv("HOME");
	char *name = tr_safe_name(account), stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int fd = -1, i, e = 0;

	*path = NULL;
	if (home == NULL || *home == '\0') {
		free(name);
		*errstr = xstrdup(_("cannot save the transcript: HOME is not "
		    "set"));
		return -1;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	for (i = 1; fd == -1 && i < 100; i++) {
		free(*path);
		*path = i == 1 ?
		    xasprintf("%s/starling-transcript-%s-%s-%s.txt", home,
		    name, service_name(svc), stamp) :
		    xasprintf("%s/starling-transcript-%s-%s-%s-%d.txt", home,
		    name, service_name(svc), stamp, i);
		fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1 && (e = errno) != EEXIST)
			break;
	}
	free(name);
	if (fd == -1)
		*errstr = xasprintf(_("cannot save the transcript in %s: %s"),
		    *path, strerror(e));
	return fd;
}

/* One line as text: "12:00:01.250 [plain] C: a001 STARTTLS". */
static void
tr_save_line(FILE *f, const struct tr_line *l)
{
	struct tm tm;
	char hms[16];

	localtime_r(&l->when.tv_sec, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	fprintf(f, "%s.%03ld %-10s %s\n", hms, (long)(l->when.tv_nsec /
	    1000000), tr_tag(l), l->text ? l->text : "");
}

/* The header and every line; 0, or -1 if writing failed. */
static int
tr_save_write(struct trview *t, struct app *a, FILE *f)
{
	const struct url *u = tr_url(t, a);
	size_t i, n = transcript_count(t->view.tr);

	/* TRANSLATORS: the first line of a saved transcript file. */
	fprintf(f, _("# starling transcript: account %s, %s %s:%u (%s)\n"),
	    tr_account(t, a)->name, service_label(t->svc), u->host, u->port,
	    transport_name(u->transport));
	fprintf(f, "%s\n", _("# [plain] travelled in the clear, [tls] "
	    "encrypted; C: starling, S: the server, **: explanation; "
	    "secrets were replaced by [redacted] when recorded"));
	for (i = 0; i < n; i++)
		tr_save_line(f, transcript_line(t->view.tr, i));
	return ferror(f) ? -1 : 0;
}

/* s: save the dialogue to a new private file and say where. */
static int
tr_op_save(struct screen *s)
{
	struct trview *t = s->data;
	char *path, *err = NULL;
	FILE *f;
	int fd, r, e;

	if (t->view.tr == NULL || transcript_count(t->view.tr) == 0) {
		app_message(s->app, 1, "%s", _("nothing to save yet"));
		return 1;
	}
	fd = tr_save_create(tr_account(t, s->app)->name, t->svc, &path, &err);
	if (fd == -1) {
		app_message(s->app, 1, "%s", err);
		free(err);
		free(path);
		return 1;
	}
	if ((f = fdopen(fd, "w")) == NULL)
		fatalx("fdopen: %s", strerror(errno));
	r = tr_save_write(t, s->app, f);
	e = errno;
	if (fclose(f) != 0 && r == 0) {
		r = -1;
		e = errno;
	}
	if (r == -1) {
		unlink(path);
		app_message(s->app, 1,
		    _("cannot save the transcript in %s: %s"), path,
		    strerror(e));
	} else
		app_message(s->app, 0, _("transcript saved in %s"), path);
	free(path);
	return 1;
}

/* Tab: the next configured service of the account. */
static int
tr_op_next(struct screen *s)
{
	struct trview *t = s->data;

	if (tr_account(t, s->app) == NULL)
		return 1;
	t->svc = config_next_service(tr_account(t, s->app), t->svc);
	t->top = 0;
	tr_refresh(t, s->app);
	return 1;
}

static const struct {
	enum op	  op;
	int	(*fn)(struct screen *);
} tr_ops_table[] = {
	{ OP_SAVE, tr_op_save },
	{ OP_NEXT_SERVICE, tr_op_next },
};

/* An operation: an action from the table, else scrolling. */
static int
tr_op(struct screen *s, enum op op)
{
	struct trview *t = s->data;
	int count = (int)t->nrows - t->body + 1, dummy = 0;
	size_t i;

	for (i = 0; i < sizeof(tr_ops_table) / sizeof(tr_ops_table[0]); i++)
		if (tr_ops_table[i].op == op)
			return tr_ops_table[i].fn(s);
	return list_move(&t->top, &dummy, count > 1 ? count : 1, 0, op);
}

/* A worker event: the dialogue may have grown. */
static void
tr_event(struct screen *s, const struct event *ev)
{
	struct trview *t = s->data;

	if (ev->type == EV_SERVICE && ev->account == t->account) {
		tr_refresh(t, s->app);
		app_dirty(s->app);
	}
}

/* "transcript: work IMAP". */
static char *
tr_title(struct screen *s)
{
	struct trview *t = s->data;
	const struct account *acct = tr_account(t, s->app);

	if (acct == NULL)
		return xstrdup(_("transcript"));
	return xasprintf(_("transcript: %s %s"), acct->name,
	    service_label(t->svc));
}

/* Free the screen. */
static void
tr_free(struct screen *s)
{
	struct trview *t = s->data;

	svc_view_clear(&t->view);
	tr_rows_clear(t);
	free(t);
	free(s);
}

static const struct screen_ops tr_screen_ops = {
	.name = "transcript",
	.ctx = KC_TRANSCRIPT,
	.draw = tr_draw,
	.op = tr_op,
	.event = tr_event,
	.title = tr_title,
	.free = tr_free,
};

/* The transcript screen for a service of an account (the first
 * configured one if that service is not). */
struct screen *
scr_transcript_new(struct app *a, int account, enum service svc)
{
	const struct account *acct = app_account(a, account);
	struct trview *t = xcalloc(1, sizeof(*t));

	t->account = account;
	t->svc = svc;
	if (acct != NULL && acct->url[svc] == NULL)
		t->svc = config_next_service(acct, svc);
	tr_refresh(t, a);
	return screen_new(&tr_screen_ops, a, t);
}
