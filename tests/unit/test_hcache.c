/* test_hcache.c: the LMDB header cache: records, UIDVALIDITY, flags,
 * persistence, long names, a damaged file, lookups that keep the
 * server's flags, and resync (changed flags; a full walk that drops the
 * records of expunged messages). */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hcache.h"

/* Open the cache in the test directory. */
static struct hcache *
open_cache(const char *dir)
{
	struct hcache *hc = NULL;
	char *err = NULL;

	assert_int_equal(hcache_open(dir, &hc, &err), ST_OK);
	assert_null(err);
	return hc;
}

/* An envelope with uid, a Japanese sender and a subject naming uid. */
static struct envelope
env(uint32_t uid, char *subject)
{
	struct envelope e;

	memset(&e, 0, sizeof(e));
	e.seq = uid;
	e.uid = uid;
	e.date = (time_t)1700000000 + uid;
	e.from = "山田 太郎";
	e.subject = subject;
	e.size = 1000 + uid;
	e.flags = MSG_SEEN;
	return e;
}

/* Free what hcache_get() allocated. */
static void
env_clear(struct envelope *e)
{
	free(e->from);
	free(e->subject);
	memset(e, 0, sizeof(*e));
}

static void
test_put_get(void **state)
{
	struct envelope v[3], got;
	struct hcache_meta m;
	struct hcache *hc = open_cache(*state);
	char *err = NULL;

	v[0] = env(1, "one");
	v[1] = env(2, "");
	v[2] = env(7, "件名");
	assert_int_equal(hcache_folder_begin(hc, "work", "INBOX", 42, &m,
	    &err), ST_OK);
	assert_int_equal(m.uidvalidity, 42);
	assert_int_equal(m.uidnext, 0);
	assert_int_equal(hcache_put(hc, "work", "INBOX", 42, v, 3, &err),
	    ST_OK);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hcache_get(hc, "work", "INBOX", 42, 7, &got), 1);
	assert_int_equal(got.uid, 7);
	assert_int_equal(got.date, 1700000007);
	assert_int_equal(got.size, 1007);
	assert_int_equal(got.flags, MSG_SEEN);
	assert_string_equal(got.from, "山田 太郎");
	assert_string_equal(got.subject, "件名");
	env_clear(&got);
	assert_int_equal(hcache_get(hc, "work", "INBOX", 42, 2, &got), 1);
	assert_string_equal(got.subject, "");
	env_clear(&got);
	/* Other UID, other folder, other account, other UIDVALIDITY. */
	assert_int_equal(hcache_get(hc, "work", "INBOX", 42, 3, &got), 0);
	assert_int_equal(hcache_get(hc, "work", "INBOX.x", 42, 7, &got), 0);
	assert_int_equal(hcache_get(hc, "home", "INBOX", 42, 7, &got), 0);
	assert_int_equal(hcache_get(hc, "work", "INBOX", 43, 7, &got), 0);
	assert_null(got.from);
	hcache_close(hc);
}

static void
test_uidvalidity_drops_folder(void **state)
{
	struct envelope v[2], got;
	struct hcache_meta m = { 42, 100, 555 };
	struct hcache *hc = open_cache(*state);
	char *err = NULL;

	v[0] = env(1, "a");
	v[1] = env(2, "b");
	assert_int_equal(hcache_folder_begin(hc, "w", "INBOX", 42, &m, &err),
	    ST_OK);
	assert_int_equal(hcache_put(hc, "w", "INBOX", 42, v, 2, &err), ST_OK);
	assert_int_equal(hcache_put(hc, "w", "Sent", 42, v, 2, &err), ST_OK);
	m.uidnext = 3;
	m.highestmodseq = 555;
	assert_int_equal(hcache_set_meta(hc, "w", "INBOX", &m, &err), ST_OK);
	memset(&m, 0, sizeof(m));
	assert_int_equal(hcache_folder_begin(hc, "w", "INBOX", 42, &m, &err),
	    ST_OK);
	assert_int_equal(m.uidnext, 3);
	assert_int_equal(m.highestmodseq, 555);
	/* The folder was recreated: everything of INBOX goes, Sent stays. */
	assert_int_equal(hcache_folder_begin(hc, "w", "INBOX", 43, &m, &err),
	    ST_OK);
	assert_int_equal(m.uidvalidity, 43);
	assert_int_equal(m.uidnext, 0);
	assert_int_equal(m.highestmodseq, 0);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hcache_get(hc, "w", "INBOX", 42, 1, &got), 0);
	assert_int_equal(hcache_get(hc, "w", "INBOX", 42, 2, &got), 0);
	assert_int_equal(hcache_get(hc, "w", "Sent", 42, 2, &got), 1);
	env_clear(&got);
	hcache_close(hc);
}

static void
test_flags_forget_and_restart(void **state)
{
	struct envelope v[1], got;
	struct hcache_meta m;
	struct hcache *hc = open_cache(*state), *again;
	char *err = NULL;

	v[0] = env(5, "five");
	assert_int_equal(hcache_folder_begin(hc, "w", "F", 9, &m, &err), ST_OK);
	assert_int_equal(hcache_put(hc, "w", "F", 9, v, 1, &err), ST_OK);
	assert_int_equal(hcache_set_flags(hc, "w", "F", 9, 5,
	    MSG_FLAGGED | MSG_ANSWERED, &err), ST_OK);
	/* Flags of a message the cache never saw: nothing happens. */
	assert_int_equal(hcache_set_flags(hc, "w", "F", 9, 6, MSG_SEEN, &err),
	    ST_OK);
	/* A second open shares the environment (one per process). */
	again = open_cache(*state);
	assert_ptr_equal(again, hc);
	hcache_close(again);
	hcache_close(hc);
	/* It survives a restart. */
	hc = open_cache(*state);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hcache_get(hc, "w", "F", 9, 5, &got), 1);
	assert_int_equal(got.flags, MSG_FLAGGED | MSG_ANSWERED);
	assert_string_equal(got.subject, "five");
	env_clear(&got);
	assert_int_equal(hcache_get(hc, "w", "F", 9, 6, &got), 0);
	assert_int_equal(hcache_forget(hc, "w", "F", 9, 5, &err), ST_OK);
	assert_int_equal(hcache_forget(hc, "w", "F", 9, 5, &err), ST_OK);
	assert_int_equal(hcache_get(hc, "w", "F", 9, 5, &got), 0);
	hcache_close(hc);
	hcache_close(NULL);
}

static void
test_long_names(void **state)
{
	struct envelope v[1], got;
	struct hcache_meta m;
	struct hcache *hc = open_cache(*state);
	char a[600], b[600], *err = NULL;

	memset(a, 'f', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	b[300] = 'g';
	v[0] = env(1, "long");
	assert_int_equal(hcache_folder_begin(hc, "w", a, 1, &m, &err), ST_OK);
	assert_int_equal(hcache_put(hc, "w", a, 1, v, 1, &err), ST_OK);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hcache_get(hc, "w", a, 1, 1, &got), 1);
	env_clear(&got);
	/* Hashed names still tell folders apart. */
	assert_int_equal(hcache_get(hc, "w", b, 1, 1, &got), 0);
	hcache_close(hc);
}

static void
test_damaged_file(void **state)
{
	struct envelope v[1], got;
	struct hcache_meta m;
	struct hcache *hc;
	char path[300], *err = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/data.mdb", (char *)*state);
	assert_non_null(f = fopen(path, "w"));
	fputs("this is not an LMDB file, it is garbage garbage garbage", f);
	for (int i = 0; i < 4096; i++)
		fputc('x', f);
	fclose(f);
	hc = open_cache(*state);
	v[0] = env(1, "fresh");
	assert_int_equal(hcache_folder_begin(hc, "w", "I", 1, &m, &err),
	    ST_OK);
	assert_int_equal(hcache_put(hc, "w", "I", 1, v, 1, &err), ST_OK);
	memset(&got, 0, sizeof(got));
	assert_int_equal(hcache_get(hc, "w", "I", 1, 1, &got), 1);
	env_clear(&got);
	hcache_close(hc);
}

static void
test_unusable_directory(void **state)
{
	struct hcache *hc = NULL;
	char path[300], *err = NULL;
	FILE *f;

	/* The cache's directory is a regular file: reported, not fatal. */
	snprintf(path, sizeof(path), "%s/file", (char *)*state);
	assert_non_null(f = fopen(path, "w"));
	fclose(f);
	assert_int_equal(hcache_open(path, &hc, &err), ST_LOCAL);
	assert_null(hc);
	assert_non_null(strstr(err, path));
	free(err);
}

static void
test_lookup_keeps_server_flags(void **state)
{
	struct envelope v[3], w[4];
	struct hcache_meta m;
	struct hcache *hc = open_cache(*state);
	char *err = NULL;
	size_t i;

	v[0] = env(3, "three");
	v[1] = env(5, "five");
	v[2] = env(9, "nine");
	v[1].sent = 1600000000;
	v[1].transit = TM_WEAK;
	v[2].transit = TM_LOCAL;
	assert_int_equal(hcache_folder_begin(hc, "w", "I", 7, &m, &err),
	    ST_OK);
	assert_int_equal(hcache_has(hc, "w", "I", 7), 0);
	assert_int_equal(hcache_put(hc, "w", "I", 7, v, 3, &err), ST_OK);
	assert_int_equal(hcache_has(hc, "w", "I", 7), 1);
	assert_int_equal(hcache_has(hc, "w", "I", 8), 0);
	assert_int_equal(hcache_count(hc, "w", "I", 7), 3);
	assert_int_equal(hcache_count(hc, "w", "I", 8), 0);
	assert_int_equal(hcache_count(hc, "w", "J", 7), 0);
	assert_int_equal(hcache_has(hc, "w", "J", 7), 0);
	/* What FETCH (UID FLAGS) gave: seq, uid, fresh flags; UID 4 is
	 * not cached. */
	memset(w, 0, sizeof(w));
	for (i = 0; i < 4; i++) {
		w[i].seq = (uint32_t)i + 1;
		w[i].flags = MSG_FLAGGED;
	}
	w[0].uid = 3;
	w[1].uid = 4;
	w[2].uid = 5;
	w[3].uid = 9;
	assert_int_equal(hcache_lookup(hc, "w", "I", 7, w, 4), 3);
	assert_null(w[1].from);
	assert_string_equal(w[0].subject, "three");
	assert_int_equal(w[2].seq, 3);
	assert_int_equal(w[2].flags, MSG_FLAGGED);
	assert_int_equal(w[2].sent, 1600000000);
	assert_int_equal(w[2].date, 1700000005);
	assert_int_equal(w[2].size, 1005);
	assert_int_equal(w[2].transit, TM_WEAK);
	assert_int_equal(w[3].transit, TM_LOCAL);
	assert_string_equal(w[3].from, "山田 太郎");
	for (i = 0; i < 4; i++)
		env_clear(&w[i]);
	hcache_close(hc);
}

/* The flags of cached uid of acct/folder, or -1 without a record. */
static int
flags_of(struct hcache *hc, const char *acct, const char *folder,
    uint32_t uidvalidity, uint32_t uid)
{
	struct envelope got;
	int flags;

	memset(&got, 0, sizeof(got));
	if (!hcache_get(hc, acct, folder, uidvalidity, uid, &got))
		return -1;
	flags = (int)got.flags;
	env_clear(&got);
	return flags;
}

/* The flags of cached uid of w/I, or -1 when it has no record. */
static int
cached_flags(struct hcache *hc, uint32_t uid)
{
	return flags_of(hc, "w", "I", 7, uid);
}

static void
test_sync_flags_and_prune(void **state)
{
	struct envelope v[8], list[3];
	struct hcache_meta m;
	struct hcache *hc = open_cache(*state);
	char *err = NULL;
	uint32_t i;

	for (i = 0; i < 8; i++)
		v[i] = env(i + 1, "x");
	assert_int_equal(hcache_folder_begin(hc, "w", "I", 7, &m, &err),
	    ST_OK);
	assert_int_equal(hcache_put(hc, "w", "I", 7, v, 8, &err), ST_OK);
	assert_int_equal(hcache_put(hc, "w", "J", 7, v, 8, &err), ST_OK);
	/* Changed flags only (CHANGEDSINCE): nothing is dropped; the list
	 * may come in any order and name UIDs the cache does not hold. */
	memset(list, 0, sizeof(list));
	list[0].uid = 6;
	list[0].flags = MSG_FLAGGED;
	list[1].uid = 2;
	list[1].flags = 0;
	list[2].uid = 20;
	list[2].flags = MSG_SEEN;
	assert_int_equal(hcache_sync(hc, "w", "I", 7, 1, 0, list, 3, 0, &err),
	    ST_OK);
	assert_int_equal(cached_flags(hc, 2), 0);
	assert_int_equal(cached_flags(hc, 6), MSG_FLAGGED);
	assert_int_equal(cached_flags(hc, 5), MSG_SEEN);
	assert_int_equal(cached_flags(hc, 20), -1);
	/* A full walk of UIDs 3..6 lists only 3 and 6: 4 and 5 were
	 * expunged (two in a row); 1, 2, 7, 8 are outside and stay. */
	list[0].uid = 3;
	list[0].flags = MSG_ANSWERED;
	list[1].uid = 6;
	list[1].flags = MSG_SEEN;
	assert_int_equal(hcache_sync(hc, "w", "I", 7, 3, 6, list, 2, 1, &err),
	    ST_OK);
	assert_int_equal(cached_flags(hc, 3), MSG_ANSWERED);
	assert_int_equal(cached_flags(hc, 4), -1);
	assert_int_equal(cached_flags(hc, 5), -1);
	assert_int_equal(cached_flags(hc, 6), MSG_SEEN);
	assert_int_equal(cached_flags(hc, 2), 0);
	assert_int_equal(cached_flags(hc, 7), MSG_SEEN);
	/* The last chunk (hi 0) with nothing listed drops the rest. */
	assert_int_equal(hcache_sync(hc, "w", "I", 7, 7, 0, NULL, 0, 1, &err),
	    ST_OK);
	assert_int_equal(cached_flags(hc, 7), -1);
	assert_int_equal(cached_flags(hc, 8), -1);
	assert_int_equal(cached_flags(hc, 6), MSG_SEEN);
	/* Another folder of the same account is untouched. */
	assert_int_equal(hcache_lookup(hc, "w", "J", 7, v, 0), 0);
	assert_int_equal(hcache_has(hc, "w", "J", 7), 1);
	memset(&list[0], 0, sizeof(list[0]));
	assert_int_equal(hcache_get(hc, "w", "J", 7, 8, &list[0]), 1);
	env_clear(&list[0]);
	assert_null(err);
	hcache_close(hc);
}

/* The flags of cached uid of work/INBOX, or -1 without a record. */
static int
inbox_flags(struct hcache *hc, uint32_t uid)
{
	return flags_of(hc, "work", "INBOX", 42, uid);
}

static void
test_sync_big_record(void **state)
{
	struct envelope *v, *list;
	struct hcache *hc = open_cache(*state);
	char *err = NULL, *big;
	uint32_t i, n = 1000;

	/* One record far bigger than a page (its own overflow pages) among
	 * many small ones; a resync rewrites the flags of every one. LMDB
	 * must get a key that does not point into the page it rewrites
	 * (else records vanish from the B-tree). */
	big = malloc(3001);
	memset(big, 'x', 3000);
	big[3000] = '\0';
	v = calloc(n, sizeof(*v));
	list = calloc(n, sizeof(*list));
	for (i = 0; i < n; i++) {
		v[i] = env(i + 1, i + 1 == 500 ? big : "hello");
		v[i].from = "Alice";
		v[i].flags = 0;
		list[i].uid = i + 1;
		list[i].flags = MSG_SEEN;
	}
	assert_int_equal(hcache_put(hc, "work", "INBOX", 42, v, n, &err),
	    ST_OK);
	assert_int_equal(hcache_sync(hc, "work", "INBOX", 42, 1, 0, list, n,
	    0, &err), ST_OK);
	assert_int_equal(hcache_count(hc, "work", "INBOX", 42), n);
	for (i = 1; i <= n; i++)
		assert_int_equal(inbox_flags(hc, i), MSG_SEEN);
	assert_null(err);
	free(list);
	free(v);
	free(big);
	hcache_close(hc);
}

static void
test_match(void **state)
{
	struct envelope v[3];
	struct hcache_meta m;
	struct hcache *hc = open_cache(*state);
	uint32_t all[] = { 2, 5, 9 }, gap[] = { 2, 3, 5 }, *seq;
	char *err = NULL;
	size_t n;

	v[0] = env(2, "Invoice March");
	v[1] = env(5, "lunch");
	v[2] = env(9, "Re: INVOICE");
	v[1].from = "Bob <bob@example.org>";
	assert_int_equal(hcache_folder_begin(hc, "w", "I", 7, &m, &err),
	    ST_OK);
	assert_int_equal(hcache_put(hc, "w", "I", 7, v, 3, &err), ST_OK);
	/* Subject or sender, ASCII letters folded; numbers are places. */
	assert_int_equal(hcache_match(hc, "w", "I", 7, all, 3, "invoice",
	    &seq, &n), 1);
	assert_int_equal(n, 2);
	assert_int_equal(seq[0], 1);
	assert_int_equal(seq[1], 3);
	free(seq);
	assert_int_equal(hcache_match(hc, "w", "I", 7, all, 3, "BOB@",
	    &seq, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(seq[0], 2);
	free(seq);
	assert_int_equal(hcache_match(hc, "w", "I", 7, all, 3, "山田",
	    &seq, &n), 1);
	assert_int_equal(n, 2);
	free(seq);
	assert_int_equal(hcache_match(hc, "w", "I", 7, all, 3, "nothing",
	    &seq, &n), 1);
	assert_int_equal(n, 0);
	free(seq);
	/* UID 3 has no record: the cache cannot tell. */
	assert_int_equal(hcache_match(hc, "w", "I", 7, gap, 3, "lunch",
	    &seq, &n), 0);
	assert_null(seq);
	/* A record of an expunged message (9) is passed over. */
	assert_int_equal(hcache_match(hc, "w", "I", 7, all, 2, "invoice",
	    &seq, &n), 1);
	assert_int_equal(n, 1);
	free(seq);
	hcache_close(hc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(test_put_get),
		TMPDIR_TEST(test_uidvalidity_drops_folder),
		TMPDIR_TEST(test_flags_forget_and_restart),
		TMPDIR_TEST(test_long_names),
		TMPDIR_TEST(test_damaged_file),
		TMPDIR_TEST(test_unusable_directory),
		TMPDIR_TEST(test_lookup_keeps_server_flags),
		TMPDIR_TEST(test_sync_flags_and_prune),
		TMPDIR_TEST(test_match),
		TMPDIR_TEST(test_sync_big_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
