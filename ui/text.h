/* text.h: text for the terminal, by display width (no curses here).
 *
 * Strings are UTF-8. Everything shown on screen passes through
 * text_sanitize() first: control characters and escape sequences from a
 * server or a message never reach the terminal.
 *
 * Error contract: none of these fail (allocation is fatal). */
#ifndef STARLING_TEXT_H
#define STARLING_TEXT_H

#include <stddef.h>

char	*text_sanitize(const char *);
int	 text_width(const char *);
char	*text_fit(const char *, int, int);
size_t	 text_next(const char *, int *);
size_t	 text_wrap(const char *, int);
void	 text_set_ascii(int);

#endif
