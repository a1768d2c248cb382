/* worker.c: one network thread per account, talking to the UI through
 * a request queue, an event queue and a wake-up pipe. */
#include "build-config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "gate.h"
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
	REQ_FETCH,
};

struct request {
	enum req_type	 type;
	char		*folder;
	uint32_t	 a, b;
	struct request	*next;
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
	char			*selected;
	struct localbox		*local;		/* the local folder, listed */
	int			 in_local;	/* it is the selected folder */
};

static int worker_was_cancelled(struct worker *);

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

/* Ask the UI for the password and wait for the answer (NULL: none). */
static char *
worker_ask_password(struct worker *w, struct session *s)
{
	struct event *ev = event_new(EV_NEED_PASSWORD, s->service);
	char *answer;

	/* TRANSLATORS: "alice", "IMAP host:143", "verified", "TLS1.3". */
	ev->text = xasprintf(_("Password for %s at %s (%s, %s %s)"),
	    w->acct->user ? w->acct->user : "?", s->where,
	    level_name(s->level), transport_name(s->url->transport),
	    s->tls.done ? s->tls.version : _("no TLS"));
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
	free(w->selected);
	w->selected = NULL;
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
	worker_inbox_unseen(w);
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

/* Connect every configured service; IMAP first. */
static void
worker_do_connect(struct worker *w)
{
	enum service svc;

	worker_local_unseen(w);
	if (w->acct->url[SERVICE_IMAP] != NULL)
		worker_connect_imap(w);
	for (svc = SERVICE_POP3; svc < SERVICE_COUNT; svc++)
		if (w->acct->url[svc] != NULL)
			worker_secure_only(w, svc);
}

/* Is IMAP ready for a request? Post an error if not. */
static int
worker_need_imap(struct worker *w)
{
	if (w->imap != NULL)
		return 1;
	worker_error(w, ST_NETWORK, xasprintf(_("%s: not connected; press "
	    "c on the accounts screen to connect"), w->acct->name));
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
		worker_imap_failed(w, st, err);
		return;
	}
	free(w->selected);
	w->selected = xstrdup(folder);
	w->in_local = 0;
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

	st = mailbox_envelopes(w->imap, first, last, &ev->envs, &ev->nenvs,
	    &err);
	if (st != ST_OK) {
		event_free(ev);
		worker_imap_failed(w, st, err);
		return;
	}
	ev->folder = w->selected ? xstrdup(w->selected) : NULL;
	worker_post(w, ev);
}

/* FETCH one message. */
static void
worker_do_message(struct worker *w, uint32_t seq)
{
	struct event *ev = event_new(EV_MESSAGE, SERVICE_IMAP);
	enum status st;
	char *err = NULL;

	st = mailbox_message(w->imap, seq, &ev->msg, &err);
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
	enum status st;
	char *err = NULL;

	if ((st = localbox_message(w->local, seq, &ev->msg, &err)) != ST_OK) {
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
	if (r->type == REQ_CONNECT) {
		worker_do_connect(w);
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
	default:
		break;
	}
}

/* The thread: take requests in order until told to quit. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct request *r;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->reqs == NULL && !w->quit)
			pthread_cond_wait(&w->cond, &w->lock);
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
		free(r->folder);
		free(r);
		pthread_mutex_lock(&w->lock);
		w->busy = 0;
		pthread_mutex_unlock(&w->lock);
	}
	worker_close(w, w->imap, 1);
	w->imap = NULL;
	localbox_free(w->local);
	w->local = NULL;
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

/* Queue a request. */
static void
worker_request(struct worker *w, enum req_type type, const char *folder,
    uint32_t a, uint32_t b)
{
	struct request *r = xcalloc(1, sizeof(*r));

	r->type = type;
	r->folder = folder ? xstrdup(folder) : NULL;
	r->a = a;
	r->b = b;
	pthread_mutex_lock(&w->lock);
	if (w->reqs_tail != NULL)
		w->reqs_tail->next = r;
	else
		w->reqs = r;
	w->reqs_tail = r;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
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
	if (w->busy && w->active != NULL) {
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
	worker_cancel(w);
	pthread_join(w->thread, NULL);
	while ((r = w->reqs) != NULL) {
		w->reqs = r->next;
		free(r->folder);
		free(r);
	}
	while ((ev = worker_next_event(w)) != NULL)
		event_free(ev);
	for (svc = 0; svc < SERVICE_COUNT; svc++)
		svc_view_clear(&w->views[svc]);
	xfree_secret(w->pw_answer);
	for (svc = 0; svc < SERVICE_COUNT; svc++)
		free(w->accepted[svc]);
	free(w->selected);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}
