/* test_fetch.c: the UIDL -> tag mapping, the summary line, and a local
 * Maildir read as a folder (localbox.c). */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "localbox.h"
#include "maildir.h"
#include "xmalloc.h"

/* A fresh directory for one test; removed by rm -rf at teardown. */
static int
setup(void **state)
{
	char *dir = strdup("/tmp/test_fetch.XXXXXX");

	assert_non_null(mkdtemp(dir));
	*state = dir;
	return 0;
}

/* Remove the test's directory. */
static int
teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	assert_int_equal(system(cmd), 0);
	free(*state);
	return 0;
}

/* The tag is "pop3-" and the first 40 hex digits of
 * SHA-256("alice\0localhost\0UIDL") (python3 hashlib agrees). */
static void
test_tag_vector(void **state)
{
	char tag[FETCH_TAG_LEN + 1];

	(void)state;
	fetch_tag("alice", "localhost", "00000001657a0c3b", tag);
	assert_string_equal(tag,
	    "pop3-ec48043ef07a9cfb3233b778a9e2e243cda64fe0");
	assert_int_equal(strlen(tag), FETCH_TAG_LEN);
	assert_true(maildir_tag_valid(tag));
	assert_true(fetch_tag_is(tag));
	/* The host in any case is the same host. */
	fetch_tag("alice", "LocalHost", "00000001657a0c3b", tag);
	assert_string_equal(tag,
	    "pop3-ec48043ef07a9cfb3233b778a9e2e243cda64fe0");
}

/* UIDLs may hold any printable character: '/', ':', ',' and spaces
 * never reach the file name, only their hash does. */
static void
test_tag_any_uidl(void **state)
{
	static const char *const uidls[] = {
		"<a/b:c,d>", "../../etc/passwd", ":2,S", ",U=x", "a b",
		"~!@#$%^&*()_+{}|\"<>?`-=[]\\;',./", "x",
	};
	char tag[FETCH_TAG_LEN + 1];
	size_t i;

	(void)state;
	fetch_tag("alice", "mail.example.com", "<a/b:c,d>", tag);
	assert_string_equal(tag,
	    "pop3-ecc533a9c26a6a57aa69ca0ab3ee289d311f9417");
	for (i = 0; i < sizeof(uidls) / sizeof(*uidls); i++) {
		fetch_tag("alice", "mail.example.com", uidls[i], tag);
		assert_true(maildir_tag_valid(tag));
		assert_true(fetch_tag_is(tag));
		assert_null(strpbrk(tag, "/:,. "));
	}
}

/* Different UIDLs, users or hosts give different tags, and the parts
 * cannot slide into each other. */
static void
test_tag_distinct(void **state)
{
	char a[FETCH_TAG_LEN + 1], b[FETCH_TAG_LEN + 1];

	(void)state;
	fetch_tag("alice", "h", "1", a);
	fetch_tag("alice", "h", "2", b);
	assert_string_not_equal(a, b);
	fetch_tag("bob", "h", "1", b);
	assert_string_not_equal(a, b);
	fetch_tag("alice", "g", "1", b);
	assert_string_not_equal(a, b);
	fetch_tag("ab", "c", "d", a);
	fetch_tag("a", "bc", "d", b);
	assert_string_not_equal(a, b);
	fetch_tag("a", "b", "cd", a);
	fetch_tag("a", "bc", "d", b);
	assert_string_not_equal(a, b);
	fetch_tag("alice", "h", "1", a);
	fetch_tag("alice", "h", "1", b);
	assert_string_equal(a, b);
}

/* fetch_tag_is() takes only what fetch_tag() makes. */
static void
test_tag_is(void **state)
{
	(void)state;
	assert_true(fetch_tag_is(
	    "pop3-0123456789abcdef0123456789abcdef01234567"));
	assert_false(fetch_tag_is(NULL));
	assert_false(fetch_tag_is(""));
	assert_false(fetch_tag_is(
	    "pop3-0123456789ABCDEF0123456789abcdef01234567"));
	assert_false(fetch_tag_is(
	    "pop3-0123456789abcdef0123456789abcdef0123456"));
	assert_false(fetch_tag_is(
	    "pop3-0123456789abcdef0123456789abcdef012345678"));
	assert_false(fetch_tag_is(
	    "pop4-0123456789abcdef0123456789abcdef01234567"));
	assert_false(fetch_tag_is(
	    "pop3-0123456789abcdef0123456789abcdef0123456g"));
	assert_false(fetch_tag_is("out-1234"));
}

/* The line `starling fetch` prints. */
static void
test_summary(void **state)
{
	struct account a;
	struct fetch_result r;
	char *s;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&r, 0, sizeof(r));
	a.maildir = (char *)"/home/a/Mail/work";
	r.fetched = 3;
	r.bytes = 1234;
	r.deleted = 2;
	s = fetch_summary(&a, &r);
	assert_string_equal(s, "fetched 3 messages (1234 bytes) into "
	    "/home/a/Mail/work; 2 deleted on the server");
	free(s);
	r.fetched = 1;
	r.deleted = 0;
	s = fetch_summary(&a, &r);
	assert_string_equal(s, "fetched 1 message (1234 bytes) into "
	    "/home/a/Mail/work; 0 deleted on the server");
	free(s);
}

/* Deliver text (CRLF line ends) into md; its relative path. */
static char *
put(struct maildir *md, const char *text)
{
	char *rel = NULL, *err = NULL;

	assert_int_equal(maildir_deliver(md, text, strlen(text), NULL, NULL,
	    &rel, &err), ST_OK);
	assert_null(err);
	return rel;
}

/* A Maildir with three messages; its path. */
static char *
local_box(const char *dir)
{
	struct maildir *md = NULL;
	char *path = xasprintf("%s/Mail/work", dir), *err = NULL;

	assert_int_equal(maildir_open(path, 1, &md, &err), ST_OK);
	free(put(md, "From: \"Bob Example\" <bob@example.com>\r\n"
	    "Subject: =?UTF-8?B?5pel5pys6Kqe?=\r\n"
	    "Date: Mon, 1 Jan 2024 10:00:00 +0900\r\n\r\nfirst body\r\n"));
	free(put(md, "From: carol@example.com\r\nSubject: plain\r\n\r\n"
	    "second\r\n"));
	free(put(md, "Garbage header line without colon\r\n\r\nthird\r\n"));
	maildir_free(md);
	return path;
}

/* Envelopes from the header of each file: sender, decoded subject,
 * date with its zone, the file's size. */
static void
test_localbox_envelopes(void **state)
{
	struct localbox *lb = NULL;
	struct envelope *e = NULL;
	char *path = local_box(*state), *err = NULL;
	size_t n = 0;

	assert_int_equal(localbox_open(path, &lb, &err), ST_OK);
	assert_int_equal(localbox_count(lb), 3);
	assert_int_equal(localbox_unseen(lb), 3);
	assert_int_equal(localbox_envelopes(lb, 0, 99, &e, &n, &err), ST_OK);
	assert_int_equal(n, 3);
	/* Delivered in one second, so ordered by name: find them. */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(e[i].seq, i + 1);
		assert_false(e[i].flags & MSG_SEEN);
		if (strcmp(e[i].subject, "日本語") == 0) {
			assert_string_equal(e[i].from, "Bob Example");
			/* 2024-01-01 10:00 +0900 is 01:00 UTC */
			assert_int_equal(e[i].date, 1704070800);
		} else if (strcmp(e[i].subject, "plain") == 0) {
			assert_string_equal(e[i].from, "carol@example.com");
			assert_true(e[i].date > 0);
			assert_int_equal(e[i].size, 51);
		} else {
			assert_string_equal(e[i].subject, "");
			assert_string_equal(e[i].from, "");
		}
	}
	mailbox_envelopes_free(e, n);
	assert_int_equal(localbox_envelopes(lb, 3, 2, &e, &n, &err), ST_OK);
	assert_int_equal(n, 0);
	mailbox_envelopes_free(e, n);
	localbox_free(lb);
	free(path);
}

/* A message as the pager gets it; reading marks it read (cur/, :2,S). */
static void
test_localbox_message(void **state)
{
	struct localbox *lb = NULL;
	struct envelope *e = NULL;
	struct message m;
	char *path = local_box(*state), *err = NULL, *cur;
	size_t n = 0, seq;

	assert_int_equal(localbox_open(path, &lb, &err), ST_OK);
	assert_int_equal(localbox_envelopes(lb, 1, 3, &e, &n, &err), ST_OK);
	for (seq = 1; seq <= n && strcmp(e[seq - 1].subject, "plain"); seq++)
		;
	mailbox_envelopes_free(e, n);
	assert_int_equal(localbox_message(lb, (uint32_t)seq, NULL, &m, &err),
	    ST_OK);
	assert_string_equal(m.headers, "From: carol@example.com\n"
	    "Subject: plain\n");
	assert_string_equal(m.body, "second\n");
	mailbox_message_clear(&m);
	assert_int_equal(localbox_mark_seen(lb, (uint32_t)seq, &err), ST_OK);
	assert_int_equal(localbox_mark_seen(lb, (uint32_t)seq, &err), ST_OK);
	assert_int_equal(localbox_unseen(lb), 2);
	localbox_free(lb);
	/* On disk too: a fresh snapshot sees it read, in cur/. */
	assert_int_equal(localbox_open(path, &lb, &err), ST_OK);
	assert_int_equal(localbox_unseen(lb), 2);
	assert_int_equal(localbox_envelopes(lb, (uint32_t)seq, (uint32_t)seq,
	    &e, &n, &err), ST_OK);
	assert_true(e[0].flags & MSG_SEEN);
	mailbox_envelopes_free(e, n);
	localbox_free(lb);
	cur = xasprintf("ls %s/cur | grep -q ':2,S$'", path);
	assert_int_equal(system(cur), 0);
	free(cur);
	free(path);
}

/* No Maildir yet: an empty folder; numbers out of range: ST_USAGE. */
static void
test_localbox_empty(void **state)
{
	struct localbox *lb = NULL;
	struct message m;
	char *path = xasprintf("%s/none", (char *)*state), *err = NULL;

	assert_int_equal(localbox_open(path, &lb, &err), ST_OK);
	assert_int_equal(localbox_count(lb), 0);
	assert_int_equal(localbox_message(lb, 1, NULL, &m, &err), ST_USAGE);
	assert_non_null(strstr(err, "no message 1"));
	free(err);
	err = NULL;
	assert_int_equal(localbox_mark_seen(lb, 0, &err), ST_USAGE);
	free(err);
	localbox_free(lb);
	localbox_free(NULL);
	free(path);
	assert_true(localbox_is(LOCALBOX_RAW));
	assert_false(localbox_is("INBOX"));
	assert_false(localbox_is(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tag_vector),
		cmocka_unit_test(test_tag_any_uidl),
		cmocka_unit_test(test_tag_distinct),
		cmocka_unit_test(test_tag_is),
		cmocka_unit_test(test_summary),
		cmocka_unit_test_setup_teardown(test_localbox_envelopes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_localbox_message, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_localbox_empty, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
