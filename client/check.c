/* check.c: check every service of an account and report as JSON. */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "i18n.h"
#include "json.h"
#include "secret.h"
#include "tls_json.h"
#include "xmalloc.h"

/* The password from password_cmd; check never prompts. */
static enum status
check_password(const struct account *a, char **pass, char **errstr)
{
	char *err = NULL;

	if (a->user == NULL) {
		*errstr = xasprintf(_("account %s has no user = setting"),
		    a->name);
		return ST_USAGE;
	}
	if (a->password_cmd == NULL) {
		*errstr = xasprintf(_("account %s has no password_cmd; "
		    "starling check never prompts for a password"), a->name);
		return ST_USAGE;
	}
	if (secret_from_cmd(a->password_cmd, a->timeout, pass, &err) == -1) {
		*errstr = xasprintf(_("account %s: %s"), a->name, err);
		free(err);
		return ST_USAGE;
	}
	return ST_OK;
}

/* Authenticate: ask the gate first, so a refused session never even
 * runs password_cmd; then log in through the gate. */
static enum status
check_login(struct session *s, char **errstr)
{
	enum status st;
	char *pass = NULL, *why = NULL;

	if ((st = gate_check(&s->gate, GATE_CREDENTIAL, &why)) != ST_OK) {
		s->auth = AUTH_REFUSED;
		if (s->plain_reason != NULL) {
			*errstr = xasprintf("%s: %s; %s", s->where,
			    s->plain_reason, why);
			free(why);
		} else
			*errstr = why;
		return st;
	}
	if ((st = check_password(s->acct, &pass, errstr)) != ST_OK)
		return st;
	st = session_login(s, s->acct->user, pass, errstr);
	xfree_secret(pass);
	return st;
}

/* Move what the report keeps out of the session. */
static void
check_take(struct check_result *r, struct session *s)
{
	r->level = s->level;
	r->starttls_advertised = s->starttls_advertised;
	r->tls = s->tls;
	memset(&s->tls, 0, sizeof(s->tls));
	r->auth = s->auth;
	r->tr = s->tr;
	s->tr = transcript_new();
}

/* Check one service. */
static void
check_service(const struct account *a, enum service svc, int allow_plain,
    struct check_result *r)
{
	struct session *s = session_new(a, svc, allow_plain);
	char *err = NULL;

	r->service = svc;
	r->host = xstrdup(a->url[svc]->host);
	r->port = a->url[svc]->port;
	r->transport = a->url[svc]->transport;
	r->status = session_open(s, &err);
	if (r->status == ST_OK)
		r->status = check_login(s, &err);
	if (s->proto != NULL && s->level != LEVEL_NONE &&
	    !wire_failed(s->wire))
		s->ops->logout(s);
	r->error = err;
	check_take(r, s);
	session_free(s);
}

/* Check every configured service, in the order imap, pop3, smtp. */
void
check_account(const struct account *a, int allow_plain,
    struct check_report *rep)
{
	enum service svc;
	struct check_result *r;

	memset(rep, 0, sizeof(*rep));
	rep->account = xstrdup(a->name);
	for (svc = 0; svc < SERVICE_COUNT; svc++) {
		if (a->url[svc] == NULL)
			continue;
		r = &rep->results[rep->nresults++];
		check_service(a, svc, allow_plain, r);
		if (rep->exit == ST_OK)
			rep->exit = r->status;
	}
}

/* Free a report; accepts a zeroed one. */
void
check_report_clear(struct check_report *rep)
{
	size_t i;

	for (i = 0; i < rep->nresults; i++) {
		free(rep->results[i].host);
		free(rep->results[i].error);
		tls_info_clear(&rep->results[i].tls);
		transcript_free(rep->results[i].tr);
	}
	free(rep->account);
	memset(rep, 0, sizeof(*rep));
}

/* The transcript as an array of {dir, phase, time, text}. */
static void
json_transcript(struct json *j, const struct transcript *tr)
{
	static const char *dirs[] = { "sent", "received", "note" };
	const struct tr_line *l;
	size_t i;

	json_array_begin(j);
	for (i = 0; (l = transcript_line(tr, i)) != NULL; i++) {
		json_object_begin(j);
		json_key(j, "dir"); json_string(j, dirs[l->dir]);
		json_key(j, "phase");
		json_string(j, l->phase == TR_TLS ? "tls" : "plain");
		json_key(j, "time");
		json_int(j, (long long)l->when.tv_sec * 1000 +
		    l->when.tv_nsec / 1000000);
		json_key(j, "text"); json_string(j, l->text);
		json_object_end(j);
	}
	json_array_end(j);
}

/* One service object. */
static void
json_result(struct json *j, const struct check_result *r, int transcript)
{
	json_object_begin(j);
	json_key(j, "service"); json_string(j, service_name(r->service));
	json_key(j, "host"); json_string(j, r->host);
	json_key(j, "port"); json_int(j, r->port);
	json_key(j, "transport"); json_string(j, transport_name(r->transport));
	json_key(j, "level"); json_string(j, level_name(r->level));
	json_key(j, "starttls_advertised");
	if (r->starttls_advertised < 0)
		json_null(j);
	else
		json_bool(j, r->starttls_advertised);
	json_key(j, "tls"); tls_json_session(j, &r->tls);
	json_key(j, "certificate"); tls_json_certificate(j, &r->tls, 0);
	json_key(j, "auth"); json_string(j, auth_result_name(r->auth));
	json_key(j, "exit"); json_int(j, r->status);
	json_key(j, "error"); json_string(j, r->error);
	if (transcript) {
		json_key(j, "transcript");
		json_transcript(j, r->tr);
	}
	json_object_end(j);
}

/* The report as the documented JSON object (DESIGN.md). */
char *
check_report_json(const struct check_report *rep, int transcript)
{
	struct json j;
	size_t i;

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "account"); json_string(&j, rep->account);
	json_key(&j, "services");
	json_array_begin(&j);
	for (i = 0; i < rep->nresults; i++)
		json_result(&j, &rep->results[i], transcript);
	json_array_end(&j);
	json_object_end(&j);
	return json_finish(&j);
}
