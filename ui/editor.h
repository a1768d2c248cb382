/* editor.h: the user's text editor on a private temporary file.
 *
 * The editor is $VISUAL, else $EDITOR, else the [starling] editor
 * setting, else vi; it runs through /bin/sh -c (so that the setting may
 * hold arguments), on a file of mode 0600 in $TMPDIR (else /tmp) that is
 * removed afterwards, with curses suspended. Worker threads go on; the
 * UI thread waits for the editor.
 *
 * Error contract: editor_run() returns ST_OK with the text as the editor
 * left it (*out, NUL-terminated, *outlen bytes, which may hold NULs) and
 * the editor's exit status (*exit_status: 0..255, or -1 when a signal
 * ended it, 127 when the shell could not run it); or ST_LOCAL with
 * *errstr set to a newly allocated, translated sentence when the
 * temporary file cannot be written or read, or no process can be
 * started. */
#ifndef STARLING_EDITOR_H
#define STARLING_EDITOR_H

#include <stddef.h>

#include "config.h"
#include "status.h"

char		*editor_command(const struct config *);
enum status	 editor_run(const struct config *, const char *, size_t,
		     char **, size_t *, int *, char **);

#endif
