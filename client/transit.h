/* transit.h: how a message travelled, read from its own header fields.
 *
 * Each Received: field is one hop: the sending host ("from"), the
 * receiving host ("by"), the protocol word ("with", RFC 3848: ESMTPS,
 * ESMTPSA, LMTP, ...), the TLS facts when the server wrote them (Postfix,
 * Exim, Sendmail, Google, Microsoft, Courier, qmail and OpenSMTPD shapes)
 * and a verdict: encrypted, in the clear, local (the message did not leave
 * one machine), or unknown. The verdict rests only on what the header
 * states; a shape not recognised is unknown, never a guess. The reason
 * is kept (enum hop_why) so that it can be explained.
 *
 * The whole message gets one verdict: in the clear when any hop was,
 * else unknown when any hop is unknown, else encrypted when any hop was,
 * else local. Local hops do not count against it.
 *
 * Trust: a Received field is only as good as the server that wrote it.
 * The top ones were written by your own provider; the lower ones by the
 * servers along the way, and the lowest by the sender's side, which may
 * write anything. The same holds for Authentication-Results (RFC 8601
 * 7.1): transit takes the topmost block of them (those with the
 * authserv-id of the topmost one, up to the next Received field), and
 * only when at least one Received field lies below it, i.e. when a server
 * on the way wrote it rather than the sender. Which server's results to
 * believe is the caller's decision: authres.h has the parser and
 * authres_pick() for a caller that knows its server's authserv-id.
 *
 * Use: transit_new(), transit_add() for each header field in the order of
 * the message (newest first; other fields are ignored), transit_finish(),
 * then read the struct; transit_free().
 *
 * Error contract: nothing here fails (allocation failure is fatal) and
 * nothing does I/O; unreadable input gives unknown hops and no results. */
#ifndef STARLING_TRANSIT_H
#define STARLING_TRANSIT_H

#include <stddef.h>

#include "authres.h"

#define TRANSIT_MAX_HOPS	64	/* hops kept; more are counted only */

enum hop_verdict {
	HOP_UNKNOWN,
	HOP_ENCRYPTED,
	HOP_CLEAR,
	HOP_LOCAL,
};

/* What a hop's verdict rests on. */
enum hop_why {
	WHY_NOTHING,		/* unknown: the field names no protocol */
	WHY_PROTOCOL_SILENT,	/* unknown: the protocol does not tell */
	WHY_TLS_FACTS,		/* encrypted: TLS version or cipher written */
	WHY_PROTOCOL_TLS,	/* encrypted: ESMTPS, SMTPS, LMTPS, HTTPS... */
	WHY_PROTOCOL_CLEAR,	/* clear: SMTP, ESMTP, ESMTPA, HTTP... */
	WHY_LOCAL_PROTOCOL,	/* local: LMTP, "with local" */
	WHY_LOOPBACK,		/* local: from a loopback address */
	WHY_SAME_HOST,		/* local: from and by are one host */
	WHY_NO_PEER,		/* local: no sending host (local submission) */
};

enum tls_ver {
	TV_NONE,		/* not written */
	TV_OTHER,		/* written, but not one of these */
	TV_SSL2,
	TV_SSL3,
	TV_TLS10,
	TV_TLS11,
	TV_TLS12,
	TV_TLS13,
};

struct hop {
	char		*from;		/* as written (a name or [address]) */
	char		*from_ip;	/* the sender's address, or NULL */
	char		*by;
	char		*protocol;	/* "ESMTPS", "Microsoft SMTP Server" */
	enum tls_ver	 tls;
	char		*tls_text;	/* the version as written, or NULL */
	char		*cipher;	/* or NULL */
	unsigned	 bits;		/* 0: not written */
	enum hop_verdict verdict;
	enum hop_why	 why;
	int		 weak;		/* encrypted with SSL or TLS < 1.2 */
};

enum transit_verdict {
	TRANSIT_UNKNOWN,
	TRANSIT_ENCRYPTED,	/* every hop between machines encrypted */
	TRANSIT_CLEAR,		/* at least one hop in the clear */
	TRANSIT_LOCAL,		/* every hop within one machine */
};

/* The index's one-character summary. */
enum transit_mark {
	TM_UNKNOWN,
	TM_ENCRYPTED,
	TM_WEAK,		/* encrypted, but a hop with TLS < 1.2 */
	TM_CLEAR,
	TM_LOCAL,
};

struct transit {
	struct hop		*hops;		/* newest first */
	size_t			 nhops;
	size_t			 dropped;	/* hops not kept or cut off */
	enum transit_verdict	 verdict;
	int			 weak;
	struct authres		*auth;		/* trusted results, or NULL */
	int			 auth_ignored;	/* results no server wrote */
	int			 ar_state;	/* transit.c's own */
};

struct transit	*transit_new(void);
void		 transit_add(struct transit *, const char *, const char *);
void		 transit_cut(struct transit *);
void		 transit_finish(struct transit *);
void		 transit_free(struct transit *);
void		 transit_hop_parse(const char *, struct hop *);
void		 transit_hop_clear(struct hop *);
enum transit_mark transit_mark(const struct transit *);
const char	*transit_verdict_name(enum transit_verdict);
const char	*transit_hop_verdict_name(enum hop_verdict);
const char	*transit_why_name(enum hop_why);
const char	*transit_tls_name(enum tls_ver);

#endif
