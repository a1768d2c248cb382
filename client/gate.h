/* gate.h: the one way out for every secret and every private command.
 *
 * Nothing in client/ sends LOGIN, AUTHENTICATE, USER, PASS, APOP, AUTH,
 * SELECT, EXAMINE, APPEND, MAIL FROM or RCPT TO except through
 * gate_release(). The gate allows "verified" and "pinned" sessions;
 * "unverified" only when the user accepted that certificate for this
 * session; "plaintext" only with the explicit override.
 *
 * Error contract: gate_check() and gate_release() return ST_OK, or
 * ST_NOT_ENCRYPTED / ST_TLS_FAILED with *errstr set to a newly allocated,
 * translated sentence saying why and how to fix it. gate_release() returns
 * the send function's result through *result only when it ran it. */
#ifndef STARLING_GATE_H
#define STARLING_GATE_H

#include "level.h"
#include "status.h"
#include "transcript.h"

enum gate_kind {
	GATE_CREDENTIAL,	/* a password, a SASL exchange, a user name */
	GATE_PRIVATE,		/* SELECT, APPEND, MAIL FROM, ... */
};

struct gate {
	enum level		 level;
	int			 encrypted;	/* the wire really is TLS */
	int			 allow_plaintext; /* the explicit override */
	int			 accepted;	/* the user accepted the cert */
	int			 no_secrets;	/* a probe: refuse everything */
	struct transcript	*tr;		/* put in secret mode */
	const char		*where;		/* "IMAP mail.example.com:143" */
};

typedef int (*gate_send_fn)(void *);

enum status	 gate_check(const struct gate *, enum gate_kind, char **);
enum status	 gate_release(const struct gate *, enum gate_kind,
		     gate_send_fn, void *, int *, char **);

#endif
