/* send_stub.c: TEMPORARY stand-ins for the send engine's client/submit.c
 * (branch `send`) so that the compose UI builds
 * before the engine lands. Nothing here sends or pretends to: every
 * operation fails with a sentence saying so. Deleted when `send` is
 * merged. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "submit.h"
#include "xmalloc.h"

/* The one answer of every stand-in. */
static enum status
stub_fail(char **errstr)
{
	*errstr = xstrdup("sending is not built in yet (the send engine has "
	    "not been merged)");
	return ST_USAGE;
}

enum status
submit_send(const struct account *a, const char *m, size_t len,
    const struct envelope_out *env, const struct submit_opts *o,
    int *queued, char **warning, char **errstr)
{
	*queued = 0;
	return stub_fail(errstr);
}

enum status
submit_route_probe(const struct account *a, struct submit_route *r,
    char **errstr)
{
	memset(r, 0, sizeof(*r));
	return stub_fail(errstr);
}

void
submit_route_clear(struct submit_route *r)
{
	if (r == NULL)
		return;
	free(r->host);
	free(r->tls_version);
	free(r->summary);
	memset(r, 0, sizeof(*r));
}

enum status
submit_flush(const struct account *a, const struct submit_opts *o,
    size_t *sent, size_t *left, char **errstr)
{
	*sent = *left = 0;
	return stub_fail(errstr);
}

enum status
outbox_count(const struct account *a, size_t *n, char **errstr)
{
	*n = 0;
	return ST_OK;
}

enum status
draft_postpone(const struct account *a, const char *m, size_t len,
    char **errstr)
{
	return stub_fail(errstr);
}
