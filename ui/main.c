/* main.c: the starling binary: the subcommands and, later, the UI. */
#include "build-config.h"

#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "i18n.h"

/* Print "starling: MESSAGE" on stderr. */
void
cmd_error(const char *fmt, ...)
{
	va_list ap;

	fputs("starling: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* When the configuration file does not exist, show how to write one. */
void
cmd_config_hint(const char *path)
{
	if (path == NULL || access(path, F_OK) == 0)
		return;
	fprintf(stderr, _("Create it with one [section] per account, for "
	    "example:\n\n"
	    "[work]\n"
	    "imap = imaps://mail.example.com\n"
	    "smtp = smtp://mail.example.com:587\n"
	    "user = alice\n"
	    "password_cmd = pass show mail/work\n\n"
	    "then run: chmod 600 %s\n"
	    "See starling.conf(5) for every setting.\n"), path);
}

/* Load the configuration file (the default one when file is NULL); on
 * an error say what is wrong, and how to start a file, on stderr. */
int
cmd_load_config(const char *file, struct config **cfg)
{
	char *path = file ? NULL : config_default_path(), *err = NULL;

	if (config_load(file ? file : path, cfg, &err) == -1) {
		cmd_error("%s", err);
		cmd_config_hint(file ? file : path);
		free(err);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

/* Load the configuration and find the account called name. */
int
cmd_load_account(const char *file, const char *name, struct config **cfg,
    const struct account **acct)
{
	if (cmd_load_config(file, cfg) == -1)
		return -1;
	if ((*acct = config_find(*cfg, name)) == NULL) {
		cmd_error(_("no account named \"%s\" in %s"), name,
		    (*cfg)->path);
		return -1;
	}
	return 0;
}

/* The usage text. */
static void
usage(FILE *f)
{
	fprintf(f, _("usage: starling [--config FILE] [-a ACCOUNT] [-f FOLDER] "
	    "[--allow-plaintext-auth]\n"
	    "       starling check [--config FILE] [--json] [--transcript] "
	    "[--allow-plaintext-auth] ACCOUNT\n"
	    "       starling probe [--json] [--cafile FILE] [--timeout S] "
	    "[--resolver IP[:PORT]] [--jobs N] TARGET...\n"
	    "       starling guide [--config FILE] [ACCOUNT]\n"
	    "       starling send [--config FILE] [--account NAME] [-t] "
	    "[-f FROM] [RECIPIENT...] < message\n"
	    "       starling fetch [--config FILE] [--allow-plaintext-auth] "
	    "ACCOUNT\n"
	    "       starling --help | --version\n"));
}

int
main(int argc, char **argv)
{
#ifdef ENABLE_NLS
	/* The catalogs of a build tree (tests), like git's GIT_TEXTDOMAINDIR. */
	const char *localedir = getenv("STARLING_LOCALEDIR");
#endif

	setlocale(LC_ALL, "");
	/* A server that hangs up must not kill us: writes fail instead. */
	signal(SIGPIPE, SIG_IGN);
#ifdef ENABLE_NLS
	bindtextdomain(PACKAGE, localedir != NULL && *localedir == '/' ?
	    localedir : LOCALEDIR);
	textdomain(PACKAGE);
#endif
	if (argc > 1 && strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("starling %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "guide") == 0)
		return cmd_guide(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "send") == 0)
		return cmd_send(argc - 1, argv + 1);
	/* sendmail's command line: git send-email, cron, mail(1) */
	if (cmd_send_is_sendmail(argc, argv))
		return cmd_send(argc, argv);
	if (argc > 1 && strcmp(argv[1], "fetch") == 0)
		return cmd_fetch(argc - 1, argv + 1);
	if (argc > 1 && argv[1][0] != '-') {
		cmd_error(_("unknown command \"%s\""), argv[1]);
		usage(stderr);
		return 1;
	}
	return ui_main(argc, argv);
}
