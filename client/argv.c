/* argv.c: split a configured command line into words, no shell. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "argv.h"
#include "i18n.h"
#include "strbuf.h"
#include "xmalloc.h"

#define ARGV_MAX	64

/* Read one quoted stretch after its opening quote; the index after the
 * closing quote, or 0 when it is missing. */
static size_t
argv_quoted(const char *s, size_t i, char q, struct strbuf *w)
{
	for (; s[i] != '\0' && s[i] != q; i++) {
		if (q == '"' && s[i] == '\\' && (s[i + 1] == '"' ||
		    s[i + 1] == '\\'))
			i++;
		strbuf_addc(w, s[i]);
	}
	return s[i] == q ? i + 1 : 0;
}

/* Read one word at s[i] into w; the index after it, or 0 on an error
 * (with *errstr set). */
static size_t
argv_word(const char *s, size_t i, struct strbuf *w, char **errstr)
{
	size_t j;

	strbuf_add(w, "", 0);
	while (s[i] != '\0' && s[i] != ' ' && s[i] != '\t') {
		if (s[i] == '\'' || s[i] == '"') {
			if ((j = argv_quoted(s, i + 1, s[i], w)) == 0) {
				*errstr = xasprintf(_("a %c quote is not "
				    "closed"), s[i]);
				return 0;
			}
			i = j;
		} else if (strchr("|&;<>()$`", s[i]) != NULL ||
		    (s[i] == '~' && w->len == 0)) {
			/* TRANSLATORS: %c is a character such as | or $. */
			*errstr = xasprintf(_("\"%c\" needs a shell, and "
			    "this command runs without one (quote it to pass "
			    "it as it is)"), s[i]);
			return 0;
		} else {
			if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
			strbuf_addc(w, s[i++]);
		}
	}
	return i;
}

/* Split a command line into words (see argv.h). */
enum status
argv_split(const char *cmd, char ***out, char **errstr)
{
	struct strbuf w = { 0 };
	char **v = xcalloc(ARGV_MAX + 1, sizeof(*v));
	size_t i = 0, n = 0;

	for (;;) {
		i += strspn(cmd + i, " \t");
		if (cmd[i] == '\0')
			break;
		if (n == ARGV_MAX) {
			*errstr = xasprintf(_("more than %d words"), ARGV_MAX);
			goto fail;
		}
		if ((i = argv_word(cmd, i, &w, errstr)) == 0)
			goto fail;
		v[n++] = strbuf_take(&w, NULL);
	}
	if (n == 0) {
		*errstr = xstrdup(_("the command is empty"));
		goto fail;
	}
	*out = v;
	return ST_OK;
fail:
	strbuf_clear(&w);
	argv_free(v);
	return ST_USAGE;
}

/* Free a vector from argv_split(); accepts NULL. */
void
argv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
