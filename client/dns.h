/* dns.h: the DNS lookups of `starling probe` (MX, SRV, A, AAAA), over
 * libunbound, with one deadline for a whole batch of queries.
 *
 * The resolver is the one given as "IP[:PORT]" (every question is
 * forwarded to it, loopback included), else the system's
 * (/etc/resolv.conf and /etc/hosts). Answers are not DNSSEC-validated.
 *
 * Error contract: dns_new() and dns_resolver_parse() return 0 / a
 * resolver, or -1 / NULL with *errstr set to a newly allocated,
 * translated sentence. dns_run() does not fail as a whole: each query
 * ends with its records, or with error set to why it has none: a
 * translated phrase that reads after "cannot look up MX example.com: "
 * (a timeout, SERVFAIL, REFUSED, a malformed record). A name that does
 * not exist (NXDOMAIN) or has no record of the type is not an error:
 * the query ends with no records. */
#ifndef STARLING_DNS_H
#define STARLING_DNS_H

#include <stddef.h>

/* Record types, by their IANA numbers. */
enum dns_type {
	DNS_A = 1,
	DNS_MX = 15,
	DNS_AAAA = 28,
	DNS_SRV = 33,
};

/* One record of an answer. */
struct dns_rr {
	char		*host;	/* MX exchange or SRV target: lower case,
				   no final dot, "." for the root (RFC 7505
				   null MX, RFC 2782 "not offered");
				   A/AAAA: the numeric address */
	unsigned	 pref;	/* MX preference, SRV priority */
	unsigned	 weight;	/* SRV */
	unsigned	 port;	/* SRV */
};

/* One question and, after dns_run(), its answer. Records come sorted:
 * MX by preference, then name; SRV by priority, then weight (heavier
 * first), then target and port (RFC 2782 order, without the random
 * pick); addresses in numeric order. */
struct dns_query {
	const char	*name;		/* asked; not owned */
	enum dns_type	 type;
	struct dns_rr	*rrs;
	size_t		 nrrs;
	int		 nxdomain;	/* the name does not exist */
	char		*error;		/* why there is no answer, or NULL */
	int		 id;		/* private: libunbound's async id */
	int		 done;		/* private */
};

struct dns;

struct dns	*dns_new(const char *, unsigned, char **);
void		 dns_free(struct dns *);
void		 dns_run(struct dns *, struct dns_query *, size_t);
void		 dns_query_clear(struct dns_query *);
int		 dns_resolver_parse(const char *, char **, char **);
int		 dns_rdata_parse(enum dns_type, const unsigned char *, size_t,
		     struct dns_rr *);
const char	*dns_type_name(enum dns_type);

#endif
