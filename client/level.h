/* level.h: the security levels of a connection and the verdict that turns
 * verification facts into a level (DESIGN.md "Levels").
 *
 * Error contract: level_verdict() returns ST_OK with the level, or
 * ST_TLS_FAILED with *errstr set to a newly allocated, translated sentence
 * that gives every reason in words. Nothing here touches the network. */
#ifndef STARLING_LEVEL_H
#define STARLING_LEVEL_H

#include "status.h"

enum level {
	LEVEL_NONE,		/* not connected yet */
	LEVEL_PLAINTEXT,	/* no TLS: only through the explicit override */
	LEVEL_UNVERIFIED,	/* TLS, certificate accepted for this session */
	LEVEL_PINNED,		/* TLS, key matches the user's pin */
	LEVEL_VERIFIED,		/* TLS >= 1.2, valid chain, name matches */
};

enum pin_state {
	PIN_NONE,		/* no pin known for this host:port */
	PIN_MATCH,
	PIN_MISMATCH,
};

/* Why a certificate is not trusted; a set of bits. */
enum cert_problem {
	CERT_UNKNOWN_ISSUER	= 1 << 0,
	CERT_EXPIRED		= 1 << 1,
	CERT_NOT_YET_VALID	= 1 << 2,
	CERT_REVOKED		= 1 << 3,
	CERT_BAD_SIGNATURE	= 1 << 4,
	CERT_INSECURE_ALGORITHM	= 1 << 5,
	CERT_OTHER		= 1 << 6,
	CERT_WRONG_PURPOSE	= 1 << 7,	/* not for TLS servers (EKU) */
};

/* What verification found out; filled by tls.c, judged by level.c. */
struct verdict_facts {
	int		 tls_version_ok;	/* negotiated TLS >= 1.2 */
	const char	*tls_version;		/* "TLS1.3", for messages */
	const char	*weak_key;		/* "RSA 1024" when too weak */
	const char	*null_cipher;		/* a suite that does not encrypt */
	unsigned	 problems;		/* enum cert_problem bits */
	int		 hostname_ok;
	const char	*host;			/* the configured host */
	const char	*cert_names;		/* "a.example, b.example" */
	const char	*not_after;		/* ISO date, for messages */
	enum pin_state	 config_pin;		/* tls_pin = */
	enum pin_state	 stored_pin;		/* the TOFU database */
	int		 accepted;		/* accepted for this session */
	int		 accept_any;		/* probe: every cert, no secrets */
};

const char	*level_name(enum level);	/* "verified" (JSON, stable) */
const char	*level_tag(enum level);		/* "TLS", "PIN", "TLS!", ... */
const char	*level_describe(enum level);	/* translated sentence */
enum status	 level_verdict(const struct verdict_facts *, enum level *,
		     char **);
char		*level_problems_text(const struct verdict_facts *);

#endif
