/* tlsseen.c: remember which servers did STARTTLS, to notice stripping. */
#include "build-config.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "i18n.h"
#include "tlsseen.h"
#include "xdg.h"
#include "xmalloc.h"

/* The memory file. */
char *
tlsseen_path(void)
{
	return xdg_path("XDG_STATE_HOME", ".local/state", "tls-seen");
}

/* Does this line describe service host:port? Its time if so. */
static int
tlsseen_match(const char *line, enum service svc, const char *host,
    unsigned port, time_t *when)
{
	char s[16], h[256];
	unsigned p;
	long long t;

	if (sscanf(line, "%15s %255s %u %lld", s, h, &p, &t) != 4)
		return 0;
	if (strcmp(s, service_name(svc)) != 0 || strcasecmp(h, host) != 0 ||
	    p != port)
		return 0;
	if (when != NULL)
		*when = (time_t)t;
	return 1;
}

/* Did this service ever negotiate TLS? 1 and the last time, or 0. */
int
tlsseen_lookup(enum service svc, const char *host, unsigned port,
    time_t *when)
{
	char *path = tlsseen_path(), line[512];
	FILE *f = fopen(path, "r");
	int found = 0;

	free(path);
	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = tlsseen_match(line, svc, host, port, when);
	fclose(f);
	return found;
}

/* Copy every other entry from the old file into the new one. */
static void
tlsseen_copy_others(const char *path, FILE *out, enum service svc,
    const char *host, unsigned port)
{
	FILE *in = fopen(path, "r");
	char line[512];

	if (in == NULL)
		return;
	while (fgets(line, sizeof(line), in) != NULL)
		if (!tlsseen_match(line, svc, host, port, NULL))
			fputs(line, out);
	fclose(in);
}

static int tlsseen_rewrite(const char *, enum service, const char *,
    unsigned, time_t, char **);

/* Take the writers' lock (other threads, other starling processes). */
static int
tlsseen_lock(const char *path)
{
	char *lock = xasprintf("%s.lock", path);
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	free(lock);
	if (fd == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

/* Remember that service host:port negotiated TLS at time when. */
int
tlsseen_record(enum service svc, const char *host, unsigned port,
    time_t when, char **errstr)
{
	char *path = tlsseen_path();
	int lock, r;

	if (xdg_mkparent(path, errstr) == -1) {
		free(path);
		return -1;
	}
	/* Without the lock entries can be lost; with it none are. */
	lock = tlsseen_lock(path);
	r = tlsseen_rewrite(path, svc, host, port, when, errstr);
	if (lock != -1)
		close(lock);
	free(path);
	return r;
}

/* Rewrite the file with this entry updated (read, copy, rename). */
static int
tlsseen_rewrite(const char *path, enum service svc, const char *host,
    unsigned port, time_t when, char **errstr)
{
	char *tmp;
	FILE *out;
	int fd;

	tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1 || (out = fdopen(fd, "w")) == NULL) {
		*errstr = xasprintf(_("cannot write %s: %s"), tmp,
		    strerror(errno));
		goto fail;
	}
	tlsseen_copy_others(path, out, svc, host, port);
	fprintf(out, "%s %s %u %lld\n", service_name(svc), host, port,
	    (long long)when);
	if (fclose(out) != 0 || rename(tmp, path) == -1) {
		*errstr = xasprintf(_("cannot write %s: %s"), path,
		    strerror(errno));
		unlink(tmp);
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	free(tmp);
	return -1;
}
