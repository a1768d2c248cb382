/* hcache.h: the header cache on disk (LMDB), so a folder seen before
 * opens without fetching its envelopes again.
 *
 * One LMDB environment, $XDG_CACHE_HOME/starling/hcache/, for every
 * account. A record is keyed by (account, folder, UIDVALIDITY, UID) and
 * holds what the index shows of a message (date, size, flags, sender,
 * subject); a folder's meta record holds its UIDVALIDITY, UIDNEXT and
 * HIGHESTMODSEQ (CONDSTORE). When the server reports another UIDVALIDITY
 * every record of that folder is dropped (hcache_folder_begin()).
 *
 * The cache is an optimisation: a damaged or unwritable cache is reported
 * once and then ignored (the caller fetches from the server), never a
 * reason to fail reading mail. Records that do not decode are treated as
 * missing.
 *
 * Error contract: functions returning enum status return ST_OK, or
 * ST_LOCAL with *errstr set to a newly allocated, translated sentence.
 * hcache_get() returns 1 when it filled the envelope, else 0;
 * hcache_match() 1 when it could search (every UID had a record), else
 * 0; hcache_lookup() how many envelopes it filled; hcache_has() 1 when the
 * folder has records under that UIDVALIDITY. A record holds what the
 * index shows of a message, its Date: (for sorting) and transit mark. */
#ifndef STARLING_HCACHE_H
#define STARLING_HCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "mailbox.h"
#include "status.h"

struct hcache;

struct hcache_meta {
	uint32_t	 uidvalidity;
	uint32_t	 uidnext;
	uint64_t	 highestmodseq;	/* 0: the server has no CONDSTORE */
};

char		*hcache_default_path(void);
enum status	 hcache_open(const char *, struct hcache **, char **);
void		 hcache_close(struct hcache *);
enum status	 hcache_folder_begin(struct hcache *, const char *,
		     const char *, uint32_t, struct hcache_meta *, char **);
enum status	 hcache_set_meta(struct hcache *, const char *, const char *,
		     const struct hcache_meta *, char **);
enum status	 hcache_put(struct hcache *, const char *, const char *,
		     uint32_t, const struct envelope *, size_t, char **);
enum status	 hcache_put_meta(struct hcache *, const char *, const char *,
		     uint32_t, const struct envelope *, size_t,
		     const struct hcache_meta *, char **);
int		 hcache_get(struct hcache *, const char *, const char *,
		     uint32_t, uint32_t, struct envelope *);
size_t		 hcache_lookup(struct hcache *, const char *, const char *,
		     uint32_t, struct envelope *, size_t);
enum status	 hcache_sync(struct hcache *, const char *, const char *,
		     uint32_t, uint32_t, uint32_t, const struct envelope *,
		     size_t, int, char **);
int		 hcache_has(struct hcache *, const char *, const char *,
		     uint32_t);
size_t		 hcache_count(struct hcache *, const char *, const char *,
		     uint32_t);
int		 hcache_match(struct hcache *, const char *, const char *,
		     uint32_t, const uint32_t *, size_t, const char *,
		     uint32_t **, size_t *);
enum status	 hcache_set_flags(struct hcache *, const char *,
		     const char *, uint32_t, uint32_t, unsigned, char **);
enum status	 hcache_forget(struct hcache *, const char *, const char *,
		     uint32_t, uint32_t, char **);

#endif
