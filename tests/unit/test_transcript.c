/* test_transcript.c: redaction, the secret safety net, sanitising, phases. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "transcript.h"

#define PASSWORD	"s3cret-Pa55"
#define WINDOW		8	/* no run this long of a secret may survive */

/* Record a C string in one direction. */
static void
rec(struct transcript *t, enum tr_dir dir, const char *s)
{
	transcript_record(t, dir, s, strlen(s));
}

/* Line i must exist with direction dir and exactly text want. */
static void
line_is(const struct transcript *t, size_t i, enum tr_dir dir,
    const char *want)
{
	const struct tr_line *l = transcript_line(t, i);

	assert_non_null(l);
	assert_int_equal(l->dir, dir);
	assert_non_null(l->text);
	assert_string_equal(l->text, want);
}

/* Record one received line (CR LF added) and return its stored text. */
static const char *
rec_received(struct transcript *t, const char *s, size_t len)
{
	size_t n = transcript_count(t);

	transcript_record(t, TR_RECEIVED, s, len);
	rec(t, TR_RECEIVED, "\r\n");
	assert_int_equal(transcript_count(t), n + 1);
	return transcript_line(t, n)->text;
}

/* Redacting one sent line gives exactly want. */
static void
redact_is(const char *line, int secret, const char *want)
{
	char *s = transcript_redact_sent(line, secret), got[256];

	assert_non_null(s);
	snprintf(got, sizeof got, "%s", s);
	free(s);
	assert_string_equal(got, want);
}

/* Base64 with padding into out, our own encoder. */
static void
b64(const unsigned char *in, size_t len, char *out)
{
	static const char abc[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	unsigned long v;

	for (i = 0; i < len; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		*out++ = abc[v >> 18 & 63];
		*out++ = abc[v >> 12 & 63];
		*out++ = i + 1 < len ? abc[v >> 6 & 63] : '=';
		*out++ = i + 2 < len ? abc[v & 63] : '=';
	}
	*out = '\0';
}

/* A line must not contain s, nor any WINDOW-long piece of s[lo, hi). */
static void
no_piece(const char *line, const char *s, size_t lo, size_t hi)
{
	char piece[WINDOW + 1];
	const char *hit;
	size_t i;

	if ((hit = strstr(line, s)) != NULL)
		fail_msg("\"%s\" leaks in \"...%.40s\"", s, hit);
	for (i = lo; i + WINDOW <= hi; i++) {
		memcpy(piece, s + i, WINDOW);
		piece[WINDOW] = '\0';
		if ((hit = strstr(line, piece)) != NULL)
			fail_msg("\"%s\" (of %s) leaks in \"...%.40s\"", piece,
			    s, hit - (hit - line < 8 ? hit - line : 8));
	}
}

/* No line of t contains s or a WINDOW-long piece of s[lo, hi). */
static void
no_leak(const struct transcript *t, const char *s, size_t lo, size_t hi)
{
	size_t i;

	for (i = 0; i < transcript_count(t); i++)
		no_piece(transcript_line(t, i)->text, s, lo, hi);
}

/*
 * Record the base64 of pre + PASSWORD + post, sent and received, bare and
 * between words, then check that no piece of it that comes from the
 * password alone is left.
 */
static void
b64_form(struct transcript *t, const char *pre, size_t prelen,
    const char *post)
{
	unsigned char buf[64];
	char enc[128], line[160];
	size_t plen = strlen(PASSWORD), n = prelen, lo, hi, i, c;

	memcpy(buf, pre, prelen);
	memcpy(buf + n, PASSWORD, plen);
	n += plen;
	memcpy(buf + n, post, strlen(post));
	n += strlen(post);
	b64(buf, n, enc);
	/* The characters whose 6 bits all come from the password. */
	lo = hi = 0;
	for (i = 0; enc[i] != '\0'; i++) {
		if (i * 6 / 8 >= prelen && (i * 6 + 5) / 8 < prelen + plen) {
			if (hi == 0)
				lo = i;
			hi = i + 1;
		}
	}
	assert_true(hi - lo >= WINDOW);
	c = transcript_count(t);
	snprintf(line, sizeof line, "%s\r\n", enc);
	rec(t, TR_SENT, line);
	rec(t, TR_RECEIVED, line);
	snprintf(line, sizeof line, "a1 NOOP %s x\r\n", enc);
	rec(t, TR_SENT, line);
	snprintf(line, sizeof line, "+ %s\r\n", enc);
	rec(t, TR_RECEIVED, line);
	assert_int_equal(transcript_count(t), c + 4);
	no_leak(t, enc, lo, hi);
}

/* Fixture: a new transcript. */
static int
tr_new(void **state)
{
	*state = transcript_new();
	return *state == NULL ? -1 : 0;
}

/* Fixture: a new transcript whose one secret is PASSWORD. */
static int
tr_new_password(void **state)
{
	*state = transcript_new();
	if (*state == NULL)
		return -1;
	transcript_add_secret(*state, PASSWORD);
	return 0;
}

/* Fixture: free the transcript, even after a failed test. */
static int
tr_free(void **state)
{
	transcript_free(*state);
	return 0;
}

/* The string s must be valid UTF-8 without C0, DEL or C1 controls. */
static void
assert_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	size_t n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				fail_msg("control 0x%02x in \"%s\"", *p, s);
			p++;
			continue;
		}
		n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 0;
		if (n == 0 || *p > 0xf4)
			fail_msg("bad lead byte 0x%02x", *p);
		cp = *p & (0x7f >> n);
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				fail_msg("bad continuation in \"%s\"", s);
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp < 0xe000))
			fail_msg("invalid UTF-8 in \"%s\"", s);
		if (cp < 0xa0)
			fail_msg("C1 control U+%04X in \"%s\"", cp, s);
		p += n;
	}
}

/* transcript_free() accepts NULL. */
static void
test_free_null(void **state)
{
	(void)state;
	transcript_free(NULL);
}

/* A new transcript is empty and in the plaintext phase. */
static void
test_new_empty(void **state)
{
	struct transcript *t = *state;

	assert_int_equal(transcript_count(t), 0);
	assert_null(transcript_line(t, 0));
	assert_int_equal(transcript_phase(t), TR_PLAIN);
	transcript_flush(t);
	assert_int_equal(transcript_count(t), 0);
}

/* Nothing recorded is nothing; an empty line is one empty line. */
static void
test_record_empty(void **state)
{
	struct transcript *t = *state;

	transcript_record(t, TR_SENT, "", 0);
	assert_int_equal(transcript_count(t), 0);
	rec(t, TR_RECEIVED, "\r\n");
	assert_int_equal(transcript_count(t), 1);
	line_is(t, 0, TR_RECEIVED, "");
}

/* NULL and empty secrets are ignored without harm. */
static void
test_add_secret_empty(void **state)
{
	struct transcript *t = *state;

	transcript_add_secret(t, NULL);
	transcript_add_secret(t, "");
	rec(t, TR_RECEIVED, "* OK ready\r\n");
	line_is(t, 0, TR_RECEIVED, "* OK ready");
}

/* sanitize of nothing is the empty string. */
static void
test_sanitize_empty(void **state)
{
	char *s = transcript_sanitize("", 0);

	(void)state;
	assert_string_equal(s, "");
	free(s);
}

/* IMAP LOGIN keeps the tag and the verb. */
static void
test_redact_login(void **state)
{
	(void)state;
	redact_is("a1 LOGIN alice s3cret", 0, "a1 LOGIN [redacted]");
	redact_is("a1 login alice s3cret", 0, "a1 login [redacted]");
	redact_is("a1 LOGIN {5}", 1, "a1 LOGIN [redacted]");
}

/* POP3 USER, PASS and APOP keep the verb. */
static void
test_redact_pop3(void **state)
{
	(void)state;
	redact_is("PASS x", 0, "PASS [redacted]");
	redact_is("USER alice", 0, "USER [redacted]");
	redact_is("APOP alice c4c9334bac560ecc979e58001b3e22fb", 0,
	    "APOP [redacted]");
}

/* AUTH and AUTHENTICATE keep the verb and the mechanism. */
static void
test_redact_auth(void **state)
{
	(void)state;
	redact_is("AUTH PLAIN AGFsaWNlAHMzY3JldA==", 0, "AUTH PLAIN [redacted]");
	redact_is("a2 AUTHENTICATE PLAIN xyz", 0,
	    "a2 AUTHENTICATE PLAIN [redacted]");
	redact_is("AUTH LOGIN", 0, "AUTH LOGIN");
}

/* Other commands are kept as they are outside secret mode. */
static void
test_redact_other_kept(void **state)
{
	(void)state;
	redact_is("", 0, "");
	redact_is("a3 SELECT INBOX", 0, "a3 SELECT INBOX");
	redact_is("MAIL FROM:<alice@example.com>", 0,
	    "MAIL FROM:<alice@example.com>");
	redact_is("AGFsaWNl", 0, "AGFsaWNl");
}

/* In secret mode a bare continuation line is redacted whole. */
static void
test_redact_secret_mode(void **state)
{
	(void)state;
	redact_is("AGFsaWNlAHMzY3JldA==", 1, "[redacted]");
	redact_is("YWxpY2U=", 1, "[redacted]");
	redact_is("*", 1, "*");
}

/* Recorded sent lines are redacted; received lines keep their words. */
static void
test_record_redacts(void **state)
{
	struct transcript *t = *state;

	rec(t, TR_SENT, "a1 LOGIN alice s3cret\r\n");
	rec(t, TR_RECEIVED, "a1 OK LOGIN completed\r\n");
	rec(t, TR_SENT, "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n");
	assert_int_equal(transcript_count(t), 3);
	line_is(t, 0, TR_SENT, "a1 LOGIN [redacted]");
	line_is(t, 1, TR_RECEIVED, "a1 OK LOGIN completed");
	line_is(t, 2, TR_SENT, "AUTH PLAIN [redacted]");
}

/* A SASL continuation is redacted in secret mode only. */
static void
test_record_secret_mode(void **state)
{
	struct transcript *t = *state;

	transcript_secret_mode(t, 1);
	rec(t, TR_SENT, "YWxpY2U=\r\n");
	transcript_secret_mode(t, 0);
	rec(t, TR_SENT, "YWxpY2U=\r\n");
	line_is(t, 0, TR_SENT, "[redacted]");
	line_is(t, 1, TR_SENT, "YWxpY2U=");
}

/* A line split over several calls is one line, redacted as a whole. */
static void
test_split_line(void **state)
{
	struct transcript *t = *state;

	rec(t, TR_SENT, "a1 LOG");
	rec(t, TR_SENT, "IN alice s3");
	assert_int_equal(transcript_count(t), 0);
	rec(t, TR_SENT, "cret\r");
	assert_int_equal(transcript_count(t), 0);
	rec(t, TR_SENT, "\n");
	assert_int_equal(transcript_count(t), 1);
	line_is(t, 0, TR_SENT, "a1 LOGIN [redacted]");
}

/* Several lines in one call; CR LF, bare LF and a stray CR. */
static void
test_crlf(void **state)
{
	struct transcript *t = *state;

	rec(t, TR_RECEIVED, "* OK a\r\n* OK b\n* OK c\rd\r\n* OK e");
	assert_int_equal(transcript_count(t), 3);
	line_is(t, 0, TR_RECEIVED, "* OK a");
	line_is(t, 1, TR_RECEIVED, "* OK b");
	line_is(t, 2, TR_RECEIVED, "* OK c^Md");
	transcript_flush(t);
	assert_int_equal(transcript_count(t), 4);
	line_is(t, 3, TR_RECEIVED, "* OK e");
}

/* Sent and received partial lines do not mix. */
static void
test_directions_apart(void **state)
{
	struct transcript *t = *state;

	rec(t, TR_SENT, "a1 NO");
	rec(t, TR_RECEIVED, "* OK he");
	rec(t, TR_SENT, "OP\r\n");
	rec(t, TR_RECEIVED, "llo\r\n");
	line_is(t, 0, TR_SENT, "a1 NOOP");
	line_is(t, 1, TR_RECEIVED, "* OK hello");
}

/* The password itself, sent and received, is scrubbed. */
static void
test_secret_plain(void **state)
{
	struct transcript *t = *state;

	rec(t, TR_SENT, PASSWORD "\r\n");
	rec(t, TR_RECEIVED, PASSWORD "\r\n");
	rec(t, TR_SENT, "a1 NOOP " PASSWORD "\r\n");
	rec(t, TR_RECEIVED, "* BAD x" PASSWORD "y z\r\n");
	assert_int_equal(transcript_count(t), 4);
	no_leak(t, PASSWORD, 0, strlen(PASSWORD));
}

/* base64 of a SASL PLAIN response "\0alice\0password". */
static void
test_secret_b64_plain(void **state)
{
	struct transcript *t = *state;

	b64_form(t, "\0alice\0", 7, "");
}

/* base64 of the password alone (AUTH LOGIN). */
static void
test_secret_b64_alone(void **state)
{
	struct transcript *t = *state;

	b64_form(t, "", 0, "");
}

/* base64 of "alice\0alice\0password" (with an authorisation id). */
static void
test_secret_b64_authzid(void **state)
{
	struct transcript *t = *state;

	b64_form(t, "alice\0alice\0", 12, "");
}

/* base64 of the password after 0..5 bytes and before 0..2 bytes. */
static void
test_secret_b64_alignments(void **state)
{
	static const char *posts[] = { "", "y", "yy" };
	struct transcript *t = *state;
	size_t pre, post;

	for (pre = 0; pre <= 5; pre++)
		for (post = 0; post < 3; post++)
			b64_form(t, "xxxxx", pre, posts[post]);
}

/* A password near the end of an over-long line leaks no piece of it. */
static void
test_secret_long_line(void **state)
{
	struct transcript *t = *state;
	char buf[8192];
	size_t cut;

	for (cut = 4080; cut <= 4096; cut++) {
		memset(buf, 'x', cut);
		strcpy(buf + cut, PASSWORD " tail\r\n");
		rec(t, TR_RECEIVED, buf);
	}
	no_leak(t, PASSWORD, 0, strlen(PASSWORD));
}

/* A password with a tab leaks in no form, raw or as displayed. */
static void
test_secret_with_tab(void **state)
{
	struct transcript *t = *state;

	transcript_add_secret(t, "tab\tPass-99");
	rec(t, TR_RECEIVED, "tab\tPass-99\r\n");
	rec(t, TR_SENT, "a1 NOOP tab\tPass-99\r\n");
	assert_int_equal(transcript_count(t), 2);
	no_leak(t, "tab\tPass-99", 0, 11);
	no_leak(t, "tab Pass-99", 0, 11);
	no_leak(t, "tab^IPass-99", 0, 12);
}

/* Record a secret that is part of "[redacted]"; runs in a child. */
static void
redacted_secret_child(const char *secret)
{
	struct transcript *t = transcript_new();

	alarm(3);
	transcript_add_secret(t, secret);
	rec(t, TR_SENT, "PASS x\r\n");
	rec(t, TR_RECEIVED, "+OK\r\n");
	transcript_free(t);
	_exit(0);
}

/* A secret that occurs in "[redacted]" itself does not hang the scrub. */
static void
test_secret_inside_marker(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	fflush(NULL);
	if ((pid = fork()) == 0)
		redacted_secret_child("redacted");
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("child killed by signal %d (hung)", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* ESC, other C0 controls and DEL are shown in caret notation. */
static void
test_sanitize_controls(void **state)
{
	static const char raw[] = "a\x1b[2Jb\x07" "c\x7f" "d\0e\x01";
	struct transcript *t = *state;
	const char *s;

	s = rec_received(t, raw, sizeof(raw) - 1);
	assert_clean(s);
	assert_string_equal(s, "a^[[2Jb^Gc^?d^@e^A");
	rec(t, TR_SENT, "a1 NOOP \x1b]0;x\x07\r\n");
	assert_clean(transcript_line(t, 1)->text);
}

/* C1 controls, raw or encoded in UTF-8, never appear. */
static void
test_sanitize_c1(void **state)
{
	struct transcript *t = *state;

	assert_clean(rec_received(t, "a\xc2\x9b" "31mb", 7));
	assert_clean(rec_received(t, "a\x9b" "31m\x85\x80", 7));
	assert_clean(rec_received(t, "\xc2\x80\xc2\x9f", 4));
}

/* Invalid UTF-8 never appears. */
static void
test_sanitize_invalid(void **state)
{
	struct transcript *t = *state;

	assert_clean(rec_received(t, "\xff\xfe", 2));
	assert_clean(rec_received(t, "a\xc3(b", 4));
	assert_clean(rec_received(t, "\xc0\xaf\xe0\x80\xaf", 5));
	assert_clean(rec_received(t, "\xed\xa0\x80", 3));
	assert_clean(rec_received(t, "\xf4\x90\x80\x80\xf8\x88", 6));
	assert_clean(rec_received(t, "x\xe6\x97", 3));
}

/* Valid UTF-8 is kept byte for byte. */
static void
test_sanitize_utf8_kept(void **state)
{
	static const char ja[] = "* OK \xe3\x81\x93\xe3\x82\x93\xe3\x81\xab"
	    "\xe3\x81\xa1\xe3\x81\xaf \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
	    "caf\xc3\xa9 \xf0\x9f\x93\xa7 \xc2\xa0";
	struct transcript *t = *state;

	assert_string_equal(rec_received(t, ja, strlen(ja)), ja);
}

/* Lines carry the phase they were recorded in. */
static void
test_phase(void **state)
{
	struct transcript *t = *state;

	rec(t, TR_SENT, "a1 STARTTLS\r\n");
	rec(t, TR_RECEIVED, "a1 OK begin");
	transcript_set_phase(t, TR_TLS);
	assert_int_equal(transcript_phase(t), TR_TLS);
	rec(t, TR_SENT, "a2 CAPABILITY\r\n");
	assert_int_equal(transcript_count(t), 3);
	assert_int_equal(transcript_line(t, 0)->phase, TR_PLAIN);
	line_is(t, 1, TR_RECEIVED, "a1 OK begin");
	assert_int_equal(transcript_line(t, 1)->phase, TR_PLAIN);
	line_is(t, 2, TR_SENT, "a2 CAPABILITY");
	assert_int_equal(transcript_line(t, 2)->phase, TR_TLS);
}

/* Notes are TR_NOTE, come after any pending partial line, and are clean. */
static void
test_note(void **state)
{
	struct transcript *t = *state;
	const struct tr_line *l;

	rec(t, TR_RECEIVED, "* OK");
	transcript_set_phase(t, TR_TLS);
	transcript_note(t, "TLS %s handshake done", "1.3");
	transcript_note(t, "bad \x1b[31m note");
	assert_int_equal(transcript_count(t), 3);
	line_is(t, 0, TR_RECEIVED, "* OK");
	line_is(t, 1, TR_NOTE, "TLS 1.3 handshake done");
	l = transcript_line(t, 1);
	assert_int_equal(l->phase, TR_TLS);
	assert_true(l->when.tv_sec > 0);
	assert_int_equal(transcript_line(t, 2)->dir, TR_NOTE);
	assert_clean(transcript_line(t, 2)->text);
}

#define TR_TEST(f)	cmocka_unit_test_setup_teardown(f, tr_new, tr_free)
#define PW_TEST(f)	cmocka_unit_test_setup_teardown(f, tr_new_password, \
			    tr_free)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_null),
		TR_TEST(test_new_empty),
		TR_TEST(test_record_empty),
		TR_TEST(test_add_secret_empty),
		cmocka_unit_test(test_sanitize_empty),
		cmocka_unit_test(test_redact_login),
		cmocka_unit_test(test_redact_pop3),
		cmocka_unit_test(test_redact_auth),
		cmocka_unit_test(test_redact_other_kept),
		cmocka_unit_test(test_redact_secret_mode),
		TR_TEST(test_record_redacts),
		TR_TEST(test_record_secret_mode),
		TR_TEST(test_split_line),
		TR_TEST(test_crlf),
		TR_TEST(test_directions_apart),
		PW_TEST(test_secret_plain),
		PW_TEST(test_secret_b64_plain),
		PW_TEST(test_secret_b64_alone),
		PW_TEST(test_secret_b64_authzid),
		PW_TEST(test_secret_b64_alignments),
		PW_TEST(test_secret_long_line),
		TR_TEST(test_secret_with_tab),
		cmocka_unit_test(test_secret_inside_marker),
		TR_TEST(test_sanitize_controls),
		TR_TEST(test_sanitize_c1),
		TR_TEST(test_sanitize_invalid),
		TR_TEST(test_sanitize_utf8_kept),
		TR_TEST(test_phase),
		TR_TEST(test_note),
	};

	return cmocka_run_group_tests_name("transcript", tests, NULL, NULL);
}
