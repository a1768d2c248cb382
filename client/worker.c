/* worker.c: one network thread per account, talking to the UI through
 * a request queue, an event queue and a wake-up pipe. */
#include "build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "envsrc.h"
#include "fetch.h"
#include "gate.h"
#include "hcache.h"
#include "i18n.h"
#include "localbox.h"
#include "mailbox.h"
#include "secret.h"
#include "session.h"
#include "worker.h"
#include "xmalloc.h"

enum req_type {
	REQ_CONNECT,
	REQ_LIST,
	REQ_SELECT,
	REQ_ENVELOPES,
	REQ_MESSAGE,
	REQ_FETCH,		/* POP3 into the Maildir: no IMAP needed */
	REQ_FLAGS,		/* uids; a: flags, b: add */
	REQ_FIND_DELETED,
	REQ_EXPUNGE,		/* uids */
	REQ_TRANSFER,		/* uids to folder; b: move */
	REQ_VIEW,		/* spec; a: serial */
	REQ_FIND,		/* spec.query; a: serial */
	REQ_RAW,		/* writing mail: see worker_do_mail() */
	/* SMTP work, no IMAP needed: keep these last (worker_do()). */
	REQ_ROUTE,
	REQ_SEND,
	REQ_FLUSH,
	REQ_POSTPONE,
};

/* Background work after a connect waits until the UI has been quiet
 * this long (the UI asks for a folder's envelopes right after SELECT). */
#define WORKER_SETTLE_MS	200

/* IDLE is renewed after this long (servers may end it at 30 minutes). */
#define WORKER_IDLE_RENEW_MS	(29 * 60 * 1000)

struct request {
	enum req_type		 type;
	char			*folder;
	uint32_t		 a, b;
	char			*data;		/* a message to submit */
	size_t			 len;
	struct envelope_out	 env;
	uint32_t		*uids;
	size_t			 nuids;
	struct view_spec	 spec;		/* spec.query is ours */
	struct request		*next;
};

struct evnode {
	struct event	*ev;
	struct evnode	*next;
};

struct worker {
	const struct account	*acct;
	int			 index;
	int			 wake_fd;
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct request		*reqs, *reqs_tail;
	struct evnode		*evs, *evs_tail;
	int			 quit;
	int			 busy;
	int			 cancelled;	/* by the user, this request */
	/* The password question: asked by the worker, answered by the UI. */
	int			 pw_asked, pw_answered;
	char			*pw_answer;
	/* Decisions the user made for this session. */
	int			 allow_plain;
	char			*accepted[SERVICE_COUNT];
	struct svc_view		 views[SERVICE_COUNT];
	struct wire		*active;	/* for worker_cancel() */
	/* Worker thread only. */
	struct session		*imap;
	int			 cancel_closed;	/* the user cut the session */
	char			*selected;
	int			 rest_pending;	/* worker_connect_rest() to do */
	struct localbox		*local;		/* the local folder, listed */
	int			 in_local;	/* it is the selected folder */
	/* Actions and watching the open folder (worker thread only, but
	 * poll and use_idle, which the UI sets under the lock). */
	struct actions		*act;
	uint32_t		 known;		/* messages, as the UI knows */
	int			 watch_failed;	/* until the next SELECT */
	int			 req_pipe[2];	/* a request wakes IDLE */
	unsigned		 poll;
	int			 use_idle;
	char			*html_dumper;	/* under lock; NULL: none */
	int			 use_cache;	/* under lock: header cache */
	struct timespec		 quiet_since;	/* under lock: the last request
						 * ended (CLOCK_REALTIME) */
	int			 bg_step;	/* under lock: a cache step runs */
	struct envsrc		*src;		/* worker thread only */
};

static int worker_was_cancelled(struct worker *);
static int worker_has_work(struct worker *);
static void worker_act_reset(struct worker *, const struct folder_state *);
static void worker_post_changes(struct worker *);
static struct envsrc *worker_src(struct worker *);

/* Queue an event for the UI and wake it. */
static void
worker_post(struct worker *w, struct event *ev)
{
	struct evnode *n = xcalloc(1, sizeof(*n));
	ssize_t r;

	ev->account = w->index;
	n->ev = ev;
	pthread_mutex_lock(&w->lock);
	if (w->evs_tail != NULL)
		w->evs_tail->next = n;
	else
		w->evs = n;
	w->evs_tail = n;
	pthread_mutex_unlock(&w->lock);
	do {
		r = write(w->wake_fd, "", 1);
	} while (r == -1 && errno == EINTR);
}

/* A new event of a type. */
static struct event *
event_new(enum ev_type type, enum service svc)
{
	struct event *ev = xcalloc(1, sizeof(*ev));

	ev->type = type;
	ev->service = svc;
	return ev;
}

/* Post an error event with a status and a sentence (taken over). */
static void
worker_error(struct worker *w, enum status st, char *text)
{
	struct event *ev = event_new(EV_ERROR, SERVICE_IMAP);

	ev->status = st;
	ev->text = text;
	worker_post(w, ev);
}

/* Free an event and what it carries; accepts NULL. */
void
event_free(struct event *ev)
{
	if (ev == NULL)
		return;
	free(ev->text);
	free(ev->folder);
	mailbox_folders_free(ev->folders, ev->nfolders);
	mailbox_envelopes_free(ev->envs, ev->nenvs);
	mailbox_message_clear(&ev->msg);
	free(ev->raw);
	submit_route_clear(&ev->route);
	free(ev->warning);
	free(ev->changes);
	free(ev->rows);
	free(ev->uids);
	free(ev);
}

/* The next event for the UI, or NULL. */
struct event *
worker_next_event(struct worker *w)
{
	struct evnode *n;
	struct event *ev = NULL;

	pthread_mutex_lock(&w->lock);
	if ((n = w->evs) != NULL) {
		w->evs = n->next;
		if (w->evs == NULL)
			w->evs_tail = NULL;
		ev = n->ev;
		free(n);
	}
	pthread_mutex_unlock(&w->lock);
	return ev;
}

/* A service's connection state alone (no copy of the rest). */
enum conn_state
worker_state(struct worker *w, enum service svc)
{
	enum conn_state st;

	pthread_mutex_lock(&w->lock);
	st = w->views[svc].state;
	pthread_mutex_unlock(&w->lock);
	return st;
}

/* Free what a view holds; accepts a zeroed one. */
void
svc_view_clear(struct svc_view *v)
{
	free(v->error);
	tls_info_clear(&v->tls);
	transcript_free(v->tr);
	memset(v, 0, sizeof(*v));
}

/* A deep copy of a service's view for the UI. */
void
worker_snapshot(struct worker *w, enum service svc, struct svc_view *out,
    int with_transcript)
{
	const struct svc_view *v = &w->views[svc];

	pthread_mutex_lock(&w->lock);
	*out = *v;
	out->error = v->error ? xstrdup(v->error) : NULL;
	tls_info_copy(&out->tls, &v->tls);
	out->tr = with_transcript && v->tr ? transcript_dup(v->tr) : NULL;
	pthread_mutex_unlock(&w->lock);
}

/* Update a service's view from its session and tell the UI. */
static void
worker_update(struct worker *w, struct session *s, enum conn_state state,
    enum status st, const char *error)
{
	struct svc_view *v = &w->views[s->service];

	pthread_mutex_lock(&w->lock);
	free(v->error);
	v->error = error ? xstrdup(error) : NULL;
	v->state = state;
	v->status = st;
	v->level = state == CONN_FAILED ? LEVEL_NONE : s->level;
	tls_info_clear(&v->tls);
	tls_info_copy(&v->tls, &s->tls);
	transcript_free(v->tr);
	v->tr = transcript_dup(s->tr);
	pthread_mutex_unlock(&w->lock);
	worker_post(w, event_new(EV_SERVICE, s->service));
}

/* Mark a service busy (connecting) and tell the UI. */
static void
worker_busy_view(struct worker *w, enum service svc)
{
	pthread_mutex_lock(&w->lock);
	w->views[svc].state = CONN_BUSY;
	pthread_mutex_unlock(&w->lock);
	worker_post(w, event_new(EV_SERVICE, svc));
}

/* The session tells us its wire so that worker_cancel() can abort it. */
static void
worker_on_wire(void *arg, struct wire *wire)
{
	struct worker *w = arg;

	pthread_mutex_lock(&w->lock);
	w->active = wire;
	pthread_mutex_unlock(&w->lock);
}

/* Close a session (and forget its wire first). */
static void
worker_close(struct worker *w, struct session *s, int logout)
{
	if (s == NULL)
		return;
	if (s == w->imap)
		worker_act_reset(w, NULL);
	pthread_mutex_lock(&w->lock);
	if (w->active == s->wire)
		w->active = NULL;
	pthread_mutex_unlock(&w->lock);
	if (logout && s->proto != NULL && s->level != LEVEL_NONE &&
	    !wire_failed(s->wire))
		s->ops->logout(s);
	session_free(s);
}

/* A session for a service, with the user's session-only decisions. */
static struct session *
worker_session(struct worker *w, enum service svc)
{
	struct session *s = session_new(w->acct, svc, 0);

	pthread_mutex_lock(&w->lock);
	s->allow_plaintext = s->allow_plaintext || w->allow_plain;
	s->accepted = w->accepted[svc] ? xstrdup(w->accepted[svc]) : NULL;
	pthread_mutex_unlock(&w->lock);
	s->on_wire = worker_on_wire;
	s->on_wire_arg = w;
	return s;
}

/* Ask the UI a password question (text taken over) and wait for the
 * answer (NULL: none). */
static char *
worker_ask(struct worker *w, enum service svc, char *text)
{
	struct event *ev = event_new(EV_NEED_PASSWORD, svc);
	char *answer;

	ev->text = text;
	pthread_mutex_lock(&w->lock);
	w->pw_asked = 1;
	w->pw_answered = 0;
	pthread_mutex_unlock(&w->lock);
	worker_post(w, ev);
	pthread_mutex_lock(&w->lock);
	while (!w->pw_answered && !w->quit)
		pthread_cond_wait(&w->cond, &w->lock);
	answer = w->pw_answer;
	w->pw_answer = NULL;
	w->pw_asked = 0;
	pthread_mutex_unlock(&w->lock);
	return answer;
}

/* Ask the UI for the password of a session and wait for the answer. */
static char *
worker_ask_password(struct worker *w, struct session *s)
{
	/* TRANSLATORS: "alice", "IMAP host:143", "verified", "TLS1.3". */
	return worker_ask(w, s->service, xasprintf(_("Password for %s at %s "
	    "(%s, %s %s)"), w->acct->user ? w->acct->user : "?", s->where,
	    level_name(s->level), transport_name(s->url->transport),
	    s->tls.done ? s->tls.version : _("no TLS")));
}

/* The password: typed earlier, from password_cmd, or asked for. */
static int
worker_get_password(struct worker *w, struct session *s, char **pass,
    char **err)
{
	if (w->acct->password_cmd != NULL)
		return secret_from_cmd(w->acct->password_cmd, w->acct->timeout,
		    pass, err);
	/* A typed password is used once and wiped (DESIGN.md "Memory"). */
	if ((*pass = worker_ask_password(w, s)) == NULL) {
		*err = xstrdup(_("no password given"));
		return -1;
	}
	return 0;
}

/* Log the IMAP session in: the gate first, then the password. */
static enum status
worker_login(struct worker *w, struct session *s, char **err)
{
	enum status st;
	char *pass = NULL;

	if ((st = gate_check(&s->gate, GATE_CREDENTIAL, err)) != ST_OK)
		return st;
	if (w->acct->user == NULL) {
		*err = xasprintf(_("account %s has no user = setting"),
		    w->acct->name);
		return ST_USAGE;
	}
	if (worker_get_password(w, s, &pass, err) == -1)
		return ST_USAGE;
	st = session_login(s, w->acct->user, pass, err);
	xfree_secret(pass);
	return st;
}

/* The state a failed status leaves a service in. */
static enum conn_state
worker_fail_state(enum status st)
{
	return st == ST_NOT_ENCRYPTED || st == ST_TLS_FAILED ?
	    CONN_REFUSED : CONN_FAILED;
}

/* The INBOX unseen count for the accounts screen (best effort). */
static void
worker_inbox_unseen(struct worker *w)
{
	unsigned messages = 0, unseen = 0;
	char *err = NULL;

	if (mailbox_status(w->imap, "INBOX", &messages, &unseen, &err) !=
	    ST_OK) {
		free(err);
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->views[SERVICE_IMAP].unseen = unseen;
	pthread_mutex_unlock(&w->lock);
	worker_post(w, event_new(EV_SERVICE, SERVICE_IMAP));
}

/* The local Maildir's unseen count, for the POP3 row of the accounts
 * screen (best effort; 0 without a Maildir). */
static void
worker_local_unseen(struct worker *w)
{
	struct localbox *lb;
	uint32_t unseen = 0;
	char *err = NULL;

	if (w->acct->maildir == NULL)
		return;
	if (localbox_open(w->acct->maildir, &lb, &err) == ST_OK) {
		unseen = localbox_unseen(lb);
		localbox_free(lb);
	} else
		free(err);
	pthread_mutex_lock(&w->lock);
	w->views[SERVICE_POP3].unseen = unseen;
	pthread_mutex_unlock(&w->lock);
}

/* Connect, secure and log in to IMAP; keep the session. */
static void
worker_connect_imap(struct worker *w)
{
	struct session *s;
	enum status st;
	char *err = NULL;

	worker_close(w, w->imap, 1);
	w->imap = NULL;
	w->cancel_closed = 0;
	free(w->selected);
	w->selected = NULL;
	envsrc_end(worker_src(w));
	worker_busy_view(w, SERVICE_IMAP);
	s = worker_session(w, SERVICE_IMAP);
	if ((st = session_open(s, &err)) == ST_OK)
		st = worker_login(w, s, &err);
	if (st != ST_OK && worker_was_cancelled(w)) {
		free(err);
		err = xstrdup(_("cancelled"));
	}
	if (st != ST_OK) {
		worker_update(w, s, s->level != LEVEL_NONE && st !=
		    ST_AUTH_REJECTED ? worker_fail_state(st) : CONN_FAILED,
		    st, err);
		worker_close(w, s, 1);
		free(err);
		return;
	}
	w->imap = s;
	worker_update(w, s, CONN_READY, ST_OK, NULL);
}

/* Secure POP3 or SMTP to show its lock; no credential is sent. */
static void
worker_secure_only(struct worker *w, enum service svc)
{
	struct session *s;
	enum status st;
	char *err = NULL;

	worker_busy_view(w, svc);
	s = worker_session(w, svc);
	if ((st = session_open(s, &err)) == ST_OK)
		st = gate_check(&s->gate, GATE_CREDENTIAL, &err);
	worker_update(w, s, st == ST_OK ? CONN_READY : s->level !=
	    LEVEL_NONE ? worker_fail_state(st) : CONN_FAILED, st, err);
	worker_close(w, s, 1);
	free(err);
}

/* What a connect left for later: unseen counts, POP3 and SMTP locks. */
static void
worker_connect_rest(struct worker *w)
{
	enum service svc;

	w->rest_pending = 0;
	worker_local_unseen(w);
	if (w->imap != NULL)
		worker_inbox_unseen(w);
	for (svc = SERVICE_POP3; svc < SERVICE_COUNT; svc++)
		if (w->acct->url[svc] != NULL)
			worker_secure_only(w, svc);
}

/* Connect IMAP, then the rest (unseen counts, the other services'
 * locks); when the UI already asked for more (-f FOLDER queues its
 * SELECT right behind the connect), the rest waits until the UI's
 * requests settle (worker_background()), so the folder opens first. */
static void
worker_do_connect(struct worker *w)
{
	if (w->acct->url[SERVICE_IMAP] != NULL)
		worker_connect_imap(w);
	if (worker_has_work(w))
		w->rest_pending = 1;
	else
		worker_connect_rest(w);
}

/* Is IMAP ready for a request? Post an error if not. */
static int
worker_need_imap(struct worker *w)
{
	if (w->imap != NULL)
		return 1;
	/* Requests queued before the user cancelled say so again, rather
	 * than that nothing is connected. */
	if (w->cancel_closed)
		worker_error(w, ST_NETWORK, xstrdup(_("cancelled; the "
		    "connection was closed (press c to reconnect)")));
	else
		worker_error(w, ST_NETWORK, xasprintf(_("%s: not connected; "
		    "press c on the accounts screen to connect"),
		    w->acct->name));
	return 0;
}

/* Did the user cancel the current request? */
static int
worker_was_cancelled(struct worker *w)
{
	int c;

	pthread_mutex_lock(&w->lock);
	c = w->cancelled;
	pthread_mutex_unlock(&w->lock);
	return c;
}

/* A request on the IMAP session failed: report it; drop a dead session. */
static void
worker_imap_failed(struct worker *w, enum status st, char *err)
{
	if (worker_was_cancelled(w)) {
		free(err);
		err = xstrdup(_("cancelled; the connection was closed "
		    "(press c to reconnect)"));
		w->cancel_closed = 1;
	}
	if (st == ST_NETWORK || wire_failed(w->imap->wire)) {
		worker_update(w, w->imap, CONN_FAILED, st, err);
		worker_close(w, w->imap, 0);
		w->imap = NULL;
	}
	worker_error(w, st, err);
}

/* Drop a server folder posing as the local one (by its raw name). */
static void
worker_drop_local_name(struct event *ev)
{
	size_t i;

	for (i = 0; i < ev->nfolders; i++)
		if (localbox_is(ev->folders[i].raw)) {
			free(ev->folders[i].name);
			free(ev->folders[i].raw);
			ev->folders[i--] = ev->folders[--ev->nfolders];
		}
}

/* Append the local Maildir (where POP3 mail goes) as a folder. */
static void
worker_add_local(struct worker *w, struct event *ev)
{
	struct localbox *lb;
	struct folder *f;
	char *err = NULL;

	if (w->acct->maildir == NULL)
		return;
	ev->folders = xreallocarray(ev->folders, ev->nfolders + 1,
	    sizeof(*ev->folders));
	f = &ev->folders[ev->nfolders++];
	memset(f, 0, sizeof(*f));
	/* TRANSLATORS: the folder of POP3 mail on this computer;
	 * %s is the account's name. */
	f->name = xasprintf(_("Local: %s"), w->acct->name);
	f->raw = xstrdup(LOCALBOX_RAW);
	if (localbox_open(w->acct->maildir, &lb, &err) != ST_OK) {
		free(err);
		return;
	}
	f->messages = localbox_count(lb);
	f->unseen = localbox_unseen(lb);
	localbox_free(lb);
}

/* LIST with unseen counts (the INBOX count goes to the view), and the
 * local folder; an account without IMAP has only the local one. */
static void
worker_do_list(struct worker *w)
{
	struct event *ev = event_new(EV_FOLDERS, SERVICE_IMAP);
	enum status st;
	char *err = NULL;
	size_t i;

	if (w->imap != NULL) {
		st = mailbox_list(w->imap, &ev->folders, &ev->nfolders, &err);
		if (st != ST_OK) {
			event_free(ev);
			worker_imap_failed(w, st, err);
			return;
		}
		worker_drop_local_name(ev);
	}
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < ev->nfolders; i++)
		if (strcasecmp(ev->folders[i].raw, "INBOX") == 0)
			w->views[SERVICE_IMAP].unseen = ev->folders[i].unseen;
	pthread_mutex_unlock(&w->lock);
	worker_add_local(w, ev);
	worker_post(w, ev);
}

/* Where envelopes come from: the header cache when it is on (made on
 * first use, in the worker thread). */
static struct envsrc *
worker_src(struct worker *w)
{
	char *dir = NULL;
	int on;

	if (w->src != NULL)
		return w->src;
	pthread_mutex_lock(&w->lock);
	on = w->use_cache;
	pthread_mutex_unlock(&w->lock);
	if (on)
		dir = hcache_default_path();
	w->src = envsrc_new(w->acct->name, dir);
	free(dir);
	return w->src;
}

/* Tell the user, once, that the header cache cannot be used: a notice
 * (EV_PROGRESS with the status), not an EV_ERROR, which a screen waiting
 * for its own request would take for its failure. */
static void
worker_cache_warning(struct worker *w)
{
	char *warn = envsrc_warning(worker_src(w));
	struct event *ev;

	if (warn == NULL)
		return;
	ev = event_new(EV_PROGRESS, SERVICE_IMAP);
	ev->status = ST_LOCAL;
	ev->text = warn;
	worker_post(w, ev);
}

/* SELECT a folder. */
static void
worker_do_select(struct worker *w, const char *folder)
{
	struct event *ev = event_new(EV_SELECTED, SERVICE_IMAP);
	enum status st;
	char *err = NULL;

	st = mailbox_select(w->imap, folder, &ev->fstate, &err);
	if (st != ST_OK) {
		event_free(ev);
		worker_act_reset(w, NULL);
		envsrc_end(worker_src(w));
		worker_imap_failed(w, st, err);
		return;
	}
	worker_act_reset(w, &ev->fstate);
	free(w->selected);
	w->selected = xstrdup(folder);
	w->in_local = 0;
	envsrc_begin(worker_src(w), folder, &ev->fstate);
	worker_cache_warning(w);
	ev->folder = xstrdup(folder);
	worker_post(w, ev);
}

/* FETCH envelopes of a range of the selected folder. */
static void
worker_do_envelopes(struct worker *w, uint32_t first, uint32_t last)
{
	struct event *ev = event_new(EV_ENVELOPES, SERVICE_IMAP);
	enum status st;
	char *err = NULL;

	st = envsrc_window(worker_src(w), w->imap, first, last, &ev->envs,
	    &ev->nenvs, &err);
	worker_cache_warning(w);
	if (st != ST_OK) {
		event_free(ev);
		worker_imap_failed(w, st, err);
		return;
	}
	ev->folder = w->selected ? xstrdup(w->selected) : NULL;
	worker_post(w, ev);
}

/* How to show messages: the HTML dumper as the UI set it; returns the
 * copy opt points to, for the caller to free. */
static char *
worker_mime_options(struct worker *w, struct mime_options *opt)
{
	char *dumper;

	memset(opt, 0, sizeof(*opt));
	pthread_mutex_lock(&w->lock);
	dumper = w->html_dumper ? xstrdup(w->html_dumper) : NULL;
	pthread_mutex_unlock(&w->lock);
	opt->html_dumper = dumper;
	return dumper;
}

/* FETCH one message. */
static void
worker_do_message(struct worker *w, uint32_t seq)
{
	struct event *ev = event_new(EV_MESSAGE, SERVICE_IMAP);
	struct mime_options opt;
	enum status st;
	char *err = NULL, *dumper;

	dumper = worker_mime_options(w, &opt);
	st = mailbox_message(w->imap, seq, &opt, &ev->msg, &err);
	free(dumper);
	if (st != ST_OK) {
		event_free(ev);
		worker_imap_failed(w, st, err);
		return;
	}
	ev->seq = seq;
	ev->folder = w->selected ? xstrdup(w->selected) : NULL;
	/* Reading a message marks it read, as in every mail client. */
	if (!(mailbox_mark_seen(w->imap, seq, &err) == ST_OK)) {
		free(err);
		err = NULL;
	}
	worker_post(w, ev);
}

/* FETCH a whole message of the open folder, for a reply or a forward. */
static void
worker_do_raw(struct worker *w, struct request *r)
{
	struct event *ev;
	enum status st;
	char *err = NULL;

	if (w->selected == NULL || strcmp(w->selected, r->folder) != 0) {
		worker_error(w, ST_USAGE, xstrdup(_("that folder is no longer "
		    "open; open it and choose the message again")));
		return;
	}
	ev = event_new(EV_RAW, SERVICE_IMAP);
	st = mailbox_message_raw(w->imap, r->a, &ev->msg, &ev->raw,
	    &ev->rawlen, &err);
	if (st != ST_OK) {
		event_free(ev);
		worker_imap_failed(w, st, err);
		return;
	}
	ev->seq = r->a;
	ev->job = r->b;
	ev->folder = xstrdup(r->folder);
	worker_post(w, ev);
}

/* The SMTP password, asked of the user (the send engine's callback). */
static char *
worker_submit_password(void *arg, const char *where)
{
	struct worker *w = arg;

	/* TRANSLATORS: "alice", then where: "SMTP host:587 (...)". */
	return worker_ask(w, SERVICE_SMTP, xasprintf(_("Password for %s at "
	    "%s"), w->acct->user ? w->acct->user : "?", where));
}

/* Submission options with the user's session-only decisions. */
static void
worker_submit_opts(struct worker *w, struct submit_opts *o)
{
	memset(o, 0, sizeof(*o));
	pthread_mutex_lock(&w->lock);
	o->allow_plaintext = w->acct->allow_plaintext_auth || w->allow_plain;
	pthread_mutex_unlock(&w->lock);
	o->password = worker_submit_password;
	o->password_arg = w;
}

/* Route, send, flush, postpone: the engine's calls, one event each. */
static void
worker_do_mail(struct worker *w, struct request *r)
{
	static const enum ev_type types[] = {
		[REQ_ROUTE] = EV_ROUTE, [REQ_SEND] = EV_SENT,
		[REQ_FLUSH] = EV_FLUSHED, [REQ_POSTPONE] = EV_POSTPONED,
	};
	struct event *ev = event_new(types[r->type], SERVICE_SMTP);
	struct submit_opts o;

	worker_submit_opts(w, &o);
	ev->job = r->b;
	switch (r->type) {
	case REQ_ROUTE:
		ev->status = submit_route_probe(w->acct, &ev->route, &ev->text);
		break;
	case REQ_SEND:
		ev->status = submit_send(w->acct, r->data, r->len, &r->env, &o,
		    &ev->queued, &ev->warning, &ev->text);
		break;
	case REQ_FLUSH:
		ev->status = submit_flush(w->acct, &o, &ev->nsent, &ev->nleft,
		    &ev->text);
		break;
	default:
		ev->status = draft_postpone_opts(w->acct, &o, r->data,
		    r->len, &ev->text);
		break;
	}
	worker_post(w, ev);
}

/* ------------------------------------------ actions on the open folder */

/* Forget the open folder's actions; with fs, start them for it. */
static void
worker_act_reset(struct worker *w, const struct folder_state *fs)
{
	actions_free(w->act);
	w->act = NULL;
	w->watch_failed = 0;
	if (fs == NULL || w->imap == NULL)
		return;
	w->act = actions_new(w->imap, fs->exists);
	w->known = fs->exists;
}

/* "2 new messages in INBOX" when changes add messages, else NULL. */
static char *
worker_new_mail(struct worker *w, const struct act_change *ch, size_t n)
{
	uint32_t arrived = 0;
	char *name, *text;
	size_t i;

	for (i = 0; i < n; i++)
		if (ch[i].type == ACT_EXPUNGE && w->known > 0)
			w->known--;
		else if (ch[i].type == ACT_EXISTS) {
			if (ch[i].seq > w->known)
				arrived += ch[i].seq - w->known;
			w->known = ch[i].seq;
		}
	if (arrived == 0 || w->selected == NULL)
		return NULL;
	name = mailbox_decode_name(w->selected);
	/* TRANSLATORS: "2 new messages in INBOX". */
	text = xasprintf(ngettext("%u new message in %s",
	    "%u new messages in %s", arrived), arrived, name);
	free(name);
	return text;
}

/* Tell the UI what the server said about the open folder; open it
 * again when some of that was lost. */
static void
worker_post_changes(struct worker *w)
{
	struct act_change *ch;
	struct event *ev;
	char *folder;
	size_t n;
	int resync;

	if (w->act == NULL || w->imap == NULL)
		return;
	actions_collect(w->act);
	if ((n = actions_take(w->act, &ch, &resync)) > 0) {
		envsrc_changed(worker_src(w), ch, n);
		ev = event_new(EV_CHANGES, SERVICE_IMAP);
		ev->changes = ch;
		ev->nchanges = n;
		ev->folder = w->selected ? xstrdup(w->selected) : NULL;
		ev->text = worker_new_mail(w, ch, n);
		worker_post(w, ev);
	} else
		free(ch);
	if (resync && w->selected != NULL) {
		folder = xstrdup(w->selected);
		worker_do_select(w, folder);
		free(folder);
	}
}

/* An action failed: say so; drop the session only if it is broken. */
static void
worker_act_failed(struct worker *w, enum status st, char *err)
{
	if (w->imap != NULL && (wire_failed(w->imap->wire) ||
	    worker_was_cancelled(w)))
		worker_imap_failed(w, ST_NETWORK, err);
	else
		worker_error(w, st, err);
}

/* Post an EV_ACTION with a sentence (taken over). */
static void
worker_action_done(struct worker *w, char *text)
{
	struct event *ev = event_new(EV_ACTION, SERVICE_IMAP);

	ev->action = EVA_DONE;
	ev->text = text;
	ev->folder = w->selected ? xstrdup(w->selected) : NULL;
	worker_post(w, ev);
}

/* $, first step: which messages are marked deleted. */
static void
worker_do_find_deleted(struct worker *w)
{
	struct event *ev = event_new(EV_ACTION, SERVICE_IMAP);
	enum status st;
	char *err = NULL;

	ev->action = EVA_DELETED;
	st = actions_deleted(w->act, &ev->uids, &ev->nuids, &err);
	if (st != ST_OK) {
		event_free(ev);
		worker_act_failed(w, st, err);
		return;
	}
	ev->folder = w->selected ? xstrdup(w->selected) : NULL;
	worker_post(w, ev);
}

/* $, confirmed: expunge those messages. */
static void
worker_do_expunge(struct worker *w, const struct request *r)
{
	enum status st;
	char *err = NULL, *name;
	int all;

	st = actions_expunge(w->act, r->uids, r->nuids, &all, &err);
	if (st != ST_OK) {
		worker_act_failed(w, st, err);
		return;
	}
	envsrc_forget(worker_src(w), r->uids, r->nuids);
	worker_post_changes(w);
	name = mailbox_decode_name(w->selected ? w->selected : "");
	worker_action_done(w, all ? xasprintf(_("Expunged every message "
	    "marked deleted in %s."), name) : xasprintf(ngettext("Expunged "
	    "%zu message from %s.", "Expunged %zu messages from %s.",
	    r->nuids), r->nuids, name));
	free(name);
}

/* What a copy or move did, in words. */
static char *
worker_transfer_text(enum act_moved how, int move, const char *dest)
{
	char *name = mailbox_decode_name(dest), *text;

	if (!move)
		text = xasprintf(_("Copied the message to %s."), name);
	else if (how != ACT_COPIED_MARKED)
		text = xasprintf(_("Moved the message to %s."), name);
	else
		text = xasprintf(_("Copied the message to %s and marked it "
		    "deleted here; this server cannot expunge one message "
		    "alone (no UIDPLUS), so it stays until you press $."),
		    name);
	free(name);
	return text;
}

/* s and C: move or copy messages to another folder. */
static void
worker_do_transfer(struct worker *w, const struct request *r)
{
	enum act_moved how = ACT_MOVED;
	enum status st;
	char *err = NULL;

	if (r->b)
		st = actions_move(w->act, r->uids, r->nuids, r->folder, &how,
		    &err);
	else
		st = actions_copy(w->act, r->uids, r->nuids, r->folder, &err);
	if (st != ST_OK) {
		worker_act_failed(w, st, err);
		return;
	}
	if (r->b && how != ACT_COPIED_MARKED)
		envsrc_forget(worker_src(w), r->uids, r->nuids);
	worker_post_changes(w);
	worker_action_done(w, worker_transfer_text(how, r->b, r->folder));
}

/* Post the answer to a view or a search request (serial): the changes
 * the command brought are told first, since its sequence numbers count
 * them; on failure, the error instead. */
static void
worker_post_answer(struct worker *w, struct event *ev, enum status st,
    char *err, unsigned serial)
{
	worker_post_changes(w);
	if (st != ST_OK) {
		event_free(ev);
		worker_act_failed(w, st, err);
		return;
	}
	ev->serial = serial;
	ev->folder = w->selected ? xstrdup(w->selected) : NULL;
	worker_post(w, ev);
}

/* l, o, O, T: a view. */
static void
worker_do_view(struct worker *w, const struct request *r)
{
	struct event *ev = event_new(EV_VIEW, SERVICE_IMAP);
	enum status st;
	char *err = NULL;

	st = actions_view(w->act, &r->spec, &ev->rows, &ev->nrows, &ev->text,
	    &err);
	worker_post_answer(w, ev, st, err, r->a);
}

/* A search answered by the header cache: every UID of the folder from
 * the server (UID SEARCH ALL, their places are the numbers), the texts
 * from the cache. *out stays NULL when the cache cannot tell. */
static enum status
worker_find_cached(struct worker *w, const char *query, uint32_t **out,
    size_t *n, char **err)
{
	uint32_t *uids;
	size_t nuids;
	enum status st;

	*out = NULL;
	*n = 0;
	if (!envsrc_knows_folder(worker_src(w)))
		return ST_OK;
	if ((st = actions_uids(w->act, &uids, &nuids, err)) != ST_OK)
		return st;
	envsrc_find(w->src, uids, nuids, query, out, n);
	free(uids);
	return ST_OK;
}

/* / beyond the loaded messages: the cache's answer, else the server's
 * SEARCH. */
static void
worker_do_find(struct worker *w, const struct request *r)
{
	struct event *ev = event_new(EV_FOUND, SERVICE_IMAP);
	const char *query = r->spec.query ? r->spec.query : "";
	enum status st;
	char *err = NULL;

	st = worker_find_cached(w, query, &ev->uids, &ev->nuids, &err);
	if (st == ST_OK && ev->uids == NULL)
		st = actions_find(w->act, query, &ev->uids, &ev->nuids, &err);
	ev->text = xstrdup(query);
	worker_post_answer(w, ev, st, err, r->a);
}

/* Carry out an action on the open folder. */
static void
worker_do_action(struct worker *w, const struct request *r)
{
	enum status st;
	char *err = NULL;

	if (w->act == NULL) {
		worker_error(w, ST_USAGE, xasprintf(_("%s: no folder is open; "
		    "open one first"), w->acct->name));
		return;
	}
	switch (r->type) {
	case REQ_FLAGS:
		st = actions_flags(w->act, r->uids, r->nuids, r->a, r->b,
		    &err);
		if (st != ST_OK)
			worker_act_failed(w, st, err);
		break;
	case REQ_FIND_DELETED:
		worker_do_find_deleted(w);
		break;
	case REQ_EXPUNGE:
		worker_do_expunge(w, r);
		break;
	case REQ_TRANSFER:
		worker_do_transfer(w, r);
		break;
	case REQ_VIEW:
		worker_do_view(w, r);
		break;
	case REQ_FIND:
		worker_do_find(w, r);
		break;
	default:
		break;
	}
}

/* ------------------------------------------- watching the open folder */

/* Is a request waiting, or must the thread stop? */
static int
worker_has_work(struct worker *w)
{
	int yes;

	pthread_mutex_lock(&w->lock);
	yes = w->reqs != NULL || w->quit;
	pthread_mutex_unlock(&w->lock);
	return yes;
}

/* Empty the request pipe (its bytes only wake us). */
static void
worker_drain(struct worker *w)
{
	char buf[64];

	while (read(w->req_pipe[0], buf, sizeof(buf)) > 0)
		;
}

/* Wake a thread that is watching (a request came, or quit). */
static void
worker_wake(struct worker *w)
{
	ssize_t r;

	do {
		r = write(w->req_pipe[1], "", 1);
	} while (r == -1 && errno == EINTR);
}

/* May the thread watch the open folder (called with the lock held)? */
static int
worker_can_watch(struct worker *w)
{
	return w->imap != NULL && w->act != NULL && !w->watch_failed &&
	    !w->quit;
}

/* Network work between requests counts as busy: Esc and quitting can
 * then abort a server that stopped answering. */
static void
worker_watch_busy(struct worker *w, int busy)
{
	pthread_mutex_lock(&w->lock);
	w->busy = busy;
	w->cancelled = 0;
	pthread_mutex_unlock(&w->lock);
}

/* IDLE until a request comes (it is left on: the request ends it, so
 * that Esc cancels that request); when the server talks first, DONE,
 * tell the UI, and IDLE again. Renewed before the server's 30 minutes. */
static enum status
worker_idle(struct worker *w, char **err)
{
	enum act_wake why;
	enum status st;

	for (;;) {
		worker_watch_busy(w, 1);
		st = actions_idle(w->act, err);
		worker_watch_busy(w, 0);
		if (st != ST_OK)
			return st;
		why = actions_wait(w->act, w->req_pipe[0], WORKER_IDLE_RENEW_MS);
		if (why == ACT_WAKE_FD)
			return ST_OK;
		worker_watch_busy(w, 1);
		st = actions_idle_done(w->act, err);
		worker_watch_busy(w, 0);
		if (st != ST_OK)
			return st;
		worker_post_changes(w);
		if (w->act == NULL || worker_has_work(w))
			return ST_OK;
	}
}

/* Before a request: end IDLE (DONE) if the watch left it on; 0 when the
 * session broke doing so (the request cannot run). */
static int
worker_end_idle(struct worker *w)
{
	enum status st;
	char *err = NULL;

	if (w->act == NULL || !actions_idling(w->act))
		return 1;
	if ((st = actions_idle_done(w->act, &err)) == ST_OK) {
		worker_post_changes(w);
		return 1;
	}
	w->watch_failed = 1;
	worker_act_failed(w, st, err);
	return w->imap != NULL;
}

/* Without IDLE: NOOP every secs seconds until a request comes. */
static enum status
worker_poll(struct worker *w, unsigned secs, char **err)
{
	struct pollfd pfd = { w->req_pipe[0], POLLIN, 0 };
	enum status st;
	int r;

	for (;;) {
		do {
			r = poll(&pfd, 1, (int)secs * 1000);
		} while (r == -1 && errno == EINTR);
		if (r != 0)
			return ST_OK;
		worker_watch_busy(w, 1);
		st = actions_noop(w->act, err);
		worker_watch_busy(w, 0);
		if (st != ST_OK)
			return st;
		worker_post_changes(w);
		if (w->act == NULL || worker_has_work(w))
			return ST_OK;
	}
}

/* Between requests: watch the open folder for new mail. */
static void
worker_watch(struct worker *w)
{
	struct act_caps caps;
	enum status st;
	char *err = NULL;
	unsigned secs;
	int idle;

	pthread_mutex_lock(&w->lock);
	secs = w->poll;
	idle = w->use_idle;
	pthread_mutex_unlock(&w->lock);
	worker_drain(w);
	if (worker_has_work(w))
		return;
	if ((st = actions_caps(w->act, &caps, &err)) == ST_OK)
		st = idle && caps.idle ? worker_idle(w, &err) :
		    worker_poll(w, secs, &err);
	if (st == ST_OK)
		return;
	w->watch_failed = 1;
	worker_post_changes(w);
	worker_act_failed(w, st, err);
}

/* Free a request and what it carries; accepts NULL. */
static void
request_free(struct request *r)
{
	if (r == NULL)
		return;
	free(r->folder);
	free(r->data);
	envelope_out_clear(&r->env);
	free(r->uids);
	free(r->spec.query);
	free(r);
}

/* Queue a request and wake the thread, waiting or watching. */
static void
worker_enqueue(struct worker *w, struct request *r)
{
	pthread_mutex_lock(&w->lock);
	if (w->reqs_tail != NULL)
		w->reqs_tail->next = r;
	else
		w->reqs = r;
	w->reqs_tail = r;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	worker_wake(w);
}

/* --------------------------------------------------- the local folder */

/* Open (again) the local folder: a fresh snapshot of the Maildir. */
static void
worker_local_select(struct worker *w)
{
	struct event *ev;
	enum status st;
	char *err = NULL;

	localbox_free(w->local);
	w->local = NULL;
	envsrc_end(worker_src(w));
	if ((st = localbox_open(w->acct->maildir, &w->local, &err)) !=
	    ST_OK) {
		worker_error(w, st, err);
		return;
	}
	w->in_local = 1;
	ev = event_new(EV_SELECTED, SERVICE_POP3);
	ev->fstate.exists = localbox_count(w->local);
	ev->folder = xstrdup(LOCALBOX_RAW);
	worker_post(w, ev);
}

/* Envelopes of a range of the local folder. */
static void
worker_local_envelopes(struct worker *w, uint32_t first, uint32_t last)
{
	struct event *ev = event_new(EV_ENVELOPES, SERVICE_POP3);
	enum status st;
	char *err = NULL;

	st = localbox_envelopes(w->local, first, last, &ev->envs, &ev->nenvs,
	    &err);
	if (st != ST_OK) {
		event_free(ev);
		worker_error(w, st, err);
		return;
	}
	ev->folder = xstrdup(LOCALBOX_RAW);
	worker_post(w, ev);
}

/* One message of the local folder; reading it marks it read. */
static void
worker_local_message(struct worker *w, uint32_t seq)
{
	struct event *ev = event_new(EV_MESSAGE, SERVICE_POP3);
	struct mime_options opt;
	enum status st;
	char *err = NULL, *dumper;

	dumper = worker_mime_options(w, &opt);
	st = localbox_message(w->local, seq, &opt, &ev->msg, &err);
	free(dumper);
	if (st != ST_OK) {
		event_free(ev);
		worker_error(w, st, err);
		return;
	}
	ev->seq = seq;
	ev->folder = xstrdup(LOCALBOX_RAW);
	if (localbox_mark_seen(w->local, seq, &err) != ST_OK) {
		free(err);
		err = NULL;
	}
	worker_local_unseen(w);
	worker_post(w, ev);
}

/* Requests the local folder answers (and LIST without IMAP); 1 if r
 * was one of them. */
static int
worker_do_local(struct worker *w, struct request *r)
{
	int local = w->local != NULL && w->in_local;

	switch (r->type) {
	case REQ_LIST:
		if (w->acct->url[SERVICE_IMAP] != NULL)
			return 0;
		worker_do_list(w);
		return 1;
	case REQ_SELECT:
		if (!localbox_is(r->folder))
			return 0;
		worker_local_select(w);
		return 1;
	case REQ_ENVELOPES:
		if (!local)
			return 0;
		worker_local_envelopes(w, r->a, r->b);
		return 1;
	case REQ_MESSAGE:
		if (!local)
			return 0;
		worker_local_message(w, r->a);
		return 1;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------ POP3 fetch */

struct worker_fetch_ctx {
	struct worker	*w;
	struct timespec	 last;		/* of the last progress event */
};

/* Progress in the status line (a few times a second at most); stop
 * when the user cancelled. */
static int
worker_fetch_progress(void *arg, const struct fetch_progress *p)
{
	struct worker_fetch_ctx *c = arg;
	struct timespec now;
	struct event *ev;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(now.tv_sec - c->last.tv_sec) * 1000 +
	    (now.tv_nsec - c->last.tv_nsec) / 1000000;
	if (p->total > 0 && p->done < p->total && (p->done == 0 || ms >= 200)) {
		c->last = now;
		ev = event_new(EV_PROGRESS, SERVICE_POP3);
		/* TRANSLATORS: "work: fetching 3 of 200 (12 of 640 KiB)…" */
		ev->text = xasprintf(_("%s: fetching %zu of %zu (%llu of %llu "
		    "KiB)…"), c->w->acct->name, p->done + 1, p->total,
		    (unsigned long long)(p->bytes / 1024),
		    (unsigned long long)(p->total_bytes / 1024));
		worker_post(c->w, ev);
	}
	return worker_was_cancelled(c->w);
}

/* Tell the UI the fetch is over: what it did, or why it failed. */
static void
worker_fetched(struct worker *w, enum status st,
    const struct fetch_result *res, char *err)
{
	struct event *ev = event_new(EV_FETCHED, SERVICE_POP3);
	char *sum = fetch_summary(w->acct, res);

	ev->status = st;
	if (st == ST_OK)
		ev->text = xasprintf("%s: %s", w->acct->name, sum);
	else if (res->fetched > 0 || res->deleted > 0)
		ev->text = xasprintf("%s: %s; %s", w->acct->name, err, sum);
	else
		ev->text = xasprintf("%s: %s", w->acct->name, err);
	free(sum);
	free(err);
	worker_post(w, ev);
}

/* Connect to POP3, log in, download into the Maildir, QUIT. */
static void
worker_do_fetch(struct worker *w)
{
	struct worker_fetch_ctx ctx = { w, { 0, 0 } };
	struct fetch_result res;
	struct maildir *md = NULL;
	struct session *s;
	enum status st;
	char *err = NULL;

	memset(&res, 0, sizeof(res));
	if (w->acct->url[SERVICE_POP3] == NULL) {
		worker_fetched(w, ST_USAGE, &res, xstrdup(_("this account has "
		    "no POP3 server (pop3 = in its section)")));
		return;
	}
	if ((st = fetch_open_maildir(w->acct, &md, &err)) != ST_OK) {
		worker_fetched(w, st, &res, err);
		return;
	}
	worker_busy_view(w, SERVICE_POP3);
	s = worker_session(w, SERVICE_POP3);
	if ((st = session_open(s, &err)) == ST_OK &&
	    (st = worker_login(w, s, &err)) == ST_OK)
		st = fetch_session(s, md, worker_fetch_progress, &ctx, &res,
		    &err);
	if (st != ST_OK && worker_was_cancelled(w)) {
		free(err);
		err = xstrdup(_("cancelled"));
	}
	worker_local_unseen(w);
	worker_update(w, s, st == ST_OK || st == ST_LOCAL ? CONN_READY :
	    s->level != LEVEL_NONE && st != ST_AUTH_REJECTED ?
	    worker_fail_state(st) : CONN_FAILED, st, st == ST_OK ||
	    st == ST_LOCAL ? NULL : err);
	worker_close(w, s, 1);
	maildir_free(md);
	worker_fetched(w, st, &res, err);
}

/* Carry out one request. */
static void
worker_do(struct worker *w, struct request *r)
{
	if (!worker_end_idle(w) && r->type != REQ_CONNECT)
		return;
	if (r->type == REQ_CONNECT) {
		worker_do_connect(w);
		return;
	}
	if (r->type >= REQ_ROUTE) {
		worker_do_mail(w, r);
		return;
	}
	if (r->type == REQ_FETCH) {
		worker_do_fetch(w);
		return;
	}
	if (worker_do_local(w, r))
		return;
	if (!worker_need_imap(w))
		return;
	/* Esc must reach the IMAP socket whatever was connected last. */
	worker_on_wire(w, w->imap->wire);
	switch (r->type) {
	case REQ_LIST:
		worker_do_list(w);
		break;
	case REQ_SELECT:
		worker_do_select(w, r->folder);
		break;
	case REQ_ENVELOPES:
		worker_do_envelopes(w, r->a, r->b);
		break;
	case REQ_MESSAGE:
		worker_do_message(w, r->a);
		break;
	case REQ_RAW:
		worker_do_raw(w, r);
		break;
	default:
		worker_do_action(w, r);
		break;
	}
	worker_post_changes(w);
}

/*
 * One step of the header cache's work on the open folder: its resync,
 * then the background fill. A server that refuses it only costs the
 * cache; a broken connection is the session's end as for any request.
 * It is not busy work: Esc cancels what the user asked for, not this,
 * and a request waits for at most one step.
 */
static void
worker_cache_step(struct worker *w)
{
	enum status st;
	char *err = NULL;
	int resync = envsrc_resync_pending(w->src);

	worker_on_wire(w, w->imap->wire);
	st = resync ? envsrc_resync_step(w->src, w->imap, &err) :
	    envsrc_fill_step(w->src, w->imap, &err);
	worker_cache_warning(w);
	if (st == ST_OK) {
		worker_post_changes(w);
		return;
	}
	if (wire_failed(w->imap->wire) || worker_was_cancelled(w)) {
		worker_imap_failed(w, st, err);
		return;
	}
	free(err);
	if (resync)
		envsrc_resync_abandon(w->src);
	else
		envsrc_end(w->src);	/* no fill either */
}

/* Is there background work (the lock held)? */
static int
worker_background_pending(struct worker *w)
{
	return w->rest_pending || (w->imap != NULL && !w->in_local &&
	    w->src != NULL && (envsrc_resync_pending(w->src) ||
	    envsrc_fill_pending(w->src)));
}

/* Wait, the lock held, until the UI has asked nothing for
 * WORKER_SETTLE_MS; 0 if a request came (or quit) meanwhile. */
static int
worker_settle(struct worker *w)
{
	struct timespec until = w->quiet_since, now;

	until.tv_nsec += WORKER_SETTLE_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (now.tv_sec > until.tv_sec || (now.tv_sec == until.tv_sec &&
	    now.tv_nsec >= until.tv_nsec))
		return w->reqs == NULL && !w->quit;
	while (w->reqs == NULL && !w->quit &&
	    pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
		continue;
	return w->reqs == NULL && !w->quit;
}

/* With the lock held and no request waiting: once the UI has been
 * quiet a while, do what a connect left for later (as busy work, so Esc
 * reaches it), then the header cache's work a step at a time; 1 if the
 * caller must look again. */
static int
worker_background(struct worker *w)
{
	int rest;

	if (!worker_background_pending(w))
		return 0;
	if (!worker_settle(w))
		return 1;
	rest = w->rest_pending;
	w->busy = rest;
	w->bg_step = !rest;
	w->cancelled = 0;
	pthread_mutex_unlock(&w->lock);
	if (rest)
		worker_connect_rest(w);
	else
		worker_cache_step(w);
	pthread_mutex_lock(&w->lock);
	w->busy = 0;
	w->bg_step = 0;
	return 1;
}

/* The thread: take requests in order until told to quit. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct request *r;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->reqs == NULL && !w->quit) {
			if (worker_background(w))
				continue;
			if (worker_can_watch(w)) {
				pthread_mutex_unlock(&w->lock);
				worker_watch(w);
				pthread_mutex_lock(&w->lock);
			} else
				pthread_cond_wait(&w->cond, &w->lock);
		}
		if (w->quit) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		r = w->reqs;
		w->reqs = r->next;
		if (w->reqs == NULL)
			w->reqs_tail = NULL;
		w->busy = 1;
		w->cancelled = 0;
		pthread_mutex_unlock(&w->lock);
		worker_do(w, r);
		request_free(r);
		pthread_mutex_lock(&w->lock);
		w->busy = 0;
		clock_gettime(CLOCK_REALTIME, &w->quiet_since);
		pthread_mutex_unlock(&w->lock);
	}
	/* Inside IDLE a LOGOUT is no command; leaving is enough then. */
	worker_close(w, w->imap, w->act == NULL || !actions_idling(w->act));
	w->imap = NULL;
	localbox_free(w->local);
	w->local = NULL;
	envsrc_free(w->src);
	w->src = NULL;
	return NULL;
}

/* A worker for one account; events wake the UI through wake_fd. */
struct worker *
worker_new(const struct account *acct, int index, int wake_fd)
{
	struct worker *w = xcalloc(1, sizeof(*w));
	enum service svc;

	w->acct = acct;
	w->index = index;
	w->wake_fd = wake_fd;
	w->poll = CONFIG_DEFAULT_POLL;
	w->use_idle = 1;
	w->use_cache = 1;
	actions_init();		/* before any worker thread parses a reply */
	if (pipe2(w->req_pipe, O_CLOEXEC | O_NONBLOCK) == -1)
		fatalx("cannot make a pipe for a worker");
	for (svc = 0; svc < SERVICE_COUNT; svc++) {
		w->views[svc].configured = acct->url[svc] != NULL;
		if (acct->url[svc] != NULL)
			w->views[svc].transport = acct->url[svc]->transport;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
		fatalx("cannot start a worker thread");
	return w;
}

/* Use the header cache (hcache.h) for folders opened from now on; on
 * by default. */
void
worker_set_cache(struct worker *w, int on)
{
	pthread_mutex_lock(&w->lock);
	w->use_cache = on;
	pthread_mutex_unlock(&w->lock);
}

/* The HTML dumper for the messages read from now on (NULL: none). */
void
worker_set_html_dumper(struct worker *w, const char *cmd)
{
	pthread_mutex_lock(&w->lock);
	free(w->html_dumper);
	w->html_dumper = cmd ? xstrdup(cmd) : NULL;
	pthread_mutex_unlock(&w->lock);
}

/* A new request. */
static struct request *
worker_request_new(enum req_type type, const char *folder, uint32_t a,
    uint32_t b)
{
	struct request *r = xcalloc(1, sizeof(*r));

	r->type = type;
	r->folder = folder ? xstrdup(folder) : NULL;
	r->a = a;
	r->b = b;
	return r;
}

/* Queue a request without a payload. */
static void
worker_request(struct worker *w, enum req_type type, const char *folder,
    uint32_t a, uint32_t b)
{
	worker_enqueue(w, worker_request_new(type, folder, a, b));
}

void worker_connect(struct worker *w) { worker_request(w, REQ_CONNECT, NULL, 0, 0); }
void worker_list(struct worker *w) { worker_request(w, REQ_LIST, NULL, 0, 0); }

/* Open a folder (its raw name). */
void
worker_select(struct worker *w, const char *folder)
{
	worker_request(w, REQ_SELECT, folder, 0, 0);
}

/* Envelopes of messages first..last of the selected folder. */
void
worker_envelopes(struct worker *w, uint32_t first, uint32_t last)
{
	worker_request(w, REQ_ENVELOPES, NULL, first, last);
}

/* One message of the selected folder. */
void
worker_message(struct worker *w, uint32_t seq)
{
	worker_request(w, REQ_MESSAGE, NULL, seq, 0);
}

/* Message seq of the open folder, whole, for a reply or a forward. */
void
worker_raw(struct worker *w, const char *folder, uint32_t seq, uint32_t job)
{
	worker_request(w, REQ_RAW, folder, seq, job);
}

/* How mail of this account would travel (nothing is sent). */
void
worker_route(struct worker *w, uint32_t job)
{
	worker_request(w, REQ_ROUTE, NULL, 0, job);
}

/* Submit a message (taken over) to the envelope's recipients. */
void
worker_send(struct worker *w, uint32_t job, char *msg, size_t len,
    struct envelope_out *env)
{
	struct request *r = worker_request_new(REQ_SEND, NULL, 0, job);

	r->data = msg;
	r->len = len;
	r->env = *env;
	memset(env, 0, sizeof(*env));
	worker_enqueue(w, r);
}

/* Try the outbox again. */
void
worker_flush(struct worker *w)
{
	worker_request(w, REQ_FLUSH, NULL, 0, 0);
}

/* Keep a message (taken over) as a draft. */
void
worker_postpone(struct worker *w, uint32_t job, char *msg, size_t len)
{
	struct request *r = worker_request_new(REQ_POSTPONE, NULL, 0, job);

	r->data = msg;
	r->len = len;
	worker_enqueue(w, r);
}

/* Download the account's POP3 mail into its Maildir. */
void
worker_fetch(struct worker *w)
{
	worker_request(w, REQ_FETCH, NULL, 0, 0);
}

/* Answer the password question (NULL: the user cancelled). */
void
worker_password(struct worker *w, const char *pass)
{
	pthread_mutex_lock(&w->lock);
	if (w->pw_asked) {
		w->pw_answer = pass ? xstrdup(pass) : NULL;
		w->pw_answered = 1;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

/* The user typed the confirmation: plaintext is allowed this session. */
void
worker_allow_plaintext(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->allow_plain = 1;
	pthread_mutex_unlock(&w->lock);
}

/* The user accepted this certificate of this service for this session. */
void
worker_accept_cert(struct worker *w, enum service svc, const char *sha256)
{
	pthread_mutex_lock(&w->lock);
	free(w->accepted[svc]);
	w->accepted[svc] = xstrdup(sha256);
	pthread_mutex_unlock(&w->lock);
}

/* Abort what the worker is doing on the network now. */
void
worker_cancel(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	/* The cache's background step is cut only when something waits
	 * behind it (a request, or quitting): a server gone silent then
	 * holds nothing up. */
	if ((w->busy || (w->bg_step && (w->reqs != NULL || w->quit))) &&
	    w->active != NULL) {
		w->cancelled = 1;
		wire_abort(w->active);
	}
	if (w->pw_asked) {
		xfree_secret(w->pw_answer);
		w->pw_answer = NULL;
		w->pw_answered = 1;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

/* Is the worker doing something? */
int
worker_busy(struct worker *w)
{
	int busy;

	pthread_mutex_lock(&w->lock);
	busy = w->busy || w->reqs != NULL;
	pthread_mutex_unlock(&w->lock);
	return busy;
}

/* Stop the thread (aborting network work) and free everything. */
void
worker_free(struct worker *w)
{
	struct request *r;
	struct event *ev;
	enum service svc;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	worker_wake(w);
	worker_cancel(w);
	pthread_join(w->thread, NULL);
	while ((r = w->reqs) != NULL) {
		w->reqs = r->next;
		request_free(r);
	}
	close(w->req_pipe[0]);
	close(w->req_pipe[1]);
	while ((ev = worker_next_event(w)) != NULL)
		event_free(ev);
	for (svc = 0; svc < SERVICE_COUNT; svc++)
		svc_view_clear(&w->views[svc]);
	xfree_secret(w->pw_answer);
	for (svc = 0; svc < SERVICE_COUNT; svc++)
		free(w->accepted[svc]);
	free(w->selected);
	free(w->html_dumper);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

/* N, F, d, u: add (or remove) flags of one message, by UID. */
void
worker_flags(struct worker *w, uint32_t uid, unsigned flags, int add)
{
	struct request *r = xcalloc(1, sizeof(*r));

	r->type = REQ_FLAGS;
	r->uids = xcalloc(1, sizeof(*r->uids));
	r->uids[0] = uid;
	r->nuids = 1;
	r->a = flags;
	r->b = add != 0;
	worker_enqueue(w, r);
}

/* $: which messages of the open folder are marked deleted. */
void
worker_find_deleted(struct worker *w)
{
	worker_request(w, REQ_FIND_DELETED, NULL, 0, 0);
}

/* $, confirmed: expunge these messages (UIDs). */
void
worker_expunge(struct worker *w, const uint32_t *uids, size_t n)
{
	struct request *r = xcalloc(1, sizeof(*r));

	r->type = REQ_EXPUNGE;
	r->uids = xcalloc(n ? n : 1, sizeof(*r->uids));
	memcpy(r->uids, uids, n * sizeof(*uids));
	r->nuids = n;
	worker_enqueue(w, r);
}

/* s and C: move (or copy) one message to a folder (raw name). */
void
worker_transfer(struct worker *w, uint32_t uid, const char *folder,
    int move)
{
	struct request *r = xcalloc(1, sizeof(*r));

	r->type = REQ_TRANSFER;
	r->folder = xstrdup(folder);
	r->uids = xcalloc(1, sizeof(*r->uids));
	r->uids[0] = uid;
	r->nuids = 1;
	r->b = move != 0;
	worker_enqueue(w, r);
}

/* A view of the open folder; serial comes back with EV_VIEW. */
void
worker_view(struct worker *w, const struct view_spec *spec, unsigned serial)
{
	struct request *r = xcalloc(1, sizeof(*r));

	r->type = REQ_VIEW;
	r->spec = *spec;
	r->spec.query = spec->query ? xstrdup(spec->query) : NULL;
	r->a = serial;
	worker_enqueue(w, r);
}

/* Search the open folder on the server (the index's /). */
void
worker_find(struct worker *w, const char *query, unsigned serial)
{
	struct request *r = xcalloc(1, sizeof(*r));

	r->type = REQ_FIND;
	r->spec.query = xstrdup(query);
	r->a = serial;
	worker_enqueue(w, r);
}

/* Watching: NOOP every poll seconds, or IDLE when allowed and offered. */
void
worker_watch_set(struct worker *w, unsigned poll_secs, int idle)
{
	pthread_mutex_lock(&w->lock);
	w->poll = poll_secs > 0 ? poll_secs : CONFIG_DEFAULT_POLL;
	w->use_idle = idle;
	pthread_mutex_unlock(&w->lock);
}
