/* address.c: address lists through libetpan's mailimf parser. */
#include "build-config.h"

#include <libetpan/libetpan.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "i18n.h"
#include "xmalloc.h"

/* Skip spaces, tabs, line breaks and commas (empty list elements). */
static size_t
address_skip(const char *s, size_t len, size_t i)
{
	while (i < len && strchr(" \t\r\n,", s[i]) != NULL)
		i++;
	return i;
}

/* Skip a comment "(...)", nested, with quoted pairs; i at "(". */
static size_t
address_skip_comment(const char *s, size_t len, size_t i)
{
	int depth = 0;

	for (; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return len;
}

/* Move the addresses of part to the end of list; part is freed. */
static void
address_move(struct mailimf_address_list *list,
    struct mailimf_address_list *part)
{
	clistiter *it;

	for (it = clist_begin(part->ad_list); it != NULL; it = clist_next(it))
		if (clist_append(list->ad_list, clist_content(it)) < 0)
			fatalx("address: out of memory");
	clist_free(part->ad_list);
	part->ad_list = NULL;
	free(part);
}

/* Are s[0..n) all characters an addr-spec may carry outside a domain
 * literal (printable ASCII without brackets, quotes, commas, ...)? */
static int
address_chars_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
		    strchr("<>()[],;:\\\"@", s[i]) != NULL)
			return 0;
	return n > 0;
}

/* Is d a domain literal "[192.0.2.1]" / "[IPv6:...]"? */
static int
address_literal_ok(const char *d)
{
	size_t n = strlen(d);

	return n > 2 && d[0] == '[' && d[n - 1] == ']' &&
	    strspn(d + 1, "0123456789abcdefABCDEFIPv.:") == n - 2;
}

/* Is this addr-spec usable on the wire: printable ASCII without
 * brackets, one "@" between a local part and a domain (or a domain
 * literal)? lenient also takes a local name alone ("root"), as sendmail
 * does. Nothing here can end or extend an SMTP command. */
int
address_spec_valid(const char *spec, int lenient)
{
	const char *at = strchr(spec, '@');
	size_t len = strlen(spec);

	if (len == 0 || len > ADDRESS_MAX)
		return 0;
	if (at == NULL)
		return lenient && address_chars_ok(spec, len);
	return address_chars_ok(spec, (size_t)(at - spec)) &&
	    (address_chars_ok(at + 1, strlen(at + 1)) ||
	    address_literal_ok(at + 1));
}

/* Check every mailbox of one address (a group's members too). */
static const char *
address_check(const struct mailimf_address *a, int lenient)
{
	const struct mailimf_group *g;
	clistiter *it;

	if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
		return address_spec_valid(a->ad_data.ad_mailbox->mb_addr_spec,
		    lenient) ? NULL : a->ad_data.ad_mailbox->mb_addr_spec;
	g = a->ad_data.ad_group;
	if (g->grp_mb_list == NULL)
		return NULL;
	for (it = clist_begin(g->grp_mb_list->mb_list); it != NULL;
	    it = clist_next(it)) {
		const struct mailimf_mailbox *mb = clist_content(it);

		if (!address_spec_valid(mb->mb_addr_spec, lenient))
			return mb->mb_addr_spec;
	}
	return NULL;
}

/* The sentence for an address that is not one. */
static enum status
address_bad(const char *field, const char *spec, char **errstr)
{
	/* TRANSLATORS: "To: "Yamada" is not an e-mail address ..." */
	*errstr = xasprintf(_("%s: \"%s\" is not an e-mail address (a display "
	    "name with a comma in it must be in double quotes, like "
	    "\"Yamada, Taro\" <taro@example.jp>)"), field, spec);
	return ST_USAGE;
}

/* The sentence for text the parser stopped at. */
static enum status
address_unreadable(const char *field, const char *s, size_t len, size_t at,
    char **errstr)
{
	char *rest = xstrndup(s + at, len - at > 40 ? 40 : len - at);

	/* TRANSLATORS: "To: cannot read the addresses from "<<x" on" */
	*errstr = xasprintf(_("%s: cannot read the addresses from \"%s\" on"),
	    field, rest);
	free(rest);
	return ST_USAGE;
}

/* Validate every address of a parsed list (as address_parse() does). */
enum status
address_validate(const char *field, const struct mailimf_address_list *l,
    int lenient, char **errstr)
{
	const char *bad;
	clistiter *it;

	for (it = clist_begin(l->ad_list); it != NULL; it = clist_next(it))
		if ((bad = address_check(clist_content(it), lenient)) != NULL)
			return address_bad(field, bad, errstr);
	return ST_OK;
}

/*
 * Parse a comma-separated address list (UTF-8 or RFC 2047 display names,
 * groups, quoted commas, empty elements and comments skipped). *out is
 * NULL when the text holds no address. field names the header in
 * messages ("To").
 */
enum status
address_parse(const char *field, const char *text, int lenient,
    struct mailimf_address_list **out, char **errstr)
{
	struct mailimf_address_list *list = NULL, *part;
	size_t len = text != NULL ? strlen(text) : 0, i = 0, at;
	enum status st;

	*out = NULL;
	while ((i = address_skip(text, len, i)) < len) {
		if (text[i] == '(') {
			i = address_skip_comment(text, len, i);
			continue;
		}
		at = i;
		part = NULL;
		if (mailimf_address_list_parse(text, len, &i, &part) !=
		    MAILIMF_NO_ERROR || i == at) {
			if (part != NULL)
				mailimf_address_list_free(part);
			address_list_free(list);
			return address_unreadable(field, text, len, at, errstr);
		}
		if (list == NULL)
			list = part;
		else
			address_move(list, part);
	}
	if (list != NULL &&
	    (st = address_validate(field, list, lenient, errstr)) != ST_OK) {
		address_list_free(list);
		return st;
	}
	*out = list;
	return ST_OK;
}

/* Free a list; accepts NULL. */
void
address_list_free(struct mailimf_address_list *l)
{
	if (l != NULL)
		mailimf_address_list_free(l);
}

/* Add spec to the list unless it is there already (case-insensitive). */
void
address_specs_add(struct address_specs *s, const char *spec)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcasecmp(s->v[i], spec) == 0)
			return;
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = xstrdup(spec);
}

/* Every addr-spec of a list, group members included; accepts NULL. */
void
address_collect(const struct mailimf_address_list *l,
    struct address_specs *s)
{
	const struct mailimf_address *a;
	clistiter *it, *m;

	if (l == NULL)
		return;
	for (it = clist_begin(l->ad_list); it != NULL; it = clist_next(it)) {
		a = clist_content(it);
		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			address_specs_add(s, a->ad_data.ad_mailbox->mb_addr_spec);
			continue;
		}
		if (a->ad_data.ad_group->grp_mb_list == NULL)
			continue;
		for (m = clist_begin(a->ad_data.ad_group->grp_mb_list->mb_list);
		    m != NULL; m = clist_next(m))
			address_specs_add(s, ((struct mailimf_mailbox *)
			    clist_content(m))->mb_addr_spec);
	}
}

/* How many addresses (mailboxes and groups) a list has; 0 for NULL. */
size_t
address_count(const struct mailimf_address_list *l)
{
	return l != NULL ? (size_t)clist_count(l->ad_list) : 0;
}

/* The first address when it is a mailbox: its addr-spec, and its display
 * name (or NULL) in *name; NULL when the list starts with a group. */
const char *
address_first(const struct mailimf_address_list *l, const char **name)
{
	const struct mailimf_address *a;

	if (l == NULL || clist_begin(l->ad_list) == NULL)
		return NULL;
	a = clist_content(clist_begin(l->ad_list));
	if (a->ad_type != MAILIMF_ADDRESS_MAILBOX)
		return NULL;
	if (name != NULL)
		*name = a->ad_data.ad_mailbox->mb_display_name;
	return a->ad_data.ad_mailbox->mb_addr_spec;
}

/* A display name with RFC 2047 words decoded to UTF-8 (a name copied
 * from a received header); as it is when there is nothing to decode. */
static char *
address_decode_name(const char *name)
{
	size_t idx = 0, len = strlen(name);
	char *dec = NULL, *out;

	if (strstr(name, "=?") == NULL || mailmime_encoded_phrase_parse(
	    "utf-8", name, len, &idx, "utf-8", &dec) != MAILIMF_NO_ERROR ||
	    dec == NULL || idx != len || dec[0] == '\0') {
		free(dec);
		return xstrdup(name);
	}
	out = xstrdup(dec);
	free(dec);
	return out;
}

/* One mailbox: the display name, then <spec> with suffix (",", ";"). */
static void
address_write_mailbox(struct ehdr *h, const struct mailimf_mailbox *mb,
    const char *suffix)
{
	const char *name = mb->mb_display_name;
	char *tok, *dec;

	if (name != NULL && *name != '\0') {
		dec = address_decode_name(name);
		encode_phrase(h, dec);
		free(dec);
		tok = xasprintf("<%s>%s", mb->mb_addr_spec, suffix);
	} else
		tok = xasprintf("%s%s", mb->mb_addr_spec, suffix);
	encode_hdr_token(h, NULL, 0, tok, strlen(tok));
	free(tok);
}

/* A group: "name:" then its members, the last one ending in ";". */
static void
address_write_group(struct ehdr *h, const struct mailimf_group *g,
    const char *suffix)
{
	clistiter *it;
	char *tok, *end;
	int empty = g->grp_mb_list == NULL ||
	    clist_begin(g->grp_mb_list->mb_list) == NULL;

	end = xasprintf(";%s", suffix);
	encode_phrase(h, g->grp_display_name);
	/* an encoded word must not touch the ":" (RFC 2047 5) */
	tok = xasprintf("%s%s", encode_needs_words(g->grp_display_name,
	    strlen(g->grp_display_name)) ? " :" : ":", empty ? end : "");
	ebuf_str(h->b, tok);
	h->col += strlen(tok);
	free(tok);
	for (it = empty ? NULL : clist_begin(g->grp_mb_list->mb_list);
	    it != NULL; it = clist_next(it))
		address_write_mailbox(h, clist_content(it),
		    clist_next(it) == NULL ? end : ",");
	free(end);
}

/* The addresses of a header, folded between addresses and words. */
void
address_write(struct ehdr *h, const struct mailimf_address_list *l)
{
	const struct mailimf_address *a;
	const char *suffix;
	clistiter *it;

	for (it = clist_begin(l->ad_list); it != NULL; it = clist_next(it)) {
		a = clist_content(it);
		suffix = clist_next(it) != NULL ? "," : "";
		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX)
			address_write_mailbox(h, a->ad_data.ad_mailbox, suffix);
		else
			address_write_group(h, a->ad_data.ad_group, suffix);
	}
}
