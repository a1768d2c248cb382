/* ix_view.c: the message index's order: the folder's own, or a view. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "ixview.h"
#include "xmalloc.h"

struct ixview {
	struct view_spec	 spec;		/* asked for; query is ours */
	struct view_spec	 shown;		/* of the rows; query is ours */
	struct view_row		*rows;
	size_t			 n;
	int			 active;	/* rows replace the folder order */
	unsigned		 serial;	/* of the last request */
};

/* A view in the order the `sort` setting names (NULL: arrival). */
struct ixview *
ixview_new(const char *sort, char **errstr)
{
	struct ixview *v = xcalloc(1, sizeof(*v));

	*errstr = NULL;
	if (sort != NULL && sort_key_from_name(sort, &v->spec.sort,
	    &v->spec.reverse) == -1) {
		v->spec.sort = SORT_ARRIVAL;
		v->spec.reverse = 0;
		/* TRANSLATORS: keep the words arrival, date, ... as they are. */
		*errstr = xasprintf(_("sort = %s in the config is not an order "
		    "starling knows (arrival, date, from, subject or size, "
		    "each also as reverse-date and so on); showing arrival "
		    "order"), sort);
	}
	return v;
}

/* Free the view; accepts NULL. */
void
ixview_free(struct ixview *v)
{
	if (v == NULL)
		return;
	free(v->spec.query);
	free(v->shown.query);
	free(v->rows);
	free(v);
}

/* The spec, for the index to change before ixview_request(). */
struct view_spec *
ixview_spec(struct ixview *v)
{
	return &v->spec;
}

/* Is a spec the folder's own order (nothing to ask the server)? */
static int
ixview_plain_spec(const struct view_spec *vs)
{
	return vs->sort == SORT_ARRIVAL && !vs->reverse && !vs->threads &&
	    (vs->query == NULL || vs->query[0] == '\0');
}

/* Is the spec asked for the folder's own order? */
static int
ixview_plain(const struct ixview *v)
{
	return ixview_plain_spec(&v->spec);
}

/* The rows now shown are of this spec (copied). */
static void
ixview_set_shown(struct ixview *v, const struct view_spec *vs)
{
	free(v->shown.query);
	v->shown = *vs;
	v->shown.query = vs->query ? xstrdup(vs->query) : NULL;
}

/* Ask for the view the spec describes; 0 when none is needed (the
 * folder's own order is shown at once), 1 when asked. */
int
ixview_request(struct ixview *v, struct worker *w)
{
	v->serial++;
	if (ixview_plain(v)) {
		free(v->rows);
		v->rows = NULL;
		v->n = 0;
		v->active = 0;
		ixview_set_shown(v, &v->spec);
		return 0;
	}
	worker_view(w, &v->spec, v->serial);
	return 1;
}

/* Show the folder's own order until the next view arrives (the folder
 * was opened again: the rows' numbers mean nothing now). */
void
ixview_drop(struct ixview *v)
{
	free(v->rows);
	v->rows = NULL;
	v->n = 0;
	v->active = 0;
	v->serial++;
	free(v->shown.query);
	memset(&v->shown, 0, sizeof(v->shown));
}

/* Take an EV_VIEW that answers the last request; 1 if taken. */
int
ixview_take(struct ixview *v, const struct event *ev)
{
	if (ev->serial != v->serial || ixview_plain(v))
		return 0;
	free(v->rows);
	v->n = ev->nrows;
	v->rows = xcalloc(v->n ? v->n : 1, sizeof(*v->rows));
	if (v->n > 0)
		memcpy(v->rows, ev->rows, v->n * sizeof(*v->rows));
	v->active = 1;
	ixview_set_shown(v, &v->spec);
	return 1;
}

/* Is a view shown (rather than the folder's own order)? */
int
ixview_active(const struct ixview *v)
{
	return v->active;
}

/* How many rows the index has. */
int
ixview_count(const struct ixview *v, int exists)
{
	return v->active ? (int)v->n : exists;
}

/* The sequence number on a row (0 past the end). */
uint32_t
ixview_seq(const struct ixview *v, int row)
{
	if (row < 0)
		return 0;
	if (!v->active)
		return (uint32_t)row + 1;
	return (size_t)row < v->n ? v->rows[row].seq : 0;
}

/* The thread depth of a row. */
int
ixview_depth(const struct ixview *v, int row)
{
	if (!v->active || row < 0 || (size_t)row >= v->n)
		return 0;
	return v->rows[row].depth;
}

/* The row of message seq, or -1 when the view leaves it out. */
int
ixview_row_of(const struct ixview *v, uint32_t seq, int exists)
{
	size_t i;

	if (!v->active)
		return seq >= 1 && seq <= (uint32_t)exists ? (int)seq - 1 : -1;
	for (i = 0; i < v->n; i++)
		if (v->rows[i].seq == seq)
			return (int)i;
	return -1;
}

/* Message seq was expunged: drop its row, later messages move up. The
 * row it had, or -1. */
int
ixview_expunge(struct ixview *v, uint32_t seq, int exists)
{
	int row = ixview_row_of(v, seq, exists);
	size_t i, k = 0;

	if (!v->active)
		return row;
	for (i = 0; i < v->n; i++) {
		if (v->rows[i].seq == seq)
			continue;
		v->rows[k] = v->rows[i];
		if (v->rows[k].seq > seq)
			v->rows[k].seq--;
		k++;
	}
	v->n = k;
	return row;
}

/* An order's name for people. */
static const char *
ixview_sort_label(enum sort_key k)
{
	static const char *const label[SORT_COUNT] = {
		/* TRANSLATORS: sort orders in the index title: "by date". */
		[SORT_ARRIVAL] = N_("arrival"),
		[SORT_DATE] = N_("date"),
		[SORT_FROM] = N_("sender"),
		[SORT_SUBJECT] = N_("subject"),
		[SORT_SIZE] = N_("size"),
	};

	return (unsigned)k < SORT_COUNT ? _(label[k]) : "?";
}

/* For the title: "by date, reversed, threads, limit: x (3 shown)", or
 * NULL for the folder's own order: what is shown, not what was asked. */
char *
ixview_label(const struct ixview *v, int shown)
{
	char *s = xstrdup(""), *t;
	const char *sep = "";

	if (!v->shown.threads && (v->shown.sort != SORT_ARRIVAL ||
	    v->shown.reverse)) {
		free(s);
		/* TRANSLATORS: %s: arrival, date, sender, subject or size. */
		s = xasprintf(_("by %s"), ixview_sort_label(v->shown.sort));
		sep = ", ";
	}
	if (v->shown.reverse) {
		t = xasprintf("%s%s%s", s, sep, _("reversed"));
		free(s);
		s = t;
		sep = ", ";
	}
	if (v->shown.threads) {
		t = xasprintf("%s%s%s", s, sep, _("threads"));
		free(s);
		s = t;
		sep = ", ";
	}
	if (v->shown.query != NULL && v->shown.query[0] != '\0') {
		t = xasprintf(ngettext("%s%slimit: %s (%d shown)",
		    "%s%slimit: %s (%d shown)", (unsigned long)shown), s, sep,
		    v->shown.query, shown);
		free(s);
		s = t;
	}
	if (s[0] == '\0') {
		free(s);
		return NULL;
	}
	return s;
}
