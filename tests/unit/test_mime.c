/* test_mime.c: messages as documents (the files of tests/corpus against their
 * .expected dumps), RFC 2047 words, RFC 2231 parameters, HTML as text,
 * the sandboxed dumper, attachment names and saving. */
#include "build-config.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "argv.h"
#include "config.h"
#include "html.h"
#include "mime.h"
#include "save.h"
#include "strbuf.h"
#include "xmalloc.h"

/* ------------------------------------------------------------ helpers */

/* A whole file, or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	struct strbuf b = { 0 };
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&b, buf, n);
	fclose(f);
	return strbuf_take(&b, len);
}

/* A document as text: one line per block ("T1|text") and attachment. */
static char *
dump(const struct mime_doc *d)
{
	static const char *const kind[] = { "H", "T", "N", "M" };
	struct strbuf b = { 0 };
	size_t i;

	for (i = 0; i < d->nblocks; i++)
		strbuf_addf(&b, "%s%d|%s\n", kind[d->blocks[i].kind],
		    d->blocks[i].depth, d->blocks[i].text);
	for (i = 0; i < d->natts; i++)
		strbuf_addf(&b, "A%d|%s|%s|%zu\n", d->atts[i].depth,
		    d->atts[i].name, d->atts[i].type, d->atts[i].size);
	strbuf_addf(&b, "type=%s\n", d->type);
	return strbuf_take(&b, NULL);
}

/* Parse a message given as a string. */
static struct mime_doc *
parse(const char *msg, const char *dumper)
{
	struct mime_options o = { dumper };

	return mime_parse(msg, strlen(msg), &o);
}

/* The text of the first block of a kind, or NULL. */
static const char *
block(const struct mime_doc *d, enum mime_kind kind, int depth)
{
	size_t i;

	for (i = 0; i < d->nblocks; i++)
		if (d->blocks[i].kind == kind && d->blocks[i].depth == depth)
			return d->blocks[i].text;
	return NULL;
}

/* ------------------------------------------------------------- corpus */

static void
test_corpus(void **state)
{
	static const char *const names[] = {
		"alternative", "html-only", "forward-nested", "iso2022jp",
		"iso2022jp-mislabel", "iso2022jp-0212", "sjis-cp932", "eucjp",
		"gbk", "big5", "koi8r", "cp1251", "malformed-boundary",
		"no-boundary", "escape", "rfc2231", "unknown-8bit",
	};
	const char *top = getenv("top_srcdir");
	char *path, *raw, *want, *got;
	struct mime_doc *d;
	size_t i, len;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path = xasprintf("%s/tests/corpus/%s.eml", top ? top : ".",
		    names[i]);
		raw = slurp(path, &len);
		if (raw == NULL)
			fail_msg("cannot read %s", path);
		free(path);
		path = xasprintf("%s/tests/corpus/%s.expected", top ? top :
		    ".", names[i]);
		want = slurp(path, NULL);
		if (want == NULL)
			fail_msg("cannot read %s", path);
		d = mime_parse(raw, len, NULL);
		got = dump(d);
		if (strcmp(got, want) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", names[i], got, want);
		mime_doc_free(d);
		free(got);
		free(want);
		free(raw);
		free(path);
	}
}

/* ----------------------------------------------------- header words */

static void
expect_header(const char *raw, const char *want)
{
	char *got = mime_decode_header(raw);

	assert_string_equal(got, want);
	free(got);
}

static void
test_decode_header(void **state)
{
	expect_header("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "日本語");
	/* Mislabelled: NEC row 13 in an ISO-2022-JP word. */
	expect_header("=?iso-2022-jp?B?GyRCLSEtahsoQg==?=", "①㈱");
	expect_header("=?Shift_JIS?B?h0CBYA==?=", "①～");
	expect_header("=?utf-8?q?caf=C3=A9?= au lait", "café au lait");
	/* A character split across two words. */
	expect_header("=?UTF-8?B?5pel?= =?UTF-8?B?5pys?=", "日本");
	expect_header("=?x-unknown?Q?caf=E9?=", "café");
	expect_header("=?koi8-r?B?8NLJ18XU?=", "Привет");
	/* Raw 8-bit and plain text are kept (made UTF-8). */
	expect_header("caf\xe9", "café");
	expect_header("plain  two  spaces", "plain  two  spaces");
	expect_header(NULL, "");
	/* Escape sequences come through as data (the UI strips them). */
	expect_header("=?utf-8?q?a=1B]0;x=07b?=", "a\x1b]0;x\x07" "b");
}

/* ------------------------------------------------------- parameters */

static void
expect_param(const char *header, const char *key, const char *want)
{
	char *got = mime_param(header, key);

	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_rfc2231(void **state)
{
	expect_param("attachment; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt",
	    "filename", "日本.txt");
	expect_param("attachment; filename*=iso-8859-1'en'%A3%20rates.pdf",
	    "filename", "£ rates.pdf");
	/* Continuations: encoded, then plain. */
	expect_param("attachment; filename*0*=UTF-8''%E5%A0%B1; "
	    "filename*1*=%E5%91%8A; filename*2=\".doc\"", "filename",
	    "報告.doc");
	/* charset'lang' with ISO-2022-JP. */
	expect_param("attachment; filename*=iso-2022-jp'ja'"
	    "%1B%24B%3Bq%4E%41%1B%28B.txt", "filename", "資料.txt");
	/* The common violation: an RFC 2047 word in quotes. */
	expect_param("application/pdf; name=\"=?UTF-8?B?6KaL56mN?=.pdf\"",
	    "name", "見積.pdf");
	expect_param("text/plain; charset=\"utf-8\"", "charset", "utf-8");
	expect_param("attachment", "filename", NULL);
}

/* ---------------------------------------------------------- shapes */

static void
test_big_attachment(void **state)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t size = (size_t)20 * 1024 * 1024, i, k = 0;
	struct strbuf m = { 0 };
	struct mime_doc *d;
	unsigned char *data = xmalloc(size);
	uint32_t x = 1;

	for (i = 0; i < size; i++) {
		x = x * 1103515245 + 12345;
		data[i] = (unsigned char)(x >> 16);
	}
	strbuf_adds(&m, "Subject: big\r\nMIME-Version: 1.0\r\nContent-Type: "
	    "multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/"
	    "plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: application/"
	    "octet-stream; name=big.bin\r\nContent-Transfer-Encoding: "
	    "base64\r\n\r\n");
	for (i = 0; i < size; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 |
		    (i + 1 < size ? (uint32_t)data[i + 1] << 8 : 0) |
		    (i + 2 < size ? data[i + 2] : 0);
		char q[4] = { b64[v >> 18], b64[v >> 12 & 63],
		    i + 1 < size ? b64[v >> 6 & 63] : '=',
		    i + 2 < size ? b64[v & 63] : '=' };

		strbuf_add(&m, q, 4);
		if (++k % 19 == 0)
			strbuf_add(&m, "\r\n", 2);
	}
	strbuf_adds(&m, "\r\n--b--\r\n");
	d = mime_parse(m.s, m.len, NULL);
	assert_int_equal(d->natts, 1);
	assert_string_equal(d->atts[0].name, "big.bin");
	assert_int_equal(d->atts[0].size, size);
	assert_memory_equal(d->atts[0].data, data, size);
	assert_string_equal(block(d, MIME_TEXT, 0), "see attached");
	mime_doc_free(d);
	strbuf_clear(&m);
	free(data);
}

static void
test_nesting_limits(void **state)
{
	struct strbuf m = { 0 };
	struct mime_doc *d;
	char *text;
	int i;

	/* 40 levels: libetpan stops nesting at about 20 and keeps the rest
	 * as text, which is shown. */
	strbuf_adds(&m, "Content-Type: multipart/mixed; boundary=b0\r\n\r\n");
	for (i = 1; i < 40; i++)
		strbuf_addf(&m, "--b%d\r\nContent-Type: multipart/mixed; "
		    "boundary=b%d\r\n\r\n", i - 1, i);
	strbuf_addf(&m, "--b%d\r\n\r\ndeep text\r\n", i - 1);
	d = mime_parse(m.s, m.len, NULL);
	text = dump(d);
	assert_non_null(strstr(text, "deep text"));
	free(text);
	mime_doc_free(d);
	strbuf_clear(&m);
	/* More containers than MIME_MAX_CONTAINERS: raw text. */
	strbuf_adds(&m, "Subject: many\r\nContent-Type: multipart/mixed; "
	    "boundary=b0\r\n\r\n");
	for (i = 1; i <= MIME_MAX_CONTAINERS + 1; i++)
		strbuf_addf(&m, "--b%d\r\nContent-Type: multipart/mixed; "
		    "boundary=b%d\r\n\r\n", i - 1, i);
	d = mime_parse(m.s, m.len, NULL);
	assert_non_null(strstr(block(d, MIME_NOTE, 0), "too many"));
	assert_string_equal(block(d, MIME_HEADER, 0), "Subject: many");
	mime_doc_free(d);
	strbuf_clear(&m);
}

static void
test_garbage(void **state)
{
	static const char *const msgs[] = {
		"", "\r\n", "Content-Type: multipart/mixed\r\n\r\n--\r\n",
		"Content-Type: message/rfc822\r\n\r\n",
		"Content-Type: text/plain; charset=\"\r\n\r\nx",
		"Content-Transfer-Encoding: base64\r\n\r\n!!!!",
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n=\r\n=Z",
	};
	struct mime_doc *d;
	size_t i;

	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		d = parse(msgs[i], NULL);
		assert_non_null(d->type);
		mime_doc_free(d);
	}
}

static void
test_doc_copy(void **state)
{
	struct mime_doc *d = parse("Subject: s\r\nContent-Type: multipart/"
	    "mixed; boundary=x\r\n\r\n--x\r\n\r\nhi\r\n--x\r\nContent-Type: "
	    "image/png; name=a.png\r\n\r\nPNG\r\n--x--\r\n", NULL), *c;
	char *a, *b;

	c = mime_doc_copy(d);
	a = dump(d);
	b = dump(c);
	assert_string_equal(a, b);
	assert_string_equal(a, "H0|Subject: s\nT0|hi\nA0|a.png|image/png|3\n"
	    "type=text/plain\n");
	b[0] = '\0';
	free(a);
	free(b);
	a = mime_doc_body(c);
	assert_string_equal(a, "hi\n");
	free(a);
	a = mime_doc_headers(c);
	assert_string_equal(a, "Subject: s\n");
	free(a);
	mime_doc_free(d);
	mime_doc_free(c);
	mime_doc_free(NULL);
}

/* ------------------------------------------------------------- HTML */

static void
expect_html(const char *html, const char *want)
{
	char *got = html_to_text(html, strlen(html));

	assert_string_equal(got, want);
	free(got);
}

static void
test_html_builtin(void **state)
{
	expect_html("<p>a &amp; b</p><p>c&nbsp;d</p>", "a & b\n\nc d\n");
	expect_html("<script>alert(1)</script><style>x{}</style>text",
	    "text\n");
	/* libxml2 puts loose text in an implied <p>. */
	expect_html("x<br>y<div>z</div>", "x\ny\n\nz\n");
	expect_html("see <a href=\"https://a.example/\">this</a> and "
	    "<a href='#top'>top</a>, <a href=\"https://a.example/\">again"
	    "</a>", "see this[1] and top, again[1]\n\nLinks:\n"
	    "[1] https://a.example/\n");
	expect_html("<ul><li>one<li>two</ul>", "* one\n* two\n");
	expect_html("<pre>  a\n   b</pre>", "  a\n   b\n");
	expect_html("<img src=x alt=\"logo\">&#x65E5;&#26412;&eacute;",
	    "[logo]日本é\n");
	expect_html("<head><title>t</title></head>", "");
	expect_html("<p>unclosed <b>bold <i>mess", "unclosed bold mess\n");
}

static void
test_html_deep(void **state)
{
	struct strbuf b = { 0 };
	char *out;
	int i;

	for (i = 0; i < 100000; i++)
		strbuf_adds(&b, "<div>");
	strbuf_adds(&b, "deep");
	out = html_to_text(b.s, b.len);
	assert_non_null(out);
	free(out);
	strbuf_clear(&b);
}

/* Run a dumper on HTML; its status, output or error in *out. */
static enum status
dumper(const char *cmd, const char *html, char **out)
{
	char *err = NULL;
	int cut = 0;
	enum status st = html_dump(cmd, html, strlen(html), out, &cut, &err);

	if (st != ST_OK)
		*out = err;
	return st;
}

static void
test_html_dumper(void **state)
{
	char *out;

	assert_int_equal(dumper("cat", "<p>x</p>", &out), ST_OK);
	assert_string_equal(out, "<p>x</p>");
	free(out);
	assert_int_equal(dumper("no-such-dumper-here -x", "x", &out),
	    ST_USAGE);
	assert_non_null(strstr(out, "not installed"));
	free(out);
	assert_int_equal(dumper("false", "x", &out), ST_USAGE);
	assert_non_null(strstr(out, "exit status 1"));
	free(out);
	/* It gets no network, but may read and write. */
	assert_int_equal(dumper("python3 -c 'import socket,sys; sys.stdin."
	    "read()\ntry:\n socket.socket(socket.AF_INET6); print(\"net\")\n"
	    "except OSError as e: print(\"denied\", e.errno)'", "x", &out),
	    ST_OK);
	assert_string_equal(out, "denied 13\n");
	free(out);
	/* A dumper that does not stop is killed. */
	assert_int_equal(dumper("sleep 600", "x", &out), ST_USAGE);
	assert_non_null(strstr(out, "did not finish"));
	free(out);
}

static void
test_html_dumper_in_doc(void **state)
{
	const char *msg = "Content-Type: text/html\r\n\r\n<p>hi &amp; bye</p>";
	struct mime_doc *d;

	d = parse(msg, "cat");
	assert_string_equal(block(d, MIME_TEXT, 0), "<p>hi &amp; bye</p>");
	assert_null(block(d, MIME_NOTE, 0));
	mime_doc_free(d);
	d = parse(msg, "false");
	assert_string_equal(block(d, MIME_TEXT, 0), "hi & bye\n");
	assert_non_null(strstr(block(d, MIME_NOTE, 0), "built-in"));
	mime_doc_free(d);
	d = parse(msg, NULL);
	assert_string_equal(block(d, MIME_TEXT, 0), "hi & bye\n");
	mime_doc_free(d);
}

/* -------------------------------------------------- commands, config */

static void
expect_argv(const char *cmd, int n, const char *a0, const char *a1)
{
	char **v = NULL, *err = NULL;

	assert_int_equal(argv_split(cmd, &v, &err), ST_OK);
	assert_string_equal(v[0], a0);
	if (n > 1)
		assert_string_equal(v[1], a1);
	assert_null(v[n]);
	argv_free(v);
}

static void
test_argv(void **state)
{
	static const char *const bad[] = {
		"", "   ", "w3m | less", "w3m; rm x", "a 'open", "w3m $HOME",
		"w3m `x`", "~/bin/dump", "a > b",
	};
	char **v, *err;
	size_t i;

	expect_argv("w3m -dump", 2, "w3m", "-dump");
	expect_argv("  a\t'b c'  ", 2, "a", "b c");
	expect_argv("a \"b \\\" c\"", 2, "a", "b \" c");
	expect_argv("a b\\ c", 2, "a", "b c");
	expect_argv("a ''", 2, "a", "");
	expect_argv("a '|'", 2, "a", "|");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		assert_int_equal(argv_split(bad[i], &v, &err), ST_USAGE);
		assert_non_null(err);
		free(err);
	}
}

static void
test_config_dumper(void **state)
{
	char path[] = "/tmp/starling-mime-XXXXXX", *err = NULL, *want;
	struct config *cfg = NULL;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fprintf(f, "[starling]\nhtml_dumper = w3m -dump | less\n");
	fclose(f);
	assert_int_equal(config_load(path, &cfg, &err), -1);
	want = xasprintf("%s:2: ", path);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	assert_non_null(strstr(err, "html_dumper"));
	assert_non_null(strstr(err, "shell"));
	free(want);
	free(err);
	f = fopen(path, "w");
	fprintf(f, "[starling]\nhtml_dumper = w3m -dump -T text/html\n"
	    "[a]\nimap = imaps://example.org\n");
	fclose(f);
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_string_equal(cfg->html_dumper, "w3m -dump -T text/html");
	config_free(cfg);
	unlink(path);
}

/* ------------------------------------------------------------ saving */

static void
expect_name(const char *given, const char *want)
{
	char *got = save_name(given);

	assert_string_equal(got, want);
	free(got);
}

static void
test_save_name(void **state)
{
	char *s, *got;

	expect_name("report.pdf", "report.pdf");
	expect_name("../../etc/passwd", "passwd");
	expect_name("..\\..\\evil.exe", "evil.exe");
	expect_name("/abs/path/x", "x");
	expect_name(".bashrc", "bashrc");
	expect_name("..", "attachment");
	expect_name(" . ", "attachment");
	expect_name("", "attachment");
	expect_name(NULL, "attachment");
	expect_name("trailing. ", "trailing");
	expect_name("a\x1b[31mb\x07", "a_[31mb_");
	expect_name("c1\xc2\x9b" "x", "c1_x");
	expect_name("bad\xff" "utf8", "bad_utf8");
	expect_name("evil\xe2\x80\xaegpj.exe", "evil_gpj.exe");
	expect_name("日本語の資料.pdf", "日本語の資料.pdf");
	s = xmalloc(400);
	memset(s, 'a', 300);
	strcpy(s + 300, ".pdf");
	got = save_name(s);
	assert_int_equal(strlen(got), SAVE_NAME_MAX);
	assert_string_equal(got + SAVE_NAME_MAX - 4, ".pdf");
	free(got);
	free(s);
}

/* The bytes of a file, as a string. */
static char *
file_text(const char *path)
{
	return slurp(path, NULL);
}

static void
test_save_file(void **state)
{
	char dir[] = "/tmp/starling-save-XXXXXX", *path, *err = NULL, *t;
	struct stat sb;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(save_file(dir, "../x.txt", "one", 3, &path, &err),
	    ST_OK);
	t = xasprintf("%s/x.txt", dir);
	assert_string_equal(path, t);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	free(path);
	/* Never replaced: a number is added. */
	assert_int_equal(save_file(dir, "x.txt", "two", 3, &path, &err),
	    ST_OK);
	free(t);
	t = xasprintf("%s/x-1.txt", dir);
	assert_string_equal(path, t);
	free(path);
	path = xasprintf("%s/x.txt", dir);
	free(t);
	t = file_text(path);
	assert_string_equal(t, "one");
	free(t);
	free(path);
	/* A symlink in the way is not followed. */
	path = xasprintf("%s/link", dir);
	assert_int_equal(symlink("/tmp/starling-nowhere", path), 0);
	free(path);
	assert_int_equal(save_file(dir, "link", "3", 1, &path, &err), ST_OK);
	assert_non_null(strstr(path, "/link-1"));
	assert_int_equal(lstat("/tmp/starling-nowhere", &sb), -1);
	free(path);
	/* Not a folder, or none. */
	assert_int_equal(save_file("/nonexistent/dir", "a", "x", 1, &path,
	    &err), ST_USAGE);
	assert_non_null(strstr(err, "/nonexistent/dir"));
	free(err);
	t = xasprintf("%s/x.txt", dir);
	assert_int_equal(save_file(t, "a", "x", 1, &path, &err), ST_USAGE);
	assert_non_null(strstr(err, "not a folder"));
	free(err);
	free(t);
	t = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(t), 0);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_decode_header),
		cmocka_unit_test(test_rfc2231),
		cmocka_unit_test(test_big_attachment),
		cmocka_unit_test(test_nesting_limits),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_doc_copy),
		cmocka_unit_test(test_html_builtin),
		cmocka_unit_test(test_html_deep),
		cmocka_unit_test(test_html_dumper),
		cmocka_unit_test(test_html_dumper_in_doc),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_config_dumper),
		cmocka_unit_test(test_save_name),
		cmocka_unit_test(test_save_file),
	};

	return cmocka_run_group_tests_name("mime", tests, NULL, NULL);
}
