/* sort.h: the orders of the message index, and sorting envelopes here
 * when the server offers no SORT (RFC 5256).
 *
 * Kept apart from the IMAP code so that it can move with the index: it
 * only needs envelopes. The local orders follow RFC 5256 where the
 * envelope has what it needs: ARRIVAL is the folder's own order (UIDs),
 * DATE the Date: header (INTERNALDATE when there is none), FROM the
 * sender as the index shows it, SUBJECT the base subject (no "Re:",
 * "Fwd:", "[list]" prefixes, no "(fwd)" trailer), SIZE RFC822.SIZE; both
 * without regard to ASCII case. Equal messages stay in folder order;
 * REVERSE reverses the criterion only.
 *
 * Error contract: nothing here fails; sort_key_from_name() returns 0, or
 * -1 for a word it does not know. Allocation failure is fatal. */
#ifndef STARLING_SORT_H
#define STARLING_SORT_H

#include <stddef.h>

#include "mailbox.h"

enum sort_key {
	SORT_ARRIVAL,
	SORT_DATE,
	SORT_FROM,
	SORT_SUBJECT,
	SORT_SIZE,
	SORT_COUNT
};

const char	*sort_key_name(enum sort_key);
int		 sort_key_from_name(const char *, enum sort_key *, int *);
char		*sort_base_subject(const char *);
void		 sort_envelopes(struct envelope *, size_t, enum sort_key, int);

#endif
