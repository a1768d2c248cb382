/* actions.c: flags, expunge, copy and move, search, sort, threads and
 * IDLE on the open IMAP folder, by UID, with libetpan. */
#include "build-config.h"

#include <libetpan/libetpan.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "i18n.h"
#include "xmalloc.h"

/* A SEARCH, SORT or THREAD reply may carry this much per message. */
#define ACT_BYTES_PER_MSG	16
#define ACT_REPLY_SLACK		65536

/* The changes of one command are collected at most this many times
 * over when they keep coming while the UID list is asked for. */
#define ACT_UIDS_TRIES		3

struct actions {
	struct session		*s;
	int			 caps_known;
	struct act_caps		 caps;
	uint32_t		 exists;	/* as the changes so far say */
	struct act_change	*ch;		/* not yet taken */
	size_t			 nch, capch;
	int			 resync;
	int			 idling;
};

/* One command's arguments and results, handed through the gate. */
struct act_cmd {
	mailimap			*imap;
	struct mailimap_set		*set;
	struct mailimap_store_att_flags	*store;
	struct mailimap_search_key	*key;
	struct mailimap_sort_key	*sort;
	const char			*text;	/* folder, or a command */
	int				 literalplus;
	int				 byseq;	/* SEARCH, not UID SEARCH */
	clist				*result;
};

/* The THREAD reply as libetpan's extension data. */
struct act_threads {
	struct thread_node	*nodes;
	size_t			 n;
};

static int act_thread_ext_parse(int, mailstream *, MMAPString *,
    struct mailimap_parser_context *, size_t *,
    struct mailimap_extension_data **, size_t, progress_function *);
static void act_thread_ext_free(struct mailimap_extension_data *);

/* libetpan has no THREAD (RFC 5256): this extension parses its reply. */
static struct mailimap_extension_api act_thread_ext = {
	.ext_name = "THREAD",
	.ext_id = -1,
	.ext_parser = act_thread_ext_parse,
	.ext_free = act_thread_ext_free,
};

/* --------------------------------------------------------------- set-up */

static pthread_once_t act_once = PTHREAD_ONCE_INIT;

/* Register the response parsers libetpan does not use by default. */
static void
act_register(void)
{
	if (mailimap_extension_register(&act_thread_ext) != MAILIMAP_NO_ERROR ||
	    mailimap_extension_register(&mailimap_extension_sort) !=
	    MAILIMAP_NO_ERROR)
		fatalx("actions: cannot register IMAP extensions");
}

/* Once per process, before any worker thread parses a reply. */
void
actions_init(void)
{
	pthread_once(&act_once, act_register);
}

/* The actions on a session's open folder, which holds exists messages. */
struct actions *
actions_new(struct session *s, uint32_t exists)
{
	struct actions *a = xcalloc(1, sizeof(*a));

	actions_init();
	a->s = s;
	a->exists = exists;
	return a;
}

/* Free the state (not the session); accepts NULL. */
void
actions_free(struct actions *a)
{
	if (a == NULL)
		return;
	free(a->ch);
	free(a);
}

/* ------------------------------------------------------------- changes */

/* Append one change. */
static void
act_change(struct actions *a, enum act_change_type type, uint32_t seq,
    uint32_t uid, unsigned flags)
{
	if (a->nch == a->capch) {
		a->capch = a->capch ? a->capch * 2 : 16;
		a->ch = xreallocarray(a->ch, a->capch, sizeof(*a->ch));
	}
	a->ch[a->nch].type = type;
	a->ch[a->nch].seq = seq;
	a->ch[a->nch].uid = uid;
	a->ch[a->nch].flags = flags;
	a->nch++;
}

/* Our bit for one of libetpan's flags. */
static unsigned
act_flag_bit(const struct mailimap_flag *f)
{
	switch (f ? f->fl_type : -1) {
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

/* The flags and UID of one FETCH reply; 0 if it has no FLAGS. */
static int
act_fetch_flags(const struct mailimap_msg_att *ma, uint32_t *uid,
    unsigned *flags)
{
	const struct mailimap_msg_att_item *item;
	const struct mailimap_flag_fetch *ff;
	clistiter *i, *j;
	int has = 0;

	*uid = 0;
	*flags = 0;
	for (i = clist_begin(ma->att_list); i != NULL; i = clist_next(i)) {
		item = clist_content(i);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static->att_type == MAILIMAP_MSG_ATT_UID)
			*uid = item->att_data.att_static->att_data.att_uid;
		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_DYNAMIC ||
		    item->att_data.att_dyn == NULL)
			continue;
		has = 1;
		for (j = item->att_data.att_dyn->att_list ?
		    clist_begin(item->att_data.att_dyn->att_list) : NULL;
		    j != NULL; j = clist_next(j)) {
			ff = clist_content(j);
			if (ff->fl_type == MAILIMAP_FLAG_FETCH_RECENT)
				*flags |= MSG_RECENT;
			else if (ff->fl_type == MAILIMAP_FLAG_FETCH_OTHER)
				*flags |= act_flag_bit(ff->fl_flag);
		}
	}
	return has;
}

/* EXPUNGE replies in the order received; an EXISTS must have come before
 * one that names a message past the known end. The list is emptied. */
static void
act_collect_expunged(struct actions *a, clist *list)
{
	uint32_t *seq;

	while (list != NULL && clist_begin(list) != NULL) {
		seq = clist_content(clist_begin(list));
		if (*seq > a->exists) {
			act_change(a, ACT_EXISTS, *seq, 0, 0);
			a->exists = *seq;
		}
		if (*seq >= 1 && a->exists > 0) {
			act_change(a, ACT_EXPUNGE, *seq, 0, 0);
			a->exists--;
		}
		free(seq);
		clist_delete(list, clist_begin(list));
	}
}

/* FETCH replies that carry FLAGS (the list is emptied). */
static void
act_collect_flags(struct actions *a, clist *list)
{
	struct mailimap_msg_att *ma;
	unsigned flags;
	uint32_t uid;

	while (list != NULL && clist_begin(list) != NULL) {
		ma = clist_content(clist_begin(list));
		if (act_fetch_flags(ma, &uid, &flags))
			act_change(a, ACT_FLAGS, ma->att_number, uid, flags);
		mailimap_msg_att_free(ma);
		clist_delete(list, clist_begin(list));
	}
}

/* Take what the last reply said about the folder as changes. Safe to
 * call twice: what was taken is removed from libetpan's lists. */
void
actions_collect(struct actions *a)
{
	mailimap *imap = a->s->proto;
	struct mailimap_response_info *info;
	uint32_t now;

	if (imap == NULL || imap->imap_selection_info == NULL ||
	    (info = imap->imap_response_info) == NULL)
		return;
	act_collect_expunged(a, info->rsp_expunged);
	act_collect_flags(a, info->rsp_fetch_list);
	now = imap->imap_selection_info->sel_exists;
	if (now > a->exists)
		act_change(a, ACT_EXISTS, now, 0, 0);
	else if (now < a->exists)
		a->resync = 1;		/* an EXPUNGE went unseen */
	a->exists = now;
}

/* Hand out the changes so far (to free()); their count. */
size_t
actions_take(struct actions *a, struct act_change **out, int *resync)
{
	size_t n = a->nch;

	*out = a->ch;
	*resync = a->resync;
	a->ch = NULL;
	a->nch = a->capch = 0;
	a->resync = 0;
	return n;
}

/* ------------------------------------------------------ commands, errors */

/* The libetpan handle, or ST_USAGE when no folder is open. */
static enum status
act_need_folder(struct actions *a, mailimap **imap, char **errstr)
{
	*imap = a->s->proto;
	if (*imap != NULL && (*imap)->imap_state == MAILIMAP_STATE_SELECTED &&
	    (*imap)->imap_selection_info != NULL)
		return ST_OK;
	*errstr = xasprintf(_("%s: no folder is open"), a->s->where);
	return ST_USAGE;
}

/* Run a command through the gate; collect what it said of the folder. */
static enum status
act_run(struct actions *a, gate_send_fn send, struct act_cmd *c,
    const char *doing, char **errstr)
{
	enum status st;

	st = mailbox_run(a->s, send, c, doing, errstr);
	actions_collect(a);
	return st;
}

/* The same, with room for a reply that lists every message. */
static enum status
act_run_big(struct actions *a, gate_send_fn send, struct act_cmd *c,
    const char *doing, char **errstr)
{
	enum status st;

	wire_set_limit(a->s->wire, (size_t)a->exists * ACT_BYTES_PER_MSG +
	    ACT_REPLY_SLACK);
	st = act_run(a, send, c, doing, errstr);
	wire_set_limit(a->s->wire, 0);
	return st;
}

/* Free what a command allocated. */
static void
act_cmd_clear(struct act_cmd *c)
{
	if (c->set != NULL)
		mailimap_set_free(c->set);
	if (c->store != NULL)
		mailimap_store_att_flags_free(c->store);
	if (c->key != NULL)
		mailimap_search_key_free(c->key);
	if (c->sort != NULL)
		mailimap_sort_key_free(c->sort);
	if (c->result != NULL)
		mailimap_search_result_free(c->result);
	memset(c, 0, sizeof(*c));
}

/* A set of UIDs, consecutive ones as ranges; ST_USAGE for none or 0. */
static enum status
act_set(struct actions *a, const uint32_t *uids, size_t n,
    struct mailimap_set **out, char **errstr)
{
	size_t j;

	for (j = 0; j < n && uids[j] != 0; j++)
		;
	if (n == 0 || j < n) {
		*errstr = xasprintf(_("%s: no message was chosen"),
		    a->s->where);
		return ST_USAGE;
	}
	*out = mailbox_uid_set(uids, n);
	return ST_OK;
}

/* A folder's name for sentences: decoded from modified UTF-7. */
static char *
act_folder_name(const char *raw)
{
	return mailbox_decode_name(raw);
}

/* Refuse text with control characters or invalid UTF-8: it would end
 * the command line or garble it. */
static enum status
act_text_ok(struct actions *a, const char *text, const char *what,
    char **errstr)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t need = 0;

	for (; *p != '\0'; p++) {
		if (need > 0) {
			if ((*p & 0xc0) != 0x80)
				break;
			need--;
		} else if (*p < 0x20 || *p == 0x7f)
			break;
		else if (*p >= 0xf0 && *p < 0xf5)
			need = 3;
		else if (*p >= 0xe0 && *p < 0xf0)
			need = 2;
		else if (*p >= 0xc2 && *p < 0xe0)
			need = 1;
		else if (*p >= 0x80)
			break;
	}
	if (*p == '\0' && need == 0 && *text != '\0')
		return ST_OK;
	/* TRANSLATORS: %s: "IMAP host:143"; second: "the folder name". */
	*errstr = xasprintf(_("%s: %s is empty, or has control characters or "
	    "invalid UTF-8; starling does not send it"), a->s->where, what);
	return ST_USAGE;
}

/* ---------------------------------------------------- libetpan senders */

/* CAPABILITY, as the gate runs it. */
static int
act_send_capability(void *arg)
{
	struct act_cmd *c = arg;
	struct mailimap_capability_data *cap = NULL;
	int r;

	r = mailimap_capability(c->imap, &cap);
	if (cap != NULL)
		mailimap_capability_data_free(cap);
	return r;
}

/* UID STORE, as the gate runs it. */
static int
act_send_store(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_uid_store(c->imap, c->set, c->store);
}

/* UID SEARCH [CHARSET UTF-8], as the gate runs it. */
static int
act_send_search(void *arg)
{
	struct act_cmd *c = arg;
	const char *cs = c->text;

	if (c->byseq && c->literalplus)
		return mailimap_search_literalplus(c->imap, cs, c->key,
		    &c->result);
	if (c->byseq)
		return mailimap_search(c->imap, cs, c->key, &c->result);
	if (c->literalplus)
		return mailimap_uid_search_literalplus(c->imap, cs, c->key,
		    &c->result);
	return mailimap_uid_search(c->imap, cs, c->key, &c->result);
}

/* UID SORT, as the gate runs it. */
static int
act_send_sort(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_uid_sort(c->imap, "UTF-8", c->sort, c->key,
	    &c->result);
}

/* UID COPY, as the gate runs it. */
static int
act_send_copy(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_uid_copy(c->imap, c->set, c->text);
}

/* UID MOVE, as the gate runs it. */
static int
act_send_move(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_uid_move(c->imap, c->set, c->text);
}

/* UID EXPUNGE (UIDPLUS), as the gate runs it. */
static int
act_send_uid_expunge(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_uid_expunge(c->imap, c->set);
}

/* EXPUNGE, as the gate runs it. */
static int
act_send_expunge(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_expunge(c->imap);
}

/* A command libetpan has no function for (THREAD), as the gate runs it. */
static int
act_send_custom(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_custom_command(c->imap, c->text);
}

/* NOOP, as the gate runs it. */
static int
act_send_noop(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_noop(c->imap);
}

/* IDLE, as the gate runs it: returns at the server's "+". */
static int
act_send_idle(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_idle(c->imap);
}

/* DONE, as the gate runs it: returns at IDLE's tagged reply. */
static int
act_send_done(void *arg)
{
	struct act_cmd *c = arg;

	return mailimap_idle_done(c->imap);
}

/* -------------------------------------------------------- capabilities */

/* Does the server offer this capability? */
static int
act_has(mailimap *imap, const char *name)
{
	return mailimap_has_extension(imap, (char *)name);
}

/* What the server offers; CAPABILITY is asked once per folder. */
enum status
actions_caps(struct actions *a, struct act_caps *out, char **errstr)
{
	struct act_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	if (!a->caps_known) {
		if ((st = act_need_folder(a, &c.imap, errstr)) != ST_OK ||
		    (st = act_run(a, act_send_capability, &c,
		    _("asking for capabilities"), errstr)) != ST_OK)
			return st;
		a->caps.move = act_has(c.imap, "MOVE");
		a->caps.uidplus = act_has(c.imap, "UIDPLUS");
		a->caps.sort = act_has(c.imap, "SORT");
		a->caps.thread_refs = act_has(c.imap, "THREAD=REFERENCES");
		a->caps.thread_subj = act_has(c.imap, "THREAD=ORDEREDSUBJECT");
		a->caps.idle = act_has(c.imap, "IDLE");
		a->caps.literalplus = act_has(c.imap, "LITERAL+");
		a->caps_known = 1;
	}
	*out = a->caps;
	return ST_OK;
}

/* ------------------------------------------------------ flags, expunge */

/* libetpan's flag list for our MSG_SEEN, MSG_FLAGGED, MSG_DELETED bits. */
static struct mailimap_flag_list *
act_flag_list(unsigned flags)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();

	if (fl == NULL ||
	    ((flags & MSG_SEEN) && mailimap_flag_list_add(fl,
	    mailimap_flag_new_seen()) != MAILIMAP_NO_ERROR) ||
	    ((flags & MSG_FLAGGED) && mailimap_flag_list_add(fl,
	    mailimap_flag_new_flagged()) != MAILIMAP_NO_ERROR) ||
	    ((flags & MSG_DELETED) && mailimap_flag_list_add(fl,
	    mailimap_flag_new_deleted()) != MAILIMAP_NO_ERROR))
		fatalx("actions: out of memory");
	return fl;
}

/* UID STORE +FLAGS (add) or -FLAGS of some messages; the server's
 * answer (FETCH FLAGS) becomes ACT_FLAGS changes. */
enum status
actions_flags(struct actions *a, const uint32_t *uids, size_t n,
    unsigned flags, int add, char **errstr)
{
	struct mailimap_flag_list *fl;
	struct act_cmd c;
	enum status st;
	char *doing;

	memset(&c, 0, sizeof(c));
	if ((st = act_need_folder(a, &c.imap, errstr)) != ST_OK ||
	    (st = act_set(a, uids, n, &c.set, errstr)) != ST_OK)
		return st;
	fl = act_flag_list(flags & (MSG_SEEN | MSG_FLAGGED | MSG_DELETED));
	c.store = add ? mailimap_store_att_flags_new_add_flags(fl) :
	    mailimap_store_att_flags_new_remove_flags(fl);
	if (c.store == NULL)
		fatalx("actions: out of memory");
	doing = xasprintf(ngettext("changing the flags of %zu message",
	    "changing the flags of %zu messages", n), n);
	st = act_run(a, act_send_store, &c, doing, errstr);
	free(doing);
	act_cmd_clear(&c);
	return st;
}

/* By value, for qsort. */
static int
act_uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A list of UIDs (clist of uint32_t *) as an array in the server's
 * order; its count. */
static size_t
act_uid_list(clist *list, uint32_t **out)
{
	clistiter *it;
	size_t n = list ? (size_t)clist_count(list) : 0, k = 0;

	*out = xcalloc(n ? n : 1, sizeof(**out));
	for (it = list ? clist_begin(list) : NULL; it; it = clist_next(it))
		(*out)[k++] = *(uint32_t *)clist_content(it);
	return n;
}

/* The same, sorted ascending (servers mostly send them so already). */
static size_t
act_uid_array(clist *list, uint32_t **out)
{
	size_t n = act_uid_list(list, out);

	qsort(*out, n, sizeof(**out), act_uid_cmp);
	return n;
}

/* UID SEARCH (with byseq, SEARCH) with a key (taken over); the UIDs
 * (sequence numbers) found, ascending. */
static enum status
act_search_as(struct actions *a, struct mailimap_search_key *key,
    const char *charset, int byseq, const char *doing, uint32_t **out,
    size_t *n, char **errstr)
{
	struct act_cmd c;
	struct act_caps caps;
	enum status st;

	memset(&c, 0, sizeof(c));
	c.key = key;
	c.byseq = byseq;
	if ((st = act_need_folder(a, &c.imap, errstr)) == ST_OK &&
	    charset != NULL)
		st = actions_caps(a, &caps, errstr);
	if (st == ST_OK) {
		c.text = charset;
		c.literalplus = charset != NULL && caps.literalplus;
		st = act_run_big(a, act_send_search, &c, doing, errstr);
	}
	if (st == ST_OK)
		*n = act_uid_array(c.result, out);
	act_cmd_clear(&c);
	return st;
}

/* UID SEARCH with a key (taken over); the UIDs found, ascending. */
static enum status
act_search(struct actions *a, struct mailimap_search_key *key,
    const char *charset, const char *doing, uint32_t **out, size_t *n,
    char **errstr)
{
	return act_search_as(a, key, charset, 0, doing, out, n, errstr);
}

/* The UIDs of the messages marked \Deleted. */
enum status
actions_deleted(struct actions *a, uint32_t **out, size_t *n, char **errstr)
{
	struct mailimap_search_key *key;

	key = mailimap_search_key_new(MAILIMAP_SEARCH_KEY_DELETED, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
	if (key == NULL)
		fatalx("actions: out of memory");
	return act_search(a, key, NULL, _("finding the messages marked "
	    "deleted"), out, n, errstr);
}

/* Remove messages for good: exactly these UIDs (UIDPLUS), else every
 * message marked deleted (*all = 1). */
enum status
actions_expunge(struct actions *a, const uint32_t *uids, size_t n,
    int *all, char **errstr)
{
	struct act_caps caps;
	struct act_cmd c;
	enum status st;
	char *doing;

	memset(&c, 0, sizeof(c));
	if ((st = act_need_folder(a, &c.imap, errstr)) != ST_OK ||
	    (st = actions_caps(a, &caps, errstr)) != ST_OK ||
	    (st = act_set(a, uids, n, &c.set, errstr)) != ST_OK)
		return st;
	doing = xasprintf(ngettext("expunging %zu message",
	    "expunging %zu messages", n), n);
	st = act_run(a, caps.uidplus ? act_send_uid_expunge : act_send_expunge,
	    &c, doing, errstr);
	free(doing);
	act_cmd_clear(&c);
	if (st == ST_OK)
		*all = !caps.uidplus;
	return st;
}

/* -------------------------------------------------------- copy, move */

/* UID COPY or UID MOVE of a set to a folder (raw name). */
static enum status
act_transfer(struct actions *a, const uint32_t *uids, size_t n,
    const char *dest, int move, char **errstr)
{
	struct act_cmd c;
	enum status st;
	char *name, *doing;

	memset(&c, 0, sizeof(c));
	if ((st = act_need_folder(a, &c.imap, errstr)) != ST_OK ||
	    (st = act_text_ok(a, dest, _("the folder name"), errstr)) !=
	    ST_OK || (st = act_set(a, uids, n, &c.set, errstr)) != ST_OK)
		return st;
	c.text = dest;
	name = act_folder_name(dest);
	doing = move ? xasprintf(ngettext("moving %zu message to %s",
	    "moving %zu messages to %s", n), n, name) :
	    xasprintf(ngettext("copying %zu message to %s",
	    "copying %zu messages to %s", n), n, name);
	st = act_run(a, move ? act_send_move : act_send_copy, &c, doing,
	    errstr);
	free(doing);
	free(name);
	act_cmd_clear(&c);
	return st;
}

/* Copy messages to another folder (its raw name). */
enum status
actions_copy(struct actions *a, const uint32_t *uids, size_t n,
    const char *dest, char **errstr)
{
	return act_transfer(a, uids, n, dest, 0, errstr);
}

/* After a good copy: a step on the originals failed; say where each
 * message is now, and how to finish by hand. */
static enum status
act_half_moved(struct actions *a, const char *dest, int marked,
    enum status st, char **errstr)
{
	char *name = act_folder_name(dest), *why = *errstr;

	if (marked)
		/* TRANSLATORS: %s: a folder; the last %s: the error. */
		*errstr = xasprintf(_("The messages were copied to %s and "
		    "marked deleted here, but expunging them failed, so they "
		    "are in both folders; press $ to expunge them. (%s)"),
		    name, why);
	else
		*errstr = xasprintf(_("The messages were copied to %s, but "
		    "marking them deleted here failed, so they are in both "
		    "folders; delete them here with d. (%s)"), name, why);
	free(why);
	free(name);
	return st;
}

/*
 * Move messages to another folder (raw name): MOVE when offered; else
 * UID COPY, and only after the copy succeeded \Deleted on the originals
 * and, with UIDPLUS, UID EXPUNGE of exactly those. Nothing is lost on any
 * failure: *errstr then says where the messages are.
 */
enum status
actions_move(struct actions *a, const uint32_t *uids, size_t n,
    const char *dest, enum act_moved *how, char **errstr)
{
	struct act_caps caps;
	enum status st;
	int all;

	if ((st = actions_caps(a, &caps, errstr)) != ST_OK)
		return st;
	if (caps.move) {
		if ((st = act_transfer(a, uids, n, dest, 1, errstr)) == ST_OK)
			*how = ACT_MOVED;
		return st;
	}
	if ((st = act_transfer(a, uids, n, dest, 0, errstr)) != ST_OK)
		return st;
	if ((st = actions_flags(a, uids, n, MSG_DELETED, 1, errstr)) != ST_OK)
		return act_half_moved(a, dest, 0, st, errstr);
	if (!caps.uidplus) {
		*how = ACT_COPIED_MARKED;
		return ST_OK;
	}
	if ((st = actions_expunge(a, uids, n, &all, errstr)) != ST_OK)
		return act_half_moved(a, dest, 1, st, errstr);
	*how = ACT_MOVED_COPY;
	return ST_OK;
}

/* ------------------------------------------------ search, sort, threads */

/* Messages whose subject or sender (with body, also text) holds query
 * (UTF-8): UIDs, or with byseq sequence numbers, ascending. */
static enum status
act_text_search(struct actions *a, const char *query, int body, int byseq,
    uint32_t **out, size_t *n, char **errstr)
{
	struct mailimap_search_key *key, *who;
	enum status st;
	char *doing;

	if ((st = act_text_ok(a, query, _("the search text"), errstr)) !=
	    ST_OK)
		return st;
	who = mailimap_search_key_new_from(xstrdup(query));
	if (body)
		who = mailimap_search_key_new_or(who,
		    mailimap_search_key_new_text(xstrdup(query)));
	key = mailimap_search_key_new_or(
	    mailimap_search_key_new_subject(xstrdup(query)), who);
	if (key == NULL)
		fatalx("actions: out of memory");
	doing = xasprintf(_("searching for \"%s\""), query);
	st = act_search_as(a, key, "UTF-8", byseq, doing, out, n, errstr);
	free(doing);
	return st;
}

/* Messages whose subject, sender or text holds query (UTF-8): UIDs. */
enum status
actions_search(struct actions *a, const char *query, uint32_t **out,
    size_t *n, char **errstr)
{
	return act_text_search(a, query, 1, 0, out, n, errstr);
}

/* Messages whose subject or sender holds query (UTF-8), as the index's
 * search matches them: their sequence numbers, ascending. */
enum status
actions_find(struct actions *a, const char *query, uint32_t **out,
    size_t *n, char **errstr)
{
	return act_text_search(a, query, 0, 1, out, n, errstr);
}

/* Every UID of the folder, ascending (their places are the sequence
 * numbers). */
enum status
actions_uids(struct actions *a, uint32_t **out, size_t *n, char **errstr)
{
	struct mailimap_search_key *key = mailimap_search_key_new_all();

	if (key == NULL)
		fatalx("actions: out of memory");
	return act_search(a, key, NULL, _("listing the folder's messages"),
	    out, n, errstr);
}

/* libetpan's sort key for one of ours. */
static struct mailimap_sort_key *
act_sort_key(enum sort_key k, int reverse)
{
	struct mailimap_sort_key *sk;

	switch (k) {
	case SORT_DATE:
		sk = mailimap_sort_key_new_date(reverse);
		break;
	case SORT_FROM:
		sk = mailimap_sort_key_new_from(reverse);
		break;
	case SORT_SUBJECT:
		sk = mailimap_sort_key_new_subject(reverse);
		break;
	case SORT_SIZE:
		sk = mailimap_sort_key_new_size(reverse);
		break;
	default:
		sk = mailimap_sort_key_new_arrival(reverse);
		break;
	}
	if (sk == NULL)
		fatalx("actions: out of memory");
	return sk;
}

/* UID SORT (RFC 5256) of every message, by the server. */
enum status
actions_sort(struct actions *a, enum sort_key key, int reverse,
    uint32_t **out, size_t *n, char **errstr)
{
	struct act_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	if ((st = act_need_folder(a, &c.imap, errstr)) != ST_OK)
		return st;
	if (c.imap->imap_selection_info->sel_exists == 0) {
		*out = xcalloc(1, sizeof(**out));	/* libetpan fails */
		*n = 0;
		return ST_OK;
	}
	c.sort = act_sort_key(key, reverse);
	if ((c.key = mailimap_search_key_new_all()) == NULL)
		fatalx("actions: out of memory");
	st = act_run_big(a, act_send_sort, &c, _("sorting the folder"),
	    errstr);
	if (st == ST_OK)
		*n = act_uid_list(c.result, out);
	act_cmd_clear(&c);
	return st;
}

/* libetpan's extension parser for "* THREAD ..." (thread.c parses it). */
static int
act_thread_ext_parse(int calling, mailstream *fd, MMAPString *buf,
    struct mailimap_parser_context *ctx, size_t *indx,
    struct mailimap_extension_data **result, size_t rate,
    progress_function *fun)
{
	struct act_threads *t;
	const char *p;
	size_t left, used;

	if ((calling != MAILIMAP_EXTENDED_PARSER_RESPONSE_DATA &&
	    calling != MAILIMAP_EXTENDED_PARSER_MAILBOX_DATA) ||
	    *indx > buf->len)
		return MAILIMAP_ERROR_PARSE;
	p = buf->str + *indx;
	left = buf->len - *indx;
	if (left < 6 || strncasecmp(p, "THREAD", 6) != 0 ||
	    (left > 6 && p[6] != ' ' && p[6] != '\r' && p[6] != '\n'))
		return MAILIMAP_ERROR_PARSE;
	t = xcalloc(1, sizeof(*t));
	if (thread_parse(p + 6, left - 6, &used, &t->nodes, &t->n) == -1) {
		free(t);
		return MAILIMAP_ERROR_PARSE;
	}
	if ((*result = mailimap_extension_data_new(&act_thread_ext, 0, t)) ==
	    NULL)
		fatalx("actions: out of memory");
	*indx += 6 + used;
	return MAILIMAP_NO_ERROR;
}

/* libetpan frees our THREAD data with this (data may be taken: NULL). */
static void
act_thread_ext_free(struct mailimap_extension_data *d)
{
	struct act_threads *t;

	if (d == NULL)
		return;
	if ((t = d->ext_data) != NULL) {
		free(t->nodes);
		free(t);
	}
	free(d);
}

/* Take the THREAD reply out of libetpan's response, or NULL. */
static struct act_threads *
act_take_threads(mailimap *imap)
{
	struct mailimap_extension_data *d;
	struct act_threads *t = NULL;
	clistiter *it;
	clist *l;

	l = imap->imap_response_info ?
	    imap->imap_response_info->rsp_extension_list : NULL;
	for (it = l ? clist_begin(l) : NULL; it; it = clist_next(it)) {
		d = clist_content(it);
		if (d->ext_extension == &act_thread_ext && t == NULL &&
		    d->ext_data != NULL) {
			t = d->ext_data;
			d->ext_data = NULL;
		}
	}
	return t;
}

/* UID THREAD (RFC 5256) of every message: REFERENCES when offered, else
 * ORDEREDSUBJECT; ST_USAGE when the server offers neither. */
enum status
actions_thread(struct actions *a, struct thread_node **out, size_t *n,
    char **errstr)
{
	struct act_threads *t;
	struct act_caps caps;
	struct act_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	if ((st = act_need_folder(a, &c.imap, errstr)) != ST_OK ||
	    (st = actions_caps(a, &caps, errstr)) != ST_OK)
		return st;
	if (!caps.thread_refs && !caps.thread_subj) {
		*errstr = xasprintf(_("%s offers no threads (THREAD); the "
		    "messages are shown without them"), a->s->where);
		return ST_USAGE;
	}
	c.text = caps.thread_refs ? "UID THREAD REFERENCES UTF-8 ALL" :
	    "UID THREAD ORDEREDSUBJECT UTF-8 ALL";
	if ((st = act_run_big(a, act_send_custom, &c, _("asking for threads"),
	    errstr)) != ST_OK)
		return st;
	if ((t = act_take_threads(c.imap)) == NULL) {
		*errstr = xasprintf(_("%s: asking for threads: the server "
		    "answered OK without a THREAD reply"), a->s->where);
		return ST_NETWORK;
	}
	*out = t->nodes;
	*n = t->n;
	free(t);
	return ST_OK;
}

/* ---------------------------------------------------------------- views */

/* UIDs as thread nodes of depth 0, reversed if asked. */
static struct thread_node *
act_flat(const uint32_t *uids, size_t n, int reverse)
{
	struct thread_node *t = xcalloc(n ? n : 1, sizeof(*t));
	size_t i;

	for (i = 0; i < n; i++)
		t[i].id = uids[reverse ? n - 1 - i : i];
	return t;
}

/* Every envelope sorted here (the server offers no SORT): UIDs. */
static enum status
act_local_sort(struct actions *a, enum sort_key key, int reverse,
    uint32_t **out, size_t *n, char **errstr)
{
	struct envelope *e = NULL;
	enum status st;
	size_t ne = 0, i;

	st = mailbox_envelopes(a->s, 1, a->exists, &e, &ne, errstr);
	actions_collect(a);
	if (st != ST_OK)
		return st;
	sort_envelopes(e, ne, key, reverse);
	*out = xcalloc(ne ? ne : 1, sizeof(**out));
	for (i = 0; i < ne; i++)
		(*out)[i] = e[i].uid;
	*n = ne;
	mailbox_envelopes_free(e, ne);
	return ST_OK;
}

/* The order of a sorted (not threaded) view, as depth-0 nodes. */
static enum status
act_sorted(struct actions *a, const struct view_spec *vs,
    const struct act_caps *caps, const uint32_t *all, size_t nall,
    struct thread_node **out, size_t *n, char **errstr)
{
	uint32_t *uids = NULL;
	enum status st;

	if (vs->sort == SORT_ARRIVAL) {
		*out = act_flat(all, nall, vs->reverse);
		*n = nall;
		return ST_OK;
	}
	st = caps->sort ? actions_sort(a, vs->sort, vs->reverse, &uids, n,
	    errstr) : act_local_sort(a, vs->sort, vs->reverse, &uids, n,
	    errstr);
	if (st == ST_OK)
		*out = act_flat(uids, *n, 0);
	free(uids);
	return st;
}

/* The view's order: threads when asked and offered, else sorted. */
static enum status
act_order(struct actions *a, const struct view_spec *vs,
    const uint32_t *all, size_t nall, struct thread_node **out, size_t *n,
    char **notice, char **errstr)
{
	struct act_caps caps;
	enum status st;

	if ((st = actions_caps(a, &caps, errstr)) != ST_OK)
		return st;
	if (vs->threads && (caps.thread_refs || caps.thread_subj)) {
		if ((st = actions_thread(a, out, n, errstr)) == ST_OK &&
		    vs->reverse)
			thread_reverse(*out, *n);
		return st;
	}
	if (vs->threads)
		*notice = xasprintf(_("%s offers no threads (THREAD); the "
		    "messages are shown without them"), a->s->where);
	return act_sorted(a, vs, &caps, all, nall, out, n, errstr);
}

/* Every UID now, asked again while the server reports changes with the
 * answer (then the answer may be from before them). */
static enum status
act_fresh_uids(struct actions *a, uint32_t **all, size_t *nall,
    char **errstr)
{
	enum status st;
	size_t before;
	int try;

	for (try = 0;; try++) {
		before = a->nch;
		if ((st = actions_uids(a, all, nall, errstr)) != ST_OK ||
		    a->nch == before || try + 1 == ACT_UIDS_TRIES)
			return st;
		free(*all);
	}
}

/* Nodes to rows: each UID's sequence number is its place in all. */
static struct view_row *
act_rows(const struct thread_node *t, size_t nt, const uint32_t *all,
    size_t nall, size_t *n)
{
	struct view_row *rows = xcalloc(nt ? nt : 1, sizeof(*rows));
	const uint32_t *hit;
	size_t i;

	*n = 0;
	for (i = 0; i < nt; i++) {
		hit = bsearch(&t[i].id, all, nall, sizeof(*all), act_uid_cmp);
		if (hit == NULL)
			continue;	/* expunged meanwhile */
		rows[*n].uid = t[i].id;
		rows[*n].seq = (uint32_t)(hit - all) + 1;
		rows[*n].depth = t[i].depth;
		(*n)++;
	}
	return rows;
}

/* A whole view: search (limit), order, threads, and where each row is. */
enum status
actions_view(struct actions *a, const struct view_spec *vs,
    struct view_row **rows, size_t *n, char **notice, char **errstr)
{
	struct thread_node *t = NULL;
	uint32_t *hits = NULL, *all = NULL;
	size_t nhits = 0, nt = 0, nall = 0, before;
	enum status st;

	*notice = NULL;
	if (vs->query != NULL && vs->query[0] != '\0' &&
	    (st = actions_search(a, vs->query, &hits, &nhits, errstr)) !=
	    ST_OK)
		return st;
	if ((st = act_fresh_uids(a, &all, &nall, errstr)) != ST_OK)
		goto out;
	before = a->nch;
	if ((st = act_order(a, vs, all, nall, &t, &nt, notice, errstr)) !=
	    ST_OK)
		goto out;
	if (hits != NULL)
		nt = thread_filter(t, nt, hits, nhits);
	if (a->nch != before) {		/* the folder changed meanwhile */
		free(all);
		all = NULL;
		if ((st = act_fresh_uids(a, &all, &nall, errstr)) != ST_OK)
			goto out;
	}
	*rows = act_rows(t, nt, all, nall, n);
out:
	if (st != ST_OK) {
		free(*notice);
		*notice = NULL;
	}
	free(t);
	free(hits);
	free(all);
	return st;
}

/* ------------------------------------------------------- watching: IDLE */

/* NOOP: the server tells what changed since the last command. */
enum status
actions_noop(struct actions *a, char **errstr)
{
	struct act_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	if ((st = act_need_folder(a, &c.imap, errstr)) != ST_OK)
		return st;
	return act_run(a, act_send_noop, &c, _("checking for new mail"),
	    errstr);
}

/* IDLE: returns once the server waits; then actions_wait(). */
enum status
actions_idle(struct actions *a, char **errstr)
{
	struct act_cmd c;
	enum status st;

	memset(&c, 0, sizeof(c));
	if ((st = act_need_folder(a, &c.imap, errstr)) != ST_OK)
		return st;
	st = act_run(a, act_send_idle, &c, _("waiting for new mail (IDLE)"),
	    errstr);
	a->idling = st == ST_OK;
	return st;
}

/* Is IDLE on (started, not yet ended by DONE)? */
int
actions_idling(const struct actions *a)
{
	return a->idling;
}

/* Inside IDLE: wait for the server, for fd (-1: none), or ms. */
enum act_wake
actions_wait(struct actions *a, int fd, int ms)
{
	struct pollfd pfd[2];
	int r;

	if (wire_pending(a->s->wire) > 0)
		return ACT_WAKE_SERVER;
	pfd[0].fd = mailimap_idle_get_fd(a->s->proto);
	pfd[0].events = POLLIN;
	pfd[1].fd = fd;
	pfd[1].events = POLLIN;
	do {
		r = poll(pfd, fd >= 0 ? 2 : 1, ms);
	} while (r == -1 && errno == EINTR);
	if (r < 0 || (r > 0 && pfd[0].revents != 0))
		return ACT_WAKE_SERVER;		/* DONE will tell */
	if (r > 0)
		return ACT_WAKE_FD;
	return ACT_WAKE_TIMEOUT;
}

/* DONE: end IDLE; what the server said meanwhile becomes changes. */
enum status
actions_idle_done(struct actions *a, char **errstr)
{
	struct act_cmd c;

	memset(&c, 0, sizeof(c));
	c.imap = a->s->proto;
	a->idling = 0;
	return act_run(a, act_send_done, &c, _("ending IDLE"), errstr);
}
