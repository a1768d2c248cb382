/* encode.h: the wire encodings of an outgoing message: a growing byte
 * buffer, header lines folded at 76 columns with RFC 2047 encoded words
 * (UTF-8, B or Q, never splitting a character), quoted-printable and
 * base64 bodies with CRLF line ends, and RFC 2231 parameters.
 *
 * Error contract: nothing here fails; allocation failure is fatal. Input
 * that is not valid UTF-8 is encoded byte by byte, never rejected. */
#ifndef STARLING_ENCODE_H
#define STARLING_ENCODE_H

#include <stddef.h>

#define ENCODE_LINE	76	/* columns a header or body line aims at */
#define ENCODE_MAX	998	/* octets a line may never exceed (RFC 5322) */

struct ebuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* A header being written: its buffer and the column of the cursor. */
struct ehdr {
	struct ebuf	*b;
	size_t		 col;
	size_t		 start;		/* the column right after "Name:" */
};

enum encode_cte {
	CTE_7BIT,
	CTE_8BIT,
	CTE_QP,
	CTE_BASE64,
};

void		 ebuf_init(struct ebuf *);
void		 ebuf_add(struct ebuf *, const void *, size_t);
void		 ebuf_str(struct ebuf *, const char *);
void		 ebuf_printf(struct ebuf *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
char		*ebuf_take(struct ebuf *, size_t *);
void		 ebuf_free(struct ebuf *);

size_t		 encode_char_len(const char *, size_t);
int		 encode_needs_words(const char *, size_t);
void		 encode_hdr_begin(struct ehdr *, struct ebuf *, const char *);
void		 encode_hdr_token(struct ehdr *, const char *, size_t,
		     const char *, size_t);
void		 encode_hdr_words(struct ehdr *, const char *, size_t);
void		 encode_hdr_end(struct ehdr *);
void		 encode_unstructured(struct ebuf *, const char *, const char *);
void		 encode_phrase(struct ehdr *, const char *);
void		 encode_param(struct ehdr *, const char *, const char *, int);
void		 encode_param_words(struct ehdr *, const char *, const char *,
		     int);
const char	*encode_cte_name(enum encode_cte);
enum encode_cte	 encode_text_cte(const char *, size_t, int);
void		 encode_body(struct ebuf *, const char *, size_t,
		     enum encode_cte);
void		 encode_qp(struct ebuf *, const char *, size_t);
void		 encode_base64(struct ebuf *, const void *, size_t);
void		 encode_crlf(struct ebuf *, const char *, size_t);

#endif
