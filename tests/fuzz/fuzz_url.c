/* fuzz_url.c: url_parse() on any input: no crash, consistent results. */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), *err = NULL;
	struct url u;

	memset(&u, 0, sizeof(u));
	if (url_parse(s, &u, &err) == 0) {
		if (u.host == NULL || *u.host == '\0' || u.port == 0 ||
		    u.port > 65535 || err != NULL)
			abort();
		url_clear(&u);
	} else if (err == NULL)
		abort();
	free(err);
	free(s);
	return 0;
}
