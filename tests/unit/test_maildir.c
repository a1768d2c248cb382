/* test_maildir.c: delivery, listing, tags, flags and removal. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maildir.h"

/* How many entries (not . or ..) a directory has. */
static int
count_files(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Open the Maildir "box" inside the test directory. */
static struct maildir *
open_box(const char *dir, int create, char **path)
{
	struct maildir *md = NULL;
	char *err = NULL;

	*path = malloc(strlen(dir) + 16);
	sprintf(*path, "%s/a/b/box", dir);
	assert_int_equal(maildir_open(*path, create, &md, &err), ST_OK);
	assert_null(err);
	return md;
}

static void
test_open_missing(void **state)
{
	struct maildir *md = NULL;
	char *path, *err = NULL;

	path = malloc(strlen(*state) + 16);
	sprintf(path, "%s/nothing", (char *)*state);
	assert_int_equal(maildir_open(path, 0, &md, &err), ST_LOCAL);
	assert_null(md);
	assert_non_null(strstr(err, "nothing/tmp"));
	free(err);
	err = NULL;
	assert_int_equal(maildir_open("", 1, &md, &err), ST_USAGE);
	assert_non_null(strstr(err, "maildir ="));
	free(err);
	free(path);
}

static void
test_create_and_reopen(void **state)
{
	struct maildir *md;
	char *path, sub[300];

	md = open_box(*state, 1, &path);
	maildir_free(md);
	snprintf(sub, sizeof(sub), "%s/cur", path);
	assert_int_equal(access(sub, F_OK), 0);
	free(path);
	md = open_box(*state, 0, &path);
	assert_string_equal(maildir_root(md), path);
	maildir_free(md);
	free(path);
	maildir_free(NULL);
}

static void
test_deliver_read(void **state)
{
	struct maildir *md;
	char *path, *rel = NULL, *err = NULL, *data = NULL, tmp[300];
	const char msg[] = "Subject: hi\r\n\r\nbody\0with a NUL\r\n";
	size_t len = 0;

	md = open_box(*state, 1, &path);
	assert_int_equal(maildir_deliver(md, msg, sizeof(msg) - 1, NULL, NULL,
	    &rel, &err), ST_OK);
	assert_non_null(rel);
	assert_memory_equal(rel, "new/", 4);
	assert_int_equal(maildir_read(md, rel, &data, &len, &err), ST_OK);
	assert_int_equal(len, sizeof(msg) - 1);
	assert_memory_equal(data, msg, len);
	assert_int_equal(data[len], '\0');
	snprintf(tmp, sizeof(tmp), "%s/tmp", path);
	assert_int_equal(count_files(tmp), 0);
	free(data);
	free(rel);
	maildir_free(md);
	free(path);
}

static void
test_tags_and_list(void **state)
{
	struct maildir_entry *v = NULL;
	struct maildir *md;
	char *path, *err = NULL, *rel = NULL;
	size_t n = 0, i;
	int tagged = 0;

	md = open_box(*state, 1, &path);
	assert_int_equal(maildir_deliver(md, "a", 1, "uidl-0001_x", NULL,
	    NULL, &err), ST_OK);
	assert_int_equal(maildir_deliver(md, "bb", 2, NULL, "S", &rel, &err),
	    ST_OK);
	assert_memory_equal(rel, "cur/", 4);
	assert_non_null(strstr(rel, ":2,S"));
	assert_true(maildir_find_tag(md, "uidl-0001_x"));
	assert_false(maildir_find_tag(md, "uidl-0001"));
	assert_false(maildir_find_tag(md, "uidl-0002_x"));
	assert_int_equal(maildir_list(md, &v, &n, &err), ST_OK);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		if (v[i].tag != NULL) {
			tagged++;
			assert_string_equal(v[i].tag, "uidl-0001_x");
			assert_int_equal(v[i].size, 1);
			assert_false(v[i].seen);
		} else {
			assert_true(v[i].seen);
			assert_int_equal(v[i].size, 2);
		}
		assert_ptr_equal(v[i].name, v[i].path + 4);
	}
	assert_int_equal(tagged, 1);
	maildir_entries_free(v, n);
	free(rel);
	maildir_free(md);
	free(path);
}

static void
test_tag_valid(void **state)
{
	char long_tag[MAILDIR_TAG_MAX + 2];

	(void)state;
	assert_true(maildir_tag_valid("abc-DEF_019"));
	assert_false(maildir_tag_valid(""));
	assert_false(maildir_tag_valid(NULL));
	assert_false(maildir_tag_valid("a,b"));
	assert_false(maildir_tag_valid("a:b"));
	assert_false(maildir_tag_valid("a/b"));
	assert_false(maildir_tag_valid("../x"));
	memset(long_tag, 'a', sizeof(long_tag) - 1);
	long_tag[sizeof(long_tag) - 1] = '\0';
	assert_false(maildir_tag_valid(long_tag));
	long_tag[MAILDIR_TAG_MAX] = '\0';
	assert_true(maildir_tag_valid(long_tag));
}

static void
test_seen_and_remove(void **state)
{
	struct maildir *md;
	char *path, *rel = NULL, *cur = NULL, *back = NULL, *err = NULL;
	char dir[300];

	md = open_box(*state, 1, &path);
	assert_int_equal(maildir_deliver(md, "x", 1, "t1", "F", &rel, &err),
	    ST_OK);
	assert_int_equal(maildir_set_seen(md, rel, 1, &cur, &err), ST_OK);
	assert_non_null(strstr(cur, ",U=t1:2,FS"));
	assert_int_equal(maildir_set_seen(md, cur, 0, &back, &err), ST_OK);
	assert_non_null(strstr(back, ":2,F"));
	assert_null(strstr(back, "S"));
	assert_true(maildir_find_tag(md, "t1"));
	assert_int_equal(maildir_remove(md, back, &err), ST_OK);
	assert_false(maildir_find_tag(md, "t1"));
	snprintf(dir, sizeof(dir), "%s/cur", path);
	assert_int_equal(count_files(dir), 0);
	assert_int_equal(maildir_remove(md, back, &err), ST_LOCAL);
	assert_non_null(strstr(err, back + 4));
	free(err);
	free(rel);
	free(cur);
	free(back);
	maildir_free(md);
	free(path);
}

static void
test_new_to_cur(void **state)
{
	struct maildir *md;
	char *path, *rel = NULL, *cur = NULL, *err = NULL;

	md = open_box(*state, 1, &path);
	assert_int_equal(maildir_deliver(md, "x", 1, NULL, NULL, &rel, &err),
	    ST_OK);
	assert_int_equal(maildir_set_seen(md, rel, 1, &cur, &err), ST_OK);
	assert_memory_equal(cur, "cur/", 4);
	assert_string_equal(cur + strlen(cur) - 4, ":2,S");
	free(rel);
	free(cur);
	maildir_free(md);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TMPDIR_TEST(test_open_missing),
		TMPDIR_TEST(test_create_and_reopen),
		TMPDIR_TEST(test_deliver_read),
		TMPDIR_TEST(test_tags_and_list),
		cmocka_unit_test(test_tag_valid),
		TMPDIR_TEST(test_seen_and_remove),
		TMPDIR_TEST(test_new_to_cur),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
