/* envsrc.c: envelopes of the open folder through the header cache. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "envsrc.h"
#include "hcache.h"
#include "xmalloc.h"

/* Messages whose flags one step of a full resync asks for. */
#define ENVSRC_RESYNC_CHUNK	5000

/* Messages one step of the background fill looks at (a request waits
 * for at most one step). */
#define ENVSRC_FILL_CHUNK	200

/* What the cache still needs for the open folder. */
enum resync {
	RESYNC_NONE,
	RESYNC_CHANGED,		/* UID FETCH 1:* (FLAGS) (CHANGEDSINCE m) */
	RESYNC_FULL,		/* FETCH a:b (UID FLAGS), chunk by chunk */
	RESYNC_COUNT,		/* more records than messages? then FULL */
	RESYNC_REMEMBER,	/* a new folder: its state goes with the
				 * first envelopes stored (one commit) */
};

struct envsrc {
	char		*account;
	struct hcache	*hc;		/* NULL: no cache (any more) */
	char		*warning;	/* to hand out once */
	char		*folder;	/* raw name; NULL: none open */
	uint32_t	 uidvalidity;
	int		 had_records;	/* the cache knew the folder */
	struct hcache_meta meta;	/* to remember after the resync */
	enum resync	 resync;
	uint64_t	 since;		/* RESYNC_CHANGED */
	uint32_t	 next_seq;	/* RESYNC_FULL: the next chunk */
	uint32_t	 done_uid;	/* RESYNC_FULL: synced up to */
	uint32_t	 fill_next;	/* fill: the newest message not seen */
	uint32_t	 exists;	/* at SELECT */
	struct envsrc_stats stats;
};

/* Stop using the cache after a failure; keep its sentence to hand out. */
static void
envsrc_drop_cache(struct envsrc *src, char *err)
{
	if (src->warning == NULL)
		src->warning = err;
	else
		free(err);
	hcache_close(src->hc);
	src->hc = NULL;
	src->resync = RESYNC_NONE;
	src->fill_next = 0;
}

/* A source for one account; dir is the cache's directory, NULL: none. */
struct envsrc *
envsrc_new(const char *account, const char *dir)
{
	struct envsrc *src = xcalloc(1, sizeof(*src));
	char *err = NULL;

	src->account = xstrdup(account);
	if (dir != NULL && hcache_open(dir, &src->hc, &err) != ST_OK) {
		src->hc = NULL;
		src->warning = err;
	}
	return src;
}

/* Free a source; accepts NULL. */
void
envsrc_free(struct envsrc *src)
{
	if (src == NULL)
		return;
	hcache_close(src->hc);
	free(src->account);
	free(src->warning);
	free(src->folder);
	free(src);
}

/* The cache's sentence after a failure, once (to free); else NULL. */
char *
envsrc_warning(struct envsrc *src)
{
	char *w = src->warning;

	src->warning = NULL;
	return w;
}

/* Remember the folder's state as the cache now matches it. */
static void
envsrc_remember(struct envsrc *src)
{
	char *err = NULL;

	if (src->hc != NULL && hcache_set_meta(src->hc, src->account,
	    src->folder, &src->meta, &err) != ST_OK)
		envsrc_drop_cache(src, err);
}

/*
 * A folder was opened (SELECT): drop what the cache holds under another
 * UIDVALIDITY and plan the resync. A folder the cache knows nothing of
 * needs none: every record written from now on is fresh.
 */
void
envsrc_begin(struct envsrc *src, const char *raw,
    const struct folder_state *fs)
{
	struct hcache_meta old;
	char *err = NULL;

	envsrc_end(src);
	src->folder = xstrdup(raw);
	src->uidvalidity = fs->uidvalidity;
	if (src->hc == NULL || fs->uidvalidity == 0)
		return;
	src->fill_next = fs->exists;
	src->exists = fs->exists;
	if (hcache_folder_begin(src->hc, src->account, raw, fs->uidvalidity,
	    &old, &err) != ST_OK) {
		envsrc_drop_cache(src, err);
		return;
	}
	src->meta.uidvalidity = fs->uidvalidity;
	src->meta.uidnext = fs->uidnext;
	src->meta.highestmodseq = fs->highestmodseq;
	src->had_records = hcache_has(src->hc, src->account, raw,
	    fs->uidvalidity);
	if (!src->had_records)
		src->resync = RESYNC_REMEMBER;
	else if (fs->highestmodseq != 0 && old.highestmodseq != 0) {
		src->resync = RESYNC_COUNT;
		if (old.highestmodseq != fs->highestmodseq) {
			src->resync = RESYNC_CHANGED;
			src->since = old.highestmodseq;
		}
	} else {
		src->resync = RESYNC_FULL;
		src->next_seq = 1;
		src->done_uid = 0;
	}
}

/* The folder is closed (another opened, or the connection lost). */
void
envsrc_end(struct envsrc *src)
{
	free(src->folder);
	src->folder = NULL;
	src->resync = RESYNC_NONE;
	src->had_records = 0;
	src->fill_next = 0;
	memset(&src->meta, 0, sizeof(src->meta));
}

/* Can the cache serve the open folder? */
static int
envsrc_usable(const struct envsrc *src)
{
	return src->hc != NULL && src->folder != NULL && src->uidvalidity != 0;
}

/* Put fetched envelopes in the cache (with the folder's state, when it
 * is still to be written). */
static void
envsrc_store(struct envsrc *src, const struct envelope *e, size_t n)
{
	int meta = src->resync == RESYNC_REMEMBER;
	char *err = NULL;

	if (n == 0 || !envsrc_usable(src))
		return;
	if (hcache_put_meta(src->hc, src->account, src->folder,
	    src->uidvalidity, e, n, meta ? &src->meta : NULL, &err) != ST_OK)
		envsrc_drop_cache(src, err);
	else if (meta)
		src->resync = RESYNC_NONE;
}

/* Move what was fetched into the window's entries of the same UIDs (both
 * sorted by sequence, which is UID order); returns how many. */
static size_t
envsrc_merge(struct envelope *e, size_t n, struct envelope *got,
    size_t ngot)
{
	size_t i = 0, j, merged = 0;

	for (j = 0; j < ngot; j++) {
		while (i < n && e[i].uid < got[j].uid)
			i++;
		if (i == n)
			break;
		if (e[i].uid != got[j].uid || e[i].from != NULL)
			continue;
		got[j].seq = e[i].seq;
		e[i] = got[j];
		memset(&got[j], 0, sizeof(got[j]));
		merged++;
	}
	return merged;
}

/* Keep the entries that have their envelope (a message expunged
 * meanwhile has none); returns the new count. */
static size_t
envsrc_compact(struct envelope *e, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (e[i].from != NULL)
			e[k++] = e[i];
	return k;
}

/* Fetch the envelopes the cache did not have, and keep them. */
static enum status
envsrc_fill(struct envsrc *src, struct session *s, struct envelope *e,
    size_t n, char **errstr)
{
	struct envelope *got = NULL;
	uint32_t *uids;
	size_t i, k = 0, ngot = 0;
	enum status st;

	uids = xcalloc(n ? n : 1, sizeof(*uids));
	for (i = 0; i < n; i++)
		if (e[i].from == NULL && e[i].uid != 0)
			uids[k++] = e[i].uid;
	st = k > 0 ? mailbox_envelopes_uid(s, uids, k, &got, &ngot, errstr) :
	    ST_OK;
	free(uids);
	if (st != ST_OK)
		return st;
	envsrc_store(src, got, ngot);
	src->stats.fetched += envsrc_merge(e, n, got, ngot);
	mailbox_envelopes_free(got, ngot);
	return ST_OK;
}

/* Envelopes of messages first..last (sequence numbers) of the open
 * folder, as mailbox_envelopes() gives them. */
enum status
envsrc_window(struct envsrc *src, struct session *s, uint32_t first,
    uint32_t last, struct envelope **out, size_t *n, char **errstr)
{
	struct envelope *e;
	enum status st;
	size_t ne;

	if (!envsrc_usable(src) || !src->had_records) {
		st = mailbox_envelopes(s, first, last, out, n, errstr);
		if (st == ST_OK) {
			envsrc_store(src, *out, *n);
			src->stats.fetched += *n;
		}
		return st;
	}
	if ((st = mailbox_uid_flags(s, first, last, &e, &ne, errstr)) !=
	    ST_OK)
		return st;
	src->stats.cached += hcache_lookup(src->hc, src->account,
	    src->folder, src->uidvalidity, e, ne);
	if ((st = envsrc_fill(src, s, e, ne, errstr)) != ST_OK) {
		mailbox_envelopes_free(e, ne);
		return st;
	}
	*n = envsrc_compact(e, ne);
	*out = e;
	return ST_OK;
}

/* Is a resync of the cache still to do? */
int
envsrc_resync_pending(const struct envsrc *src)
{
	return envsrc_usable(src) && src->resync != RESYNC_NONE;
}

/* Give the flags to the cache: records in lo..hi (0: to the end). */
static void
envsrc_sync(struct envsrc *src, uint32_t lo, uint32_t hi,
    const struct envelope *e, size_t n, int prune)
{
	char *err = NULL;

	src->stats.resynced += n;
	if (hcache_sync(src->hc, src->account, src->folder, src->uidvalidity,
	    lo, hi, e, n, prune, &err) != ST_OK)
		envsrc_drop_cache(src, err);
}

/* One chunk of a full resync: the flags of the next messages by number;
 * records between the last chunk's UIDs and this one's that the server
 * did not list were expunged. */
static enum status
envsrc_resync_chunk(struct envsrc *src, struct session *s, char **errstr)
{
	uint32_t last = src->next_seq + ENVSRC_RESYNC_CHUNK - 1, hi;
	struct envelope *e;
	enum status st;
	size_t n;
	int final;

	if ((st = mailbox_uid_flags(s, src->next_seq, last, &e, &n,
	    errstr)) != ST_OK)
		return st;
	final = n == 0 || e[n - 1].seq < last;
	hi = final ? 0 : e[n - 1].uid;
	envsrc_sync(src, src->done_uid + 1, hi, e, n, 1);
	mailbox_envelopes_free(e, n);
	if (final) {
		src->resync = RESYNC_NONE;
		envsrc_remember(src);
	} else {
		src->done_uid = hi;
		src->next_seq = last + 1;
	}
	return ST_OK;
}

/* The flags changed since the HIGHESTMODSEQ the cache last saw. */
static enum status
envsrc_resync_changed(struct envsrc *src, struct session *s, char **errstr)
{
	struct envelope *e;
	enum status st;
	size_t n;

	if ((st = mailbox_flags_since(s, 1, 0, src->since, &e, &n,
	    errstr)) != ST_OK)
		return st;
	envsrc_sync(src, 1, 0, e, n, 0);
	mailbox_envelopes_free(e, n);
	src->resync = RESYNC_COUNT;
	envsrc_remember(src);
	return ST_OK;
}

/* CHANGEDSINCE does not tell expunges: when the cache holds more
 * records of the folder than it has messages, a full walk drops the
 * records of those that are gone. */
static void
envsrc_resync_count(struct envsrc *src)
{
	src->resync = RESYNC_NONE;
	if (hcache_count(src->hc, src->account, src->folder,
	    src->uidvalidity) > src->exists) {
		src->resync = RESYNC_FULL;
		src->next_seq = 1;
		src->done_uid = 0;
	}
}

/* Do one step of the resync. On failure the caller decides whether the
 * session is lost; the resync stays pending (or is abandoned). */
enum status
envsrc_resync_step(struct envsrc *src, struct session *s, char **errstr)
{
	if (!envsrc_resync_pending(src))
		return ST_OK;
	if (src->resync == RESYNC_CHANGED)
		return envsrc_resync_changed(src, s, errstr);
	if (src->resync == RESYNC_COUNT) {
		envsrc_resync_count(src);
		return ST_OK;
	}
	if (src->resync == RESYNC_REMEMBER) {
		src->resync = RESYNC_NONE;
		envsrc_remember(src);
		return ST_OK;
	}
	return envsrc_resync_chunk(src, s, errstr);
}

/* Give up this folder's resync (the server refused it): the cache keeps
 * its old HIGHESTMODSEQ, so the next opening tries again. */
void
envsrc_resync_abandon(struct envsrc *src)
{
	src->resync = RESYNC_NONE;
}

/* Are envelopes of the open folder still missing from the cache (as
 * far as the background fill knows)? */
int
envsrc_fill_pending(const struct envsrc *src)
{
	return envsrc_usable(src) && src->fill_next > 0;
}

/*
 * One step of the background fill: the next ENVSRC_FILL_CHUNK messages,
 * newest first, go into the cache (those it holds cost only their UIDs
 * and flags), so the whole folder is there for scrolling and the next
 * opening. Messages expunged meanwhile shift the numbers; at worst a few
 * are looked at twice or left for the index to fetch when shown.
 */
enum status
envsrc_fill_step(struct envsrc *src, struct session *s, char **errstr)
{
	struct envelope *e = NULL;
	uint32_t first;
	enum status st;
	size_t n = 0;

	if (!envsrc_fill_pending(src))
		return ST_OK;
	first = src->fill_next > ENVSRC_FILL_CHUNK ?
	    src->fill_next - ENVSRC_FILL_CHUNK + 1 : 1;
	src->had_records = 1;	/* the index's windows are in the cache */
	st = envsrc_window(src, s, first, src->fill_next, &e, &n, errstr);
	mailbox_envelopes_free(e, n);
	if (st != ST_OK)
		return st;
	src->fill_next = first - 1;
	return ST_OK;
}

/* Does the cache hold records of the open folder (worth searching)? */
int
envsrc_knows_folder(const struct envsrc *src)
{
	return envsrc_usable(src) && src->had_records;
}

/* The index's search (sender or subject holds query) answered from the
 * cache: uids are every UID of the open folder, ascending. 1 and the
 * message numbers found (to free); 0 when the cache cannot tell. */
int
envsrc_find(struct envsrc *src, const uint32_t *uids, size_t n,
    const char *query, uint32_t **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	return envsrc_usable(src) && hcache_match(src->hc, src->account,
	    src->folder, src->uidvalidity, uids, n, query, out, nout);
}

/* Flags the server reported for the open folder (by UID) go to the
 * cache too; changes without a UID wait for the next resync. */
void
envsrc_changed(struct envsrc *src, const struct act_change *ch, size_t n)
{
	char *err = NULL;
	size_t i;

	for (i = 0; i < n && envsrc_usable(src); i++)
		if (ch[i].type == ACT_FLAGS && ch[i].uid != 0 &&
		    hcache_set_flags(src->hc, src->account, src->folder,
		    src->uidvalidity, ch[i].uid, ch[i].flags, &err) != ST_OK)
			envsrc_drop_cache(src, err);
}

/* Messages of the open folder that are gone (expunged, moved away). */
void
envsrc_forget(struct envsrc *src, const uint32_t *uids, size_t n)
{
	char *err = NULL;
	size_t i;

	for (i = 0; i < n && envsrc_usable(src); i++)
		if (hcache_forget(src->hc, src->account, src->folder,
		    src->uidvalidity, uids[i], &err) != ST_OK)
			envsrc_drop_cache(src, err);
}

/* How the envelopes came so far. */
void
envsrc_stats(const struct envsrc *src, struct envsrc_stats *out)
{
	*out = src->stats;
}
