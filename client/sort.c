/* sort.c: the index's orders by name, and a local sort of envelopes. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sort.h"
#include "xmalloc.h"

static const char *const sort_names[SORT_COUNT] = {
	[SORT_ARRIVAL] = "arrival",
	[SORT_DATE] = "date",
	[SORT_FROM] = "from",
	[SORT_SUBJECT] = "subject",
	[SORT_SIZE] = "size",
};

/* The word for an order ("date"), as the config file spells it. */
const char *
sort_key_name(enum sort_key k)
{
	return (unsigned)k < SORT_COUNT ? sort_names[k] : NULL;
}

/* "date", "reverse-date" (and the other orders); 0, or -1. */
int
sort_key_from_name(const char *name, enum sort_key *k, int *reverse)
{
	size_t i;

	*reverse = 0;
	if (name == NULL)
		return -1;
	if (strncasecmp(name, "reverse-", 8) == 0) {
		*reverse = 1;
		name += 8;
	}
	for (i = 0; i < SORT_COUNT; i++)
		if (strcasecmp(name, sort_names[i]) == 0) {
			*k = (enum sort_key)i;
			return 0;
		}
	return -1;
}

/* ASCII case folding only (RFC 4790 i;ascii-casemap), whatever the locale. */
static int
sort_casecmp(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = (unsigned char)*a++;
		cb = (unsigned char)*b++;
		if (ca >= 'a' && ca <= 'z')
			ca -= 'a' - 'A';
		if (cb >= 'a' && cb <= 'z')
			cb -= 'a' - 'A';
	} while (ca == cb && ca != '\0');
	return ca < cb ? -1 : ca > cb;
}

/* Length of a "[...]" blob and the blanks after it at s, or 0. */
static size_t
sort_blob(const char *s)
{
	size_t n;

	if (s[0] != '[')
		return 0;
	n = strcspn(s + 1, "[]");
	if (s[1 + n] != ']')
		return 0;
	n += 2;
	return n + strspn(s + n, " ");
}

/* Length of a leader ("[blob] re [blob]:", "fwd:", ...) at s, or 0. */
static size_t
sort_leader(const char *s)
{
	size_t n = 0, b;

	while ((b = sort_blob(s + n)) != 0)
		n += b;
	if (strncasecmp(s + n, "fwd", 3) == 0)
		n += 3;
	else if (strncasecmp(s + n, "fw", 2) == 0 ||
	    strncasecmp(s + n, "re", 2) == 0)
		n += 2;
	else
		return 0;
	n += strspn(s + n, " ");
	n += sort_blob(s + n);
	return s[n] == ':' ? n + 1 : 0;
}

/* Remove trailing blanks and "(fwd)" trailers; 1 if anything went. */
static int
sort_trim_end(char *s)
{
	size_t len = strlen(s), old = len;

	for (;;) {
		while (len > 0 && s[len - 1] == ' ')
			len--;
		if (len >= 5 && strncasecmp(s + len - 5, "(fwd)", 5) == 0)
			len -= 5;
		else
			break;
	}
	s[len] = '\0';
	return len != old;
}

/* One round of RFC 5256 2.1 steps 2 to 6; 1 if the subject changed. */
static int
sort_strip_once(char *s)
{
	size_t n, len;
	int changed = sort_trim_end(s);

	if ((n = strspn(s, " ")) == 0 && (n = sort_leader(s)) == 0 &&
	    ((n = sort_blob(s)) == 0 || s[n] == '\0'))
		n = 0;
	if (n > 0) {
		memmove(s, s + n, strlen(s + n) + 1);
		changed = 1;
	}
	len = strlen(s);
	if (len >= 6 && strncasecmp(s, "[fwd:", 5) == 0 && s[len - 1] == ']') {
		s[len - 1] = '\0';
		memmove(s, s + 5, len - 5);
		changed = 1;
	}
	return changed;
}

/* The base subject of RFC 5256 2.1 (MIME words are decoded already). */
char *
sort_base_subject(const char *subject)
{
	char *s = xstrdup(subject ? subject : ""), *p, *q;

	for (p = s; *p != '\0'; p++)		/* tabs and folding */
		if (*p == '\t' || *p == '\r' || *p == '\n')
			*p = ' ';
	for (p = q = s; *p != '\0'; p++)	/* runs of blanks: one */
		if (*p != ' ' || q == s || q[-1] != ' ')
			*q++ = *p;
	*q = '\0';
	while (sort_strip_once(s))
		;
	return s;
}

/* One envelope with what its order compares (qsort has no argument, so
 * each item carries the order; two workers may sort at once). */
struct sort_item {
	struct envelope	 env;
	char		*key;		/* from or base subject */
	time_t		 when;
	enum sort_key	 by;
	int		 reverse;
};

/* Compare by the chosen criterion, then by place in the folder. */
static int
sort_cmp(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	int r = 0;

	switch (a->by) {
	case SORT_ARRIVAL:
		r = a->env.uid < b->env.uid ? -1 : a->env.uid > b->env.uid;
		break;
	case SORT_DATE:
		r = a->when < b->when ? -1 : a->when > b->when;
		break;
	case SORT_FROM:
	case SORT_SUBJECT:
		r = sort_casecmp(a->key, b->key);
		break;
	case SORT_SIZE:
		r = a->env.size < b->env.size ? -1 : a->env.size > b->env.size;
		break;
	default:
		break;
	}
	if (a->reverse)
		r = -r;
	if (r == 0)
		r = a->env.uid < b->env.uid ? -1 : a->env.uid > b->env.uid;
	return r;
}

/* Sort envelopes in place (RFC 5256 rules; see sort.h). */
void
sort_envelopes(struct envelope *e, size_t n, enum sort_key key, int reverse)
{
	struct sort_item *it;
	size_t i;

	if (n < 2)
		return;
	it = xcalloc(n, sizeof(*it));
	for (i = 0; i < n; i++) {
		it[i].env = e[i];
		it[i].when = e[i].sent ? e[i].sent : e[i].date;
		it[i].by = key;
		it[i].reverse = reverse;
		if (key == SORT_FROM)
			it[i].key = xstrdup(e[i].from ? e[i].from : "");
		else if (key == SORT_SUBJECT)
			it[i].key = sort_base_subject(e[i].subject);
	}
	qsort(it, n, sizeof(*it), sort_cmp);
	for (i = 0; i < n; i++) {
		e[i] = it[i].env;
		free(it[i].key);
	}
	free(it);
}
