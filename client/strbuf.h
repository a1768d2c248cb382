/* strbuf.h: a growable byte buffer, always NUL-terminated, for building
 * decoded text piece by piece.
 *
 * Error contract: none; allocation failure is fatal (xmalloc.h). */
#ifndef STARLING_STRBUF_H
#define STARLING_STRBUF_H

#include <stddef.h>

struct strbuf {
	char	*s;		/* NUL-terminated; NULL until the first add */
	size_t	 len;
	size_t	 cap;
};

void	 strbuf_add(struct strbuf *, const void *, size_t);
void	 strbuf_addc(struct strbuf *, char);
void	 strbuf_adds(struct strbuf *, const char *);
void	 strbuf_addf(struct strbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 strbuf_add_cp(struct strbuf *, unsigned long);
char	*strbuf_take(struct strbuf *, size_t *);
void	 strbuf_clear(struct strbuf *);

#endif
