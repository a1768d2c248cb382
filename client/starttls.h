/* starttls.h: the STARTTLS / STLS command and the check of its reply,
 * done by us rather than libetpan so that every reply shape is judged
 * here: positive, refused, or not a valid reply at all (hostile).
 *
 * Error contract: starttls_reply() is pure and never fails.
 * starttls_exchange() returns ST_OK with *accepted set (the text of a
 * refusal stays in the transcript only: it is unauthenticated), or
 * ST_NOT_ENCRYPTED for a reply that is not valid for the protocol, or
 * ST_NETWORK, with *errstr set to a newly allocated, translated sentence. */
#ifndef STARLING_STARTTLS_H
#define STARLING_STARTTLS_H

#include "session.h"

#define STARTTLS_IMAP_TAG "S1"

enum stls_reply {
	STLS_OK,		/* go ahead: start TLS now */
	STLS_REFUSED,		/* a well-formed refusal */
	STLS_MORE,		/* an untagged or continuation line: read on */
	STLS_GARBLED,		/* not a valid reply to STARTTLS */
};

enum stls_reply	 starttls_reply(enum service, const char *);
enum status	 starttls_exchange(struct session *, int *, char **);

#endif
