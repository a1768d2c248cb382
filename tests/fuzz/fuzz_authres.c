/* fuzz_authres.c: authres_parse() on any input: no crash; what it
 * returns holds no more than AUTHRES_MAX results, each with a method and
 * a value and a sentence; authres_pick() agrees with it. */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size), *words;
	const char *one[1];
	struct authres *ar;
	size_t i;

	one[0] = s;
	ar = authres_parse(s);
	if ((ar != NULL) != (authres_pick(one, 1, NULL) == 0))
		abort();
	if (ar != NULL) {
		if (ar->n > AUTHRES_MAX || (ar->n == 0 && !ar->none))
			abort();
		for (i = 0; i < ar->n; i++) {
			if (ar->e[i].method_name == NULL ||
			    ar->e[i].value_name == NULL ||
			    (words = authres_describe(&ar->e[i])) == NULL)
				abort();
			free(words);
		}
		if (ar->authserv_id != NULL && authres_pick(one, 1,
		    ar->authserv_id) != 0)
			abort();
	}
	authres_free(ar);
	free(s);
	return 0;
}
