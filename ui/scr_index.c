/* scr_index.c: a folder's messages, fetched a window at a time.
 *
 * Envelopes live in a sparse array indexed by sequence number - 1; only
 * the rows on screen plus a margin are fetched (the worker serves them
 * from the header cache where it can), starting at the newest message
 * (the cursor starts on the last one, as in mutt); past IX_KEEP of them,
 * those far from the screen are dropped again. Search is done here, over
 * the envelopes loaded, with a one-line prompt. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "localbox.h"
#include "ixview.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "transit_view.h"
#include "xmalloc.h"

#define IX_MARGIN	20	/* rows fetched beyond the screen, each side */
#ifndef IX_KEEP
#define IX_KEEP		20000	/* envelopes kept; the farthest go beyond */
#endif
#define IX_DATE_W	10	/* "2024-01-31" */
#define IX_SIZE_W	5	/* "1023K" */
#define IX_FROM_W	20
#define IX_FLAGS_W	4	/* "NFDr" */
#define IX_DEPTH_MAX	8	/* deeper thread levels are drawn at this */
#define IX_MARK_X	(1 + IX_FLAGS_W + 1)	/* the transit mark, after " NFDr " */

struct ix_env {
	uint32_t	 uid;
	time_t		 date;
	char		*from;
	char		*subject;
	uint32_t	 size;
	unsigned	 flags;
	enum transit_mark transit;
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
	int		  loaded;	/* envs that are not NULL */
	unsigned char	 *asked;	/* [exists]: a FETCH was asked for */
	int		  cursor;
	int		  top;
	int		  rows;		/* content rows at the last draw */
	int		  moved;	/* fetch what shows at the next draw */
	int		  prompting;	/* a prompt is open: enum ix_prompt */
	char		  input[256];	/* what is typed at the prompt */
	size_t		  ilen;
	char		 *pattern;	/* the last search */
	unsigned	  find_serial;	/* of the last search asked of the server */
	int		  finding;	/* its answer is on its way */
	uint32_t	 *found;	/* what it found: seqs, ascending */
	size_t		  nfound;
	char		 *found_for;	/* the pattern of found; NULL: none */
	struct ixview	 *view;		/* order, threads, limit */
	int		  newmail;	/* arrived since the folder opened */
	uint32_t	 *expunge;	/* what $ asks to expunge */
	size_t		  nexpunge;
	int		  view_told;	/* a key asked for the view */
};

/* The prompts on the last row. */
enum ix_prompt {
	IX_PROMPT_NONE,
	IX_PROMPT_SEARCH,	/* / */
	IX_PROMPT_LIMIT,	/* l */
	IX_PROMPT_SORT,		/* o */
	IX_PROMPT_EXPUNGE,	/* $: yes or no */
};

static void ix_found_clear(struct index *);
static void ix_found(struct screen *, const struct event *);
static void ix_act_selected(struct screen *);
static int ix_act_event(struct screen *, const struct event *);
static int ix_act_op(struct screen *, enum op);
static int ix_act_key(struct screen *, int);
static void ix_act_prompt(struct index *, int);

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
	ix->loaded = 0;
	ix->exists = exists;
	ix->envs = xcalloc(exists > 0 ? (size_t)exists : 1, sizeof(*ix->envs));
	ix->asked = xcalloc(exists > 0 ? (size_t)exists : 1, 1);
}

/* How many rows the index shows (messages, or a view's rows). */
static int
ix_nrows(const struct index *ix)
{
	return ixview_count(ix->view, ix->exists);
}

/* The envelope on a row, or NULL while it is not fetched. */
static struct ix_env *
ix_row_env(const struct index *ix, int row)
{
	uint32_t seq = ixview_seq(ix->view, row);

	return seq >= 1 && seq <= (uint32_t)ix->exists ? ix->envs[seq - 1] :
	    NULL;
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
	if (ix->top + ix->rows > ix_nrows(ix))
		ix->top = ix_nrows(ix) > ix->rows ? ix_nrows(ix) - ix->rows : 0;
}

/* By value, for qsort. */
static int
ix_seq_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Ask for the messages of rows first..last-1 not yet asked for,
 * consecutive ones in one request. */
static void
ix_fetch_rows(struct screen *s, int first, int last)
{
	struct index *ix = s->data;
	uint32_t *want, seq;
	size_t n = 0, i, run;

	if (first < 0)
		first = 0;
	if (last > ix_nrows(ix))
		last = ix_nrows(ix);
	if (first >= last)
		return;
	want = xcalloc((size_t)(last - first), sizeof(*want));
	for (; first < last; first++) {
		seq = ixview_seq(ix->view, first);
		if (seq >= 1 && seq <= (uint32_t)ix->exists &&
		    !ix->asked[seq - 1]) {
			ix->asked[seq - 1] = 1;
			want[n++] = seq;
		}
	}
	qsort(want, n, sizeof(*want), ix_seq_cmp);
	for (i = 0; i < n; i = run) {
		for (run = i + 1; run < n && want[run] == want[run - 1] + 1;
		    run++)
			;
		worker_envelopes(s->app->workers[ix->account], want[i],
		    want[run - 1]);
	}
	free(want);
}

/* Fetch what the screen shows, then a margin on each side (asked for
 * after, so the screen fills first). */
static void
ix_fetch(struct screen *s)
{
	struct index *ix = s->data;
	int end = ix->top + ix->rows;

	if (!ix->open || ix->lost)
		return;
	ix_fetch_rows(s, ix->top, end);
	ix_fetch_rows(s, end, end + IX_MARGIN);
	ix_fetch_rows(s, ix->top - IX_MARGIN, ix->top);
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
	ix_found_clear(ix);
	ix->open = 1;
	ix->pending = 0;
	ix->lost = 0;
	if (first || ix->cursor >= exists)
		ix->cursor = exists > 0 ? exists - 1 : 0;
	ix_act_selected(s);
	ix_scroll(ix);
	ix_fetch(s);
}

/* Past IX_KEEP envelopes, forget those of rows far from the screen
 * (they are asked for again, from the header cache, when shown), so
 * that memory stays small however far one scrolls. */
static void
ix_evict(struct index *ix)
{
	unsigned char *keep;
	int first, last, i;
	uint32_t seq;

	if (ix->loaded <= IX_KEEP)
		return;
	keep = xcalloc((size_t)ix->exists, 1);
	first = ix->top - IX_KEEP / 4;
	last = ix->top + ix->rows + IX_KEEP / 4;
	for (i = first < 0 ? 0 : first; i < last && i < ix_nrows(ix); i++)
		if ((seq = ixview_seq(ix->view, i)) >= 1 &&
		    seq <= (uint32_t)ix->exists)
			keep[seq - 1] = 1;
	for (i = 0; i < ix->exists; i++)
		if (ix->envs[i] != NULL && !keep[i]) {
			ix_env_free(ix->envs[i]);
			ix->envs[i] = NULL;
			ix->asked[i] = 0;
			ix->loaded--;
		}
	free(keep);
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
		e->uid = src->uid;
		e->date = src->date;
		e->from = xstrdup(src->from ? src->from : "");
		e->subject = xstrdup(src->subject ? src->subject : "");
		e->size = src->size;
		e->flags = src->flags;
		e->transit = src->transit;
		if (ix->envs[src->seq - 1] == NULL)
			ix->loaded++;
		ix_env_free(ix->envs[src->seq - 1]);
		ix->envs[src->seq - 1] = e;
		ix->asked[src->seq - 1] = 1;
	}
	ix_evict(ix);
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
	if (ix_act_event(s, ev)) {
		app_dirty(s->app);
		return;
	}
	switch (ev->type) {
	case EV_SELECTED:
		ix_selected(s, ev);
		break;
	case EV_ENVELOPES:
		ix_envelopes(ix, ev);
		break;
	case EV_FOUND:
		ix_found(s, ev);
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

/* The flags column: N unseen, F flagged, D deleted, r answered. */
static void
ix_flags(unsigned f, char buf[IX_FLAGS_W + 1])
{
	buf[0] = f & MSG_SEEN ? ' ' : 'N';
	buf[1] = f & MSG_FLAGGED ? 'F' : ' ';
	buf[2] = f & MSG_DELETED ? 'D' : ' ';
	buf[3] = f & MSG_ANSWERED ? 'r' : ' ';
	buf[4] = '\0';
}

/* The subject, after a tree mark at its thread depth. */
static char *
ix_subject(const struct ix_env *e, int depth)
{
	char *pad, *s;

	if (depth <= 0)
		return xstrdup(e->subject);
	if (depth > IX_DEPTH_MAX)
		depth = IX_DEPTH_MAX;
	pad = xcalloc((size_t)depth * 2, 1);
	memset(pad, ' ', (size_t)(depth - 1) * 2);
	s = xasprintf("%s%s%s", pad, term_utf8() ? "\xe2\x94\x94\xe2\x94\x80>" :
	    "`->", e->subject);
	free(pad);
	return s;
}

/* One message's line, every column padded to its display width. */
static char *
ix_line(const struct ix_env *e, int depth, int from_w, int subj_w)
{
	char flags[IX_FLAGS_W + 1], date[64], size[16], *d, *fr, *su, *line;
	char *subject = ix_subject(e, depth);

	ix_flags(e->flags, flags);
	ix_date(e->date, date, sizeof(date));
	ix_size(e->size, size, sizeof(size));
	d = text_fit(date, IX_DATE_W, 1);
	fr = text_fit(e->from, from_w, 1);
	su = text_fit(subject, subj_w, 0);
	free(subject);
	line = xasprintf(" %s %c %s %s %*s %s", flags,
	    transit_view_mark(e->transit, NULL), d, fr, IX_SIZE_W, size, su);
	free(d);
	free(fr);
	free(su);
	return line;
}

/* Draw row i (0-based) at y; a deleted message is dimmed. */
static void
ix_draw_row(struct index *ix, int y, int i)
{
	int cols = term_cols(), fixed = 1 + IX_FLAGS_W + 1 + 2 + IX_DATE_W +
	    1 + IX_SIZE_W + 2;
	int rest = cols - fixed, from_w, sel = i == ix->cursor;
	const struct ix_env *e = ix_row_env(ix, i);
	char *line, mark[2];
	enum attr at;

	from_w = rest >= 50 ? IX_FROM_W : rest * 2 / 5;
	if (sel)
		term_fill(y, AT_REVERSE);
	if (e == NULL) {
		term_put(y, 6, cols - 6, sel ? AT_REVERSE : AT_DIM,
		    term_utf8() ? "…" : "...");
		return;
	}
	line = ix_line(e, ixview_depth(ix->view, i), from_w, rest - from_w - 1);
	term_put(y, 0, cols, sel ? AT_REVERSE : e->flags & MSG_DELETED ?
	    AT_DIM : e->flags & MSG_SEEN ? AT_NORMAL : AT_BOLD, line);
	free(line);
	mark[0] = transit_view_mark(e->transit, &at);
	mark[1] = '\0';
	if (!sel && cols > IX_MARK_X)
		term_put(y, IX_MARK_X, 1, at, mark);
}

/* The search prompt on the last row of the screen. */
static void
ix_draw_prompt(struct index *ix, int y)
{
	int x;

	ix->input[ix->ilen] = '\0';
	term_fill(y, AT_NORMAL);
	if (ix->prompting != IX_PROMPT_SEARCH) {
		ix_act_prompt(ix, y);
		return;
	}
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
		ix->moved = 1;
	}
	if (ix->moved) {
		ix->moved = 0;
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
	else if (ix_nrows(ix) == 0)
		term_put(top + 1, 2, term_cols() - 2, AT_DIM,
		    _("No message matches the limit (l with nothing typed "
		    "shows all)."));
	for (y = 0; ix->open && y < rows && ix->top + y < ix_nrows(ix); y++)
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

/* Is seq among what the server found? */
static int
ix_was_found(const struct index *ix, uint32_t seq)
{
	return ix->nfound > 0 && bsearch(&seq, ix->found, ix->nfound,
	    sizeof(*ix->found), ix_seq_cmp) != NULL;
}

/* Forget what the search found (the numbers moved). A search on its
 * way is still taken: its numbers count every change told before it. */
static void
ix_found_forget(struct index *ix)
{
	free(ix->found);
	free(ix->found_for);
	ix->found = NULL;
	ix->found_for = NULL;
	ix->nfound = 0;
}

/* Forget the search altogether (another folder, or the index closes). */
static void
ix_found_clear(struct index *ix)
{
	ix_found_forget(ix);
	ix->finding = 0;
}

/* Move to the next row after the cursor that matches (by what is loaded,
 * or by what the server found), wrapping at the end; 0 if none does,
 * -2 if none of the loaded rows does but some rows are not loaded. With
 * stop_unloaded, a row not loaded ends the search (-1): what it holds
 * is not known here. */
static int
ix_search_next(struct screen *s, int by_server, int stop_unloaded)
{
	struct index *ix = s->data;
	int k, i, hit, unloaded = 0;

	for (k = 1; k <= ix_nrows(ix); k++) {
		i = (ix->cursor + k) % ix_nrows(ix);
		if (!by_server && ix_row_env(ix, i) == NULL) {
			if (stop_unloaded)
				return -1;
			unloaded = 1;
		}
		hit = by_server ? ix_was_found(ix, ixview_seq(ix->view, i)) :
		    ix_matches(ix_row_env(ix, i), ix->pattern);
		if (!hit)
			continue;
		if (i <= ix->cursor)
			app_message(s->app, 0, "%s", _("Search wrapped to top."));
		ix->cursor = i;
		ix_scroll(ix);
		ix_fetch(s);
		return 1;
	}
	return unloaded ? -2 : 0;
}

/* Move to the next message that matches. The index looks itself through
 * the loaded rows after the cursor; the first row not loaded before a
 * match (and not the local folder) makes the server search the whole
 * folder once per pattern (SEARCH SUBJECT, FROM), and n walks what it
 * found until the folder's numbers change. */
static void
ix_search(struct screen *s)
{
	struct index *ix = s->data;
	int r;

	if (ix->pattern == NULL || !ix->open || ix_nrows(ix) == 0) {
		app_message(s->app, 1, "%s", _("No search pattern."));
		return;
	}
	if ((r = ix_search_next(s, 0, !localbox_is(ix->raw))) != -1) {
		if (r == 0)
			app_message(s->app, 1, _("Not found: %s"), ix->pattern);
		else if (r == -2)	/* the local folder */
			app_message(s->app, 1, _("Not found among the loaded "
			    "messages: %s"), ix->pattern);
		return;
	}
	if (ix->found_for != NULL && strcmp(ix->found_for, ix->pattern) == 0) {
		if (!ix_search_next(s, 1, 0))
			app_message(s->app, 1, _("Not found: %s"), ix->pattern);
		return;
	}
	ix_found_clear(ix);
	ix->finding = 1;
	worker_find(s->app->workers[ix->account], ix->pattern,
	    ++ix->find_serial);
	app_message(s->app, 0, _("Searching the whole folder for %s..."),
	    ix->pattern);
}

/* The server's answer to the last search: go to the first match. */
static void
ix_found(struct screen *s, const struct event *ev)
{
	struct index *ix = s->data;

	if (!ix->open || !ix->finding || ev->serial != ix->find_serial ||
	    ev->folder == NULL || strcmp(ev->folder, ix->raw) != 0)
		return;
	ix->finding = 0;
	ix->found = xcalloc(ev->nuids ? ev->nuids : 1, sizeof(*ix->found));
	if (ev->nuids > 0)
		memcpy(ix->found, ev->uids, ev->nuids * sizeof(*ix->found));
	ix->nfound = ev->nuids;
	ix->found_for = xstrdup(ev->text ? ev->text : "");
	if (ix->pattern == NULL || strcmp(ix->found_for, ix->pattern) != 0)
		return;
	/* TRANSLATORS: "3 messages match invoice". */
	app_message(s->app, 0, ngettext("%zu message matches %s",
	    "%zu messages match %s", ix->nfound), ix->nfound, ix->pattern);
	if (!ix_search_next(s, 1, 0))
		app_message(s->app, 1, _("Not found: %s"), ix->pattern);
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
	if (ix->prompting != IX_PROMPT_SEARCH)
		return ix_act_key(s, key);
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

	if (ix_act_op(s, op))
		return 1;
	switch (op) {
	case OP_SELECT:
		if (ix->open && ix_nrows(ix) > 0)
			app_push(s->app, scr_pager_new(s->app, ix->account,
			    ix->raw, ixview_seq(ix->view, ix->cursor)));
		return 1;
	case OP_SEARCH:
		ix->prompting = IX_PROMPT_SEARCH;
		ix->ilen = 0;
		return 1;
	case OP_SEARCH_NEXT:
		ix_search(s);
		return 1;
	case OP_REPLY:
	case OP_REPLY_ALL:
	case OP_FORWARD:
		if (ix->open && ix->exists > 0)
			compose_reply(s->app, ix->account, ix->raw,
			    (uint32_t)ix->cursor + 1, op);
		return 1;
	default:
		break;
	}
	if (!list_move(&ix->cursor, &ix->top, ix_nrows(ix), ix->rows, op))
		return 0;
	/* Fetched when drawn: of a burst of keys (a key held, 50 PgUp) only
	 * the screen it ends on is asked for, not every one it passed. */
	ix->moved = 1;
	return 1;
}

/* ------------------------------------------------- actions on messages */

/* What s and C hand to the folder dialog (free()d by it). */
struct ix_transfer {
	int		 account;
	uint32_t	 uid;
	int		 move;
};

/* The message under the cursor, or NULL with a sentence why not. */
static struct ix_env *
ix_act_current(struct screen *s)
{
	struct index *ix = s->data;
	struct ix_env *e;

	if (!ix->open || ix_nrows(ix) == 0) {
		app_message(s->app, 1, "%s", _("There is no message here."));
		return NULL;
	}
	if ((e = ix_row_env(ix, ix->cursor)) == NULL || e->uid == 0) {
		app_message(s->app, 1, "%s", _("This message is still "
		    "loading; try again in a moment."));
		return NULL;
	}
	return e;
}

/* N, F, d, u: ask the server to set (add) or clear a flag; add < 0
 * toggles. The row changes when the server confirms. */
static void
ix_act_flag(struct screen *s, unsigned flag, int add)
{
	struct index *ix = s->data;
	struct ix_env *e = ix_act_current(s);

	if (e == NULL)
		return;
	if (add < 0)
		add = !(e->flags & flag);
	worker_flags(s->app->workers[ix->account], e->uid, flag, add);
}

/* The folder was chosen: move or copy the message there. */
static void
ix_act_transfer_done(struct app *a, void *arg, const char *raw)
{
	struct ix_transfer *t = arg;

	worker_transfer(a->workers[t->account], t->uid, raw, t->move);
	app_message(a, 0, "%s", t->move ? _("Moving the message…") :
	    _("Copying the message…"));
}

/* s and C: choose a folder, then move or copy the message there. */
static void
ix_act_transfer(struct screen *s, int move)
{
	struct index *ix = s->data;
	struct ix_env *e = ix_act_current(s);
	struct ix_transfer *t;

	if (e == NULL)
		return;
	t = xcalloc(1, sizeof(*t));
	t->account = ix->account;
	t->uid = e->uid;
	t->move = move;
	app_push(s->app, dlg_folder_new(s->app, ix->account, move ?
	    _("Move the message to which folder?") :
	    _("Copy the message to which folder?"), ix->raw,
	    ix_act_transfer_done, t));
}

/* Keep the cursor on message seq (or the first row) in a new order. */
static void
ix_act_keep(struct screen *s, uint32_t seq)
{
	struct index *ix = s->data;
	int row = ixview_row_of(ix->view, seq, ix->exists);

	ix->cursor = row >= 0 ? row : 0;
	ix_scroll(ix);
	ix_fetch(s);
}

/* Ask for the view the spec now describes (the folder's own order is
 * shown at once); quiet: not asked by a key, so no messages about it. */
static void
ix_act_request(struct screen *s, int quiet)
{
	struct index *ix = s->data;
	uint32_t seq = ixview_seq(ix->view, ix->cursor);

	if (!ix->open)
		return;			/* asked for once the folder opens */
	if (ixview_request(ix->view, s->app->workers[ix->account])) {
		ix->view_told = !quiet;
		if (!quiet)
			app_message(s->app, 0, "%s", _("Asking the server…"));
	} else
		ix_act_keep(s, seq);
}

/* Open a prompt on the last row; the limit starts with its text. */
static void
ix_act_open_prompt(struct index *ix, enum ix_prompt p)
{
	const char *q = ixview_spec(ix->view)->query;

	ix->prompting = p;
	ix->ilen = 0;
	if (p == IX_PROMPT_LIMIT && q != NULL && strlen(q) < sizeof(ix->input)) {
		ix->ilen = strlen(q);
		memcpy(ix->input, q, ix->ilen);
	}
}

/* The index's action keys; 1 if op was one. */
static int
ix_act_op(struct screen *s, enum op op)
{
	struct index *ix = s->data;
	struct view_spec *vs = ixview_spec(ix->view);

	switch (op) {
	case OP_TOGGLE_NEW:
		ix_act_flag(s, MSG_SEEN, -1);
		break;
	case OP_FLAG:
		ix_act_flag(s, MSG_FLAGGED, -1);
		break;
	case OP_DELETE:
		ix_act_flag(s, MSG_DELETED, 1);
		if (ix->cursor + 1 < ix_nrows(ix))	/* as mutt does */
			list_move(&ix->cursor, &ix->top, ix_nrows(ix),
			    ix->rows, OP_DOWN);
		break;
	case OP_UNDELETE:
		ix_act_flag(s, MSG_DELETED, 0);
		break;
	case OP_EXPUNGE:
		if (ix->open) {
			worker_find_deleted(s->app->workers[ix->account]);
			app_message(s->app, 0, "%s", _("Looking for messages "
			    "marked deleted…"));
		}
		break;
	case OP_MOVE:
	case OP_COPY:
		ix_act_transfer(s, op == OP_MOVE);
		break;
	case OP_LIMIT:
		ix_act_open_prompt(ix, IX_PROMPT_LIMIT);
		break;
	case OP_SORT:
		ix_act_open_prompt(ix, IX_PROMPT_SORT);
		break;
	case OP_SORT_REVERSE:
		vs->reverse = !vs->reverse;
		ix_act_request(s, 0);
		break;
	case OP_THREADS:
		vs->threads = !vs->threads;
		ix_act_request(s, 0);
		break;
	default:
		return 0;
	}
	ix_fetch(s);
	return 1;
}

/* Make room for more messages (EXISTS). */
static void
ix_act_grow(struct index *ix, int exists)
{
	size_t old = (size_t)ix->exists, n = (size_t)exists;

	ix->envs = xreallocarray(ix->envs, n, sizeof(*ix->envs));
	ix->asked = xreallocarray(ix->asked, n, 1);
	memset(ix->envs + old, 0, (n - old) * sizeof(*ix->envs));
	memset(ix->asked + old, 0, n - old);
	ix->newmail += exists - ix->exists;
	ix->exists = exists;
}

/* Message seq was expunged: its row goes, the cursor stays on its
 * message (or the next one). */
static void
ix_act_expunged(struct index *ix, uint32_t seq)
{
	size_t i = seq - 1, after;
	int row;

	if (seq < 1 || seq > (uint32_t)ix->exists)
		return;
	row = ixview_expunge(ix->view, seq, ix->exists);
	after = (size_t)ix->exists - seq;
	if (ix->envs[i] != NULL)
		ix->loaded--;
	ix_env_free(ix->envs[i]);
	memmove(ix->envs + i, ix->envs + i + 1, after * sizeof(*ix->envs));
	memmove(ix->asked + i, ix->asked + i + 1, after);
	ix->exists--;
	if (row >= 0 && row < ix->cursor)
		ix->cursor--;
	if (ix->cursor >= ix_nrows(ix))
		ix->cursor = ix_nrows(ix) > 0 ? ix_nrows(ix) - 1 : 0;
}

/* New flags of a message: found by UID when the server gave one. */
static void
ix_act_flags(struct index *ix, const struct act_change *c)
{
	struct ix_env *e = NULL;
	int i;

	if (c->seq >= 1 && c->seq <= (uint32_t)ix->exists)
		e = ix->envs[c->seq - 1];
	if (c->uid != 0 && (e == NULL || e->uid != c->uid))
		for (e = NULL, i = 0; i < ix->exists && e == NULL; i++)
			if (ix->envs[i] != NULL && ix->envs[i]->uid == c->uid)
				e = ix->envs[i];
	if (e != NULL)
		e->flags = c->flags;
}

/* What the server said about the folder, applied in order. */
static void
ix_act_changes(struct screen *s, const struct event *ev)
{
	struct index *ix = s->data;
	const struct act_change *c;
	int grew = 0, i;
	size_t k;

	for (k = 0; k < ev->nchanges; k++) {
		c = &ev->changes[k];
		if (c->type != ACT_FLAGS)	/* the numbers moved */
			ix_found_forget(ix);
		if (c->type == ACT_EXISTS && c->seq > (uint32_t)ix->exists) {
			ix_act_grow(ix, (int)c->seq);
			grew = 1;
		} else if (c->type == ACT_EXPUNGE)
			ix_act_expunged(ix, c->seq);
		else if (c->type == ACT_FLAGS)
			ix_act_flags(ix, c);
	}
	for (i = 0; i < ix->exists; i++)	/* places moved: ask again */
		if (ix->envs[i] == NULL)
			ix->asked[i] = 0;
	if (grew && ixview_active(ix->view))
		ix_act_request(s, 1);		/* newcomers in their place */
	ix_scroll(ix);
	ix_fetch(s);
}

/* A view arrived: show it, the cursor on the same message. */
static void
ix_act_view(struct screen *s, const struct event *ev)
{
	struct index *ix = s->data;
	uint32_t seq = ixview_seq(ix->view, ix->cursor);
	char *label;

	if (!ixview_take(ix->view, ev))
		return;
	ix_act_keep(s, seq);
	if (ev->text != NULL)
		app_message(s->app, 0, "%s", ev->text);
	else if (ix->view_told &&
	    (label = ixview_label(ix->view, ix_nrows(ix))) != NULL) {
		app_message(s->app, 0, "%s", label);
		free(label);
	}
	ix->view_told = 0;
}

/* $: the messages marked deleted are known: ask before expunging. */
static void
ix_act_deleted(struct screen *s, const struct event *ev)
{
	struct index *ix = s->data;

	free(ix->expunge);
	ix->expunge = NULL;
	ix->nexpunge = 0;
	if (ev->nuids == 0) {
		app_message(s->app, 0, _("No message in %s is marked deleted "
		    "(d marks one)."), ix->display);
		return;
	}
	ix->expunge = xcalloc(ev->nuids, sizeof(*ix->expunge));
	memcpy(ix->expunge, ev->uids, ev->nuids * sizeof(*ix->expunge));
	ix->nexpunge = ev->nuids;
	ix->prompting = IX_PROMPT_EXPUNGE;
}

/* Events of the actions for this folder; 1 if taken. */
static int
ix_act_event(struct screen *s, const struct event *ev)
{
	struct index *ix = s->data;

	if (ev->folder == NULL || strcmp(ev->folder, ix->raw) != 0 ||
	    !ix->open)
		return 0;
	if (ev->type == EV_CHANGES)
		ix_act_changes(s, ev);
	else if (ev->type == EV_VIEW)
		ix_act_view(s, ev);
	else if (ev->type == EV_ACTION && ev->action == EVA_DELETED)
		ix_act_deleted(s, ev);
	else
		return 0;
	return 1;
}

/* The folder was (re)opened: the old view and questions are void. */
static void
ix_act_selected(struct screen *s)
{
	struct index *ix = s->data;

	ix->newmail = 0;
	if (ix->prompting == IX_PROMPT_EXPUNGE)
		ix->prompting = IX_PROMPT_NONE;
	ixview_drop(ix->view);
	if (ix->cursor >= ix_nrows(ix))
		ix->cursor = ix_nrows(ix) > 0 ? ix_nrows(ix) - 1 : 0;
	ix_act_request(s, 1);
}

/* The prompts of l, o and $ on row y. */
static void
ix_act_prompt(struct index *ix, int y)
{
	int cols = term_cols(), x;
	char *q;

	if (ix->prompting == IX_PROMPT_LIMIT) {
		x = term_put(y, 0, cols, AT_BOLD, _("Limit to (server search; "
		    "empty shows all): "));
		x += term_put(y, x, cols - x, AT_NORMAL, ix->input);
		term_cursor(y, x < cols ? x : cols - 1, 1);
	} else if (ix->prompting == IX_PROMPT_SORT)
		/* TRANSLATORS: keep the letters a, d, f, s, z: they are keys. */
		term_put(y, 0, cols, AT_BOLD, _("Sort by: (a)rrival (d)ate "
		    "(f)rom (s)ubject si(z)e; Esc: cancel"));
	else if (ix->prompting == IX_PROMPT_EXPUNGE) {
		/* TRANSLATORS: keep y and n: they are the keys. */
		q = xasprintf(ngettext("Expunge %zu message marked deleted "
		    "from %s for good? (y/n)", "Expunge %zu messages marked "
		    "deleted from %s for good? (y/n)", ix->nexpunge),
		    ix->nexpunge, ix->display);
		term_put(y, 0, cols, AT_BOLD, q);
		free(q);
	}
}

/* A key at the limit prompt. */
static void
ix_act_limit_key(struct screen *s, int key)
{
	struct index *ix = s->data;
	struct view_spec *vs = ixview_spec(ix->view);

	if (key == K_ENTER) {
		ix->prompting = IX_PROMPT_NONE;
		ix->input[ix->ilen] = '\0';
		free(vs->query);
		vs->query = ix->ilen > 0 ? xstrdup(ix->input) : NULL;
		ix_act_request(s, 0);
	} else if (key == K_ESC || key == 7)		/* C-g */
		ix->prompting = IX_PROMPT_NONE;
	else if (key == K_BACKSPACE)
		ix_input_back(ix);
	else if (key == 21)				/* C-u */
		ix->ilen = 0;
	else if (key >= 0x20 && key != 0x7f && key < 0x110000)
		ix_input_add(ix, key);
}

/* A key at the sort prompt: the letter of an order. */
static void
ix_act_sort_key(struct screen *s, int key)
{
	static const struct { int key; enum sort_key k; } map[] = {
		{ 'a', SORT_ARRIVAL }, { 'd', SORT_DATE }, { 'f', SORT_FROM },
		{ 's', SORT_SUBJECT }, { 'z', SORT_SIZE },
	};
	struct index *ix = s->data;
	size_t i;

	if (key == K_ESC || key == 7) {
		ix->prompting = IX_PROMPT_NONE;
		return;
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].key == key) {
			ix->prompting = IX_PROMPT_NONE;
			ixview_spec(ix->view)->sort = map[i].k;
			ixview_spec(ix->view)->threads = 0;	/* as mutt */
			ix_act_request(s, 0);
			return;
		}
	app_message(s->app, 1, "%s", _("Press a, d, f, s or z (Esc: cancel)."));
}

/* A key at the expunge question: y expunges, n or Esc does not. */
static void
ix_act_expunge_key(struct screen *s, int key)
{
	struct index *ix = s->data;

	if (key == 'y' || key == 'Y') {
		worker_expunge(s->app->workers[ix->account], ix->expunge,
		    ix->nexpunge);
		app_message(s->app, 0, "%s", _("Expunging…"));
	} else if (key == 'n' || key == 'N' || key == K_ESC || key == 7)
		app_message(s->app, 0, "%s", _("Nothing was expunged."));
	else
		return;
	ix->prompting = IX_PROMPT_NONE;
	free(ix->expunge);
	ix->expunge = NULL;
	ix->nexpunge = 0;
}

/* Keys at the prompts of l, o and $ (every key goes to them). */
static int
ix_act_key(struct screen *s, int key)
{
	struct index *ix = s->data;

	if (ix->prompting == IX_PROMPT_LIMIT)
		ix_act_limit_key(s, key);
	else if (ix->prompting == IX_PROMPT_SORT)
		ix_act_sort_key(s, key);
	else if (ix->prompting == IX_PROMPT_EXPUNGE)
		ix_act_expunge_key(s, key);
	return 1;
}

/* For the title: ", 2 new; by date" or NULL. */
static char *
ix_act_title(struct index *ix)
{
	char *label = ixview_label(ix->view, ix_nrows(ix)), *fresh, *t;

	if (ix->newmail <= 0 && label == NULL)
		return NULL;
	fresh = ix->newmail > 0 ? xasprintf(ngettext(", %d new", ", %d new",
	    (unsigned long)ix->newmail), ix->newmail) : xstrdup("");
	t = xasprintf("%s%s%s", fresh, label ? "; " : "", label ? label : "");
	free(fresh);
	free(label);
	return t;
}

/* "account: folder (N messages)". */
static char *
ix_title(struct screen *s)
{
	struct index *ix = s->data;
	const struct account *acct = app_account(s->app, ix->account);
	const char *name = acct ? acct->name : "?";

	char *extra, *t;

	if (!ix->open)
		return xasprintf("%s: %s", name, ix->display);
	if ((extra = ix_act_title(ix)) == NULL)
		return xasprintf(ngettext("%s: %s (%d message)",
		    "%s: %s (%d messages)", (unsigned long)ix->exists), name,
		    ix->display, ix->exists);
	/* TRANSLATORS: "work: INBOX (12 messages, 2 new; by date)". */
	t = xasprintf(ngettext("%s: %s (%d message%s)",
	    "%s: %s (%d messages%s)", (unsigned long)ix->exists), name,
	    ix->display, ix->exists, extra);
	free(extra);
	return t;
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
	ix_found_clear(ix);
	ixview_free(ix->view);
	free(ix->expunge);
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
	char *err;

	ix->account = account;
	ix->raw = xstrdup(raw);
	ix->display = xstrdup(display ? display : raw);
	ix->rows = term_rows() > 3 ? term_rows() - 3 : 1;
	ix_reset(ix, 0);
	ix->view = ixview_new(a->cfg->sort, &err);
	if (err != NULL) {
		app_message(a, 1, "%s", err);
		free(err);
	}
	ix->lost = !localbox_is(raw) && app_imap_down(a, account);
	ix_select(s);
	return s;
}
