/* cmd_guide.c: `starling guide`: how starling protects mail, as plain
 * text, told with the account's own connections (made as `starling check`
 * makes them) or with an example. */
#include "build-config.h"

#include <sys/ioctl.h>

#include <getopt.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cmd.h"
#include "config.h"
#include "guide.h"
#include "guide_view.h"
#include "i18n.h"
#include "text.h"

#define GUIDE_DEFAULT_WIDTH	80
#define GUIDE_MIN_WIDTH		40

struct guide_opts {
	const char	*config;
	const char	*account;	/* or NULL: the example */
};

/* Parse the command line; -1 on a usage error. */
static int
guide_args(int argc, char **argv, struct guide_opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		if (ch != 'c')
			return -1;
		o->config = optarg;
	}
	if (optind < argc - 1) {
		cmd_error(_("guide takes at most one ACCOUNT"));
		return -1;
	}
	o->account = optind < argc ? argv[optind] : NULL;
	return 0;
}

/* The terminal's width when stdout is one, else 80. */
static int
guide_width(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO) ||
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == -1 || ws.ws_col == 0)
		return GUIDE_DEFAULT_WIDTH;
	return ws.ws_col < GUIDE_MIN_WIDTH ? GUIDE_MIN_WIDTH : ws.ws_col;
}

/* Connect every service of the account (as check does) and add each
 * connection to the guide. */
static void
guide_connect(struct guide *g, const struct account *acct,
    struct check_report *rep)
{
	const struct check_result *r;
	struct guide_conn c;
	size_t i;

	check_account(acct, 0, rep);
	for (i = 0; i < rep->nresults; i++) {
		r = &rep->results[i];
		memset(&c, 0, sizeof(c));
		c.account = acct->name;
		c.service = r->service;
		c.transport = r->transport;
		c.host = r->host;
		c.port = r->port;
		c.level = r->level;
		c.tls = &r->tls;
		c.tr = r->tr;
		c.error = r->error;
		guide_add_conn(g, &c);
	}
}

/* Print the guide, laid out for width columns. */
static void
guide_print(const struct guide *g, int width)
{
	struct gv_row *rows;
	size_t n, i;
	char *line;

	n = guide_view_layout(g, width, &rows);
	for (i = 0; i < n; i++) {
		line = guide_view_line(&rows[i]);
		printf("%s\n", line);
		free(line);
	}
	guide_view_free(rows, n);
}

/* starling guide [--config FILE] [ACCOUNT] */
int
cmd_guide(int argc, char **argv)
{
	struct guide_opts o = { NULL, NULL };
	struct config *cfg = NULL;
	const struct account *acct;
	struct check_report rep;
	struct guide *g;
	const char *cs = nl_langinfo(CODESET);

	if (guide_args(argc, argv, &o) == -1) {
		fprintf(stderr, "%s\n", _("usage: starling guide "
		    "[--config FILE] [ACCOUNT]"));
		return 1;
	}
	memset(&rep, 0, sizeof(rep));
	if (o.account != NULL && cmd_load_account(o.config, o.account, &cfg, &acct) == -1) {
		config_free(cfg);
		return 1;
	}
	text_set_ascii(cs == NULL || strcmp(cs, "UTF-8") != 0);
	g = guide_new();
	if (o.account != NULL)
		guide_connect(g, acct, &rep);
	guide_build(g);
	guide_print(g, guide_width());
	guide_free(g);
	check_report_clear(&rep);
	config_free(cfg);
	return ferror(stdout) ? 1 : 0;
}
