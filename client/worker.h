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

#include "config.h"
#include "level.h"
#include "mailbox.h"
#include "status.h"
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
	EV_PROGRESS,		/* text */
	EV_FETCHED,		/* a POP3 fetch ended: status, text */
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
int		 worker_busy(struct worker *);
struct event	*worker_next_event(struct worker *);
void		 event_free(struct event *);
void		 worker_snapshot(struct worker *, enum service,
		     struct svc_view *, int);
void		 svc_view_clear(struct svc_view *);
enum conn_state	 worker_state(struct worker *, enum service);

#endif
