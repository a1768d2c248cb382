/* scr_attach.c: a message's attachments (name, type, size), and saving
 * one into a folder the user types (the input dialog, ~/Downloads or the
 * current folder by default). Names are sanitised for the screen by
 * term_put() and made safe for the file system by save_name(). */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "save.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

struct attach_list {
	const struct mime_doc	*doc;		/* the pager's; outlives us */
	int			 cursor;
	int			 top;
	int			 rows;
};

/* What the save dialog carries: a copy of the attachment. */
struct attach_job {
	char		*name;
	char		*data;
	size_t		 size;
};

/* A size for people: "512 bytes", "12.3 KiB", "20.0 MiB". */
char *
attach_size(size_t n)
{
	if (n < 1024)
		return xasprintf(ngettext("%zu byte", "%zu bytes", n), n);
	if (n < 1024 * 1024)
		return xasprintf("%.1f KiB", (double)n / 1024);
	return xasprintf("%.1f MiB", (double)n / (1024 * 1024));
}

/* Free a save job; accepts NULL. */
static void
attach_job_free(void *arg)
{
	struct attach_job *j = arg;

	if (j == NULL)
		return;
	free(j->name);
	free(j->data);
	free(j);
}

/* The folder was typed: save there and say where (or why not). */
static void
attach_save_done(struct app *a, void *arg, const char *dir)
{
	struct attach_job *j = arg;
	char *path = NULL, *err = NULL;

	if (save_file(dir, j->name, j->data, j->size, &path, &err) == ST_OK)
		app_message(a, 0, _("saved as %s"), path);
	else
		app_message(a, 1, "%s", err);
	free(path);
	free(err);
	attach_job_free(j);
}

/* Ask for the folder to save an attachment in. */
void
attach_save_ask(struct app *a, const struct mime_attachment *att)
{
	struct attach_job *j = xcalloc(1, sizeof(*j));
	char *dir = save_default_dir(), *safe = save_name(att->name), *text;

	j->name = xstrdup(att->name);
	j->data = xmalloc(att->size + 1);
	memcpy(j->data, att->data, att->size);
	j->size = att->size;
	/* TRANSLATORS: %s is the (safe) file name the attachment gets. */
	text = xasprintf(_("Save %s into which folder? An existing file is "
	    "never replaced: a number is added to the name instead."), safe);
	app_push(a, dlg_input_new(a, text, _("Folder: "), dir,
	    attach_save_done, j, attach_job_free));
	free(text);
	free(safe);
	free(dir);
}

/* Draw one row: number, name, then type and size at the right. */
static void
attach_draw_row(struct attach_list *l, int y, size_t i)
{
	const struct mime_attachment *att = &l->doc->atts[i];
	int cols = term_cols(), sel = (size_t)l->cursor == i, x, rw;
	enum attr at = sel ? AT_REVERSE : AT_NORMAL;
	char *size = attach_size(att->size), *right, *num;

	if (sel)
		term_fill(y, AT_REVERSE);
	num = xasprintf("%3zu ", i + 1);
	x = term_put(y, 0, cols, at, num);
	right = xasprintf("%s  %s", att->type, size);
	rw = text_width(right);
	term_put(y, x, cols - x - rw - 2, at, att->name[0] ? att->name :
	    _("(no name)"));
	term_put(y, cols - rw - 1, rw, sel ? AT_REVERSE : AT_DIM, right);
	free(num);
	free(right);
	free(size);
}

/* Draw the list. */
static void
attach_draw(struct screen *s, int top, int rows)
{
	struct attach_list *l = s->data;
	int y;

	l->rows = rows;
	if (l->doc->natts == 0) {
		term_put(top + 1, 2, term_cols() - 2, AT_DIM,
		    _("This message has no attachments."));
		return;
	}
	if (l->cursor >= l->top + rows)
		l->top = l->cursor - rows + 1;
	for (y = 0; y < rows && (size_t)(l->top + y) < l->doc->natts; y++)
		attach_draw_row(l, top + y, (size_t)(l->top + y));
}

/* Enter or s saves the attachment under the cursor; the rest moves. */
static int
attach_op(struct screen *s, enum op op)
{
	struct attach_list *l = s->data;

	if (op == OP_SELECT || op == OP_SAVE_ATTACHMENT) {
		if (l->doc->natts > 0)
			attach_save_ask(s->app, &l->doc->atts[l->cursor]);
		return 1;
	}
	if (op == OP_ATTACHMENTS)
		return 1;
	return list_move(&l->cursor, &l->top, (int)l->doc->natts, l->rows,
	    op);
}

/* "attachments (N)". */
static char *
attach_title(struct screen *s)
{
	struct attach_list *l = s->data;

	return xasprintf(_("attachments (%zu)"), l->doc->natts);
}

/* Free the screen (the document is the pager's). */
static void
attach_free(struct screen *s)
{
	if (s == NULL)
		return;
	free(s->data);
	free(s);
}

static const struct screen_ops attach_ops = {
	"attachments", KC_PAGER, attach_draw, attach_op, NULL, NULL,
	attach_title, attach_free
};

/* The attachments of a document that outlives the screen; the cursor
 * starts on the given one. */
struct screen *
scr_attach_new(struct app *a, const struct mime_doc *doc, int cursor)
{
	struct attach_list *l = xcalloc(1, sizeof(*l));

	l->doc = doc;
	l->cursor = cursor >= 0 && (size_t)cursor < doc->natts ? cursor : 0;
	l->rows = term_rows() > 3 ? term_rows() - 3 : 1;
	return screen_new(&attach_ops, a, l);
}
