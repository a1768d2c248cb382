/* imap.c: IMAP over libetpan: greeting, STARTTLS, capabilities, LOGIN. */
#include "build-config.h"

#include <libetpan/libetpan.h>

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "proto.h"
#include "session.h"
#include "xmalloc.h"

/* A greeting we cannot trust before encryption: a hard failure. */
enum status
proto_bad_greeting(struct session *s, const char *what, char **errstr)
{
	if (s->wire != NULL && wire_is_tls(s->wire)) {
		*errstr = xasprintf(_("%s: %s"), s->where, what);
		return ST_NETWORK;
	}
	/* TRANSLATORS: %s: "IMAP host:143"; second: what was wrong. */
	*errstr = xasprintf(_("%s: %s before encryption; starling stops here "
	    "so that nothing is sent in the clear"), s->where, what);
	transcript_note(s->tr, "%s", *errstr);
	return ST_NOT_ENCRYPTED;
}

/* A protocol failure once TLS is up: the server misbehaved. */
enum status
proto_after_tls_error(struct session *s, const char *what, char **errstr)
{
	*errstr = xasprintf(_("%s: %s"), s->where, what);
	return ST_NETWORK;
}

/* Forget every capability and response learned so far (before TLS). */
static void
imap_forget(mailimap *imap)
{
	struct mailimap_connection_info *ci = imap->imap_connection_info;

	if (ci != NULL && ci->imap_capability != NULL) {
		mailimap_capability_data_free(ci->imap_capability);
		ci->imap_capability = NULL;
	}
	if (imap->imap_response_info != NULL) {
		mailimap_response_info_free(imap->imap_response_info);
		imap->imap_response_info = mailimap_response_info_new();
	}
	/* imap_response points into libetpan's buffer: not ours to free. */
}

/* Ask for CAPABILITY; the list lands in the connection info. */
static int
imap_ask_capability(mailimap *imap)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	r = mailimap_capability(imap, &cap);
	if (cap != NULL)
		mailimap_capability_data_free(cap);
	return r;
}

/* Did the server advertise STARTTLS (greeting, or CAPABILITY before TLS)? */
static int
imap_starttls_advertised(mailimap *imap)
{
	if (imap->imap_connection_info == NULL ||
	    imap->imap_connection_info->imap_capability == NULL)
		if (imap_ask_capability(imap) == MAILIMAP_ERROR_STREAM)
			return -1;
	return mailimap_has_extension(imap, "STARTTLS");
}

/* Read the greeting; PREAUTH, BYE or garbage before TLS is fatal. */
static enum status
imap_greeting(struct session *s, mailimap *imap, char **errstr)
{
	int r = mailimap_connect(imap, wire_stream(s->wire));

	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_AUTHENTICATED && wire_failed(s->wire))
		r = MAILIMAP_ERROR_STREAM;
	switch (r) {
	case MAILIMAP_NO_ERROR_NON_AUTHENTICATED:
		return ST_OK;
	case MAILIMAP_NO_ERROR_AUTHENTICATED:
		if (wire_is_tls(s->wire))
			return ST_OK;
		return proto_bad_greeting(s, _("the server greeted with "
		    "PREAUTH (already logged in)"), errstr);
	case MAILIMAP_ERROR_STREAM:
		return session_stream_error(s, _("reading the greeting"),
		    errstr);
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return proto_bad_greeting(s, _("the server greeted with BYE"),
		    errstr);
	}
	return proto_bad_greeting(s, _("the greeting is not valid IMAP"),
	    errstr);
}

/* Is any way to log in offered (LOGIN without LOGINDISABLED, or an
 * AUTH= mechanism)? -1 when the capabilities are not known. */
static int
imap_auth_offered(mailimap *imap)
{
	struct mailimap_capability_data *caps;
	struct mailimap_capability *c;
	clistiter *it;

	if (imap->imap_connection_info == NULL ||
	    (caps = imap->imap_connection_info->imap_capability) == NULL)
		return -1;
	if (!mailimap_has_extension(imap, "LOGINDISABLED"))
		return 1;
	for (it = clist_begin(caps->cap_list); it != NULL;
	    it = clist_next(it)) {
		c = clist_content(it);
		if (c->cap_type == MAILIMAP_CAPABILITY_AUTH_TYPE)
			return 1;
	}
	return 0;
}

/* Send STARTTLS (always, advertised or not) and secure the session. */
static enum status
imap_starttls(struct session *s, mailimap *imap, char **errstr)
{
	s->starttls_advertised = imap_starttls_advertised(imap);
	if (s->starttls_advertised == -1)
		return session_stream_error(s, _("asking for capabilities"),
		    errstr);
	s->plain_auth_offered = imap_auth_offered(imap);
	return session_upgrade(s, errstr);
}

/* Greeting, STARTTLS, verification, and capabilities asked again. */
static enum status
imap_open(struct session *s, char **errstr)
{
	mailimap *imap;
	enum status st;

	if ((imap = mailimap_new(0, NULL)) == NULL)
		fatalx("mailimap_new");
	s->proto = imap;
	if ((st = imap_greeting(s, imap, errstr)) != ST_OK)
		return st;
	if (s->url->transport == TRANSPORT_STARTTLS &&
	    (st = imap_starttls(s, imap, errstr)) != ST_OK)
		return st;
	if (s->level == LEVEL_PLAINTEXT)
		return ST_OK;
	imap_forget(imap);
	if (imap_ask_capability(imap) != MAILIMAP_NO_ERROR)
		return session_stream_error(s, _("asking for capabilities "
		    "after TLS"), errstr);
	s->starttls_after_tls = mailimap_has_extension(imap, "STARTTLS");
	if (s->url->transport == TRANSPORT_IMPLICIT)
		s->starttls_advertised = s->starttls_after_tls;
	return ST_OK;
}

/* The result of LOGIN or AUTHENTICATE as a status. */
static enum status
imap_login_result(struct session *s, mailimap *imap, int r, char **errstr)
{
	char *words;

	switch (r) {
	case MAILIMAP_NO_ERROR:
		return ST_OK;
	case MAILIMAP_ERROR_STREAM:
		return session_stream_error(s, _("logging in"), errstr);
	case MAILIMAP_ERROR_LOGIN:
		words = session_server_words(imap->imap_response, "NO");
		*errstr = xasprintf(_("%s rejected the user name or password "
		    "(%s)"), s->where, words);
		free(words);
		return ST_AUTH_REJECTED;
	}
	*errstr = xasprintf(_("%s: login failed (libetpan error %d)"),
	    s->where, r);
	return ST_AUTH_REJECTED;
}

/* LOGIN, or AUTHENTICATE PLAIN when the server disabled LOGIN. */
static enum status
imap_login(struct session *s, const char *user, const char *pass,
    char **errstr)
{
	mailimap *imap = s->proto;
	int r;

	if (imap->imap_state == MAILIMAP_STATE_AUTHENTICATED)
		return ST_OK;	/* PREAUTH inside TLS */
	if (!mailimap_has_extension(imap, "LOGINDISABLED"))
		r = mailimap_login(imap, user, pass);
	else if (mailimap_has_authentication(imap, "PLAIN"))
		r = mailimap_authenticate(imap, "PLAIN", s->url->host, NULL,
		    NULL, user, user, pass, NULL);
	else {
		*errstr = xasprintf(_("%s disabled LOGIN and offers no "
		    "AUTHENTICATE mechanism starling supports"), s->where);
		return s->level == LEVEL_PLAINTEXT ? ST_NOT_ENCRYPTED :
		    ST_AUTH_REJECTED;
	}
	return imap_login_result(s, imap, r, errstr);
}

/* LOGOUT, ignoring errors: we are leaving anyway. */
static void
imap_logout(struct session *s)
{
	mailimap *imap = s->proto;

	if (imap == NULL || imap->imap_stream == NULL)
		return;
	mailimap_logout(imap);
	if (imap->imap_stream == NULL)
		wire_stream_gone(s->wire);
}

/* Free libetpan's state; the stream belongs to the wire. */
static void
imap_free(struct session *s)
{
	mailimap *imap = s->proto;

	imap->imap_stream = NULL;
	mailimap_free(imap);
	s->proto = NULL;
}

const struct proto proto_imap = {
	imap_open, imap_login, imap_logout, imap_free
};
