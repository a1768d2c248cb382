/* test_thread.c: RFC 5256 THREAD lists to a flat tree; filter; reverse. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thread.h"
#include "xmalloc.h"

/* The nodes as "id/depth id/depth ...". */
static char *
show(const struct thread_node *t, size_t n)
{
	char *s = xstrdup(""), *p;
	size_t i;

	for (i = 0; i < n; i++) {
		p = xasprintf("%s%s%u/%d", s, i ? " " : "", t[i].id, t[i].depth);
		free(s);
		s = p;
	}
	return s;
}

/* Parse text, which must succeed, and compare with want. */
static void
parses(const char *text, const char *want)
{
	struct thread_node *t = NULL;
	size_t n = 99, used = 0;
	char *got;

	if (thread_parse(text, strlen(text), &used, &t, &n) != 0)
		fail_msg("\"%s\" did not parse", text);
	got = show(t, n);
	assert_string_equal(got, want);
	free(got);
	free(t);
}

/* Parse text, which must be refused (and leave the outputs alone). */
static void
refused(const char *text)
{
	struct thread_node *t = (void *)1;
	size_t n = 99, used = 99;

	if (thread_parse(text, strlen(text), &used, &t, &n) != -1)
		fail_msg("\"%s\" parsed", text);
	assert_ptr_equal(t, (void *)1);
	assert_int_equal(n, 99);
	assert_int_equal(used, 99);
}

/* RFC 5256's own example, and what each member's depth is. */
static void
test_rfc_example(void **state)
{
	(void)state;
	parses(" (2)(3 6 (4 23)(44 7 96))",
	    "2/0 3/0 6/1 4/2 23/3 44/2 7/3 96/4");
}

/* Nothing at all: an empty folder. */
static void
test_empty(void **state)
{
	struct thread_node *t = NULL;
	size_t n = 99, used = 99;

	(void)state;
	assert_int_equal(thread_parse("", 0, &used, &t, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(used, 0);
	free(t);
	parses(" ", "");
}

/* A thread whose root is missing: siblings on one level. */
static void
test_missing_root(void **state)
{
	(void)state;
	parses(" ((1)(2 5))(3)", "1/0 2/0 5/1 3/0");
}

/* The parse stops before CRLF and says how far it went. */
static void
test_stops_at_crlf(void **state)
{
	struct thread_node *t = NULL;
	size_t n = 0, used = 0;
	const char *text = " (1 2)\r\nA1 OK";

	(void)state;
	assert_int_equal(thread_parse(text, strlen(text), &used, &t, &n), 0);
	assert_int_equal(used, 6);
	assert_int_equal(n, 2);
	free(t);
}

/* What is not a thread list is refused. */
static void
test_refused(void **state)
{
	(void)state;
	refused(" (1");			/* unbalanced */
	refused(" 1)");
	refused(" (1))");
	refused(" 1");			/* a number outside a list */
	refused(" ()");			/* an empty list */
	refused(" (0)");		/* not an nz-number */
	refused(" (01)");
	refused(" (4294967296)");	/* more than 32 bits */
	refused(" (1 x)");
	refused(" (1\t2)");
}

/* The largest UID fits. */
static void
test_max_uid(void **state)
{
	(void)state;
	parses(" (4294967295)", "4294967295/0");
}

/* Nesting deeper than THREAD_MAX_NEST is refused; up to it is fine. */
static void
test_nesting_bound(void **state)
{
	size_t k = THREAD_MAX_NEST;
	char *s = xmalloc(2 * k + 4), *deeper = xmalloc(2 * k + 6);

	(void)state;
	memset(s, '(', k);
	s[k] = '1';
	memset(s + k + 1, ')', k);
	s[2 * k + 1] = '\0';
	parses(s, "1/0");
	deeper[0] = '(';
	memcpy(deeper + 1, s, 2 * k + 1);
	deeper[2 * k + 2] = ')';
	deeper[2 * k + 3] = '\0';
	refused(deeper);
	free(s);
	free(deeper);
}

/* A limit keeps a tree: depth counts the kept ancestors only. */
static void
test_filter(void **state)
{
	struct thread_node *t = NULL;
	size_t n = 0, used;
	const char *text = "(2)(3 6 (4 23)(44 7 96))";
	uint32_t keep[] = { 3, 7, 23, 96 };
	char *got;

	(void)state;
	assert_int_equal(thread_parse(text, strlen(text), &used, &t, &n), 0);
	n = thread_filter(t, n, keep, 4);
	got = show(t, n);
	assert_string_equal(got, "3/0 23/1 7/1 96/2");
	free(got);
	assert_int_equal(thread_filter(t, n, keep, 0), 0);
	free(t);
}

/* Reversed: the threads in reverse order, each one intact. */
static void
test_reverse(void **state)
{
	struct thread_node *t = NULL;
	size_t n = 0, used;
	const char *text = "(2)(3 6 (4 23)(44 7 96))(9 10)";
	char *got;

	(void)state;
	assert_int_equal(thread_parse(text, strlen(text), &used, &t, &n), 0);
	thread_reverse(t, n);
	got = show(t, n);
	assert_string_equal(got, "9/0 10/1 3/0 6/1 4/2 23/3 44/2 7/3 96/4 2/0");
	free(got);
	thread_reverse(t, 0);
	thread_reverse(t, 1);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_example),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_stops_at_crlf),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_max_uid),
		cmocka_unit_test(test_nesting_bound),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_reverse),
	};

	return cmocka_run_group_tests_name("thread", tests, NULL, NULL);
}
