/* test_draft.c: the editable text of a message, replies and forwards. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "draft.h"

static struct account alice = {
	.name = "work",
	.realname = "Alice Example",
	.email = "alice@example.com",
};

/* Parse text; the status, and the error in *err (or NULL). */
static enum status
parse(const char *text, struct draft *d, char **err)
{
	*err = NULL;
	return draft_parse(text, strlen(text), d, err);
}

/* Parsing text fails, and the error starts with want. */
static void
parse_fails(const char *text, const char *want)
{
	struct draft d;
	char *err;

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse(text, &d, &err), ST_USAGE);
	assert_non_null(err);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", err, want);
	assert_null(d.to);
	assert_null(d.body);
	free(err);
	draft_clear(&d);
}

/* The error of a failed parse contains want. */
static void
parse_fails_with(const char *text, const char *want)
{
	struct draft d;
	char *err;

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse(text, &d, &err), ST_USAGE);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	free(err);
	draft_clear(&d);
}

/* ------------------------------------------------------------- the text */

static void
test_text_new(void **state)
{
	struct draft d;
	char *t;

	draft_new(&alice, &d);
	t = draft_text(&d);
	assert_string_equal(t, "From: Alice Example <alice@example.com>\n"
	    "To: \nCc: \nBcc: \nSubject: \n\n");
	free(t);
	draft_clear(&d);
	draft_new(NULL, &d);
	assert_null(d.from);
	assert_string_equal(d.body, "");
	draft_clear(&d);
}

static void
test_parse_roundtrip(void **state)
{
	const char *text = "From: Alice Example <alice@example.com>\n"
	    "To: bob@example.org, 山田 太郎 <taro@example.jp>\n"
	    "Cc: \nBcc: boss@example.com\n"
	    "Subject: 会議の件について\n\n"
	    "山田さん\n\nこんにちは。\n-- \nAlice\n";
	struct draft d;
	char *err, *t;

	memset(&d, 0, sizeof(d));
	assert_int_equal(parse(text, &d, &err), ST_OK);
	assert_string_equal(d.from, "Alice Example <alice@example.com>");
	assert_string_equal(d.to, "bob@example.org, 山田 太郎 <taro@example.jp>");
	assert_null(d.cc);
	assert_string_equal(d.bcc, "boss@example.com");
	assert_string_equal(d.subject, "会議の件について");
	assert_string_equal(d.body, "山田さん\n\nこんにちは。\n-- \nAlice\n");
	t = draft_text(&d);
	assert_string_equal(t, "From: Alice Example <alice@example.com>\n"
	    "To: bob@example.org, 山田 太郎 <taro@example.jp>\n"
	    "Cc: \nBcc: boss@example.com\n"
	    "Subject: 会議の件について\n\n"
	    "山田さん\n\nこんにちは。\n-- \nAlice\n");
	free(t);
	draft_clear(&d);
}

static void
test_parse_forms(void **state)
{
	struct draft d;
	char *err;

	memset(&d, 0, sizeof(d));
	/* any case, CRLF, continuation lines, repeated To, no body */
	assert_int_equal(parse("SUBJECT: hi\r\nto: a@x,\r\n  b@y\r\n"
	    "TO: c@z\r\n", &d, &err), ST_OK);
	assert_string_equal(d.to, "a@x, b@y, c@z");
	assert_string_equal(d.subject, "hi");
	assert_null(d.body);
	assert_null(d.from);
	/* a second parse replaces the edited fields, keeps the others */
	d.in_reply_to = strdup("<p@x>");
	d.references = strdup("<r@x> <p@x>");
	assert_int_equal(parse("To: q@x\n\nbody\r\n", &d, &err), ST_OK);
	assert_string_equal(d.to, "q@x");
	assert_null(d.subject);
	assert_string_equal(d.body, "body\n");
	assert_string_equal(d.in_reply_to, "<p@x>");
	assert_string_equal(d.references, "<r@x> <p@x>");
	/* a lone CR, a tab or an escape in a header value is a space */
	assert_int_equal(parse("To: a@x\r b@y\nSubject: one\ttwo\x1b[2J\n\n",
	    &d, &err), ST_OK);
	assert_string_equal(d.to, "a@x b@y");
	assert_string_equal(d.subject, "one two [2J");
	/* Cc or Bcc alone is a recipient */
	assert_int_equal(parse("To:\nBcc: hidden@x\n\n", &d, &err), ST_OK);
	assert_null(d.to);
	assert_string_equal(d.bcc, "hidden@x");
	draft_clear(&d);
}

static void
test_parse_errors(void **state)
{
	parse_fails("To: a@x\nSubject: s\nX-Mailer: me\n\nbody\n",
	    "line 3: unknown header \"X-Mailer:\"");
	parse_fails("To: a@x\nHello Bob,\n\nbody\n",
	    "line 2: \"Hello Bob,\" is not a header line");
	parse_fails("To: a@x\nSubject: s\nDear Bob: hello\n",
	    "line 3: \"Dear Bob: hello\" is not a header line");
	parse_fails("From: me@x\nSubject: s\n\nbody\n",
	    "line 1: no recipient");
	parse_fails("From: me@x\nSubject: s\nCc:\nTo:   \n\nbody\n",
	    "line 4: no recipient");
	parse_fails(" continued\nTo: a@x\n\n", "line 1: a line that starts "
	    "with a space");
	parse_fails("To: a@x\nSubject: one\nSubject: two\n\n",
	    "line 3: a second Subject: line");
	parse_fails("To: a@x\n:no name\n\n", "line 2: \":no name\" is not");
	parse_fails("To: a@x\nSubject: s\n\nok\n\xff\xfe latin-1\n",
	    "line 5: this line is not valid UTF-8");
	parse_fails("To: a@x\nSubject: \xe3\x81\n\n", "line 2: this line is "
	    "not valid UTF-8");
	parse_fails("", "line 1: no recipient");
	parse_fails("\n\nbody\n", "line 1: no recipient");
	parse_fails_with("To: a@x\nAttach: /nonexistent/file.pdf\n\n",
	    "line 2: cannot attach /nonexistent/file.pdf: No such file");
	parse_fails_with("To: a@x\nSubject: s\nAttach: /tmp\n\n",
	    "line 3: cannot attach /tmp: it is not a regular file");
}

static void
test_parse_nul(void **state)
{
	static const char text[] = "To: a@x\nSubject: s\0x\n\n";
	struct draft d;
	char *err = NULL;

	memset(&d, 0, sizeof(d));
	assert_int_equal(draft_parse(text, sizeof(text) - 1, &d, &err),
	    ST_USAGE);
	assert_string_equal(err, "line 2: the text holds a NUL byte; save it "
	    "as UTF-8 text");
	free(err);
}

static void
test_parse_long_line_shown_short(void **state)
{
	char text[400], *err;
	struct draft d;

	memset(&d, 0, sizeof(d));
	memset(text, 'w', sizeof(text));
	memcpy(text, "To: a@x\n", 8);
	strcpy(text + 300, " end\n\n");
	assert_int_equal(parse(text, &d, &err), ST_USAGE);
	assert_non_null(strstr(err, "line 2: \"wwwwwwww"));
	assert_true(strlen(err) < 200);
	free(err);
}

static void
test_attach(void **state)
{
	char dir[] = "/tmp/test_draft.XXXXXX", *path, *text, *err, *home;
	struct draft d;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	path = malloc(strlen(dir) + 32);
	sprintf(path, "%s/report 1.txt", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("data\n", f);
	fclose(f);
	memset(&d, 0, sizeof(d));
	text = malloc(strlen(path) + 64);
	sprintf(text, "To: a@x\nAttach: %s\nAttach:\nAttach: ~/report 1.txt\n"
	    "\nsee attached\n", path);
	home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	setenv("HOME", dir, 1);
	assert_int_equal(parse(text, &d, &err), ST_OK);
	assert_int_equal(d.nattach, 2);
	assert_string_equal(d.attach[0], path);
	assert_string_equal(d.attach[1], path);
	/* a file added later shows up in the text */
	assert_int_equal(draft_add_attach(&d, "~/report 1.txt", &err), ST_OK);
	assert_int_equal(d.nattach, 3);
	assert_int_equal(draft_add_attach(&d, "~/missing", &err), ST_USAGE);
	assert_non_null(strstr(err, "missing: No such file"));
	free(err);
	free(text);
	text = draft_text(&d);
	assert_non_null(strstr(text, "\nAttach: "));
	assert_non_null(strstr(text, "report 1.txt\n\nsee attached\n"));
	free(text);
	if (home != NULL)
		setenv("HOME", home, 1);
	free(home);
	draft_clear(&d);
	unlink(path);
	rmdir(dir);
	free(path);
}

/* ---------------------------------------------------- subjects, threads */

static void
test_subject_re(void **state)
{
	static const char *const cases[][2] = {
		{ "Lunch", "Re: Lunch" },
		{ "Re: Lunch", "Re: Lunch" },
		{ "RE: Lunch", "Re: Lunch" },
		{ "re:Lunch", "Re: Lunch" },
		{ "Re[2]: Lunch", "Re: Lunch" },
		{ "Re(3): Lunch", "Re: Lunch" },
		{ "AW: Lunch", "Re: Lunch" },
		{ "Aw: Re: RE: Lunch", "Re: Lunch" },
		{ "SV: Lunch", "Re: Lunch" },
		{ "Re\xef\xbc\x9a会議", "Re: 会議" },
		{ "会議の件", "Re: 会議の件" },
		{ "Fwd: Lunch", "Re: Fwd: Lunch" },
		{ "Reply needed", "Re: Reply needed" },
		{ "Re[x]: odd", "Re: Re[x]: odd" },
		{ "Re:", "Re: " },
		{ "", "Re: " },
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = draft_subject_re(cases[i][0]);
		if (strcmp(s, cases[i][1]) != 0)
			fail_msg("\"%s\" -> \"%s\", want \"%s\"", cases[i][0],
			    s, cases[i][1]);
		free(s);
	}
	s = draft_subject_re(NULL);
	assert_string_equal(s, "Re: ");
	free(s);
}

static void
test_subject_fwd(void **state)
{
	static const char *const cases[][2] = {
		{ "Lunch", "Fwd: Lunch" },
		{ "Fwd: Lunch", "Fwd: Lunch" },
		{ "FW: Lunch", "Fwd: Lunch" },
		{ "Fw: fwd: Lunch", "Fwd: Lunch" },
		{ "Re: Lunch", "Fwd: Re: Lunch" },
		{ "日本語の件名", "Fwd: 日本語の件名" },
	};
	size_t i;
	char *s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = draft_subject_fwd(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

static void
test_references(void **state)
{
	char refs[2048], want[2048], *s;
	size_t o = 0, w = 0;
	int i;

	assert_null(draft_references(NULL, NULL));
	s = draft_references(NULL, "<a@b>");
	assert_string_equal(s, "<a@b>");
	free(s);
	s = draft_references("<1@x>\r\n <2@x>", "<3@x>");
	assert_string_equal(s, "<1@x> <2@x> <3@x>");
	free(s);
	s = draft_references("<bad id@x> <ok@x> <unterminated", NULL);
	assert_string_equal(s, "<ok@x>");
	free(s);
	/* 24 ids and the parent's: the first and the last 19 are kept */
	for (i = 0; i < 24; i++)
		o += (size_t)sprintf(refs + o, "<%d@x> ", i);
	w += (size_t)sprintf(want + w, "<0@x>");
	for (i = 6; i < 24; i++)
		w += (size_t)sprintf(want + w, " <%d@x>", i);
	sprintf(want + w, " <p@x>");
	s = draft_references(refs, "<p@x>");
	assert_string_equal(s, want);
	free(s);
}

static void
test_quote(void **state)
{
	char *s = draft_quote("Hello,\n\n> earlier\r\nbye\n");

	assert_string_equal(s, "> Hello,\n>\n>> earlier\n> bye\n");
	free(s);
	s = draft_quote("no newline");
	assert_string_equal(s, "> no newline\n");
	free(s);
	s = draft_quote("");
	assert_string_equal(s, "");
	free(s);
}

static void
test_addr_format(void **state)
{
	char *s;

	s = draft_addr_format("Bob", "bob@x");
	assert_string_equal(s, "Bob <bob@x>");
	free(s);
	s = draft_addr_format("Doe, John \"JD\"", "j@x");
	assert_string_equal(s, "\"Doe, John \\\"JD\\\"\" <j@x>");
	free(s);
	s = draft_addr_format("山田 太郎", "taro@x");
	assert_string_equal(s, "山田 太郎 <taro@x>");
	free(s);
	s = draft_addr_format(NULL, "a@x");
	assert_string_equal(s, "a@x");
	free(s);
}

/* --------------------------------------------------- replies, forwards */

static const char parent_raw[] =
    "Return-Path: <bob@example.org>\r\n"
    "From: Bob Example <bob@example.org>\r\n"
    "To: Alice Example <alice@example.com>,\r\n"
    " \"Doe, Carol\" <carol@example.net>\r\n"
    "Cc: ALICE@example.com, dave@example.net, bob@example.org,\r\n"
    " =?UTF-8?B?5bGx55Sw?= <yamada@example.jp>\r\n"
    "Date: Tue, 3 Mar 2026 10:00:00 +0900\r\n"
    "Subject: =?UTF-8?B?UmU6IOS8muitsOOBruS7tg==?=\r\n"
    "Message-ID: <m3@example.org>\r\n"
    "References: <m1@example.org>\r\n <m2@example.com>\r\n"
    "In-Reply-To: <m2@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "\r\n"
    "(the raw body is not used)\r\n";

/* The parent above, with the text the pager shows. */
static void
parent(struct draft_parent *p, const char *raw)
{
	char *err = NULL;

	assert_int_equal(draft_parent_parse(raw, strlen(raw),
	    "会議は三時からです。\n\n> 前のメール\nBob\n", p, &err), ST_OK);
	assert_null(err);
}

static void
test_parent(void **state)
{
	struct draft_parent p;
	char *err = NULL;

	parent(&p, parent_raw);
	assert_string_equal(p.subject, "Re: 会議の件");
	assert_string_equal(p.date, "Tue, 3 Mar 2026 10:00:00 +0900");
	assert_string_equal(p.message_id, "<m3@example.org>");
	assert_string_equal(p.references, "<m1@example.org> <m2@example.com>");
	assert_int_equal(p.nfrom, 1);
	assert_string_equal(p.from[0].name, "Bob Example");
	assert_string_equal(p.from[0].addr, "bob@example.org");
	assert_int_equal(p.nto, 2);
	assert_string_equal(p.to[1].name, "Doe, Carol");
	assert_int_equal(p.ncc, 4);
	assert_string_equal(p.cc[3].name, "山田");
	assert_string_equal(p.to_text, "Alice Example <alice@example.com>, "
	    "\"Doe, Carol\" <carol@example.net>");
	draft_parent_clear(&p);
	draft_parent_clear(NULL);
	assert_int_equal(draft_parent_parse("", 0, NULL, &p, &err), ST_USAGE);
	free(err);
}

static void
test_reply(void **state)
{
	struct draft_parent p;
	struct draft d;
	char *t, *err;

	parent(&p, parent_raw);
	draft_reply(&p, &alice, 0, &d);
	assert_string_equal(d.from, "Alice Example <alice@example.com>");
	assert_string_equal(d.to, "Bob Example <bob@example.org>");
	assert_null(d.cc);
	assert_string_equal(d.subject, "Re: 会議の件");
	assert_string_equal(d.in_reply_to, "<m3@example.org>");
	assert_string_equal(d.references,
	    "<m1@example.org> <m2@example.com> <m3@example.org>");
	assert_string_equal(d.body, "On Tue, 3 Mar 2026 10:00:00 +0900, "
	    "Bob Example wrote:\n> 会議は三時からです。\n>\n>> 前のメール\n"
	    "> Bob\n\n");
	/* what the user sees, and what comes back unchanged */
	t = draft_text(&d);
	assert_int_equal(draft_parse(t, strlen(t), &d, &err), ST_OK);
	assert_string_equal(d.to, "Bob Example <bob@example.org>");
	assert_string_equal(d.in_reply_to, "<m3@example.org>");
	free(t);
	draft_clear(&d);
	draft_parent_clear(&p);
}

static void
test_reply_all(void **state)
{
	struct draft_parent p;
	struct draft d;

	parent(&p, parent_raw);
	draft_reply(&p, &alice, 1, &d);
	assert_string_equal(d.to, "Bob Example <bob@example.org>");
	/* not alice (any case), not bob twice */
	assert_string_equal(d.cc, "\"Doe, Carol\" <carol@example.net>, "
	    "dave@example.net, 山田 <yamada@example.jp>");
	draft_clear(&d);
	draft_parent_clear(&p);
}

static void
test_reply_to_header(void **state)
{
	struct draft_parent p;
	struct draft d;

	parent(&p, "From: bob@example.org\nReply-To: list@example.org\n"
	    "To: alice@example.com\nSubject: s\n\nx\n");
	draft_reply(&p, &alice, 1, &d);
	assert_string_equal(d.to, "list@example.org");
	assert_null(d.cc);
	assert_string_equal(d.body, "bob@example.org wrote:\n> 会議は三時から"
	    "です。\n>\n>> 前のメール\n> Bob\n\n");
	assert_null(d.in_reply_to);
	assert_null(d.references);
	draft_clear(&d);
	draft_parent_clear(&p);
}

static void
test_reply_own(void **state)
{
	struct draft_parent p;
	struct draft d;

	parent(&p, "From: Alice <alice@example.com>\nTo: bob@example.org\n"
	    "Subject: s\n\nx\n");
	draft_reply(&p, &alice, 0, &d);
	assert_string_equal(d.to, "bob@example.org");
	draft_clear(&d);
	draft_parent_clear(&p);
}

static void
test_reply_injection(void **state)
{
	struct draft_parent p;
	struct draft d;
	char *t, *err;

	/* an encoded newline in the subject must not become a header */
	parent(&p, "From: =?UTF-8?Q?Eve=0ABcc:_x@evil?= <eve@example.org>\n"
	    "Subject: =?UTF-8?Q?hi=0D=0ABcc:_spy@evil.example?=\n"
	    "Message-ID: <a\n b@x>\n\nx\n");
	draft_reply(&p, &alice, 0, &d);
	t = draft_text(&d);
	assert_int_equal(draft_parse(t, strlen(t), &d, &err), ST_OK);
	assert_null(d.bcc);
	assert_null(strchr(d.subject, '\n'));
	assert_null(strchr(d.to, '\n'));
	assert_string_equal(d.subject, "Re: hi Bcc: spy@evil.example");
	free(t);
	draft_clear(&d);
	draft_parent_clear(&p);
}

static void
test_forward_inline(void **state)
{
	struct draft_parent p;
	struct draft d;

	parent(&p, parent_raw);
	draft_forward(&p, &alice, DRAFT_FWD_INLINE, &d);
	assert_null(d.to);
	assert_string_equal(d.subject, "Fwd: Re: 会議の件");
	assert_null(d.in_reply_to);
	assert_int_equal(d.forward_raw, 0);
	assert_string_equal(d.body, "\n\n-------- Forwarded message --------\n"
	    "From: Bob Example <bob@example.org>\n"
	    "Date: Tue, 3 Mar 2026 10:00:00 +0900\n"
	    "Subject: Re: 会議の件\n"
	    "To: Alice Example <alice@example.com>, \"Doe, Carol\" "
	    "<carol@example.net>\n"
	    "Cc: ALICE@example.com, dave@example.net, bob@example.org, 山田 "
	    "<yamada@example.jp>\n\n"
	    "会議は三時からです。\n\n> 前のメール\nBob\n");
	draft_clear(&d);
	draft_parent_clear(&p);
}

static void
test_forward_attach(void **state)
{
	struct draft_parent p;
	struct draft d;

	parent(&p, parent_raw);
	draft_forward(&p, &alice, DRAFT_FWD_ATTACH, &d);
	assert_string_equal(d.subject, "Fwd: Re: 会議の件");
	assert_int_equal(d.forward_raw, 1);
	assert_int_equal(d.rawlen, strlen(parent_raw));
	assert_memory_equal(d.raw, parent_raw, d.rawlen);
	assert_string_equal(d.body, "");
	draft_clear(&d);
	draft_parent_clear(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_new),
		cmocka_unit_test(test_parse_roundtrip),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_nul),
		cmocka_unit_test(test_parse_long_line_shown_short),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_subject_re),
		cmocka_unit_test(test_subject_fwd),
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_addr_format),
		cmocka_unit_test(test_parent),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_reply_all),
		cmocka_unit_test(test_reply_to_header),
		cmocka_unit_test(test_reply_own),
		cmocka_unit_test(test_reply_injection),
		cmocka_unit_test(test_forward_inline),
		cmocka_unit_test(test_forward_attach),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
