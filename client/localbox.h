/* localbox.h: a local Maildir (where POP3 mail is fetched to) read as a
 * folder, in the shapes mailbox.h gives for IMAP: a snapshot of its
 * messages numbered 1..count (oldest first, as maildir_list() orders
 * them), envelopes of a range (sender, subject and date from the header,
 * parsed with libetpan's mailimf; size from the file), one message parsed
 * as mailbox_message() parses an IMAP one, and marking read (new/ ->
 * cur/ with the S flag). The UI names this folder by LOCALBOX_RAW, which
 * no IMAP folder of ours can be called (the worker drops a server folder
 * of that name).
 *
 * Error contract: functions returning enum status return ST_OK, or
 * ST_LOCAL (a file could not be read or renamed) or ST_USAGE (a number
 * outside 1..count) with *errstr set to a newly allocated, translated
 * sentence. A Maildir that does not exist yet is an empty folder. */
#ifndef STARLING_LOCALBOX_H
#define STARLING_LOCALBOX_H

#include <stddef.h>
#include <stdint.h>

#include "mailbox.h"
#include "status.h"

#define LOCALBOX_RAW	"\001local"

struct localbox;

enum status	 localbox_open(const char *, struct localbox **, char **);
void		 localbox_free(struct localbox *);
uint32_t	 localbox_count(const struct localbox *);
uint32_t	 localbox_unseen(const struct localbox *);
enum status	 localbox_envelopes(struct localbox *, uint32_t, uint32_t,
		     struct envelope **, size_t *, char **);
enum status	 localbox_message(struct localbox *, uint32_t,
		     const struct mime_options *, struct message *, char **);
enum status	 localbox_mark_seen(struct localbox *, uint32_t, char **);
int		 localbox_is(const char *);

#endif
