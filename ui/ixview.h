/* ixview.h: what order the message index shows a folder in: the folder's
 * own, or a view the server computed (sort, threads, a search limit) as
 * rows of sequence numbers, kept right while messages are expunged.
 *
 * Rows are 0-based; sequence numbers 1-based. Without a view, row i is
 * message i + 1. ixview_request() asks the worker for the view its spec
 * describes (or drops the view when the spec is the folder's own order);
 * ixview_take() accepts the matching EV_VIEW and ignores stale ones.
 *
 * Error contract: ixview_new() returns the view and, for a `sort` setting
 * it does not know, a newly allocated, translated sentence in *errstr
 * (the view then starts in arrival order). Nothing else fails. */
#ifndef STARLING_IXVIEW_H
#define STARLING_IXVIEW_H

#include <stdint.h>

#include "worker.h"

struct ixview;

struct ixview	*ixview_new(const char *, char **);
void		 ixview_free(struct ixview *);
struct view_spec *ixview_spec(struct ixview *);
int		 ixview_request(struct ixview *, struct worker *);
void		 ixview_drop(struct ixview *);
int		 ixview_take(struct ixview *, const struct event *);
int		 ixview_count(const struct ixview *, int);
uint32_t	 ixview_seq(const struct ixview *, int);
int		 ixview_depth(const struct ixview *, int);
int		 ixview_row_of(const struct ixview *, uint32_t, int);
int		 ixview_expunge(struct ixview *, uint32_t, int);
int		 ixview_active(const struct ixview *);
char		*ixview_label(const struct ixview *, int);

#endif
