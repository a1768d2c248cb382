/* fuzz_transcript.c: whatever crosses the wire, in whatever pieces, the
 * recorded transcript never holds the secret, nor a control character. */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transcript.h"

#define SECRET "s3cret-Pa55"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Abort if a recorded line holds the secret or a control character. */
static void
check_lines(const struct transcript *t)
{
	const struct tr_line *l;
	const unsigned char *p;
	size_t i;

	for (i = 0; (l = transcript_line(t, i)) != NULL; i++) {
		if (strstr(l->text, SECRET) != NULL)
			abort();
		for (p = (const unsigned char *)l->text; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct transcript *t = transcript_new();
	size_t i, n;

	transcript_add_secret(t, SECRET);
	/* The first byte chooses how the rest is cut and sent. */
	for (i = 1; i < size; i += n) {
		n = 1 + (data[0] + i) % 17;
		if (n > size - i)
			n = size - i;
		transcript_secret_mode(t, data[i] & 1);
		transcript_record(t, (data[i] & 2) ? TR_SENT : TR_RECEIVED,
		    data + i, n);
		/* Append the secret now and then, to give the scrubber work. */
		if ((data[i] & 0x0c) == 0x0c)
			transcript_record(t, TR_RECEIVED, SECRET, strlen(SECRET));
	}
	transcript_flush(t);
	check_lines(t);
	transcript_free(t);
	return 0;
}
