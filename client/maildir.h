/* maildir.h: a Maildir (tmp/ new/ cur/) that never loses a message.
 *
 * A message is written to tmp/, fsync'd, renamed into new/ (or cur/ with
 * flags), and the directory is fsync'd, so once maildir_deliver() returns
 * ST_OK the message survives a crash or kill -9 at any later moment, and a
 * crash before that leaves at most a file in tmp/ (never a partial message
 * in new/ or cur/). A caller may put a tag (letters, digits, '-', '_', at
 * most MAILDIR_TAG_MAX bytes) into the file name, e.g. a hash of a POP3
 * UIDL or an outbox id, and find it again with maildir_find_tag(): the
 * Maildir itself is then the record of what was delivered.
 *
 * Error contract: functions returning enum status return ST_OK, or
 * ST_LOCAL with *errstr set to a newly allocated, translated sentence
 * naming the path and the system's reason. Allocation failure is fatal. */
#ifndef STARLING_MAILDIR_H
#define STARLING_MAILDIR_H

#include <stddef.h>
#include <time.h>

#include "status.h"

#define MAILDIR_TAG_MAX	64

struct maildir;

struct maildir_entry {
	char		*path;		/* "new/NAME" or "cur/NAME:2,FLAGS" */
	const char	*name;		/* the base name inside path */
	char		*tag;		/* the tag in the name, or NULL */
	int		 seen;		/* cur/ with the S flag */
	size_t		 size;
	time_t		 mtime;
};

enum status	 maildir_open(const char *, int, struct maildir **, char **);
void		 maildir_free(struct maildir *);
const char	*maildir_root(const struct maildir *);
enum status	 maildir_deliver(struct maildir *, const void *, size_t,
		     const char *, const char *, char **, char **);
enum status	 maildir_list(struct maildir *, struct maildir_entry **,
		     size_t *, char **);
void		 maildir_entries_free(struct maildir_entry *, size_t);
int		 maildir_find_tag(struct maildir *, const char *);
enum status	 maildir_read(struct maildir *, const char *, char **,
		     size_t *, char **);
enum status	 maildir_remove(struct maildir *, const char *, char **);
enum status	 maildir_set_seen(struct maildir *, const char *, int,
		     char **, char **);
int		 maildir_tag_valid(const char *);

#endif
