/* proto.h: helpers shared by imap.c, pop3.c and smtp.c.
 *
 * Error contract: as session.h. */
#ifndef STARLING_PROTO_H
#define STARLING_PROTO_H

#include "session.h"

enum status	proto_bad_greeting(struct session *, const char *, char **);
enum status	proto_after_tls_error(struct session *, const char *, char **);

/* The SMTP mail transaction (smtp.c), for submit.c: each returns the
 * server's reply code, 0 when the stream failed. MAIL FROM, RCPT TO and
 * DATA go out only through gate_release(). */
int		smtp_eightbit(struct session *);
const char	*smtp_reply_text(struct session *);
int		smtp_mail_from(struct session *, const char *, int, size_t);
int		smtp_rcpt_to(struct session *, const char *);
int		smtp_data(struct session *, const char *, size_t);
int		smtp_rset(struct session *);

#endif
