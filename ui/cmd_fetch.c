/* cmd_fetch.c: `starling fetch`: download an account's POP3 mail into its
 * Maildir. Never prompts; one line says what happened. */
#include "build-config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "fetch.h"
#include "i18n.h"

struct fetch_opts {
	const char	*config;
	int		 allow_plain;
	const char	*account;
};

/* Parse the command line; -1 on a usage error. */
static int
fetch_args(int argc, char **argv, struct fetch_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "allow-plaintext-auth", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'P': o->allow_plain = 1; break;
		default: return -1;
		}
	}
	if (optind != argc - 1) {
		cmd_error(_("fetch needs exactly one ACCOUNT"));
		return -1;
	}
	o->account = argv[optind];
	return 0;
}

/* On a terminal, one line of progress on stderr, rewritten in place;
 * *arg says whether that line is still open. */
static int
fetch_progress_tty(void *arg, const struct fetch_progress *p)
{
	int *open = arg;

	if (p->total == 0)
		return 0;
	fputc('\r', stderr);
	fprintf(stderr, _("fetching %zu of %zu (%llu of %llu bytes)"),
	    p->done < p->total ? p->done + 1 : p->total, p->total,
	    (unsigned long long)p->bytes, (unsigned long long)p->total_bytes);
	*open = p->done < p->total;
	if (!*open)
		fputc('\n', stderr);
	fflush(stderr);
	return 0;
}

/* The line of the run, and a word on messages left alone. */
static void
fetch_print(const struct account *a, const struct fetch_result *r)
{
	char *line = fetch_summary(a, r);

	printf("%s\n", line);
	free(line);
	if (r->left > 0)
		cmd_error(ngettext("%zu message shares its UIDL with another "
		    "and was left on the server", "%zu messages share their "
		    "UIDL with another and were left on the server", r->left),
		    r->left);
}

/* starling fetch [--config FILE] [--allow-plaintext-auth] ACCOUNT */
int
cmd_fetch(int argc, char **argv)
{
	struct fetch_opts o = { NULL, 0, NULL };
	struct config *cfg = NULL;
	const struct account *acct;
	struct fetch_result res;
	enum status st;
	char *err = NULL;
	int open = 0;

	if (fetch_args(argc, argv, &o) == -1) {
		fprintf(stderr, _("usage: starling fetch [--config FILE] "
		    "[--allow-plaintext-auth] ACCOUNT\n"));
		return 1;
	}
	if (cmd_load_account(o.config, o.account, &cfg, &acct) == -1) {
		config_free(cfg);
		return 1;
	}
	st = fetch_account(acct, o.allow_plain, isatty(STDERR_FILENO) ?
	    fetch_progress_tty : NULL, &open, &res, &err);
	if (open)
		fputc('\n', stderr);
	if (st == ST_OK || res.fetched > 0 || res.deleted > 0)
		fetch_print(acct, &res);
	if (st != ST_OK)
		cmd_error("%s", err);
	free(err);
	config_free(cfg);
	return (int)st;
}
