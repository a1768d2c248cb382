/* gate.c: decide whether a secret may leave, and let it out. */
#include "build-config.h"

#include <stdlib.h>

#include "gate.h"
#include "i18n.h"
#include "xmalloc.h"

/* What is being held back, in words. */
static const char *
gate_what(enum gate_kind kind)
{
	if (kind == GATE_CREDENTIAL)
		return _("your password");
	return _("this command");
}

/* Refuse plaintext: say why and how to override. */
static enum status
gate_refuse_plain(const struct gate *g, enum gate_kind kind, char **errstr)
{
	/* TRANSLATORS: first %s: "your password"; second: "IMAP host:143". */
	*errstr = xasprintf(_("refused to send %s to %s: the connection is "
	    "not encrypted, so anyone on the path could read it. If you "
	    "accept that risk, set allow_plaintext_auth = yes for this account "
	    "or use --allow-plaintext-auth"), gate_what(kind), g->where);
	return ST_NOT_ENCRYPTED;
}

/* Refuse a certificate nobody vouched for. */
static enum status
gate_refuse_unverified(const struct gate *g, enum gate_kind kind,
    char **errstr)
{
	*errstr = xasprintf(_("refused to send %s to %s: the server's "
	    "certificate is not verified and was not accepted for this "
	    "session"), gate_what(kind), g->where);
	return ST_TLS_FAILED;
}

/* May something of this kind leave now? */
enum status
gate_check(const struct gate *g, enum gate_kind kind, char **errstr)
{
	if (g->no_secrets) {
		*errstr = xasprintf(_("refused to send %s to %s: a probe never "
		    "sends credentials or private commands"), gate_what(kind),
		    g->where);
		return ST_NOT_ENCRYPTED;
	}
	switch (g->level) {
	case LEVEL_VERIFIED:
	case LEVEL_PINNED:
		if (!g->encrypted)
			fatalx("gate: level %s without TLS", level_name(g->level));
		return ST_OK;
	case LEVEL_UNVERIFIED:
		if (!g->encrypted)
			fatalx("gate: level unverified without TLS");
		if (g->accepted)
			return ST_OK;
		return gate_refuse_unverified(g, kind, errstr);
	case LEVEL_PLAINTEXT:
		if (g->allow_plaintext)
			return ST_OK;
		return gate_refuse_plain(g, kind, errstr);
	case LEVEL_NONE:
		break;
	}
	*errstr = xasprintf(_("refused to send %s to %s: the connection is "
	    "not established"), gate_what(kind), g->where);
	return ST_NOT_ENCRYPTED;
}

/*
 * Run send(ctx) only if the gate allows it; credentials are sent with the
 * transcript in secret mode so that nothing of them is recorded.
 */
enum status
gate_release(const struct gate *g, enum gate_kind kind, gate_send_fn send,
    void *ctx, int *result, char **errstr)
{
	enum status st;

	if ((st = gate_check(g, kind, errstr)) != ST_OK)
		return st;
	if (kind == GATE_CREDENTIAL && g->tr != NULL)
		transcript_secret_mode(g->tr, 1);
	*result = send(ctx);
	if (kind == GATE_CREDENTIAL && g->tr != NULL)
		transcript_secret_mode(g->tr, 0);
	return ST_OK;
}
