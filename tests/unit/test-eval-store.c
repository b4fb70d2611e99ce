/* SPDX-License-Identifier: MIT */
/*
 * lib/eval: the output folder (plan.json, runs.jsonl appended and
 * reloaded, a torn last line cut off, another evaluation refused), the
 * Linux guest's initramfs, the VM of a cell (PVH for protection
 * none, OVMF + SEV for the protected levels), and the verdict on a run
 * (the guest's own word on its protection must be the cell's level).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../lib/eval/eval-priv.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "test-tmpdir.h"

static char tmpdir[] = "/tmp/cvm-eval-store-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return test_tmpdir_make(tmpdir);
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(tmpdir);
}

static struct json_object *
plan(const char *cls)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "{\"schema\": \"cvm-eval-plan/1\", \"fingerprint\": "
		 "{\"cells\": \"a b\", \"class\": \"%s\", \"cpu\": \"X\"}, "
		 "\"config\": {\"repeat\": 1}, \"cells\": [], \"sessions\": "
		 "[{\"started\": \"%s\"}]}",
		 cls, cls);
	return json_tokener_parse(text);
}

static void
test_store_append_reload(void **state)
{
	char *dir = cvm_xasprintf("%s/out", tmpdir);
	char *runs = cvm_xasprintf("%s/runs.jsonl", dir);
	struct json_object *p = plan("S"), *r, *old, *loaded;
	struct eval_store s;
	struct cvm_err err = CVM_ERR_INIT;
	char *moved = NULL;
	int fd;

	(void)state;
	assert_int_equal(eval_store_open(&s, dir, p, false, &moved, &err), 0);
	r = json_tokener_parse("{\"cell\": \"a\", \"rep\": 0, \"ok\": true}");
	assert_int_equal(eval_store_append(&s, r, &err), 0);
	json_object_put(r);
	assert_true(eval_runs_have(s.runs, "a", 0));
	assert_false(eval_runs_have(s.runs, "a", 1));
	eval_store_close(&s);
	/* a crash in the middle of the next append: a torn last line */
	fd = open(runs, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"cell\": \"b\", \"re", 17), 17);
	close(fd);
	assert_int_equal(eval_store_open(&s, dir, p, false, &moved, &err), 0);
	assert_int_equal(json_object_array_length(s.runs), 1);
	assert_int_equal(s.dropped_tail, 17);
	eval_store_close(&s);
	/* the plan now holds both sessions */
	assert_int_equal(eval_store_load(dir, &old, &loaded, &err), 0);
	assert_int_equal(json_object_array_length(
				 json_object_object_get(old, "sessions")),
			 2);
	assert_int_equal(json_object_array_length(loaded), 1);
	json_object_put(old);
	json_object_put(loaded);
	json_object_put(p);
	free(runs);
	free(dir);
}

static void
test_store_refuses_other_eval(void **state)
{
	char *dir = cvm_xasprintf("%s/other", tmpdir);
	struct json_object *a = plan("S"), *b = plan("W");
	struct eval_store s;
	struct cvm_err err = CVM_ERR_INIT;
	char why[128], *moved = NULL;
	struct json_object *run, *kept, *runs;

	(void)state;
	assert_false(eval_plan_mismatch(a, a, why, sizeof(why)));
	assert_true(eval_plan_mismatch(a, b, why, sizeof(why)));
	assert_string_equal(why, "class 'S' there, 'W' now");
	assert_int_equal(eval_store_open(&s, dir, a, false, &moved, &err), 0);
	eval_store_close(&s);
	assert_int_equal(eval_store_open(&s, dir, b, false, &moved, &err),
			 -CVM_E_STATE);
	assert_non_null(strstr(err.msg, "holds another evaluation"));
	assert_non_null(strstr(err.msg, "class 'S' there, 'W' now"));
	assert_null(moved);
	eval_store_close(&s);

	/* --replace: the S evaluation, with its run, moves to earlier-1 */
	assert_int_equal(eval_store_open(&s, dir, a, false, &moved, &err), 0);
	run = json_tokener_parse("{\"cell\": \"s\", \"rep\": 0}");
	assert_int_equal(eval_store_append(&s, run, &err), 0);
	json_object_put(run);
	eval_store_close(&s);
	assert_int_equal(eval_store_open(&s, dir, b, true, &moved, &err), 0);
	assert_non_null(moved);
	assert_non_null(strstr(moved, "/other/earlier-1"));
	assert_int_equal(json_object_array_length(s.runs), 0);
	eval_store_close(&s);
	assert_int_equal(eval_store_load(moved, &kept, &runs, &err), 0);
	assert_false(eval_plan_mismatch(kept, a, why, sizeof(why)));
	assert_int_equal(json_object_array_length(runs), 1);
	json_object_put(kept);
	json_object_put(runs);
	free(moved);
	/* and the next one to earlier-2; the W evaluation is now there */
	assert_int_equal(eval_store_open(&s, dir, a, true, &moved, &err), 0);
	assert_non_null(strstr(moved, "/other/earlier-2"));
	eval_store_close(&s);
	assert_int_equal(eval_store_load(moved, &kept, &runs, &err), 0);
	assert_false(eval_plan_mismatch(kept, b, why, sizeof(why)));
	json_object_put(kept);
	json_object_put(runs);
	free(moved);
	json_object_put(a);
	json_object_put(b);
	free(dir);
}

static void
test_linux_initrd(void **state)
{
	char *init = cvm_xasprintf("%s/init-bin", tmpdir);
	char *out = cvm_xasprintf("%s/initrd.cpio", tmpdir);
	const char *const argv[] = {"cpio", "-it", "--quiet", NULL};
	struct cvm_proc_result r = CVM_PROC_RESULT_INIT;
	struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_file_write_atomic(init, "#!x", 3, 0755, &err), 0);
	assert_int_equal(eval_linux_initrd(init, out, &err), 0);
	assert_int_equal(cvm_file_read(out, &b, 0, &err), 0);
	assert_int_equal(b.len % 512, 0);
	assert_int_equal(cvm_proc_run(argv, b.data, b.len, 10000, &r, &err), 0);
	assert_int_equal(r.status, 0);
	assert_string_equal(cvm_buf_str(&r.out),
			    "dev\ndev/console\nproc\ninit\n");
	cvm_proc_result_release(&r);
	cvm_buf_release(&b);
	/* a missing init fails and leaves nothing behind */
	unlink(out);
	assert_true(eval_linux_initrd("/nonexistent/init", out, &err) < 0);
	assert_int_equal(access(out, F_OK), -1);
	free(init);
	free(out);
}

static bool
has_arg(const struct cvm_argv *a, const char *what)
{
	for (size_t i = 0; i < a->n; i++)
		if (strstr(a->v[i], what))
			return true;
	return false;
}

static void
test_vm_of_cells(void **state)
{
	static char pvh[] = "/k/uk.elf", efi[] = "/k/uk.efi",
		    vmlinux[] = "/k/vmlinux", bz[] = "/k/bzImage",
		    initrd[] = "/k/initrd",
		    fw[] = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	struct eval_guests g = {.uk_pvh = pvh,
				.uk_efi = efi,
				.vmlinux = vmlinux,
				.bzimage = bz,
				.initrd = initrd,
				.firmware = fw};
	struct cvm_eval_config c;
	struct cvm_eval_cell cell = {.guest = CVM_EVAL_LINUX,
				     .level = CVM_PROT_NONE,
				     .workload = "ep",
				     .cls = 'S',
				     .id = "linux/none/ep/S"};
	struct cvm_host_report host;
	struct cvm_qemu_caps caps;
	struct cvm_err err = CVM_ERR_INIT;
	struct eval_vm vm;
	char *vars = cvm_xasprintf("%s/vars.fd", tmpdir);

	(void)state;
	memset(&host, 0, sizeof(host));
	host.have_cbit = true;
	host.cbitpos = 51;
	host.reduced_phys_bits = 1;
	cvm_eval_config_init(&c, true);
	assert_int_equal(cvm_qemu_caps_preset("9.1", &caps, &err), 0);
	/* protection none: PVH, Debian's vmlinux, our initramfs */
	assert_int_equal(eval_vm_make(&g, &cell, &c, &host, &caps, "qemu",
				      CVM_ACCEL_TCG, vars, &vm, &err),
			 0);
	assert_string_equal(vm.spec.kernel, "/k/vmlinux");
	assert_true(has_arg(&vm.argv, "/k/initrd"));
	assert_true(has_arg(&vm.argv, "console=ttyS0"));
	assert_true(has_arg(&vm.argv, "workload=ep class=S reps=1"));
	assert_true(has_arg(&vm.argv, "isa-debug-exit"));
	assert_false(has_arg(&vm.argv, "sev"));
	assert_int_equal(vm.spec.memory_mib, 256);
	eval_vm_release(&vm);
	/* SNP: the unikernel's EFI image under OVMF with sev-snp-guest */
	cell.guest = CVM_EVAL_UNIKERNEL;
	cell.level = CVM_PROT_SEV_SNP;
	assert_int_equal(eval_vm_make(&g, &cell, &c, &host, &caps, "qemu",
				      CVM_ACCEL_KVM, vars, &vm, &err),
			 0);
	assert_string_equal(vm.spec.kernel, "/k/uk.efi");
	assert_true(has_arg(&vm.argv, "sev-snp-guest"));
	assert_true(has_arg(&vm.argv, "cbitpos=51"));
	assert_null(vm.vars); /* SNP takes the firmware alone */
	eval_vm_release(&vm);
	/* and TCG cannot run it: QEMU validation refuses */
	assert_true(eval_vm_make(&g, &cell, &c, &host, &caps, "qemu",
				 CVM_ACCEL_TCG, vars, &vm, &err) < 0);
	eval_vm_release(&vm);
	free(vars);
}

/* A finished run whose console said `text` (QEMU exited as after the
 * guest's `exit 0` through isa-debug-exit). */
static int
verdict_of(const char *text, enum cvm_protection level, struct cvm_err *err)
{
	struct cvm_eval_cell cell = {.guest = CVM_EVAL_UNIKERNEL,
				     .level = level,
				     .workload = "hello",
				     .cls = '-'};
	struct cvm_guest_run r;
	struct cvm_guestio *p = cvm_guestio_new(NULL, NULL);
	int ret;

	memset(&r, 0, sizeof(r));
	cvm_guestio_feed(p, text, strlen(text), 1);
	cvm_guestio_finish(p, 2);
	r.rec = *cvm_guestio_record(p);
	r.qemu_status = 1;
	cvm_err_clear(err);
	ret = eval_run_verdict(&cell, &r, err);
	cvm_guestio_free(p);
	return ret;
}

static void
test_run_verdict_protection(void **state)
{
	static const char ok_none[] =
		"CVM1 info protection none\nCVM1 boot workload_start 5\n"
		"CVM1 result hello - ok 1 bool na\nCVM1 exit 0\n";
	static const char ok_snp[] =
		"CVM1 info protection sev-snp\nCVM1 boot workload_start 5\n"
		"CVM1 exit 0\n";
	static const char silent[] = "CVM1 boot workload_start 5\n"
				     "CVM1 exit 0\n";
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(verdict_of(ok_none, CVM_PROT_NONE, &err), 0);
	assert_int_equal(verdict_of(ok_snp, CVM_PROT_SEV_SNP, &err), 0);
	/* an unprotected guest never counts for a protected cell */
	assert_int_equal(verdict_of(ok_none, CVM_PROT_SEV, &err),
			 -CVM_E_INVALID);
	assert_non_null(strstr(err.msg, "reports protection 'none'"));
	assert_non_null(strstr(err.msg, "launched as 'sev'"));
	/* nor the other way round, nor a lower level */
	assert_int_equal(verdict_of(ok_snp, CVM_PROT_NONE, &err),
			 -CVM_E_INVALID);
	assert_int_equal(verdict_of(ok_snp, CVM_PROT_SEV_ES, &err),
			 -CVM_E_INVALID);
	/* silence about protection: fine unprotected, never protected */
	assert_int_equal(verdict_of(silent, CVM_PROT_NONE, &err), 0);
	assert_int_equal(verdict_of(silent, CVM_PROT_SEV_SNP, &err),
			 -CVM_E_INVALID);
	assert_non_null(strstr(err.msg, "did not report its protection"));
	/* and a run that never started its workload does not count */
	assert_int_equal(verdict_of("CVM1 info protection none\nCVM1 exit 0\n",
				    CVM_PROT_NONE, &err),
			 -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "never reported workload_start"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_append_reload),
		cmocka_unit_test(test_store_refuses_other_eval),
		cmocka_unit_test(test_linux_initrd),
		cmocka_unit_test(test_vm_of_cells),
		cmocka_unit_test(test_run_verdict_protection),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
