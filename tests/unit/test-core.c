/* SPDX-License-Identifier: MIT */
/* Unit tests for lib/core: buffers, errors, parsing, files, processes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/err.h"
#include "cvm/proc.h"
#include "cvm/util.h"

static void
test_buf_grows_and_terminates(void **state)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;

	(void)state;
	assert_string_equal(cvm_buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		cvm_buf_addf(&b, "%d,", i);
	assert_int_equal(b.data[b.len], '\0');
	assert_non_null(strstr(b.data, ",999,"));
	cvm_buf_truncate(&b, 2);
	assert_string_equal(b.data, "0,");
}

static void
test_err_prefix_keeps_cause(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	(void)state;
	r = cvm_err_set(&err, -ENOENT, "open '%s'", "/x");
	assert_int_equal(r, -ENOENT);
	assert_int_equal(cvm_err_prefix(&err, "launch '%s'", "vm0"), -ENOENT);
	assert_string_equal(err.msg, "launch 'vm0': open '/x'");
	assert_int_equal(cvm_err_exit_status(-CVM_E_USAGE), 2);
	assert_int_equal(cvm_err_exit_status(-CVM_E_INVALID), 3);
	assert_int_equal(cvm_err_exit_status(-ENOENT), 1);
	assert_int_equal(cvm_err_exit_status(0), 0);
	assert_string_equal(cvm_strerror(-CVM_E_TIMEOUT), "timed out");
}

static void
test_parse_u64(void **state)
{
	static const char *const bad[] = {
		"",	"0x",  "-1", " 1",   "1 ",
		"0x1g", "12a", "+3", "0x-1", "99999999999999999999"};
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cvm_parse_u64("0x30000", &v), 0);
	assert_int_equal(v, 0x30000);
	assert_int_equal(cvm_parse_u64("196608", &v), 0);
	assert_int_equal(v, 196608);
	assert_int_equal(cvm_parse_u64("0XfF", &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(cvm_parse_u64("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++)
		assert_true(cvm_parse_u64(bad[i], &v) < 0);
}

static void
test_parse_size(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cvm_parse_size("4G", &v), 0);
	assert_true(v == 4ull << 30);
	assert_int_equal(cvm_parse_size("512MiB", &v), 0);
	assert_true(v == 512ull << 20);
	assert_int_equal(cvm_parse_size("4096", &v), 0);
	assert_true(v == 4096);
	assert_true(cvm_parse_size("4X", &v) < 0);
	assert_true(cvm_parse_size("G", &v) < 0);
	assert_true(cvm_parse_size("-4G", &v) < 0);
	assert_true(cvm_parse_size("99999999999T", &v) == -ERANGE);
}

static void
test_hex_round_trip(void **state)
{
	uint8_t in[5] = {0x00, 0xab, 0x10, 0xff, 0x7e}, out[5];
	char hex[11];
	struct cvm_err err = CVM_ERR_INIT;
	size_t n = 0;

	(void)state;
	cvm_hex_encode(in, 5, hex);
	assert_string_equal(hex, "00ab10ff7e");
	assert_int_equal(cvm_hex_decode("0x00AB10ff7E", out, 5, &err), 0);
	assert_memory_equal(in, out, 5);
	assert_true(cvm_hex_decode("00ab", out, 5, &err) < 0);
	assert_non_null(strstr(err.msg, "must be 5 bytes"));
	assert_true(cvm_hex_decode("00ab10ff7g", out, 5, &err) < 0);
	assert_true(cvm_hex_decode_var("abc", out, 5, &n, &err) < 0);
	assert_int_equal(cvm_hex_decode_var("abcd", out, 5, &n, &err), 0);
	assert_int_equal(n, 2);
}

static void
test_base64_round_trip(void **state)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	const uint8_t data[] = "hello, world";

	(void)state;
	for (size_t n = 0; n <= 12; n++) {
		cleanup_free char *s = cvm_base64_encode(data, n);

		assert_int_equal(cvm_base64_decode(s, &b, &err), 0);
		assert_int_equal(b.len, n);
		assert_memory_equal(b.data, data, n);
	}
	assert_true(cvm_base64_decode("abc", &b, &err) < 0);
	assert_true(cvm_base64_decode("ab!d", &b, &err) < 0);
}

static void
test_file_atomic_and_read(void **state)
{
	char dir[] = "/tmp/cvm-test-XXXXXX";
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *path = NULL, *sub = NULL;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = cvm_xasprintf("%s/f", dir);
	assert_int_equal(cvm_file_write_atomic(path, "abc", 3, 0600, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(cvm_file_read(path, &b, 0, &err), 0);
	assert_string_equal(b.data, "abc");
	assert_int_equal(cvm_file_read(path, &b, 2, &err), -EFBIG);
	assert_int_equal(cvm_file_read(dir, &b, 0, &err), -EISDIR);
	assert_non_null(strstr(err.msg, "is a directory"));
	assert_int_equal(cvm_file_read("/nonexistent/x", &b, 0, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "'/nonexistent/x'"));
	sub = cvm_xasprintf("%s/a/b/c", dir);
	assert_int_equal(cvm_mkdir_p(sub, 0700, &err), 0);
	assert_int_equal(cvm_mkdir_p(sub, 0700, &err), 0);
	assert_true(cvm_mkdir_p(path, 0700, &err) < 0);
	/* a failed atomic write leaves nothing behind */
	free(sub);
	sub = cvm_xasprintf("%s/missing/f", dir);
	assert_true(cvm_file_write_atomic(sub, "x", 1, 0600, &err) < 0);
	unlink(path);
	free(sub);
	sub = cvm_xasprintf("%s/a/b/c", dir);
	assert_int_equal(rmdir(sub), 0);
	sub[strlen(sub) - 2] = '\0';
	assert_int_equal(rmdir(sub), 0);
	sub[strlen(sub) - 2] = '\0';
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void
test_rmtree(void **state)
{
	char dir[] = "/tmp/cvm-test-XXXXXX";
	char keep[] = "/tmp/cvm-test-keep-XXXXXX";
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *deep = NULL, *f = NULL, *link = NULL, *kf = NULL;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(keep));
	kf = cvm_xasprintf("%s/k", keep);
	assert_int_equal(cvm_file_write_atomic(kf, "k", 1, 0600, &err), 0);
	deep = cvm_xasprintf("%s/a/b/c", dir);
	assert_int_equal(cvm_mkdir_p(deep, 0700, &err), 0);
	f = cvm_xasprintf("%s/f", deep);
	assert_int_equal(cvm_file_write_atomic(f, "x", 1, 0600, &err), 0);
	/* a link to another folder is removed, not followed */
	link = cvm_xasprintf("%s/a/to-keep", dir);
	assert_int_equal(symlink(keep, link), 0);
	/* a/b/c is 3 below dir: refused at max depth 2, stops there */
	assert_int_equal(cvm_rmtree(dir, 2, &err), -ELOOP);
	assert_non_null(strstr(err.msg, dir));
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(cvm_rmtree(dir, 3, &err), 0);
	assert_int_not_equal(lstat(dir, &st), 0);
	assert_int_equal(stat(kf, &st), 0);
	assert_int_equal(cvm_rmtree(dir, 3, &err), 0); /* gone is fine */
	assert_int_equal(cvm_rmtree(keep, 1, &err), 0);
	assert_int_not_equal(stat(keep, &st), 0);
}

static void
test_proc_run_captures(void **state)
{
	struct cvm_proc_result r = CVM_PROC_RESULT_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	const char *const cat[] = {"cat", NULL};
	const char *const sh[] = {"sh", "-c", "echo out; echo err >&2; exit 5",
				  NULL};
	const char *const slow[] = {"sleep", "10", NULL};
	const char *const none[] = {"cvm-no-such-program", NULL};

	(void)state;
	assert_int_equal(cvm_proc_run(cat, "hi", 2, 5000, &r, &err), 0);
	assert_string_equal(cvm_buf_str(&r.out), "hi");
	assert_int_equal(r.status, 0);
	cvm_proc_result_release(&r);
	r = (struct cvm_proc_result)CVM_PROC_RESULT_INIT;
	assert_int_equal(cvm_proc_run(sh, NULL, 0, 5000, &r, &err), 0);
	assert_string_equal(cvm_buf_str(&r.out), "out\n");
	assert_string_equal(cvm_buf_str(&r.err), "err\n");
	assert_int_equal(r.status, 5);
	cvm_proc_result_release(&r);
	r = (struct cvm_proc_result)CVM_PROC_RESULT_INIT;
	assert_int_equal(cvm_proc_run(slow, NULL, 0, 100, &r, &err), 0);
	assert_true(r.timed_out);
	assert_int_equal(r.status, 128 + 9);
	cvm_proc_result_release(&r);
	r = (struct cvm_proc_result)CVM_PROC_RESULT_INIT;
	assert_int_equal(cvm_proc_run(none, NULL, 0, 100, &r, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "'cvm-no-such-program'"));
}

static void
test_argv_join_quotes(void **state)
{
	const char *const argv[] = {"qemu", "-append", "console=ttyS0 quiet",
				    "it's", "",	       NULL};
	cleanup_free char *s = cvm_argv_join(argv);

	(void)state;
	assert_string_equal(s,
			    "qemu -append 'console=ttyS0 quiet' 'it'\\''s' ''");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_terminates),
		cmocka_unit_test(test_err_prefix_keeps_cause),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_hex_round_trip),
		cmocka_unit_test(test_base64_round_trip),
		cmocka_unit_test(test_file_atomic_and_read),
		cmocka_unit_test(test_rmtree),
		cmocka_unit_test(test_proc_run_captures),
		cmocka_unit_test(test_argv_join_quotes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
