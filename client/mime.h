/* mime.h: a fetched message (RFC 5322 + MIME bytes) as a document to show:
 * blocks of text (headers, body text, our notes, the start of a nested
 * message) and the list of attachments with their decoded contents.
 *
 * Parsing is libetpan's (mailmime_parse, mailmime_part_parse for base64
 * and quoted-printable, mailmime_encoded_phrase_parse for RFC 2047 words,
 * its conversions routed through charset.c); RFC 2231 parameters
 * (name*=charset'lang'..., continuations name*0*=, name*1=) are put
 * together here. What is shown:
 *   multipart/alternative  the first text/plain part, else text/html
 *                          (through the dumper, else html_to_text()),
 *                          else the last part; an empty text/plain loses
 *                          to an HTML alternative
 *   other multiparts       every part in turn (related: images are
 *                          listed as attachments)
 *   message/rfc822         a MIME_MARK block, the inner headers and body
 *                          one level deeper (also listed, to save as .eml)
 *   text parts             inline unless Content-Disposition: attachment
 *   everything else        an attachment (name, type, decoded size)
 * Malformed MIME shows what libetpan could make of it, with a note; a
 * message libetpan cannot parse at all (or one with more than
 * MIME_MAX_CONTAINERS multipart/message parts, or nested deeper than
 * MIME_MAX_DEPTH) is shown as its raw text. Blocks and names are UTF-8
 * and NOT sanitised: the UI strips control characters before drawing.
 *
 * Error contract: nothing here fails (allocation failure is fatal); what
 * cannot be decoded is shown with U+FFFD or as a note. */
#ifndef STARLING_MIME_H
#define STARLING_MIME_H

#include <stddef.h>

#define MIME_MAX_DEPTH		32
#define MIME_MAX_CONTAINERS	500

enum mime_kind {
	MIME_HEADER,		/* "Name: value" */
	MIME_TEXT,		/* body text, "\n" line ends */
	MIME_NOTE,		/* a remark of ours: "[HTML shown as text]" */
	MIME_MARK,		/* a nested message starts here */
};

struct mime_block {
	enum mime_kind	 kind;
	int		 depth;		/* 0: the message itself */
	char		*text;
};

struct mime_attachment {
	char		*name;		/* decoded file name, or "" */
	char		*type;		/* "application/pdf", lower case */
	char		*data;		/* decoded bytes */
	size_t		 size;
	int		 depth;
};

struct mime_doc {
	struct mime_block	*blocks;
	size_t			 nblocks;
	struct mime_attachment	*atts;
	size_t			 natts;
	char			*type;	/* of the main text part */
};

struct mime_options {
	const char	*html_dumper;	/* NULL or "": the built-in one */
};

struct mime_doc	*mime_parse(const char *, size_t,
		    const struct mime_options *);
struct mime_doc	*mime_doc_copy(const struct mime_doc *);
void		 mime_doc_free(struct mime_doc *);
char		*mime_doc_body(const struct mime_doc *);
char		*mime_doc_headers(const struct mime_doc *);
char		*mime_decode_header(const char *);
char		*mime_param(const char *, const char *);

#endif
