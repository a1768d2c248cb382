/* message.h: an RFC 5322 + MIME message built from what the user wrote.
 *
 * CONTRACT shared by the send engine (client/message.c, client/submit.c)
 * and the compose UI (ui/scr_compose.c, client/draft.c): the signatures
 * below are fixed; add, don't change.
 *
 * A draft holds UTF-8 text exactly as the user edited it. message_build()
 * turns it into wire form: Message-ID, Date, MIME-Version; non-ASCII
 * headers as RFC 2047 encoded words, addresses parsed (display names
 * encoded, addr-specs kept); the body as 8bit when eightbit is set (the
 * server said 8BITMIME), else quoted-printable; attachments base64 with a
 * type from libmagic and an RFC 2231 filename; no line over 998 octets;
 * CRLF line ends. Bcc is not written into the message.
 *
 * Error contract: functions returning enum status set *errstr to a newly
 * allocated, translated sentence when they return anything but ST_OK
 * (ST_USAGE for a bad draft: no recipient, an unparsable address, an
 * attachment that cannot be read -- the sentence names it). */
#ifndef STARLING_MESSAGE_H
#define STARLING_MESSAGE_H

#include <stddef.h>
#include <time.h>

#include "config.h"
#include "status.h"

struct draft {
	char	 *from;		/* "Name <addr>" (UTF-8), or NULL: account's */
	char	 *to;		/* comma-separated addresses, UTF-8 */
	char	 *cc;
	char	 *bcc;
	char	 *subject;
	char	 *in_reply_to;	/* "<id>" or NULL */
	char	 *references;	/* "<id> <id>" or NULL */
	char	 *body;		/* UTF-8 text, LF or CRLF line ends */
	char	**attach;	/* paths of files to attach */
	size_t	  nattach;
	int	  forward_raw;	/* attach message/rfc822 from raw below */
	char	 *raw;		/* a forwarded message, as received */
	size_t	  rawlen;
};

/* The envelope: MAIL FROM and every RCPT TO (To, Cc and Bcc). */
struct envelope_out {
	char	 *from;		/* addr-spec only */
	char	**rcpt;		/* addr-specs */
	size_t	  nrcpt;
};

void		 draft_clear(struct draft *);
enum status	 message_build(const struct draft *, const struct account *,
		     int, char **, size_t *, struct envelope_out *, char **);
enum status	 message_envelope(const char *, size_t, const char *,
		     char *const *, size_t, int, struct envelope_out *,
		     char **);
void		 envelope_out_clear(struct envelope_out *);

/* Added by the send engine (not part of the original contract). */

/* What message_build() would otherwise make up: for tests. */
struct message_fixed {
	time_t		 date;		/* 0: now */
	const char	*message_id;	/* "<id@domain>", NULL: random */
	const char	*boundary;	/* NULL: random */
};

enum status	 message_build_fixed(const struct draft *,
		     const struct account *, int, const struct message_fixed *,
		     char **, size_t *, struct envelope_out *, char **);
/* starling send: the wire copy of a message given whole: CRLF line ends,
 * Bcc removed, Date / Message-ID / From added when missing (From from the
 * envelope sender and a full name, which may be NULL). */
void		 message_prepare(const char *, size_t, const char *,
		     const char *, char **, size_t *);
/* The Message-ID of a message ("<...>"), or NULL. */
char		*message_id_of(const char *, size_t);

#endif
