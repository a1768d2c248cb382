/* mailbox_test.c: drive client/mailbox.c against a real IMAP server for
 * tests/servers/t-mailbox.sh. Links libclient.a only (no curses).
 *
 * usage: mailbox_test [--config FILE] [-a ACCOUNT] [--full]
 *                     [--uidvalidity N] COMMAND [ARG...]
 *   list                          folder<TAB>NAME<TAB>RAW<TAB>DELIM<TAB>
 *                                 NOSELECT<TAB>MESSAGES<TAB>UNSEEN
 *   select FOLDER                 KEY<TAB>VALUE lines (--full: and
 *                                 highestmodseq)
 *   envelopes FOLDER FIRST LAST   SEQ<TAB>UID<TAB>DATE<TAB>FLAGS<TAB>SIZE
 *                                 <TAB>FROM<TAB>SUBJECT (--full: and
 *                                 <TAB>SENT<TAB>TRANSIT, the Date: and the
 *                                 transit mark: unknown, encrypted, ...)
 * The header cache (client/envsrc.c, hcache.c, in $XDG_CACHE_HOME):
 *   window FOLDER FIRST LAST STEP SEED
 *                                 the envelopes of FIRST..LAST fetched
 *                                 through envsrc_window() STEP at a time,
 *                                 the windows in an order shuffled by SEED,
 *                                 printed by sequence as `envelopes` does;
 *                                 on stderr stats<TAB>cached N<TAB>fetched M
 *   resync FOLDER                 envsrc_resync_step() until done:
 *                                 resynced N (flags looked at)
 *   cached FOLDER UID...          per UID what hcache_get() holds under the
 *                                 folder's UIDVALIDITY (or --uidvalidity):
 *                                 UID<TAB>FLAGS<TAB>FROM<TAB>SUBJECT, or
 *                                 UID<TAB>missing
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
#include "envsrc.h"
#include "hcache.h"
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
/* --full: more columns; --uidvalidity: for `cached`. */
static int full;
static uint32_t force_uidvalidity;

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

/* Select FOLDER (decoded or raw); *raw gets the server's name. */
static enum status
open_raw(struct session *s, const char *want, char **raw,
    struct folder_state *fs, char **errstr)
{
	enum status st;

	if ((st = resolve(s, want, raw, errstr)) != ST_OK)
		return st;
	if ((st = mailbox_select(s, *raw, fs, errstr)) != ST_OK) {
		free(*raw);
		*raw = NULL;
	}
	return st;
}

/* Select FOLDER (decoded or raw). */
static enum status
open_folder(struct session *s, const char *want, struct folder_state *fs,
    char **errstr)
{
	enum status st;
	char *raw;

	if ((st = open_raw(s, want, &raw, fs, errstr)) == ST_OK)
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
	if (full)
		printf("highestmodseq\t%llu\n",
		    (unsigned long long)fs.highestmodseq);
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

/* A transit mark by name. */
static const char *
mark_name(enum transit_mark m)
{
	static const char *const names[] = {
		[TM_UNKNOWN] = "unknown", [TM_ENCRYPTED] = "encrypted",
		[TM_WEAK] = "weak", [TM_CLEAR] = "clear", [TM_LOCAL] = "local",
	};

	if ((size_t)m >= sizeof(names) / sizeof(names[0]) || !names[m])
		return "?";
	return names[m];
}

/* One envelope as a line (with --full, its Date: and transit mark). */
static void
put_envelope(const struct envelope *e)
{
	printf("%u\t%u\t%lld\t", e->seq, e->uid, (long long)e->date);
	put_flags(e->flags);
	printf("\t%u\t", e->size);
	put_escaped(e->from);
	putchar('\t');
	put_escaped(e->subject);
	if (full)
		printf("\t%lld\t%s", (long long)e->sent,
		    mark_name(e->transit));
	putchar('\n');
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
	for (i = 0; i < n; i++)
		put_envelope(&e[i]);
	mailbox_envelopes_free(e, n);
	return ST_OK;
}

/* By sequence number. */
static int
seq_cmp(const void *a, const void *b)
{
	const struct envelope *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The first message of each window of step in first..last, in an order
 * shuffled by seed (Fisher-Yates over a 64-bit LCG); *n windows. */
static uint32_t *
window_starts(uint32_t first, uint32_t last, uint32_t step,
    unsigned long long seed, size_t *n)
{
	uint64_t x = seed * 2 + 1;
	uint32_t *w, t;
	size_t i, j;

	*n = last >= first ? (last - first) / step + 1 : 0;
	w = xcalloc(*n ? *n : 1, sizeof(*w));
	for (i = 0; i < *n; i++)
		w[i] = first + (uint32_t)i * step;
	for (i = *n; i > 1; i--) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (size_t)((x >> 33) % i);
		t = w[i - 1];
		w[i - 1] = w[j];
		w[j] = t;
	}
	return w;
}

/* Fetch the windows through src, appending to *all (*n of them). */
static enum status
window_fetch(struct envsrc *src, struct session *s, const uint32_t *w,
    size_t nw, uint32_t step, uint32_t last, struct envelope **all,
    size_t *n, char **errstr)
{
	struct envelope *e;
	size_t i, ne;
	enum status st;
	uint32_t hi;

	for (i = 0; i < nw; i++) {
		hi = last - w[i] < step - 1 ? last : w[i] + step - 1;
		if ((st = envsrc_window(src, s, w[i], hi, &e, &ne, errstr)) !=
		    ST_OK)
			return st;
		*all = xreallocarray(*all, *n + ne + 1, sizeof(**all));
		if (ne > 0)
			memcpy(*all + *n, e, ne * sizeof(*e));
		*n += ne;
		free(e);
	}
	return ST_OK;
}

/* The folder's envelope source, begun: the header cache in its usual
 * place (under $XDG_CACHE_HOME). */
static struct envsrc *
source_open(struct session *s, const char *raw,
    const struct folder_state *fs)
{
	struct envsrc *src;
	char *dir = hcache_default_path(), *warn;

	src = envsrc_new(s->acct->name, dir);
	free(dir);
	envsrc_begin(src, raw, fs);
	if ((warn = envsrc_warning(src)) != NULL)
		fprintf(stderr, "warning\t%s\n", warn);
	free(warn);
	return src;
}

/* window FOLDER FIRST LAST STEP SEED */
static enum status
cmd_window(struct session *s, char **argv, char **errstr)
{
	uint32_t first = (uint32_t)strtoul(argv[1], NULL, 10);
	uint32_t last = (uint32_t)strtoul(argv[2], NULL, 10);
	uint32_t step = (uint32_t)strtoul(argv[3], NULL, 10), *w;
	struct envelope *all = NULL;
	struct envsrc_stats stats;
	struct folder_state fs;
	struct envsrc *src;
	size_t nw, n = 0, i;
	enum status st;
	char *raw;

	if (step == 0 || first == 0) {
		*errstr = xstrdup("window: FIRST and STEP must be > 0");
		return ST_USAGE;
	}
	if ((st = open_raw(s, argv[0], &raw, &fs, errstr)) != ST_OK)
		return st;
	src = source_open(s, raw, &fs);
	w = window_starts(first, last, step, strtoull(argv[4], NULL, 10),
	    &nw);
	st = window_fetch(src, s, w, nw, step, last, &all, &n, errstr);
	if (st == ST_OK) {
		qsort(all, n, sizeof(*all), seq_cmp);
		for (i = 0; i < n; i++)
			put_envelope(&all[i]);
		envsrc_stats(src, &stats);
		fprintf(stderr, "stats\tcached %zu\tfetched %zu\n",
		    stats.cached, stats.fetched);
	}
	mailbox_envelopes_free(all, n);
	free(w);
	envsrc_free(src);
	free(raw);
	return st;
}

/* resync FOLDER */
static enum status
cmd_resync(struct session *s, char **argv, char **errstr)
{
	struct envsrc_stats stats;
	struct folder_state fs;
	struct envsrc *src;
	enum status st;
	char *raw;

	if ((st = open_raw(s, argv[0], &raw, &fs, errstr)) != ST_OK)
		return st;
	src = source_open(s, raw, &fs);
	while (st == ST_OK && envsrc_resync_pending(src))
		st = envsrc_resync_step(src, s, errstr);
	if (st == ST_OK) {
		envsrc_stats(src, &stats);
		printf("resynced %zu\n", stats.resynced);
	}
	envsrc_free(src);
	free(raw);
	return st;
}

/* One cached record by UID, as `cached` prints it. */
static void
put_cached(struct hcache *hc, const char *acct, const char *raw,
    uint32_t uidvalidity, uint32_t uid)
{
	struct envelope e;

	memset(&e, 0, sizeof(e));
	if (!hcache_get(hc, acct, raw, uidvalidity, uid, &e)) {
		printf("%u\tmissing\n", uid);
		return;
	}
	printf("%u\t", e.uid);
	put_flags(e.flags);
	putchar('\t');
	put_escaped(e.from);
	putchar('\t');
	put_escaped(e.subject);
	putchar('\n');
	free(e.from);
	free(e.subject);
}

/* cached FOLDER UID... */
static enum status
cmd_cached(struct session *s, char **argv, char **errstr)
{
	struct folder_state fs;
	struct hcache *hc;
	enum status st;
	char *raw, *dir;
	size_t i;

	if ((st = open_raw(s, argv[0], &raw, &fs, errstr)) != ST_OK)
		return st;
	if (force_uidvalidity != 0)
		fs.uidvalidity = force_uidvalidity;
	dir = hcache_default_path();
	st = hcache_open(dir, &hc, errstr);
	free(dir);
	for (i = 1; st == ST_OK && argv[i] != NULL; i++)
		put_cached(hc, s->acct->name, raw, fs.uidvalidity,
		    (uint32_t)strtoul(argv[i], NULL, 10));
	if (st == ST_OK)
		hcache_close(hc);
	free(raw);
	return st;
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
	{ "window", 5, 1, cmd_window },
	{ "resync", 1, 1, cmd_resync },
	{ "cached", -2, 1, cmd_cached },	/* -2: at least 2 */
};

/* Options, then the command and its arguments. */
static const struct command *
parse_args(int argc, char **argv, struct opts *o)
{
	size_t i;
	int k = 1;

	memset(o, 0, sizeof(*o));
	for (; k + 1 < argc && argv[k][0] == '-'; k++) {
		if (strcmp(argv[k], "--full") == 0)
			full = 1;
		else if (strcmp(argv[k], "--config") == 0)
			o->config = argv[++k];
		else if (strcmp(argv[k], "-a") == 0)
			o->account = argv[++k];
		else if (strcmp(argv[k], "--uidvalidity") == 0)
			force_uidvalidity = (uint32_t)strtoul(argv[++k],
			    NULL, 10);
		else
			return NULL;
	}
	if (k >= argc)
		return NULL;
	o->argc = argc - k - 1;
	o->argv = argv + k + 1;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[k], commands[i].name) == 0 &&
		    (commands[i].nargs == o->argc || (commands[i].nargs < 0 &&
		    o->argc >= -commands[i].nargs)))
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
		    "[-a ACCOUNT] [--full] [--uidvalidity N] list | "
		    "select FOLDER | envelopes FOLDER FIRST LAST | "
		    "message FOLDER SEQ | header TEXT | name RAW | "
		    "window FOLDER FIRST LAST STEP SEED | resync FOLDER | "
		    "cached FOLDER UID...\n");
		return 1;
	}
	if (c->online)
		return run_online(c, &o);
	st = c->run(NULL, o.argv, &err);
	return st == ST_OK ? 0 : fail(st, err);
}
