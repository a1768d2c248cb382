/* fuzz_envelope.c: message_envelope() and message_prepare() on any
 * message: no crash, and every envelope address is safe for SMTP. */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "message.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* An envelope address may never carry what could end an SMTP command. */
static void
check_spec(const char *s)
{
	if (s == NULL || strpbrk(s, "\r\n<> ") != NULL || strlen(s) > 254)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *m = (const char *)data;
	char *arg = xstrndup(m, size > 64 ? 64 : size), *err = NULL, *out;
	char *args[1] = { arg };
	struct envelope_out env;
	size_t i, len;

	if (message_envelope(m, size, NULL, args, size & 1, 1, &env, &err) ==
	    ST_OK) {
		if (err != NULL || env.nrcpt == 0)
			abort();
		if (env.from != NULL)
			check_spec(env.from);
		for (i = 0; i < env.nrcpt; i++)
			check_spec(env.rcpt[i]);
		envelope_out_clear(&env);
	} else if (err == NULL)
		abort();
	free(err);
	message_prepare(m, size, "a@example.com", "Fuzz", &out, &len);
	if (len < 2)
		abort();
	for (i = 0; i + 1 < len; i++)
		if (out[i] == '\n' && (i == 0 || out[i - 1] != '\r'))
			abort();	/* every line end is CRLF */
	free(out);
	free(arg);
	return 0;
}
