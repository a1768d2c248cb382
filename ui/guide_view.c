/* guide_view.c: lay the guide's blocks out in rows of a width. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "guide_view.h"
#include "text.h"
#include "xmalloc.h"

#define GV_INDENT	2	/* paragraphs, dialogue lines, items */
#define GV_WIRE_TAGW	11	/* "[plain] S: " */
#define GV_ITEM_TAGW	8	/* "[PLAIN] " */
#define GV_MIN_TEXT	10	/* narrower screens still make progress */

struct gv_rows {
	struct gv_row	*v;
	size_t		 n;
	size_t		 cap;
};

/* Append a row; tag is copied, text taken over. */
static void
gv_push(struct gv_rows *r, const struct guide_block *b, int x,
    const char *tag, int textx, char *text)
{
	struct gv_row *row;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 128;
		r->v = xreallocarray(r->v, r->cap, sizeof(*r->v));
	}
	row = &r->v[r->n++];
	row->block = b;
	row->x = x;
	row->tag = tag ? text_sanitize(tag) : NULL;
	row->textx = textx;
	row->text = text;
}

/* Where a block starts (its tag, else its text). */
static int
gv_indent(enum guide_kind kind)
{
	return kind == GB_TITLE || kind == GB_STEP || kind == GB_EXAMPLE ||
	    kind == GB_BLANK ? 0 : GV_INDENT;
}

/* Where the text of a block starts. */
static int
gv_textx(const struct guide_block *b)
{
	int x = gv_indent(b->kind), w;

	if (b->kind == GB_WIRE)
		return x + GV_WIRE_TAGW;
	if (b->kind != GB_ITEM || b->tag == NULL)
		return x;
	w = text_width(b->tag) + 1;
	return x + (w <= 2 ? 2 : w <= GV_ITEM_TAGW ? GV_ITEM_TAGW : w);
}

/* One block as rows: its text wrapped by display width, the tag on the
 * first row only. */
static void
gv_block(struct gv_rows *r, const struct guide_block *b, int width)
{
	int textx = gv_textx(b), avail = width - textx;
	char *clean = text_sanitize(b->text), *p = clean;
	const char *tag = b->tag;
	size_t n;

	if (avail < GV_MIN_TEXT)
		avail = GV_MIN_TEXT;
	do {
		n = text_wrap(p, avail);
		gv_push(r, b, gv_indent(b->kind), tag, textx, xstrndup(p, n));
		tag = NULL;
		for (p += n; *p == ' '; p++)
			;
	} while (*p != '\0');
	free(clean);
}

/* The guide in rows of width columns; the number of rows. */
size_t
guide_view_layout(const struct guide *g, int width, struct gv_row **rows)
{
	struct gv_rows r;
	const struct guide_block *b;
	size_t i;

	memset(&r, 0, sizeof(r));
	for (i = 0; (b = guide_block(g, i)) != NULL; i++)
		gv_block(&r, b, width);
	*rows = r.v;
	return r.n;
}

/* Free rows; accepts NULL. */
void
guide_view_free(struct gv_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows != NULL && i < n; i++) {
		free(rows[i].tag);
		free(rows[i].text);
	}
	free(rows);
}

/* A row as one line of plain text: indent, tag, text; no trailing
 * spaces. */
char *
guide_view_line(const struct gv_row *row)
{
	const char *tag = row->tag ? row->tag : "";
	int pad = row->textx - row->x - text_width(tag);
	char *line;
	size_t len;

	if (*row->text == '\0')
		pad = 0;
	line = xasprintf("%*s%s%*s%s", row->x, "", tag, pad > 0 ? pad : 0, "",
	    row->text);
	len = strlen(line);
	while (len > 0 && line[len - 1] == ' ')
		line[--len] = '\0';
	return line;
}
