/* cmd_probe.c: `starling probe`: which mail endpoints really encrypt.
 *
 * Parses the command line, runs the pipeline of client/probe.h and prints
 * the verdicts: a table on a terminal, or one JSON object (schema version
 * 1, written down in starling(1)). Reads no configuration, never prompts;
 * the sessions the engine opens cannot send a credential. */
#include "build-config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "cmd.h"
#include "i18n.h"
#include "json.h"
#include "probe.h"
#include "tls_json.h"
#include "status.h"
#include "xmalloc.h"

#define PROBE_JSON_VERSION	1	/* starling(1): changes only when a
					   field is renamed or removed */

struct probe_cli {
	struct probe_opts	 po;
	int			 json;
	char			**targets;
	size_t			 ntargets;
};

/* The columns of the table, in order. */
enum column {
	COL_HOST, COL_ADDR, COL_PORT, COL_SERVICE, COL_LOCK, COL_TLS,
	COL_GRADE, COL_LEVEL, COL_COUNT
};

/* ANSI SGR colours; 0 means none. */
enum colour {
	C_NONE = 0, C_DIM = 2, C_RED = 31, C_GREEN = 32, C_YELLOW = 33,
	C_CYAN = 36
};

static int probe_colour;	/* stdout is a TTY, NO_COLOR unset or empty */

/* Parse an unsigned number in [min, max]; -1 when it is not one. */
static int
parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* One numeric option; a message and -1 when it is out of range. */
static int
probe_number(const char *opt, const char *arg, unsigned min, unsigned max,
    unsigned *out)
{
	if (parse_uint(arg, min, max, out) == 0)
		return 0;
	/* TRANSLATORS: --timeout 0: "--timeout needs a number from 1 to 3600" */
	cmd_error(_("%s needs a number from %u to %u"), opt, min, max);
	return -1;
}

/* Keep each TARGET once, in the order given: the engine merges
 * endpoints within a TARGET, never across two. */
static void
probe_unique(struct probe_cli *c, char **argv, size_t argc)
{
	size_t i, k;

	c->targets = xreallocarray(NULL, argc, sizeof(*c->targets));
	for (i = 0; i < argc; i++) {
		for (k = 0; k < c->ntargets; k++)
			if (strcmp(c->targets[k], argv[i]) == 0)
				break;
		if (k == c->ntargets)
			c->targets[c->ntargets++] = argv[i];
	}
}

/* Parse the command line; -1 on a usage error. */
static int
probe_args(int argc, char **argv, struct probe_cli *c)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "cafile", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "resolver", required_argument, NULL, 'r' },
		{ "jobs", required_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, bad = 0;

	while (!bad && (ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j': c->json = 1; break;
		case 'c': c->po.cafile = optarg; break;
		case 'r': c->po.resolver = optarg; break;
		case 't': bad = probe_number("--timeout", optarg, 1, 3600,
		    &c->po.timeout); break;
		case 'J': bad = probe_number("--jobs", optarg, 1, 256,
		    &c->po.jobs); break;
		default: return -1;
		}
	}
	if (bad)
		return -1;
	if (optind >= argc) {
		cmd_error(_("probe needs at least one TARGET"));
		return -1;
	}
	probe_unique(c, argv + optind, (size_t)(argc - optind));
	return 0;
}

/* Whether the endpoint's certificate is valid for its name. */
static int
endpoint_cert_valid(const struct endpoint *e)
{
	return e->tls.done && e->tls.trusted && e->tls.hostname_ok;
}

/* Whether probe_judge() could judge the endpoint (see probe.h). */
static int
endpoint_judged(const struct endpoint *e)
{
	return e->grade[0] != '\0';
}

/* The lock tag of an endpoint, as the UI shows levels: "--" when it was
 * not reachable or stopped before TLS could be tried. */
static enum level
endpoint_lock(const struct endpoint *e)
{
	if (!e->reachable || (!endpoint_judged(e) && !e->tls.done))
		return LEVEL_NONE;
	if (!e->tls.done)
		return LEVEL_PLAINTEXT;
	return endpoint_cert_valid(e) ? LEVEL_VERIFIED : LEVEL_UNVERIFIED;
}

/* The colour of a lock tag. */
static enum colour
lock_colour(enum level l)
{
	static const enum colour c[] = {
		C_DIM, C_RED, C_YELLOW, C_CYAN, C_GREEN
	};

	return c[l];
}

/* The colour of a grade: A green, B and C yellow, the rest red. */
static enum colour
grade_colour(const char *g)
{
	if (g[0] == 'A')
		return C_GREEN;
	if (g[0] == 'B' || g[0] == 'C')
		return C_YELLOW;
	return g[0] == '\0' ? C_NONE : C_RED;
}

/* The colour of an assurance level. */
static enum colour
level_colour(int level)
{
	if (level >= 2)
		return C_GREEN;
	return level == 1 ? C_YELLOW : C_RED;
}

/* The colour of a severity. */
static enum colour
severity_colour(enum severity s)
{
	switch (s) {
	case SEV_OK: return C_GREEN;
	case SEV_INFO: return C_NONE;
	case SEV_LOW: return C_NONE;
	case SEV_MEDIUM: return C_YELLOW;
	case SEV_HIGH: return C_RED;
	case SEV_CRITICAL: return C_RED;
	}
	return C_NONE;
}

/* One sentence on what an assurance level means. */
static const char *
assurance_describe(int level)
{
	switch (level) {
	case 4: return _("mail exchanger with DANE or MTA-STS enforced");
	case 3: return _("implicit TLS with a valid certificate");
	case 2: return _("STARTTLS with a valid certificate");
	case 1: return _("TLS, but with a certificate that is not valid");
	}
	return _("no usable TLS: anyone on the path can read the mail");
}

/* Print S, in colour C when colour is on. */
static void
put_coloured(const char *s, enum colour c)
{
	if (probe_colour && c != C_NONE)
		printf("\033[%dm%s\033[0m", (int)c, s);
	else
		fputs(s, stdout);
}

/* The number of terminal columns S takes. */
static size_t
text_width(const char *s)
{
	wchar_t buf[256];
	size_t n = mbstowcs(buf, s, sizeof(buf) / sizeof(buf[0]));
	int w;

	if (n == (size_t)-1 || n >= sizeof(buf) / sizeof(buf[0]))
		return strlen(s);
	w = wcswidth(buf, n);
	return w < 0 ? strlen(s) : (size_t)w;
}

/* "addr:port" (IPv6 in brackets), "-" for an endpoint that has no
 * address, without ":port" when it stands for several ports (port 0). */
static char *
endpoint_hostport(const struct endpoint *e)
{
	const char *a = e->addr != NULL ? e->addr : "-";
	int v6 = strchr(a, ':') != NULL;

	if (e->port == 0)
		return xasprintf("%s%s%s", v6 ? "[" : "", a, v6 ? "]" : "");
	return xasprintf("%s%s%s:%u", v6 ? "[" : "", a, v6 ? "]" : "", e->port);
}

/* The stable id of an endpoint: "name/addr:port". */
static char *
endpoint_id(const struct endpoint *e)
{
	char *hp = endpoint_hostport(e), *id;

	id = xasprintf("%s/%s", e->name, hp);
	free(hp);
	return id;
}

/* The cells of one table row, newly allocated. */
static void
row_cells(const struct endpoint *e, char *cell[COL_COUNT])
{
	cell[COL_HOST] = xstrdup(e->name);
	cell[COL_ADDR] = xstrdup(e->addr != NULL ? e->addr : "-");
	cell[COL_PORT] = e->port ? xasprintf("%u", e->port) : xstrdup("-");
	cell[COL_SERVICE] = xasprintf("%s %s", service_name(e->service),
	    transport_name(e->transport));
	cell[COL_LOCK] = xasprintf("[%s]", level_tag(endpoint_lock(e)));
	cell[COL_TLS] = xstrdup(e->tls.done ? e->tls.version : "-");
	cell[COL_GRADE] = xstrdup(endpoint_judged(e) ? e->grade : "-");
	cell[COL_LEVEL] = endpoint_judged(e) ? xasprintf("%d", e->level) :
	    xstrdup("-");
}

/* Free the cells of a row. */
static void
row_free(char *cell[COL_COUNT])
{
	int i;

	for (i = 0; i < COL_COUNT; i++)
		free(cell[i]);
}

/* The colour of each cell of an endpoint's row. */
static enum colour
row_colour(const struct endpoint *e, enum column col)
{
	if (!endpoint_judged(e))
		return col == COL_LOCK ? lock_colour(endpoint_lock(e)) : C_NONE;
	switch (col) {
	case COL_LOCK: return lock_colour(endpoint_lock(e));
	case COL_GRADE: return grade_colour(e->grade);
	case COL_LEVEL: return level_colour(e->level);
	default: return C_NONE;
	}
}

/* Print one row: each cell padded to its column's width. */
static void
row_print(char *cell[COL_COUNT], const size_t width[COL_COUNT],
    const struct endpoint *e)
{
	size_t pad;
	int i;

	for (i = 0; i < COL_COUNT; i++) {
		put_coloured(cell[i], e != NULL ? row_colour(e, i) : C_NONE);
		if (i == COL_COUNT - 1)
			break;
		for (pad = text_width(cell[i]); pad < width[i] + 2; pad++)
			putchar(' ');
	}
	putchar('\n');
}

/* The header cells, newly allocated. */
static void
header_cells(char *cell[COL_COUNT])
{
	/* TRANSLATORS: column headings of the probe table; keep them short. */
	cell[COL_HOST] = xstrdup(_("HOST"));
	cell[COL_ADDR] = xstrdup(_("ADDRESS"));
	cell[COL_PORT] = xstrdup(_("PORT"));
	cell[COL_SERVICE] = xstrdup(_("SERVICE"));
	cell[COL_LOCK] = xstrdup(_("LOCK"));
	cell[COL_TLS] = xstrdup(_("TLS"));
	cell[COL_GRADE] = xstrdup(_("GRADE"));
	cell[COL_LEVEL] = xstrdup(_("LEVEL"));
}

/* Widen WIDTH to fit CELL. */
static void
widths_fit(size_t width[COL_COUNT], char *cell[COL_COUNT])
{
	size_t w;
	int i;

	for (i = 0; i < COL_COUNT; i++)
		if ((w = text_width(cell[i])) > width[i])
			width[i] = w;
}

/* The width of each column over the header and every row. */
static void
table_widths(const struct endpoint *eps, size_t n, size_t width[COL_COUNT])
{
	char *cell[COL_COUNT];
	size_t i;

	memset(width, 0, COL_COUNT * sizeof(width[0]));
	header_cells(cell);
	widths_fit(width, cell);
	row_free(cell);
	for (i = 0; i < n; i++) {
		row_cells(&eps[i], cell);
		widths_fit(width, cell);
		row_free(cell);
	}
}

/* The findings of one endpoint, indented under its row; those that say
 * all is well (OK) only in --json. */
static void
print_findings(const struct endpoint *e)
{
	const struct finding *f;
	size_t i;

	for (i = 0; i < e->nfindings; i++) {
		f = &e->findings[i];
		if (f->severity == SEV_OK)
			continue;
		fputs("    ", stdout);
		put_coloured(severity_name(f->severity),
		    severity_colour(f->severity));
		printf("%*s%s\n", (int)(10 - strlen(severity_name(f->severity))),
		    "", f->text);
	}
}

/* How many endpoints came from TARGET, and how many could be judged. */
static size_t
target_count(const struct endpoint *eps, size_t n, const char *target,
    size_t *judged)
{
	size_t i, count = 0;

	*judged = 0;
	for (i = 0; i < n; i++) {
		if (strcmp(eps[i].target, target) != 0)
			continue;
		count++;
		*judged += endpoint_judged(&eps[i]);
	}
	return count;
}

/* The summary line of one TARGET: its level, the weakest endpoint's. */
static void
print_summary(const struct endpoint *eps, size_t n, const char *target)
{
	size_t count, judged;
	int level;
	char *s;

	count = target_count(eps, n, target, &judged);
	level = probe_domain_level(eps, n, target);
	printf("%s: ", target);
	if (judged == 0 || level < 0) {
		put_coloured(_("no verdict"), C_RED);
		printf(ngettext(" (%zu endpoint, none could be probed)\n",
		    " (%zu endpoints, none could be probed)\n", count), count);
		return;
	}
	/* TRANSLATORS: "level 2 of 4"; the assurance level of a target. */
	s = xasprintf(_("level %d of 4"), level);
	put_coloured(s, level_colour(level));
	free(s);
	printf(" (%s; ", assurance_describe(level));
	if (judged == 1)
		fputs(_("one endpoint probed"), stdout);
	else
		/* TRANSLATORS: the level is the minimum over the endpoints;
		 * always several here. */
		printf(ngettext("the weakest of %zu endpoint probed",
		    "the weakest of %zu endpoints probed", judged), judged);
	if (count > judged)
		/* TRANSLATORS: endpoints unreachable, or that stopped early. */
		printf(ngettext(", %zu could not be probed",
		    ", %zu could not be probed", count - judged), count - judged);
	printf(")\n");
}

/* The whole text report: the table, then one summary line per TARGET. */
static void
print_text(const struct probe_cli *c, const struct endpoint *eps, size_t n)
{
	size_t width[COL_COUNT], i;
	char *cell[COL_COUNT];

	table_widths(eps, n, width);
	header_cells(cell);
	row_print(cell, width, NULL);
	row_free(cell);
	for (i = 0; i < n; i++) {
		row_cells(&eps[i], cell);
		row_print(cell, width, &eps[i]);
		row_free(cell);
		print_findings(&eps[i]);
	}
	putchar('\n');
	for (i = 0; i < c->ntargets; i++)
		print_summary(eps, n, c->targets[i]);
}

/* A tri-state fact: null when it does not apply (-1). */
static void
json_tristate(struct json *j, const char *key, int v)
{
	json_key(j, key);
	if (v < 0)
		json_null(j);
	else
		json_bool(j, v);
}

/* The versions map: "TLS1.2": "accepted", ... */
static void
json_versions(struct json *j, const struct endpoint *e)
{
	static const char *names[] = {
		"unknown", "accepted", "refused", "untestable"
	};
	int v;

	json_object_begin(j);
	for (v = 0; v < TLSV_COUNT; v++) {
		json_key(j, tls_version_name(v));
		json_string(j, names[e->versions[v]]);
	}
	json_object_end(j);
}

/* The suite each accepted version negotiated: "TLS1.2": "...", or null. */
static void
json_ciphers(struct json *j, const struct endpoint *e)
{
	int v;

	json_object_begin(j);
	for (v = 0; v < TLSV_COUNT; v++) {
		json_key(j, tls_version_name(v));
		json_string(j, e->version_cipher[v][0] ? e->version_cipher[v] :
		    NULL);
	}
	json_object_end(j);
}

/* The chain as the server sent it, its own certificate first. */
static void
json_chain(struct json *j, const struct tls_info *t)
{
	size_t i;

	json_array_begin(j);
	for (i = 0; i < t->nchain; i++) {
		json_object_begin(j);
		tls_json_cert_fields(j, &t->chain[i], 1);
		json_object_end(j);
	}
	json_array_end(j);
}

/* The findings: id, severity, sentence. */
static void
json_findings(struct json *j, const struct endpoint *e)
{
	size_t i;

	json_array_begin(j);
	for (i = 0; i < e->nfindings; i++) {
		json_object_begin(j);
		json_key(j, "id"); json_string(j, e->findings[i].id);
		json_key(j, "severity");
		json_string(j, severity_name(e->findings[i].severity));
		json_key(j, "finding"); json_string(j, e->findings[i].text);
		json_object_end(j);
	}
	json_array_end(j);
}

/* What an endpoint is: id, names, where it came from. */
static void
json_endpoint_what(struct json *j, const struct endpoint *e)
{
	char *id = endpoint_id(e);

	json_key(j, "id"); json_string(j, id);
	json_key(j, "name"); json_string(j, e->name);
	json_key(j, "addr"); json_string(j, e->addr);
	json_key(j, "port");
	if (e->port)
		json_int(j, e->port);
	else
		json_null(j);
	json_key(j, "service"); json_string(j, service_name(e->service));
	json_key(j, "transport"); json_string(j, transport_name(e->transport));
	json_key(j, "source"); json_string(j, e->source);
	json_key(j, "mx"); json_bool(j, e->is_mx);
	free(id);
}

/* What was seen before TLS. */
static void
json_endpoint_plain(struct json *j, const struct endpoint *e)
{
	json_key(j, "reachable"); json_bool(j, e->reachable);
	json_key(j, "greeting"); json_string(j, e->greeting);
	json_tristate(j, "starttls_advertised", e->starttls_advertised);
	json_tristate(j, "plain_auth_offered", e->plain_auth_offered);
	json_tristate(j, "starttls_accepted", e->starttls_accepted);
	json_key(j, "injected_reply"); json_int(j, (long long)e->injected_reply);
	json_key(j, "smtp_421"); json_bool(j, e->smtp_421);
}

/* What was seen of TLS. */
static void
json_endpoint_tls(struct json *j, const struct endpoint *e)
{
	json_key(j, "versions"); json_versions(j, e);
	json_key(j, "ciphers"); json_ciphers(j, e);
	json_key(j, "tls"); tls_json_session(j, &e->tls);
	json_key(j, "certificate"); tls_json_certificate(j, &e->tls, 1);
	json_key(j, "chain"); json_chain(j, &e->tls);
	json_tristate(j, "chain_ordered", e->tls.nchain ? e->chain_ordered : -1);
	json_tristate(j, "chain_complete", e->tls.nchain ? e->chain_complete :
	    -1);
	json_tristate(j, "ocsp_stapled", e->tls.done ? e->ocsp_stapled : -1);
	json_tristate(j, "starttls_after_tls", e->starttls_after_tls);
	json_tristate(j, "injection_reacts", e->injection_reacts);
}

/* One endpoint as a JSON object. */
static void
json_endpoint(struct json *j, const struct endpoint *e)
{
	json_object_begin(j);
	json_endpoint_what(j, e);
	json_endpoint_plain(j, e);
	json_endpoint_tls(j, e);
	json_key(j, "grade");
	json_string(j, endpoint_judged(e) ? e->grade : NULL);
	json_key(j, "level");
	if (endpoint_judged(e))
		json_int(j, e->level);
	else
		json_null(j);
	json_key(j, "findings"); json_findings(j, e);
	json_key(j, "error"); json_string(j, e->error);
	json_key(j, "ms"); json_int(j, (long long)(e->seconds * 1000 + 0.5));
	json_object_end(j);
}

/* One TARGET: its level (null when nothing could be judged) and its
 * endpoints. */
static void
json_target(struct json *j, const struct endpoint *eps, size_t n,
    const char *target)
{
	int level = probe_domain_level(eps, n, target);
	size_t i;

	json_object_begin(j);
	json_key(j, "target"); json_string(j, target);
	json_key(j, "level");
	if (level >= 0)
		json_int(j, level);
	else
		json_null(j);
	json_key(j, "endpoints");
	json_array_begin(j);
	for (i = 0; i < n; i++)
		if (strcmp(eps[i].target, target) == 0)
			json_endpoint(j, &eps[i]);
	json_array_end(j);
	json_object_end(j);
}

/* The whole JSON report on stdout. */
static void
print_json(const struct probe_cli *c, const struct endpoint *eps, size_t n,
    int status)
{
	struct json j;
	char *s;
	size_t i;

	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "version"); json_int(&j, PROBE_JSON_VERSION);
	json_key(&j, "targets");
	json_array_begin(&j);
	for (i = 0; i < c->ntargets; i++)
		json_target(&j, eps, n, c->targets[i]);
	json_array_end(&j);
	json_key(&j, "exit"); json_int(&j, status);
	json_object_end(&j);
	s = json_finish(&j);
	printf("%s\n", s);
	free(s);
}

/* The exit status: 5 when no endpoint could be judged, else 2 when one
 * has no usable TLS, 3 when one has an invalid certificate, 0. */
static int
probe_status(const struct endpoint *eps, size_t n)
{
	size_t i, judged = 0;
	int worst = 2;

	for (i = 0; i < n; i++) {
		if (!endpoint_judged(&eps[i]))
			continue;
		judged++;
		if (eps[i].level < worst)
			worst = eps[i].level;
	}
	if (judged == 0)
		return ST_NETWORK;
	if (worst <= 0)
		return ST_NOT_ENCRYPTED;
	return worst == 1 ? ST_TLS_FAILED : ST_OK;
}

/* The usage line. */
static void
probe_usage(void)
{
	fprintf(stderr, _("usage: starling probe [--json] [--cafile FILE] "
	    "[--timeout S] [--resolver IP[:PORT]] [--jobs N] TARGET...\n"));
}

/* starling probe [--json] [--cafile FILE] [--timeout S]
 *     [--resolver IP[:PORT]] [--jobs N] TARGET... */
int
cmd_probe(int argc, char **argv)
{
	struct probe_cli c;
	struct endpoint *eps = NULL;
	size_t n = 0;
	char *err = NULL;
	int status;

	memset(&c, 0, sizeof(c));
	c.po.timeout = PROBE_DEFAULT_TIMEOUT;
	c.po.jobs = PROBE_DEFAULT_JOBS;
	if (probe_args(argc, argv, &c) == -1) {
		probe_usage();
		free(c.targets);
		return ST_USAGE;
	}
	if (probe_targets(c.targets, c.ntargets, &c.po, &eps, &n, &err) == -1) {
		cmd_error("%s", err);
		free(err);
		free(c.targets);
		return ST_USAGE;
	}
	probe_run(eps, n, &c.po);	/* judges each endpoint too */
	status = probe_status(eps, n);
	probe_colour = isatty(STDOUT_FILENO) && (getenv("NO_COLOR") == NULL ||
	    *getenv("NO_COLOR") == '\0');
	if (c.json)
		print_json(&c, eps, n, status);
	else
		print_text(&c, eps, n);
	probe_endpoints_free(eps, n);
	free(c.targets);
	return status;
}
