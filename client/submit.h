/* submit.h: submission through the gate, the outbox, the Sent copy.
 *
 * CONTRACT shared by the send engine and the compose UI: the signatures
 * below are fixed; add, don't change.
 *
 * submit_send() opens the account's SMTP service exactly like check does
 * (STARTTLS always, verification, the gate), authenticates only through
 * the gate, and sends MAIL FROM / RCPT TO / DATA (through the gate). When
 * the session cannot be secured (refused, untrusted, downgraded) or the
 * network fails, the message goes to the account's outbox (a Maildir
 * under $XDG_DATA_HOME/starling/outbox/ACCOUNT) with the reason, and the
 * status says why; nothing is lost. After the server accepted it, a copy
 * goes to the IMAP sent_folder by APPEND (through the gate), or to the
 * local Maildir's Sent when there is no IMAP; a failed copy is reported
 * in *warning but does not make the submission fail.
 *
 * Error contract: ST_OK, or the exit codes of DESIGN.md (2, 3, 4, 5, and
 * 6 = ST_LOCAL when the outbox itself cannot be written) with *errstr set
 * to a newly allocated, translated sentence; *queued is set to 1 when the
 * message is safe in the outbox. */
#ifndef STARLING_SUBMIT_H
#define STARLING_SUBMIT_H

#include <stddef.h>

#include "config.h"
#include "level.h"
#include "message.h"
#include "status.h"
#include "tls.h"
#include "url.h"

/* Asks the user for a password (or returns NULL to give up); may be NULL
 * for the command line, where password_cmd is used and nothing prompts. */
typedef char *(*submit_password_fn)(void *, const char *where);

struct submit_opts {
	int			 allow_plaintext;	/* --allow-plaintext-auth */
	submit_password_fn	 password;
	void			*password_arg;
	int			 no_sent_copy;		/* starling send: off by default */
};

/* How a message would travel, for the confirmation screen: the result of
 * connecting and securing the SMTP service without authenticating. */
struct submit_route {
	enum level	 level;
	enum transport	 transport;
	char		*host;
	unsigned	 port;
	char		*tls_version;	/* "TLS1.3" or NULL */
	char		*summary;	/* "STARTTLS, TLS 1.3, verified smtp.example.com"
					   or why it cannot be sent securely */
	enum status	 status;
	int		 eightbit;	/* the server offers 8BITMIME */
};

enum status	 submit_send(const struct account *, const char *, size_t,
		     const struct envelope_out *, const struct submit_opts *,
		     int *, char **, char **);
enum status	 submit_route_probe(const struct account *,
		     struct submit_route *, char **);
void		 submit_route_clear(struct submit_route *);
enum status	 submit_flush(const struct account *,
		     const struct submit_opts *, size_t *, size_t *, char **);
enum status	 outbox_count(const struct account *, size_t *, char **);
enum status	 draft_postpone(const struct account *, const char *, size_t,
		     char **);

/* Added by the send engine: draft_postpone() with a password callback. */
enum status	 draft_postpone_opts(const struct account *,
		     const struct submit_opts *, const char *, size_t,
		     char **);

#endif
