/* SPDX-License-Identifier: MIT */
/* The command tables: sorted, unique, every entry documented. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"

static void
check_table(const char *prefix, const struct cvm_cmd *const *t)
{
	for (size_t i = 0; t[i]; i++) {
		const struct cvm_cmd *c = t[i];
		char want[128];

		assert_non_null(c->name);
		assert_non_null(c->summary);
		assert_true(strlen(c->summary) > 10);
		assert_non_null(c->usage);
		snprintf(want, sizeof(want), "%s %s", prefix, c->name);
		if (strncmp(c->usage, want, strlen(want)) != 0)
			fail_msg("usage of '%s' does not start with '%s': %s",
				 c->name, want, c->usage);
		assert_true(c->run != NULL || c->sub != NULL);
		if (t[i + 1] && strcmp(c->name, t[i + 1]->name) >= 0)
			fail_msg("'%s' and '%s' are not sorted/unique", c->name,
				 t[i + 1]->name);
		if (c->sub)
			check_table(want, c->sub);
	}
}

static void
test_tables_sorted_and_documented(void **state)
{
	(void)state;
	check_table("cvm", cvm_commands);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_sorted_and_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
