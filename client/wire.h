/* wire.h: the byte stream under libetpan: a socket that can switch to our
 * own TLS session, wrapped as a libetpan mailstream_low driver. Every byte
 * in either direction is recorded in the connection's transcript, and
 * every read and write has the account's timeout.
 *
 * Error contract: wire_connect() and wire_starttls() return ST_OK or an
 * enum status with *errstr set to a newly allocated, translated sentence.
 * Stream errors surface through libetpan; wire_error() then says why. */
#ifndef STARLING_WIRE_H
#define STARLING_WIRE_H

#include <libetpan/libetpan.h>

#include "status.h"
#include "tls.h"
#include "transcript.h"

struct wire;

enum status	 wire_connect(const char *, unsigned, unsigned,
		     struct transcript *, struct wire **, char **);
mailstream	*wire_stream(struct wire *);
void		 wire_close_stream(struct wire *);
void		 wire_stream_gone(struct wire *);
int		 wire_failed(const struct wire *);
size_t		 wire_pending(struct wire *);
enum status	 wire_starttls(struct wire *, const struct tls_params *,
		     struct tls_info *, enum level *, char **);
void		 wire_set_limit(struct wire *, size_t);
void		 wire_set_patient(struct wire *, int);
int		 wire_is_tls(const struct wire *);
const char	*wire_error(const struct wire *);
int		 wire_timed_out(const struct wire *);
void		 wire_abort(struct wire *);
void		 wire_free(struct wire *);

#endif
