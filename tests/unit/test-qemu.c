/* SPDX-License-Identifier: MIT */
/*
 * The QEMU command-line builder against golden files: every protection
 * level x QEMU version (7.2, 8.2, 9.1, 10.1) x boot mode, plus named
 * variants, one argument per line in tests/data/qemu/<case>.args (a
 * refused combination holds "error: <message>").  CVM_TEST_REGENERATE=1
 * rewrites them; review the diff against launch-and-host.md §3.
 * Then the validation rules one by one.
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
#include "cvm/qemu.h"
#include "cvm/util.h"

static const char *const versions[] = {"7.2", "8.2", "9.1", "10.1"};
static const enum cvm_protection prots[] = {CVM_PROT_NONE, CVM_PROT_SEV,
					    CVM_PROT_SEV_ES, CVM_PROT_SEV_SNP};
static const enum cvm_boot boots[] = {CVM_BOOT_PVH, CVM_BOOT_EFI,
				      CVM_BOOT_DISK};
static const char *const boot_names[] = {"pvh", "efi", "disk"};

/* 96, 4096 and 32 zero bytes in base64 */
static char *id_block, *id_auth, *host_data;

static int
setup(void **state)
{
	static uint8_t zero[4096];

	(void)state;
	id_block = cvm_base64_encode(zero, 96);
	id_auth = cvm_base64_encode(zero, 4096);
	host_data = cvm_base64_encode(zero, 32);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(id_block);
	free(id_auth);
	free(host_data);
	return 0;
}

/*
 * The fixture: a unikernel-style PVH run (serial on stdio, debug exit),
 * a `cvm vm`-style EFI direct boot and a cloud-image disk boot (serial
 * socket and log, QMP, pid file, network), with each level's default
 * policy.  SNP uses the AmdSev firmware alone with kernel hashes.
 */
static void
fixture(struct cvm_vmspec *s, enum cvm_protection prot, enum cvm_boot boot,
	enum cvm_accel accel)
{
	memset(s, 0, sizeof(*s));
	s->name = "vm0";
	s->protection = prot;
	s->accel = accel;
	s->boot = boot;
	s->vcpus = 2;
	s->memory_mib = 2048;
	s->sev.cbitpos = 51;
	s->sev.reduced_phys_bits = 1;
	s->sev.policy = prot == CVM_PROT_SEV	   ? 0x3
			: prot == CVM_PROT_SEV_ES  ? 0x7
			: prot == CVM_PROT_SEV_SNP ? 0x30000
						   : 0;
	if (boot == CVM_BOOT_PVH) {
		s->kernel = "/usr/lib/cvm/cvm-unikernel.elf";
		s->append = "workload=hello class=- reps=1";
		s->serial_stdio = true;
		s->debug_exit = true;
		s->no_reboot = true;
		return;
	}
	s->firmware_code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	s->firmware_vars = "/var/lib/cvm/vm0/OVMF_VARS.fd";
	if (prot == CVM_PROT_SEV_SNP) {
		s->firmware_code = "/usr/share/edk2/ovmf/OVMF.amdsev.fd";
		s->firmware_vars = NULL;
	}
	s->serial_socket = "/var/lib/cvm/vm0/console.sock";
	s->serial_log = "/var/lib/cvm/vm0/serial.log";
	s->qmp_socket = "/var/lib/cvm/vm0/qmp.sock";
	s->pidfile = "/var/lib/cvm/vm0/qemu.pid";
	s->network = true;
	if (boot == CVM_BOOT_EFI) {
		s->kernel = "/usr/lib/cvm/cvm-unikernel.efi";
		s->append = "workload=ep class=S reps=1";
		s->sev.kernel_hashes = prot == CVM_PROT_SEV_SNP;
		return;
	}
	s->disks[0] = (struct cvm_disk){"/var/lib/cvm/vm0/disk.qcow2", "qcow2",
					false, false};
	s->disks[1] = (struct cvm_disk){"/var/lib/cvm/vm0/seed.iso", "raw",
					true, true};
	s->ndisks = 2;
}

/* The argv (or "error: msg") of `s` on QEMU `version`, one per line. */
static char *
render(const struct cvm_vmspec *s, const char *version)
{
	struct cvm_qemu_caps caps;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_argv struct cvm_argv a = CVM_ARGV_INIT;
	struct cvm_buf b = CVM_BUF_INIT;

	assert_int_equal(cvm_qemu_caps_preset(version, &caps, &err), 0);
	if (cvm_qemu_build(s, &caps, "qemu-system-x86_64", &a, &err) < 0) {
		assert_int_equal(a.n, 0);
		cvm_buf_addf(&b, "error: %s\n", err.msg);
	}
	for (size_t i = 0; i < a.n; i++)
		cvm_buf_addf(&b, "%s\n", a.v[i]);
	return cvm_buf_detach(&b, NULL);
}

static void
check_golden(const char *name, const char *got)
{
	cleanup_free char *path =
		cvm_xasprintf("%s/qemu/%s.args", CVM_TEST_DATA, name);
	cleanup_buf struct cvm_buf want = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	if (getenv("CVM_TEST_REGENERATE")) {
		assert_int_equal(cvm_file_write_atomic(path, got, strlen(got),
						       0644, &err),
				 0);
		return;
	}
	if (cvm_file_read(path, &want, 0, &err) < 0)
		fail_msg("%s (run with CVM_TEST_REGENERATE=1)", err.msg);
	if (strcmp(cvm_buf_str(&want), got) != 0)
		fail_msg("%s differs from the golden file:\n--- want\n%s--- "
			 "got\n%s",
			 name, cvm_buf_str(&want), got);
}

static void
run_case(const char *name, const struct cvm_vmspec *s, const char *version)
{
	cleanup_free char *got = render(s, version);

	check_golden(name, got);
}

static void
test_matrix(void **state)
{
	struct cvm_vmspec s;

	(void)state;
	for (size_t v = 0; v < CVM_ARRAY_SIZE(versions); v++)
		for (size_t p = 0; p < CVM_ARRAY_SIZE(prots); p++)
			for (size_t b = 0; b < CVM_ARRAY_SIZE(boots); b++) {
				cleanup_free char *name = cvm_xasprintf(
					"%s-%s-%s",
					cvm_protection_name(prots[p]),
					versions[v], boot_names[b]);

				fixture(&s, prots[p], boots[b], CVM_ACCEL_KVM);
				run_case(name, &s, versions[v]);
			}
	/* unprotected guests also under TCG */
	for (size_t v = 0; v < CVM_ARRAY_SIZE(versions); v++)
		for (size_t b = 0; b < CVM_ARRAY_SIZE(boots); b++) {
			cleanup_free char *name = cvm_xasprintf(
				"none-%s-%s-tcg", versions[v], boot_names[b]);

			fixture(&s, CVM_PROT_NONE, boots[b], CVM_ACCEL_TCG);
			run_case(name, &s, versions[v]);
		}
}

static void
test_variants(void **state)
{
	struct cvm_vmspec s;

	(void)state;
	/* SEV with sevctl session files, measured boot, stateless AmdSev
	 * firmware as a single read-only pflash */
	fixture(&s, CVM_PROT_SEV, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.dh_cert_file = "/var/lib/cvm/vm0/godh.b64";
	s.sev.session_file = "/var/lib/cvm/vm0/session.b64";
	s.sev.kernel_hashes = true;
	s.firmware_code = "/usr/share/edk2/ovmf/OVMF.amdsev.fd";
	s.firmware_vars = NULL;
	run_case("variant-sev-session-hashes-9.1", &s, "9.1");
	/* SNP with an ID block, its signature, an author key and host data */
	fixture(&s, CVM_PROT_SEV_SNP, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.id_block = id_block;
	s.sev.id_auth = id_auth;
	s.sev.author_key = true;
	s.sev.host_data = host_data;
	s.sev.vcek_disabled = true;
	run_case("variant-snp-idblock-10.1", &s, "10.1");
	/* an unprotected EFI guest with a combined OVMF.fd: -bios; a name
	 * and paths with commas are escaped; started paused */
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_EFI, CVM_ACCEL_TCG);
	s.firmware_code = "/usr/share/ovmf/OVMF.fd";
	s.firmware_vars = NULL;
	s.name = "a,b";
	s.qmp_socket = "/run/x,y/qmp.sock";
	s.paused = true;
	s.initrd = "/boot/initrd.img";
	run_case("variant-none-bios-escape-7.2", &s, "7.2");
	/* serial only to a log file, an explicit CPU model */
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_PVH, CVM_ACCEL_KVM);
	s.serial_stdio = false;
	s.serial_log = "/tmp/serial.log";
	s.cpu_model = "EPYC-Milan";
	run_case("variant-none-seriallog-8.2", &s, "8.2");
}

/* Build `s` on `version`; must fail with `code` and `needle` in the text. */
static void
expect_refusal(const struct cvm_vmspec *s, const char *version, int code,
	       const char *needle)
{
	struct cvm_qemu_caps caps;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_argv struct cvm_argv a = CVM_ARGV_INIT;

	assert_int_equal(cvm_qemu_caps_preset(version, &caps, &err), 0);
	assert_int_equal(cvm_qemu_build(s, &caps, "qemu", &a, &err), code);
	assert_int_equal(a.n, 0);
	if (!strstr(err.msg, needle))
		fail_msg("'%s' lacks '%s'", err.msg, needle);
}

static void
test_refusals(void **state)
{
	struct cvm_vmspec s;

	(void)state;
	fixture(&s, CVM_PROT_SEV, CVM_BOOT_EFI, CVM_ACCEL_TCG);
	expect_refusal(&s, "9.1", -CVM_E_USAGE, "need KVM");
	fixture(&s, CVM_PROT_SEV, CVM_BOOT_PVH, CVM_ACCEL_KVM);
	expect_refusal(&s, "9.1", -CVM_E_USAGE, "PVH boot cannot be protected");
	fixture(&s, CVM_PROT_SEV_SNP, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	expect_refusal(&s, "8.2", -CVM_E_UNSUPPORTED, "QEMU 9.1 or newer");
	s.firmware_vars = "/x/VARS.fd";
	expect_refusal(&s, "9.1", -CVM_E_USAGE, "-bios");
	fixture(&s, CVM_PROT_SEV_SNP, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.policy = 0x10000;
	expect_refusal(&s, "9.1", -CVM_E_USAGE, "bit 17");
	fixture(&s, CVM_PROT_SEV_SNP, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.host_data = id_block; /* 96 bytes, not 32 */
	expect_refusal(&s, "9.1", -CVM_E_USAGE, "decodes to 96 bytes, not 32");
	s.sev.host_data = "!!!";
	expect_refusal(&s, "9.1", -EINVAL, "host-data");
	fixture(&s, CVM_PROT_SEV_SNP, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.author_key = true;
	expect_refusal(&s, "9.1", -CVM_E_USAGE, "id-block");
	s.sev.author_key = false;
	s.sev.dh_cert_file = "/x";
	expect_refusal(&s, "9.1", -CVM_E_USAGE, "SEV and SEV-ES options");
	fixture(&s, CVM_PROT_SEV_ES, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.policy = 0x3;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "ES bit");
	fixture(&s, CVM_PROT_SEV, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.policy = 0x7;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "SEV-ES policy");
	s.sev.policy = 0x100000000ull;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "32 bits");
	fixture(&s, CVM_PROT_SEV, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.id_block = id_block;
	expect_refusal(&s, "9.1", -CVM_E_USAGE, "SEV-SNP options");
	fixture(&s, CVM_PROT_SEV_ES, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.vcek_disabled = true;
	expect_refusal(&s, "9.1", -CVM_E_USAGE, "vcek-disabled");
	fixture(&s, CVM_PROT_SEV, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.cbitpos = 0;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "CPUID 0x8000001F");
	fixture(&s, CVM_PROT_SEV, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	s.sev.reduced_phys_bits = 0;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "at least 1");
	fixture(&s, CVM_PROT_SEV, CVM_BOOT_DISK, CVM_ACCEL_KVM);
	s.sev.kernel_hashes = true;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "kernel-hashes");
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_PVH, CVM_ACCEL_KVM);
	s.sev.session_file = "/x";
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "unprotected");
	fixture(&s, CVM_PROT_AUTO, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "'auto'");
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_EFI, CVM_ACCEL_AUTO);
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "'auto'");
}

static void
test_refusals_boot(void **state)
{
	struct cvm_vmspec s;

	(void)state;
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_PVH, CVM_ACCEL_TCG);
	s.kernel = NULL;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "kernel");
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_PVH, CVM_ACCEL_TCG);
	s.firmware_code = "/x";
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "without firmware");
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_EFI, CVM_ACCEL_TCG);
	s.firmware_code = NULL;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "variable store needs");
	s.firmware_vars = NULL;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "needs OVMF");
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_EFI, CVM_ACCEL_TCG);
	s.kernel = NULL;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "needs a kernel");
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_DISK, CVM_ACCEL_TCG);
	s.kernel = "/k";
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "takes no kernel");
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_DISK, CVM_ACCEL_TCG);
	s.ndisks = 1;
	s.disks[0].cdrom = true;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "non-cdrom");
	s.ndisks = CVM_VM_MAX_DISKS + 1;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "at most");
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_PVH, CVM_ACCEL_TCG);
	s.vcpus = 0;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "vCPUs");
	s.vcpus = 1;
	s.memory_mib = 1;
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "MiB of memory");
	s.memory_mib = 64;
	s.serial_socket = "/s";
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "not both");
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_PVH, CVM_ACCEL_TCG);
	s.append = NULL;
	s.kernel = NULL;
	s.initrd = "/i";
	expect_refusal(&s, "7.2", -CVM_E_USAGE, "needs a kernel");
}

/* A probed QEMU without something the spec needs is refused. */
static void
test_refusals_caps(void **state)
{
	struct cvm_vmspec s;
	struct cvm_qemu_caps caps;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_argv struct cvm_argv a = CVM_ARGV_INIT;

	(void)state;
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_PVH, CVM_ACCEL_KVM);
	assert_int_equal(cvm_qemu_caps_preset("7.2", &caps, &err), 0);
	caps.accel_kvm = false;
	assert_int_equal(cvm_qemu_build(&s, &caps, "q", &a, &err),
			 -CVM_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "no KVM"));
	caps.accel_kvm = true;
	caps.dev_isa_debug_exit = false;
	assert_int_equal(cvm_qemu_build(&s, &caps, "q", &a, &err),
			 -CVM_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "isa-debug-exit"));
	/* a 9.1 that was built without SEV */
	fixture(&s, CVM_PROT_SEV_SNP, CVM_BOOT_EFI, CVM_ACCEL_KVM);
	assert_int_equal(cvm_qemu_caps_preset("9.1", &caps, &err), 0);
	caps.obj_sev_snp_guest = false;
	assert_int_equal(cvm_qemu_build(&s, &caps, "q", &a, &err),
			 -CVM_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "does not list"));
	assert_int_equal(a.n, 0);
}

static void
test_presets_and_cpu(void **state)
{
	struct cvm_qemu_caps c;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vmspec s;
	static const char *const bad[] = {"",	   "7",	      "7.",
					  "x.y",   "7.2a",    "7.1",
					  "6.2.0", "7.2.0.1", "-7.2"};

	(void)state;
	assert_int_equal(cvm_qemu_caps_preset("7.2", &c, &err), 0);
	assert_false(c.obj_sev_snp_guest);
	assert_false(c.cpu_epyc_v4);
	assert_int_equal(cvm_qemu_caps_preset("9.1.2", &c, &err), 0);
	assert_true(c.obj_sev_snp_guest);
	assert_int_equal(c.micro, 2);
	assert_int_equal(cvm_qemu_caps_preset("8.1", &c, &err), 0);
	assert_true(c.cpu_epyc_v4);
	assert_false(c.obj_sev_snp_guest);
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++)
		assert_int_equal(cvm_qemu_caps_preset(bad[i], &c, &err),
				 -CVM_E_USAGE);
	assert_int_equal(cvm_qemu_caps_preset("10.1", &c, &err), 0);
	fixture(&s, CVM_PROT_NONE, CVM_BOOT_PVH, CVM_ACCEL_TCG);
	assert_string_equal(cvm_qemu_default_cpu(&s, &c), "max");
	s.accel = CVM_ACCEL_KVM;
	assert_string_equal(cvm_qemu_default_cpu(&s, &c), "host");
	s.protection = CVM_PROT_SEV;
	assert_string_equal(cvm_qemu_default_cpu(&s, &c), "EPYC-v4");
	assert_int_equal(cvm_qemu_caps_preset("7.2", &c, &err), 0);
	assert_string_equal(cvm_qemu_default_cpu(&s, &c), "EPYC");
}

static void
test_escape_and_vars(void **state)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	cleanup_free char *vars = NULL, *none = NULL;

	(void)state;
	cvm_qemu_opt_escape(&b, "a,b,,c");
	assert_string_equal(cvm_buf_str(&b), "a,,b,,,,c");
	vars = cvm_qemu_ovmf_vars_template("/usr/share/OVMF/OVMF_CODE_4M.fd");
	if (access("/usr/share/OVMF/OVMF_VARS_4M.fd", R_OK) == 0)
		assert_string_equal(vars, "/usr/share/OVMF/OVMF_VARS_4M.fd");
	none = cvm_qemu_ovmf_vars_template("/usr/share/ovmf/OVMF.fd");
	assert_null(none);
	assert_null(cvm_qemu_ovmf_vars_template("/CODE/none.fd"));
	assert_null(cvm_qemu_ovmf_vars_template("/nonexistent/OVMF_CODE.fd"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_refusals_boot),
		cmocka_unit_test(test_refusals_caps),
		cmocka_unit_test(test_presets_and_cpu),
		cmocka_unit_test(test_escape_and_vars),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
