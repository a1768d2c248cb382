/* save.c: attachments to files: safe names, no overwriting, written
 * whole before they get their name. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "save.h"
#include "strbuf.h"
#include "xmalloc.h"

#define SAVE_MAX_SUFFIX	999

/* One UTF-8 character at s: its length and code point, 0 if invalid. */
static size_t
save_utf8(const unsigned char *s, unsigned long *cp)
{
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ?
	    3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (n == 0)
		return 0;
	*cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp < 0xe000))
		return 0;
	return n;
}

/* Characters a file name must not show: controls, BiDi overrides. */
static int
save_bad_cp(unsigned long cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x61c ||
	    cp == 0xfeff;
}

/* Cut s to at most max bytes on a character boundary, keeping a short
 * extension. */
static void
save_cut(char *s, size_t max)
{
	size_t len = strlen(s), keep = 0, cut;
	const char *dot = strrchr(s, '.');

	if (len <= max)
		return;
	if (dot != NULL && dot != s && strlen(dot) <= 16)
		keep = strlen(dot);
	cut = max - keep;
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	memmove(s + cut, s + len - keep, keep + 1);
}

/* A safe file name from the name a message gave (see save.h). */
char *
save_name(const char *given)
{
	const char *p = given ? given : "", *q;
	struct strbuf b = { 0 };
	unsigned long cp;
	size_t n, start, end;
	char *out;

	for (q = p; *q != '\0'; q++)
		if (*q == '/' || *q == '\\')
			p = q + 1;
	strbuf_add(&b, "", 0);
	while (*p != '\0') {
		n = save_utf8((const unsigned char *)p, &cp);
		if (n == 0 || save_bad_cp(cp))
			strbuf_addc(&b, '_');
		else
			strbuf_add(&b, p, n);
		p += n ? n : 1;
	}
	for (start = 0; b.s[start] == '.' || b.s[start] == ' '; start++)
		;
	for (end = b.len; end > start && (b.s[end - 1] == '.' ||
	    b.s[end - 1] == ' '); end--)
		;
	out = end > start ? xstrndup(b.s + start, end - start) :
	    xstrdup("attachment");
	strbuf_clear(&b);
	save_cut(out, SAVE_NAME_MAX);
	return out;
}

/* ~/Downloads when it is a folder, else the current folder. */
char *
save_default_dir(void)
{
	const char *home = getenv("HOME");
	char cwd[PATH_MAX], *d;
	struct stat sb;

	if (home != NULL && home[0] == '/') {
		d = xasprintf("%s/Downloads", home);
		if (stat(d, &sb) == 0 && S_ISDIR(sb.st_mode))
			return d;
		free(d);
	}
	if (getcwd(cwd, sizeof(cwd)) != NULL)
		return xstrdup(cwd);
	return xstrdup(".");
}

/* The folder with "~/" expanded, trailing slashes gone. */
static char *
save_dir(const char *dir)
{
	const char *home = getenv("HOME");
	size_t len;
	char *d;

	if (dir[0] == '~' && (dir[1] == '/' || dir[1] == '\0') &&
	    home != NULL)
		d = xasprintf("%s%s", home, dir + 1);
	else
		d = xstrdup(dir[0] != '\0' ? dir : ".");
	len = strlen(d);
	while (len > 1 && d[len - 1] == '/')
		d[--len] = '\0';
	return d;
}

/* Write all of data to fd; 0 on success, else -1 with errno set. */
static int
save_write(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, data, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return fsync(fd);
}

/* name, or "stem-k.ext" for k > 0. */
static char *
save_candidate(const char *name, int k)
{
	const char *dot = strrchr(name, '.');

	if (k == 0)
		return xstrdup(name);
	if (dot == NULL || dot == name)
		return xasprintf("%s-%d", name, k);
	return xasprintf("%.*s-%d%s", (int)(dot - name), name, k, dot);
}

/* Give tmp the name path without replacing anything: a hard link, else
 * (a file system without them) rename with RENAME_NOREPLACE. */
static int
save_link(const char *tmp, const char *path)
{
	if (link(tmp, path) == 0)
		return 0;
	if (errno == EEXIST)
		return -1;
	return renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
}

/* Give the written temporary file a free name in dir; the path, or NULL
 * with errno set. */
static char *
save_place(const char *dir, const char *tmp, const char *name)
{
	char *cand, *path;
	int k;

	for (k = 0; k <= SAVE_MAX_SUFFIX; k++) {
		cand = save_candidate(name, k);
		path = xasprintf("%s/%s", dir, cand);
		free(cand);
		if (save_link(tmp, path) == 0)
			return path;
		free(path);
		if (errno != EEXIST)
			return NULL;
	}
	errno = EEXIST;
	return NULL;
}

/* Write data to a new temporary file in dir; its path, or NULL with
 * errno set (nothing left behind). */
static char *
save_temp(const char *dir, const void *data, size_t len)
{
	char *tmp = xasprintf("%s/.starling-save-XXXXXX", dir);
	int fd, e;

	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		free(tmp);
		return NULL;
	}
	if (save_write(fd, data, len) == -1) {
		e = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		errno = e;
		return NULL;
	}
	if (close(fd) == -1) {
		e = errno;
		unlink(tmp);
		free(tmp);
		errno = e;
		return NULL;
	}
	return tmp;
}

/* Save data as a file named after name in dir (see save.h). */
enum status
save_file(const char *dir, const char *name, const void *data, size_t len,
    char **path, char **errstr)
{
	char *d = save_dir(dir), *safe = save_name(name), *tmp;
	struct stat sb;

	*path = NULL;
	if (stat(d, &sb) == -1)
		*errstr = xasprintf(_("cannot save in %s: %s"), d,
		    strerror(errno));
	else if (!S_ISDIR(sb.st_mode))
		*errstr = xasprintf(_("cannot save in %s: it is not a "
		    "folder"), d);
	else if ((tmp = save_temp(d, data, len)) == NULL)
		*errstr = xasprintf(_("cannot save %s in %s: %s"), safe, d,
		    strerror(errno));
	else {
		if ((*path = save_place(d, tmp, safe)) == NULL)
			*errstr = xasprintf(_("cannot save %s in %s: %s"),
			    safe, d, strerror(errno));
		unlink(tmp);
		free(tmp);
	}
	free(d);
	free(safe);
	return *path ? ST_OK : ST_USAGE;
}
