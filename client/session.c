/* session.c: connect, secure, verify, and only then authenticate. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "session.h"
#include "starttls.h"
#include "tlsseen.h"
#include "xmalloc.h"

static const char *auth_names[] = {
	"not-attempted", "ok", "refused", "rejected"
};

/* The stable name of an authentication result, as in check --json. */
const char *
auth_result_name(enum auth_result a)
{
	return auth_names[a];
}

/* A server's own words, safe to show: sanitised, at most 200 bytes. */
char *
session_server_words(const char *text, const char *fallback)
{
	if (text == NULL || *text == '\0')
		text = fallback;
	return transcript_sanitize(text, strnlen(text, 200));
}

/* Keep the gate's view in step with the session. */
static void
session_sync_gate(struct session *s)
{
	s->gate.level = s->level;
	s->gate.encrypted = s->wire != NULL && wire_is_tls(s->wire);
	s->gate.allow_plaintext = s->allow_plaintext;
	s->gate.accepted = s->accepted != NULL && s->level == LEVEL_UNVERIFIED;
	s->gate.tr = s->tr;
	s->gate.where = s->where;
	s->gate.no_secrets = s->probe;
	if (s->probe) {
		s->gate.allow_plaintext = 0;
		s->gate.accepted = 0;
	}
}

/* A new session for one configured service of an account. */
struct session *
session_new(const struct account *acct, enum service svc, int allow_plain)
{
	static const struct proto *ops[] = {
		&proto_imap, &proto_pop3, &proto_smtp
	};
	struct session *s = xcalloc(1, sizeof(*s));

	if (acct->url[svc] == NULL)
		fatalx("session_new: %s not configured", service_name(svc));
	s->acct = acct;
	s->service = svc;
	s->url = acct->url[svc];
	s->where = xasprintf("%s %s:%u", service_label(svc), s->url->host,
	    s->url->port);
	s->tr = transcript_new();
	s->starttls_advertised = -1;
	s->plain_auth_offered = -1;
	s->starttls_after_tls = -1;
	s->allow_plaintext = acct->allow_plaintext_auth || allow_plain;
	s->ops = ops[svc];
	session_sync_gate(s);
	return s;
}

/* Close the connection and free the session; accepts NULL. */
void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	if (s->proto != NULL)
		s->ops->free(s);
	wire_free(s->wire);
	tls_info_clear(&s->tls);
	transcript_free(s->tr);
	free(s->plain_reason);
	free(s->accepted);
	free(s->where);
	free(s);
}

/* A stream failure from libetpan, in words. */
enum status
session_stream_error(struct session *s, const char *doing, char **errstr)
{
	/* TRANSLATORS: "IMAP host:143: reading the greeting: no answer ..." */
	*errstr = xasprintf(_("%s: %s: %s"), s->where, doing,
	    s->wire ? wire_error(s->wire) : "?");
	return ST_NETWORK;
}

/* Teach what just happened: the handshake in one line. */
static void
session_note_tls(struct session *s)
{
	transcript_note(s->tr, _("%s handshake done (%s, %s): from here on "
	    "the dialogue is encrypted"), s->tls.version, s->tls.cipher,
	    s->tls.group);
	transcript_note(s->tr, _("certificate: %s (%s)"),
	    s->tls.nchain ? s->tls.chain[0].subject : "?",
	    level_describe(s->level));
}

/* Handshake and verify on the connected socket. */
static enum status
session_handshake(struct session *s, char **errstr)
{
	struct tls_params p;
	enum status st;
	char *err = NULL;

	memset(&p, 0, sizeof(p));
	p.host = s->url->host;
	p.port = s->url->port;
	p.cafile = s->acct->cafile;
	p.priority = s->tls_priority ? s->tls_priority : s->acct->tls_priority;
	p.accept_any = s->probe;
	p.pin = s->acct->tls_pin;
	p.accepted = s->accepted;
	p.timeout = s->acct->timeout;
	st = wire_starttls(s->wire, &p, &s->tls, &s->level, &err);
	if (st != ST_OK) {
		transcript_note(s->tr, "%s", err);
		*errstr = xasprintf("%s: %s", s->where, err);
		free(err);
		return st;
	}
	session_note_tls(s);
	/* A probe leaves no trace in the user's downgrade memory. */
	if (!s->probe && s->url->transport == TRANSPORT_STARTTLS &&
	    tlsseen_record(s->service, s->url->host, s->url->port, time(NULL),
	    &err) == -1) {
		transcript_note(s->tr, "%s", err);
		free(err);
	}
	session_sync_gate(s);
	return ST_OK;
}

/* Bytes behind the reply to STARTTLS: response injection. */
static enum status
session_injected(struct session *s, size_t pending, char **errstr)
{
	s->injected = pending;
	*errstr = xasprintf(ngettext("%s: %zu byte arrived right after "
	    "the STARTTLS reply, before encryption began: someone on "
	    "the path may be injecting responses; connection refused",
	    "%s: %zu bytes arrived right after the STARTTLS reply, "
	    "before encryption began: someone on the path may be "
	    "injecting responses; connection refused", pending),
	    s->where, pending);
	transcript_note(s->tr, "%s", *errstr);
	return ST_NOT_ENCRYPTED;
}

/*
 * Send STARTTLS (always, advertised or not), judge the reply, refuse
 * injected bytes, and start TLS; a refusal leaves the session plaintext
 * for the gate to judge (or fails hard if this server did TLS before).
 */
enum status
session_upgrade(struct session *s, char **errstr)
{
	enum status st;
	size_t pending;
	int accepted;

	if ((st = starttls_exchange(s, &accepted, errstr)) != ST_OK)
		return st;
	/* Anything behind the reply, positive or not, is injected. */
	if ((pending = wire_pending(s->wire)) > 0)
		return session_injected(s, pending, errstr);
	if (accepted)
		return session_handshake(s, errstr);
	/* The reply is unauthenticated text: it stays in the transcript. */
	return session_no_tls(s, s->starttls_advertised > 0 ?
	    _("the server refused STARTTLS") :
	    _("the server does not offer STARTTLS"), errstr);
}

/* The downgrade alarm: this server did TLS before and does not now. */
static enum status
session_downgrade(struct session *s, time_t when, const char *why,
    char **errstr)
{
	char date[32], *path = tlsseen_path();
	struct tm tm;

	strftime(date, sizeof(date), "%Y-%m-%d %H:%M", localtime_r(&when, &tm));
	*errstr = xasprintf(_("%s offered STARTTLS on %s; it does not now (%s): "
	    "a network attacker may be stripping it. If the server really "
	    "stopped offering TLS, remove its line from %s"), s->where, date,
	    why, path);
	transcript_note(s->tr, "%s", *errstr);
	free(path);
	return ST_NOT_ENCRYPTED;
}

/*
 * STARTTLS failed (not offered, refused): the session stays plaintext,
 * and the gate decides what may still be sent. A server that did TLS
 * before is a hard failure.
 */
enum status
session_no_tls(struct session *s, const char *why, char **errstr)
{
	time_t when;

	if (!s->probe &&
	    tlsseen_lookup(s->service, s->url->host, s->url->port, &when))
		return session_downgrade(s, when, why, errstr);
	free(s->plain_reason);
	s->plain_reason = xstrdup(why);
	s->level = LEVEL_PLAINTEXT;
	transcript_note(s->tr, _("STARTTLS failed (%s): this connection is "
	    "not encrypted; anyone on the path can read it"), why);
	session_sync_gate(s);
	return ST_OK;
}

/* Connect, secure and verify; ready for session_login() on success. */
enum status
session_open(struct session *s, char **errstr)
{
	enum status st;
	char *err = NULL;

	session_sync_gate(s);
	st = wire_connect(s->connect_addr ? s->connect_addr : s->url->host,
	    s->url->port, s->acct->timeout, s->tr, &s->wire, &err);
	if (st != ST_OK) {
		*errstr = xasprintf("%s: %s", s->where, err);
		free(err);
		return st;
	}
	if (s->on_wire != NULL)
		s->on_wire(s->on_wire_arg, s->wire);
	transcript_note(s->tr, _("connected to %s; nothing is encrypted yet: "
	    "every line in the clear can be read by anyone on the path"),
	    s->where);
	if (s->url->transport == TRANSPORT_IMPLICIT &&
	    (st = session_handshake(s, errstr)) != ST_OK)
		return st;
	st = s->ops->open(s, errstr);
	session_sync_gate(s);
	return st;
}

struct login_ctx {
	struct session	*s;
	const char	*user;
	const char	*pass;
	char		*err;
};

/* The part that runs inside the gate. */
static int
session_login_send(void *arg)
{
	struct login_ctx *c = arg;

	return (int)c->s->ops->login(c->s, c->user, c->pass, &c->err);
}

/* Authenticate through the gate. */
enum status
session_login(struct session *s, const char *user, const char *pass,
    char **errstr)
{
	struct login_ctx c = { s, user, pass, NULL };
	enum status st;
	int result;

	session_sync_gate(s);
	transcript_add_secret(s->tr, pass);
	st = gate_release(&s->gate, GATE_CREDENTIAL, session_login_send, &c,
	    &result, errstr);
	if (st != ST_OK) {
		s->auth = AUTH_REFUSED;
		return st;
	}
	st = (enum status)result;
	if (st == ST_OK)
		s->auth = AUTH_OK;
	else if (st == ST_AUTH_REJECTED)
		s->auth = AUTH_REJECTED;
	if (st != ST_OK)
		*errstr = c.err;
	return st;
}
