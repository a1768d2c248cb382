/* outbox.h: messages waiting to be sent, one Maildir per account under
 * $XDG_DATA_HOME/starling/outbox/ACCOUNT (0700), written with
 * maildir_deliver() so that a queued message survives kill -9.
 *
 * An entry is self-describing: a header block in front of the message
 *     X-Starling-Outbox: 1
 *     X-Starling-Queued: 1700000000
 *     X-Starling-Mail-From: <alice@example.com>
 *     X-Starling-Rcpt-To: <bob@example.org>       (one per recipient)
 *     X-Starling-Message-Length: 1234
 * then exactly that many bytes of message, so the file reads as a mail
 * too. Its Maildir tag is the entry's id. The reason of the last failed
 * attempt is a sidecar, reasons/ID (replaced atomically). The Maildir
 * flag S means "the server accepted it; only the Sent copy is left".
 *
 * Entries are locked (flock) while a process works on them, so a send
 * and a flush, or two flushes, never submit the same entry twice.
 *
 * Error contract: functions returning enum status return ST_OK, or
 * ST_LOCAL (a file could not be written or read; ST_USAGE for an entry
 * that is not in this format) with *errstr set to a newly allocated,
 * translated sentence naming the path. */
#ifndef STARLING_OUTBOX_H
#define STARLING_OUTBOX_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "message.h"
#include "status.h"

struct outbox;

struct outbox_entry {
	char			*rel;		/* "new/NAME" */
	char			*id;		/* the tag */
	int			 fd;		/* held open, locked */
	int			 submitted;	/* flag S: only the copy is left */
	char			*data;		/* the whole file */
	size_t			 len;
	const char		*msg;		/* inside data */
	size_t			 msglen;
	struct envelope_out	 env;
	time_t			 queued;
	char			*reason;	/* the sidecar, or NULL */
};

char		*outbox_path(const char *);
enum status	 outbox_open(const struct account *, int, struct outbox **,
		     char **);
void		 outbox_free(struct outbox *);
const char	*outbox_root(const struct outbox *);
enum status	 outbox_put(struct outbox *, const char *, size_t,
		     const struct envelope_out *, struct outbox_entry **,
		     char **);
enum status	 outbox_take(struct outbox *, struct outbox_entry ***,
		     size_t *, char **);
enum status	 outbox_set_reason(struct outbox *, struct outbox_entry *,
		     const char *, char **);
enum status	 outbox_set_submitted(struct outbox *, struct outbox_entry *,
		     char **);
enum status	 outbox_done(struct outbox *, struct outbox_entry *, char **);
void		 outbox_entry_free(struct outbox_entry *);
void		 outbox_entries_free(struct outbox_entry **, size_t);
char		*outbox_format(const char *, size_t,
		     const struct envelope_out *, time_t, size_t *);
enum status	 outbox_parse(const char *, size_t, struct envelope_out *,
		     time_t *, size_t *, char **);

#endif
