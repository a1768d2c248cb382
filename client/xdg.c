/* xdg.c: XDG base directory paths and private directories. */
#include "build-config.h"

#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "i18n.h"
#include "xdg.h"
#include "xmalloc.h"

/*
 * $ENV/starling/NAME, or $HOME/FALLBACK/starling/NAME when ENV is unset or
 * not absolute (as the XDG specification says).
 */
char *
xdg_path(const char *env, const char *fallback, const char *name)
{
	const char *base = getenv(env), *home;

	if (base != NULL && base[0] == '/')
		return xasprintf("%s/starling/%s", base, name);
	home = getenv("HOME");
	if (home == NULL || *home == '\0') {
		/* cron and friends may run us without HOME */
		struct passwd *pw = getpwuid(getuid());

		home = pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "/";
	}
	return xasprintf("%s/%s/starling/%s", home, fallback, name);
}

/* Create the directories above path, private to the user (0700). */
int
xdg_mkparent(const char *path, char **errstr)
{
	char *dir = xstrdup(path), *p;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			*errstr = xasprintf(_("cannot create %s: %s"), dir,
			    strerror(errno));
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}
