/* tls.c: a GnuTLS client session, verified before it is used. */
#include "build-config.h"

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "pins.h"
#include "tls.h"
#include "transcript.h"
#include "xmalloc.h"

struct tls {
	gnutls_session_t			 session;
	gnutls_certificate_credentials_t	 cred;
	int					 fd;
	unsigned				 timeout;
	char					 error[256];
};

/* Free a certificate description; accepts a zeroed one. */
void
tls_cert_clear(struct tls_cert *c)
{
	size_t i;

	free(c->subject);
	free(c->issuer);
	for (i = 0; i < c->nsan; i++)
		free(c->san[i]);
	free(c->san);
	free(c->pin);
	free(c->der);
	memset(c, 0, sizeof(*c));
}

/* A deep copy of a certificate description. */
void
tls_cert_copy(struct tls_cert *dst, const struct tls_cert *src)
{
	size_t i;

	*dst = *src;
	dst->subject = src->subject ? xstrdup(src->subject) : NULL;
	dst->issuer = src->issuer ? xstrdup(src->issuer) : NULL;
	dst->pin = src->pin ? xstrdup(src->pin) : NULL;
	dst->san = src->nsan ? xcalloc(src->nsan, sizeof(char *)) : NULL;
	for (i = 0; i < src->nsan; i++)
		dst->san[i] = xstrdup(src->san[i]);
	dst->der = NULL;
	if (src->der_len > 0) {
		dst->der = xmalloc(src->der_len);
		memcpy(dst->der, src->der, src->der_len);
	}
}

/* A deep copy of what a handshake found out. */
void
tls_info_copy(struct tls_info *dst, const struct tls_info *src)
{
	size_t i;

	*dst = *src;
	dst->chain = src->nchain ? xcalloc(src->nchain, sizeof(*dst->chain)) :
	    NULL;
	for (i = 0; i < src->nchain; i++)
		tls_cert_copy(&dst->chain[i], &src->chain[i]);
	dst->errors = src->nerrors ? xcalloc(src->nerrors, sizeof(char *)) :
	    NULL;
	for (i = 0; i < src->nerrors; i++)
		dst->errors[i] = xstrdup(src->errors[i]);
}

/* Free what a tls_info holds; accepts a zeroed one. */
void
tls_info_clear(struct tls_info *info)
{
	size_t i;

	for (i = 0; i < info->nchain; i++)
		tls_cert_clear(&info->chain[i]);
	free(info->chain);
	for (i = 0; i < info->nerrors; i++)
		free(info->errors[i]);
	free(info->errors);
	memset(info, 0, sizeof(*info));
}

/* Add one translated reason to the list shown with the certificate. */
static void
info_error(struct tls_info *info, char *text)
{
	info->errors = xreallocarray(info->errors, info->nerrors + 1,
	    sizeof(char *));
	info->errors[info->nerrors++] = text;
}

/* A distinguished name as RFC 4514 text. */
static char *
cert_dn(gnutls_x509_crt_t crt, int issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	char *s;
	int r;

	r = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) :
	    gnutls_x509_crt_get_dn3(crt, &d, 0);
	if (r < 0)
		return xstrdup("");
	/* Certificate text is attacker-controlled: no control characters. */
	s = transcript_sanitize((char *)d.data, d.size);
	gnutls_free(d.data);
	return s;
}

/* An ISO 8601 UTC time. */
static void
iso_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "?");
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Append one subject alternative name to the list. */
static void
cert_add_san(struct tls_cert *c, const char *name)
{
	c->san = xreallocarray(c->san, c->nsan + 1, sizeof(char *));
	c->san[c->nsan++] = transcript_sanitize(name, strlen(name));
}

/* The DNS names and IP addresses of the subjectAltName extension. */
static void
cert_sans(gnutls_x509_crt_t crt, struct tls_cert *c)
{
	char buf[1024], ip[INET6_ADDRSTRLEN];
	unsigned i;
	size_t size;
	int type;

	for (i = 0; i < 256; i++) {
		size = sizeof(buf) - 1;
		type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &size,
		    NULL);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type == GNUTLS_SAN_DNSNAME) {
			buf[size] = '\0';
			cert_add_san(c, buf);
		} else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 ||
		    size == 16)) {
			inet_ntop(size == 4 ? AF_INET : AF_INET6, buf, ip,
			    sizeof(ip));
			cert_add_san(c, ip);
		}
	}
}

/* SHA-256 of the certificate as AB:CD:... */
static void
cert_fingerprint(gnutls_x509_crt_t crt, char *out, size_t outsize)
{
	unsigned char md[32];
	size_t size = sizeof(md), i;

	out[0] = '\0';
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, md,
	    &size) < 0 || outsize < size * 3)
		return;
	for (i = 0; i < size; i++)
		snprintf(out + i * 3, outsize - i * 3, "%02X%s", md[i],
		    i + 1 < size ? ":" : "");
}

/* pin-sha256: the base64 SHA-256 of the SubjectPublicKeyInfo (RFC 7469). */
static char *
cert_pin(gnutls_x509_crt_t crt)
{
	gnutls_pubkey_t pub;
	gnutls_datum_t spki = { NULL, 0 }, md, b64 = { NULL, 0 };
	unsigned char hash[32];
	char *pin = NULL;

	if (gnutls_pubkey_init(&pub) < 0)
		return xstrdup("");
	if (gnutls_pubkey_import_x509(pub, crt, 0) == 0 &&
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki) == 0 &&
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size,
	    hash) == 0) {
		md.data = hash;
		md.size = sizeof(hash);
		if (gnutls_base64_encode2(&md, &b64) == 0)
			pin = xasprintf("pin-sha256:%.*s", (int)b64.size,
			    (char *)b64.data);
	}
	gnutls_free(spki.data);
	gnutls_free(b64.data);
	gnutls_pubkey_deinit(pub);
	return pin ? pin : xstrdup("");
}

/* "EC 256", "RSA 2048", "Ed25519". */
static void
cert_key(gnutls_x509_crt_t crt, char *out, size_t size)
{
	unsigned bits = 0;
	int pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);

	switch (pk) {
	case GNUTLS_PK_RSA:
	case GNUTLS_PK_RSA_PSS:
		snprintf(out, size, "RSA %u", bits);
		break;
	case GNUTLS_PK_ECDSA:
		snprintf(out, size, "EC %u", bits);
		break;
	case GNUTLS_PK_EDDSA_ED25519:
		snprintf(out, size, "Ed25519");
		break;
	case GNUTLS_PK_EDDSA_ED448:
		snprintf(out, size, "Ed448");
		break;
	default:
		snprintf(out, size, "%s %u",
		    gnutls_pk_get_name(pk) ? gnutls_pk_get_name(pk) : "?", bits);
	}
}

/* Describe one DER certificate; 0 on success, -1 if it does not parse. */
int
tls_cert_from_der(const void *der, size_t len, struct tls_cert *c)
{
	gnutls_datum_t d = { (unsigned char *)der, (unsigned)len };
	gnutls_x509_crt_t crt;
	const char *sig;
	time_t expires;

	memset(c, 0, sizeof(*c));
	if (gnutls_x509_crt_init(&crt) < 0)
		return -1;
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return -1;
	}
	c->subject = cert_dn(crt, 0);
	c->issuer = cert_dn(crt, 1);
	cert_sans(crt, c);
	iso_time(gnutls_x509_crt_get_activation_time(crt), c->not_before,
	    sizeof(c->not_before));
	expires = gnutls_x509_crt_get_expiration_time(crt);
	iso_time(expires, c->not_after, sizeof(c->not_after));
	c->days_left = (long)((expires - time(NULL)) / 86400);
	cert_fingerprint(crt, c->sha256, sizeof(c->sha256));
	c->pin = cert_pin(crt);
	cert_key(crt, c->key, sizeof(c->key));
	c->der = xmalloc(len);
	memcpy(c->der, der, len);
	c->der_len = len;
	sig = gnutls_sign_get_name(gnutls_x509_crt_get_signature_algorithm(crt));
	snprintf(c->signature, sizeof(c->signature), "%s", sig ? sig : "?");
	gnutls_x509_crt_deinit(crt);
	return 0;
}

/* Is host an IP address literal (no SNI for those, RFC 6066 §3)? */
static int
host_is_ip(const char *host)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

/*
 * Trust credentials, loaded once per cafile for the whole process (the
 * system store alone takes about 10 ms to load; a probe does hundreds of
 * handshakes). GnuTLS credentials may be shared by sessions once set up.
 */
struct cred_cache {
	char					*cafile;	/* NULL: none */
	gnutls_certificate_credentials_t	 cred;
};

static struct cred_cache	*cred_cache;
static size_t			 cred_ncache;
static pthread_mutex_t		 cred_lock = PTHREAD_MUTEX_INITIALIZER;

/* Is this cache entry for cafile (NULL matches NULL)? */
static int
cred_match(const struct cred_cache *c, const char *cafile)
{
	if (c->cafile == NULL || cafile == NULL)
		return c->cafile == cafile;
	return strcmp(c->cafile, cafile) == 0;
}

/* Load the system trust store plus cafile into new credentials. */
static enum status
cred_load(const char *cafile, gnutls_certificate_credentials_t *out,
    char **errstr)
{
	gnutls_certificate_credentials_t cred;
	int r;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		fatalx("gnutls_certificate_allocate_credentials");
	gnutls_certificate_set_x509_system_trust(cred);
	if (cafile != NULL) {
		r = gnutls_certificate_set_x509_trust_file(cred, cafile,
		    GNUTLS_X509_FMT_PEM);
		if (r <= 0) {
			*errstr = xasprintf(_("cafile %s holds no usable "
			    "certificate: %s"), cafile, r < 0 ?
			    gnutls_strerror(r) : _("none found"));
			gnutls_certificate_free_credentials(cred);
			return ST_USAGE;
		}
	}
	*out = cred;
	return ST_OK;
}

/* The credentials for cafile (NULL: the system store alone), loaded on
 * first use; another thread asking meanwhile waits for that load. */
static enum status
cred_get(const char *cafile, gnutls_certificate_credentials_t *out,
    char **errstr)
{
	enum status st = ST_OK;
	size_t i;

	pthread_mutex_lock(&cred_lock);
	for (i = 0; i < cred_ncache; i++)
		if (cred_match(&cred_cache[i], cafile))
			break;
	if (i == cred_ncache) {
		st = cred_load(cafile, out, errstr);
		if (st == ST_OK) {
			cred_cache = xreallocarray(cred_cache, cred_ncache + 1,
			    sizeof(*cred_cache));
			cred_cache[cred_ncache].cafile = cafile ?
			    xstrdup(cafile) : NULL;
			cred_cache[cred_ncache++].cred = *out;
		}
	} else
		*out = cred_cache[i].cred;
	pthread_mutex_unlock(&cred_lock);
	return st;
}

/* Credentials: the system trust store plus the account's cafile. */
static enum status
tls_creds(struct tls *t, const struct tls_params *p, char **errstr)
{
	return cred_get(p->cafile, &t->cred, errstr);
}

/* The thread of tls_warm(). */
static void *
tls_warm_main(void *arg)
{
	gnutls_certificate_credentials_t cred;
	char *cafile = arg, *err = NULL;

	if (cred_get(cafile, &cred, &err) != ST_OK)
		free(err);	/* the handshake that needs it says so */
	free(cafile);
	return NULL;
}

/* The threads tls_warm() started, for tls_warm_end(). */
static pthread_t	*warm_threads;
static size_t		 warm_nthreads;

/*
 * Start loading the trust store for cafile (NULL: the system store
 * alone) in a thread of its own, so that parsing some hundred
 * certificates overlaps with what comes before the first handshake
 * (drawing the screen, connecting, the server's greeting); the handshake
 * takes them from the cache, or waits for the load to end. Call
 * tls_warm_end() before the process exits.
 */
void
tls_warm(const char *cafile)
{
	char *arg = cafile ? xstrdup(cafile) : NULL;

	warm_threads = xreallocarray(warm_threads, warm_nthreads + 1,
	    sizeof(*warm_threads));
	if (pthread_create(&warm_threads[warm_nthreads], NULL, tls_warm_main,
	    arg) != 0)
		free(arg);	/* loaded at the handshake instead */
	else
		warm_nthreads++;
}

/* Wait for the loads tls_warm() started. */
void
tls_warm_end(void)
{
	size_t i;

	for (i = 0; i < warm_nthreads; i++)
		pthread_join(warm_threads[i], NULL);
	free(warm_threads);
	warm_threads = NULL;
	warm_nthreads = 0;
}

/* Set up the session: priorities, SNI, credentials, socket, timeout. */
static enum status
tls_setup(struct tls *t, const struct tls_params *p, char **errstr)
{
	const char *prio = p->priority ? p->priority : TLS_DEFAULT_PRIORITY;
	const char *where = NULL;
	enum status st;
	int r;

	if ((st = tls_creds(t, p, errstr)) != ST_OK)
		return st;
	if (gnutls_init(&t->session, GNUTLS_CLIENT) < 0)
		fatalx("gnutls_init");
	r = gnutls_priority_set_direct(t->session, prio, &where);
	if (r < 0) {
		*errstr = xasprintf(_("tls_priority \"%s\" is not valid near "
		    "\"%s\": %s"), prio, where ? where : "", gnutls_strerror(r));
		return ST_USAGE;
	}
	if (!host_is_ip(p->host))
		gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, p->host,
		    strlen(p->host));
	gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, t->cred);
	gnutls_transport_set_int(t->session, t->fd);
	gnutls_handshake_set_timeout(t->session, p->timeout * 1000);
	return ST_OK;
}

/* The negotiated version, cipher suite and key exchange group. */
static void
tls_session_facts(struct tls *t, struct tls_info *info)
{
	const char *s;

	info->done = 1;
	s = gnutls_protocol_get_name(gnutls_protocol_get_version(t->session));
	snprintf(info->version, sizeof(info->version), "%s", s ? s : "?");
	s = gnutls_ciphersuite_get(t->session);
	snprintf(info->cipher, sizeof(info->cipher), "%s", s ? s : "?");
	s = gnutls_group_get_name(gnutls_group_get(t->session));
	snprintf(info->group, sizeof(info->group), "%s", s ? s : "");
	info->ocsp_stapled = gnutls_ocsp_status_request_is_checked(t->session,
	    GNUTLS_OCSP_SR_IS_AVAIL) != 0;
}

/* Verify the chain (not the name) and that it is meant for TLS servers. */
static int
tls_verify_chain(struct tls *t, unsigned *status)
{
	gnutls_typed_vdata_st purpose;

	memset(&purpose, 0, sizeof(purpose));
	purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
	purpose.data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	return gnutls_certificate_verify_peers(t->session, &purpose, 1, status);
}

/* Describe every certificate the server sent, in its order. */
static const gnutls_datum_t *
tls_chain(struct tls *t, struct tls_info *info)
{
	const gnutls_datum_t *certs;
	unsigned n = 0, i;

	certs = gnutls_certificate_get_peers(t->session, &n);
	if (certs == NULL || n == 0)
		return NULL;
	info->chain = xcalloc(n, sizeof(struct tls_cert));
	for (i = 0; i < n; i++)
		if (tls_cert_from_der(certs[i].data, certs[i].size,
		    &info->chain[info->nchain]) == 0)
			info->nchain++;
		else if (i == 0)
			return NULL;	/* the server's own must parse */
	return info->nchain ? certs : NULL;
}

/* Map GnuTLS verification status bits to our problem bits. */
static unsigned
tls_problems(unsigned status)
{
	unsigned p = 0;

	if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
		p |= CERT_UNKNOWN_ISSUER;
	if (status & GNUTLS_CERT_EXPIRED)
		p |= CERT_EXPIRED;
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		p |= CERT_NOT_YET_VALID;
	if (status & GNUTLS_CERT_REVOKED)
		p |= CERT_REVOKED;
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		p |= CERT_BAD_SIGNATURE;
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		p |= CERT_INSECURE_ALGORITHM;
	if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
		p |= CERT_WRONG_PURPOSE;
	if (status != 0 && p == 0)
		p |= CERT_OTHER;
	return p;
}

/* The names a certificate is issued for, for messages. */
static char *
cert_names(const struct tls_cert *c)
{
	char *s = xstrdup(""), *n;
	size_t i;

	for (i = 0; i < c->nsan; i++) {
		n = xasprintf("%s%s%s", s, i ? ", " : "", c->san[i]);
		free(s);
		s = n;
	}
	if (c->nsan == 0 && c->subject != NULL) {
		free(s);
		s = xstrdup(c->subject);
	}
	return s;
}

/* Does the leaf certificate match the configured host (RFC 6125)? */
static int
tls_hostname_ok(const gnutls_datum_t *leaf, const char *host)
{
	gnutls_x509_crt_t crt;
	int ok = 0;

	if (gnutls_x509_crt_init(&crt) < 0)
		return 0;
	if (gnutls_x509_crt_import(crt, leaf, GNUTLS_X509_FMT_DER) == 0)
		ok = gnutls_x509_crt_check_hostname2(crt, host, 0) != 0;
	gnutls_x509_crt_deinit(crt);
	return ok;
}

/* Is the leaf's key too weak (RSA/DSA < 2048 bits, EC < 256)? */
static int
tls_key_weak(const gnutls_datum_t *leaf)
{
	gnutls_x509_crt_t crt;
	unsigned bits = 0;
	int pk, weak = 1;

	if (gnutls_x509_crt_init(&crt) < 0)
		return 1;
	if (gnutls_x509_crt_import(crt, leaf, GNUTLS_X509_FMT_DER) == 0) {
		pk = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
		if (pk == GNUTLS_PK_RSA || pk == GNUTLS_PK_RSA_PSS ||
		    pk == GNUTLS_PK_DSA)
			weak = bits < 2048;
		else if (pk == GNUTLS_PK_ECDSA)
			weak = bits < 256;
		else
			weak = pk <= 0;
	}
	gnutls_x509_crt_deinit(crt);
	return weak;
}

/* Record every reason in words beside the certificate. */
static void
tls_list_errors(struct tls_info *info, const struct verdict_facts *f)
{
	char *all = level_problems_text(f), *p, *next;

	for (p = all; p != NULL && *p != '\0'; p = next) {
		next = strstr(p, "; ");
		if (next != NULL) {
			*next = '\0';
			next += 2;
		}
		info_error(info, xstrdup(p));
	}
	free(all);
}

/* Gather the facts about the peer and judge them. */
static enum status
tls_verify(struct tls *t, const struct tls_params *p, struct tls_info *info,
    enum level *level, char **errstr)
{
	struct verdict_facts f;
	const gnutls_datum_t *certs;
	unsigned status = 0;
	char *names;
	enum status st;

	memset(&f, 0, sizeof(f));
	f.tls_version_ok = gnutls_protocol_get_version(t->session) >=
	    GNUTLS_TLS1_2 && gnutls_protocol_get_version(t->session) <=
	    GNUTLS_TLS_VERSION_MAX;
	f.tls_version = info->version;
	f.host = p->host;
	if ((certs = tls_chain(t, info)) == NULL) {
		*errstr = xstrdup(_("the server sent no certificate"));
		return ST_TLS_FAILED;
	}
	if (tls_key_weak(&certs[0]))
		f.weak_key = info->chain[0].key;
	if (gnutls_cipher_get(t->session) == GNUTLS_CIPHER_NULL)
		f.null_cipher = info->cipher;
	if (tls_verify_chain(t, &status) < 0)
		status = GNUTLS_CERT_INVALID;
	f.problems = tls_problems(status);
	f.hostname_ok = tls_hostname_ok(&certs[0], p->host);
	names = cert_names(&info->chain[0]);
	f.cert_names = names;
	f.not_after = info->chain[0].not_after;
	if (p->pin != NULL)
		f.config_pin = strcmp(p->pin, info->chain[0].pin) == 0 ?
		    PIN_MATCH : PIN_MISMATCH;
	f.stored_pin = pins_check(p->host, p->port, certs[0].data,
	    certs[0].size);
	f.accepted = p->accepted != NULL &&
	    strcmp(p->accepted, info->chain[0].sha256) == 0;
	f.accept_any = p->accept_any;
	info->trusted = f.problems == 0;
	info->problems = f.problems;
	info->hostname_ok = f.hostname_ok;
	info->config_pin = f.config_pin;
	info->stored_pin = f.stored_pin;
	tls_list_errors(info, &f);
	st = level_verdict(&f, level, errstr);
	free(names);
	return st;
}

/* Did the peer close the socket (EOF waiting to be read)? */
static int
tls_peer_closed(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* A failed handshake in words, and which kind of failure it is. */
static enum status
tls_handshake_error(struct tls *t, int r, char **errstr)
{
	int alert;

	if (r == GNUTLS_E_TIMEDOUT) {
		*errstr = xstrdup(_("the TLS handshake timed out"));
		return ST_NETWORK;
	}
	if (r != GNUTLS_E_FATAL_ALERT_RECEIVED &&
	    (r == GNUTLS_E_PREMATURE_TERMINATION || r == GNUTLS_E_PUSH_ERROR ||
	    r == GNUTLS_E_PULL_ERROR || tls_peer_closed(t->fd))) {
		*errstr = xasprintf(_("the connection broke during the TLS "
		    "handshake: %s"), gnutls_strerror(r));
		return ST_NETWORK;
	}
	alert = r == GNUTLS_E_FATAL_ALERT_RECEIVED ?
	    (int)gnutls_alert_get(t->session) : -1;
	if (r == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ||
	    alert == GNUTLS_A_PROTOCOL_VERSION)
		*errstr = xstrdup(_("the server does not speak TLS 1.2 or "
		    "newer (the protocol version was refused); starling "
		    "requires TLS 1.2 or newer"));
	else if (alert >= 0)
		*errstr = xasprintf(_("the server ended the TLS handshake with "
		    "the alert \"%s\""), gnutls_alert_get_name(alert));
	else
		*errstr = xasprintf(_("the TLS handshake failed: %s"),
		    gnutls_strerror(r));
	return ST_TLS_FAILED;
}

/* Run the handshake; the caller has set the socket's send timeout. */
static enum status
tls_run_handshake(struct tls *t, char **errstr)
{
	int r;

	do {
		r = gnutls_handshake(t->session);
	} while (r < 0 && gnutls_error_is_fatal(r) == 0);
	if (r == 0)
		return ST_OK;
	return tls_handshake_error(t, r, errstr);
}

/*
 * Start TLS on a connected socket and verify the peer before anything
 * else is sent. On success *out is a session ready for tls_recv/tls_send
 * and *level says how far it is trusted.
 */
enum status
tls_handshake(int fd, const struct tls_params *p, struct tls **out,
    struct tls_info *info, enum level *level, char **errstr)
{
	struct tls *t = xcalloc(1, sizeof(*t));
	enum status st;

	*out = NULL;
	*level = LEVEL_NONE;
	info->attempted = 1;
	t->fd = fd;
	t->timeout = p->timeout;
	if ((st = tls_setup(t, p, errstr)) != ST_OK ||
	    (st = tls_run_handshake(t, errstr)) != ST_OK) {
		tls_free(t);
		return st;
	}
	gnutls_record_set_timeout(t->session, p->timeout * 1000);
	tls_session_facts(t, info);
	if ((st = tls_verify(t, p, info, level, errstr)) != ST_OK) {
		gnutls_alert_send(t->session, GNUTLS_AL_FATAL,
		    GNUTLS_A_BAD_CERTIFICATE);
		tls_free(t);
		return st;
	}
	*out = t;
	return ST_OK;
}

/* can_offer's transport: note that a ClientHello went out. */
static ssize_t
can_offer_push(gnutls_transport_ptr_t p, const void *data, size_t len)
{
	*(int *)p = 1;
	return (ssize_t)len;
}

/* can_offer's transport: nothing ever comes back. */
static ssize_t
can_offer_pull(gnutls_transport_ptr_t p, void *data, size_t len)
{
	errno = EAGAIN;
	return -1;
}

/*
 * Can this GnuTLS build send a ClientHello with this priority string?
 * (A probe says "not testable here" for a TLS version it cannot offer,
 * never "refused".) Nothing touches the network.
 */
int
tls_can_offer(const char *priority)
{
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	int sent = 0;

	if (gnutls_certificate_allocate_credentials(&cred) < 0)
		fatalx("gnutls_certificate_allocate_credentials");
	if (gnutls_init(&session, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0)
		fatalx("gnutls_init");
	if (gnutls_priority_set_direct(session, priority, NULL) == 0) {
		gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE, cred);
		gnutls_transport_set_ptr(session, &sent);
		gnutls_transport_set_push_function(session, can_offer_push);
		gnutls_transport_set_pull_function(session, can_offer_pull);
		(void)gnutls_handshake(session);
	}
	gnutls_deinit(session);
	gnutls_certificate_free_credentials(cred);
	return sent;
}

/* Note a GnuTLS error for tls_error(). */
static ssize_t
tls_fail(struct tls *t, int r)
{
	snprintf(t->error, sizeof(t->error), "%s", gnutls_strerror(r));
	return -1;
}

/* Read decrypted bytes; the caller waits for readability first. */
ssize_t
tls_recv(struct tls *t, void *buf, size_t len)
{
	ssize_t r;

	do {
		r = gnutls_record_recv(t->session, buf, len);
	} while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	if (r == GNUTLS_E_PREMATURE_TERMINATION)
		return tls_fail(t, (int)r);
	if (r < 0)
		return tls_fail(t, (int)r);
	return r;
}

/* Limit how long one record may take to arrive (at least 1 ms). */
void
tls_set_timeout(struct tls *t, int ms)
{
	gnutls_record_set_timeout(t->session, ms > 0 ? (unsigned)ms : 1);
}

/* Encrypt and send all of buf. */
ssize_t
tls_send(struct tls *t, const void *buf, size_t len)
{
	ssize_t r;

	do {
		r = gnutls_record_send(t->session, buf, len);
	} while (r == GNUTLS_E_INTERRUPTED);
	/* A blocking socket with a send timeout says AGAIN when it expired. */
	if (r == GNUTLS_E_AGAIN) {
		snprintf(t->error, sizeof(t->error), "%s",
		    _("the server stopped reading what we send"));
		return -1;
	}
	if (r < 0)
		return tls_fail(t, (int)r);
	return r;
}

/* Bytes already decrypted and waiting in GnuTLS's buffer. */
size_t
tls_pending(struct tls *t)
{
	return gnutls_record_check_pending(t->session);
}

/* The last error, in GnuTLS's words. */
const char *
tls_error(struct tls *t)
{
	return t->error[0] ? t->error : _("unknown TLS error");
}

/* Free the session (the socket stays open: it belongs to the caller). */
void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	if (t->session != NULL)
		gnutls_deinit(t->session);
	/* t->cred belongs to the cache. */
	free(t);
}
