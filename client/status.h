/* status.h: the outcome of every network or configuration step.
 *
 * The values are starling's exit codes (DESIGN.md "Command line"). Every
 * function in client/ that returns an enum status and takes a char **errstr
 * sets *errstr to a newly allocated, translated sentence when it returns
 * anything but ST_OK, and leaves it untouched on ST_OK.
 *
 * status_local() is that for a failed system call on a local file: it
 * sets *errstr to the translated sentence fmt (naming the file), ": ",
 * and strerror(err), and returns ST_LOCAL. */
#ifndef STARLING_STATUS_H
#define STARLING_STATUS_H

enum status {
	ST_OK = 0,
	ST_USAGE = 1,		/* usage or configuration error */
	ST_NOT_ENCRYPTED = 2,	/* STARTTLS missing/refused, PREAUTH, injection, downgrade */
	ST_TLS_FAILED = 3,	/* TLS or certificate verification failed */
	ST_AUTH_REJECTED = 4,	/* the server rejected the credentials */
	ST_NETWORK = 5,		/* network error or timeout */
	ST_LOCAL = 6,		/* a local file (Maildir, outbox, cache) failed */
};

const char *status_name(enum status);
enum status status_local(char **, int, const char *, ...)
	__attribute__((format(printf, 3, 4)));

#endif
