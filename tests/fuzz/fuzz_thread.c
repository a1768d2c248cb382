/* fuzz_thread.c: thread_parse() on any input (what a server sends after
 * "THREAD"): no crash, no read past the input, consistent results; then
 * thread_filter() and thread_reverse() on what it gave. */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "thread.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = xmalloc(size ? size : 1);	/* exact size: ASan sees overreads */
	struct thread_node *t = NULL;
	uint32_t keep[3] = { 1, 2, 3 };
	size_t n = 0, used = 0, i, k;

	memcpy(buf, data, size);
	if (thread_parse(buf, size, &used, &t, &n) == 0) {
		if (used > size || (used < size && buf[used] != '\r' &&
		    buf[used] != '\n'))
			abort();
		for (i = 0; i < n; i++)
			if (t[i].id == 0 || t[i].depth < 0 ||
			    (i == 0 && t[i].depth != 0) ||
			    (i > 0 && t[i].depth > t[i - 1].depth + 1))
				abort();
		thread_reverse(t, n);
		k = thread_filter(t, n, keep, 3);
		if (k > n)
			abort();
		free(t);
	}
	free(buf);
	return 0;
}
