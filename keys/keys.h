/* keys.h: key bindings as data: operations, the default bindings (written
 * in the bindings language and parsed at start-up), the user's keys file
 * (`bind CONTEXT KEY OPERATION`), and the help derived from the active
 * bindings. No curses here: key codes are our own (below), and the
 * terminal layer translates curses' codes into them.
 *
 * Error contract: keys_bind_line() returns 0, or -1 with *errstr set to a
 * newly allocated, translated sentence. keys_load_file() loads every good
 * line and returns the number of bad ones, with one newly allocated
 * "FILE:LINE: message" per bad line appended to *errors (a missing file is
 * not an error: it returns 0). Allocation failure is fatal. */
#ifndef STARLING_KEYS_H
#define STARLING_KEYS_H

#include <stddef.h>

/* Key codes: Unicode code points for characters, 1..26 for Ctrl-A..Ctrl-Z
 * (Ctrl-I is Tab, Ctrl-M is Enter), and these for the rest. */
enum {
	KEY_CODE_BASE = 0x200000,
	K_UP, K_DOWN, K_LEFT, K_RIGHT,
	K_PAGE_UP, K_PAGE_DOWN, K_HOME, K_END,
	K_ENTER, K_ESC, K_BACKSPACE, K_TAB, K_DELETE, K_INSERT,
	K_F1, K_F2, K_F3, K_F4, K_F5, K_F6, K_F7, K_F8, K_F9, K_F10,
	K_F11, K_F12,
	K_RESIZE,		/* not bindable: the terminal changed size */
	K_LAST
};

enum key_context {
	KC_GLOBAL,		/* "global": applies everywhere, looked up last */
	KC_ACCOUNTS,		/* "accounts" */
	KC_FOLDERS,		/* "folders" */
	KC_INDEX,		/* "index" */
	KC_PAGER,		/* "pager" */
	KC_CERT,		/* "certificate" */
	KC_TRANSCRIPT,		/* "transcript" */
	KC_HELP,		/* "help" */
	KC_GUIDE,		/* "guide" */
	KC_COMPOSE,		/* "compose": the confirmation screen */
	KC_COUNT
};

enum op {
	OP_NONE,
	OP_UP, OP_DOWN, OP_PAGE_UP, OP_PAGE_DOWN, OP_TOP, OP_BOTTOM,
	OP_SELECT,		/* open the thing under the cursor */
	OP_BACK,		/* leave this screen */
	OP_QUIT,		/* leave starling */
	OP_HELP,
	OP_SEARCH, OP_SEARCH_NEXT,
	OP_CERT,		/* certificate details */
	OP_TRANSCRIPT,
	OP_REDRAW,
	OP_CONNECT,		/* (re)connect the current account */
	OP_CANCEL,		/* cancel the running network operation */
	OP_NEXT_SERVICE,	/* cycle IMAP/POP3/SMTP in cert/transcript */
	OP_PIN,			/* pin this key (typed confirmation) */
	OP_ACCEPT,		/* accept this certificate for the session */
	OP_REJECT,
	OP_SAVE,		/* save the transcript to a file */
	OP_GUIDE,		/* how starling protects mail */
	OP_COMPOSE,		/* write a new message */
	OP_REPLY,		/* reply to the sender */
	OP_REPLY_ALL,		/* reply to the sender and every recipient */
	OP_FORWARD,		/* forward the message */
	OP_FLUSH,		/* try the outbox again */
	OP_SEND,		/* compose: send the message */
	OP_EDIT,		/* compose: edit it again */
	OP_ATTACH,		/* compose: attach a file */
	OP_POSTPONE,		/* compose: keep it as a draft */
	/* Actions on messages in the index (mutt's names). */
	OP_TOGGLE_NEW,		/* read <-> unread */
	OP_FLAG,		/* \Flagged on/off */
	OP_DELETE,		/* mark deleted (undo: OP_UNDELETE) */
	OP_UNDELETE,
	OP_EXPUNGE,		/* remove the marked ones (asks first) */
	OP_MOVE,		/* to another folder */
	OP_COPY,
	OP_LIMIT,		/* server search: show only the hits */
	OP_SORT,		/* choose an order */
	OP_SORT_REVERSE,
	OP_THREADS,		/* threads on/off */
	OP_ATTACHMENTS,		/* the message's attachment list */
	OP_SAVE_ATTACHMENT,	/* save an attachment into a folder */
	OP_FETCH,		/* download POP3 mail into the Maildir */
	OP_COUNT
};

struct keymap;

struct key_help {
	char		*key;		/* "j", "<Down>", "C-l" */
	const char	*op;		/* "down" */
	const char	*desc;		/* translated description */
	enum key_context ctx;		/* where the binding comes from */
};

struct keymap	*keys_new(void);
void		 keys_free(struct keymap *);
int		 keys_bind_line(struct keymap *, const char *, char **);
size_t		 keys_load_file(struct keymap *, const char *, char ***,
		     size_t *);
char		*keys_default_path(void);
enum op		 keys_lookup(const struct keymap *, enum key_context, int);
size_t		 keys_help(const struct keymap *, enum key_context,
		     struct key_help **);
void		 keys_help_free(struct key_help *, size_t);
const char	*keys_op_name(enum op);
const char	*keys_op_desc(enum op);
int		 keys_op_from_name(const char *, enum op *);
const char	*keys_context_name(enum key_context);
int		 keys_context_from_name(const char *, enum key_context *);
int		 keys_parse_key(const char *, int *);
char		*keys_key_name(int);

/*
 * Added by keys.c (nothing above changed):
 *
 * keys_key_normalize() turns the codes that several keys share into the one
 * the keymap uses: 13 -> K_ENTER, 9 -> K_TAB, 8 and 127 -> K_BACKSPACE,
 * 27 -> K_ESC; keys_lookup() and keys_key_name() call it themselves.
 *
 * Unbinding (`unbind CTX KEY`, or `bind CTX KEY none`) in "global" removes
 * the binding; in another context it makes KEY do nothing there, even if
 * "global" binds it (keys_lookup() returns OP_NONE and keys_help() lists no
 * row for it). OP_NONE is named "none".
 *
 * keys_parse_key() returns 0 with *key set, or -1 for a string that names no
 * bindable key (NULL and "" included). keys_key_name() returns a new string,
 * or NULL for a code that is no bindable key (0, K_RESIZE, ...).
 * keys_op_name(), keys_op_desc() and keys_context_name() return NULL out of
 * range; the *_from_name() functions return 0, or -1 (NULL included) and
 * ignore case. keys_lookup() and keys_help() accept a NULL map (nothing is
 * bound). keys_load_file() reports a file that exists but cannot be read as
 * one "FILE: message" error.
 *
 * keys_default_bindings is the text of the default bindings, one
 * `bind CONTEXT KEY OPERATION` line each (keys/defaults.c).
 */
#define KEYS_LINE_MAX	1024	/* longer lines are errors */

extern const char	 keys_default_bindings[];

int		 keys_key_normalize(int);

#endif
