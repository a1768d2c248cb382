/* actions_test.c: drive client/actions.c against a real IMAP server for
 * tests/servers/t-actions.sh. Links libclient.a only (no curses).
 *
 * usage: actions_test [--config FILE] [-a ACCOUNT] FOLDER COMMAND [ARG...]
 *   caps                        NAME<TAB>0|1 per capability starling uses
 *   flag +|- seen|flagged|deleted UID...
 *   deleted                     uid<TAB>UID per message marked deleted
 *   expunge UID...              all<TAB>0|1 (1: plain EXPUNGE was used)
 *   copy DEST UID...
 *   move DEST UID...            how<TAB>moved|moved-copy|copied-marked
 *   search TEXT                 uid<TAB>UID per hit
 *   sort KEY [reverse]          uid<TAB>UID in the server's order
 *   thread                      node<TAB>UID<TAB>DEPTH
 *   view [sort=KEY] [reverse] [threads] [query=TEXT]
 *                               row<TAB>UID<TAB>SEQ<TAB>DEPTH, notice<TAB>..
 *   noop                        (only the changes)
 *   idle SECONDS                IDLE until the server says something or
 *                               SECONDS pass, then DONE; woke<TAB>server|
 *                               timeout
 * FOLDER and DEST are names as the folder list shows them (decoded) or
 * the server's raw names. After every command, what the server said of
 * the folder: change<TAB>exists|expunge|flags<TAB>SEQ<TAB>UID<TAB>FLAGS
 * (FLAGS: S seen, F flagged, D deleted, A answered, or -), and resync<TAB>1
 * when changes were lost. Exit status: 0, or the enum status with the
 * sentence on stderr. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions.h"
#include "config.h"
#include "mailbox.h"
#include "secret.h"
#include "session.h"
#include "xmalloc.h"

#define MAX_UIDS	1000

struct run {
	struct session	*s;
	struct actions	*a;
	int		 argc;
	char	       **argv;
};

/* Open and log in the account's IMAP session. */
static enum status
login(const struct account *acct, struct session **out, char **errstr)
{
	struct session *s;
	enum status st;
	char *pass = NULL;

	if (acct->url[SERVICE_IMAP] == NULL || acct->password_cmd == NULL) {
		*errstr = xasprintf("account %s needs imap and password_cmd",
		    acct->name);
		return ST_USAGE;
	}
	if (secret_from_cmd(acct->password_cmd, acct->timeout, &pass,
	    errstr) == -1)
		return ST_USAGE;
	s = session_new(acct, SERVICE_IMAP, 0);
	if ((st = session_open(s, errstr)) == ST_OK)
		st = session_login(s, acct->user, pass, errstr);
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

/* UIDs from the arguments. */
static size_t
uids_of(int argc, char **argv, uint32_t *uids)
{
	int i;

	for (i = 0; i < argc && i < MAX_UIDS; i++)
		uids[i] = (uint32_t)strtoul(argv[i], NULL, 10);
	return (size_t)i;
}

/* Flags as letters, "-" for none. */
static void
put_flags(unsigned f)
{
	if (f & MSG_SEEN)
		putchar('S');
	if (f & MSG_FLAGGED)
		putchar('F');
	if (f & MSG_DELETED)
		putchar('D');
	if (f & MSG_ANSWERED)
		putchar('A');
	if ((f & (MSG_SEEN | MSG_FLAGGED | MSG_DELETED | MSG_ANSWERED)) == 0)
		putchar('-');
}

/* Print and forget the changes collected so far; how many EXISTS. */
static int
put_changes(struct actions *a)
{
	static const char *const name[] = { "exists", "expunge", "flags" };
	struct act_change *ch;
	size_t n, i;
	int resync, exists = 0;

	n = actions_take(a, &ch, &resync);
	for (i = 0; i < n; i++) {
		exists += ch[i].type == ACT_EXISTS;
		printf("change\t%s\t%u\t%u\t", name[ch[i].type], ch[i].seq,
		    ch[i].uid);
		put_flags(ch[i].flags);
		putchar('\n');
	}
	if (resync)
		puts("resync\t1");
	free(ch);
	return exists;
}

/* Print UIDs, one per line. */
static void
put_uids(const uint32_t *u, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("uid\t%u\n", u[i]);
}

/* caps */
static enum status
cmd_caps(struct run *r, char **errstr)
{
	struct act_caps c;
	enum status st;

	if ((st = actions_caps(r->a, &c, errstr)) != ST_OK)
		return st;
	printf("move\t%d\nuidplus\t%d\nsort\t%d\nthread_refs\t%d\n"
	    "thread_subj\t%d\nidle\t%d\nliteralplus\t%d\n", c.move, c.uidplus,
	    c.sort, c.thread_refs, c.thread_subj, c.idle, c.literalplus);
	return ST_OK;
}

/* flag +|- NAME UID... */
static enum status
cmd_flag(struct run *r, char **errstr)
{
	uint32_t uids[MAX_UIDS];
	unsigned flag;
	size_t n;

	if (r->argc < 3) {
		*errstr = xstrdup("flag +|- seen|flagged|deleted UID...");
		return ST_USAGE;
	}
	flag = strcmp(r->argv[1], "seen") == 0 ? MSG_SEEN :
	    strcmp(r->argv[1], "flagged") == 0 ? MSG_FLAGGED :
	    strcmp(r->argv[1], "deleted") == 0 ? MSG_DELETED : 0;
	n = uids_of(r->argc - 2, r->argv + 2, uids);
	return actions_flags(r->a, uids, n, flag, r->argv[0][0] == '+',
	    errstr);
}

/* deleted */
static enum status
cmd_deleted(struct run *r, char **errstr)
{
	uint32_t *u;
	size_t n;
	enum status st;

	if ((st = actions_deleted(r->a, &u, &n, errstr)) != ST_OK)
		return st;
	put_uids(u, n);
	free(u);
	return ST_OK;
}

/* expunge UID... */
static enum status
cmd_expunge(struct run *r, char **errstr)
{
	uint32_t uids[MAX_UIDS];
	enum status st;
	int all;

	st = actions_expunge(r->a, uids, uids_of(r->argc, r->argv, uids),
	    &all, errstr);
	if (st == ST_OK)
		printf("all\t%d\n", all);
	return st;
}

/* copy DEST UID... and move DEST UID... */
static enum status
cmd_transfer(struct run *r, int move, char **errstr)
{
	static const char *const how_name[] = {
		"moved", "moved-copy", "copied-marked"
	};
	uint32_t uids[MAX_UIDS];
	enum act_moved how;
	enum status st;
	char *dest;
	size_t n;

	if (r->argc < 1) {
		*errstr = xstrdup("copy|move DEST UID...");
		return ST_USAGE;
	}
	if ((st = resolve(r->s, r->argv[0], &dest, errstr)) != ST_OK)
		return st;
	n = uids_of(r->argc - 1, r->argv + 1, uids);
	if (!move)
		st = actions_copy(r->a, uids, n, dest, errstr);
	else if ((st = actions_move(r->a, uids, n, dest, &how, errstr)) ==
	    ST_OK)
		printf("how\t%s\n", how_name[how]);
	free(dest);
	return st;
}

/* search TEXT */
static enum status
cmd_search(struct run *r, char **errstr)
{
	uint32_t *u;
	size_t n;
	enum status st;

	if ((st = actions_search(r->a, r->argc ? r->argv[0] : "", &u, &n,
	    errstr)) != ST_OK)
		return st;
	put_uids(u, n);
	free(u);
	return ST_OK;
}

/* sort KEY [reverse] */
static enum status
cmd_sort(struct run *r, char **errstr)
{
	enum sort_key k = SORT_ARRIVAL;
	enum status st;
	uint32_t *u;
	size_t n;
	int rev = 0;

	if (r->argc < 1 || sort_key_from_name(r->argv[0], &k, &rev) == -1) {
		*errstr = xstrdup("sort arrival|date|from|subject|size");
		return ST_USAGE;
	}
	rev = r->argc > 1 && strcmp(r->argv[1], "reverse") == 0;
	if ((st = actions_sort(r->a, k, rev, &u, &n, errstr)) != ST_OK)
		return st;
	put_uids(u, n);
	free(u);
	return ST_OK;
}

/* thread */
static enum status
cmd_thread(struct run *r, char **errstr)
{
	struct thread_node *t;
	enum status st;
	size_t n, i;

	if ((st = actions_thread(r->a, &t, &n, errstr)) != ST_OK)
		return st;
	for (i = 0; i < n; i++)
		printf("node\t%u\t%d\n", t[i].id, t[i].depth);
	free(t);
	return ST_OK;
}

/* view [sort=KEY] [reverse] [threads] [query=TEXT] */
static enum status
cmd_view(struct run *r, char **errstr)
{
	struct view_spec vs;
	struct view_row *rows;
	enum status st;
	char *notice;
	size_t n, i;
	int k, rev;

	memset(&vs, 0, sizeof(vs));
	for (k = 0; k < r->argc; k++) {
		if (strncmp(r->argv[k], "sort=", 5) == 0)
			sort_key_from_name(r->argv[k] + 5, &vs.sort, &rev);
		else if (strcmp(r->argv[k], "reverse") == 0)
			vs.reverse = 1;
		else if (strcmp(r->argv[k], "threads") == 0)
			vs.threads = 1;
		else if (strncmp(r->argv[k], "query=", 6) == 0)
			vs.query = r->argv[k] + 6;
	}
	st = actions_view(r->a, &vs, &rows, &n, &notice, errstr);
	if (st != ST_OK)
		return st;
	for (i = 0; i < n; i++)
		printf("row\t%u\t%u\t%d\n", rows[i].uid, rows[i].seq,
		    rows[i].depth);
	if (notice != NULL)
		printf("notice\t%s\n", notice);
	free(notice);
	free(rows);
	return ST_OK;
}

/* idle SECONDS */
static enum status
cmd_idle(struct run *r, char **errstr)
{
	enum act_wake w;
	enum status st;
	int secs = r->argc ? atoi(r->argv[0]) : 10;

	time_t until = time(NULL) + secs;
	int said = 0;

	/* The server may speak first without news (a late continuation, a
	 * keepalive): IDLE again until an EXISTS came or the time is up, as
	 * the worker does. */
	for (;;) {
		if ((st = actions_idle(r->a, errstr)) != ST_OK)
			return st;
		if (!said)
			printf("idling\t1\n");
		fflush(stdout);
		w = actions_wait(r->a, -1, (int)(until - time(NULL)) * 1000);
		if (!said++)
			printf("woke\t%s\n", w == ACT_WAKE_SERVER ? "server" :
			    "timeout");
		if ((st = actions_idle_done(r->a, errstr)) != ST_OK)
			return st;
		if (put_changes(r->a) > 0 || w != ACT_WAKE_SERVER ||
		    time(NULL) >= until)
			return ST_OK;
	}
}

/* Run one command on the open folder. */
static enum status
dispatch(const char *cmd, struct run *r, char **errstr)
{
	if (strcmp(cmd, "caps") == 0)
		return cmd_caps(r, errstr);
	if (strcmp(cmd, "flag") == 0)
		return cmd_flag(r, errstr);
	if (strcmp(cmd, "deleted") == 0)
		return cmd_deleted(r, errstr);
	if (strcmp(cmd, "expunge") == 0)
		return cmd_expunge(r, errstr);
	if (strcmp(cmd, "copy") == 0 || strcmp(cmd, "move") == 0)
		return cmd_transfer(r, cmd[0] == 'm', errstr);
	if (strcmp(cmd, "search") == 0)
		return cmd_search(r, errstr);
	if (strcmp(cmd, "sort") == 0)
		return cmd_sort(r, errstr);
	if (strcmp(cmd, "thread") == 0)
		return cmd_thread(r, errstr);
	if (strcmp(cmd, "view") == 0)
		return cmd_view(r, errstr);
	if (strcmp(cmd, "noop") == 0)
		return actions_noop(r->a, errstr);
	if (strcmp(cmd, "idle") == 0)
		return cmd_idle(r, errstr);
	*errstr = xasprintf("unknown command %s", cmd);
	return ST_USAGE;
}

/* Select the folder, then run the command and print the changes. */
static enum status
run_in(struct session *s, const char *folder, const char *cmd, int argc,
    char **argv, char **errstr)
{
	struct folder_state fs;
	struct run r;
	enum status st;
	char *raw;

	if ((st = resolve(s, folder, &raw, errstr)) != ST_OK)
		return st;
	st = mailbox_select(s, raw, &fs, errstr);
	free(raw);
	if (st != ST_OK)
		return st;
	r.s = s;
	r.a = actions_new(s, fs.exists);
	r.argc = argc;
	r.argv = argv;
	st = dispatch(cmd, &r, errstr);
	put_changes(r.a);
	actions_free(r.a);
	return st;
}

int
main(int argc, char **argv)
{
	const char *config = NULL, *account = NULL;
	const struct account *acct;
	struct config *cfg = NULL;
	struct session *s = NULL;
	enum status st;
	char *err = NULL, *path;
	int k = 1;

	for (; k + 1 < argc && argv[k][0] == '-'; k += 2)
		if (strcmp(argv[k], "--config") == 0)
			config = argv[k + 1];
		else if (strcmp(argv[k], "-a") == 0)
			account = argv[k + 1];
	if (argc - k < 2) {
		fprintf(stderr, "usage: actions_test [--config FILE] "
		    "[-a ACCOUNT] FOLDER COMMAND [ARG...]\n");
		return 1;
	}
	path = config ? xstrdup(config) : config_default_path();
	if (config_load(path, &cfg, &err) == -1)
		st = ST_USAGE;
	else if ((acct = account ? config_find(cfg, account) :
	    cfg->naccounts ? cfg->accounts[0] : NULL) == NULL) {
		err = xstrdup("no such account");
		st = ST_USAGE;
	} else if ((st = login(acct, &s, &err)) == ST_OK) {
		st = run_in(s, argv[k], argv[k + 1], argc - k - 2, argv + k + 2,
		    &err);
		if (!wire_failed(s->wire))
			s->ops->logout(s);
		session_free(s);
	}
	free(path);
	config_free(cfg);
	fflush(stdout);
	if (st == ST_OK)
		return 0;
	fprintf(stderr, "actions_test: %s\n", err ? err : "?");
	free(err);
	return (int)st;
}
