/* strdist.c: edit distance between a typed word and a known name. */
#include "build-config.h"

#include <ctype.h>
#include <string.h>

#include "strdist.h"
#include "xmalloc.h"

/* The edit distance between a and the short name b, ignoring case. */
unsigned
str_distance(const char *a, const char *b)
{
	unsigned row[STR_DISTANCE_MAX + 1], diag, up, best;
	size_t i, j, blen = strlen(b);

	if (blen > STR_DISTANCE_MAX)
		fatalx("%s: name \"%s\" too long", __func__, b);
	for (j = 0; j <= blen; j++)
		row[j] = (unsigned)j;
	for (i = 0; a[i] != '\0'; i++) {
		diag = row[0];
		row[0] = (unsigned)i + 1;
		for (j = 1; j <= blen; j++) {
			up = row[j];
			best = diag + (tolower((unsigned char)a[i]) !=
			    tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[blen];
}
