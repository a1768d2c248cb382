/* editor.c: run the user's editor on a private temporary file, the way
 * mutt does: /bin/sh -c "EDITOR 'FILE'" with curses suspended. */
#include "build-config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draft.h"
#include "editor.h"
#include "i18n.h"
#include "term.h"
#include "xmalloc.h"

/* The editor command: $VISUAL, $EDITOR, the setting, vi. */
char *
editor_command(const struct config *cfg)
{
	const char *e;

	if ((e = getenv("VISUAL")) != NULL && *e != '\0')
		return xstrdup(e);
	if ((e = getenv("EDITOR")) != NULL && *e != '\0')
		return xstrdup(e);
	if (cfg != NULL && cfg->editor != NULL && *cfg->editor != '\0')
		return xstrdup(cfg->editor);
	return xstrdup("vi");
}

/* A path quoted for sh: 'it'\''s'. */
static char *
editor_quote(const char *path)
{
	size_t n = strlen(path), k = 0;
	char *out = xmalloc(n * 4 + 3);

	out[k++] = '\'';
	for (; *path != '\0'; path++) {
		if (*path == '\'') {
			memcpy(out + k, "'\\''", 4);
			k += 4;
		} else
			out[k++] = *path;
	}
	out[k++] = '\'';
	out[k] = '\0';
	return out;
}

/* Write all of buf to fd; -1 on error. */
static int
editor_write_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len > 0) {
		if ((r = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* A new private file holding text; its path in *path. */
static enum status
editor_tmp(const char *text, size_t len, char **path, char **errstr)
{
	const char *dir = getenv("TMPDIR");
	int fd, ok, err;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	*path = xasprintf("%s/starling-XXXXXX", dir);
	if ((fd = mkstemp(*path)) == -1) {
		ok = 0;
		err = errno;
	} else {
		ok = fchmod(fd, 0600) == 0 &&
		    editor_write_all(fd, text, len) == 0;
		err = errno;
		if (close(fd) == -1 && ok) {
			ok = 0;
			err = errno;
		}
	}
	if (ok)
		return ST_OK;
	*errstr = xasprintf(_("cannot write the message to a temporary file "
	    "%s: %s (set TMPDIR to a writable directory)"), *path,
	    strerror(err));
	if (fd != -1)
		unlink(*path);
	free(*path);
	*path = NULL;
	return ST_LOCAL;
}

/* Read the file back (at most DRAFT_TEXT_MAX + 1 bytes: longer is
 * refused by draft_parse()). */
static enum status
editor_read(const char *path, char **out, size_t *outlen, char **errstr)
{
	size_t cap = 8192, len = 0;
	char *buf = xmalloc(cap + 1);
	ssize_t r;
	int fd, err = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		err = errno;
	while (fd != -1 && len <= DRAFT_TEXT_MAX) {
		if (len == cap) {
			cap *= 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		if ((r = read(fd, buf + len, cap - len)) == 0)
			break;
		if (r == -1 && errno != EINTR) {
			err = errno;
			break;
		}
		len += r > 0 ? (size_t)r : 0;
	}
	if (fd != -1)
		close(fd);
	if (err != 0) {
		*errstr = xasprintf(_("cannot read the edited message back "
		    "from %s: %s"), path, strerror(err));
		free(buf);
		return ST_LOCAL;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return ST_OK;
}

/* Run cmd through /bin/sh; its exit status (-1: killed by a signal), or
 * -2 with errno set when no process could be started. Like system(3),
 * the caller ignores SIGINT and SIGQUIT meanwhile: Ctrl-C belongs to the
 * editor, and must not end starling. */
static int
editor_spawn(const char *cmd)
{
	struct sigaction ign, oint, oquit;
	pid_t pid, r;
	int st = 0;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	if ((pid = fork()) == 0) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && (r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		;
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (pid == -1)
		return -2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Let the user edit text; see editor.h. */
enum status
editor_run(const struct config *cfg, const char *text, size_t len,
    char **out, size_t *outlen, int *exit_status, char **errstr)
{
	char *path, *quoted, *editor, *cmd;
	enum status st;
	int err;

	if ((st = editor_tmp(text, len, &path, errstr)) != ST_OK)
		return st;
	editor = editor_command(cfg);
	quoted = editor_quote(path);
	cmd = xasprintf("%s %s", editor, quoted);
	term_suspend();
	*exit_status = editor_spawn(cmd);
	err = errno;
	term_resume();
	if (*exit_status == -2) {
		*errstr = xasprintf(_("cannot start the editor \"%s\": %s"),
		    editor, strerror(err));
		st = ST_LOCAL;
	} else
		st = editor_read(path, out, outlen, errstr);
	unlink(path);
	free(cmd);
	free(quoted);
	free(editor);
	free(path);
	return st;
}
