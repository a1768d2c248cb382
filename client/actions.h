/* actions.h: changing the messages of the open IMAP folder, the index's
 * views of it (server search, sort, threads), and watching it for new
 * mail.
 *
 * Everything works on UIDs (RFC 3501 UID commands), never on sequence
 * numbers, which another client's EXPUNGE can shift. Every command goes
 * out through the gate (GATE_PRIVATE). What the server says about the
 * folder meanwhile (EXISTS, EXPUNGE, FETCH FLAGS, also inside IDLE) is
 * collected as changes, in the order the UI must apply them to its copy
 * of the folder; actions_take() hands them out. actions_collect() picks
 * up what came with a command sent by someone else (mailbox.c).
 *
 * The server's extensions decide how things are done. Moving: MOVE
 * (RFC 6851) when offered; else UID COPY and, only once the copy exists,
 * \Deleted on the original, then UID EXPUNGE (UIDPLUS, RFC 4315) of that
 * one message -- without UIDPLUS the original stays, marked deleted, and
 * *how says so. Order: SORT and THREAD=REFERENCES or ORDEREDSUBJECT
 * (RFC 5256) when offered, else sort.c here and no threads (with a
 * notice). Watching: IDLE (RFC 2177), else NOOP now and then (the
 * caller's clock). Search: UID SEARCH CHARSET UTF-8 over the subject,
 * the sender and the whole text, the query sent as a LITERAL+ literal
 * when the server offers it (8-bit text in a quoted string otherwise).
 *
 * Error contract: functions returning enum status set *errstr to a newly
 * allocated, translated sentence (what failed, where, how to fix it) on
 * anything but ST_OK: ST_NETWORK for a broken connection or a NO/BAD
 * reply, ST_USAGE for a request that cannot be made (no folder open, no
 * message given, a folder name or query with control characters),
 * ST_NOT_ENCRYPTED / ST_TLS_FAILED when the gate refuses. Outputs are
 * set only on ST_OK. actions_new() never fails. */
#ifndef STARLING_ACTIONS_H
#define STARLING_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "mailbox.h"
#include "session.h"
#include "sort.h"
#include "status.h"
#include "thread.h"

/* What the server offers, from its CAPABILITY after login. */
struct act_caps {
	int	move;		/* MOVE */
	int	uidplus;	/* UIDPLUS: UID EXPUNGE */
	int	sort;		/* SORT */
	int	thread_refs;	/* THREAD=REFERENCES */
	int	thread_subj;	/* THREAD=ORDEREDSUBJECT */
	int	idle;		/* IDLE */
	int	literalplus;	/* LITERAL+ */
};

enum act_change_type {
	ACT_EXISTS,		/* the folder now holds seq messages */
	ACT_EXPUNGE,		/* message seq is gone; later ones move up */
	ACT_FLAGS,		/* message seq (uid, if not 0) has these flags */
};

struct act_change {
	enum act_change_type	 type;
	uint32_t		 seq;
	uint32_t		 uid;
	unsigned		 flags;		/* enum msg_flag bits */
};

/* How a move was done. */
enum act_moved {
	ACT_MOVED,		/* MOVE */
	ACT_MOVED_COPY,		/* UID COPY, \Deleted, UID EXPUNGE */
	ACT_COPIED_MARKED,	/* UID COPY, \Deleted: the original stays */
};

/* What the index shows: an order, threads or not, a server search. */
struct view_spec {
	enum sort_key	 sort;
	int		 reverse;
	int		 threads;
	char		*query;		/* UTF-8; NULL or "": every message */
};

/* One row of a view. seq is valid once the changes taken before it are
 * applied; later changes shift it like any sequence number. */
struct view_row {
	uint32_t	 uid;
	uint32_t	 seq;
	int		 depth;		/* in a thread; 0 otherwise */
};

/* Why actions_wait() returned. */
enum act_wake {
	ACT_WAKE_SERVER,	/* the server sent something */
	ACT_WAKE_FD,		/* the caller's descriptor is readable */
	ACT_WAKE_TIMEOUT,
};

struct actions;

void		 actions_init(void);
struct actions	*actions_new(struct session *, uint32_t);
void		 actions_free(struct actions *);
enum status	 actions_caps(struct actions *, struct act_caps *, char **);
enum status	 actions_flags(struct actions *, const uint32_t *, size_t,
		     unsigned, int, char **);
enum status	 actions_deleted(struct actions *, uint32_t **, size_t *,
		     char **);
enum status	 actions_expunge(struct actions *, const uint32_t *, size_t,
		     int *, char **);
enum status	 actions_copy(struct actions *, const uint32_t *, size_t,
		     const char *, char **);
enum status	 actions_move(struct actions *, const uint32_t *, size_t,
		     const char *, enum act_moved *, char **);
enum status	 actions_search(struct actions *, const char *, uint32_t **,
		     size_t *, char **);
enum status	 actions_find(struct actions *, const char *, uint32_t **,
		     size_t *, char **);
enum status	 actions_sort(struct actions *, enum sort_key, int,
		     uint32_t **, size_t *, char **);
enum status	 actions_thread(struct actions *, struct thread_node **,
		     size_t *, char **);
enum status	 actions_uids(struct actions *, uint32_t **, size_t *,
		     char **);
enum status	 actions_view(struct actions *, const struct view_spec *,
		     struct view_row **, size_t *, char **, char **);
enum status	 actions_noop(struct actions *, char **);
enum status	 actions_idle(struct actions *, char **);
enum act_wake	 actions_wait(struct actions *, int, int);
int		 actions_idling(const struct actions *);
enum status	 actions_idle_done(struct actions *, char **);
void		 actions_collect(struct actions *);
size_t		 actions_take(struct actions *, struct act_change **, int *);

/*
 * actions_flags(a, uids, n, flags, add): UID STORE +FLAGS or -FLAGS of
 * MSG_SEEN, MSG_FLAGGED, MSG_DELETED bits; the new flags come back as
 * ACT_FLAGS changes. actions_deleted(): the UIDs marked \Deleted (what
 * an expunge would remove). actions_expunge(a, uids, n, &all): UID
 * EXPUNGE of exactly those with UIDPLUS (*all = 0); else EXPUNGE, which
 * removes every message marked deleted (*all = 1). actions_find() hands
 * out the sequence numbers of the messages whose subject or sender holds
 * the text (SEARCH), ascending. actions_search(),
 * actions_sort(), actions_uids() hand out UIDs (the first and the last
 * sorted ascending); actions_thread() UIDs with depths; free() them.
 * actions_view() builds a whole view; *notice is NULL or a sentence to
 * show (e.g. the server offers no threads), to free(). actions_wait(a,
 * fd, ms) waits inside IDLE for the server or fd, at most ms. The
 * changes from actions_take() are to free(); *resync is set when some
 * were lost (the caller must open the folder again).
 */

#endif
