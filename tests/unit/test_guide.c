/* test_guide.c: the guide's steps found in transcripts, "not seen" steps,
 * the example when there is no connection, Authentication-Results. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guide.h"
#include "xmalloc.h"

#define PASSWORD	"s3cret-Pa55"

/* Record one line (CR LF added) in a direction. */
static void
rec(struct transcript *t, enum tr_dir dir, const char *s)
{
	transcript_record(t, dir, s, strlen(s));
	transcript_record(t, dir, "\r\n", 2);
}

#define S(t, s)	rec(t, TR_RECEIVED, s)
#define C(t, s)	rec(t, TR_SENT, s)

/* Dovecot's IMAP STARTTLS dialogue, as starling records it. */
static struct transcript *
imap_starttls(void)
{
	struct transcript *t = transcript_new();

	transcript_add_secret(t, PASSWORD);
	transcript_note(t, "connected to IMAP localhost:143");
	S(t, "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready.");
	C(t, "S1 STARTTLS");
	S(t, "S1 OK Begin TLS negotiation now.");
	transcript_set_phase(t, TR_TLS);
	transcript_note(t, "TLS1.3 handshake done");
	transcript_note(t, "certificate: CN=localhost (verified)");
	C(t, "1 CAPABILITY");
	S(t, "* CAPABILITY IMAP4rev1 AUTH=PLAIN");
	S(t, "1 OK Pre-login capabilities listed.");
	C(t, "2 LOGIN alice " PASSWORD);
	S(t, "2 OK [CAPABILITY IMAP4rev1] Logged in");
	C(t, "3 LOGOUT");
	S(t, "* BYE Logging out");
	S(t, "3 OK Logout completed.");
	return t;
}

/* The text of the n-th line of step s. */
static const char *
step_line(const struct transcript *t, const struct guide_found *f,
    enum guide_step s, size_t n)
{
	assert_true(n < f->shown[s]);
	return transcript_line(t, f->idx[s][n])->text;
}

/* Build a guide for one connection (or none: tr NULL). */
static struct guide *
build(const struct transcript *tr, enum service svc, enum transport tp,
    const struct tls_info *tls)
{
	struct guide *g = guide_new();
	struct guide_conn c;

	memset(&c, 0, sizeof(c));
	c.account = "work";
	c.service = svc;
	c.transport = tp;
	c.host = "localhost";
	c.port = tp == TRANSPORT_IMPLICIT ? 993 : 143;
	c.level = LEVEL_VERIFIED;
	c.tls = tls;
	c.tr = tr;
	guide_add_conn(g, &c);
	guide_build(g);
	return g;
}

/* How many blocks of a kind contain text (NULL: any). */
static size_t
count(const struct guide *g, int kind, const char *text)
{
	const struct guide_block *b;
	size_t i, n = 0;

	for (i = 0; (b = guide_block(g, i)) != NULL; i++)
		if ((kind < 0 || (int)b->kind == kind) &&
		    (text == NULL || strstr(b->text, text) != NULL ||
		    (b->tag != NULL && strstr(b->tag, text) != NULL)))
			n++;
	return n;
}

/* The index of the first block containing text, or -1. */
static long
find(const struct guide *g, const char *text)
{
	const struct guide_block *b;
	size_t i;

	for (i = 0; (b = guide_block(g, i)) != NULL; i++)
		if (strstr(b->text, text) != NULL)
			return (long)i;
	return -1;
}

static void
test_null(void **state)
{
	struct guide_found f;

	(void)state;
	guide_free(NULL);
	guide_find_steps(NULL, TRANSPORT_STARTTLS, NULL, &f);
	assert_int_equal(f.total[GS_GREETING], 0);
	assert_string_equal(guide_step_name(GS_AUTH), "authentication");
	assert_null(guide_step_name(GS_COUNT));
}

/* Every step of an IMAP STARTTLS login is found, LOGOUT in none. */
static void
test_imap_steps(void **state)
{
	struct transcript *t = imap_starttls();
	struct guide_found f;
	enum guide_step s;
	size_t sum = 0;

	(void)state;
	guide_find_steps(t, TRANSPORT_STARTTLS, NULL, &f);
	assert_int_equal(f.total[GS_GREETING], 1);
	assert_string_equal(step_line(t, &f, GS_GREETING, 0),
	    "* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready.");
	/* The capabilities came with the greeting. */
	assert_int_equal(f.total[GS_CAPABILITIES], 1);
	assert_int_equal(f.idx[GS_CAPABILITIES][0], f.idx[GS_GREETING][0]);
	assert_int_equal(f.total[GS_STARTTLS], 2);
	assert_string_equal(step_line(t, &f, GS_STARTTLS, 0), "S1 STARTTLS");
	assert_string_equal(step_line(t, &f, GS_STARTTLS, 1),
	    "S1 OK Begin TLS negotiation now.");
	assert_int_equal(f.total[GS_CERTIFICATE], 2);
	assert_string_equal(step_line(t, &f, GS_CERTIFICATE, 1),
	    "certificate: CN=localhost (verified)");
	assert_int_equal(f.total[GS_ENCRYPTED], 3);
	assert_string_equal(step_line(t, &f, GS_ENCRYPTED, 0), "1 CAPABILITY");
	assert_int_equal(f.total[GS_AUTH], 2);
	assert_string_equal(step_line(t, &f, GS_AUTH, 0),
	    "2 LOGIN [redacted]");
	assert_string_equal(step_line(t, &f, GS_AUTH, 1),
	    "2 OK [CAPABILITY IMAP4rev1] Logged in");
	for (s = 0; s < GS_COUNT; s++)
		sum += s == GS_CAPABILITIES ? 0 : f.total[s];
	/* 14 lines: the connection note and the 3 of LOGOUT in no step. */
	assert_int_equal(sum, transcript_count(t) - 4);
	transcript_free(t);
}

/* The built guide shows the lines with their tags, no "not seen", and
 * never the password. */
static void
test_imap_guide(void **state)
{
	struct transcript *t = imap_starttls();
	struct guide *g = build(t, SERVICE_IMAP, TRANSPORT_STARTTLS, NULL);
	long greet, stls, auth;

	(void)state;
	assert_int_equal(count(g, GB_MISSING, "Not seen"), 0);
	assert_int_equal(count(g, GB_EXAMPLE, NULL), 0);
	assert_int_equal(count(g, GB_TITLE, "Your last IMAP connection "
	    "(account work): localhost:143, starttls, [TLS] verified"), 1);
	greet = find(g, "Dovecot ready.");
	stls = find(g, "S1 STARTTLS");
	auth = find(g, "2 LOGIN [redacted]");
	assert_true(greet >= 0 && stls > greet && auth > stls);
	assert_string_equal(guide_block(g, (size_t)greet)->tag, "[plain] S:");
	assert_true(guide_block(g, (size_t)greet)->plain);
	assert_string_equal(guide_block(g, (size_t)stls)->tag, "[plain] C:");
	assert_string_equal(guide_block(g, (size_t)auth)->tag, "[tls] C:");
	assert_false(guide_block(g, (size_t)auth)->plain);
	assert_int_equal(count(g, -1, PASSWORD), 0);
	assert_int_equal(count(g, -1, "3 LOGOUT"), 0);
	/* Every step has its heading, in order. */
	assert_true(find(g, "1. The greeting") < find(g, "6. Authentication"));
	assert_int_equal(count(g, GB_STEP, "4. The certificate"), 1);
	/* The advice to use implicit TLS names the account's host. */
	assert_int_equal(count(g, GB_ITEM, "imaps://localhost (port 993)"), 1);
	guide_free(g);
	transcript_free(t);
}

/* STARTTLS refused: the steps after it are reported as not seen. */
static void
test_refused(void **state)
{
	struct transcript *t = transcript_new();
	struct guide_found f;
	struct guide *g;

	(void)state;
	S(t, "+OK POP3 ready");
	C(t, "CAPA");
	S(t, "+OK");
	S(t, "USER");
	S(t, ".");
	C(t, "STLS");
	S(t, "-ERR not today");
	transcript_note(t, "STARTTLS failed: not encrypted");
	guide_find_steps(t, TRANSPORT_STARTTLS, NULL, &f);
	assert_int_equal(f.total[GS_GREETING], 1);
	assert_int_equal(f.total[GS_CAPABILITIES], 4);
	assert_int_equal(f.total[GS_STARTTLS], 3);
	assert_string_equal(step_line(t, &f, GS_STARTTLS, 2),
	    "STARTTLS failed: not encrypted");
	assert_int_equal(f.total[GS_CERTIFICATE], 0);
	assert_int_equal(f.total[GS_ENCRYPTED], 0);
	assert_int_equal(f.total[GS_AUTH], 0);
	g = build(t, SERVICE_POP3, TRANSPORT_STARTTLS, NULL);
	assert_int_equal(count(g, GB_MISSING, "Not seen in this connection."),
	    3);
	assert_true(find(g, "4. The certificate") <
	    find(g, "Not seen in this connection."));
	guide_free(g);
	transcript_free(t);
}

/* The override: STARTTLS refused, the login in the clear, said so. */
static void
test_plain_login(void **state)
{
	struct transcript *t = transcript_new();
	struct guide_found f;
	struct guide *g;
	long i;

	(void)state;
	transcript_add_secret(t, PASSWORD);
	S(t, "* OK ready");
	C(t, "S1 STARTTLS");
	S(t, "S1 NO not here");
	transcript_note(t, "STARTTLS failed: not encrypted");
	C(t, "1 LOGIN alice " PASSWORD);
	S(t, "1 OK logged in");
	guide_find_steps(t, TRANSPORT_STARTTLS, NULL, &f);
	assert_int_equal(f.total[GS_STARTTLS], 3);
	assert_int_equal(f.total[GS_AUTH], 2);
	assert_int_equal(f.total[GS_ENCRYPTED], 0);
	g = build(t, SERVICE_IMAP, TRANSPORT_STARTTLS, NULL);
	i = find(g, "1 LOGIN [redacted]");
	assert_true(i >= 0);
	assert_string_equal(guide_block(g, (size_t)i)->tag, "[plain] C:");
	assert_true(guide_block(g, (size_t)i)->plain);
	assert_int_equal(count(g, GB_TEXT, "the login travelled in the clear"),
	    1);
	assert_int_equal(count(g, -1, PASSWORD), 0);
	guide_free(g);
	transcript_free(t);
}

/* SMTP: a multi-line greeting, EHLO twice, AUTH LOGIN's continuations. */
static void
test_smtp(void **state)
{
	struct transcript *t = transcript_new();
	struct guide_found f;

	(void)state;
	S(t, "220-mail.example.com ESMTP");
	S(t, "220 more greeting");
	C(t, "EHLO [127.0.0.1]");
	S(t, "250-mail.example.com");
	S(t, "250 STARTTLS");
	C(t, "STARTTLS");
	S(t, "220 2.0.0 Ready to start TLS");
	transcript_set_phase(t, TR_TLS);
	C(t, "EHLO [127.0.0.1]");
	S(t, "250-mail.example.com");
	S(t, "250 AUTH LOGIN");
	C(t, "AUTH LOGIN");
	S(t, "334 VXNlcm5hbWU6");
	transcript_secret_mode(t, 1);
	C(t, "YWxpY2U=");
	transcript_secret_mode(t, 0);
	S(t, "334 UGFzc3dvcmQ6");
	transcript_secret_mode(t, 1);
	C(t, "c2VjcmV0");
	transcript_secret_mode(t, 0);
	S(t, "235 2.7.0 Authentication successful");
	C(t, "QUIT");
	guide_find_steps(t, TRANSPORT_STARTTLS, NULL, &f);
	assert_int_equal(f.total[GS_GREETING], 2);
	assert_int_equal(f.total[GS_CAPABILITIES], 3);
	assert_int_equal(f.total[GS_STARTTLS], 2);
	assert_int_equal(f.total[GS_ENCRYPTED], 3);
	assert_int_equal(f.total[GS_AUTH], 6);
	assert_int_equal(f.shown[GS_AUTH], 6);
	assert_string_equal(step_line(t, &f, GS_AUTH, 2), "[redacted]");
	assert_string_equal(step_line(t, &f, GS_AUTH, 5),
	    "235 2.7.0 Authentication successful");
	transcript_free(t);
}

/* Implicit TLS: the greeting is encrypted, STARTTLS is not needed (not
 * "not seen"), the certificate notes come first. */
static void
test_implicit(void **state)
{
	struct transcript *t = transcript_new();
	struct tls_info tls;
	struct guide_found f;
	struct guide *g;

	(void)state;
	transcript_note(t, "connected to IMAP localhost:993");
	transcript_set_phase(t, TR_TLS);
	transcript_note(t, "TLS1.3 handshake done");
	S(t, "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready.");
	C(t, "1 CAPABILITY");
	S(t, "* CAPABILITY IMAP4rev1 AUTH=PLAIN");
	S(t, "1 OK done");
	C(t, "2 LOGIN alice " PASSWORD);
	S(t, "2 OK Logged in");
	memset(&tls, 0, sizeof(tls));
	tls.attempted = tls.done = 1;
	/* The note "connected to" is no part of the handshake. */
	guide_find_steps(t, TRANSPORT_IMPLICIT, &tls, &f);
	assert_int_equal(f.total[GS_CERTIFICATE], 1);
	assert_string_equal(step_line(t, &f, GS_CERTIFICATE, 0),
	    "TLS1.3 handshake done");
	assert_int_equal(f.total[GS_GREETING], 1);
	assert_int_equal(f.total[GS_CAPABILITIES], 3);
	assert_int_equal(f.total[GS_STARTTLS], 0);
	assert_int_equal(f.total[GS_ENCRYPTED], 0);
	assert_int_equal(f.total[GS_AUTH], 2);
	g = build(t, SERVICE_IMAP, TRANSPORT_IMPLICIT, NULL);
	assert_int_equal(count(g, GB_MISSING, NULL), 0);
	assert_int_equal(count(g, GB_TEXT, "Not needed: this connection "
	    "uses implicit TLS (port 993)"), 1);
	assert_int_equal(count(g, GB_WIRE, "[plain]"), 0);
	/* No advice to switch: it is implicit already. */
	assert_int_equal(count(g, GB_ITEM, "removes the plaintext phase"), 0);
	/* Nothing said to travel in the clear. */
	assert_int_equal(count(g, GB_TEXT, "travels in the clear"), 0);
	assert_int_equal(count(g, GB_TEXT, "already inside TLS"), 1);
	guide_free(g);
	transcript_free(t);

	/* A failed handshake: its note, after "connected to". */
	t = transcript_new();
	transcript_note(t, "connected to IMAP localhost:993");
	transcript_note(t, "the certificate of localhost is not trusted");
	tls.done = 0;
	guide_find_steps(t, TRANSPORT_IMPLICIT, &tls, &f);
	assert_int_equal(f.total[GS_CERTIFICATE], 1);
	assert_string_equal(step_line(t, &f, GS_CERTIFICATE, 0),
	    "the certificate of localhost is not trusted");
	assert_int_equal(f.total[GS_GREETING], 0);
	transcript_free(t);
}

/* A failed handshake: the note goes to the certificate step, with the
 * verification errors from the TLS facts. */
static void
test_cert_failed(void **state)
{
	struct transcript *t = transcript_new();
	struct tls_info tls;
	struct guide_found f;
	struct guide *g;
	char *errs[] = { "it is issued for wrong.example, not localhost" };

	(void)state;
	memset(&tls, 0, sizeof(tls));
	tls.attempted = 1;
	tls.errors = errs;
	tls.nerrors = 1;
	S(t, "* OK ready");
	C(t, "S1 STARTTLS");
	S(t, "S1 OK go");
	transcript_note(t, "the certificate of localhost is not trusted");
	guide_find_steps(t, TRANSPORT_STARTTLS, &tls, &f);
	assert_int_equal(f.total[GS_STARTTLS], 2);
	assert_int_equal(f.total[GS_CERTIFICATE], 1);
	g = build(t, SERVICE_IMAP, TRANSPORT_STARTTLS, &tls);
	assert_true(find(g, "4. The certificate") <
	    find(g, "issued for wrong.example"));
	assert_true(find(g, "issued for wrong.example") <
	    find(g, "5. The encrypted dialogue"));
	assert_int_equal(count(g, GB_MISSING, "Not seen"), 3);
	guide_free(g);
	/* Without the facts, the note stays with STARTTLS. */
	guide_find_steps(t, TRANSPORT_STARTTLS, NULL, &f);
	assert_int_equal(f.total[GS_STARTTLS], 3);
	assert_int_equal(f.total[GS_CERTIFICATE], 0);
	transcript_free(t);
}

/* No connection (or an empty transcript): the example, marked as one,
 * with every step and no "not seen"; its password is redacted too. */
static void
test_example(void **state)
{
	struct transcript *empty = transcript_new();
	struct guide *g;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		g = pass == 0 ? guide_new() :
		    build(empty, SERVICE_IMAP, TRANSPORT_STARTTLS, NULL);
		if (pass == 0)
			guide_build(g);
		assert_int_equal(count(g, GB_EXAMPLE, "EXAMPLE, not your "
		    "connection"), 1);
		assert_true(find(g, "EXAMPLE") < find(g, "1. The greeting"));
		assert_int_equal(count(g, GB_MISSING, "Not seen"), 0);
		assert_int_equal(count(g, GB_WIRE, "S1 STARTTLS"), 1);
		assert_int_equal(count(g, GB_WIRE, "3 LOGIN [redacted]"), 1);
		assert_int_equal(count(g, -1, "example-password"), 0);
		assert_int_equal(count(g, GB_TITLE, "Your last"), 0);
		assert_int_equal(count(g, GB_TEXT, "Open a message"), 1);
		guide_free(g);
	}
	transcript_free(empty);
}

/* The lock tags: one item per level, with its tag. */
static void
test_levels(void **state)
{
	struct guide *g = guide_new();

	(void)state;
	guide_build(g);
	guide_build(g);		/* a second call adds nothing */
	assert_int_equal(count(g, GB_ITEM, "[TLS]"), 1);
	assert_int_equal(count(g, GB_ITEM, "[PIN]"), 1);
	assert_int_equal(count(g, GB_ITEM, "[TLS!]"), 1);
	assert_int_equal(count(g, GB_ITEM, "[PLAIN]"), 1);
	assert_int_equal(count(g, GB_ITEM, "[--]"), 1);
	assert_int_equal(count(g, GB_TITLE, "How starling protects"), 1);
	assert_int_equal(guide_block(g, (size_t)find(g, "pinned: "))->level,
	    LEVEL_PINNED);
	assert_null(guide_block(g, guide_count(g)));
	guide_free(g);
}

/* Authentication-Results: absent, then folded and hostile. */
static void
test_auth_results(void **state)
{
	struct guide *g = guide_new();
	long i;

	(void)state;
	guide_set_auth_results(g, NULL);
	guide_build(g);
	assert_int_equal(count(g, GB_MISSING, "has no Authentication-Results"),
	    1);
	assert_int_equal(count(g, GB_TEXT, "Open a message"), 0);
	guide_free(g);

	g = guide_new();
	guide_set_auth_results(g, "mx.example.com;\r\n\tspf=pass "
	    "smtp.mailfrom=a.example;\r\n  dkim=pass \x1b[31mheader.d=a\x07");
	guide_build(g);
	i = find(g, "spf=pass");
	assert_true(i >= 0);
	assert_string_equal(guide_block(g, (size_t)i)->text,
	    "mx.example.com; spf=pass smtp.mailfrom=a.example; dkim=pass "
	    "^[[31mheader.d=a^G");
	assert_int_equal(guide_block(g, (size_t)i)->kind, GB_WIRE);
	guide_free(g);
}

/* A very long line is cut, on a character boundary. */
static void
test_long_line(void **state)
{
	struct transcript *t = transcript_new();
	char line[1200];
	struct guide *g;
	long i;

	(void)state;
	memset(line, 'a', sizeof(line) - 1);
	memcpy(line, "* OK ", 5);
	memcpy(line + 398, "\xe3\x81\x82", 3);	/* あ across the cut */
	line[sizeof(line) - 1] = '\0';
	S(t, line);
	g = build(t, SERVICE_IMAP, TRANSPORT_STARTTLS, NULL);
	i = find(g, "* OK aaa");
	assert_true(i >= 0);
	assert_string_equal(guide_block(g, (size_t)i)->text + 398, " [...]");
	guide_free(g);
	transcript_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_imap_steps),
		cmocka_unit_test(test_imap_guide),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_plain_login),
		cmocka_unit_test(test_smtp),
		cmocka_unit_test(test_implicit),
		cmocka_unit_test(test_cert_failed),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_auth_results),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
