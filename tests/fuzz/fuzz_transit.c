/* fuzz_transit.c: any header fields, in any order: no crash, and the
 * record is consistent (the message is in the clear exactly when a hop
 * is; a hop judged encrypted is weak only with an old TLS version; the
 * trusted results hold no more than AUTHRES_MAX entries, each in words). */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transit.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Abort unless the finished record is consistent. */
static void
check(const struct transit *t)
{
	size_t i, clear = 0;
	char *s;

	if (t->nhops > TRANSIT_MAX_HOPS)
		abort();
	for (i = 0; i < t->nhops; i++) {
		clear += t->hops[i].verdict == HOP_CLEAR;
		if (t->hops[i].weak && (t->hops[i].verdict != HOP_ENCRYPTED ||
		    t->hops[i].tls < TV_SSL2 || t->hops[i].tls > TV_TLS11))
			abort();
		if (t->hops[i].cipher != NULL &&
		    strlen(t->hops[i].cipher) == 0)
			abort();
	}
	if ((clear > 0) != (t->verdict == TRANSIT_CLEAR))
		abort();
	if ((t->verdict == TRANSIT_ENCRYPTED || t->verdict ==
	    TRANSIT_LOCAL) && (t->dropped > 0 || t->nhops == 0))
		abort();
	if (t->auth == NULL)
		return;
	if (t->auth->n > AUTHRES_MAX)
		abort();
	for (i = 0; i < t->auth->n; i++) {
		if ((s = authres_describe(&t->auth->e[i])) == NULL)
			abort();
		free(s);
	}
}

/* Fields are cut at NUL bytes; each field's first byte names it: 'R'
 * Received, 'A' Authentication-Results, anything else another field. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transit *t = transit_new();
	const char *p = (const char *)data, *end = p + size, *nul;
	char *field;
	struct hop h;

	while (p < end) {
		nul = memchr(p, '\0', (size_t)(end - p));
		field = xstrndup(p, (size_t)((nul ? nul : end) - p));
		transit_add(t, field[0] == 'R' ? "Received" : field[0] == 'A' ?
		    "Authentication-Results" : "Subject", field + (field[0] ?
		    1 : 0));
		if (field[0] == 'R') {
			transit_hop_parse(field + 1, &h);
			transit_hop_clear(&h);
		}
		free(field);
		p = nul ? nul + 1 : end;
	}
	if (size > 0 && data[0] == 'C')
		transit_cut(t);
	transit_finish(t);
	check(t);
	(void)transit_mark(t);
	transit_free(t);
	return 0;
}
