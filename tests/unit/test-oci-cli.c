/* SPDX-License-Identifier: MIT */
/*
 * cvm-oci's command line (shim/): runc's option forms, usage errors
 * (exit 2), and the verbs' answers that need no VM: delete --force of a
 * missing container succeeds, exec is refused, bad signals and IDs are
 * usage errors, a bad bundle leaves no state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "../../shim/oci-cmd.h"
#include "test-tmpdir.h"

static char root[] = "/tmp/cvm-oci-cli-XXXXXX";
static struct oci_ctx ctx;

static int
setup(void **state)
{
	(void)state;
	if (test_tmpdir_make(root) < 0)
		return -1;
	ctx.root = root;
	oci_log_init(&ctx);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(root);
}

/* Run a verb with argv from a string list, stdout silenced (TAP). */
static int
run(const struct oci_verb *v, int argc, const char *const *words)
{
	char *argv[16];
	int saved = dup(1), nul = open("/dev/null", O_WRONLY), r;

	for (int i = 0; i < argc; i++)
		argv[i] = (char *)(uintptr_t)words[i];
	argv[argc] = NULL;
	fflush(stdout);
	dup2(nul, 1);
	r = v->run(&ctx, argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(nul);
	return r;
}

static void
test_option_forms(void **state)
{
	static const char *const forms[][4] = {
		{"create", "--bundle=/b", "c1", NULL},
		{"create", "--bundle", "/b", "c1"},
		{"create", "-bundle", "/b", "c1"},
		{"create", "-b", "/b", "c1"},
		{"create", "c1", "-b", "/b"},
	};
	const char *bundle = NULL, *pid = NULL;
	bool force = false;
	const struct oci_opt opts[] = {{"bundle", 'b', &bundle, NULL},
				       {"pid-file", 0, &pid, NULL},
				       {"force", 'f', NULL, &force},
				       {NULL, 0, NULL, NULL}};
	char *argv[5], *pos[2];
	int npos;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(forms); i++) {
		int n = forms[i][3] ? 4 : 3;

		for (int k = 0; k < n; k++)
			argv[k] = (char *)(uintptr_t)forms[i][k];
		bundle = NULL;
		assert_int_equal(
			oci_opts(&verb_create, opts, n, argv, pos, 1, &npos),
			0);
		assert_string_equal(bundle, "/b");
		assert_int_equal(npos, 1);
		assert_string_equal(pos[0], "c1");
	}
}

static void
test_flags_and_errors(void **state)
{
	bool force = false;
	const struct oci_opt opts[] = {{"force", 'f', NULL, &force},
				       {NULL, 0, NULL, NULL}};
	char a0[] = "delete", a1[] = "--force=false", a2[] = "-f", a3[] = "c1",
	     bad[] = "--frobnicate", dd[] = "--", dash[] = "-x";
	char *argv[4], *pos[2];
	int npos;

	(void)state;
	argv[0] = a0;
	argv[1] = a1;
	argv[2] = a3;
	assert_int_equal(oci_opts(&verb_delete, opts, 3, argv, pos, 1, &npos),
			 0);
	assert_false(force);
	argv[1] = a2;
	assert_int_equal(oci_opts(&verb_delete, opts, 3, argv, pos, 1, &npos),
			 0);
	assert_true(force);
	argv[1] = bad;
	assert_int_equal(oci_opts(&verb_delete, opts, 3, argv, pos, 1, &npos),
			 2);
	/* after "--" everything is positional; one too many is an error */
	argv[1] = dd;
	argv[2] = dash;
	assert_int_equal(oci_opts(&verb_delete, opts, 3, argv, pos, 1, &npos),
			 0);
	assert_string_equal(pos[0], "-x");
	argv[3] = a3;
	assert_int_equal(oci_opts(&verb_delete, opts, 4, argv, pos, 1, &npos),
			 2);
	assert_int_equal(oci_need(&verb_delete, 0, 1, "the container ID"), 2);
}

static void
test_missing_value(void **state)
{
	static const char *const w[] = {"create", "c1", "--pid-file"};

	(void)state;
	assert_int_equal(run(&verb_create, 3, w), 2);
}

static void
test_verbs_without_vm(void **state)
{
	static const char *const del_force[] = {"delete", "--force", "nope"};
	static const char *const del[] = {"delete", "nope"};
	static const char *const kill_bad[] = {"kill", "nope", "SIGFOO"};
	static const char *const kill_missing[] = {"kill", "nope", "9"};
	static const char *const state_missing[] = {"state", "nope"};
	static const char *const exec[] = {"exec", "--process", "p.json", "c1"};
	static const char *const features[] = {"features"};
	static const char *const list[] = {"list", "--format", "json"};
	static const char *const bad_id[] = {"create", "a/b"};
	static const char *const no_bundle[] = {"create", "--bundle",
						"/nonexistent-bundle", "c2"};
	cleanup_free char *c2 = cvm_xasprintf("%s/c2", root);

	(void)state;
	assert_int_equal(run(&verb_delete, 3, del_force), 0);
	assert_int_equal(run(&verb_delete, 2, del), 1);
	assert_int_equal(run(&verb_kill, 3, kill_bad), 2);
	assert_int_equal(run(&verb_kill, 3, kill_missing), 1);
	assert_int_equal(run(&verb_state, 2, state_missing), 1);
	assert_int_equal(run(&verb_exec, 4, exec), 1);
	assert_int_equal(run(&verb_features, 1, features), 0);
	assert_int_equal(run(&verb_list, 3, list), 0);
	assert_int_equal(run(&verb_create, 2, bad_id), 2);
	assert_int_equal(run(&verb_create, 4, no_bundle), 1);
	assert_int_equal(access(c2, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_option_forms),
		cmocka_unit_test(test_flags_and_errors),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_verbs_without_vm),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
