/* tmpdir.h: a fresh directory per cmocka test, removed afterwards.
 * Include after <cmocka.h>; use tmpdir_setup/tmpdir_teardown as the
 * test's setup and teardown; the path is in *state. */
#ifndef STARLING_TEST_TMPDIR_H
#define STARLING_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Make /tmp/starling-unit.XXXXXX. */
static int
tmpdir_setup(void **state)
{
	char *dir = strdup("/tmp/starling-unit.XXXXXX");

	assert_non_null(mkdtemp(dir));
	*state = dir;
	return 0;
}

/* rm -rf the directory. */
static int
tmpdir_teardown(void **state)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	assert_int_equal(system(cmd), 0);
	free(*state);
	return 0;
}

/* A test run in its own directory. */
#define TMPDIR_TEST(f) \
	cmocka_unit_test_setup_teardown(f, tmpdir_setup, tmpdir_teardown)

#endif
