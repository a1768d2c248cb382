/* scr_index.c: a folder's messages, fetched a window at a time.
 *
 * Envelopes live in a sparse array indexed by sequence number - 1; only
 * the rows on screen plus a margin are fetched, starting at the newest
 * message (the cursor starts on the last one, as in mutt). Search is done
 * here, over the envelopes fetched so far, with a one-line prompt. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "localbox.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

#define IX_MARGIN	20	/* rows fetched beyond the screen, each side */
#define IX_DATE_W	10	/* "2024-01-31" */
#define IX_SIZE_W	5	/* "1023K" */
#define IX_FROM_W	20

struct ix_env {
	time_t		 date;
	char		*from;
	char		*subject;
	uint32_t	 size;
	unsigned	 flags;
};

struct index {
	int		  account;
	char		 *raw;		/* the server's folder name */
	char		 *display;	/* UTF-8 for people */
	int		  open;		/* EV_SELECTED arrived */
	int		  pending;	/* a SELECT was asked for */
	int		  lost;		/* the connection dropped since */
	int		  exists;
	struct ix_env	**envs;		/* [exists]; NULL: not fetched */
	unsigned char	 *asked;	/* [exists]: a FETCH was asked for */
	int		  cursor;
	int		  top;
	int		  rows;		/* content rows at the last draw */
	int		  prompting;	/* the search prompt is open */
	char		  input[256];	/* what is typed at the prompt */
	size_t		  ilen;
	char		 *pattern;	/* the last search */
};

/* Free one envelope record (NULL is fine). */
static void
ix_env_free(struct ix_env *e)
{
	if (e == NULL)
		return;
	free(e->from);
	free(e->subject);
	free(e);
}

/* Forget every envelope; make room for exists of them. */
static void
ix_reset(struct index *ix, int exists)
{
	int i;

	for (i = 0; i < ix->exists; i++)
		ix_env_free(ix->envs[i]);
	free(ix->envs);
	free(ix->asked);
	ix->exists = exists;
	ix->envs = xcalloc(exists > 0 ? (size_t)exists : 1, sizeof(*ix->envs));
	ix->asked = xcalloc(exists > 0 ? (size_t)exists : 1, 1);
}

/* Ask the worker to open the folder. */
static void
ix_select(struct screen *s)
{
	struct index *ix = s->data;

	worker_select(s->app->workers[ix->account], ix->raw);
	ix->pending = 1;
}

/* Keep the cursor on screen, and the screen full when it can be. */
static void
ix_scroll(struct index *ix)
{
	if (ix->cursor < ix->top)
		ix->top = ix->cursor;
	if (ix->cursor >= ix->top + ix->rows)
		ix->top = ix->cursor - ix->rows + 1;
	if (ix->top + ix->rows > ix->exists)
		ix->top = ix->exists > ix->rows ? ix->exists - ix->rows : 0;
}

/* Fetch what the screen shows plus a margin, where not yet asked for. */
static void
ix_fetch(struct screen *s)
{
	struct index *ix = s->data;
	int first = ix->top - IX_MARGIN, last = ix->top + ix->rows + IX_MARGIN;
	int i, run;

	if (!ix->open || ix->lost)
		return;
	if (first < 0)
		first = 0;
	if (last > ix->exists)
		last = ix->exists;
	for (i = first; i < last; i = run) {
		for (; i < last && ix->asked[i]; i++)
			;
		for (run = i; run < last && !ix->asked[run]; run++)
			ix->asked[run] = 1;
		if (run > i)
			worker_envelopes(s->app->workers[ix->account],
			    (uint32_t)i + 1, (uint32_t)run);
	}
}

/* The folder is open: start over with the newest message under the cursor. */
static void
ix_selected(struct screen *s, const struct event *ev)
{
	struct index *ix = s->data;
	int first = !ix->open, exists = (int)ev->fstate.exists;

	if (ev->folder == NULL || strcmp(ev->folder, ix->raw) != 0)
		return;
	ix_reset(ix, exists);
	ix->open = 1;
	ix->pending = 0;
	ix->lost = 0;
	if (first || ix->cursor >= exists)
		ix->cursor = exists > 0 ? exists - 1 : 0;
	ix_scroll(ix);
	ix_fetch(s);
}

/* Keep a deep copy of each envelope the worker sent. */
static void
ix_envelopes(struct index *ix, const struct event *ev)
{
	const struct envelope *src;
	struct ix_env *e;
	size_t i;

	if (!ix->open || ev->folder == NULL || strcmp(ev->folder, ix->raw))
		return;
	for (i = 0; i < ev->nenvs; i++) {
		src = &ev->envs[i];
		if (src->seq == 0 || src->seq > (uint32_t)ix->exists)
			continue;
		e = xcalloc(1, sizeof(*e));
		e->date = src->date;
		e->from = xstrdup(src->from ? src->from : "");
		e->subject = xstrdup(src->subject ? src->subject : "");
		e->size = src->size;
		e->flags = src->flags;
		ix_env_free(ix->envs[src->seq - 1]);
		ix->envs[src->seq - 1] = e;
		ix->asked[src->seq - 1] = 1;
	}
}

/* A request failed: what is missing may be asked for again later. */
static void
ix_error(struct index *ix)
{
	int i;

	ix->pending = 0;
	for (i = 0; i < ix->exists; i++)
		if (ix->envs[i] == NULL)
			ix->asked[i] = 0;
}

/* IMAP changed state: (re)open the folder once it is back. */
static void
ix_service(struct screen *s)
{
	struct index *ix = s->data;

	if (localbox_is(ix->raw))
		return;
	if (app_imap_back(s->app, ix->account, &ix->lost) && !ix->pending)
		ix_select(s);
}

/* Worker events for this account and folder. */
static void
ix_event(struct screen *s, const struct event *ev)
{
	struct index *ix = s->data;

	if (ev->account != ix->account)
		return;
	switch (ev->type) {
	case EV_SELECTED:
		ix_selected(s, ev);
		break;
	case EV_ENVELOPES:
		ix_envelopes(ix, ev);
		break;
	case EV_MESSAGE:
		/* The worker marked it read when it fetched it. */
		if (ev->folder != NULL && strcmp(ev->folder, ix->raw) == 0 &&
		    ev->seq >= 1 && (int)ev->seq <= ix->exists &&
		    ix->envs[ev->seq - 1] != NULL)
			ix->envs[ev->seq - 1]->flags |= MSG_SEEN;
		break;
	case EV_ERROR:
		ix_error(ix);
		break;
	case EV_SERVICE:
		if (ev->service == SERVICE_IMAP)
			ix_service(s);
		break;
	case EV_FETCHED:
		/* New mail in the local folder: open it again. */
		if (localbox_is(ix->raw) && !ix->pending)
			ix_select(s);
		break;
	default:
		return;
	}
	app_dirty(s->app);
}

/* The date column: today HH:MM, this year "Mon DD", else YYYY-MM-DD. */
static void
ix_date(time_t t, char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm, today;

	buf[0] = '\0';
	if (t == 0 || localtime_r(&t, &tm) == NULL ||
	    localtime_r(&now, &today) == NULL)
		return;
	if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
		strftime(buf, len, "%H:%M", &tm);
	else if (tm.tm_year == today.tm_year)
		strftime(buf, len, "%b %d", &tm);
	else
		strftime(buf, len, "%Y-%m-%d", &tm);
}

/* A size for people: 512, 1.2K, 34K, 5.6M, 1.1G. */
static void
ix_size(uint32_t n, char *buf, size_t len)
{
	if (n < 1024)
		snprintf(buf, len, "%u", (unsigned)n);
	else if (n < 10 * 1024)
		snprintf(buf, len, "%.1fK", n / 1024.0);
	else if (n < 1024 * 1024)
		snprintf(buf, len, "%uK", (unsigned)((n + 512) / 1024));
	else if (n < 10 * 1024 * 1024)
		snprintf(buf, len, "%.1fM", n / (1024.0 * 1024));
	else if (n < 1024u * 1024 * 1024)
		snprintf(buf, len, "%uM", (unsigned)(n / (1024 * 1024)));
	else
		snprintf(buf, len, "%.1fG", n / (1024.0 * 1024 * 1024));
}

/* The flags column: N unseen, D deleted or F flagged, r answered. */
static void
ix_flags(unsigned f, char buf[4])
{
	buf[0] = f & MSG_SEEN ? ' ' : 'N';
	buf[1] = f & MSG_DELETED ? 'D' : f & MSG_FLAGGED ? 'F' : ' ';
	buf[2] = f & MSG_ANSWERED ? 'r' : ' ';
	buf[3] = '\0';
}

/* One message's line, every column padded to its display width. */
static char *
ix_line(const struct ix_env *e, int from_w, int subj_w)
{
	char flags[4], date[64], size[16], *d, *fr, *su, *line;

	ix_flags(e->flags, flags);
	ix_date(e->date, date, sizeof(date));
	ix_size(e->size, size, sizeof(size));
	d = text_fit(date, IX_DATE_W, 1);
	fr = text_fit(e->from, from_w, 1);
	su = text_fit(e->subject, subj_w, 0);
	line = xasprintf(" %s %s %s %*s %s", flags, d, fr, IX_SIZE_W, size,
	    su);
	free(d);
	free(fr);
	free(su);
	return line;
}

/* Draw the row of message i (0-based) at y. */
static void
ix_draw_row(struct index *ix, int y, int i)
{
	int cols = term_cols(), fixed = 1 + 4 + IX_DATE_W + 1 + IX_SIZE_W + 2;
	int rest = cols - fixed, from_w, sel = i == ix->cursor;
	char *line;

	from_w = rest >= 50 ? IX_FROM_W : rest * 2 / 5;
	if (sel)
		term_fill(y, AT_REVERSE);
	if (ix->envs[i] == NULL) {
		term_put(y, 5, cols - 5, sel ? AT_REVERSE : AT_DIM,
		    term_utf8() ? "…" : "...");
		return;
	}
	line = ix_line(ix->envs[i], from_w, rest - from_w - 1);
	term_put(y, 0, cols, sel ? AT_REVERSE : ix->envs[i]->flags &
	    MSG_SEEN ? AT_NORMAL : AT_BOLD, line);
	free(line);
}

/* The search prompt on the last row of the screen. */
static void
ix_draw_prompt(struct index *ix, int y)
{
	int x;

	ix->input[ix->ilen] = '\0';
	term_fill(y, AT_NORMAL);
	x = term_put(y, 0, term_cols(), AT_BOLD, _("Search: "));
	x += term_put(y, x, term_cols() - x, AT_NORMAL, ix->input);
	term_cursor(y, x < term_cols() ? x : term_cols() - 1, 1);
}

/* Draw the messages, or what we are waiting for. */
static void
ix_draw(struct screen *s, int top, int rows)
{
	struct index *ix = s->data;
	int y;

	if (rows != ix->rows) {		/* first draw or a resize */
		ix->rows = rows;
		ix_scroll(ix);
		ix_fetch(s);
	}
	if (!ix->open)
		term_put(top + 1, 2, term_cols() - 2, AT_DIM, ix->pending ?
		    _("Opening the folder…") : ix->lost ?
		    _("Not connected; the folder opens once IMAP is ready.") :
		    _("The folder could not be opened."));
	else if (ix->exists == 0)
		term_put(top + 1, 2, term_cols() - 2, AT_DIM,
		    _("No messages in this folder."));
	for (y = 0; ix->open && y < rows && ix->top + y < ix->exists; y++)
		ix_draw_row(ix, top + y, ix->top + y);
	if (ix->prompting)
		ix_draw_prompt(ix, top + rows - 1);
}

/* Whether a fetched message matches the pattern (ASCII case folded). */
static int
ix_matches(const struct ix_env *e, const char *pat)
{
	return e != NULL && (strcasestr(e->subject, pat) != NULL ||
	    strcasestr(e->from, pat) != NULL);
}

/* Move to the next fetched message that matches, wrapping at the end. */
static void
ix_search(struct screen *s)
{
	struct index *ix = s->data;
	int k, i;

	if (ix->pattern == NULL || !ix->open || ix->exists == 0) {
		app_message(s->app, 1, "%s", _("No search pattern."));
		return;
	}
	for (k = 1; k <= ix->exists; k++) {
		i = (ix->cursor + k) % ix->exists;
		if (!ix_matches(ix->envs[i], ix->pattern))
			continue;
		if (i <= ix->cursor)
			app_message(s->app, 0, "%s", _("Search wrapped to top."));
		ix->cursor = i;
		ix_scroll(ix);
		ix_fetch(s);
		return;
	}
	app_message(s->app, 1, _("Not found among the loaded messages: %s"),
	    ix->pattern);
}

/* Add a typed character to the prompt, as UTF-8. */
static void
ix_input_add(struct index *ix, int c)
{
	char u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	if (ix->ilen + n < sizeof(ix->input)) {
		memcpy(ix->input + ix->ilen, u, n);
		ix->ilen += n;
	}
}

/* Remove the last character typed at the prompt. */
static void
ix_input_back(struct index *ix)
{
	while (ix->ilen > 0 && (ix->input[ix->ilen - 1] & 0xc0) == 0x80)
		ix->ilen--;
	if (ix->ilen > 0)
		ix->ilen--;
}

/* The prompt takes every key while it is open. */
static int
ix_key(struct screen *s, int key)
{
	struct index *ix = s->data;

	if (!ix->prompting)
		return 0;
	if (key == K_ENTER) {
		ix->prompting = 0;
		ix->input[ix->ilen] = '\0';
		if (ix->ilen > 0) {
			free(ix->pattern);
			ix->pattern = xstrdup(ix->input);
		}
		ix_search(s);
	} else if (key == K_ESC || key == 7)		/* C-g */
		ix->prompting = 0;
	else if (key == K_BACKSPACE)
		ix_input_back(ix);
	else if (key == 21)				/* C-u */
		ix->ilen = 0;
	else if (key >= 0x20 && key != 0x7f && key < 0x110000)
		ix_input_add(ix, key);
	return 1;
}

/* Handle an operation: movement, opening, search. */
static int
ix_op(struct screen *s, enum op op)
{
	struct index *ix = s->data;

	switch (op) {
	case OP_SELECT:
		if (ix->open && ix->exists > 0)
			app_push(s->app, scr_pager_new(s->app, ix->account,
			    ix->raw, (uint32_t)ix->cursor + 1));
		return 1;
	case OP_SEARCH:
		ix->prompting = 1;
		ix->ilen = 0;
		return 1;
	case OP_SEARCH_NEXT:
		ix_search(s);
		return 1;
	default:
		break;
	}
	if (!list_move(&ix->cursor, &ix->top, ix->exists, ix->rows, op))
		return 0;
	ix_fetch(s);
	return 1;
}

/* "account: folder (N messages)". */
static char *
ix_title(struct screen *s)
{
	struct index *ix = s->data;
	const struct account *acct = app_account(s->app, ix->account);
	const char *name = acct ? acct->name : "?";

	if (!ix->open)
		return xasprintf("%s: %s", name, ix->display);
	return xasprintf(ngettext("%s: %s (%d message)",
	    "%s: %s (%d messages)", (unsigned long)ix->exists), name,
	    ix->display, ix->exists);
}

/* Free the screen. */
static void
ix_free(struct screen *s)
{
	struct index *ix;

	if (s == NULL)
		return;
	ix = s->data;
	ix_reset(ix, 0);
	free(ix->envs);
	free(ix->asked);
	free(ix->raw);
	free(ix->display);
	free(ix->pattern);
	free(ix);
	free(s);
}

static const struct screen_ops ix_ops = {
	"index", KC_INDEX, ix_draw, ix_op, ix_key, ix_event, ix_title,
	ix_free
};

/* A folder's message index; asks the worker to open the folder at once. */
struct screen *
scr_index_new(struct app *a, int account, const char *raw,
    const char *display)
{
	struct index *ix = xcalloc(1, sizeof(*ix));
	struct screen *s = screen_new(&ix_ops, a, ix);

	ix->account = account;
	ix->raw = xstrdup(raw);
	ix->display = xstrdup(display ? display : raw);
	ix->rows = term_rows() > 3 ? term_rows() - 3 : 1;
	ix_reset(ix, 0);
	ix->lost = !localbox_is(raw) && app_imap_down(a, account);
	ix_select(s);
	return s;
}
