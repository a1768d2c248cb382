/* transit_view.h: the transit lock for people (client/transit.h has the
 * facts): the index's one-character mark, the legend of the marks for the
 * help screen, and the pager's lines: a summary, each hop from the sender
 * to you with its TLS facts, and the Authentication-Results in words.
 *
 * Marks are text first (colour is extra): T every hop between servers
 * encrypted, W encrypted but with TLS older than 1.2 somewhere, ! a hop in
 * the clear, L never left one server, ? not known.
 *
 * Lines are handed to a callback with their attribute; what came from a
 * message is sanitised (ui/text.c) before it is handed out.
 *
 * Error contract: nothing here fails (allocation failure is fatal). */
#ifndef STARLING_TRANSIT_VIEW_H
#define STARLING_TRANSIT_VIEW_H

#include "term.h"
#include "transit.h"

struct transit_view;

/* A line: its text and attribute. */
typedef void (*transit_view_add_fn)(void *, const char *, enum attr);
/* A line of the legend: a mark ("T"; NULL for a heading or a note), its
 * text, the attribute. */
typedef void (*transit_view_legend_fn)(void *, const char *, const char *,
    enum attr);

char		 transit_view_mark(enum transit_mark, enum attr *);
void		 transit_view_legend(transit_view_legend_fn, void *);
struct transit_view *transit_view_new(const struct transit *);
void		 transit_view_lines(const struct transit_view *,
		     transit_view_add_fn, void *);
void		 transit_view_free(struct transit_view *);

#endif
