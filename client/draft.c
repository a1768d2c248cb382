/* draft.c: the editable text of a message (headers, an empty line, the
 * body) and back; the drafts of replies and forwards. */
#include "build-config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "draft.h"
#include "i18n.h"
#include "mailbox.h"
#include "xmalloc.h"

#define DRAFT_ADDRS_MAX	1000	/* addresses taken from one header */
#define DRAFT_SHOW_MAX	40	/* bytes of a bad line quoted in an error */

enum draft_hdr {
	DH_FROM,
	DH_TO,
	DH_CC,
	DH_BCC,
	DH_SUBJECT,
	DH_ATTACH,
	DH_COUNT
};

static const char *const draft_hdr_names[DH_COUNT] = {
	[DH_FROM] = "From",
	[DH_TO] = "To",
	[DH_CC] = "Cc",
	[DH_BCC] = "Bcc",
	[DH_SUBJECT] = "Subject",
	[DH_ATTACH] = "Attach",
};

/* A growing string. */
struct dbuf {
	char	*s;
	size_t	 len, cap;
};

/* What draft_parse() found, before it is checked and applied. */
struct draft_scan {
	char		*val[DH_ATTACH];	/* From..Subject, or NULL */
	unsigned	 line[DH_COUNT];	/* first line of each, or 0 */
	char		**attach;
	unsigned	*attach_line;
	size_t		 nattach;
	int		 last;			/* header a continuation joins */
	const char	*body;
};

/* Append n bytes. */
static void
dbuf_add(struct dbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Append a string. */
static void
dbuf_str(struct dbuf *b, const char *s)
{
	dbuf_add(b, s, strlen(s));
}

/* The string built (never NULL); the buffer is left empty. */
static char *
dbuf_take(struct dbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	memset(b, 0, sizeof(*b));
	return s;
}

/* A copy of n bytes that may hold NULs, NUL-terminated. */
static char *
draft_memdup(const char *s, size_t n)
{
	char *c = xmalloc(n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* The length of the valid UTF-8 character at s, or 0 (s ends in NUL). */
static size_t
draft_utf8_len(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return 0;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80 || (c == 0xf0 && s[1] < 0x90) ||
		    (c == 0xf4 && s[1] > 0x8f))
			return 0;
		return 4;
	}
	return 0;
}

/* The first line (1-based) that is not valid UTF-8, or 0. */
static unsigned
draft_utf8_bad_line(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned line = 1;
	size_t n;

	while (*p != '\0') {
		if ((n = draft_utf8_len(p)) == 0)
			return line;
		line += *p == '\n';
		p += n;
	}
	return 0;
}

/* The line (1-based) of text that at is on. */
static unsigned
draft_line_of(const char *text, const char *at)
{
	unsigned line = 1;

	for (; text < at; text++)
		line += *text == '\n';
	return line;
}

/* A copy with each CRLF made LF. */
static char *
draft_lf(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t i, k = 0;

	for (i = 0; i < len; i++)
		if (s[i] != '\r' || i + 1 == len || s[i + 1] != '\n')
			out[k++] = s[i];
	out[k] = '\0';
	return out;
}

/* A copy without leading and trailing spaces and tabs. */
static char *
draft_trim(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

/* One line of a header value: every run of control characters (CR, LF,
 * tabs, escapes) becomes one space, so that nothing decoded from a
 * message can start a header line of its own; trimmed. Takes s. */
static char *
draft_clean(char *s)
{
	char *out = xmalloc(strlen(s) + 1), *res;
	const unsigned char *p;
	size_t k = 0;
	int space = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f || (space && *p == ' ')) {
			while (k > 0 && out[k - 1] == ' ')
				k--;
			space = 1;
			continue;
		}
		if (space && k > 0)
			out[k++] = ' ';
		space = 0;
		out[k++] = (char)*p;
	}
	out[k] = '\0';
	res = draft_trim(out, k);
	free(out);
	free(s);
	return res;
}

/* A short, printable piece of a line for an error message. */
static char *
draft_show(const char *line)
{
	size_t n = 0, c;

	while (line[n] != '\0' && n < DRAFT_SHOW_MAX &&
	    (c = draft_utf8_len((const unsigned char *)line + n)) > 0)
		n += c;
	if (line[n] == '\0')
		return draft_clean(xstrdup(line));
	return draft_clean(xasprintf("%.*s...", (int)n, line));
}

/* ------------------------------------------------------ the edited text */

/* One header line of the editable text (NULL: empty). */
static void
draft_text_header(struct dbuf *b, const char *name, const char *value)
{
	dbuf_str(b, name);
	dbuf_str(b, ": ");
	if (value != NULL)
		dbuf_str(b, value);
	dbuf_str(b, "\n");
}

/* The text the user edits: the headers, an empty line, the body. */
char *
draft_text(const struct draft *d)
{
	struct dbuf b = { NULL, 0, 0 };
	size_t i;

	draft_text_header(&b, "From", d->from);
	draft_text_header(&b, "To", d->to);
	draft_text_header(&b, "Cc", d->cc);
	draft_text_header(&b, "Bcc", d->bcc);
	draft_text_header(&b, "Subject", d->subject);
	for (i = 0; i < d->nattach; i++)
		draft_text_header(&b, "Attach", d->attach[i]);
	dbuf_str(&b, "\n");
	if (d->body != NULL)
		dbuf_str(&b, d->body);
	return dbuf_take(&b);
}

/* The header a name stands for (any case), or -1. */
static int
draft_hdr_lookup(const char *name, size_t n)
{
	int i;

	for (i = 0; i < DH_COUNT; i++)
		if (strlen(draft_hdr_names[i]) == n &&
		    strncasecmp(draft_hdr_names[i], name, n) == 0)
			return i;
	return -1;
}

/* Add a value to a header seen before (continuation or repeat). */
static void
draft_scan_join(struct draft_scan *sc, int h, char *value, const char *sep)
{
	char *joined;

	if (h == DH_ATTACH) {
		joined = xasprintf("%s %s", sc->attach[sc->nattach - 1], value);
		free(sc->attach[sc->nattach - 1]);
		sc->attach[sc->nattach - 1] = joined;
	} else if (sc->val[h] == NULL || sc->val[h][0] == '\0') {
		free(sc->val[h]);
		sc->val[h] = xstrdup(value);
	} else if (value[0] != '\0') {
		joined = xasprintf("%s%s%s", sc->val[h], sep, value);
		free(sc->val[h]);
		sc->val[h] = joined;
	}
	free(value);
}

/* A line starting with a space or a tab: more of the header before. */
static enum status
draft_scan_more(struct draft_scan *sc, const char *line, unsigned n,
    char **errstr)
{
	if (sc->last < 0) {
		*errstr = xasprintf(_("line %u: a line that starts with a "
		    "space continues a header, but no header comes before "
		    "it"), n);
		return ST_USAGE;
	}
	draft_scan_join(sc, sc->last, draft_clean(xstrdup(line)), " ");
	return ST_OK;
}

/* Is name (n bytes) made of the characters a header name may have? */
static int
draft_hdr_name_ok(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] >= 0x7f)
			return 0;
	return n > 0;
}

/* Keep the value of header h found on line n. */
static enum status
draft_scan_value(struct draft_scan *sc, int h, char *value, unsigned n,
    char **errstr)
{
	if (sc->line[h] == 0)
		sc->line[h] = n;
	sc->last = h;
	switch (h) {
	case DH_FROM:
	case DH_SUBJECT:
		if (sc->val[h] != NULL) {
			/* TRANSLATORS: %2$s is a header name: "Subject". */
			*errstr = xasprintf(_("line %1$u: a second %2$s: line; "
			    "there may be only one"), n, draft_hdr_names[h]);
			free(value);
			return ST_USAGE;
		}
		sc->val[h] = value;
		break;
	case DH_ATTACH:
		sc->attach = xreallocarray(sc->attach, sc->nattach + 1,
		    sizeof(*sc->attach));
		sc->attach_line = xreallocarray(sc->attach_line,
		    sc->nattach + 1, sizeof(*sc->attach_line));
		sc->attach[sc->nattach] = value;
		sc->attach_line[sc->nattach++] = n;
		break;
	default:
		draft_scan_join(sc, h, value, ", ");
		break;
	}
	return ST_OK;
}

/* One line of the header block. */
static enum status
draft_scan_line(struct draft_scan *sc, const char *line, unsigned n,
    char **errstr)
{
	const char *colon;
	char *show;
	size_t len;
	int h;

	if (line[0] == ' ' || line[0] == '\t')
		return draft_scan_more(sc, line, n, errstr);
	colon = strchr(line, ':');
	len = colon ? (size_t)(colon - line) : 0;
	show = draft_show(line);
	if (!draft_hdr_name_ok(line, len)) {
		*errstr = xasprintf(_("line %u: \"%s\" is not a header line "
		    "(Name: value); put an empty line between the headers and "
		    "the text"), n, show);
		free(show);
		return ST_USAGE;
	}
	if ((h = draft_hdr_lookup(line, len)) == -1) {
		*errstr = xasprintf(_("line %u: unknown header \"%.*s:\"; the "
		    "headers are From, To, Cc, Bcc, Subject and Attach (one "
		    "file each)"), n, (int)(len < DRAFT_SHOW_MAX ? len :
		    DRAFT_SHOW_MAX), line);
		free(show);
		return ST_USAGE;
	}
	free(show);
	return draft_scan_value(sc, h, draft_clean(xstrdup(colon + 1)), n,
	    errstr);
}

/* Read the header block of text; sc->body is where the body starts. */
static enum status
draft_scan_text(struct draft_scan *sc, const char *text, char **errstr)
{
	const char *p = text, *nl;
	enum status st = ST_OK;
	unsigned n = 0;
	char *line;

	sc->body = "";
	while (*p != '\0' && st == ST_OK) {
		n++;
		nl = strchr(p, '\n');
		line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		if (line[0] == '\0') {
			sc->body = nl + 1;
			free(line);
			return ST_OK;
		}
		st = draft_scan_line(sc, line, n, errstr);
		free(line);
		p = nl ? nl + 1 : p + strlen(p);
	}
	return st;
}

/* Expand a leading "~/" to $HOME. */
static char *
draft_expand(const char *path)
{
	const char *home = getenv("HOME");

	if (path[0] == '~' && path[1] == '/' && home != NULL && *home != '\0')
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

/* Can the file be attached (a regular file we can read)? Its path with
 * ~ expanded in *out. */
static enum status
draft_attach_check(const char *path, char **out, char **errstr)
{
	char *full = draft_expand(path);
	struct stat sb;
	int fd, err;

	fd = open(full, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1 || fstat(fd, &sb) == -1) {
		err = errno;
		*errstr = xasprintf(_("cannot attach %s: %s"), full,
		    strerror(err));
	} else if (!S_ISREG(sb.st_mode))
		*errstr = xasprintf(_("cannot attach %s: it is not a regular "
		    "file"), full);
	if (fd != -1)
		close(fd);
	if (fd == -1 || !S_ISREG(sb.st_mode)) {
		free(full);
		return ST_USAGE;
	}
	*out = full;
	return ST_OK;
}

/* Is a value missing or empty? */
static int
draft_empty(const char *s)
{
	return s == NULL || s[0] == '\0';
}

/* A recipient, and files that can be read. */
static enum status
draft_scan_check(struct draft_scan *sc, char **errstr)
{
	char *full, *why;
	size_t i;

	if (draft_empty(sc->val[DH_TO]) && draft_empty(sc->val[DH_CC]) &&
	    draft_empty(sc->val[DH_BCC])) {
		*errstr = xasprintf(_("line %u: no recipient: write at least "
		    "one address on the To: line"), sc->line[DH_TO] ?
		    sc->line[DH_TO] : 1);
		return ST_USAGE;
	}
	for (i = 0; i < sc->nattach; i++) {
		if (sc->attach[i][0] == '\0')
			continue;
		if (draft_attach_check(sc->attach[i], &full, &why) != ST_OK) {
			*errstr = xasprintf(_("line %u: %s"),
			    sc->attach_line[i], why);
			free(why);
			return ST_USAGE;
		}
		free(sc->attach[i]);
		sc->attach[i] = full;
	}
	return ST_OK;
}

/* Replace *field with v (NULL when empty; takes v). */
static void
draft_set(char **field, char *v)
{
	free(*field);
	if (v != NULL && v[0] == '\0') {
		free(v);
		v = NULL;
	}
	*field = v;
}

/* Move what was scanned into the draft. */
static void
draft_scan_apply(struct draft_scan *sc, struct draft *d)
{
	size_t i;

	draft_set(&d->from, sc->val[DH_FROM]);
	draft_set(&d->to, sc->val[DH_TO]);
	draft_set(&d->cc, sc->val[DH_CC]);
	draft_set(&d->bcc, sc->val[DH_BCC]);
	draft_set(&d->subject, sc->val[DH_SUBJECT]);
	memset(sc->val, 0, sizeof(sc->val));
	draft_set(&d->body, xstrdup(sc->body));
	for (i = 0; i < d->nattach; i++)
		free(d->attach[i]);
	free(d->attach);
	d->attach = NULL;
	d->nattach = 0;
	for (i = 0; i < sc->nattach; i++) {
		if (sc->attach[i][0] == '\0') {
			free(sc->attach[i]);
			continue;
		}
		d->attach = xreallocarray(d->attach, d->nattach + 1,
		    sizeof(*d->attach));
		d->attach[d->nattach++] = sc->attach[i];
	}
	sc->nattach = 0;
}

/* Free what a scan holds. */
static void
draft_scan_clear(struct draft_scan *sc)
{
	size_t i;

	for (i = 0; i < DH_ATTACH; i++)
		free(sc->val[i]);
	for (i = 0; i < sc->nattach; i++)
		free(sc->attach[i]);
	free(sc->attach);
	free(sc->attach_line);
}

/* Read the edited text back into the draft (see draft.h). */
enum status
draft_parse(const char *text, size_t len, struct draft *d, char **errstr)
{
	struct draft_scan sc;
	enum status st;
	const char *nul;
	char *norm;
	unsigned bad;

	if (len > DRAFT_TEXT_MAX) {
		*errstr = xasprintf(_("the message is too long (more than %u "
		    "MiB); attach large files with Attach: lines"),
		    DRAFT_TEXT_MAX / (1024 * 1024));
		return ST_USAGE;
	}
	if ((nul = memchr(text, '\0', len)) != NULL) {
		*errstr = xasprintf(_("line %u: the text holds a NUL byte; "
		    "save it as UTF-8 text"), draft_line_of(text, nul));
		return ST_USAGE;
	}
	norm = draft_lf(text, len);
	if ((bad = draft_utf8_bad_line(norm)) != 0) {
		*errstr = xasprintf(_("line %u: this line is not valid UTF-8; "
		    "save the file as UTF-8"), bad);
		free(norm);
		return ST_USAGE;
	}
	memset(&sc, 0, sizeof(sc));
	sc.last = -1;
	if ((st = draft_scan_text(&sc, norm, errstr)) == ST_OK &&
	    (st = draft_scan_check(&sc, errstr)) == ST_OK)
		draft_scan_apply(&sc, d);
	draft_scan_clear(&sc);
	free(norm);
	return st;
}

/* Attach one more file, if it can be read. */
enum status
draft_add_attach(struct draft *d, const char *path, char **errstr)
{
	char *full;
	enum status st;

	if ((st = draft_attach_check(path, &full, errstr)) != ST_OK)
		return st;
	d->attach = xreallocarray(d->attach, d->nattach + 1,
	    sizeof(*d->attach));
	d->attach[d->nattach++] = full;
	return ST_OK;
}

/* ------------------------------------------------------------ addresses */

/* Does a display name need quotes (RFC 5322 specials)? */
static int
draft_needs_quotes(const char *name)
{
	return strpbrk(name, "()<>[]:;@\\,.\"") != NULL;
}

/* "Name <addr>", "\"Doe, J.\" <addr>" or "addr" (UTF-8 kept). */
char *
draft_addr_format(const char *name, const char *addr)
{
	struct dbuf b = { NULL, 0, 0 };
	const char *p;

	if (addr == NULL || addr[0] == '\0')
		return xstrdup(name ? name : "");
	if (name == NULL || name[0] == '\0')
		return xstrdup(addr);
	if (!draft_needs_quotes(name))
		return xasprintf("%s <%s>", name, addr);
	dbuf_str(&b, "\"");
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			dbuf_str(&b, "\\");
		dbuf_add(&b, p, 1);
	}
	dbuf_str(&b, "\" <");
	dbuf_str(&b, addr);
	dbuf_str(&b, ">");
	return dbuf_take(&b);
}

/* The first blank-free run of s, or NULL if none (an addr-spec). */
static char *
draft_token(const char *s)
{
	char *c = draft_clean(xstrdup(s ? s : ""));
	size_t n = strcspn(c, " ");

	if (n == 0) {
		free(c);
		return NULL;
	}
	c[n] = '\0';
	return c;
}

/* Add one parsed mailbox to a list (up to DRAFT_ADDRS_MAX). */
static void
draft_addr_add(struct draft_addr **v, size_t *n,
    const struct mailimf_mailbox *mb)
{
	struct draft_addr *a;

	if (mb == NULL || *n >= DRAFT_ADDRS_MAX)
		return;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	a = &(*v)[(*n)++];
	a->name = mb->mb_display_name ?
	    draft_clean(mailbox_decode_header(mb->mb_display_name)) : NULL;
	a->addr = draft_token(mb->mb_addr_spec);
}

/* Add every mailbox of a list. */
static void
draft_addr_mbs(struct draft_addr **v, size_t *n,
    const struct mailimf_mailbox_list *l)
{
	clistiter *it;

	for (it = l && l->mb_list ? clist_begin(l->mb_list) : NULL; it;
	    it = clist_next(it))
		draft_addr_add(v, n, clist_content(it));
}

/* Add every mailbox of an address list, group members included. */
static void
draft_addr_list(struct draft_addr **v, size_t *n,
    const struct mailimf_address_list *l)
{
	const struct mailimf_address *ad;
	clistiter *it;

	for (it = l && l->ad_list ? clist_begin(l->ad_list) : NULL; it;
	    it = clist_next(it)) {
		ad = clist_content(it);
		if (ad->ad_type == MAILIMF_ADDRESS_MAILBOX)
			draft_addr_add(v, n, ad->ad_data.ad_mailbox);
		else if (ad->ad_type == MAILIMF_ADDRESS_GROUP &&
		    ad->ad_data.ad_group != NULL)
			draft_addr_mbs(v, n, ad->ad_data.ad_group->grp_mb_list);
	}
}

/* Free a list of addresses. */
static void
draft_addrs_free(struct draft_addr *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].addr);
	}
	free(v);
}

/* ---------------------------------------------------------------- parent */

/* Is a Message-ID's inside (between < and >) safe to copy? */
static int
draft_id_ok(const char *id, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (id[i] <= ' ' || id[i] >= 0x7f || id[i] == '<' ||
		    id[i] == '>')
			return 0;
	return n > 0;
}

/* Append "<id>" to a space-separated list if the id is safe. */
static void
draft_id_add(struct dbuf *b, const char *id)
{
	if (id == NULL || !draft_id_ok(id, strlen(id)))
		return;
	if (b->len > 0)
		dbuf_str(b, " ");
	dbuf_str(b, "<");
	dbuf_str(b, id);
	dbuf_str(b, ">");
}

/* "<a> <b>" from a libetpan list of ids, or NULL. */
static char *
draft_id_list(clist *ids)
{
	struct dbuf b = { NULL, 0, 0 };
	clistiter *it;

	for (it = ids ? clist_begin(ids) : NULL; it; it = clist_next(it))
		draft_id_add(&b, clist_content(it));
	return b.len ? dbuf_take(&b) : NULL;
}

/* The structured fields: addresses and message ids. */
static void
draft_parent_field(struct draft_parent *p, const struct mailimf_field *f,
    char **in_reply_to)
{
	struct dbuf b = { NULL, 0, 0 };

	switch (f->fld_type) {
	case MAILIMF_FIELD_FROM:
		if (p->nfrom == 0)
			draft_addr_mbs(&p->from, &p->nfrom,
			    f->fld_data.fld_from->frm_mb_list);
		break;
	case MAILIMF_FIELD_REPLY_TO:
		draft_addr_list(&p->reply_to, &p->nreply_to,
		    f->fld_data.fld_reply_to->rt_addr_list);
		break;
	case MAILIMF_FIELD_TO:
		draft_addr_list(&p->to, &p->nto,
		    f->fld_data.fld_to->to_addr_list);
		break;
	case MAILIMF_FIELD_CC:
		draft_addr_list(&p->cc, &p->ncc,
		    f->fld_data.fld_cc->cc_addr_list);
		break;
	case MAILIMF_FIELD_MESSAGE_ID:
		draft_id_add(&b, f->fld_data.fld_message_id->mid_value);
		if (p->message_id == NULL && b.len > 0)
			p->message_id = dbuf_take(&b);
		free(b.s);
		break;
	case MAILIMF_FIELD_REFERENCES:
		if (p->references == NULL)
			p->references = draft_id_list(
			    f->fld_data.fld_references->mid_list);
		break;
	case MAILIMF_FIELD_IN_REPLY_TO:
		if (*in_reply_to == NULL)
			*in_reply_to = draft_id_list(
			    f->fld_data.fld_in_reply_to->mid_list);
		break;
	}
}

/* Addresses and ids, as libetpan parses them. */
static void
draft_parent_fields(struct draft_parent *p, const char *raw, size_t len)
{
	struct mailimf_fields *fields = NULL;
	char *in_reply_to = NULL;
	clistiter *it;
	size_t idx = 0;

	if (mailimf_fields_parse(raw, len, &idx, &fields) !=
	    MAILIMF_NO_ERROR || fields == NULL)
		return;
	for (it = clist_begin(fields->fld_list); it; it = clist_next(it))
		draft_parent_field(p, clist_content(it), &in_reply_to);
	mailimf_fields_free(fields);
	/* RFC 5322 3.6.4: no References, one In-Reply-To id: use it. */
	if (p->references == NULL && in_reply_to != NULL &&
	    strchr(in_reply_to, ' ') == NULL)
		p->references = in_reply_to;
	else
		free(in_reply_to);
}

/* The first header called name, decoded and on one line, or NULL. */
static char *
draft_parent_text(const struct mailimf_fields *fields, const char *name)
{
	const struct mailimf_field *f;
	const struct mailimf_optional_field *o;
	clistiter *it;

	for (it = clist_begin(fields->fld_list); it; it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type != MAILIMF_FIELD_OPTIONAL_FIELD)
			continue;
		o = f->fld_data.fld_optional_field;
		if (strcasecmp(o->fld_name, name) == 0)
			return draft_clean(mailbox_decode_header(o->fld_value));
	}
	return NULL;
}

/* The header values as text: for the attribution and forwards. */
static void
draft_parent_texts(struct draft_parent *p, const char *raw, size_t len)
{
	struct mailimf_fields *fields = NULL;
	size_t idx = 0;

	if (mailimf_optional_fields_parse(raw, len, &idx, &fields) !=
	    MAILIMF_NO_ERROR || fields == NULL)
		return;
	p->from_text = draft_parent_text(fields, "From");
	p->to_text = draft_parent_text(fields, "To");
	p->cc_text = draft_parent_text(fields, "Cc");
	p->date = draft_parent_text(fields, "Date");
	p->subject = draft_parent_text(fields, "Subject");
	mailimf_fields_free(fields);
}

/* The message replied to or forwarded, from its raw form; body is the
 * text the pager shows. */
enum status
draft_parent_parse(const char *raw, size_t len, const char *body,
    struct draft_parent *p, char **errstr)
{
	memset(p, 0, sizeof(*p));
	if (raw == NULL || len == 0) {
		*errstr = xstrdup(_("the message is empty: there is nothing "
		    "to reply to or forward"));
		return ST_USAGE;
	}
	draft_parent_texts(p, raw, len);
	draft_parent_fields(p, raw, len);
	p->body = xstrdup(body ? body : "");
	p->raw = draft_memdup(raw, len);
	p->rawlen = len;
	return ST_OK;
}

/* Free what a parent holds and zero it; accepts NULL. */
void
draft_parent_clear(struct draft_parent *p)
{
	if (p == NULL)
		return;
	free(p->from_text);
	free(p->to_text);
	free(p->cc_text);
	free(p->date);
	free(p->subject);
	free(p->message_id);
	free(p->references);
	draft_addrs_free(p->from, p->nfrom);
	draft_addrs_free(p->reply_to, p->nreply_to);
	draft_addrs_free(p->to, p->nto);
	draft_addrs_free(p->cc, p->ncc);
	free(p->body);
	free(p->raw);
	memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------- replies, forwards */

/* A new, empty message from the account's address. */
void
draft_new(const struct account *acct, struct draft *d)
{
	memset(d, 0, sizeof(*d));
	if (acct != NULL && acct->email != NULL)
		d->from = draft_addr_format(acct->realname, acct->email);
	d->body = xstrdup("");
}

/* The length of one reply or forward prefix at s ("Re:", "RE:",
 * "Re[2]:", "AW:", "Fwd:", fullwidth colon too), spaces after it
 * included; 0 if none. */
static size_t
draft_prefix(const char *s, const char *const *words)
{
	size_t n = strspn(s, " \t"), w;

	for (; *words != NULL; words++) {
		w = strlen(*words);
		if (strncasecmp(s + n, *words, w) == 0)
			break;
	}
	if (*words == NULL)
		return 0;
	n += w;
	if (s[n] == '[' || s[n] == '(') {
		w = strspn(s + n + 1, "0123456789");
		if (w == 0 || s[n + 1 + w] != (s[n] == '[' ? ']' : ')'))
			return 0;
		n += w + 2;
	}
	if (s[n] == ':')
		n++;
	else if (strncmp(s + n, "\xef\xbc\x9a", 3) == 0)	/* U+FF1A */
		n += 3;
	else
		return 0;
	return n + strspn(s + n, " \t");
}

/* s without any leading prefix from words. */
static const char *
draft_strip(const char *s, const char *const *words)
{
	size_t n;

	while ((n = draft_prefix(s, words)) > 0)
		s += n;
	return s + strspn(s, " \t");
}

/* "Re: " and the subject without its reply prefixes. */
char *
draft_subject_re(const char *subject)
{
	static const char *const re[] = { "re", "aw", "sv", "antw", NULL };

	return xasprintf("Re: %s", draft_strip(subject ? subject : "", re));
}

/* "Fwd: " and the subject without its forward prefixes. */
char *
draft_subject_fwd(const char *subject)
{
	static const char *const fwd[] = { "fwd", "fw", NULL };

	return xasprintf("Fwd: %s", draft_strip(subject ? subject : "", fwd));
}

/* The ids "<...>" of a list, up to max of them kept as first + last. */
static size_t
draft_ids(const char *s, const char **start, size_t *len, size_t max)
{
	const char *p = s, *end;
	size_t n = 0;

	while (p != NULL && (p = strchr(p, '<')) != NULL) {
		if ((end = strchr(p + 1, '>')) == NULL)
			break;
		if (draft_id_ok(p + 1, (size_t)(end - p - 1))) {
			if (n == max) {		/* keep the first one */
				memmove(start + 1, start + 2,
				    (max - 2) * sizeof(*start));
				memmove(len + 1, len + 2,
				    (max - 2) * sizeof(*len));
				n--;
			}
			start[n] = p;
			len[n++] = (size_t)(end - p + 1);
		}
		p = end + 1;
	}
	return n;
}

/* References of a reply: the parent's references and its Message-ID, at
 * most DRAFT_REFS_MAX of them (the first and the latest); NULL if none. */
char *
draft_references(const char *refs, const char *message_id)
{
	const char *start[DRAFT_REFS_MAX];
	size_t len[DRAFT_REFS_MAX], n, i;
	struct dbuf b = { NULL, 0, 0 };
	char *all;

	all = xasprintf("%s %s", refs ? refs : "", message_id ?
	    message_id : "");
	n = draft_ids(all, start, len, DRAFT_REFS_MAX);
	for (i = 0; i < n; i++) {
		if (i > 0)
			dbuf_str(&b, " ");
		dbuf_add(&b, start[i], len[i]);
	}
	free(all);
	return n ? dbuf_take(&b) : NULL;
}

/* The text quoted with "> " (">" before a quote or an empty line). */
char *
draft_quote(const char *body)
{
	struct dbuf b = { NULL, 0, 0 };
	const char *p = body ? body : "", *nl;
	size_t n;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		dbuf_str(&b, n == 0 || p[0] == '>' ? ">" : "> ");
		dbuf_add(&b, p, n);
		dbuf_str(&b, "\n");
		p = nl ? nl + 1 : p + strlen(p);
	}
	return dbuf_take(&b);
}

/* Is addr one of the user's own addresses (the account's email)? */
static int
draft_is_own(const struct account *acct, const char *addr)
{
	return acct != NULL && acct->email != NULL && addr != NULL &&
	    strcasecmp(acct->email, addr) == 0;
}

/* Is addr already in the list of picked addresses? */
static int
draft_picked(const struct draft_addr *const *v, size_t n, const char *addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i]->addr != NULL && addr != NULL &&
		    strcasecmp(v[i]->addr, addr) == 0)
			return 1;
	return 0;
}

/* Add the addresses not yet picked and not the user's own. */
static void
draft_pick(const struct draft_addr **v, size_t *n,
    const struct draft_addr *from, size_t nfrom, const struct account *acct,
    int skip_own)
{
	size_t i;

	for (i = 0; i < nfrom; i++) {
		if (from[i].addr == NULL || (skip_own &&
		    draft_is_own(acct, from[i].addr)) ||
		    draft_picked(v, *n, from[i].addr))
			continue;
		v[(*n)++] = &from[i];
	}
}

/* "a, b" from picked addresses [first, n); NULL if none. */
static char *
draft_join(const struct draft_addr *const *v, size_t first, size_t n)
{
	struct dbuf b = { NULL, 0, 0 };
	char *one;
	size_t i;

	for (i = first; i < n; i++) {
		one = draft_addr_format(v[i]->name, v[i]->addr);
		if (b.len > 0)
			dbuf_str(&b, ", ");
		dbuf_str(&b, one);
		free(one);
	}
	return b.len ? dbuf_take(&b) : NULL;
}

/* To and Cc of a reply: Reply-To, else From (or the original To when
 * the user wrote the parent); for all, every To and Cc but the user. */
static void
draft_reply_rcpt(const struct draft_parent *p, const struct account *acct,
    int all, struct draft *d)
{
	size_t cap = p->nfrom + p->nreply_to + p->nto + p->ncc + 1, n = 0, nto;
	const struct draft_addr **v = xcalloc(cap, sizeof(*v));

	if (p->nreply_to > 0)
		draft_pick(v, &n, p->reply_to, p->nreply_to, acct, 0);
	else if (p->nfrom > 0 && draft_is_own(acct, p->from[0].addr))
		draft_pick(v, &n, p->to, p->nto, acct, 0);
	if (n == 0)
		draft_pick(v, &n, p->from, p->nfrom, acct, 0);
	nto = n;
	if (all) {
		draft_pick(v, &n, p->to, p->nto, acct, 1);
		draft_pick(v, &n, p->cc, p->ncc, acct, 1);
	}
	d->to = draft_join(v, 0, nto);
	if (d->to == NULL && p->from_text != NULL && p->from_text[0] != '\0')
		d->to = xstrdup(p->from_text);
	d->cc = draft_join(v, nto, n);
	free(v);
}

/* The name of the parent's sender, for the attribution. */
static const char *
draft_sender_name(const struct draft_parent *p)
{
	if (p->nfrom > 0 && p->from[0].name != NULL && p->from[0].name[0])
		return p->from[0].name;
	if (p->nfrom > 0 && p->from[0].addr != NULL)
		return p->from[0].addr;
	return p->from_text ? p->from_text : "?";
}

/* A reply (all: to everyone but the user) to the parent. */
void
draft_reply(const struct draft_parent *p, const struct account *acct,
    int all, struct draft *d)
{
	char *quote, *who;

	draft_new(acct, d);
	draft_reply_rcpt(p, acct, all, d);
	d->subject = draft_subject_re(p->subject);
	d->in_reply_to = p->message_id ? xstrdup(p->message_id) : NULL;
	d->references = draft_references(p->references, p->message_id);
	if (p->date != NULL && p->date[0] != '\0')
		/* TRANSLATORS: the line above a quoted reply; %1$s is the
		 * date as the message gave it, %2$s the sender's name. */
		who = xasprintf(_("On %1$s, %2$s wrote:"), p->date,
		    draft_sender_name(p));
	else
		who = xasprintf(_("%s wrote:"), draft_sender_name(p));
	quote = draft_quote(p->body);
	free(d->body);
	d->body = xasprintf("%s\n%s\n", who, quote);
	free(who);
	free(quote);
}

/* One header of the forwarded block, when it has a value. */
static void
draft_fwd_header(struct dbuf *b, const char *name, const char *value)
{
	if (value != NULL && value[0] != '\0')
		draft_text_header(b, name, value);
}

/* A forward: the message inline under a "Forwarded message" line, or
 * attached whole (message/rfc822). */
void
draft_forward(const struct draft_parent *p, const struct account *acct,
    enum draft_forward how, struct draft *d)
{
	struct dbuf b = { NULL, 0, 0 };

	draft_new(acct, d);
	d->subject = draft_subject_fwd(p->subject);
	if (how == DRAFT_FWD_ATTACH) {
		d->forward_raw = 1;
		d->raw = draft_memdup(p->raw ? p->raw : "", p->rawlen);
		d->rawlen = p->rawlen;
		return;
	}
	dbuf_str(&b, "\n\n");
	/* TRANSLATORS: the line above a message forwarded inline. */
	dbuf_str(&b, _("-------- Forwarded message --------"));
	dbuf_str(&b, "\n");
	draft_fwd_header(&b, "From", p->from_text);
	draft_fwd_header(&b, "Date", p->date);
	draft_fwd_header(&b, "Subject", p->subject);
	draft_fwd_header(&b, "To", p->to_text);
	draft_fwd_header(&b, "Cc", p->cc_text);
	dbuf_str(&b, "\n");
	dbuf_str(&b, p->body ? p->body : "");
	free(d->body);
	d->body = dbuf_take(&b);
}
