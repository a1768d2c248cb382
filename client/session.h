/* session.h: one connection to one service of one account, secured step
 * by step as DESIGN.md "The connection, step by step" says.
 *
 * Error contract: functions returning enum status set *errstr to a newly
 * allocated, translated sentence when they return anything but ST_OK. */
#ifndef STARLING_SESSION_H
#define STARLING_SESSION_H

#include "config.h"
#include "gate.h"
#include "level.h"
#include "status.h"
#include "tls.h"
#include "transcript.h"
#include "url.h"
#include "wire.h"

enum auth_result {
	AUTH_NOT_ATTEMPTED,
	AUTH_OK,
	AUTH_REFUSED,		/* by our gate */
	AUTH_REJECTED,		/* by the server */
};

struct proto;

struct session {
	const struct account	*acct;
	enum service		 service;
	const struct url	*url;
	char			*where;		/* "IMAP host:port" */
	struct transcript	*tr;
	struct wire		*wire;
	enum level		 level;
	struct tls_info		 tls;
	int			 starttls_advertised;	/* -1: unknown */
	char			*plain_reason;	/* why there is no TLS */
	enum auth_result	 auth;
	int			 allow_plaintext;
	char			*accepted;	/* sha256 accepted, or NULL */
	struct gate		 gate;
	const struct proto	*ops;
	void			*proto;		/* the protocol's own state */
	/* Probing: connect to this address (the name stays url->host for
	 * SNI and RFC 6125), finish the handshake whatever the certificate,
	 * and never let a secret through the gate. */
	const char		*connect_addr;
	int			 probe;
	const char		*tls_priority;	/* overrides the account's */
	/* What the server said, for probes (-1: not known): authentication
	 * offered in the capabilities before TLS, STARTTLS advertised again
	 * in the capabilities after TLS, and how many bytes arrived right
	 * behind a positive STARTTLS reply (response injection). */
	int			 plain_auth_offered;
	int			 starttls_after_tls;
	size_t			 injected;
	/* Told the wire as soon as it exists (so it can be aborted). */
	void			(*on_wire)(void *, struct wire *);
	void			*on_wire_arg;
};

/* What each protocol (imap.c, pop3.c, smtp.c) provides. */
struct proto {
	/* Greeting, STARTTLS, verification, capabilities again. */
	enum status	(*open)(struct session *, char **);
	/* Authenticate; called only through the gate. */
	enum status	(*login)(struct session *, const char *, const char *,
			    char **);
	void		(*logout)(struct session *);
	void		(*free)(struct session *);
};

extern const struct proto proto_imap;
extern const struct proto proto_pop3;
extern const struct proto proto_smtp;

struct session	*session_new(const struct account *, enum service, int);
void		 session_free(struct session *);
enum status	 session_open(struct session *, char **);
enum status	 session_upgrade(struct session *, char **);
enum status	 session_no_tls(struct session *, const char *, char **);
enum status	 session_login(struct session *, const char *, const char *,
		     char **);
enum status	 session_stream_error(struct session *, const char *,
		     char **);
const char	*auth_result_name(enum auth_result);
char		*session_server_words(const char *, const char *);

#endif
