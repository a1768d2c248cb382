/* tls_json.c: TLS session and certificate facts as JSON. */
#include "build-config.h"

#include "tls_json.h"

/* {"version","cipher","group"}, or null without a handshake. */
void
tls_json_session(struct json *j, const struct tls_info *t)
{
	if (!t->done) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "version"); json_string(j, t->version);
	json_key(j, "cipher"); json_string(j, t->cipher);
	json_key(j, "group"); json_string(j, t->group);
	json_object_end(j);
}

/* The fields of one certificate (days_left only when asked for). */
void
tls_json_cert_fields(struct json *j, const struct tls_cert *c, int days)
{
	json_key(j, "subject"); json_string(j, c->subject);
	json_key(j, "issuer"); json_string(j, c->issuer);
	json_key(j, "san"); json_strings(j, c->san, c->nsan);
	json_key(j, "not_before"); json_string(j, c->not_before);
	json_key(j, "not_after"); json_string(j, c->not_after);
	if (days) {
		json_key(j, "days_left");
		json_int(j, c->days_left);
	}
	json_key(j, "sha256"); json_string(j, c->sha256);
	json_key(j, "pin"); json_string(j, c->pin);
	json_key(j, "key"); json_string(j, c->key);
	json_key(j, "signature"); json_string(j, c->signature);
}

/* The server's own certificate with the verification, or null. */
void
tls_json_certificate(struct json *j, const struct tls_info *t, int days)
{
	if (t->nchain == 0) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	tls_json_cert_fields(j, &t->chain[0], days);
	json_key(j, "verify");
	json_object_begin(j);
	json_key(j, "trusted"); json_bool(j, t->trusted);
	json_key(j, "hostname"); json_bool(j, t->hostname_ok);
	json_key(j, "errors"); json_strings(j, t->errors, t->nerrors);
	json_object_end(j);
	json_object_end(j);
}
