/* pop3.c: POP3 over libetpan: greeting, STLS, CAPA, USER/PASS. */
#include "build-config.h"

#include <libetpan/libetpan.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "pop3.h"
#include "proto.h"
#include "session.h"
#include "xmalloc.h"

struct pop3 {
	mailpop3	*pop3;
	clist		*capa;		/* after TLS only */
};

/* Is name in a CAPA list? */
static int
pop3_has(clist *capa, const char *name)
{
	clistiter *it;
	struct mailpop3_capa *c;

	if (capa == NULL)
		return 0;
	for (it = clist_begin(capa); it != NULL; it = clist_next(it)) {
		c = clist_content(it);
		if (strcasecmp(c->cap_name, name) == 0)
			return 1;
	}
	return 0;
}

/* Is a way to log in offered: USER, or SASL with a mechanism? */
static int
pop3_auth_offered(clist *capa)
{
	clistiter *it;
	struct mailpop3_capa *c;

	if (capa == NULL)
		return -1;
	for (it = clist_begin(capa); it != NULL; it = clist_next(it)) {
		c = clist_content(it);
		if (strcasecmp(c->cap_name, "USER") == 0 ||
		    (strcasecmp(c->cap_name, "SASL") == 0 &&
		    c->cap_param != NULL && !clist_isempty(c->cap_param)))
			return 1;
	}
	return 0;
}

/* Ask CAPA; the list, or NULL (servers need not support CAPA). */
static clist *
pop3_ask_capa(mailpop3 *pop3)
{
	clist *capa = NULL;

	if (mailpop3_capa(pop3, &capa) != MAILPOP3_NO_ERROR)
		return NULL;
	return capa;
}

/* Read the greeting; anything but +OK before TLS is fatal. */
static enum status
pop3_greeting(struct session *s, mailpop3 *pop3, char **errstr)
{
	if (mailpop3_connect(pop3, wire_stream(s->wire)) == MAILPOP3_NO_ERROR)
		return ST_OK;
	if (wire_failed(s->wire))
		return session_stream_error(s, _("reading the greeting"),
		    errstr);
	return proto_bad_greeting(s, _("the greeting is not a POP3 +OK"),
	    errstr);
}

/* Send STLS (always, advertised or not) and secure the session. */
static enum status
pop3_stls(struct session *s, mailpop3 *pop3, char **errstr)
{
	clist *capa = pop3_ask_capa(pop3);

	if (capa == NULL && wire_failed(s->wire))
		return session_stream_error(s, _("asking for capabilities"),
		    errstr);
	s->starttls_advertised = pop3_has(capa, "STLS");
	s->plain_auth_offered = pop3_auth_offered(capa);
	if (capa != NULL)
		mailpop3_capa_resp_free(capa);
	return session_upgrade(s, errstr);
}

/* Greeting, STLS, verification, and CAPA asked again. */
static enum status
pop3_open(struct session *s, char **errstr)
{
	struct pop3 *p = xcalloc(1, sizeof(*p));
	enum status st;

	if ((p->pop3 = mailpop3_new(0, NULL)) == NULL)
		fatalx("mailpop3_new");
	s->proto = p;
	if ((st = pop3_greeting(s, p->pop3, errstr)) != ST_OK)
		return st;
	if (s->url->transport == TRANSPORT_STARTTLS &&
	    (st = pop3_stls(s, p->pop3, errstr)) != ST_OK)
		return st;
	if (s->level == LEVEL_PLAINTEXT)
		return ST_OK;
	/* Forget the pre-TLS greeting's APOP timestamp and capabilities. */
	free(p->pop3->pop3_timestamp);
	p->pop3->pop3_timestamp = NULL;
	p->capa = pop3_ask_capa(p->pop3);
	if (p->capa == NULL && wire_failed(s->wire))
		return session_stream_error(s, _("asking for capabilities "
		    "after TLS"), errstr);
	s->starttls_after_tls = pop3_has(p->capa, "STLS");
	if (s->url->transport == TRANSPORT_IMPLICIT)
		s->starttls_advertised = s->starttls_after_tls;
	return ST_OK;
}

/* USER and PASS. */
static enum status
pop3_login(struct session *s, const char *user, const char *pass,
    char **errstr)
{
	struct pop3 *p = s->proto;
	char *words;
	int r;

	r = mailpop3_user(p->pop3, user);
	if (r == MAILPOP3_NO_ERROR)
		r = mailpop3_pass(p->pop3, pass);
	if (r == MAILPOP3_NO_ERROR)
		return ST_OK;
	if (r == MAILPOP3_ERROR_STREAM || wire_failed(s->wire))
		return session_stream_error(s, _("logging in"), errstr);
	words = session_server_words(p->pop3->pop3_response, "-ERR");
	*errstr = xasprintf(_("%s rejected the user name or password (%s)"),
	    s->where, words);
	free(words);
	return ST_AUTH_REJECTED;
}

/* QUIT; libetpan closes the stream itself. 0 when the server answered
 * (POP3 commits DELE only then), -1 when the stream failed first. */
int
pop3_quit(struct session *s)
{
	struct pop3 *p = s->proto;
	int r;

	if (p == NULL || p->pop3->pop3_stream == NULL)
		return -1;
	r = mailpop3_quit(p->pop3);
	if (p->pop3->pop3_stream == NULL)
		wire_stream_gone(s->wire);
	return r == MAILPOP3_NO_ERROR && !wire_failed(s->wire) ? 0 : -1;
}

/* QUIT, for the session's logout. */
static void
pop3_logout(struct session *s)
{
	pop3_quit(s);
}

/* The libetpan handle of an opened POP3 session. */
mailpop3 *
pop3_handle(struct session *s)
{
	struct pop3 *p = s->proto;

	if (s->service != SERVICE_POP3 || p == NULL)
		fatalx("pop3_handle: not an open POP3 session");
	return p->pop3;
}

/* Free LIST's table, which libetpan frees only in QUIT (and exports
 * no function for). */
static void
pop3_free_list(mailpop3 *pop3)
{
	struct mailpop3_msg_info *mi;
	unsigned i;

	if (pop3->pop3_msg_tab == NULL)
		return;
	for (i = 0; i < carray_count(pop3->pop3_msg_tab); i++)
		if ((mi = carray_get(pop3->pop3_msg_tab, i)) != NULL) {
			free(mi->msg_uidl);
			free(mi);
		}
	carray_free(pop3->pop3_msg_tab);
	pop3->pop3_msg_tab = NULL;
}

/* Free libetpan's state; the stream belongs to the wire. */
static void
pop3_free(struct session *s)
{
	struct pop3 *p = s->proto;

	if (p->capa != NULL)
		mailpop3_capa_resp_free(p->capa);
	pop3_free_list(p->pop3);
	/* mailpop3_free() frees the timestamp only through QUIT. */
	free(p->pop3->pop3_timestamp);
	p->pop3->pop3_timestamp = NULL;
	p->pop3->pop3_stream = NULL;
	mailpop3_free(p->pop3);
	free(p);
	s->proto = NULL;
}

const struct proto proto_pop3 = {
	pop3_open, pop3_login, pop3_logout, pop3_free
};
