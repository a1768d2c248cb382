/* maildir.c: Maildir delivery with tmp/ -> fsync -> link -> fsync(dir). */
#include "build-config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "i18n.h"
#include "maildir.h"
#include "xmalloc.h"

struct maildir {
	char		*root;
	unsigned	 counter;
};

static const char *const maildir_subdirs[] = { "tmp", "new", "cur" };

/* mkdir that accepts an existing directory. */
static int
maildir_mkdir(const char *path)
{
	struct stat sb;

	if (mkdir(path, 0700) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return 0;
	if (errno == EEXIST)
		errno = ENOTDIR;
	return -1;
}

/* Create path and its parents, private to the user. */
static enum status
maildir_mkdirs(const char *path, char **errstr)
{
	char *dir = xstrdup(path), *p;
	enum status st = ST_OK;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (maildir_mkdir(dir) == -1) {
			st = status_local(errstr, errno, _("cannot create %s"),
			    dir);
			break;
		}
		*p = '/';
	}
	if (st == ST_OK && maildir_mkdir(dir) == -1)
		st = status_local(errstr, errno, _("cannot create %s"), dir);
	free(dir);
	return st;
}

/* Open the Maildir at path; create it (and tmp/ new/ cur/) if asked. */
enum status
maildir_open(const char *path, int create, struct maildir **out,
    char **errstr)
{
	struct stat sb;
	enum status st;
	size_t i;
	char *sub;

	if (path == NULL || *path == '\0') {
		*errstr = xstrdup(_("no Maildir is configured: set maildir = "
		    "~/Mail/ACCOUNT for this account"));
		return ST_USAGE;
	}
	if (create && (st = maildir_mkdirs(path, errstr)) != ST_OK)
		return st;
	for (i = 0; i < sizeof(maildir_subdirs) / sizeof(*maildir_subdirs);
	    i++) {
		sub = xasprintf("%s/%s", path, maildir_subdirs[i]);
		errno = ENOTDIR;
		if (create ? maildir_mkdir(sub) == -1 :
		    (stat(sub, &sb) == -1 || !S_ISDIR(sb.st_mode))) {
			st = status_local(errstr, errno,
			    _("cannot open the Maildir folder %s"), sub);
			free(sub);
			return st;
		}
		free(sub);
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->root = xstrdup(path);
	return ST_OK;
}

/* Forget a Maildir handle (the files stay). */
void
maildir_free(struct maildir *md)
{
	if (md == NULL)
		return;
	free(md->root);
	free(md);
}

/* The directory the Maildir lives in. */
const char *
maildir_root(const struct maildir *md)
{
	return md->root;
}

/* Is tag usable in a file name: 1..MAILDIR_TAG_MAX of [A-Za-z0-9_-]? */
int
maildir_tag_valid(const char *tag)
{
	size_t n;

	if (tag == NULL || *tag == '\0')
		return 0;
	for (n = 0; tag[n] != '\0'; n++) {
		if (n >= MAILDIR_TAG_MAX)
			return 0;
		if (!((tag[n] >= 'a' && tag[n] <= 'z') ||
		    (tag[n] >= 'A' && tag[n] <= 'Z') ||
		    (tag[n] >= '0' && tag[n] <= '9') ||
		    tag[n] == '-' || tag[n] == '_'))
			return 0;
	}
	return 1;
}

/* This host's name with '/' and ':' escaped as the Maildir spec says. */
static char *
maildir_hostname(void)
{
	char host[256], out[256 * 4 + 1];
	size_t i, o = 0;

	if (gethostname(host, sizeof(host) - 1) == -1)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i] != '\0'; i++) {
		if (host[i] == '/')
			o += (size_t)snprintf(out + o, 5, "\\057");
		else if (host[i] == ':')
			o += (size_t)snprintf(out + o, 5, "\\072");
		else
			out[o++] = host[i];
	}
	out[o] = '\0';
	return xstrdup(out);
}

/* A name no other delivery on any host uses: time, usec, pid, counter,
 * random bits, host, and the tag as a ",U=" field. */
static char *
maildir_unique(struct maildir *md, const char *tag)
{
	struct timeval tv;
	uint32_t rnd = 0;
	char *host, *name;
	int fd;

	gettimeofday(&tv, NULL);
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) != -1) {
		if (read(fd, &rnd, sizeof(rnd)) != (ssize_t)sizeof(rnd))
			rnd = 0;
		close(fd);
	}
	host = maildir_hostname();
	name = xasprintf("%lld.M%ldP%ldQ%uR%08x.%s%s%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
	    ++md->counter, (unsigned)rnd, host, tag != NULL ? ",U=" : "",
	    tag != NULL ? tag : "");
	free(host);
	return name;
}

/* Write all of buf to fd. */
static int
maildir_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync a directory, so a rename or an unlink in it is on disk. */
static enum status
maildir_sync_dir(const char *root, const char *sub, char **errstr)
{
	char *dir = xasprintf("%s/%s", root, sub);
	enum status st = ST_OK;
	int fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(fd) == -1)
		st = status_local(errstr, errno,
		    _("cannot sync %s to disk"), dir);
	if (fd != -1)
		close(fd);
	free(dir);
	return st;
}

/* Write data to tmp/NAME and fsync it. */
static enum status
maildir_write_tmp(const char *tmp, const void *data, size_t len,
    char **errstr)
{
	int fd, err;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1)
		return status_local(errstr, errno, _("cannot create %s"), tmp);
	if (maildir_write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		err = errno;
		close(fd);
		unlink(tmp);
		return status_local(errstr, err, _("cannot write %s"), tmp);
	}
	if (close(fd) == -1) {
		err = errno;
		unlink(tmp);
		return status_local(errstr, err, _("cannot write %s"), tmp);
	}
	return ST_OK;
}

/* Move tmp into its final place without ever replacing a file. */
static int
maildir_publish(const char *tmp, const char *final)
{
	if (link(tmp, final) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno != EPERM && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
	/* A file system without hard links: the name is unique anyway. */
	if (access(final, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, final);
}

/*
 * Deliver len bytes of data: into new/, or into cur/ with the info
 * ":2,FLAGS" when flags is not NULL. tag (or NULL) goes into the name.
 * The relative path ("new/NAME") is returned in *path when path is not
 * NULL.
 */
enum status
maildir_deliver(struct maildir *md, const void *data, size_t len,
    const char *tag, const char *flags, char **path, char **errstr)
{
	char *name, *tmp, *rel, *final;
	enum status st;

	if (tag != NULL && !maildir_tag_valid(tag))
		fatalx("maildir_deliver: bad tag");
	name = maildir_unique(md, tag);
	tmp = xasprintf("%s/tmp/%s", md->root, name);
	if (flags != NULL)
		rel = xasprintf("cur/%s:2,%s", name, flags);
	else
		rel = xasprintf("new/%s", name);
	final = xasprintf("%s/%s", md->root, rel);
	free(name);
	if ((st = maildir_write_tmp(tmp, data, len, errstr)) == ST_OK) {
		if (maildir_publish(tmp, final) == -1) {
			st = status_local(errstr, errno,
			    _("cannot deliver the message to %s"), final);
			unlink(tmp);
		} else
			st = maildir_sync_dir(md->root, flags ? "cur" : "new",
			    errstr);
	}
	free(tmp);
	free(final);
	if (st == ST_OK && path != NULL)
		*path = rel;
	else
		free(rel);
	return st;
}

/* The tag in a file name (",U=TAG" before ':' or the next ','), or NULL. */
static char *
maildir_name_tag(const char *name)
{
	const char *p = name, *e;

	while ((p = strstr(p, ",U=")) != NULL) {
		p += 3;
		e = p + strcspn(p, ",:");
		if (e > p)
			return xstrndup(p, (size_t)(e - p));
	}
	return NULL;
}

/* Does the info part (":2,FLAGS") of name carry flag? */
static int
maildir_name_flag(const char *name, char flag)
{
	const char *info = strstr(name, ":2,");

	return info != NULL && strchr(info + 3, flag) != NULL;
}

/* Append the entries of one subdirectory. */
static enum status
maildir_scan(struct maildir *md, const char *sub, struct maildir_entry **v,
    size_t *n, size_t *cap, char **errstr)
{
	struct maildir_entry *e;
	struct dirent *de;
	struct stat sb;
	char *dir, *full;
	DIR *d;

	dir = xasprintf("%s/%s", md->root, sub);
	if ((d = opendir(dir)) == NULL) {
		enum status st = status_local(errstr, errno,
		    _("cannot read %s"), dir);
		free(dir);
		return st;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		full = xasprintf("%s/%s", dir, de->d_name);
		if (stat(full, &sb) == -1 || !S_ISREG(sb.st_mode)) {
			free(full);
			continue;	/* gone meanwhile, or not a message */
		}
		free(full);
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*v = xreallocarray(*v, *cap, sizeof(**v));
		}
		e = &(*v)[(*n)++];
		e->path = xasprintf("%s/%s", sub, de->d_name);
		e->name = e->path + strlen(sub) + 1;
		e->tag = maildir_name_tag(e->name);
		e->seen = maildir_name_flag(e->name, 'S');
		e->size = (size_t)sb.st_size;
		e->mtime = sb.st_mtime;
	}
	closedir(d);
	free(dir);
	return ST_OK;
}

/* Oldest first; the name breaks ties, so the order is stable. */
static int
maildir_entry_cmp(const void *a, const void *b)
{
	const struct maildir_entry *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Every message in new/ and cur/, oldest first. */
enum status
maildir_list(struct maildir *md, struct maildir_entry **out, size_t *count,
    char **errstr)
{
	struct maildir_entry *v = NULL;
	size_t n = 0, cap = 0;
	enum status st;

	if ((st = maildir_scan(md, "new", &v, &n, &cap, errstr)) != ST_OK ||
	    (st = maildir_scan(md, "cur", &v, &n, &cap, errstr)) != ST_OK) {
		maildir_entries_free(v, n);
		return st;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), maildir_entry_cmp);
	*out = v;
	*count = n;
	return ST_OK;
}

/* Free what maildir_list() returned. */
void
maildir_entries_free(struct maildir_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].tag);
	}
	free(v);
}

/* Is there a message whose name carries tag? */
int
maildir_find_tag(struct maildir *md, const char *tag)
{
	struct maildir_entry *v;
	size_t n, i;
	char *err = NULL;
	int found = 0;

	if (maildir_list(md, &v, &n, &err) != ST_OK) {
		free(err);
		return 0;
	}
	for (i = 0; i < n && !found; i++)
		found = v[i].tag != NULL && strcmp(v[i].tag, tag) == 0;
	maildir_entries_free(v, n);
	return found;
}

/* Is rel a message path inside the Maildir ("new/X" or "cur/X")? */
static int
maildir_rel_valid(const char *rel)
{
	if (strncmp(rel, "new/", 4) != 0 && strncmp(rel, "cur/", 4) != 0)
		return 0;
	return rel[4] != '\0' && rel[4] != '.' && strchr(rel + 4, '/') == NULL;
}

/* Read a whole message (NUL-terminated for convenience). */
enum status
maildir_read(struct maildir *md, const char *rel, char **data, size_t *len,
    char **errstr)
{
	char *path, *buf = NULL;
	size_t n = 0, cap = 0;
	ssize_t r;
	int fd;

	if (!maildir_rel_valid(rel))
		fatalx("maildir_read: bad path");
	path = xasprintf("%s/%s", md->root, rel);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		goto fail;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		if ((r = read(fd, buf + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	free(path);
	return ST_OK;
fail:
	free(buf);
	{
		enum status st = status_local(errstr, errno,
		    _("cannot read %s"), path);
		free(path);
		return st;
	}
}

/* Remove one message, durably. */
enum status
maildir_remove(struct maildir *md, const char *rel, char **errstr)
{
	char *path, sub[4];
	enum status st;

	if (!maildir_rel_valid(rel))
		fatalx("maildir_remove: bad path");
	path = xasprintf("%s/%s", md->root, rel);
	if (unlink(path) == -1) {
		st = status_local(errstr, errno, _("cannot remove %s"), path);
		free(path);
		return st;
	}
	free(path);
	memcpy(sub, rel, 3);
	sub[3] = '\0';
	return maildir_sync_dir(md->root, sub, errstr);
}

/* Order two flag letters. */
static int
maildir_char_cmp(const void *a, const void *b)
{
	return *(const char *)a - *(const char *)b;
}

/* Mark a message seen or not: it moves to cur/NAME:2,S (or loses the S).
 * The new relative path is returned in *newrel. */
enum status
maildir_set_seen(struct maildir *md, const char *rel, int seen,
    char **newrel, char **errstr)
{
	char *base, *info, *flags, *to, *from, *dst;
	const char *p;
	enum status st;
	size_t o = 0;

	if (!maildir_rel_valid(rel))
		fatalx("maildir_set_seen: bad path");
	base = xstrdup(rel + 4);
	flags = xcalloc(1, strlen(base) + 2);
	if ((info = strstr(base, ":2,")) != NULL) {
		for (p = info + 3; *p != '\0'; p++)
			if (*p != 'S')
				flags[o++] = *p;
		*info = '\0';
	}
	if (seen)
		flags[o++] = 'S';
	flags[o] = '\0';
	/* Flags are kept in ASCII order, as the Maildir spec asks. */
	qsort(flags, o, 1, maildir_char_cmp);
	to = xasprintf("cur/%s:2,%s", base, flags);
	free(base);
	free(flags);
	from = xasprintf("%s/%s", md->root, rel);
	dst = xasprintf("%s/%s", md->root, to);
	if (strcmp(from, dst) != 0 && rename(from, dst) == -1)
		st = status_local(errstr, errno, _("cannot rename %s"), from);
	else
		st = maildir_sync_dir(md->root, "cur", errstr);
	free(from);
	free(dst);
	if (st == ST_OK)
		*newrel = to;
	else
		free(to);
	return st;
}
