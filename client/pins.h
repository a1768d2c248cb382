/* pins.h: the TOFU database of pinned server keys
 * ($XDG_DATA_HOME/starling/pins, GnuTLS's stored-pubkey format).
 *
 * Error contract: pins_check() never fails (an unreadable database is "no
 * pin"); pins_stored() never fails either (no database: 0 pins);
 * pins_store() returns 0, or -1 with *errstr set to a newly
 * allocated, translated sentence. */
#ifndef STARLING_PINS_H
#define STARLING_PINS_H

#include <stddef.h>

#include "level.h"

char		*pins_path(void);
enum pin_state	 pins_check(const char *, unsigned, const void *, size_t);
int		 pins_store(const char *, unsigned, const void *, size_t,
		     char **);
size_t		 pins_stored(const char *, unsigned, char ***);

#endif
