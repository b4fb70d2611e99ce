/* SPDX-License-Identifier: MIT */
/*
 * lib/oci: container IDs, state.json round trips, the derived status
 * (live, recycled PID, zombie), the runtime-spec state object, removal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "test-tmpdir.h"

static char root[] = "/tmp/cvm-oci-state-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return test_tmpdir_make(root);
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(root);
}

static void
test_ids(void **state)
{
	static const char *const good[] = {"c1", "a.b-c_d+e",
					   "0123456789abcdef0123456789abcdef"};
	static const char *const bad[] = {"",	 ".", "..", "a/b",
					  "a b", "ä", "x\n"};

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(good); i++)
		assert_int_equal(cvm_oci_id_check(good[i], NULL), 0);
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++) {
		struct cvm_err err = CVM_ERR_INIT;

		assert_int_equal(cvm_oci_id_check(bad[i], &err), -CVM_E_USAGE);
		assert_non_null(strstr(err.msg, "invalid container ID"));
	}
}

static void
save(const char *id, pid_t pid, uint64_t start, bool started)
{
	cleanup_free char *dir = cvm_oci_state_dir(root, id);
	struct json_object *ann = json_object_new_object();
	static char b[] = "/b", r[] = "/b/rootfs",
		    created[] = "2026-01-01T00:00:00.000000000Z",
		    why[] = "from a test";
	struct cvm_oci_state st = {
		.id = (char *)(uintptr_t)id,
		.bundle = b,
		.rootfs = r,
		.created = created,
		.pid = pid,
		.pid_start = start,
		.started = started,
		.protection = CVM_PROT_SEV_SNP,
		.protection_reason = why,
		.annotations = ann,
	};
	struct cvm_err err = CVM_ERR_INIT;

	json_object_object_add(ann, "k", json_object_new_string("v"));
	mkdir(dir, 0700);
	assert_int_equal(cvm_oci_state_save(dir, &st, &err), 0);
	json_object_put(ann);
}

static void
test_round_trip_and_status(void **state)
{
	struct cvm_oci_state *st = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	uint64_t me = cvm_oci_pid_start(getpid());

	(void)state;
	assert_true(me > 0);
	save("live", getpid(), me, false);
	assert_int_equal(cvm_oci_state_load(root, "live", &st, &err), 0);
	assert_string_equal(st->bundle, "/b");
	assert_int_equal(st->pid, getpid());
	assert_int_equal(st->protection, CVM_PROT_SEV_SNP);
	assert_string_equal(st->protection_reason, "from a test");
	assert_int_equal(cvm_oci_state_status(st), CVM_OCI_CREATED);
	st->started = true;
	assert_int_equal(cvm_oci_state_status(st), CVM_OCI_RUNNING);
	/* the same PID with another start time is another process */
	st->pid_start = me + 1;
	assert_int_equal(cvm_oci_state_status(st), CVM_OCI_STOPPED);
	cvm_oci_state_free(st);
}

static void
test_zombie_is_stopped(void **state)
{
	struct cvm_oci_state st = {.pid = -1};
	pid_t p = fork();

	(void)state;
	if (p == 0)
		_exit(0);
	st.pid = p;
	st.pid_start = cvm_oci_pid_start(p);
	/* until it has exited (start time 0 from then on: a zombie) */
	for (int i = 0; i < 500 && cvm_oci_pid_start(p); i++)
		usleep(2000);
	assert_int_equal(cvm_oci_pid_start(p), 0);
	assert_int_equal(cvm_oci_state_status(&st), CVM_OCI_STOPPED);
	waitpid(p, NULL, 0);
}

static void
test_state_json(void **state)
{
	struct cvm_oci_state *st = NULL;
	struct json_object *j, *v;

	(void)state;
	save("j1", getpid(), cvm_oci_pid_start(getpid()), true);
	assert_int_equal(cvm_oci_state_load(root, "j1", &st, NULL), 0);
	j = cvm_oci_state_json(st, CVM_OCI_RUNNING);
	assert_true(json_object_object_get_ex(j, "status", &v));
	assert_string_equal(json_object_get_string(v), "running");
	assert_true(json_object_object_get_ex(j, "pid", &v));
	assert_int_equal(json_object_get_int(v), getpid());
	assert_true(json_object_object_get_ex(j, "ociVersion", &v));
	assert_string_equal(json_object_get_string(v), CVM_OCI_SPEC_VERSION);
	assert_true(json_object_object_get_ex(j, "annotations", &v));
	assert_true(json_object_object_get_ex(v, "k", &v));
	json_object_put(j);
	/* runtime-spec: no pid once stopped */
	j = cvm_oci_state_json(st, CVM_OCI_STOPPED);
	assert_false(json_object_object_get_ex(j, "pid", &v));
	json_object_put(j);
	cvm_oci_state_free(st);
}

static void
test_load_errors(void **state)
{
	cleanup_free char *dir = cvm_oci_state_dir(root, "bad");
	cleanup_free char *file = cvm_xasprintf("%s/state.json", dir);
	struct cvm_oci_state *st = NULL;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_oci_state_load(root, "nope", &st, &err), -ENOENT);
	assert_string_equal(err.msg, "container 'nope' does not exist");
	assert_int_equal(cvm_oci_state_load(root, "../x", &st, &err),
			 -CVM_E_USAGE);
	mkdir(dir, 0700);
	assert_int_equal(cvm_file_write_atomic(file, "{oops", 5, 0600, NULL),
			 0);
	assert_int_equal(cvm_oci_state_load(root, "bad", &st, &err),
			 -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "corrupt"));
	/* a state that names another container is not this one's */
	save("other", 1, 1, false);
	{
		cleanup_free char *o =
			cvm_xasprintf("%s/other/state.json", root);

		assert_int_equal(rename(o, file), 0);
	}
	assert_int_equal(cvm_oci_state_load(root, "bad", &st, &err),
			 -CVM_E_PARSE);
	assert_null(st);
}

static void
test_remove(void **state)
{
	cleanup_free char *dir = cvm_oci_state_dir(root, "rm");
	cleanup_free char *f = cvm_xasprintf("%s/rm/initrd.cpio", root);
	cleanup_free char *fifo = cvm_xasprintf("%s/rm/start.fifo", root);

	(void)state;
	save("rm", 1, 1, false);
	assert_int_equal(cvm_file_write_atomic(f, "x", 1, 0600, NULL), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(cvm_oci_state_remove(dir, NULL), 0);
	assert_int_equal(access(dir, F_OK), -1);
	assert_int_equal(cvm_oci_state_remove(dir, NULL), 0);
}

static void
test_time_format(void **state)
{
	char t[64];

	(void)state;
	cvm_oci_now_rfc3339(t, sizeof(t));
	/* 2026-11-26T06:01:40.991447719Z */
	assert_int_equal(strlen(t), 30);
	assert_int_equal(t[10], 'T');
	assert_int_equal(t[19], '.');
	assert_int_equal(t[29], 'Z');
}

static void
test_root_default(void **state)
{
	char *r = cvm_oci_root_default();

	(void)state;
	if (geteuid() == 0)
		assert_string_equal(r, "/run/cvm-oci");
	else
		assert_non_null(strstr(r, "cvm-oci"));
	free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_round_trip_and_status),
		cmocka_unit_test(test_zombie_is_stopped),
		cmocka_unit_test(test_state_json),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_root_default),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
