/* status.c: names of outcomes, for logs and JSON; local file errors. */
#include "build-config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "xmalloc.h"

/* The stable name of an outcome. */
const char *
status_name(enum status st)
{
	switch (st) {
	case ST_OK:
		return "ok";
	case ST_USAGE:
		return "usage";
	case ST_NOT_ENCRYPTED:
		return "not-encrypted";
	case ST_TLS_FAILED:
		return "tls-failed";
	case ST_AUTH_REJECTED:
		return "auth-rejected";
	case ST_NETWORK:
		return "network";
	case ST_LOCAL:
		return "local";
	}
	return "unknown";
}

/* A failed system call on a local file, in words: ST_LOCAL. */
enum status
status_local(char **errstr, int err, const char *fmt, ...)
{
	char *what;
	va_list ap;

	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	*errstr = xasprintf("%s: %s", what, strerror(err));
	free(what);
	return ST_LOCAL;
}
