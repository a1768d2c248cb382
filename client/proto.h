/* proto.h: helpers shared by imap.c, pop3.c and smtp.c.
 *
 * Error contract: as session.h. */
#ifndef STARLING_PROTO_H
#define STARLING_PROTO_H

#include "session.h"

enum status	proto_bad_greeting(struct session *, const char *, char **);
enum status	proto_after_tls_error(struct session *, const char *, char **);

#endif
