/* probe.c: probe mail endpoints without ever sending a credential, and
 * judge what was found.
 *
 * What one endpoint costs: one connection as starling itself would make
 * it (the default TLS priority: TLS 1.3 and 1.2), one per TLS version it
 * did not settle (a priority that offers that version alone; TLS 1.1 and
 * 1.0 are first offered together, and a refusal settles both), and for
 * STARTTLS one raw connection for the injection check. They run one
 * after the other (at most one connection per address at a time); every
 * network step is bounded by the timeout, and a step that used it up
 * ends the endpoint. A version the local GnuTLS cannot offer is "not
 * testable here", never "refused".
 *
 * THE CRYPTO GRADE (starling(1) copies this block)
 *
 * As testssl.sh does, starling follows SSL Labs' "SSL Server Rating Guide"
 * so that grades compare, with these differences, all deliberate:
 * - STARTTLS is not capped at T (testssl.sh caps every STARTTLS result at
 *   T). The grade is about the cryptography; how far STARTTLS can be
 *   trusted is what the assurance level says.
 * - Only what a probe sees is scored: the suite and group negotiated with
 *   starling's default priority and with each TLS version alone, and the
 *   certificate. Suites are not enumerated, so the cipher score is the
 *   average of the strongest and weakest suite negotiated.
 * - A+ needs HSTS at SSL Labs; mail has no HSTS (MTA-STS and DANE are
 *   the analogues and are not checked yet), so A+ is never given yet.
 * - SSL 2 and 3, RC4, 3DES, export suites, insecure renegotiation and the
 *   named vulnerabilities are not tested (GnuTLS does not offer them).
 *
 * The score: 30% protocol (best and worst version accepted, averaged:
 * TLS 1.3 and 1.2 100, TLS 1.1 95, TLS 1.0 90), 30% key exchange (the
 * weaker of the certificate key and the negotiated group, in RSA bits:
 * < 512 20, < 1024 40, < 2048 80, < 4096 90, else 100; EC P-256, X25519
 * and Ed25519 count as 3072, P-384, X448 and Ed448 as 7680, P-521 as
 * 15360), 40% cipher (by key bits: 0 0, < 128 20, < 256 80, else 100).
 * Score >= 80 A, >= 65 B, >= 50 C, >= 35 D, >= 20 E, else F.
 *
 * Then the caps, the worst one wins:
 *   F  no TLS at all (STARTTLS missing, refused or unusable, or no TLS
 *      version could be negotiated); certificate revoked (replaces the
 *      letter, also T); RSA or DSA key below 1024 bits
 *   C  neither TLS 1.2 nor TLS 1.3 accepted
 *   B  TLS 1.0 or TLS 1.1 accepted; the suite starling negotiates has no
 *      forward secrecy, or is not AEAD; RSA or DSA key below 2048 bits,
 *      EC key below 256 bits
 *   T  the certificate is not trusted: unknown or missing issuer (also an
 *      incomplete chain: mail clients do not fetch intermediates),
 *      self-signed, expired, not yet valid, bad or insecure signature.
 *      Replaces the letter.
 *   M  the certificate is not issued for the name (RFC 6125); replaces
 *      the letter when the certificate is otherwise trusted.
 *
 * THE ASSURANCE LEVEL
 *   0  no TLS: STARTTLS missing, refused, stripped or unusable (also
 *      bytes injected behind its reply), or no handshake completed
 *   1  TLS, but starling would not trust it: the certificate is invalid
 *      (untrusted, expired, wrong name), the server needs TLS below 1.2,
 *      or its key is too weak
 *   2  STARTTLS with a valid certificate
 *   3  implicit TLS with a valid certificate
 *   4  reserved for MX with DANE or MTA-STS enforce: not checked yet,
 *      so never given
 * An endpoint that could not be judged (unreachable, SMTP 421, or
 * probing stopped before TLS could be tried: silent, closed, timed out)
 * has grade "" and level 0, and does not count towards its target's
 * level.
 */
#include "build-config.h"

#include <sys/socket.h>
#include <sys/types.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "i18n.h"
#include "probe.h"
#include "session.h"
#include "starttls.h"
#include "transcript.h"
#include "xmalloc.h"

/* ------------------------------------------------------------ names */

static const char *severity_names[] = {
	"OK", "INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"
};

static const char *version_names[TLSV_COUNT] = {
	"TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"
};

/* TLS 1.1 and 1.0 together (see probe_legacy()). */
#define PROBE_LEGACY_PRIORITY	"NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0"

/* The priority that offers one TLS version alone. */
static const char *version_priority[TLSV_COUNT] = {
	"NORMAL:-VERS-ALL:+VERS-TLS1.0",
	"NORMAL:-VERS-ALL:+VERS-TLS1.1",
	"NORMAL:-VERS-ALL:+VERS-TLS1.2",
	"NORMAL:-VERS-ALL:+VERS-TLS1.3",
};

/* testssl.sh's name of a severity. */
const char *
severity_name(enum severity s)
{
	return s <= SEV_CRITICAL ? severity_names[s] : "?";
}

/* "TLS1.0" ... "TLS1.3", as GnuTLS names them. */
const char *
tls_version_name(enum tls_version v)
{
	return v < TLSV_COUNT ? version_names[v] : "?";
}

/* The version a handshake negotiated, or TLSV_COUNT if none of ours. */
static enum tls_version
version_from_name(const char *name)
{
	enum tls_version v;

	for (v = TLSV_1_0; v < TLSV_COUNT; v++)
		if (strcmp(name, version_names[v]) == 0)
			return v;
	return TLSV_COUNT;
}

/* ------------------------------------------- what this GnuTLS offers */

static int		version_offerable[TLSV_COUNT];
static pthread_once_t	version_once = PTHREAD_ONCE_INIT;

/* Ask GnuTLS once which versions it can offer at all. */
static void
probe_local_versions(void)
{
	enum tls_version v;

	for (v = TLSV_1_0; v < TLSV_COUNT; v++)
		version_offerable[v] = tls_can_offer(version_priority[v]);
}

/* Can this GnuTLS offer version v alone? */
static int
probe_can_offer(enum tls_version v)
{
	pthread_once(&version_once, probe_local_versions);
	return version_offerable[v];
}

/* ---------------------------------------------------------- sessions */

/* The synthetic account of one endpoint: no user, no password. */
struct probe_conn {
	struct account	 acct;
	struct url	 url;
	unsigned	 timeout;
};

static char probe_account_name[] = "probe";

/* Seconds per network step. */
static unsigned
probe_timeout(const struct probe_opts *o)
{
	return o->timeout ? o->timeout : PROBE_DEFAULT_TIMEOUT;
}

/* Fill the synthetic account for an endpoint. */
static void
probe_conn_init(struct probe_conn *c, const struct endpoint *ep,
    const struct probe_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->url.service = ep->service;
	c->url.transport = ep->transport;
	c->url.host = ep->name ? ep->name : ep->addr;
	c->url.port = ep->port;
	c->acct.name = probe_account_name;
	c->acct.url[ep->service] = &c->url;
	c->acct.cafile = (char *)o->cafile;
	c->timeout = probe_timeout(o);
	c->acct.timeout = c->timeout;
}

/* A session that connects to the endpoint's address and never lets a
 * secret out; priority NULL is starling's default. */
static struct session *
probe_session(const struct probe_conn *c, const struct endpoint *ep,
    const char *priority)
{
	struct session *s = session_new(&c->acct, ep->service, 0);

	s->connect_addr = ep->addr;
	s->probe = 1;
	s->tls_priority = priority;
	return s;
}

/* Seconds since start. */
static double
probe_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Open a session; *slow is set when it failed on a timeout (a read or
 * write, or a handshake that took the whole time). */
static enum status
probe_open(struct session *s, const struct probe_conn *c, char **err,
    int *slow)
{
	struct timespec start;
	enum status st;

	clock_gettime(CLOCK_MONOTONIC, &start);
	st = session_open(s, err);
	*slow = st != ST_OK && ((s->wire != NULL && wire_timed_out(s->wire)) ||
	    probe_since(&start) >= (double)c->timeout);
	return st;
}

/* Say goodbye politely (LOGOUT / QUIT: no secret in them). */
static void
probe_close(struct session *s, enum status st)
{
	if (st == ST_OK && s->proto != NULL)
		s->ops->logout(s);
	session_free(s);
}

/* ------------------------------------------- facts from one session */

/* The first line the server sent, sanitised by the transcript. */
static char *
probe_greeting(const struct transcript *tr)
{
	const struct tr_line *l;
	size_t i;

	for (i = 0; i < transcript_count(tr); i++) {
		l = transcript_line(tr, i);
		if (l->dir == TR_RECEIVED)
			return xstrdup(l->text);
	}
	return NULL;
}

/* Did an SMTP server answer 421 (not available now, try later)? */
static int
probe_saw_421(const struct session *s)
{
	const struct tr_line *l;
	size_t i;

	if (s->service != SERVICE_SMTP)
		return 0;
	for (i = 0; i < transcript_count(s->tr); i++) {
		l = transcript_line(s->tr, i);
		if (l->dir == TR_RECEIVED && strncmp(l->text, "421", 3) == 0 &&
		    strchr(" -", l->text[3]) != NULL)
			return 1;
	}
	return 0;
}

/* Was STARTTLS accepted: 1, 0 (refused or unusable), -1 (not known). */
static int
probe_starttls_accepted(const struct session *s, enum status st)
{
	if (s->url->transport == TRANSPORT_IMPLICIT)
		return -1;
	if (s->tls.attempted || s->injected > 0)
		return 1;
	if (s->level == LEVEL_PLAINTEXT || st == ST_NOT_ENCRYPTED)
		return 0;
	return -1;
}

/* Chain order (each issuer is the next one's subject) and completeness
 * (verification found the issuer of every certificate: only dates or
 * names are wrong, if anything; or it ends in a self-signed one). */
static void
probe_chain(struct endpoint *ep)
{
	const struct tls_info *t = &ep->tls;
	const struct tls_cert *last;
	size_t i;

	ep->chain_ordered = t->nchain > 0;
	for (i = 0; i + 1 < t->nchain; i++)
		if (strcmp(t->chain[i].issuer, t->chain[i + 1].subject) != 0)
			ep->chain_ordered = 0;
	if (t->nchain == 0) {
		ep->chain_complete = 0;
		return;
	}
	last = &t->chain[t->nchain - 1];
	ep->chain_complete = !(t->problems & CERT_UNKNOWN_ISSUER) ||
	    strcmp(last->issuer, last->subject) == 0;
}

/* Keep the facts of a completed handshake as the endpoint's. */
static void
probe_take_tls(struct endpoint *ep, const struct tls_info *t)
{
	tls_info_clear(&ep->tls);
	tls_info_copy(&ep->tls, t);
	ep->ocsp_stapled = t->ocsp_stapled;
	probe_chain(ep);
}

/* What the server said before TLS. */
static void
probe_plain_facts(struct endpoint *ep, const struct session *s,
    enum status st)
{
	int starttls = ep->transport == TRANSPORT_STARTTLS;

	ep->reachable = s->wire != NULL;
	free(ep->greeting);
	ep->greeting = probe_greeting(s->tr);
	ep->smtp_421 = probe_saw_421(s);
	ep->starttls_advertised = starttls ? s->starttls_advertised : -1;
	ep->plain_auth_offered = starttls ? s->plain_auth_offered : -1;
	ep->starttls_accepted = probe_starttls_accepted(s, st);
	ep->injected_reply = s->injected;
}

/* What the default handshake found, and what it settles of versions. */
static void
probe_default_tls(struct endpoint *ep, const struct session *s,
    enum status st)
{
	enum tls_version v;

	if (!s->tls.done)
		return;
	probe_take_tls(ep, &s->tls);
	if (st == ST_OK)
		ep->starttls_after_tls = s->starttls_after_tls;
	if ((v = version_from_name(s->tls.version)) == TLSV_COUNT)
		return;
	ep->versions[v] = VERSION_ACCEPTED;
	snprintf(ep->version_cipher[v], sizeof(ep->version_cipher[v]), "%s",
	    s->tls.cipher);
	/* It offered 1.3 and 1.2: a server that can do 1.3 must choose it. */
	if (v == TLSV_1_2 && probe_can_offer(TLSV_1_3))
		ep->versions[TLSV_1_3] = VERSION_REFUSED;
}

/*
 * The connection starling itself would make. Returns whether probing
 * may go on; *why says why the session failed, unless only starling's
 * verdict on a completed handshake did (the findings say that).
 */
static int
probe_default(struct endpoint *ep, const struct probe_conn *c, char **why)
{
	struct session *s = probe_session(c, ep, NULL);
	enum status st;
	char *err = NULL;
	int slow, go_on;

	st = probe_open(s, c, &err, &slow);
	probe_plain_facts(ep, s, st);
	probe_default_tls(ep, s, st);
	ep->timed_out = slow;
	go_on = ep->reachable && !ep->smtp_421 && !slow &&
	    (s->tls.attempted && s->injected == 0);
	if (st != ST_OK && !(st == ST_TLS_FAILED && s->tls.done))
		*why = err;
	else
		free(err);
	probe_close(s, st);
	return go_on;
}

/* ---------------------------------------------------- TLS versions */

/* One handshake with this priority; what it negotiated is recorded as
 * accepted. *gone: stop probing (silent, closed, or SMTP 421). */
static enum version_result
probe_handshake(struct endpoint *ep, const struct probe_conn *c,
    const char *priority, struct tls_info *best, int *gone)
{
	struct session *s = probe_session(c, ep, priority);
	enum version_result r = VERSION_UNKNOWN;
	enum tls_version v;
	enum status st;
	char *err = NULL;
	int slow;

	st = probe_open(s, c, &err, &slow);
	if (s->tls.done &&
	    (v = version_from_name(s->tls.version)) != TLSV_COUNT) {
		r = ep->versions[v] = VERSION_ACCEPTED;
		snprintf(ep->version_cipher[v], sizeof(ep->version_cipher[v]),
		    "%s", s->tls.cipher);
		if (!best->done)
			tls_info_copy(best, &s->tls);
	} else if (s->tls.attempted && !s->tls.done)
		r = VERSION_REFUSED;
	ep->timed_out |= slow;
	*gone = slow || s->wire == NULL || probe_saw_421(s);
	free(err);
	probe_close(s, st);
	return r;
}

/* Version v alone, unless already settled. */
static void
probe_one(struct endpoint *ep, const struct probe_conn *c,
    enum tls_version v, struct tls_info *best, int *gone)
{
	enum version_result r;

	if (*gone || ep->versions[v] != VERSION_UNKNOWN)
		return;
	if (!probe_can_offer(v)) {
		ep->versions[v] = VERSION_UNTESTABLE;
		return;
	}
	r = probe_handshake(ep, c, version_priority[v], best, gone);
	if (r != VERSION_ACCEPTED)
		ep->versions[v] = r;
}

/* TLS 1.1 and 1.0 offered together: refused, both are (one connection
 * instead of two for the servers that rightly refuse both). */
static void
probe_legacy(struct endpoint *ep, const struct probe_conn *c,
    struct tls_info *best, int *gone)
{
	if (*gone || ep->versions[TLSV_1_0] != VERSION_UNKNOWN ||
	    ep->versions[TLSV_1_1] != VERSION_UNKNOWN ||
	    !probe_can_offer(TLSV_1_0) || !probe_can_offer(TLSV_1_1))
		return;
	if (probe_handshake(ep, c, PROBE_LEGACY_PRIORITY, best, gone) ==
	    VERSION_REFUSED)
		ep->versions[TLSV_1_0] = ep->versions[TLSV_1_1] =
		    VERSION_REFUSED;
}

/* Every version not settled yet, newest first. */
static void
probe_versions(struct endpoint *ep, const struct probe_conn *c)
{
	struct tls_info best;
	enum tls_version v;
	int gone = 0;

	memset(&best, 0, sizeof(best));
	probe_one(ep, c, TLSV_1_3, &best, &gone);
	probe_one(ep, c, TLSV_1_2, &best, &gone);
	probe_legacy(ep, c, &best, &gone);
	probe_one(ep, c, TLSV_1_1, &best, &gone);
	probe_one(ep, c, TLSV_1_0, &best, &gone);
	for (v = TLSV_1_0; v < TLSV_COUNT; v++)
		if (ep->versions[v] == VERSION_UNKNOWN && !probe_can_offer(v))
			ep->versions[v] = VERSION_UNTESTABLE;
	/* No default handshake: the newest version accepted tells. */
	if (!ep->tls.done && best.done)
		probe_take_tls(ep, &best);
	tls_info_clear(&best);
}

/* -------------------------------------- the injection check (raw) */

/* A bare connection for the injection check: our own small reader,
 * every step bounded by the timeout. */
struct raw {
	int		 fd;
	unsigned	 timeout;
	struct timespec	 deadline;
	struct tls	*tls;
	char		 buf[4096];
	size_t		 len;
};

/* The command with a second one in the same write, and our own last
 * command (answered inside TLS) for each service. */
static const char *inject_cmd[SERVICE_COUNT] = {
	STARTTLS_IMAP_TAG " STARTTLS\r\nS2 NOOP\r\n",
	"STLS\r\nNOOP\r\n",
	"STARTTLS\r\nNOOP\r\n",
};
static const char *quit_cmd[SERVICE_COUNT] = {
	"S3 LOGOUT\r\n", "QUIT\r\n", "QUIT\r\n"
};

/* Start the clock for one step. */
static void
raw_step(struct raw *r)
{
	clock_gettime(CLOCK_MONOTONIC, &r->deadline);
	r->deadline.tv_sec += r->timeout;
}

/* Milliseconds left in this step. */
static int
raw_left(const struct raw *r)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(r->deadline.tv_sec - now.tv_sec) * 1000 +
	    (r->deadline.tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

/* Wait for events on the socket within the step; 0 when ready. */
static int
raw_wait(const struct raw *r, short events)
{
	struct pollfd pfd = { r->fd, events, 0 };
	int n;

	do {
		n = poll(&pfd, 1, raw_left(r));
	} while (n == -1 && errno == EINTR);
	return n == 1 ? 0 : -1;
}

/* Connect to one numeric address within the timeout. */
static int
raw_connect_ai(struct raw *r, const struct addrinfo *ai)
{
	struct timeval tv = { (time_t)r->timeout, 0 };
	socklen_t len = sizeof(int);
	int flags, err = 0;

	r->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
	if (r->fd == -1)
		return -1;
	flags = fcntl(r->fd, F_GETFL);
	fcntl(r->fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(r->fd, ai->ai_addr, ai->ai_addrlen) == -1 &&
	    (errno != EINPROGRESS || raw_wait(r, POLLOUT) == -1 ||
	    getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
	    err != 0))
		return -1;
	fcntl(r->fd, F_SETFL, flags);
	setsockopt(r->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return 0;
}

/* Connect to the endpoint's address. */
static int
raw_connect(struct raw *r, const struct endpoint *ep, unsigned timeout)
{
	struct addrinfo hints, *ai;
	char port[8];
	int ok;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->timeout = timeout;
	raw_step(r);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", ep->port);
	if (getaddrinfo(ep->addr, port, &hints, &ai) != 0)
		return -1;
	ok = raw_connect_ai(r, ai);
	freeaddrinfo(ai);
	return ok;
}

/* Read more bytes (plain or inside TLS); -1 at the end, on error, on
 * timeout, or when a line does not fit. */
static int
raw_fill(struct raw *r)
{
	size_t room = sizeof(r->buf) - r->len;
	ssize_t n;

	if (room == 0)
		return -1;
	if ((r->tls == NULL || tls_pending(r->tls) == 0) &&
	    raw_wait(r, POLLIN) == -1)
		return -1;
	if (r->tls != NULL) {
		tls_set_timeout(r->tls, raw_left(r));
		n = tls_recv(r->tls, r->buf + r->len, room);
	} else {
		do {
			n = recv(r->fd, r->buf + r->len, room, 0);
		} while (n == -1 && errno == EINTR);
	}
	if (n <= 0)
		return -1;
	r->len += (size_t)n;
	return 0;
}

/* One line without its CR LF (cut to fit line). */
static int
raw_line(struct raw *r, char *line, size_t size)
{
	char *nl;
	size_t n;

	while ((nl = memchr(r->buf, '\n', r->len)) == NULL)
		if (raw_fill(r) == -1)
			return -1;
	n = (size_t)(nl - r->buf);
	snprintf(line, size, "%.*s", (int)(n > 0 && nl[-1] == '\r' ? n - 1 :
	    n), r->buf);
	r->len -= n + 1;
	memmove(r->buf, nl + 1, r->len);
	return 0;
}

/* Send a whole command, plain or inside TLS. */
static int
raw_send(struct raw *r, const char *cmd)
{
	size_t len = strlen(cmd);

	raw_step(r);
	if (r->tls != NULL)
		return tls_send(r->tls, cmd, len) == (ssize_t)len ? 0 : -1;
	return send(r->fd, cmd, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Is this the last line of a reply (IMAP: tagged, or the greeting)? */
static int
raw_final(enum service svc, const char *tag, const char *line)
{
	switch (svc) {
	case SERVICE_IMAP:
		return tag == NULL || strncmp(line, tag, strlen(tag)) == 0;
	case SERVICE_POP3:
		return 1;
	default:
		break;
	}
	return strlen(line) < 4 || line[3] != '-';
}

/* Read one reply; its last line in line. */
static int
raw_reply(struct raw *r, enum service svc, const char *tag, char *line,
    size_t size)
{
	int n;

	for (n = 0; n < 256; n++) {
		if (raw_line(r, line, size) == -1)
			return -1;
		if (raw_final(svc, tag, line))
			return 0;
	}
	return -1;
}

/* EHLO with our address literal, as smtp.c sends it. */
static int
raw_ehlo(struct raw *r, char *line, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[64], *cmd;
	int ok;

	if (getsockname(r->fd, (struct sockaddr *)&ss, &len) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), NULL,
	    0, NI_NUMERICHOST) != 0)
		return -1;
	cmd = xasprintf("EHLO [%s%s]\r\n", ss.ss_family == AF_INET6 ?
	    "IPv6:" : "", host);
	ok = raw_send(r, cmd) == 0 && raw_reply(r, SERVICE_SMTP, NULL, line,
	    size) == 0 && strncmp(line, "250", 3) == 0;
	free(cmd);
	return ok ? 0 : -1;
}

/* Acknowledge the STARTTLS reply at once: a server that answers the NOOP
 * too would otherwise hold that answer back (Nagle) until our delayed
 * ACK, long after we started the handshake. */
static void
raw_quickack(const struct raw *r)
{
#ifdef TCP_QUICKACK
	int on = 1;

	setsockopt(r->fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof(on));
#endif
}

/* Greeting (and EHLO), then STARTTLS with a NOOP in the same write;
 * the round trip in ms when the server said go ahead, else -1. */
static int
raw_starttls(struct raw *r, enum service svc)
{
	char line[1024];
	int left;

	if (raw_reply(r, svc, NULL, line, sizeof(line)) == -1 ||
	    (svc == SERVICE_SMTP && (strncmp(line, "220", 3) != 0 ||
	    raw_ehlo(r, line, sizeof(line)) == -1)))
		return -1;
	if (raw_send(r, inject_cmd[svc]) == -1)
		return -1;
	raw_quickack(r);
	if (raw_reply(r, svc, STARTTLS_IMAP_TAG " ", line, sizeof(line)) == -1)
		return -1;
	left = raw_left(r);
	if (starttls_reply(svc, line) != STLS_OK)
		return -1;
	return (int)r->timeout * 1000 - left;
}

/* Bytes after the positive reply, there already or arriving within
 * wait_ms (two STARTTLS round trips and a little): a plaintext answer. */
static int
raw_answered_plain(const struct raw *r, int wait_ms)
{
	struct pollfd pfd = { r->fd, POLLIN, 0 };
	char c;

	if (r->len > 0)
		return 1;
	if (poll(&pfd, 1, wait_ms) != 1)
		return 0;
	return recv(r->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0;
}

/* The TLS handshake on the raw socket (any certificate: nothing secret
 * goes over it either). */
static int
raw_tls(struct raw *r, const struct endpoint *ep, const struct probe_opts *o)
{
	struct tls_params p;
	struct tls_info info;
	enum level level;
	enum status st;
	char *err = NULL;

	memset(&p, 0, sizeof(p));
	memset(&info, 0, sizeof(info));
	p.host = ep->name ? ep->name : ep->addr;
	p.port = ep->port;
	p.cafile = o->cafile;
	p.timeout = r->timeout;
	p.accept_any = 1;
	raw_step(r);
	st = tls_handshake(r->fd, &p, &r->tls, &info, &level, &err);
	tls_info_clear(&info);
	free(err);
	return st == ST_OK ? 0 : -1;
}

/* Inside TLS, after our own LOGOUT / QUIT: does any answer come before
 * ours (the one to the NOOP sent with STARTTLS)? 1, 0, or -1. */
static int
raw_react(struct raw *r, enum service svc)
{
	char line[1024];
	int replies = 0, n;

	for (n = 0; n < 256 && raw_line(r, line, sizeof(line)) == 0; n++) {
		if (svc == SERVICE_IMAP && strncmp(line, "S2 ", 3) == 0)
			return 1;
		if (svc == SERVICE_IMAP && strncmp(line, "S3 ", 3) == 0)
			return 0;
		if (svc == SERVICE_SMTP && raw_final(svc, NULL, line)) {
			if (strncmp(line, "221", 3) == 0)
				return replies > 0;
			replies++;
		}
		if (svc == SERVICE_POP3 && (strncmp(line, "+OK", 3) == 0 ||
		    strncmp(line, "-ERR", 4) == 0))
			replies++;
	}
	/* POP3 replies carry no tag: count them until QUIT closes. */
	if (svc == SERVICE_POP3 && replies > 0)
		return replies > 1;
	return svc == SERVICE_SMTP && replies > 0 ? 1 : -1;
}

/*
 * testssl.sh's STARTTLS injection check, on a connection of its own:
 * STARTTLS and a NOOP in one write. A server that answers the NOOP, in
 * the clear or inside TLS, keeps what arrived before the handshake: an
 * attacker could inject commands. A server that feeds the NOOP to its
 * TLS layer breaks the handshake (Dovecot does): it answered nothing,
 * and the default connection just showed that TLS works without it.
 * Only STARTTLS, NOOP, EHLO and LOGOUT/QUIT are sent.
 * 1 reacts, 0 does not, -1 could not tell.
 */
static int
probe_injection(const struct endpoint *ep, const struct probe_opts *o)
{
	struct raw r;
	int result = -1, rtt;

	if (raw_connect(&r, ep, probe_timeout(o)) == 0 &&
	    (rtt = raw_starttls(&r, ep->service)) >= 0) {
		if (raw_answered_plain(&r, 2 * rtt + 10))
			result = 1;
		else if (raw_tls(&r, ep, o) == -1)
			result = 0;
		else if (raw_send(&r, quit_cmd[ep->service]) == 0)
			result = raw_react(&r, ep->service);
	}
	tls_free(r.tls);
	if (r.fd != -1)
		close(r.fd);
	return result;
}

/* ---------------------------------------------------- one endpoint */

/* Free what an endpoint's findings hold. */
static void
probe_findings_clear(struct endpoint *ep)
{
	size_t i;

	for (i = 0; i < ep->nfindings; i++) {
		free(ep->findings[i].id);
		free(ep->findings[i].text);
	}
	free(ep->findings);
	ep->findings = NULL;
	ep->nfindings = 0;
}

/* Forget earlier results; the error of an endpoint without an address
 * (from probe_targets) stays. */
static void
probe_reset(struct endpoint *ep)
{
	enum tls_version v;

	ep->reachable = 0;
	free(ep->greeting);
	ep->greeting = NULL;
	ep->starttls_advertised = ep->plain_auth_offered = -1;
	ep->starttls_accepted = ep->starttls_after_tls = -1;
	ep->injection_reacts = -1;
	ep->smtp_421 = ep->ocsp_stapled = ep->timed_out = 0;
	ep->chain_ordered = ep->chain_complete = 0;
	ep->injected_reply = 0;
	for (v = TLSV_1_0; v < TLSV_COUNT; v++) {
		ep->versions[v] = VERSION_UNKNOWN;
		ep->version_cipher[v][0] = '\0';
	}
	tls_info_clear(&ep->tls);
	probe_findings_clear(ep);
	ep->grade[0] = '\0';
	ep->level = 0;
	if (ep->addr != NULL) {
		free(ep->error);
		ep->error = NULL;
	}
}

/* Probe one endpoint: every fact it offers without a credential. */
void
probe_endpoint(struct endpoint *ep, const struct probe_opts *o)
{
	struct probe_conn c;
	struct timespec start;
	char *why = NULL;
	int go_on, had_tls;

	clock_gettime(CLOCK_MONOTONIC, &start);
	probe_reset(ep);
	if (ep->addr == NULL) {
		ep->seconds = 0;
		return;
	}
	probe_conn_init(&c, ep, o);
	go_on = probe_default(ep, &c, &why);
	had_tls = ep->tls.done;
	if (go_on) {
		probe_versions(ep, &c);
		if (ep->transport == TRANSPORT_STARTTLS && ep->tls.done &&
		    !ep->timed_out)
			ep->injection_reacts = probe_injection(ep, o);
	}
	/* One version alone got TLS: the findings explain the default's
	 * failure (a version it does not offer). */
	if (why != NULL && !had_tls && ep->tls.done) {
		free(why);
		why = NULL;
	}
	ep->error = why;
	ep->seconds = probe_since(&start);
}

/* ------------------------------------------------------------ the pool */

struct probe_pool {
	struct endpoint		**order;	/* grouped by address */
	size_t			 *group;	/* where each group starts */
	size_t			  ngroups;
	size_t			  next;
	const struct probe_opts	 *opts;
	pthread_mutex_t		  lock;
};

/* qsort: by address, then in the given order. */
static int
probe_by_addr(const void *a, const void *b)
{
	const struct endpoint *x = *(struct endpoint * const *)a;
	const struct endpoint *y = *(struct endpoint * const *)b;
	int c = strcmp(x->addr ? x->addr : "", y->addr ? y->addr : "");

	if (c != 0)
		return c;
	return x < y ? -1 : x > y;
}

/* The endpoints grouped by address; every group is one worker's. */
static void
probe_groups(struct probe_pool *p, struct endpoint *eps, size_t n)
{
	size_t i;

	p->order = xcalloc(n, sizeof(*p->order));
	p->group = xcalloc(n + 1, sizeof(*p->group));
	for (i = 0; i < n; i++)
		p->order[i] = &eps[i];
	qsort(p->order, n, sizeof(*p->order), probe_by_addr);
	for (i = 0; i < n; i++)
		if (i == 0 || p->order[i]->addr == NULL ||
		    p->order[i - 1]->addr == NULL ||
		    strcmp(p->order[i]->addr, p->order[i - 1]->addr) != 0)
			p->group[p->ngroups++] = i;
	p->group[p->ngroups] = n;
}

/* A worker: take the next address, probe its endpoints one by one. */
static void *
probe_worker(void *arg)
{
	struct probe_pool *p = arg;
	size_t g, i;

	for (;;) {
		pthread_mutex_lock(&p->lock);
		g = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (g >= p->ngroups)
			return NULL;
		for (i = p->group[g]; i < p->group[g + 1]; i++) {
			probe_endpoint(p->order[i], p->opts);
			probe_judge(p->order[i]);
		}
	}
}

/* Probe every endpoint in parallel, at most one connection per address
 * at a time, and judge each. */
void
probe_run(struct endpoint *eps, size_t n, const struct probe_opts *o)
{
	struct probe_pool p;
	pthread_t *threads;
	size_t i, nthreads;

	if (n == 0)
		return;
	memset(&p, 0, sizeof(p));
	p.opts = o;
	pthread_mutex_init(&p.lock, NULL);
	probe_groups(&p, eps, n);
	nthreads = o->jobs ? o->jobs : PROBE_DEFAULT_JOBS;
	if (nthreads > p.ngroups)
		nthreads = p.ngroups;
	threads = xcalloc(nthreads, sizeof(*threads));
	for (i = 0; i < nthreads; i++)
		if (pthread_create(&threads[i], NULL, probe_worker, &p) != 0)
			fatalx("pthread_create failed");
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&p.lock);
	free(threads);
	free(p.order);
	free(p.group);
}

/* ----------------------------------------------------------- findings */

static void finding(struct endpoint *, const char *, enum severity,
    const char *, ...) __attribute__((format(printf, 4, 5)));

/* Add one finding. */
static void
finding(struct endpoint *ep, const char *id, enum severity sev,
    const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	ep->findings = xreallocarray(ep->findings, ep->nfindings + 1,
	    sizeof(*ep->findings));
	f = &ep->findings[ep->nfindings++];
	f->id = xstrdup(id);
	f->severity = sev;
	va_start(ap, fmt);
	f->text = xvasprintf(fmt, ap);
	va_end(ap);
}

/* The probe could not judge this endpoint: say why. 1 if so. */
static int
judge_unjudged(struct endpoint *ep)
{
	const char *why = ep->error ? ep->error : "";

	if (!ep->reachable)
		finding(ep, "unreachable", SEV_INFO, _("not reachable: %s"),
		    why);
	else if (ep->smtp_421)
		finding(ep, "smtp_421", SEV_INFO, _("the server answered 421 "
		    "(not available now, try later); it was not probed "
		    "further"));
	else if ((ep->transport == TRANSPORT_STARTTLS &&
	    ep->starttls_accepted == -1) || (ep->timed_out && !ep->tls.done))
		finding(ep, "probe_stopped", SEV_INFO, _("probing stopped "
		    "before TLS could be tried: %s"), why);
	else
		return 0;
	return 1;
}

/* Is the endpoint a port people log in to (not an MX's port 25)? */
static int
judge_client_port(const struct endpoint *ep)
{
	return !ep->is_mx && !(ep->service == SERVICE_SMTP && ep->port == 25);
}

/* Authentication offered before TLS. */
static void
judge_plain_auth(struct endpoint *ep)
{
	enum severity sev;

	if (ep->plain_auth_offered != 1)
		return;
	if (!ep->tls.done)
		sev = SEV_CRITICAL;
	else
		sev = judge_client_port(ep) ? SEV_HIGH : SEV_MEDIUM;
	finding(ep, "plaintext_auth_before_tls", sev, _("the server offers "
	    "to log in before TLS: a client that does not insist on "
	    "STARTTLS sends its password in the clear"));
}

/* STARTTLS before TLS: advertised, accepted, refused. */
static void
judge_starttls(struct endpoint *ep)
{
	if (ep->transport != TRANSPORT_STARTTLS)
		return;
	if (ep->injected_reply > 0)
		finding(ep, "starttls_reply_injection", SEV_HIGH,
		    ngettext("%zu byte arrived right behind the STARTTLS "
		    "reply, before TLS: the server or something on the path "
		    "injects responses", "%zu bytes arrived right behind the "
		    "STARTTLS reply, before TLS: the server or something on "
		    "the path injects responses", ep->injected_reply),
		    ep->injected_reply);
	else if (ep->starttls_accepted == 0 && ep->starttls_advertised == 1)
		finding(ep, "starttls_stripped", SEV_HIGH, _("STARTTLS is "
		    "advertised but was refused: a broken server, or an "
		    "attacker on the path stripping it"));
	else if (ep->starttls_accepted == 0 && ep->starttls_advertised == 0)
		finding(ep, "starttls_not_offered", SEV_HIGH, _("STARTTLS is "
		    "not offered: everything travels in the clear"));
	else if (ep->starttls_accepted == 0)
		finding(ep, "starttls_unusable", SEV_HIGH, _("STARTTLS cannot "
		    "be used: %s"), ep->error ? ep->error : "?");
	else if (ep->starttls_advertised == 0)
		finding(ep, "starttls_unadvertised", SEV_MEDIUM, _("STARTTLS "
		    "works but is not advertised: clients that go by the "
		    "capabilities stay in the clear"));
}

/* No TLS at all: why, if STARTTLS does not already say it. */
static void
judge_no_tls(struct endpoint *ep)
{
	if (ep->transport == TRANSPORT_STARTTLS &&
	    (ep->starttls_accepted == 0 || ep->injected_reply > 0))
		return;
	finding(ep, "tls_handshake_failed", SEV_HIGH, _("no TLS handshake "
	    "completed with any version: %s"), ep->error ? ep->error : "?");
}

/* The severity of a version's result, as testssl.sh rates it. */
static enum severity
version_severity(enum tls_version v, enum version_result r)
{
	if (r == VERSION_UNTESTABLE || r == VERSION_UNKNOWN)
		return SEV_INFO;
	switch (v) {
	case TLSV_1_0:
	case TLSV_1_1:
		return r == VERSION_ACCEPTED ? SEV_LOW : SEV_OK;
	case TLSV_1_2:
		return r == VERSION_ACCEPTED ? SEV_OK : SEV_MEDIUM;
	default:
		break;
	}
	return r == VERSION_ACCEPTED ? SEV_OK : SEV_INFO;
}

/* One TLS version's result in words. */
static char *
version_text(enum tls_version v, enum version_result r)
{
	const char *name = version_names[v];

	switch (r) {
	case VERSION_ACCEPTED:
		/* TRANSLATORS: %s is "TLS1.2" and the like. */
		return xasprintf(_("%s offered"), name);
	case VERSION_REFUSED:
		return xasprintf(_("%s not offered"), name);
	case VERSION_UNTESTABLE:
		return xasprintf(_("%s not testable here: this GnuTLS cannot "
		    "offer it"), name);
	default:
		break;
	}
	return xasprintf(_("%s not tested"), name);
}

/* One finding per TLS version: "tls1_0" ... "tls1_3". */
static void
judge_versions(struct endpoint *ep)
{
	static const char *ids[TLSV_COUNT] = {
		"tls1_0", "tls1_1", "tls1_2", "tls1_3"
	};
	enum tls_version v;
	char *text;

	for (v = TLSV_1_0; v < TLSV_COUNT; v++) {
		text = version_text(v, ep->versions[v]);
		finding(ep, ids[v], version_severity(v, ep->versions[v]), "%s",
		    text);
		free(text);
	}
}

/* ---------------------------------------------------- crypto facts */

/* The key bits of a cipher suite name (GnuTLS names). */
static unsigned
cipher_bits(const char *suite)
{
	if (strstr(suite, "NULL") != NULL)
		return 0;
	if (strstr(suite, "AES_256") || strstr(suite, "CHACHA20") ||
	    strstr(suite, "CAMELLIA_256") || strstr(suite, "ARIA_256"))
		return 256;
	if (strstr(suite, "3DES") || strstr(suite, "DES_CBC") ||
	    strstr(suite, "EXPORT"))
		return 56;
	return 128;
}

/* Forward secrecy: TLS 1.3, or an (EC)DHE key exchange. */
static int
cipher_fs(const struct tls_info *t)
{
	return strcmp(t->version, "TLS1.3") == 0 ||
	    strstr(t->cipher, "DHE") != NULL;
}

/* Authenticated encryption: GCM, CCM or ChaCha20-Poly1305. */
static int
cipher_aead(const char *suite)
{
	return strstr(suite, "GCM") != NULL || strstr(suite, "CCM") != NULL ||
	    strstr(suite, "POLY1305") != NULL;
}

/* A key's strength in RSA bits ("RSA 2048", "EC 256", "Ed25519"). */
static unsigned
key_rsa_bits(const char *key)
{
	unsigned bits = 0;

	if (strncmp(key, "Ed25519", 7) == 0)
		return 3072;
	if (strncmp(key, "Ed448", 5) == 0)
		return 7680;
	if (strncmp(key, "EC ", 3) == 0 && sscanf(key + 3, "%u", &bits) == 1)
		return bits >= 512 ? 15360 : bits >= 384 ? 7680 :
		    bits >= 256 ? 3072 : bits >= 224 ? 2048 : 1024;
	if (sscanf(key, "%*s %u", &bits) == 1)
		return bits;
	return 0;
}

/* A key exchange group's strength in RSA bits; 0 if unknown. */
static unsigned
group_rsa_bits(const char *group)
{
	unsigned bits = 0;

	if (strcasecmp(group, "X25519") == 0 ||
	    strcasecmp(group, "SECP256R1") == 0)
		return 3072;
	if (strcasecmp(group, "X448") == 0 ||
	    strcasecmp(group, "SECP384R1") == 0)
		return 7680;
	if (strcasecmp(group, "SECP521R1") == 0)
		return 15360;
	if (sscanf(group, "FFDHE%u", &bits) == 1)
		return bits;
	return 0;
}

/* Is the certificate key weak: 1 below the B line, 2 below the F line. */
static int
key_weakness(const char *key)
{
	unsigned bits = 0;

	if (strncmp(key, "EC ", 3) == 0)
		return sscanf(key + 3, "%u", &bits) == 1 && bits < 256;
	if ((strncmp(key, "RSA ", 4) == 0 || strncmp(key, "DSA ", 4) == 0) &&
	    sscanf(key + 4, "%u", &bits) == 1)
		return bits < 1024 ? 2 : bits < 2048;
	return 0;
}

/* ------------------------------------------------------------ grading */

enum grade_step { G_APLUS, G_A, G_B, G_C, G_D, G_E, G_F };

static const char *grade_letters[] = { "A+", "A", "B", "C", "D", "E", "F" };

/* SSL Labs' score for key bits. */
static int
bits_score(unsigned bits)
{
	if (bits < 512)
		return 20;
	if (bits < 1024)
		return 40;
	if (bits < 2048)
		return 80;
	return bits < 4096 ? 90 : 100;
}

/* SSL Labs' score for cipher key bits. */
static int
cipher_score(unsigned bits)
{
	if (bits == 0)
		return 0;
	if (bits < 128)
		return 20;
	return bits < 256 ? 80 : 100;
}

/* Protocol: the best and the worst version accepted, averaged. */
static int
score_protocol(const struct endpoint *ep)
{
	static const int score[TLSV_COUNT] = { 90, 95, 100, 100 };
	int best = 0, worst = 100;
	enum tls_version v;

	for (v = TLSV_1_0; v < TLSV_COUNT; v++)
		if (ep->versions[v] == VERSION_ACCEPTED) {
			best = score[v] > best ? score[v] : best;
			worst = score[v] < worst ? score[v] : worst;
		}
	return best ? (best + worst) / 2 : 0;
}

/* Key exchange: the weaker of the certificate key and the group. */
static int
score_key(const struct endpoint *ep)
{
	unsigned key = 0, group = group_rsa_bits(ep->tls.group);

	if (ep->tls.nchain > 0)
		key = key_rsa_bits(ep->tls.chain[0].key);
	if (group != 0 && group < key)
		key = group;
	return bits_score(key);
}

/* Cipher: the strongest and the weakest suite negotiated, averaged. */
static int
score_cipher(const struct endpoint *ep)
{
	int s, best = cipher_score(cipher_bits(ep->tls.cipher)), worst = best;
	enum tls_version v;

	for (v = TLSV_1_0; v < TLSV_COUNT; v++)
		if (ep->version_cipher[v][0] != '\0') {
			s = cipher_score(cipher_bits(ep->version_cipher[v]));
			best = s > best ? s : best;
			worst = s < worst ? s : worst;
		}
	return (best + worst) / 2;
}

/* The letter the score earns (A at best: A+ is never given yet). */
static int
grade_from_score(const struct endpoint *ep)
{
	int score = (30 * score_protocol(ep) + 30 * score_key(ep) +
	    40 * score_cipher(ep)) / 100;

	if (score >= 80)
		return G_A;
	if (score >= 65)
		return G_B;
	if (score >= 50)
		return G_C;
	if (score >= 35)
		return G_D;
	return score >= 20 ? G_E : G_F;
}

/* The worse of two grades. */
static int
grade_cap(int grade, int cap)
{
	return cap > grade ? cap : grade;
}

/* Caps from the protocol versions. */
static int
caps_versions(const struct endpoint *ep)
{
	int cap = G_APLUS;

	if (ep->versions[TLSV_1_0] == VERSION_ACCEPTED ||
	    ep->versions[TLSV_1_1] == VERSION_ACCEPTED)
		cap = G_B;
	if (ep->versions[TLSV_1_2] != VERSION_ACCEPTED &&
	    ep->versions[TLSV_1_3] != VERSION_ACCEPTED)
		cap = G_C;
	return cap;
}

/* Caps from the suite, the key and revocation; with findings. */
static int
caps_crypto(struct endpoint *ep)
{
	int cap = G_APLUS, weak;

	if (!cipher_fs(&ep->tls)) {
		cap = G_B;
		finding(ep, "cipher_no_fs", SEV_MEDIUM, _("the suite negotiated "
		    "(%s) has no forward secrecy"), ep->tls.cipher);
	}
	if (!cipher_aead(ep->tls.cipher)) {
		cap = G_B;
		finding(ep, "cipher_no_aead", SEV_LOW, _("the suite negotiated "
		    "(%s) is not authenticated encryption (AEAD)"),
		    ep->tls.cipher);
	}
	weak = ep->tls.nchain ? key_weakness(ep->tls.chain[0].key) : 0;
	if (weak)
		finding(ep, "key_weak", weak == 2 ? SEV_CRITICAL : SEV_HIGH,
		    _("the server's key is too weak (%s)"),
		    ep->tls.chain[0].key);
	cap = grade_cap(cap, weak == 2 ? G_F : weak ? G_B : G_APLUS);
	if (ep->tls.problems & CERT_REVOKED)
		cap = G_F;
	return cap;
}

/* ---------------------------------------------------- certificate */

/* Findings on why the certificate is not trusted. */
static void
judge_cert_problems(struct endpoint *ep)
{
	unsigned p = ep->tls.problems;

	if (p & CERT_UNKNOWN_ISSUER)
		finding(ep, "cert_untrusted", SEV_CRITICAL, _("the certificate "
		    "is issued by an authority that is not trusted (or the "
		    "chain is incomplete)"));
	if (p & CERT_EXPIRED)
		finding(ep, "cert_expired", SEV_CRITICAL, _("the certificate "
		    "expired on %s"), ep->tls.chain[0].not_after);
	if (p & CERT_NOT_YET_VALID)
		finding(ep, "cert_not_yet_valid", SEV_CRITICAL, _("the "
		    "certificate is not valid before %s"),
		    ep->tls.chain[0].not_before);
	if (p & CERT_REVOKED)
		finding(ep, "cert_revoked", SEV_CRITICAL, _("the certificate "
		    "has been revoked"));
	if (p & (CERT_BAD_SIGNATURE | CERT_INSECURE_ALGORITHM | CERT_OTHER))
		finding(ep, "cert_invalid", SEV_CRITICAL, _("the certificate "
		    "fails verification (a bad or insecure signature)"));
}

/* Findings on the certificate and its chain. */
static void
judge_cert(struct endpoint *ep)
{
	const struct tls_cert *leaf = &ep->tls.chain[0];

	if (!ep->tls.trusted)
		judge_cert_problems(ep);
	if (!ep->tls.hostname_ok)
		finding(ep, "cert_name_mismatch", SEV_HIGH, _("the certificate "
		    "is not issued for %s"), ep->name ? ep->name : ep->addr);
	if (ep->tls.trusted && ep->tls.hostname_ok)
		finding(ep, "cert_valid", SEV_OK, _("the certificate is valid "
		    "for %s"), ep->name ? ep->name : ep->addr);
	if (leaf->days_left >= 0 && leaf->days_left < 30 &&
	    !(ep->tls.problems & CERT_EXPIRED))
		finding(ep, "cert_expires_soon", leaf->days_left < 7 ?
		    SEV_HIGH : SEV_LOW, ngettext("the certificate expires "
		    "within %ld day (%s)", "the certificate expires within %ld "
		    "days (%s)", (unsigned long)leaf->days_left + 1),
		    leaf->days_left + 1, leaf->not_after);
	if (!ep->chain_ordered)
		finding(ep, "chain_order", SEV_LOW, _("the chain is not in "
		    "order: each certificate should be followed by its "
		    "issuer's"));
	if (!ep->chain_complete)
		finding(ep, "chain_incomplete", SEV_MEDIUM, _("the chain does "
		    "not reach a trust anchor"));
}

/* Findings after TLS: OCSP, STARTTLS again, the injection check. */
static void
judge_after_tls(struct endpoint *ep)
{
	finding(ep, "ocsp_stapling", ep->ocsp_stapled ? SEV_OK : SEV_LOW,
	    ep->ocsp_stapled ? _("an OCSP response is stapled") :
	    _("no OCSP response is stapled"));
	if (ep->starttls_after_tls == 1)
		finding(ep, "starttls_after_tls", SEV_LOW, _("STARTTLS is "
		    "still advertised inside TLS"));
	if (ep->transport != TRANSPORT_STARTTLS)
		return;
	if (ep->injection_reacts == 1)
		finding(ep, "starttls_injection", SEV_HIGH, _("the server "
		    "answers a command sent together with STARTTLS: commands "
		    "injected before the handshake are carried into TLS"));
	else if (ep->injection_reacts == 0)
		finding(ep, "starttls_injection", SEV_OK, _("the server does "
		    "not answer commands sent together with STARTTLS"));
	else
		finding(ep, "starttls_injection", SEV_INFO, _("the STARTTLS "
		    "injection check could not be made"));
}

/* ------------------------------------------------------------ verdicts */

/* Would starling trust this TLS: valid certificate, TLS >= 1.2, key? */
static int
judge_tls_ok(const struct endpoint *ep)
{
	enum tls_version v = version_from_name(ep->tls.version);

	return ep->tls.trusted && ep->tls.hostname_ok &&
	    (v == TLSV_1_2 || v == TLSV_1_3) && ep->tls.nchain > 0 &&
	    key_weakness(ep->tls.chain[0].key) == 0;
}

/* The assurance level (see the top of this file). */
static int
judge_level(const struct endpoint *ep)
{
	if (!ep->tls.done || ep->injected_reply > 0)
		return 0;
	if (!judge_tls_ok(ep))
		return 1;
	return ep->transport == TRANSPORT_IMPLICIT ? 3 : 2;
}

/* The crypto grade (see the top of this file); findings on the way. */
static const char *
judge_grade(struct endpoint *ep)
{
	int g = grade_from_score(ep);

	g = grade_cap(g, caps_versions(ep));
	g = grade_cap(g, caps_crypto(ep));
	if (ep->tls.problems & CERT_REVOKED)
		return "F";
	if (!ep->tls.trusted)
		return "T";
	if (!ep->tls.hostname_ok)
		return "M";
	return grade_letters[g];
}

/* Turn the facts of one endpoint into findings, a grade and a level. */
void
probe_judge(struct endpoint *ep)
{
	probe_findings_clear(ep);
	ep->grade[0] = '\0';
	ep->level = 0;
	if (judge_unjudged(ep))
		return;
	judge_starttls(ep);
	judge_plain_auth(ep);
	if (!ep->tls.done || ep->injected_reply > 0 || ep->tls.nchain == 0) {
		judge_no_tls(ep);
		if (ep->injected_reply == 0 &&
		    (ep->transport == TRANSPORT_IMPLICIT ||
		    ep->starttls_accepted == 1))
			judge_versions(ep);
		snprintf(ep->grade, sizeof(ep->grade), "F");
		return;
	}
	judge_versions(ep);
	snprintf(ep->grade, sizeof(ep->grade), "%s", judge_grade(ep));
	judge_cert(ep);
	judge_after_tls(ep);
	ep->level = judge_level(ep);
}

/* The weakest judged endpoint of a TARGET: an attacker picks it. */
int
probe_domain_level(const struct endpoint *eps, size_t n, const char *target)
{
	size_t i;
	int level = -1;

	for (i = 0; i < n; i++) {
		if (eps[i].target == NULL || strcmp(eps[i].target, target) != 0 ||
		    eps[i].grade[0] == '\0')
			continue;
		if (level == -1 || eps[i].level < level)
			level = eps[i].level;
	}
	return level;
}

/* Free an array of endpoints and everything they hold; accepts NULL. */
void
probe_endpoints_free(struct endpoint *eps, size_t n)
{
	size_t i;

	if (eps == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(eps[i].target);
		free(eps[i].source);
		free(eps[i].name);
		free(eps[i].addr);
		free(eps[i].greeting);
		free(eps[i].error);
		probe_findings_clear(&eps[i]);
		tls_info_clear(&eps[i].tls);
	}
	free(eps);
}
