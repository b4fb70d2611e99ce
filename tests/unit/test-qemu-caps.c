/* SPDX-License-Identifier: MIT */
/*
 * lib/qemu beyond the builder: parsing QEMU's help listings (captured
 * from Debian 12's QEMU 7.2 in tests/data/qemu/help-7.2/), probing the
 * installed QEMU, the error explanations, starting and reaping QEMU, and
 * the KVM probe image (run under TCG, where it must reach its end).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "cvm/qemu.h"
#include "cvm/util.h"

static char *
help_text(const char *name)
{
	cleanup_free char *path =
		cvm_xasprintf("%s/qemu/help-7.2/%s.txt", CVM_TEST_DATA, name);
	struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	if (cvm_file_read(path, &b, 0, &err) < 0)
		fail_msg("%s", err.msg);
	return cvm_buf_detach(&b, NULL);
}

static void
parse_captured(struct cvm_qemu_caps *c)
{
	static const struct {
		enum cvm_qemu_help kind;
		const char *file;
	} files[] = {
		{CVM_QEMU_HELP_ACCEL, "accel"},
		{CVM_QEMU_HELP_MACHINE, "machine"},
		{CVM_QEMU_HELP_OBJECT, "object"},
		{CVM_QEMU_HELP_DEVICE, "device"},
		{CVM_QEMU_HELP_CPU, "cpu"},
	};
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *version = help_text("version");

	memset(c, 0, sizeof(*c));
	assert_int_equal(cvm_qemu_caps_parse_version(version, c, &err), 0);
	for (size_t i = 0; i < CVM_ARRAY_SIZE(files); i++) {
		cleanup_free char *t = help_text(files[i].file);

		cvm_qemu_caps_parse_help(c, files[i].kind, t);
	}
}

static void
test_parse_captured_7_2(void **state)
{
	struct cvm_qemu_caps c;

	(void)state;
	parse_captured(&c);
	assert_int_equal(c.major, 7);
	assert_int_equal(c.minor, 2);
	assert_true(c.accel_kvm && c.accel_tcg && c.machine_q35);
	assert_true(c.obj_sev_guest && c.obj_memfd);
	assert_false(c.obj_sev_snp_guest);
	assert_true(c.dev_isa_debug_exit && c.dev_virtio_net);
	assert_true(c.dev_virtio_scsi && c.dev_scsi_hd && c.dev_scsi_cd);
	assert_true(c.cpu_epyc);
	assert_false(c.cpu_epyc_v4);
}

static void
test_parse_synthetic(void **state)
{
	struct cvm_qemu_caps c = {0};
	struct cvm_err err = CVM_ERR_INIT;
	static const char *const bad[] = {
		"", "qemu 9.1", "QEMU emulator version x.y",
		"QEMU emulator version 9", "Usage: something else\n"};

	(void)state;
	/* QEMU 9.1-style listings, CRLF line ends, near-miss names */
	cvm_qemu_caps_parse_help(&c, CVM_QEMU_HELP_OBJECT,
				 "List of user creatable objects:\r\n"
				 "  sev-guest\r\n  sev-snp-guest\r\n"
				 "  memory-backend-memfd-private\r\n");
	assert_true(c.obj_sev_guest && c.obj_sev_snp_guest);
	assert_false(c.obj_memfd);
	cvm_qemu_caps_parse_help(&c, CVM_QEMU_HELP_CPU,
				 "Available CPUs:\nx86 EPYC-v4   AMD EPYC\n"
				 "x86 EPYC-Genoa  (alias)\n");
	assert_true(c.cpu_epyc_v4);
	assert_false(c.cpu_epyc);
	cvm_qemu_caps_parse_help(&c, CVM_QEMU_HELP_DEVICE,
				 "name \"isa-debug-exit\", bus ISA\n"
				 "name \"virtio-net-pci-transitional\"\n"
				 "name \"scsi-hd");
	assert_true(c.dev_isa_debug_exit);
	assert_false(c.dev_virtio_net);
	assert_false(c.dev_scsi_hd);
	cvm_qemu_caps_parse_help(
		&c, CVM_QEMU_HELP_MACHINE,
		"Supported machines are:\npc-q35-9.1  Standard\n");
	assert_true(c.machine_q35);
	cvm_qemu_caps_parse_help(
		&c, CVM_QEMU_HELP_ACCEL,
		"Accelerators supported in QEMU binary:\ntcg\n");
	assert_true(c.accel_tcg);
	assert_false(c.accel_kvm);
	assert_int_equal(
		cvm_qemu_caps_parse_version(
			"QEMU emulator version 10.1.0\nCopyright", &c, &err),
		0);
	assert_int_equal(c.major, 10);
	assert_int_equal(c.minor, 1);
	assert_true(cvm_qemu_caps_at_least(&c, 9, 1));
	assert_false(cvm_qemu_caps_at_least(&c, 10, 2));
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++)
		assert_int_equal(cvm_qemu_caps_parse_version(bad[i], &c, &err),
				 -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "not a QEMU version line"));
}

static bool
have_qemu(void)
{
	cleanup_free char *q = cvm_which(cvm_qemu_binary());

	return q != NULL;
}

static void
test_probe_installed(void **state)
{
	struct cvm_qemu_caps c, want;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	if (!have_qemu())
		skip();
	assert_int_equal(cvm_qemu_caps_probe(cvm_qemu_binary(), &c, &err), 0);
	assert_true(c.probed);
	assert_true(c.major >= 7);
	assert_true(c.accel_tcg && c.machine_q35 && c.dev_isa_debug_exit);
	parse_captured(&want);
	if (c.major == want.major && c.minor == want.minor &&
	    c.micro == want.micro) {
		want.probed = true;
		assert_memory_equal(&c, &want, sizeof(c));
	}
	assert_int_equal(cvm_qemu_caps_probe("/nonexistent/qemu", &c, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/qemu"));
	/* a program that is not QEMU */
	assert_int_equal(cvm_qemu_caps_probe("true", &c, &err), -CVM_E_PARSE);
}

static void
test_explain(void **state)
{
	/* the exact stderr of QEMU 7.2, launch-and-host.md §3.5 */
	static const struct {
		const char *stderr_text, *needle;
	} cases[] = {
		{"qemu-system-x86_64: ../../softmmu/vl.c:2590: "
		 "qemu_machine_creation_done: Assertion `machine->cgs->ready' "
		 "failed.",
		 "TCG"},
		{"qemu-system-x86_64: -accel kvm: sev_kvm_init: cbitpos check "
		 "failed, host '0' requested '51'\nqemu-system-x86_64: -accel "
		 "kvm: failed to initialize kvm: Operation not permitted",
		 "does not expose SEV"},
		{"sev_kvm_init: cbitpos check failed, host '47' requested '51'",
		 "take it from 'cvm host check'"},
		{"sev_kvm_init: Failed to open /dev/sev 'No such file or "
		 "directory'",
		 "load ccp"},
		{"-object "
		 "sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1: "
		 "Parameter 'qom-type' does not accept value 'sev-snp-guest'",
		 "older than 9.1"},
		{"... Parameter 'reduced-phys-bits' is missing", "use 1"},
		{"pflash with kvm requires KVM readonly memory support",
		 "-bios"},
		{"sev_snp_launch_start: SNP_LAUNCH_START ret=-22 fw_error=0 ''",
		 "0x30000"},
		{"KVM internal error. Suberror: 1\nextra data[0]: 0x1",
		 "--accel tcg"},
		{"qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69",
		 "MSRs"},
	};
	size_t n;
	const struct cvm_qemu_explanation *all = cvm_qemu_explanations(&n);

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(cases); i++) {
		const struct cvm_qemu_explanation *x =
			cvm_qemu_explain(cases[i].stderr_text);

		assert_non_null(x);
		if (!strstr(x->text, cases[i].needle))
			fail_msg("'%s' explained as '%s'", cases[i].stderr_text,
				 x->text);
	}
	assert_null(cvm_qemu_explain("all is well"));
	assert_null(cvm_qemu_explain(NULL));
	/* every row is reachable: its own match finds it or an earlier row
	 * with the same advice */
	assert_true(n >= 16);
	for (size_t i = 0; i < n; i++) {
		const struct cvm_qemu_explanation *x =
			cvm_qemu_explain(all[i].match);

		assert_non_null(x);
		assert_true(x <= &all[i]);
		assert_true(strlen(all[i].text) > 10 && all[i].layer[0]);
	}
}

static void
test_error_line(void **state)
{
	char line[320];
	char big[1000];

	(void)state;
	cvm_qemu_error_line("qemu-system-x86_64: warning: host doesn't support "
			    "requested feature: CPUID.01H:ECX.pni [bit 0]\n"
			    "qemu-system-x86_64: -accel kvm: failed to "
			    "initialize kvm: Operation not permitted\n",
			    line, sizeof(line));
	assert_string_equal(line, "-accel kvm: failed to initialize kvm: "
				  "Operation not permitted");
	cvm_qemu_error_line("KVM internal error. Suberror: 1\r\n", line,
			    sizeof(line));
	assert_string_equal(line, "KVM internal error. Suberror: 1");
	cvm_qemu_error_line("qemu-system-x86_64: terminating on signal 15\n",
			    line, sizeof(line));
	assert_string_equal(line, "");
	cvm_qemu_error_line("", line, sizeof(line));
	assert_string_equal(line, "");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cvm_qemu_error_line(big, line, sizeof(line));
	assert_int_equal(strlen(line), 300);
}

static void
test_start_and_reap(void **state)
{
	const char *ok[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
	const char *missing[] = {"/nonexistent/qemu", NULL};
	struct cvm_qemu_proc p;
	struct cvm_err err = CVM_ERR_INIT;
	char buf[64];
	ssize_t n = 0, total = 0;

	(void)state;
	assert_int_equal(cvm_qemu_start(ok, &p, &err), 0);
	assert_true(p.pid > 0 && p.out_fd >= 0 && p.err_fd >= 0);
	while (total < 4) { /* non-blocking: poll by retrying */
		n = read(p.out_fd, buf + total, sizeof(buf) - (size_t)total);
		if (n > 0)
			total += n;
		else if (n == 0)
			break;
		else
			usleep(1000);
	}
	assert_int_equal(total, 4);
	assert_memory_equal(buf, "out\n", 4);
	assert_int_equal(cvm_qemu_reap(&p, false), 3);
	assert_int_equal(p.pid, -1);
	assert_int_equal(cvm_qemu_start(missing, &p, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/qemu"));
	/* killed: 128 + SIGKILL */
	{
		const char *sleeper[] = {"sleep", "30", NULL};

		assert_int_equal(cvm_qemu_start(sleeper, &p, &err), 0);
		assert_int_equal(cvm_qemu_reap(&p, true), 128 + 9);
	}
}

static void
test_probe_image_under_tcg(void **state)
{
	char dir[] = "/tmp/cvm-test-probe.XXXXXX";
	cleanup_free char *rom = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_proc_result res = CVM_PROC_RESULT_INIT;

	(void)state;
	if (!have_qemu())
		skip();
	assert_non_null(mkdtemp(dir));
	rom = cvm_xasprintf("%s/probe.rom", dir);
	assert_int_equal(cvm_qemu_accel_probe_image(rom, &err), 0);
	{
		const char *argv[] = {cvm_qemu_binary(),
				      "-machine",
				      "q35",
				      "-accel",
				      "tcg",
				      "-m",
				      "16M",
				      "-nodefaults",
				      "-display",
				      "none",
				      "-bios",
				      rom,
				      "-device",
				      "isa-debug-exit,iobase=0xf4,iosize=0x04",
				      NULL};

		assert_int_equal(cvm_proc_run(argv, NULL, 0, 20000, &res, &err),
				 0);
	}
	unlink(rom);
	rmdir(dir);
	assert_false(res.timed_out);
	assert_int_equal(res.status, CVM_ACCEL_PROBE_STATUS);
	cvm_proc_result_release(&res);
}

static void
test_accel_detect(void **state)
{
	struct cvm_qemu_caps c;
	struct cvm_accel_probe pr;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	if (!have_qemu())
		skip();
	assert_int_equal(cvm_qemu_caps_probe(cvm_qemu_binary(), &c, &err), 0);
	assert_int_equal(
		cvm_qemu_accel_detect(cvm_qemu_binary(), &c, NULL, &pr, &err),
		0);
	assert_true(pr.reason[0]);
	assert_int_equal(pr.accel == CVM_ACCEL_KVM, pr.kvm_works);
	if (pr.accel == CVM_ACCEL_TCG && access("/dev/kvm", R_OK | W_OK) == 0)
		assert_non_null(strstr(pr.reason, "KVM cannot run guests"));
	c.accel_kvm = false;
	assert_int_equal(
		cvm_qemu_accel_detect(cvm_qemu_binary(), &c, NULL, &pr, &err),
		0);
	assert_int_equal(pr.accel, CVM_ACCEL_TCG);
	assert_int_equal(pr.probe_ns, 0);
	assert_non_null(strstr(pr.reason, "no KVM support"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_captured_7_2),
		cmocka_unit_test(test_parse_synthetic),
		cmocka_unit_test(test_probe_installed),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_error_line),
		cmocka_unit_test(test_start_and_reap),
		cmocka_unit_test(test_probe_image_under_tcg),
		cmocka_unit_test(test_accel_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
