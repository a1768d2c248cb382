/* message.c: a draft into RFC 5322 + MIME, and the envelope of a message
 * given whole (starling send). */
#include "build-config.h"

#include <libetpan/libetpan.h>
#include <magic.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "address.h"
#include "encode.h"
#include "i18n.h"
#include "message.h"
#include "xmalloc.h"

#define MESSAGE_MAX_PARTS_TRIES	16	/* boundaries tried before giving up */

/* One body part being assembled: its headers and content, and whether
 * its content is as typed (7bit, 8bit), where a boundary could hide. */
struct message_part {
	struct ebuf	 b;
	int		 raw;
	int		 eightbit;
};

struct message_parts {
	struct message_part	*v;
	size_t			 n;
};

/* Free everything a draft holds and zero it. */
void
draft_clear(struct draft *d)
{
	size_t i;

	if (d == NULL)
		return;
	free(d->from);
	free(d->to);
	free(d->cc);
	free(d->bcc);
	free(d->subject);
	free(d->in_reply_to);
	free(d->references);
	free(d->body);
	for (i = 0; i < d->nattach; i++)
		free(d->attach[i]);
	free(d->attach);
	free(d->raw);
	memset(d, 0, sizeof(*d));
}

/* Free an envelope and zero it. */
void
envelope_out_clear(struct envelope_out *e)
{
	size_t i;

	if (e == NULL)
		return;
	free(e->from);
	for (i = 0; i < e->nrcpt; i++)
		free(e->rcpt[i]);
	free(e->rcpt);
	memset(e, 0, sizeof(*e));
}

/* n random characters from [a-z2-7]. */
static void
message_random(char *out, size_t n)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[64];
	size_t i;

	if (n > sizeof(r))
		fatalx("message_random: too long");
	if (getrandom(r, n, 0) != (ssize_t)n)
		fatalx("getrandom: %s", strerror(errno));
	for (i = 0; i < n; i++)
		out[i] = alpha[r[i] & 31];
	out[n] = '\0';
}

/* A new Message-ID "<random@domain>" (domain: the sender's). */
static char *
message_new_id(const char *from_spec)
{
	const char *at = strrchr(from_spec, '@');
	char rnd[25];

	message_random(rnd, 24);
	return xasprintf("<%s@%s>", rnd, at != NULL && at[1] != '\0' ?
	    at + 1 : "localhost");
}

/* "Date: Tue, 01 Jul 2025 12:34:56 +0900" in local time, never in the
 * user's language. */
static void
message_date(struct ebuf *b, time_t when)
{
	static const char *days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec"
	};
	struct tm tm;
	long off;

	localtime_r(&when, &tm);
	off = tm.tm_gmtoff / 60;
	ebuf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld\r\n",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, off < 0 ? '-' : '+',
	    labs(off) / 60, labs(off) % 60);
}

/* ------------------------------------------------------------ addresses */

/* The From mailbox: the draft's, else the account's name and email. */
static enum status
message_from(const struct draft *d, const struct account *acct,
    struct mailimf_address_list **out, char **errstr)
{
	struct mailimf_mailbox *mb;
	struct mailimf_address *a;
	enum status st;

	if (d->from != NULL && d->from[strspn(d->from, " \t")] != '\0') {
		if ((st = address_parse("From", d->from, 0, out, errstr)) !=
		    ST_OK)
			return st;
		if (address_count(*out) == 1 && address_first(*out, NULL))
			return ST_OK;
		address_list_free(*out);
		*out = NULL;
		*errstr = xstrdup(_("From: give exactly one address"));
		return ST_USAGE;
	}
	if (acct == NULL || acct->email == NULL ||
	    !address_spec_valid(acct->email, 0)) {
		*errstr = xasprintf(_("account %s has no usable email = "
		    "setting: starling cannot tell who the message is from"),
		    acct != NULL ? acct->name : "?");
		return ST_USAGE;
	}
	if ((mb = mailimf_mailbox_new(acct->realname ?
	    xstrdup(acct->realname) : NULL, xstrdup(acct->email))) == NULL ||
	    (a = mailimf_address_new(MAILIMF_ADDRESS_MAILBOX, mb, NULL)) ==
	    NULL || (*out = mailimf_address_list_new_empty()) == NULL ||
	    mailimf_address_list_add(*out, a) != MAILIMF_NO_ERROR)
		fatalx("message: out of memory");
	return ST_OK;
}

/* Parse From, To, Cc and Bcc of a draft; lists[0..3]. */
static enum status
message_addresses(const struct draft *d, const struct account *acct,
    struct mailimf_address_list *lists[4], char **errstr)
{
	enum status st;

	memset(lists, 0, 4 * sizeof(*lists));
	if ((st = message_from(d, acct, &lists[0], errstr)) != ST_OK ||
	    (st = address_parse("To", d->to, 0, &lists[1], errstr)) != ST_OK ||
	    (st = address_parse("Cc", d->cc, 0, &lists[2], errstr)) != ST_OK ||
	    (st = address_parse("Bcc", d->bcc, 0, &lists[3], errstr)) != ST_OK)
		return st;
	return ST_OK;
}

/* The envelope: the From addr-spec, and To, Cc and Bcc without twins. */
static enum status
message_envelope_of(struct mailimf_address_list *lists[4],
    struct envelope_out *env, char **errstr)
{
	struct address_specs s = { NULL, 0 };
	int i;

	for (i = 1; i < 4; i++)
		address_collect(lists[i], &s);
	if (s.n == 0) {
		*errstr = xstrdup(_("the message has no recipient: fill in "
		    "To, Cc or Bcc"));
		return ST_USAGE;
	}
	env->from = xstrdup(address_first(lists[0], NULL));
	env->rcpt = s.v;
	env->nrcpt = s.n;
	return ST_OK;
}

/* ------------------------------------------------------------- headers */

/* An address header, or nothing for an empty list. */
static void
message_address_header(struct ebuf *b, const char *name,
    const struct mailimf_address_list *l)
{
	struct ehdr h;

	if (address_count(l) == 0)
		return;
	encode_hdr_begin(&h, b, name);
	address_write(&h, l);
	encode_hdr_end(&h);
}

/* In-Reply-To / References: message ids "<...>", folded between them;
 * anything else is dropped (no header injection). */
static void
message_ids_header(struct ebuf *b, const char *name, const char *ids)
{
	const char *p = ids, *e;
	struct ehdr h;
	int any = 0;
	size_t i;

	if (ids == NULL)
		return;
	while (*p != '\0') {
		p += strspn(p, " \t\r\n");
		e = p + strcspn(p, " \t\r\n");
		for (i = 0; p + i < e; i++)
			if ((unsigned char)p[i] < 0x21 ||
			    (unsigned char)p[i] > 0x7e)
				break;
		if (e - p > 2 && p + i == e && *p == '<' && e[-1] == '>') {
			if (!any++)
				encode_hdr_begin(&h, b, name);
			encode_hdr_token(&h, NULL, 0, p, (size_t)(e - p));
		}
		p = e;
	}
	if (any)
		encode_hdr_end(&h);
}

/* The headers above the body, up to MIME-Version. */
static void
message_headers(struct ebuf *b, const struct draft *d,
    struct mailimf_address_list *lists[4], time_t when, const char *id)
{
	message_date(b, when);
	message_address_header(b, "From", lists[0]);
	if (address_count(lists[1]) + address_count(lists[2]) == 0)
		ebuf_str(b, "To: undisclosed-recipients:;\r\n");
	message_address_header(b, "To", lists[1]);
	message_address_header(b, "Cc", lists[2]);
	encode_unstructured(b, "Subject", d->subject);
	ebuf_printf(b, "Message-ID: %s\r\n", id);
	message_ids_header(b, "In-Reply-To", d->in_reply_to);
	message_ids_header(b, "References", d->references);
	ebuf_str(b, "MIME-Version: 1.0\r\n");
}

/* ---------------------------------------------------------------- parts */

/* A new, empty part at the end of the list. */
static struct message_part *
message_part_new(struct message_parts *ps)
{
	struct message_part *p;

	ps->v = xreallocarray(ps->v, ps->n + 1, sizeof(*ps->v));
	p = &ps->v[ps->n++];
	memset(p, 0, sizeof(*p));
	ebuf_init(&p->b);
	return p;
}

/* Free every part. */
static void
message_parts_free(struct message_parts *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		ebuf_free(&ps->v[i].b);
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

/* The text the user wrote: UTF-8, 7bit, 8bit or quoted-printable. */
static void
message_text_part(struct message_parts *ps, const char *body, int eightbit)
{
	struct message_part *p = message_part_new(ps);
	size_t len = body != NULL ? strlen(body) : 0;
	enum encode_cte cte = encode_text_cte(body, len, eightbit);

	ebuf_printf(&p->b, "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: %s\r\n\r\n", encode_cte_name(cte));
	encode_body(&p->b, body, len, cte);
	p->raw = cte == CTE_7BIT || cte == CTE_8BIT;
	p->eightbit = cte == CTE_8BIT;
}

/* Is t a sane MIME type (type/subtype of token characters)? */
static int
message_type_ok(const char *t)
{
	const char *slash = strchr(t, '/');
	size_t i;

	if (slash == NULL || slash == t || slash[1] == '\0')
		return 0;
	for (i = 0; t[i] != '\0'; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= 'A' && t[i] <= 'Z') ||
		    (t[i] >= '0' && t[i] <= '9') ||
		    strchr("!#$&^_.+-/", t[i]) != NULL))
			return 0;
	return 1;
}

/* The content type libmagic sees in data, "application/octet-stream"
 * when it cannot tell; *charset is set for text it can name. */
static char *
message_magic(const void *data, size_t len, char **charset)
{
	const char *t, *enc;
	char *type = NULL;
	magic_t m;

	*charset = NULL;
	if ((m = magic_open(MAGIC_MIME_TYPE)) != NULL &&
	    magic_load(m, NULL) == 0 &&
	    (t = magic_buffer(m, data, len)) != NULL && message_type_ok(t) &&
	    strstr(t, "x-empty") == NULL)
		type = xstrdup(t);
	if (type != NULL && strncmp(type, "text/", 5) == 0 &&
	    magic_setflags(m, MAGIC_MIME_ENCODING) == 0 &&
	    (enc = magic_buffer(m, data, len)) != NULL &&
	    strcmp(enc, "binary") != 0 &&
	    strncmp(enc, "unknown", 7) != 0 && strspn(enc,
	    "abcdefghijklmnopqrstuvwxyz0123456789-_") == strlen(enc))
		*charset = xstrdup(enc);
	if (m != NULL)
		magic_close(m);
	return type != NULL ? type : xstrdup("application/octet-stream");
}

/* Read a whole file. */
static enum status
message_read_file(const char *path, char **data, size_t *len, char **errstr)
{
	struct ebuf b;
	char chunk[65536];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		goto fail;
	ebuf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ebuf_add(&b, chunk, n);
	if (ferror(f)) {
		ebuf_free(&b);
		fclose(f);
		goto fail;
	}
	fclose(f);
	*data = ebuf_take(&b, len);
	return ST_OK;
fail:
	/* TRANSLATORS: "cannot read the attachment /x/y.pdf: No such file" */
	*errstr = xasprintf(_("cannot read the attachment %s: %s"), path,
	    strerror(errno));
	return ST_USAGE;
}

/* A file as an attachment: libmagic's type, base64, its name as RFC 2231
 * filename* and, for old clients, as an encoded-word name=. */
static enum status
message_file_part(struct message_parts *ps, const char *path, char **errstr)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct message_part *p;
	char *data, *type, *charset, *tok;
	struct ehdr h;
	enum status st;
	size_t len;

	if ((st = message_read_file(path, &data, &len, errstr)) != ST_OK)
		return st;
	type = message_magic(data, len, &charset);
	p = message_part_new(ps);
	encode_hdr_begin(&h, &p->b, "Content-Type");
	tok = xasprintf("%s;", type);
	encode_hdr_token(&h, NULL, 0, tok, strlen(tok));
	free(tok);
	if (charset != NULL) {
		tok = xasprintf("charset=%s;", charset);
		encode_hdr_token(&h, NULL, 0, tok, strlen(tok));
		free(tok);
	}
	encode_param_words(&h, "name", base, 1);
	encode_hdr_end(&h);
	encode_hdr_begin(&h, &p->b, "Content-Disposition");
	encode_hdr_token(&h, NULL, 0, "attachment;", 11);
	encode_param(&h, "filename", base, 1);
	encode_hdr_end(&h);
	ebuf_str(&p->b, "Content-Transfer-Encoding: base64\r\n\r\n");
	encode_base64(&p->b, data, len);
	free(data);
	free(type);
	free(charset);
	return ST_OK;
}

/* A forwarded message as message/rfc822: as it is (7bit or 8bit), or
 * base64 when a line is too long or 8BITMIME is missing (VIOLATIONS.md). */
static void
message_forward_part(struct message_parts *ps, const char *raw, size_t len,
    int eightbit)
{
	struct message_part *p = message_part_new(ps);
	enum encode_cte cte = encode_text_cte(raw, len, eightbit);

	if (cte == CTE_QP)
		cte = CTE_BASE64;
	ebuf_printf(&p->b, "Content-Type: message/rfc822\r\n"
	    "Content-Disposition: inline\r\n"
	    "Content-Transfer-Encoding: %s\r\n\r\n", encode_cte_name(cte));
	encode_body(&p->b, raw, len, cte);
	p->raw = cte != CTE_BASE64;
	p->eightbit = cte == CTE_8BIT;
}

/* Every part of a draft, in order: the text, the files, the forward. */
static enum status
message_parts(const struct draft *d, int eightbit, struct message_parts *ps,
    char **errstr)
{
	enum status st;
	size_t i;

	memset(ps, 0, sizeof(*ps));
	if ((d->body != NULL && d->body[0] != '\0') ||
	    (d->nattach == 0 && !d->forward_raw))
		message_text_part(ps, d->body, eightbit);
	for (i = 0; i < d->nattach; i++)
		if ((st = message_file_part(ps, d->attach[i], errstr)) != ST_OK)
			return st;
	if (d->forward_raw && d->raw != NULL)
		message_forward_part(ps, d->raw, d->rawlen, eightbit);
	return ST_OK;
}

/* Does "--boundary" occur in a part that is not encoded? */
static int
message_boundary_clash(const struct message_parts *ps, const char *bnd)
{
	char *delim = xasprintf("--%s", bnd);
	size_t i;
	int clash = 0;

	for (i = 0; i < ps->n && !clash; i++)
		clash = ps->v[i].raw && memmem(ps->v[i].b.p, ps->v[i].b.len,
		    delim, strlen(delim)) != NULL;
	free(delim);
	return clash;
}

/* The parts under a multipart/mixed header, or the one part as it is. */
static void
message_assemble(struct ebuf *b, const struct message_parts *ps,
    const char *fixed)
{
	char bnd[40], *tok;
	struct ehdr h;
	size_t i;
	int tries = 0, eight = 0;

	if (ps->n == 1) {
		ebuf_add(b, ps->v[0].b.p, ps->v[0].b.len);
		return;
	}
	do {
		if (fixed != NULL)
			snprintf(bnd, sizeof(bnd), "%s", fixed);
		else {
			memcpy(bnd, "=_", 2);
			message_random(bnd + 2, 28);
		}
	} while (fixed == NULL && message_boundary_clash(ps, bnd) &&
	    ++tries < MESSAGE_MAX_PARTS_TRIES);
	for (i = 0; i < ps->n; i++)
		eight |= ps->v[i].eightbit;
	encode_hdr_begin(&h, b, "Content-Type");
	encode_hdr_token(&h, NULL, 0, "multipart/mixed;", 16);
	tok = xasprintf("boundary=\"%s\"", bnd);
	encode_hdr_token(&h, NULL, 0, tok, strlen(tok));
	free(tok);
	encode_hdr_end(&h);
	if (eight)
		ebuf_str(b, "Content-Transfer-Encoding: 8bit\r\n");
	ebuf_str(b, "\r\n");
	/* Each part ends in CRLF, and the delimiter's own CRLF comes on
	 * top, so a text keeps its last line end (RFC 2046 5.1.1). */
	for (i = 0; i < ps->n; i++) {
		ebuf_printf(b, "%s--%s\r\n", i > 0 ? "\r\n" : "", bnd);
		ebuf_add(b, ps->v[i].b.p, ps->v[i].b.len);
	}
	ebuf_printf(b, "\r\n--%s--\r\n", bnd);
}

/* message_build() with the date, Message-ID and boundary given (tests). */
enum status
message_build_fixed(const struct draft *d, const struct account *acct,
    int eightbit, const struct message_fixed *fx, char **out, size_t *outlen,
    struct envelope_out *env, char **errstr)
{
	struct mailimf_address_list *lists[4];
	struct message_parts ps;
	struct ebuf b;
	enum status st;
	char *id;
	int i;

	memset(env, 0, sizeof(*env));
	memset(&ps, 0, sizeof(ps));
	if ((st = message_addresses(d, acct, lists, errstr)) != ST_OK ||
	    (st = message_envelope_of(lists, env, errstr)) != ST_OK ||
	    (st = message_parts(d, eightbit, &ps, errstr)) != ST_OK)
		goto done;
	id = fx != NULL && fx->message_id != NULL ? xstrdup(fx->message_id) :
	    message_new_id(env->from);
	ebuf_init(&b);
	message_headers(&b, d, lists, fx != NULL && fx->date != 0 ? fx->date :
	    time(NULL), id);
	free(id);
	message_assemble(&b, &ps, fx != NULL ? fx->boundary : NULL);
	*out = ebuf_take(&b, outlen);
done:
	if (st != ST_OK)
		envelope_out_clear(env);
	message_parts_free(&ps);
	for (i = 0; i < 4; i++)
		address_list_free(lists[i]);
	return st;
}

/* Turn a draft into the message on the wire and its envelope. eightbit:
 * the server offers 8BITMIME. */
enum status
message_build(const struct draft *d, const struct account *acct,
    int eightbit, char **out, size_t *outlen, struct envelope_out *env,
    char **errstr)
{
	return message_build_fixed(d, acct, eightbit, NULL, out, outlen, env,
	    errstr);
}

/* ------------------------------------------------- a message given whole */

/* The next line: its length without CR LF, and the offset after it. */
static size_t
message_line(const char *s, size_t len, size_t *next)
{
	const char *nl = memchr(s, '\n', len);
	size_t n = nl != NULL ? (size_t)(nl - s) : len;

	*next = nl != NULL ? n + 1 : len;
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return n;
}

/* Does the line start a header field ("Name:")? */
static int
message_field_line(const char *s, size_t n)
{
	size_t k = 0;

	while (k < n && (unsigned char)s[k] > 0x20 &&
	    (unsigned char)s[k] < 0x7f && s[k] != ':')
		k++;
	return k > 0 && k < n && s[k] == ':';
}

/* The length of the header block; *body: where the body begins (after
 * the empty line, or at the first line that is no header, as sendmail
 * reads a message without one). */
static size_t
message_header_block(const char *m, size_t len, size_t *body)
{
	size_t i = 0, n, next;

	while (i < len) {
		n = message_line(m + i, len - i, &next);
		if (n == 0) {
			*body = i + next;
			return i;
		}
		if (!((i > 0 && (m[i] == ' ' || m[i] == '\t')) ||
		    message_field_line(m + i, n)))
			break;
		i += next;
	}
	*body = i;
	return i;
}

/* Is the field at s (a header line) named name? */
static int
message_field_is(const char *s, size_t n, const char *name)
{
	size_t k = strlen(name);

	return n > k && strncasecmp(s, name, k) == 0 &&
	    (s[k] == ':' || s[k] == ' ' || s[k] == '\t') &&
	    s[k + strspn(s + k, " \t")] == ':';
}

/* One header field (its first line at i, with continuation lines) as
 * CRLF text into b unless drop; returns the offset after it. */
static size_t
message_copy_field(struct ebuf *b, const char *m, size_t hl, size_t i,
    int drop)
{
	size_t n, next;

	do {
		n = message_line(m + i, hl - i, &next);
		if (!drop) {
			ebuf_add(b, m + i, n);
			ebuf_add(b, "\r\n", 2);
		}
		i += next;
	} while (i < hl && (m[i] == ' ' || m[i] == '\t'));
	return i;
}

/* The From header written for a message without one. */
static void
message_add_from(struct ebuf *b, const char *addr, const char *name)
{
	struct ehdr h;
	char *tok;

	encode_hdr_begin(&h, b, "From");
	if (name != NULL && *name != '\0') {
		encode_phrase(&h, name);
		tok = xasprintf("<%s>", addr);
	} else
		tok = xstrdup(addr);
	encode_hdr_token(&h, NULL, 0, tok, strlen(tok));
	free(tok);
	encode_hdr_end(&h);
}

/* The wire copy of a message given whole: CRLF, no Bcc, and Date,
 * Message-ID and From added when missing. */
void
message_prepare(const char *m, size_t len, const char *from,
    const char *fullname, char **out, size_t *outlen)
{
	size_t body, hl = message_header_block(m, len, &body), i = 0, n, next;
	int date = 0, id = 0, fromhdr = 0;
	struct ebuf b;
	char *newid;

	ebuf_init(&b);
	while (i < hl) {
		n = message_line(m + i, hl - i, &next);
		date |= message_field_is(m + i, n, "Date");
		id |= message_field_is(m + i, n, "Message-ID");
		fromhdr |= message_field_is(m + i, n, "From");
		i = message_copy_field(&b, m, hl, i,
		    message_field_is(m + i, n, "Bcc") ||
		    message_field_is(m + i, n, "Resent-Bcc"));
	}
	if (!date)
		message_date(&b, time(NULL));
	if (!id) {
		newid = message_new_id(from != NULL ? from : "");
		ebuf_printf(&b, "Message-ID: %s\r\n", newid);
		free(newid);
	}
	if (!fromhdr && from != NULL && *from != '\0')
		message_add_from(&b, from, fullname);
	ebuf_str(&b, "\r\n");
	encode_crlf(&b, m + body, len - body);
	*out = ebuf_take(&b, outlen);
}

/* The Message-ID of a message ("<...>"), or NULL. */
char *
message_id_of(const char *m, size_t len)
{
	size_t body, hl = message_header_block(m, len, &body), i = 0, n, next;
	struct ebuf b;
	char *v, *s, *e;

	while (i < hl) {
		n = message_line(m + i, hl - i, &next);
		if (!message_field_is(m + i, n, "Message-ID")) {
			i += next;
			continue;
		}
		ebuf_init(&b);
		message_copy_field(&b, m, hl, i, 0);
		v = ebuf_take(&b, NULL);
		s = strchr(v, '<');
		e = s != NULL ? strchr(s, '>') : NULL;
		s = e != NULL ? xstrndup(s, (size_t)(e - s + 1)) : NULL;
		free(v);
		return s;
	}
	return NULL;
}

/* Add the addresses of a parsed header (validated, local names allowed). */
static enum status
message_take(const char *field, const struct mailimf_address_list *l,
    struct address_specs *s, char **errstr)
{
	enum status st;

	if (l == NULL)
		return ST_OK;
	if ((st = address_validate(field, l, 1, errstr)) != ST_OK)
		return st;
	address_collect(l, s);
	return ST_OK;
}

/* A header libetpan could not read as addresses: refuse, never guess. */
static enum status
message_unreadable(const struct mailimf_optional_field *f, char **errstr)
{
	char *v = xstrndup(f->fld_value, 60);

	/* TRANSLATORS: "the To: header cannot be read as addresses: ..." */
	*errstr = xasprintf(_("the %s: header cannot be read as addresses: "
	    "%s"), f->fld_name, v);
	free(v);
	return ST_USAGE;
}

/* Walk the header fields: recipients (when asked) and the From sender. */
static enum status
message_fields(const struct mailimf_fields *fields, int rcpt_from_headers,
    struct address_specs *s, const char **sender, char **errstr)
{
	const struct mailimf_field *f;
	enum status st = ST_OK;
	clistiter *it;

	for (it = clist_begin(fields->fld_list); it != NULL && st == ST_OK;
	    it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILIMF_FIELD_FROM && *sender == NULL &&
		    f->fld_data.fld_from->frm_mb_list != NULL &&
		    clist_begin(f->fld_data.fld_from->frm_mb_list->mb_list))
			*sender = ((struct mailimf_mailbox *)clist_content(
			    clist_begin(f->fld_data.fld_from->frm_mb_list->
			    mb_list)))->mb_addr_spec;
		if (!rcpt_from_headers)
			continue;
		if (f->fld_type == MAILIMF_FIELD_TO)
			st = message_take("To", f->fld_data.fld_to->to_addr_list,
			    s, errstr);
		else if (f->fld_type == MAILIMF_FIELD_CC)
			st = message_take("Cc", f->fld_data.fld_cc->cc_addr_list,
			    s, errstr);
		else if (f->fld_type == MAILIMF_FIELD_BCC)
			st = message_take("Bcc",
			    f->fld_data.fld_bcc->bcc_addr_list, s, errstr);
		else if (f->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD && (
		    strcasecmp(f->fld_data.fld_optional_field->fld_name,
		    "To") == 0 || strcasecmp(f->fld_data.fld_optional_field->
		    fld_name, "Cc") == 0 || strcasecmp(f->fld_data.
		    fld_optional_field->fld_name, "Bcc") == 0))
			st = message_unreadable(f->fld_data.fld_optional_field,
			    errstr);
	}
	return st;
}

/* The recipients given as arguments (each may be a list). */
static enum status
message_args(char *const *rcpt, size_t n, struct address_specs *s,
    char **errstr)
{
	struct mailimf_address_list *l;
	enum status st;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((st = address_parse(_("recipient"), rcpt[i], 1, &l,
		    errstr)) != ST_OK)
			return st;
		address_collect(l, s);
		address_list_free(l);
	}
	return ST_OK;
}

/* The envelope sender: -f as given ("" or "<>" for the null sender),
 * else the From header's first address, else NULL (the caller's). */
static enum status
message_sender(const char *from, const char *hdr, struct envelope_out *env,
    char **errstr)
{
	struct mailimf_address_list *l;
	enum status st;

	if (from != NULL && (*from == '\0' || strcmp(from, "<>") == 0)) {
		env->from = xstrdup("");
		return ST_OK;
	}
	if (from != NULL) {
		if ((st = address_parse("-f", from, 1, &l, errstr)) != ST_OK)
			return st;
		if (address_count(l) != 1 || !address_first(l, NULL)) {
			address_list_free(l);
			*errstr = xstrdup(_("-f: give exactly one address"));
			return ST_USAGE;
		}
		env->from = xstrdup(address_first(l, NULL));
		address_list_free(l);
		return ST_OK;
	}
	if (hdr != NULL && address_spec_valid(hdr, 1))
		env->from = xstrdup(hdr);
	return ST_OK;
}

/* The header block for libetpan's parser: CRLF, without the Resent-
 * fields, which -t does not use (and whose Resent-Bcc libetpan leaks). */
static void
message_parse_copy(struct ebuf *b, const char *m, size_t hl)
{
	size_t i = 0, n, next;

	ebuf_add(b, "", 0);
	while (i < hl) {
		n = message_line(m + i, hl - i, &next);
		i = message_copy_field(b, m, hl, i, n > 7 &&
		    strncasecmp(m + i, "Resent-", 7) == 0);
	}
}

/*
 * The envelope of a message given whole (starling send): recipients from
 * the arguments, and from To, Cc and Bcc when rcpt_from_headers (-t); the
 * sender from from (-f), else the From header, else NULL.
 */
enum status
message_envelope(const char *m, size_t len, const char *from,
    char *const *rcpt, size_t nrcpt, int rcpt_from_headers,
    struct envelope_out *env, char **errstr)
{
	struct address_specs s = { NULL, 0 };
	struct mailimf_fields *fields = NULL;
	const char *sender = NULL;
	size_t body, hl = message_header_block(m, len, &body), idx = 0;
	struct ebuf h;
	enum status st;

	memset(env, 0, sizeof(*env));
	ebuf_init(&h);
	message_parse_copy(&h, m, hl);
	if (h.len > 0 && mailimf_fields_parse(h.p, h.len, &idx, &fields) !=
	    MAILIMF_NO_ERROR)
		fields = NULL;
	st = fields != NULL ? message_fields(fields, rcpt_from_headers, &s,
	    &sender, errstr) : ST_OK;
	if (st == ST_OK)
		st = message_args(rcpt, nrcpt, &s, errstr);
	if (st == ST_OK && s.n == 0) {
		*errstr = xstrdup(_("no recipient: give the addresses as "
		    "arguments, or use -t to take them from To, Cc and Bcc"));
		st = ST_USAGE;
	}
	if (st == ST_OK)
		st = message_sender(from, sender, env, errstr);
	if (fields != NULL)
		mailimf_fields_free(fields);
	ebuf_free(&h);
	env->rcpt = s.v;
	env->nrcpt = s.n;
	if (st != ST_OK)
		envelope_out_clear(env);
	return st;
}
