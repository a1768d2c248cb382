/* mailbox.h: reading mail over an authenticated IMAP session: folders
 * with unseen counts, opening a folder, envelopes of a range of messages,
 * and one message's headers and text body as UTF-8.
 *
 * Every function needs a session opened and logged in by session.c with
 * service IMAP. SELECT/EXAMINE and FETCH go through the gate
 * (GATE_PRIVATE). Strings handed out are UTF-8 (RFC 2047 decoded, bodies
 * decoded from their transfer encoding and charset) but NOT sanitised
 * for a terminal: the UI strips control characters before drawing.
 *
 * Error contract: functions return ST_OK, or an enum status with *errstr
 * set to a newly allocated, translated sentence (ST_NETWORK for a broken
 * connection or a server error reply, ST_NOT_ENCRYPTED / ST_TLS_FAILED
 * when the gate refuses; ST_USAGE when no folder is open or the message
 * number is not in it). Outputs are only set on ST_OK.
 *
 * Envelopes carry the transit mark of their message's Received fields
 * (fetched with them, at most 32 KiB of them; a field cut there is left
 * out and makes the mark unknown unless a hop was in the clear); a
 * message carries its whole transit record.
 *
 * A message is parsed by mime_parse() (mime.h) into msg->doc, with the
 * options given (the HTML dumper; NULL: none); headers, body and
 * content_type are the top level's, with "\n" line ends.
 * mailbox_decode_header() (mime_decode_header()) and mailbox_decode_name()
 * never fail: what they cannot decode comes back as UTF-8 (U+FFFD for bad
 * bytes) or, for a folder name, a copy of the input. */
#ifndef STARLING_MAILBOX_H
#define STARLING_MAILBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mime.h"
#include "session.h"
#include "transit.h"

enum msg_flag {
	MSG_SEEN	= 1 << 0,
	MSG_ANSWERED	= 1 << 1,
	MSG_FLAGGED	= 1 << 2,
	MSG_DELETED	= 1 << 3,
	MSG_DRAFT	= 1 << 4,
	MSG_RECENT	= 1 << 5,
};

struct folder {
	char		*name;		/* UTF-8 (modified UTF-7 decoded) */
	char		*raw;		/* the server's name, for SELECT */
	char		 delim;		/* hierarchy delimiter, 0 if none */
	int		 noselect;
	unsigned	 messages;	/* STATUS MESSAGES */
	unsigned	 unseen;	/* STATUS UNSEEN */
};

struct envelope {
	uint32_t	 seq;
	uint32_t	 uid;
	time_t		 date;		/* INTERNALDATE, else Date:, else 0 */
	time_t		 sent;		/* Date:, else 0 (for sorting) */
	char		*from;		/* display name, else address */
	char		*subject;
	uint32_t	 size;		/* RFC822.SIZE */
	unsigned	 flags;		/* enum msg_flag bits */
	enum transit_mark transit;	/* from Received fields (transit.h) */
};

struct folder_state {
	uint32_t	 exists;
	uint32_t	 recent;
	uint32_t	 uidvalidity;
	uint32_t	 uidnext;
	uint64_t	 highestmodseq;	/* 0: the server has no CONDSTORE */
	int		 read_only;
};

struct message {
	char		*headers;	/* From, To, Cc, Date, Subject: one per line */
	char		*body;		/* the text shown at the top level, UTF-8 */
	char		*content_type;	/* of its first part, e.g. "text/plain" */
	struct mime_doc	*doc;		/* everything to show (mime.h) */
	struct transit	*transit;	/* hops and results (transit.h) */
	char		*auth_results;	/* the first Authentication-Results,
					 * raw (folded), or NULL */
};

enum status	mailbox_list(struct session *, struct folder **, size_t *,
		    char **);
void		mailbox_folders_free(struct folder *, size_t);
enum status	mailbox_status(struct session *, const char *, unsigned *,
		    unsigned *, char **);
enum status	mailbox_select(struct session *, const char *,
		    struct folder_state *, char **);
enum status	mailbox_envelopes(struct session *, uint32_t, uint32_t,
		    struct envelope **, size_t *, char **);
void		mailbox_envelopes_free(struct envelope *, size_t);
/* For the header cache (envsrc.h): FETCH a:b (UID FLAGS); UID FETCH of
 * whole envelopes by UID; UID FETCH a:b (FLAGS) [(CHANGEDSINCE m)].
 * The first and the last hand out envelopes without strings (from and
 * subject NULL): seq, uid and flags only. */
enum status	mailbox_uid_flags(struct session *, uint32_t, uint32_t,
		    struct envelope **, size_t *, char **);
enum status	mailbox_envelopes_uid(struct session *, const uint32_t *,
		    size_t, struct envelope **, size_t *, char **);
enum status	mailbox_flags_since(struct session *, uint32_t, uint32_t,
		    uint64_t, struct envelope **, size_t *, char **);
/* libetpan's set of n UIDs (none 0), consecutive runs as ranges; for
 * the engine's other IMAP commands (actions.c). Never fails. */
struct mailimap_set;
struct mailimap_set *mailbox_uid_set(const uint32_t *, size_t);
enum status	mailbox_message(struct session *, uint32_t,
		    const struct mime_options *, struct message *, char **);
void		mailbox_message_clear(struct message *);
void		mailbox_message_from_raw(const char *, size_t,
		    const struct mime_options *, struct message *);
enum status	mailbox_mark_seen(struct session *, uint32_t, char **);
enum status	mailbox_append(struct session *, const char *, const char *,
		    size_t, unsigned, char **);
char		*mailbox_decode_header(const char *);
char		*mailbox_encode_name(const char *);
char		*mailbox_decode_name(const char *);
enum status	mailbox_message_raw(struct session *, uint32_t,
		    struct message *, char **, size_t *, char **);
/* One IMAP command through the gate (GATE_PRIVATE), its result judged:
 * send(arg) returns libetpan's code; doing names the step for errstr. */
enum status	mailbox_run(struct session *, gate_send_fn, void *,
		    const char *, char **);

#endif
