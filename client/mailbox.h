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
 * Bodies and headers have "\n" line ends (CRLF made LF). A body whose
 * charset cannot be converted is kept as its bytes, and content_type says
 * so. mailbox_decode_header() and mailbox_decode_name() never fail: what
 * they cannot decode comes back as a copy of the input. */
#ifndef STARLING_MAILBOX_H
#define STARLING_MAILBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "session.h"

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
	char		*from;		/* display name, else address */
	char		*subject;
	uint32_t	 size;		/* RFC822.SIZE */
	unsigned	 flags;		/* enum msg_flag bits */
};

struct folder_state {
	uint32_t	 exists;
	uint32_t	 recent;
	uint32_t	 uidvalidity;
	uint32_t	 uidnext;
	int		 read_only;
};

struct message {
	char		*headers;	/* From, To, Cc, Date, Subject: one per line */
	char		*body;		/* the first text part, UTF-8 */
	char		*content_type;	/* of that part, e.g. "text/plain" */
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
enum status	mailbox_message(struct session *, uint32_t,
		    struct message *, char **);
void		mailbox_message_clear(struct message *);
void		mailbox_message_from_raw(const char *, size_t,
		    struct message *);
enum status	mailbox_mark_seen(struct session *, uint32_t, char **);
char		*mailbox_decode_header(const char *);
char		*mailbox_encode_name(const char *);
char		*mailbox_decode_name(const char *);

#endif
