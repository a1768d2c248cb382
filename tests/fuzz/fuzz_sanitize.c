/* fuzz_sanitize.c: nothing that reaches the terminal can drive it. */
#include "build-config.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = xstrndup((const char *)data, size), *out, *fit;
	const unsigned char *p;

	setlocale(LC_CTYPE, "C.UTF-8");
	out = text_sanitize(in);
	for (p = (const unsigned char *)out; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 &&
		    p[1] < 0xa0))
			abort();
	fit = text_fit(in, size % 40, size & 1);
	if (text_width(fit) > (int)(size % 40))
		abort();
	free(fit);
	free(out);
	free(in);
	return 0;
}
