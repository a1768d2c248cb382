/* mailbox_test.c: drive client/mailbox.c against a real IMAP server for
 * tests/servers/t-mailbox.sh. Links libclient.a only (no curses).
 *
 * usage: mailbox_test [--config FILE] [-a ACCOUNT] COMMAND [ARG...]
 *   list                          folder<TAB>NAME<TAB>RAW<TAB>DELIM<TAB>
 *                                 NOSELECT<TAB>MESSAGES<TAB>UNSEEN
 *   select FOLDER                 KEY<TAB>VALUE lines
 *   envelopes FOLDER FIRST LAST   SEQ<TAB>UID<TAB>DATE<TAB>FLAGS<TAB>SIZE
 *                                 <TAB>FROM<TAB>SUBJECT
 *   message FOLDER SEQ            type<TAB>T, header<TAB>LINE..., body<TAB>B
 *   header TEXT                   mailbox_decode_header(TEXT) (offline)
 *   name RAW                      mailbox_decode_name(RAW) (offline)
 * FOLDER is a name as `list` shows it (decoded) or the server's raw name.
 * Strings are printed byte for byte, except "\\", TAB, LF, CR and other
 * control bytes, which are written "\\\\", "\\t", "\\n", "\\r", "\\xHH".
 * FLAGS: S seen, A answered, F flagged, D deleted, T draft, R recent, or
 * "-". Exit status: 0, or the enum status, with the error on stderr. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "mailbox.h"
#include "secret.h"
#include "session.h"
#include "xmalloc.h"

struct opts {
	const char	*config;
	const char	*account;
	int		 argc;
	char	       **argv;
};

/* The [starling] settings that message parsing uses. */
static struct mime_options mime_opts;

/* Print a string so that every byte can be compared exactly. */
static void
put_escaped(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\\')
			fputs("\\\\", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\r')
			fputs("\\r", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
}

/* Fail with the error sentence; the status is the exit code. */
static int
fail(enum status st, char *err)
{
	fprintf(stderr, "mailbox_test: %s\n", err ? err : "?");
	free(err);
	return (int)st;
}

/* Open and log in the account's IMAP session. */
static enum status
login(const struct account *a, struct session **out, char **errstr)
{
	struct session *s;
	enum status st;
	char *pass = NULL;

	if (a->url[SERVICE_IMAP] == NULL || a->password_cmd == NULL) {
		*errstr = xasprintf("account %s needs imap and password_cmd",
		    a->name);
		return ST_USAGE;
	}
	if (secret_from_cmd(a->password_cmd, a->timeout, &pass, errstr) == -1)
		return ST_USAGE;
	s = session_new(a, SERVICE_IMAP, 0);
	if ((st = session_open(s, errstr)) == ST_OK)
		st = session_login(s, a->user, pass, errstr);
	xfree_secret(pass);
	if (st != ST_OK) {
		session_free(s);
		return st;
	}
	*out = s;
	return ST_OK;
}

/* The raw name of a folder given decoded or raw (as is when unknown). */
static enum status
resolve(struct session *s, const char *want, char **raw, char **errstr)
{
	struct folder *f;
	size_t n, i;
	enum status st;

	if ((st = mailbox_list(s, &f, &n, errstr)) != ST_OK)
		return st;
	*raw = NULL;
	for (i = 0; i < n && *raw == NULL; i++)
		if (strcmp(f[i].name, want) == 0 || strcmp(f[i].raw, want) == 0)
			*raw = xstrdup(f[i].raw);
	if (*raw == NULL)
		*raw = xstrdup(want);
	mailbox_folders_free(f, n);
	return ST_OK;
}

/* Select FOLDER (decoded or raw). */
static enum status
open_folder(struct session *s, const char *want, struct folder_state *fs,
    char **errstr)
{
	enum status st;
	char *raw;

	if ((st = resolve(s, want, &raw, errstr)) != ST_OK)
		return st;
	st = mailbox_select(s, raw, fs, errstr);
	free(raw);
	return st;
}

/* list */
static enum status
cmd_list(struct session *s, char **argv, char **errstr)
{
	struct folder *f;
	size_t n, i;
	enum status st;

	(void)argv;
	if ((st = mailbox_list(s, &f, &n, errstr)) != ST_OK)
		return st;
	for (i = 0; i < n; i++) {
		fputs("folder\t", stdout);
		put_escaped(f[i].name);
		putchar('\t');
		put_escaped(f[i].raw);
		printf("\t%c\t%d\t%u\t%u\n", f[i].delim ? f[i].delim : '-',
		    f[i].noselect, f[i].messages, f[i].unseen);
	}
	mailbox_folders_free(f, n);
	return ST_OK;
}

/* select FOLDER */
static enum status
cmd_select(struct session *s, char **argv, char **errstr)
{
	struct folder_state fs;
	enum status st;

	if ((st = open_folder(s, argv[0], &fs, errstr)) != ST_OK)
		return st;
	printf("exists\t%u\nrecent\t%u\nuidvalidity\t%u\nuidnext\t%u\n"
	    "read_only\t%d\n", fs.exists, fs.recent, fs.uidvalidity,
	    fs.uidnext, fs.read_only);
	return ST_OK;
}

/* Flags as letters, "-" for none. */
static void
put_flags(unsigned f)
{
	static const struct {
		unsigned	 bit;
		char		 c;
	} map[] = {
		{ MSG_SEEN, 'S' }, { MSG_ANSWERED, 'A' }, { MSG_FLAGGED, 'F' },
		{ MSG_DELETED, 'D' }, { MSG_DRAFT, 'T' }, { MSG_RECENT, 'R' },
	};
	size_t i;

	if (f == 0)
		putchar('-');
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (f & map[i].bit)
			putchar(map[i].c);
}

/* envelopes FOLDER FIRST LAST */
static enum status
cmd_envelopes(struct session *s, char **argv, char **errstr)
{
	struct folder_state fs;
	struct envelope *e;
	size_t n, i;
	enum status st;

	if ((st = open_folder(s, argv[0], &fs, errstr)) != ST_OK)
		return st;
	st = mailbox_envelopes(s, (uint32_t)strtoul(argv[1], NULL, 10),
	    (uint32_t)strtoul(argv[2], NULL, 10), &e, &n, errstr);
	if (st != ST_OK)
		return st;
	for (i = 0; i < n; i++) {
		printf("%u\t%u\t%lld\t", e[i].seq, e[i].uid,
		    (long long)e[i].date);
		put_flags(e[i].flags);
		printf("\t%u\t", e[i].size);
		put_escaped(e[i].from);
		putchar('\t');
		put_escaped(e[i].subject);
		putchar('\n');
	}
	mailbox_envelopes_free(e, n);
	return ST_OK;
}

/* message FOLDER SEQ */
static enum status
cmd_message(struct session *s, char **argv, char **errstr)
{
	struct folder_state fs;
	struct message m;
	enum status st;
	char *line, *save = NULL;

	if ((st = open_folder(s, argv[0], &fs, errstr)) != ST_OK)
		return st;
	st = mailbox_message(s, (uint32_t)strtoul(argv[1], NULL, 10),
	    &mime_opts, &m, errstr);
	if (st != ST_OK)
		return st;
	fputs("type\t", stdout);
	put_escaped(m.content_type);
	putchar('\n');
	for (line = strtok_r(m.headers, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		fputs("header\t", stdout);
		put_escaped(line);
		putchar('\n');
	}
	fputs("body\t", stdout);
	put_escaped(m.body);
	putchar('\n');
	mailbox_message_clear(&m);
	return ST_OK;
}

/* header TEXT (offline) */
static enum status
cmd_header(struct session *s, char **argv, char **errstr)
{
	char *d = mailbox_decode_header(argv[0]);

	(void)s;
	(void)errstr;
	put_escaped(d);
	putchar('\n');
	free(d);
	return ST_OK;
}

/* name RAW (offline) */
static enum status
cmd_name(struct session *s, char **argv, char **errstr)
{
	char *d = mailbox_decode_name(argv[0]);

	(void)s;
	(void)errstr;
	put_escaped(d);
	putchar('\n');
	free(d);
	return ST_OK;
}

static const struct command {
	const char	*name;
	int		 nargs;
	int		 online;
	enum status	(*run)(struct session *, char **, char **);
} commands[] = {
	{ "list", 0, 1, cmd_list },
	{ "select", 1, 1, cmd_select },
	{ "envelopes", 3, 1, cmd_envelopes },
	{ "message", 2, 1, cmd_message },
	{ "header", 1, 0, cmd_header },
	{ "name", 1, 0, cmd_name },
};

/* Options, then the command and its arguments. */
static const struct command *
parse_args(int argc, char **argv, struct opts *o)
{
	size_t i;
	int k = 1;

	memset(o, 0, sizeof(*o));
	for (; k + 1 < argc && argv[k][0] == '-'; k += 2) {
		if (strcmp(argv[k], "--config") == 0)
			o->config = argv[k + 1];
		else if (strcmp(argv[k], "-a") == 0)
			o->account = argv[k + 1];
		else
			return NULL;
	}
	if (k >= argc)
		return NULL;
	o->argc = argc - k - 1;
	o->argv = argv + k + 1;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[k], commands[i].name) == 0 &&
		    commands[i].nargs == o->argc)
			return &commands[i];
	return NULL;
}

/* Load the configuration and find the account (the first by default). */
static enum status
load(const struct opts *o, struct config **cfg, const struct account **a,
    char **errstr)
{
	char *path = o->config ? xstrdup(o->config) : config_default_path();
	int r = config_load(path, cfg, errstr);

	free(path);
	if (r == -1)
		return ST_USAGE;
	*a = o->account ? config_find(*cfg, o->account) :
	    (*cfg)->naccounts ? (*cfg)->accounts[0] : NULL;
	if (*a == NULL) {
		*errstr = xstrdup("no such account");
		return ST_USAGE;
	}
	return ST_OK;
}

/* Run an online command: configuration, session, command, logout. */
static int
run_online(const struct command *c, const struct opts *o)
{
	struct config *cfg = NULL;
	const struct account *a;
	struct session *s = NULL;
	enum status st;
	char *err = NULL;

	if ((st = load(o, &cfg, &a, &err)) == ST_OK &&
	    (st = login(a, &s, &err)) == ST_OK) {
		mime_opts.html_dumper = cfg->html_dumper;
		st = c->run(s, o->argv, &err);
		if (!wire_failed(s->wire))
			s->ops->logout(s);
		session_free(s);
	}
	config_free(cfg);
	fflush(stdout);
	return st == ST_OK ? 0 : fail(st, err);
}

int
main(int argc, char **argv)
{
	const struct command *c;
	struct opts o;
	char *err = NULL;
	enum status st;

	if ((c = parse_args(argc, argv, &o)) == NULL) {
		fprintf(stderr, "usage: mailbox_test [--config FILE] "
		    "[-a ACCOUNT] list | select FOLDER | envelopes FOLDER "
		    "FIRST LAST | message FOLDER SEQ | header TEXT | "
		    "name RAW\n");
		return 1;
	}
	if (c->online)
		return run_online(c, &o);
	st = c->run(NULL, o.argv, &err);
	return st == ST_OK ? 0 : fail(st, err);
}
