/* thread.c: RFC 5256 thread lists to a flat tree, without recursion. */
#include "build-config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "thread.h"
#include "xmalloc.h"

/* A growing array of nodes. */
struct thread_out {
	struct thread_node	*v;
	size_t			 n, cap;
};

/* Append one node. */
static void
thread_push(struct thread_out *o, uint32_t id, int depth)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 64;
		o->v = xreallocarray(o->v, o->cap, sizeof(*o->v));
	}
	o->v[o->n].id = id;
	o->v[o->n].depth = depth;
	o->n++;
}

/* An nz-number at buf[*i]; 0 when it is none or does not fit 32 bits. */
static uint32_t
thread_number(const char *buf, size_t len, size_t *i)
{
	uint64_t v = 0;

	if (buf[*i] == '0')
		return 0;
	while (*i < len && buf[*i] >= '0' && buf[*i] <= '9') {
		v = v * 10 + (uint64_t)(buf[*i] - '0');
		if (v > UINT32_MAX)
			return 0;
		(*i)++;
	}
	return (uint32_t)v;
}

/*
 * The text after "THREAD": *(SP) thread-list... up to CR, LF or the end.
 * "(" starts a list at the current depth; each member is one deeper than
 * the one before it; ")" goes back to the depth where its list began.
 * So "(3 6 (4 23)(44 7 96))" gives 3/0 6/1 4/2 23/3 44/2 7/3 96/4.
 */
int
thread_parse(const char *buf, size_t len, size_t *used,
    struct thread_node **out, size_t *n)
{
	struct thread_out o = { NULL, 0, 0 };
	int *stack = NULL, depth = 0, empty = 0;
	size_t i = 0, sp = 0;
	uint32_t id;

	while (i < len && buf[i] != '\r' && buf[i] != '\n') {
		if (buf[i] == ' ')
			i++;
		else if (buf[i] == '(') {
			if (sp == THREAD_MAX_NEST)
				goto bad;
			if (stack == NULL)
				stack = xcalloc(THREAD_MAX_NEST, sizeof(*stack));
			stack[sp++] = depth;
			empty = 1;
			i++;
		} else if (buf[i] == ')') {
			if (sp == 0 || empty)
				goto bad;
			depth = stack[--sp];
			i++;
		} else if (buf[i] >= '0' && buf[i] <= '9' && sp > 0) {
			if ((id = thread_number(buf, len, &i)) == 0)
				goto bad;
			thread_push(&o, id, depth++);
			empty = 0;
		} else
			goto bad;
	}
	if (sp != 0)
		goto bad;
	free(stack);
	*used = i;
	*out = o.v;
	*n = o.n;
	return 0;
bad:
	free(stack);
	free(o.v);
	return -1;
}

/* Is id in the sorted array keep? */
static int
thread_kept(uint32_t id, const uint32_t *keep, size_t nkeep)
{
	size_t lo = 0, hi = nkeep, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keep[mid] == id)
			return 1;
		if (keep[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * Keep only the nodes whose id is in keep (sorted ascending), in place;
 * the new count. A kept node's depth becomes the number of its kept
 * ancestors, so that the tree of what is left stays a tree.
 */
size_t
thread_filter(struct thread_node *t, size_t n, const uint32_t *keep,
    size_t nkeep)
{
	struct { int depth, kept; } *st;
	size_t i, k = 0, sp = 0;
	int parent, in;

	if (n == 0)
		return 0;
	st = xcalloc(n, sizeof(*st));
	for (i = 0; i < n; i++) {
		while (sp > 0 && st[sp - 1].depth >= t[i].depth)
			sp--;
		parent = sp > 0 ? st[sp - 1].kept : 0;
		in = thread_kept(t[i].id, keep, nkeep);
		st[sp].depth = t[i].depth;
		st[sp].kept = parent + in;
		sp++;
		if (in) {
			t[k].id = t[i].id;
			t[k].depth = parent;
			k++;
		}
	}
	free(st);
	return k;
}

/* The threads in reverse order, each thread's own order kept. */
void
thread_reverse(struct thread_node *t, size_t n)
{
	struct thread_node *copy;
	size_t end = n, start, k = 0;

	if (n < 2)
		return;
	copy = xcalloc(n, sizeof(*copy));
	memcpy(copy, t, n * sizeof(*t));
	while (end > 0) {
		start = end - 1;
		while (start > 0 && copy[start].depth > 0)
			start--;
		memcpy(t + k, copy + start, (end - start) * sizeof(*t));
		k += end - start;
		end = start;
	}
	free(copy);
}
