/* term.h: the terminal layer, the only code that includes curses.
 *
 * Everything drawn passes through text_sanitize(); widths are display
 * columns. Colour is used only when the terminal has it and NO_COLOR is
 * not set, and never alone: every attribute also has a text form.
 *
 * Error contract: term_init() exits with a message when the terminal
 * cannot be used; nothing else fails. */
#ifndef STARLING_TERM_H
#define STARLING_TERM_H

enum attr {
	AT_NORMAL,
	AT_BOLD,
	AT_DIM,
	AT_REVERSE,		/* the cursor line */
	AT_BAR,			/* title and status bars */
	AT_OK,			/* verified: green */
	AT_PIN,			/* pinned: cyan */
	AT_WARN,		/* unverified: yellow */
	AT_BAD,			/* plaintext, errors: red */
	AT_COUNT
};

void	term_init(void);
void	term_end(void);
int	term_rows(void);
int	term_cols(void);
int	term_utf8(void);
void	term_erase(void);
int	term_put(int, int, int, enum attr, const char *);
void	term_fill(int, enum attr);
void	term_cursor(int, int, int);
void	term_flush(void);
int	term_key(int);
void	term_suspend(void);
void	term_resume(void);

#endif
