/* guide.h: the guide: how starling protects mail, told with the user's
 * own last connection (the steps of STARTTLS found in its transcript), or
 * with an example clearly marked as one when there is no connection; what
 * the lock tags mean; why STARTTLS can be stripped and how starling stops
 * it; implicit TLS against STARTTLS; what SPF, DKIM and DMARC add, with
 * the open message's Authentication-Results when there is one.
 *
 * The guide is a list of blocks (headings, paragraphs, protocol lines with
 * their tag) that the screen and `starling guide` lay out by display
 * width; nothing here knows about terminals. Text from servers and
 * messages is sanitised (transcript_sanitize) when it enters a guide.
 *
 * Use: guide_new(), then guide_add_conn() for each connection and
 * optionally guide_set_auth_results(), then guide_build() once; read the
 * blocks with guide_count() and guide_block().
 *
 * Error contract: none of these fail (allocation is fatal). */
#ifndef STARLING_GUIDE_H
#define STARLING_GUIDE_H

#include <stddef.h>

#include "level.h"
#include "tls.h"
#include "transcript.h"
#include "url.h"

enum guide_kind {
	GB_TITLE,		/* a section heading */
	GB_STEP,		/* a step's heading: "1. The greeting" */
	GB_TEXT,		/* a paragraph */
	GB_WIRE,		/* a dialogue line: tag "[plain] S:", text */
	GB_ITEM,		/* a list item: tag "[TLS]" or "-", text */
	GB_MISSING,		/* a step that this connection did not show */
	GB_EXAMPLE,		/* what follows is an example, not yours */
	GB_BLANK,
};

struct guide_block {
	enum guide_kind	 kind;
	char		*tag;		/* GB_WIRE, GB_ITEM; else NULL */
	char		*text;
	int		 level;		/* GB_ITEM of a lock tag: its enum
					 * level, for colour; else -1 */
	int		 plain;		/* GB_WIRE: it travelled in the clear */
};

/* The steps of a STARTTLS connection, in order. */
enum guide_step {
	GS_GREETING,
	GS_CAPABILITIES,
	GS_STARTTLS,
	GS_CERTIFICATE,
	GS_ENCRYPTED,
	GS_AUTH,
	GS_COUNT
};

#define GUIDE_STEP_LINES	6	/* lines shown per step, at most */

/* Where each step is in a transcript: the first lines found, and how many
 * there were in all. */
struct guide_found {
	size_t	idx[GS_COUNT][GUIDE_STEP_LINES];
	size_t	shown[GS_COUNT];
	size_t	total[GS_COUNT];
};

/* One connection to explain; nothing is kept after guide_add_conn(). */
struct guide_conn {
	const char		*account;	/* or NULL */
	enum service		 service;
	enum transport		 transport;
	const char		*host;
	unsigned		 port;
	enum level		 level;
	const struct tls_info	*tls;		/* or NULL */
	const struct transcript	*tr;		/* or NULL: never connected */
	const char		*error;		/* why it failed, or NULL */
};

struct guide;

struct guide	*guide_new(void);
void		 guide_free(struct guide *);
void		 guide_add_conn(struct guide *, const struct guide_conn *);
void		 guide_set_auth_results(struct guide *, const char *);
void		 guide_build(struct guide *);
size_t		 guide_count(const struct guide *);
const struct guide_block *guide_block(const struct guide *, size_t);

/* Exposed for tests: find the steps in a transcript. The tls_info may be
 * NULL; it only says whether a failed handshake was attempted. */
void		 guide_find_steps(const struct transcript *, enum transport,
		     const struct tls_info *, struct guide_found *);
const char	*guide_step_name(enum guide_step);

#endif
