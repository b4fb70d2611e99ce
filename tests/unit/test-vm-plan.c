/* SPDX-License-Identifier: MIT */
/*
 * Planning `cvm vm create` on simulated hosts ($CVM_HOST_FACTS replays
 * the files in tests/data/host): what --protection auto picks and why, explicit
 * levels the host cannot run (with the host check's blocker), policy
 * defaults and refusals, the firmware and variable store per level,
 * measured direct boot, memory and boot-mode rules.  Nothing is written.
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

#include "../../lib/vm/vm-priv.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "test-tmpdir.h"

static char tmp[] = "/tmp/cvm-test-vm-plan.XXXXXX";
static char *kernel;

static int
setup(void **state)
{
	(void)state;
	if (test_tmpdir_make(tmp) < 0)
		return -1;
	setenv("XDG_DATA_HOME", tmp, 1);
	kernel = cvm_xasprintf("%s/vmlinuz", tmp);
	return cvm_file_write_atomic(kernel, "k", 1, 0600, NULL);
}

static int
teardown(void **state)
{
	(void)state;
	free(kernel);
	return test_tmpdir_remove(tmp);
}

static void
facts(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/host/%s.json", CVM_TEST_DATA, name);
	setenv(CVM_VM_HOST_FACTS, path, 1);
}

/* A kernel guest at `prot` on the simulated host `host`. */
static int
plan(const char *host, enum cvm_protection prot, const char *policy,
     struct cvm_vm_plan *p, struct cvm_err *err)
{
	struct cvm_vm_create_opts o = {.name = "p", .kernel = kernel};

	o.protection = prot;
	o.policy = policy;
	o.qemu_version = "10.1";
	facts(host);
	return cvm_vm_plan_create(&o, p, err);
}

static void
test_auto(void **state)
{
	static const struct {
		const char *host;
		enum cvm_protection want;
		const char *why; /* the next level's blocker, or NULL */
	} cases[] = {
		{"genoa-snp-ready", CVM_PROT_SEV_SNP, NULL},
		{"milan-sev-es", CVM_PROT_SEV_ES, "kernel.snp"},
		{"genoa-zero-es-asids", CVM_PROT_SEV, "cpu.asids"},
		{"debian12-nonsev-vm", CVM_PROT_NONE, "cpu.sev"},
		{"genoa-user-memlock", CVM_PROT_NONE, "memlock"},
	};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm_plan p;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(cases); i++) {
		int r = plan(cases[i].host, CVM_PROT_AUTO, NULL, &p, &err);

		if (r < 0)
			fail_msg("%s: %s", cases[i].host, err.msg);
		assert_true(p.auto_picked);
		assert_int_equal(p.cfg.protection, cases[i].want);
		assert_int_equal(p.cfg.requested, CVM_PROT_AUTO);
		if (cases[i].why)
			assert_non_null(strstr(p.auto_why, cases[i].why));
		else
			assert_null(p.auto_why);
		cvm_vm_plan_release(&p);
	}
}

static void
test_explicit_blocked(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm_plan p;

	(void)state;
	assert_int_equal(plan("milan-sev-es", CVM_PROT_SEV_SNP, NULL, &p, &err),
			 -CVM_E_HOST);
	cvm_vm_plan_release(&p);
	assert_non_null(strstr(err.msg, "this host cannot launch sev-snp "
					"guests: kernel.snp"));
	assert_int_equal(
		plan("genoa-iommu-pt", CVM_PROT_SEV_SNP, NULL, &p, &err),
		-CVM_E_HOST);
	cvm_vm_plan_release(&p);
	assert_non_null(strstr(err.msg, "kernel.iommu"));
	/* the levels below still work there */
	assert_int_equal(
		plan("genoa-iommu-pt", CVM_PROT_SEV_ES, NULL, &p, &err), 0);
	assert_int_equal(p.cfg.cbitpos, 51);
	assert_int_equal(p.cfg.reduced_phys_bits, 1);
	cvm_vm_plan_release(&p);
}

static void
test_policy(void **state)
{
	static const struct {
		enum cvm_protection prot;
		const char *text;
		uint64_t want; /* 0: refused */
		const char *why;
	} cases[] = {
		{CVM_PROT_SEV, NULL, 0x3, NULL},
		{CVM_PROT_SEV_ES, NULL, 0x7, NULL},
		{CVM_PROT_SEV_SNP, NULL, 0x30000, NULL},
		{CVM_PROT_SEV, "0xf", 0, "ES bit"},
		{CVM_PROT_SEV, "0xb", 0xb, NULL},
		{CVM_PROT_SEV_ES, "0x1", 0, "needs the ES bit"},
		{CVM_PROT_SEV_SNP, "0x10000", 0, "bit 17"},
		{CVM_PROT_SEV_SNP, "0x70000", 0, "MIGRATE_MA"},
		{CVM_PROT_SEV_SNP, "0xb0000", 0xb0000, NULL},
		{CVM_PROT_SEV, "0x100000000", 0, "--policy"},
		{CVM_PROT_SEV, "x", 0, "--policy"},
		{CVM_PROT_NONE, "0x3", 0, "unprotected"},
	};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm_plan p;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(cases); i++) {
		int r = plan("genoa-snp-ready", cases[i].prot, cases[i].text,
			     &p, &err);

		if (cases[i].want) {
			if (r < 0)
				fail_msg("case %zu: %s", i, err.msg);
			assert_int_equal(p.cfg.policy, cases[i].want);
		} else {
			assert_int_equal(r, -CVM_E_USAGE);
			if (!strstr(err.msg, cases[i].why))
				fail_msg("case %zu: %s", i, err.msg);
		}
		cvm_vm_plan_release(&p);
	}
	/* a debug policy plans, with a warning to print */
	assert_int_equal(
		plan("genoa-snp-ready", CVM_PROT_SEV_SNP, "0xb0000", &p, &err),
		0);
	assert_true(p.policy.debug_allowed);
	cvm_vm_plan_release(&p);
}

static void
test_firmware(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm_plan p;

	(void)state;
	/* SEV: Debian's split build, with its VARS template copied */
	assert_int_equal(plan("genoa-snp-ready", CVM_PROT_SEV, NULL, &p, &err),
			 0);
	assert_string_equal(p.cfg.firmware, CVM_OVMF_CODE_DEFAULT);
	if (access("/usr/share/OVMF/OVMF_VARS_4M.fd", R_OK) == 0) {
		assert_string_equal(p.cfg.vars_template,
				    "/usr/share/OVMF/OVMF_VARS_4M.fd");
		assert_true(p.cfg.has_vars);
	}
	assert_false(p.cfg.kernel_hashes); /* no hash table in it */
	cvm_vm_plan_release(&p);
	/* SNP and a kernel: the AmdSev build (-bios, no VARS), measured */
	assert_int_equal(
		plan("genoa-snp-ready", CVM_PROT_SEV_SNP, NULL, &p, &err), 0);
	assert_string_equal(p.cfg.firmware,
			    "/usr/share/edk2/ovmf/OVMF.amdsev.fd");
	assert_null(p.cfg.vars_template);
	assert_false(p.cfg.has_vars);
	assert_true(p.cfg.kernel_hashes);
	cvm_vm_plan_release(&p);
}

static void
test_rules(void **state)
{
	struct cvm_vm_create_opts o = {.name = "r", .kernel = kernel};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm_plan p;

	(void)state;
	facts("genoa-snp-ready");
	o.protection = CVM_PROT_NONE;
	o.memory = 1ull << 50;
	assert_int_equal(cvm_vm_plan_create(&o, &p, &err), -CVM_E_HOST);
	assert_non_null(strstr(err.msg, "more than this host has"));
	cvm_vm_plan_release(&p);
	o.memory = (1ull << 20) + 1;
	assert_int_equal(cvm_vm_plan_create(&o, &p, &err), -CVM_E_USAGE);
	cvm_vm_plan_release(&p);
	o.memory = 0;
	o.boot_set = true;
	o.boot = CVM_BOOT_PVH;
	o.protection = CVM_PROT_SEV;
	assert_int_equal(cvm_vm_plan_create(&o, &p, &err), -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "PVH boot cannot be protected"));
	cvm_vm_plan_release(&p);
	/* auto with PVH: unprotected, and that is what it says */
	o.protection = CVM_PROT_AUTO;
	assert_int_equal(cvm_vm_plan_create(&o, &p, &err), 0);
	assert_int_equal(p.cfg.protection, CVM_PROT_NONE);
	assert_int_equal(p.cfg.boot, CVM_BOOT_PVH);
	assert_null(p.cfg.firmware);
	assert_int_equal(p.cfg.memory_mib, 512);
	assert_true(p.cfg.network);
	cvm_vm_plan_release(&p);
	o.protection = CVM_PROT_NONE;
	o.firmware = kernel;
	assert_int_equal(cvm_vm_plan_create(&o, &p, &err), -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "PVH boot runs no firmware"));
	cvm_vm_plan_release(&p);
}

static void
test_name_taken(void **state)
{
	struct cvm_vm_create_opts o = {.name = "t", .kernel = kernel};
	cleanup_free char *root = cvm_vm_root();
	cleanup_free char *dir = cvm_xasprintf("%s/t", root);
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm_plan p;

	(void)state;
	assert_int_equal(cvm_mkdir_p(dir, 0700, NULL), 0);
	assert_int_equal(cvm_vm_plan_create(&o, &p, &err), -EEXIST);
	assert_string_equal(err.msg, "a VM named 't' already exists");
	cvm_vm_plan_release(&p);
	assert_int_equal(cvm_rmtree(dir, VM_TREE_DEPTH, NULL), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_explicit_blocked),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_firmware),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_name_taken),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
