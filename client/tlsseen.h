/* tlsseen.h: the memory of servers that once did STARTTLS
 * ($XDG_STATE_HOME/starling/tls-seen), for downgrade detection.
 *
 * File format: one line per service, "SERVICE HOST PORT EPOCH" (the last
 * time TLS was negotiated). Lines that do not parse are kept as they are.
 *
 * Error contract: tlsseen_lookup() never fails (an unreadable file means
 * "never seen"); tlsseen_record() returns 0, or -1 with *errstr set to a
 * newly allocated, translated sentence. */
#ifndef STARLING_TLSSEEN_H
#define STARLING_TLSSEEN_H

#include <time.h>

#include "url.h"

char	*tlsseen_path(void);
int	 tlsseen_lookup(enum service, const char *, unsigned, time_t *);
int	 tlsseen_record(enum service, const char *, unsigned, time_t, char **);

#endif
