/* strdist.h: how far apart two names are, for "did you mean" hints.
 *
 * Error contract: str_distance() never fails; the second name must be
 * at most STR_DISTANCE_MAX bytes long (a longer one is a bug: fatalx). */
#ifndef STARLING_STRDIST_H
#define STARLING_STRDIST_H

#define STR_DISTANCE_MAX 32

unsigned	str_distance(const char *, const char *);

#endif
