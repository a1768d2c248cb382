/* smtp.c: SMTP submission over libetpan: greeting, EHLO, STARTTLS, AUTH. */
#include "build-config.h"

#include <libetpan/libetpan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "proto.h"
#include "session.h"
#include "xmalloc.h"

/* Read the 220 greeting; anything else before TLS is fatal. */
static enum status
smtp_greeting(struct session *s, mailsmtp *smtp, char **errstr)
{
	int r = mailsmtp_connect(smtp, wire_stream(s->wire));

	if (r == MAILSMTP_NO_ERROR)
		return ST_OK;
	/* On failure libetpan closes the stream itself. */
	if (smtp->stream == NULL)
		wire_stream_gone(s->wire);
	if (r == MAILSMTP_ERROR_STREAM || wire_failed(s->wire))
		return session_stream_error(s, _("reading the greeting"),
		    errstr);
	return proto_bad_greeting(s, _("the greeting is not an SMTP 220"),
	    errstr);
}

/* EHLO with our address literal (no host name leaks). */
static int
smtp_ehlo(mailsmtp *smtp)
{
	smtp->esmtp = 0;
	smtp->auth = MAILSMTP_AUTH_NOT_CHECKED;
	return mailesmtp_ehlo_with_ip(smtp, 1);
}

/* Does the last EHLO reply offer AUTH (any mechanism, also AUTH=)? */
static int
smtp_auth_offered(mailsmtp *smtp)
{
	const char *p = smtp->response;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, "AUTH", 4) == 0 &&
		    (p[4] == ' ' || p[4] == '='))
			return 1;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

/* Send STARTTLS (always, advertised or not) and secure the session. */
static enum status
smtp_starttls(struct session *s, mailsmtp *smtp, char **errstr)
{
	int r = smtp_ehlo(smtp);

	if (r == MAILSMTP_ERROR_STREAM || wire_failed(s->wire))
		return session_stream_error(s, _("sending EHLO"), errstr);
	s->starttls_advertised = r == MAILSMTP_NO_ERROR &&
	    (smtp->esmtp & MAILSMTP_ESMTP_STARTTLS) != 0;
	s->plain_auth_offered = r == MAILSMTP_NO_ERROR ?
	    smtp_auth_offered(smtp) : -1;
	return session_upgrade(s, errstr);
}

/* Greeting, STARTTLS, verification, and EHLO again. */
static enum status
smtp_open(struct session *s, char **errstr)
{
	mailsmtp *smtp;
	enum status st;
	int r;

	if ((smtp = mailsmtp_new(0, NULL)) == NULL)
		fatalx("mailsmtp_new");
	s->proto = smtp;
	if ((st = smtp_greeting(s, smtp, errstr)) != ST_OK)
		return st;
	if (s->url->transport == TRANSPORT_STARTTLS &&
	    (st = smtp_starttls(s, smtp, errstr)) != ST_OK)
		return st;
	if (s->level == LEVEL_PLAINTEXT)
		return ST_OK;
	/* Everything EHLO said before TLS is forgotten: ask again. */
	if ((r = smtp_ehlo(smtp)) != MAILSMTP_NO_ERROR) {
		if (r == MAILSMTP_ERROR_STREAM || wire_failed(s->wire))
			return session_stream_error(s, _("sending EHLO after "
			    "TLS"), errstr);
		return proto_after_tls_error(s, _("the server rejected EHLO"),
		    errstr);
	}
	s->starttls_after_tls = (smtp->esmtp & MAILSMTP_ESMTP_STARTTLS) != 0;
	if (s->url->transport == TRANSPORT_IMPLICIT)
		s->starttls_advertised = s->starttls_after_tls;
	return ST_OK;
}

/* AUTH PLAIN, else AUTH LOGIN, through libetpan's SASL. */
static enum status
smtp_login(struct session *s, const char *user, const char *pass,
    char **errstr)
{
	mailsmtp *smtp = s->proto;
	const char *mech;
	char *words;
	int r;

	if (smtp->auth & MAILSMTP_AUTH_PLAIN)
		mech = "PLAIN";
	else if (smtp->auth & MAILSMTP_AUTH_LOGIN)
		mech = "LOGIN";
	else {
		*errstr = xasprintf(_("%s offers no AUTH mechanism starling "
		    "supports (PLAIN, LOGIN)"), s->where);
		return ST_AUTH_REJECTED;
	}
	r = mailesmtp_auth_sasl(smtp, mech, s->url->host, NULL, NULL, user,
	    user, pass, NULL);
	if (r == MAILSMTP_NO_ERROR)
		return ST_OK;
	if (r == MAILSMTP_ERROR_STREAM || wire_failed(s->wire))
		return session_stream_error(s, _("logging in"), errstr);
	words = session_server_words(smtp->response, "535");
	*errstr = xasprintf(_("%s rejected the user name or password (%s)"),
	    s->where, words);
	free(words);
	return ST_AUTH_REJECTED;
}

/* QUIT; libetpan closes the stream itself. */
static void
smtp_logout(struct session *s)
{
	mailsmtp *smtp = s->proto;

	if (smtp == NULL || smtp->stream == NULL)
		return;
	mailsmtp_quit(smtp);
	if (smtp->stream == NULL)
		wire_stream_gone(s->wire);
}

/* Free libetpan's state; the stream belongs to the wire. */
static void
smtp_free(struct session *s)
{
	mailsmtp *smtp = s->proto;

	smtp->stream = NULL;
	mailsmtp_free(smtp);
	s->proto = NULL;
}

/* ------------------------------------------------ the mail transaction */

/* Read one reply as libetpan does (multi-line "NNN-" continued), into
 * smtp->response; its code, or 0 when the stream failed. */
static int
smtp_read_reply(mailsmtp *smtp)
{
	char *line, *text;
	int code, more;

	mmap_string_assign(smtp->response_buffer, "");
	do {
		line = mailstream_read_line_remove_eol(smtp->stream,
		    smtp->line_buffer);
		if (line == NULL) {
			code = more = 0;
			break;
		}
		code = (int)strtol(line, &text, 10);
		more = *text == '-';
		if (*text == ' ' || *text == '-')
			text++;
		mmap_string_append(smtp->response_buffer, text);
		mmap_string_append_c(smtp->response_buffer, '\n');
	} while (more);
	smtp->response = smtp->response_buffer->str;
	smtp->response_code = code;
	return code;
}

/* The libetpan handle of an SMTP session; anything else is a bug. */
static mailsmtp *
smtp_of(struct session *s)
{
	if (s->service != SERVICE_SMTP || s->proto == NULL)
		fatalx("smtp: not an open SMTP session");
	return s->proto;
}

/* Does the server take 8-bit bodies (8BITMIME after TLS)? */
int
smtp_eightbit(struct session *s)
{
	return s->proto != NULL && s->service == SERVICE_SMTP &&
	    (((mailsmtp *)s->proto)->esmtp & MAILSMTP_ESMTP_8BITMIME) != 0;
}

/* The text of the last reply (not sanitised), or "". */
const char *
smtp_reply_text(struct session *s)
{
	mailsmtp *smtp = s->proto;

	return smtp != NULL && smtp->response != NULL ? smtp->response : "";
}

/* MAIL FROM:<from>, with BODY=8BITMIME and SIZE= when the server offers
 * them (libetpan has no BODY=); the reply code, 0 if the stream failed.
 * Only through the gate (submit.c). */
int
smtp_mail_from(struct session *s, const char *from, int eightbit,
    size_t size)
{
	mailsmtp *smtp = smtp_of(s);
	char *cmd, body[32] = "", sz[40] = "";
	int r;

	if (eightbit && (smtp->esmtp & MAILSMTP_ESMTP_8BITMIME))
		snprintf(body, sizeof(body), " BODY=8BITMIME");
	if (smtp->esmtp & MAILSMTP_ESMTP_SIZE)
		snprintf(sz, sizeof(sz), " SIZE=%zu", size);
	cmd = xasprintf("MAIL FROM:<%s>%s%s\r\n", from, body, sz);
	r = mailstream_write(smtp->stream, cmd, strlen(cmd)) == -1 ||
	    mailstream_flush(smtp->stream) == -1 ? 0 : smtp_read_reply(smtp);
	free(cmd);
	return r;
}

/* RCPT TO:<to>; the reply code, 0 if the stream failed. */
int
smtp_rcpt_to(struct session *s, const char *to)
{
	mailsmtp *smtp = smtp_of(s);

	smtp->response_code = 0;
	mailesmtp_rcpt(smtp, to, 0, NULL);
	return smtp->response_code;
}

/* DATA, then the message (libetpan converts line ends and doubles
 * leading dots); the final reply code, or the refusal of DATA itself, 0
 * if the stream failed. The message's last line end is the one that
 * goes before the ".", so it is not sent twice. */
int
smtp_data(struct session *s, const char *msg, size_t len)
{
	mailsmtp *smtp = smtp_of(s);

	smtp->response_code = 0;
	if (mailsmtp_data(smtp) != MAILSMTP_NO_ERROR)
		return smtp->response_code;
	if (len >= 2 && msg[len - 2] == '\r' && msg[len - 1] == '\n')
		len -= 2;
	else if (len >= 1 && msg[len - 1] == '\n')
		len--;
	smtp->response_code = 0;
	mailsmtp_data_message(smtp, msg, len);
	return smtp->response_code;
}

/* RSET, to start the next transaction clean; the reply code. */
int
smtp_rset(struct session *s)
{
	mailsmtp *smtp = smtp_of(s);

	smtp->response_code = 0;
	mailsmtp_reset(smtp);
	return smtp->response_code;
}

const struct proto proto_smtp = {
	smtp_open, smtp_login, smtp_logout, smtp_free
};
