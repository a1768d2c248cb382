/* level.c: the verdict: verification facts in, one security level out. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "level.h"
#include "xmalloc.h"

static const char *level_names[] = {
	"none", "plaintext", "unverified", "pinned", "verified"
};

static const char *level_tags[] = {
	"--", "PLAIN", "TLS!", "PIN", "TLS"
};

/* The stable name of a level, as in check --json. */
const char *
level_name(enum level l)
{
	return level_names[l];
}

/* The short tag shown in locks; the text is mandatory, colour is extra. */
const char *
level_tag(enum level l)
{
	return level_tags[l];
}

/* One translated sentence on what a level means. */
const char *
level_describe(enum level l)
{
	switch (l) {
	case LEVEL_VERIFIED:
		return _("encrypted, and the certificate is valid for this server");
	case LEVEL_PINNED:
		return _("encrypted, and the server's key matches your pin");
	case LEVEL_UNVERIFIED:
		return _("encrypted, but the certificate is not verified: accepted for this session only");
	case LEVEL_PLAINTEXT:
		return _("not encrypted: anyone on the path can read this connection");
	case LEVEL_NONE:
		break;
	}
	return _("not connected");
}

/* Append one reason to a comma-separated list of reasons. */
static void
append_reason(char **list, const char *reason)
{
	char *n;

	if (*list == NULL) {
		*list = xstrdup(reason);
		return;
	}
	n = xasprintf("%s; %s", *list, reason);
	free(*list);
	*list = n;
}

/* Append the certificate chain problems, one sentence each. */
static void
append_chain_problems(char **list, const struct verdict_facts *f)
{
	char *s;

	if (f->problems & CERT_UNKNOWN_ISSUER)
		append_reason(list, _("it is issued by an authority that is not trusted"));
	if (f->problems & CERT_EXPIRED) {
		s = xasprintf(_("it expired on %s"), f->not_after ? f->not_after : "?");
		append_reason(list, s);
		free(s);
	}
	if (f->problems & CERT_NOT_YET_VALID)
		append_reason(list, _("it is not valid yet"));
	if (f->problems & CERT_REVOKED)
		append_reason(list, _("it has been revoked"));
	if (f->problems & CERT_BAD_SIGNATURE)
		append_reason(list, _("its signature does not verify"));
	if (f->problems & CERT_INSECURE_ALGORITHM)
		append_reason(list, _("it is signed with an insecure algorithm"));
	if (f->problems & CERT_WRONG_PURPOSE)
		append_reason(list, _("it is not a certificate for TLS servers"));
	if (f->problems & CERT_OTHER)
		append_reason(list, _("it failed verification"));
}

/* Every reason the certificate is not verified, in words; NULL if none. */
char *
level_problems_text(const struct verdict_facts *f)
{
	char *list = NULL, *s;

	append_chain_problems(&list, f);
	if (!f->hostname_ok) {
		/* TRANSLATORS: first %s: names in the certificate; second: the configured host. */
		s = xasprintf(_("it is issued for %s, not %s"),
		    f->cert_names && *f->cert_names ? f->cert_names : _("no name"),
		    f->host);
		append_reason(&list, s);
		free(s);
	}
	return list;
}

/* Fail with a sentence built from a format and the problems text. */
static enum status
verdict_fail(char **errstr, char *text)
{
	*errstr = text;
	return ST_TLS_FAILED;
}

/* Turn the facts of one TLS session into a level, or refuse it. */
enum status
level_verdict(const struct verdict_facts *f, enum level *out, char **errstr)
{
	char *why;

	*out = LEVEL_NONE;
	if (!f->tls_version_ok)
		return verdict_fail(errstr, xasprintf(_("the server negotiated %s; "
		    "starling requires TLS 1.2 or newer"),
		    f->tls_version ? f->tls_version : "?"));
	if (f->null_cipher != NULL)
		return verdict_fail(errstr, xasprintf(_("the negotiated cipher "
		    "suite %s does not encrypt"), f->null_cipher));
	if (f->weak_key != NULL)
		return verdict_fail(errstr, xasprintf(_("the server's key is "
		    "too weak (%s): starling requires RSA keys of at least 2048 "
		    "bits and EC keys of at least 256 bits"), f->weak_key));
	if (f->config_pin == PIN_MISMATCH)
		return verdict_fail(errstr, xstrdup(_("the server's key does not "
		    "match tls_pin in the configuration: someone may be "
		    "intercepting the connection, or the server changed its key")));
	if (f->stored_pin == PIN_MISMATCH && f->config_pin != PIN_MATCH)
		return verdict_fail(errstr, xstrdup(_("the server's key changed "
		    "since you pinned it: someone may be intercepting the "
		    "connection; compare the old and new keys before you trust it")));
	if (f->problems == 0 && f->hostname_ok) {
		*out = LEVEL_VERIFIED;
		return ST_OK;
	}
	if (f->config_pin == PIN_MATCH || f->stored_pin == PIN_MATCH) {
		*out = LEVEL_PINNED;
		return ST_OK;
	}
	if (f->accepted || f->accept_any) {
		*out = LEVEL_UNVERIFIED;
		return ST_OK;
	}
	why = level_problems_text(f);
	*errstr = xasprintf(_("the certificate of %s is not trusted: %s"),
	    f->host, why ? why : "?");
	free(why);
	return ST_TLS_FAILED;
}
