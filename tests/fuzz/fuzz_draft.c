/* fuzz_draft.c: draft_parse() on any edited text, and replies and
 * forwards of any message: no crash; nothing from a message ends up on a
 * header line of its own (a Bcc smuggled in through an encoded newline). */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "draft.h"
#include "mailbox.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* draft.c decodes header words with mailbox.c, which needs an IMAP
 * session to link: this is the same libetpan call without the rest. */
char *
mailbox_decode_header(const char *raw)
{
	char *dec = NULL, *out;
	size_t idx = 0;

	if (raw == NULL)
		return xstrdup("");
	if (mailmime_encoded_phrase_parse("utf-8", raw, strlen(raw), &idx,
	    "utf-8", &dec) != MAILIMF_NO_ERROR || dec == NULL)
		return xstrdup(raw);
	out = xstrdup(dec);
	free(dec);
	return out;
}

static struct account fuzz_acct = {
	.name = "fuzz", .realname = "Fuzz", .email = "fuzz@example.com",
};

/* A header value may never hold a line break. */
static void
check_line(const char *s)
{
	if (s != NULL && strpbrk(s, "\r\n") != NULL)
		abort();
}

/* The text of a reply or forward parses back without new headers. */
static void
check_draft(struct draft *d)
{
	char *text = draft_text(d), *err = NULL;

	check_line(d->to);
	check_line(d->cc);
	check_line(d->subject);
	check_line(d->references);
	check_line(d->in_reply_to);
	if (draft_parse(text, strlen(text), d, &err) == ST_OK) {
		if (d->bcc != NULL || d->nattach != 0 || err != NULL)
			abort();
	} else if (err == NULL)
		abort();
	free(err);
	free(text);
	draft_clear(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *m = (const char *)data + 1;
	struct draft_parent p;
	struct draft d;
	char *err = NULL;

	if (size == 0)
		return 0;
	memset(&d, 0, sizeof(d));
	if ((data[0] & 1) == 0) {
		if (draft_parse(m, size - 1, &d, &err) == ST_OK) {
			if (err != NULL)
				abort();
			check_line(d.to);
			check_line(d.subject);
		} else if (err == NULL)
			abort();
		free(err);
		draft_clear(&d);
		return 0;
	}
	if (draft_parent_parse(m, size - 1, "body\n> quoted\n", &p, &err) !=
	    ST_OK) {
		free(err);
		return 0;
	}
	draft_reply(&p, &fuzz_acct, data[0] & 2, &d);
	check_draft(&d);
	draft_forward(&p, &fuzz_acct, data[0] & 4 ? DRAFT_FWD_ATTACH :
	    DRAFT_FWD_INLINE, &d);
	check_draft(&d);
	draft_parent_clear(&p);
	return 0;
}
