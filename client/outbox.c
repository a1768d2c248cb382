/* outbox.c: queued messages in a Maildir, with their envelope. */
#include "build-config.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "address.h"
#include "encode.h"
#include "i18n.h"
#include "maildir.h"
#include "outbox.h"
#include "submit.h"
#include "xdg.h"
#include "xmalloc.h"

#define OUTBOX_MAGIC	"X-Starling-Outbox: 1\r\n"

struct outbox {
	struct maildir	*md;
	char		*root;
	int		 dirfd;		/* flock()ed while entries are made
					   or taken */
};

/* $XDG_DATA_HOME/starling/outbox/ACCOUNT ("/" in a name becomes "_"). */
char *
outbox_path(const char *account)
{
	char *name = xstrdup(account), *p, *path;

	for (p = name; *p != '\0'; p++)
		if (*p == '/')
			*p = '_';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		name[0] = '_';
	p = xasprintf("outbox/%s", name);
	path = xdg_path("XDG_DATA_HOME", ".local/share", p);
	free(p);
	free(name);
	return path;
}

/* Open the account's outbox; create it (0700) if asked, else *out is
 * NULL when there is none. */
enum status
outbox_open(const struct account *acct, int create, struct outbox **out,
    char **errstr)
{
	char *path = outbox_path(acct->name), *reasons, *err = NULL;
	struct maildir *md;
	enum status st;
	int fd;

	*out = NULL;
	if (!create && access(path, F_OK) == -1) {
		free(path);
		return ST_OK;
	}
	if (create && xdg_mkparent(path, &err) == -1) {
		*errstr = err;
		free(path);
		return ST_LOCAL;
	}
	if ((st = maildir_open(path, create, &md, errstr)) != ST_OK) {
		free(path);
		return st;
	}
	reasons = xasprintf("%s/reasons", path);
	if ((mkdir(reasons, 0700) == -1 && errno != EEXIST) ||
	    (fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		st = status_local(errstr, errno, _("outbox: cannot open %s"),
		    reasons);
		free(reasons);
		maildir_free(md);
		free(path);
		return st;
	}
	free(reasons);
	*out = xcalloc(1, sizeof(**out));
	(*out)->md = md;
	(*out)->root = path;
	(*out)->dirfd = fd;
	return ST_OK;
}

/* Close an outbox (the files stay); accepts NULL. */
void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	maildir_free(ob->md);
	close(ob->dirfd);
	free(ob->root);
	free(ob);
}

/* The outbox's directory. */
const char *
outbox_root(const struct outbox *ob)
{
	return ob->root;
}

/* ---------------------------------------------------------- the format */

/* The entry's text: the header block, then the message. */
char *
outbox_format(const char *msg, size_t len, const struct envelope_out *env,
    time_t queued, size_t *outlen)
{
	struct ebuf b;
	size_t i;

	ebuf_init(&b);
	ebuf_str(&b, OUTBOX_MAGIC);
	ebuf_printf(&b, "X-Starling-Queued: %lld\r\n", (long long)queued);
	ebuf_printf(&b, "X-Starling-Mail-From: <%s>\r\n", env->from);
	for (i = 0; i < env->nrcpt; i++)
		ebuf_printf(&b, "X-Starling-Rcpt-To: <%s>\r\n", env->rcpt[i]);
	ebuf_printf(&b, "X-Starling-Message-Length: %zu\r\n", len);
	ebuf_add(&b, msg, len);
	return ebuf_take(&b, outlen);
}

/* "<addr>" of a header line's value, validated; NULL if it is not one. */
static char *
outbox_addr(const char *v, size_t n, int empty_ok)
{
	char *a;

	if (n < 2 || v[0] != '<' || v[n - 1] != '>')
		return NULL;
	a = xstrndup(v + 1, n - 2);
	if ((*a == '\0' && empty_ok) || (*a != '\0' && strlen(a) == n - 2 &&
	    address_spec_valid(a, 1)))
		return a;
	free(a);
	return NULL;
}

/* A number of a header line's value; -1 if it is not one. */
static long long
outbox_number(const char *v, size_t n)
{
	long long x = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

/* One header line of the block; 1 at the length line, 0 to go on, -1
 * if it is not what the format allows. */
static int
outbox_line(const char *l, size_t n, struct envelope_out *env,
    time_t *queued, long long *msglen)
{
	static const char from[] = "X-Starling-Mail-From: ",
	    to[] = "X-Starling-Rcpt-To: ", q[] = "X-Starling-Queued: ",
	    len[] = "X-Starling-Message-Length: ";
	char *a;

#define OUTBOX_IS(p) (n >= sizeof(p) - 1 && memcmp(l, p, sizeof(p) - 1) == 0)
#define OUTBOX_V(p) l + sizeof(p) - 1, n - (sizeof(p) - 1)
	if (OUTBOX_IS(from)) {
		if (env->from != NULL ||
		    (env->from = outbox_addr(OUTBOX_V(from), 1)) == NULL)
			return -1;
	} else if (OUTBOX_IS(to)) {
		if ((a = outbox_addr(OUTBOX_V(to), 0)) == NULL)
			return -1;
		env->rcpt = xreallocarray(env->rcpt, env->nrcpt + 1,
		    sizeof(*env->rcpt));
		env->rcpt[env->nrcpt++] = a;
	} else if (OUTBOX_IS(q)) {
		if ((*queued = (time_t)outbox_number(OUTBOX_V(q))) < 0)
			return -1;
	} else if (OUTBOX_IS(len))
		return (*msglen = outbox_number(OUTBOX_V(len))) < 0 ? -1 : 1;
	else if (n < 11 || memcmp(l, "X-Starling-", 11) != 0)
		return -1;
	return 0;
#undef OUTBOX_IS
#undef OUTBOX_V
}

/* Read an entry: its envelope, when it was queued, and where the
 * message begins (*msgoff; the message runs to the end). */
enum status
outbox_parse(const char *data, size_t len, struct envelope_out *env,
    time_t *queued, size_t *msgoff, char **errstr)
{
	size_t i = strlen(OUTBOX_MAGIC), n;
	long long msglen = -1;
	const char *nl;
	int r = 0;

	memset(env, 0, sizeof(*env));
	*queued = 0;
	if (len < i || memcmp(data, OUTBOX_MAGIC, i) != 0)
		r = -1;
	while (r == 0 && i < len) {
		if ((nl = memchr(data + i, '\n', len - i)) == NULL ||
		    nl == data + i || nl[-1] != '\r') {
			r = -1;
			break;
		}
		n = (size_t)(nl - (data + i)) - 1;
		r = outbox_line(data + i, n, env, queued, &msglen);
		i += n + 2;
	}
	if (r != 1 || env->from == NULL || env->nrcpt == 0 ||
	    (unsigned long long)msglen != len - i) {
		envelope_out_clear(env);
		*errstr = xstrdup(_("not a starling outbox entry (or a damaged "
		    "one)"));
		return ST_USAGE;
	}
	*msgoff = i;
	return ST_OK;
}

/* ------------------------------------------------------------- entries */

/* A random entry id of 24 characters from [a-z0-9]. */
static void
outbox_new_id(char id[25])
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[24];
	size_t i;

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		fatalx("getrandom: %s", strerror(errno));
	for (i = 0; i < 24; i++)
		id[i] = alpha[r[i] % 36];
	id[24] = '\0';
}

/* Free an entry and let go of its lock; accepts NULL. */
void
outbox_entry_free(struct outbox_entry *e)
{
	if (e == NULL)
		return;
	if (e->fd != -1)
		close(e->fd);
	free(e->rel);
	free(e->id);
	free(e->data);
	free(e->reason);
	envelope_out_clear(&e->env);
	free(e);
}

/* Free a list of entries. */
void
outbox_entries_free(struct outbox_entry **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		outbox_entry_free(v[i]);
	free(v);
}

/* Open and lock the entry at rel; -1 when someone else holds it or it
 * has gone (renamed, removed) since the listing. */
static int
outbox_lock(struct outbox *ob, const char *rel)
{
	char *path = xasprintf("%s/%s", ob->root, rel);
	struct stat a, b;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd != -1 && (flock(fd, LOCK_EX | LOCK_NB) == -1 ||
	    fstat(fd, &a) == -1 || stat(path, &b) == -1 ||
	    a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

/* Queue a message: write it (durably) with its envelope; the entry comes
 * back locked. */
enum status
outbox_put(struct outbox *ob, const char *msg, size_t len,
    const struct envelope_out *env, struct outbox_entry **out, char **errstr)
{
	struct outbox_entry *e = xcalloc(1, sizeof(*e));
	char id[25], *data;
	enum status st;
	size_t dlen;

	e->fd = -1;
	outbox_new_id(id);
	e->queued = time(NULL);
	data = outbox_format(msg, len, env, e->queued, &dlen);
	flock(ob->dirfd, LOCK_EX);
	st = maildir_deliver(ob->md, data, dlen, id, NULL, &e->rel, errstr);
	if (st == ST_OK && (e->fd = outbox_lock(ob, e->rel)) == -1)
		st = status_local(errstr, errno, _("outbox: cannot lock %s"),
		    e->rel);
	flock(ob->dirfd, LOCK_UN);
	free(data);
	if (st != ST_OK) {
		outbox_entry_free(e);
		return st;
	}
	e->id = xstrdup(id);
	*out = e;
	return ST_OK;
}

/* The reason sidecar of an entry, or NULL. */
static char *
outbox_read_reason(struct outbox *ob, const char *id)
{
	char *path = xasprintf("%s/reasons/%s", ob->root, id), buf[2048];
	char *nl;
	ssize_t n;
	int fd;

	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((n = read(fd, buf, sizeof(buf) - 1)) < 0)
			n = 0;
		buf[n] = '\0';
		close(fd);
	}
	free(path);
	/* "TIME\nREASON\n" */
	if ((nl = strchr(buf, '\n')) == NULL)
		return NULL;
	nl++;
	nl[strcspn(nl, "\n")] = '\0';
	return *nl != '\0' ? xstrdup(nl) : NULL;
}

/* Read and parse a locked entry. */
static enum status
outbox_load(struct outbox *ob, struct outbox_entry *e, char **errstr)
{
	size_t off;
	enum status st;

	if ((st = maildir_read(ob->md, e->rel, &e->data, &e->len, errstr)) !=
	    ST_OK)
		return st;
	if ((st = outbox_parse(e->data, e->len, &e->env, &e->queued, &off,
	    errstr)) != ST_OK)
		return st;
	e->msg = e->data + off;
	e->msglen = e->len - off;
	e->reason = outbox_read_reason(ob, e->id);
	return ST_OK;
}

/* Take every entry no other process holds, oldest first, locked and
 * read. Entries that cannot be read are left alone. */
enum status
outbox_take(struct outbox *ob, struct outbox_entry ***out, size_t *count,
    char **errstr)
{
	struct maildir_entry *v;
	struct outbox_entry *e, **res = NULL;
	size_t n, i, k = 0;
	enum status st;
	char *err;

	flock(ob->dirfd, LOCK_EX);
	if ((st = maildir_list(ob->md, &v, &n, errstr)) != ST_OK) {
		flock(ob->dirfd, LOCK_UN);
		return st;
	}
	for (i = 0; i < n; i++) {
		if (v[i].tag == NULL)
			continue;
		e = xcalloc(1, sizeof(*e));
		e->rel = xstrdup(v[i].path);
		e->id = xstrdup(v[i].tag);
		e->submitted = v[i].seen;
		err = NULL;
		if ((e->fd = outbox_lock(ob, e->rel)) == -1 ||
		    outbox_load(ob, e, &err) != ST_OK) {
			free(err);
			outbox_entry_free(e);
			continue;
		}
		res = xreallocarray(res, k + 1, sizeof(*res));
		res[k++] = e;
	}
	flock(ob->dirfd, LOCK_UN);
	maildir_entries_free(v, n);
	*out = res;
	*count = k;
	return ST_OK;
}

/* Write (atomically) why the last attempt failed. */
enum status
outbox_set_reason(struct outbox *ob, struct outbox_entry *e,
    const char *reason, char **errstr)
{
	char *dir = xasprintf("%s/reasons", ob->root);
	char *tmp = xasprintf("%s/.%s.tmp", dir, e->id);
	char *path = xasprintf("%s/%s", dir, e->id);
	char *text = xasprintf("%lld\n%s\n", (long long)time(NULL), reason);
	enum status st = ST_OK;
	int fd, dfd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || write(fd, text, strlen(text)) !=
	    (ssize_t)strlen(text) || fsync(fd) == -1 ||
	    rename(tmp, path) == -1)
		st = status_local(errstr, errno, _("outbox: cannot write %s"),
		    path);
	if (fd != -1)
		close(fd);
	if (st == ST_OK && (dfd = open(dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	if (st != ST_OK)
		unlink(tmp);
	else {
		free(e->reason);
		e->reason = xstrdup(reason);
	}
	free(text);
	free(path);
	free(tmp);
	free(dir);
	return st;
}

/* The server accepted the message: mark it (flag S), durably. */
enum status
outbox_set_submitted(struct outbox *ob, struct outbox_entry *e,
    char **errstr)
{
	enum status st;
	char *rel;

	if ((st = maildir_set_seen(ob->md, e->rel, 1, &rel, errstr)) != ST_OK)
		return st;
	free(e->rel);
	e->rel = rel;
	e->submitted = 1;
	return ST_OK;
}

/* Remove an entry (and its reason) for good; the lock goes last. */
enum status
outbox_done(struct outbox *ob, struct outbox_entry *e, char **errstr)
{
	char *path = xasprintf("%s/reasons/%s", ob->root, e->id);
	enum status st;

	st = maildir_remove(ob->md, e->rel, errstr);
	unlink(path);
	free(path);
	return st;
}

/* How many messages wait in the account's outbox (not yet accepted by
 * the server). */
enum status
outbox_count(const struct account *acct, size_t *count, char **errstr)
{
	struct maildir_entry *v;
	struct outbox *ob;
	enum status st;
	size_t n, i;

	*count = 0;
	if ((st = outbox_open(acct, 0, &ob, errstr)) != ST_OK || ob == NULL)
		return st;
	if ((st = maildir_list(ob->md, &v, &n, errstr)) == ST_OK) {
		for (i = 0; i < n; i++)
			*count += v[i].tag != NULL && !v[i].seen;
		maildir_entries_free(v, n);
	}
	outbox_free(ob);
	return st;
}
