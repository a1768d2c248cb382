/* probe.h: `starling probe`: which mail endpoints of a domain or host
 * really encrypt. Never sends a user name or a password: the sessions a
 * probe opens have a gate that refuses every credential and every private
 * command, whatever the level.
 *
 * The pipeline: probe_targets() turns TARGET arguments into endpoints
 * (DNS: MX and RFC 6186/8314 SRV, then every address of every name);
 * probe_run() probes them in parallel (at most one connection at a time
 * per address, each endpoint with its own timeouts); probe_judge() turns
 * the facts of one endpoint into findings, a crypto grade and an
 * assurance level; the UI prints a table or JSON.
 *
 * Error contract: probe_targets() returns 0, or -1 with *errstr set to a
 * newly allocated, translated sentence (a TARGET that does not parse, a
 * resolver that cannot be used). Everything that goes wrong while
 * probing is a fact of the endpoint (reachable = 0, error = sentence),
 * never a failure of the run. */
#ifndef STARLING_PROBE_H
#define STARLING_PROBE_H

#include <stddef.h>

#include "tls.h"
#include "url.h"

/* testssl.sh's severities, so results compare. */
enum severity {
	SEV_OK,
	SEV_INFO,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};

struct finding {
	char		*id;		/* stable, e.g. "starttls_stripped" */
	enum severity	 severity;
	char		*text;		/* translated sentence */
};

/* TLS protocol versions probed one handshake each. */
enum tls_version {
	TLSV_1_0,
	TLSV_1_1,
	TLSV_1_2,
	TLSV_1_3,
	TLSV_COUNT
};

enum version_result {
	VERSION_UNKNOWN,	/* not probed (no TLS at all) */
	VERSION_ACCEPTED,
	VERSION_REFUSED,
	VERSION_UNTESTABLE,	/* the local GnuTLS cannot offer it */
};

struct endpoint {
	/* What to probe. */
	char		*target;	/* the TARGET argument it came from */
	char		*source;	/* "MX 10", "SRV _imaps._tcp", "host", "given" */
	char		*name;		/* the host name: SNI and RFC 6125 */
	char		*addr;		/* one address of it, numeric */
	unsigned	 port;
	enum service	 service;
	enum transport	 transport;
	int		 is_mx;		/* port 25 of an MX */
	/* What was found. */
	int		 reachable;
	char		*greeting;	/* first line, sanitised */
	int		 starttls_advertised;	/* -1: not applicable */
	int		 plain_auth_offered;	/* before TLS; -1: n/a */
	int		 starttls_accepted;	/* -1: n/a (implicit) */
	enum version_result versions[TLSV_COUNT];
	struct tls_info	 tls;		/* the default handshake */
	int		 ocsp_stapled;
	int		 chain_ordered;		/* each cert signed by the next */
	int		 chain_complete;	/* reaches a trust anchor */
	int		 starttls_after_tls;	/* -1: n/a */
	int		 injection_reacts;	/* -1: not tested */
	int		 smtp_421;		/* the server said 421: try later */
	int		 timed_out;		/* a step used up the timeout:
						   probing stopped there */
	char		 version_cipher[TLSV_COUNT][64]; /* per accepted version */
	size_t		 injected_reply;	/* bytes right behind a positive
						   STARTTLS reply: refused */
	/* The verdicts (probe_judge). */
	struct finding	*findings;
	size_t		 nfindings;
	char		 grade[3];	/* "A+", "A", "B", "C", "D", "E", "F", "T", "M";
					   "" when not judged (unreachable,
					   SMTP 421, stopped before TLS) */
	int		 level;		/* 0..4, see starling(1); 0 when
					   not judged */
	char		*error;		/* why probing stopped, or NULL */
	double		 seconds;	/* wall time spent on it */
};

#define PROBE_DEFAULT_TIMEOUT	10	/* seconds, when timeout is 0 */
#define PROBE_DEFAULT_JOBS	16

struct probe_opts {
	const char	*cafile;
	unsigned	 timeout;	/* seconds per network step */
	const char	*resolver;	/* "IP[:PORT]" or NULL: the system's */
	unsigned	 jobs;		/* parallel connections (default 16) */
};

/* One TARGET argument, parsed by probe_target_parse() (no DNS). */
enum target_kind {
	TARGET_NAME,	/* a bare name: a domain if it has MX or SRV
			   records (RFC 6186/8314), else a host */
	TARGET_ADDRESS,	/* an IP literal: a host, no DNS */
	TARGET_SERVICE,	/* host:port or scheme://host[:port]: one service */
};

struct probe_target {
	enum target_kind kind;
	char		*host;		/* lower case, no [], no final dot */
	int		 literal;	/* host is an IP address */
	unsigned	 port;		/* TARGET_SERVICE only */
	enum service	 service;	/* TARGET_SERVICE only */
	enum transport	 transport;	/* TARGET_SERVICE only */
};

/* What probe_targets() makes: one endpoint per (name, address, port),
 * duplicates within a TARGET merged (their sources joined by ", "); in
 * TARGET order, then MX by preference, SRV in the order
 * _submissions _submission _imaps _imap _pop3s _pop3, a host's ports
 * 25 587 465 143 993 110 995, addresses IPv4 then IPv6. Every string
 * is the endpoint's own allocation. addr == NULL means there is nothing
 * to connect to and error says why ("cannot resolve NAME: ...", "cannot
 * look up SRV _imaps._tcp.NAME: ..."); such an endpoint stands for all
 * the ports of its name and source, and port is 0 when they were
 * several. The result fields start at 0, the "-1: n/a" ones at -1. */
int		 probe_target_parse(const char *, struct probe_target *,
		     char **);
void		 probe_target_clear(struct probe_target *);
int		 probe_port_service(unsigned, enum service *,
		     enum transport *);
int		 probe_targets(char **, size_t, const struct probe_opts *,
		     struct endpoint **, size_t *, char **);
/* probe_run() also judges each endpoint; probe_judge() may be called
 * again (it replaces the findings). */
void		 probe_run(struct endpoint *, size_t, const struct probe_opts *);
void		 probe_endpoint(struct endpoint *, const struct probe_opts *);
void		 probe_judge(struct endpoint *);
void		 probe_endpoints_free(struct endpoint *, size_t);
const char	*severity_name(enum severity);	/* "OK", "INFO", ... */
const char	*tls_version_name(enum tls_version);	/* "TLS1.0" */
/* The minimum level over the judged endpoints of a TARGET; -1 when
 * none of them could be judged. */
int		 probe_domain_level(const struct endpoint *, size_t,
		     const char *);

#endif
