/* test_message.c: encoded words, RFC 2231 names, quoted-printable, line
 * lengths, address lists, whole messages and envelopes, byte for byte. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libetpan/libetpan.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "address.h"
#include "encode.h"
#include "message.h"

/* ------------------------------------------------------------ helpers */

/* encode_unstructured() into a new string. */
static char *
unstructured(const char *name, const char *value)
{
	struct ebuf b;

	ebuf_init(&b);
	encode_unstructured(&b, name, value);
	return ebuf_take(&b, NULL);
}

/* Content-Disposition: attachment; with one parameter. */
static char *
disposition(const char *value, int words)
{
	struct ebuf b;
	struct ehdr h;

	ebuf_init(&b);
	encode_hdr_begin(&h, &b, "Content-Disposition");
	encode_hdr_token(&h, NULL, 0, "attachment;", 11);
	if (words)
		encode_param_words(&h, "name", value, 1);
	else
		encode_param(&h, "filename", value, 1);
	encode_hdr_end(&h);
	return ebuf_take(&b, NULL);
}

/* Text as quoted-printable. */
static char *
qp(const char *text)
{
	struct ebuf b;

	ebuf_init(&b);
	encode_qp(&b, text, strlen(text));
	return ebuf_take(&b, NULL);
}

/* An address list written as a header, or NULL with *st on failure. */
static char *
addresses(const char *text, int lenient, enum status *st, char **err)
{
	struct mailimf_address_list *l;
	struct ebuf b;
	struct ehdr h;

	*err = NULL;
	if ((*st = address_parse("To", text, lenient, &l, err)) != ST_OK)
		return NULL;
	ebuf_init(&b);
	encode_hdr_begin(&h, &b, "To");
	if (l != NULL)
		address_write(&h, l);
	encode_hdr_end(&h);
	address_list_free(l);
	return ebuf_take(&b, NULL);
}

/* Every line of s (CRLF separated) is at most max octets. */
static void
assert_lines_max(const char *s, size_t max)
{
	const char *p = s, *e;

	while ((e = strstr(p, "\r\n")) != NULL) {
		if ((size_t)(e - p) > max)
			fail_msg("line of %zu > %zu: %.*s", (size_t)(e - p), max,
			    (int)(e - p), p);
		p = e + 2;
	}
	assert_true(*p == '\0');
}

/* The value of a base64 character, -1 for others. */
static int
b64val(char c)
{
	const char *a =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(a, c) : NULL;

	return p != NULL ? (int)(p - a) : -1;
}

/* Is s[0..n) valid UTF-8, every character whole? */
static int
utf8_whole(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;

	while (i < n) {
		len = s[i] < 0x80 ? 1 : s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 :
		    s[i] >= 0xc2 ? 2 : 0;
		if (len == 0 || i + len > n)
			return 0;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* Every B-encoded word in s decodes to whole UTF-8 characters. */
static void
assert_words_whole(const char *s)
{
	const char *p = s, *e;
	unsigned char out[256];
	unsigned bits, n;
	size_t o;
	int v;

	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		p += 10;
		e = strstr(p, "?=");
		assert_non_null(e);
		for (o = 0, bits = 0, n = 0; p < e; p++) {
			if (*p == '=')
				continue;
			v = b64val(*p);
			assert_true(v >= 0);
			bits = bits << 6 | (unsigned)v;
			if ((n += 6) >= 8) {
				n -= 8;
				out[o++] = (unsigned char)(bits >> n);
			}
		}
		if (!utf8_whole(out, o))
			fail_msg("a word splits a character: %.*s", (int)o, out);
	}
}

/* ------------------------------------------------------- encoded words */

static void
test_subject_ascii(void **state)
{
	char *s;

	(void)state;
	s = unstructured("Subject", "Hello world");
	assert_string_equal(s, "Subject: Hello world\r\n");
	free(s);
	s = unstructured("Subject", "");
	assert_string_equal(s, "Subject:\r\n");
	free(s);
	/* no header injection: line breaks become one space */
	s = unstructured("Subject", "two\r\nlines\nBcc: x@y");
	assert_string_equal(s, "Subject: two lines Bcc: x@y\r\n");
	free(s);
	/* a literal "=?...?=" would be decoded by readers: encode it */
	s = unstructured("Subject", "not =?UTF-8?B?YQ==?= really");
	assert_string_equal(s,
	    "Subject: not =?UTF-8?B?PT9VVEYtOD9CP1lRPT0/PQ==?= really\r\n");
	free(s);
}

static void
test_subject_japanese(void **state)
{
	char *s;

	(void)state;
	s = unstructured("Subject", "日本語の件名です。長い件名は七十六文字で"
	    "折り返され、文字の途中では決して分割されません");
	assert_string_equal(s,
	    "Subject: =?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN44Gn44GZ44CC6ZW344GE5Lu25ZCN?=\r\n"
	    " =?UTF-8?B?44Gv5LiD5Y2B5YWt5paH5a2X44Gn5oqY44KK6L+U44GV44KM44CB5paH5a2X?=\r\n"
	    " =?UTF-8?B?44Gu6YCU5Lit44Gn44Gv5rG644GX44Gm5YiG5Ymy44GV44KM44G+44Gb44KT?=\r\n");
	assert_lines_max(s, 76);
	assert_words_whole(s);
	free(s);
	/* plain words stay plain; only the Japanese ones are encoded */
	s = unstructured("Subject", "Re: [list] 会議 and 東京 done");
	assert_string_equal(s, "Subject: Re: [list] =?UTF-8?B?5Lya6K2w?= and "
	    "=?UTF-8?B?5p2x5Lqs?= done\r\n");
	free(s);
}

static void
test_subject_q(void **state)
{
	char *s;

	(void)state;
	/* Q when it is no longer than B */
	s = unstructured("Subject", "Ich möchte eine Rückmeldung zu Köln, "
	    "schöne Grüße");
	assert_string_equal(s, "Subject: Ich =?UTF-8?Q?m=C3=B6chte?= eine "
	    "=?UTF-8?Q?R=C3=BCckmeldung?= zu\r\n"
	    " =?UTF-8?B?S8O2bG4sIHNjaMO2bmUgR3LDvMOfZQ==?=\r\n");
	free(s);
	/* B when it is shorter (here for the whole word) */
	s = unstructured("Subject", "Café au lait");
	assert_string_equal(s, "Subject: =?UTF-8?B?Q2Fmw6k=?= au lait\r\n");
	free(s);
}

/* Lines of at most 76 columns and whole characters, whatever the mix. */
static void
test_words_property(void **state)
{
	static const char *pieces[] = {
		"a", "日本", "😀", "é", " ", "longasciiword", "ü", "ｶﾀｶﾅ", "\t",
	};
	char text[600], *s;
	unsigned seed = 1, i, k;

	(void)state;
	for (i = 0; i < 300; i++) {
		text[0] = '\0';
		for (k = 0; k < 1 + i % 40; k++) {
			seed = seed * 1103515245 + 12345;
			strcat(text, pieces[(seed >> 16) % 9]);
		}
		s = unstructured("Subject", text);
		assert_lines_max(s, 76);
		assert_words_whole(s);
		free(s);
	}
}

/* ------------------------------------------------------ RFC 2231 names */

static void
test_param_names(void **state)
{
	char *s;

	(void)state;
	s = disposition("report.pdf", 0);
	assert_string_equal(s,
	    "Content-Disposition: attachment; filename=\"report.pdf\"\r\n");
	free(s);
	s = disposition("a \"q\".txt", 0);
	assert_string_equal(s,
	    "Content-Disposition: attachment; filename=\"a \\\"q\\\".txt\"\r\n");
	free(s);
	s = disposition("報告書.pdf", 0);
	assert_string_equal(s, "Content-Disposition: attachment;\r\n"
	    " filename*=UTF-8''%E5%A0%B1%E5%91%8A%E6%9B%B8.pdf\r\n");
	free(s);
	/* continuations, each between two characters */
	s = disposition("日本語のとても長いファイル名の添付書類です.pdf", 0);
	assert_string_equal(s, "Content-Disposition: attachment;\r\n"
	    " filename*0*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE%E3%81%A8%E3%81%A6;\r\n"
	    " filename*1*=%E3%82%82%E9%95%B7%E3%81%84%E3%83%95%E3%82%A1%E3%82%A4;\r\n"
	    " filename*2*=%E3%83%AB%E5%90%8D%E3%81%AE%E6%B7%BB%E4%BB%98%E6%9B%B8;\r\n"
	    " filename*3*=%E9%A1%9E%E3%81%A7%E3%81%99.pdf\r\n");
	assert_lines_max(s, 76);
	free(s);
	/* the encoded-word name= for old clients */
	s = disposition("報告書.pdf", 1);
	assert_string_equal(s, "Content-Disposition: attachment; "
	    "name=\"=?UTF-8?B?5aCx5ZGK5pu4LnBkZg==?=\"\r\n");
	free(s);
}

/* --------------------------------------------------- quoted-printable */

static void
test_qp(void **state)
{
	char *s, line[120];

	(void)state;
	s = qp("trailing space \ntrailing tab\t\n= sign and ünïcödé\n");
	assert_string_equal(s, "trailing space=20\r\ntrailing tab=09\r\n"
	    "=3D sign and =C3=BCn=C3=AFc=C3=B6d=C3=A9\r\n");
	free(s);
	/* a soft break after 75 columns; the last line may use all 76 */
	memset(line, 'x', 100);
	memcpy(line + 100, "\n", 2);
	s = qp(line);
	assert_string_equal(s, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\r\nxxxxxxxxxxxxxxxxxxxxxxxxx\r\n");
	free(s);
	/* an escape is never split by a soft break */
	memset(line, 'y', 75);
	memcpy(line + 75, "=\n", 3);
	s = qp(line);
	assert_string_equal(s + 75, "=\r\n=3D\r\n");
	free(s);
	/* the last line gets its CRLF */
	s = qp("no final newline");
	assert_string_equal(s, "no final newline\r\n");
	free(s);
}

static void
test_cte_choice(void **state)
{
	char *long_line = malloc(1200);

	(void)state;
	assert_int_equal(encode_text_cte("plain\n", 6, 0), CTE_7BIT);
	assert_int_equal(encode_text_cte("plain\n", 6, 1), CTE_7BIT);
	assert_int_equal(encode_text_cte("日本\n", 7, 1), CTE_8BIT);
	assert_int_equal(encode_text_cte("日本\n", 7, 0), CTE_QP);
	assert_int_equal(encode_text_cte("a\0b\n", 4, 1), CTE_QP);
	assert_int_equal(encode_text_cte("a\rb\n", 4, 1), CTE_QP);
	/* 998 octets is fine, 999 forces quoted-printable, also in 8bit */
	memset(long_line, 'a', 998);
	memcpy(long_line + 998, "\r\n", 2);
	assert_int_equal(encode_text_cte(long_line, 1000, 1), CTE_7BIT);
	memset(long_line, 'a', 999);
	memcpy(long_line + 999, "\r\n", 2);
	assert_int_equal(encode_text_cte(long_line, 1001, 1), CTE_QP);
	memcpy(long_line, "日本", 6);
	assert_int_equal(encode_text_cte(long_line, 1001, 1), CTE_QP);
	free(long_line);
}

static void
test_base64_lines(void **state)
{
	unsigned char data[200];
	struct ebuf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7);
	ebuf_init(&b);
	encode_base64(&b, data, sizeof(data));
	/* 200 bytes: 268 characters, lines of 76, 76, 76 and 40 */
	assert_int_equal(b.len, 268 + 4 * 2);
	assert_memory_equal(b.p + 76, "\r\n", 2);
	assert_memory_equal(b.p + 78 + 76, "\r\n", 2);
	assert_string_equal(b.p + b.len - 6, "anE=\r\n");
	assert_lines_max(b.p, 76);
	ebuf_free(&b);
}

/* ----------------------------------------------------------- addresses */

static void
test_addresses_ok(void **state)
{
	enum status st;
	char *s, *err;

	(void)state;
	s = addresses("\"Doe, John\" <john@example.org>, bob@example.org",
	    0, &st, &err);
	assert_string_equal(s,
	    "To: \"Doe, John\" <john@example.org>, bob@example.org\r\n");
	free(s);
	s = addresses("friends: a@b.example, \"c d\" <c@d.example>;, "
	    "e@f.example", 0, &st, &err);
	assert_string_equal(s, "To: friends: a@b.example, c d <c@d.example>;,"
	    " e@f.example\r\n");
	free(s);
	s = addresses("undisclosed-recipients:;", 0, &st, &err);
	assert_string_equal(s, "To: undisclosed-recipients:;\r\n");
	free(s);
	/* empty elements, a trailing comma, a comment */
	s = addresses(",a@b.example,, , c@d.example (Carol),", 0, &st, &err);
	assert_string_equal(s, "To: a@b.example, c@d.example\r\n");
	free(s);
	/* UTF-8 names are encoded; encoded names are decoded, then encoded */
	s = addresses("山田 太郎 <taro@example.jp>, "
	    "=?UTF-8?B?5bGx55Sw?= <y@example.jp>", 0, &st, &err);
	assert_string_equal(s, "To: =?UTF-8?B?5bGx55SwIOWkqumDjg==?= "
	    "<taro@example.jp>, =?UTF-8?B?5bGx55Sw?=\r\n <y@example.jp>\r\n");
	assert_lines_max(s, 76);
	free(s);
	/* a name with a dot is quoted */
	s = addresses("J. Doe <j@example.org>", 0, &st, &err);
	assert_string_equal(s, "To: \"J. Doe\" <j@example.org>\r\n");
	free(s);
	/* a local name only for sendmail's sake */
	s = addresses("root", 1, &st, &err);
	assert_string_equal(s, "To: root\r\n");
	free(s);
}

static void
test_spec_valid(void **state)
{
	(void)state;
	assert_true(address_spec_valid("a@example.org", 0));
	assert_true(address_spec_valid("a@[192.0.2.1]", 0));
	assert_true(address_spec_valid("a@[IPv6:2001:db8::1]", 0));
	assert_true(address_spec_valid("root", 1));
	assert_false(address_spec_valid("root", 0));
	/* nothing that could end or extend an SMTP command */
	assert_false(address_spec_valid("a@[1\r\nRSET]", 0));
	assert_false(address_spec_valid("a@[x> NOTIFY=SUCCESS", 0));
	assert_false(address_spec_valid("a@b> SIZE=1", 0));
	assert_false(address_spec_valid("a b@c", 0));
	assert_false(address_spec_valid("a@b@c", 0));
	assert_false(address_spec_valid("@b", 0));
	assert_false(address_spec_valid("a@", 0));
}

static void
test_addresses_bad(void **state)
{
	static const char *bad[] = {
		"Yamada, Taro <taro@example.jp>",	/* unquoted comma */
		"bob",					/* no domain */
		"a@b.example c@d.example",		/* no comma */
		"ユーザー@example.jp",			/* not ASCII */
		"<<<",
		"a@b.example\r\nBcc: evil@example.net",
	};
	enum status st;
	size_t i;
	char *s, *err;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		s = addresses(bad[i], 0, &st, &err);
		if (s != NULL)
			fail_msg("accepted %s as %s", bad[i], s);
		assert_int_equal(st, ST_USAGE);
		assert_non_null(err);
		assert_non_null(strstr(err, "To: "));
		free(err);
	}
	s = addresses("Yamada, Taro <taro@example.jp>", 0, &st, &err);
	assert_non_null(strstr(err, "\"Yamada\""));
	free(err);
}

/* ------------------------------------------------------ whole messages */

static struct account test_acct = {
	.name = "work", .realname = "Alice Example",
	.email = "alice@example.com",
};

static const struct message_fixed fixed = {
	1700000000, "<fixed.1@example.com>", "=_b0undary"
};

static void
test_build_simple(void **state)
{
	struct draft d = { 0 };
	struct envelope_out env;
	char *out, *err = NULL;
	size_t len;

	(void)state;
	d.to = "Bob <bob@example.org>";
	d.bcc = "secret@example.net, bob@example.org";
	d.subject = "件名";
	d.body = "本文です。\nline 2\n";
	d.in_reply_to = "<a@x>\r\nBcc: evil@example.net";
	assert_int_equal(message_build_fixed(&d, &test_acct, 1, &fixed, &out, &len,
	    &env, &err), ST_OK);
	assert_string_equal(out,
	    "Date: Wed, 15 Nov 2023 07:13:20 +0900\r\n"
	    "From: Alice Example <alice@example.com>\r\n"
	    "To: Bob <bob@example.org>\r\n"
	    "Subject: =?UTF-8?B?5Lu25ZCN?=\r\n"
	    "Message-ID: <fixed.1@example.com>\r\n"
	    "In-Reply-To: <a@x>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n"
	    "本文です。\r\nline 2\r\n");
	assert_int_equal(len, strlen(out));
	assert_string_equal(env.from, "alice@example.com");
	assert_int_equal(env.nrcpt, 2);
	assert_string_equal(env.rcpt[0], "bob@example.org");
	assert_string_equal(env.rcpt[1], "secret@example.net");
	assert_null(strstr(out, "secret"));
	free(out);
	envelope_out_clear(&env);
	/* without 8BITMIME: quoted-printable */
	assert_int_equal(message_build_fixed(&d, &test_acct, 0, &fixed, &out, &len,
	    &env, &err), ST_OK);
	assert_non_null(strstr(out, "Content-Transfer-Encoding: "
	    "quoted-printable\r\n\r\n=E6=9C=AC=E6=96=87=E3=81=A7=E3=81=99="
	    "E3=80=82\r\nline 2\r\n"));
	free(out);
	envelope_out_clear(&env);
}

static void
test_build_attachment(void **state)
{
	char dir[] = "/tmp/test_message.XXXXXX", *path, *out, *err = NULL;
	static const char *expect =
	    "--=_b0undary\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n"
	    "\r\n"
	    "see attached\r\n"
	    "\r\n--=_b0undary\r\n"
	    "Content-Type: text/plain; charset=utf-8;\r\n"
	    " name=\"=?UTF-8?B?5pel5pys6Kqe44Gu5ZCN5YmNLnR4dA==?=\"\r\n"
	    "Content-Disposition: attachment;\r\n"
	    " filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE%E5%90%8D%E5%89%8D.txt\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "\r\n"
	    "44GT44KT44Gr44Gh44GvCg==\r\n"
	    "\r\n--=_b0undary--\r\n";
	struct draft d = { 0 };
	struct envelope_out env;
	size_t len;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_true(asprintf(&path, "%s/日本語の名前.txt", dir) > 0);
	assert_non_null(f = fopen(path, "w"));
	fputs("こんにちは\n", f);
	fclose(f);
	d.to = "bob@example.org";
	d.subject = "file";
	d.body = "see attached\n";
	d.attach = &path;
	d.nattach = 1;
	assert_int_equal(message_build_fixed(&d, &test_acct, 0, &fixed, &out, &len,
	    &env, &err), ST_OK);
	assert_non_null(strstr(out, "Content-Type: multipart/mixed; "
	    "boundary=\"=_b0undary\"\r\n\r\n"));
	assert_non_null(strstr(out, expect));
	assert_lines_max(out, 76);
	free(out);
	envelope_out_clear(&env);
	unlink(path);
	/* a missing attachment is named */
	assert_int_equal(message_build_fixed(&d, &test_acct, 0, &fixed, &out, &len,
	    &env, &err), ST_USAGE);
	assert_non_null(strstr(err, "日本語の名前.txt"));
	free(err);
	free(path);
	rmdir(dir);
}

static void
test_build_errors(void **state)
{
	struct draft d = { 0 };
	struct envelope_out env;
	char *out, *err = NULL;
	size_t len;

	(void)state;
	d.subject = "nobody";
	assert_int_equal(message_build(&d, &test_acct, 0, &out, &len, &env, &err),
	    ST_USAGE);
	assert_non_null(strstr(err, "recipient"));
	free(err);
	err = NULL;
	d.to = "a@b.example";
	d.from = "one@example.com, two@example.com";
	assert_int_equal(message_build(&d, &test_acct, 0, &out, &len, &env, &err),
	    ST_USAGE);
	free(err);
	err = NULL;
	/* Bcc only: undisclosed recipients, nothing of the Bcc written */
	d.from = NULL;
	d.to = NULL;
	d.bcc = "hidden@example.net";
	assert_int_equal(message_build_fixed(&d, &test_acct, 0, &fixed, &out, &len,
	    &env, &err), ST_OK);
	assert_non_null(strstr(out, "\r\nTo: undisclosed-recipients:;\r\n"));
	assert_null(strstr(out, "hidden"));
	assert_int_equal(env.nrcpt, 1);
	free(out);
	envelope_out_clear(&env);
}

/* ---------------------------------------------------------- envelopes */

static const char whole[] =
    "From: Alice <alice@example.com>\n"
    "To: bob@example.org, \"Doe, John\" <john@example.org>\n"
    "Cc: team: carol@example.net;\n"
    "Bcc: dave@example.net,\n"
    " eve@example.net\n"
    "Subject: hi\n"
    "\n"
    "To: notme@example.com\n";

static void
test_envelope_t(void **state)
{
	static const char *want[] = {
		"bob@example.org", "john@example.org", "carol@example.net",
		"dave@example.net", "eve@example.net", "x@example.org",
	};
	char *args[] = { "x@example.org", "bob@example.org" };
	struct envelope_out env;
	char *err = NULL;
	size_t i;

	(void)state;
	assert_int_equal(message_envelope(whole, strlen(whole), NULL, args, 2,
	    1, &env, &err), ST_OK);
	assert_string_equal(env.from, "alice@example.com");
	assert_int_equal(env.nrcpt, 6);
	for (i = 0; i < 6; i++)
		assert_string_equal(env.rcpt[i], want[i]);
	envelope_out_clear(&env);
	/* without -t only the arguments; -f wins over From */
	assert_int_equal(message_envelope(whole, strlen(whole),
	    "bounce@example.com", args, 1, 0, &env, &err), ST_OK);
	assert_string_equal(env.from, "bounce@example.com");
	assert_int_equal(env.nrcpt, 1);
	envelope_out_clear(&env);
	assert_int_equal(message_envelope(whole, strlen(whole), "<>", args, 1,
	    0, &env, &err), ST_OK);
	assert_string_equal(env.from, "");
	envelope_out_clear(&env);
}

static void
test_envelope_errors(void **state)
{
	static const char bad_to[] = "From: a@example.com\nTo: <<<\n\nx\n";
	static const char no_from[] = "Subject: x\n\nbody\n";
	char *args[] = { "root", "a@b\r\nRCPT TO:<evil@x>" };
	struct envelope_out env;
	char *err = NULL;

	(void)state;
	assert_int_equal(message_envelope(whole, strlen(whole), NULL, args, 0,
	    0, &env, &err), ST_USAGE);
	assert_non_null(strstr(err, "-t"));
	free(err);
	assert_int_equal(message_envelope(bad_to, strlen(bad_to), NULL, NULL, 0,
	    1, &env, &err), ST_USAGE);
	assert_non_null(strstr(err, "To:"));
	free(err);
	/* no From and no -f: the caller decides (NULL) */
	assert_int_equal(message_envelope(no_from, strlen(no_from), NULL, args,
	    1, 0, &env, &err), ST_OK);
	assert_null(env.from);
	assert_string_equal(env.rcpt[0], "root");
	envelope_out_clear(&env);
	/* nothing can be smuggled into the SMTP dialogue */
	assert_int_equal(message_envelope(no_from, strlen(no_from), NULL,
	    args + 1, 1, 0, &env, &err), ST_USAGE);
	free(err);
	assert_int_equal(message_envelope(no_from, strlen(no_from),
	    "a@b>\r\nRSET", args, 1, 0, &env, &err), ST_USAGE);
	free(err);
}

static void
test_prepare(void **state)
{
	static const char in[] =
	    "Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
	    "Message-ID: <m@example.com>\n"
	    "From: a@example.com\n"
	    "BCC: dave@example.net,\n"
	    "\teve@example.net\n"
	    "Subject: x\n"
	    "\n"
	    "Bcc: stays in the body\n";
	char *out, *id;
	size_t len;

	(void)state;
	message_prepare(in, strlen(in), "a@example.com", NULL, &out, &len);
	assert_string_equal(out,
	    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
	    "Message-ID: <m@example.com>\r\n"
	    "From: a@example.com\r\n"
	    "Subject: x\r\n"
	    "\r\n"
	    "Bcc: stays in the body\r\n");
	id = message_id_of(out, len);
	assert_string_equal(id, "<m@example.com>");
	free(id);
	free(out);
	/* a bare text: headers are made up */
	message_prepare("hello\n", 6, "a@example.com", "Cron Daemon", &out,
	    &len);
	assert_memory_equal(out, "Date: ", 6);
	assert_non_null(strstr(out, "\r\nMessage-ID: <"));
	assert_non_null(strstr(out, "@example.com>\r\nFrom: Cron Daemon "
	    "<a@example.com>\r\n\r\nhello\r\n"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subject_ascii),
		cmocka_unit_test(test_subject_japanese),
		cmocka_unit_test(test_subject_q),
		cmocka_unit_test(test_words_property),
		cmocka_unit_test(test_param_names),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_cte_choice),
		cmocka_unit_test(test_base64_lines),
		cmocka_unit_test(test_addresses_ok),
		cmocka_unit_test(test_spec_valid),
		cmocka_unit_test(test_addresses_bad),
		cmocka_unit_test(test_build_simple),
		cmocka_unit_test(test_build_attachment),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_envelope_t),
		cmocka_unit_test(test_envelope_errors),
		cmocka_unit_test(test_prepare),
	};

	/* Dates in the tests are in Japan's time (no tzdata needed). */
	setenv("TZ", "JST-9", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
