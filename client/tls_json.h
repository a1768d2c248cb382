/* tls_json.h: what a TLS handshake found out, as JSON objects shared by
 * `check --json` and `probe --json` (the field names are contracts:
 * DESIGN.md "Command line", starling(1)).
 *
 * Error contract: none (allocation is fatal). */
#ifndef STARLING_TLS_JSON_H
#define STARLING_TLS_JSON_H

#include "json.h"
#include "tls.h"

void	tls_json_session(struct json *, const struct tls_info *);
void	tls_json_cert_fields(struct json *, const struct tls_cert *, int);
void	tls_json_certificate(struct json *, const struct tls_info *, int);

#endif
