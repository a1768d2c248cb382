/* envsrc.h: the envelopes of the open IMAP folder, a window at a time,
 * through the header cache (hcache.h).
 *
 * A window first asks the server for the UIDs and flags of its messages
 * (FETCH a:b (UID FLAGS): cheap, and the flags shown are always the
 * server's), takes what the cache holds of those UIDs, and fetches whole
 * envelopes only for the rest (UID FETCH), which then go into the cache.
 * Without a cache, or for a folder the cache knows nothing of, a window
 * is one FETCH of whole envelopes, as before.
 *
 * After envsrc_begin() the cache may need a resync, done a step at a time
 * between the UI's requests (envsrc_resync_step()): with CONDSTORE and a
 * known HIGHESTMODSEQ, UID FETCH 1:* (FLAGS) (CHANGEDSINCE m); else the
 * flags of every message, 5000 at a time, which also drops the records
 * of expunged messages. CHANGEDSINCE does not tell expunges, so when
 * the cache then holds more records of the folder than it has messages,
 * the full walk follows. The folder's HIGHESTMODSEQ is remembered only
 * when the flags are synced. Then the background fill puts the
 * envelopes of the rest of the folder in the cache, newest first, a few
 * hundred a step (envsrc_fill_step()), so scrolling anywhere and the next
 * opening need no envelope from the server.
 *
 * The cache is an optimisation: when it cannot be opened or written, the
 * cache is left alone from then on and envsrc_warning() hands out one
 * sentence saying so (then NULL); mail is read from the server as
 * without it.
 *
 * Error contract: envsrc_window() and envsrc_resync_step() return ST_OK,
 * or the status of mailbox.h with *errstr set to a newly allocated,
 * translated sentence. The other functions never fail; envsrc_find()
 * returns 0 when the cache cannot answer (a message it has no record
 * of), and the caller asks the server. */
#ifndef STARLING_ENVSRC_H
#define STARLING_ENVSRC_H

#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "mailbox.h"
#include "session.h"

struct envsrc;

struct envsrc_stats {
	size_t		 cached;	/* envelopes taken from the cache */
	size_t		 fetched;	/* envelopes fetched from the server */
	size_t		 resynced;	/* flags the resync looked at */
};

struct envsrc	*envsrc_new(const char *, const char *);
void		 envsrc_free(struct envsrc *);
void		 envsrc_begin(struct envsrc *, const char *,
		     const struct folder_state *);
void		 envsrc_end(struct envsrc *);
enum status	 envsrc_window(struct envsrc *, struct session *, uint32_t,
		     uint32_t, struct envelope **, size_t *, char **);
int		 envsrc_resync_pending(const struct envsrc *);
enum status	 envsrc_resync_step(struct envsrc *, struct session *,
		     char **);
void		 envsrc_resync_abandon(struct envsrc *);
int		 envsrc_fill_pending(const struct envsrc *);
enum status	 envsrc_fill_step(struct envsrc *, struct session *, char **);
void		 envsrc_changed(struct envsrc *, const struct act_change *,
		     size_t);
void		 envsrc_forget(struct envsrc *, const uint32_t *, size_t);
int		 envsrc_knows_folder(const struct envsrc *);
int		 envsrc_find(struct envsrc *, const uint32_t *, size_t,
		     const char *, uint32_t **, size_t *);
char		*envsrc_warning(struct envsrc *);
void		 envsrc_stats(const struct envsrc *, struct envsrc_stats *);

#endif
