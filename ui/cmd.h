/* cmd.h: the subcommands of the starling binary.
 *
 * Error contract: each returns the process exit status (DESIGN.md
 * "Command line") and has already printed any message to stderr. */
#ifndef STARLING_CMD_H
#define STARLING_CMD_H

#include "config.h"

int	cmd_check(int, char **);
int	cmd_probe(int, char **);
int	cmd_guide(int, char **);
int	cmd_send(int, char **);
int	cmd_send_is_sendmail(int, char **);
int	cmd_fetch(int, char **);
int	ui_main(int, char **);
void	cmd_config_hint(const char *);
int	cmd_load_config(const char *, struct config **);
int	cmd_load_account(const char *, const char *, struct config **,
	    const struct account **);
void	cmd_error(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
