/* pins.c: pinned server keys (trust on first use, by the user's choice). */
#include "build-config.h"

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "pins.h"
#include "xdg.h"
#include "xmalloc.h"

/* The database file: $XDG_DATA_HOME/starling/pins. */
char *
pins_path(void)
{
	return xdg_path("XDG_DATA_HOME", ".local/share", "pins");
}

/* Is this certificate's key the one pinned for host:port? */
enum pin_state
pins_check(const char *host, unsigned port, const void *der, size_t len)
{
	gnutls_datum_t cert = { (unsigned char *)der, (unsigned)len };
	char *db = pins_path(), svc[8];
	int r;

	snprintf(svc, sizeof(svc), "%u", port);
	r = gnutls_verify_stored_pubkey(db, NULL, host, svc, GNUTLS_CRT_X509,
	    &cert, 0);
	free(db);
	if (r == 0)
		return PIN_MATCH;
	if (r == GNUTLS_E_CERTIFICATE_KEY_MISMATCH)
		return PIN_MISMATCH;
	return PIN_NONE;
}

/* Pin this certificate's key for host:port. */
int
pins_store(const char *host, unsigned port, const void *der, size_t len,
    char **errstr)
{
	gnutls_datum_t cert = { (unsigned char *)der, (unsigned)len };
	char *db = pins_path(), svc[8];
	int r;

	if (xdg_mkparent(db, errstr) == -1) {
		free(db);
		return -1;
	}
	snprintf(svc, sizeof(svc), "%u", port);
	r = gnutls_store_pubkey(db, NULL, host, svc, GNUTLS_CRT_X509, &cert,
	    0, 0);
	if (r < 0) {
		*errstr = xasprintf(_("cannot save the pin in %s: %s"), db,
		    gnutls_strerror(r));
		free(db);
		return -1;
	}
	free(db);
	return 0;
}

/* The pin-sha256 of a base64 SubjectPublicKeyInfo, or NULL. */
static char *
pins_spki_pin(const char *b64)
{
	gnutls_datum_t in = { (unsigned char *)b64, (unsigned)strlen(b64) };
	gnutls_datum_t spki = { NULL, 0 }, md, out = { NULL, 0 };
	unsigned char hash[32];
	char *pin = NULL;

	if (gnutls_base64_decode2(&in, &spki) == 0 &&
	    gnutls_hash_fast(GNUTLS_DIG_SHA256, spki.data, spki.size,
	    hash) == 0) {
		md.data = hash;
		md.size = sizeof(hash);
		if (gnutls_base64_encode2(&md, &out) == 0)
			pin = xasprintf("pin-sha256:%.*s", (int)out.size,
			    (char *)out.data);
	}
	gnutls_free(spki.data);
	gnutls_free(out.data);
	return pin;
}

/*
 * The pin of one "|g0|host|service|expiration|base64-key" line (GnuTLS's
 * stored-pubkey format) when it is for host:svc and not expired; or NULL.
 */
static char *
pins_parse_line(char *line, const char *host, const char *svc)
{
	char *f[5], *save = NULL;
	long long expires;
	int i;

	line[strcspn(line, "\r\n")] = '\0';
	for (i = 0; i < 5; i++)
		if ((f[i] = strtok_r(i ? NULL : line, "|", &save)) == NULL)
			return NULL;
	if (strcmp(f[0], "g0") != 0 ||
	    (strcmp(f[1], "*") != 0 && strcmp(f[1], host) != 0) ||
	    (strcmp(f[2], "*") != 0 && strcmp(f[2], svc) != 0))
		return NULL;
	expires = strtoll(f[3], NULL, 10);
	if (expires > 0 && (long long)time(NULL) > expires)
		return NULL;
	return pins_spki_pin(f[4]);
}

/* Every key pinned for host:port as pin-sha256, in file order; the count. */
size_t
pins_stored(const char *host, unsigned port, char ***pins)
{
	char *db = pins_path(), svc[8], *line = NULL, *pin;
	size_t size = 0, n = 0;
	FILE *f;

	*pins = NULL;
	snprintf(svc, sizeof(svc), "%u", port);
	f = fopen(db, "r");
	free(db);
	if (f == NULL)
		return 0;
	while (getline(&line, &size, f) != -1) {
		if ((pin = pins_parse_line(line, host, svc)) == NULL)
			continue;
		*pins = xreallocarray(*pins, n + 1, sizeof(char *));
		(*pins)[n++] = pin;
	}
	free(line);
	fclose(f);
	return n;
}
