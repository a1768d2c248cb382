/* submit_test.c: drive message_build() and client/submit.c as the compose
 * screen will, for tests/servers/t-send.sh. Links libclient.a only.
 *
 * usage: submit_test --config FILE -a ACCOUNT COMMAND [OPTION...]
 *   route                      the route probe: KEY<TAB>VALUE lines
 *   send [DRAFT OPTIONS]       build (8bit when the route says 8BITMIME)
 *                              and submit; prints message-id, queued,
 *                              warning lines
 *   postpone [DRAFT OPTIONS]   build and keep as a draft
 *   count                      messages waiting in the outbox
 * DRAFT OPTIONS: --to X --cc X --bcc X --subject S --body-file F
 *   --attach FILE (repeatable) --from X --eightbit 0|1
 * Exit status: 0, or the enum status, with the error on stderr. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "message.h"
#include "submit.h"
#include "xmalloc.h"

/* Read a whole file as a string. */
static char *
slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "rb"), *m = open_memstream(&buf, &len);
	int c;

	if (f == NULL || m == NULL) {
		perror(path);
		exit(1);
	}
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* The draft from the options; *eightbit from --eightbit, else -1. */
static void
draft_args(int argc, char **argv, struct draft *d, int *eightbit)
{
	int i;

	*eightbit = -1;
	for (i = 0; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];

		if (strcmp(k, "--to") == 0)
			d->to = xstrdup(v);
		else if (strcmp(k, "--cc") == 0)
			d->cc = xstrdup(v);
		else if (strcmp(k, "--bcc") == 0)
			d->bcc = xstrdup(v);
		else if (strcmp(k, "--from") == 0)
			d->from = xstrdup(v);
		else if (strcmp(k, "--subject") == 0)
			d->subject = xstrdup(v);
		else if (strcmp(k, "--body-file") == 0)
			d->body = slurp(v);
		else if (strcmp(k, "--eightbit") == 0)
			*eightbit = atoi(v);
		else if (strcmp(k, "--attach") == 0) {
			d->attach = xreallocarray(d->attach, d->nattach + 1,
			    sizeof(char *));
			d->attach[d->nattach++] = xstrdup(v);
		} else {
			fprintf(stderr, "submit_test: unknown option %s\n", k);
			exit(1);
		}
	}
}

/* route: what the confirmation screen would show. */
static int
cmd_route(const struct account *a)
{
	struct submit_route r;
	char *err = NULL;
	enum status st = submit_route_probe(a, &r, &err);

	printf("status\t%d\nlevel\t%s\ntransport\t%s\ntls\t%s\neightbit\t%d\n"
	    "summary\t%s\n", r.status, level_name(r.level),
	    transport_name(r.transport), r.tls_version ? r.tls_version : "-",
	    r.eightbit, r.summary ? r.summary : "-");
	if (err != NULL)
		fprintf(stderr, "submit_test: %s\n", err);
	free(err);
	submit_route_clear(&r);
	return st;
}

/* send / postpone: build the draft, then hand it over. */
static int
cmd_build(const struct account *a, int post, int argc, char **argv)
{
	struct submit_opts opts = { 0, NULL, NULL, 0 };
	struct envelope_out env;
	struct submit_route r;
	struct draft d;
	char *msg, *err = NULL, *warning = NULL, *id;
	enum status st;
	size_t len;
	int eightbit, queued = 0;

	memset(&d, 0, sizeof(d));
	draft_args(argc, argv, &d, &eightbit);
	if (eightbit < 0) {
		submit_route_probe(a, &r, &err);
		eightbit = r.eightbit;
		submit_route_clear(&r);
		free(err);
		err = NULL;
	}
	if ((st = message_build(&d, a, eightbit, &msg, &len, &env, &err)) ==
	    ST_OK) {
		id = message_id_of(msg, len);
		printf("message-id\t%s\n", id);
		free(id);
		st = post ? draft_postpone(a, msg, len, &err) :
		    submit_send(a, msg, len, &env, &opts, &queued, &warning,
		    &err);
		free(msg);
		envelope_out_clear(&env);
	}
	printf("queued\t%d\n", queued);
	if (warning != NULL)
		printf("warning\t%s\n", warning);
	if (err != NULL)
		fprintf(stderr, "submit_test: %s\n", err);
	free(warning);
	free(err);
	draft_clear(&d);
	return st;
}

int
main(int argc, char **argv)
{
	const struct account *a;
	struct config *cfg;
	char *err = NULL;
	size_t n;
	int rc;

	if (argc < 6 || strcmp(argv[1], "--config") || strcmp(argv[3], "-a")) {
		fprintf(stderr, "usage: submit_test --config FILE -a ACCOUNT "
		    "route|send|postpone|count [OPTION...]\n");
		return 1;
	}
	if (config_load(argv[2], &cfg, &err) == -1 ||
	    (a = config_find(cfg, argv[4])) == NULL) {
		fprintf(stderr, "submit_test: %s\n", err ? err : "no account");
		return 1;
	}
	if (strcmp(argv[5], "route") == 0)
		rc = cmd_route(a);
	else if (strcmp(argv[5], "send") == 0 ||
	    strcmp(argv[5], "postpone") == 0)
		rc = cmd_build(a, argv[5][0] == 'p', argc - 6, argv + 6);
	else if (strcmp(argv[5], "count") == 0) {
		rc = outbox_count(a, &n, &err);
		printf("%zu\n", n);
		free(err);
	} else
		rc = 1;
	config_free(cfg);
	return rc;
}
