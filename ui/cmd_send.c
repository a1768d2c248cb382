/* cmd_send.c: `starling send`: a sendmail for scripts, cron and git
 * send-email, through the gate; never prompts. */
#include "build-config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "config.h"
#include "i18n.h"
#include "message.h"
#include "submit.h"
#include "xmalloc.h"

/* The largest message read from standard input. */
#define SEND_MAX_MESSAGE	((size_t)256 * 1024 * 1024)

struct send_opts {
	const char	*config;
	const char	*account;
	const char	*from;		/* -f / -r */
	const char	*fullname;	/* -F */
	int		 headers;	/* -t */
	int		 flush;		/* --flush, -q */
	int		 verbose;	/* -v */
	struct submit_opts sub;
	char		**rcpt;
	size_t		 nrcpt;
};

/* The usage text. */
static void
send_usage(void)
{
	fprintf(stderr, _("usage: starling send [--config FILE] [--account "
	    "NAME] [-t] [-i] [-f FROM] [-F NAME]\n"
	    "           [--allow-plaintext-auth] [--no-sent-copy] "
	    "[RECIPIENT...] < message\n"
	    "       starling send --flush [--config FILE] [--account NAME]\n"));
}

/* -o OPTION: what sendmail scripts pass (-oi, -oem, -odi, ...) is taken
 * and ignored: starling always reads to the end of input, reports errors
 * on stderr and delivers at once. */
static int
send_o_option(const char *o)
{
	if (strcmp(o, "i") == 0 || (o[0] == 'e' && strchr("mpqwe", o[1]) &&
	    o[1] != '\0' && o[2] == '\0') || (o[0] == 'd' && o[1] != '\0' &&
	    strchr("ibqs", o[1]) && o[2] == '\0') || strcmp(o, "m") == 0)
		return 0;
	/* TRANSLATORS: "-oX" is a sendmail option */
	cmd_error(_("send: -o%s is not supported (taken are -oi, -oem, -oep, "
	    "-oeq, -oew, -odi, -odb, -om)"), o);
	return -1;
}

/* One short sendmail option; -1 on a usage error. */
static int
send_short(int ch, struct send_opts *o)
{
	switch (ch) {
	case 't': o->headers = 1; return 0;
	case 'i': return 0;		/* a lone "." never ends the input */
	case 'f': case 'r': o->from = optarg; return 0;
	case 'F': o->fullname = optarg; return 0;
	case 'o': return send_o_option(optarg);
	case 'B': case 'N': return 0;	/* body type, DSN: the server's */
	case 'v': o->verbose = 1; return 0;
	case 'q': o->flush = 1; return 0;
	case 'b':
		if (strcmp(optarg, "m") == 0)
			return 0;
		cmd_error(_("send: -b%s is not supported (only -bm, read the "
		    "message from standard input)"), optarg);
		return -1;
	case 'C':
		cmd_error(_("send: -C is sendmail's configuration; use "
		    "--config FILE"));
		return -1;
	}
	return -1;
}

/* Parse the command line (starling send ... or sendmail style). */
static int
send_args(int argc, char **argv, struct send_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "account", required_argument, NULL, 'a' },
		{ "flush", no_argument, NULL, 'Q' },
		{ "allow-plaintext-auth", no_argument, NULL, 'P' },
		{ "no-sent-copy", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	opterr = 1;
	while ((ch = getopt_long(argc, argv, "+a:B:b:C:c:F:f:iN:o:q::r:tv",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'a': o->account = optarg; break;
		case 'Q': o->flush = 1; break;
		case 'P': o->sub.allow_plaintext = 1; break;
		case 'S': o->sub.no_sent_copy = 1; break;
		case 'h': send_usage(); exit(0);
		default:
			if (ch == '?' || send_short(ch, o) == -1)
				return -1;
		}
	}
	o->rcpt = argv + optind;
	o->nrcpt = (size_t)(argc - optind);
	if (o->flush && o->nrcpt > 0) {
		cmd_error(_("send: --flush takes no recipients"));
		return -1;
	}
	return 0;
}

/* Is this command line sendmail's (starling run as "sendmail", or
 * "starling -i rcpt..." as git send-email runs it)? The UI takes no
 * arguments besides -a, -c/--config and -f, so a recipient or a
 * sendmail-only flag decides. */
int
cmd_send_is_sendmail(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 :
	    argv[0];
	int i;

	if (strcmp(base, "sendmail") == 0)
		return 1;
	if (argc < 2 || argv[1][0] != '-')
		return 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc;
		if (argv[i][0] != '-')
			return 1;		/* a recipient */
		if (strchr("itvoBNFrbq", argv[i][1]) != NULL &&
		    argv[i][1] != '\0')
			return 1;
		if ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "-a") == 0 ||
		    strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--config") == 0 ||
		    strcmp(argv[i], "--account") == 0) && i + 1 < argc)
			i++;
	}
	return 0;
}

/* The whole of standard input. */
static int
send_read(char **msg, size_t *len)
{
	size_t cap = 65536, n = 0, r;
	char *buf = xmalloc(cap + 1);

	while ((r = fread(buf + n, 1, cap - n, stdin)) > 0) {
		n += r;
		if (n == cap) {
			if (cap >= SEND_MAX_MESSAGE) {
				cmd_error(_("send: the message is larger than "
				    "%zu MiB"), SEND_MAX_MESSAGE >> 20);
				free(buf);
				return -1;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
	}
	if (ferror(stdin) || n == 0) {
		cmd_error(n == 0 ? _("send: no message on standard input") :
		    _("send: cannot read standard input: %s"), strerror(errno));
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*msg = buf;
	*len = n;
	return 0;
}

/* Load the configuration. */
static int
send_load(const struct send_opts *o, struct config **cfg)
{
	if (cmd_load_config(o->config, cfg) == -1)
		return -1;
	if ((*cfg)->naccounts == 0) {
		cmd_error(_("no account in %s"), (*cfg)->path);
		return -1;
	}
	return 0;
}

/* The account: --account, else the one whose email is the sender, else
 * default_account, else the first. */
static const struct account *
send_account(const struct send_opts *o, const struct config *cfg,
    const char *sender)
{
	const struct account *a;
	size_t i;

	if (o->account != NULL) {
		if ((a = config_find(cfg, o->account)) == NULL)
			cmd_error(_("no account named \"%s\" in %s"),
			    o->account, cfg->path);
		return a;
	}
	for (i = 0; sender != NULL && i < cfg->naccounts; i++)
		if (cfg->accounts[i]->email != NULL &&
		    strcasecmp(cfg->accounts[i]->email, sender) == 0)
			return cfg->accounts[i];
	if ((a = config_find(cfg, cfg->default_account)) != NULL)
		return a;
	return cfg->accounts[0];
}

/* Tell what became of the message. */
static void
send_report(const struct send_opts *o, const struct account *a,
    enum status st, int queued, const char *warning, const char *err,
    size_t nrcpt)
{
	if (warning != NULL)
		cmd_error(_("warning: %s"), warning);
	if (err != NULL)
		cmd_error("%s", err);
	if (queued)
		/* TRANSLATORS: the second %s is the account name */
		cmd_error(_("the message is queued in the outbox of account "
		    "%s; send it later with: starling send --flush --account "
		    "%s"), a->name, a->name);
	else if (st != ST_OK && err != NULL)
		cmd_error(_("the message was not sent"));
	if (st == ST_OK && o->verbose)
		cmd_error(ngettext("sent to %zu recipient through account %s",
		    "sent to %zu recipients through account %s", nrcpt),
		    nrcpt, a->name);
}

/* Send the message on standard input. */
static int
send_one(struct send_opts *o, const struct config *cfg)
{
	struct envelope_out env;
	const struct account *a;
	char *msg, *wire, *err = NULL, *warning = NULL;
	size_t len, wlen;
	enum status st;
	int queued = 0;

	if (send_read(&msg, &len) == -1)
		return ST_USAGE;
	if ((st = message_envelope(msg, len, o->from, o->rcpt, o->nrcpt,
	    o->headers, &env, &err)) != ST_OK) {
		cmd_error("send: %s", err);
		free(err);
		free(msg);
		return st;
	}
	if ((a = send_account(o, cfg, env.from)) == NULL ||
	    (env.from == NULL && a->email == NULL)) {
		if (a != NULL)
			cmd_error(_("send: no sender: use -f FROM, a From: "
			    "header, or email = in account %s"), a->name);
		envelope_out_clear(&env);
		free(msg);
		return ST_USAGE;
	}
	if (env.from == NULL)
		env.from = xstrdup(a->email);
	message_prepare(msg, len, env.from, o->fullname ? o->fullname :
	    a->realname, &wire, &wlen);
	free(msg);
	st = submit_send(a, wire, wlen, &env, &o->sub, &queued, &warning,
	    &err);
	send_report(o, a, st, queued, warning, err, env.nrcpt);
	free(wire);
	free(warning);
	free(err);
	envelope_out_clear(&env);
	return st;
}

/* --flush: every outbox (or --account's) tried once. */
static int
send_flush(const struct send_opts *o, const struct config *cfg)
{
	enum status st, first = ST_OK;
	size_t i, sent, left;
	char *err;

	for (i = 0; i < cfg->naccounts; i++) {
		if (o->account != NULL &&
		    strcmp(cfg->accounts[i]->name, o->account) != 0)
			continue;
		err = NULL;
		st = submit_flush(cfg->accounts[i], &o->sub, &sent, &left,
		    &err);
		if (err != NULL)
			cmd_error("%s: %s", cfg->accounts[i]->name, err);
		if (sent + left > 0 || o->verbose)
			/* TRANSLATORS: "work: outbox: 2 sent, 1 left" */
			cmd_error(_("%s: outbox: %zu sent, %zu left"),
			    cfg->accounts[i]->name, sent, left);
		free(err);
		if (first == ST_OK)
			first = st;
	}
	if (o->account != NULL && config_find(cfg, o->account) == NULL) {
		cmd_error(_("no account named \"%s\" in %s"), o->account,
		    cfg->path);
		return ST_USAGE;
	}
	return first;
}

/* starling send [options] [RECIPIENT...] < message, also run as
 * sendmail; exit codes as in DESIGN.md. */
int
cmd_send(int argc, char **argv)
{
	struct send_opts o;
	struct config *cfg = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	if (send_args(argc, argv, &o) == -1) {
		send_usage();
		return ST_USAGE;
	}
	if (send_load(&o, &cfg) == -1) {
		config_free(cfg);
		return ST_USAGE;
	}
	rc = o.flush ? send_flush(&o, cfg) : send_one(&o, cfg);
	config_free(cfg);
	return rc;
}
