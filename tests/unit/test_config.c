/* test_config.c: config_load() and friends, on files written by each test. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "xmalloc.h"

#define GOOD_PIN "pin-sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

/* Write text to a new temporary file with the given mode; return its path. */
static char *
write_file(const char *dir, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/starling-test-XXXXXX", dir);
	size_t len = strlen(text);
	int fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	return path;
}

/* Load text from a file with the given mode, then remove the file. */
static int
load_mode(const char *text, mode_t mode, struct config **cfg, char **err,
    char **pathp)
{
	char *path = write_file("/tmp", text, mode);
	int r;

	*cfg = NULL;
	*err = NULL;
	r = config_load(path, cfg, err);
	unlink(path);
	if (pathp != NULL)
		*pathp = path;
	else
		free(path);
	return r;
}

/* Load text, which must succeed. */
static struct config *
load_ok(const char *text)
{
	struct config *cfg;
	char *err;

	if (load_mode(text, 0600, &cfg, &err, NULL) != 0)
		fail_msg("unexpected error: %s", err);
	assert_null(err);
	assert_non_null(cfg);
	return cfg;
}

/* Load text, which must fail with "FILE:line: want". */
static void
load_fails(const char *text, unsigned line, const char *want)
{
	struct config *cfg;
	char *err, *path, *full;

	assert_int_equal(load_mode(text, 0600, &cfg, &err, &path), -1);
	assert_null(cfg);
	full = xasprintf("%s:%u: %s", path, line, want);
	assert_string_equal(err, full);
	free(full);
	free(path);
	free(err);
}

/* A minimal account, for tests about something else. */
#define ACCOUNT "[a]\nimap = imap://h.example\n"

/* config_free() and config_find() accept NULL. */
static void
test_null(void **state)
{
	struct config *cfg;

	(void)state;
	config_free(NULL);
	assert_null(config_find(NULL, "a"));
	cfg = load_ok(ACCOUNT);
	assert_null(config_find(cfg, NULL));
	config_free(cfg);
}

/* An empty file is a valid configuration without accounts. */
static void
test_empty_file(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok("");
	assert_int_equal(cfg->naccounts, 0);
	assert_null(cfg->editor);
	assert_null(cfg->default_account);
	config_free(cfg);
}

/* A file of comments and blank lines holds nothing. */
static void
test_comments_only(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok("; a comment\n# another\n\n   \n\t; indented\n");
	assert_int_equal(cfg->naccounts, 0);
	config_free(cfg);
}

/* A missing file: "FILE: cannot open: reason". */
static void
test_missing_file(void **state)
{
	struct config *cfg = NULL;
	char *err = NULL, *want;
	const char *path = "/nonexistent/starling/config";

	(void)state;
	assert_int_equal(config_load(path, &cfg, &err), -1);
	assert_null(cfg);
	want = xasprintf("%s: cannot open: %s", path, strerror(ENOENT));
	assert_string_equal(err, want);
	free(want);
	free(err);
}

/* A directory is not a configuration file. */
static void
test_not_regular(void **state)
{
	struct config *cfg = NULL;
	char *err = NULL;

	(void)state;
	assert_int_equal(config_load("/tmp", &cfg, &err), -1);
	assert_string_equal(err, "/tmp: not a regular file");
	free(err);
}

/* The example from DESIGN.md, inline comments and all. */
static void
test_design_example(void **state)
{
	const struct account *a;
	struct config *cfg;

	(void)state;
	setenv("HOME", "/home/alice", 1);
	cfg = load_ok(
	    "[work]\n"
	    "name = Alice Example\n"
	    "email = alice@example.com\n"
	    "imap = imap://mail.example.com        ; STARTTLS, port 143\n"
	    "smtp = smtp://mail.example.com:587    ; STARTTLS submission\n"
	    "pop3 = pop3s://mail.example.com       ; implicit TLS, port 995\n"
	    "user = alice\n"
	    "password_cmd = pass show mail/work\n"
	    "cafile = /etc/ssl/my-ca.pem           ; optional extra trust\n"
	    "tls_pin = " GOOD_PIN "   ; optional explicit pin\n"
	    "tls_priority = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1\n"
	    "allow_plaintext_auth = no             ; the explicit override\n"
	    "maildir = ~/Mail/work                 ; where POP3 mail is kept\n"
	    "sent_folder = Sent\n"
	    "timeout = 30                          ; seconds\n");
	assert_int_equal(cfg->naccounts, 1);
	a = config_find(cfg, "work");
	assert_non_null(a);
	assert_int_equal(a->line, 1);
	assert_string_equal(a->realname, "Alice Example");
	assert_string_equal(a->email, "alice@example.com");
	assert_string_equal(a->url[SERVICE_IMAP]->host, "mail.example.com");
	assert_int_equal(a->url[SERVICE_IMAP]->port, 143);
	assert_int_equal(a->url[SERVICE_IMAP]->transport, TRANSPORT_STARTTLS);
	assert_int_equal(a->url[SERVICE_SMTP]->port, 587);
	assert_int_equal(a->url[SERVICE_POP3]->port, 995);
	assert_int_equal(a->url[SERVICE_POP3]->transport, TRANSPORT_IMPLICIT);
	assert_string_equal(a->user, "alice");
	assert_string_equal(a->password_cmd, "pass show mail/work");
	assert_string_equal(a->cafile, "/etc/ssl/my-ca.pem");
	assert_string_equal(a->tls_pin, GOOD_PIN);
	assert_string_equal(a->tls_priority, "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1");
	assert_int_equal(a->allow_plaintext_auth, 0);
	assert_string_equal(a->maildir, "/home/alice/Mail/work");
	assert_string_equal(a->sent_folder, "Sent");
	assert_int_equal(a->timeout, 30);
	config_free(cfg);
}

/* Keys left out take their defaults. */
static void
test_defaults(void **state)
{
	const struct account *a;
	struct config *cfg;

	(void)state;
	cfg = load_ok("[a]\nsmtp = smtps://h.example\n");
	a = config_find(cfg, "a");
	assert_non_null(a);
	assert_null(a->url[SERVICE_IMAP]);
	assert_null(a->url[SERVICE_POP3]);
	assert_non_null(a->url[SERVICE_SMTP]);
	assert_null(a->realname);
	assert_null(a->user);
	assert_null(a->password_cmd);
	assert_null(a->cafile);
	assert_null(a->tls_pin);
	assert_null(a->tls_priority);
	assert_null(a->maildir);
	assert_int_equal(a->allow_plaintext_auth, 0);
	assert_string_equal(a->sent_folder, "Sent");
	assert_int_equal(a->timeout, CONFIG_DEFAULT_TIMEOUT);
	config_free(cfg);
}

/* The [starling] section holds the settings that are not per account. */
static void
test_global_section(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok("[starling]\neditor = vim\nhtml_dumper = w3m -dump\n"
	    "sort = date\ndefault_account = b\n\n"
	    "[a]\nimap = imap://h.example\n[b]\npop3 = pop3://h.example\n");
	assert_string_equal(cfg->editor, "vim");
	assert_string_equal(cfg->html_dumper, "w3m -dump");
	assert_string_equal(cfg->sort, "date");
	assert_string_equal(cfg->default_account, "b");
	assert_int_equal(cfg->naccounts, 2);
	assert_null(config_find(cfg, "starling"));
	config_free(cfg);
}

/* poll and idle: defaults 60 and yes; whole seconds from 1 to 3600. */
static void
test_poll_idle(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok("[a]\nimap = imap://h.example\n");
	assert_int_equal(cfg->poll, CONFIG_DEFAULT_POLL);
	assert_int_equal(cfg->poll, 60);
	assert_int_equal(cfg->idle, 1);
	config_free(cfg);
	cfg = load_ok("[starling]\npoll = 5\nidle = no\n[a]\nimap = imap://h\n");
	assert_int_equal(cfg->poll, 5);
	assert_int_equal(cfg->idle, 0);
	config_free(cfg);
	load_fails("[starling]\npoll = 0\n", 2,
	    "poll = 0: use a whole number of seconds from 1 to 3600");
	load_fails("[starling]\npoll = 3601\n", 2,
	    "poll = 3601: use a whole number of seconds from 1 to 3600");
	load_fails("[starling]\npoll = 1m\n", 2,
	    "poll = 1m: use a whole number of seconds from 1 to 3600");
	load_fails("[starling]\npoll = 99999999999999999999\n", 2,
	    "poll = 99999999999999999999: use a whole number of seconds from "
	    "1 to 3600");
	load_fails("[starling]\nidle = maybe\n", 2,
	    "idle must be yes or no, not \"maybe\"");
	load_fails("[a]\nimap = imap://h\npoll = 5\n", 3,
	    "key \"poll\" belongs in the [starling] section, not in an "
	    "account");
}

/* Accounts keep file order and their lines; config_find() finds them. */
static void
test_accounts_in_order(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok("; accounts\n[home]\nimap = imaps://h.example\n\n"
	    "[work.old-2_x]\nsmtp = smtp://h.example\n");
	assert_int_equal(cfg->naccounts, 2);
	assert_string_equal(cfg->accounts[0]->name, "home");
	assert_int_equal(cfg->accounts[0]->line, 2);
	assert_string_equal(cfg->accounts[1]->name, "work.old-2_x");
	assert_int_equal(cfg->accounts[1]->line, 5);
	assert_ptr_equal(config_find(cfg, "work.old-2_x"), cfg->accounts[1]);
	assert_null(config_find(cfg, "Home"));
	assert_null(config_find(cfg, "nope"));
	config_free(cfg);
}

/* Indented keys are ordinary keys, not continuation lines. */
static void
test_indented_keys(void **state)
{
	const struct account *a;
	struct config *cfg;

	(void)state;
	cfg = load_ok("[a]\n    imap = imap://h.example\n\tuser = bob\n"
	    "    email = bob@example.com\n");
	a = config_find(cfg, "a");
	assert_string_equal(a->user, "bob");
	assert_string_equal(a->email, "bob@example.com");
	assert_string_equal(a->url[SERVICE_IMAP]->host, "h.example");
	config_free(cfg);
}

/* Key names ignore case. */
static void
test_key_case(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok("[a]\nIMAP = imap://h.example\nUser = bob\n");
	assert_string_equal(config_find(cfg, "a")->user, "bob");
	config_free(cfg);
}

/* Only " ;" starts an inline comment; ";" inside a value is kept. */
static void
test_inline_comments(void **state)
{
	const struct account *a;
	struct config *cfg;

	(void)state;
	cfg = load_ok("[a] ; the first account\nimap = imap://h.example\n"
	    "password_cmd = pass show a;b  ; comment\n"
	    "user = bob # not a comment\n");
	a = config_find(cfg, "a");
	assert_string_equal(a->password_cmd, "pass show a;b");
	assert_string_equal(a->user, "bob # not a comment");
	config_free(cfg);
}

/* A UTF-8 byte order mark and CRLF line ends are accepted. */
static void
test_bom_and_crlf(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok("\xef\xbb\xbf[a]\r\nimap = imap://h.example\r\n"
	    "user = bob\r\n");
	assert_string_equal(config_find(cfg, "a")->user, "bob");
	assert_string_equal(config_find(cfg, "a")->url[SERVICE_IMAP]->host,
	    "h.example");
	config_free(cfg);
}

/* Every spelling of a boolean. */
static void
test_booleans(void **state)
{
	static const struct {
		const char	*word;
		int		 value;
	} t[] = {
		{ "yes", 1 }, { "YES", 1 }, { "true", 1 }, { "On", 1 },
		{ "1", 1 }, { "no", 0 }, { "false", 0 }, { "off", 0 },
		{ "0", 0 },
	};
	struct config *cfg;
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		text = xasprintf(ACCOUNT "allow_plaintext_auth = %s\n",
		    t[i].word);
		cfg = load_ok(text);
		assert_int_equal(cfg->accounts[0]->allow_plaintext_auth,
		    t[i].value);
		config_free(cfg);
		free(text);
	}
}

/* A bad boolean says what it takes. */
static void
test_bad_boolean(void **state)
{
	(void)state;
	load_fails(ACCOUNT "allow_plaintext_auth = maybe\n", 3,
	    "allow_plaintext_auth must be yes or no, not \"maybe\"");
}

/* pop3_delete: off unless set; yes deletes; a bad value says what it
 * takes, with its line. */
static void
test_pop3_delete(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok(ACCOUNT "pop3 = pop3s://h.example\n");
	assert_int_equal(cfg->accounts[0]->pop3_delete, 0);
	config_free(cfg);
	cfg = load_ok(ACCOUNT "pop3_delete = yes\n");
	assert_int_equal(cfg->accounts[0]->pop3_delete, 1);
	config_free(cfg);
	cfg = load_ok(ACCOUNT "pop3_delete = off\n");
	assert_int_equal(cfg->accounts[0]->pop3_delete, 0);
	config_free(cfg);
	load_fails(ACCOUNT "user = a\npop3_delete = always\n", 4,
	    "pop3_delete must be yes or no, not \"always\"");
	load_fails("[starling]\npop3_delete = yes\n", 2, "key \"pop3_delete\" "
	    "belongs in an account section, not in [starling]");
}

/* Timeouts from 1 to 3600 seconds. */
static void
test_timeout_limits(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load_ok(ACCOUNT "timeout = 1\n");
	assert_int_equal(cfg->accounts[0]->timeout, 1);
	config_free(cfg);
	cfg = load_ok(ACCOUNT "timeout = 3600\n");
	assert_int_equal(cfg->accounts[0]->timeout, 3600);
	config_free(cfg);
}

/* Timeouts that are not numbers, or out of range. */
static void
test_bad_timeout(void **state)
{
	(void)state;
	load_fails(ACCOUNT "timeout = 30s\n", 3,
	    "timeout \"30s\" is not a whole number of seconds");
	load_fails(ACCOUNT "timeout = -5\n", 3,
	    "timeout \"-5\" is not a whole number of seconds");
	load_fails(ACCOUNT "timeout = 0\n", 3,
	    "timeout \"0\" out of range (use 1 to 3600 seconds)");
	load_fails(ACCOUNT "timeout = 3601\n", 3,
	    "timeout \"3601\" out of range (use 1 to 3600 seconds)");
	load_fails(ACCOUNT "timeout = 99999999999999999999999\n", 3,
	    "timeout \"99999999999999999999999\" out of range "
	    "(use 1 to 3600 seconds)");
}

/* Bad pins: prefix, length, alphabet, decoded length, padding bits. */
static void
test_bad_pin(void **state)
{
	static const char *bad[] = {
		"sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
		"pin-sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
		"pin-sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8==",
		"pin-sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd*h8=",
		"pin-sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh==",
		"pin-sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=",
		"pin-sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH=8=",
		"pin-sha256:BASE64",
	};
	char *text, *want;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		text = xasprintf(ACCOUNT "tls_pin = %s\n", bad[i]);
		want = xasprintf("tls_pin \"%s\" must be \"pin-sha256:\" "
		    "followed by the base64 SHA-256 hash of the public key "
		    "(44 characters)", bad[i]);
		load_fails(text, 3, want);
		free(want);
		free(text);
	}
}

/* Paths start with "/" or "~/"; "~" becomes $HOME. */
static void
test_paths(void **state)
{
	struct config *cfg;

	(void)state;
	setenv("HOME", "/home/bob/", 1);
	cfg = load_ok(ACCOUNT "maildir = ~\ncafile = ~/ca.pem\n");
	assert_string_equal(cfg->accounts[0]->maildir, "/home/bob");
	assert_string_equal(cfg->accounts[0]->cafile, "/home/bob/ca.pem");
	config_free(cfg);
	load_fails(ACCOUNT "maildir = Mail/a\n", 3, "maildir \"Mail/a\" must "
	    "be an absolute path or start with \"~/\"");
	load_fails(ACCOUNT "cafile = ~root/ca.pem\n", 3, "cafile "
	    "\"~root/ca.pem\" must be an absolute path or start with \"~/\"");
}

/* An unknown key, with the nearest known key as a hint. */
static void
test_unknown_key_suggestion(void **state)
{
	(void)state;
	load_fails(ACCOUNT "pasword_cmd = pass x\n", 3,
	    "unknown key \"pasword_cmd\" (did you mean \"password_cmd\"?)");
	load_fails(ACCOUNT "tls-pin = x\n", 3,
	    "unknown key \"tls-pin\" (did you mean \"tls_pin\"?)");
	load_fails("[starling]\neditr = vi\n", 2,
	    "unknown key \"editr\" (did you mean \"editor\"?)");
}

/* An unknown key with nothing near it. */
static void
test_unknown_key(void **state)
{
	(void)state;
	load_fails(ACCOUNT "colour = blue\n", 3, "unknown key \"colour\"");
}

/* A key in the wrong kind of section says where it belongs. */
static void
test_key_in_wrong_section(void **state)
{
	(void)state;
	load_fails(ACCOUNT "editor = vi\n", 3, "key \"editor\" belongs in the "
	    "[starling] section, not in an account");
	load_fails("[starling]\nimap = imap://h.example\n", 2, "key \"imap\" "
	    "belongs in an account section, not in [starling]");
}

/* A key before the first section. */
static void
test_key_outside_section(void **state)
{
	(void)state;
	load_fails("; top\nimap = imap://h.example\n" ACCOUNT, 2,
	    "key \"imap\" is outside any section (start one with [name])");
}

/* The same account twice, even when the first is empty or adjacent. */
static void
test_duplicate_section(void **state)
{
	(void)state;
	load_fails(ACCOUNT "[b]\nimap = imap://h.example\n[a]\nuser = x\n", 5,
	    "duplicate section [a] (first on line 1)");
	load_fails(ACCOUNT "[a]\n", 3, "duplicate section [a] (first on "
	    "line 1)");
	load_fails("[starling]\n[starling]\n", 2, "duplicate section "
	    "[starling] (first on line 1)");
}

/* The same key twice in one section; other sections may repeat it. */
static void
test_duplicate_key(void **state)
{
	struct config *cfg;

	(void)state;
	load_fails(ACCOUNT "user = a\nuser = b\n", 4,
	    "duplicate key \"user\" (first on line 3)");
	load_fails(ACCOUNT "IMAP = imap://h.example\n", 3,
	    "duplicate key \"imap\" (first on line 2)");
	cfg = load_ok(ACCOUNT "user = a\n[b]\nimap = imap://h.example\n"
	    "user = b\n");
	assert_string_equal(cfg->accounts[1]->user, "b");
	config_free(cfg);
}

/* Section names: letters, digits, "-", "_" and ".". */
static void
test_bad_section_name(void **state)
{
	(void)state;
	load_fails("[my account]\n", 1, "invalid section name \"my account\" "
	    "(use letters, digits, \"-\", \"_\" and \".\")");
	load_fails("[]\n", 1, "invalid section name \"\" (use letters, "
	    "digits, \"-\", \"_\" and \".\")");
	load_fails("[ a ]\n", 1, "invalid section name \" a \" (use letters, "
	    "digits, \"-\", \"_\" and \".\")");
}

/* Broken section headers. */
static void
test_bad_section_header(void **state)
{
	(void)state;
	load_fails(ACCOUNT "[b\n", 3, "missing \"]\" at the end of the "
	    "section header");
	load_fails("[a] x\n", 1, "unexpected text after the section header: "
	    "\"x\"");
}

/* A bad URL carries url_parse()'s sentence. */
static void
test_bad_url(void **state)
{
	(void)state;
	load_fails("[a]\nimap = http://x\n", 2, "unknown scheme \"http\" in "
	    "\"http://x\" (use imap, imaps, pop3, pop3s, smtp or smtps)");
	load_fails("[a]\nsmtp = smtp://h:99999\n", 2, "port \"99999\" out of "
	    "range in \"smtp://h:99999\" (use 1 to 65535)");
}

/* A URL under the key of another service. */
static void
test_url_wrong_service(void **state)
{
	(void)state;
	load_fails("[a]\nimap = pop3s://x\n", 2, "\"pop3s://x\" is a POP3 URL; "
	    "the key \"imap\" takes imap:// or imaps://");
}

/* An account must have at least one service. */
static void
test_account_without_service(void **state)
{
	(void)state;
	load_fails(ACCOUNT "\n[b]\nuser = bob\n", 4,
	    "account \"b\" has no imap, pop3 or smtp URL");
	load_fails("[empty]\n" ACCOUNT, 1,
	    "account \"empty\" has no imap, pop3 or smtp URL");
}

/* A password is refused wherever it is. */
static void
test_password_key(void **state)
{
	(void)state;
	load_fails(ACCOUNT "password = hunter2\n", 3, "passwords are never "
	    "stored in the config file; use password_cmd");
	load_fails("password = hunter2\n", 1, "passwords are never "
	    "stored in the config file; use password_cmd");
}

/* An empty value is an error, not an empty setting. */
static void
test_empty_value(void **state)
{
	(void)state;
	load_fails(ACCOUNT "user =\n", 3, "no value for \"user\"");
}

/* A line that inih cannot parse. */
static void
test_syntax_error(void **state)
{
	(void)state;
	load_fails(ACCOUNT "\nuser bob\n", 4, "cannot parse this line: "
	    "expected \"key = value\", \"[section]\" or a comment");
}

/* The first error in the file wins, whoever found it. */
static void
test_first_error_wins(void **state)
{
	(void)state;
	load_fails(ACCOUNT "user bob\ncolour = x\n", 3, "cannot parse this "
	    "line: expected \"key = value\", \"[section]\" or a comment");
	load_fails(ACCOUNT "colour = x\nuser bob\n", 3,
	    "unknown key \"colour\"");
	load_fails("[empty]\n[b]\ntimeout = 0\n", 1,
	    "account \"empty\" has no imap, pop3 or smtp URL");
}

/* A line too long for inih is an error on its own line. */
static void
test_long_line(void **state)
{
	struct config *cfg;
	char value[200], *text;

	(void)state;
	memset(value, 'x', sizeof value);
	value[198 - strlen("user = ")] = '\0';
	text = xasprintf(ACCOUNT "user = %s\n", value);
	cfg = load_ok(text);
	assert_string_equal(cfg->accounts[0]->user, value);
	config_free(cfg);
	free(text);
	value[strlen(value)] = 'x';
	value[199 - strlen("user = ")] = '\0';
	text = xasprintf(ACCOUNT "\n\n  user = %s\n", value);
	load_fails(text, 5, "this line is longer than 198 characters");
	free(text);
}

/* A NUL byte in the file. */
static void
test_nul_byte(void **state)
{
	struct config *cfg;
	char *err, *path, *want;
	int fd;

	(void)state;
	path = write_file("/tmp", "", 0600);
	assert_true((fd = open(path, O_WRONLY)) != -1);
	assert_int_equal(write(fd, "[a]\nimap = imap://h\0x\n", 22), 22);
	close(fd);
	assert_int_equal(config_load(path, &cfg, &err), -1);
	want = xasprintf("%s:2: this line contains a NUL byte", path);
	assert_string_equal(err, want);
	unlink(path);
	free(want);
	free(path);
	free(err);
}

/* default_account must name an account of the file. */
static void
test_default_account_unknown(void **state)
{
	(void)state;
	load_fails("[starling]\n\ndefault_account = b\n" ACCOUNT, 3,
	    "default_account \"b\" is not a section of this file");
	load_fails("[starling]\ndefault_account = a b\n" ACCOUNT, 2,
	    "default_account \"a b\" is not an account name");
}

/* A file that others can write is refused, whatever it holds. */
static void
test_writable_by_others(void **state)
{
	static const mode_t modes[] = { 0620, 0602, 0666 };
	struct config *cfg;
	char *err, *path, *want;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		assert_int_equal(load_mode(ACCOUNT, modes[i], &cfg, &err,
		    &path), -1);
		want = xasprintf("%s: writable by other users, who could "
		    "change password_cmd; run: chmod go-w %s", path, path);
		assert_string_equal(err, want);
		free(want);
		free(path);
		free(err);
	}
}

/* A file that others can read is refused if it holds password_cmd. */
static void
test_readable_with_password_cmd(void **state)
{
	static const mode_t modes[] = { 0640, 0604, 0644 };
	struct config *cfg;
	char *err, *path, *want;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		assert_int_equal(load_mode(ACCOUNT "password_cmd = pass a\n",
		    modes[i], &cfg, &err, &path), -1);
		want = xasprintf("%s: readable by other users and holds "
		    "password_cmd; run: chmod 600 %s", path, path);
		assert_string_equal(err, want);
		free(want);
		free(path);
		free(err);
	}
}

/* A file that others can read is fine without password_cmd. */
static void
test_readable_without_password_cmd(void **state)
{
	struct config *cfg;
	char *err;

	(void)state;
	assert_int_equal(load_mode(ACCOUNT "user = bob\n", 0644, &cfg, &err,
	    NULL), 0);
	assert_null(err);
	config_free(cfg);
}

/* The chmod hint quotes a path that the shell would split. */
static void
test_chmod_hint_quoted(void **state)
{
	const char *dir = "/tmp/starling test 'q'";
	struct config *cfg = NULL;
	char *err = NULL, *path, *want;

	(void)state;
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", dir, strerror(errno));
	path = write_file(dir, ACCOUNT "password_cmd = x\n", 0644);
	assert_int_equal(config_load(path, &cfg, &err), -1);
	want = xasprintf("%s: readable by other users and holds password_cmd; "
	    "run: chmod 600 '/tmp/starling test '\\''q'\\''/%s'", path,
	    strrchr(path, '/') + 1);
	unlink(path);
	rmdir(dir);
	assert_string_equal(err, want);
	free(want);
	free(path);
	free(err);
}

/* A file owned by someone else is refused. Only root can give a file away;
 * others pass without checking, because cmocka 1.1.5 prints skip() as
 * "not ok # SKIP", which automake's TAP driver counts as a failure. */
static void
test_other_owner(void **state)
{
	struct config *cfg = NULL;
	char *err = NULL, *path, *want;
	int r;

	(void)state;
	if (geteuid() != 0)
		return;
	path = write_file("/tmp", ACCOUNT, 0600);
	assert_int_equal(chown(path, 65534, 65534), 0);
	r = config_load(path, &cfg, &err);
	unlink(path);
	assert_int_equal(r, -1);
	want = xasprintf("%s: belongs to another user, who could change "
	    "password_cmd", path);
	assert_string_equal(err, want);
	free(want);
	free(path);
	free(err);
}

/* On success errstr is untouched; on failure *cfg is untouched. */
static void
test_outputs_untouched(void **state)
{
	struct config *cfg = NULL, *sentinel = (struct config *)&cfg;
	char *err = NULL, *path;

	(void)state;
	path = write_file("/tmp", ACCOUNT, 0600);
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_null(err);
	assert_string_equal(cfg->path, path);
	config_free(cfg);
	cfg = sentinel;
	unlink(path);
	assert_int_equal(config_load(path, &cfg, &err), -1);
	assert_ptr_equal(cfg, sentinel);
	free(err);
	free(path);
}

/* The default path: $XDG_CONFIG_HOME if absolute, else ~/.config. */
static void
test_default_path(void **state)
{
	char *path;

	(void)state;
	setenv("HOME", "/home/carol", 1);
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	path = config_default_path();
	assert_string_equal(path, "/xdg/starling/config");
	free(path);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	path = config_default_path();
	assert_string_equal(path, "/home/carol/.config/starling/config");
	free(path);
	setenv("XDG_CONFIG_HOME", "", 1);
	path = config_default_path();
	assert_string_equal(path, "/home/carol/.config/starling/config");
	free(path);
	unsetenv("XDG_CONFIG_HOME");
	path = config_default_path();
	assert_string_equal(path, "/home/carol/.config/starling/config");
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_comments_only),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_design_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_global_section),
		cmocka_unit_test(test_accounts_in_order),
		cmocka_unit_test(test_indented_keys),
		cmocka_unit_test(test_key_case),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_bad_boolean),
		cmocka_unit_test(test_pop3_delete),
		cmocka_unit_test(test_timeout_limits),
		cmocka_unit_test(test_bad_timeout),
		cmocka_unit_test(test_bad_pin),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_unknown_key_suggestion),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_key_in_wrong_section),
		cmocka_unit_test(test_key_outside_section),
		cmocka_unit_test(test_duplicate_section),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_bad_section_name),
		cmocka_unit_test(test_bad_section_header),
		cmocka_unit_test(test_bad_url),
		cmocka_unit_test(test_url_wrong_service),
		cmocka_unit_test(test_account_without_service),
		cmocka_unit_test(test_password_key),
		cmocka_unit_test(test_empty_value),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_first_error_wins),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_default_account_unknown),
		cmocka_unit_test(test_writable_by_others),
		cmocka_unit_test(test_readable_with_password_cmd),
		cmocka_unit_test(test_readable_without_password_cmd),
		cmocka_unit_test(test_chmod_hint_quoted),
		cmocka_unit_test(test_other_owner),
		cmocka_unit_test(test_outputs_untouched),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_poll_idle),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
