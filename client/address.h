/* address.h: address lists as people type them and as headers carry
 * them, parsed with libetpan's RFC 5322 parser (mailimf): mailboxes
 * ("Name <addr>", bare addr-specs) and groups ("team: a@x, b@y;"), a
 * display name with a comma only in double quotes.
 *
 * Error contract: address_parse() returns ST_OK, or ST_USAGE with *errstr
 * set to a newly allocated, translated sentence naming the header and the
 * part that cannot be read. The other functions do not fail. */
#ifndef STARLING_ADDRESS_H
#define STARLING_ADDRESS_H

#include <stddef.h>

#include "encode.h"
#include "status.h"

#define ADDRESS_MAX	254	/* the longest addr-spec (RFC 5321 4.5.3) */

struct mailimf_address_list;

/* A list of addr-specs, as the envelope wants them. */
struct address_specs {
	char	**v;
	size_t	  n;
};

enum status	 address_parse(const char *, const char *, int,
		     struct mailimf_address_list **, char **);
enum status	 address_validate(const char *,
		     const struct mailimf_address_list *, int, char **);
void		 address_list_free(struct mailimf_address_list *);
size_t		 address_count(const struct mailimf_address_list *);
const char	*address_first(const struct mailimf_address_list *,
		     const char **);
int		 address_spec_valid(const char *, int);
void		 address_write(struct ehdr *, const struct mailimf_address_list *);
void		 address_collect(const struct mailimf_address_list *,
		     struct address_specs *);
void		 address_specs_add(struct address_specs *, const char *);

#endif
