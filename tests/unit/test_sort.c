/* test_sort.c: order names, RFC 5256 base subjects, the local sort. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sort.h"
#include "xmalloc.h"

/* Names as the config's sort = setting spells them. */
static void
test_names(void **state)
{
	enum sort_key k = SORT_COUNT;
	int rev = -1;

	(void)state;
	assert_int_equal(sort_key_from_name("date", &k, &rev), 0);
	assert_int_equal(k, SORT_DATE);
	assert_int_equal(rev, 0);
	assert_int_equal(sort_key_from_name("Reverse-Subject", &k, &rev), 0);
	assert_int_equal(k, SORT_SUBJECT);
	assert_int_equal(rev, 1);
	assert_int_equal(sort_key_from_name("threads", &k, &rev), -1);
	assert_int_equal(sort_key_from_name("reverse-", &k, &rev), -1);
	assert_int_equal(sort_key_from_name(NULL, &k, &rev), -1);
	assert_string_equal(sort_key_name(SORT_SIZE), "size");
	assert_null(sort_key_name(SORT_COUNT));
}

/* Base subject, and what it must be. */
static void
base(const char *subject, const char *want)
{
	char *got = sort_base_subject(subject);

	assert_string_equal(got, want);
	free(got);
}

/* RFC 5256 2.1: leaders, blobs, trailers, white space, [fwd: ...]. */
static void
test_base_subject(void **state)
{
	(void)state;
	base("Project plan", "Project plan");
	base("Re: Project plan", "Project plan");
	base("RE: re: Fwd: FW: Project plan", "Project plan");
	base("Re[2]: Project plan", "Project plan");
	base("[list] Re: [list] Agenda", "Agenda");
	base("[list] Agenda", "Agenda");
	base("[only a blob]", "[only a blob]");
	base("Agenda (fwd)", "Agenda");
	base("Agenda (FWD) (fwd)  ", "Agenda");
	base("[Fwd: Re: Agenda]", "Agenda");
	base("  Tabs\tand\t\tspaces  ", "Tabs and spaces");
	base("Rebate offer", "Rebate offer");	/* "Re" without ':' */
	base("Re:", "");
	base("", "");
	base(NULL, "");
	base("日本語の会議", "日本語の会議");
}

/* An envelope for the local sort. */
static struct envelope
env(uint32_t uid, time_t sent, const char *from, const char *subject,
    uint32_t size)
{
	struct envelope e;

	memset(&e, 0, sizeof(e));
	e.uid = e.seq = uid;
	e.date = 1000 + uid;		/* INTERNALDATE: arrival */
	e.sent = sent;
	e.from = (char *)from;
	e.subject = (char *)subject;
	e.size = size;
	return e;
}

/* The UIDs in order after sorting by key. */
static char *
order(enum sort_key key, int reverse)
{
	struct envelope e[] = {
		env(1, 500, "carol", "Project plan", 300),
		env(2, 700, "Alice", "Re: Project plan", 120),
		env(3, 100, "bob", "lunch", 700),
		env(4, 0, "Dave", "Re: Re: project PLAN", 50),
		env(5, 300, "Eve", "Lunch", 900),
	};
	char *s = xstrdup(""), *p;
	size_t i;

	sort_envelopes(e, 5, key, reverse);
	for (i = 0; i < 5; i++) {
		p = xasprintf("%s%u", s, e[i].uid);
		free(s);
		s = p;
	}
	return s;
}

/* Every order, forward and reversed; ties keep folder order both ways;
 * a message without Date: sorts by its INTERNALDATE. */
static void
test_local_sort(void **state)
{
	static const struct {
		enum sort_key	 key;
		int		 reverse;
		const char	*want;
	} c[] = {
		{ SORT_ARRIVAL, 0, "12345" }, { SORT_ARRIVAL, 1, "54321" },
		{ SORT_DATE, 0, "35124" },	/* 4: no Date:, 1004 */
		{ SORT_DATE, 1, "42153" },
		{ SORT_FROM, 0, "23145" }, { SORT_FROM, 1, "54132" },
		{ SORT_SUBJECT, 0, "35124" }, { SORT_SUBJECT, 1, "12435" },
		{ SORT_SIZE, 0, "42135" }, { SORT_SIZE, 1, "53124" },
	};
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		got = order(c[i].key, c[i].reverse);
		if (strcmp(got, c[i].want) != 0)
			fail_msg("order %d reverse %d: got %s, want %s",
			    (int)c[i].key, c[i].reverse, got, c[i].want);
		free(got);
	}
}

/* Nothing to sort, or one message: no harm. */
static void
test_small(void **state)
{
	struct envelope one = env(7, 0, "x", "y", 1);

	(void)state;
	sort_envelopes(NULL, 0, SORT_DATE, 0);
	sort_envelopes(&one, 1, SORT_SUBJECT, 1);
	assert_int_equal(one.uid, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_base_subject),
		cmocka_unit_test(test_local_sort),
		cmocka_unit_test(test_small),
	};

	return cmocka_run_group_tests_name("sort", tests, NULL, NULL);
}
