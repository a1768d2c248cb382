/* url.c: service URLs such as imap://host:143 or smtps://[::1]:465. */
#include "build-config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "url.h"
#include "xmalloc.h"

#define URL_HOST_MAX	253	/* RFC 1035 name, without the final dot */
#define URL_LABEL_MAX	63

static const struct url_scheme {
	const char	*name;
	enum service	 service;
	enum transport	 transport;
	unsigned	 port;
} url_schemes[] = {
	{ "imap",  SERVICE_IMAP, TRANSPORT_STARTTLS, 143 },
	{ "imaps", SERVICE_IMAP, TRANSPORT_IMPLICIT, 993 },
	{ "pop3",  SERVICE_POP3, TRANSPORT_STARTTLS, 110 },
	{ "pop3s", SERVICE_POP3, TRANSPORT_IMPLICIT, 995 },
	{ "smtp",  SERVICE_SMTP, TRANSPORT_STARTTLS, 587 },
	{ "smtps", SERVICE_SMTP, TRANSPORT_IMPLICIT, 465 },
};
#define URL_NSCHEMES (sizeof url_schemes / sizeof url_schemes[0])

static const char *service_names[SERVICE_COUNT] = { "imap", "pop3", "smtp" };
static const char *service_labels[SERVICE_COUNT] = { "IMAP", "POP3", "SMTP" };

/* Set *errstr to a newly allocated message; always returns -1. */
static int __attribute__((format(printf, 2, 3)))
url_error(char **errstr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*errstr = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* Find the scheme of len bytes at s, ignoring case. */
static const struct url_scheme *
url_find_scheme(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < URL_NSCHEMES; i++) {
		if (strlen(url_schemes[i].name) == len &&
		    strncasecmp(url_schemes[i].name, s, len) == 0)
			return &url_schemes[i];
	}
	return NULL;
}

/* Return nonzero if s holds a space, a control character or DEL. */
static int
url_has_control(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 1;
	}
	return 0;
}

/* Check one label of a DNS name: not empty, not too long, no edge hyphen. */
static int
url_check_label(const char *label, size_t len)
{
	if (len == 0 || len > URL_LABEL_MAX)
		return -1;
	if (label[0] == '-' || label[len - 1] == '-')
		return -1;
	return 0;
}

/* Check a DNS name or IPv4 literal (no brackets) of len bytes. */
static int
url_check_name(const char *host, size_t len)
{
	char buf[URL_HOST_MAX + 1];
	struct in_addr in4;
	size_t i, start = 0;

	if (len == 0 || len > URL_HOST_MAX)
		return -1;
	if (strspn(host, "0123456789.") >= len) {
		memcpy(buf, host, len);
		buf[len] = '\0';
		return inet_pton(AF_INET, buf, &in4) == 1 ? 0 : -1;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && host[i] != '.') {
			if (!isalnum((unsigned char)host[i]) && host[i] != '-')
				return -1;
			continue;
		}
		if (url_check_label(host + start, i - start) != 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

/* Check an IPv6 literal of len bytes, given without its brackets. */
static int
url_check_ipv6(const char *host, size_t len)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr in6;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, host, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, &in6) == 1 ? 0 : -1;
}

/* Parse the port text after the colon; it ends at the end of s or a '/'. */
static int
url_parse_port(const char *url, const char *s, unsigned *port, char **errstr)
{
	size_t len = strcspn(s, "/");
	unsigned long value = 0;
	size_t i;

	if (len == 0) {
		/* TRANSLATORS: %s is the URL, e.g. "imap://host:". */
		return url_error(errstr, _("missing port number after \":\" "
		    "in \"%s\""), url);
	}
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return url_error(errstr, _("port \"%.*s\" is not a "
			    "number in \"%s\""), (int)len, s, url);
		}
		if (value <= 65535)
			value = value * 10 + (unsigned long)(s[i] - '0');
	}
	if (value < 1 || value > 65535) {
		/* TRANSLATORS: the first %s is the port, the second the URL. */
		return url_error(errstr, _("port \"%.*s\" out of range in "
		    "\"%s\" (use 1 to 65535)"), (int)len, s, url);
	}
	*port = (unsigned)value;
	return 0;
}

/* Split the authority at s into host and port; *end is set past it. */
static int
url_parse_authority(const char *url, const char *s, char **host,
    unsigned *port, const char **end, char **errstr)
{
	const char *h = s, *p;
	size_t hlen;

	if (*s == '[') {
		h = s + 1;
		if ((p = strchr(h, ']')) == NULL) {
			return url_error(errstr, _("missing \"]\" after the "
			    "IPv6 address in \"%s\""), url);
		}
		hlen = (size_t)(p - h);
		if (url_check_ipv6(h, hlen) != 0) {
			return url_error(errstr, _("invalid IPv6 address "
			    "\"%.*s\" in \"%s\""), (int)hlen, h, url);
		}
		p++;
	} else {
		hlen = strcspn(s, ":/");
		p = s + hlen;
		if (*p == ':' && strchr(p + 1, ':') != NULL) {
			return url_error(errstr, _("IPv6 addresses go in "
			    "brackets, as in imap://[::1]:143, in \"%s\""), url);
		}
	}
	if (hlen == 0)
		return url_error(errstr, _("missing host in \"%s\""), url);
	if (*s != '[' && url_check_name(h, hlen) != 0) {
		/* TRANSLATORS: host names are ASCII; IDN names must be
		 * written in their punycode (xn--) form. */
		return url_error(errstr, _("invalid host name \"%.*s\" in "
		    "\"%s\" (use letters, digits, \"-\" and \".\"; write "
		    "international names in their xn-- form)"),
		    (int)hlen, h, url);
	}
	if (*p == ':') {
		if (url_parse_port(url, p + 1, port, errstr) != 0)
			return -1;
		p += 1 + strcspn(p + 1, "/");
	} else if (*p != '\0' && *p != '/') {
		return url_error(errstr, _("unexpected \"%s\" after the host "
		    "in \"%s\""), p, url);
	}
	*host = xstrndup(h, hlen);
	*end = p;
	return 0;
}

/* Refuse the parts of a URL that have no meaning for us. */
static int
url_check_extras(const char *url, const char *rest, char **errstr)
{
	const char *at = strchr(rest, '@');

	if (strpbrk(rest, "?#") != NULL) {
		return url_error(errstr, _("a query or fragment (\"?\" or "
		    "\"#\") is not allowed in \"%s\""), url);
	}
	if (at == NULL)
		return 0;
	if (memchr(rest, ':', (size_t)(at - rest)) != NULL) {
		/* The URL is not repeated: it holds a password. */
		return url_error(errstr, _("passwords never go in the URL; "
		    "use password_cmd"));
	}
	/* TRANSLATORS: "user =" is a configuration key; keep it. */
	return url_error(errstr, _("user names go in \"user =\", not in "
	    "the URL \"%s\""), url);
}

/* Parse a service URL into u; see url.h for the error contract. */
int
url_parse(const char *s, struct url *u, char **errstr)
{
	const struct url_scheme *scheme;
	const char *sep, *rest, *end = NULL;
	char *host = NULL, *p;
	unsigned port;

	if (s == NULL || *s == '\0')
		return url_error(errstr, _("the URL is empty"));
	if (url_has_control(s)) {
		return url_error(errstr, _("a URL cannot contain spaces or "
		    "control characters"));
	}
	if ((sep = strstr(s, "://")) == NULL) {
		/* TRANSLATORS: keep "scheme://host[:port]" as it is. */
		return url_error(errstr, _("\"%s\" is not a URL (expected "
		    "scheme://host[:port], e.g. imaps://mail.example.com)"), s);
	}
	if ((scheme = url_find_scheme(s, (size_t)(sep - s))) == NULL) {
		return url_error(errstr, _("unknown scheme \"%.*s\" in \"%s\" "
		    "(use imap, imaps, pop3, pop3s, smtp or smtps)"),
		    (int)(sep - s), s, s);
	}
	rest = sep + 3;
	if (url_check_extras(s, rest, errstr) != 0)
		return -1;
	port = scheme->port;
	if (url_parse_authority(s, rest, &host, &port, &end, errstr) != 0)
		return -1;
	if (*end == '/' && end[1] != '\0') {
		free(host);
		return url_error(errstr, _("unexpected path \"%s\" in \"%s\" "
		    "(only a trailing \"/\" is allowed)"), end, s);
	}
	for (p = host; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	u->service = scheme->service;
	u->transport = scheme->transport;
	u->host = host;
	u->port = port;
	return 0;
}

/* Free what a parsed URL holds; accepts NULL and a zeroed struct. */
void
url_clear(struct url *u)
{
	if (u == NULL)
		return;
	free(u->host);
	u->host = NULL;
}

/* Return the standard port for a service over a transport. */
unsigned
url_default_port(enum service service, enum transport transport)
{
	size_t i;

	for (i = 0; i < URL_NSCHEMES; i++) {
		if (url_schemes[i].service == service &&
		    url_schemes[i].transport == transport)
			return url_schemes[i].port;
	}
	fatalx("%s: bad service %d or transport %d", __func__,
	    (int)service, (int)transport);
}

/* Return the lower-case name of a service: "imap". */
const char *
service_name(enum service service)
{
	if ((unsigned)service >= SERVICE_COUNT)
		fatalx("%s: bad service %d", __func__, (int)service);
	return service_names[service];
}

/* Return the label of a service for people: "IMAP". */
const char *
service_label(enum service service)
{
	if ((unsigned)service >= SERVICE_COUNT)
		fatalx("%s: bad service %d", __func__, (int)service);
	return service_labels[service];
}

/* Return the name of a transport: "starttls" or "implicit". */
const char *
transport_name(enum transport transport)
{
	switch (transport) {
	case TRANSPORT_STARTTLS:
		return "starttls";
	case TRANSPORT_IMPLICIT:
		return "implicit";
	}
	fatalx("%s: bad transport %d", __func__, (int)transport);
}

/* Find a service by name, ignoring case; 0 on success, -1 if unknown. */
int
service_from_name(const char *name, enum service *service)
{
	unsigned i;

	if (name == NULL)
		return -1;
	for (i = 0; i < SERVICE_COUNT; i++) {
		if (strcasecmp(name, service_names[i]) == 0) {
			*service = (enum service)i;
			return 0;
		}
	}
	return -1;
}
