/* test_url.c: url_parse() and the service and transport names. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "url.h"

/* Parse s, which must succeed, into u. */
static void
parse_ok(const char *s, struct url *u)
{
	char *err = NULL;

	memset(u, 0, sizeof *u);
	assert_int_equal(url_parse(s, u, &err), 0);
	assert_null(err);
	assert_non_null(u->host);
}

/* Parse s, which must fail with exactly the message want. */
static void
parse_fails(const char *s, const char *want)
{
	struct url u;
	char *err = NULL;

	memset(&u, 0, sizeof u);
	assert_int_equal(url_parse(s, &u, &err), -1);
	assert_non_null(err);
	assert_null(u.host);
	if (want != NULL)
		assert_string_equal(err, want);
	free(err);
}

/* A NULL URL is an error, not a crash. */
static void
test_null(void **state)
{
	(void)state;
	parse_fails(NULL, "the URL is empty");
}

/* An empty URL is an error. */
static void
test_empty(void **state)
{
	(void)state;
	parse_fails("", "the URL is empty");
}

/* url_clear() accepts NULL and a zeroed struct. */
static void
test_clear_null_and_zeroed(void **state)
{
	struct url u;

	(void)state;
	memset(&u, 0, sizeof u);
	url_clear(NULL);
	url_clear(&u);
	assert_null(u.host);
}

/* url_clear() frees the host and leaves the struct reusable. */
static void
test_clear_parsed(void **state)
{
	struct url u;

	(void)state;
	parse_ok("imap://a.example", &u);
	url_clear(&u);
	assert_null(u.host);
	url_clear(&u);
}

/* The common case: scheme, host and port. */
static void
test_imaps_with_port(void **state)
{
	struct url u;

	(void)state;
	parse_ok("imaps://mail.example.com:993", &u);
	assert_int_equal(u.service, SERVICE_IMAP);
	assert_int_equal(u.transport, TRANSPORT_IMPLICIT);
	assert_string_equal(u.host, "mail.example.com");
	assert_int_equal(u.port, 993);
	url_clear(&u);
}

/* Each scheme picks its service, transport and default port. */
static void
test_schemes_and_default_ports(void **state)
{
	static const struct {
		const char	*url;
		enum service	 service;
		enum transport	 transport;
		unsigned	 port;
	} t[] = {
		{ "imap://h", SERVICE_IMAP, TRANSPORT_STARTTLS, 143 },
		{ "imaps://h", SERVICE_IMAP, TRANSPORT_IMPLICIT, 993 },
		{ "pop3://h", SERVICE_POP3, TRANSPORT_STARTTLS, 110 },
		{ "pop3s://h", SERVICE_POP3, TRANSPORT_IMPLICIT, 995 },
		{ "smtp://h", SERVICE_SMTP, TRANSPORT_STARTTLS, 587 },
		{ "smtps://h", SERVICE_SMTP, TRANSPORT_IMPLICIT, 465 },
	};
	struct url u;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		parse_ok(t[i].url, &u);
		assert_int_equal(u.service, t[i].service);
		assert_int_equal(u.transport, t[i].transport);
		assert_int_equal(u.port, t[i].port);
		assert_string_equal(u.host, "h");
		url_clear(&u);
	}
}

/* The scheme is case-insensitive and the host is stored in lower case. */
static void
test_case_insensitive(void **state)
{
	struct url u;

	(void)state;
	parse_ok("SMTPS://Mail.Example.COM", &u);
	assert_int_equal(u.service, SERVICE_SMTP);
	assert_int_equal(u.transport, TRANSPORT_IMPLICIT);
	assert_string_equal(u.host, "mail.example.com");
	url_clear(&u);
}

/* A trailing slash is allowed, with or without a port. */
static void
test_trailing_slash(void **state)
{
	struct url u;

	(void)state;
	parse_ok("pop3://h.example/", &u);
	assert_int_equal(u.port, 110);
	url_clear(&u);
	parse_ok("pop3://h.example:1110/", &u);
	assert_int_equal(u.port, 1110);
	url_clear(&u);
}

/* Text without "://" is not a URL. */
static void
test_not_a_url(void **state)
{
	(void)state;
	parse_fails("mail.example.com", "\"mail.example.com\" is not a URL "
	    "(expected scheme://host[:port], e.g. imaps://mail.example.com)");
}

/* An unknown scheme names itself and the ones we take. */
static void
test_unknown_scheme(void **state)
{
	(void)state;
	parse_fails("http://x", "unknown scheme \"http\" in \"http://x\" "
	    "(use imap, imaps, pop3, pop3s, smtp or smtps)");
	parse_fails("://x", "unknown scheme \"\" in \"://x\" "
	    "(use imap, imaps, pop3, pop3s, smtp or smtps)");
}

/* No host at all. */
static void
test_missing_host(void **state)
{
	(void)state;
	parse_fails("imap://", "missing host in \"imap://\"");
	parse_fails("imap://:143", "missing host in \"imap://:143\"");
	parse_fails("imap:///", "missing host in \"imap:///\"");
}

/* A port above 65535, or 0, is out of range. */
static void
test_port_out_of_range(void **state)
{
	(void)state;
	parse_fails("imap://h:99999", "port \"99999\" out of range in "
	    "\"imap://h:99999\" (use 1 to 65535)");
	parse_fails("imap://h:0", "port \"0\" out of range in "
	    "\"imap://h:0\" (use 1 to 65535)");
	parse_fails("imap://h:99999999999999999999999", NULL);
}

/* The lowest and highest ports are fine. */
static void
test_port_limits(void **state)
{
	struct url u;

	(void)state;
	parse_ok("imap://h:1", &u);
	assert_int_equal(u.port, 1);
	url_clear(&u);
	parse_ok("imap://h:65535", &u);
	assert_int_equal(u.port, 65535);
	url_clear(&u);
}

/* A port holds digits only. */
static void
test_port_not_a_number(void **state)
{
	(void)state;
	parse_fails("imap://h:abc", "port \"abc\" is not a number in "
	    "\"imap://h:abc\"");
	parse_fails("imap://h:+143", "port \"+143\" is not a number in "
	    "\"imap://h:+143\"");
	parse_fails("imap://h:-1", NULL);
}

/* A colon with no port after it. */
static void
test_port_missing(void **state)
{
	(void)state;
	parse_fails("imap://h:", "missing port number after \":\" in "
	    "\"imap://h:\"");
	parse_fails("imap://h:/", NULL);
}

/* A user name goes in "user =". */
static void
test_userinfo(void **state)
{
	(void)state;
	parse_fails("imap://bob@host", "user names go in \"user =\", not in "
	    "the URL \"imap://bob@host\"");
}

/* A password in the URL is refused and never repeated. */
static void
test_password_in_url(void **state)
{
	struct url u;
	char *err = NULL;

	(void)state;
	memset(&u, 0, sizeof u);
	assert_int_equal(url_parse("imap://bob:hunter2@host", &u, &err), -1);
	assert_string_equal(err, "passwords never go in the URL; use "
	    "password_cmd");
	assert_null(strstr(err, "hunter2"));
	free(err);
}

/* Nothing but a trailing slash may follow the authority. */
static void
test_path(void **state)
{
	(void)state;
	parse_fails("imap://h/INBOX", "unexpected path \"/INBOX\" in "
	    "\"imap://h/INBOX\" (only a trailing \"/\" is allowed)");
	parse_fails("imap://h:143//", NULL);
}

/* Queries and fragments are refused. */
static void
test_query_fragment(void **state)
{
	(void)state;
	parse_fails("imap://h?x=1", "a query or fragment (\"?\" or \"#\") "
	    "is not allowed in \"imap://h?x=1\"");
	parse_fails("imap://h/#top", NULL);
}

/* Spaces and control characters are refused without echoing them. */
static void
test_control_characters(void **state)
{
	(void)state;
	parse_fails("imap://ho st", "a URL cannot contain spaces or control "
	    "characters");
	parse_fails("imap://h\x1b[31m", NULL);
	parse_fails("imap://h\x7f", NULL);
}

/* An IPv6 literal in brackets is stored without them. */
static void
test_ipv6(void **state)
{
	struct url u;

	(void)state;
	parse_ok("imap://[::1]:1143", &u);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 1143);
	url_clear(&u);
	parse_ok("smtps://[2001:DB8::25]/", &u);
	assert_string_equal(u.host, "2001:db8::25");
	assert_int_equal(u.port, 465);
	url_clear(&u);
}

/* Broken IPv6 literals. */
static void
test_ipv6_bad(void **state)
{
	(void)state;
	parse_fails("imap://[::1", "missing \"]\" after the IPv6 address in "
	    "\"imap://[::1\"");
	parse_fails("imap://[::g]", "invalid IPv6 address \"::g\" in "
	    "\"imap://[::g]\"");
	parse_fails("imap://[]", NULL);
	parse_fails("imap://[1.2.3.4]", NULL);
	parse_fails("imap://[::1]x", "unexpected \"x\" after the host in "
	    "\"imap://[::1]x\"");
}

/* An IPv6 address without brackets gets a hint. */
static void
test_ipv6_unbracketed(void **state)
{
	(void)state;
	parse_fails("imap://::1", "IPv6 addresses go in brackets, as in "
	    "imap://[::1]:143, in \"imap://::1\"");
	parse_fails("imap://fe80::1:143", NULL);
}

/* IPv4 literals must be complete dotted quads. */
static void
test_ipv4(void **state)
{
	struct url u;

	(void)state;
	parse_ok("pop3://127.0.0.1:1110", &u);
	assert_string_equal(u.host, "127.0.0.1");
	url_clear(&u);
	parse_fails("pop3://256.1.1.1", NULL);
	parse_fails("pop3://1.2.3", "invalid host name \"1.2.3\" in "
	    "\"pop3://1.2.3\" (use letters, digits, \"-\" and \".\"; write "
	    "international names in their xn-- form)");
}

/* Host names hold letters, digits, "-" and "." only. */
static void
test_host_characters(void **state)
{
	struct url u;

	(void)state;
	parse_fails("imap://mail_1.example", "invalid host name "
	    "\"mail_1.example\" in \"imap://mail_1.example\" (use letters, "
	    "digits, \"-\" and \".\"; write international names in their "
	    "xn-- form)");
	parse_fails("imap://b\xc3\xbc" "cher.example", NULL);
	parse_fails("imap://h]", NULL);
	parse_ok("imap://xn--bcher-kva.example", &u);
	url_clear(&u);
}

/* Labels may not be empty or edged with "-". */
static void
test_host_labels(void **state)
{
	(void)state;
	parse_fails("imap://a..example", NULL);
	parse_fails("imap://.example", NULL);
	parse_fails("imap://example.", NULL);
	parse_fails("imap://-a.example", NULL);
	parse_fails("imap://a-.example", NULL);
}

/* A host name is at most 253 characters, a label at most 63. */
static void
test_host_length(void **state)
{
	char name[300], url[320];
	struct url u;
	size_t i;

	(void)state;
	/* 63 + 1 + 63 + 1 + 63 + 1 + 61 = 253 */
	memset(name, 'a', sizeof name);
	for (i = 63; i < 253; i += 64)
		name[i] = '.';
	name[253] = '\0';
	snprintf(url, sizeof url, "imap://%s", name);
	parse_ok(url, &u);
	assert_int_equal(strlen(u.host), 253);
	url_clear(&u);
	name[253] = 'a';
	name[254] = '\0';
	snprintf(url, sizeof url, "imap://%s", name);
	parse_fails(url, NULL);
	memset(name, 'a', 64);
	name[64] = '\0';
	snprintf(url, sizeof url, "imap://%s.example", name);
	parse_fails(url, NULL);
}

/* On success errstr is left alone; on failure u is left alone. */
static void
test_outputs_untouched(void **state)
{
	struct url u;
	char *err = NULL;

	(void)state;
	memset(&u, 0, sizeof u);
	assert_int_equal(url_parse("imap://h", &u, &err), 0);
	assert_null(err);
	url_clear(&u);
	u.port = 7;
	assert_int_equal(url_parse("imap://", &u, &err), -1);
	assert_int_equal(u.port, 7);
	assert_null(u.host);
	free(err);
}

/* url_default_port() for every service and transport. */
static void
test_default_port(void **state)
{
	(void)state;
	assert_int_equal(url_default_port(SERVICE_IMAP, TRANSPORT_STARTTLS),
	    143);
	assert_int_equal(url_default_port(SERVICE_IMAP, TRANSPORT_IMPLICIT),
	    993);
	assert_int_equal(url_default_port(SERVICE_POP3, TRANSPORT_STARTTLS),
	    110);
	assert_int_equal(url_default_port(SERVICE_POP3, TRANSPORT_IMPLICIT),
	    995);
	assert_int_equal(url_default_port(SERVICE_SMTP, TRANSPORT_STARTTLS),
	    587);
	assert_int_equal(url_default_port(SERVICE_SMTP, TRANSPORT_IMPLICIT),
	    465);
}

/* The names and labels of services and transports. */
static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(service_name(SERVICE_IMAP), "imap");
	assert_string_equal(service_name(SERVICE_POP3), "pop3");
	assert_string_equal(service_name(SERVICE_SMTP), "smtp");
	assert_string_equal(service_label(SERVICE_IMAP), "IMAP");
	assert_string_equal(service_label(SERVICE_POP3), "POP3");
	assert_string_equal(service_label(SERVICE_SMTP), "SMTP");
	assert_string_equal(transport_name(TRANSPORT_STARTTLS), "starttls");
	assert_string_equal(transport_name(TRANSPORT_IMPLICIT), "implicit");
}

/* service_from_name(): NULL and unknown names fail, case is ignored. */
static void
test_service_from_name(void **state)
{
	enum service s = SERVICE_COUNT;

	(void)state;
	assert_int_equal(service_from_name(NULL, &s), -1);
	assert_int_equal(service_from_name("", &s), -1);
	assert_int_equal(service_from_name("imaps", &s), -1);
	assert_int_equal(s, SERVICE_COUNT);
	assert_int_equal(service_from_name("imap", &s), 0);
	assert_int_equal(s, SERVICE_IMAP);
	assert_int_equal(service_from_name("POP3", &s), 0);
	assert_int_equal(s, SERVICE_POP3);
	assert_int_equal(service_from_name("smtp", &s), 0);
	assert_int_equal(s, SERVICE_SMTP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_clear_null_and_zeroed),
		cmocka_unit_test(test_clear_parsed),
		cmocka_unit_test(test_imaps_with_port),
		cmocka_unit_test(test_schemes_and_default_ports),
		cmocka_unit_test(test_case_insensitive),
		cmocka_unit_test(test_trailing_slash),
		cmocka_unit_test(test_not_a_url),
		cmocka_unit_test(test_unknown_scheme),
		cmocka_unit_test(test_missing_host),
		cmocka_unit_test(test_port_out_of_range),
		cmocka_unit_test(test_port_limits),
		cmocka_unit_test(test_port_not_a_number),
		cmocka_unit_test(test_port_missing),
		cmocka_unit_test(test_userinfo),
		cmocka_unit_test(test_password_in_url),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_query_fragment),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ipv6_bad),
		cmocka_unit_test(test_ipv6_unbracketed),
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_host_characters),
		cmocka_unit_test(test_host_labels),
		cmocka_unit_test(test_host_length),
		cmocka_unit_test(test_outputs_untouched),
		cmocka_unit_test(test_default_port),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_service_from_name),
	};

	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
