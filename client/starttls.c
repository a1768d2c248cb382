/* starttls.c: send STARTTLS and judge the reply ourselves. */
#include "build-config.h"

#include <libetpan/libetpan.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "starttls.h"
#include "transcript.h"
#include "xmalloc.h"

#define STARTTLS_MAX_LINES 64

/* Does line start with word, followed by a space or its end? */
static int
starts_word(const char *line, const char *word)
{
	size_t n = strlen(word);

	return strncasecmp(line, word, n) == 0 &&
	    (line[n] == ' ' || line[n] == '\0');
}

/* IMAP: our tag with OK, NO or BAD; untagged lines are read past. */
static enum stls_reply
reply_imap(const char *line)
{
	const char *p = line + strlen(STARTTLS_IMAP_TAG " ");

	if (starts_word(line, "*"))
		return line[1] == ' ' && starts_word(line + 2, "BYE") ?
		    STLS_REFUSED : STLS_MORE;
	if (strncmp(line, STARTTLS_IMAP_TAG " ", strlen(STARTTLS_IMAP_TAG " ")))
		return STLS_GARBLED;	/* includes "+ " continuations */
	if (starts_word(p, "OK"))
		return STLS_OK;
	if (starts_word(p, "NO") || starts_word(p, "BAD"))
		return STLS_REFUSED;
	return STLS_GARBLED;
}

/* POP3: +OK or -ERR, nothing else. */
static enum stls_reply
reply_pop3(const char *line)
{
	if (starts_word(line, "+OK"))
		return STLS_OK;
	if (starts_word(line, "-ERR"))
		return STLS_REFUSED;
	return STLS_GARBLED;
}

/* SMTP: "220 ..." goes ahead; "NNN-" lines continue; 4xx/5xx refuse. */
static enum stls_reply
reply_smtp(const char *line)
{
	if (!isdigit((unsigned char)line[0]) ||
	    !isdigit((unsigned char)line[1]) ||
	    !isdigit((unsigned char)line[2]))
		return STLS_GARBLED;
	if (line[3] == '-')
		return STLS_MORE;
	if (line[3] != ' ' && line[3] != '\0')
		return STLS_GARBLED;
	if (strncmp(line, "220", 3) == 0)
		return STLS_OK;
	if (line[0] == '4' || line[0] == '5')
		return STLS_REFUSED;
	return STLS_GARBLED;
}

/* Judge one reply line (without its CR LF) to STARTTLS / STLS. */
enum stls_reply
starttls_reply(enum service svc, const char *line)
{
	if (line == NULL)
		return STLS_GARBLED;
	switch (svc) {
	case SERVICE_IMAP:
		return reply_imap(line);
	case SERVICE_POP3:
		return reply_pop3(line);
	case SERVICE_SMTP:
		return reply_smtp(line);
	default:
		break;
	}
	return STLS_GARBLED;
}

/* The command for a service. */
static const char *
starttls_command(enum service svc)
{
	switch (svc) {
	case SERVICE_IMAP:
		return STARTTLS_IMAP_TAG " STARTTLS\r\n";
	case SERVICE_POP3:
		return "STLS\r\n";
	default:
		break;
	}
	return "STARTTLS\r\n";
}

/* The reply is not valid: a hard failure, with the line in words. */
static enum status
starttls_garbled(struct session *s, const char *line, char **errstr)
{
	char *clean = transcript_sanitize(line, strlen(line) > 80 ? 80 :
	    strlen(line));

	*errstr = xasprintf(_("%s: the reply to STARTTLS is not valid (\"%s\"); "
	    "starling stops here so that nothing is sent in the clear"),
	    s->where, clean);
	transcript_note(s->tr, "%s", *errstr);
	free(clean);
	return ST_NOT_ENCRYPTED;
}

/* Read reply lines until one decides. */
static enum status
starttls_read(struct session *s, mailstream *ms, int *accepted,
    char **errstr)
{
	MMAPString *buf = mmap_string_new("");
	enum stls_reply r = STLS_MORE;
	enum status st = ST_OK;
	const char *line = NULL;
	int n;

	if (buf == NULL)
		fatalx("mmap_string_new");
	for (n = 0; r == STLS_MORE && n < STARTTLS_MAX_LINES; n++) {
		if ((line = mailstream_read_line_remove_eol(ms, buf)) == NULL) {
			st = session_stream_error(s, _("reading the reply to "
			    "STARTTLS"), errstr);
			goto out;
		}
		r = starttls_reply(s->service, line);
	}
	if (r == STLS_MORE || r == STLS_GARBLED)
		st = starttls_garbled(s, line, errstr);
	*accepted = r == STLS_OK;
out:
	mmap_string_free(buf);
	return st;
}

/*
 * Send STARTTLS (STLS for POP3) and read the reply. Nothing else is sent
 * with it, and nothing is sent after it until the caller has checked for
 * injected bytes and started TLS.
 */
enum status
starttls_exchange(struct session *s, int *accepted, char **errstr)
{
	mailstream *ms = wire_stream(s->wire);
	const char *cmd = starttls_command(s->service);

	*accepted = 0;
	if (mailstream_write(ms, cmd, strlen(cmd)) != (ssize_t)strlen(cmd) ||
	    mailstream_flush(ms) == -1)
		return session_stream_error(s, _("sending STARTTLS"), errstr);
	return starttls_read(s, ms, accepted, errstr);
}
