/* secret.h: passwords from password_cmd; never written, wiped after use.
 *
 * Error contract: secret_from_cmd() returns 0 with *out set to a newly
 * allocated password (free it with xfree_secret()), or -1 with *errstr set
 * to a newly allocated, translated sentence. */
#ifndef STARLING_SECRET_H
#define STARLING_SECRET_H

int	secret_from_cmd(const char *, unsigned, char **, char **);

#endif
