/* draft.h: the text the user edits for a message, and the drafts of
 * replies and forwards.
 *
 * The editable text is a header block, an empty line, then the body:
 *
 *	From: Alice Example <alice@example.com>
 *	To: bob@example.com, Carol <carol@example.org>
 *	Cc:
 *	Bcc:
 *	Subject: Lunch
 *	Attach: /home/alice/menu.pdf
 *
 *	The text of the message.
 *
 * Only these header names are known (any case); "Attach:" is ours and
 * names one file per line. A header may continue on lines that start
 * with a space or a tab. draft_parse() reads the text back; the fields
 * nobody edits (in_reply_to, references, forward_raw, raw) are left as
 * they were, so that a reply stays a reply across edits.
 *
 * A parent is the message replied to or forwarded: its header fields
 * decoded to UTF-8 (RFC 2047), its addresses, and its text as the pager
 * shows it (the body is given by the caller; this file decodes no MIME).
 *
 * Error contract: draft_parse() and draft_parent_parse() return ST_OK, or
 * ST_USAGE with *errstr set to a newly allocated, translated sentence
 * naming the line ("line 3: ..."); on error the draft is unchanged.
 * draft_add_attach() returns ST_USAGE (and a sentence naming the file)
 * for a file that cannot be read. The rest cannot fail (allocation is
 * fatal). Drafts are freed with draft_clear() (message.h). Nothing here touches the
 * network or a terminal; draft_parse() only looks at Attach: files. */
#ifndef STARLING_DRAFT_H
#define STARLING_DRAFT_H

#include <stddef.h>

#include "config.h"
#include "message.h"
#include "status.h"

#define DRAFT_TEXT_MAX	(16u * 1024 * 1024)	/* what the editor may leave */
#define DRAFT_REFS_MAX	20			/* Message-IDs in References */

/* One address of a parent's header: a display name and an addr-spec. */
struct draft_addr {
	char	*name;		/* UTF-8, or NULL */
	char	*addr;		/* addr-spec, or NULL if it did not parse */
};

struct draft_parent {
	char			*from_text;	/* decoded header values */
	char			*to_text;
	char			*cc_text;
	char			*date;
	char			*subject;
	char			*message_id;	/* "<id>" or NULL */
	char			*references;	/* "<a> <b>" or NULL */
	struct draft_addr	*from, *reply_to, *to, *cc;
	size_t			 nfrom, nreply_to, nto, ncc;
	char			*body;		/* as the pager shows it */
	char			*raw;		/* the message as received */
	size_t			 rawlen;
};

enum draft_forward {
	DRAFT_FWD_INLINE,
	DRAFT_FWD_ATTACH,
};

char		*draft_text(const struct draft *);
enum status	 draft_parse(const char *, size_t, struct draft *, char **);
void		 draft_new(const struct account *, struct draft *);
enum status	 draft_parent_parse(const char *, size_t, const char *,
		     struct draft_parent *, char **);
void		 draft_parent_clear(struct draft_parent *);
void		 draft_reply(const struct draft_parent *,
		     const struct account *, int, struct draft *);
void		 draft_forward(const struct draft_parent *,
		     const struct account *, enum draft_forward,
		     struct draft *);
char		*draft_subject_re(const char *);
char		*draft_subject_fwd(const char *);
char		*draft_references(const char *, const char *);
char		*draft_quote(const char *);
char		*draft_addr_format(const char *, const char *);
enum status	 draft_add_attach(struct draft *, const char *, char **);

#endif
