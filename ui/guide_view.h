/* guide_view.h: the guide's blocks (client/guide.h) laid out in rows for
 * a width, by display width: the guide screen draws them, `starling
 * guide` prints them. No curses here.
 *
 * Error contract: none (allocation is fatal). */
#ifndef STARLING_GUIDE_VIEW_H
#define STARLING_GUIDE_VIEW_H

#include <stddef.h>

#include "guide.h"

struct gv_row {
	const struct guide_block *block;	/* the block it comes from */
	int		 x;		/* column of the tag, or of the text */
	char		*tag;		/* on the block's first row, or NULL */
	int		 textx;		/* column of the text */
	char		*text;		/* sanitised */
};

size_t	guide_view_layout(const struct guide *, int, struct gv_row **);
void	guide_view_free(struct gv_row *, size_t);
char	*guide_view_line(const struct gv_row *);

#endif
