/* test_names.c: IMAP folder names, UTF-8 <-> modified UTF-7. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailbox.h"

/* Encode, compare, and decode back to the original. */
static void
round_trip(const char *utf8, const char *raw)
{
	char *e = mailbox_encode_name(utf8), *d;

	assert_non_null(e);
	assert_string_equal(e, raw);
	d = mailbox_decode_name(e);
	assert_string_equal(d, utf8);
	free(d);
	free(e);
}

static void
test_empty_and_ascii(void **state)
{
	round_trip("", "");
	round_trip("INBOX", "INBOX");
	round_trip("a&b", "a&-b");
}

static void
test_rfc3501_examples(void **state)
{
	/* RFC 3501 5.1.3's example, and common European names. */
	round_trip("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
	round_trip("Entwürfe", "Entw&APw-rfe");
	round_trip("受信箱", "&U9dP4Xux-");
}

static void
test_astral_plane(void **state)
{
	char *e = mailbox_encode_name("x\xf0\x9f\x93\xa7y"), *d;

	assert_non_null(e);
	d = mailbox_decode_name(e);
	assert_string_equal(d, "x\xf0\x9f\x93\xa7y");
	free(d);
	free(e);
}

static void
test_invalid_utf8(void **state)
{
	assert_null(mailbox_encode_name("bad\xff"));
	assert_null(mailbox_encode_name("\xc3"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_ascii),
		cmocka_unit_test(test_rfc3501_examples),
		cmocka_unit_test(test_astral_plane),
		cmocka_unit_test(test_invalid_utf8),
	};

	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
