/* dialog.c: the modal dialogs: the password prompt (no echo), the
 * typed confirmation (the plaintext override, pinning a key), and a line
 * of input with a default (a file to attach, the folder to save an
 * attachment in). */
#include "build-config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "screen.h"
#include "term.h"
#include "text.h"
#include "xmalloc.h"

#define INPUT_MAX 512

struct dialog {
	int		 account;
	char		*text;		/* what the dialog explains */
	char		*expected;	/* confirm: what must be typed */
	char		 input[INPUT_MAX];
	size_t		 len;
	int		 secret;	/* password: no echo, wiped */
	void		(*done)(struct app *, void *);
	void		*arg;
	/* Input: what the line is for, and what gets it. */
	const char	*label;
	void		(*input_done)(struct app *, void *, const char *);
	void		(*arg_free)(void *);
};

/* Append the UTF-8 form of a typed character. */
static void
input_add(struct dialog *d, int key)
{
	char buf[4];
	size_t n;

	if (key < 0x20 || key >= 0x110000 || key == 0x7f)
		return;
	if (key < 0x80) {
		buf[0] = (char)key;
		n = 1;
	} else if (key < 0x800) {
		buf[0] = (char)(0xc0 | key >> 6);
		buf[1] = (char)(0x80 | (key & 0x3f));
		n = 2;
	} else if (key < 0x10000) {
		buf[0] = (char)(0xe0 | key >> 12);
		buf[1] = (char)(0x80 | (key >> 6 & 0x3f));
		buf[2] = (char)(0x80 | (key & 0x3f));
		n = 3;
	} else {
		buf[0] = (char)(0xf0 | key >> 18);
		buf[1] = (char)(0x80 | (key >> 12 & 0x3f));
		buf[2] = (char)(0x80 | (key >> 6 & 0x3f));
		buf[3] = (char)(0x80 | (key & 0x3f));
		n = 4;
	}
	if (d->len + n >= INPUT_MAX)
		return;
	memcpy(d->input + d->len, buf, n);
	d->len += n;
	d->input[d->len] = '\0';
}

/* Remove the last character (all its UTF-8 bytes). */
static void
input_backspace(struct dialog *d)
{
	while (d->len > 0) {
		d->len--;
		if (((unsigned char)d->input[d->len] & 0xc0) != 0x80)
			break;
	}
	d->input[d->len] = '\0';
}

/* Draw the explanation wrapped at spaces; the next free row. */
static int
dialog_wrap(const char *text, int y, int rows)
{
	int cols = term_cols() - 2, end = y + rows;
	const char *p = text;
	char *line;
	size_t n;

	while (*p != '\0' && y < end) {
		n = text_wrap(p, cols);
		line = xstrndup(p, n);
		term_put(y++, 1, cols, AT_NORMAL, line);
		free(line);
		p += n;
		while (*p == ' ')
			p++;
	}
	return y;
}

/* Draw the dialog: the text, then the input line with the cursor. */
static void
dialog_draw(struct screen *s, int top, int rows)
{
	struct dialog *d = s->data;
	const char *label = d->label ? d->label : d->secret ?
	    _("Password: ") : _("Type here: ");
	int y = dialog_wrap(d->text, top + 1, rows - 3) + 1, x;

	x = 1 + term_put(y, 1, term_cols() - 2, AT_BOLD, label);
	if (!d->secret)
		x += term_put(y, x, term_cols() - x, AT_NORMAL, d->input);
	term_put(y + 1, 1, term_cols() - 2, AT_DIM, d->secret ?
	    _("Nothing you type is shown. Enter: send, Esc: cancel") :
	    _("Enter: confirm, Esc: cancel"));
	term_cursor(y, x, 1);
}

/* Close the dialog, wiping what was typed. */
static void
dialog_close(struct screen *s)
{
	app_pop(s->app);
}

/* Enter in the password dialog: hand the password to the worker. */
static void
dialog_password_enter(struct screen *s)
{
	struct dialog *d = s->data;

	worker_password(s->app->workers[d->account], d->input);
	dialog_close(s);
}

/* Enter in the confirmation: run the action only on an exact match. */
static void
dialog_confirm_enter(struct screen *s)
{
	struct dialog *d = s->data;
	void (*done)(struct app *, void *) = d->done;
	void *arg = d->arg;
	struct app *a = s->app;

	if (strcmp(d->input, d->expected) != 0) {
		app_message(a, 1, _("that is not \"%s\"; nothing was changed"),
		    d->expected);
		d->len = 0;
		d->input[0] = '\0';
		return;
	}
	dialog_close(s);
	done(a, arg);
}

/* Enter in an input line: hand over what was typed. */
static void
dialog_input_enter(struct screen *s)
{
	struct dialog *d = s->data;
	void (*done)(struct app *, void *, const char *) = d->input_done;
	void *arg = d->arg;
	struct app *a = s->app;
	char *text = xstrdup(d->input);

	d->arg = NULL;		/* now done's to free */
	dialog_close(s);
	done(a, arg, text);
	free(text);
}

/* Every key goes to the dialog. */
static int
dialog_key(struct screen *s, int key)
{
	struct dialog *d = s->data;

	if (key == K_ESC) {
		if (d->secret)
			worker_password(s->app->workers[d->account], NULL);
		app_message(s->app, 0, "%s", _("cancelled"));
		dialog_close(s);
	} else if (key == K_ENTER) {
		if (d->input_done != NULL)
			dialog_input_enter(s);
		else if (d->secret)
			dialog_password_enter(s);
		else if (d->input_done != NULL)
			dialog_input_enter(s);
		else
			dialog_confirm_enter(s);
	} else if (key == K_BACKSPACE)
		input_backspace(d);
	else if (key == 21) {				/* C-u */
		xwipe(d->input, sizeof(d->input));
		d->len = 0;
	}
	else if (key != K_RESIZE)
		input_add(d, key);
	return 1;
}

/* Operations never reach a dialog (it takes every key). */
static int
dialog_op(struct screen *s, enum op op)
{
	return 1;
}

/* The title. */
static char *
dialog_title(struct screen *s)
{
	struct dialog *d = s->data;

	if (d->input_done != NULL)
		return xstrdup(_("input"));
	return xstrdup(d->secret ? _("password") : _("confirmation"));
}

/* Free the dialog and wipe its input. */
static void
dialog_free(struct screen *s)
{
	struct dialog *d = s->data;

	xwipe(d->input, sizeof(d->input));
	if (d->arg_free != NULL)
		d->arg_free(d->arg);
	free(d->text);
	free(d->expected);
	free(d);
	free(s);
}

static const struct screen_ops dialog_ops = {
	.name = "dialog",
	.ctx = KC_GLOBAL,
	.draw = dialog_draw,
	.op = dialog_op,
	.key = dialog_key,
	.title = dialog_title,
	.free = dialog_free,
};

/* The password prompt; text says where the password will travel. */
struct screen *
dlg_password_new(struct app *a, int account, const char *text)
{
	struct dialog *d = xcalloc(1, sizeof(*d));

	d->account = account;
	d->secret = 1;
	d->text = xstrdup(text ? text : "");
	return screen_new(&dialog_ops, a, d);
}

/* A typed confirmation: done(a, arg) runs once expected is typed. */
struct screen *
dlg_confirm_new(struct app *a, const char *text, const char *expected,
    void (*done)(struct app *, void *), void *arg)
{
	struct dialog *d = xcalloc(1, sizeof(*d));

	d->account = a->account;
	d->text = xstrdup(text);
	d->expected = xstrdup(expected);
	d->done = done;
	d->arg = arg;
	return screen_new(&dialog_ops, a, d);
}

/* A line of input starting as initial; done(a, arg, text) on Enter (it
 * then owns arg); arg_free(arg) when cancelled. */
struct screen *
dlg_input_new(struct app *a, const char *text, const char *label,
    const char *initial, void (*done)(struct app *, void *, const char *),
    void *arg, void (*arg_free)(void *))
{
	struct dialog *d = xcalloc(1, sizeof(*d));
	size_t n = strlen(initial);

	while (n >= INPUT_MAX || (n > 0 &&
	    ((unsigned char)initial[n] & 0xc0) == 0x80))
		n--;
	memcpy(d->input, initial, n);
	d->len = n;
	d->account = a->account;
	d->text = xstrdup(text);
	d->label = label;
	d->input_done = done;
	d->arg = arg;
	d->arg_free = arg_free;
	return screen_new(&dialog_ops, a, d);
}
