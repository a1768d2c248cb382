/* fuzz_localbox.c: any bytes as a message file in a local Maildir: the
 * envelope (mailimf header parse, sender, RFC 2047, date and zone) and
 * the message as the pager gets it. No crash, and the envelope's strings
 * are always set. */
#include "build-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "localbox.h"
#include "maildir.h"
#include "session.h"
#include "wire.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* mailbox.c's IMAP half needs these to link; nothing here calls them. */
enum status
gate_release(const struct gate *g, enum gate_kind k, gate_send_fn f,
    void *c, int *r, char **e)
{
	abort();
}
char *session_server_words(const char *t, const char *f) { abort(); }
enum status
session_stream_error(struct session *s, const char *d, char **e)
{
	abort();
}
int wire_failed(const struct wire *w) { abort(); }
void wire_set_limit(struct wire *w, size_t l) { abort(); }

static char dir[] = "/tmp/starling-fuzz-localbox.XXXXXX";

/* Remove the (empty) Maildir at exit. */
static void
box_remove(void)
{
	static const char *const sub[] = { "new", "cur", "tmp" };
	char *p;
	size_t i;

	for (i = 0; i < 3; i++) {
		p = xasprintf("%s/%s", dir, sub[i]);
		rmdir(p);
		free(p);
	}
	rmdir(dir);
}

/* One Maildir for the whole run (made at the first input). */
static const char *
box(void)
{
	static int made;
	struct maildir *md = NULL;
	char *err = NULL;

	if (!made) {
		if (mkdtemp(dir) == NULL || maildir_open(dir, 1, &md, &err) !=
		    ST_OK)
			abort();
		maildir_free(md);
		atexit(box_remove);
		made = 1;
	}
	return dir;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = box();
	char *path = xasprintf("%s/new/1.fuzz", dir), *err = NULL;
	struct localbox *lb = NULL;
	struct envelope *e = NULL;
	struct message m;
	size_t n = 0;
	FILE *fp;

	/* Written plainly (no fsync): the parsing is what is fuzzed. */
	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	if (localbox_open(dir, &lb, &err) != ST_OK || localbox_count(lb) != 1)
		abort();
	if (localbox_envelopes(lb, 1, 1, &e, &n, &err) != ST_OK || n != 1 ||
	    e[0].from == NULL || e[0].subject == NULL)
		abort();
	mailbox_envelopes_free(e, n);
	if (localbox_message(lb, 1, NULL, &m, &err) != ST_OK || m.headers == NULL ||
	    m.body == NULL)
		abort();
	mailbox_message_clear(&m);
	localbox_free(lb);
	unlink(path);
	free(path);
	return 0;
}
