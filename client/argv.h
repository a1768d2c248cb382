/* argv.h: a command line from the config file as an argument vector, to
 * run without a shell (html_dumper).
 *
 * Words are separated by spaces or tabs; '...' keeps everything inside
 * literally, "..." keeps everything but \" and \\, and a backslash outside
 * quotes keeps the next character. Shell syntax (| & ; < > ( ) $ ` and a
 * leading ~) is refused when unquoted, since no shell will read it.
 *
 * Error contract: argv_split() returns ST_OK and sets *argv to a newly
 * allocated NULL-terminated vector (free with argv_free()), or ST_USAGE
 * with *errstr set to a newly allocated, translated sentence. */
#ifndef STARLING_ARGV_H
#define STARLING_ARGV_H

#include "status.h"

enum status	 argv_split(const char *, char ***, char **);
void		 argv_free(char **);

#endif
