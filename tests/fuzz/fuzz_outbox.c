/* fuzz_outbox.c: outbox_parse() on any file: no crash, and what it
 * accepts is an envelope safe for SMTP that reads the same after
 * outbox_format() wrote it again. */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "message.h"
#include "outbox.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	struct envelope_out env, env2;
	char *err = NULL, *again;
	size_t off, off2, i, len;
	time_t queued, queued2;

	if (outbox_parse(d, size, &env, &queued, &off, &err) != ST_OK) {
		if (err == NULL)
			abort();
		free(err);
		return 0;
	}
	if (err != NULL || off > size || env.from == NULL || env.nrcpt == 0)
		abort();
	if (strpbrk(env.from, "\r\n<> ") != NULL)
		abort();
	for (i = 0; i < env.nrcpt; i++)
		if (*env.rcpt[i] == '\0' || strpbrk(env.rcpt[i], "\r\n<> "))
			abort();
	/* written again and read back, it is the same entry */
	again = outbox_format(d + off, size - off, &env, queued, &len);
	if (outbox_parse(again, len, &env2, &queued2, &off2, &err) != ST_OK ||
	    queued2 != queued || env2.nrcpt != env.nrcpt ||
	    strcmp(env2.from, env.from) != 0 || len - off2 != size - off ||
	    memcmp(again + off2, d + off, size - off) != 0)
		abort();
	for (i = 0; i < env.nrcpt; i++)
		if (strcmp(env.rcpt[i], env2.rcpt[i]) != 0)
			abort();
	envelope_out_clear(&env2);
	free(again);
	envelope_out_clear(&env);
	return 0;
}
