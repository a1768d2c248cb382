/* transcript.h: the recorded dialogue of one connection (teaching view).
 *
 * Secrets never enter a transcript: sent lines are redacted when they are
 * recorded (LOGIN arguments, AUTH payloads, USER/PASS), everything sent
 * while the gate has the transcript in secret mode is redacted, and every
 * registered secret and its base64 forms are scrubbed from every line.
 * Text is stored sanitised: control characters are shown in caret notation
 * and invalid UTF-8 as '?', so a hostile server cannot drive a terminal.
 *
 * Error contract: none of these functions fail (allocation is fatal). */
#ifndef STARLING_TRANSCRIPT_H
#define STARLING_TRANSCRIPT_H

#include <stddef.h>
#include <time.h>

enum tr_dir {
	TR_SENT,
	TR_RECEIVED,
	TR_NOTE,
};

enum tr_phase {
	TR_PLAIN,
	TR_TLS,
};

struct tr_line {
	enum tr_dir	 dir;
	enum tr_phase	 phase;
	struct timespec	 when;
	char		*text;
};

struct transcript;

struct transcript *transcript_new(void);
void		 transcript_free(struct transcript *);
void		 transcript_set_phase(struct transcript *, enum tr_phase);
enum tr_phase	 transcript_phase(const struct transcript *);
void		 transcript_secret_mode(struct transcript *, int);
void		 transcript_add_secret(struct transcript *, const char *);
void		 transcript_record(struct transcript *, enum tr_dir,
		     const void *, size_t);
void		 transcript_flush(struct transcript *);
void		 transcript_note(struct transcript *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
struct transcript *transcript_dup(const struct transcript *);
size_t		 transcript_count(const struct transcript *);
const struct tr_line *transcript_line(const struct transcript *, size_t);

/* Exposed for tests: the redaction applied to one sent line. */
char		*transcript_redact_sent(const char *, int);
char		*transcript_sanitize(const char *, size_t);

#endif
