/* pins.c: pinned server keys (trust on first use, by the user's choice). */
#include "build-config.h"

#include <gnutls/gnutls.h>

#include <stdio.h>
#include <stdlib.h>

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
