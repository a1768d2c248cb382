/* test_outbox.c: the outbox entry format, locking, the S flag, removal. */
#include "build-config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "submit.h"

static char *rcpts[] = { "bob@example.org", "root" };
static const struct envelope_out env = { "alice@example.com", rcpts, 2 };
static const char msg[] = "Subject: x\r\n\r\nhello\r\n";

/* A fresh XDG_DATA_HOME for one test. */
static int
setup(void **state)
{
	char *dir = strdup("/tmp/test_outbox.XXXXXX");

	assert_non_null(mkdtemp(dir));
	setenv("XDG_DATA_HOME", dir, 1);
	*state = dir;
	return 0;
}

/* Remove it. */
static int
teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	assert_int_equal(system(cmd), 0);
	free(*state);
	return 0;
}

static void
test_format_parse(void **state)
{
	struct envelope_out e;
	char *text, *err = NULL;
	size_t len, off;
	time_t q;

	(void)state;
	text = outbox_format(msg, strlen(msg), &env, 1700000000, &len);
	assert_string_equal(text, "X-Starling-Outbox: 1\r\n"
	    "X-Starling-Queued: 1700000000\r\n"
	    "X-Starling-Mail-From: <alice@example.com>\r\n"
	    "X-Starling-Rcpt-To: <bob@example.org>\r\n"
	    "X-Starling-Rcpt-To: <root>\r\n"
	    "X-Starling-Message-Length: 21\r\n"
	    "Subject: x\r\n\r\nhello\r\n");
	assert_int_equal(outbox_parse(text, len, &e, &q, &off, &err), ST_OK);
	assert_int_equal(q, 1700000000);
	assert_string_equal(e.from, "alice@example.com");
	assert_int_equal(e.nrcpt, 2);
	assert_string_equal(e.rcpt[1], "root");
	assert_string_equal(text + off, msg);
	envelope_out_clear(&e);
	/* a truncated entry (one byte short) is refused */
	assert_int_equal(outbox_parse(text, len - 1, &e, &q, &off, &err),
	    ST_USAGE);
	free(err);
	/* so is an address that would break the SMTP dialogue */
	text[strstr(text, "<bob") - text + 4] = '>';
	assert_int_equal(outbox_parse(text, len, &e, &q, &off, &err),
	    ST_USAGE);
	free(err);
	free(text);
}

static void
test_put_take_done(void **state)
{
	struct account a = { .name = "work" };
	struct outbox *ob, *ob2;
	struct outbox_entry *e, **v;
	char *err = NULL;
	size_t n, count;

	(void)state;
	assert_int_equal(outbox_count(&a, &count, &err), ST_OK);
	assert_int_equal(count, 0);
	assert_int_equal(outbox_open(&a, 1, &ob, &err), ST_OK);
	assert_int_equal(outbox_put(ob, msg, strlen(msg), &env, &e, &err),
	    ST_OK);
	assert_int_equal(outbox_count(&a, &count, &err), ST_OK);
	assert_int_equal(count, 1);
	/* held by its sender: a flush does not take it */
	assert_int_equal(outbox_open(&a, 0, &ob2, &err), ST_OK);
	assert_int_equal(outbox_take(ob2, &v, &n, &err), ST_OK);
	assert_int_equal(n, 0);
	outbox_entries_free(v, n);
	assert_int_equal(outbox_set_reason(ob, e, "no TLS", &err), ST_OK);
	outbox_entry_free(e);
	/* let go: now a flush takes it, with its reason */
	assert_int_equal(outbox_take(ob2, &v, &n, &err), ST_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->reason, "no TLS");
	assert_string_equal(v[0]->env.rcpt[0], "bob@example.org");
	assert_memory_equal(v[0]->msg, msg, strlen(msg));
	/* accepted: flag S, no longer counted as waiting */
	assert_int_equal(outbox_set_submitted(ob2, v[0], &err), ST_OK);
	assert_int_equal(outbox_count(&a, &count, &err), ST_OK);
	assert_int_equal(count, 0);
	assert_int_equal(outbox_done(ob2, v[0], &err), ST_OK);
	outbox_entries_free(v, n);
	assert_int_equal(outbox_take(ob2, &v, &n, &err), ST_OK);
	assert_int_equal(n, 0);
	outbox_entries_free(v, n);
	outbox_free(ob2);
	outbox_free(ob);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test_setup_teardown(test_put_take_done, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
