/* check.h: `starling check`: connect to each configured service of an
 * account, secure it, authenticate, log out, and report. Never prompts.
 *
 * Error contract: check_account() always fills the report; its exit field
 * is the first failing service's status in the order imap, pop3, smtp
 * (ST_OK when all passed). Each failing result holds a translated
 * sentence in its error field. */
#ifndef STARLING_CHECK_H
#define STARLING_CHECK_H

#include "config.h"
#include "session.h"

struct check_result {
	enum service		 service;
	char			*host;
	unsigned		 port;
	enum transport		 transport;
	enum level		 level;
	int			 starttls_advertised;	/* -1 unknown */
	struct tls_info		 tls;
	enum auth_result	 auth;
	enum status		 status;
	char			*error;
	struct transcript	*tr;
};

struct check_report {
	char			*account;
	struct check_result	 results[SERVICE_COUNT];
	size_t			 nresults;
	enum status		 exit;
};

void	 check_account(const struct account *, int, struct check_report *);
void	 check_report_clear(struct check_report *);
char	*check_report_json(const struct check_report *, int);

#endif
