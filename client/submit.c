/* submit.c: submission through the gate, the outbox, the Sent copy. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "i18n.h"
#include "mailbox.h"
#include "maildir.h"
#include "outbox.h"
#include "proto.h"
#include "secret.h"
#include "session.h"
#include "submit.h"
#include "xdg.h"
#include "xmalloc.h"

/* What one submission (or flush) knows: the account, the options, and
 * the password once asked (SMTP and IMAP share it; wiped at the end). */
struct submit_ctx {
	const struct account		*acct;
	const struct submit_opts	*opts;
	char				*pass;
};

/* What happened to one message on an open SMTP session. */
struct submit_result {
	int			 sent;		/* the server took DATA */
	enum status		 st;
	int			 permanent;	/* 5xx: retrying cannot help */
	char			*why;
	struct address_specs	 rejected;	/* "addr (reply)", 5xx */
	struct address_specs	 deferred;	/* addr, 4xx */
};

/* One SMTP command's arguments and reply code, through the gate. */
struct submit_cmd {
	struct session	*s;
	const char	*arg;
	const char	*msg;
	size_t		 len;
	int		 eightbit;
	int		 code;
};

static const struct submit_opts submit_no_opts;

/* ------------------------------------------------------------ sessions */

/* The password: asked once per submission, from password_cmd or the
 * caller's callback; the command line never prompts. */
static enum status
submit_password(struct submit_ctx *c, const char *where, char **pass,
    char **errstr)
{
	char *err = NULL;

	if (c->pass == NULL && c->acct->password_cmd != NULL) {
		if (secret_from_cmd(c->acct->password_cmd, c->acct->timeout,
		    &c->pass, &err) == -1) {
			*errstr = xasprintf(_("account %s: %s"), c->acct->name,
			    err);
			free(err);
			return ST_USAGE;
		}
	} else if (c->pass == NULL && c->opts->password != NULL)
		c->pass = c->opts->password(c->opts->password_arg, where);
	else if (c->pass == NULL) {
		*errstr = xasprintf(_("account %s has no password_cmd; "
		    "starling send never prompts for a password"),
		    c->acct->name);
		return ST_USAGE;
	}
	if (c->pass == NULL) {
		*errstr = xstrdup(_("no password given"));
		return ST_USAGE;
	}
	*pass = c->pass;
	return ST_OK;
}

/* Authenticate: the gate first (a refused session never even runs
 * password_cmd), then the password through the gate. No user = no
 * AUTH (a server that relays for this address). */
static enum status
submit_login(struct submit_ctx *c, struct session *s, char **errstr)
{
	enum status st;
	char *pass, *why = NULL;

	if ((st = gate_check(&s->gate, GATE_CREDENTIAL, &why)) != ST_OK) {
		s->auth = AUTH_REFUSED;
		if (s->plain_reason != NULL) {
			*errstr = xasprintf("%s: %s; %s", s->where,
			    s->plain_reason, why);
			free(why);
		} else
			*errstr = why;
		return st;
	}
	if (c->acct->user == NULL)
		return ST_OK;
	if ((st = submit_password(c, s->where, &pass, errstr)) != ST_OK)
		return st;
	return session_login(s, c->acct->user, pass, errstr);
}

/* Connect to a service of the account, secure it and log in. *out is
 * set also on failure (for submit_close()). */
static enum status
submit_connect(struct submit_ctx *c, enum service svc, struct session **out,
    char **errstr)
{
	struct session *s;
	enum status st;

	s = session_new(c->acct, svc, c->opts->allow_plaintext);
	*out = s;
	if ((st = session_open(s, errstr)) != ST_OK)
		return st;
	return submit_login(c, s, errstr);
}

/* Say goodbye when the connection still works, and free it. */
static void
submit_close(struct session *s)
{
	if (s == NULL)
		return;
	if (s->proto != NULL && s->level != LEVEL_NONE && s->wire != NULL &&
	    !wire_failed(s->wire))
		s->ops->logout(s);
	session_free(s);
}

/* --------------------------------------------------------- transaction */

/* MAIL FROM, as the gate runs it. */
static int
submit_do_mail(void *arg)
{
	struct submit_cmd *c = arg;

	c->code = smtp_mail_from(c->s, c->arg, c->eightbit, c->len);
	return 0;
}

/* RCPT TO, as the gate runs it. */
static int
submit_do_rcpt(void *arg)
{
	struct submit_cmd *c = arg;

	c->code = smtp_rcpt_to(c->s, c->arg);
	return 0;
}

/* DATA and the message, as the gate runs it. */
static int
submit_do_data(void *arg)
{
	struct submit_cmd *c = arg;

	c->code = smtp_data(c->s, c->msg, c->len);
	return 0;
}

/* Run one command through the gate; ST_OK when it ran (c->code says how
 * it went), else the gate's refusal in r. */
static enum status
submit_gated(struct session *s, gate_send_fn fn, struct submit_cmd *c,
    struct submit_result *r)
{
	int dummy;

	c->s = s;
	c->code = 0;
	r->st = gate_release(&s->gate, GATE_PRIVATE, fn, c, &dummy, &r->why);
	return r->st;
}

/* The server's words for the last reply, sanitised, on one line. */
static char *
submit_words(struct session *s, int code)
{
	char *w = session_server_words(smtp_reply_text(s), "?"), *p;

	for (p = w; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	p = xasprintf("%d %s", code, w);
	free(w);
	while (strlen(p) > 0 && p[strlen(p) - 1] == ' ')
		p[strlen(p) - 1] = '\0';
	return p;
}

/* A step failed: the stream (network), 4xx (later), 5xx (never). */
static void
submit_failed(struct submit_result *r, struct session *s, int code,
    const char *doing)
{
	char *words;

	if (code == 0) {
		r->st = session_stream_error(s, doing, &r->why);
		return;
	}
	words = submit_words(s, code);
	/* TRANSLATORS: "SMTP host:587 refused MAIL FROM: 553 5.7.1 ..." */
	r->why = xasprintf(_("%s refused %s: %s"), s->where, doing, words);
	free(words);
	r->permanent = code >= 500;
	r->st = r->permanent ? ST_USAGE : ST_NETWORK;
}

/* RCPT TO for every recipient; the number accepted, -1 if the stream
 * failed or the gate refused. */
static int
submit_rcpts(struct session *s, const struct envelope_out *env,
    struct submit_result *r)
{
	struct submit_cmd c;
	char *w, *item;
	size_t i;
	int ok = 0;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < env->nrcpt; i++) {
		c.arg = env->rcpt[i];
		if (submit_gated(s, submit_do_rcpt, &c, r) != ST_OK)
			return -1;
		if (c.code == 250 || c.code == 251) {
			ok++;
			continue;
		}
		if (c.code == 0) {
			submit_failed(r, s, 0, "RCPT TO");
			return -1;
		}
		w = submit_words(s, c.code);
		item = xasprintf("%s (%s)", env->rcpt[i], w);
		address_specs_add(c.code >= 500 ? &r->rejected : &r->deferred,
		    c.code >= 500 ? item : env->rcpt[i]);
		free(item);
		free(w);
	}
	return ok;
}

/* Does the message have 8-bit bytes (BODY=8BITMIME)? */
static int
submit_has_8bit(const char *msg, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)msg[i] >= 0x80)
			return 1;
	return 0;
}

/* A list of addresses as one string, "a, b". */
static char *
submit_join(const struct address_specs *l)
{
	struct ebuf b;
	size_t i;

	ebuf_init(&b);
	for (i = 0; i < l->n; i++)
		ebuf_printf(&b, "%s%s", i ? ", " : "", l->v[i]);
	return ebuf_take(&b, NULL);
}

/* MAIL FROM, RCPT TO each, DATA: the result in r. */
static void
submit_transaction(struct session *s, const char *msg, size_t len,
    const struct envelope_out *env, struct submit_result *r)
{
	struct submit_cmd c;
	char *list;
	int ok;

	memset(&c, 0, sizeof(c));
	c.arg = env->from;
	c.len = len;
	c.eightbit = submit_has_8bit(msg, len);
	if (submit_gated(s, submit_do_mail, &c, r) != ST_OK)
		return;
	if (c.code != 250) {
		submit_failed(r, s, c.code, "MAIL FROM");
		return;
	}
	if ((ok = submit_rcpts(s, env, r)) < 0)
		return;
	if (ok == 0) {
		list = submit_join(r->rejected.n ? &r->rejected : &r->deferred);
		r->why = xasprintf(_("%s refused every recipient: %s"),
		    s->where, list);
		free(list);
		r->permanent = r->deferred.n == 0;
		r->st = r->permanent ? ST_USAGE : ST_NETWORK;
		smtp_rset(s);
		return;
	}
	c.msg = msg;
	if (submit_gated(s, submit_do_data, &c, r) != ST_OK)
		return;
	if (c.code != 250) {
		submit_failed(r, s, c.code, "DATA");
		return;
	}
	r->sent = 1;
	r->st = ST_OK;
}

/* Free what a result holds. */
static void
submit_result_clear(struct submit_result *r)
{
	size_t i;

	free(r->why);
	for (i = 0; i < r->rejected.n; i++)
		free(r->rejected.v[i]);
	free(r->rejected.v);
	for (i = 0; i < r->deferred.n; i++)
		free(r->deferred.v[i]);
	free(r->deferred.v);
	memset(r, 0, sizeof(*r));
}

/* ------------------------------------------------------- copies stored */

/* The local Maildir for copies when there is no IMAP: maildir/SUB, else
 * $XDG_DATA_HOME/starling/XDG/ACCOUNT. */
static char *
submit_local_path(const struct account *a, const char *sub, const char *xdg)
{
	char *rel, *path;

	if (a->maildir != NULL)
		return xasprintf("%s/%s", a->maildir, sub);
	rel = xasprintf("%s/%s", xdg, a->name);
	path = xdg_path("XDG_DATA_HOME", ".local/share", rel);
	free(rel);
	return path;
}

/* Store a copy: APPEND to folder over IMAP (through the gate), or into
 * the local Maildir when the account has no IMAP. */
static enum status
submit_store(struct submit_ctx *c, const char *folder, unsigned flags,
    const char *sub, const char *xdg, const char *msg, size_t len,
    char **errstr)
{
	struct maildir *md;
	struct session *s;
	enum status st;
	char *path, *err = NULL;

	if (c->acct->url[SERVICE_IMAP] != NULL) {
		if ((st = submit_connect(c, SERVICE_IMAP, &s, errstr)) == ST_OK)
			st = mailbox_append(s, folder, msg, len, flags, errstr);
		submit_close(s);
		return st;
	}
	path = submit_local_path(c->acct, sub, xdg);
	if (xdg_mkparent(path, &err) == -1) {
		*errstr = err;
		free(path);
		return ST_LOCAL;
	}
	if ((st = maildir_open(path, 1, &md, errstr)) == ST_OK) {
		st = maildir_deliver(md, msg, len, NULL,
		    flags & MSG_DRAFT ? "D" : "S", NULL, errstr);
		maildir_free(md);
	}
	free(path);
	return st;
}

/* The Sent copy; a failure is only a warning. */
static void
submit_sent_copy(struct submit_ctx *c, const char *msg, size_t len,
    char **warning)
{
	const char *folder = c->acct->sent_folder != NULL ?
	    c->acct->sent_folder : "Sent";
	char *err = NULL;

	if (submit_store(c, folder, MSG_SEEN, ".Sent", "sent", msg, len,
	    &err) == ST_OK)
		return;
	/* TRANSLATORS: "the message was sent, but no copy is in Sent: ..." */
	*warning = xasprintf(_("the message was sent, but no copy is in %s: "
	    "%s"), folder, err);
	free(err);
}

/* -------------------------------------------------------------- outbox */

/* Queue the recipients the server deferred (4xx) as a new entry. */
static void
submit_requeue(struct outbox *ob, const char *msg, size_t len,
    const struct envelope_out *env, const struct submit_result *r)
{
	struct envelope_out part = { env->from, r->deferred.v,
	    r->deferred.n };
	struct outbox_entry *e;
	char *err = NULL;

	if (outbox_put(ob, msg, len, &part, &e, &err) == ST_OK) {
		outbox_set_reason(ob, e, r->why ? r->why : "", &err);
		outbox_entry_free(e);
	}
	free(err);
}

/* The status and sentence of a message the server took, some recipients
 * refused (5xx) or deferred (4xx, queued again). */
static enum status
submit_partial(const struct submit_result *r, char **errstr)
{
	char *list;

	if (r->rejected.n > 0) {
		list = submit_join(&r->rejected);
		*errstr = xasprintf(_("the message was sent, but the server "
		    "refused these recipients: %s"), list);
		free(list);
		return ST_USAGE;
	}
	list = submit_join(&r->deferred);
	*errstr = xasprintf(_("the message was sent, but the server deferred "
	    "these recipients; it stays in the outbox for them: %s"), list);
	free(list);
	return ST_NETWORK;
}

/* After the server took the message: the deferred ones again, the flag
 * S (durable), the Sent copy, then the entry goes. */
static enum status
submit_accepted(struct submit_ctx *c, struct outbox *ob,
    struct outbox_entry *e, const char *msg, size_t len,
    const struct envelope_out *env, struct submit_result *r, int *queued,
    char **warning, char **errstr)
{
	char *err = NULL;

	if (r->deferred.n > 0 && ob != NULL) {
		submit_requeue(ob, msg, len, env, r);
		*queued = 1;
	}
	if (e != NULL && !c->opts->no_sent_copy &&
	    outbox_set_submitted(ob, e, &err) != ST_OK) {
		free(err);
		err = NULL;
	}
	if (!c->opts->no_sent_copy)
		submit_sent_copy(c, msg, len, warning);
	if (e != NULL && outbox_done(ob, e, &err) != ST_OK) {
		if (*warning == NULL)
			*warning = err;
		else
			free(err);
	}
	if (r->rejected.n > 0 || r->deferred.n > 0)
		return submit_partial(r, errstr);
	return ST_OK;
}

/* Decide the fate of one message from its result: sent, refused for
 * good (out of the outbox), or kept in the outbox with the reason. */
static enum status
submit_finish(struct submit_ctx *c, struct outbox *ob,
    struct outbox_entry *e, const char *msg, size_t len,
    const struct envelope_out *env, struct submit_result *r, int *queued,
    char **warning, char **errstr)
{
	char *err = NULL;

	if (r->sent)
		return submit_accepted(c, ob, e, msg, len, env, r, queued,
		    warning, errstr);
	if (r->permanent) {
		if (e != NULL && outbox_done(ob, e, &err) != ST_OK)
			free(err);
		*errstr = r->why;
		r->why = NULL;
		return r->st;
	}
	if (e == NULL)
		return ST_LOCAL;
	if (outbox_set_reason(ob, e, r->why, &err) != ST_OK)
		free(err);
	*queued = 1;
	*errstr = r->why;
	r->why = NULL;
	return r->st;
}

/* Is everything there to try: SMTP configured, a sender, recipients? */
static enum status
submit_check(const struct account *acct, const struct envelope_out *env,
    char **errstr)
{
	size_t i;

	if (acct->url[SERVICE_SMTP] == NULL) {
		*errstr = xasprintf(_("account %s has no smtp = setting"),
		    acct->name);
		return ST_USAGE;
	}
	if (env->from == NULL || (*env->from != '\0' &&
	    !address_spec_valid(env->from, 1))) {
		*errstr = xstrdup(_("the message has no usable sender "
		    "address"));
		return ST_USAGE;
	}
	for (i = 0; i < env->nrcpt; i++)
		if (!address_spec_valid(env->rcpt[i], 1)) {
			*errstr = xasprintf(_("\"%s\" is not an e-mail "
			    "address"), env->rcpt[i]);
			return ST_USAGE;
		}
	if (env->nrcpt == 0) {
		*errstr = xstrdup(_("the message has no recipient"));
		return ST_USAGE;
	}
	return ST_OK;
}

/* The outbox could not hold the message and it was not sent either. */
static enum status
submit_lost_outbox(struct submit_result *r, char *oberr, char **errstr)
{
	/* TRANSLATORS: first %s why sending failed, second why the outbox
	 * failed. */
	*errstr = xasprintf(_("%s; and the message could not be kept in the "
	    "outbox either: %s"), r->why ? r->why : "?", oberr ? oberr : "?");
	return ST_LOCAL;
}

/*
 * Send one message: first into the outbox (so that nothing is lost,
 * whatever happens next), then through the gate to the server; the
 * outbox entry goes once the server took it, or refused it for good.
 */
enum status
submit_send(const struct account *acct, const char *msg, size_t len,
    const struct envelope_out *env, const struct submit_opts *opts,
    int *queued, char **warning, char **errstr)
{
	struct submit_ctx c = { acct, opts ? opts : &submit_no_opts, NULL };
	struct submit_result r;
	struct outbox_entry *e = NULL;
	struct outbox *ob = NULL;
	struct session *s = NULL;
	char *oberr = NULL;
	enum status st;

	*queued = 0;
	*warning = NULL;
	if ((st = submit_check(acct, env, errstr)) != ST_OK)
		return st;
	memset(&r, 0, sizeof(r));
	if (outbox_open(acct, 1, &ob, &oberr) == ST_OK)
		outbox_put(ob, msg, len, env, &e, &oberr);
	if ((r.st = submit_connect(&c, SERVICE_SMTP, &s, &r.why)) == ST_OK)
		submit_transaction(s, msg, len, env, &r);
	submit_close(s);
	st = submit_finish(&c, ob, e, msg, len, env, &r, queued, warning,
	    errstr);
	if (st == ST_LOCAL && e == NULL && !r.sent)
		st = submit_lost_outbox(&r, oberr, errstr);
	else if (oberr != NULL && *warning == NULL)
		*warning = xstrdup(oberr);
	free(oberr);
	submit_result_clear(&r);
	outbox_entry_free(e);
	outbox_free(ob);
	xfree_secret(c.pass);
	return st;
}

/* ---------------------------------------------------------------- flush */

/* Entries the server already took: only their Sent copy is left. */
static void
submit_flush_copies(struct submit_ctx *c, struct outbox *ob,
    struct outbox_entry **v, size_t n)
{
	char *warning = NULL, *err = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!v[i]->submitted)
			continue;
		if (!c->opts->no_sent_copy)
			submit_sent_copy(c, v[i]->msg, v[i]->msglen, &warning);
		free(warning);
		warning = NULL;
		if (outbox_done(ob, v[i], &err) != ST_OK)
			free(err);
		err = NULL;
	}
}

/* One queued message on the open session. */
static enum status
submit_flush_one(struct submit_ctx *c, struct outbox *ob,
    struct outbox_entry *e, struct session *s, int *sent, char **errstr)
{
	struct submit_result r;
	char *warning = NULL;
	enum status st;
	int queued = 0;

	memset(&r, 0, sizeof(r));
	submit_transaction(s, e->msg, e->msglen, &e->env, &r);
	/* a refused transaction is reset before the next one */
	if (!r.sent && !wire_failed(s->wire))
		smtp_rset(s);
	*sent = r.sent;
	st = submit_finish(c, ob, e, e->msg, e->msglen, &e->env, &r, &queued,
	    &warning, errstr);
	free(warning);
	submit_result_clear(&r);
	return st;
}

/* Remember the first failure of a flush. */
static void
submit_first(enum status *first, char **firsterr, enum status st, char *err)
{
	if (st != ST_OK && *first == ST_OK) {
		*first = st;
		*firsterr = err;
	} else
		free(err);
}

/* Every waiting message on one connection; none if it cannot be had. */
static enum status
submit_flush_all(struct submit_ctx *c, struct outbox *ob,
    struct outbox_entry **v, size_t n, size_t *nsent, size_t *left,
    char **errstr)
{
	enum status st, first = ST_OK;
	struct session *s = NULL;
	char *err = NULL, *why = NULL;
	size_t i;
	int sent;

	if ((st = submit_connect(c, SERVICE_SMTP, &s, &why)) != ST_OK) {
		for (i = 0; i < n; i++)
			if (!v[i]->submitted &&
			    outbox_set_reason(ob, v[i], why, &err) != ST_OK) {
				free(err);
				err = NULL;
			}
		submit_close(s);
		*errstr = why;
		return st;
	}
	for (i = 0; i < n; i++) {
		if (v[i]->submitted)
			continue;
		err = NULL;
		st = submit_flush_one(c, ob, v[i], s, &sent, &err);
		*nsent += sent;
		*left += !sent && st != ST_USAGE;
		submit_first(&first, errstr, st, err);
	}
	submit_close(s);
	return first;
}

/* Try every message of the account's outbox once (starling send
 * --flush): *sent were taken by the server, *left stay queued. */
enum status
submit_flush(const struct account *acct, const struct submit_opts *opts,
    size_t *sent, size_t *left, char **errstr)
{
	struct submit_ctx c = { acct, opts ? opts : &submit_no_opts, NULL };
	struct outbox_entry **v = NULL;
	struct outbox *ob;
	enum status st;
	size_t n = 0, i, pending = 0;

	*sent = *left = 0;
	if ((st = outbox_open(acct, 0, &ob, errstr)) != ST_OK || ob == NULL)
		return st;
	if ((st = outbox_take(ob, &v, &n, errstr)) != ST_OK) {
		outbox_free(ob);
		return st;
	}
	submit_flush_copies(&c, ob, v, n);
	for (i = 0; i < n; i++)
		pending += !v[i]->submitted;
	if (pending > 0 && acct->url[SERVICE_SMTP] == NULL) {
		*errstr = xasprintf(_("account %s has no smtp = setting"),
		    acct->name);
		st = ST_USAGE;
	} else if (pending > 0)
		st = submit_flush_all(&c, ob, v, n, sent, left, errstr);
	if (st != ST_OK && *sent + *left == 0)
		*left = pending;
	outbox_entries_free(v, n);
	outbox_free(ob);
	xfree_secret(c.pass);
	return st;
}

/* ---------------------------------------------------------------- route */

/* The level in words, for the summary. */
static const char *
submit_level_word(enum level l)
{
	switch (l) {
	case LEVEL_VERIFIED:
		return _("verified");
	case LEVEL_PINNED:
		return _("pinned");
	case LEVEL_UNVERIFIED:
		return _("not verified");
	case LEVEL_PLAINTEXT:
		return _("not encrypted");
	case LEVEL_NONE:
		break;
	}
	return _("not connected");
}

/* "STARTTLS, TLS 1.3, verified smtp.example.com". */
static char *
submit_summary(const struct session *s)
{
	const char *how = s->url->transport == TRANSPORT_STARTTLS ?
	    "STARTTLS" : _("implicit TLS"), *v = s->tls.version;

	if (!s->tls.done)
		return xasprintf("%s, %s %s", _("no TLS"),
		    submit_level_word(s->level), s->url->host);
	if (strncmp(v, "TLS", 3) == 0)
		return xasprintf("%s, TLS %s, %s %s", how, v + 3,
		    submit_level_word(s->level), s->url->host);
	return xasprintf("%s, %s, %s %s", how, v, submit_level_word(s->level),
	    s->url->host);
}

/*
 * How a message would travel: connect and secure the SMTP service
 * without authenticating, and say so (or why it cannot be sent
 * securely) in route->summary.
 */
enum status
submit_route_probe(const struct account *acct, struct submit_route *route,
    char **errstr)
{
	struct session *s;
	enum status st;
	char *err = NULL;

	memset(route, 0, sizeof(*route));
	if (acct->url[SERVICE_SMTP] == NULL) {
		*errstr = xasprintf(_("account %s has no smtp = setting"),
		    acct->name);
		route->summary = xstrdup(*errstr);
		return route->status = ST_USAGE;
	}
	s = session_new(acct, SERVICE_SMTP, 0);
	route->transport = s->url->transport;
	route->host = xstrdup(s->url->host);
	route->port = s->url->port;
	if ((st = session_open(s, &err)) == ST_OK &&
	    (st = gate_check(&s->gate, GATE_PRIVATE, &err)) == ST_OK)
		route->summary = submit_summary(s);
	else if (st != ST_OK && s->plain_reason != NULL && err != NULL) {
		route->summary = xasprintf("%s; %s", s->plain_reason, err);
		free(err);
	} else
		route->summary = err;
	route->level = s->level;
	route->tls_version = s->tls.done ? xstrdup(s->tls.version) : NULL;
	route->eightbit = smtp_eightbit(s);
	route->status = st;
	if (st != ST_OK)
		*errstr = xstrdup(route->summary ? route->summary : "?");
	submit_close(s);
	return st;
}

/* Free a route's strings; accepts a zeroed one. */
void
submit_route_clear(struct submit_route *route)
{
	free(route->host);
	free(route->tls_version);
	free(route->summary);
	memset(route, 0, sizeof(*route));
}

/* -------------------------------------------------------------- drafts */

/* Keep a draft: APPEND to Drafts (\Draft) over IMAP, or into the local
 * Drafts Maildir (maildir/.Drafts, else $XDG_DATA_HOME/starling/drafts/
 * ACCOUNT). */
enum status
draft_postpone(const struct account *acct, const char *msg, size_t len,
    char **errstr)
{
	return draft_postpone_opts(acct, NULL, msg, len, errstr);
}

/* draft_postpone() with a password callback (the UI). */
enum status
draft_postpone_opts(const struct account *acct,
    const struct submit_opts *opts, const char *msg, size_t len,
    char **errstr)
{
	struct submit_ctx c = { acct, opts ? opts : &submit_no_opts, NULL };
	enum status st;

	st = submit_store(&c, "Drafts", MSG_DRAFT | MSG_SEEN, ".Drafts",
	    "drafts", msg, len, errstr);
	xfree_secret(c.pass);
	return st;
}
