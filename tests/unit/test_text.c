/* test_text.c: what reaches the terminal is sanitised and fits by width. */
#include "build-config.h"

#include <locale.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

/* Sanitise and compare. */
static void
expect_clean(const char *in, const char *want)
{
	char *out = text_sanitize(in);

	assert_string_equal(out, want);
	free(out);
}

static void
test_sanitize_empty(void **state)
{
	expect_clean("", "");
}

static void
test_sanitize_csi_removed(void **state)
{
	expect_clean("a\x1b[31mred\x1b[0m b", "ared b");
	expect_clean("x\x1b[2J\x1b[H", "x");
}

static void
test_sanitize_osc_removed(void **state)
{
	/* A title change and an OSC 52 clipboard write. */
	expect_clean("a\x1b]0;pwned\x07z", "az");
	expect_clean("a\x1b]52;c;ZXZpbA==\x1b\\z", "az");
}

static void
test_sanitize_controls(void **state)
{
	expect_clean("a\x07" "b\x7f" "c", "a?b?c");
	expect_clean("tab\there", "tab here");
	/* C1 CSI (U+009B) in UTF-8, and a raw 0x9b byte. */
	expect_clean("a\xc2\x9b" "31m", "a?31m");
	expect_clean("a\x9b" "31m", "a?31m");
}

static void
test_sanitize_bidi(void **state)
{
	/* RLO, LRE, PDF, RLI and PDI: they would reorder what follows. */
	expect_clean("a\xe2\x80\xaegnp.exe", "a?gnp.exe");
	expect_clean("\xe2\x80\xaax\xe2\x80\xac", "?x?");
	expect_clean("\xe2\x81\xa7y\xe2\x81\xa9", "?y?");
	/* Hebrew and the marks LRM/RLM stay. */
	expect_clean("\xd7\xa9\xd7\x9c\xe2\x80\x8f", "\xd7\xa9\xd7\x9c\xe2\x80\x8f");
}

static void
test_sanitize_utf8_kept(void **state)
{
	expect_clean("件名: テスト", "件名: テスト");
	expect_clean("\xe0\x80\xaf", "???");
}

static void
test_width_japanese(void **state)
{
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("テスト"), 6);
	assert_int_equal(text_width("aテ"), 3);
}

static void
test_fit_never_splits(void **state)
{
	char *s = text_fit("テスト", 5, 0);

	assert_string_equal(s, "テス");
	free(s);
	s = text_fit("テスト", 5, 1);
	assert_string_equal(s, "テス ");
	free(s);
	s = text_fit("ab", 4, 1);
	assert_string_equal(s, "ab  ");
	free(s);
	s = text_fit("\x1b[31mabc", 2, 0);
	assert_string_equal(s, "ab");
	free(s);
}

static void
test_wrap_at_spaces(void **state)
{
	const char *s = "the quick brown fox";

	assert_int_equal(text_wrap("", 10), 0);
	assert_int_equal(text_wrap(s, 10), 10);	/* "the quick " */
	assert_int_equal(text_wrap(s, 100), strlen(s));
	assert_int_equal(text_wrap("abcdefghij", 4), 4);	/* hard break */
	assert_int_equal(text_wrap("テスト テスト", 8), strlen("テスト "));
	assert_int_equal(text_wrap("テスト", 1), strlen("テ"));
}

/* Japanese has no spaces: lines break next to wide characters, but not
 * before closing punctuation nor after an opening bracket (kinsoku). */
static void
test_wrap_japanese(void **state)
{
	(void)state;
	/* "サーバーの最初の 1 行は": not after the lone space only */
	assert_int_equal(text_wrap("サーバーの最初の 1 行は平文です", 22),
	    strlen("サーバーの最初の 1 行"));
	/* never "。" at the start of a line */
	assert_int_equal(text_wrap("読めます。次", 8), strlen("読めま"));
	/* never "「" at the end of a line */
	assert_int_equal(text_wrap("あい「うえ」", 6), strlen("あい"));
	/* ASCII after CJK: break before "mail" rather than inside it */
	assert_int_equal(text_wrap("ため、mail.example.com です", 12),
	    strlen("ため、"));
	/* small kana never start a line: no break fits, so a hard one */
	assert_int_equal(text_wrap("ちょっと", 4), strlen("ちょ"));
	/* ASCII words still break only at spaces */
	assert_int_equal(text_wrap("abc defghij", 6), 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_empty),
		cmocka_unit_test(test_sanitize_csi_removed),
		cmocka_unit_test(test_sanitize_osc_removed),
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_bidi),
		cmocka_unit_test(test_sanitize_utf8_kept),
		cmocka_unit_test(test_width_japanese),
		cmocka_unit_test(test_fit_never_splits),
		cmocka_unit_test(test_wrap_at_spaces),
		cmocka_unit_test(test_wrap_japanese),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
