/* localbox.c: a Maildir as a folder: envelopes and messages from files. */
#include "build-config.h"

#include <sys/stat.h>

#include <libetpan/libetpan.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "localbox.h"
#include "maildir.h"
#include "xmalloc.h"

/* Header bytes read for one envelope; a longer header is cut there. */
#define LOCALBOX_HEAD_MAX	((size_t)64 * 1024)

struct localbox {
	struct maildir		*md;	/* NULL: the Maildir does not exist */
	struct maildir_entry	*v;	/* oldest first */
	size_t			 n;
};

/* Is raw the name the UI gives the local folder? */
int
localbox_is(const char *raw)
{
	return raw != NULL && strcmp(raw, LOCALBOX_RAW) == 0;
}

/* A snapshot of the Maildir at path (none yet: an empty folder). */
enum status
localbox_open(const char *path, struct localbox **out, char **errstr)
{
	struct localbox *lb = xcalloc(1, sizeof(*lb));
	struct stat sb;
	enum status st;

	if (path != NULL && stat(path, &sb) == -1 && errno == ENOENT) {
		*out = lb;
		return ST_OK;
	}
	if ((st = maildir_open(path, 0, &lb->md, errstr)) != ST_OK ||
	    (st = maildir_list(lb->md, &lb->v, &lb->n, errstr)) != ST_OK) {
		localbox_free(lb);
		return st;
	}
	*out = lb;
	return ST_OK;
}

/* Forget the snapshot (the files stay); accepts NULL. */
void
localbox_free(struct localbox *lb)
{
	if (lb == NULL)
		return;
	maildir_entries_free(lb->v, lb->n);
	maildir_free(lb->md);
	free(lb);
}

/* How many messages the snapshot holds. */
uint32_t
localbox_count(const struct localbox *lb)
{
	return lb->n > UINT32_MAX ? UINT32_MAX : (uint32_t)lb->n;
}

/* How many of them are not marked read. */
uint32_t
localbox_unseen(const struct localbox *lb)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < lb->n && n < UINT32_MAX; i++)
		n += !lb->v[i].seen;
	return n;
}

/* The entry of message seq, or ST_USAGE. */
static enum status
localbox_entry(struct localbox *lb, uint32_t seq, struct maildir_entry **e,
    char **errstr)
{
	if (seq == 0 || seq > localbox_count(lb)) {
		*errstr = xasprintf(_("there is no message %u in the local "
		    "folder"), seq);
		return ST_USAGE;
	}
	*e = &lb->v[seq - 1];
	return ST_OK;
}

/* ----------------------------------------------------------- envelopes */

/* Read the first bytes of a message file, cut after its last full line. */
static enum status
localbox_head(struct localbox *lb, const char *rel, char **out, size_t *len,
    char **errstr)
{
	char *path = xasprintf("%s/%s", maildir_root(lb->md), rel), *nl;
	char *buf = xmalloc(LOCALBOX_HEAD_MAX + 1);
	size_t n = 0;
	ssize_t r = 0;
	int fd, err;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		while (n < LOCALBOX_HEAD_MAX && ((r = read(fd, buf + n,
		    LOCALBOX_HEAD_MAX - n)) > 0 || (r == -1 && errno == EINTR)))
			n += r > 0 ? (size_t)r : 0;
		err = errno;
		close(fd);
	} else
		err = errno;
	if (fd == -1 || r == -1) {
		free(buf);
		buf = xasprintf(_("cannot read %s"), path);
		*errstr = xasprintf("%s: %s", buf, strerror(err));
		free(path);
		free(buf);
		return ST_LOCAL;
	}
	free(path);
	buf[n] = '\0';
	if (n == LOCALBOX_HEAD_MAX && (nl = memrchr(buf, '\n', n)) != NULL)
		n = (size_t)(nl - buf) + 1;
	*out = buf;
	*len = n;
	return ST_OK;
}

/* Seconds since the epoch of an RFC 5322 date; 0 if absurd. */
static time_t
localbox_time(const struct mailimf_date_time *d)
{
	struct tm tm;
	time_t t;
	int z;

	if (d == NULL || d->dt_year < 1900 || d->dt_year > 9999 ||
	    d->dt_month < 1 || d->dt_month > 12 || d->dt_zone > 9999 ||
	    d->dt_zone < -9999)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d->dt_year - 1900;
	tm.tm_mon = d->dt_month - 1;
	tm.tm_mday = d->dt_day;
	tm.tm_hour = d->dt_hour;
	tm.tm_min = d->dt_min;
	tm.tm_sec = d->dt_sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return 0;
	z = d->dt_zone < 0 ? -d->dt_zone : d->dt_zone;
	return t - (d->dt_zone < 0 ? -1 : 1) * (time_t)((z / 100) * 60 +
	    z % 100) * 60;
}

/* The first sender: decoded display name, else the address. */
static char *
localbox_sender(const struct mailimf_from *from)
{
	const struct mailimf_mailbox *mb;
	clistiter *it;

	if (from == NULL || from->frm_mb_list == NULL ||
	    (it = clist_begin(from->frm_mb_list->mb_list)) == NULL)
		return NULL;
	mb = clist_content(it);
	if (mb->mb_display_name != NULL && mb->mb_display_name[0] != '\0')
		return mailbox_decode_header(mb->mb_display_name);
	return xstrdup(mb->mb_addr_spec ? mb->mb_addr_spec : "");
}

/* From, Subject and Date of a header (the first of each). */
static void
localbox_fields(const char *head, size_t len, struct envelope *e)
{
	struct mailimf_fields *fields = NULL;
	const struct mailimf_field *f;
	size_t idx = 0;
	clistiter *it;

	if (mailimf_envelope_fields_parse(head, len, &idx, &fields) !=
	    MAILIMF_NO_ERROR || fields == NULL)
		return;
	for (it = clist_begin(fields->fld_list); it; it = clist_next(it)) {
		f = clist_content(it);
		if (f->fld_type == MAILIMF_FIELD_FROM && e->from == NULL)
			e->from = localbox_sender(f->fld_data.fld_from);
		else if (f->fld_type == MAILIMF_FIELD_SUBJECT &&
		    e->subject == NULL)
			e->subject = mailbox_decode_header(
			    f->fld_data.fld_subject->sbj_value);
		else if (f->fld_type == MAILIMF_FIELD_ORIG_DATE && e->date == 0)
			e->date = localbox_time(
			    f->fld_data.fld_orig_date->dt_date_time);
	}
	mailimf_fields_free(fields);
}

/* Our flag bits from the Maildir info (":2,FRS"). */
static unsigned
localbox_flags(const struct maildir_entry *me)
{
	const char *info = strstr(me->name, ":2,");
	unsigned fl = me->seen ? MSG_SEEN : 0;

	if (info == NULL)
		return fl;
	if (strchr(info + 3, 'R') != NULL)
		fl |= MSG_ANSWERED;
	if (strchr(info + 3, 'F') != NULL)
		fl |= MSG_FLAGGED;
	if (strchr(info + 3, 'T') != NULL)
		fl |= MSG_DELETED;
	if (strchr(info + 3, 'D') != NULL)
		fl |= MSG_DRAFT;
	return fl;
}

/* One envelope from one file. */
static enum status
localbox_envelope(struct localbox *lb, uint32_t seq, struct envelope *e,
    char **errstr)
{
	const struct maildir_entry *me = &lb->v[seq - 1];
	enum status st;
	char *head;
	size_t len;

	memset(e, 0, sizeof(*e));
	e->seq = seq;
	e->size = me->size > UINT32_MAX ? UINT32_MAX : (uint32_t)me->size;
	e->flags = localbox_flags(me);
	if ((st = localbox_head(lb, me->path, &head, &len, errstr)) != ST_OK)
		return st;
	localbox_fields(head, len, e);
	free(head);
	if (e->from == NULL)
		e->from = xstrdup("");
	if (e->subject == NULL)
		e->subject = xstrdup("");
	if (e->date == 0)
		e->date = me->mtime;
	return ST_OK;
}

/* Envelopes of messages first..last; numbers past the end are left out. */
enum status
localbox_envelopes(struct localbox *lb, uint32_t first, uint32_t last,
    struct envelope **out, size_t *n, char **errstr)
{
	struct envelope *e;
	enum status st = ST_OK;
	uint32_t seq;
	size_t k = 0;

	if (first == 0)
		first = 1;
	if (last > localbox_count(lb))
		last = localbox_count(lb);
	e = xcalloc(first <= last ? (size_t)(last - first) + 1 : 1,
	    sizeof(*e));
	for (seq = first; seq <= last && st == ST_OK; seq++)
		if ((st = localbox_envelope(lb, seq, &e[k], errstr)) == ST_OK)
			k++;
	if (st != ST_OK) {
		mailbox_envelopes_free(e, k);
		return st;
	}
	*out = e;
	*n = k;
	return ST_OK;
}

/* ------------------------------------------------------------ messages */

/* Message seq: headers and text body, as mailbox_message() gives them. */
enum status
localbox_message(struct localbox *lb, uint32_t seq,
    const struct mime_options *opt, struct message *msg, char **errstr)
{
	struct maildir_entry *me;
	enum status st;
	char *data;
	size_t len;

	if ((st = localbox_entry(lb, seq, &me, errstr)) != ST_OK)
		return st;
	if ((st = maildir_read(lb->md, me->path, &data, &len, errstr)) !=
	    ST_OK)
		return st;
	mailbox_message_from_raw(data, len, opt, msg);
	free(data);
	return ST_OK;
}

/* Mark message seq read: it moves to cur/ with the S flag. */
enum status
localbox_mark_seen(struct localbox *lb, uint32_t seq, char **errstr)
{
	struct maildir_entry *me;
	enum status st;
	char *rel;

	if ((st = localbox_entry(lb, seq, &me, errstr)) != ST_OK)
		return st;
	if (me->seen)
		return ST_OK;
	if ((st = maildir_set_seen(lb->md, me->path, 1, &rel, errstr)) !=
	    ST_OK)
		return st;
	free(me->path);
	me->path = rel;
	me->name = rel + 4;
	me->seen = 1;
	return ST_OK;
}
