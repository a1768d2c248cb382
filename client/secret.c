/* secret.c: run password_cmd and take the first line of its output. */
#include "build-config.h"

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "secret.h"
#include "xmalloc.h"

#define SECRET_MAX 4096

/* Start /bin/sh -c cmd with stdout on a pipe and stdin on /dev/null. */
static pid_t
secret_spawn(const char *cmd, int *rfd)
{
	int p[2], null;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		if ((null = open("/dev/null", O_RDONLY)) != -1)
			dup2(null, 0);
		dup2(p[1], 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

/* Read the child's output until EOF, the limit or the deadline. */
static ssize_t
secret_read(int fd, char *buf, size_t size, unsigned timeout)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	time_t deadline = time(NULL) + timeout;
	size_t len = 0;
	ssize_t r;

	while (len < size) {
		if (poll(&pfd, 1, 1000) == 0) {
			if (time(NULL) >= deadline)
				return -2;
			continue;
		}
		r = read(fd, buf + len, size - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	return (ssize_t)len;
}

/* Wait for the child; its exit status, or -1. */
static int
secret_wait(pid_t pid, int kill_it)
{
	int status;

	if (kill_it)
		kill(pid, SIGTERM);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run password_cmd; the password is the first line of its output. */
int
secret_from_cmd(const char *cmd, unsigned timeout, char **out, char **errstr)
{
	char *buf = xcalloc(1, SECRET_MAX + 1);
	ssize_t len;
	pid_t pid;
	int fd, status;

	if ((pid = secret_spawn(cmd, &fd)) == -1) {
		*errstr = xasprintf(_("cannot run password_cmd: %s"),
		    strerror(errno));
		free(buf);
		return -1;
	}
	len = secret_read(fd, buf, SECRET_MAX, timeout);
	close(fd);
	status = secret_wait(pid, len == -2);
	buf[strcspn(buf, "\r\n")] = '\0';
	if (len == -2)
		*errstr = xasprintf(_("password_cmd did not finish within %u "
		    "seconds"), timeout);
	else if (status != 0)
		*errstr = xasprintf(_("password_cmd failed (exit status %d)"),
		    status);
	else if (buf[0] == '\0')
		*errstr = xstrdup(_("password_cmd printed no password"));
	else {
		*out = xstrdup(buf);
		xwipe(buf, SECRET_MAX + 1);
		free(buf);
		return 0;
	}
	xwipe(buf, SECRET_MAX);
	free(buf);
	return -1;
}
