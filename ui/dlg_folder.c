/* dlg_folder.c: choose a folder of an account, with completion: typing
 * narrows the list to the names that contain the text, Tab completes the
 * common beginning, the arrows pick, Enter chooses, Esc cancels. Asks the
 * worker for the folder list when it opens (for s and C in the index). */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

#define FD_INPUT_MAX	256

struct fdlg {
	int		 account;
	char		*title;		/* what choosing does */
	char		*exclude;	/* raw name that cannot be chosen */
	struct folder	*list;
	size_t		 n;
	int		 loaded;
	int		 failed;
	int		*match;		/* indexes into list of the shown rows */
	int		 nmatch;
	int		 cursor, top;
	char		 input[FD_INPUT_MAX];
	size_t		 len;
	void		(*done)(struct app *, void *, const char *);
	void		*arg;		/* free()d with the dialog */
};

/* Does a folder name contain the typed text (ASCII case folded)? */
static int
fd_matches(const struct fdlg *d, const struct folder *f)
{
	return !f->noselect && (d->len == 0 || strcasestr(f->name, d->input));
}

/* Rebuild the rows shown for the typed text. */
static void
fd_filter(struct fdlg *d)
{
	size_t i;

	free(d->match);
	d->match = xcalloc(d->n ? d->n : 1, sizeof(*d->match));
	d->nmatch = 0;
	for (i = 0; i < d->n; i++)
		if (fd_matches(d, &d->list[i]))
			d->match[d->nmatch++] = (int)i;
	if (d->cursor >= d->nmatch)
		d->cursor = d->nmatch > 0 ? d->nmatch - 1 : 0;
	if (d->top > d->cursor)
		d->top = d->cursor;
}

/* Keep a copy of the folder list. */
static void
fd_take(struct fdlg *d, const struct event *ev)
{
	size_t i;

	d->list = xcalloc(ev->nfolders ? ev->nfolders : 1, sizeof(*d->list));
	for (i = 0; i < ev->nfolders; i++) {
		d->list[i] = ev->folders[i];
		d->list[i].name = xstrdup(ev->folders[i].name ?
		    ev->folders[i].name : ev->folders[i].raw);
		d->list[i].raw = xstrdup(ev->folders[i].raw);
	}
	d->n = ev->nfolders;
	d->loaded = 1;
	fd_filter(d);
}

/* Tab: extend the text to what every shown name has in common after it,
 * when the text is the beginning of them all. */
static void
fd_complete(struct fdlg *d)
{
	const char *first, *other;
	size_t common, k;
	int i;

	if (d->nmatch == 0)
		return;
	first = d->list[d->match[0]].name;
	if (strncasecmp(first, d->input, d->len) != 0)
		return;
	common = strlen(first);
	for (i = 1; i < d->nmatch; i++) {
		other = d->list[d->match[i]].name;
		if (strncasecmp(other, d->input, d->len) != 0)
			return;
		for (k = 0; k < common && other[k] == first[k]; k++)
			;
		common = k;
	}
	while (common > 0 && (first[common] & 0xc0) == 0x80)
		common--;			/* whole characters only */
	if (common > d->len && common < FD_INPUT_MAX) {
		memcpy(d->input, first, common);
		d->len = common;
		d->input[common] = '\0';
		fd_filter(d);
	}
}

/* Append a typed character as UTF-8. */
static void
fd_add(struct fdlg *d, int key)
{
	char u[4];
	size_t n;

	if (key < 0x20 || key == 0x7f || key >= 0x110000)
		return;
	if (key < 0x80) {
		u[0] = (char)key;
		n = 1;
	} else if (key < 0x800) {
		u[0] = (char)(0xc0 | key >> 6);
		u[1] = (char)(0x80 | (key & 0x3f));
		n = 2;
	} else if (key < 0x10000) {
		u[0] = (char)(0xe0 | key >> 12);
		u[1] = (char)(0x80 | (key >> 6 & 0x3f));
		u[2] = (char)(0x80 | (key & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | key >> 18);
		u[1] = (char)(0x80 | (key >> 12 & 0x3f));
		u[2] = (char)(0x80 | (key >> 6 & 0x3f));
		u[3] = (char)(0x80 | (key & 0x3f));
		n = 4;
	}
	if (d->len + n >= FD_INPUT_MAX)
		return;
	memcpy(d->input + d->len, u, n);
	d->len += n;
	d->input[d->len] = '\0';
	fd_filter(d);
}

/* Remove the last typed character (all its bytes). */
static void
fd_back(struct fdlg *d)
{
	while (d->len > 0 && (d->input[d->len - 1] & 0xc0) == 0x80)
		d->len--;
	if (d->len > 0)
		d->len--;
	d->input[d->len] = '\0';
	fd_filter(d);
}

/* Draw: what choosing does, the typed text, the matching folders. */
static void
fd_draw(struct screen *s, int top, int rows)
{
	struct fdlg *d = s->data;
	int cols = term_cols(), x, y, i, list = rows - 3;
	const struct folder *f;

	term_put(top, 1, cols - 2, AT_BOLD, d->title);
	x = 1 + term_put(top + 1, 1, cols - 2, AT_BOLD, _("Folder: "));
	x += term_put(top + 1, x, cols - x, AT_NORMAL, d->input);
	term_cursor(top + 1, x < cols ? x : cols - 1, 1);
	if (!d->loaded) {
		term_put(top + 3, 2, cols - 2, AT_DIM, d->failed ?
		    _("The folders could not be loaded.") :
		    _("Loading folders…"));
		return;
	}
	if (d->nmatch == 0)
		term_put(top + 3, 2, cols - 2, AT_DIM, _("No folder matches."));
	if (d->cursor >= d->top + list)
		d->top = d->cursor - list + 1;
	for (y = 0, i = d->top; y < list && i < d->nmatch; y++, i++) {
		f = &d->list[d->match[i]];
		if (i == d->cursor)
			term_fill(top + 3 + y, AT_REVERSE);
		term_put(top + 3 + y, 2, cols - 3, i == d->cursor ? AT_REVERSE :
		    d->exclude && strcmp(f->raw, d->exclude) == 0 ? AT_DIM :
		    AT_NORMAL, f->name);
	}
}

/* Enter: choose the folder under the cursor. */
static void
fd_choose(struct screen *s)
{
	struct fdlg *d = s->data;
	void (*done)(struct app *, void *, const char *) = d->done;
	struct app *a = s->app;
	const struct folder *f;
	char *raw;
	void *arg;

	if (!d->loaded || d->nmatch == 0)
		return;
	f = &d->list[d->match[d->cursor]];
	if (d->exclude != NULL && strcmp(f->raw, d->exclude) == 0) {
		app_message(a, 1, _("The message is in %s already; choose "
		    "another folder."), f->name);
		return;
	}
	raw = xstrdup(f->raw);
	arg = d->arg;
	d->arg = NULL;
	app_pop(a);
	done(a, arg, raw);
	free(arg);
	free(raw);
}

/* Every key goes to the dialog. */
static int
fd_key(struct screen *s, int key)
{
	struct fdlg *d = s->data;

	if (key == K_ESC) {
		app_message(s->app, 0, "%s", _("cancelled"));
		app_pop(s->app);
	} else if (key == K_ENTER)
		fd_choose(s);
	else if (key == K_TAB)
		fd_complete(d);
	else if (key == K_BACKSPACE)
		fd_back(d);
	else if (key == K_UP && d->cursor > 0)
		d->cursor--;
	else if (key == K_DOWN && d->cursor + 1 < d->nmatch)
		d->cursor++;
	else if (key != K_RESIZE && key < KEY_CODE_BASE)
		fd_add(d, key);
	return 1;
}

/* Operations never reach the dialog (it takes every key). */
static int
fd_op(struct screen *s, enum op op)
{
	return 1;
}

/* The folder list when it comes. */
static void
fd_event(struct screen *s, const struct event *ev)
{
	struct fdlg *d = s->data;

	if (ev->account != d->account || d->loaded)
		return;
	if (ev->type == EV_FOLDERS)
		fd_take(d, ev);
	else if (ev->type == EV_ERROR)
		d->failed = 1;
	app_dirty(s->app);
}

/* The title bar. */
static char *
fd_title(struct screen *s)
{
	return xstrdup(_("choose a folder"));
}

/* Free the dialog. */
static void
fd_free(struct screen *s)
{
	struct fdlg *d;
	size_t i;

	if (s == NULL)
		return;
	d = s->data;
	for (i = 0; i < d->n; i++) {
		free(d->list[i].name);
		free(d->list[i].raw);
	}
	free(d->list);
	free(d->match);
	free(d->title);
	free(d->exclude);
	free(d->arg);
	free(d);
	free(s);
}

static const struct screen_ops fd_ops = {
	.name = "folder",
	.ctx = KC_GLOBAL,
	.draw = fd_draw,
	.op = fd_op,
	.key = fd_key,
	.event = fd_event,
	.title = fd_title,
	.free = fd_free,
};

/* Choose a folder of account (not exclude); done(app, arg, raw) runs
 * with the choice. arg (heap memory) is free()d with the dialog. */
struct screen *
dlg_folder_new(struct app *a, int account, const char *title,
    const char *exclude, void (*done)(struct app *, void *, const char *),
    void *arg)
{
	struct fdlg *d = xcalloc(1, sizeof(*d));

	d->account = account;
	d->title = xstrdup(title);
	d->exclude = exclude ? xstrdup(exclude) : NULL;
	d->done = done;
	d->arg = arg;
	worker_list(a->workers[account]);
	return screen_new(&fd_ops, a, d);
}
