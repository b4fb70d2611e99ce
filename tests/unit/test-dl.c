/* SPDX-License-Identifier: MIT */
/* cvm_dl_load(): libraries loaded on first use (cvm/dl.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cvm/dl.h"

static size_t (*my_strlen)(const char *);
static void *my_missing;

static const char *const good_names[] = {"strlen"};
static void **const good_slots[] = {(void **)&my_strlen};
static const char *const bad_names[] = {"strlen", "cvm_no_such_symbol"};
static void **const bad_slots[] = {(void **)&my_strlen, &my_missing};

static void
test_loads_and_resolves(void **state)
{
	struct cvm_dl lib = {.soname = "libc.so.6",
			     .package = "libc6",
			     .names = good_names,
			     .slots = good_slots,
			     .n = 1};
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	my_strlen = NULL;
	assert_int_equal(cvm_dl_load(&lib, &err), 0);
	assert_non_null(my_strlen);
	assert_int_equal(my_strlen("cvm"), 3);
	/* a second call answers the same, without loading again */
	my_strlen = NULL;
	assert_int_equal(cvm_dl_load(&lib, &err), 0);
	assert_null(my_strlen);
}

static void
test_missing_library(void **state)
{
	struct cvm_dl lib = {.soname = "libcvm-no-such.so.9",
			     .package = "cvm-nothing",
			     .names = good_names,
			     .slots = good_slots,
			     .n = 1};
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_dl_load(&lib, &err), -CVM_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "cannot load libcvm-no-such.so.9: "));
	assert_non_null(strstr(err.msg, "(apt-get install cvm-nothing)"));
	/* the same answer again */
	cvm_err_clear(&err);
	assert_int_equal(cvm_dl_load(&lib, &err), -CVM_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "libcvm-no-such.so.9"));
}

static void
test_missing_symbol(void **state)
{
	struct cvm_dl lib = {.soname = "libc.so.6",
			     .package = "libc6",
			     .names = bad_names,
			     .slots = bad_slots,
			     .n = 2};
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_dl_load(&lib, &err), -CVM_E_UNSUPPORTED);
	assert_string_equal(err.msg, "cannot load libc.so.6: it has no "
				     "cvm_no_such_symbol (apt-get install "
				     "libc6)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_and_resolves),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_missing_symbol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
