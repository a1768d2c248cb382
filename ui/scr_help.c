/* scr_help.c: the keys of the screen it was opened from, generated from
 * the active bindings (the defaults and the user's keys file): key,
 * operation, description, aligned by display width. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "transit_view.h"
#include "xmalloc.h"

#define HELP_KEY_MAX	14	/* widest key column */
#define HELP_OP_MAX	18	/* widest operation column */

/* One row: a binding (key, op, a piece of its description) or a heading. */
struct help_row {
	char		*key;		/* NULL: heading, more */
	char		*op;
	char		*text;
	enum attr	 attr;
};

struct help {
	enum key_context ctx;		/* opened from */
	struct key_help	*keys;
	size_t		 nkeys;
	struct help_row	*rows;
	size_t		 nrows;
	int		 keyw, opw;	/* column widths */
	int		 width;		/* rows built for it */
	int		 top;
	int		 body;
};

/* Drop the rows. */
static void
help_rows_clear(struct help *h)
{
	size_t i;

	for (i = 0; i < h->nrows; i++) {
		free(h->rows[i].key);
		free(h->rows[i].op);
		free(h->rows[i].text);
	}
	free(h->rows);
	h->rows = NULL;
	h->nrows = 0;
}

/* Append a row; the strings are copied (key and op may be NULL). */
static void
help_row(struct help *h, const char *key, const char *op, const char *text,
    enum attr attr)
{
	struct help_row *r;

	h->rows = xreallocarray(h->rows, h->nrows + 1, sizeof(*h->rows));
	r = &h->rows[h->nrows++];
	r->key = key ? text_sanitize(key) : NULL;
	r->op = op ? text_sanitize(op) : NULL;
	r->text = text_sanitize(text ? text : "");
	r->attr = attr;
}

/* The key and operation columns: as wide as their widest entry, capped. */
static void
help_widths(struct help *h)
{
	size_t i;
	int w;

	h->keyw = text_width(_("Key"));
	h->opw = text_width(_("Operation"));
	for (i = 0; i < h->nkeys; i++) {
		if ((w = text_width(h->keys[i].key)) > h->keyw)
			h->keyw = w;
		if (h->keys[i].op && (w = text_width(h->keys[i].op)) > h->opw)
			h->opw = w;
	}
	if (h->keyw > HELP_KEY_MAX)
		h->keyw = HELP_KEY_MAX;
	if (h->opw > HELP_OP_MAX)
		h->opw = HELP_OP_MAX;
}

/* One binding; its description wrapped in the last column. */
static void
help_build_key(struct help *h, const struct key_help *k)
{
	int width = h->width - (2 + h->keyw + 2 + h->opw + 2);
	const char *key = k->key, *op = k->op ? k->op : "";
	char *desc = text_sanitize(k->desc ? k->desc : ""), *p = desc, *part;
	size_t n;

	if (width < 10)
		width = 10;
	do {
		n = text_wrap(p, width);
		part = xstrndup(p, n);
		help_row(h, key, key ? op : NULL, part, AT_NORMAL);
		free(part);
		key = NULL;
		for (p += n; *p == ' '; p++)
			;
	} while (*p != '\0');
	free(desc);
}

/* The heading of a group of bindings. */
static char *
help_heading(enum key_context ctx)
{
	if (ctx == KC_GLOBAL)
		return xstrdup(_("Keys everywhere (global)"));
	/* TRANSLATORS: %s is a context name of the keys file, untranslated. */
	return xasprintf(_("Keys on this screen (%s)"), keys_context_name(ctx));
}

/* The bindings that come from one context, under a heading. */
static void
help_build_group(struct help *h, enum key_context ctx)
{
	char *heading;
	size_t i, n = 0;

	for (i = 0; i < h->nkeys; i++)
		n += h->keys[i].ctx == ctx;
	if (n == 0)
		return;
	if (h->nrows > 0)
		help_row(h, NULL, NULL, "", AT_NORMAL);
	heading = help_heading(ctx);
	help_row(h, NULL, NULL, heading, AT_BOLD);
	free(heading);
	help_row(h, _("Key"), _("Operation"), _("What it does"), AT_DIM);
	for (i = 0; i < h->nkeys; i++)
		if (h->keys[i].ctx == ctx)
			help_build_key(h, &h->keys[i]);
}

/* Text across the width (no key), wrapped. */
static void
help_build_text(struct help *h, const char *text, enum attr attr)
{
	char *clean = text_sanitize(text), *p = clean, *part;
	size_t n;

	do {
		n = text_wrap(p, h->width > 10 ? h->width : 10);
		part = xstrndup(p, n);
		help_row(h, NULL, NULL, part, attr);
		free(part);
		for (p += n; *p == ' '; p++)
			;
	} while (*p != '\0');
	free(clean);
}

/* Where the bindings can be changed, and how. */
static void
help_build_footer(struct help *h)
{
	char *path = keys_default_path(), *s;

	/* TRANSLATORS: keep "bind %2$s KEY OPERATION": it is the syntax of
	 * the keys file; %2$s is a context name such as "index". */
	s = xasprintf(_("Change these in %1$s with lines such as: "
	    "bind %2$s KEY OPERATION"), path ? path : "keys",
	    keys_context_name(h->ctx));
	help_row(h, NULL, NULL, "", AT_NORMAL);
	help_build_text(h, s, AT_DIM);
	free(s);
	free(path);
}

/* A line of the index's legend of transit marks (transit_view.c): a
 * mark in the key column, or a heading or note across. */
static void
help_add_legend(void *arg, const char *mark, const char *text,
    enum attr attr)
{
	struct key_help k;

	if (mark == NULL) {
		help_build_text(arg, text, attr);
		return;
	}
	memset(&k, 0, sizeof(k));
	k.key = (char *)mark;
	k.op = "";
	k.desc = text;
	help_build_key(arg, &k);
}

/* Build the rows for a width: this screen's keys, then the global ones. */
static void
help_build(struct help *h, int width)
{
	help_rows_clear(h);
	h->width = width;
	if (h->nkeys == 0)
		help_build_text(h, _("No keys are bound here."), AT_DIM);
	if (h->ctx != KC_GLOBAL)
		help_build_group(h, h->ctx);
	help_build_group(h, KC_GLOBAL);
	if (h->ctx == KC_INDEX) {
		help_row(h, NULL, NULL, "", AT_NORMAL);
		transit_view_legend(help_add_legend, h);
	}
	help_build_footer(h);
}

/* Draw one row: a heading at the left, or the three columns. */
static void
help_draw_row(const struct help *h, const struct help_row *r, int y)
{
	int cols = term_cols(), x = 2 + h->keyw + 2;

	if (r->op == NULL && r->key == NULL && r->attr != AT_NORMAL) {
		term_put(y, 0, cols, r->attr, r->text);
		return;
	}
	if (r->key != NULL)
		term_put(y, 2, h->keyw, r->attr == AT_DIM ? AT_DIM : AT_BOLD,
		    r->key);
	if (r->op != NULL)
		term_put(y, x, h->opw, r->attr, r->op);
	x += h->opw + 2;
	term_put(y, x, cols - x, r->attr, r->text);
}

/* Keep the first row within the rows. */
static void
help_clamp(struct help *h)
{
	int max = (int)h->nrows - h->body;

	if (h->top > max)
		h->top = max;
	if (h->top < 0)
		h->top = 0;
}

/* Draw the rows that fit. */
static void
help_draw(struct screen *s, int top, int rows)
{
	struct help *h = s->data;
	int i;

	if (h->width != term_cols())
		help_build(h, term_cols());
	h->body = rows;
	help_clamp(h);
	for (i = 0; i < rows && (size_t)(h->top + i) < h->nrows; i++)
		help_draw_row(h, &h->rows[h->top + i], top + i);
}

/* Scrolling; everything else (q, ...) is for the global handling. */
static int
help_op(struct screen *s, enum op op)
{
	struct help *h = s->data;
	int count = (int)h->nrows - h->body + 1, dummy = 0;

	return list_move(&h->top, &dummy, count > 1 ? count : 1, h->body, op);
}

/* "help: certificate". */
static char *
help_title(struct screen *s)
{
	struct help *h = s->data;
	const char *name = keys_context_name(h->ctx);

	return xasprintf(_("help: %s"), name ? name : "?");
}

/* Free the screen. */
static void
help_free(struct screen *s)
{
	struct help *h = s->data;

	help_rows_clear(h);
	keys_help_free(h->keys, h->nkeys);
	free(h);
	free(s);
}

static const struct screen_ops help_ops = {
	.name = "help",
	.ctx = KC_HELP,
	.draw = help_draw,
	.op = help_op,
	.title = help_title,
	.free = help_free,
};

/* The help for the screen whose context is ctx. */
struct screen *
scr_help_new(struct app *a, enum key_context ctx)
{
	struct help *h = xcalloc(1, sizeof(*h));

	h->ctx = ctx;
	h->nkeys = keys_help(a->keys, ctx, &h->keys);
	h->width = -1;
	help_widths(h);
	return screen_new(&help_ops, a, h);
}
