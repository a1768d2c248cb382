/* mailbox.c: folders, envelopes and messages over IMAP, with libetpan. */
#include "build-config.h"

#include <libetpan/libetpan.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "mailbox.h"
#include "mime.h"
#include "xmalloc.h"

#define nitems(a)		(sizeof(a) / sizeof((a)[0]))

/* The largest reply accepted while fetching envelopes or a message. */
#define MAILBOX_MAX_REPLY	((size_t)64 * 1024 * 1024)

/* Envelopes: libetpan's parsed form is ~40 times the bytes received,
 * so a list reply gets 16 KiB per message and no more. */
#define MAILBOX_ENVELOPE_BYTES	((size_t)16 * 1024)

/* Received and Authentication-Results fields fetched with an envelope:
 * at most this many bytes of them per message. */
#define MAILBOX_TRANSIT_BYTES	((uint32_t)32 * 1024)

/* STATUS is asked for at most this many folders (each is one round
 * trip within the timeout); the rest show no counts. */
#define MAILBOX_MAX_STATUS	500

/* One IMAP command's arguments and results, handed through the gate. */
struct mailbox_cmd {
	mailimap				*imap;
	const char				*name;
	struct mailimap_status_att_list		*atts;
	struct mailimap_set			*set;
	struct mailimap_fetch_type		*fetch;
	clist					*folders;
	clist					*fetched;
	struct mailimap_mailbox_data_status	*status;
	struct mailimap_store_att_flags		*store;
	struct mailimap_flag_list		*flags;		/* APPEND */
	const char				*msg;
	size_t					 msglen;
	uint64_t				 modseq;	/* CONDSTORE */
};

/* --------------------------------------------------------- names, headers */

/* Append UTF-16 units as modified BASE64 (RFC 3501 5.1.3), then "-". */
static void
mailbox_utf7_put(const uint16_t *u, size_t n, char *out, size_t *k)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	uint32_t bits = 0;
	int nbits = 0;
	size_t i;

	out[(*k)++] = '&';
	for (i = 0; i < n; i++) {
		bits = bits << 16 | u[i];
		nbits += 16;
		while (nbits >= 6) {
			nbits -= 6;
			out[(*k)++] = b64[bits >> nbits & 63];
		}
	}
	if (nbits > 0)
		out[(*k)++] = b64[bits << (6 - nbits) & 63];
	out[(*k)++] = '-';
}

/* Decode one UTF-8 character; its length, or 0 if invalid. */
static size_t
mailbox_utf8_get(const unsigned char *s, uint32_t *cp)
{
	size_t n, i;

	n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ?
	    3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (n == 0)
		return 0;
	*cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	return n;
}

/* A UTF-8 folder name as the server spells it (modified UTF-7); NULL if
 * the name is not valid UTF-8. */
char *
mailbox_encode_name(const char *utf8)
{
	const unsigned char *s = (const unsigned char *)utf8;
	size_t len = strlen(utf8), k = 0, n, nu;
	char *out = xmalloc(len * 6 + 3);
	uint16_t *u = xcalloc(len * 2 + 1, sizeof(uint16_t));
	uint32_t cp;

	while (*s != '\0') {
		if (*s >= 0x20 && *s < 0x7f) {
			out[k++] = (char)*s;
			if (*s++ == '&')
				out[k++] = '-';
			continue;
		}
		for (nu = 0; *s != '\0' && (*s < 0x20 || *s >= 0x7f); s += n) {
			if ((n = mailbox_utf8_get(s, &cp)) == 0) {
				free(u);
				free(out);
				return NULL;
			}
			if (cp >= 0x10000) {
				u[nu++] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
				u[nu++] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
			} else
				u[nu++] = (uint16_t)cp;
		}
		mailbox_utf7_put(u, nu, out, &k);
	}
	out[k] = '\0';
	free(u);
	return out;
}


/* The value of a modified-BASE64 character (RFC 3501 5.1.3), or -1. */
static int
mailbox_b64(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == ',')
		return 63;
	return -1;
}

/* Append one code point as UTF-8. */
static void
mailbox_put_utf8(char *out, size_t *k, uint32_t cp)
{
	if (cp < 0x80)
		out[(*k)++] = (char)cp;
	else if (cp < 0x800) {
		out[(*k)++] = (char)(0xc0 | cp >> 6);
		out[(*k)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*k)++] = (char)(0xe0 | cp >> 12);
		out[(*k)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[(*k)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*k)++] = (char)(0xf0 | cp >> 18);
		out[(*k)++] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[(*k)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[(*k)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/*
 * One UTF-16 unit of a shifted run; *high holds a pending high
 * surrogate. ASCII must stand for itself (RFC 3501 5.1.3): encoding it
 * is refused, so that "&AEkATgBCAE8AWA-" cannot pose as INBOX.
 */
static int
mailbox_utf16_unit(uint32_t u, uint32_t *high, char *out, size_t *k)
{
	if (*high != 0) {
		if (u < 0xdc00 || u > 0xdfff)
			return -1;
		mailbox_put_utf8(out, k, 0x10000 + ((*high - 0xd800) << 10) +
		    (u - 0xdc00));
		*high = 0;
		return 0;
	}
	if (u >= 0xd800 && u <= 0xdbff) {
		*high = u;
		return 0;
	}
	if (u < 0x80 || (u >= 0xdc00 && u <= 0xdfff))
		return -1;
	mailbox_put_utf8(out, k, u);
	return 0;
}

/* The shifted run after '&' through its '-': bytes read, 0 if invalid. */
static size_t
mailbox_utf7_run(const char *in, char *out, size_t *k)
{
	uint32_t bits = 0, high = 0;
	int nbits = 0, v;
	size_t i;

	for (i = 0; (v = mailbox_b64((unsigned char)in[i])) != -1; i++) {
		bits = bits << 6 | (uint32_t)v;
		if ((nbits += 6) < 16)
			continue;
		nbits -= 16;
		if (mailbox_utf16_unit(bits >> nbits & 0xffff, &high, out,
		    k) == -1)
			return 0;
		bits &= (1u << nbits) - 1;
	}
	if (in[i] != '-' || i == 0 || high != 0 || nbits >= 6 || bits != 0)
		return 0;
	return i + 1;
}

/* A folder name from modified UTF-7 to UTF-8; invalid: a copy of raw. */
char *
mailbox_decode_name(const char *raw)
{
	size_t i = 0, k = 0, n;
	char *out = xmalloc(2 * strlen(raw) + 1);

	while (raw[i] != '\0') {
		if (raw[i] != '&')
			out[k++] = raw[i++];
		else if (raw[i + 1] == '-') {
			out[k++] = '&';
			i += 2;
		} else if ((n = mailbox_utf7_run(raw + i + 1, out, &k)) != 0)
			i += 1 + n;
		else {
			free(out);
			return xstrdup(raw);
		}
	}
	out[k] = '\0';
	return out;
}

/* A header value with RFC 2047 words decoded to UTF-8 (mime.c). */
char *
mailbox_decode_header(const char *raw)
{
	return mime_decode_header(raw);
}

/* ------------------------------------------------------- the gate, errors */

/* The libetpan handle of an IMAP session; anything else is a bug. */
static mailimap *
mailbox_imap(struct session *s)
{
	if (s->service != SERVICE_IMAP || s->proto == NULL)
		fatalx("mailbox: not an open IMAP session");
	return s->proto;
}

/* The libetpan handle, or ST_USAGE when no folder is open. */
static enum status
mailbox_need_folder(struct session *s, mailimap **imap, char **errstr)
{
	*imap = mailbox_imap(s);
	if ((*imap)->imap_state == MAILIMAP_STATE_SELECTED &&
	    (*imap)->imap_selection_info != NULL)
		return ST_OK;
	*errstr = xasprintf(_("%s: no folder is open"), s->where);
	return ST_USAGE;
}

/* What libetpan's result code means, as a status and a sentence. */
static enum status
mailbox_result(struct session *s, int r, const char *doing, char **errstr)
{
	const char *resp = ((mailimap *)s->proto)->imap_response;
	char *words;

	if (r == MAILIMAP_NO_ERROR)
		return ST_OK;
	if (r == MAILIMAP_ERROR_STREAM || wire_failed(s->wire))
		return session_stream_error(s, doing, errstr);
	if (r == MAILIMAP_ERROR_PARSE)
		/* TRANSLATORS: "IMAP host:143: opening folder X: ..." */
		*errstr = xasprintf(_("%s: %s: the server's reply is not "
		    "valid IMAP"), s->where, doing);
	else if (resp != NULL && *resp != '\0') {
		words = session_server_words(resp, "");
		/* TRANSLATORS: the last %s is the server's own words. */
		*errstr = xasprintf(_("%s: %s: the server said: %s"),
		    s->where, doing, words);
		free(words);
	} else
		*errstr = xasprintf(_("%s: %s: the server refused"), s->where,
		    doing);
	return ST_NETWORK;
}

/* Run one IMAP command through the gate, then judge libetpan's result. */
enum status
mailbox_run(struct session *s, gate_send_fn send, void *cmd,
    const char *doing, char **errstr)
{
	enum status st;
	int r;

	st = gate_release(&s->gate, GATE_PRIVATE, send, cmd, &r, errstr);
	if (st != ST_OK)
		return st;
	return mailbox_result(s, r, doing, errstr);
}

/* LIST "" "*", as the gate runs it. */
static int
mailbox_send_list(void *arg)
{
	struct mailbox_cmd *c = arg;

	return mailimap_list(c->imap, "", "*", &c->folders);
}

/* STATUS, as the gate runs it. */
static int
mailbox_send_status(void *arg)
{
	struct mailbox_cmd *c = arg;

	return mailimap_status(c->imap, c->name, c->atts, &c->status);
}

/* SELECT, as the gate runs it; SELECT (CONDSTORE) when the server
 * offers it, for the folder's HIGHESTMODSEQ. */
static int
mailbox_send_select(void *arg)
{
	struct mailbox_cmd *c = arg;

	if (mailimap_has_condstore(c->imap))
		return mailimap_select_condstore(c->imap, c->name, &c->modseq);
	return mailimap_select(c->imap, c->name);
}

/* FETCH, as the gate runs it. */
static int
mailbox_send_fetch(void *arg)
{
	struct mailbox_cmd *c = arg;

	return mailimap_fetch(c->imap, c->set, c->fetch, &c->fetched);
}

/* UID FETCH, with (CHANGEDSINCE modseq) when modseq is set. */
static int
mailbox_send_uid_fetch(void *arg)
{
	struct mailbox_cmd *c = arg;

	if (c->modseq != 0)
		return mailimap_uid_fetch_changedsince(c->imap, c->set,
		    c->fetch, c->modseq, &c->fetched);
	return mailimap_uid_fetch(c->imap, c->set, c->fetch, &c->fetched);
}

/* STORE, as the gate runs it. */
static int
mailbox_send_store(void *arg)
{
	struct mailbox_cmd *c = arg;

	return mailimap_store(c->imap, c->set, c->store);
}

/* FETCH (or, with byuid, UID FETCH) through the gate, with room for
 * large replies meanwhile. */
static enum status
mailbox_fetch_as(struct session *s, struct mailbox_cmd *c, int byuid,
    size_t limit, const char *doing, char **errstr)
{
	enum status st;

	wire_set_limit(s->wire, limit);
	st = mailbox_run(s, byuid ? mailbox_send_uid_fetch :
	    mailbox_send_fetch, c, doing, errstr);
	wire_set_limit(s->wire, 0);
	return st;
}

/* FETCH through the gate, with room for large replies meanwhile. */
static enum status
mailbox_fetch(struct session *s, struct mailbox_cmd *c, size_t limit,
    const char *doing, char **errstr)
{
	return mailbox_fetch_as(s, c, 0, limit, doing, errstr);
}

/* Free whatever a command allocated. */
static void
mailbox_cmd_clear(struct mailbox_cmd *c)
{
	if (c->atts != NULL)
		mailimap_status_att_list_free(c->atts);
	if (c->set != NULL)
		mailimap_set_free(c->set);
	if (c->fetch != NULL)
		mailimap_fetch_type_free(c->fetch);
	if (c->folders != NULL)
		mailimap_list_result_free(c->folders);
	if (c->fetched != NULL)
		mailimap_fetch_list_free(c->fetched);
	if (c->status != NULL)
		mailimap_mailbox_data_status_free(c->status);
	memset(c, 0, sizeof(*c));
}

/* ----------------------------------------------------------------- append */

/* APPEND, as the gate runs it. */
static int
mailbox_send_append(void *arg)
{
	struct mailbox_cmd *c = arg;

	return mailimap_append(c->imap, c->name, c->flags, NULL, c->msg,
	    c->msglen);
}

/* CREATE, as the gate runs it. */
static int
mailbox_send_create(void *arg)
{
	struct mailbox_cmd *c = arg;

	return mailimap_create(c->imap, c->name);
}

/* The IMAP flag list of enum msg_flag bits (\Seen, \Draft, ...). */
static struct mailimap_flag_list *
mailbox_flag_list(unsigned flags)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	int r = MAILIMAP_NO_ERROR;

	if (fl == NULL)
		fatalx("mailbox: out of memory");
	if (flags & MSG_SEEN)
		r |= mailimap_flag_list_add(fl, mailimap_flag_new_seen());
	if (flags & MSG_DRAFT)
		r |= mailimap_flag_list_add(fl, mailimap_flag_new_draft());
	if (flags & MSG_ANSWERED)
		r |= mailimap_flag_list_add(fl, mailimap_flag_new_answered());
	if (flags & MSG_FLAGGED)
		r |= mailimap_flag_list_add(fl, mailimap_flag_new_flagged());
	if (r != MAILIMAP_NO_ERROR)
		fatalx("mailbox: out of memory");
	return fl;
}

/*
 * Store a message (CRLF line ends) in the folder named folder (UTF-8)
 * with flags (enum msg_flag bits), by APPEND through the gate. When the
 * folder does not exist (NO [TRYCREATE]) it is created and the APPEND
 * tried once more.
 */
enum status
mailbox_append(struct session *s, const char *folder, const char *msg,
    size_t len, unsigned flags, char **errstr)
{
	struct mailbox_cmd c;
	char *raw, *err = NULL;
	enum status st;

	if ((raw = mailbox_encode_name(folder)) == NULL) {
		*errstr = xasprintf(_("%s: the folder name is not UTF-8"),
		    s->where);
		return ST_USAGE;
	}
	memset(&c, 0, sizeof(c));
	c.imap = mailbox_imap(s);
	c.name = raw;
	c.msg = msg;
	c.msglen = len;
	c.flags = mailbox_flag_list(flags);
	st = mailbox_run(s, mailbox_send_append, &c, _("storing a message"),
	    &err);
	if (st == ST_NETWORK && !wire_failed(s->wire) &&
	    c.imap->imap_response_info != NULL &&
	    c.imap->imap_response_info->rsp_trycreate) {
		free(err);
		err = NULL;
		st = mailbox_run(s, mailbox_send_create, &c,
		    _("creating a folder"), &err);
		if (st == ST_OK)
			st = mailbox_run(s, mailbox_send_append, &c,
			    _("storing a message"), &err);
	}
	mailimap_flag_list_free(c.flags);
	free(raw);
	if (st != ST_OK)
		*errstr = err;
	return st;
}

/* ---------------------------------------------------------------- folders */

/* Can this LIST entry not be opened (\Noselect, \NonExistent)? */
static int
mailbox_noselect(const struct mailimap_mbx_list_flags *fl)
{
	const struct mailimap_mbx_list_oflag *of;
	clistiter *it;

	if (fl == NULL)
		return 0;
	if (fl->mbf_type == MAILIMAP_MBX_LIST_FLAGS_SFLAG &&
	    fl->mbf_sflag == MAILIMAP_MBX_LIST_SFLAG_NOSELECT)
		return 1;
	for (it = fl->mbf_oflags ? clist_begin(fl->mbf_oflags) : NULL;
	    it != NULL; it = clist_next(it)) {
		of = clist_content(it);
		if (of->of_type == MAILIMAP_MBX_LIST_OFLAG_FLAG_EXT &&
		    of->of_flag_ext != NULL &&
		    strcasecmp(of->of_flag_ext, "NonExistent") == 0)
			return 1;
	}
	return 0;
}

/* Our folders from libetpan's LIST result, counts still zero. */
static struct folder *
mailbox_folders_from(clist *list, size_t *n)
{
	const struct mailimap_mailbox_list *mb;
	struct folder *f;
	clistiter *it;

	f = xcalloc((list ? clist_count(list) : 0) + 1, sizeof(*f));
	*n = 0;
	for (it = list ? clist_begin(list) : NULL; it; it = clist_next(it)) {
		mb = clist_content(it);
		f[*n].raw = xstrdup(mb->mb_name);
		f[*n].name = mailbox_decode_name(mb->mb_name);
		f[*n].delim = mb->mb_delimiter;
		f[*n].noselect = mailbox_noselect(mb->mb_flag);
		(*n)++;
	}
	return f;
}

/* Copy MESSAGES and UNSEEN from a STATUS reply. */
static void
mailbox_status_take(const struct mailimap_mailbox_data_status *st,
    struct folder *f)
{
	const struct mailimap_status_info *si;
	clistiter *it;

	for (it = st->st_info_list ? clist_begin(st->st_info_list) : NULL;
	    it != NULL; it = clist_next(it)) {
		si = clist_content(it);
		if (si->st_att == MAILIMAP_STATUS_ATT_MESSAGES)
			f->messages = si->st_value;
		else if (si->st_att == MAILIMAP_STATUS_ATT_UNSEEN)
			f->unseen = si->st_value;
	}
}

/* STATUS of one folder; a refusal (NO) leaves its counts at zero. */
static enum status
mailbox_status_one(struct session *s, struct mailbox_cmd *c,
    struct folder *f, char **errstr)
{
	enum status st;
	char *doing;
	int r;

	c->name = f->raw;
	st = gate_release(&s->gate, GATE_PRIVATE, mailbox_send_status, c, &r,
	    errstr);
	if (st != ST_OK)
		return st;
	if (r == MAILIMAP_NO_ERROR && c->status != NULL)
		mailbox_status_take(c->status, f);
	if (c->status != NULL)
		mailimap_mailbox_data_status_free(c->status);
	c->status = NULL;
	if ((r == MAILIMAP_NO_ERROR || r == MAILIMAP_ERROR_STATUS) &&
	    !wire_failed(s->wire))
		return ST_OK;
	doing = xasprintf(_("asking for the counts of folder %s"), f->name);
	st = mailbox_result(s, r, doing, errstr);
	free(doing);
	return st;
}

/* STATUS (MESSAGES UNSEEN) of every folder that can be opened. */
static enum status
mailbox_status_all(struct session *s, struct folder *f, size_t n,
    char **errstr)
{
	struct mailbox_cmd c;
	enum status st = ST_OK;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.imap = s->proto;
	if ((c.atts = mailimap_status_att_list_new_empty()) == NULL ||
	    mailimap_status_att_list_add(c.atts,
	    MAILIMAP_STATUS_ATT_MESSAGES) != MAILIMAP_NO_ERROR ||
	    mailimap_status_att_list_add(c.atts,
	    MAILIMAP_STATUS_ATT_UNSEEN) != MAILIMAP_NO_ERROR)
		fatalx("mailbox: out of memory");
	for (i = 0; i < n && i < MAILBOX_MAX_STATUS && st == ST_OK; i++)
		if (!f[i].noselect)
			st = mailbox_status_one(s, &c, &f[i], errstr);
	mailbox_cmd_clear(&c);
	return st;
}

/* Mark message seq of the open folder as read (STORE +FLAGS \\Seen). */
enum status
mailbox_mark_seen(struct session *s, uint32_t seq, char **errstr)
{
	struct mailimap_flag_list *fl;
	struct mailbox_cmd c;
	mailimap *imap;
	enum status st;

	if ((st = mailbox_need_folder(s, &imap, errstr)) != ST_OK)
		return st;
	memset(&c, 0, sizeof(c));
	c.imap = imap;
	if ((fl = mailimap_flag_list_new_empty()) == NULL ||
	    mailimap_flag_list_add(fl, mailimap_flag_new_seen()) !=
	    MAILIMAP_NO_ERROR ||
	    (c.store = mailimap_store_att_flags_new_add_flags_silent(fl)) ==
	    NULL || (c.set = mailimap_set_new_single(seq)) == NULL)
		fatalx("mailbox: out of memory");
	st = mailbox_run(s, mailbox_send_store, &c, _("marking a message "
	    "as read"), errstr);
	mailimap_store_att_flags_free(c.store);
	mailimap_set_free(c.set);
	return st;
}

/* STATUS (MESSAGES UNSEEN) of one folder, by its raw name. */
enum status
mailbox_status(struct session *s, const char *raw, unsigned *messages,
    unsigned *unseen, char **errstr)
{
	struct folder f;
	enum status st;

	memset(&f, 0, sizeof(f));
	f.raw = (char *)raw;
	f.name = (char *)raw;
	if ((st = mailbox_status_all(s, &f, 1, errstr)) != ST_OK)
		return st;
	*messages = f.messages;
	*unseen = f.unseen;
	return ST_OK;
}

/* INBOX first, then by name (bytes of UTF-8), then by raw name. */
static int
mailbox_folder_cmp(const void *a, const void *b)
{
	const struct folder *fa = a, *fb = b;
	int ia = strcasecmp(fa->raw, "INBOX") == 0;
	int ib = strcasecmp(fb->raw, "INBOX") == 0;
	int r;

	if (ia != ib)
		return ib - ia;
	if ((r = strcmp(fa->name, fb->name)) != 0)
		return r;
	return strcmp(fa->raw, fb->raw);
}

/* LIST "" "*", then STATUS of each folder; INBOX first. */
enum status
mailbox_list(struct session *s, struct folder **out, size_t *n,
    char **errstr)
{
	struct mailbox_cmd c;
	struct folder *f;
	enum status st;
	size_t nf;

	memset(&c, 0, sizeof(c));
	c.imap = mailbox_imap(s);
	st = mailbox_run(s, mailbox_send_list, &c, _("listing the folders"),
	    errstr);
	if (st != ST_OK) {
		mailbox_cmd_clear(&c);
		return st;
	}
	f = mailbox_folders_from(c.folders, &nf);
	mailbox_cmd_clear(&c);
	if ((st = mailbox_status_all(s, f, nf, errstr)) != ST_OK) {
		mailbox_folders_free(f, nf);
		return st;
	}
	qsort(f, nf, sizeof(*f), mailbox_folder_cmp);
	*out = f;
	*n = nf;
	return ST_OK;
}

/* Free a folder list; accepts NULL. */
void
mailbox_folders_free(struct folder *f, size_t n)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].raw);
	}
	free(f);
}

/* SELECT a folder by its raw (server) name. */
enum status
mailbox_select(struct session *s, const char *raw, struct folder_state *fs,
    char **errstr)
{
	const struct mailimap_selection_info *si;
	struct mailbox_cmd c;
	enum status st;
	char *name, *doing;

	memset(&c, 0, sizeof(c));
	c.imap = mailbox_imap(s);
	c.name = raw;
	name = mailbox_decode_name(raw);
	doing = xasprintf(_("opening folder %s"), name);
	st = mailbox_run(s, mailbox_send_select, &c, doing, errstr);
	free(doing);
	free(name);
	if (st != ST_OK)
		return st;
	si = c.imap->imap_selection_info;
	memset(fs, 0, sizeof(*fs));
	fs->exists = si->sel_exists;
	fs->recent = si->sel_recent;
	fs->uidvalidity = si->sel_uidvalidity;
	fs->uidnext = si->sel_uidnext;
	fs->highestmodseq = c.modseq;
	fs->read_only = si->sel_perm == MAILIMAP_MAILBOX_READONLY;
	return ST_OK;
}

/* -------------------------------------------------------------- envelopes */

/* The transit record of a header block (transit.h); when the block was
 * cut at a size limit, its last field is left out. With auth_results,
 * the first Authentication-Results value (raw) too, from the same parse. */
static struct transit *
mailbox_transit(const char *text, size_t len, int cut, char **auth_results)
{
	const struct mailimf_optional_field *of;
	const struct mailimf_field *f;
	struct mailimf_fields *fields = NULL;
	struct transit *t = transit_new();
	size_t idx = 0;
	clistiter *it;

	if (text != NULL && mailimf_optional_fields_parse(text, len, &idx,
	    &fields) == MAILIMF_NO_ERROR && fields != NULL) {
		for (it = clist_begin(fields->fld_list); it; it = clist_next(it)) {
			f = clist_content(it);
			if (cut && clist_next(it) == NULL)
				break;
			if (f->fld_type != MAILIMF_FIELD_OPTIONAL_FIELD)
				continue;
			of = f->fld_data.fld_optional_field;
			transit_add(t, of->fld_name, of->fld_value);
			if (auth_results != NULL && *auth_results == NULL &&
			    strcasecmp(of->fld_name,
			    "Authentication-Results") == 0)
				*auth_results = xstrdup(of->fld_value);
		}
		mailimf_fields_free(fields);
	}
	if (cut)
		transit_cut(t);
	transit_finish(t);
	return t;
}

/* The transit mark of a FETCHed header block. */
static enum transit_mark
mailbox_transit_mark(const struct mailimap_msg_att_body_section *b)
{
	struct transit *t;
	enum transit_mark m;

	if (b == NULL)
		return TM_UNKNOWN;
	t = mailbox_transit(b->sec_body_part, b->sec_length,
	    b->sec_length >= MAILBOX_TRANSIT_BYTES, NULL);
	m = transit_mark(t);
	transit_free(t);
	return m;
}

/* Seconds since the epoch of a date with a +-HHMM zone; 0 if absurd. */
static time_t
mailbox_time(int y, int mon, int d, int h, int mi, int sec, int zone)
{
	struct tm tm;
	time_t t;
	int z = zone < 0 ? -zone : zone;

	if (y < 1900 || y > 9999 || mon < 1 || mon > 12 || z > 9999)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return 0;
	return t - (zone < 0 ? -1 : 1) * (time_t)((z / 100) * 60 + z % 100) *
	    60;
}

/* INTERNALDATE as seconds since the epoch. */
static time_t
mailbox_internal_time(const struct mailimap_date_time *d)
{
	if (d == NULL)
		return 0;
	return mailbox_time(d->dt_year, d->dt_month, d->dt_day, d->dt_hour,
	    d->dt_min, d->dt_sec, d->dt_zone);
}

/* A Date: header (RFC 5322) as seconds since the epoch, else 0. */
static time_t
mailbox_header_time(const char *s)
{
	struct mailimf_date_time *d = NULL;
	size_t idx = 0;
	time_t t;

	if (s == NULL || mailimf_date_time_parse(s, strlen(s), &idx, &d) !=
	    MAILIMF_NO_ERROR || d == NULL)
		return 0;
	t = mailbox_time(d->dt_year, d->dt_month, d->dt_day, d->dt_hour,
	    d->dt_min, d->dt_sec, d->dt_zone);
	mailimf_date_time_free(d);
	return t;
}

/* Our flag bit for one of libetpan's system flags. */
static unsigned
mailbox_flag_bit(const struct mailimap_flag *f)
{
	if (f == NULL)
		return 0;
	switch (f->fl_type) {
	case MAILIMAP_FLAG_SEEN:
		return MSG_SEEN;
	case MAILIMAP_FLAG_ANSWERED:
		return MSG_ANSWERED;
	case MAILIMAP_FLAG_FLAGGED:
		return MSG_FLAGGED;
	case MAILIMAP_FLAG_DELETED:
		return MSG_DELETED;
	case MAILIMAP_FLAG_DRAFT:
		return MSG_DRAFT;
	}
	return 0;
}

/* The FLAGS of a FETCH reply as enum msg_flag bits. */
static unsigned
mailbox_flags(const struct mailimap_msg_att_dynamic *dyn)
{
	const struct mailimap_flag_fetch *ff;
	unsigned flags = 0;
	clistiter *it;

	if (dyn == NULL || dyn->att_list == NULL)
		return 0;
	for (it = clist_begin(dyn->att_list); it; it = clist_next(it)) {
		ff = clist_content(it);
		if (ff->fl_type == MAILIMAP_FLAG_FETCH_RECENT)
			flags |= MSG_RECENT;
		else if (ff->fl_type == MAILIMAP_FLAG_FETCH_OTHER)
			flags |= mailbox_flag_bit(ff->fl_flag);
	}
	return flags;
}

/* The first sender: decoded display name, else mailbox@host. */
static char *
mailbox_from(const struct mailimap_env_from *from)
{
	const struct mailimap_address *a;

	if (from == NULL || from->frm_list == NULL ||
	    clist_begin(from->frm_list) == NULL)
		return xstrdup("");
	a = clist_content(clist_begin(from->frm_list));
	if (a->ad_personal_name != NULL && a->ad_personal_name[0] != '\0')
		return mailbox_decode_header(a->ad_personal_name);
	if (a->ad_host_name == NULL)
		return xstrdup(a->ad_mailbox_name ? a->ad_mailbox_name : "");
	return xasprintf("%s@%s", a->ad_mailbox_name ? a->ad_mailbox_name :
	    "", a->ad_host_name);
}

/* Take one static FETCH item; the ENVELOPE, when it is one. */
static const struct mailimap_envelope *
mailbox_static_item(const struct mailimap_msg_att_static *st,
    struct envelope *e)
{
	switch (st->att_type) {
	case MAILIMAP_MSG_ATT_UID:
		e->uid = st->att_data.att_uid;
		break;
	case MAILIMAP_MSG_ATT_RFC822_SIZE:
		e->size = st->att_data.att_rfc822_size;
		break;
	case MAILIMAP_MSG_ATT_INTERNALDATE:
		e->date = mailbox_internal_time(st->att_data.att_internal_date);
		break;
	case MAILIMAP_MSG_ATT_ENVELOPE:
		return st->att_data.att_env;
	case MAILIMAP_MSG_ATT_BODY_SECTION:
		e->transit = mailbox_transit_mark(st->att_data.att_body_section);
		break;
	}
	return NULL;
}

/* One message's envelope from a FETCH reply; 0 if it carries none.
 * With flags_only, a reply with UID and FLAGS is enough (no strings). */
static int
mailbox_envelope_from(const struct mailimap_msg_att *ma, struct envelope *e,
    int flags_only)
{
	const struct mailimap_envelope *env = NULL, *x;
	const struct mailimap_msg_att_item *item;
	clistiter *it;
	int has_flags = 0;

	memset(e, 0, sizeof(*e));
	e->seq = ma->att_number;
	for (it = clist_begin(ma->att_list); it; it = clist_next(it)) {
		item = clist_content(it);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			e->flags = mailbox_flags(item->att_data.att_dyn);
			has_flags = 1;
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    (x = mailbox_static_item(item->att_data.att_static, e)))
			env = x;
	}
	if (flags_only)
		return has_flags && e->uid != 0;
	if (env == NULL)
		return 0;
	e->from = mailbox_from(env->env_from);
	e->subject = mailbox_decode_header(env->env_subject);
	e->sent = mailbox_header_time(env->env_date);
	if (e->date == 0)
		e->date = e->sent;
	return 1;
}

/* By sequence number. */
static int
mailbox_envelope_cmp(const void *a, const void *b)
{
	const struct envelope *ea = a, *eb = b;

	return ea->seq < eb->seq ? -1 : ea->seq > eb->seq;
}

/* Sorted envelopes of first..last; unsolicited and repeated replies
 * (flag updates for other messages, say) are left out. With flags_only,
 * seq, uid and flags only, of replies that carry UID and FLAGS. */
static struct envelope *
mailbox_envelopes_from(clist *list, uint32_t first, uint32_t last,
    int flags_only, size_t *n)
{
	const struct mailimap_msg_att *ma;
	struct envelope *e;
	clistiter *it;
	size_t i, k = 0;

	e = xcalloc((list ? clist_count(list) : 0) + 1, sizeof(*e));
	for (it = list ? clist_begin(list) : NULL; it; it = clist_next(it)) {
		ma = clist_content(it);
		if (ma->att_number >= first && ma->att_number <= last &&
		    mailbox_envelope_from(ma, &e[k], flags_only))
			k++;
	}
	qsort(e, k, sizeof(*e), mailbox_envelope_cmp);
	for (i = 0, *n = 0; i < k; i++)
		if (*n > 0 && e[*n - 1].seq == e[i].seq) {
			free(e[i].from);
			free(e[i].subject);
		} else
			e[(*n)++] = e[i];
	return e;
}

/* BODY.PEEK[HEADER.FIELDS (RECEIVED AUTHENTICATION-RESULTS)]<0.N> */
static struct mailimap_fetch_att *
mailbox_transit_att(void)
{
	struct mailimap_header_list *hl;
	struct mailimap_section *sec;
	struct mailimap_fetch_att *a;
	clist *names;

	if ((names = clist_new()) == NULL ||
	    clist_append(names, xstrdup("RECEIVED")) < 0 ||
	    clist_append(names, xstrdup("AUTHENTICATION-RESULTS")) < 0 ||
	    (hl = mailimap_header_list_new(names)) == NULL ||
	    (sec = mailimap_section_new_header_fields(hl)) == NULL ||
	    (a = mailimap_fetch_att_new_body_peek_section_partial(sec, 0,
	    MAILBOX_TRANSIT_BYTES)) == NULL)
		fatalx("mailbox: out of memory");
	return a;
}

/* UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE and the transit fields. */
static struct mailimap_fetch_type *
mailbox_envelope_atts(void)
{
	static struct mailimap_fetch_att *(*const att[])(void) = {
		mailimap_fetch_att_new_uid,
		mailimap_fetch_att_new_flags,
		mailimap_fetch_att_new_internaldate,
		mailimap_fetch_att_new_rfc822_size,
		mailimap_fetch_att_new_envelope,
	};
	struct mailimap_fetch_type *ft;
	struct mailimap_fetch_att *a;
	size_t i;

	if ((ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL)
		fatalx("mailbox: out of memory");
	for (i = 0; i < nitems(att); i++)
		if ((a = att[i]()) == NULL ||
		    mailimap_fetch_type_new_fetch_att_list_add(ft, a) !=
		    MAILIMAP_NO_ERROR)
			fatalx("mailbox: out of memory");
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailbox_transit_att()) != MAILIMAP_NO_ERROR)
		fatalx("mailbox: out of memory");
	return ft;
}

/* The numbers the open folder is asked about, clamped to it; 0 when
 * there is nothing to ask (*n is then 0). */
static int
mailbox_clamp(mailimap *imap, uint32_t *first, uint32_t *last,
    struct envelope **out, size_t *n)
{
	if (*first == 0)
		*first = 1;
	if (*last > imap->imap_selection_info->sel_exists)
		*last = imap->imap_selection_info->sel_exists;
	*out = NULL;
	*n = 0;
	return *first <= *last;
}

/* Envelopes of messages first..last (sequence numbers) of the open
 * folder; numbers past the end are left out, not an error. */
enum status
mailbox_envelopes(struct session *s, uint32_t first, uint32_t last,
    struct envelope **out, size_t *n, char **errstr)
{
	struct mailbox_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	if ((st = mailbox_need_folder(s, &c.imap, errstr)) != ST_OK)
		return st;
	if (!mailbox_clamp(c.imap, &first, &last, out, n))
		return ST_OK;
	if ((c.set = mailimap_set_new_interval(first, last)) == NULL)
		fatalx("mailbox: out of memory");
	c.fetch = mailbox_envelope_atts();
	st = mailbox_fetch(s, &c, (size_t)(last - first + 1) *
	    (MAILBOX_ENVELOPE_BYTES + MAILBOX_TRANSIT_BYTES) + 65536,
	    _("fetching the message list"),
	    errstr);
	if (st == ST_OK)
		*out = mailbox_envelopes_from(c.fetched, first, last, 0, n);
	mailbox_cmd_clear(&c);
	return st;
}

/* FETCH first:last (UID FLAGS): the seq, uid and flags of each message
 * (no strings), to look the rest up in the header cache. */
enum status
mailbox_uid_flags(struct session *s, uint32_t first, uint32_t last,
    struct envelope **out, size_t *n, char **errstr)
{
	struct mailimap_fetch_type *ft;
	struct mailbox_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	if ((st = mailbox_need_folder(s, &c.imap, errstr)) != ST_OK)
		return st;
	if (!mailbox_clamp(c.imap, &first, &last, out, n))
		return ST_OK;
	if ((c.set = mailimap_set_new_interval(first, last)) == NULL ||
	    (ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags()) != MAILIMAP_NO_ERROR)
		fatalx("mailbox: out of memory");
	c.fetch = ft;
	st = mailbox_fetch(s, &c, (size_t)(last - first + 1) * 512 + 65536,
	    _("fetching the message list"), errstr);
	if (st == ST_OK)
		*out = mailbox_envelopes_from(c.fetched, first, last, 1, n);
	mailbox_cmd_clear(&c);
	return st;
}

/* A UID set of n UIDs (none 0), consecutive runs as ranges. */
struct mailimap_set *
mailbox_uid_set(const uint32_t *uids, size_t n)
{
	struct mailimap_set *set;
	size_t i = 0, j;

	if ((set = mailimap_set_new_empty()) == NULL)
		fatalx("mailbox: out of memory");
	while (i < n) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		if (mailimap_set_add_interval(set, uids[i], uids[j]) !=
		    MAILIMAP_NO_ERROR)
			fatalx("mailbox: out of memory");
		i = j + 1;
	}
	return set;
}

/* UID FETCH of whole envelopes of n UIDs (ascending, not 0); messages
 * that are gone are left out, not an error. Sorted by sequence. */
enum status
mailbox_envelopes_uid(struct session *s, const uint32_t *uids, size_t n,
    struct envelope **out, size_t *nout, char **errstr)
{
	struct mailbox_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	*out = NULL;
	*nout = 0;
	if ((st = mailbox_need_folder(s, &c.imap, errstr)) != ST_OK ||
	    n == 0)
		return st;
	c.set = mailbox_uid_set(uids, n);
	c.fetch = mailbox_envelope_atts();
	st = mailbox_fetch_as(s, &c, 1, n * (MAILBOX_ENVELOPE_BYTES +
	    MAILBOX_TRANSIT_BYTES) + 65536, _("fetching the message list"),
	    errstr);
	if (st == ST_OK)
		*out = mailbox_envelopes_from(c.fetched, 1, UINT32_MAX, 0,
		    nout);
	mailbox_cmd_clear(&c);
	return st;
}

/* The flags of messages uid first..last (0: to the end) of the open
 * folder: UID FETCH first:last (FLAGS), with (CHANGEDSINCE modseq)
 * when modseq is not 0 (CONDSTORE: only those changed since). Seq, uid
 * and flags of each, sorted by sequence. */
enum status
mailbox_flags_since(struct session *s, uint32_t first, uint32_t last,
    uint64_t modseq, struct envelope **out, size_t *n, char **errstr)
{
	struct mailimap_fetch_type *ft;
	struct mailbox_cmd c;
	enum status st;
	uint32_t exists;

	memset(&c, 0, sizeof(c));
	*out = NULL;
	*n = 0;
	if ((st = mailbox_need_folder(s, &c.imap, errstr)) != ST_OK)
		return st;
	exists = c.imap->imap_selection_info->sel_exists;
	if (exists == 0)
		return ST_OK;
	if ((c.set = mailimap_set_new_interval(first ? first : 1, last)) ==
	    NULL ||
	    (ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_flags()) != MAILIMAP_NO_ERROR)
		fatalx("mailbox: out of memory");
	c.fetch = ft;
	c.modseq = modseq;
	st = mailbox_fetch_as(s, &c, 1, (size_t)exists * 512 + 65536,
	    _("fetching the message flags"), errstr);
	if (st == ST_OK)
		*out = mailbox_envelopes_from(c.fetched, 1, UINT32_MAX, 1, n);
	mailbox_cmd_clear(&c);
	return st;
}

/* Free envelopes; accepts NULL. */
void
mailbox_envelopes_free(struct envelope *e, size_t n)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(e[i].from);
		free(e[i].subject);
	}
	free(e);
}

/* --------------------------------------------------------------- messages */

/* Headers, text and its type of a whole message (RFC 5322 + MIME). */
static void
mailbox_parse_message(const char *text, size_t len,
    const struct mime_options *opt, struct message *m)
{
	memset(m, 0, sizeof(*m));
	m->doc = mime_parse(text, len, opt);
	m->headers = mime_doc_headers(m->doc);
	m->body = mime_doc_body(m->doc);
	m->content_type = xstrdup(m->doc->type ? m->doc->type : "text/plain");
	m->transit = mailbox_transit(text, len, 0, &m->auth_results);
}

/* The BODY[] of message seq in a FETCH reply, or NULL. */
static const struct mailimap_msg_att_body_section *
mailbox_body_of(clist *list, uint32_t seq)
{
	const struct mailimap_msg_att *ma;
	const struct mailimap_msg_att_item *item;
	const struct mailimap_msg_att_static *st;
	clistiter *i, *j;

	for (i = list ? clist_begin(list) : NULL; i; i = clist_next(i)) {
		ma = clist_content(i);
		if (ma->att_number != seq)
			continue;
		for (j = clist_begin(ma->att_list); j; j = clist_next(j)) {
			item = clist_content(j);
			if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
				continue;
			st = item->att_data.att_static;
			if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
			    st->att_data.att_body_section != NULL &&
			    st->att_data.att_body_section->sec_body_part)
				return st->att_data.att_body_section;
		}
	}
	return NULL;
}

/* FETCH seq BODY.PEEK[] (PEEK: reading does not set \Seen). */
static enum status
mailbox_fetch_body(struct session *s, struct mailbox_cmd *c, uint32_t seq,
    char **errstr)
{
	struct mailimap_section *sec;
	struct mailimap_fetch_att *att;
	enum status st;
	char *doing;

	if ((c->set = mailimap_set_new_single(seq)) == NULL ||
	    (sec = mailimap_section_new(NULL)) == NULL ||
	    (att = mailimap_fetch_att_new_body_peek_section(sec)) == NULL ||
	    (c->fetch = mailimap_fetch_type_new_fetch_att(att)) == NULL)
		fatalx("mailbox: out of memory");
	doing = xasprintf(_("fetching message %u"), seq);
	st = mailbox_fetch(s, c, MAILBOX_MAX_REPLY, doing, errstr);
	if (st == ST_OK && mailbox_body_of(c->fetched, seq) == NULL) {
		*errstr = xasprintf(_("%s: %s: the server sent no such "
		    "message"), s->where, doing);
		st = ST_NETWORK;
	}
	free(doing);
	return st;
}

/* Message seq of the open folder: headers and text body, as UTF-8. */
enum status
mailbox_message(struct session *s, uint32_t seq,
    const struct mime_options *opt, struct message *msg, char **errstr)
{
	const struct mailimap_msg_att_body_section *b;
	struct mailbox_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	if ((st = mailbox_need_folder(s, &c.imap, errstr)) != ST_OK)
		return st;
	if (seq == 0 || seq > c.imap->imap_selection_info->sel_exists) {
		*errstr = xasprintf(_("%s: there is no message %u in this "
		    "folder"), s->where, seq);
		return ST_USAGE;
	}
	if ((st = mailbox_fetch_body(s, &c, seq, errstr)) == ST_OK) {
		b = mailbox_body_of(c.fetched, seq);
		mailbox_parse_message(b->sec_body_part, b->sec_length, opt, msg);
	}
	mailbox_cmd_clear(&c);
	return st;
}

/* Free what a message holds and zero it; accepts NULL. */
void
mailbox_message_clear(struct message *m)
{
	if (m == NULL)
		return;
	free(m->headers);
	free(m->body);
	free(m->content_type);
	transit_free(m->transit);
	free(m->auth_results);
	mime_doc_free(m->doc);
	memset(m, 0, sizeof(*m));
}

/* Message seq as received (for replies and forwards) and, like
 * mailbox_message(), its headers and text. */
enum status
mailbox_message_raw(struct session *s, uint32_t seq, struct message *msg,
    char **raw, size_t *rawlen, char **errstr)
{
	const struct mailimap_msg_att_body_section *b;
	struct mailbox_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	if ((st = mailbox_need_folder(s, &c.imap, errstr)) != ST_OK)
		return st;
	if (seq == 0 || seq > c.imap->imap_selection_info->sel_exists) {
		*errstr = xasprintf(_("%s: there is no message %u in this "
		    "folder"), s->where, seq);
		return ST_USAGE;
	}
	if ((st = mailbox_fetch_body(s, &c, seq, errstr)) == ST_OK) {
		b = mailbox_body_of(c.fetched, seq);
		/* The built-in HTML converter: the text is only quoted. */
		mailbox_parse_message(b->sec_body_part, b->sec_length, NULL,
		    msg);
		*raw = xmalloc(b->sec_length + 1);
		memcpy(*raw, b->sec_body_part, b->sec_length);
		(*raw)[b->sec_length] = '\0';
		*rawlen = b->sec_length;
	}
	mailbox_cmd_clear(&c);
	return st;
}

/* A whole raw message (a local file, say), parsed as mailbox_message()
 * parses what the server sent. */
void
mailbox_message_from_raw(const char *text, size_t len,
    const struct mime_options *opt, struct message *m)
{
	mailbox_parse_message(text, len, opt, m);
}
