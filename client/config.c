/* config.c: the INI configuration file (DESIGN.md "Configuration").
 *
 * libinih parses the file, but through our own line reader: inih counts lines
 * only for its return value, splits lines longer than its buffer into two,
 * takes indented lines as continuations of the previous value, and calls us
 * for keys only, never for a section header. The reader counts the lines,
 * refuses over-long ones, removes indentation and starts each section, so
 * that every error carries the line it comes from. */
#include "build-config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "argv.h"
#include "config.h"
#include "i18n.h"
#include "xdg.h"
#include "strdist.h"
#include "xmalloc.h"

#define CONFIG_GLOBAL_SECTION	"starling"
#define CONFIG_DEFAULT_SENT	"Sent"
#define CONFIG_TIMEOUT_MAX	3600
#define CONFIG_PIN_PREFIX	"pin-sha256:"
#define CONFIG_PIN_B64LEN	44	/* base64 of a SHA-256 hash */

enum config_scope {
	CONFIG_GLOBAL,			/* [starling] */
	CONFIG_ACCOUNT,			/* any other section */
};

enum config_kind {
	CONFIG_STRING,
	CONFIG_PATH,			/* absolute, or ~/ expanded */
	CONFIG_URL,
	CONFIG_BOOL,
	CONFIG_TIMEOUT,
	CONFIG_PIN,
	CONFIG_ACCOUNT_NAME,		/* default_account */
	CONFIG_SECONDS,			/* poll */
	CONFIG_COMMAND,			/* run without a shell (argv.h) */
};

static const struct config_key {
	const char		*name;
	enum config_scope	 scope;
	enum config_kind	 kind;
	size_t			 offset;	/* in struct config or account */
	enum service		 service;	/* CONFIG_URL only */
} config_keys[] = {
	{ "editor", CONFIG_GLOBAL, CONFIG_STRING,
	  offsetof(struct config, editor), 0 },
	{ "html_dumper", CONFIG_GLOBAL, CONFIG_COMMAND,
	  offsetof(struct config, html_dumper), 0 },
	{ "sort", CONFIG_GLOBAL, CONFIG_STRING,
	  offsetof(struct config, sort), 0 },
	{ "default_account", CONFIG_GLOBAL, CONFIG_ACCOUNT_NAME,
	  offsetof(struct config, default_account), 0 },
	{ "poll", CONFIG_GLOBAL, CONFIG_SECONDS,
	  offsetof(struct config, poll), 0 },
	{ "idle", CONFIG_GLOBAL, CONFIG_BOOL,
	  offsetof(struct config, idle), 0 },
	{ "header_cache", CONFIG_GLOBAL, CONFIG_BOOL,
	  offsetof(struct config, header_cache), 0 },
	{ "name", CONFIG_ACCOUNT, CONFIG_STRING,
	  offsetof(struct account, realname), 0 },
	{ "email", CONFIG_ACCOUNT, CONFIG_STRING,
	  offsetof(struct account, email), 0 },
	{ "imap", CONFIG_ACCOUNT, CONFIG_URL,
	  offsetof(struct account, url[SERVICE_IMAP]), SERVICE_IMAP },
	{ "pop3", CONFIG_ACCOUNT, CONFIG_URL,
	  offsetof(struct account, url[SERVICE_POP3]), SERVICE_POP3 },
	{ "smtp", CONFIG_ACCOUNT, CONFIG_URL,
	  offsetof(struct account, url[SERVICE_SMTP]), SERVICE_SMTP },
	{ "user", CONFIG_ACCOUNT, CONFIG_STRING,
	  offsetof(struct account, user), 0 },
	{ "password_cmd", CONFIG_ACCOUNT, CONFIG_STRING,
	  offsetof(struct account, password_cmd), 0 },
	{ "cafile", CONFIG_ACCOUNT, CONFIG_PATH,
	  offsetof(struct account, cafile), 0 },
	{ "tls_pin", CONFIG_ACCOUNT, CONFIG_PIN,
	  offsetof(struct account, tls_pin), 0 },
	{ "tls_priority", CONFIG_ACCOUNT, CONFIG_STRING,
	  offsetof(struct account, tls_priority), 0 },
	{ "allow_plaintext_auth", CONFIG_ACCOUNT, CONFIG_BOOL,
	  offsetof(struct account, allow_plaintext_auth), 0 },
	{ "maildir", CONFIG_ACCOUNT, CONFIG_PATH,
	  offsetof(struct account, maildir), 0 },
	{ "pop3_delete", CONFIG_ACCOUNT, CONFIG_BOOL,
	  offsetof(struct account, pop3_delete), 0 },
	{ "sent_folder", CONFIG_ACCOUNT, CONFIG_STRING,
	  offsetof(struct account, sent_folder), 0 },
	{ "timeout", CONFIG_ACCOUNT, CONFIG_TIMEOUT,
	  offsetof(struct account, timeout), 0 },
};
#define CONFIG_NKEYS (sizeof config_keys / sizeof config_keys[0])

static const struct {
	const char	*word;
	int		 value;
} config_booleans[] = {
	{ "yes", 1 }, { "no", 0 }, { "true", 1 }, { "false", 0 },
	{ "on", 1 }, { "off", 0 }, { "1", 1 }, { "0", 0 },
};

/* The state of one config_load(). */
struct config_parse {
	struct config	*cfg;
	FILE		*fp;
	char		*buf;			/* the line being read */
	size_t		 bufsize;
	int		 read_errno;		/* nonzero after a read error */
	unsigned	 line;			/* the line being parsed */
	int		 in_section;
	struct account	*account;		/* NULL in [starling] */
	unsigned	 global_line;		/* where [starling] starts */
	unsigned	 default_line;		/* where default_account is */
	unsigned	 seen[CONFIG_NKEYS];	/* lines of this section's keys */
	unsigned	 error_line;
	char		*error;			/* without "FILE:LINE: " */
};

/* Keep msg (taken over) as the error if no error comes before it. */
static void
config_keep_error(struct config_parse *p, unsigned line, char *msg)
{
	if (p->error != NULL && p->error_line <= line) {
		free(msg);
		return;
	}
	free(p->error);
	p->error = msg;
	p->error_line = line;
}

/* Record an error on the line being parsed; returns 0 for inih. */
static int __attribute__((format(printf, 2, 3)))
config_fail(struct config_parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_keep_error(p, p->line, xvasprintf(fmt, ap));
	va_end(ap);
	return 0;
}

/* Set *errstr to a new message; always returns -1. */
static int __attribute__((format(printf, 2, 3)))
config_seterr(char **errstr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*errstr = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* Return the user's home directory, or NULL if there is none. */
static const char *
config_home(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && *home != '\0')
		return home;
	if ((pw = getpwuid(getuid())) == NULL || *pw->pw_dir == '\0')
		return NULL;
	return pw->pw_dir;
}

/* Quote s for a shell command that we suggest; returns a new string. */
static char *
config_shell_quote(const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,:@%";
	size_t i, n = 3;
	char *out, *q;

	if (*s != '\0' && s[strspn(s, safe)] == '\0')
		return xstrdup(s);
	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '\'' ? 4 : 1;
	out = q = xmalloc(n);
	*q++ = '\'';
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\'') {
			memcpy(q, "'\\''", 4);
			q += 4;
		} else
			*q++ = s[i];
	}
	*q++ = '\'';
	*q = '\0';
	return out;
}

/* Decode strict, padded, canonical base64; return the length or -1. */
static int
config_base64_decode(const char *s, unsigned char *out, size_t outsize)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, j, len = strlen(s), n = 0, pad;
	unsigned long v;
	const char *c;

	if (len % 4 != 0)
		return -1;
	for (i = 0; i < len; i += 4) {
		for (j = 0, v = 0, pad = 0; j < 4; j++) {
			v <<= 6;
			if (s[i + j] == '=' && i + 4 == len && j >= 2)
				pad++;
			else if (pad != 0 || (c = strchr(b64, s[i + j])) == NULL)
				return -1;
			else
				v |= (unsigned long)(c - b64);
		}
		if ((pad == 1 && (v & 0xff) != 0) ||
		    (pad == 2 && (v & 0xffff) != 0) || n + 3 - pad > outsize)
			return -1;
		for (j = 0; j < 3 - pad; j++)
			out[n++] = (unsigned char)(v >> (16 - 8 * j));
	}
	return (int)n;
}

/* Return the scope of the section being parsed. */
static enum config_scope
config_scope(const struct config_parse *p)
{
	return p->account == NULL ? CONFIG_GLOBAL : CONFIG_ACCOUNT;
}

/* Find a key of the given scope by name, ignoring case. */
static const struct config_key *
config_lookup(enum config_scope scope, const char *name)
{
	size_t i;

	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (config_keys[i].scope == scope &&
		    strcasecmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	}
	return NULL;
}

/* Return the closest key of this scope within edit distance 2, or NULL. */
static const struct config_key *
config_suggest(enum config_scope scope, const char *name)
{
	const struct config_key *best = NULL;
	unsigned d, bestd = 3;
	size_t i;

	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (config_keys[i].scope != scope)
			continue;
		if ((d = str_distance(name, config_keys[i].name)) < bestd) {
			best = &config_keys[i];
			bestd = d;
		}
	}
	return best;
}

/* Explain an unknown key: wrong section, a likely typo, or neither. */
static int
config_unknown(struct config_parse *p, const char *name)
{
	enum config_scope scope = config_scope(p);
	const struct config_key *k;

	if (scope == CONFIG_ACCOUNT &&
	    (k = config_lookup(CONFIG_GLOBAL, name)) != NULL) {
		return config_fail(p, _("key \"%s\" belongs in the [starling] "
		    "section, not in an account"), k->name);
	}
	if (scope == CONFIG_GLOBAL &&
	    (k = config_lookup(CONFIG_ACCOUNT, name)) != NULL) {
		return config_fail(p, _("key \"%s\" belongs in an account "
		    "section, not in [starling]"), k->name);
	}
	if ((k = config_suggest(scope, name)) != NULL) {
		return config_fail(p, _("unknown key \"%s\" (did you mean "
		    "\"%s\"?)"), name, k->name);
	}
	return config_fail(p, _("unknown key \"%s\""), name);
}

/* Check a section or account name: letters, digits, "-", "_" and ".". */
static int
config_check_name(const char *name)
{
	const char *s;

	if (*name == '\0')
		return -1;
	for (s = name; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && strchr("-_.", *s) == NULL)
			return -1;
	}
	return 0;
}

/* Return the account of that name, or NULL. */
static struct account *
config_account(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->naccounts; i++) {
		if (strcmp(cfg->accounts[i]->name, name) == 0)
			return cfg->accounts[i];
	}
	return NULL;
}

/* Add an account section with its defaults. */
static struct account *
config_add_account(struct config *cfg, const char *name, unsigned line)
{
	struct account *a = xcalloc(1, sizeof *a);

	a->name = xstrdup(name);
	a->line = line;
	a->sent_folder = xstrdup(CONFIG_DEFAULT_SENT);
	a->timeout = CONFIG_DEFAULT_TIMEOUT;
	cfg->accounts = xreallocarray(cfg->accounts, cfg->naccounts + 1,
	    sizeof *cfg->accounts);
	cfg->accounts[cfg->naccounts++] = a;
	return a;
}

/* Start the section called name on the current line. */
static void
config_begin(struct config_parse *p, const char *name)
{
	const struct account *old;

	if (strcmp(name, CONFIG_GLOBAL_SECTION) == 0) {
		if (p->global_line != 0) {
			config_fail(p, _("duplicate section [%s] (first on "
			    "line %u)"), name, p->global_line);
			return;
		}
		p->global_line = p->line;
		p->account = NULL;
	} else if (config_check_name(name) != 0) {
		config_fail(p, _("invalid section name \"%s\" (use letters, "
		    "digits, \"-\", \"_\" and \".\")"), name);
		return;
	} else if ((old = config_account(p->cfg, name)) != NULL) {
		config_fail(p, _("duplicate section [%s] (first on line %u)"),
		    name, old->line);
		return;
	} else
		p->account = config_add_account(p->cfg, name, p->line);
	p->in_section = 1;
	memset(p->seen, 0, sizeof p->seen);
}

/* Check the account whose section has just ended: it needs a URL. */
static void
config_end_section(struct config_parse *p)
{
	const struct account *a = p->account;
	int s;

	if (a == NULL)
		return;
	for (s = 0; s < SERVICE_COUNT; s++) {
		if (a->url[s] != NULL)
			return;
	}
	config_keep_error(p, a->line, xasprintf(_("account \"%s\" has no "
	    "imap, pop3 or smtp URL"), a->name));
}

/* Handle a section header line s, which starts with "[". */
static void
config_header(struct config_parse *p, const char *s)
{
	const char *end = strchr(s, ']'), *rest;
	size_t len;
	char *name;

	config_end_section(p);
	if (p->error != NULL)
		return;
	if (end == NULL) {
		config_fail(p, _("missing \"]\" at the end of the section "
		    "header"));
		return;
	}
	rest = end + 1 + strspn(end + 1, " \t\r\n");
	if (*rest != '\0' && *rest != ';') {
		len = strlen(rest);
		while (len > 0 && isspace((unsigned char)rest[len - 1]))
			len--;
		config_fail(p, _("unexpected text after the section header: "
		    "\"%.*s\""), (int)len, rest);
		return;
	}
	name = xstrndup(s + 1, (size_t)(end - s - 1));
	config_begin(p, name);
	free(name);
}

/* inih's reader: hand it the next line, unindented, noting sections. */
static char *
config_reader(char *str, int size, void *arg)
{
	struct config_parse *p = arg;
	size_t len, content;
	ssize_t n;
	char *s;

	if (p->error != NULL || size < 3)
		return NULL;
	errno = 0;
	if ((n = getline(&p->buf, &p->bufsize, p->fp)) == -1) {
		if (ferror(p->fp))
			p->read_errno = errno != 0 ? errno : EIO;
		return NULL;
	}
	p->line++;
	s = p->buf;
	if ((size_t)n != strlen(s)) {
		config_fail(p, _("this line contains a NUL byte"));
		return NULL;
	}
	if (p->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;				/* a UTF-8 byte order mark */
	s += strspn(s, " \t");
	len = strlen(s);
	content = len > 0 && s[len - 1] == '\n' ? len - 1 : len;
	if (content > (size_t)size - 2) {
		config_fail(p, _("this line is longer than %d characters"),
		    size - 2);
		return NULL;
	}
	if (*s == '[')
		config_header(p, s);
	memcpy(str, s, len + 1);
	return p->error != NULL ? NULL : str;
}

/* Set a string, replacing a default. */
static void
config_set_string(char **dst, const char *value)
{
	free(*dst);
	*dst = xstrdup(value);
}

/* Set a path: absolute, or starting with "~/" for the home directory. */
static int
config_set_path(char **dst, const char *key, const char *value,
    char **errstr)
{
	const char *home;
	size_t len;

	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0')) {
		if ((home = config_home()) == NULL) {
			return config_seterr(errstr, _("cannot expand \"~\" "
			    "in %s \"%s\": HOME is not set"), key, value);
		}
		len = strlen(home);
		while (len > 1 && home[len - 1] == '/')
			len--;
		free(*dst);
		*dst = xasprintf("%.*s%s", (int)len, home, value + 1);
		return 0;
	}
	if (value[0] != '/') {
		return config_seterr(errstr, _("%s \"%s\" must be an absolute "
		    "path or start with \"~/\""), key, value);
	}
	config_set_string(dst, value);
	return 0;
}

/* Set a URL, which must be for the service that the key names. */
static int
config_set_url(struct url **dst, const struct config_key *k,
    const char *value, char **errstr)
{
	struct url u;

	if (url_parse(value, &u, errstr) != 0)
		return -1;
	if (u.service != k->service) {
		url_clear(&u);
		/* TRANSLATORS: the URL, the service it is for (e.g. POP3),
		 * then the key three times: "\"pop3s://x\" is a POP3 URL;
		 * the key \"imap\" takes imap:// or imaps://". */
		return config_seterr(errstr, _("\"%s\" is a %s URL; the key "
		    "\"%s\" takes %s:// or %ss://"), value,
		    service_label(u.service), k->name, k->name, k->name);
	}
	*dst = xmalloc(sizeof **dst);
	**dst = u;
	return 0;
}

/* Set a boolean from yes/no, true/false, on/off or 1/0. */
static int
config_set_bool(int *dst, const char *key, const char *value, char **errstr)
{
	size_t i;

	for (i = 0; i < sizeof config_booleans / sizeof config_booleans[0];
	    i++) {
		if (strcasecmp(value, config_booleans[i].word) == 0) {
			*dst = config_booleans[i].value;
			return 0;
		}
	}
	return config_seterr(errstr, _("%s must be yes or no, not \"%s\""),
	    key, value);
}

/* Set a timeout: whole seconds from 1 to CONFIG_TIMEOUT_MAX. */
static int
config_set_timeout(unsigned *dst, const char *value, char **errstr)
{
	unsigned long n = 0;
	const char *s;

	for (s = value; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s)) {
			return config_seterr(errstr, _("timeout \"%s\" is not "
			    "a whole number of seconds"), value);
		}
		if (n <= CONFIG_TIMEOUT_MAX)
			n = n * 10 + (unsigned long)(*s - '0');
	}
	if (n < 1 || n > CONFIG_TIMEOUT_MAX) {
		return config_seterr(errstr, _("timeout \"%s\" out of range "
		    "(use 1 to %d seconds)"), value, CONFIG_TIMEOUT_MAX);
	}
	*dst = (unsigned)n;
	return 0;
}

/* Set a number of seconds from 1 to CONFIG_TIMEOUT_MAX (poll). */
static int
config_set_seconds(unsigned *dst, const char *key, const char *value,
    char **errstr)
{
	unsigned long n = 0;
	const char *s;

	for (s = value; *s != '\0' && n <= CONFIG_TIMEOUT_MAX; s++) {
		if (!isdigit((unsigned char)*s))
			break;
		n = n * 10 + (unsigned long)(*s - '0');
	}
	if (*s != '\0' || n < 1 || n > CONFIG_TIMEOUT_MAX) {
		/* TRANSLATORS: "poll = x": first %s is the key. */
		return config_seterr(errstr, _("%s = %s: use a whole number "
		    "of seconds from 1 to %d"), key, value, CONFIG_TIMEOUT_MAX);
	}
	*dst = (unsigned)n;
	return 0;
}

/* Set a pin: "pin-sha256:" and the base64 of 32 bytes. */
static int
config_set_pin(char **dst, const char *value, char **errstr)
{
	size_t plen = strlen(CONFIG_PIN_PREFIX);
	unsigned char hash[32 + 3];

	if (strncmp(value, CONFIG_PIN_PREFIX, plen) != 0 ||
	    strlen(value + plen) != CONFIG_PIN_B64LEN ||
	    config_base64_decode(value + plen, hash, sizeof hash) != 32) {
		/* TRANSLATORS: keep "pin-sha256:" as it is. */
		return config_seterr(errstr, _("tls_pin \"%s\" must be "
		    "\"pin-sha256:\" followed by the base64 SHA-256 hash of "
		    "the public key (%d characters)"), value,
		    CONFIG_PIN_B64LEN);
	}
	config_set_string(dst, value);
	return 0;
}

/* Set default_account: an account name, checked against the file later. */
static int
config_set_account_name(struct config_parse *p, char **dst,
    const char *value, char **errstr)
{
	if (config_check_name(value) != 0) {
		return config_seterr(errstr, _("default_account \"%s\" is not "
		    "an account name"), value);
	}
	config_set_string(dst, value);
	p->default_line = p->line;
	return 0;
}

/* Set a command: it must split into words without a shell (argv.h). */
static int
config_set_command(char **dst, const char *key, const char *value,
    char **errstr)
{
	char **argv, *why;

	if (argv_split(value, &argv, &why) != ST_OK) {
		/* TRANSLATORS: the key (html_dumper), its value, then why
		 * it cannot be used. */
		config_seterr(errstr, _("%s \"%s\" cannot be run: %s"), key,
		    value, why);
		free(why);
		return -1;
	}
	argv_free(argv);
	config_set_string(dst, value);
	return 0;
}

/* Store a value in the field that the key describes. */
static int
config_set(struct config_parse *p, const struct config_key *k,
    const char *value, char **errstr)
{
	char *base = k->scope == CONFIG_GLOBAL ?
	    (char *)p->cfg : (char *)p->account;
	void *field = base + k->offset;

	switch (k->kind) {
	case CONFIG_STRING:
		config_set_string(field, value);
		return 0;
	case CONFIG_PATH:
		return config_set_path(field, k->name, value, errstr);
	case CONFIG_URL:
		return config_set_url(field, k, value, errstr);
	case CONFIG_BOOL:
		return config_set_bool(field, k->name, value, errstr);
	case CONFIG_TIMEOUT:
		return config_set_timeout(field, value, errstr);
	case CONFIG_PIN:
		return config_set_pin(field, value, errstr);
	case CONFIG_ACCOUNT_NAME:
		return config_set_account_name(p, field, value, errstr);
	case CONFIG_SECONDS:
		return config_set_seconds(field, k->name, value, errstr);
	case CONFIG_COMMAND:
		return config_set_command(field, k->name, value, errstr);
	}
	fatalx("%s: bad kind %d", __func__, (int)k->kind);
}

/* inih's handler: one "key = value" line of the current section. */
static int
config_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config_parse *p = arg;
	const struct config_key *k;
	char *msg;
	size_t i;

	(void)section;		/* ours comes from config_reader() */
	if (strcasecmp(name, "password") == 0) {
		return config_fail(p, _("passwords are never stored in the "
		    "config file; use password_cmd"));
	}
	if (!p->in_section) {
		return config_fail(p, _("key \"%s\" is outside any section "
		    "(start one with [name])"), name);
	}
	if ((k = config_lookup(config_scope(p), name)) == NULL)
		return config_unknown(p, name);
	i = (size_t)(k - config_keys);
	if (p->seen[i] != 0) {
		return config_fail(p, _("duplicate key \"%s\" (first on line "
		    "%u)"), k->name, p->seen[i]);
	}
	p->seen[i] = p->line;
	if (*value == '\0')
		return config_fail(p, _("no value for \"%s\""), k->name);
	if (config_set(p, k, value, &msg) != 0) {
		config_keep_error(p, p->line, msg);
		return 0;
	}
	return 1;
}

/* Check that default_account names an account of the file. */
static void
config_check_default(struct config_parse *p)
{
	const char *name = p->cfg->default_account;

	if (name == NULL || config_account(p->cfg, name) != NULL)
		return;
	config_keep_error(p, p->default_line, xasprintf(_("default_account "
	    "\"%s\" is not a section of this file"), name));
}

/* Parse the open file into p->cfg, recording the first error. */
static void
config_parse(struct config_parse *p)
{
	int r;

	r = ini_parse_stream(config_reader, p, config_handler, p);
	if (r < 0)
		fatalx("%s: ini_parse_stream returned %d", __func__, r);
	if (r > 0) {
		config_keep_error(p, (unsigned)r, xstrdup(_("cannot parse "
		    "this line: expected \"key = value\", \"[section]\" or a "
		    "comment")));
	}
	if (p->error == NULL && p->read_errno == 0) {
		config_end_section(p);
		config_check_default(p);
	}
	xwipe(p->buf, p->bufsize);
	free(p->buf);
	p->buf = NULL;
}

/* Refuse a file that is not ours alone to change. */
static int
config_check_file(const char *path, FILE *fp, struct stat *st,
    char **errstr)
{
	char *q;
	int r = -1;

	if (fstat(fileno(fp), st) != 0) {
		return config_seterr(errstr, _("%s: cannot read: %s"), path,
		    strerror(errno));
	}
	if (!S_ISREG(st->st_mode))
		return config_seterr(errstr, _("%s: not a regular file"), path);
	if (st->st_uid != geteuid() && st->st_uid != 0) {
		return config_seterr(errstr, _("%s: belongs to another user, "
		    "who could change password_cmd"), path);
	}
	q = config_shell_quote(path);
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		r = config_seterr(errstr, _("%s: writable by other users, who "
		    "could change password_cmd; run: chmod go-w %s"), path, q);
	} else
		r = 0;
	free(q);
	return r;
}

/* Refuse a file that others can read if it holds password_cmd. */
static int
config_check_readers(const struct config *cfg, const struct stat *st,
    char **errstr)
{
	char *q;
	size_t i;
	int r;

	if ((st->st_mode & (S_IRGRP | S_IROTH)) == 0)
		return 0;
	for (i = 0; i < cfg->naccounts; i++) {
		if (cfg->accounts[i]->password_cmd != NULL)
			break;
	}
	if (i == cfg->naccounts)
		return 0;
	q = config_shell_quote(cfg->path);
	r = config_seterr(errstr, _("%s: readable by other users and holds "
	    "password_cmd; run: chmod 600 %s"), cfg->path, q);
	free(q);
	return r;
}

/* Turn what the parse found into the caller's error; -1 if any. */
static int
config_result(struct config_parse *p, const struct stat *st, char **errstr)
{
	if (config_check_readers(p->cfg, st, errstr) != 0)
		return -1;
	if (p->read_errno != 0) {
		return config_seterr(errstr, _("%s: cannot read: %s"),
		    p->cfg->path, strerror(p->read_errno));
	}
	if (p->error != NULL) {
		*errstr = xasprintf("%s:%u: %s", p->cfg->path, p->error_line,
		    p->error);
		return -1;
	}
	return 0;
}

/* Load the configuration file at path; see config.h. */
int
config_load(const char *path, struct config **cfgp, char **errstr)
{
	struct config_parse p;
	struct stat st;
	FILE *fp;
	int r;

	if ((fp = fopen(path, "re")) == NULL) {
		return config_seterr(errstr, _("%s: cannot open: %s"), path,
		    strerror(errno));
	}
	if (config_check_file(path, fp, &st, errstr) != 0) {
		fclose(fp);
		return -1;
	}
	memset(&p, 0, sizeof p);
	p.fp = fp;
	p.cfg = xcalloc(1, sizeof *p.cfg);
	p.cfg->path = xstrdup(path);
	p.cfg->poll = CONFIG_DEFAULT_POLL;
	p.cfg->idle = 1;
	p.cfg->header_cache = 1;
	config_parse(&p);
	fclose(fp);
	r = config_result(&p, &st, errstr);
	free(p.error);
	if (r != 0) {
		config_free(p.cfg);
		return -1;
	}
	*cfgp = p.cfg;
	return 0;
}

/* Free an account and everything it holds. */
static void
config_free_account(struct account *a)
{
	int s;

	free(a->name);
	free(a->realname);
	free(a->email);
	for (s = 0; s < SERVICE_COUNT; s++) {
		url_clear(a->url[s]);
		free(a->url[s]);
	}
	free(a->user);
	free(a->password_cmd);
	free(a->cafile);
	free(a->tls_pin);
	free(a->tls_priority);
	free(a->maildir);
	free(a->sent_folder);
	free(a);
}

/* Free a configuration; accepts NULL. */
void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->naccounts; i++)
		config_free_account(cfg->accounts[i]);
	free(cfg->accounts);
	free(cfg->path);
	free(cfg->editor);
	free(cfg->html_dumper);
	free(cfg->sort);
	free(cfg->default_account);
	free(cfg);
}

/* Return the default path: $XDG_CONFIG_HOME/starling/config if that
 * variable is absolute, else ~/.config/starling/config. */
char *
config_default_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "config");
}

/* Find an account by its section name; NULL if absent. */
const struct account *
config_find(const struct config *cfg, const char *name)
{
	if (cfg == NULL || name == NULL)
		return NULL;
	return config_account(cfg, name);
}

/* The next configured service of an account after svc, cycling. */
enum service
config_next_service(const struct account *acct, enum service svc)
{
	enum service n;
	int i;

	for (i = 1; i <= SERVICE_COUNT; i++) {
		n = (enum service)((svc + i) % SERVICE_COUNT);
		if (acct->url[n] != NULL)
			return n;
	}
	return svc;
}
