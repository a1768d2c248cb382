/* json.h: a small JSON writer (RFC 8259) into a growing buffer.
 *
 * Error contract: none of these fail (allocation is fatal); misuse, such
 * as closing more than was opened, is a bug (fatalx). Strings must be
 * UTF-8; invalid bytes are written as U+FFFD. */
#ifndef STARLING_JSON_H
#define STARLING_JSON_H

#include <stddef.h>

#define JSON_MAX_DEPTH 16

struct json {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 depth;
	int	 count[JSON_MAX_DEPTH];	/* values written at each depth */
	int	 after_key;
};

void	 json_init(struct json *);
void	 json_object_begin(struct json *);
void	 json_object_end(struct json *);
void	 json_array_begin(struct json *);
void	 json_array_end(struct json *);
void	 json_key(struct json *, const char *);
void	 json_string(struct json *, const char *);
void	 json_int(struct json *, long long);
void	 json_bool(struct json *, int);
void	 json_null(struct json *);
void	 json_strings(struct json *, char *const *, size_t);
char	*json_finish(struct json *);

#endif
