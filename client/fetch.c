/* fetch.c: POP3 download into a Maildir that is its own record. */
#include "build-config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <libetpan/libetpan.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"
#include "gate.h"
#include "i18n.h"
#include "pop3.h"
#include "secret.h"
#include "xmalloc.h"

#define FETCH_STATE_MAGIC	"starling pop3 uidl 1"
/* Room in one RETR reply beyond the LIST size: dot-stuffing, and a
 * server whose sizes are a little off. */
#define FETCH_SLACK		((size_t)1024 * 1024)
#define FETCH_TAG_SIZE		(FETCH_TAG_LEN + 1)

enum fetch_mstate {
	FM_NEW,			/* to download */
	FM_KNOWN,		/* downloaded before: tag or state file */
	FM_TWIN,		/* its UIDL is not unique: left alone */
	FM_DELIVERED,		/* downloaded now */
};

struct fetch_msg {
	unsigned		 index;
	size_t			 size;
	char			 tag[FETCH_TAG_SIZE];
	enum fetch_mstate	 state;
};

/* A sorted set of tags, FETCH_TAG_SIZE bytes each. */
struct fetch_set {
	char		*v;
	size_t		 n, cap;
};

/* One POP3 command's arguments and results, handed through the gate. */
struct fetch_cmd {
	mailpop3	*pop3;
	unsigned	 index;
	carray		*list;
	char		*data;
	size_t		 len;
};

struct fetch {
	struct session		*s;
	mailpop3		*pop3;
	struct maildir		*md;
	int			 lock_fd;
	int			 delete;
	struct fetch_msg	*msgs;
	size_t			 n;
	struct fetch_set	 known;		/* Maildir tags and state */
	struct fetch_set	 saved;		/* what the state file held */
	size_t			 dele;		/* DELE done, not committed */
	fetch_progress_fn	 progress;
	void			*arg;
	struct fetch_progress	 prog;
	struct fetch_result	*res;
};

/* ------------------------------------------------------------------ tags */

/*
 * The tag of a message: "pop3-" and the first 40 hex digits of
 * SHA-256(user NUL host NUL uidl). A UIDL may hold any printable
 * character, so it never goes into a file name itself; the user and the
 * host (in lower case) keep two accounts sharing a Maildir apart.
 */
void
fetch_tag(const char *user, const char *host, const char *uidl,
    char out[FETCH_TAG_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	size_t lu = strlen(user), lh = strlen(host), lx = strlen(uidl), i;
	unsigned char digest[32];
	char *buf = xmalloc(lu + lh + lx + 2), *p;

	memcpy(buf, user, lu + 1);
	for (i = 0; i <= lh; i++)
		buf[lu + 1 + i] = (host[i] >= 'A' && host[i] <= 'Z') ?
		    (char)(host[i] + 'a' - 'A') : host[i];
	memcpy(buf + lu + lh + 2, uidl, lx);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, lu + lh + lx + 2,
	    digest) < 0)
		fatalx("fetch_tag: SHA-256 failed");
	free(buf);
	p = out + strlen(FETCH_TAG_PREFIX);
	memcpy(out, FETCH_TAG_PREFIX, strlen(FETCH_TAG_PREFIX));
	for (i = 0; i < FETCH_TAG_HEX / 2; i++) {
		*p++ = hex[digest[i] >> 4];
		*p++ = hex[digest[i] & 15];
	}
	*p = '\0';
}

/* Is s a tag fetch_tag() makes? */
int
fetch_tag_is(const char *s)
{
	size_t pl = strlen(FETCH_TAG_PREFIX);

	return s != NULL && strlen(s) == FETCH_TAG_LEN &&
	    strncmp(s, FETCH_TAG_PREFIX, pl) == 0 &&
	    strspn(s + pl, "0123456789abcdef") == FETCH_TAG_HEX;
}

/* Add a tag to a set (sort it before asking). */
static void
fetch_set_add(struct fetch_set *set, const char *tag)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 256;
		set->v = xreallocarray(set->v, set->cap, FETCH_TAG_SIZE);
	}
	memcpy(set->v + set->n++ * FETCH_TAG_SIZE, tag, FETCH_TAG_SIZE);
}

/* Order two tags. */
static int
fetch_tag_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Sort a set and drop repeated tags. */
static void
fetch_set_sort(struct fetch_set *set)
{
	size_t i, k = 0;

	if (set->n == 0)
		return;
	qsort(set->v, set->n, FETCH_TAG_SIZE, fetch_tag_cmp);
	for (i = 1; i < set->n; i++)
		if (strcmp(set->v + i * FETCH_TAG_SIZE,
		    set->v + k * FETCH_TAG_SIZE) != 0)
			memmove(set->v + ++k * FETCH_TAG_SIZE,
			    set->v + i * FETCH_TAG_SIZE, FETCH_TAG_SIZE);
	set->n = k + 1;
}

/* Is tag in a sorted set? */
static int
fetch_set_has(const struct fetch_set *set, const char *tag)
{
	return set->n > 0 && bsearch(tag, set->v, set->n, FETCH_TAG_SIZE,
	    fetch_tag_cmp) != NULL;
}

/* Are two sorted sets the same? */
static int
fetch_set_equal(const struct fetch_set *a, const struct fetch_set *b)
{
	return a->n == b->n && (a->n == 0 ||
	    memcmp(a->v, b->v, a->n * FETCH_TAG_SIZE) == 0);
}

/* Free a set's storage. */
static void
fetch_set_clear(struct fetch_set *set)
{
	free(set->v);
	memset(set, 0, sizeof(*set));
}

/* ------------------------------------------------- lock and state file */

/* A file in the Maildir's top directory. */
static char *
fetch_path(struct fetch *f, const char *name)
{
	return xasprintf("%s/%s", maildir_root(f->md), name);
}

/* Hold the Maildir's fetch lock (released when the process ends). */
static enum status
fetch_lock(struct fetch *f, char **errstr)
{
	char *path = fetch_path(f, FETCH_LOCK_FILE);
	enum status st = ST_OK;

	f->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f->lock_fd == -1)
		st = status_local(errstr, errno, _("cannot open %s"), path);
	else if (flock(f->lock_fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			*errstr = xasprintf(_("another fetch is downloading "
			    "into %s; try again when it is done"),
			    maildir_root(f->md));
		else
			status_local(errstr, errno, _("cannot lock %s"), path);
		st = ST_LOCAL;
	}
	free(path);
	return st;
}

/*
 * Under the lock no other fetch writes into tmp/, so a file there with
 * our tag is what a fetch killed in the middle of a delivery left: it
 * was never linked into new/, and the message will be fetched again.
 */
static void
fetch_clean_tmp(struct fetch *f)
{
	char *dir = fetch_path(f, "tmp"), *path;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (strstr(de->d_name, ",U=" FETCH_TAG_PREFIX) != NULL) {
				path = xasprintf("%s/%s", dir, de->d_name);
				unlink(path);
				free(path);
			}
		closedir(d);
	}
	free(dir);
}

/* Read the state file's tags into f->saved (a missing file is empty). */
static enum status
fetch_state_load(struct fetch *f, char **errstr)
{
	char *path = fetch_path(f, FETCH_STATE_FILE), *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *fp;

	if ((fp = fopen(path, "re")) == NULL) {
		enum status st = errno == ENOENT ? ST_OK :
		    status_local(errstr, errno, _("cannot read %s"), path);
		free(path);
		return st;
	}
	/* Anything but our own format is ignored: the Maildir's tags are
	 * the record that matters; this file only spares downloads. */
	if ((len = getline(&line, &cap, fp)) > 0 &&
	    strcmp(line, FETCH_STATE_MAGIC "\n") == 0)
		while ((len = getline(&line, &cap, fp)) > 0) {
			if (line[len - 1] == '\n')
				line[len - 1] = '\0';
			if (fetch_tag_is(line))
				fetch_set_add(&f->saved, line);
		}
	free(line);
	fclose(fp);
	free(path);
	fetch_set_sort(&f->saved);
	return ST_OK;
}

/* Write the tags to fd; -1 on a write error. */
static int
fetch_state_write(int fd, const struct fetch_set *set)
{
	FILE *fp;
	size_t i;
	int bad;

	if ((fp = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(FETCH_STATE_MAGIC "\n", fp);
	for (i = 0; i < set->n; i++)
		fprintf(fp, "%s\n", set->v + i * FETCH_TAG_SIZE);
	bad = fflush(fp) == EOF || ferror(fp) || fsync(fileno(fp)) == -1;
	if (fclose(fp) == EOF)
		bad = 1;
	return bad ? -1 : 0;
}

/* fsync the Maildir's top directory (after a rename in it). */
static int
fetch_sync_root(struct fetch *f)
{
	int fd, r;

	if ((fd = open(maildir_root(f->md), O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* Replace the state file atomically: tmp, fsync, rename, fsync. */
static enum status
fetch_state_replace(struct fetch *f, const struct fetch_set *set,
    char **errstr)
{
	char *path = fetch_path(f, FETCH_STATE_FILE);
	char *tmp = xasprintf("%s.tmp", path);
	enum status st = ST_OK;
	int fd, err;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || fetch_state_write(fd, set) == -1) {
		err = errno;
		unlink(tmp);
		st = status_local(errstr, err, _("cannot write %s"), tmp);
	} else if (rename(tmp, path) == -1 || fetch_sync_root(f) == -1) {
		err = errno;
		unlink(tmp);
		st = status_local(errstr, err, _("cannot write %s"), path);
	}
	free(tmp);
	free(path);
	return st;
}

/* Remember every message still on the server that is downloaded. */
static enum status
fetch_state_save(struct fetch *f, char **errstr)
{
	struct fetch_set now;
	enum status st = ST_OK;
	size_t i;

	memset(&now, 0, sizeof(now));
	for (i = 0; i < f->n; i++)
		if (f->msgs[i].state == FM_KNOWN ||
		    f->msgs[i].state == FM_DELIVERED)
			fetch_set_add(&now, f->msgs[i].tag);
	fetch_set_sort(&now);
	if (!fetch_set_equal(&now, &f->saved))
		st = fetch_state_replace(f, &now, errstr);
	fetch_set_clear(&now);
	return st;
}

/* What was downloaded before: the Maildir's tags and the state file. */
static enum status
fetch_known_load(struct fetch *f, char **errstr)
{
	struct maildir_entry *v;
	enum status st;
	size_t n, i;

	if ((st = fetch_state_load(f, errstr)) != ST_OK)
		return st;
	if ((st = maildir_list(f->md, &v, &n, errstr)) != ST_OK)
		return st;
	for (i = 0; i < n; i++)
		if (fetch_tag_is(v[i].tag))
			fetch_set_add(&f->known, v[i].tag);
	maildir_entries_free(v, n);
	for (i = 0; i < f->saved.n; i++)
		fetch_set_add(&f->known, f->saved.v + i * FETCH_TAG_SIZE);
	fetch_set_sort(&f->known);
	return ST_OK;
}

/* ------------------------------------------------ commands through the gate */

/* LIST and UIDL, as the gate runs them. */
static int
fetch_send_list(void *arg)
{
	struct fetch_cmd *c = arg;

	return mailpop3_list(c->pop3, &c->list);
}

/* RETR, as the gate runs it. */
static int
fetch_send_retr(void *arg)
{
	struct fetch_cmd *c = arg;

	return mailpop3_retr(c->pop3, c->index, &c->data, &c->len);
}

/* DELE, as the gate runs it. */
static int
fetch_send_dele(void *arg)
{
	struct fetch_cmd *c = arg;

	return mailpop3_dele(c->pop3, c->index);
}

/* Run one command through the gate, then judge libetpan's result. */
static enum status
fetch_run(struct fetch *f, gate_send_fn send, struct fetch_cmd *c,
    const char *doing, char **errstr)
{
	enum status st;
	char *words;
	int r;

	st = gate_release(&f->s->gate, GATE_PRIVATE, send, c, &r, errstr);
	if (st != ST_OK)
		return st;
	if (r == MAILPOP3_NO_ERROR && !wire_failed(f->s->wire))
		return ST_OK;
	if (r == MAILPOP3_ERROR_STREAM || wire_failed(f->s->wire))
		return session_stream_error(f->s, doing, errstr);
	words = session_server_words(f->pop3->pop3_response, "-ERR");
	/* TRANSLATORS: "POP3 host:110: downloading message 3: the server
	 * said: ..."; the last %s is the server's own words. */
	*errstr = xasprintf(_("%s: %s: the server said: %s"), f->s->where,
	    doing, words);
	free(words);
	return ST_NETWORK;
}

/* ---------------------------------------------------------- the listing */

/* Order messages by tag, then by number. */
static int
fetch_msg_cmp(const void *a, const void *b)
{
	const struct fetch_msg *x = *(const struct fetch_msg *const *)a;
	const struct fetch_msg *y = *(const struct fetch_msg *const *)b;
	int r = strcmp(x->tag, y->tag);

	return r != 0 ? r : (x->index > y->index) - (x->index < y->index);
}

/* Messages sharing a UIDL cannot be told apart later: leave them. */
static void
fetch_mark_twins(struct fetch *f)
{
	struct fetch_msg **by = xcalloc(f->n + 1, sizeof(*by));
	size_t i;

	for (i = 0; i < f->n; i++)
		by[i] = &f->msgs[i];
	qsort(by, f->n, sizeof(*by), fetch_msg_cmp);
	for (i = 1; i < f->n; i++)
		if (strcmp(by[i]->tag, by[i - 1]->tag) == 0)
			by[i]->state = by[i - 1]->state = FM_TWIN;
	free(by);
	for (i = 0; i < f->n; i++)
		if (f->msgs[i].state == FM_TWIN)
			f->res->left++;
}

/* The server has no UIDL (or not for every message): refuse. */
static enum status
fetch_no_uidl(struct fetch *f, char **errstr)
{
	*errstr = xasprintf(_("%s does not give messages unique ids (UIDL); "
	    "without them a fetch cut short would download messages again "
	    "or delete some never downloaded, so nothing was downloaded. "
	    "Read this account over IMAP if the server offers it"),
	    f->s->where);
	return ST_NETWORK;
}

/* Our view of libetpan's list: number, size, tag, what to do. */
static enum status
fetch_take_list(struct fetch *f, carray *list, char **errstr)
{
	const struct account *a = f->s->acct;
	struct mailpop3_msg_info *mi;
	unsigned i;

	f->msgs = xcalloc(carray_count(list) + 1, sizeof(*f->msgs));
	for (i = 0; i < carray_count(list); i++) {
		if ((mi = carray_get(list, i)) == NULL)
			continue;
		if (mi->msg_uidl == NULL)
			return fetch_no_uidl(f, errstr);
		f->msgs[f->n].index = mi->msg_index;
		f->msgs[f->n].size = mi->msg_size;
		fetch_tag(a->user ? a->user : "", f->s->url->host,
		    mi->msg_uidl, f->msgs[f->n].tag);
		f->msgs[f->n].state = fetch_set_has(&f->known,
		    f->msgs[f->n].tag) ? FM_KNOWN : FM_NEW;
		f->n++;
	}
	f->res->on_server = f->n;
	fetch_mark_twins(f);
	for (i = 0; i < f->n; i++) {
		if (f->msgs[i].state == FM_KNOWN)
			f->res->already++;
		else if (f->msgs[i].state == FM_NEW) {
			f->prog.total++;
			f->prog.total_bytes += f->msgs[i].size;
		}
	}
	return ST_OK;
}

/* LIST and UIDL through the gate; a UIDL is required. */
static enum status
fetch_list(struct fetch *f, char **errstr)
{
	struct fetch_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	c.pop3 = f->pop3;
	/* A listing of many thousand messages is one long reply. */
	wire_set_limit(f->s->wire, (size_t)64 * 1024 * 1024);
	st = fetch_run(f, fetch_send_list, &c, _("listing the messages"),
	    errstr);
	wire_set_limit(f->s->wire, 0);
	if (st != ST_OK)
		return st;
	/* libetpan keeps the list (and frees it with the session). */
	return fetch_take_list(f, c.list, errstr);
}

/* ------------------------------------------------------- the download */

/* DELE one message through the gate. */
static enum status
fetch_dele(struct fetch *f, const struct fetch_msg *m, char **errstr)
{
	struct fetch_cmd c;
	enum status st;
	char *doing;

	memset(&c, 0, sizeof(c));
	c.pop3 = f->pop3;
	c.index = m->index;
	doing = xasprintf(_("deleting message %u"), m->index);
	st = fetch_run(f, fetch_send_dele, &c, doing, errstr);
	free(doing);
	if (st == ST_OK)
		f->dele++;
	return st;
}

/* RETR through the gate, with room for this message's size and a clock
 * that keeps running while bytes keep coming. */
static enum status
fetch_retr(struct fetch *f, const struct fetch_msg *m, struct fetch_cmd *c,
    char **errstr)
{
	size_t limit = SIZE_MAX;
	enum status st;
	char *doing;

	if (m->size < (SIZE_MAX - FETCH_SLACK) / 2)
		limit = m->size * 2 + FETCH_SLACK;
	memset(c, 0, sizeof(*c));
	c->pop3 = f->pop3;
	c->index = m->index;
	doing = xasprintf(_("downloading message %u"), m->index);
	wire_set_limit(f->s->wire, limit);
	wire_set_patient(f->s->wire, 1);
	st = fetch_run(f, fetch_send_retr, c, doing, errstr);
	wire_set_patient(f->s->wire, 0);
	wire_set_limit(f->s->wire, 0);
	free(doing);
	return st;
}

/* Download one message and deliver it; only then may it be deleted. */
static enum status
fetch_one(struct fetch *f, struct fetch_msg *m, char **errstr)
{
	struct fetch_cmd c;
	enum status st;

	if ((st = fetch_retr(f, m, &c, errstr)) != ST_OK)
		return st;
	st = maildir_deliver(f->md, c.data, c.len, m->tag, NULL, NULL,
	    errstr);
	if (st == ST_OK) {
		m->state = FM_DELIVERED;
		f->res->fetched++;
		f->res->bytes += c.len;
	}
	mailpop3_retr_free(c.data);
	return st;
}

/* Tell the progress function; 1 if it asks to stop. */
static int
fetch_tell(struct fetch *f)
{
	if (f->progress == NULL || !f->progress(f->arg, &f->prog))
		return 0;
	f->res->stopped = 1;
	return 1;
}

/* Each message in turn: download what is new, delete what is safe. */
static enum status
fetch_loop(struct fetch *f, char **errstr)
{
	struct fetch_msg *m;
	enum status st = ST_OK;
	size_t i;

	for (i = 0; i < f->n && st == ST_OK; i++) {
		m = &f->msgs[i];
		if (m->state == FM_NEW) {
			if (fetch_tell(f))
				break;
			st = fetch_one(f, m, errstr);
			f->prog.done++;
			f->prog.bytes += m->size;
		}
		if (st == ST_OK && f->delete && (m->state == FM_KNOWN ||
		    m->state == FM_DELIVERED))
			st = fetch_dele(f, m, errstr);
	}
	if (st == ST_OK && !f->res->stopped)
		fetch_tell(f);
	return st;
}

/* QUIT commits the deletions; say so when it could not. */
static enum status
fetch_quit(struct fetch *f, enum status st, char **errstr)
{
	if (wire_failed(f->s->wire))
		return st;
	if (pop3_quit(f->s) == 0) {
		f->res->deleted = f->dele;
		return st;
	}
	if (st != ST_OK || f->dele == 0)
		return st;
	*errstr = xasprintf(ngettext("%s did not answer QUIT: the deletion "
	    "of %zu message is not confirmed; the next fetch deletes it if "
	    "it is still there", "%s did not answer QUIT: the deletion of "
	    "%zu messages is not confirmed; the next fetch deletes them if "
	    "they are still there", f->dele), f->s->where, f->dele);
	return ST_NETWORK;
}

/* Free what a fetch holds (the lock goes with its descriptor). */
static void
fetch_clear(struct fetch *f)
{
	if (f->lock_fd != -1)
		close(f->lock_fd);
	fetch_set_clear(&f->known);
	fetch_set_clear(&f->saved);
	free(f->msgs);
}

/*
 * Download the new messages of a logged-in POP3 session into md, delete
 * them on the server when the account says pop3_delete = yes, and QUIT.
 */
enum status
fetch_session(struct session *s, struct maildir *md,
    fetch_progress_fn progress, void *arg, struct fetch_result *res,
    char **errstr)
{
	struct fetch f;
	enum status st;
	char *err = NULL;

	memset(res, 0, sizeof(*res));
	memset(&f, 0, sizeof(f));
	f.s = s;
	f.pop3 = pop3_handle(s);
	f.md = md;
	f.lock_fd = -1;
	f.delete = s->acct->pop3_delete;
	f.progress = progress;
	f.arg = arg;
	f.res = res;
	if ((st = fetch_lock(&f, errstr)) == ST_OK)
		fetch_clean_tmp(&f);
	if (st == ST_OK && (st = fetch_known_load(&f, errstr)) == ST_OK &&
	    (st = fetch_list(&f, errstr)) == ST_OK) {
		st = fetch_loop(&f, errstr);
		/* A state file that cannot be written costs nothing now. */
		if (fetch_state_save(&f, st == ST_OK ? errstr : &err) !=
		    ST_OK && st == ST_OK)
			st = ST_LOCAL;
		free(err);
	}
	st = fetch_quit(&f, st, errstr);
	fetch_clear(&f);
	return st;
}

/* ------------------------------------------------------- starling fetch */

/* "fetched N messages (M bytes) into DIR; K deleted on the server". */
char *
fetch_summary(const struct account *a, const struct fetch_result *r)
{
	char *got, *del, *line;

	got = xasprintf(ngettext("fetched %zu message (%llu bytes) into %s",
	    "fetched %zu messages (%llu bytes) into %s", r->fetched),
	    r->fetched, (unsigned long long)r->bytes,
	    a->maildir ? a->maildir : "?");
	del = xasprintf(ngettext("%zu deleted on the server",
	    "%zu deleted on the server", r->deleted), r->deleted);
	line = xasprintf("%s; %s", got, del);
	free(got);
	free(del);
	return line;
}

/* The account's Maildir, created (0700) when it does not exist. */
enum status
fetch_open_maildir(const struct account *a, struct maildir **md,
    char **errstr)
{
	if (a->maildir == NULL) {
		*errstr = xasprintf(_("account %s has no maildir = setting: "
		    "set maildir = ~/Mail/%s, the directory POP3 mail is "
		    "downloaded into"), a->name, a->name);
		return ST_USAGE;
	}
	return maildir_open(a->maildir, 1, md, errstr);
}

/* Log in with password_cmd (fetch never prompts); the gate first, so a
 * refused session never even runs password_cmd. */
static enum status
fetch_login(struct session *s, char **errstr)
{
	char *pass = NULL, *why = NULL, *err = NULL;
	enum status st;

	if ((st = gate_check(&s->gate, GATE_CREDENTIAL, &why)) != ST_OK) {
		if (s->plain_reason != NULL) {
			*errstr = xasprintf("%s: %s; %s", s->where,
			    s->plain_reason, why);
			free(why);
		} else
			*errstr = why;
		return st;
	}
	if (s->acct->user == NULL || s->acct->password_cmd == NULL) {
		*errstr = xasprintf(_("account %s needs user = and "
		    "password_cmd = settings; starling fetch never prompts "
		    "for a password"), s->acct->name);
		return ST_USAGE;
	}
	if (secret_from_cmd(s->acct->password_cmd, s->acct->timeout, &pass,
	    &err) == -1) {
		*errstr = xasprintf(_("account %s: %s"), s->acct->name, err);
		free(err);
		return ST_USAGE;
	}
	st = session_login(s, s->acct->user, pass, errstr);
	xfree_secret(pass);
	return st;
}

/* starling fetch: connect, secure, log in, download, QUIT. */
enum status
fetch_account(const struct account *a, int allow_plain,
    fetch_progress_fn progress, void *arg, struct fetch_result *res,
    char **errstr)
{
	struct maildir *md = NULL;
	struct session *s;
	enum status st;

	memset(res, 0, sizeof(*res));
	if (a->url[SERVICE_POP3] == NULL) {
		*errstr = xasprintf(_("account %s has no pop3 = setting; "
		    "starling fetch downloads mail over POP3"), a->name);
		return ST_USAGE;
	}
	if ((st = fetch_open_maildir(a, &md, errstr)) != ST_OK)
		return st;
	s = session_new(a, SERVICE_POP3, allow_plain);
	if ((st = session_open(s, errstr)) == ST_OK &&
	    (st = fetch_login(s, errstr)) == ST_OK)
		st = fetch_session(s, md, progress, arg, res, errstr);
	else if (s->proto != NULL && s->level != LEVEL_NONE &&
	    !wire_failed(s->wire))
		s->ops->logout(s);
	session_free(s);
	maildir_free(md);
	return st;
}
