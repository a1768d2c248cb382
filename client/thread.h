/* thread.h: the THREAD response of RFC 5256 as a flat tree in display
 * order (each message with its depth), and what the index does with it:
 * keep only some messages (a search limit), reverse the threads.
 *
 * No libetpan and no network here: actions.c hands the text after the
 * word THREAD to thread_parse(), which is fuzzed (tests/fuzz/fuzz_thread.c).
 *
 * Error contract: thread_parse() returns 0 with *used, *out and *n set,
 * or -1 when the text is not a thread list (nothing set then). Nothing
 * else fails; allocation failure is fatal. */
#ifndef STARLING_THREAD_H
#define STARLING_THREAD_H

#include <stddef.h>
#include <stdint.h>

/* Lists nested deeper than this are refused (a hostile server's reply
 * must not make us use unbounded memory per byte). */
#define THREAD_MAX_NEST	10000

struct thread_node {
	uint32_t	 id;		/* UID or sequence number, as sent */
	int		 depth;		/* 0: the first message of a thread */
};

int	thread_parse(const char *, size_t, size_t *, struct thread_node **,
	    size_t *);
size_t	thread_filter(struct thread_node *, size_t, const uint32_t *, size_t);
void	thread_reverse(struct thread_node *, size_t);

#endif
