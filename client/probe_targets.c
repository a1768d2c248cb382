/* probe_targets.c: TARGET arguments of `starling probe` into endpoints:
 * parse each target, find out from MX and SRV records (RFC 6186, RFC
 * 8314) whether a bare name is a domain or a host, then resolve every
 * name to all its addresses. See probe.h for the order and the merging. */
#include "build-config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "i18n.h"
#include "probe.h"
#include "xmalloc.h"

/* The ports of a host, in probing order; also the port -> service map. */
static const struct targets_port {
	unsigned	 port;
	enum service	 service;
	enum transport	 transport;
} targets_ports[] = {
	{ 25,  SERVICE_SMTP, TRANSPORT_STARTTLS },
	{ 587, SERVICE_SMTP, TRANSPORT_STARTTLS },
	{ 465, SERVICE_SMTP, TRANSPORT_IMPLICIT },
	{ 143, SERVICE_IMAP, TRANSPORT_STARTTLS },
	{ 993, SERVICE_IMAP, TRANSPORT_IMPLICIT },
	{ 110, SERVICE_POP3, TRANSPORT_STARTTLS },
	{ 995, SERVICE_POP3, TRANSPORT_IMPLICIT },
};
#define TARGETS_NPORTS (sizeof targets_ports / sizeof targets_ports[0])

/* The SRV services of RFC 6186 and RFC 8314, in probing order. */
static const struct targets_srv {
	const char	*label;
	enum service	 service;
	enum transport	 transport;
} targets_srvs[] = {
	{ "_submissions._tcp", SERVICE_SMTP, TRANSPORT_IMPLICIT },
	{ "_submission._tcp",  SERVICE_SMTP, TRANSPORT_STARTTLS },
	{ "_imaps._tcp",       SERVICE_IMAP, TRANSPORT_IMPLICIT },
	{ "_imap._tcp",        SERVICE_IMAP, TRANSPORT_STARTTLS },
	{ "_pop3s._tcp",       SERVICE_POP3, TRANSPORT_IMPLICIT },
	{ "_pop3._tcp",        SERVICE_POP3, TRANSPORT_STARTTLS },
};
#define TARGETS_NSRVS (sizeof targets_srvs / sizeof targets_srvs[0])
#define TARGETS_NLOOKUPS (1 + TARGETS_NSRVS)	/* MX, then the SRVs */

/* One name and port to probe, before its addresses are known. */
struct targets_want {
	const char	*target;	/* the argument; not owned */
	char		*name;
	int		 literal;	/* name is an address */
	unsigned	 port;
	enum service	 service;
	enum transport	 transport;
	int		 is_mx;
	char		*source;
	char		*error;		/* its records could not be looked up */
};

/* The work of one probe_targets() call. */
struct targets_plan {
	char			**argv;
	struct probe_target	 *t;
	size_t			  nt;
	struct dns		 *dns;
	struct dns_query	 *rq;		/* MX and SRV lookups */
	char			**rqnames;	/* their names */
	size_t			  nrq;
	struct targets_want	 *w;
	size_t			  nw;
	struct dns_query	 *aq;		/* A, AAAA of each name */
	size_t			  naq;
	struct endpoint		 *ep;
	size_t			  nep;
};

/* Set *errstr to a newly allocated message; always returns -1. */
static int __attribute__((format(printf, 2, 3)))
targets_error(char **errstr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*errstr = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* The standard service on a port; 0, or -1 when the port has none. */
int
probe_port_service(unsigned port, enum service *service,
    enum transport *transport)
{
	size_t i;

	for (i = 0; i < TARGETS_NPORTS; i++) {
		if (targets_ports[i].port == port) {
			*service = targets_ports[i].service;
			*transport = targets_ports[i].transport;
			return 0;
		}
	}
	return -1;
}

/* Whether s is an IPv4 or IPv6 address. */
static int
targets_is_address(const char *s)
{
	unsigned char bin[16];

	return inet_pton(AF_INET, s, bin) == 1 ||
	    inet_pton(AF_INET6, s, bin) == 1;
}

/* Whether s is a host name: url_parse() knows the rules for hosts. */
static int
targets_is_name(const char *s)
{
	struct url u;
	char *url, *err = NULL;
	int ok;

	if (*s == '\0' || strpbrk(s, "/[]:@?#") != NULL)
		return 0;
	memset(&u, 0, sizeof u);
	url = xasprintf("imap://%s", s);
	ok = url_parse(url, &u, &err) == 0;
	url_clear(&u);
	free(err);
	free(url);
	return ok;
}

/* Set t->host to the len bytes at h: lower case, one final dot dropped;
 * it must be an address, or a name when names is set. */
static int
targets_set_host(const char *arg, const char *h, size_t len, int names,
    struct probe_target *t, char **errstr)
{
	char *p;

	if (len > 1 && h[len - 1] == '.' && h[len - 2] != '.')
		len--;
	t->host = xstrndup(h, len);
	for (p = t->host; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	t->literal = targets_is_address(t->host);
	if (t->literal || (names && targets_is_name(t->host)))
		return 0;
	free(t->host);
	t->host = NULL;
	if (!names) {
		return targets_error(errstr, _("invalid IPv6 address in "
		    "\"%s\" (an IPv6 address with a port goes in brackets, "
		    "as in [2001:db8::1]:993)"), arg);
	}
	/* TRANSLATORS: host names are ASCII; IDN names must be written in
	 * their punycode (xn--) form. */
	return targets_error(errstr, _("\"%s\" is not a domain, a host "
	    "name or an address (use letters, digits, \"-\" and \".\"; "
	    "write international names in their xn-- form)"), arg);
}

/* Set t->port from the text after a colon, and the service it stands
 * for; a port without a standard service needs a URL. */
static int
targets_set_port(const char *arg, const char *s, struct probe_target *t,
    char **errstr)
{
	unsigned long v;
	int v6 = strchr(t->host, ':') != NULL;

	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 5 || (v = strtoul(s, NULL, 10)) < 1 || v > 65535) {
		return targets_error(errstr, _("port \"%s\" in \"%s\" is not "
		    "a number from 1 to 65535"), s, arg);
	}
	t->port = (unsigned)v;
	t->kind = TARGET_SERVICE;
	if (probe_port_service(t->port, &t->service, &t->transport) == 0)
		return 0;
	/* TRANSLATORS: the example is a URL; keep imaps:// as it is. */
	return targets_error(errstr, _("port %u in \"%s\" is not a standard "
	    "mail port: say which service runs there with a URL such as "
	    "imaps://%s%s%s:%u (imap, imaps, pop3, pop3s, smtp or smtps)"),
	    t->port, arg, v6 ? "[" : "", t->host, v6 ? "]" : "", t->port);
}

/* Parse "[IPv6]" or "[IPv6]:PORT". */
static int
targets_parse_bracket(const char *arg, struct probe_target *t,
    char **errstr)
{
	const char *end = strchr(arg, ']');

	if (end == NULL) {
		return targets_error(errstr, _("missing \"]\" after the IPv6 "
		    "address in \"%s\""), arg);
	}
	if (targets_set_host(arg, arg + 1, (size_t)(end - arg - 1), 0, t,
	    errstr) != 0)
		return -1;
	if (end[1] == '\0') {
		t->kind = TARGET_ADDRESS;
		return 0;
	}
	if (end[1] != ':') {
		return targets_error(errstr, _("unexpected \"%s\" after \"]\" "
		    "in \"%s\""), end + 1, arg);
	}
	return targets_set_port(arg, end + 2, t, errstr);
}

/* Parse "NAME", "ADDRESS" or "HOST:PORT" (no brackets, no scheme). */
static int
targets_parse_plain(const char *arg, struct probe_target *t, char **errstr)
{
	const char *colon = strchr(arg, ':');

	if (colon == NULL || strchr(colon + 1, ':') != NULL) {
		/* No colon, or an IPv6 address (two or more). */
		if (targets_set_host(arg, arg, strlen(arg), colon == NULL, t,
		    errstr) != 0)
			return -1;
		t->kind = t->literal ? TARGET_ADDRESS : TARGET_NAME;
		return 0;
	}
	if (targets_set_host(arg, arg, (size_t)(colon - arg), 1, t,
	    errstr) != 0)
		return -1;
	return targets_set_port(arg, colon + 1, t, errstr);
}

/* Parse "scheme://host[:port]" with url_parse(). */
static int
targets_parse_url(const char *arg, struct probe_target *t, char **errstr)
{
	struct url u;

	memset(&u, 0, sizeof u);
	if (url_parse(arg, &u, errstr) != 0)
		return -1;
	t->kind = TARGET_SERVICE;
	t->host = u.host;
	t->literal = targets_is_address(u.host);
	t->port = u.port;
	t->service = u.service;
	t->transport = u.transport;
	return 0;
}

/* Parse one TARGET argument; see probe.h for the error contract. */
int
probe_target_parse(const char *arg, struct probe_target *t, char **errstr)
{
	const char *p;
	int r;

	memset(t, 0, sizeof *t);
	if (arg == NULL || *arg == '\0')
		return targets_error(errstr, _("a target cannot be empty"));
	for (p = arg; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f) {
			return targets_error(errstr, _("a target cannot "
			    "contain spaces or control characters"));
		}
	}
	if (strstr(arg, "://") != NULL)
		r = targets_parse_url(arg, t, errstr);
	else if (*arg == '[')
		r = targets_parse_bracket(arg, t, errstr);
	else
		r = targets_parse_plain(arg, t, errstr);
	if (r != 0)
		probe_target_clear(t);
	return r;
}

/* Free what a parsed target holds; accepts NULL and a zeroed struct. */
void
probe_target_clear(struct probe_target *t)
{
	if (t == NULL)
		return;
	free(t->host);
	t->host = NULL;
}

/* Add a name and port to probe; source and error become the plan's. */
static void
targets_want(struct targets_plan *p, const char *target, const char *name,
    unsigned port, enum service service, enum transport transport,
    char *source, char *error)
{
	struct targets_want *w;

	p->w = xreallocarray(p->w, p->nw + 1, sizeof *p->w);
	w = &p->w[p->nw++];
	memset(w, 0, sizeof *w);
	w->target = target;
	w->name = xstrdup(name);
	w->literal = targets_is_address(name);
	w->port = port;
	w->service = service;
	w->transport = transport;
	w->source = source;
	w->error = error;
}

/* Add the seven ports of a host. */
static void
targets_want_host(struct targets_plan *p, const char *target,
    const char *name)
{
	size_t i;

	for (i = 0; i < TARGETS_NPORTS; i++) {
		targets_want(p, target, name, targets_ports[i].port,
		    targets_ports[i].service, targets_ports[i].transport,
		    xstrdup("host"), NULL);
	}
}

/* Add port 25 of each MX host of a domain; the null MX "." is none. */
static void
targets_want_mx(struct targets_plan *p, const char *target,
    const struct dns_query *q)
{
	size_t i;

	for (i = 0; i < q->nrrs; i++) {
		if (strcmp(q->rrs[i].host, ".") == 0)
			continue;
		targets_want(p, target, q->rrs[i].host, 25, SERVICE_SMTP,
		    TRANSPORT_STARTTLS, xasprintf("MX %u", q->rrs[i].pref),
		    NULL);
		p->w[p->nw - 1].is_mx = 1;
	}
}

/* Add each target of one SRV service; "." means "not offered". */
static void
targets_want_srv(struct targets_plan *p, const char *target,
    const struct targets_srv *srv, const struct dns_query *q)
{
	size_t i;

	for (i = 0; i < q->nrrs; i++) {
		if (strcmp(q->rrs[i].host, ".") == 0)
			continue;
		targets_want(p, target, q->rrs[i].host, q->rrs[i].port,
		    srv->service, srv->transport,
		    xasprintf("SRV %s", srv->label), NULL);
	}
}

/* Add, for a lookup of a domain's records that failed, an endpoint that
 * says so: at the standard port of what was looked up. */
static void
targets_want_failed(struct targets_plan *p, const char *target,
    const char *domain, size_t k, const struct dns_query *q)
{
	const struct targets_srv *srv = k > 0 ? &targets_srvs[k - 1] : NULL;
	char *error;

	/* TRANSLATORS: "cannot look up MX example.com: " then why. */
	error = xasprintf(_("cannot look up %s %s: %s"),
	    dns_type_name(q->type), q->name, q->error);
	if (srv == NULL) {
		targets_want(p, target, domain, 25, SERVICE_SMTP,
		    TRANSPORT_STARTTLS, xstrdup("MX"), error);
		return;
	}
	targets_want(p, target, domain,
	    url_default_port(srv->service, srv->transport), srv->service,
	    srv->transport, xasprintf("SRV %s", srv->label), error);
}

/* Decide from its MX and SRV lookups whether a bare name is a domain or
 * a host, and add what to probe there. */
static void
targets_expand_name(struct targets_plan *p, const char *target,
    const char *name, const struct dns_query *q)
{
	size_t k, before = p->nw;
	int found = 0, failed = 0;

	for (k = 0; k < TARGETS_NLOOKUPS; k++) {
		found |= q[k].nrrs > 0;
		failed |= q[k].error != NULL;
	}
	if (!found && !failed) {
		targets_want_host(p, target, name);
		return;
	}
	targets_want_mx(p, target, &q[0]);
	for (k = 1; k < TARGETS_NLOOKUPS; k++)
		targets_want_srv(p, target, &targets_srvs[k - 1], &q[k]);
	for (k = 0; k < TARGETS_NLOOKUPS; k++) {
		if (q[k].error != NULL)
			targets_want_failed(p, target, name, k, &q[k]);
	}
	if (p->nw == before) {
		targets_want(p, target, name, 0, SERVICE_SMTP,
		    TRANSPORT_STARTTLS, xstrdup("domain"),
		    xasprintf(_("%s offers no mail service: its MX and SRV "
		    "records all say \".\" (RFC 7505, RFC 6186)"), name));
	}
}

/* Look up the MX and SRV records of every bare name at once, in TARGET
 * order: TARGETS_NLOOKUPS queries per name. */
static void
targets_lookup_names(struct targets_plan *p)
{
	size_t i, k, j;

	p->rq = xcalloc(p->nt * TARGETS_NLOOKUPS, sizeof *p->rq);
	p->rqnames = xcalloc(p->nt * TARGETS_NLOOKUPS, sizeof *p->rqnames);
	for (i = 0; i < p->nt; i++) {
		if (p->t[i].kind != TARGET_NAME)
			continue;
		for (k = 0; k < TARGETS_NLOOKUPS; k++) {
			j = p->nrq++;
			p->rqnames[j] = k == 0 ? xstrdup(p->t[i].host) :
			    xasprintf("%s.%s", targets_srvs[k - 1].label,
			    p->t[i].host);
			p->rq[j].name = p->rqnames[j];
			p->rq[j].type = k == 0 ? DNS_MX : DNS_SRV;
		}
	}
	if (p->nrq > 0)
		dns_run(p->dns, p->rq, p->nrq);
}

/* Add what to probe for each target, in TARGET order. */
static void
targets_expand(struct targets_plan *p)
{
	const struct probe_target *t;
	size_t i, k = 0;

	for (i = 0; i < p->nt; i++) {
		t = &p->t[i];
		switch (t->kind) {
		case TARGET_NAME:
			targets_expand_name(p, p->argv[i], t->host, &p->rq[k]);
			k += TARGETS_NLOOKUPS;
			break;
		case TARGET_ADDRESS:
			targets_want_host(p, p->argv[i], t->host);
			break;
		case TARGET_SERVICE:
			targets_want(p, p->argv[i], t->host, t->port,
			    t->service, t->transport, xstrdup("given"), NULL);
			break;
		}
	}
}

/* The A lookup of a name, the AAAA one right after it; or NULL. */
static struct dns_query *
targets_find_name(struct targets_plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->naq; i += 2) {
		if (strcmp(p->aq[i].name, name) == 0)
			return &p->aq[i];
	}
	return NULL;
}

/* Look up the addresses of every name to probe at once. */
static void
targets_lookup_addresses(struct targets_plan *p)
{
	const struct targets_want *w;
	size_t i;

	p->aq = xcalloc(2 * p->nw, sizeof *p->aq);
	for (i = 0; i < p->nw; i++) {
		w = &p->w[i];
		if (w->literal || w->error != NULL ||
		    targets_find_name(p, w->name) != NULL)
			continue;
		p->aq[p->naq].name = w->name;
		p->aq[p->naq++].type = DNS_A;
		p->aq[p->naq].name = w->name;
		p->aq[p->naq++].type = DNS_AAAA;
	}
	if (p->naq > 0)
		dns_run(p->dns, p->aq, p->naq);
}

/* Whether source is one of the ", "-separated items of list. */
static int
targets_has_source(const char *list, const char *source)
{
	size_t len = strlen(source);

	for (;;) {
		if (strncmp(list, source, len) == 0 &&
		    (list[len] == '\0' || list[len] == ','))
			return 1;
		if ((list = strchr(list, ',')) == NULL)
			return 0;
		list += 2;
	}
}

/* The endpoint a want and address merge into: same target, name and
 * address and port; without an address, same target, name and source. */
static struct endpoint *
targets_find(struct targets_plan *p, const struct targets_want *w,
    const char *addr)
{
	struct endpoint *e;
	size_t i;

	for (i = 0; i < p->nep; i++) {
		e = &p->ep[i];
		if (strcmp(e->target, w->target) != 0 ||
		    strcmp(e->name, w->name) != 0 ||
		    (e->addr == NULL) != (addr == NULL))
			continue;
		if (addr == NULL && strcmp(e->source, w->source) == 0)
			return e;
		if (addr != NULL && strcmp(e->addr, addr) == 0 &&
		    e->port == w->port)
			return e;
	}
	return NULL;
}

/* Merge a want into an endpoint it duplicates. */
static void
targets_merge(struct endpoint *e, const struct targets_want *w)
{
	char *source;

	if (e->addr == NULL) {
		if (e->port != w->port)
			e->port = 0;	/* it stands for several ports */
		return;
	}
	e->is_mx |= w->is_mx;
	if (!targets_has_source(e->source, w->source)) {
		source = xasprintf("%s, %s", e->source, w->source);
		free(e->source);
		e->source = source;
	}
}

/* Add the endpoint of a want at an address (NULL: none, error says
 * why; error becomes the endpoint's). */
static void
targets_add(struct targets_plan *p, const struct targets_want *w,
    const char *addr, char *error)
{
	struct endpoint *e;

	if ((e = targets_find(p, w, addr)) != NULL) {
		targets_merge(e, w);
		free(error);
		return;
	}
	p->ep = xreallocarray(p->ep, p->nep + 1, sizeof *p->ep);
	e = &p->ep[p->nep++];
	memset(e, 0, sizeof *e);
	e->target = xstrdup(w->target);
	e->source = xstrdup(w->source);
	e->name = xstrdup(w->name);
	e->addr = addr != NULL ? xstrdup(addr) : NULL;
	e->port = w->port;
	e->service = w->service;
	e->transport = w->transport;
	e->is_mx = w->is_mx;
	e->error = error;
	e->starttls_advertised = e->plain_auth_offered = -1;
	e->starttls_accepted = e->starttls_after_tls = -1;
	e->injection_reacts = -1;
}

/* Why a name has no address: "cannot resolve NAME: ...". */
static char *
targets_unresolved(const char *name, const struct dns_query *q)
{
	const char *why;

	if (q[0].error != NULL)
		why = q[0].error;
	else if (q[1].error != NULL)
		why = q[1].error;
	else if (q[0].nxdomain)
		why = _("no such domain");
	else
		why = _("it has no address (no A or AAAA record)");
	/* TRANSLATORS: "cannot resolve mail.example.com: " then why. */
	return xasprintf(_("cannot resolve %s: %s"), name, why);
}

/* Add the endpoints of one want: one per address of its name, IPv4
 * first; a name without addresses, or with a failed lookup, says so. */
static void
targets_emit(struct targets_plan *p, const struct targets_want *w)
{
	const struct dns_query *q;
	size_t i, k;

	if (w->error != NULL || w->literal) {
		targets_add(p, w, w->literal ? w->name : NULL,
		    w->error != NULL ? xstrdup(w->error) : NULL);
		return;
	}
	q = targets_find_name(p, w->name);
	if (q[0].nrrs + q[1].nrrs == 0) {
		targets_add(p, w, NULL, targets_unresolved(w->name, q));
		return;
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < q[k].nrrs; i++)
			targets_add(p, w, q[k].rrs[i].host, NULL);
	}
	for (k = 0; k < 2; k++) {
		if (q[k].error != NULL) {
			targets_add(p, w, NULL, xasprintf(_("cannot look up "
			    "%s %s: %s"), dns_type_name(q[k].type), w->name,
			    q[k].error));
		}
	}
}

/* Parse every target; 0, or -1 with *errstr set by the first bad one. */
static int
targets_parse_all(struct targets_plan *p, char **errstr)
{
	size_t i;

	p->t = xcalloc(p->nt, sizeof *p->t);
	for (i = 0; i < p->nt; i++) {
		if (probe_target_parse(p->argv[i], &p->t[i], errstr) != 0)
			return -1;
	}
	return 0;
}

/* Open the resolver when some target has a name to look up; a bad
 * --resolver is refused even when none has. */
static int
targets_open_dns(struct targets_plan *p, const struct probe_opts *opts,
    char **errstr)
{
	const char *resolver = opts != NULL ? opts->resolver : NULL;
	char *fwd = NULL;
	size_t i;

	if (resolver != NULL) {
		if (dns_resolver_parse(resolver, &fwd, errstr) != 0)
			return -1;
		free(fwd);
	}
	for (i = 0; i < p->nt; i++) {
		if (!p->t[i].literal)
			break;
	}
	if (i == p->nt)
		return 0;
	p->dns = dns_new(resolver, opts != NULL ? opts->timeout : 0, errstr);
	return p->dns != NULL ? 0 : -1;
}

/* Free the work of one call (not the endpoints handed out). */
static void
targets_plan_free(struct targets_plan *p)
{
	size_t i;

	for (i = 0; i < p->nrq; i++) {
		dns_query_clear(&p->rq[i]);
		free(p->rqnames[i]);
	}
	for (i = 0; i < p->naq; i++)
		dns_query_clear(&p->aq[i]);
	for (i = 0; i < p->nw; i++) {
		free(p->w[i].name);
		free(p->w[i].source);
		free(p->w[i].error);
	}
	for (i = 0; i < p->nt && p->t != NULL; i++)
		probe_target_clear(&p->t[i]);
	free(p->rq);
	free(p->rqnames);
	free(p->aq);
	free(p->w);
	free(p->t);
	dns_free(p->dns);
}

/* Turn TARGET arguments into endpoints; see probe.h. */
int
probe_targets(char **argv, size_t argc, const struct probe_opts *opts,
    struct endpoint **eps, size_t *n, char **errstr)
{
	struct targets_plan p;
	size_t i;
	int r = -1;

	memset(&p, 0, sizeof p);
	p.argv = argv;
	p.nt = argc;
	*eps = NULL;
	*n = 0;
	if (targets_parse_all(&p, errstr) == 0 &&
	    targets_open_dns(&p, opts, errstr) == 0) {
		targets_lookup_names(&p);
		targets_expand(&p);
		targets_lookup_addresses(&p);
		for (i = 0; i < p.nw; i++)
			targets_emit(&p, &p.w[i]);
		*eps = p.ep;
		*n = p.nep;
		r = 0;
	}
	targets_plan_free(&p);
	return r;
}
