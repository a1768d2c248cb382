/* term.c: the terminal layer over ncursesw; the only file with curses. */
#include "build-config.h"

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"
#include "term.h"
#include "text.h"

static int term_colour;
static int term_is_utf8;
static chtype attr_map[AT_COUNT];
static int cursor_y, cursor_x, cursor_on;

/* Colours when the terminal has them and NO_COLOR is not set. */
static void
term_colours(void)
{
	const char *nc = getenv("NO_COLOR");

	attr_map[AT_BOLD] = A_BOLD;
	attr_map[AT_DIM] = A_DIM;
	attr_map[AT_REVERSE] = A_REVERSE;
	attr_map[AT_BAR] = A_REVERSE;
	attr_map[AT_OK] = A_BOLD;
	attr_map[AT_PIN] = A_BOLD;
	attr_map[AT_WARN] = A_BOLD | A_UNDERLINE;
	attr_map[AT_BAD] = A_BOLD | A_UNDERLINE;
	term_colour = has_colors() && (nc == NULL || *nc == '\0');
	if (!term_colour)
		return;
	start_color();
	use_default_colors();
	init_pair(1, COLOR_GREEN, -1);
	init_pair(2, COLOR_CYAN, -1);
	init_pair(3, COLOR_YELLOW, -1);
	init_pair(4, COLOR_RED, -1);
	attr_map[AT_OK] = A_BOLD | COLOR_PAIR(1);
	attr_map[AT_PIN] = A_BOLD | COLOR_PAIR(2);
	attr_map[AT_WARN] = A_BOLD | COLOR_PAIR(3);
	attr_map[AT_BAD] = A_BOLD | COLOR_PAIR(4);
}

/* Home and End as VT220, rxvt and tmux send them, whatever TERM's
 * terminfo says (tmux sends ESC [ 4 ~ for End even under xterm-256color). */
static void
term_more_keys(void)
{
	static const struct { const char *seq; int key; } keys[] = {
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END },
		{ "\033[7~", KEY_HOME }, { "\033[8~", KEY_END },
		{ "\033[H", KEY_HOME }, { "\033[F", KEY_END },
		{ "\033OH", KEY_HOME }, { "\033OF", KEY_END },
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (key_defined(keys[i].seq) == 0)
			define_key(keys[i].seq, keys[i].key);
}

/* Take over the terminal. */
void
term_init(void)
{
	const char *cs = nl_langinfo(CODESET);

	term_is_utf8 = cs != NULL && strcmp(cs, "UTF-8") == 0;
	text_set_ascii(!term_is_utf8);
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	if (initscr() == NULL) {
		fprintf(stderr, "%s\n", _("starling: cannot use this terminal"));
		exit(1);
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	term_more_keys();
	curs_set(0);
	term_colours();
}

/* Give the terminal back. */
void
term_end(void)
{
	if (!isendwin())
		endwin();
}

/* Leave curses mode for a while (an editor, a shell). */
void
term_suspend(void)
{
	def_prog_mode();
	endwin();
}

/* Come back after term_suspend(). */
void
term_resume(void)
{
	reset_prog_mode();
	refresh();
}

int term_rows(void) { return LINES; }
int term_cols(void) { return COLS; }
int term_utf8(void) { return term_is_utf8; }

/* Clear the whole screen (drawn on the next flush). */
void
term_erase(void)
{
	erase();
}

/* Draw text at y, x in at most width columns; the columns used. */
int
term_put(int y, int x, int width, enum attr a, const char *s)
{
	char *fit;
	int used;

	if (y < 0 || y >= LINES || x >= COLS || width <= 0)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	fit = text_fit(s, width, 0);
	used = text_width(fit);
	attrset(attr_map[a]);
	mvaddstr(y, x, fit);
	attrset(A_NORMAL);
	free(fit);
	return used;
}

/* Paint a whole line in an attribute (a bar, the cursor line). */
void
term_fill(int y, enum attr a)
{
	if (y < 0 || y >= LINES)
		return;
	attrset(attr_map[a]);
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
}

/* Show the cursor at y, x after this redraw (prompts), or hide it. */
void
term_cursor(int y, int x, int visible)
{
	cursor_y = y;
	cursor_x = x;
	cursor_on = visible;
}

/* Send what was drawn to the terminal. */
void
term_flush(void)
{
	curs_set(cursor_on ? 1 : 0);
	if (cursor_on)
		move(cursor_y, cursor_x);
	refresh();
}

/* Translate a curses function key into our key codes. */
static int
term_fkey(wint_t k)
{
	static const struct { wint_t c; int k; } map[] = {
		{ KEY_UP, K_UP }, { KEY_DOWN, K_DOWN }, { KEY_LEFT, K_LEFT },
		{ KEY_RIGHT, K_RIGHT }, { KEY_PPAGE, K_PAGE_UP },
		{ KEY_NPAGE, K_PAGE_DOWN }, { KEY_HOME, K_HOME },
		{ KEY_END, K_END }, { KEY_ENTER, K_ENTER },
		{ KEY_BACKSPACE, K_BACKSPACE }, { KEY_DC, K_DELETE },
		{ KEY_IC, K_INSERT }, { KEY_RESIZE, K_RESIZE },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].c == k)
			return map[i].k;
	if (k >= KEY_F(1) && k <= KEY_F(12))
		return K_F1 + (int)(k - KEY_F(1));
	return -1;
}

/* Translate a character key: Enter, Tab, Esc and Backspace are named. */
static int
term_ckey(wint_t c)
{
	switch (c) {
	case '\r':
	case '\n':
		return K_ENTER;
	case '\t':
		return K_TAB;
	case 0x1b:
		return K_ESC;
	case 0x7f:
	case 0x08:
		return K_BACKSPACE;
	}
	return (int)c;
}

/* The next key within timeout ms (-1: wait forever); -1 if none. */
int
term_key(int timeout_ms)
{
	wint_t c;
	int r;

	timeout(timeout_ms);
	r = get_wch(&c);
	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES)
		return term_fkey(c);
	return term_ckey(c);
}
