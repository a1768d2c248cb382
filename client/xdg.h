/* xdg.h: where starling keeps its files (XDG base directories).
 *
 * Error contract: xdg_path() never fails (allocation is fatal);
 * xdg_mkparent() returns 0, or -1 with *errstr set to a newly allocated,
 * translated sentence. */
#ifndef STARLING_XDG_H
#define STARLING_XDG_H

char	*xdg_path(const char *, const char *, const char *);
int	 xdg_mkparent(const char *, char **);

#endif
