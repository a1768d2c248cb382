/* scr_guide.c: the guide (client/guide.c) on screen: told with the
 * current account's last connections, and with the Authentication-Results
 * of the message open in the pager, if any; scrolls like the help; q or
 * Esc closes it. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "guide.h"
#include "guide_view.h"
#include "i18n.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

struct guideview {
	int		 account;
	int		 message_open;	/* a message was open in the pager */
	char		*auth_results;	/* its raw header, or NULL */
	struct guide	*g;
	struct gv_row	*rows;
	size_t		 nrows;
	int		 width;		/* rows laid out for it; -1: none */
	int		 top;
	int		 body;
};

/* Add each service of the account that has a dialogue to show. */
static void
gd_add_services(struct guideview *v, struct app *a,
    const struct account *acct)
{
	struct guide_conn c;
	struct svc_view sv;
	enum service svc;

	for (svc = 0; svc < SERVICE_COUNT; svc++) {
		if (acct->url[svc] == NULL)
			continue;
		worker_snapshot(a->workers[v->account], svc, &sv, 1);
		memset(&c, 0, sizeof(c));
		c.account = acct->name;
		c.service = svc;
		c.transport = acct->url[svc]->transport;
		c.host = acct->url[svc]->host;
		c.port = acct->url[svc]->port;
		c.level = sv.level;
		c.tls = &sv.tls;
		c.tr = sv.tr;
		c.error = sv.state == CONN_FAILED || sv.state == CONN_REFUSED ?
		    sv.error : NULL;
		guide_add_conn(v->g, &c);
		svc_view_clear(&sv);
	}
}

/* (Re)build the guide from the account's current state. */
static void
gd_build(struct guideview *v, struct app *a)
{
	const struct account *acct = app_account(a, v->account);

	guide_free(v->g);
	v->g = guide_new();
	if (acct != NULL)
		gd_add_services(v, a, acct);
	if (v->message_open)
		guide_set_auth_results(v->g, v->auth_results);
	guide_build(v->g);
	v->width = -1;
}

/* Lay the guide out again for a width. */
static void
gd_layout(struct guideview *v, int width)
{
	guide_view_free(v->rows, v->nrows);
	v->nrows = guide_view_layout(v->g, width, &v->rows);
	v->width = width;
}

/* The attribute of a row's text and of its tag. */
static enum attr
gd_attr(const struct guide_block *b, int tag)
{
	switch (b->kind) {
	case GB_TITLE:
	case GB_STEP:
		return AT_BOLD;
	case GB_WIRE:
		return b->plain ? AT_WARN : tag ? AT_DIM : AT_NORMAL;
	case GB_ITEM:
		return tag && b->level >= 0 ? app_level_attr(b->level) :
		    tag ? AT_BOLD : AT_NORMAL;
	case GB_MISSING:
		return AT_DIM;
	case GB_EXAMPLE:
		return AT_WARN;
	default:
		break;
	}
	return AT_NORMAL;
}

/* Draw one row. */
static void
gd_draw_row(const struct gv_row *r, int y)
{
	int cols = term_cols();

	if (r->tag != NULL)
		term_put(y, r->x, r->textx - r->x, gd_attr(r->block, 1), r->tag);
	term_put(y, r->textx, cols - r->textx, gd_attr(r->block, 0), r->text);
}

/* Keep the first row within the rows. */
static void
gd_clamp(struct guideview *v)
{
	int max = (int)v->nrows - v->body;

	if (v->top > max)
		v->top = max;
	if (v->top < 0)
		v->top = 0;
}

/* Draw the rows that fit. */
static void
gd_draw(struct screen *s, int top, int rows)
{
	struct guideview *v = s->data;
	int i;

	if (v->width != term_cols())
		gd_layout(v, term_cols());
	v->body = rows;
	gd_clamp(v);
	for (i = 0; i < rows && (size_t)(v->top + i) < v->nrows; i++)
		gd_draw_row(&v->rows[v->top + i], top + i);
}

/* Scrolling; Esc closes; the rest (q, ...) is for the global handling. */
static int
gd_op(struct screen *s, enum op op)
{
	struct guideview *v = s->data;
	int count = (int)v->nrows - v->body + 1, dummy = 0;

	if (op == OP_CANCEL) {
		app_pop(s->app);
		return 1;
	}
	return list_move(&v->top, &dummy, count > 1 ? count : 1, v->body, op);
}

/* A connection of this account changed: tell it again. */
static void
gd_event(struct screen *s, const struct event *ev)
{
	struct guideview *v = s->data;

	if (ev->type != EV_SERVICE || ev->account != v->account)
		return;
	gd_build(v, s->app);
	app_dirty(s->app);
}

/* "guide: work". */
static char *
gd_title(struct screen *s)
{
	struct guideview *v = s->data;
	const struct account *acct = app_account(s->app, v->account);

	if (acct == NULL)
		return xstrdup(_("guide"));
	return xasprintf(_("guide: %s"), acct->name);
}

/* Free the screen. */
static void
gd_free(struct screen *s)
{
	struct guideview *v = s->data;

	guide_view_free(v->rows, v->nrows);
	guide_free(v->g);
	free(v->auth_results);
	free(v);
	free(s);
}

static const struct screen_ops guide_ops = {
	.name = "guide",
	.ctx = KC_GUIDE,
	.draw = gd_draw,
	.op = gd_op,
	.event = gd_event,
	.title = gd_title,
	.free = gd_free,
};

/* The guide for an account; message_open says whether a message is open
 * in the pager, auth_results is its Authentication-Results (or NULL). */
struct screen *
scr_guide_new(struct app *a, int account, int message_open,
    const char *auth_results)
{
	struct guideview *v = xcalloc(1, sizeof(*v));

	v->account = account;
	v->message_open = message_open;
	v->auth_results = auth_results ? xstrdup(auth_results) : NULL;
	gd_build(v, a);
	return screen_new(&guide_ops, a, v);
}
