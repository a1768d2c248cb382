/* test_probe.c: probe_judge() on constructed endpoints (grade caps,
 * assurance levels, findings), probe_domain_level() and the names. No
 * network: the one probe_endpoint() call is on an endpoint without an
 * address. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"
#include "xmalloc.h"

#define HOST	"mail.example.com"

/* One certificate of a chain. */
static void
cert_fill(struct tls_cert *c, const char *subject, const char *issuer,
    const char *key)
{
	memset(c, 0, sizeof(*c));
	c->subject = xstrdup(subject);
	c->issuer = xstrdup(issuer);
	c->pin = xstrdup("pin-sha256:AAAA");
	snprintf(c->key, sizeof(c->key), "%s", key);
	snprintf(c->signature, sizeof(c->signature), "ECDSA-SHA256");
	snprintf(c->not_before, sizeof(c->not_before), "2026-01-01T00:00:00Z");
	snprintf(c->not_after, sizeof(c->not_after), "2030-01-01T00:00:00Z");
	c->days_left = 400;
}

/* A good endpoint: TLS 1.3 and 1.2, a valid chain of two, nothing wrong. */
static struct endpoint *
good(enum transport tr)
{
	struct endpoint *e = xcalloc(1, sizeof(*e));

	e->target = xstrdup("example.com");
	e->name = xstrdup(HOST);
	e->addr = xstrdup("192.0.2.1");
	e->service = SERVICE_IMAP;
	e->transport = tr;
	e->port = tr == TRANSPORT_IMPLICIT ? 993 : 143;
	e->reachable = 1;
	e->starttls_advertised = tr == TRANSPORT_STARTTLS ? 1 : -1;
	e->starttls_accepted = tr == TRANSPORT_STARTTLS ? 1 : -1;
	e->plain_auth_offered = tr == TRANSPORT_STARTTLS ? 0 : -1;
	e->starttls_after_tls = 0;
	e->injection_reacts = tr == TRANSPORT_STARTTLS ? 0 : -1;
	e->versions[TLSV_1_0] = e->versions[TLSV_1_1] = VERSION_REFUSED;
	e->versions[TLSV_1_2] = e->versions[TLSV_1_3] = VERSION_ACCEPTED;
	snprintf(e->version_cipher[TLSV_1_2], 64,
	    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
	snprintf(e->version_cipher[TLSV_1_3], 64, "TLS_AES_256_GCM_SHA384");
	e->tls.attempted = e->tls.done = 1;
	snprintf(e->tls.version, sizeof(e->tls.version), "TLS1.3");
	snprintf(e->tls.cipher, sizeof(e->tls.cipher), "TLS_AES_256_GCM_SHA384");
	snprintf(e->tls.group, sizeof(e->tls.group), "X25519");
	e->tls.chain = xcalloc(2, sizeof(struct tls_cert));
	e->tls.nchain = 2;
	cert_fill(&e->tls.chain[0], "CN=" HOST, "CN=R3", "EC 256");
	cert_fill(&e->tls.chain[1], "CN=R3", "CN=Root", "RSA 2048");
	e->tls.trusted = e->tls.hostname_ok = 1;
	e->ocsp_stapled = 1;
	e->chain_ordered = e->chain_complete = 1;
	return e;
}

/* Free one endpoint and all it holds. */
static void
done(struct endpoint *e)
{
	probe_endpoints_free(e, 1);
}

/* The finding with this id, or NULL. */
static const struct finding *
find(const struct endpoint *e, const char *id)
{
	size_t i;

	for (i = 0; i < e->nfindings; i++)
		if (strcmp(e->findings[i].id, id) == 0)
			return &e->findings[i];
	return NULL;
}

/* The finding id must be there with severity sev. */
static void
has(const struct endpoint *e, const char *id, enum severity sev)
{
	const struct finding *f = find(e, id);

	if (f == NULL)
		fail_msg("no finding %s", id);
	assert_int_equal(f->severity, sev);
	assert_non_null(f->text);
	assert_true(strlen(f->text) > 0);
}

/* The worst severity among the findings. */
static enum severity
worst(const struct endpoint *e)
{
	enum severity w = SEV_OK;
	size_t i;

	for (i = 0; i < e->nfindings; i++)
		if (e->findings[i].severity > w)
			w = e->findings[i].severity;
	return w;
}

/* Judge e and check grade and level. */
static void
judged(struct endpoint *e, const char *grade, int level)
{
	probe_judge(e);
	assert_string_equal(e->grade, grade);
	assert_int_equal(e->level, level);
}

/* The severity and version names, as testssl.sh and GnuTLS spell them. */
static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(severity_name(SEV_OK), "OK");
	assert_string_equal(severity_name(SEV_INFO), "INFO");
	assert_string_equal(severity_name(SEV_LOW), "LOW");
	assert_string_equal(severity_name(SEV_MEDIUM), "MEDIUM");
	assert_string_equal(severity_name(SEV_HIGH), "HIGH");
	assert_string_equal(severity_name(SEV_CRITICAL), "CRITICAL");
	assert_string_equal(tls_version_name(TLSV_1_0), "TLS1.0");
	assert_string_equal(tls_version_name(TLSV_1_1), "TLS1.1");
	assert_string_equal(tls_version_name(TLSV_1_2), "TLS1.2");
	assert_string_equal(tls_version_name(TLSV_1_3), "TLS1.3");
}

/* Freeing nothing is fine. */
static void
test_free_null(void **state)
{
	(void)state;
	probe_endpoints_free(NULL, 0);
	probe_endpoints_free(NULL, 3);
}

/* STARTTLS, valid certificate: A (never A+ yet), level 2. */
static void
test_good_starttls(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	judged(e, "A", 2);
	has(e, "cert_valid", SEV_OK);
	has(e, "tls1_3", SEV_OK);
	has(e, "tls1_2", SEV_OK);
	has(e, "tls1_1", SEV_OK);
	has(e, "tls1_0", SEV_OK);
	has(e, "ocsp_stapling", SEV_OK);
	has(e, "starttls_injection", SEV_OK);
	assert_null(find(e, "plaintext_auth_before_tls"));
	assert_true(worst(e) <= SEV_INFO);
	done(e);
}

/* Implicit TLS, valid certificate: level 3; level 4 is never given. */
static void
test_good_implicit(void **state)
{
	struct endpoint *e = good(TRANSPORT_IMPLICIT);

	(void)state;
	e->is_mx = 1;
	judged(e, "A", 3);
	assert_null(find(e, "starttls_injection"));
	done(e);
}

/* Judging twice gives the same findings (probe_run judges already). */
static void
test_judge_twice(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);
	size_t n;

	(void)state;
	probe_judge(e);
	n = e->nfindings;
	judged(e, "A", 2);
	assert_int_equal(e->nfindings, n);
	done(e);
}

/* TLS 1.0 or 1.1 offered: capped at B, LOW finding; the level stays. */
static void
test_tls10_caps_b(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	e->versions[TLSV_1_0] = VERSION_ACCEPTED;
	snprintf(e->version_cipher[TLSV_1_0], 64,
	    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");
	judged(e, "B", 2);
	has(e, "tls1_0", SEV_LOW);
	done(e);
	e = good(TRANSPORT_IMPLICIT);
	e->versions[TLSV_1_1] = VERSION_ACCEPTED;
	judged(e, "B", 3);
	has(e, "tls1_1", SEV_LOW);
	done(e);
}

/* Only TLS 1.0 (no 1.2, no 1.3): capped at C, and starling would not
 * use it: level 1. */
static void
test_no_tls12_caps_c(void **state)
{
	struct endpoint *e = good(TRANSPORT_IMPLICIT);

	(void)state;
	e->versions[TLSV_1_0] = VERSION_ACCEPTED;
	e->versions[TLSV_1_2] = e->versions[TLSV_1_3] = VERSION_REFUSED;
	e->version_cipher[TLSV_1_2][0] = e->version_cipher[TLSV_1_3][0] = '\0';
	snprintf(e->tls.version, sizeof(e->tls.version), "TLS1.0");
	snprintf(e->tls.cipher, sizeof(e->tls.cipher),
	    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
	judged(e, "C", 1);
	has(e, "tls1_2", SEV_MEDIUM);
	has(e, "tls1_3", SEV_INFO);
	done(e);
}

/* A version the local GnuTLS cannot offer is "not testable", INFO: not
 * refused (OK), not offered (no cap). */
static void
test_untestable_is_not_refused(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);
	const struct finding *f;

	(void)state;
	e->versions[TLSV_1_0] = VERSION_UNTESTABLE;
	e->versions[TLSV_1_1] = VERSION_UNTESTABLE;
	judged(e, "A", 2);
	has(e, "tls1_0", SEV_INFO);
	has(e, "tls1_1", SEV_INFO);
	f = find(e, "tls1_0");
	assert_non_null(strstr(f->text, "not testable"));
	assert_null(strstr(f->text, "not offered"));
	done(e);
	/* The same version refused: OK, and says so. */
	e = good(TRANSPORT_STARTTLS);
	judged(e, "A", 2);
	f = find(e, "tls1_0");
	assert_int_equal(f->severity, SEV_OK);
	assert_non_null(strstr(f->text, "not offered"));
	done(e);
}

/* Untrusted issuer: T, level 1, CRITICAL. */
static void
test_untrusted(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	e->tls.trusted = 0;
	e->tls.problems = CERT_UNKNOWN_ISSUER;
	e->chain_complete = 0;
	judged(e, "T", 1);
	has(e, "cert_untrusted", SEV_CRITICAL);
	has(e, "chain_incomplete", SEV_MEDIUM);
	assert_null(find(e, "cert_valid"));
	done(e);
}

/* Expired: T, level 1 (also for implicit TLS). */
static void
test_expired(void **state)
{
	struct endpoint *e = good(TRANSPORT_IMPLICIT);

	(void)state;
	e->tls.trusted = 0;
	e->tls.problems = CERT_EXPIRED;
	e->tls.chain[0].days_left = -3;
	judged(e, "T", 1);
	has(e, "cert_expired", SEV_CRITICAL);
	assert_null(find(e, "cert_untrusted"));
	assert_null(find(e, "cert_expires_soon"));
	done(e);
}

/* Name mismatch: M, level 1; untrusted and mismatched: T. */
static void
test_name_mismatch(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	e->tls.hostname_ok = 0;
	judged(e, "M", 1);
	has(e, "cert_name_mismatch", SEV_HIGH);
	done(e);
	e = good(TRANSPORT_STARTTLS);
	e->tls.hostname_ok = 0;
	e->tls.trusted = 0;
	e->tls.problems = CERT_UNKNOWN_ISSUER;
	judged(e, "T", 1);
	has(e, "cert_name_mismatch", SEV_HIGH);
	has(e, "cert_untrusted", SEV_CRITICAL);
	done(e);
}

/* Revoked: F, even though it is also untrusted. */
static void
test_revoked(void **state)
{
	struct endpoint *e = good(TRANSPORT_IMPLICIT);

	(void)state;
	e->tls.trusted = 0;
	e->tls.problems = CERT_REVOKED;
	judged(e, "F", 1);
	has(e, "cert_revoked", SEV_CRITICAL);
	done(e);
}

/* Weak keys: RSA 1024 caps at B (HIGH), RSA 512 at F (CRITICAL); both
 * level 1 (starling refuses them). */
static void
test_weak_key(void **state)
{
	struct endpoint *e = good(TRANSPORT_IMPLICIT);

	(void)state;
	snprintf(e->tls.chain[0].key, sizeof(e->tls.chain[0].key), "RSA 1024");
	judged(e, "B", 1);
	has(e, "key_weak", SEV_HIGH);
	done(e);
	e = good(TRANSPORT_IMPLICIT);
	snprintf(e->tls.chain[0].key, sizeof(e->tls.chain[0].key), "RSA 512");
	judged(e, "F", 1);
	has(e, "key_weak", SEV_CRITICAL);
	done(e);
}

/* No forward secrecy, no AEAD: each caps at B. */
static void
test_cipher_caps(void **state)
{
	struct endpoint *e = good(TRANSPORT_IMPLICIT);

	(void)state;
	snprintf(e->tls.version, sizeof(e->tls.version), "TLS1.2");
	snprintf(e->tls.cipher, sizeof(e->tls.cipher),
	    "TLS_RSA_WITH_AES_128_GCM_SHA256");
	e->tls.group[0] = '\0';
	e->versions[TLSV_1_3] = VERSION_REFUSED;
	e->version_cipher[TLSV_1_3][0] = '\0';
	judged(e, "B", 3);
	has(e, "cipher_no_fs", SEV_MEDIUM);
	assert_null(find(e, "cipher_no_aead"));
	done(e);
	e = good(TRANSPORT_IMPLICIT);
	snprintf(e->tls.version, sizeof(e->tls.version), "TLS1.2");
	snprintf(e->tls.cipher, sizeof(e->tls.cipher),
	    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384");
	judged(e, "B", 3);
	has(e, "cipher_no_aead", SEV_LOW);
	assert_null(find(e, "cipher_no_fs"));
	done(e);
}

/* Authentication offered before TLS: HIGH on a client port, MEDIUM on
 * an MX's port 25, CRITICAL when there is no TLS at all. */
static void
test_plain_auth(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	e->plain_auth_offered = 1;
	judged(e, "A", 2);
	has(e, "plaintext_auth_before_tls", SEV_HIGH);
	done(e);
	e = good(TRANSPORT_STARTTLS);
	e->service = SERVICE_SMTP;
	e->port = 25;
	e->is_mx = 1;
	e->plain_auth_offered = 1;
	judged(e, "A", 2);
	has(e, "plaintext_auth_before_tls", SEV_MEDIUM);
	done(e);
	e = good(TRANSPORT_STARTTLS);
	e->plain_auth_offered = 1;
	e->starttls_advertised = e->starttls_accepted = 0;
	tls_info_clear(&e->tls);
	judged(e, "F", 0);
	has(e, "plaintext_auth_before_tls", SEV_CRITICAL);
	has(e, "starttls_not_offered", SEV_HIGH);
	done(e);
}

/* STARTTLS advertised, then refused: stripped, F, level 0. */
static void
test_starttls_stripped(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	e->starttls_accepted = 0;
	tls_info_clear(&e->tls);
	judged(e, "F", 0);
	has(e, "starttls_stripped", SEV_HIGH);
	assert_null(find(e, "starttls_not_offered"));
	assert_null(find(e, "tls1_2"));
	done(e);
}

/* STARTTLS works but is not advertised: MEDIUM; starling sends it
 * anyway, so the level stays 2. */
static void
test_starttls_unadvertised(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	e->starttls_advertised = 0;
	judged(e, "A", 2);
	has(e, "starttls_unadvertised", SEV_MEDIUM);
	done(e);
}

/* STARTTLS still advertised inside TLS: LOW, nothing else changes. */
static void
test_starttls_after_tls(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	e->starttls_after_tls = 1;
	judged(e, "A", 2);
	has(e, "starttls_after_tls", SEV_LOW);
	done(e);
}

/* Bytes behind the STARTTLS reply: level 0, F. */
static void
test_reply_injection(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	tls_info_clear(&e->tls);
	e->injected_reply = 23;
	judged(e, "F", 0);
	has(e, "starttls_reply_injection", SEV_HIGH);
	assert_null(find(e, "tls_handshake_failed"));
	done(e);
}

/* The server answers a command sent with STARTTLS: HIGH. */
static void
test_injection_reacts(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	e->injection_reacts = 1;
	judged(e, "A", 2);
	has(e, "starttls_injection", SEV_HIGH);
	done(e);
	e = good(TRANSPORT_STARTTLS);
	e->injection_reacts = -1;
	judged(e, "A", 2);
	has(e, "starttls_injection", SEV_INFO);
	done(e);
}

/* No handshake with any version (implicit TLS): F, level 0. */
static void
test_tls_failed(void **state)
{
	struct endpoint *e = good(TRANSPORT_IMPLICIT);
	enum tls_version v;

	(void)state;
	tls_info_clear(&e->tls);
	for (v = TLSV_1_0; v < TLSV_COUNT; v++)
		e->versions[v] = VERSION_REFUSED;
	e->error = xstrdup("the TLS handshake failed");
	judged(e, "F", 0);
	has(e, "tls_handshake_failed", SEV_HIGH);
	has(e, "tls1_2", SEV_MEDIUM);
	done(e);
}

/* Chain out of order, OCSP not stapled, expiring soon: LOW each. */
static void
test_chain_and_ocsp(void **state)
{
	struct endpoint *e = good(TRANSPORT_IMPLICIT);

	(void)state;
	e->chain_ordered = 0;
	e->ocsp_stapled = 0;
	e->tls.chain[0].days_left = 20;
	judged(e, "A", 3);
	has(e, "chain_order", SEV_LOW);
	has(e, "ocsp_stapling", SEV_LOW);
	has(e, "cert_expires_soon", SEV_LOW);
	done(e);
	e = good(TRANSPORT_IMPLICIT);
	e->tls.chain[0].days_left = 3;
	judged(e, "A", 3);
	has(e, "cert_expires_soon", SEV_HIGH);
	done(e);
}

/* Unreachable, SMTP 421, stopped early: not judged (grade ""). */
static void
test_not_judged(void **state)
{
	struct endpoint *e = good(TRANSPORT_STARTTLS);

	(void)state;
	tls_info_clear(&e->tls);
	e->reachable = 0;
	judged(e, "", 0);
	has(e, "unreachable", SEV_INFO);
	done(e);
	e = good(TRANSPORT_STARTTLS);
	tls_info_clear(&e->tls);
	e->smtp_421 = 1;
	judged(e, "", 0);
	has(e, "smtp_421", SEV_INFO);
	done(e);
	e = good(TRANSPORT_STARTTLS);
	tls_info_clear(&e->tls);
	e->starttls_accepted = -1;
	judged(e, "", 0);
	has(e, "probe_stopped", SEV_INFO);
	done(e);
	e = good(TRANSPORT_IMPLICIT);
	tls_info_clear(&e->tls);
	e->timed_out = 1;
	judged(e, "", 0);
	has(e, "probe_stopped", SEV_INFO);
	done(e);
}

/* An endpoint without an address: probe_endpoint() keeps its error,
 * touches no network, and it is not judged. */
static void
test_no_address(void **state)
{
	struct probe_opts o = { NULL, 1, NULL, 1 };
	struct endpoint *e = xcalloc(1, sizeof(*e));

	(void)state;
	e->target = xstrdup("example.com");
	e->name = xstrdup(HOST);
	e->error = xstrdup("cannot resolve " HOST);
	probe_endpoint(e, &o);
	assert_int_equal(e->reachable, 0);
	assert_string_equal(e->error, "cannot resolve " HOST);
	probe_judge(e);
	assert_string_equal(e->grade, "");
	has(e, "unreachable", SEV_INFO);
	done(e);
}

/* The level of a target: the minimum over its judged endpoints. */
static void
test_domain_level(void **state)
{
	struct endpoint *eps = xcalloc(4, sizeof(*eps)), *e;
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		e = good(i == 1 ? TRANSPORT_IMPLICIT : TRANSPORT_STARTTLS);
		eps[i] = *e;
		free(e);
	}
	free(eps[3].target);
	eps[3].target = xstrdup("other.example");
	eps[2].tls.hostname_ok = 0;	/* level 1 */
	for (i = 0; i < 4; i++)
		probe_judge(&eps[i]);
	assert_int_equal(probe_domain_level(eps, 4, "example.com"), 1);
	assert_int_equal(probe_domain_level(eps, 4, "other.example"), 2);
	assert_int_equal(probe_domain_level(eps, 4, "nowhere.example"), -1);
	/* An unreachable endpoint does not count. */
	eps[2].reachable = 0;
	probe_judge(&eps[2]);
	assert_int_equal(probe_domain_level(eps, 4, "example.com"), 2);
	eps[3].reachable = 0;
	probe_judge(&eps[3]);
	assert_int_equal(probe_domain_level(eps, 4, "other.example"), -1);
	probe_endpoints_free(eps, 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_good_starttls),
		cmocka_unit_test(test_good_implicit),
		cmocka_unit_test(test_judge_twice),
		cmocka_unit_test(test_tls10_caps_b),
		cmocka_unit_test(test_no_tls12_caps_c),
		cmocka_unit_test(test_untestable_is_not_refused),
		cmocka_unit_test(test_untrusted),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_weak_key),
		cmocka_unit_test(test_cipher_caps),
		cmocka_unit_test(test_plain_auth),
		cmocka_unit_test(test_starttls_stripped),
		cmocka_unit_test(test_starttls_unadvertised),
		cmocka_unit_test(test_starttls_after_tls),
		cmocka_unit_test(test_reply_injection),
		cmocka_unit_test(test_injection_reacts),
		cmocka_unit_test(test_tls_failed),
		cmocka_unit_test(test_chain_and_ocsp),
		cmocka_unit_test(test_not_judged),
		cmocka_unit_test(test_no_address),
		cmocka_unit_test(test_domain_level),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
