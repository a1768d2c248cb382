/* cmd_check.c: `starling check`: is this account's mail secure? */
#include "build-config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "cmd.h"
#include "config.h"
#include "i18n.h"

struct check_opts {
	const char	*config;
	int		 json;
	int		 transcript;
	int		 allow_plain;
	const char	*account;
};

/* Parse the command line; -1 on a usage error. */
static int
check_args(int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "transcript", no_argument, NULL, 't' },
		{ "allow-plaintext-auth", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'j': o->json = 1; break;
		case 't': o->transcript = 1; break;
		case 'P': o->allow_plain = 1; break;
		default: return -1;
		}
	}
	if (optind != argc - 1) {
		cmd_error(_("check needs exactly one ACCOUNT"));
		return -1;
	}
	o->account = argv[optind];
	return 0;
}

/* One transcript line as text: phase, direction, text. */
static void
print_transcript(const struct transcript *tr)
{
	static const char *dirs[] = { "C:", "S:", "**" };
	const struct tr_line *l;
	size_t i;

	for (i = 0; (l = transcript_line(tr, i)) != NULL; i++)
		printf("    %-7s %s %s\n", l->phase == TR_TLS ? "[tls]" :
		    "[plain]", dirs[l->dir], l->text);
}

/* One service's result as text. */
static void
print_result(const struct check_result *r, int transcript)
{
	const struct tls_cert *c = r->tls.nchain ? &r->tls.chain[0] : NULL;

	printf("%s %s:%u  [%s] %s  %s\n", service_label(r->service), r->host,
	    r->port, level_tag(r->level), transport_name(r->transport),
	    level_name(r->level));
	if (r->tls.done)
		printf(_("  TLS: %s, %s, %s\n"), r->tls.version, r->tls.cipher,
		    r->tls.group);
	if (c != NULL) {
		printf(_("  certificate: %s, issued by %s, valid until %s\n"),
		    c->subject, c->issuer, c->not_after);
		printf(ngettext("  (%ld day left)\n", "  (%ld days left)\n",
		    (unsigned long)labs(c->days_left)), c->days_left);
		printf("  sha256 %s\n  %s\n", c->sha256, c->pin);
	}
	printf(_("  login: %s\n"), auth_result_name(r->auth));
	if (r->error != NULL)
		printf(_("  error: %s\n"), r->error);
	if (transcript)
		print_transcript(r->tr);
}

/* starling check [--config FILE] [--json] [--transcript]
 *     [--allow-plaintext-auth] ACCOUNT */
int
cmd_check(int argc, char **argv)
{
	struct check_opts o = { NULL, 0, 0, 0, NULL };
	struct config *cfg = NULL;
	const struct account *acct;
	struct check_report rep;
	char *json;
	size_t i;

	if (check_args(argc, argv, &o) == -1) {
		fprintf(stderr, _("usage: starling check [--config FILE] [--json] "
		    "[--transcript] [--allow-plaintext-auth] ACCOUNT\n"));
		return 1;
	}
	if (cmd_load_account(o.config, o.account, &cfg, &acct) == -1) {
		config_free(cfg);
		return 1;
	}
	check_account(acct, o.allow_plain, &rep);
	if (o.json) {
		json = check_report_json(&rep, o.transcript);
		printf("%s\n", json);
		free(json);
	} else
		for (i = 0; i < rep.nresults; i++)
			print_result(&rep.results[i], o.transcript);
	i = (size_t)rep.exit;
	check_report_clear(&rep);
	config_free(cfg);
	return (int)i;
}
