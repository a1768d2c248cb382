/* scr_folders.c: an account's folders with unseen and message counts. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

struct folders {
	int		 account;
	struct folder	*list;
	size_t		 n;
	int		 loaded;	/* EV_FOLDERS arrived */
	int		 pending;	/* a LIST was asked for */
	int		 lost;		/* IMAP was down since */
	int		 cursor;
	int		 top;
	int		 rows;		/* content rows at the last draw */
};

/* Ask the worker for the folder list. */
static void
folders_request(struct screen *s)
{
	struct folders *f = s->data;

	worker_list(s->app->workers[f->account]);
	f->pending = 1;
}

/* Forget the folders we hold. */
static void
folders_clear(struct folders *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->list[i].name);
		free(f->list[i].raw);
	}
	free(f->list);
	f->list = NULL;
	f->n = 0;
}

/* Keep a deep copy of the event's folders. */
static void
folders_take(struct folders *f, const struct event *ev)
{
	size_t i;

	folders_clear(f);
	f->list = xcalloc(ev->nfolders ? ev->nfolders : 1, sizeof(*f->list));
	for (i = 0; i < ev->nfolders; i++) {
		f->list[i] = ev->folders[i];
		f->list[i].name = xstrdup(ev->folders[i].name ?
		    ev->folders[i].name : ev->folders[i].raw);
		f->list[i].raw = xstrdup(ev->folders[i].raw);
	}
	f->n = ev->nfolders;
	f->loaded = 1;
	f->pending = 0;
	f->lost = 0;
	if ((size_t)f->cursor >= f->n)
		f->cursor = f->n ? (int)f->n - 1 : 0;
	if (f->top > f->cursor)
		f->top = f->cursor;
}

/* Draw one folder row: the name left, "unseen/messages" at the right. */
static void
folders_draw_row(struct folders *f, int y, size_t i)
{
	const struct folder *fo = &f->list[i];
	int cols = term_cols(), sel = (size_t)f->cursor == i, cw;
	enum attr at = sel ? AT_REVERSE : fo->noselect ? AT_DIM : AT_NORMAL;
	char counts[32] = "";

	if (sel)
		term_fill(y, AT_REVERSE);
	if (!fo->noselect)
		snprintf(counts, sizeof(counts), "%u/%u", fo->unseen,
		    fo->messages);
	cw = (int)strlen(counts);
	term_put(y, 1, cols - cw - 4, at, fo->name);	/* sanitised there */
	if (cw > 0)
		term_put(y, cols - cw - 1, cw, sel ? AT_REVERSE :
		    fo->unseen ? AT_BOLD : AT_NORMAL, counts);
}

/* Draw the list, or what we are waiting for. */
static void
folders_draw(struct screen *s, int top, int rows)
{
	struct folders *f = s->data;
	int y;

	f->rows = rows;
	if (!f->loaded) {
		term_put(top + 1, 2, term_cols() - 2, AT_DIM,
		    f->pending ? _("Loading folders…") : f->lost ?
		    _("Not connected; the folders load once IMAP is ready.") :
		    _("The folders could not be loaded."));
		return;
	}
	if (f->n == 0) {
		term_put(top + 1, 2, term_cols() - 2, AT_DIM, _("No folders."));
		return;
	}
	if (f->cursor >= f->top + rows)
		f->top = f->cursor - rows + 1;
	for (y = 0; y < rows && (size_t)(f->top + y) < f->n; y++)
		folders_draw_row(f, top + y, (size_t)(f->top + y));
}

/* Open the folder under the cursor. */
static void
folders_open(struct screen *s)
{
	struct folders *f = s->data;
	const struct folder *fo;

	if (!f->loaded || f->n == 0)
		return;
	fo = &f->list[f->cursor];
	if (fo->noselect) {
		app_message(s->app, 1, _("%s cannot be opened (it holds only "
		    "other folders)"), fo->name);
		return;
	}
	app_push(s->app, scr_index_new(s->app, f->account, fo->raw,
	    fo->name));
}

/* Handle an operation: movement and opening. */
static int
folders_op(struct screen *s, enum op op)
{
	struct folders *f = s->data;

	if (op == OP_SELECT) {
		folders_open(s);
		return 1;
	}
	return list_move(&f->cursor, &f->top, (int)f->n, f->rows, op);
}

/* IMAP changed state: ask again once it is back. */
static void
folders_service(struct screen *s)
{
	struct folders *f = s->data;

	if (app_imap_back(s->app, f->account, &f->lost) && !f->pending)
		folders_request(s);
}

/* The folder list, or a (re)connection that lets us ask for it. */
static void
folders_event(struct screen *s, const struct event *ev)
{
	struct folders *f = s->data;

	if (ev->account != f->account)
		return;
	switch (ev->type) {
	case EV_FOLDERS:
		folders_take(f, ev);
		break;
	case EV_ERROR:
		f->pending = 0;
		break;
	case EV_SERVICE:
		if (ev->service == SERVICE_IMAP)
			folders_service(s);
		break;
	case EV_FETCHED:
		/* New counts for the local folder. */
		if (!f->pending && !f->lost)
			folders_request(s);
		break;
	default:
		return;
	}
	app_dirty(s->app);
}

/* "account: folders". */
static char *
folders_title(struct screen *s)
{
	struct folders *f = s->data;
	const struct account *acct = app_account(s->app, f->account);

	return xasprintf(_("%s: folders"), acct ? acct->name : "?");
}

/* Free the screen. */
static void
folders_free(struct screen *s)
{
	if (s == NULL)
		return;
	folders_clear(s->data);
	free(s->data);
	free(s);
}

static const struct screen_ops folders_ops = {
	"folders", KC_FOLDERS, folders_draw, folders_op, NULL,
	folders_event, folders_title, folders_free
};

/* The folders of an account; asks the worker for them at once. */
struct screen *
scr_folders_new(struct app *a, int account)
{
	struct folders *f = xcalloc(1, sizeof(*f));
	struct screen *s = screen_new(&folders_ops, a, f);

	f->account = account;
	f->rows = term_rows() > 3 ? term_rows() - 3 : 1;
	f->lost = app_imap_down(a, account);
	folders_request(s);
	return s;
}
