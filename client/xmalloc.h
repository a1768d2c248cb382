/* xmalloc.h: allocation that never returns NULL, and fatal errors.
 *
 * Error contract: allocation failure is fatal (the process exits with a
 * message); fatalx() is for broken invariants, i.e. bugs. Nothing here
 * returns an error to the caller. */
#ifndef STARLING_XMALLOC_H
#define STARLING_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
char *xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));
void xwipe(void *, size_t);
void xfree_secret(char *);
void fatalx(const char *, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
