/* wire.c: a socket, then our TLS session, as a libetpan stream. */
#include "build-config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "wire.h"
#include "xmalloc.h"

struct wire {
	int			 fd;
	unsigned		 timeout;	/* seconds */
	struct tls		*tls;
	struct transcript	*tr;
	mailstream		*stream;
	struct timespec		 deadline;	/* for the current step */
	size_t			 step_bytes;	/* received in this step */
	size_t			 limit;		/* most bytes per step */
	int			 patient;	/* data restarts the clock */
	int			 timed_out;
	char			 error[256];
};

#define WIRE_DEFAULT_LIMIT	(1024 * 1024)

/* Remember why the stream failed. */
static ssize_t
wire_fail(struct wire *w, const char *why)
{
	snprintf(w->error, sizeof(w->error), "%s", why);
	return -1;
}

/* Give the current step the full timeout again from now. */
static void
wire_clock(struct wire *w)
{
	clock_gettime(CLOCK_MONOTONIC, &w->deadline);
	w->deadline.tv_sec += w->timeout;
}

/* Start a new step (a command and its reply): restart the clock. */
static void
wire_step(struct wire *w)
{
	wire_clock(w);
	w->step_bytes = 0;
}

/* Milliseconds left in this step (0 when it is over). */
static int
wire_left_ms(const struct wire *w)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(w->deadline.tv_sec - now.tv_sec) * 1000 +
	    (w->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

/* Wait until the socket is ready for events, or the step times out. */
static int
wire_wait(struct wire *w, short events)
{
	struct pollfd pfd = { w->fd, events, 0 };
	int r;

	do {
		r = poll(&pfd, 1, wire_left_ms(w));
	} while (r == -1 && errno == EINTR);
	if (r == 0) {
		w->timed_out = 1;
		snprintf(w->error, sizeof(w->error),
		    _("no complete answer within %u seconds"), w->timeout);
		return -1;
	}
	if (r == -1)
		return (int)wire_fail(w, strerror(errno));
	return 0;
}

/* Count received bytes; a reply larger than the limit is refused. */
static int
wire_count(struct wire *w, size_t n)
{
	w->step_bytes += n;
	if (w->step_bytes <= w->limit)
		return 0;
	snprintf(w->error, sizeof(w->error), _("the server sent more than "
	    "%zu bytes in one reply"), w->limit);
	return -1;
}

/* The driver's read: plain or TLS, with the timeout, recorded. */
static ssize_t
wire_low_read(mailstream_low *low, void *buf, size_t len)
{
	struct wire *w = low->data;
	ssize_t r;

	if ((w->tls == NULL || tls_pending(w->tls) == 0) &&
	    wire_wait(w, POLLIN) == -1)
		return -1;
	if (w->tls != NULL) {
		tls_set_timeout(w->tls, wire_left_ms(w));
		if ((r = tls_recv(w->tls, buf, len)) < 0)
			return wire_fail(w, tls_error(w->tls));
	} else {
		do {
			r = recv(w->fd, buf, len, 0);
		} while (r == -1 && errno == EINTR);
		if (r == -1)
			return wire_fail(w, strerror(errno));
	}
	/* End of stream is an error for libetpan: its line reader would
	 * take 0 for an empty line, and a POP3 multi-line reply would then
	 * never end (RETR cut short by a close grew memory forever). */
	if (r == 0)
		return wire_fail(w, _("the server closed the connection"));
	transcript_record(w->tr, TR_RECEIVED, buf, (size_t)r);
	if (wire_count(w, (size_t)r) == -1)
		return -1;
	if (w->patient)
		wire_clock(w);
	return r;
}

/* The driver's write: plain or TLS, with the timeout, recorded. */
static ssize_t
wire_low_write(mailstream_low *low, const void *buf, size_t len)
{
	struct wire *w = low->data;
	ssize_t r;

	wire_step(w);
	if (wire_wait(w, POLLOUT) == -1)
		return -1;
	if (w->tls != NULL) {
		if ((r = tls_send(w->tls, buf, len)) < 0)
			return wire_fail(w, tls_error(w->tls));
	} else {
		do {
			r = send(w->fd, buf, len, MSG_NOSIGNAL);
		} while (r == -1 && errno == EINTR);
		if (r == -1)
			return wire_fail(w, strerror(errno));
	}
	transcript_record(w->tr, TR_SENT, buf, (size_t)r);
	return r;
}

/* The driver's close: the socket belongs to the wire, not the stream. */
static int
wire_low_close(mailstream_low *low)
{
	return 0;
}

/* The driver's get_fd. */
static int
wire_low_get_fd(mailstream_low *low)
{
	struct wire *w = low->data;

	return w->fd;
}

/* The driver's free: only the low object; the wire lives on. */
static void
wire_low_free(mailstream_low *low)
{
	free(low);
}

/* The driver's cancel: nothing to do, reads time out on their own. */
static void
wire_low_cancel(mailstream_low *low)
{
}

/* The driver's get_cancel: none. */
static struct mailstream_cancel *
wire_low_get_cancel(mailstream_low *low)
{
	return NULL;
}

static mailstream_low_driver wire_driver = {
	.mailstream_read = wire_low_read,
	.mailstream_write = wire_low_write,
	.mailstream_close = wire_low_close,
	.mailstream_get_fd = wire_low_get_fd,
	.mailstream_free = wire_low_free,
	.mailstream_cancel = wire_low_cancel,
	.mailstream_get_cancel = wire_low_get_cancel,
};

/* Connect one address with a timeout; the socket, or -1 with errno. */
static int
wire_connect_one(const struct addrinfo *ai, unsigned timeout)
{
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, err = 0, flags, r;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd == -1)
		return -1;
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do {
			r = poll(&pfd, 1, (int)timeout * 1000);
		} while (r == -1 && errno == EINTR);
		if (r == 0)
			errno = ETIMEDOUT;
		if (r <= 0)
			goto fail;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
		    err != 0) {
			errno = err ? err : errno;
			goto fail;
		}
	}
	fcntl(fd, F_SETFL, flags);
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* Set the send timeout the TLS layer relies on for blocking writes. */
static void
wire_sockopts(int fd, unsigned timeout)
{
	struct timeval tv = { (time_t)timeout, 0 };

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Resolve host and connect to the first address that answers. */
enum status
wire_connect(const char *host, unsigned port, unsigned timeout,
    struct transcript *tr, struct wire **out, char **errstr)
{
	struct addrinfo hints, *res, *ai;
	struct wire *w;
	char svc[8];
	int fd = -1, r, err = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(svc, sizeof(svc), "%u", port);
	if ((r = getaddrinfo(host, svc, &hints, &res)) != 0) {
		*errstr = xasprintf(_("cannot resolve %s: %s"), host,
		    gai_strerror(r));
		return ST_NETWORK;
	}
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next)
		if ((fd = wire_connect_one(ai, timeout)) == -1)
			err = errno;
	freeaddrinfo(res);
	if (fd == -1) {
		*errstr = xasprintf(_("cannot connect to %s port %u: %s"), host,
		    port, strerror(err));
		return ST_NETWORK;
	}
	wire_sockopts(fd, timeout);
	w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->timeout = timeout;
	w->tr = tr;
	w->limit = WIRE_DEFAULT_LIMIT;
	wire_step(w);
	*out = w;
	return ST_OK;
}

/* The libetpan stream over this wire (made once, owned by the wire). */
mailstream *
wire_stream(struct wire *w)
{
	mailstream_low *low;

	if (w->stream != NULL)
		return w->stream;
	if ((low = mailstream_low_new(w, &wire_driver)) == NULL ||
	    (w->stream = mailstream_new(low, 8192)) == NULL)
		fatalx("cannot create a libetpan stream");
	return w->stream;
}

/* Close the libetpan stream (call after detaching it from libetpan). */
void
wire_close_stream(struct wire *w)
{
	if (w->stream != NULL)
		mailstream_close(w->stream);
	w->stream = NULL;
}

/* libetpan closed the stream itself (LOGOUT, QUIT): forget it. */
void
wire_stream_gone(struct wire *w)
{
	w->stream = NULL;
}

/* Did a read or write fail (closed, timed out, broken)? */
int
wire_failed(const struct wire *w)
{
	return w->error[0] != '\0';
}

/*
 * Bytes received but not yet consumed: what libetpan buffered beyond the
 * last response, plus what the kernel holds for the socket. After a
 * positive STARTTLS reply this must be 0, else someone injected data.
 */
size_t
wire_pending(struct wire *w)
{
	char buf[512];
	size_t n = 0;
	ssize_t r;

	if (w->stream != NULL)
		n += w->stream->read_buffer_len;
	r = recv(w->fd, buf, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
	if (r > 0)
		n += (size_t)r;
	if (w->tls != NULL)
		n += tls_pending(w->tls);
	return n;
}

/* Switch the wire to a verified TLS session. */
enum status
wire_starttls(struct wire *w, const struct tls_params *p,
    struct tls_info *info, enum level *level, char **errstr)
{
	enum status st;

	if (w->stream != NULL && w->stream->write_buffer_len != 0)
		fatalx("unsent bytes before STARTTLS");
	wire_step(w);
	st = tls_handshake(w->fd, p, &w->tls, info, level, errstr);
	wire_step(w);
	if (st == ST_OK)
		transcript_set_phase(w->tr, TR_TLS);
	return st;
}

/* Allow larger replies (message bodies); 0 restores the default. */
void
wire_set_limit(struct wire *w, size_t limit)
{
	w->limit = limit ? limit : WIRE_DEFAULT_LIMIT;
}

/*
 * For one long reply (a large message): while on, every read that brings
 * bytes restarts the clock, so the timeout bounds the silence between
 * reads instead of the whole reply; the byte limit still bounds its size.
 */
void
wire_set_patient(struct wire *w, int on)
{
	w->patient = on;
}

/* Is the wire encrypted now? */
int
wire_is_tls(const struct wire *w)
{
	return w->tls != NULL;
}

/* Why the last read or write failed. */
const char *
wire_error(const struct wire *w)
{
	return w->error[0] ? w->error : _("the connection failed");
}

/* Did the last failure come from the timeout? */
int
wire_timed_out(const struct wire *w)
{
	return w->timed_out;
}

/* Make any blocked read or write fail now (from another thread). */
void
wire_abort(struct wire *w)
{
	if (w != NULL && w->fd != -1)
		shutdown(w->fd, SHUT_RDWR);
}

/* Close the stream, the TLS session and the socket; accepts NULL. */
void
wire_free(struct wire *w)
{
	if (w == NULL)
		return;
	wire_close_stream(w);
	tls_free(w->tls);
	if (w->fd != -1)
		close(w->fd);
	free(w);
}
