/* scr_pager.c: one message: its headers, a blank line, then the MIME
 * document (mime.h): the chosen text parts, our notes (dim), forwarded
 * messages marked and indented with their own headers, and the list of
 * attachments (v lists them to choose one, s saves).
 *
 * The message is laid out into screen lines once per terminal width:
 * sanitised (nothing from a message reaches the terminal as control
 * characters), tabs expanded, wrapped by display width at spaces, and
 * hard-broken where a word is wider than the screen, never inside a
 * character. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "localbox.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "transit_view.h"
#include "xmalloc.h"

#define PG_TAB		8
#define PG_MAX_INDENT	8	/* levels of nesting shown as "| " */

struct pg_line {
	char		*text;		/* sanitised */
	size_t		 bold;		/* leading bytes drawn bold */
	enum attr	 attr;		/* for the rest */
	int		 indent;	/* "| " drawn this many times first */
};

struct pager {
	int		 account;
	char		*raw;		/* the folder the message is in */
	uint32_t	 seq;
	int		 loaded;	/* EV_MESSAGE arrived */
	int		 pending;	/* the message was asked for */
	int		 lost;		/* IMAP was down since */
	struct message	 msg;		/* a deep copy */
	struct transit_view *transit;	/* hops and results, in words */
	char		*subject;	/* for the title, or NULL */
	struct pg_line	*lines;
	size_t		 nlines;
	size_t		 cap;
	int		 width;		/* the lines are wrapped at; 0: none */
	int		 indent;	/* of the lines being added */
	int		 top;
	int		 rows;		/* content rows at the last draw */
};

/* Ask for the message; after a reconnection, open its folder first. */
static void
pg_request(struct screen *s, int reselect)
{
	struct pager *pg = s->data;

	if (reselect)
		worker_select(s->app->workers[pg->account], pg->raw);
	worker_message(s->app->workers[pg->account], pg->seq);
	pg->pending = 1;
}

/* Forget the laid-out lines. */
static void
pg_lines_clear(struct pager *pg)
{
	size_t i;

	for (i = 0; i < pg->nlines; i++)
		free(pg->lines[i].text);
	free(pg->lines);
	pg->lines = NULL;
	pg->nlines = pg->cap = 0;
}

/* Append a screen line (takes text). */
static void
pg_add(struct pager *pg, char *text, size_t bold, enum attr at)
{
	if (pg->nlines == pg->cap) {
		pg->cap = pg->cap ? pg->cap * 2 : 64;
		pg->lines = xreallocarray(pg->lines, pg->cap,
		    sizeof(*pg->lines));
	}
	pg->lines[pg->nlines].text = text;
	pg->lines[pg->nlines].bold = bold;
	pg->lines[pg->nlines].attr = at;
	pg->lines[pg->nlines].indent = pg->indent;
	pg->nlines++;
}

/* Where to end the first screen line of s: after the last space that
 * fits in width columns, else after the last character that fits, else
 * after one character (so that every line makes progress). */
static size_t
pg_break(const char *s, int width)
{
	size_t cut = 0, brk = 0, n;
	int used = 0, w;

	while (s[cut] != '\0') {
		n = text_next(s + cut, &w);
		if (used + w > width)
			break;
		used += w;
		cut += n;
		if (s[cut - n] == ' ')
			brk = cut;
	}
	if (s[cut] == '\0')
		return cut;
	if (brk > 0)
		return brk;
	return cut > 0 ? cut : text_next(s, &w);
}

/* Append sanitised text wrapped at width columns. */
static void
pg_wrap(struct pager *pg, const char *s, size_t bold, enum attr at,
    int width)
{
	size_t n;

	width -= 2 * pg->indent;
	if (width < 2)
		width = 2;
	do {
		n = pg_break(s, width);
		pg_add(pg, xstrndup(s, n), bold < n ? bold : n, at);
		bold = bold > n ? bold - n : 0;
		s += n;
	} while (*s != '\0');
}

/* A sanitised copy of one line with tabs expanded to stops of 8
 * (linear: a hostile line of a million tabs must not stall us). */
static char *
pg_expand(const char *line)
{
	size_t len = strlen(line), tabs = 0, o = 0, n;
	const char *p, *tab;
	char *out, *seg, *clean;
	int col = 0, pad;

	for (p = line; (p = strchr(p, '\t')) != NULL; p++)
		tabs++;
	/* text_sanitize() grows a byte to at most 4 ('?' for bad ones). */
	out = xmalloc(len * 4 + tabs * PG_TAB + 1);
	for (p = line; p != NULL; p = tab ? tab + 1 : NULL) {
		tab = strchr(p, '\t');
		seg = tab ? xstrndup(p, (size_t)(tab - p)) : xstrdup(p);
		clean = text_sanitize(seg);
		n = strlen(clean);
		memcpy(out + o, clean, n);
		o += n;
		col += text_width(clean);
		for (pad = tab ? PG_TAB - col % PG_TAB : 0; pad > 0; pad--) {
			out[o++] = ' ';
			col++;
		}
		free(seg);
		free(clean);
	}
	out[o] = '\0';
	return out;
}

/* The bytes of a header line's name and colon ("Subject:"), or 0. */
static size_t
pg_header_name(const char *line)
{
	size_t n = strcspn(line, ": \t");

	return n > 0 && line[n] == ':' ? n + 1 : 0;
}

/* Append text, line by line, wrapped; headers get bold names. */
static void
pg_add_text(struct pager *pg, const char *text, int headers, enum attr at)
{
	const char *p = text, *nl;
	char *raw, *line;
	size_t len;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		raw = xstrndup(p, len);
		line = pg_expand(raw);
		pg_wrap(pg, line, headers ? pg_header_name(line) : 0, at,
		    pg->width);
		free(line);
		free(raw);
		p = nl ? nl + 1 : p + strlen(p);
	}
}

/* One block of the document: headers with bold names, notes dim, the
 * start of a forwarded message as a rule; a blank line where the kind
 * of block changes. */
static void
pg_add_block(struct pager *pg, const struct mime_block *b,
    enum mime_kind prev)
{
	char *rule;

	pg->indent = b->depth < PG_MAX_INDENT ? b->depth : PG_MAX_INDENT;
	if ((b->kind == MIME_TEXT && prev != MIME_NOTE) ||
	    b->kind == MIME_MARK || (b->kind == MIME_NOTE &&
	    prev == MIME_TEXT)) {
		pg->indent = b->kind == MIME_MARK ? pg->indent - 1 : pg->indent;
		pg_add(pg, xstrdup(""), 0, AT_NORMAL);
		pg->indent = b->depth < PG_MAX_INDENT ? b->depth :
		    PG_MAX_INDENT;
	}
	switch (b->kind) {
	case MIME_HEADER:
		pg_add_text(pg, b->text, 1, AT_NORMAL);
		break;
	case MIME_TEXT:
		pg_add_text(pg, b->text, 0, AT_NORMAL);
		break;
	case MIME_NOTE:
		pg_add_text(pg, b->text, 0, AT_DIM);
		break;
	case MIME_MARK:
		rule = xasprintf("--- %s ---", b->text);
		pg_add_text(pg, rule, 0, AT_BOLD);
		free(rule);
		break;
	}
}

/* The list of attachments at the end, with the keys that use it. */
static void
pg_add_attachments(struct pager *pg, const struct mime_doc *d)
{
	char *line, *size;
	size_t i;

	pg->indent = 0;
	pg_add(pg, xstrdup(""), 0, AT_NORMAL);
	/* TRANSLATORS: the heading of the attachment list in the pager;
	 * v and s are the default keys. */
	line = xasprintf(ngettext("Attachments (%zu; v: list, s: save):",
	    "Attachments (%zu; v: list, s: save):", d->natts), d->natts);
	pg_add_text(pg, line, 0, AT_BOLD);
	free(line);
	for (i = 0; i < d->natts; i++) {
		size = attach_size(d->atts[i].size);
		line = xasprintf("%3zu %s  [%s, %s]", i + 1,
		    d->atts[i].name[0] ? d->atts[i].name : _("(no name)"),
		    d->atts[i].type, size);
		pg_add_text(pg, line, 0, AT_NORMAL);
		free(line);
		free(size);
	}
}

/* The document after the message's own headers. */
static void
pg_add_doc(struct pager *pg, const struct mime_doc *d)
{
	enum mime_kind prev = MIME_NOTE;	/* no blank line first */
	int text = 0;
	char *note;
	size_t i;

	for (i = 0; i < d->nblocks; i++) {
		if (d->blocks[i].kind == MIME_HEADER && d->blocks[i].depth == 0)
			continue;	/* in msg.headers, shown above */
		pg_add_block(pg, &d->blocks[i], prev);
		prev = d->blocks[i].kind;
		text |= prev == MIME_TEXT;
	}
	pg->indent = 0;
	if (!text) {
		/* TRANSLATORS: %s is a MIME type such as "image/png". */
		note = xasprintf(_("[no text to show: %s]"), d->type ?
		    d->type : "text/plain");
		pg_add_text(pg, note, 0, AT_DIM);
		free(note);
	}
	if (d->natts > 0)
		pg_add_attachments(pg, d);
}

/* A transit line (transit_view.c), wrapped like the rest. */
static void
pg_add_transit(void *arg, const char *text, enum attr at)
{
	pg_add_text(arg, text, 0, at);
}

/* Lay the message out for the current width. */
static void
pg_layout(struct pager *pg, int width)
{
	pg_lines_clear(pg);
	pg->width = width > 2 ? width : 2;
	pg->indent = 0;
	pg_add_text(pg, pg->msg.headers, 1, AT_NORMAL);
	transit_view_lines(pg->transit, pg_add_transit, pg);
	pg_add(pg, xstrdup(""), 0, AT_NORMAL);
	if (pg->msg.doc != NULL)
		pg_add_doc(pg, pg->msg.doc);
	else
		pg_add_text(pg, pg->msg.body, 0, AT_NORMAL);
}

/* The largest useful first line. */
static int
pg_max_top(const struct pager *pg)
{
	return (int)pg->nlines > pg->rows ? (int)pg->nlines - pg->rows : 0;
}

/* Draw one laid-out line: its bold header name, then the rest. */
static void
pg_draw_line(const struct pg_line *l, int y)
{
	char *name;
	int x = 0, i;

	for (i = 0; i < l->indent; i++)
		x += term_put(y, x, term_cols() - x, AT_DIM, "| ");
	if (l->bold > 0) {
		name = xstrndup(l->text, l->bold);
		x += term_put(y, x, term_cols() - x, AT_BOLD, name);
		free(name);
	}
	term_put(y, x, term_cols() - x, l->attr, l->text + l->bold);
}

/* Draw the visible lines, or what we are waiting for. */
static void
pg_draw(struct screen *s, int top, int rows)
{
	struct pager *pg = s->data;
	int y;

	pg->rows = rows;
	if (!pg->loaded) {
		term_put(top + 1, 2, term_cols() - 2, AT_DIM, pg->pending ?
		    _("Loading…") : pg->lost ?
		    _("Not connected; the message loads once IMAP is ready.") :
		    _("The message could not be loaded."));
		return;
	}
	if (pg->width != term_cols())
		pg_layout(pg, term_cols());
	if (pg->top > pg_max_top(pg))
		pg->top = pg_max_top(pg);
	for (y = 0; y < rows && (size_t)(pg->top + y) < pg->nlines; y++)
		pg_draw_line(&pg->lines[pg->top + y], top + y);
}

/* v: the attachment list; s: save (the only one at once, else choose
 * from the list). */
static void
pg_attachments(struct screen *s, enum op op)
{
	struct pager *pg = s->data;
	const struct mime_doc *d = pg->msg.doc;

	if (!pg->loaded || d == NULL || d->natts == 0) {
		app_message(s->app, 0, "%s", _("this message has no "
		    "attachments"));
		return;
	}
	if (op == OP_SAVE_ATTACHMENT && d->natts == 1)
		attach_save_ask(s->app, &d->atts[0]);
	else
		app_push(s->app, scr_attach_new(s->app, d, 0));
}

/* Scroll for a navigation operation. */
static int
pg_op(struct screen *s, enum op op)
{
	struct pager *pg = s->data;
	int page = pg->rows > 1 ? pg->rows - 1 : 1, t = pg->top;

	switch (op) {
	case OP_UP: t--; break;
	case OP_DOWN: t++; break;
	case OP_PAGE_UP: t -= page; break;
	case OP_PAGE_DOWN: t += page; break;
	case OP_TOP: t = 0; break;
	case OP_BOTTOM: t = pg_max_top(pg); break;
	case OP_REPLY:
	case OP_REPLY_ALL:
	case OP_FORWARD:
		compose_reply(s->app, pg->account, pg->raw, pg->seq, op);
		break;
	case OP_ATTACHMENTS:
	case OP_SAVE_ATTACHMENT:
		pg_attachments(s, op);
		return 1;
	default: return 0;
	}
	if (t > pg_max_top(pg))
		t = pg_max_top(pg);
	pg->top = t < 0 ? 0 : t;
	return 1;
}

/* The Subject header's value, or NULL. */
static char *
pg_subject(const char *headers)
{
	const char *p = headers;
	size_t len;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, "Subject:", 8) == 0) {
			p += 8;
			p += strspn(p, " \t");
			len = strcspn(p, "\r\n");
			return xstrndup(p, len);
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return NULL;
}

/* Keep a deep copy of the message. */
static void
pg_take(struct pager *pg, const struct event *ev)
{
	const struct message *m = &ev->msg;

	pg->msg.headers = xstrdup(m->headers ? m->headers : "");
	pg->msg.body = xstrdup(m->body ? m->body : "");
	pg->msg.content_type = m->content_type ? xstrdup(m->content_type) :
	    NULL;
	pg->msg.auth_results = m->auth_results ? xstrdup(m->auth_results) :
	    NULL;
	pg->msg.doc = m->doc ? mime_doc_copy(m->doc) : NULL;
	pg->subject = pg_subject(pg->msg.headers);
	pg->transit = transit_view_new(m->transit);
	pg->loaded = 1;
	pg->pending = 0;
	pg->width = 0;
	pg->top = 0;
}

/* IMAP changed state: load the message again once it is back. */
static void
pg_service(struct screen *s)
{
	struct pager *pg = s->data;

	if (localbox_is(pg->raw))
		return;
	if (app_imap_back(s->app, pg->account, &pg->lost) && !pg->loaded &&
	    !pg->pending)
		pg_request(s, 1);
}

/* The message, a failure, or a reconnection. */
static void
pg_event(struct screen *s, const struct event *ev)
{
	struct pager *pg = s->data;

	if (ev->account != pg->account)
		return;
	switch (ev->type) {
	case EV_MESSAGE:
		if (ev->seq != pg->seq || pg->loaded || (ev->folder != NULL &&
		    strcmp(ev->folder, pg->raw) != 0))
			return;
		pg_take(pg, ev);
		break;
	case EV_ERROR:
		pg->pending = 0;
		break;
	case EV_SERVICE:
		if (ev->service == SERVICE_IMAP)
			pg_service(s);
		break;
	default:
		return;
	}
	app_dirty(s->app);
}

/* "account: subject", or the message number while loading. */
static char *
pg_title(struct screen *s)
{
	struct pager *pg = s->data;
	const struct account *acct = app_account(s->app, pg->account);
	const char *name = acct ? acct->name : "?";

	if (pg->subject != NULL && pg->subject[0] != '\0')
		return xasprintf("%s: %s", name, pg->subject);
	return xasprintf(_("%s: message %u"), name, (unsigned)pg->seq);
}

/* Free the screen. */
static void
pg_free(struct screen *s)
{
	struct pager *pg;

	if (s == NULL)
		return;
	pg = s->data;
	pg_lines_clear(pg);
	free(pg->msg.headers);
	free(pg->msg.body);
	free(pg->msg.content_type);
	transit_view_free(pg->transit);
	free(pg->msg.auth_results);
	mime_doc_free(pg->msg.doc);
	free(pg->subject);
	free(pg->raw);
	free(pg);
	free(s);
}

static const struct screen_ops pg_ops = {
	"pager", KC_PAGER, pg_draw, pg_op, NULL, pg_event, pg_title, pg_free
};

/* Message seq of a folder (already open); asks the worker for it at once. */
struct screen *
scr_pager_new(struct app *a, int account, const char *raw, uint32_t seq)
{
	struct pager *pg = xcalloc(1, sizeof(*pg));
	struct screen *s = screen_new(&pg_ops, a, pg);

	pg->account = account;
	pg->raw = xstrdup(raw);
	pg->seq = seq;
	pg->rows = term_rows() > 3 ? term_rows() - 3 : 1;
	pg->lost = !localbox_is(raw) && app_imap_down(a, account);
	pg_request(s, 0);
	return s;
}

/* For the guide: 1 if s is a pager with its message loaded, with *ar set
 * to the message's Authentication-Results (NULL if it has none); else 0. */
int
scr_pager_auth_results(struct screen *s, const char **ar)
{
	struct pager *pg = s->data;

	if (s->ops != &pg_ops || !pg->loaded)
		return 0;
	*ar = pg->msg.auth_results;
	return 1;
}
