/* hcache.c: the LMDB header cache. */
#include "build-config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hcache.h"
#include "i18n.h"
#include "xdg.h"
#include "xmalloc.h"

/* Address space, not disk: 4 GiB, 1 GiB where size_t has 32 bits. */
#define HCACHE_MAPSIZE	(sizeof(size_t) > 4 ? (size_t)1 << 31 << 1 : \
			    (size_t)1 << 30)
#define HCACHE_KEYMAX	480			/* LMDB's default is 511 */
#define HCACHE_VERSION	2	/* 2: Date:, transit mark */

/* LMDB must not open one environment twice in a process, so every worker
 * shares one handle, counted. */
struct hcache {
	MDB_env		*env;
	MDB_dbi		 dbi;
	char		*path;
	unsigned	 refs;
};

static pthread_mutex_t	 hcache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hcache	*hcache_shared;

/* Where the cache lives. */
char *
hcache_default_path(void)
{
	return xdg_path("XDG_CACHE_HOME", ".cache", "hcache");
}

/* The cache's sentence, saying why it cannot be used. */
static enum status
hcache_fail_why(const char *path, const char *why, char **errstr)
{
	/* TRANSLATORS: the header cache is an optimisation; mail still works. */
	*errstr = xasprintf(_("the header cache %s cannot be used (%s); "
	    "starling fetches headers from the server instead. Remove the "
	    "directory to start a new cache"), path, why);
	return ST_LOCAL;
}

/* A sentence for an LMDB or system failure on the cache. */
static enum status
hcache_fail(const char *path, int rc, char **errstr)
{
	return hcache_fail_why(path, mdb_strerror(rc), errstr);
}

/* Remove a damaged cache's files so it can start afresh. */
static void
hcache_wipe(const char *path)
{
	char *f;

	f = xasprintf("%s/data.mdb", path);
	unlink(f);
	free(f);
	f = xasprintf("%s/lock.mdb", path);
	unlink(f);
	free(f);
}

/* Open the environment at path; -1 or an LMDB code on failure. */
static int
hcache_env_open(const char *path, MDB_env **envp, MDB_dbi *dbi)
{
	MDB_txn *txn;
	int rc;

	if ((rc = mdb_env_create(envp)) != 0)
		return rc;
	mdb_env_set_mapsize(*envp, HCACHE_MAPSIZE);
	/* Data pages are synced at each commit, the meta page not: a
	 * system crash may lose the last commit, never corrupt the file
	 * (MDB_NOSYNC could, on a file system that reorders writes, and
	 * LMDB does not check every page it reads). The index keeps
	 * commits off the first screen's path instead. */
	rc = mdb_env_open(*envp, path, MDB_NOTLS | MDB_NOMETASYNC, 0600);
	if (rc == 0 && (rc = mdb_txn_begin(*envp, NULL, 0, &txn)) == 0) {
		if ((rc = mdb_dbi_open(txn, NULL, 0, dbi)) == 0)
			rc = mdb_txn_commit(txn);
		else
			mdb_txn_abort(txn);
	}
	if (rc != 0) {
		mdb_env_close(*envp);
		*envp = NULL;
	}
	return rc;
}

/* Open (or share) the cache in directory path, created 0700. */
enum status
hcache_open(const char *path, struct hcache **out, char **errstr)
{
	MDB_env *env = NULL;
	MDB_dbi dbi = 0;
	char *file, *why = NULL;
	int rc;

	pthread_mutex_lock(&hcache_lock);
	if (hcache_shared != NULL) {
		if (strcmp(hcache_shared->path, path) != 0)
			fatalx("hcache_open: a second cache in one process");
		hcache_shared->refs++;
		*out = hcache_shared;
		pthread_mutex_unlock(&hcache_lock);
		return ST_OK;
	}
	file = xasprintf("%s/data.mdb", path);
	if (xdg_mkparent(file, &why) == -1) {
		free(file);
		pthread_mutex_unlock(&hcache_lock);
		hcache_fail_why(path, why, errstr);
		free(why);
		return ST_LOCAL;
	}
	free(file);
	rc = hcache_env_open(path, &env, &dbi);
	if (rc == MDB_INVALID || rc == MDB_CORRUPTED ||
	    rc == MDB_VERSION_MISMATCH) {
		hcache_wipe(path);
		rc = hcache_env_open(path, &env, &dbi);
	}
	if (rc != 0) {
		pthread_mutex_unlock(&hcache_lock);
		return hcache_fail(path, rc, errstr);
	}
	hcache_shared = xcalloc(1, sizeof(*hcache_shared));
	hcache_shared->env = env;
	hcache_shared->dbi = dbi;
	hcache_shared->path = xstrdup(path);
	hcache_shared->refs = 1;
	*out = hcache_shared;
	pthread_mutex_unlock(&hcache_lock);
	return ST_OK;
}

/* Drop one reference; the last one closes the environment. */
void
hcache_close(struct hcache *hc)
{
	if (hc == NULL)
		return;
	pthread_mutex_lock(&hcache_lock);
	if (--hc->refs == 0) {
		mdb_env_sync(hc->env, 1);
		mdb_env_close(hc->env);
		free(hc->path);
		free(hc);
		hcache_shared = NULL;
	}
	pthread_mutex_unlock(&hcache_lock);
}

/* A key buffer: the folder's prefix, then a kind byte and numbers. */
struct hcache_key {
	unsigned char	 buf[HCACHE_KEYMAX + 16];
	size_t		 prefix;	/* bytes naming account and folder */
	size_t		 len;
};

/* "account\0folder\0", or "#" and a SHA-256 of both when too long. */
static void
hcache_key_prefix(struct hcache_key *k, const char *acct, const char *folder)
{
	size_t a = strlen(acct), f = strlen(folder);
	unsigned char digest[32];
	char *both;

	if (a + f + 2 <= HCACHE_KEYMAX - 32) {
		memcpy(k->buf, acct, a + 1);
		memcpy(k->buf + a + 1, folder, f + 1);
		k->prefix = a + f + 2;
	} else {
		both = xasprintf("%s%c%s", acct, '\0', folder);
		gnutls_hash_fast(GNUTLS_DIG_SHA256, both, a + f + 1, digest);
		free(both);
		k->buf[0] = '#';
		memcpy(k->buf + 1, digest, sizeof(digest));
		k->buf[1 + sizeof(digest)] = '\0';
		k->prefix = 2 + sizeof(digest);
	}
	k->len = k->prefix;
}

/* Append a big-endian number of n bytes (keys sort by UID). */
static void
hcache_put_be(unsigned char *p, uint64_t v, size_t n)
{
	while (n-- > 0) {
		p[n] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* Read a big-endian number of n bytes. */
static uint64_t
hcache_get_be(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = (v << 8) | *p++;
	return v;
}

/* The key of the folder's meta record. */
static void
hcache_key_meta(struct hcache_key *k, const char *acct, const char *folder)
{
	hcache_key_prefix(k, acct, folder);
	k->buf[k->len++] = 'M';
}

/* The key of one message. */
static void
hcache_key_msg(struct hcache_key *k, const char *acct, const char *folder,
    uint32_t uidvalidity, uint32_t uid)
{
	hcache_key_prefix(k, acct, folder);
	k->buf[k->len++] = 'U';
	hcache_put_be(k->buf + k->len, uidvalidity, 4);
	hcache_put_be(k->buf + k->len + 4, uid, 4);
	k->len += 8;
}

/* Delete every message record of the folder (any UIDVALIDITY). */
static int
hcache_drop_folder(struct hcache *hc, MDB_txn *txn, const char *acct,
    const char *folder)
{
	struct hcache_key k;
	MDB_cursor *cur;
	MDB_val key, val;
	int rc;

	hcache_key_prefix(&k, acct, folder);
	k.buf[k.len++] = 'U';
	if ((rc = mdb_cursor_open(txn, hc->dbi, &cur)) != 0)
		return rc;
	key.mv_data = k.buf;
	key.mv_size = k.len;
	rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
	while (rc == 0 && key.mv_size >= k.len &&
	    memcmp(key.mv_data, k.buf, k.len) == 0) {
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
		rc = mdb_cursor_get(cur, &key, &val, MDB_GET_CURRENT);
		if (rc == MDB_NOTFOUND || rc == EINVAL) {
			/* key pointed into the deleted record: seek anew */
			key.mv_data = k.buf;
			key.mv_size = k.len;
			rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
		}
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Write the meta record in txn. */
static int
hcache_meta_write(struct hcache *hc, MDB_txn *txn, const char *acct,
    const char *folder, const struct hcache_meta *m)
{
	unsigned char buf[1 + 4 + 4 + 8];
	struct hcache_key k;
	MDB_val key, val;

	hcache_key_meta(&k, acct, folder);
	buf[0] = HCACHE_VERSION;
	hcache_put_be(buf + 1, m->uidvalidity, 4);
	hcache_put_be(buf + 5, m->uidnext, 4);
	hcache_put_be(buf + 9, m->highestmodseq, 8);
	key.mv_data = k.buf;
	key.mv_size = k.len;
	val.mv_data = buf;
	val.mv_size = sizeof(buf);
	return mdb_put(txn, hc->dbi, &key, &val, 0);
}

/* Read the meta record in txn; 0 when there is none. */
static int
hcache_meta_read(struct hcache *hc, MDB_txn *txn, const char *acct,
    const char *folder, struct hcache_meta *m)
{
	struct hcache_key k;
	MDB_val key, val;
	const unsigned char *p;

	hcache_key_meta(&k, acct, folder);
	key.mv_data = k.buf;
	key.mv_size = k.len;
	if (mdb_get(txn, hc->dbi, &key, &val) != 0 || val.mv_size != 17)
		return 0;
	p = val.mv_data;
	if (p[0] != HCACHE_VERSION)
		return 0;
	m->uidvalidity = (uint32_t)hcache_get_be(p + 1, 4);
	m->uidnext = (uint32_t)hcache_get_be(p + 5, 4);
	m->highestmodseq = hcache_get_be(p + 9, 8);
	return 1;
}

/* Commit txn, or abort it and say why. */
static enum status
hcache_finish(struct hcache *hc, MDB_txn *txn, int rc, char **errstr)
{
	if (rc == 0)
		rc = mdb_txn_commit(txn);
	else
		mdb_txn_abort(txn);
	return rc == 0 ? ST_OK : hcache_fail(hc->path, rc, errstr);
}

/*
 * Start using a folder whose UIDVALIDITY is uidvalidity: *meta gets what
 * the cache knows (zero uidnext and modseq when it knows nothing). A
 * different UIDVALIDITY drops the folder's records first.
 */
enum status
hcache_folder_begin(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, struct hcache_meta *meta, char **errstr)
{
	struct hcache_meta m;
	MDB_txn *txn;
	int rc;

	if ((rc = mdb_txn_begin(hc->env, NULL, 0, &txn)) != 0)
		return hcache_fail(hc->path, rc, errstr);
	if (hcache_meta_read(hc, txn, acct, folder, &m) &&
	    m.uidvalidity == uidvalidity) {
		mdb_txn_abort(txn);
		*meta = m;
		return ST_OK;
	}
	memset(&m, 0, sizeof(m));
	m.uidvalidity = uidvalidity;
	rc = hcache_drop_folder(hc, txn, acct, folder);
	if (rc == 0)
		rc = hcache_meta_write(hc, txn, acct, folder, &m);
	*meta = m;
	return hcache_finish(hc, txn, rc, errstr);
}

/* Remember the folder's UIDNEXT and HIGHESTMODSEQ after a resync. */
enum status
hcache_set_meta(struct hcache *hc, const char *acct, const char *folder,
    const struct hcache_meta *meta, char **errstr)
{
	MDB_txn *txn;
	int rc;

	if ((rc = mdb_txn_begin(hc->env, NULL, 0, &txn)) != 0)
		return hcache_fail(hc->path, rc, errstr);
	rc = hcache_meta_write(hc, txn, acct, folder, meta);
	return hcache_finish(hc, txn, rc, errstr);
}

/* Length of a string as stored: at most 65535 bytes, whole UTF-8. */
static size_t
hcache_strlen(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n <= 0xffff)
		return n;
	n = 0xffff;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* A message record: version, Date: and INTERNALDATE, size, flags,
 * transit mark, then from and subject, each with a 2-byte length. */
#define HREC_DATE	1
#define HREC_SENT	9
#define HREC_SIZE	17
#define HREC_FLAGS	21
#define HREC_TRANSIT	25
#define HREC_STRINGS	26

/* Serialise an envelope. */
static unsigned char *
hcache_encode(const struct envelope *e, size_t *len)
{
	size_t fl = hcache_strlen(e->from), sl = hcache_strlen(e->subject);
	unsigned char *b, *p;

	*len = HREC_STRINGS + 2 + fl + 2 + sl;
	b = xmalloc(*len);
	b[0] = HCACHE_VERSION;
	hcache_put_be(b + HREC_DATE, (uint64_t)(int64_t)e->date, 8);
	hcache_put_be(b + HREC_SENT, (uint64_t)(int64_t)e->sent, 8);
	hcache_put_be(b + HREC_SIZE, e->size, 4);
	hcache_put_be(b + HREC_FLAGS, e->flags, 4);
	b[HREC_TRANSIT] = (unsigned char)e->transit;
	p = b + HREC_STRINGS;
	hcache_put_be(p, fl, 2);
	if (fl > 0)
		memcpy(p + 2, e->from, fl);
	p += 2 + fl;
	hcache_put_be(p, sl, 2);
	if (sl > 0)
		memcpy(p + 2, e->subject, sl);
	return b;
}

/* Is this a record of ours, whole? Its string lengths then. */
static int
hcache_valid(const unsigned char *p, size_t len, size_t *fl, size_t *sl)
{
	if (len < HREC_STRINGS + 4 || p[0] != HCACHE_VERSION ||
	    p[HREC_TRANSIT] > TM_LOCAL)
		return 0;
	*fl = (size_t)hcache_get_be(p + HREC_STRINGS, 2);
	if (len < HREC_STRINGS + 4 + *fl)
		return 0;
	*sl = (size_t)hcache_get_be(p + HREC_STRINGS + 2 + *fl, 2);
	return len == HREC_STRINGS + 4 + *fl + *sl;
}

/* Deserialise into e (seq and uid are the caller's); with flags, the
 * flags too (else e keeps its own, fresh from the server). 0: damaged. */
static int
hcache_decode(const unsigned char *p, size_t len, struct envelope *e,
    int flags)
{
	size_t fl, sl;

	if (!hcache_valid(p, len, &fl, &sl))
		return 0;
	e->date = (time_t)(int64_t)hcache_get_be(p + HREC_DATE, 8);
	e->sent = (time_t)(int64_t)hcache_get_be(p + HREC_SENT, 8);
	e->size = (uint32_t)hcache_get_be(p + HREC_SIZE, 4);
	if (flags)
		e->flags = (unsigned)hcache_get_be(p + HREC_FLAGS, 4);
	e->transit = (enum transit_mark)p[HREC_TRANSIT];
	e->from = xstrndup((const char *)p + HREC_STRINGS + 2, fl);
	e->subject = xstrndup((const char *)p + HREC_STRINGS + 4 + fl, sl);
	return 1;
}

/* Store n envelopes (by their UIDs) in one transaction. */
enum status
hcache_put(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, const struct envelope *envs, size_t n,
    char **errstr)
{
	return hcache_put_meta(hc, acct, folder, uidvalidity, envs, n, NULL,
	    errstr);
}

/* The same, and with meta the folder's meta record, in one transaction
 * (one commit, one sync). */
enum status
hcache_put_meta(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, const struct envelope *envs, size_t n,
    const struct hcache_meta *meta, char **errstr)
{
	struct hcache_key k;
	MDB_val key, val;
	MDB_txn *txn;
	size_t i;
	int rc;

	if ((rc = mdb_txn_begin(hc->env, NULL, 0, &txn)) != 0)
		return hcache_fail(hc->path, rc, errstr);
	if (meta != NULL)
		rc = hcache_meta_write(hc, txn, acct, folder, meta);
	for (i = 0; i < n && rc == 0; i++) {
		if (envs[i].uid == 0)
			continue;
		hcache_key_msg(&k, acct, folder, uidvalidity, envs[i].uid);
		key.mv_data = k.buf;
		key.mv_size = k.len;
		val.mv_data = hcache_encode(&envs[i], &val.mv_size);
		rc = mdb_put(txn, hc->dbi, &key, &val, 0);
		free(val.mv_data);
	}
	return hcache_finish(hc, txn, rc, errstr);
}

/* Fill e (date, size, flags, from, subject) from the cache; 1 if found. */
int
hcache_get(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, uint32_t uid, struct envelope *e)
{
	struct hcache_key k;
	MDB_val key, val;
	MDB_txn *txn;
	int found = 0;

	if (mdb_txn_begin(hc->env, NULL, MDB_RDONLY, &txn) != 0)
		return 0;
	hcache_key_msg(&k, acct, folder, uidvalidity, uid);
	key.mv_data = k.buf;
	key.mv_size = k.len;
	if (mdb_get(txn, hc->dbi, &key, &val) == 0)
		found = hcache_decode(val.mv_data, val.mv_size, e, 1);
	mdb_txn_abort(txn);
	if (found)
		e->uid = uid;
	return found;
}

/*
 * Fill what the cache knows of n envelopes that carry seq, uid and
 * flags from the server (their flags are kept): one read transaction.
 * Those not found keep from == NULL; returns how many were found.
 */
size_t
hcache_lookup(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, struct envelope *envs, size_t n)
{
	struct hcache_key k;
	MDB_val key, val;
	MDB_txn *txn;
	size_t i, found = 0;

	if (mdb_txn_begin(hc->env, NULL, MDB_RDONLY, &txn) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (envs[i].uid == 0 || envs[i].from != NULL)
			continue;
		hcache_key_msg(&k, acct, folder, uidvalidity, envs[i].uid);
		key.mv_data = k.buf;
		key.mv_size = k.len;
		if (mdb_get(txn, hc->dbi, &key, &val) == 0 &&
		    hcache_decode(val.mv_data, val.mv_size, &envs[i], 0))
			found++;
	}
	mdb_txn_abort(txn);
	return found;
}

/* Set the flags of the record at the cursor (key and val as read). */
static int
hcache_cursor_flags(MDB_cursor *cur, MDB_val *key, const MDB_val *val,
    unsigned flags)
{
	unsigned char *copy, kbuf[HCACHE_KEYMAX + 16];
	MDB_val nval, kcopy;
	size_t fl, sl;
	int rc;

	if (!hcache_valid(val->mv_data, val->mv_size, &fl, &sl))
		return mdb_cursor_del(cur, 0);
	/* The key points into the page the put rewrites (a record with
	 * overflow pages is deleted and added again): LMDB gets a copy. */
	if (key->mv_size > sizeof(kbuf))
		return mdb_cursor_del(cur, 0);
	memcpy(kbuf, key->mv_data, key->mv_size);
	kcopy.mv_data = kbuf;
	kcopy.mv_size = key->mv_size;
	if (hcache_get_be((const unsigned char *)val->mv_data + HREC_FLAGS,
	    4) == flags)
		return 0;
	copy = xmalloc(val->mv_size);
	memcpy(copy, val->mv_data, val->mv_size);
	hcache_put_be(copy + HREC_FLAGS, flags, 4);
	nval.mv_data = copy;
	nval.mv_size = val->mv_size;
	rc = mdb_cursor_put(cur, &kcopy, &nval, MDB_CURRENT);
	free(copy);
	return rc;
}

/* The UID of a message key under prefix k (kind 'U', uidvalidity), or
 * 0 when the key is not one of the folder's. */
static uint32_t
hcache_key_uid(const struct hcache_key *k, const MDB_val *key)
{
	if (key->mv_size != k->len + 4 ||
	    memcmp(key->mv_data, k->buf, k->len) != 0)
		return 0;
	return (uint32_t)hcache_get_be((const unsigned char *)key->mv_data +
	    k->len, 4);
}

/* One step of hcache_sync: the records from uid lo on, in txn. */
static int
hcache_sync_walk(struct hcache *hc, MDB_txn *txn, struct hcache_key *k,
    uint32_t lo, uint32_t hi, const struct envelope *list, size_t n,
    int prune)
{
	MDB_cursor *cur;
	MDB_val key, val;
	uint32_t uid;
	size_t i = 0;
	int rc;

	if ((rc = mdb_cursor_open(txn, hc->dbi, &cur)) != 0)
		return rc;
	hcache_put_be(k->buf + k->len, lo, 4);
	key.mv_data = k->buf;
	key.mv_size = k->len + 4;
	rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
	while (rc == 0 && (uid = hcache_key_uid(k, &key)) != 0 &&
	    (hi == 0 || uid <= hi)) {
		while (i < n && list[i].uid < uid)
			i++;
		if (i < n && list[i].uid == uid)
			rc = hcache_cursor_flags(cur, &key, &val,
			    list[i].flags);
		else if (prune)
			rc = mdb_cursor_del(cur, 0);
		if (rc == 0)
			rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* By UID, for hcache_sync. */
static int
hcache_uid_cmp(const void *a, const void *b)
{
	const struct envelope *x = a, *y = b;

	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/*
 * What the server says of the folder's messages uid lo..hi (hi 0: to the
 * end): list holds uid and flags of n of them. Cached records get those
 * flags; with prune, records in lo..hi not in the list are dropped (the
 * list is all there is: the others were expunged). One transaction.
 */
enum status
hcache_sync(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, uint32_t lo, uint32_t hi,
    const struct envelope *list, size_t n, int prune, char **errstr)
{
	struct envelope *sorted;
	struct hcache_key k;
	MDB_txn *txn;
	int rc;

	sorted = xcalloc(n ? n : 1, sizeof(*sorted));
	if (n > 0)
		memcpy(sorted, list, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), hcache_uid_cmp);
	hcache_key_msg(&k, acct, folder, uidvalidity, 0);
	k.len -= 4;		/* the prefix up to the UID */
	if ((rc = mdb_txn_begin(hc->env, NULL, 0, &txn)) != 0) {
		free(sorted);
		return hcache_fail(hc->path, rc, errstr);
	}
	rc = hcache_sync_walk(hc, txn, &k, lo, hi, sorted, n, prune);
	free(sorted);
	return hcache_finish(hc, txn, rc, errstr);
}

/* Change the flags of one cached message (no record: nothing to do). */
enum status
hcache_set_flags(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, uint32_t uid, unsigned flags, char **errstr)
{
	struct envelope e;

	memset(&e, 0, sizeof(e));
	e.uid = uid;
	e.flags = flags;
	return hcache_sync(hc, acct, folder, uidvalidity, uid, uid, &e, 1, 0,
	    errstr);
}

/* How many records of messages the cache holds for the folder under
 * uidvalidity, counting to max at most (0 when it cannot tell). */
static size_t
hcache_count_upto(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, size_t max)
{
	struct hcache_key k;
	MDB_cursor *cur;
	MDB_val key, val;
	MDB_txn *txn;
	size_t n = 0;
	int rc;

	hcache_key_msg(&k, acct, folder, uidvalidity, 0);
	if (mdb_txn_begin(hc->env, NULL, MDB_RDONLY, &txn) != 0)
		return 0;
	if (mdb_cursor_open(txn, hc->dbi, &cur) == 0) {
		key.mv_data = k.buf;
		key.mv_size = k.len;
		k.len -= 4;
		for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
		    rc == 0 && n < max && hcache_key_uid(&k, &key) != 0;
		    rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
			n++;
		mdb_cursor_close(cur);
	}
	mdb_txn_abort(txn);
	return n;
}

/* How many records of messages the cache holds for the folder. */
size_t
hcache_count(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity)
{
	return hcache_count_upto(hc, acct, folder, uidvalidity, SIZE_MAX);
}

/* Does the cache hold any message of the folder under uidvalidity? */
int
hcache_has(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity)
{
	return hcache_count_upto(hc, acct, folder, uidvalidity, 1) != 0;
}

/* Does the n bytes at p hold pat, ASCII letters folded (as strcasestr)? */
static int
hcache_holds(const unsigned char *p, size_t n, const char *pat)
{
	size_t m = strlen(pat), i, j;

	if (m == 0)
		return 1;
	for (i = 0; i + m <= n; i++) {
		for (j = 0; j < m; j++)
			if (tolower(p[i + j]) != tolower((unsigned char)pat[j]))
				break;
		if (j == m)
			return 1;
	}
	return 0;
}

/* Does the record's sender or subject hold pat? */
static int
hcache_record_holds(const MDB_val *val, const char *pat)
{
	const unsigned char *p = val->mv_data;
	size_t fl, sl;

	if (!hcache_valid(p, val->mv_size, &fl, &sl))
		return 0;
	return hcache_holds(p + HREC_STRINGS + 2, fl, pat) ||
	    hcache_holds(p + HREC_STRINGS + 4 + fl, sl, pat);
}

/* The walk of hcache_match() in txn; -1 when a UID has no record. */
static int
hcache_match_walk(struct hcache *hc, MDB_txn *txn, struct hcache_key *k,
    const uint32_t *uids, size_t n, const char *pat, uint32_t *out,
    size_t *nout)
{
	MDB_cursor *cur;
	MDB_val key, val;
	uint32_t uid = 0;
	size_t i;
	int rc;

	if (mdb_cursor_open(txn, hc->dbi, &cur) != 0)
		return -1;
	hcache_put_be(k->buf + k->len, uids[0], 4);
	key.mv_data = k->buf;
	key.mv_size = k->len + 4;
	rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
	for (i = 0; i < n; i++) {
		while (rc == 0 && (uid = hcache_key_uid(k, &key)) != 0 &&
		    uid < uids[i])
			rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
		if (rc != 0 || uid != uids[i])
			break;
		if (hcache_record_holds(&val, pat))
			out[(*nout)++] = (uint32_t)i + 1;
	}
	mdb_cursor_close(cur);
	return i == n ? 0 : -1;
}

/*
 * Search the cache instead of the server: uids are every UID of the
 * folder, ascending (UID SEARCH ALL), so the message numbers are their
 * places. Returns 1 and the numbers of the messages whose sender or
 * subject holds pat (ASCII letters folded), ascending, in *out (to
 * free); 0 when the cache lacks a record of one of them (then *out is
 * NULL: ask the server).
 */
int
hcache_match(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, const uint32_t *uids, size_t n, const char *pat,
    uint32_t **out, size_t *nout)
{
	struct hcache_key k;
	MDB_txn *txn;
	int rc = -1;

	*out = xcalloc(n ? n : 1, sizeof(**out));
	*nout = 0;
	hcache_key_msg(&k, acct, folder, uidvalidity, 0);
	k.len -= 4;
	if (n > 0 && mdb_txn_begin(hc->env, NULL, MDB_RDONLY, &txn) == 0) {
		rc = hcache_match_walk(hc, txn, &k, uids, n, pat, *out, nout);
		mdb_txn_abort(txn);
	}
	if (rc == 0 || n == 0)
		return 1;
	free(*out);
	*out = NULL;
	*nout = 0;
	return 0;
}

/* Forget one message (it was expunged). */
enum status
hcache_forget(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, uint32_t uid, char **errstr)
{
	struct hcache_key k;
	MDB_val key;
	MDB_txn *txn;
	int rc;

	if ((rc = mdb_txn_begin(hc->env, NULL, 0, &txn)) != 0)
		return hcache_fail(hc->path, rc, errstr);
	hcache_key_msg(&k, acct, folder, uidvalidity, uid);
	key.mv_data = k.buf;
	key.mv_size = k.len;
	rc = mdb_del(txn, hc->dbi, &key, NULL);
	return hcache_finish(hc, txn, rc == MDB_NOTFOUND ? 0 : rc, errstr);
}
