/* save.h: saving an attachment into a folder the user chose.
 *
 * save_name() makes a file name safe from the name a message gave (any
 * UTF-8 from RFC 2231 or RFC 2047): only what follows the last '/' or
 * '\', control characters (C0, DEL, C1), BiDi overrides and isolates and
 * invalid UTF-8 as '_', leading and trailing dots and spaces removed (so
 * no "..", no hidden file), at most SAVE_NAME_MAX bytes (the extension
 * kept), and "attachment" when nothing is left.
 *
 * save_file() writes the data to a temporary file (mode 0600, O_EXCL) in
 * the folder, then gives it the safe name without replacing anything: if
 * the name is taken, "name-1.ext", "name-2.ext", ... (up to 999). The
 * folder may start with "~/"; it must exist.
 *
 * Error contract: save_file() returns ST_OK with *path set to the newly
 * allocated path written, or ST_USAGE with *errstr set to a newly
 * allocated, translated sentence (nothing is left behind then).
 * save_name() and save_default_dir() never fail. */
#ifndef STARLING_SAVE_H
#define STARLING_SAVE_H

#include <stddef.h>

#include "status.h"

#define SAVE_NAME_MAX	200

char		*save_name(const char *);
char		*save_default_dir(void);
enum status	 save_file(const char *, const char *, const void *, size_t,
		    char **, char **);

#endif
