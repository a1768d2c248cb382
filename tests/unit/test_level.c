/* test_level.c: level_verdict() and the names and tags of levels. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "level.h"

#define HOST	"mail.example.com"
#define UNTRUSTED \
	"the certificate of mail.example.com is not trusted: "

/* Facts of a good TLS 1.3 session: valid chain, matching name, no pins. */
static struct verdict_facts
good(void)
{
	struct verdict_facts f;

	memset(&f, 0, sizeof f);
	f.tls_version_ok = 1;
	f.tls_version = "TLS1.3";
	f.hostname_ok = 1;
	f.host = HOST;
	f.cert_names = HOST;
	f.not_after = "2030-01-01";
	return f;
}

/* The verdict must be ST_OK with level want, and *errstr stays NULL. */
static void
verdict_ok(const struct verdict_facts *f, enum level want)
{
	enum level l = LEVEL_PLAINTEXT;
	char *err = NULL;

	assert_int_equal(level_verdict(f, &l, &err), ST_OK);
	assert_int_equal(l, want);
	assert_null(err);
}

/* The verdict must refuse; returns the message, which the caller frees. */
static char *
verdict_fails(const struct verdict_facts *f)
{
	enum level l = LEVEL_VERIFIED;
	char *err = NULL;

	assert_int_equal(level_verdict(f, &l, &err), ST_TLS_FAILED);
	assert_int_equal(l, LEVEL_NONE);
	assert_non_null(err);
	assert_true(strlen(err) > 0);
	return err;
}

/* Refused with exactly the message want. */
static void
verdict_fails_with(const struct verdict_facts *f, const char *want)
{
	char *err = verdict_fails(f);

	assert_string_equal(err, want);
	free(err);
}

/* Refused with a message that contains every one of the NULL-ended words. */
static void
verdict_fails_saying(const struct verdict_facts *f, ...)
{
	va_list ap;
	const char *w;
	char *err = verdict_fails(f);

	va_start(ap, f);
	while ((w = va_arg(ap, const char *)) != NULL) {
		if (strstr(err, w) == NULL)
			fail_msg("\"%s\" not in \"%s\"", w, err);
	}
	va_end(ap);
	free(err);
}

/* The stable names, as in check --json. */
static void
test_level_name(void **state)
{
	(void)state;
	assert_string_equal(level_name(LEVEL_NONE), "none");
	assert_string_equal(level_name(LEVEL_PLAINTEXT), "plaintext");
	assert_string_equal(level_name(LEVEL_UNVERIFIED), "unverified");
	assert_string_equal(level_name(LEVEL_PINNED), "pinned");
	assert_string_equal(level_name(LEVEL_VERIFIED), "verified");
}

/* The lock tags. */
static void
test_level_tag(void **state)
{
	(void)state;
	assert_string_equal(level_tag(LEVEL_NONE), "--");
	assert_string_equal(level_tag(LEVEL_PLAINTEXT), "PLAIN");
	assert_string_equal(level_tag(LEVEL_UNVERIFIED), "TLS!");
	assert_string_equal(level_tag(LEVEL_PINNED), "PIN");
	assert_string_equal(level_tag(LEVEL_VERIFIED), "TLS");
}

/* Every level has a sentence. */
static void
test_level_describe(void **state)
{
	enum level l;

	(void)state;
	for (l = LEVEL_NONE; l <= LEVEL_VERIFIED; l++) {
		assert_non_null(level_describe(l));
		assert_true(strlen(level_describe(l)) > 0);
	}
}

/* All-zero facts (TLS version unknown) are refused, not verified. */
static void
test_zero_facts(void **state)
{
	struct verdict_facts f;

	(void)state;
	memset(&f, 0, sizeof f);
	f.host = HOST;
	verdict_fails_saying(&f, "TLS 1.2", (char *)NULL);
}

/* No problems, name matches: verified. */
static void
test_verified(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	verdict_ok(&f, LEVEL_VERIFIED);
}

/* A valid chain stays verified when a pin also matches. */
static void
test_verified_pins_match(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.config_pin = PIN_MATCH;
	f.stored_pin = PIN_MATCH;
	verdict_ok(&f, LEVEL_VERIFIED);
}

/* Accepting a valid certificate does not lower it to unverified. */
static void
test_verified_accepted(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.accepted = 1;
	verdict_ok(&f, LEVEL_VERIFIED);
}

/* A clean certificate has no problems text. */
static void
test_problems_text_none(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	assert_null(level_problems_text(&f));
}

/* TLS below 1.2 is refused even with a valid chain. */
static void
test_old_tls(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.tls_version_ok = 0;
	f.tls_version = "TLS1.1";
	verdict_fails_saying(&f, "TLS1.1", "TLS 1.2", (char *)NULL);
}

/* Old TLS is refused even if pinned and accepted. */
static void
test_old_tls_pinned_accepted(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.tls_version_ok = 0;
	f.tls_version = NULL;
	f.config_pin = PIN_MATCH;
	f.stored_pin = PIN_MATCH;
	f.accepted = 1;
	verdict_fails_saying(&f, "TLS 1.2", (char *)NULL);
}

/* A tls_pin mismatch is refused even with a valid chain. */
static void
test_config_pin_mismatch(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.config_pin = PIN_MISMATCH;
	verdict_fails_saying(&f, "tls_pin", (char *)NULL);
}

/* A tls_pin mismatch is refused even when accepted and stored-pinned. */
static void
test_config_pin_mismatch_accepted(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.config_pin = PIN_MISMATCH;
	f.stored_pin = PIN_MATCH;
	f.accepted = 1;
	verdict_fails_saying(&f, "tls_pin", (char *)NULL);
}

/* A changed TOFU key is refused with a "changed" alarm. */
static void
test_stored_pin_mismatch(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.stored_pin = PIN_MISMATCH;
	verdict_fails_saying(&f, "changed", (char *)NULL);
}

/* A changed TOFU key is refused even for an accepted certificate. */
static void
test_stored_pin_mismatch_accepted(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.problems = CERT_UNKNOWN_ISSUER;
	f.stored_pin = PIN_MISMATCH;
	f.accepted = 1;
	verdict_fails_saying(&f, "changed", (char *)NULL);
}

/* Untrusted chain, tls_pin matches: pinned. */
static void
test_pinned_config_untrusted(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.problems = CERT_UNKNOWN_ISSUER;
	f.config_pin = PIN_MATCH;
	verdict_ok(&f, LEVEL_PINNED);
}

/* Name mismatch, tls_pin matches: pinned. */
static void
test_pinned_config_name(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.hostname_ok = 0;
	f.cert_names = "other.example";
	f.config_pin = PIN_MATCH;
	verdict_ok(&f, LEVEL_PINNED);
}

/* Untrusted chain, stored pin matches: pinned. */
static void
test_pinned_stored_untrusted(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.problems = CERT_UNKNOWN_ISSUER | CERT_EXPIRED;
	f.stored_pin = PIN_MATCH;
	verdict_ok(&f, LEVEL_PINNED);
}

/* Name mismatch, stored pin matches: pinned (also when accepted). */
static void
test_pinned_stored_name(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.hostname_ok = 0;
	f.stored_pin = PIN_MATCH;
	f.accepted = 1;
	verdict_ok(&f, LEVEL_PINNED);
}

/* Untrusted, unpinned, accepted for this session: unverified. */
static void
test_unverified_accepted(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.problems = CERT_UNKNOWN_ISSUER;
	f.accepted = 1;
	verdict_ok(&f, LEVEL_UNVERIFIED);
}

/* Name mismatch, accepted: unverified. */
static void
test_unverified_name_accepted(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.hostname_ok = 0;
	f.accepted = 1;
	verdict_ok(&f, LEVEL_UNVERIFIED);
}

/* Unknown issuer, not accepted: refused, in words. */
static void
test_refused_unknown_issuer(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.problems = CERT_UNKNOWN_ISSUER;
	verdict_fails_with(&f, UNTRUSTED
	    "it is issued by an authority that is not trusted");
}

/* Expired: the message gives the date. */
static void
test_refused_expired(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.problems = CERT_EXPIRED;
	f.not_after = "2024-05-01";
	verdict_fails_with(&f, UNTRUSTED "it expired on 2024-05-01");
}

/* Name mismatch: "issued for X, not Y". */
static void
test_refused_name(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.hostname_ok = 0;
	f.cert_names = "other.example, www.other.example";
	verdict_fails_with(&f, UNTRUSTED
	    "it is issued for other.example, www.other.example, "
	    "not mail.example.com");
}

/* A certificate without names still gets a sentence. */
static void
test_refused_name_none(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.hostname_ok = 0;
	f.cert_names = "";
	verdict_fails_with(&f, UNTRUSTED
	    "it is issued for no name, not mail.example.com");
}

/* Every reason at once, each in words. */
static void
test_refused_every_reason(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.problems = CERT_UNKNOWN_ISSUER | CERT_EXPIRED;
	f.not_after = "2024-05-01";
	f.hostname_ok = 0;
	f.cert_names = "other.example";
	verdict_fails_with(&f, UNTRUSTED
	    "it is issued by an authority that is not trusted; "
	    "it expired on 2024-05-01; "
	    "it is issued for other.example, not mail.example.com");
}

/* The remaining problem bits each have a sentence. */
static void
test_refused_other_problems(void **state)
{
	struct verdict_facts f = good();

	(void)state;
	f.problems = CERT_NOT_YET_VALID | CERT_REVOKED | CERT_BAD_SIGNATURE |
	    CERT_INSECURE_ALGORITHM | CERT_OTHER;
	verdict_fails_with(&f, UNTRUSTED
	    "it is not valid yet; it has been revoked; "
	    "its signature does not verify; "
	    "it is signed with an insecure algorithm; "
	    "it failed verification");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_name),
		cmocka_unit_test(test_level_tag),
		cmocka_unit_test(test_level_describe),
		cmocka_unit_test(test_zero_facts),
		cmocka_unit_test(test_verified),
		cmocka_unit_test(test_verified_pins_match),
		cmocka_unit_test(test_verified_accepted),
		cmocka_unit_test(test_problems_text_none),
		cmocka_unit_test(test_old_tls),
		cmocka_unit_test(test_old_tls_pinned_accepted),
		cmocka_unit_test(test_config_pin_mismatch),
		cmocka_unit_test(test_config_pin_mismatch_accepted),
		cmocka_unit_test(test_stored_pin_mismatch),
		cmocka_unit_test(test_stored_pin_mismatch_accepted),
		cmocka_unit_test(test_pinned_config_untrusted),
		cmocka_unit_test(test_pinned_config_name),
		cmocka_unit_test(test_pinned_stored_untrusted),
		cmocka_unit_test(test_pinned_stored_name),
		cmocka_unit_test(test_unverified_accepted),
		cmocka_unit_test(test_unverified_name_accepted),
		cmocka_unit_test(test_refused_unknown_issuer),
		cmocka_unit_test(test_refused_expired),
		cmocka_unit_test(test_refused_name),
		cmocka_unit_test(test_refused_name_none),
		cmocka_unit_test(test_refused_every_reason),
		cmocka_unit_test(test_refused_other_problems),
	};

	return cmocka_run_group_tests_name("level", tests, NULL, NULL);
}
