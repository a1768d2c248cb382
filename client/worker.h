/* worker.h: one network thread per account. The UI sends requests and
 * answers questions (password, plaintext override, certificate); the
 * worker sends events back through a queue and wakes the UI by writing a
 * byte to a pipe, so the UI never blocks on the network.
 *
 * Error contract: worker_new() never fails (thread creation failure is
 * fatal). Failures of network work arrive as events (EV_ERROR, or
 * EV_SERVICE with a status and a translated sentence). */
#ifndef STARLING_WORKER_H
#define STARLING_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "config.h"
#include "level.h"
#include "mailbox.h"
#include "status.h"
#include "submit.h"
#include "tls.h"
#include "transcript.h"
#include "url.h"

enum conn_state {
	CONN_IDLE,		/* never tried */
	CONN_BUSY,		/* connecting or working */
	CONN_READY,		/* secured (and, for IMAP, logged in) */
	CONN_REFUSED,		/* the gate refused: see status and error */
	CONN_FAILED,		/* network, TLS or login failure */
};

/* What the UI may show of one service; a deep copy (worker_snapshot). */
struct svc_view {
	int			 configured;
	enum conn_state		 state;
	enum level		 level;
	enum transport		 transport;
	enum status		 status;	/* of the last attempt */
	char			*error;		/* translated, or NULL */
	struct tls_info		 tls;		/* chain, version, errors */
	struct transcript	*tr;		/* the last dialogue, or NULL */
	unsigned		 unseen;	/* IMAP: INBOX's unseen count;
						   POP3: the local Maildir's */
};

enum ev_type {
	EV_SERVICE,		/* a service's view changed: redraw locks */
	EV_NEED_PASSWORD,	/* answer with worker_password() */
	EV_FOLDERS,
	EV_SELECTED,		/* folder opened: fstate */
	EV_ENVELOPES,
	EV_MESSAGE,
	EV_ERROR,		/* an operation failed: status, text */
	EV_PROGRESS,		/* text; a status other than ST_OK makes it
				 * a warning (the header cache failed) */
	EV_FETCHED,		/* a POP3 fetch ended: status, text */
	/* Writing mail; job is the number the UI gave the request. */
	EV_RAW,			/* a whole message: raw, msg, seq, folder */
	EV_ROUTE,		/* how mail would travel: route (status, text) */
	EV_SENT,		/* submitted: status, text, queued, warning */
	EV_FLUSHED,		/* the outbox tried: nsent, nleft (status, text) */
	EV_POSTPONED,		/* kept as a draft (status, text) */
	EV_CHANGES,		/* the open folder changed: changes (in order),
				 * text: "2 new messages in INBOX" or NULL */
	EV_VIEW,		/* a view of the open folder: rows, serial,
				 * text: a notice or NULL */
	EV_ACTION,		/* an action is done: action, text, uids */
	EV_FOUND,		/* a search on the server (worker_find):
				 * uids are sequence numbers, ascending;
				 * text the query, serial of the request */
};

/* What an EV_ACTION reports. */
enum ev_action {
	EVA_DONE,		/* text says what was done */
	EVA_DELETED,		/* uids: the messages marked deleted */
};

struct event {
	enum ev_type		 type;
	int			 account;	/* index given to worker_new */
	enum service		 service;
	enum status		 status;
	char			*text;
	char			*folder;	/* raw name (SELECTED, ENVELOPES) */
	struct folder		*folders;
	size_t			 nfolders;
	struct folder_state	 fstate;
	struct envelope		*envs;
	size_t			 nenvs;
	uint32_t		 seq;
	struct message		 msg;
	uint32_t		 job;
	char			*raw;		/* EV_RAW: as received */
	size_t			 rawlen;
	struct submit_route	 route;		/* EV_ROUTE */
	int			 queued;	/* EV_SENT: kept in the outbox */
	char			*warning;	/* EV_SENT: e.g. no Sent copy */
	size_t			 nsent, nleft;	/* EV_FLUSHED */
	struct act_change	*changes;	/* EV_CHANGES */
	size_t			 nchanges;
	struct view_row		*rows;		/* EV_VIEW */
	size_t			 nrows;
	unsigned		 serial;	/* EV_VIEW: of the request */
	enum ev_action		 action;	/* EV_ACTION */
	uint32_t		*uids;
	size_t			 nuids;
};

struct worker;

struct worker	*worker_new(const struct account *, int, int);
void		 worker_free(struct worker *);
void		 worker_connect(struct worker *);
void		 worker_list(struct worker *);
void		 worker_select(struct worker *, const char *);
void		 worker_envelopes(struct worker *, uint32_t, uint32_t);
void		 worker_message(struct worker *, uint32_t);
void		 worker_fetch(struct worker *);
void		 worker_password(struct worker *, const char *);
void		 worker_allow_plaintext(struct worker *);
void		 worker_accept_cert(struct worker *, enum service,
		     const char *);
void		 worker_cancel(struct worker *);
void		 worker_set_html_dumper(struct worker *, const char *);
void		 worker_set_cache(struct worker *, int);
int		 worker_busy(struct worker *);
struct event	*worker_next_event(struct worker *);
void		 event_free(struct event *);
void		 worker_snapshot(struct worker *, enum service,
		     struct svc_view *, int);
void		 svc_view_clear(struct svc_view *);
enum conn_state	 worker_state(struct worker *, enum service);
/* Actions on the open folder (actions.h), by UID. Results come as
 * EV_CHANGES (flags, expunges: what the server says), EV_ACTION and
 * EV_VIEW; failures as EV_ERROR. Between requests the worker watches the
 * open folder: IDLE when offered and allowed, else NOOP every poll
 * seconds (worker_watch_set; defaults CONFIG_DEFAULT_POLL and IDLE on). */
void		 worker_flags(struct worker *, uint32_t, unsigned, int);
void		 worker_find_deleted(struct worker *);
void		 worker_expunge(struct worker *, const uint32_t *, size_t);
void		 worker_transfer(struct worker *, uint32_t, const char *, int);
void		 worker_view(struct worker *, const struct view_spec *,
		     unsigned);
void		 worker_watch_set(struct worker *, unsigned, int);
void		 worker_find(struct worker *, const char *, unsigned);

/* Writing mail. worker_send() and worker_postpone() take over the
 * message (and the envelope, which is left zeroed). */
void		 worker_raw(struct worker *, const char *, uint32_t, uint32_t);
void		 worker_route(struct worker *, uint32_t);
void		 worker_send(struct worker *, uint32_t, char *, size_t,
		     struct envelope_out *);
void		 worker_flush(struct worker *);
void		 worker_postpone(struct worker *, uint32_t, char *, size_t);

#endif
