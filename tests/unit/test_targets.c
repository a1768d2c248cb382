/* test_targets.c: the parts of `starling probe`'s target expansion that
 * need no resolver: TARGET parsing (probe_target_parse), the port ->
 * service map, the --resolver syntax and the DNS RDATA parser. The DNS
 * side runs against a real server in tests/servers/t-probe-dns.sh. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "probe.h"

/* Parse s, which must succeed, as a target of the given kind. */
static void
parse_ok(const char *s, enum target_kind kind, struct probe_target *t)
{
	char *err = NULL;

	assert_int_equal(probe_target_parse(s, t, &err), 0);
	assert_null(err);
	assert_int_equal(t->kind, kind);
	assert_non_null(t->host);
}

/* Parse s, which must fail with exactly the message want (NULL: any). */
static void
parse_fails(const char *s, const char *want)
{
	struct probe_target t;
	char *err = NULL;

	memset(&t, 0xff, sizeof t);
	assert_int_equal(probe_target_parse(s, &t, &err), -1);
	assert_non_null(err);
	assert_null(t.host);
	if (want != NULL)
		assert_string_equal(err, want);
	free(err);
}

/* Parse s as one service: host, literal or not, port, service. */
static void
service_ok(const char *s, const char *host, int literal, unsigned port,
    enum service service, enum transport transport)
{
	struct probe_target t;

	parse_ok(s, TARGET_SERVICE, &t);
	assert_string_equal(t.host, host);
	assert_int_equal(t.literal, literal);
	assert_int_equal(t.port, port);
	assert_int_equal(t.service, service);
	assert_int_equal(t.transport, transport);
	probe_target_clear(&t);
}

/* NULL and the empty string are refused. */
static void
test_empty(void **state)
{
	(void)state;
	parse_fails(NULL, "a target cannot be empty");
	parse_fails("", "a target cannot be empty");
}

/* Spaces and control characters are refused. */
static void
test_control(void **state)
{
	(void)state;
	parse_fails("example.com ", "a target cannot contain spaces or "
	    "control characters");
	parse_fails("exa\tmple.com", NULL);
	parse_fails("example.com\x1b[31m", NULL);
	parse_fails("example\x7f.com", NULL);
}

/* probe_target_clear() accepts NULL and a zeroed struct. */
static void
test_clear(void **state)
{
	struct probe_target t;

	(void)state;
	memset(&t, 0, sizeof t);
	probe_target_clear(NULL);
	probe_target_clear(&t);
	parse_ok("example.com", TARGET_NAME, &t);
	probe_target_clear(&t);
	assert_null(t.host);
	probe_target_clear(&t);
}

/* A bare name: DNS decides later whether it is a domain or a host. */
static void
test_name(void **state)
{
	struct probe_target t;

	(void)state;
	parse_ok("example.com", TARGET_NAME, &t);
	assert_string_equal(t.host, "example.com");
	assert_int_equal(t.literal, 0);
	probe_target_clear(&t);
	parse_ok("localhost", TARGET_NAME, &t);
	assert_string_equal(t.host, "localhost");
	probe_target_clear(&t);
	parse_ok("xn--bcher-kva.example", TARGET_NAME, &t);
	probe_target_clear(&t);
}

/* Names are kept in lower case, without one final dot. */
static void
test_name_case_and_dot(void **state)
{
	struct probe_target t;

	(void)state;
	parse_ok("Mail.Example.COM.", TARGET_NAME, &t);
	assert_string_equal(t.host, "mail.example.com");
	probe_target_clear(&t);
	service_ok("MX.Example.com.:25", "mx.example.com", 0, 25,
	    SERVICE_SMTP, TRANSPORT_STARTTLS);
}

/* What is not a host name is refused with the rules. */
static void
test_bad_names(void **state)
{
	static const char *bad[] = { "bad_name.com", "-bad.com", "bad-.com",
	    "a..b", "example.com..", ".", "..", "alice@example.com",
	    "example.com/imap", "exa*mple.com", "1.2.3", "300.1.1.1",
	    "caf\xc3\xa9.example", "?x", "#x" };
	size_t i;

	(void)state;
	parse_fails("bad_name.com", "\"bad_name.com\" is not a domain, a "
	    "host name or an address (use letters, digits, \"-\" and \".\"; "
	    "write international names in their xn-- form)");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		parse_fails(bad[i], NULL);
}

/* IP literals are hosts: no DNS, all seven ports. */
static void
test_literals(void **state)
{
	static const char *lit[][2] = {
		{ "192.0.2.1", "192.0.2.1" },
		{ "2001:db8::1", "2001:db8::1" },
		{ "::1", "::1" },
		{ "[2001:DB8::1]", "2001:db8::1" },
		{ "[::ffff:192.0.2.1]", "::ffff:192.0.2.1" },
	};
	struct probe_target t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof lit / sizeof lit[0]; i++) {
		parse_ok(lit[i][0], TARGET_ADDRESS, &t);
		assert_string_equal(t.host, lit[i][1]);
		assert_int_equal(t.literal, 1);
		probe_target_clear(&t);
	}
}

/* host:port guesses the service from each standard mail port. */
static void
test_host_port(void **state)
{
	(void)state;
	service_ok("mx.example.com:25", "mx.example.com", 0, 25,
	    SERVICE_SMTP, TRANSPORT_STARTTLS);
	service_ok("mail.example.com:587", "mail.example.com", 0, 587,
	    SERVICE_SMTP, TRANSPORT_STARTTLS);
	service_ok("mail.example.com:465", "mail.example.com", 0, 465,
	    SERVICE_SMTP, TRANSPORT_IMPLICIT);
	service_ok("mail.example.com:143", "mail.example.com", 0, 143,
	    SERVICE_IMAP, TRANSPORT_STARTTLS);
	service_ok("mail.example.com:993", "mail.example.com", 0, 993,
	    SERVICE_IMAP, TRANSPORT_IMPLICIT);
	service_ok("mail.example.com:110", "mail.example.com", 0, 110,
	    SERVICE_POP3, TRANSPORT_STARTTLS);
	service_ok("mail.example.com:995", "mail.example.com", 0, 995,
	    SERVICE_POP3, TRANSPORT_IMPLICIT);
	service_ok("192.0.2.1:143", "192.0.2.1", 1, 143, SERVICE_IMAP,
	    TRANSPORT_STARTTLS);
}

/* [IPv6]:port: brackets around the address, the port after. */
static void
test_v6_port(void **state)
{
	(void)state;
	service_ok("[2001:db8::1]:993", "2001:db8::1", 1, 993, SERVICE_IMAP,
	    TRANSPORT_IMPLICIT);
	service_ok("[::1]:25", "::1", 1, 25, SERVICE_SMTP,
	    TRANSPORT_STARTTLS);
}

/* Brackets that do not hold an IPv6 address, or lose their way. */
static void
test_v6_bad(void **state)
{
	(void)state;
	parse_fails("[::1", "missing \"]\" after the IPv6 address in "
	    "\"[::1\"");
	parse_fails("[::1]x", "unexpected \"x\" after \"]\" in \"[::1]x\"");
	parse_fails("[::1]:", "port \"\" in \"[::1]:\" is not a number from 1 "
	    "to 65535");
	parse_fails("[mail.example.com]:25", "invalid IPv6 address in "
	    "\"[mail.example.com]:25\" (an IPv6 address with a port goes in "
	    "brackets, as in [2001:db8::1]:993)");
	parse_fails("[]:25", NULL);
	parse_fails("2001:db8::g", NULL);
	parse_fails("mail.example.com:25:1", NULL);
}

/* A port without a standard mail service needs a URL. */
static void
test_port_without_service(void **state)
{
	(void)state;
	parse_fails("mail.example.com:2525", "port 2525 in "
	    "\"mail.example.com:2525\" is not a standard mail port: say which "
	    "service runs there with a URL such as "
	    "imaps://mail.example.com:2525 (imap, imaps, pop3, pop3s, smtp or "
	    "smtps)");
	parse_fails("[::1]:80", "port 80 in \"[::1]:80\" is not a standard "
	    "mail port: say which service runs there with a URL such as "
	    "imaps://[::1]:80 (imap, imaps, pop3, pop3s, smtp or smtps)");
}

/* Ports that are not numbers from 1 to 65535. */
static void
test_port_bad(void **state)
{
	(void)state;
	parse_fails("h.example:0", "port \"0\" in \"h.example:0\" is not a "
	    "number from 1 to 65535");
	parse_fails("h.example:65536", NULL);
	parse_fails("h.example:99999999999999999999", NULL);
	parse_fails("h.example:", NULL);
	parse_fails("h.example:imap", NULL);
	parse_fails("h.example:+25", NULL);
	parse_fails(":25", NULL);
}

/* scheme://host[:port] is one service, as url_parse() reads it. */
static void
test_urls(void **state)
{
	(void)state;
	service_ok("imaps://mail.example.com", "mail.example.com", 0, 993,
	    SERVICE_IMAP, TRANSPORT_IMPLICIT);
	service_ok("SMTP://Mail.Example.com:2525", "mail.example.com", 0,
	    2525, SERVICE_SMTP, TRANSPORT_STARTTLS);
	service_ok("pop3s://[::1]", "::1", 1, 995, SERVICE_POP3,
	    TRANSPORT_IMPLICIT);
	service_ok("smtps://192.0.2.7:1465/", "192.0.2.7", 1, 1465,
	    SERVICE_SMTP, TRANSPORT_IMPLICIT);
}

/* A bad URL fails with url_parse()'s own message. */
static void
test_urls_bad(void **state)
{
	(void)state;
	parse_fails("submission://mail.example.com", "unknown scheme "
	    "\"submission\" in \"submission://mail.example.com\" (use imap, "
	    "imaps, pop3, pop3s, smtp or smtps)");
	parse_fails("imap://alice@mail.example.com", NULL);
	parse_fails("imaps://", "missing host in \"imaps://\"");
}

/* The port -> service map covers exactly the seven mail ports. */
static void
test_port_service(void **state)
{
	static const struct {
		unsigned	 port;
		enum service	 service;
		enum transport	 transport;
	} map[] = {
		{ 25, SERVICE_SMTP, TRANSPORT_STARTTLS },
		{ 587, SERVICE_SMTP, TRANSPORT_STARTTLS },
		{ 465, SERVICE_SMTP, TRANSPORT_IMPLICIT },
		{ 143, SERVICE_IMAP, TRANSPORT_STARTTLS },
		{ 993, SERVICE_IMAP, TRANSPORT_IMPLICIT },
		{ 110, SERVICE_POP3, TRANSPORT_STARTTLS },
		{ 995, SERVICE_POP3, TRANSPORT_IMPLICIT },
	};
	static const unsigned none[] = { 0, 1, 24, 80, 443, 2525, 4190,
	    10993, 65535 };
	enum service s;
	enum transport t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		assert_int_equal(probe_port_service(map[i].port, &s, &t), 0);
		assert_int_equal(s, map[i].service);
		assert_int_equal(t, map[i].transport);
	}
	for (i = 0; i < sizeof none / sizeof none[0]; i++)
		assert_int_equal(probe_port_service(none[i], &s, &t), -1);
}

/* --resolver IP[:PORT] becomes libunbound's IP@PORT. */
static void
test_resolver(void **state)
{
	static const char *ok[][2] = {
		{ "127.0.0.1", "127.0.0.1@53" },
		{ "127.0.0.1:5353", "127.0.0.1@5353" },
		{ "::1", "::1@53" },
		{ "[::1]", "::1@53" },
		{ "[2001:db8::53]:5300", "2001:db8::53@5300" },
		{ "192.0.2.1:65535", "192.0.2.1@65535" },
	};
	char *fwd, *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		fwd = err = NULL;
		assert_int_equal(dns_resolver_parse(ok[i][0], &fwd, &err), 0);
		assert_null(err);
		assert_string_equal(fwd, ok[i][1]);
		free(fwd);
	}
}

/* Anything else is refused with the syntax. */
static void
test_resolver_bad(void **state)
{
	static const char *bad[] = { NULL, "", "dns.example", "1.2.3.4:",
	    "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:53x", "[::1", "[::1]x",
	    "[::1]:", "[1.2.3.4", "1.2.3", "1.2.3.4 ", "[]:53" };
	char *fwd, *err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		fwd = err = NULL;
		assert_int_equal(dns_resolver_parse(bad[i], &fwd, &err), -1);
		assert_null(fwd);
		assert_non_null(err);
		free(err);
	}
	assert_int_equal(dns_resolver_parse("dns.example", &fwd, &err), -1);
	assert_string_equal(err, "invalid resolver \"dns.example\" (expected "
	    "IP[:PORT], e.g. 127.0.0.1:53 or [::1]:53)");
	free(err);
}

/* Parse RDATA that must be well formed; returns the record. */
static struct dns_rr
rdata_ok(enum dns_type type, const char *data, size_t len)
{
	struct dns_rr rr;

	assert_int_equal(dns_rdata_parse(type, (const unsigned char *)data,
	    len, &rr), 0);
	assert_non_null(rr.host);
	return rr;
}

/* Parse RDATA that must be refused. */
static void
rdata_bad(enum dns_type type, const char *data, size_t len)
{
	struct dns_rr rr;

	assert_int_equal(dns_rdata_parse(type, (const unsigned char *)data,
	    len, &rr), -1);
}

/* MX: preference and an uncompressed name, lower case, no final dot. */
static void
test_rdata_mx(void **state)
{
	static const char mx[] = "\x00\x0a\x04Mail\x07" "Example\x03" "com";
	static const char null_mx[] = "\x00\x00";
	struct dns_rr rr;

	(void)state;
	rr = rdata_ok(DNS_MX, mx, sizeof mx);	/* with the root's 0 */
	assert_int_equal(rr.pref, 10);
	assert_string_equal(rr.host, "mail.example.com");
	free(rr.host);
	rr = rdata_ok(DNS_MX, null_mx, 3);
	assert_int_equal(rr.pref, 0);
	assert_string_equal(rr.host, ".");
	free(rr.host);
}

/* SRV: priority, weight, port, target; "." is "not offered". */
static void
test_rdata_srv(void **state)
{
	static const char srv[] = "\x00\x01\x00\x05\x03\xe1\x04mail\x02mx";
	static const char none[] = "\x00\x00\x00\x00\x00\x00";
	struct dns_rr rr;

	(void)state;
	rr = rdata_ok(DNS_SRV, srv, sizeof srv);
	assert_int_equal(rr.pref, 1);
	assert_int_equal(rr.weight, 5);
	assert_int_equal(rr.port, 993);
	assert_string_equal(rr.host, "mail.mx");
	free(rr.host);
	rr = rdata_ok(DNS_SRV, none, 7);
	assert_string_equal(rr.host, ".");
	assert_int_equal(rr.port, 0);
	free(rr.host);
}

/* A and AAAA: the numeric text of exactly 4 or 16 bytes. */
static void
test_rdata_addresses(void **state)
{
	static const char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0x25 };
	struct dns_rr rr;

	(void)state;
	rr = rdata_ok(DNS_A, "\xc0\x00\x02\x01", 4);
	assert_string_equal(rr.host, "192.0.2.1");
	free(rr.host);
	rr = rdata_ok(DNS_AAAA, v6, 16);
	assert_string_equal(rr.host, "2001:db8::25");
	free(rr.host);
	rdata_bad(DNS_A, "\x7f\x00\x00", 3);
	rdata_bad(DNS_A, "\x7f\x00\x00\x01\x00", 5);
	rdata_bad(DNS_AAAA, v6, 15);
	rdata_bad(DNS_AAAA, "\x7f\x00\x00\x01", 4);
}

/* Malformed names: compression pointers, truncation, bytes after the
 * root label, labels too long, characters no host name has. */
static void
test_rdata_malformed(void **state)
{
	char longlabel[2 + 1 + 64 + 1];
	char longname[2 + 5 * 52 + 1];
	size_t i;

	(void)state;
	rdata_bad(DNS_MX, "\x00\x0a\xc0\x0c", 4);
	rdata_bad(DNS_MX, "\x00\x0a\x04mail", 7);
	rdata_bad(DNS_MX, "\x00\x0a\x04mail\x00\x00", 9);
	rdata_bad(DNS_MX, "\x00\x0a", 2);
	rdata_bad(DNS_MX, "\x00\x0a\x01\x1b\x00", 5);
	rdata_bad(DNS_MX, "\x00\x0a\x03" "a.b\x00", 7);
	rdata_bad(DNS_MX, "\x00\x0a\x03" "a b\x00", 7);
	rdata_bad(DNS_MX, "\x00\x0a\x02\xc3\xa9\x00", 6);
	rdata_bad(DNS_SRV, "\x00\x01\x00\x05\x03\xe1", 6);
	rdata_bad(DNS_SRV, "\x00\x01\x00\x05\x03\xe1\x05mail\x00", 12);
	memset(longlabel, 'a', sizeof longlabel);
	longlabel[0] = longlabel[1] = 0;
	longlabel[2] = 64;
	longlabel[sizeof longlabel - 1] = 0;
	rdata_bad(DNS_MX, longlabel, sizeof longlabel);
	/* 52 labels of 4 bytes: 259 characters, over the 253 limit */
	memset(longname, 0, sizeof longname);
	for (i = 0; i < 52; i++)
		memcpy(longname + 2 + 5 * i, "\x04" "abcd", 5);
	rdata_bad(DNS_MX, longname, sizeof longname);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_name_case_and_dot),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_host_port),
		cmocka_unit_test(test_v6_port),
		cmocka_unit_test(test_v6_bad),
		cmocka_unit_test(test_port_without_service),
		cmocka_unit_test(test_port_bad),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_urls_bad),
		cmocka_unit_test(test_port_service),
		cmocka_unit_test(test_resolver),
		cmocka_unit_test(test_resolver_bad),
		cmocka_unit_test(test_rdata_mx),
		cmocka_unit_test(test_rdata_srv),
		cmocka_unit_test(test_rdata_addresses),
		cmocka_unit_test(test_rdata_malformed),
	};

	return cmocka_run_group_tests_name("targets", tests, NULL, NULL);
}
