/* url.h: service URLs such as imap://host:143 or smtps://[::1]:465.
 *
 * Error contract: url_parse() returns 0, or -1 with *errstr set to a newly
 * allocated, translated sentence naming what is wrong. */
#ifndef STARLING_URL_H
#define STARLING_URL_H

enum service {
	SERVICE_IMAP,
	SERVICE_POP3,
	SERVICE_SMTP,
	SERVICE_COUNT
};

enum transport {
	TRANSPORT_STARTTLS,	/* imap:// pop3:// smtp:// -- STARTTLS always sent */
	TRANSPORT_IMPLICIT,	/* imaps:// pop3s:// smtps:// */
};

struct url {
	enum service	 service;
	enum transport	 transport;
	char		*host;		/* name or address, without [] */
	unsigned	 port;
};

int		 url_parse(const char *, struct url *, char **);
void		 url_clear(struct url *);
unsigned	 url_default_port(enum service, enum transport);
const char	*service_name(enum service);		/* "imap" */
const char	*service_label(enum service);		/* "IMAP" */
const char	*transport_name(enum transport);	/* "starttls" */
int		 service_from_name(const char *, enum service *);

#endif
