/* test_charset.c: every mail charset to exact UTF-8, with the fallbacks
 * for mislabelled Japanese, Chinese and Western mail. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "charset.h"

/* Decode and compare; returns what happened. */
static struct charset_info
expect(const char *label, const char *in, size_t len, const char *want)
{
	struct charset_info info;
	char *out = charset_to_utf8(label, in, len, &info);

	assert_string_equal(out, want);
	free(out);
	return info;
}

#define EXPECT(label, in, want) expect(label, in, sizeof(in) - 1, want)

static void
test_canonical(void **state)
{
	static const char *const pairs[][2] = {
		{ "X-SJIS", "Shift_JIS" }, { "shift-jis", "Shift_JIS" },
		{ "Shift_JIS", "Shift_JIS" }, { "cp-932", "Shift_JIS" },
		{ "Windows-31J", "Shift_JIS" }, { "ks_c_5601-1987", "CP949" },
		{ "EUC-KR", "CP949" }, { "GBK", "GB18030" },
		{ "gb2312", "GB18030" }, { "\"utf8\"", "UTF-8" },
		{ "iso_8859-15", "ISO-8859-15" }, { "ISO8859-2", "ISO-8859-2" },
		{ "latin1", "ISO-8859-1" }, { "x-cp1250", "windows-1250" },
		{ "Windows-1258", "windows-1258" }, { "cp1251", "windows-1251" },
		{ "ISO-2022-JP", "ISO-2022-JP" }, { "x-euc-jp", "EUC-JP" },
		{ "eucJP-ms", "EUC-JP-MS" }, { "Big5-HKSCS", "Big5-HKSCS" },
		{ "koi8r", "KOI8-R" }, { "unknown-8bit", "unknown-8bit" },
		{ "US-ASCII", "US-ASCII" }, { "utf-16le", "UTF-16LE" },
	};
	char *c;
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		c = charset_canonical(pairs[i][0]);
		assert_non_null(c);
		assert_string_equal(c, pairs[i][1]);
		free(c);
	}
	assert_null(charset_canonical("x-no-such-charset"));
	assert_null(charset_canonical("utf-8//TRANSLIT"));
	assert_null(charset_canonical(""));
	assert_null(charset_canonical(NULL));
}

static void
test_utf8_invalid_replaced(void **state)
{
	struct charset_info i;

	i = EXPECT("utf-8", "caf\xc3\xa9", "café");
	assert_int_equal(i.flags, 0);
	/* Never dropped silently: every bad byte is U+FFFD. */
	i = EXPECT("UTF-8", "a\xff" "b\xc3", "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	assert_int_equal(i.bad, 2);
	assert_true(i.flags & CHARSET_REPLACED);
	EXPECT("utf-8", "nul\0byte", "nul\xef\xbf\xbd" "byte");
	/* glibc's decoder takes old 5-byte forms; we do not. */
	i = EXPECT("utf-8", "\xf8\x88\x80\x80\x80", "\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(i.bad, 5);
	EXPECT("utf-8", "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd");	/* a surrogate */
}

static void
test_unknown_8bit(void **state)
{
	struct charset_info i;

	i = EXPECT(NULL, "caf\xc3\xa9", "café");
	assert_string_equal(i.used, "UTF-8");
	i = EXPECT(NULL, "caf\xe9 \x93q\x94 \x80" "5", "café “q” €5");
	assert_string_equal(i.used, "CP1252");
	assert_true(i.flags & CHARSET_FALLBACK);
	EXPECT("unknown-8bit", "caf\xe9", "café");
	EXPECT("us-ascii", "caf\xe9", "café");	/* mislabelled */
	i = EXPECT("x-no-such-charset", "caf\xe9", "café");
	assert_true(i.flags & CHARSET_UNKNOWN);
	assert_false(EXPECT(NULL, "x", "x").flags & CHARSET_UNKNOWN);
}

static void
test_latin(void **state)
{
	/* ISO-8859-1 is read as windows-1252, as browsers do. */
	EXPECT("iso-8859-1", "\x93" "caf\xe9\x94", "“café”");
	EXPECT("iso-8859-2", "\xb3\xf3" "d\xbc", "łódź");
	EXPECT("iso-8859-15", "\xa4", "€");
	EXPECT("windows-1250", "\x9a\x9d", "šť");
	EXPECT("windows-1252", "\x80", "€");
	EXPECT("cp1253", "\xe1\xe2", "αβ");
	EXPECT("windows-1254", "\xfe", "ş");
	EXPECT("windows-1255", "\xf9", "ש");
	EXPECT("windows-1256", "\xc7", "ا");
	EXPECT("windows-1257", "\xe0", "ą");
	EXPECT("windows-1258", "\xe0", "à");
}

static void
test_cyrillic(void **state)
{
	EXPECT("koi8-r", "\xf0\xd2\xc9\xd7\xc5\xd4", "Привет");
	EXPECT("windows-1251", "\xcf\xf0\xe8\xe2\xe5\xf2", "Привет");
	EXPECT("KOI8-U", "\xa4", "є");
}

static void
test_iso2022jp(void **state)
{
	struct charset_info i;

	i = EXPECT("ISO-2022-JP", "\x1b$BF|K\\8l\x1b(B abc", "日本語 abc");
	assert_string_equal(i.used, "ISO-2022-JP");
	assert_int_equal(i.flags, 0);
	/* JIS 0x2141 is U+301C WAVE DASH in ISO-2022-JP proper. */
	EXPECT("iso-2022-jp", "\x1b$B!A\x1b(B", "〜");
}

static void
test_iso2022jp_mislabelled(void **state)
{
	struct charset_info i;

	/* NEC row 13 (①, ㈱), as Outlook (CP50221) writes it. */
	i = EXPECT("ISO-2022-JP", "\x1b$B-!-j\x1b(B", "①㈱");
	assert_string_equal(i.used, "CP50221");
	assert_true(i.flags & CHARSET_FALLBACK);
	assert_false(i.flags & CHARSET_REPLACED);
	/* NEC-selected IBM extension (row 92): 髙. */
	EXPECT("ISO-2022-JP", "\x1b$B|b\x1b(B", "髙");
	/* Half-width katakana by ESC ( I, and by SO/SI. */
	EXPECT("ISO-2022-JP", "\x1b(I6@6E\x1b(B", "ｶﾀｶﾅ");
	EXPECT("ISO-2022-JP", "a\x0e" "1\x0f" "b", "aｱb");
	/* Raw 8-bit half-width katakana (Shift_JIS bytes) in "JIS" mail. */
	EXPECT("ISO-2022-JP", "\xb1\xb2", "ｱｲ");
	/* JIS X 0212 (ESC $ ( D): ISO-2022-JP-2. */
	i = EXPECT("ISO-2022-JP", "\x1b$(Dl?\x1b(B", "鷗");
	assert_string_equal(i.used, "ISO-2022-JP-2");
	/* JIS X 0213 plane 1 (ESC $ ( O): ISO-2022-JP-3. */
	i = EXPECT("ISO-2022-JP", "\x1b$(O.\"\x1b(B", "𠀋");
	assert_string_equal(i.used, "ISO-2022-JP-3");
	/* Garbage is replaced, never passed on as an escape. */
	i = EXPECT("ISO-2022-JP", "\x1b$B!", "\xef\xbf\xbd");
	assert_true(i.flags & CHARSET_REPLACED);
}

static void
test_shift_jis(void **state)
{
	static const char *const labels[] = {
		"Shift_JIS", "x-sjis", "shift-jis", "SJIS", "cp-932",
		"windows-31j", "MS_Kanji",
	};
	struct charset_info i;
	size_t k;

	/* CP932: ①, ㈱, 0x8160 as U+FF5E (not U+301C), IBM 髙, kana. */
	for (k = 0; k < sizeof(labels) / sizeof(labels[0]); k++) {
		i = EXPECT(labels[k], "\x87\x40\x87\x8a\x81\x60\xfb\xfc\xb1",
		    "①㈱～髙ｱ");
		assert_string_equal(i.used, "CP932");
		assert_int_equal(i.flags, 0);
	}
	EXPECT("shift_jis", "\x93\xfa\x96\x7b", "日本");
	i = EXPECT("shift_jis", "a\xff" "b", "a\xef\xbf\xbd" "b");
	assert_int_equal(i.bad, 1);
}

static void
test_euc_jp(void **state)
{
	struct charset_info i;

	i = EXPECT("EUC-JP", "\xc6\xfc\xcb\xdc", "日本");
	assert_string_equal(i.used, "EUC-JP");
	/* NEC row 13 in EUC-JP: EUC-JP-MS. */
	i = EXPECT("euc-jp", "\xad\xa1", "①");
	assert_string_equal(i.used, "EUC-JP-MS");
	EXPECT("x-euc-jp", "\x8e\xb1", "ｱ");
	EXPECT("EUC-JP", "\x8f\xb0\xa1", "丂");	/* JIS X 0212 */
}

static void
test_chinese_korean(void **state)
{
	struct charset_info i;

	/* GB2312 and GBK labels are read as GB18030. */
	EXPECT("gb2312", "\xc4\xe3\xba\xc3", "你好");
	i = EXPECT("GB2312", "\x81\x40", "丂");	/* GBK only */
	assert_string_equal(i.used, "GB18030");
	EXPECT("GBK", "\x86\xb4", "喆");
	EXPECT("gb18030", "\x81\x30\x81\x30", "\xc2\x80");
	/* Big5, and HKSCS characters through Big5-HKSCS. */
	EXPECT("big5", "\xa4\xa4\xa4\xe5", "中文");
	i = EXPECT("Big5", "\x88\x40", "㇀");
	assert_string_equal(i.used, "BIG5-HKSCS");
	/* ks_c_5601-1987 is CP949 (UHC). */
	EXPECT("ks_c_5601-1987", "\xc7\xd1\xb1\xb9", "한국");
	EXPECT("euc-kr", "\x81\x41", "갂");	/* UHC only */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_utf8_invalid_replaced),
		cmocka_unit_test(test_unknown_8bit),
		cmocka_unit_test(test_latin),
		cmocka_unit_test(test_cyrillic),
		cmocka_unit_test(test_iso2022jp),
		cmocka_unit_test(test_iso2022jp_mislabelled),
		cmocka_unit_test(test_shift_jis),
		cmocka_unit_test(test_euc_jp),
		cmocka_unit_test(test_chinese_korean),
	};

	return cmocka_run_group_tests_name("charset", tests, NULL, NULL);
}
