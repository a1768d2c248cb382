/* config.h: the INI configuration file (DESIGN.md "Configuration").
 *
 * Error contract: config_load() returns 0, or -1 with *errstr set to a newly
 * allocated, translated message of the form "FILE:LINE: what is wrong" (or
 * "FILE: what is wrong" for whole-file problems such as permissions). */
#ifndef STARLING_CONFIG_H
#define STARLING_CONFIG_H

#include <stddef.h>

#include "url.h"

#define CONFIG_DEFAULT_TIMEOUT 30
#define CONFIG_DEFAULT_POLL	60	/* seconds between NOOPs without IDLE */

struct account {
	char		*name;			/* the [section] */
	unsigned	 line;			/* where the section starts */
	char		*realname;		/* name = */
	char		*email;
	struct url	*url[SERVICE_COUNT];	/* NULL when not configured */
	char		*user;
	char		*password_cmd;
	char		*cafile;
	char		*tls_pin;		/* "pin-sha256:BASE64" or NULL */
	char		*tls_priority;		/* NULL: our default */
	int		 allow_plaintext_auth;
	char		*maildir;		/* ~ expanded */
	int		 pop3_delete;		/* delete on the server after fetch */
	char		*sent_folder;
	unsigned	 timeout;		/* seconds, > 0 */
};

struct config {
	char		 *path;
	struct account	**accounts;
	size_t		  naccounts;
	/* [starling] */
	char		 *editor;
	char		 *html_dumper;
	char		 *sort;
	char		 *default_account;
	unsigned	  poll;		/* seconds; new mail without IDLE */
	int		  idle;		/* use IDLE when offered */
	int		  header_cache;	/* keep envelopes on disk (hcache.h) */
};

int		 config_load(const char *, struct config **, char **);
void		 config_free(struct config *);
char		*config_default_path(void);
const struct account *config_find(const struct config *, const char *);
enum service	 config_next_service(const struct account *, enum service);

#endif
