/* xmalloc.c: allocation that never fails and wiping of secrets. */
#include "build-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Exit with a message: used for bugs and allocation failure. */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fputs("starling: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(70);
}

/* Allocate size bytes or die. */
void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		fatalx("out of memory (%zu bytes)", size);
	return p;
}

/* Allocate n zeroed elements of size bytes or die. */
void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		fatalx("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

/* Resize an array of n elements of size bytes or die. */
void *
xreallocarray(void *old, size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("array too large (%zu x %zu)", n, size);
	p = realloc(old, n * size != 0 ? n * size : 1);
	if (p == NULL)
		fatalx("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

/* Copy a string or die. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Copy at most n bytes of a string, always terminated, or die. */
char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Format into a new string or die. */
char *
xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		fatalx("out of memory formatting a string");
	return p;
}

/* Format into a new string or die. */
char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

/* Overwrite memory so that the compiler cannot skip it. */
void
xwipe(void *p, size_t len)
{
	if (p == NULL)
		return;
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, len);
#else
	volatile unsigned char *v = p;
	while (len--)
		*v++ = 0;
#endif
}

/* Wipe and free a string that held a secret; accepts NULL. */
void
xfree_secret(char *s)
{
	if (s == NULL)
		return;
	xwipe(s, strlen(s));
	free(s);
}
