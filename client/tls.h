/* tls.h: our own GnuTLS session over a connected socket, verified before
 * anything else is sent. GnuTLS types never leave tls.c and pins.c.
 *
 * Error contract: tls_handshake() returns ST_OK, or ST_TLS_FAILED (TLS or
 * certificate verification failed: the session is unusable), ST_NETWORK
 * (the handshake did not complete) or ST_USAGE (bad tls_priority, unreadable
 * cafile), with *errstr set to a newly allocated, translated sentence. The
 * tls_info is filled as far as the handshake got, also on failure.
 * tls_recv()/tls_send() return the byte count, 0 at end of stream, or -1
 * with tls_error() describing the failure. tls_can_offer() is local and
 * never fails: 1 if this GnuTLS sends a ClientHello with that priority
 * string, else 0. tls_warm() and tls_warm_end() never fail: a trust store
 * that does not load is reported by the handshake that needs it. */
#ifndef STARLING_TLS_H
#define STARLING_TLS_H

#include <stddef.h>
#include <sys/types.h>

#include "level.h"
#include "status.h"
#include "url.h"

struct tls_cert {
	char	 *subject;		/* RFC 4514 */
	char	 *issuer;
	char	**san;			/* DNS names and IP addresses */
	size_t	  nsan;
	char	  not_before[24];	/* 2026-10-01T00:00:00Z */
	char	  not_after[24];
	long	  days_left;
	char	  sha256[96];		/* AB:CD:... */
	char	 *pin;			/* pin-sha256:BASE64 */
	char	  key[32];		/* "EC 256", "RSA 2048" */
	char	  signature[32];	/* "ECDSA-SHA256" */
	unsigned char *der;		/* the certificate itself */
	size_t	  der_len;
};

struct tls_info {
	int		 attempted;	/* a handshake was started */
	int		 done;		/* the handshake completed */
	char		 version[16];	/* "TLS1.3" */
	char		 cipher[64];	/* "TLS_AES_256_GCM_SHA384" */
	char		 group[32];	/* "X25519" */
	struct tls_cert	*chain;		/* [0] is the server's own */
	size_t		 nchain;
	int		 trusted;	/* the chain verifies to a trust anchor */
	unsigned	 problems;	/* enum cert_problem bits, 0 if trusted */
	int		 hostname_ok;
	char		**errors;	/* reasons in words, translated */
	size_t		 nerrors;
	enum pin_state	 config_pin;
	enum pin_state	 stored_pin;
	int		 ocsp_stapled;	/* the server sent an OCSP response */
};

struct tls_params {
	const char	*host;		/* the configured name: SNI and RFC 6125 */
	unsigned	 port;
	const char	*cafile;	/* extra trust anchors, or NULL */
	const char	*priority;	/* NULL: TLS_DEFAULT_PRIORITY */
	const char	*pin;		/* tls_pin, or NULL */
	const char	*accepted;	/* sha256 accepted for this session */
	unsigned	 timeout;	/* seconds */
	int		 accept_any;	/* probe: finish even when untrusted */
};

#define TLS_DEFAULT_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct tls;

enum status	 tls_handshake(int, const struct tls_params *, struct tls **,
		     struct tls_info *, enum level *, char **);
ssize_t		 tls_recv(struct tls *, void *, size_t);
ssize_t		 tls_send(struct tls *, const void *, size_t);
size_t		 tls_pending(struct tls *);
void		 tls_set_timeout(struct tls *, int);
const char	*tls_error(struct tls *);
void		 tls_free(struct tls *);
void		 tls_warm(const char *);
void		 tls_warm_end(void);
void		 tls_info_clear(struct tls_info *);
int		 tls_cert_from_der(const void *, size_t, struct tls_cert *);
void		 tls_cert_clear(struct tls_cert *);
void		 tls_cert_copy(struct tls_cert *, const struct tls_cert *);
void		 tls_info_copy(struct tls_info *, const struct tls_info *);
int		 tls_can_offer(const char *);

#endif
