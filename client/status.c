/* status.c: names of outcomes, for logs and JSON. */
#include "build-config.h"

#include "status.h"

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
