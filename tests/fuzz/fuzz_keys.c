/* fuzz_keys.c: the bindings parser on any line: no crash, errors named. */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>

#include "keys.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct keymap *k;
	char *line = xstrndup((const char *)data, size), *err = NULL;

	if (k == NULL)
		k = keys_new();
	if (keys_bind_line(k, line, &err) == -1 && err == NULL)
		abort();
	free(err);
	free(line);
	return 0;
}
