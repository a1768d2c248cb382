/* json.c: write JSON with correct escaping and commas. */
#include "build-config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "xmalloc.h"

/* Start an empty document. */
void
json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
}

/* Append n bytes. */
static void
json_put(struct json *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		j->cap = (j->len + n + 1) * 2;
		j->buf = xreallocarray(j->buf, j->cap, 1);
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

/* Append a C string. */
static void
json_puts(struct json *j, const char *s)
{
	json_put(j, s, strlen(s));
}

/* Write the comma a new value needs, unless it follows its key. */
static void
json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->count[j->depth]++ > 0)
		json_puts(j, ",");
}

/* Open an object or array. */
static void
json_open(struct json *j, const char *c)
{
	json_sep(j);
	json_puts(j, c);
	if (++j->depth >= JSON_MAX_DEPTH)
		fatalx("json: nested too deep");
	j->count[j->depth] = 0;
}

/* Close an object or array. */
static void
json_close(struct json *j, const char *c)
{
	if (j->depth == 0 || j->after_key)
		fatalx("json: unbalanced close");
	j->depth--;
	json_puts(j, c);
}

void json_object_begin(struct json *j) { json_open(j, "{"); }
void json_object_end(struct json *j) { json_close(j, "}"); }
void json_array_begin(struct json *j) { json_open(j, "["); }
void json_array_end(struct json *j) { json_close(j, "]"); }

/* Length of the valid UTF-8 sequence at s, or 0 if invalid. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	n = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ?
	    3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (n == 0)
		return 0;
	cp = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		return 0;
	return n;
}

/* Write a quoted, escaped string. */
static void
json_quote(struct json *j, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	char esc[8];
	size_t n;

	json_puts(j, "\"");
	while (*s != '\0') {
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*s++;
			json_put(j, esc, 2);
		} else if (*s < 0x20 || *s == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *s++);
			json_puts(j, esc);
		} else if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] < 0xa0) {
			snprintf(esc, sizeof(esc), "\\u%04x", s[1]);
			json_puts(j, esc);
			s += 2;
		} else if ((n = utf8_len(s)) == 0) {
			json_puts(j, "\\ufffd");
			s++;
		} else {
			json_put(j, (const char *)s, n);
			s += n;
		}
	}
	json_puts(j, "\"");
}

/* Write an object key; the next call writes its value. */
void
json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_quote(j, key);
	json_puts(j, ":");
	j->after_key = 1;
}

/* Write a string value, or null for NULL. */
void
json_string(struct json *j, const char *s)
{
	if (s == NULL) {
		json_null(j);
		return;
	}
	json_sep(j);
	json_quote(j, s);
}

/* Write an integer value. */
void
json_int(struct json *j, long long v)
{
	char buf[32];

	json_sep(j);
	snprintf(buf, sizeof(buf), "%lld", v);
	json_puts(j, buf);
}

/* Write true or false. */
void
json_bool(struct json *j, int v)
{
	json_sep(j);
	json_puts(j, v ? "true" : "false");
}

/* Write null. */
void
json_null(struct json *j)
{
	json_sep(j);
	json_puts(j, "null");
}

/* Write an array of strings. */
void
json_strings(struct json *j, char *const *v, size_t n)
{
	size_t i;

	json_array_begin(j);
	for (i = 0; i < n; i++)
		json_string(j, v[i]);
	json_array_end(j);
}

/* The finished document (the caller frees it). */
char *
json_finish(struct json *j)
{
	char *s;

	if (j->depth != 0)
		fatalx("json: unclosed object or array");
	s = j->buf ? j->buf : xstrdup("");
	j->buf = NULL;
	return s;
}
