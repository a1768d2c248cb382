/* screen.h: the screens of the UI and the application that stacks them.
 *
 * A screen is a small struct of callbacks (tmux's window modes are the
 * model): draw its content area, handle an operation (keys are mapped to
 * operations by keys/ before they reach a screen), optionally take raw
 * keys (prompts), and receive worker events. Screens only mark things
 * dirty; one pass in app.c redraws.
 *
 * Error contract: none (allocation is fatal); user-facing problems are
 * shown with app_message(). */
#ifndef STARLING_SCREEN_H
#define STARLING_SCREEN_H

#include "config.h"
#include "keys.h"
#include "worker.h"

struct app;
struct screen;

struct screen_ops {
	const char	*name;
	enum key_context ctx;
	/* Draw rows [top, top + rows) of the terminal. */
	void		(*draw)(struct screen *, int, int);
	/* Handle an operation; return 1 if handled. */
	int		(*op)(struct screen *, enum op);
	/* Optional: take a raw key first (prompts); return 1 if taken. */
	int		(*key)(struct screen *, int);
	/* Optional: a worker event (every screen on the stack gets it). */
	void		(*event)(struct screen *, const struct event *);
	/* Optional: the title shown in the top bar (allocated). */
	char		*(*title)(struct screen *);
	void		(*free)(struct screen *);
};

struct screen {
	const struct screen_ops	*ops;
	struct app		*app;
	void			*data;
};

#define APP_MAX_SCREENS 16

struct app {
	struct config		*cfg;
	struct keymap		*keys;
	struct worker		**workers;	/* one per account */
	size_t			 naccounts;
	int			 account;	/* current account index */
	struct screen		*stack[APP_MAX_SCREENS];
	int			 depth;
	int			 wake[2];	/* workers -> UI */
	int			 quit;
	int			 dirty;
	char			*message;	/* one-line message, or NULL */
	int			 message_bad;
	int			 allow_plain_cli; /* --allow-plaintext-auth */
	size_t			*outbox;	/* per account: messages queued */
	uint32_t		 jobs;		/* the last compose job number */
};

struct screen	*screen_new(const struct screen_ops *, struct app *, void *);
void		 app_push(struct app *, struct screen *);
void		 app_pop(struct app *);
void		 app_dirty(struct app *);
void		 app_message(struct app *, int, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
const struct account *app_account(struct app *, int);
int		 app_run(struct app *);
void		 app_status_line(struct app *, int);
int		 app_draw_lock(int, int, const struct svc_view *);
enum attr	 app_level_attr(enum level);
char		*app_session_summary(const struct svc_view *, const char *);
int		 list_move(int *, int *, int, int, enum op);
int		 app_imap_down(struct app *, int);
int		 app_imap_back(struct app *, int, int *);

/* The screens. */
struct screen	*scr_accounts_new(struct app *);
struct screen	*scr_folders_new(struct app *, int);
struct screen	*scr_index_new(struct app *, int, const char *,
		     const char *);
struct screen	*scr_pager_new(struct app *, int, const char *, uint32_t);
struct screen	*scr_cert_new(struct app *, int, enum service);
struct screen	*scr_transcript_new(struct app *, int, enum service);
struct screen	*scr_help_new(struct app *, enum key_context);
struct screen	*scr_guide_new(struct app *, int, int, const char *);
int		 scr_pager_auth_results(struct screen *, const char **);
struct screen	*dlg_password_new(struct app *, int, const char *);
struct screen	*dlg_confirm_new(struct app *, const char *, const char *,
		     void (*)(struct app *, void *), void *);
struct screen	*dlg_input_new(struct app *, const char *, const char *,
		     const char *, void (*)(struct app *, void *,
		     const char *), void *, void (*)(void *));
struct screen	*scr_attach_new(struct app *, const struct mime_doc *, int);
char		*attach_size(size_t);
void		 attach_save_ask(struct app *,
		     const struct mime_attachment *);

/* Writing mail (scr_compose.c): a new message, or a reply (OP_REPLY,
 * OP_REPLY_ALL) or forward (OP_FORWARD) of message seq of a folder. */
void		 compose_new(struct app *, int);
void		 compose_reply(struct app *, int, const char *, uint32_t,
		     enum op);
void		 app_outbox_refresh(struct app *, int);
struct screen	*dlg_folder_new(struct app *, int, const char *, const char *,
		     void (*)(struct app *, void *, const char *), void *);

#endif
