/* test_json.c: the JSON writer: commas, nesting and string escaping. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* Copy s into out (size n), bytes >= 0x80 as \xNN so that it prints. */
static void
visible(const char *s, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;

	for (; *p != '\0' && o + 5 < n; p++) {
		if (*p >= 0x80)
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", *p);
		else
			out[o++] = (char)*p;
	}
	out[o] = '\0';
}

/* Finish j (freeing the document) and compare it with want. */
static void
finish_is(struct json *j, const char *want)
{
	char *s = json_finish(j), got[512], shown[2048], wanted[2048];
	int same;

	assert_non_null(s);
	snprintf(got, sizeof got, "%s", s);
	same = strcmp(s, want) == 0;
	free(s);
	if (!same) {
		visible(got, shown, sizeof shown);
		visible(want, wanted, sizeof wanted);
		fail_msg("got %s, want %s", shown, wanted);
	}
}

/* A document holding the single string in must be exactly want. */
static void
string_is(const char *in, const char *want)
{
	struct json j;

	json_init(&j);
	json_string(&j, in);
	finish_is(&j, want);
}

/* An empty document is the empty string. */
static void
test_empty_document(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	finish_is(&j, "");
}

/* A NULL string is written as null. */
static void
test_null_string(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "error");
	json_string(&j, NULL);
	json_key(&j, "next");
	json_null(&j);
	json_object_end(&j);
	finish_is(&j, "{\"error\":null,\"next\":null}");
}

/* The empty string is "". */
static void
test_empty_string(void **state)
{
	(void)state;
	string_is("", "\"\"");
}

/* Empty object and array. */
static void
test_empty_object_array(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "o");
	json_object_begin(&j);
	json_object_end(&j);
	json_key(&j, "a");
	json_array_begin(&j);
	json_array_end(&j);
	json_object_end(&j);
	finish_is(&j, "{\"o\":{},\"a\":[]}");
}

/* Integers, including negative ones and the extremes, and booleans. */
static void
test_scalars(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_array_begin(&j);
	json_int(&j, 0);
	json_int(&j, -1);
	json_int(&j, 143);
	json_int(&j, LLONG_MIN);
	json_int(&j, LLONG_MAX);
	json_bool(&j, 1);
	json_bool(&j, 0);
	json_null(&j);
	json_array_end(&j);
	finish_is(&j, "[0,-1,143,-9223372036854775808,"
	    "9223372036854775807,true,false,null]");
}

/* An object in an array in an object: commas at every depth. */
static void
test_nesting(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "account");
	json_string(&j, "work");
	json_key(&j, "services");
	json_array_begin(&j);
	json_object_begin(&j);
	json_key(&j, "port");
	json_int(&j, 143);
	json_key(&j, "tls");
	json_object_begin(&j);
	json_key(&j, "version");
	json_string(&j, "TLS1.3");
	json_object_end(&j);
	json_key(&j, "errors");
	json_array_begin(&j);
	json_array_end(&j);
	json_object_end(&j);
	json_object_begin(&j);
	json_key(&j, "port");
	json_int(&j, 995);
	json_object_end(&j);
	json_array_end(&j);
	json_key(&j, "exit");
	json_int(&j, 0);
	json_object_end(&j);
	finish_is(&j, "{\"account\":\"work\",\"services\":["
	    "{\"port\":143,\"tls\":{\"version\":\"TLS1.3\"},\"errors\":[]},"
	    "{\"port\":995}],\"exit\":0}");
}

/* Arrays of arrays, and a value after a closed empty container. */
static void
test_nested_arrays(void **state)
{
	struct json j;

	(void)state;
	json_init(&j);
	json_array_begin(&j);
	json_array_begin(&j);
	json_array_end(&j);
	json_array_begin(&j);
	json_string(&j, "a");
	json_array_begin(&j);
	json_int(&j, 1);
	json_int(&j, 2);
	json_array_end(&j);
	json_array_end(&j);
	json_string(&j, "b");
	json_array_end(&j);
	finish_is(&j, "[[],[\"a\",[1,2]],\"b\"]");
}

/* Quote and backslash are escaped, in values and in keys. */
static void
test_escape_quote_backslash(void **state)
{
	struct json j;

	(void)state;
	string_is("a\"b\\c", "\"a\\\"b\\\\c\"");
	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "k\"\\");
	json_string(&j, "\\\"");
	json_object_end(&j);
	finish_is(&j, "{\"k\\\"\\\\\":\"\\\\\\\"\"}");
}

/* Control characters are written as \u00XX. */
static void
test_escape_controls(void **state)
{
	(void)state;
	string_is("\x01\t\n\r\x1b\x1f", "\"\\u0001\\u0009\\u000a\\u000d"
	    "\\u001b\\u001f\"");
	string_is("a\x1b[31mb", "\"a\\u001b[31mb\"");
}

/* DEL is escaped too. */
static void
test_escape_del(void **state)
{
	(void)state;
	string_is("a\x7f", "\"a\\u007f\"");
}

/* Valid UTF-8 (2, 3 and 4 bytes) is kept as it is. */
static void
test_utf8_kept(void **state)
{
	(void)state;
	string_is("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	string_is("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    "\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"");
	string_is("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	string_is("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");
}

/* Stray and impossible bytes become \ufffd. */
static void
test_invalid_bytes(void **state)
{
	(void)state;
	string_is("\xff", "\"\\ufffd\"");
	string_is("a\x80z", "\"a\\ufffdz\"");
	string_is("a\xc3(b", "\"a\\ufffd(b\"");
	string_is("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	string_is("\xf8\x88\x80\x80\x80",
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

/* A sequence cut short at the end of the string is not copied raw. */
static void
test_invalid_truncated(void **state)
{
	struct json j;
	char *s;
	size_t i;
	int raw, marked;

	(void)state;
	json_init(&j);
	json_string(&j, "x\xe6\x97");
	s = json_finish(&j);
	for (i = 0; s[i] != '\0' && (unsigned char)s[i] < 0x80; i++)
		continue;
	raw = s[i] != '\0';
	marked = strstr(s, "\\ufffd") != NULL;
	free(s);
	assert_false(raw);
	assert_true(marked);
}

/* An overlong 3-byte form of '/' is invalid UTF-8. */
static void
test_invalid_overlong(void **state)
{
	(void)state;
	string_is("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	string_is("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

/* A UTF-16 surrogate encoded in UTF-8 is invalid. */
static void
test_invalid_surrogate(void **state)
{
	(void)state;
	string_is("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
}

/* Code points above U+10FFFF are invalid. */
static void
test_invalid_above_max(void **state)
{
	(void)state;
	string_is("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_document),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_empty_string),
		cmocka_unit_test(test_empty_object_array),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_nested_arrays),
		cmocka_unit_test(test_escape_quote_backslash),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_del),
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_invalid_bytes),
		cmocka_unit_test(test_invalid_truncated),
		cmocka_unit_test(test_invalid_overlong),
		cmocka_unit_test(test_invalid_surrogate),
		cmocka_unit_test(test_invalid_above_max),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
