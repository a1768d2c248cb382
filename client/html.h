/* html.h: an HTML mail part as plain text.
 *
 * html_to_text() is the built-in converter: libxml2's HTML parser (no
 * network, recovering from broken markup), then a walk that drops script,
 * style and head, decodes entities, keeps paragraph and line breaks, shows
 * image alt texts, and marks each link "[N]" with the targets listed at
 * the end under "Links:".
 *
 * html_dump() runs the user's dumper (the [starling] html_dumper setting,
 * e.g. "w3m -dump -T text/html -O UTF-8") without a shell: the HTML (UTF-8)
 * on its standard input, its standard output read back (at most
 * HTML_DUMP_MAX bytes, then it is stopped; at most HTML_DUMP_SECONDS, then
 * it is killed), standard error discarded, no other file descriptor
 * inherited, and no network: a seccomp filter refuses every socket but
 * AF_UNIX (and io_uring) before the program starts; if the filter cannot
 * be installed, the program is not run.
 *
 * Error contract: html_to_text() never fails (allocation is fatal).
 * html_dump() returns ST_OK with *out set to its output as UTF-8 (bad
 * bytes as U+FFFD; "truncated" set when the cap was hit), or ST_USAGE
 * with *errstr set to a newly allocated, translated sentence (the command
 * cannot be parsed or found, it failed, timed out or could not be
 * sandboxed); the caller then uses html_to_text(). */
#ifndef STARLING_HTML_H
#define STARLING_HTML_H

#include <stddef.h>

#include "status.h"

#define HTML_DUMP_MAX		((size_t)8 * 1024 * 1024)
#define HTML_DUMP_SECONDS	10

char		*html_to_text(const char *, size_t);
enum status	 html_dump(const char *, const char *, size_t, char **, int *,
		    char **);

#endif
