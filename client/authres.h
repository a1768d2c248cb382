/* authres.h: the Authentication-Results header field (RFC 8601): which
 * server checked the message (the authserv-id) and what SPF, DKIM, DMARC,
 * ARC and other methods found, in words for people.
 *
 * The parser follows RFC 8601 section 2.2 (comments, nested or not, are
 * skipped wherever CFWS may stand; values may be quoted strings) and
 * tolerates what real servers write: no authserv-id at all (Office 365),
 * a bare domain between results, "action=" and other unknown key=value
 * pairs, a result glued to its comment ("pass(p=NONE)"), a result
 * without properties. An unknown version (RFC 8601 2.2: not "1") makes
 * the whole field unreadable.
 *
 * Trust is the caller's decision (RFC 8601 7.1): anyone, the sender
 * included, can write this field. Only the fields added by the user's own
 * receiving server mean anything; they are the topmost ones, and carry
 * that server's authserv-id. authres_pick() finds the topmost field,
 * optionally the topmost with a given authserv-id. transit.h applies its
 * own rule when no authserv-id is configured.
 *
 * Error contract: nothing fails (allocation failure is fatal);
 * authres_parse() returns NULL for a field it cannot read. */
#ifndef STARLING_AUTHRES_H
#define STARLING_AUTHRES_H

#include <stddef.h>

#define AUTHRES_MAX	64	/* results kept per field (and merged) */

enum authres_method {
	AR_OTHER,
	AR_SPF,
	AR_DKIM,
	AR_DMARC,
	AR_ARC,
};

enum authres_value {
	AR_UNKNOWN,		/* a word not in RFC 8601 */
	AR_PASS,
	AR_FAIL,		/* also the old "hardfail" */
	AR_SOFTFAIL,
	AR_NEUTRAL,
	AR_NONE,
	AR_TEMPERROR,
	AR_PERMERROR,
	AR_POLICY,
	AR_BESTGUESSPASS,
};

struct authres_entry {
	enum authres_method	 method;
	char			*method_name;	/* lower case: "dkim" */
	enum authres_value	 value;
	char			*value_name;	/* lower case: "pass" */
	char			*reason;	/* reason=, or NULL */
	char			*domain;	/* see below, or NULL */
	char			*identity;	/* header.i, smtp.mailfrom */
	char			*selector;	/* DKIM header.s, or NULL */
};
/* domain: DKIM header.d (else the domain of header.i); DMARC header.from;
 * SPF the domain of smtp.mailfrom, else smtp.helo; others NULL. */

struct authres {
	char			*authserv_id;	/* NULL when none is written */
	int			 none;		/* "; none": nothing was checked */
	struct authres_entry	*e;
	size_t			 n;
};

struct authres	*authres_parse(const char *);
void		 authres_free(struct authres *);
void		 authres_merge(struct authres *, struct authres *);
int		 authres_same_server(const struct authres *,
		     const struct authres *);
long		 authres_pick(const char *const *, size_t, const char *);
char		*authres_describe(const struct authres_entry *);
const char	*authres_method_label(const struct authres_entry *);
const char	*authres_value_name(enum authres_value);

#endif
