/* pop3.h: the libetpan handle of an open POP3 session, for the commands
 * after login (LIST, UIDL, RETR, DELE, QUIT in fetch.c).
 *
 * Error contract: pop3_handle() never fails; asking it of a session that
 * is not an opened POP3 session is a bug (fatal). */
#ifndef STARLING_POP3_H
#define STARLING_POP3_H

#include <libetpan/libetpan.h>

#include "session.h"

mailpop3	*pop3_handle(struct session *);
int		 pop3_quit(struct session *);

#endif
