/* test_keys.c: key names, the default bindings, the keys file, help rows. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keys.h"

/* Every named key with its canonical spelling. */
static const struct {
	const char	*name;
	int		 key;
} named[] = {
	{ "<Up>", K_UP }, { "<Down>", K_DOWN }, { "<Left>", K_LEFT },
	{ "<Right>", K_RIGHT }, { "<PageUp>", K_PAGE_UP },
	{ "<PageDown>", K_PAGE_DOWN }, { "<Home>", K_HOME }, { "<End>", K_END },
	{ "<Enter>", K_ENTER }, { "<Esc>", K_ESC },
	{ "<Backspace>", K_BACKSPACE }, { "<Tab>", K_TAB },
	{ "<Delete>", K_DELETE }, { "<Insert>", K_INSERT },
	{ "<F1>", K_F1 }, { "<F2>", K_F2 }, { "<F3>", K_F3 }, { "<F4>", K_F4 },
	{ "<F5>", K_F5 }, { "<F6>", K_F6 }, { "<F7>", K_F7 }, { "<F8>", K_F8 },
	{ "<F9>", K_F9 }, { "<F10>", K_F10 }, { "<F11>", K_F11 },
	{ "<F12>", K_F12 }, { "<Space>", ' ' },
};
#define NNAMED (sizeof named / sizeof named[0])

/* Write text to a new temporary file; returns its path (free it). */
static char *
write_file(const char *text, size_t len)
{
	char *path = strdup("/tmp/test_keys.XXXXXX");
	int fd;

	assert_non_null(path);
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return path;
}

/* Free the errors of keys_load_file(). */
static void
free_errors(char **errors, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(errors[i]);
	free(errors);
}

/* Load text as a keys file into map; returns the number of bad lines,
 * with *errors, *nerrors and *pathp (all freed by the caller). */
static size_t
load_text(struct keymap *map, const char *text, char ***errors,
    size_t *nerrors, char **pathp)
{
	char *path = write_file(text, strlen(text));
	size_t bad;

	*errors = NULL;
	*nerrors = 0;
	bad = keys_load_file(map, path, errors, nerrors);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(bad, *nerrors);
	*pathp = path;
	return bad;
}

/* Load text, which must hold no bad line. */
static void
load_good(struct keymap *map, const char *text)
{
	char **errors, *path;
	size_t n;

	assert_int_equal(load_text(map, text, &errors, &n, &path), 0);
	assert_null(errors);
	free(path);
}

/* keys_bind_line() must fail on line with exactly the message want. */
static void
bind_fails(struct keymap *map, const char *line, const char *want)
{
	char *err = NULL;

	assert_int_equal(keys_bind_line(map, line, &err), -1);
	assert_non_null(err);
	assert_string_equal(err, want);
	free(err);
}

/* keys_bind_line() must accept line. */
static void
bind_ok(struct keymap *map, const char *line)
{
	char *err = NULL;

	assert_int_equal(keys_bind_line(map, line, &err), 0);
	assert_null(err);
}

/* Find the help row of key in h; NULL if there is none. */
static const struct key_help *
help_row(const struct key_help *h, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(h[i].key, key) == 0)
			return &h[i];
	}
	return NULL;
}

/* Index of the help row of key in h (which must have it). */
static size_t
help_index(const struct key_help *h, size_t n, const char *key)
{
	const struct key_help *r = help_row(h, n, key);

	assert_non_null(r);
	return (size_t)(r - h);
}

/* NULL and empty arguments. */
static void
test_null_empty(void **state)
{
	struct key_help *h = (struct key_help *)1;
	struct keymap *map;
	enum key_context ctx;
	enum op op;
	int key = 42;

	(void)state;
	keys_free(NULL);
	keys_help_free(NULL, 0);
	assert_int_equal(keys_parse_key(NULL, &key), -1);
	assert_int_equal(keys_parse_key("", &key), -1);
	assert_int_equal(key, 42);
	assert_int_equal(keys_op_from_name(NULL, &op), -1);
	assert_int_equal(keys_op_from_name("", &op), -1);
	assert_int_equal(keys_context_from_name(NULL, &ctx), -1);
	assert_int_equal(keys_context_from_name("", &ctx), -1);
	assert_null(keys_key_name(0));
	assert_null(keys_key_name(-1));
	assert_null(keys_key_name(K_RESIZE));
	assert_null(keys_key_name(KEY_CODE_BASE));
	assert_null(keys_key_name(K_LAST));
	assert_null(keys_op_name(OP_COUNT));
	assert_null(keys_op_desc(OP_COUNT));
	assert_null(keys_context_name(KC_COUNT));
	assert_int_equal(keys_lookup(NULL, KC_INDEX, 'j'), OP_NONE);
	assert_int_equal(keys_help(NULL, KC_INDEX, &h), 0);
	assert_null(h);

	map = keys_new();
	bind_ok(map, "");
	bind_ok(map, "   \t ");
	bind_ok(map, "# a comment");
	bind_ok(map, "   #bind global x quit");
	bind_ok(map, "\n");
	assert_int_equal(keys_lookup(map, KC_GLOBAL, 'x'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_INDEX, 0), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_INDEX, K_RESIZE), OP_NONE);
	keys_free(map);
}

/* Every operation has a unique name that maps back, and a description. */
static void
test_op_table(void **state)
{
	enum op op, o;

	(void)state;
	for (op = OP_NONE; op < OP_COUNT; op++) {
		assert_non_null(keys_op_name(op));
		assert_non_null(keys_op_desc(op));
		assert_true(strlen(keys_op_desc(op)) > 0);
		assert_int_equal(keys_op_from_name(keys_op_name(op), &o), 0);
		assert_int_equal(o, op);
	}
	assert_string_equal(keys_op_name(OP_NONE), "none");
	assert_string_equal(keys_op_name(OP_PAGE_DOWN), "page-down");
	assert_string_equal(keys_op_name(OP_CERT), "certificate");
	assert_string_equal(keys_op_name(OP_NEXT_SERVICE), "next-service");
	assert_int_equal(keys_op_from_name("Search-Next", &o), 0);
	assert_int_equal(o, OP_SEARCH_NEXT);
	assert_int_equal(keys_op_from_name("down ", &o), -1);
}

/* Every context name maps back. */
static void
test_context_table(void **state)
{
	static const char *const names[KC_COUNT] = { "global", "accounts",
	    "folders", "index", "pager", "certificate", "transcript",
	    "help", "guide", "compose" };
	enum key_context c, got;

	(void)state;
	for (c = KC_GLOBAL; c < KC_COUNT; c++) {
		assert_string_equal(keys_context_name(c), names[c]);
		assert_int_equal(keys_context_from_name(names[c], &got), 0);
		assert_int_equal(got, c);
	}
	assert_int_equal(keys_context_from_name("PAGER", &got), 0);
	assert_int_equal(got, KC_PAGER);
	assert_int_equal(keys_context_from_name("screen", &got), -1);
}

/* The defaults: global keys reach every screen, others stay in theirs. */
static void
test_defaults(void **state)
{
	struct keymap *map = keys_new();
	enum key_context c;

	(void)state;
	for (c = KC_GLOBAL; c < KC_COUNT; c++) {
		assert_int_equal(keys_lookup(map, c, 'j'), OP_DOWN);
		assert_int_equal(keys_lookup(map, c, K_DOWN), OP_DOWN);
		assert_int_equal(keys_lookup(map, c, 'k'), OP_UP);
		assert_int_equal(keys_lookup(map, c, K_UP), OP_UP);
		assert_int_equal(keys_lookup(map, c, 'q'), OP_BACK);
		assert_int_equal(keys_lookup(map, c, '?'), OP_HELP);
	}
	assert_int_equal(keys_lookup(map, KC_INDEX, K_PAGE_UP), OP_PAGE_UP);
	assert_int_equal(keys_lookup(map, KC_INDEX, K_PAGE_DOWN),
	    OP_PAGE_DOWN);
	assert_int_equal(keys_lookup(map, KC_INDEX, '='), OP_TOP);
	assert_int_equal(keys_lookup(map, KC_FOLDERS, 'g'), OP_TOP);
	assert_int_equal(keys_lookup(map, KC_INDEX, K_HOME), OP_TOP);
	/* G is the guide everywhere; End is the way to the bottom */
	assert_int_equal(keys_lookup(map, KC_INDEX, 'G'), OP_GUIDE);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'G'), OP_GUIDE);
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, 'G'), OP_GUIDE);
	assert_int_equal(keys_lookup(map, KC_INDEX, K_END), OP_BOTTOM);
	assert_int_equal(keys_lookup(map, KC_INDEX, K_ENTER), OP_SELECT);
	assert_int_equal(keys_lookup(map, KC_INDEX, 13), OP_SELECT);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'Q'), OP_QUIT);
	assert_int_equal(keys_lookup(map, KC_INDEX, '/'), OP_SEARCH);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'n'), OP_SEARCH_NEXT);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'i'), OP_CERT);
	assert_int_equal(keys_lookup(map, KC_INDEX, 't'), OP_TRANSCRIPT);
	assert_int_equal(keys_lookup(map, KC_INDEX, 12), OP_REDRAW);
	assert_int_equal(keys_lookup(map, KC_INDEX, K_ESC), OP_CANCEL);
	assert_int_equal(keys_lookup(map, KC_INDEX, 27), OP_CANCEL);
	/* c (re)connects the current account from every screen */
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, 'c'), OP_CONNECT);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'c'), OP_CONNECT);
	assert_int_equal(keys_lookup(map, KC_GLOBAL, 'c'), OP_CONNECT);
	/* the pager pages with - and <Space> too */
	assert_int_equal(keys_lookup(map, KC_PAGER, '-'), OP_PAGE_UP);
	assert_int_equal(keys_lookup(map, KC_PAGER, ' '), OP_PAGE_DOWN);
	assert_int_equal(keys_lookup(map, KC_INDEX, ' '), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_CERT, 'p'), OP_PIN);
	assert_int_equal(keys_lookup(map, KC_CERT, 'a'), OP_ACCEPT);
	assert_int_equal(keys_lookup(map, KC_CERT, 'r'), OP_REJECT);
	assert_int_equal(keys_lookup(map, KC_CERT, K_TAB), OP_NEXT_SERVICE);
	assert_int_equal(keys_lookup(map, KC_CERT, 9), OP_NEXT_SERVICE);
	assert_int_equal(keys_lookup(map, KC_TRANSCRIPT, 's'), OP_SAVE);
	assert_int_equal(keys_lookup(map, KC_TRANSCRIPT, K_TAB),
	    OP_NEXT_SERVICE);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'p'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_PAGER, K_TAB), OP_NONE);
	/* writing mail: m everywhere, r g f on a message, the compose
	 * screen's own keys, F for the outbox */
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, 'm'), OP_COMPOSE);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'm'), OP_COMPOSE);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'r'), OP_REPLY);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'r'), OP_REPLY);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'g'), OP_REPLY_ALL);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'g'), OP_REPLY_ALL);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'f'), OP_FORWARD);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'f'), OP_FORWARD);
	assert_int_equal(keys_lookup(map, KC_COMPOSE, 'y'), OP_SEND);
	assert_int_equal(keys_lookup(map, KC_COMPOSE, 'e'), OP_EDIT);
	assert_int_equal(keys_lookup(map, KC_COMPOSE, 'a'), OP_ATTACH);
	assert_int_equal(keys_lookup(map, KC_COMPOSE, 'p'), OP_POSTPONE);
	assert_int_equal(keys_lookup(map, KC_COMPOSE, 'q'), OP_BACK);
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, 'S'), OP_FLUSH);
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, 'I'), OP_FETCH);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'F'), OP_FLAG);
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, 'r'), OP_NONE);
	keys_free(map);
}

/* The default text is made of bind lines that each load on their own. */
static void
test_default_text(void **state)
{
	char *text = strdup(keys_default_bindings), *line, *save = NULL;
	struct keymap *map = keys_new();
	unsigned n = 0;

	(void)state;
	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		assert_int_equal(strncmp(line, "bind ", 5), 0);
		bind_ok(map, line);
		n++;
	}
	assert_true(n >= 25);
	free(text);
	keys_free(map);
}

/* Every named key parses and prints back the same; any case parses. */
static void
test_key_named(void **state)
{
	char lower[32], upper[32], *name;
	size_t i, j;
	int c, key;

	(void)state;
	for (i = 0; i < NNAMED; i++) {
		key = -1;
		assert_int_equal(keys_parse_key(named[i].name, &key), 0);
		assert_int_equal(key, named[i].key);
		name = keys_key_name(named[i].key);
		assert_non_null(name);
		assert_string_equal(name, named[i].name);
		free(name);
		for (j = 0; named[i].name[j] != '\0'; j++) {
			c = (unsigned char)named[i].name[j];
			lower[j] = (char)tolower(c);
			upper[j] = (char)toupper(c);
		}
		lower[j] = upper[j] = '\0';
		assert_int_equal(keys_parse_key(lower, &key), 0);
		assert_int_equal(key, named[i].key);
		assert_int_equal(keys_parse_key(upper, &key), 0);
		assert_int_equal(key, named[i].key);
	}
}

/* Other spellings parse; the canonical one prints. */
static void
test_key_aliases(void **state)
{
	char *name;
	int key;

	(void)state;
	assert_int_equal(keys_parse_key("<Return>", &key), 0);
	assert_int_equal(key, K_ENTER);
	assert_int_equal(keys_parse_key("<escape>", &key), 0);
	assert_int_equal(key, K_ESC);
	assert_int_equal(keys_parse_key("<PgDn>", &key), 0);
	assert_int_equal(key, K_PAGE_DOWN);
	assert_non_null(name = keys_key_name(key));
	assert_string_equal(name, "<PageDown>");
	free(name);
}

/* C-a..C-z; C-h, C-i and C-m are Backspace, Tab and Enter. */
static void
test_key_ctrl(void **state)
{
	char buf[8], *name;
	int c, key;

	(void)state;
	for (c = 'a'; c <= 'z'; c++) {
		snprintf(buf, sizeof buf, "C-%c", c);
		assert_int_equal(keys_parse_key(buf, &key), 0);
		if (c == 'h' || c == 'i' || c == 'm')
			continue;
		assert_int_equal(key, c - 'a' + 1);
		assert_non_null(name = keys_key_name(key));
		assert_string_equal(name, buf);
		free(name);
		snprintf(buf, sizeof buf, "C-%c", c - 'a' + 'A');
		assert_int_equal(keys_parse_key(buf, &key), 0);
		assert_int_equal(key, c - 'a' + 1);
	}
	assert_int_equal(keys_parse_key("C-m", &key), 0);
	assert_int_equal(key, K_ENTER);
	assert_int_equal(keys_parse_key("C-i", &key), 0);
	assert_int_equal(key, K_TAB);
	assert_int_equal(keys_parse_key("C-h", &key), 0);
	assert_int_equal(key, K_BACKSPACE);
	assert_int_equal(keys_parse_key("C-", &key), -1);
	assert_int_equal(keys_parse_key("C-1", &key), -1);
	assert_int_equal(keys_parse_key("C-ab", &key), -1);
	assert_int_equal(keys_parse_key("C-\xc3\xa9", &key), -1);
	assert_int_equal(keys_parse_key("C-<Up>", &key), -1);
}

/* One character, ASCII or not, is a key; it prints back the same. */
static void
test_key_utf8(void **state)
{
	static const struct {
		const char	*s;
		int		 key;
	} ok[] = {
		{ "j", 'j' }, { "?", '?' }, { "/", '/' }, { "<", '<' },
		{ ">", '>' }, { "#", '#' }, { "C", 'C' }, { "-", '-' },
		{ "\xc3\xa9", 0xe9 },			/* é */
		{ "\xe3\x81\x82", 0x3042 },		/* あ */
		{ "\xf0\x9f\x98\x80", 0x1f600 },	/* an emoji */
	};
	char *name;
	size_t i;
	int key;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(keys_parse_key(ok[i].s, &key), 0);
		assert_int_equal(key, ok[i].key);
		assert_non_null(name = keys_key_name(key));
		assert_string_equal(name, ok[i].s);
		free(name);
	}
	assert_int_equal(keys_parse_key(" ", &key), 0);
	assert_int_equal(key, ' ');
}

/* Strings that name no key. */
static void
test_key_invalid(void **state)
{
	static const char *const bad[] = {
		"jj", "\xe3\x81\x82\xe3\x81\x82", "<>", "<Foo>", "<Up",
		"Up", "<F13>", "<F0>", "\xff", "\xc3", "\xc0\xaf",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\x01", "\t", "\x7f",
		"\xc2\x85", "<Up>x",
	};
	size_t i;
	int key;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		key = 42;
		assert_int_equal(keys_parse_key(bad[i], &key), -1);
		assert_int_equal(key, 42);
	}
}

/* Codes that several keys share become one. */
static void
test_key_normalize(void **state)
{
	struct keymap *map = keys_new();
	char *name;

	(void)state;
	assert_int_equal(keys_key_normalize(127), K_BACKSPACE);
	assert_int_equal(keys_key_normalize(8), K_BACKSPACE);
	assert_int_equal(keys_key_normalize(13), K_ENTER);
	assert_int_equal(keys_key_normalize(9), K_TAB);
	assert_int_equal(keys_key_normalize(27), K_ESC);
	assert_int_equal(keys_key_normalize('j'), 'j');
	assert_int_equal(keys_key_normalize(10), 10);
	assert_non_null(name = keys_key_name(127));
	assert_string_equal(name, "<Backspace>");
	free(name);
	bind_ok(map, "bind pager <Backspace> page-up");
	assert_int_equal(keys_lookup(map, KC_PAGER, 127), OP_PAGE_UP);
	assert_int_equal(keys_lookup(map, KC_PAGER, 8), OP_PAGE_UP);
	assert_int_equal(keys_lookup(map, KC_PAGER, K_BACKSPACE), OP_PAGE_UP);
	bind_ok(map, "bind index C-m top");
	assert_int_equal(keys_lookup(map, KC_INDEX, K_ENTER), OP_TOP);
	bind_ok(map, "bind index \xe3\x81\x82 bottom");
	assert_int_equal(keys_lookup(map, KC_INDEX, 0x3042), OP_BOTTOM);
	keys_free(map);
}

/* A user file overrides defaults, in one context or everywhere. */
static void
test_file_overrides(void **state)
{
	struct keymap *map = keys_new();

	(void)state;
	load_good(map, "# my keys\n"
	    "\n"
	    "bind index j up\n"
	    "  bind\tglobal  x  quit  \n"
	    "bind global q quit\n"
	    "bind pager <space> down\n"
	    "BIND Accounts <F5> Connect\n");
	assert_int_equal(keys_lookup(map, KC_INDEX, 'j'), OP_UP);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'j'), OP_DOWN);
	assert_int_equal(keys_lookup(map, KC_FOLDERS, 'x'), OP_QUIT);
	assert_int_equal(keys_lookup(map, KC_FOLDERS, 'q'), OP_QUIT);
	assert_int_equal(keys_lookup(map, KC_PAGER, ' '), OP_DOWN);
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, K_F5), OP_CONNECT);
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, 'c'), OP_CONNECT);
	keys_free(map);
}

/* A missing file is no error; a directory is one, without a line. */
static void
test_file_missing(void **state)
{
	struct keymap *map = keys_new();
	char **errors = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(keys_load_file(map,
	    "/nonexistent/starling/keys", &errors, &n), 0);
	assert_int_equal(n, 0);
	assert_null(errors);
	assert_int_equal(keys_load_file(map, "/", &errors, &n), 1);
	assert_int_equal(n, 1);
	assert_int_equal(strncmp(errors[0], "/: cannot read: ", 16), 0);
	free_errors(errors, n);
	assert_int_equal(keys_load_file(map, "/", NULL, NULL), 1);
	keys_free(map);
}

/* unbind in global removes a key everywhere; in a screen, only there. */
static void
test_unbind(void **state)
{
	struct keymap *map = keys_new();

	(void)state;
	load_good(map, "unbind global t\n"
	    "unbind index j\n"
	    "unbind accounts c\n"
	    "unbind pager z # a comment\n"
	    "unbind global x\n");
	assert_int_equal(keys_lookup(map, KC_INDEX, 't'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_GLOBAL, 't'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'j'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'j'), OP_DOWN);
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, 'c'), OP_NONE);
	/* a key unbound in a screen stays unbound there */
	bind_ok(map, "bind global j bottom");
	assert_int_equal(keys_lookup(map, KC_INDEX, 'j'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'j'), OP_BOTTOM);
	/* until it is bound there again */
	bind_ok(map, "bind index j top");
	assert_int_equal(keys_lookup(map, KC_INDEX, 'j'), OP_TOP);
	keys_free(map);
}

/* Binding to none is unbinding. */
static void
test_bind_none(void **state)
{
	struct keymap *map = keys_new();

	(void)state;
	bind_ok(map, "bind global ? none");
	bind_ok(map, "bind pager k none");
	assert_int_equal(keys_lookup(map, KC_INDEX, '?'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'k'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'k'), OP_UP);
	keys_free(map);
}

/* Bad lines give FILE:LINE: messages; the good ones around them load. */
static void
test_file_bad_lines(void **state)
{
	struct keymap *map = keys_new();
	char **errors, *path, *want;
	size_t n;

	(void)state;
	assert_int_equal(load_text(map, "bind index x quit\n"
	    "bind indx y quit\n"
	    "bind index <PgeUp> top\n"
	    "bind index z dwn\n"
	    "\n"
	    "bind index w\n"
	    "bnd index v quit\n"
	    "bind pager u bottom\n"
	    "unbind index u quit\n"
	    "bind index zz xyzzy\n"
	    "bind index y quit",
	    &errors, &n, &path), 7);
	want = NULL;
#define EXPECT(i, line, msg) do {					\
	free(want);							\
	assert_true(asprintf(&want, "%s:%d: %s", path, line, msg) > 0);	\
	assert_string_equal(errors[i], want);				\
} while (0)
	EXPECT(0, 2, "unknown context \"indx\" (did you mean \"index\"?)");
	EXPECT(1, 3,
	    "unknown key name \"<PgeUp>\" (did you mean \"<PageUp>\"?)");
	EXPECT(2, 4, "unknown operation \"dwn\" (did you mean \"down\"?)");
	EXPECT(3, 6, "wrong number of words: expected "
	    "\"bind CONTEXT KEY OPERATION\"");
	EXPECT(4, 7, "unknown command \"bnd\" (did you mean \"bind\"?)");
	EXPECT(5, 9, "wrong number of words: expected "
	    "\"unbind CONTEXT KEY\"");
	EXPECT(6, 10, "unknown key name \"zz\"");
#undef EXPECT
	free(want);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'x'), OP_QUIT);
	assert_int_equal(keys_lookup(map, KC_PAGER, 'u'), OP_BOTTOM);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'y'), OP_QUIT);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'z'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'w'), OP_NONE);
	assert_int_equal(keys_lookup(map, KC_INDEX, K_PAGE_UP), OP_PAGE_UP);
	free_errors(errors, n);
	free(path);
	keys_free(map);
}

/* Suggestions come within two edits, and not for a wholly other word. */
static void
test_suggestions(void **state)
{
	struct keymap *map = keys_new();

	(void)state;
	bind_fails(map, "bind index j pagedown",
	    "unknown operation \"pagedown\" (did you mean \"page-down\"?)");
	bind_fails(map, "bind index j certficate",
	    "unknown operation \"certficate\" (did you mean "
	    "\"certificate\"?)");
	bind_fails(map, "bind index j xyzzy",
	    "unknown operation \"xyzzy\"");
	bind_fails(map, "bind index j x", "unknown operation \"x\"");
	bind_fails(map, "bind index j up-and-away",
	    "unknown operation \"up-and-away\"");
	bind_fails(map, "bind pagr j down",
	    "unknown context \"pagr\" (did you mean \"pager\"?)");
	bind_fails(map, "bind screen j down", "unknown context \"screen\"");
	bind_fails(map, "bind index Enter select",
	    "unknown key name \"Enter\" (did you mean \"<Enter>\"?)");
	bind_fails(map, "bind index <Entr> select",
	    "unknown key name \"<Entr>\" (did you mean \"<Enter>\"?)");
	bind_fails(map, "bind index <PgDown> select",
	    "unknown key name \"<PgDown>\" (did you mean \"<PageDown>\"?)");
	bind_fails(map, "bind index pgup select",
	    "unknown key name \"pgup\" (did you mean \"<PageUp>\"?)");
	bind_fails(map, "bind index <j> select",
	    "unknown key name \"<j>\"");
	bind_fails(map, "bind index <> select", "unknown key name \"<>\"");
	bind_fails(map, "unbnd index j",
	    "unknown command \"unbnd\" (did you mean \"unbind\"?)");
	bind_fails(map, "set index j",
	    "unknown command \"set\" (expected \"bind\" or \"unbind\")");
	keys_free(map);
}

/* The number of words: too few, too many, and a trailing comment. */
static void
test_word_count(void **state)
{
	struct keymap *map = keys_new();

	(void)state;
	bind_fails(map, "bind", "wrong number of words: expected "
	    "\"bind CONTEXT KEY OPERATION\"");
	bind_fails(map, "bind index j down up", "wrong number of words: "
	    "expected \"bind CONTEXT KEY OPERATION\"");
	bind_fails(map, "unbind index", "wrong number of words: expected "
	    "\"unbind CONTEXT KEY\"");
	bind_ok(map, "bind index x top # go up");
	bind_ok(map, "bind index # top");
	bind_ok(map, "unbind index y #");
	assert_int_equal(keys_lookup(map, KC_INDEX, 'x'), OP_TOP);
	assert_int_equal(keys_lookup(map, KC_INDEX, '#'), OP_TOP);
	keys_free(map);
}

/* Lines of more than KEYS_LINE_MAX bytes are refused, and counted right. */
static void
test_long_line(void **state)
{
	struct keymap *map = keys_new();
	char *text, **errors, *path, *want;
	size_t n, len = 3 * KEYS_LINE_MAX;

	(void)state;
	assert_non_null(text = malloc(len + 100));
	/* line 1: exactly KEYS_LINE_MAX bytes, a comment */
	memset(text, ' ', KEYS_LINE_MAX);
	text[0] = '#';
	strcpy(text + KEYS_LINE_MAX, "\n");
	/* line 2: one byte more */
	memset(text + KEYS_LINE_MAX + 1, ' ', KEYS_LINE_MAX + 1);
	text[KEYS_LINE_MAX + 1] = '#';
	strcpy(text + 2 * KEYS_LINE_MAX + 2, "\nbind index x quit\n");
	assert_int_equal(load_text(map, text, &errors, &n, &path), 1);
	assert_true(asprintf(&want, "%s:2: line too long (more than %d bytes)",
	    path, KEYS_LINE_MAX) > 0);
	assert_string_equal(errors[0], want);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'x'), OP_QUIT);
	free(want);
	free_errors(errors, n);
	free(path);
	free(text);
	keys_free(map);
}

/* Text that is not UTF-8, or holds control characters, is refused. */
static void
test_bad_text(void **state)
{
	static const char text[] = "bind index \xff quit\n"
	    "bind index \x1b[31m quit\n"
	    "bind index a\0b quit\n"
	    "bind index x quit\r\n";
	struct keymap *map = keys_new();
	char **errors = NULL, *path, *want;
	size_t n = 0;

	(void)state;
	path = write_file(text, sizeof text - 1);
	assert_int_equal(keys_load_file(map, path, &errors, &n), 3);
	assert_true(asprintf(&want, "%s:1: the line is not valid UTF-8",
	    path) > 0);
	assert_string_equal(errors[0], want);
	free(want);
	assert_true(asprintf(&want, "%s:2: the line contains a control "
	    "character", path) > 0);
	assert_string_equal(errors[1], want);
	assert_int_equal(strncmp(errors[2], want, strlen(path) + 1), 0);
	assert_int_equal(errors[2][strlen(path) + 1], '3');
	free(want);
	assert_int_equal(keys_lookup(map, KC_INDEX, 'x'), OP_QUIT);
	assert_int_equal(unlink(path), 0);
	free_errors(errors, n);
	free(path);
	keys_free(map);
}

/* The help lists a user's binding, with its description. */
static void
test_help_user_binding(void **state)
{
	struct keymap *map = keys_new();
	const struct key_help *r;
	struct key_help *h;
	size_t n;

	(void)state;
	load_good(map, "bind index X transcript\nbind global <F1> help\n");
	n = keys_help(map, KC_INDEX, &h);
	assert_non_null(r = help_row(h, n, "X"));
	assert_string_equal(r->op, "transcript");
	assert_string_equal(r->desc, keys_op_desc(OP_TRANSCRIPT));
	assert_int_equal(r->ctx, KC_INDEX);
	assert_non_null(r = help_row(h, n, "<F1>"));
	assert_string_equal(r->op, "help");
	assert_int_equal(r->ctx, KC_GLOBAL);
	assert_non_null(r = help_row(h, n, "t"));
	assert_string_equal(r->op, "transcript");
	assert_non_null(r = help_row(h, n, "C-l"));
	assert_string_equal(r->op, "redraw");
	assert_non_null(r = help_row(h, n, "c"));
	assert_string_equal(r->op, "connect");
	assert_null(help_row(h, n, "p"));
	keys_help_free(h, n);
	keys_free(map);
}

/* The help omits unbound keys, and keys bound to none. */
static void
test_help_unbound(void **state)
{
	struct keymap *map = keys_new();
	struct key_help *h;
	size_t n, i;

	(void)state;
	load_good(map, "unbind global t\nunbind index j\n"
	    "bind global / none\n");
	n = keys_help(map, KC_INDEX, &h);
	assert_null(help_row(h, n, "t"));
	assert_null(help_row(h, n, "j"));
	assert_null(help_row(h, n, "/"));
	assert_non_null(help_row(h, n, "<Down>"));
	for (i = 0; i < n; i++)
		assert_string_not_equal(h[i].op, "none");
	keys_help_free(h, n);
	n = keys_help(map, KC_PAGER, &h);
	assert_non_null(help_row(h, n, "j"));
	assert_null(help_row(h, n, "t"));
	keys_help_free(h, n);
	keys_free(map);
}

/* A screen's binding shadows the global one, in lookup and in help. */
static void
test_shadowing(void **state)
{
	struct keymap *map = keys_new();
	const struct key_help *r;
	struct key_help *h;
	size_t n, i;

	(void)state;
	bind_ok(map, "bind accounts j connect");
	assert_int_equal(keys_lookup(map, KC_ACCOUNTS, 'j'), OP_CONNECT);
	assert_int_equal(keys_lookup(map, KC_FOLDERS, 'j'), OP_DOWN);
	assert_int_equal(keys_lookup(map, KC_GLOBAL, 'j'), OP_DOWN);
	n = keys_help(map, KC_ACCOUNTS, &h);
	for (i = 0; i < n; i++) {
		if (strcmp(h[i].key, "j") == 0)
			assert_string_equal(h[i].op, "connect");
	}
	assert_non_null(r = help_row(h, n, "j"));
	assert_int_equal(r->ctx, KC_ACCOUNTS);
	assert_non_null(r = help_row(h, n, "<Down>"));
	assert_string_equal(r->op, "down");
	keys_help_free(h, n);
	/* the global help shows the global binding */
	n = keys_help(map, KC_GLOBAL, &h);
	assert_non_null(r = help_row(h, n, "j"));
	assert_string_equal(r->op, "down");
	assert_null(help_row(h, n, "p"));
	keys_help_free(h, n);
	keys_free(map);
}

/* Help rows: the screen's own first, then global, each by operation. */
static void
test_help_order(void **state)
{
	struct keymap *map = keys_new();
	struct key_help *h;
	enum op prev = OP_NONE, op;
	size_t n, i, ours;

	(void)state;
	n = keys_help(map, KC_PAGER, &h);
	assert_true(n > 20);
	assert_string_equal(h[0].key, "-");
	assert_string_equal(h[0].op, "page-up");
	assert_int_equal(h[0].ctx, KC_PAGER);
	assert_string_equal(h[1].key, "<Space>");
	assert_int_equal(h[1].ctx, KC_PAGER);
	assert_string_equal(h[2].key, "r");
	assert_string_equal(h[2].op, "reply");
	assert_string_equal(h[5].key, "v");
	assert_string_equal(h[5].op, "attachments");
	assert_string_equal(h[6].key, "s");
	assert_string_equal(h[6].op, "save-attachment");
	for (ours = 0; ours < n && h[ours].ctx == KC_PAGER; ours++)
		continue;
	assert_int_equal(ours, 7);	/* - <Space> r g f v s */
	for (i = ours; i < n; i++) {
		assert_int_equal(h[i].ctx, KC_GLOBAL);
		assert_int_equal(keys_op_from_name(h[i].op, &op), 0);
		assert_true(op >= prev);
		prev = op;
	}
	/* one row per key: j and <Down> both move down, j first */
	assert_true(help_index(h, n, "j") + 1 == help_index(h, n, "<Down>"));
	assert_string_equal(h[ours].op, "up");
	keys_help_free(h, n);
	keys_free(map);
}

/* The keys file lives in $XDG_CONFIG_HOME/starling, or ~/.config. */
static void
test_default_path(void **state)
{
	char *p;

	(void)state;
	assert_int_equal(setenv("XDG_CONFIG_HOME", "/xdg/conf", 1), 0);
	p = keys_default_path();
	assert_string_equal(p, "/xdg/conf/starling/keys");
	free(p);
	assert_int_equal(unsetenv("XDG_CONFIG_HOME"), 0);
	assert_int_equal(setenv("HOME", "/home/alice", 1), 0);
	p = keys_default_path();
	assert_string_equal(p, "/home/alice/.config/starling/keys");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_empty),
		cmocka_unit_test(test_op_table),
		cmocka_unit_test(test_context_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_default_text),
		cmocka_unit_test(test_key_named),
		cmocka_unit_test(test_key_aliases),
		cmocka_unit_test(test_key_ctrl),
		cmocka_unit_test(test_key_utf8),
		cmocka_unit_test(test_key_invalid),
		cmocka_unit_test(test_key_normalize),
		cmocka_unit_test(test_file_overrides),
		cmocka_unit_test(test_file_missing),
		cmocka_unit_test(test_unbind),
		cmocka_unit_test(test_bind_none),
		cmocka_unit_test(test_file_bad_lines),
		cmocka_unit_test(test_suggestions),
		cmocka_unit_test(test_word_count),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_bad_text),
		cmocka_unit_test(test_help_user_binding),
		cmocka_unit_test(test_help_unbound),
		cmocka_unit_test(test_shadowing),
		cmocka_unit_test(test_help_order),
		cmocka_unit_test(test_default_path),
	};

	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
