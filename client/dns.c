/* dns.c: MX, SRV, A and AAAA lookups over libunbound, a batch at a time,
 * under one deadline (libunbound has no per-query timeout). */
#include "build-config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unbound.h>

#include "dns.h"
#include "i18n.h"
#include "xmalloc.h"

#define DNS_DEFAULT_TIMEOUT	10	/* seconds, when none is given */
#define DNS_NAME_MAX		253	/* text, without the final dot */
#define DNS_CLASS_IN		1
#define DNS_RCODE_NXDOMAIN	3

struct dns {
	struct ub_ctx	*ctx;
	unsigned	 timeout;	/* seconds for one batch */
	char		*server;	/* "IP:PORT" as given, or NULL */
};

/* libunbound options set on every context: a forwarder on loopback is
 * allowed, no validator (no trust anchor is configured), and names that
 * RFC 6761 and RFC 8375 reserve for local use are asked like any other,
 * since a lab's resolver is exactly where they are served. */
static const char *dns_options[][2] = {
	{ "do-not-query-localhost:", "no" },
	{ "module-config:", "iterator" },
	{ "local-zone:", "test. transparent" },
	{ "local-zone:", "home.arpa. transparent" },
};
#define DNS_NOPTIONS (sizeof dns_options / sizeof dns_options[0])

/* The name of a record type, for messages: "MX". */
const char *
dns_type_name(enum dns_type type)
{
	switch (type) {
	case DNS_A:
		return "A";
	case DNS_MX:
		return "MX";
	case DNS_AAAA:
		return "AAAA";
	case DNS_SRV:
		return "SRV";
	}
	fatalx("%s: bad type %d", __func__, (int)type);
}

/* The name of a DNS response code (RFC 1035, RFC 6895). */
static const char *
dns_rcode_name(int rcode)
{
	static const char *names[] = { "NOERROR", "FORMERR", "SERVFAIL",
	    "NXDOMAIN", "NOTIMP", "REFUSED" };

	if (rcode >= 0 && (size_t)rcode < sizeof names / sizeof names[0])
		return names[rcode];
	return "unknown response code";
}

/* Parse the port after a resolver address: 1 to 65535, digits only. */
static int
dns_parse_port(const char *s, unsigned *port)
{
	unsigned long v = 0;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 5)
		return -1;
	v = strtoul(s, NULL, 10);
	if (v < 1 || v > 65535)
		return -1;
	*port = (unsigned)v;
	return 0;
}

/* Split "IP", "IP:PORT", "[IPv6]" or "[IPv6]:PORT" into its parts; the
 * address is copied into addr (INET6_ADDRSTRLEN bytes). */
static int
dns_split_resolver(const char *s, char *addr, unsigned *port)
{
	const char *end, *colon = strrchr(s, ':');
	unsigned char bin[16];
	size_t len;

	*port = 53;
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL)
			return -1;
		s++;
		if (end[1] != '\0' &&
		    (end[1] != ':' || dns_parse_port(end + 2, port) != 0))
			return -1;
	} else if (colon != NULL && strchr(s, ':') == colon) {
		if (dns_parse_port(colon + 1, port) != 0)
			return -1;
		end = colon;
	} else
		end = s + strlen(s);
	len = (size_t)(end - s);
	if (len == 0 || len >= INET6_ADDRSTRLEN)
		return -1;
	memcpy(addr, s, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, bin) == 1)
		return 0;
	return inet_pton(AF_INET6, addr, bin) == 1 ? 0 : -1;
}

/* Turn "IP[:PORT]" into libunbound's forwarder syntax "IP@PORT". */
int
dns_resolver_parse(const char *s, char **fwd, char **errstr)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned port;

	if (s == NULL || dns_split_resolver(s, addr, &port) != 0) {
		/* TRANSLATORS: keep IP[:PORT] and the examples as they are. */
		*errstr = xasprintf(_("invalid resolver \"%s\" (expected "
		    "IP[:PORT], e.g. 127.0.0.1:53 or [::1]:53)"),
		    s == NULL ? "" : s);
		return -1;
	}
	*fwd = xasprintf("%s@%u", addr, port);
	return 0;
}

/* Set the options every context gets; 0, or -1 with *errstr set. */
static int
dns_set_options(struct ub_ctx *ctx, char **errstr)
{
	size_t i;
	int r;

	for (i = 0; i < DNS_NOPTIONS; i++) {
		r = ub_ctx_set_option(ctx, dns_options[i][0],
		    dns_options[i][1]);
		if (r != 0) {
			*errstr = xasprintf(_("cannot set up the DNS "
			    "resolver: %s"), ub_strerror(r));
			return -1;
		}
	}
	if ((r = ub_ctx_async(ctx, 1)) != 0) {
		*errstr = xasprintf(_("cannot set up the DNS resolver: %s"),
		    ub_strerror(r));
		return -1;
	}
	return 0;
}

/* Point the context at the given resolver, or at the system's. */
static int
dns_set_server(struct ub_ctx *ctx, const char *resolver, char **errstr)
{
	char *fwd = NULL;
	int r;

	if (resolver == NULL) {
		if ((r = ub_ctx_resolvconf(ctx, NULL)) != 0) {
			*errstr = xasprintf(_("cannot read the system's DNS "
			    "settings (/etc/resolv.conf): %s"), ub_strerror(r));
			return -1;
		}
		/* Without /etc/hosts there is simply nothing local. */
		(void)ub_ctx_hosts(ctx, NULL);
		return 0;
	}
	if (dns_resolver_parse(resolver, &fwd, errstr) != 0)
		return -1;
	r = ub_ctx_set_fwd(ctx, fwd);
	free(fwd);
	if (r != 0) {
		*errstr = xasprintf(_("cannot use the resolver %s: %s"),
		    resolver, ub_strerror(r));
		return -1;
	}
	return 0;
}

/* A resolver: the one at "IP[:PORT]", or the system's when NULL; each
 * batch of queries gets timeout seconds (0: a default). */
struct dns *
dns_new(const char *resolver, unsigned timeout, char **errstr)
{
	struct dns *d;
	struct ub_ctx *ctx;

	if ((ctx = ub_ctx_create()) == NULL) {
		*errstr = xstrdup(_("cannot set up the DNS resolver"));
		return NULL;
	}
	if (dns_set_options(ctx, errstr) != 0 ||
	    dns_set_server(ctx, resolver, errstr) != 0) {
		ub_ctx_delete(ctx);
		return NULL;
	}
	d = xcalloc(1, sizeof *d);
	d->ctx = ctx;
	d->timeout = timeout > 0 ? timeout : DNS_DEFAULT_TIMEOUT;
	d->server = resolver != NULL ? xstrdup(resolver) : NULL;
	return d;
}

/* Free a resolver; queries still running are abandoned. Accepts NULL. */
void
dns_free(struct dns *d)
{
	if (d == NULL)
		return;
	ub_ctx_delete(d->ctx);
	free(d->server);
	free(d);
}

/* Free the answer of a query and make it ready to run again. */
void
dns_query_clear(struct dns_query *q)
{
	size_t i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nrrs; i++)
		free(q->rrs[i].host);
	free(q->rrs);
	free(q->error);
	q->rrs = NULL;
	q->nrrs = 0;
	q->nxdomain = 0;
	q->error = NULL;
	q->done = 0;
	q->id = 0;
}

/* Whether c may stand in a label of a host name we accept: ASCII letters,
 * digits, '-' and '_' (whatever the locale). */
static int
dns_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Read an uncompressed wire-format name (libunbound hands out RDATA with
 * names uncompressed) that fills the len bytes at p exactly. Labels may
 * hold letters, digits, '-' and '_' only: the name is shown and used as
 * a TLS server name. */
static char *
dns_wire_name(const unsigned char *p, size_t len)
{
	char text[DNS_NAME_MAX + 2];
	size_t i = 0, t = 0, l, k;

	while (i < len && (l = p[i]) != 0) {
		if (l > 63 || i + 1 + l >= len || t + l + 1 > DNS_NAME_MAX + 1)
			return NULL;	/* a pointer, or too long */
		for (k = 0; k < l; k++) {
			if (!dns_label_char(p[i + 1 + k]))
				return NULL;
			text[t++] = (char)tolower(p[i + 1 + k]);
		}
		text[t++] = '.';
		i += 1 + l;
	}
	if (i + 1 != len)
		return NULL;	/* no root label, or bytes after it */
	if (t == 0)
		return xstrdup(".");
	text[t - 1] = '\0';
	return xstrdup(text);
}

/* A 16-bit number in network order. */
static unsigned
dns_u16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Parse the RDATA of one record of the given type into rr (its host is
 * allocated); 0, or -1 when malformed. */
int
dns_rdata_parse(enum dns_type type, const unsigned char *p, size_t len,
    struct dns_rr *rr)
{
	char buf[INET6_ADDRSTRLEN];

	memset(rr, 0, sizeof *rr);
	switch (type) {
	case DNS_A:
	case DNS_AAAA:
		if (len != (type == DNS_A ? 4u : 16u) || inet_ntop(type == DNS_A ?
		    AF_INET : AF_INET6, p, buf, sizeof buf) == NULL)
			return -1;
		rr->host = xstrdup(buf);
		return 0;
	case DNS_MX:
		if (len < 3)
			return -1;
		rr->pref = dns_u16(p);
		rr->host = dns_wire_name(p + 2, len - 2);
		return rr->host != NULL ? 0 : -1;
	case DNS_SRV:
		if (len < 7)
			return -1;
		rr->pref = dns_u16(p);
		rr->weight = dns_u16(p + 2);
		rr->port = dns_u16(p + 4);
		rr->host = dns_wire_name(p + 6, len - 6);
		return rr->host != NULL ? 0 : -1;
	}
	return -1;
}

/* An address as 16 bytes that sort numerically (IPv4 mapped first). */
static void
dns_addr_key(const char *s, unsigned char key[16])
{
	memset(key, 0, 16);
	if (strchr(s, ':') != NULL)
		(void)inet_pton(AF_INET6, s, key);
	else
		(void)inet_pton(AF_INET, s, key + 12);
}

/* qsort order of addresses: numeric. */
static int
dns_cmp_addr(const void *a, const void *b)
{
	unsigned char ka[16], kb[16];

	dns_addr_key(((const struct dns_rr *)a)->host, ka);
	dns_addr_key(((const struct dns_rr *)b)->host, kb);
	return memcmp(ka, kb, sizeof ka);
}

/* qsort order of MX and SRV: preference or priority, heavier weight
 * first, then name and port so that the order is stable. */
static int
dns_cmp_pref(const void *a, const void *b)
{
	const struct dns_rr *x = a, *y = b;
	int c;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	if ((c = strcmp(x->host, y->host)) != 0)
		return c;
	return (x->port > y->port) - (x->port < y->port);
}

/* Keep the records of a result, parsed and sorted; one malformed record
 * makes the whole answer an error. */
static void
dns_take_records(struct dns_query *q, const struct ub_result *res)
{
	size_t n = 0, i;

	while (res->data[n] != NULL)
		n++;
	q->rrs = xcalloc(n, sizeof *q->rrs);
	for (i = 0; i < n; i++) {
		if (dns_rdata_parse(q->type, (unsigned char *)res->data[i],
		    (size_t)res->len[i], &q->rrs[q->nrrs]) != 0) {
			dns_query_clear(q);
			q->done = 1;
			q->error = xstrdup(_("the answer holds a malformed "
			    "record"));
			return;
		}
		q->nrrs++;
	}
	qsort(q->rrs, q->nrrs, sizeof *q->rrs,
	    q->type == DNS_A || q->type == DNS_AAAA ? dns_cmp_addr :
	    dns_cmp_pref);
}

/* libunbound's callback: record the outcome of one query. */
static void
dns_callback(void *arg, int err, struct ub_result *res)
{
	struct dns_query *q = arg;

	q->done = 1;
	if (err != 0 || res == NULL)
		q->error = xstrdup(ub_strerror(err));
	else if (res->rcode == DNS_RCODE_NXDOMAIN)
		q->nxdomain = 1;
	else if (res->rcode != 0) {
		/* TRANSLATORS: %s is a DNS code such as SERVFAIL. */
		q->error = xasprintf(_("the DNS lookup failed (%s)"),
		    dns_rcode_name(res->rcode));
	} else if (res->havedata)
		dns_take_records(q, res);
	if (res != NULL)
		ub_resolve_free(res);
}

/* Start one query; a query that cannot start is done, with its error. */
static void
dns_start(struct dns *d, struct dns_query *q)
{
	int r;

	dns_query_clear(q);
	r = ub_resolve_async(d->ctx, q->name, (int)q->type, DNS_CLASS_IN, q,
	    dns_callback, &q->id);
	if (r != 0) {
		q->done = 1;
		q->error = xstrdup(ub_strerror(r));
	}
}

/* Milliseconds from now until the deadline (CLOCK_MONOTONIC), >= 0. */
static int
dns_ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

/* Whether some query of the batch has not ended yet. */
static int
dns_pending(const struct dns_query *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!q[i].done)
			return 1;
	}
	return 0;
}

/* End the queries still running: cancelled, with why as their error. */
static void
dns_abandon(struct dns *d, struct dns_query *q, size_t n, const char *why)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (q[i].done)
			continue;
		(void)ub_cancel(d->ctx, q[i].id);
		q[i].done = 1;
		q[i].error = xstrdup(why);
	}
}

/* Wait for the answers until the batch's deadline; returns NULL when all
 * came, else why the others never will (allocated). */
static char *
dns_wait(struct dns *d, struct dns_query *q, size_t n)
{
	struct timespec deadline;
	struct pollfd pfd;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += (time_t)d->timeout;
	pfd.fd = ub_fd(d->ctx);
	pfd.events = POLLIN;
	while (dns_pending(q, n)) {
		if ((r = dns_ms_left(&deadline)) == 0)
			break;
		if ((r = poll(&pfd, 1, r)) == -1 && errno != EINTR)
			return xasprintf("%s", strerror(errno));
		if (r > 0 && (r = ub_process(d->ctx)) != 0)
			return xasprintf("%s", ub_strerror(r));
	}
	if (!dns_pending(q, n))
		return NULL;
	if (d->server != NULL) {
		return xasprintf(_("the DNS server %s did not answer within "
		    "%u s"), d->server, d->timeout);
	}
	return xasprintf(_("the DNS resolver did not answer within %u s"),
	    d->timeout);
}

/* Run a batch of queries at once; each ends with records or an error
 * by the resolver's deadline (see dns.h). */
void
dns_run(struct dns *d, struct dns_query *q, size_t n)
{
	char *why;
	size_t i;

	for (i = 0; i < n; i++)
		dns_start(d, &q[i]);
	if ((why = dns_wait(d, q, n)) != NULL) {
		dns_abandon(d, q, n, why);
		free(why);
	}
}
