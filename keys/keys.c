/* keys.c: operations, contexts and key names as tables; the keymap (one
 * sorted array of bindings per context); the parser of `bind` and `unbind`
 * lines, used for the default bindings and for the user's keys file; and
 * the help rows, derived from the active bindings. */
#include "build-config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "keys.h"
#include "xdg.h"
#include "strdist.h"
#include "xmalloc.h"

#define KEYS_WORDS_MAX	5	/* the longest command has 4 words */
#define KEYS_SUGGEST	2	/* suggest names this many edits away */
#define KEYS_UNICODE_MAX 0x10ffff

static const struct {
	const char	*name;		/* stable: used in keys files */
	const char	*desc;		/* a line of the help screen */
} keys_ops[OP_COUNT] = {
	/* TRANSLATORS: what a key does, in the help screen (short). */
	[OP_NONE] = { "none", N_("do nothing (removes a binding)") },
	[OP_UP] = { "up", N_("move up one line") },
	[OP_DOWN] = { "down", N_("move down one line") },
	[OP_PAGE_UP] = { "page-up", N_("move up one page") },
	[OP_PAGE_DOWN] = { "page-down", N_("move down one page") },
	[OP_TOP] = { "top", N_("go to the first line") },
	[OP_BOTTOM] = { "bottom", N_("go to the last line") },
	[OP_SELECT] = { "select", N_("open the item under the cursor") },
	[OP_BACK] = { "back", N_("leave this screen") },
	[OP_QUIT] = { "quit", N_("quit starling") },
	[OP_HELP] = { "help", N_("show the keys of this screen") },
	[OP_SEARCH] = { "search", N_("search for text") },
	[OP_SEARCH_NEXT] = { "search-next", N_("find the next match") },
	[OP_CERT] = { "certificate", N_("show the certificate details") },
	[OP_TRANSCRIPT] = { "transcript",
	    N_("show the dialogue with the server") },
	[OP_REDRAW] = { "redraw", N_("redraw the screen") },
	[OP_CONNECT] = { "connect", N_("connect the current account") },
	[OP_CANCEL] = { "cancel", N_("cancel the running network operation") },
	[OP_NEXT_SERVICE] = { "next-service",
	    N_("show the next service (IMAP, POP3, SMTP)") },
	[OP_PIN] = { "pin", N_("pin the server's key") },
	[OP_ACCEPT] = { "accept",
	    N_("accept this certificate for this session") },
	[OP_REJECT] = { "reject", N_("reject this certificate") },
	[OP_SAVE] = { "save", N_("save the transcript to a file") },
	[OP_GUIDE] = { "guide",
	    N_("show the guide: how starling protects your mail") },
	[OP_COMPOSE] = { "compose", N_("write a new message") },
	[OP_REPLY] = { "reply", N_("reply to the sender") },
	[OP_REPLY_ALL] = { "reply-all",
	    N_("reply to the sender and every recipient") },
	[OP_FORWARD] = { "forward", N_("forward the message") },
	[OP_FLUSH] = { "flush-outbox",
	    N_("try again to send the messages in the outbox") },
	[OP_SEND] = { "send", N_("send the message") },
	[OP_EDIT] = { "edit", N_("edit the message again") },
	[OP_ATTACH] = { "attach", N_("attach a file") },
	[OP_POSTPONE] = { "postpone",
	    N_("keep the message as a draft, to finish later") },
	[OP_TOGGLE_NEW] = { "toggle-new",
	    N_("mark the message read, or unread again") },
	[OP_FLAG] = { "flag-message", N_("flag the message, or unflag it") },
	[OP_DELETE] = { "delete-message",
	    N_("mark the message deleted (u undoes it until $)") },
	[OP_UNDELETE] = { "undelete-message",
	    N_("remove the deleted mark") },
	[OP_EXPUNGE] = { "sync-mailbox",
	    N_("expunge the messages marked deleted (asks first)") },
	[OP_MOVE] = { "save-message", N_("move the message to a folder") },
	[OP_COPY] = { "copy-message", N_("copy the message to a folder") },
	[OP_LIMIT] = { "limit",
	    N_("show only messages the server finds (empty: all)") },
	[OP_SORT] = { "sort-mailbox",
	    N_("sort by arrival, date, sender, subject or size") },
	[OP_SORT_REVERSE] = { "sort-reverse", N_("reverse the order") },
	[OP_THREADS] = { "toggle-threads", N_("show threads, or stop") },
	[OP_ATTACHMENTS] = { "attachments",
	    N_("list the message's attachments") },
	[OP_SAVE_ATTACHMENT] = { "save-attachment",
	    N_("save an attachment into a folder") },
	[OP_FETCH] = { "fetch",
	    N_("download the account's POP3 mail into its Maildir") },
};

static const char *const keys_contexts[KC_COUNT] = {
	[KC_GLOBAL] = "global",
	[KC_ACCOUNTS] = "accounts",
	[KC_FOLDERS] = "folders",
	[KC_INDEX] = "index",
	[KC_PAGER] = "pager",
	[KC_CERT] = "certificate",
	[KC_TRANSCRIPT] = "transcript",
	[KC_HELP] = "help",
	[KC_GUIDE] = "guide",
	[KC_COMPOSE] = "compose",
};

static const char *const keys_commands[] = { "bind", "unbind" };

struct keys_name {
	const char	*name;		/* inside <>, any case */
	int		 key;
};

/* The canonical names, which keys_key_name() prints. */
static const struct keys_name keys_names[] = {
	{ "Up", K_UP }, { "Down", K_DOWN },
	{ "Left", K_LEFT }, { "Right", K_RIGHT },
	{ "PageUp", K_PAGE_UP }, { "PageDown", K_PAGE_DOWN },
	{ "Home", K_HOME }, { "End", K_END },
	{ "Enter", K_ENTER }, { "Esc", K_ESC },
	{ "Backspace", K_BACKSPACE }, { "Tab", K_TAB },
	{ "Delete", K_DELETE }, { "Insert", K_INSERT },
	{ "F1", K_F1 }, { "F2", K_F2 }, { "F3", K_F3 }, { "F4", K_F4 },
	{ "F5", K_F5 }, { "F6", K_F6 }, { "F7", K_F7 }, { "F8", K_F8 },
	{ "F9", K_F9 }, { "F10", K_F10 }, { "F11", K_F11 }, { "F12", K_F12 },
	{ "Space", ' ' },
};

/* Other spellings that people coming from mutt, vim or tmux write. */
static const struct keys_name keys_aliases[] = {
	{ "Return", K_ENTER }, { "Escape", K_ESC },
	{ "PgUp", K_PAGE_UP }, { "PgDn", K_PAGE_DOWN },
	{ "BSpace", K_BACKSPACE }, { "BS", K_BACKSPACE },
	{ "Del", K_DELETE }, { "Ins", K_INSERT },
};

#define KEYS_NITEMS(a)	(sizeof (a) / sizeof (a)[0])

struct keys_binding {
	int		 key;		/* normalized */
	enum op		 op;		/* OP_NONE: unbound here */
};

struct keys_table {
	struct keys_binding	*b;	/* sorted by key */
	size_t			 n;
	size_t			 cap;
};

struct keymap {
	struct keys_table	 t[KC_COUNT];
};

/* One binding on its way to a help row. */
struct keys_row {
	int			 global;	/* 1: from global */
	struct keys_binding	 b;
	enum key_context	 ctx;
};

/* Set *errstr to a new message; always returns -1. */
static int __attribute__((format(printf, 2, 3)))
keys_seterr(char **errstr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*errstr = xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/* Die unless ctx is a context: a bad one is a bug in the caller. */
static void
keys_check_context(const char *func, enum key_context ctx)
{
	if ((unsigned)ctx >= KC_COUNT)
		fatalx("%s: bad key context %d", func, (int)ctx);
}

/* Return the stable name of op, or NULL. */
const char *
keys_op_name(enum op op)
{
	return (unsigned)op < OP_COUNT ? keys_ops[op].name : NULL;
}

/* Return the translated one-line description of op, or NULL. */
const char *
keys_op_desc(enum op op)
{
	return (unsigned)op < OP_COUNT ? _(keys_ops[op].desc) : NULL;
}

/* Find the operation called name, ignoring case. */
int
keys_op_from_name(const char *name, enum op *op)
{
	size_t i;

	for (i = 0; name != NULL && i < OP_COUNT; i++) {
		if (strcasecmp(name, keys_ops[i].name) == 0) {
			*op = (enum op)i;
			return 0;
		}
	}
	return -1;
}

/* Return the name of ctx, or NULL. */
const char *
keys_context_name(enum key_context ctx)
{
	return (unsigned)ctx < KC_COUNT ? keys_contexts[ctx] : NULL;
}

/* Find the context called name, ignoring case. */
int
keys_context_from_name(const char *name, enum key_context *ctx)
{
	size_t i;

	for (i = 0; name != NULL && i < KC_COUNT; i++) {
		if (strcasecmp(name, keys_contexts[i]) == 0) {
			*ctx = (enum key_context)i;
			return 0;
		}
	}
	return -1;
}

/* Decode the UTF-8 character at s (n > 0 bytes); its length, or 0. */
static size_t
keys_utf8_decode(const char *s, size_t n, int *cp)
{
	static const int min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	const unsigned char *u = (const unsigned char *)s;
	size_t len, i;
	int c;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0)
		len = 2;
	else if ((u[0] & 0xf0) == 0xe0)
		len = 3;
	else if ((u[0] & 0xf8) == 0xf0)
		len = 4;
	else
		return 0;
	c = u[0] & (0x7f >> len);
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min[len] || c > KEYS_UNICODE_MAX ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Write cp as UTF-8 into out (5 bytes), NUL-terminated. */
static void
keys_utf8_encode(int cp, char *out)
{
	unsigned c = (unsigned)cp;

	if (c < 0x80) {
		*out++ = (char)c;
	} else if (c < 0x800) {
		*out++ = (char)(0xc0 | (c >> 6));
		*out++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*out++ = (char)(0xe0 | (c >> 12));
		*out++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*out++ = (char)(0x80 | (c & 0x3f));
	} else {
		*out++ = (char)(0xf0 | (c >> 18));
		*out++ = (char)(0x80 | ((c >> 12) & 0x3f));
		*out++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*out++ = (char)(0x80 | (c & 0x3f));
	}
	*out = '\0';
}

/* Is cp a control character (C0, DEL or C1)? */
static int
keys_is_control(int cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Return the one code the keymap uses for key; see keys.h. */
int
keys_key_normalize(int key)
{
	switch (key) {
	case 8:
	case 127:
		return K_BACKSPACE;
	case 9:
		return K_TAB;
	case 13:
		return K_ENTER;
	case 27:
		return K_ESC;
	}
	return key;
}

/* Can the normalized key be bound? */
static int
keys_key_valid(int key)
{
	if (key >= 1 && key <= 26)
		return 1;
	if (key > KEY_CODE_BASE && key < K_RESIZE)
		return 1;
	return key >= ' ' && key <= KEYS_UNICODE_MAX && !keys_is_control(key) &&
	    (key < 0xd800 || key > 0xdfff);
}

/* Find name (len bytes, ignoring case) in table; 0 with *key, or -1. */
static int
keys_name_find(const struct keys_name *table, size_t n, const char *name,
    size_t len, int *key)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strlen(table[i].name) == len &&
		    strncasecmp(table[i].name, name, len) == 0) {
			*key = table[i].key;
			return 0;
		}
	}
	return -1;
}

/* Parse "<Name>"; s starts with '<'. */
static int
keys_parse_named(const char *s, int *key)
{
	size_t len = strlen(s);

	if (len < 3 || s[len - 1] != '>')
		return -1;
	if (keys_name_find(keys_names, KEYS_NITEMS(keys_names), s + 1,
	    len - 2, key) == 0)
		return 0;
	return keys_name_find(keys_aliases, KEYS_NITEMS(keys_aliases), s + 1,
	    len - 2, key);
}

/* Parse the letter of "C-x" (either case). */
static int
keys_parse_ctrl(const char *s, int *key)
{
	int c = s[0];

	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if (c < 'a' || c > 'z' || s[1] != '\0')
		return -1;
	*key = keys_key_normalize(c - 'a' + 1);
	return 0;
}

/* Parse a string that is exactly one printable UTF-8 character. */
static int
keys_parse_char(const char *s, int *key)
{
	size_t n = strlen(s), len;
	int cp;

	if ((len = keys_utf8_decode(s, n, &cp)) == 0 || len != n ||
	    keys_is_control(cp))
		return -1;
	*key = cp;
	return 0;
}

/* Parse a key name: "j", "あ", "C-l", "<PageDown>"; see keys.h. */
int
keys_parse_key(const char *s, int *key)
{
	if (s == NULL || *s == '\0')
		return -1;
	if (s[0] == '<' && s[1] != '\0')
		return keys_parse_named(s, key);
	if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' && s[2] != '\0')
		return keys_parse_ctrl(s + 2, key);
	return keys_parse_char(s, key);
}

/* Return the name in keys_names of a named key (without <>), or NULL. */
static const char *
keys_canonical(int key)
{
	size_t i;

	for (i = 0; i < KEYS_NITEMS(keys_names); i++) {
		if (keys_names[i].key == key)
			return keys_names[i].name;
	}
	return NULL;
}

/* Return the canonical name of key as a new string, or NULL. */
char *
keys_key_name(int key)
{
	const char *name;
	char buf[5];

	key = keys_key_normalize(key);
	if (!keys_key_valid(key))
		return NULL;
	if ((name = keys_canonical(key)) != NULL)
		return xasprintf("<%s>", name);
	if (key <= 26)
		return xasprintf("C-%c", 'a' + key - 1);
	keys_utf8_encode(key, buf);
	return xstrdup(buf);
}

/* The distance below which a name is worth suggesting for word. */
static unsigned
keys_suggest_limit(const char *word)
{
	size_t len = strlen(word);

	/* Within KEYS_SUGGEST edits, and fewer edits than word has bytes:
	 * "x" is not a typo of "up". */
	return len < KEYS_SUGGEST + 1 ? (unsigned)len : KEYS_SUGGEST + 1;
}

/* Keep name as *best if it is closer to word than *bestd, or as close and
 * longer (having more in common: "PgDown" is nearer "PageDown" than "Down"). */
static void
keys_closer(const char *word, const char *name, const char **best,
    unsigned *bestd)
{
	unsigned d = str_distance(word, name);

	if (d < *bestd || (d == *bestd && *best != NULL &&
	    strlen(name) > strlen(*best))) {
		*best = name;
		*bestd = d;
	}
}

/* Return the operation name nearest to word, or NULL. */
static const char *
keys_suggest_op(const char *word)
{
	const char *best = NULL;
	unsigned bestd = keys_suggest_limit(word);
	size_t i;

	for (i = 0; i < OP_COUNT; i++)
		keys_closer(word, keys_ops[i].name, &best, &bestd);
	return best;
}

/* Return the context name nearest to word, or NULL. */
static const char *
keys_suggest_context(const char *word)
{
	const char *best = NULL;
	unsigned bestd = keys_suggest_limit(word);
	size_t i;

	for (i = 0; i < KC_COUNT; i++)
		keys_closer(word, keys_contexts[i], &best, &bestd);
	return best;
}

/* Return the command nearest to word, or NULL. */
static const char *
keys_suggest_command(const char *word)
{
	const char *best = NULL;
	unsigned bestd = keys_suggest_limit(word);
	size_t i;

	for (i = 0; i < KEYS_NITEMS(keys_commands); i++)
		keys_closer(word, keys_commands[i], &best, &bestd);
	return best;
}

/* Return "<Name>" (new) for a key word that misspells one, or NULL.
 * "<PgeUp>" is near "<PageUp>"; a bare "Enter" means "<Enter>". */
static char *
keys_suggest_key(const char *word)
{
	const char *best = NULL, *alias, *inner = word;
	char buf[KEYS_LINE_MAX + 1];
	size_t i, len = strlen(word);
	unsigned bestd;

	if (word[0] == '<' && len >= 2 && word[len - 1] == '>') {
		memcpy(buf, word + 1, len - 2);
		buf[len - 2] = '\0';
		inner = buf;
	}
	bestd = inner == word ? 1 : keys_suggest_limit(inner);
	for (i = 0; i < KEYS_NITEMS(keys_names); i++)
		keys_closer(inner, keys_names[i].name, &best, &bestd);
	for (i = 0; i < KEYS_NITEMS(keys_aliases); i++) {
		alias = NULL;
		keys_closer(inner, keys_aliases[i].name, &alias, &bestd);
		if (alias != NULL)
			best = keys_canonical(keys_aliases[i].key);
	}
	return best == NULL ? NULL : xasprintf("<%s>", best);
}

/* Parse the context word of a line. */
static int
keys_word_context(const char *w, enum key_context *ctx, char **errstr)
{
	const char *best;

	if (keys_context_from_name(w, ctx) == 0)
		return 0;
	if ((best = keys_suggest_context(w)) != NULL) {
		return keys_seterr(errstr, _("unknown context \"%s\" (did you "
		    "mean \"%s\"?)"), w, best);
	}
	return keys_seterr(errstr, _("unknown context \"%s\""), w);
}

/* Parse the key word of a line. */
static int
keys_word_key(const char *w, int *key, char **errstr)
{
	char *best;
	int r;

	if (keys_parse_key(w, key) == 0)
		return 0;
	if ((best = keys_suggest_key(w)) != NULL) {
		/* TRANSLATORS: a keyboard key, e.g. "C-l" or "<PageUp>". */
		r = keys_seterr(errstr, _("unknown key name \"%s\" (did you "
		    "mean \"%s\"?)"), w, best);
		free(best);
		return r;
	}
	/* TRANSLATORS: a key of the keyboard, as in "C-l" or "<PageUp>". */
	return keys_seterr(errstr, _("unknown key name \"%s\""), w);
}

/* Parse the operation word of a line. */
static int
keys_word_op(const char *w, enum op *op, char **errstr)
{
	const char *best;

	if (keys_op_from_name(w, op) == 0)
		return 0;
	if ((best = keys_suggest_op(w)) != NULL) {
		return keys_seterr(errstr, _("unknown operation \"%s\" (did "
		    "you mean \"%s\"?)"), w, best);
	}
	return keys_seterr(errstr, _("unknown operation \"%s\""), w);
}

/* Explain a line that starts with neither "bind" nor "unbind". */
static int
keys_unknown_command(const char *w, char **errstr)
{
	const char *best;

	if ((best = keys_suggest_command(w)) != NULL) {
		return keys_seterr(errstr, _("unknown command \"%s\" (did you "
		    "mean \"%s\"?)"), w, best);
	}
	return keys_seterr(errstr, _("unknown command \"%s\" (expected "
	    "\"bind\" or \"unbind\")"), w);
}

/* Return the index of key in table, or where it would go (*found = 0). */
static size_t
keys_search(const struct keys_table *t, int key, int *found)
{
	size_t lo = 0, hi = t->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->b[mid].key == key) {
			*found = 1;
			return mid;
		}
		if (t->b[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

/* Bind key to op in t, replacing what it was bound to. */
static void
keys_table_set(struct keys_table *t, int key, enum op op)
{
	size_t i;
	int found;

	i = keys_search(t, key, &found);
	if (!found) {
		if (t->n == t->cap) {
			t->cap = t->cap == 0 ? 16 : t->cap * 2;
			t->b = xreallocarray(t->b, t->cap, sizeof *t->b);
		}
		memmove(&t->b[i + 1], &t->b[i], (t->n - i) * sizeof *t->b);
		t->n++;
		t->b[i].key = key;
	}
	t->b[i].op = op;
}

/* Remove key from t, if it is there. */
static void
keys_table_remove(struct keys_table *t, int key)
{
	size_t i;
	int found;

	i = keys_search(t, key, &found);
	if (!found)
		return;
	memmove(&t->b[i], &t->b[i + 1], (t->n - i - 1) * sizeof *t->b);
	t->n--;
}

/* Bind or (op OP_NONE) unbind key in ctx; see keys.h for unbinding. */
static void
keys_set(struct keymap *map, enum key_context ctx, int key, enum op op)
{
	if (op == OP_NONE && ctx == KC_GLOBAL)
		keys_table_remove(&map->t[ctx], key);
	else
		keys_table_set(&map->t[ctx], key, op);
}

/* Split buf into at most max words in place; returns how many there are
 * in all (more than max when words were left out). */
static size_t
keys_split(char *buf, char **w, size_t max)
{
	static const char space[] = " \t";
	size_t n = 0;
	char *p = buf;

	for (;;) {
		p += strspn(p, space);
		if (*p == '\0')
			return n;
		if (n < max)
			w[n] = p;
		n++;
		p += strcspn(p, space);
		if (*p != '\0')
			*p++ = '\0';
	}
}

/* Check that a command has exactly want words (a trailing "#..." is a
 * comment); usage is the command's syntax. */
static int
keys_check_words(char **w, size_t n, size_t want, const char *usage,
    char **errstr)
{
	if (n == want || (n > want && w[want][0] == '#'))
		return 0;
	/* TRANSLATORS: %s is the syntax, e.g. "bind CONTEXT KEY OPERATION". */
	return keys_seterr(errstr, _("wrong number of words: expected \"%s\""),
	    usage);
}

/* Run "bind CONTEXT KEY OPERATION". */
static int
keys_cmd_bind(struct keymap *map, char **w, size_t n, char **errstr)
{
	enum key_context ctx = KC_GLOBAL;
	enum op op = OP_NONE;
	int key = 0;

	if (keys_check_words(w, n, 4, "bind CONTEXT KEY OPERATION",
	    errstr) != 0 ||
	    keys_word_context(w[1], &ctx, errstr) != 0 ||
	    keys_word_key(w[2], &key, errstr) != 0 ||
	    keys_word_op(w[3], &op, errstr) != 0)
		return -1;
	keys_set(map, ctx, key, op);
	return 0;
}

/* Run "unbind CONTEXT KEY". */
static int
keys_cmd_unbind(struct keymap *map, char **w, size_t n, char **errstr)
{
	enum key_context ctx = KC_GLOBAL;
	int key = 0;

	if (keys_check_words(w, n, 3, "unbind CONTEXT KEY", errstr) != 0 ||
	    keys_word_context(w[1], &ctx, errstr) != 0 ||
	    keys_word_key(w[2], &key, errstr) != 0)
		return -1;
	keys_set(map, ctx, key, OP_NONE);
	return 0;
}

/* Refuse text that is not UTF-8 or holds control characters. */
static int
keys_check_text(const char *s, size_t len, char **errstr)
{
	size_t i, n;
	int cp;

	for (i = 0; i < len; i += n) {
		if ((n = keys_utf8_decode(s + i, len - i, &cp)) == 0)
			return keys_seterr(errstr,
			    _("the line is not valid UTF-8"));
		if (keys_is_control(cp) && cp != '\t')
			return keys_seterr(errstr,
			    _("the line contains a control character"));
	}
	return 0;
}

/* Run one line of len bytes; see keys_bind_line(). */
static int
keys_bind_text(struct keymap *map, const char *s, size_t len,
    char **errstr)
{
	char buf[KEYS_LINE_MAX + 1], *w[KEYS_WORDS_MAX];
	size_t n;

	if (len > 0 && s[len - 1] == '\n')
		len--;
	if (len > 0 && s[len - 1] == '\r')
		len--;
	if (len > KEYS_LINE_MAX) {
		return keys_seterr(errstr, _("line too long (more than %d "
		    "bytes)"), KEYS_LINE_MAX);
	}
	if (keys_check_text(s, len, errstr) != 0)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((n = keys_split(buf, w, KEYS_WORDS_MAX)) == 0 || w[0][0] == '#')
		return 0;
	if (strcasecmp(w[0], "bind") == 0)
		return keys_cmd_bind(map, w, n, errstr);
	if (strcasecmp(w[0], "unbind") == 0)
		return keys_cmd_unbind(map, w, n, errstr);
	return keys_unknown_command(w[0], errstr);
}

/* Run one line of the bindings language; see keys.h. */
int
keys_bind_line(struct keymap *map, const char *line, char **errstr)
{
	if (map == NULL || line == NULL)
		fatalx("%s: NULL argument", __func__);
	return keys_bind_text(map, line, strlen(line), errstr);
}

/* Parse the default bindings into map; a bad line is a bug. */
static void
keys_load_defaults(struct keymap *map)
{
	const char *p = keys_default_bindings, *nl;
	unsigned line = 0;
	char *err;

	for (; *p != '\0'; p = nl + 1) {
		line++;
		if ((nl = strchr(p, '\n')) == NULL)
			fatalx("default key bindings: no newline at the end");
		if (keys_bind_text(map, p, (size_t)(nl - p), &err) != 0)
			fatalx("default key bindings, line %u: %s", line, err);
	}
}

/* Return a new keymap holding the default bindings. */
struct keymap *
keys_new(void)
{
	struct keymap *map = xcalloc(1, sizeof *map);

	keys_load_defaults(map);
	return map;
}

/* Free a keymap; accepts NULL. */
void
keys_free(struct keymap *map)
{
	size_t i;

	if (map == NULL)
		return;
	for (i = 0; i < KC_COUNT; i++)
		free(map->t[i].b);
	free(map);
}

/* Append msg (taken over) to the caller's errors, if it wants them. */
static void
keys_add_error(char ***errors, size_t *nerrors, char *msg)
{
	if (errors == NULL || nerrors == NULL) {
		free(msg);
		return;
	}
	*errors = xreallocarray(*errors, *nerrors + 1, sizeof **errors);
	(*errors)[(*nerrors)++] = msg;
}

/* Read a line of fp, keeping its first size bytes in buf (the rest is
 * dropped, so a long line still ends where it should); -1 at the end. */
static int
keys_read_line(FILE *fp, char *buf, size_t size, size_t *lenp)
{
	size_t len = 0;
	int c, any = 0;

	while ((c = getc(fp)) != EOF && c != '\n') {
		any = 1;
		if (len < size)
			buf[len++] = (char)c;
	}
	*lenp = len;
	return c == EOF && !any ? -1 : 0;
}

/* Run every line of fp; returns the number of bad ones. */
static size_t
keys_load_lines(struct keymap *map, FILE *fp, const char *path,
    char ***errors, size_t *nerrors)
{
	char buf[KEYS_LINE_MAX + 1], *err;
	size_t len, bad = 0;
	unsigned line = 0;

	while (keys_read_line(fp, buf, sizeof buf, &len) == 0) {
		line++;
		if (keys_bind_text(map, buf, len, &err) == 0)
			continue;
		keys_add_error(errors, nerrors, xasprintf("%s:%u: %s", path,
		    line, err));
		free(err);
		bad++;
	}
	return bad;
}

/* Load the keys file at path on top of map; see keys.h. */
size_t
keys_load_file(struct keymap *map, const char *path, char ***errors,
    size_t *nerrors)
{
	FILE *fp;
	size_t bad;

	if (map == NULL || path == NULL)
		fatalx("%s: NULL argument", __func__);
	if ((fp = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		keys_add_error(errors, nerrors, xasprintf(_("%s: cannot "
		    "open: %s"), path, strerror(errno)));
		return 1;
	}
	errno = 0;
	bad = keys_load_lines(map, fp, path, errors, nerrors);
	if (ferror(fp)) {
		keys_add_error(errors, nerrors, xasprintf(_("%s: cannot "
		    "read: %s"), path, strerror(errno != 0 ? errno : EIO)));
		bad++;
	}
	fclose(fp);
	return bad;
}

/* Return the path of the user's keys file (new string). */
char *
keys_default_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "keys");
}

/* Return what key does in ctx: the screen's binding, else the global one. */
enum op
keys_lookup(const struct keymap *map, enum key_context ctx, int key)
{
	const struct keys_table *t;
	size_t i;
	int found;

	keys_check_context(__func__, ctx);
	if (map == NULL)
		return OP_NONE;
	key = keys_key_normalize(key);
	t = &map->t[ctx];
	i = keys_search(t, key, &found);
	if (found)
		return t->b[i].op;
	t = &map->t[KC_GLOBAL];
	i = keys_search(t, key, &found);
	return found ? t->b[i].op : OP_NONE;
}

/* Append the active bindings of t to rows (not those global by t's
 * keys in `by`, if not NULL); returns the new count. */
static size_t
keys_rows_add(struct keys_row *rows, size_t n, const struct keymap *map,
    enum key_context ctx, const struct keys_table *by)
{
	const struct keys_table *t = &map->t[ctx];
	size_t i;
	int found;

	for (i = 0; i < t->n; i++) {
		if (t->b[i].op == OP_NONE)
			continue;
		if (by != NULL) {
			(void)keys_search(by, t->b[i].key, &found);
			if (found)
				continue;
		}
		rows[n].global = by != NULL;
		rows[n].b = t->b[i];
		rows[n].ctx = ctx;
		n++;
	}
	return n;
}

/* Order help rows: the screen's first, then by operation, then by key. */
static int
keys_rows_cmp(const void *va, const void *vb)
{
	const struct keys_row *a = va, *b = vb;

	if (a->global != b->global)
		return a->global - b->global;
	if (a->b.op != b->b.op)
		return a->b.op < b->b.op ? -1 : 1;
	return a->b.key < b->b.key ? -1 : a->b.key > b->b.key;
}

/* Return the rows of the help of ctx in *out; see keys.h. */
size_t
keys_help(const struct keymap *map, enum key_context ctx,
    struct key_help **out)
{
	struct keys_row *rows;
	struct key_help *h;
	size_t i, n = 0;

	keys_check_context(__func__, ctx);
	*out = NULL;
	if (map == NULL)
		return 0;
	rows = xreallocarray(NULL, map->t[ctx].n + map->t[KC_GLOBAL].n,
	    sizeof *rows);
	n = keys_rows_add(rows, n, map, ctx, NULL);
	if (ctx != KC_GLOBAL)
		n = keys_rows_add(rows, n, map, KC_GLOBAL, &map->t[ctx]);
	qsort(rows, n, sizeof *rows, keys_rows_cmp);
	h = xcalloc(n, sizeof *h);
	for (i = 0; i < n; i++) {
		if ((h[i].key = keys_key_name(rows[i].b.key)) == NULL)
			fatalx("%s: key %d has no name", __func__,
			    rows[i].b.key);
		h[i].op = keys_op_name(rows[i].b.op);
		h[i].desc = keys_op_desc(rows[i].b.op);
		h[i].ctx = rows[i].ctx;
	}
	free(rows);
	*out = h;
	return n;
}

/* Free the rows returned by keys_help(); accepts NULL. */
void
keys_help_free(struct key_help *h, size_t n)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < n; i++)
		free(h[i].key);
	free(h);
}
