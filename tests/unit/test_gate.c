/* test_gate.c: gate_check() and gate_release() for every level. */
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

#include "gate.h"

#define WHERE		"IMAP mail.example.com:143"
#define NOT_RUN		-12345	/* *result when send did not run */

/* What the send callback saw. */
struct sent {
	int			 calls;
	int			 ret;
	struct transcript	*tr;
};

/* The send callback: count, record a SASL-like line, return ret. */
static int
send_cb(void *arg)
{
	struct sent *s = arg;

	s->calls++;
	if (s->tr != NULL)
		transcript_record(s->tr, TR_SENT, "czNjcmV0LVBhNTU=\r\n", 18);
	return s->ret;
}

/* A gate at level l; the wire is TLS for every level that means TLS. */
static struct gate
gate_at(enum level l, int allow_plaintext, int accepted)
{
	struct gate g;

	memset(&g, 0, sizeof g);
	g.level = l;
	g.encrypted = l >= LEVEL_UNVERIFIED;
	g.allow_plaintext = allow_plaintext;
	g.accepted = accepted;
	g.where = WHERE;
	return g;
}

/* Both kinds must be allowed: check passes, release runs send once. */
static void
allowed(const struct gate *g)
{
	enum gate_kind k;
	struct sent s = { 0, 42, NULL };
	int result;
	char *err;

	for (k = GATE_CREDENTIAL; k <= GATE_PRIVATE; k++) {
		err = NULL;
		assert_int_equal(gate_check(g, k, &err), ST_OK);
		assert_null(err);
		s.calls = 0;
		result = NOT_RUN;
		assert_int_equal(gate_release(g, k, send_cb, &s, &result, &err),
		    ST_OK);
		assert_null(err);
		assert_int_equal(s.calls, 1);
		assert_int_equal(result, 42);
	}
}

/* Both kinds must be refused with status st and a message with word. */
static void
refused(const struct gate *g, enum status st, const char *word)
{
	enum gate_kind k;
	struct sent s = { 0, 42, NULL };
	int result = NOT_RUN;
	char *err;

	for (k = GATE_CREDENTIAL; k <= GATE_PRIVATE; k++) {
		err = NULL;
		assert_int_equal(gate_check(g, k, &err), st);
		assert_non_null(err);
		free(err);
		err = NULL;
		assert_int_equal(gate_release(g, k, send_cb, &s, &result, &err),
		    st);
		assert_int_equal(s.calls, 0);
		assert_int_equal(result, NOT_RUN);
		assert_non_null(err);
		assert_non_null(strstr(err, WHERE));
		if (word != NULL && strstr(err, word) == NULL)
			fail_msg("\"%s\" not in \"%s\"", word, err);
		free(err);
	}
}

/* Not connected: refused whatever the override or acceptance. */
static void
test_none(void **state)
{
	struct gate g;
	int o, a;

	(void)state;
	for (o = 0; o < 2; o++)
		for (a = 0; a < 2; a++) {
			g = gate_at(LEVEL_NONE, o, a);
			refused(&g, ST_NOT_ENCRYPTED, NULL);
		}
}

/* Plaintext without the override: refused, naming allow_plaintext_auth. */
static void
test_plaintext_refused(void **state)
{
	struct gate g;
	int a;

	(void)state;
	for (a = 0; a < 2; a++) {
		g = gate_at(LEVEL_PLAINTEXT, 0, a);
		refused(&g, ST_NOT_ENCRYPTED, "allow_plaintext_auth");
	}
}

/* Plaintext with the override: allowed. */
static void
test_plaintext_override(void **state)
{
	struct gate g;
	int a;

	(void)state;
	for (a = 0; a < 2; a++) {
		g = gate_at(LEVEL_PLAINTEXT, 1, a);
		allowed(&g);
	}
}

/* Unverified and not accepted: refused; the override does not help. */
static void
test_unverified_refused(void **state)
{
	struct gate g;
	int o;

	(void)state;
	for (o = 0; o < 2; o++) {
		g = gate_at(LEVEL_UNVERIFIED, o, 0);
		refused(&g, ST_TLS_FAILED, NULL);
	}
}

/* Unverified and accepted for this session: allowed. */
static void
test_unverified_accepted(void **state)
{
	struct gate g;
	int o;

	(void)state;
	for (o = 0; o < 2; o++) {
		g = gate_at(LEVEL_UNVERIFIED, o, 1);
		allowed(&g);
	}
}

/* Pinned: allowed with or without the flags. */
static void
test_pinned(void **state)
{
	struct gate g;
	int o, a;

	(void)state;
	for (o = 0; o < 2; o++)
		for (a = 0; a < 2; a++) {
			g = gate_at(LEVEL_PINNED, o, a);
			allowed(&g);
		}
}

/* Verified: allowed with or without the flags. */
static void
test_verified(void **state)
{
	struct gate g;
	int o, a;

	(void)state;
	for (o = 0; o < 2; o++)
		for (a = 0; a < 2; a++) {
			g = gate_at(LEVEL_VERIFIED, o, a);
			allowed(&g);
		}
}

/* The callback's result, whatever it is, comes back through *result. */
static void
test_result_passed(void **state)
{
	struct gate g = gate_at(LEVEL_VERIFIED, 0, 0);
	struct sent s = { 0, -1, NULL };
	int result = NOT_RUN;
	char *err = NULL;

	(void)state;
	assert_int_equal(gate_release(&g, GATE_CREDENTIAL, send_cb, &s,
	    &result, &err), ST_OK);
	assert_int_equal(result, -1);
	s.ret = 0;
	assert_int_equal(gate_release(&g, GATE_PRIVATE, send_cb, &s,
	    &result, &err), ST_OK);
	assert_int_equal(result, 0);
	assert_int_equal(s.calls, 2);
	assert_null(err);
}

/* A credential is sent in secret mode, and secret mode ends after. */
static void
test_credential_secret_mode(void **state)
{
	struct gate g = gate_at(LEVEL_VERIFIED, 0, 0);
	struct sent s = { 0, 0, NULL };
	int result;
	char *err = NULL;

	(void)state;
	g.tr = s.tr = transcript_new();
	assert_int_equal(gate_release(&g, GATE_CREDENTIAL, send_cb, &s,
	    &result, &err), ST_OK);
	assert_int_equal(transcript_count(g.tr), 1);
	assert_string_equal(transcript_line(g.tr, 0)->text, "[redacted]");
	send_cb(&s);
	assert_int_equal(transcript_count(g.tr), 2);
	assert_string_equal(transcript_line(g.tr, 1)->text,
	    "czNjcmV0LVBhNTU=");
	transcript_free(g.tr);
}

/* A private command is not sent in secret mode. */
static void
test_private_not_secret(void **state)
{
	struct gate g = gate_at(LEVEL_PINNED, 0, 0);
	struct sent s = { 0, 0, NULL };
	int result;
	char *err = NULL;

	(void)state;
	g.tr = s.tr = transcript_new();
	assert_int_equal(gate_release(&g, GATE_PRIVATE, send_cb, &s,
	    &result, &err), ST_OK);
	assert_int_equal(transcript_count(g.tr), 1);
	assert_string_equal(transcript_line(g.tr, 0)->text,
	    "czNjcmV0LVBhNTU=");
	transcript_free(g.tr);
}

/* A refused credential leaves the transcript untouched and not secret. */
static void
test_refused_transcript(void **state)
{
	struct gate g = gate_at(LEVEL_PLAINTEXT, 0, 0);
	struct sent s = { 0, 0, NULL };
	int result = NOT_RUN;
	char *err = NULL;

	(void)state;
	g.tr = s.tr = transcript_new();
	assert_int_equal(gate_release(&g, GATE_CREDENTIAL, send_cb, &s,
	    &result, &err), ST_NOT_ENCRYPTED);
	assert_int_equal(s.calls, 0);
	assert_int_equal(transcript_count(g.tr), 0);
	free(err);
	send_cb(&s);
	assert_string_equal(transcript_line(g.tr, 0)->text,
	    "czNjcmV0LVBhNTU=");
	transcript_free(g.tr);
}

/* A send callback that must never run: it ends the child with 99. */
static int
send_never(void *arg)
{
	(void)arg;
	_exit(99);
}

/* A TLS level on a wire that is not TLS is a bug: fatal, nothing sent. */
static void
test_tls_level_without_tls(void **state)
{
	struct gate g;
	enum level l;
	pid_t pid;
	int status, result;
	char *err = NULL;

	(void)state;
	for (l = LEVEL_UNVERIFIED; l <= LEVEL_VERIFIED; l++) {
		g = gate_at(l, 1, 1);
		g.encrypted = 0;
		fflush(NULL);
		if ((pid = fork()) == 0) {
			if (freopen("/dev/null", "w", stderr) == NULL)
				_exit(98);
			gate_release(&g, GATE_CREDENTIAL, send_never, NULL,
			    &result, &err);
			_exit(0);
		}
		assert_true(pid > 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_not_equal(WEXITSTATUS(status), 0);
		assert_int_not_equal(WEXITSTATUS(status), 99);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_plaintext_refused),
		cmocka_unit_test(test_plaintext_override),
		cmocka_unit_test(test_unverified_refused),
		cmocka_unit_test(test_unverified_accepted),
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_verified),
		cmocka_unit_test(test_result_passed),
		cmocka_unit_test(test_credential_secret_mode),
		cmocka_unit_test(test_private_not_secret),
		cmocka_unit_test(test_refused_transcript),
		cmocka_unit_test(test_tls_level_without_tls),
	};

	return cmocka_run_group_tests_name("gate", tests, NULL, NULL);
}
