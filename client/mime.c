/* mime.c: a message's MIME tree (libetpan) as blocks to show and
 * attachments to save. */
#include "build-config.h"

#include <libetpan/libetpan.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "html.h"
#include "i18n.h"
#include "mime.h"
#include "strbuf.h"
#include "xmalloc.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define MIME_MAX_PARAMS		64	/* looked at per part */
#define MIME_MAX_SECTIONS	100	/* RFC 2231 continuations */

/* A parameter of Content-Type or Content-Disposition, as libetpan has it. */
struct mime_kv {
	const char	*name;
	const char	*value;
};

/* The document being built. */
struct mime_render {
	struct mime_doc			*doc;
	size_t				 bcap, acap;
	const struct mime_options	*opt;
	int				 nest;		/* parts entered */
	int				 depth_note;	/* said once */
};

static void mime_render_part(struct mime_render *, const struct mailmime *,
    int);

/* ------------------------------------------------------------ building */

/* Append a block (takes text). */
static void
mime_block(struct mime_render *r, enum mime_kind kind, int depth,
    char *text)
{
	struct mime_doc *d = r->doc;

	if (d->nblocks == r->bcap) {
		r->bcap = r->bcap ? r->bcap * 2 : 16;
		d->blocks = xreallocarray(d->blocks, r->bcap,
		    sizeof(*d->blocks));
	}
	d->blocks[d->nblocks].kind = kind;
	d->blocks[d->nblocks].depth = depth;
	d->blocks[d->nblocks].text = text;
	d->nblocks++;
}

/* Append an attachment (takes name, type and data). */
static void
mime_attach(struct mime_render *r, char *name, char *type, char *data,
    size_t size, int depth)
{
	struct mime_doc *d = r->doc;
	struct mime_attachment *a;

	if (d->natts == r->acap) {
		r->acap = r->acap ? r->acap * 2 : 8;
		d->atts = xreallocarray(d->atts, r->acap, sizeof(*d->atts));
	}
	a = &d->atts[d->natts++];
	a->name = name;
	a->type = type;
	a->data = data;
	a->size = size;
	a->depth = depth;
}

/* A copy with CRLF (and lone CR) made LF. */
static char *
mime_lf(const char *s, size_t len)
{
	struct strbuf b = { 0 };
	size_t i;

	strbuf_add(&b, "", 0);
	for (i = 0; i < len; i++) {
		if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
			continue;
		strbuf_addc(&b, s[i] == '\r' ? '\n' : s[i]);
	}
	return strbuf_take(&b, NULL);
}

/* Are these bytes only white space? */
static int
mime_blank_n(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (strchr(" \t\r\n", s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

/* ------------------------------------------------------ header words */

/*
 * A header value with RFC 2047 words decoded to UTF-8 (libetpan's phrase
 * parser, conversions through charset.c). Valid UTF-8 without words is
 * kept byte for byte; raw 8-bit text is read as UTF-8, else windows-1252;
 * what libetpan cannot tokenise is kept (made UTF-8).
 */
char *
mime_decode_header(const char *raw)
{
	char *dec = NULL, *out;
	size_t idx = 0, len;

	if (raw == NULL)
		return xstrdup("");
	charset_install();
	len = strlen(raw);
	if (strstr(raw, "=?") == NULL)
		return charset_to_utf8(NULL, raw, len, NULL);
	if (mailmime_encoded_phrase_parse("unknown-8bit", raw, len, &idx,
	    "utf-8", &dec) != MAILIMF_NO_ERROR || dec == NULL)
		return charset_to_utf8(NULL, raw, len, NULL);
	if (idx != len || (dec[0] == '\0' && raw[strspn(raw, " \t\r\n")]))
		out = charset_to_utf8(NULL, raw, len, NULL);
	else
		out = xstrdup(dec);
	free(dec);
	return out;
}

/* A header value unfolded (CRLF before white space removed), decoded. */
static char *
mime_header_value(const char *raw)
{
	struct strbuf b = { 0 };
	char *out;
	size_t i;

	strbuf_add(&b, "", 0);
	for (i = 0; raw[i] != '\0'; i++)
		if (raw[i] != '\r' && raw[i] != '\n')
			strbuf_addc(&b, raw[i]);
	out = mime_decode_header(b.s);
	strbuf_clear(&b);
	return out;
}

/* The first header field called name. */
static const char *
mime_field(const struct mailimf_fields *fields, const char *name)
{
	const struct mailimf_field *f;
	clistiter *it;

	for (it = clist_begin(fields->fld_list); it; it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD &&
		    strcasecmp(f->fld_data.fld_optional_field->fld_name,
		    name) == 0)
			return f->fld_data.fld_optional_field->fld_value;
	}
	return NULL;
}

/* From, To, Cc, Date and Subject of a message's text, decoded, as
 * header blocks; the decoded subject, or NULL. */
static char *
mime_headers(struct mime_render *r, const char *text, size_t len,
    int depth)
{
	static const char *const want[] = {
		"From", "To", "Cc", "Date", "Subject"
	};
	struct mailimf_fields *fields = NULL;
	char *dec, *subject = NULL;
	const char *v;
	size_t idx = 0, i;

	if (mailimf_optional_fields_parse(text, len, &idx, &fields) !=
	    MAILIMF_NO_ERROR || fields == NULL)
		return NULL;
	for (i = 0; i < nitems(want); i++) {
		if ((v = mime_field(fields, want[i])) == NULL)
			continue;
		dec = mime_header_value(v);
		mime_block(r, MIME_HEADER, depth, xasprintf("%s: %s", want[i],
		    dec));
		if (i == nitems(want) - 1)
			subject = dec;
		else
			free(dec);
	}
	mailimf_fields_free(fields);
	return subject;
}

/* ---------------------------------------------------------- parameters */

/* The parameters of a part's Content-Type and Content-Disposition. */
static size_t
mime_params(const struct mailmime *m, struct mime_kv *kv, size_t max)
{
	const struct mailmime_disposition_parm *dp;
	const struct mailmime_parameter *p;
	const struct mailmime_field *f;
	clistiter *it, *j;
	size_t n = 0;

	if (m->mm_content_type != NULL && m->mm_content_type->ct_parameters)
		for (it = clist_begin(m->mm_content_type->ct_parameters);
		    it != NULL && n < max; it = clist_next(it)) {
			p = clist_content(it);
			kv[n].name = p->pa_name;
			kv[n++].value = p->pa_value;
		}
	if (m->mm_mime_fields == NULL)
		return n;
	for (it = clist_begin(m->mm_mime_fields->fld_list); it; it =
	    clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type != MAILMIME_FIELD_DISPOSITION)
			continue;
		for (j = clist_begin(f->fld_data.fld_disposition->dsp_parms);
		    j != NULL && n < max; j = clist_next(j)) {
			dp = clist_content(j);
			if (dp->pa_type == MAILMIME_DISPOSITION_PARM_FILENAME) {
				kv[n].name = "filename";
				kv[n++].value = dp->pa_data.pa_filename;
			} else if (dp->pa_type ==
			    MAILMIME_DISPOSITION_PARM_PARAMETER) {
				kv[n].name = dp->pa_data.pa_parameter->pa_name;
				kv[n++].value =
				    dp->pa_data.pa_parameter->pa_value;
			}
		}
	}
	return n;
}

/* The value of a parameter called exactly key, or NULL. */
static const char *
mime_kv_get(const struct mime_kv *kv, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (kv[i].name != NULL && kv[i].value != NULL &&
		    strcasecmp(kv[i].name, key) == 0)
			return kv[i].value;
	return NULL;
}

/* The value of a hexadecimal digit, or -1. */
static int
mime_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append %XX-encoded text (RFC 2231 extended value) as bytes. */
static void
mime_pct(struct strbuf *b, const char *s)
{
	int hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '%' && (hi = mime_hex(s[1])) != -1 &&
		    (lo = mime_hex(s[2])) != -1) {
			strbuf_addc(b, (char)(hi << 4 | lo));
			s += 2;
		} else
			strbuf_addc(b, *s);
	}
}

/* Split charset'lang'rest: the charset (allocated, maybe NULL), and rest. */
static const char *
mime_ext_start(const char *v, char **charset)
{
	const char *q1 = strchr(v, '\''), *q2;

	*charset = NULL;
	if (q1 == NULL || (q2 = strchr(q1 + 1, '\'')) == NULL)
		return v;
	if (q1 > v)
		*charset = xstrndup(v, (size_t)(q1 - v));
	return q2 + 1;
}

/* RFC 2231 continuations key*0, key*0*, key*1, ... joined; NULL if none. */
static char *
mime_param_sections(const struct mime_kv *kv, size_t n, const char *key)
{
	struct strbuf b = { 0 };
	char *name, *charset = NULL, *out;
	const char *v;
	int i, ext;

	for (i = 0; i < MIME_MAX_SECTIONS; i++) {
		name = xasprintf("%s*%d*", key, i);
		ext = (v = mime_kv_get(kv, n, name)) != NULL;
		name[strlen(name) - 1] = '\0';
		if (!ext)
			v = mime_kv_get(kv, n, name);
		free(name);
		if (v == NULL)
			break;
		if (ext && i == 0)
			v = mime_ext_start(v, &charset);
		if (ext)
			mime_pct(&b, v);
		else
			strbuf_adds(&b, v);
	}
	if (i == 0)
		return NULL;
	out = charset_to_utf8(charset, b.s ? b.s : "", b.len, NULL);
	free(charset);
	strbuf_clear(&b);
	return out;
}

/* The decoded value of parameter key: RFC 2231 (key*=, sections), else
 * key= with any RFC 2047 words decoded (a common violation). */
static char *
mime_param_of(const struct mime_kv *kv, size_t n, const char *key)
{
	struct strbuf b = { 0 };
	char *name = xasprintf("%s*", key), *charset, *out;
	const char *v;

	v = mime_kv_get(kv, n, name);
	free(name);
	if (v != NULL) {
		v = mime_ext_start(v, &charset);
		mime_pct(&b, v);
		out = charset_to_utf8(charset, b.s ? b.s : "", b.len, NULL);
		free(charset);
		strbuf_clear(&b);
		return out;
	}
	if ((out = mime_param_sections(kv, n, key)) != NULL)
		return out;
	if ((v = mime_kv_get(kv, n, key)) != NULL)
		return mime_decode_header(v);
	return NULL;
}

/* A parameter of a raw Content-Type or Content-Disposition value,
 * decoded (for tests and callers without a parsed part); NULL if absent. */
char *
mime_param(const char *header, const char *key)
{
	struct mailmime_content *ct = NULL;
	struct mailmime_disposition *dsp = NULL;
	struct mailmime_fields *fields;
	struct mailmime m;
	struct mailmime_field *f = NULL;
	struct mime_kv kv[MIME_MAX_PARAMS];
	size_t idx = 0, n;
	char *out;

	charset_install();
	memset(&m, 0, sizeof(m));
	if (mailmime_content_parse(header, strlen(header), &idx, &ct) !=
	    MAILIMF_NO_ERROR) {
		idx = 0;
		ct = NULL;
		if (mailmime_disposition_parse(header, strlen(header), &idx,
		    &dsp) != MAILIMF_NO_ERROR)
			return NULL;
	}
	m.mm_content_type = ct;
	fields = mailmime_fields_new_empty();
	if (fields == NULL || (dsp != NULL && ((f = mailmime_field_new(
	    MAILMIME_FIELD_DISPOSITION, NULL, NULL, NULL, NULL, 0, dsp, NULL,
	    NULL)) == NULL || mailmime_fields_add(fields, f) != 0)))
		fatalx("mime: out of memory");
	m.mm_mime_fields = fields;
	n = mime_params(&m, kv, nitems(kv));
	out = mime_param_of(kv, n, key);
	mailmime_fields_free(fields);
	if (ct != NULL)
		mailmime_content_free(ct);
	return out;
}

/* ------------------------------------------------------------- parts */

/* "type/subtype" in lower case, e.g. "text/plain". */
static char *
mime_type_name(const struct mailmime_content *ct)
{
	static const char *const discrete[] = {
		"x-error", "text", "image", "audio", "video", "application"
	};
	static const char *const composite[] = {
		"x-error", "message", "multipart"
	};
	const struct mailmime_type *t;
	const char *major = NULL;
	char *s, *p;
	int i;

	if (ct == NULL || ct->ct_type == NULL)
		return xstrdup("text/plain");
	t = ct->ct_type;
	if (t->tp_type == MAILMIME_TYPE_DISCRETE_TYPE) {
		i = t->tp_data.tp_discrete_type->dt_type;
		major = i >= 0 && (size_t)i < nitems(discrete) ? discrete[i] :
		    t->tp_data.tp_discrete_type->dt_extension;
	} else if (t->tp_type == MAILMIME_TYPE_COMPOSITE_TYPE) {
		i = t->tp_data.tp_composite_type->ct_type;
		major = i >= 0 && (size_t)i < nitems(composite) ? composite[i] :
		    t->tp_data.tp_composite_type->ct_token;
	}
	s = xasprintf("%s/%s", major ? major : "x-error",
	    ct->ct_subtype ? ct->ct_subtype : "x-error");
	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* Does the part's type start with prefix ("text/", "text/plain")? */
static int
mime_is(const struct mailmime *m, const char *prefix)
{
	char *t = mime_type_name(m->mm_content_type);
	int r = strncmp(t, prefix, strlen(prefix)) == 0;

	free(t);
	return r;
}

/* Content-Disposition: attachment? */
static int
mime_is_attachment(const struct mailmime *m)
{
	const struct mailmime_field *f;
	clistiter *it;

	if (m->mm_mime_fields == NULL)
		return 0;
	for (it = clist_begin(m->mm_mime_fields->fld_list); it; it =
	    clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILMIME_FIELD_DISPOSITION &&
		    f->fld_data.fld_disposition->dsp_type != NULL &&
		    f->fld_data.fld_disposition->dsp_type->dsp_type ==
		    MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
			return 1;
	}
	return 0;
}

/* A part's parameter, decoded; NULL if absent. */
static char *
mime_part_param(const struct mailmime *m, const char *key)
{
	struct mime_kv kv[MIME_MAX_PARAMS];

	return mime_param_of(kv, mime_params(m, kv, nitems(kv)), key);
}

/* The part's file name: filename=, else name=; "" if none. */
static char *
mime_filename(const struct mailmime *m)
{
	char *s;

	if ((s = mime_part_param(m, "filename")) != NULL && s[0] != '\0')
		return s;
	free(s);
	if ((s = mime_part_param(m, "name")) != NULL)
		return s;
	return xstrdup("");
}

/* Zero bytes after a part handed to libetpan's decoders. */
#define MIME_DECODE_PAD		4

/* A single part's body, its transfer encoding undone (libetpan's
 * decoders); what they cannot decode is kept as it is. */
static char *
mime_decode(const struct mailmime *m, size_t *len)
{
	const struct mailmime_data *d = m->mm_data.mm_single;
	char *dec = NULL, *out, *pad;
	size_t idx = 0, n = 0;
	int enc, r;

	*len = 0;
	if (d == NULL || d->dt_type != MAILMIME_DATA_TEXT)
		return xstrdup("");
	enc = d->dt_encoded ? d->dt_encoding : MAILMIME_MECHANISM_8BIT;
	/* libetpan's quoted-printable decoder reads up to two bytes past
	 * the end of a part that ends in "=" and one more character (the
	 * fuzzer found it): it gets a copy with NULs after the end. */
	pad = xcalloc(d->dt_data.dt_text.dt_length + MIME_DECODE_PAD, 1);
	memcpy(pad, d->dt_data.dt_text.dt_data, d->dt_data.dt_text.dt_length);
	r = mailmime_part_parse(pad, d->dt_data.dt_text.dt_length, &idx, enc,
	    &dec, &n);
	free(pad);
	if (r == MAILIMF_NO_ERROR && dec != NULL) {
		out = xmalloc(n + 1);
		memcpy(out, dec, n);
		out[n] = '\0';
		mailmime_decoded_part_free(dec);
		*len = n;
		return out;
	}
	*len = d->dt_data.dt_text.dt_length;
	out = xmalloc(*len + 1);
	memcpy(out, d->dt_data.dt_text.dt_data, *len);
	out[*len] = '\0';
	return out;
}

/* Notes on a charset conversion that was not clean. */
static void
mime_charset_notes(struct mime_render *r, const char *label,
    const struct charset_info *info, int depth)
{
	char *name;

	if (info->flags & CHARSET_UNKNOWN) {
		name = charset_to_utf8(NULL, label, strlen(label), NULL);
		/* TRANSLATORS: %s is a charset name from the message. */
		mime_block(r, MIME_NOTE, depth, xasprintf(_("[unknown "
		    "charset \"%s\": shown as UTF-8 or windows-1252]"), name));
		free(name);
	}
	if (info->flags & CHARSET_REPLACED)
		mime_block(r, MIME_NOTE, depth, xasprintf(ngettext(
		    "[%zu byte could not be decoded: shown as \xef\xbf\xbd]",
		    "[%zu bytes could not be decoded: shown as \xef\xbf\xbd]",
		    info->bad), info->bad));
}

/* HTML (UTF-8) as text: the user's dumper, else the built-in one. */
static char *
mime_html(struct mime_render *r, const char *html, size_t len, int depth)
{
	const char *cmd = r->opt ? r->opt->html_dumper : NULL;
	char *out = NULL, *err = NULL;
	int cut = 0;

	if (cmd != NULL && cmd[0] != '\0') {
		if (html_dump(cmd, html, len, &out, &cut, &err) == ST_OK) {
			if (cut)
				mime_block(r, MIME_NOTE, depth, xasprintf(
				    _("[the HTML dumper's output was cut at "
				    "%zu bytes]"), HTML_DUMP_MAX));
			return out;
		}
		/* TRANSLATORS: %s says why the HTML dumper failed. */
		mime_block(r, MIME_NOTE, depth, xasprintf(_("[%s; the HTML is "
		    "shown with the built-in converter]"), err));
		free(err);
	} else
		mime_block(r, MIME_NOTE, depth, xstrdup(_("[HTML shown as "
		    "text]")));
	return html_to_text(html, len);
}

/* A text part's text, as UTF-8 with "\n" line ends (notes added). */
static char *
mime_part_text(struct mime_render *r, const struct mailmime *m, int depth)
{
	struct charset_info info;
	char *raw, *label, *utf8, *text, *out;
	size_t len;

	raw = mime_decode(m, &len);
	label = mime_part_param(m, "charset");
	utf8 = charset_to_utf8(label, raw, len, &info);
	mime_charset_notes(r, label, &info, depth);
	free(label);
	free(raw);
	if (mime_is(m, "text/html")) {
		text = mime_html(r, utf8, strlen(utf8), depth);
		free(utf8);
		utf8 = text;
	}
	out = mime_lf(utf8, strlen(utf8));
	free(utf8);
	return out;
}

/* List a part as an attachment: its decoded bytes. */
static void
mime_add_attachment(struct mime_render *r, const struct mailmime *m,
    int depth)
{
	size_t len;
	char *data = mime_decode(m, &len);

	mime_attach(r, mime_filename(m), mime_type_name(m->mm_content_type),
	    data, len, depth);
}

/* Remember the type of the first text shown at the top level. */
static void
mime_main_type(struct mime_render *r, const struct mailmime *m, int depth)
{
	if (depth == 0 && r->doc->type == NULL)
		r->doc->type = mime_type_name(m->mm_content_type);
}

/* A single part: text inline, everything else (and named text) listed. */
static void
mime_render_single(struct mime_render *r, const struct mailmime *m,
    int depth)
{
	int att = mime_is_attachment(m);
	char *name;

	if (mime_is(m, "multipart/")) {
		/* libetpan found no boundary: show the raw text. */
		mime_block(r, MIME_NOTE, depth, xstrdup(_("[broken MIME: the "
		    "parts' boundary is missing; shown as text]")));
		mime_main_type(r, m, depth);
		mime_block(r, MIME_TEXT, depth, mime_part_text(r, m, depth));
		return;
	}
	if (mime_is(m, "text/") && !att) {
		mime_main_type(r, m, depth);
		mime_block(r, MIME_TEXT, depth, mime_part_text(r, m, depth));
		name = mime_filename(m);
		if (name[0] != '\0')
			mime_add_attachment(r, m, depth);
		free(name);
		return;
	}
	mime_add_attachment(r, m, depth);
}

/* Which alternative to show: 3 text/plain, 2 text/html, 1 a multipart
 * (holding either, we hope), 0 anything else. */
static int
mime_alt_score(const struct mailmime *m)
{
	if (m->mm_type == MAILMIME_MULTIPLE)
		return 1;
	if (m->mm_type != MAILMIME_SINGLE || mime_is_attachment(m))
		return 0;
	if (mime_is(m, "text/plain"))
		return 3;
	return mime_is(m, "text/html") ? 2 : 0;
}

/* Is this text/plain part empty (HTML mailers send such)? */
static int
mime_plain_blank(const struct mailmime *m)
{
	size_t len;
	char *raw = mime_decode(m, &len);
	int blank = mime_blank_n(raw, len);

	free(raw);
	return blank;
}

/* multipart/alternative: the first plain text that is not empty, else
 * the first HTML, else a nested multipart, else the last part. */
static void
mime_render_alternative(struct mime_render *r, const struct mailmime *m,
    int depth)
{
	const struct mailmime *best[4] = { NULL, NULL, NULL, NULL }, *c;
	clist *parts = m->mm_data.mm_multipart.mm_mp_list;
	clistiter *it;
	int s;

	for (it = parts ? clist_begin(parts) : NULL; it; it = clist_next(it)) {
		c = clist_content(it);
		s = mime_alt_score(c);
		if (best[s] == NULL || s == 0)
			best[s] = c;
	}
	if (best[3] != NULL && mime_plain_blank(best[3]) && best[2] != NULL)
		best[3] = NULL;
	for (s = 3; s >= 0; s--)
		if (best[s] != NULL) {
			mime_render_part(r, best[s], depth);
			return;
		}
}

/* A multipart without its closing boundary: say so, and show what
 * follows its last part (libetpan leaves it out). */
static void
mime_multi_tail(struct mime_render *r, const struct mailmime *m, int depth)
{
	const struct mailmime_data *b = m->mm_body;
	const struct mailmime *last;
	const char *body, *end, *tail;
	char *boundary, *close, *text;
	clist *parts = m->mm_data.mm_multipart.mm_mp_list;

	if (b == NULL || b->dt_type != MAILMIME_DATA_TEXT ||
	    (boundary = mime_part_param(m, "boundary")) == NULL)
		return;
	body = b->dt_data.dt_text.dt_data;
	end = body + b->dt_data.dt_text.dt_length;
	close = xasprintf("--%s--", boundary);
	free(boundary);
	if (memmem(body, (size_t)(end - body), close, strlen(close)) != NULL) {
		free(close);
		return;
	}
	free(close);
	mime_block(r, MIME_NOTE, depth, xstrdup(_("[broken MIME: the closing "
	    "boundary is missing]")));
	if (parts == NULL || clist_end(parts) == NULL)
		return;
	last = clist_content(clist_end(parts));
	tail = last->mm_mime_start ? last->mm_mime_start + last->mm_length :
	    NULL;
	if (tail == NULL || tail < body || tail >= end ||
	    mime_blank_n(tail, (size_t)(end - tail)))
		return;
	text = charset_to_utf8(NULL, tail, (size_t)(end - tail), NULL);
	mime_block(r, MIME_TEXT, depth, mime_lf(text, strlen(text)));
	free(text);
}

/* Any other multipart: every part in turn. */
static void
mime_render_multi(struct mime_render *r, const struct mailmime *m,
    int depth)
{
	clist *parts = m->mm_data.mm_multipart.mm_mp_list;
	clistiter *it;

	if (m->mm_content_type != NULL && m->mm_content_type->ct_subtype &&
	    strcasecmp(m->mm_content_type->ct_subtype, "alternative") == 0) {
		mime_render_alternative(r, m, depth);
		return;
	}
	for (it = parts ? clist_begin(parts) : NULL; it; it = clist_next(it))
		mime_render_part(r, clist_content(it), depth);
	mime_multi_tail(r, m, depth);
}

/* An attached message: marked, its headers and body one level deeper,
 * and listed so that it can be saved. */
static void
mime_render_message(struct mime_render *r, const struct mailmime *m,
    int depth)
{
	const struct mailmime_data *b = m->mm_body;
	char *subject = NULL, *name, *data;
	size_t len = 0;

	/* TRANSLATORS: shown where a forwarded (attached) message starts. */
	mime_block(r, MIME_MARK, depth + 1, xstrdup(_("Forwarded message")));
	if (b != NULL && b->dt_type == MAILMIME_DATA_TEXT) {
		len = b->dt_data.dt_text.dt_length;
		subject = mime_headers(r, b->dt_data.dt_text.dt_data, len,
		    depth + 1);
	}
	if (m->mm_data.mm_message.mm_msg_mime != NULL)
		mime_render_part(r, m->mm_data.mm_message.mm_msg_mime,
		    depth + 1);
	name = mime_filename(m);
	if (name[0] == '\0') {
		free(name);
		name = xasprintf("%s.eml", subject && subject[0] ? subject :
		    "message");
	}
	data = xmalloc(len + 1);
	if (len > 0)
		memcpy(data, b->dt_data.dt_text.dt_data, len);
	data[len] = '\0';
	mime_attach(r, name, xstrdup("message/rfc822"), data, len, depth + 1);
	free(subject);
}

/* Render one part of the tree, depth first (parts nested at most
 * MIME_MAX_DEPTH deep). */
static void
mime_render_part(struct mime_render *r, const struct mailmime *m,
    int depth)
{
	if (r->nest >= MIME_MAX_DEPTH) {
		if (!r->depth_note)
			mime_block(r, MIME_NOTE, depth, xasprintf(
			    _("[parts nested deeper than %d levels are not "
			    "shown]"), MIME_MAX_DEPTH));
		r->depth_note = 1;
		return;
	}
	r->nest++;
	switch (m->mm_type) {
	case MAILMIME_SINGLE:
		mime_render_single(r, m, depth);
		break;
	case MAILMIME_MULTIPLE:
		mime_render_multi(r, m, depth);
		break;
	case MAILMIME_MESSAGE:
		mime_render_message(r, m, depth);
		break;
	}
	r->nest--;
}

/* ------------------------------------------------------------ messages */

/* How many header lines open a multipart or message part (a message
 * with very many makes libetpan's parser slow). */
static size_t
mime_containers(const char *s, size_t len)
{
	static const char ct[] = "content-type:";
	const char *p = s, *end = s + len, *v;
	size_t n = 0;

	while (p < end) {
		if ((size_t)(end - p) > sizeof(ct) &&
		    strncasecmp(p, ct, sizeof(ct) - 1) == 0) {
			v = p + sizeof(ct) - 1;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			if ((size_t)(end - v) > 8 && (strncasecmp(v,
			    "multipart", 9) == 0 || strncasecmp(v, "message",
			    7) == 0))
				n++;
		}
		if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		p++;
	}
	return n;
}

/* A message shown as its raw text (headers decoded), with a note. */
static void
mime_render_raw(struct mime_render *r, const char *raw, size_t len,
    const char *why)
{
	const char *body = NULL;
	size_t i;
	char *text;

	free(mime_headers(r, raw, len, 0));
	for (i = 0; i + 1 < len && body == NULL; i++)
		if (raw[i] == '\n' && (raw[i + 1] == '\n' || (raw[i + 1] ==
		    '\r' && i + 2 < len && raw[i + 2] == '\n')))
			body = raw + i + (raw[i + 1] == '\n' ? 2 : 3);
	mime_block(r, MIME_NOTE, 0, xstrdup(why));
	text = charset_to_utf8(NULL, body ? body : raw, body ?
	    len - (size_t)(body - raw) : len, NULL);
	mime_block(r, MIME_TEXT, 0, mime_lf(text, strlen(text)));
	free(text);
}

/* Parse a whole message into a document (see mime.h). */
struct mime_doc *
mime_parse(const char *raw, size_t len, const struct mime_options *opt)
{
	struct mime_render r;
	struct mailmime *mime = NULL;
	size_t idx = 0;

	charset_install();
	memset(&r, 0, sizeof(r));
	r.doc = xcalloc(1, sizeof(*r.doc));
	r.opt = opt;
	if (mime_containers(raw, len) > MIME_MAX_CONTAINERS)
		mime_render_raw(&r, raw, len, _("[too many MIME parts to show "
		    "them safely: shown as raw text]"));
	else if (mailmime_parse(raw, len, &idx, &mime) != MAILIMF_NO_ERROR ||
	    mime == NULL)
		mime_render_raw(&r, raw, len, _("[the MIME structure cannot "
		    "be read: shown as raw text]"));
	else {
		free(mime_headers(&r, raw, len, 0));
		if (mime->mm_type == MAILMIME_MESSAGE &&
		    mime->mm_data.mm_message.mm_msg_mime != NULL)
			mime_render_part(&r, mime->mm_data.mm_message.
			    mm_msg_mime, 0);
		else
			mime_render_part(&r, mime, 0);
		if (r.doc->type == NULL)
			r.doc->type = mime_type_name(mime->mm_type ==
			    MAILMIME_MESSAGE && mime->mm_data.mm_message.
			    mm_msg_mime ? mime->mm_data.mm_message.mm_msg_mime->
			    mm_content_type : mime->mm_content_type);
	}
	if (mime != NULL)
		mailmime_free(mime);
	return r.doc;
}

/* A deep copy of a document. */
struct mime_doc *
mime_doc_copy(const struct mime_doc *d)
{
	struct mime_doc *c = xcalloc(1, sizeof(*c));
	size_t i;

	c->blocks = xcalloc(d->nblocks + 1, sizeof(*c->blocks));
	for (i = 0; i < d->nblocks; i++) {
		c->blocks[i] = d->blocks[i];
		c->blocks[i].text = xstrdup(d->blocks[i].text);
	}
	c->nblocks = d->nblocks;
	c->atts = xcalloc(d->natts + 1, sizeof(*c->atts));
	for (i = 0; i < d->natts; i++) {
		c->atts[i] = d->atts[i];
		c->atts[i].name = xstrdup(d->atts[i].name);
		c->atts[i].type = xstrdup(d->atts[i].type);
		c->atts[i].data = xmalloc(d->atts[i].size + 1);
		memcpy(c->atts[i].data, d->atts[i].data, d->atts[i].size + 1);
	}
	c->natts = d->natts;
	c->type = d->type ? xstrdup(d->type) : NULL;
	return c;
}

/* Free a document; accepts NULL. */
void
mime_doc_free(struct mime_doc *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nblocks; i++)
		free(d->blocks[i].text);
	for (i = 0; i < d->natts; i++) {
		free(d->atts[i].name);
		free(d->atts[i].type);
		free(d->atts[i].data);
	}
	free(d->blocks);
	free(d->atts);
	free(d->type);
	free(d);
}

/* The blocks of one kind at depth 0 joined, each ending in "\n" (text
 * blocks are separated by an empty line). */
static char *
mime_doc_join(const struct mime_doc *d, enum mime_kind kind)
{
	struct strbuf b = { 0 };
	size_t i;

	strbuf_add(&b, "", 0);
	for (i = 0; i < d->nblocks; i++) {
		if (d->blocks[i].kind != kind || d->blocks[i].depth != 0)
			continue;
		if (kind == MIME_TEXT && b.len > 0)
			strbuf_addc(&b, '\n');
		strbuf_adds(&b, d->blocks[i].text);
		if (b.len > 0 && b.s[b.len - 1] != '\n')
			strbuf_addc(&b, '\n');
	}
	return strbuf_take(&b, NULL);
}

/* The message's own text (depth 0), as one string. */
char *
mime_doc_body(const struct mime_doc *d)
{
	return mime_doc_join(d, MIME_TEXT);
}

/* The message's own header lines, "Name: value\n" each. */
char *
mime_doc_headers(const struct mime_doc *d)
{
	return mime_doc_join(d, MIME_HEADER);
}
