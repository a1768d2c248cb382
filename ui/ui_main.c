/* ui_main.c: start the interactive UI: configuration, key bindings, one
 * worker per account, the accounts screen (or straight into a folder). */
#include "build-config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "i18n.h"
#include "mailbox.h"
#include "screen.h"
#include "tls.h"
#include "xmalloc.h"

struct ui_opts {
	const char	*config;
	const char	*account;
	const char	*folder;
	int		 allow_plain;
};

/* Parse the UI's options; -1 on a usage error. */
static int
ui_args(int argc, char **argv, struct ui_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "allow-plaintext-auth", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "a:c:f:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': o->account = optarg; break;
		case 'c': o->config = optarg; break;
		case 'f': o->folder = optarg; break;
		case 'P': o->allow_plain = 1; break;
		default: return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* Load the key bindings; bad lines are reported, the rest loads. */
static struct keymap *
ui_keys(struct app *a)
{
	struct keymap *k = keys_new();
	char *path = keys_default_path(), **errors = NULL;
	size_t n = 0, i;

	keys_load_file(k, path, &errors, &n);
	for (i = 0; i < n; i++) {
		if (i == 0)
			app_message(a, 1, "%s", errors[i]);
		fprintf(stderr, "starling: %s\n", errors[i]);
		free(errors[i]);
	}
	free(errors);
	free(path);
	return k;
}

/* The index of the account named name (or the default), or -1. */
static int
ui_find_account(struct app *a, const char *name)
{
	size_t i;

	if (name == NULL)
		name = a->cfg->default_account;
	if (name == NULL)
		return 0;
	for (i = 0; i < a->naccounts; i++)
		if (strcmp(a->cfg->accounts[i]->name, name) == 0)
			return (int)i;
	return -1;
}

/* Create the wake-up pipe and the workers. */
static void
ui_workers(struct app *a)
{
	size_t i;

	if (pipe2(a->wake, O_CLOEXEC | O_NONBLOCK) == -1)
		fatalx("pipe2");
	a->workers = xcalloc(a->naccounts, sizeof(*a->workers));
	a->outbox = xcalloc(a->naccounts ? a->naccounts : 1,
	    sizeof(*a->outbox));
	for (i = 0; i < a->naccounts; i++) {
		app_outbox_refresh(a, (int)i);
		a->workers[i] = worker_new(a->cfg->accounts[i], (int)i,
		    a->wake[1]);
		worker_watch_set(a->workers[i], a->cfg->poll, a->cfg->idle);
		worker_set_cache(a->workers[i], a->cfg->header_cache);
		if (a->allow_plain_cli)
			worker_allow_plaintext(a->workers[i]);
		worker_set_html_dumper(a->workers[i], a->cfg->html_dumper);
	}
}

/* Open -f FOLDER (UTF-8 as typed; the server gets modified UTF-7). */
static void
ui_open_folder(struct app *a, const char *folder)
{
	char *raw = mailbox_encode_name(folder);

	if (raw == NULL) {
		app_message(a, 1, _("the folder name \"%s\" is not valid UTF-8"),
		    folder);
		return;
	}
	app_push(a, scr_index_new(a, a->account, raw, folder));
	free(raw);
}

/* The first screens: accounts, then the folder given with -f. */
static void
ui_screens(struct app *a, const struct ui_opts *o)
{
	size_t i;

	app_push(a, scr_accounts_new(a));
	for (i = 0; i < a->naccounts; i++)
		if (a->cfg->accounts[i]->password_cmd != NULL ||
		    (o->folder != NULL && (int)i == a->account))
			worker_connect(a->workers[i]);
	if (o->folder != NULL)
		ui_open_folder(a, o->folder);
}

/* Stop the workers and free everything. */
static void
ui_free(struct app *a)
{
	size_t i;

	while (a->depth > 0)
		app_pop(a);
	for (i = 0; i < a->naccounts; i++)
		worker_free(a->workers[i]);
	free(a->workers);
	free(a->outbox);
	close(a->wake[0]);
	close(a->wake[1]);
	keys_free(a->keys);
	config_free(a->cfg);
	free(a->message);
}

/* starling [--config FILE] [-a ACCOUNT] [-f FOLDER] */
int
ui_main(int argc, char **argv)
{
	struct ui_opts o = { NULL, NULL, NULL, 0 };
	struct app a;

	memset(&a, 0, sizeof(a));
	if (ui_args(argc, argv, &o) == -1) {
		fprintf(stderr, "%s\n", _("usage: starling [--config FILE] "
		    "[-a ACCOUNT] [-f FOLDER]"));
		return 1;
	}
	if (cmd_load_config(o.config, &a.cfg) == -1)
		return 1;
	a.naccounts = a.cfg->naccounts;
	a.allow_plain_cli = o.allow_plain;
	if ((a.account = ui_find_account(&a, o.account)) == -1) {
		cmd_error(_("no account named \"%s\" in %s"), o.account,
		    a.cfg->path);
		config_free(a.cfg);
		return 1;
	}
	/* The first account's trust store loads while the screen is set up
	 * and the server greets. */
	if (a.naccounts > 0)
		tls_warm(a.cfg->accounts[a.account]->cafile);
	a.keys = ui_keys(&a);
	ui_workers(&a);
	ui_screens(&a, &o);
	app_run(&a);
	ui_free(&a);
	tls_warm_end();
	return 0;
}
