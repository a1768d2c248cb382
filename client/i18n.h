/* i18n.h: the one place where _() and N_() are defined. */
#ifndef STARLING_I18N_H
#define STARLING_I18N_H

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#else
#define _(s) (s)
#define ngettext(s, p, n) ((n) == 1 ? (s) : (p))
#endif
#define N_(s) (s)

#endif
