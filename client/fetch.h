/* fetch.h: POP3 download into the account's Maildir (`starling fetch`,
 * and the fetch key of the UI).
 *
 * The Maildir is the record of what was downloaded: each message is
 * delivered (maildir.c: tmp/, fsync, link, fsync of the directory) with a
 * tag in its file name made from a hash of the server's UIDL, and only
 * after that is it deleted on the server (pop3_delete = yes; QUIT commits
 * the deletions). A fetch killed at any moment loses nothing and
 * duplicates nothing: the next one finds the tag, does not download the
 * message again, and deletes it then if asked. A small state file in the
 * Maildir (starling-pop3-uidl, written atomically) also remembers the
 * messages still on the server whose local copy was deleted or moved
 * since, so that they are not downloaded again. A lock file
 * (starling-pop3.lock) keeps two fetches from running on one Maildir;
 * holding it, a fetch removes what a killed one left in tmp/.
 *
 * Messages are stored as libetpan hands them over after dot-unstuffing:
 * every line ends in CRLF, as POP3 carries it (a bare LF from the server
 * becomes CRLF). One message is in memory at a time.
 *
 * Error contract: functions returning enum status return ST_OK, or a
 * status (status.h) with *errstr set to a newly allocated, translated
 * sentence: ST_USAGE (no pop3 or maildir setting, no password_cmd),
 * ST_NOT_ENCRYPTED / ST_TLS_FAILED (refused by the session or the gate),
 * ST_AUTH_REJECTED, ST_NETWORK (network, timeout, a server error reply, a
 * server without UIDL), ST_LOCAL (the Maildir, its lock or state file).
 * The result is filled as far as the fetch got, whatever the status. */
#ifndef STARLING_FETCH_H
#define STARLING_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "maildir.h"
#include "session.h"

/* "pop3-" and 40 hex digits of SHA-256 (160 bits). */
#define FETCH_TAG_PREFIX	"pop3-"
#define FETCH_TAG_HEX		40
#define FETCH_TAG_LEN		(sizeof(FETCH_TAG_PREFIX) - 1 + FETCH_TAG_HEX)
#define FETCH_STATE_FILE	"starling-pop3-uidl"
#define FETCH_LOCK_FILE		"starling-pop3.lock"

struct fetch_progress {
	size_t		 done;		/* messages downloaded so far */
	size_t		 total;		/* messages to download this run */
	uint64_t	 bytes;		/* bytes downloaded so far */
	uint64_t	 total_bytes;	/* their sizes as LIST gave them */
};

/* Told before each download and after the last; nonzero: stop after
 * the message being handled (what is delivered is kept, QUIT commits). */
typedef int (*fetch_progress_fn)(void *, const struct fetch_progress *);

struct fetch_result {
	size_t		 on_server;	/* messages LIST showed */
	size_t		 fetched;	/* delivered this run */
	uint64_t	 bytes;		/* their size on disk */
	size_t		 already;	/* downloaded before (tag or state) */
	size_t		 deleted;	/* DELE accepted and QUIT answered */
	size_t		 left;		/* UIDL not unique: left on server */
	int		 stopped;	/* the progress function said stop */
};

enum status	 fetch_account(const struct account *, int, fetch_progress_fn,
		     void *, struct fetch_result *, char **);
enum status	 fetch_open_maildir(const struct account *, struct maildir **,
		     char **);
enum status	 fetch_session(struct session *, struct maildir *,
		     fetch_progress_fn, void *, struct fetch_result *, char **);
char		*fetch_summary(const struct account *,
		     const struct fetch_result *);
void		 fetch_tag(const char *, const char *, const char *,
		     char [FETCH_TAG_LEN + 1]);
int		 fetch_tag_is(const char *);

#endif
