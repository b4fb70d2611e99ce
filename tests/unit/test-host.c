/* SPDX-License-Identifier: MIT */
/*
 * The host check over facts: every shipped facts file gives its
 * documented verdict (tests/data/host/verdicts.tsv), each check reacts
 * to the one fact it reads (mutations of the Genoa SNP-ready file), and
 * recording then replaying any source reproduces its report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/host.h"
#include "cvm/util.h"

#define DATA	CVM_TEST_DATA "/host/"
#define GENOA	DATA "genoa-snp-ready.json"
#define NLEVELS 3

static const char *const level_names[NLEVELS] = {"sev", "sev-es", "sev-snp"};

static struct cvm_host_report *
check_file(const char *path, const struct cvm_host_opts *opts)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_host_facts *f = NULL;
	struct cvm_host_report *r = NULL;
	struct cvm_host_source src;

	if (cvm_host_facts_load(path, &f, &err) < 0)
		fail_msg("%s", err.msg);
	src = cvm_host_source_facts(f);
	assert_int_equal(cvm_host_check(&src, opts, &r, &err), 0);
	cvm_host_facts_free(f);
	return r;
}

/* The blocker id of `level`, or "-" when launchable. */
static const char *
blocker(const struct cvm_host_report *r, enum cvm_protection level)
{
	return r->level[level].launchable
		       ? "-"
		       : r->checks[r->level[level].blocker].id;
}

/* Structural invariants of every report. */
static void
assert_tree(const struct cvm_host_report *r)
{
	for (size_t i = 0; i < r->nchecks; i++) {
		const struct cvm_host_check *c = &r->checks[i];

		assert_true(c->parent < (int)i);
		assert_int_equal(
			c->depth,
			c->parent < 0 ? 0 : r->checks[c->parent].depth + 1);
		assert_true(c->message[0] != '\0');
		if (c->cause >= 0) {
			assert_int_equal(c->status, CVM_CHECK_SKIP);
			assert_true(
				r->checks[c->cause].status == CVM_CHECK_FAIL ||
				r->checks[c->cause].status == CVM_CHECK_SKIP);
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(r->checks[j].id, c->id) == 0)
				fail_msg("duplicate check id '%s'", c->id);
	}
	for (int l = CVM_PROT_SEV; l <= CVM_PROT_SEV_SNP; l++)
		if (!r->level[l].launchable)
			assert_non_null(
				strstr(r->level[l].message,
				       r->checks[r->level[l].blocker].id));
}

static void
test_shipped_verdicts(void **state)
{
	cleanup_fclose FILE *f = fopen(DATA "verdicts.tsv", "r");
	char line[512];
	int files = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char name[128], max[16], b[NLEVELS][64], path[256];
		struct cvm_host_report *r;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_int_equal(sscanf(line, "%127s %15s %63s %63s %63s", name,
					max, b[0], b[1], b[2]),
				 5);
		snprintf(path, sizeof(path), DATA "%s.json", name);
		r = check_file(path, NULL);
		assert_tree(r);
		if (strcmp(cvm_protection_name(r->max), max) != 0)
			fail_msg("%s: max %s, documented %s", name,
				 cvm_protection_name(r->max), max);
		for (int l = 0; l < NLEVELS; l++)
			if (strcmp(blocker(r, CVM_PROT_SEV + l), b[l]) != 0)
				fail_msg("%s: %s blocked by %s, documented %s",
					 name, level_names[l],
					 blocker(r, CVM_PROT_SEV + l), b[l]);
		/* the shipped files are complete: nothing is unrecorded */
		for (size_t i = 0; i < r->nchecks; i++)
			if (strstr(r->checks[i].message, "not recorded"))
				fail_msg("%s: %s: %s", name, r->checks[i].id,
					 r->checks[i].message);
		cvm_host_report_free(r);
		files++;
	}
	assert_true(files >= 12);
}

static void
test_launcher_facts(void **state)
{
	struct cvm_host_report *r = check_file(GENOA, NULL);
	const char *why = NULL;

	(void)state;
	assert_true(r->have_cbit);
	assert_int_equal(r->cbitpos, 51);
	assert_int_equal(r->phys_addr_reduction, 6);
	assert_int_equal(r->reduced_phys_bits, 1);
	assert_string_equal(r->qemu_path, "/usr/bin/qemu-system-x86_64");
	assert_string_equal(r->qemu_version, "10.0.2");
	assert_true(r->qemu_sev_guest && r->qemu_sev_snp_guest);
	assert_string_equal(r->libvirt_version, "11.3.0");
	assert_string_equal(r->kernel_release, "6.12.38+deb13-amd64");
	assert_int_equal(r->kvm_api_version, 12);
	assert_true(r->have_sev_status && r->have_snp_status);
	assert_int_equal(r->sev_status.api_minor, 55);
	assert_true(cvm_host_can_launch(r, CVM_PROT_SEV_SNP, &why));
	assert_true(cvm_host_can_launch(r, CVM_PROT_NONE, NULL));
	assert_false(cvm_host_can_launch(r, CVM_PROT_AUTO, &why));
	assert_non_null(cvm_host_report_find(r, "kvm.snp"));
	assert_null(cvm_host_report_find(r, "no.such.check"));
	cvm_host_report_free(r);

	r = check_file(DATA "debian12-nonsev-vm.json", NULL);
	assert_false(r->have_cbit);
	assert_false(cvm_host_can_launch(r, CVM_PROT_SEV, &why));
	assert_non_null(strstr(why, "cpu.sev"));
	assert_non_null(strstr(why, "CPUID 0x8000001F"));
	assert_false(r->qemu_sev_snp_guest);
	assert_true(r->qemu_sev_guest);
	cvm_host_report_free(r);
}

/* ---- mutations of the SNP-ready Genoa ----------------------------------- */

typedef void (*mutate_fn)(struct json_object *root);

static struct json_object *
member(struct json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "|", &save); k;
	     k = strtok_r(NULL, "|", &save))
		if (!json_object_object_get_ex(o, k, &o))
			fail_msg("facts have no '%s'", path);
	return o;
}

/* root[a]...[b] = v ("a|b" path; the last key may be new) */
static void
set(struct json_object *root, const char *parent, const char *key,
    struct json_object *v)
{
	json_object_object_add(parent ? member(root, parent) : root, key, v);
}

static struct json_object *
err(const char *name)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(name));
	return o;
}

static struct cvm_host_report *
check_mutated(mutate_fn fn, const struct cvm_host_opts *opts)
{
	struct cvm_err e = CVM_ERR_INIT;
	struct cvm_host_facts *f = NULL, *g = NULL;
	struct cvm_host_report *r = NULL;
	struct cvm_host_source src;

	if (cvm_host_facts_load(GENOA, &f, &e) < 0)
		fail_msg("%s", e.msg);
	fn(cvm_host_facts_json(f));
	/* through text, as a user's edited file would come */
	assert_int_equal(cvm_host_facts_parse(json_object_to_json_string(
						      cvm_host_facts_json(f)),
					      "mutated", &g, &e),
			 0);
	src = cvm_host_source_facts(g);
	assert_int_equal(cvm_host_check(&src, opts, &r, &e), 0);
	assert_tree(r);
	cvm_host_facts_free(f);
	cvm_host_facts_free(g);
	return r;
}

static void
expect(mutate_fn fn, const char *max, const char *sev, const char *es,
       const char *snp)
{
	struct cvm_host_report *r = check_mutated(fn, NULL);

	assert_string_equal(cvm_protection_name(r->max), max);
	assert_string_equal(blocker(r, CVM_PROT_SEV), sev);
	assert_string_equal(blocker(r, CVM_PROT_SEV_ES), es);
	assert_string_equal(blocker(r, CVM_PROT_SEV_SNP), snp);
	cvm_host_report_free(r);
}

static void
intel(struct json_object *o)
{
	struct json_object *a = member(o, "cpuid|0x00000000:0");

	json_object_array_put_idx(a, 1, json_object_new_string("0x756e6547"));
	json_object_array_put_idx(a, 3, json_object_new_string("0x49656e69"));
	json_object_array_put_idx(a, 2, json_object_new_string("0x6c65746e"));
}

static void
short_ext_leaf(struct json_object *o)
{
	json_object_array_put_idx(member(o, "cpuid|0x80000000:0"), 0,
				  json_object_new_string("0x80000008"));
}

static void
sev_leaf(struct json_object *o, int reg, const char *v)
{
	json_object_array_put_idx(member(o, "cpuid|0x8000001f:0"), (size_t)reg,
				  json_object_new_string(v));
}

static void
no_es_bit(struct json_object *o)
{
	sev_leaf(o, 0, "0x00000017"); /* SME SEV flush SNP, no ES */
}

static void
cbit_zero(struct json_object *o)
{
	sev_leaf(o, 1, "0x00004180");
}

static void
no_sev_only_asids(struct json_object *o)
{
	sev_leaf(o, 3, "0x00000400"); /* min SEV ASID 1024 > 1006 */
}

static void
smee_off(struct json_object *o)
{
	set(o, "msr", "0:0xc0010010", json_object_new_string("0x00740000"));
}

static void
rmp_zero(struct json_object *o)
{
	set(o, "msr", "0:0xc0010133", json_object_new_string("0x0"));
}

static void
dmi_qemu(struct json_object *o)
{
	set(o, "files", "/sys/class/dmi/id/sys_vendor",
	    json_object_new_string("QEMU\n"));
	set(o, "files", "/sys/class/dmi/id/product_name",
	    json_object_new_string("Standard PC (Q35 + ICH9, 2009)\n"));
}

static void
dmi_metal(struct json_object *o)
{
	set(o, "files", "/sys/class/dmi/id/sys_vendor",
	    json_object_new_string("Amazon EC2\n"));
	set(o, "files", "/sys/class/dmi/id/product_name",
	    json_object_new_string("m6a.metal\n"));
}

static void
test_cpu_and_bios(void **state)
{
	struct cvm_host_report *r;

	(void)state;
	expect(intel, "none", "cpu", "cpu", "cpu");
	expect(short_ext_leaf, "none", "cpu.leaf", "cpu.leaf", "cpu.leaf");
	expect(no_es_bit, "sev", "-", "cpu.sev-es", "cpu.sev-es");
	expect(cbit_zero, "none", "cpu.cbit", "cpu.cbit", "cpu.cbit");
	expect(no_sev_only_asids, "sev-snp", "cpu.asids", "-", "-");
	expect(smee_off, "none", "bios.smee", "bios.smee", "bios.smee");
	expect(rmp_zero, "sev-es", "-", "-", "bios.rmp");

	/* a failed check's children are skipped with it as the cause */
	r = check_mutated(intel, NULL);
	for (size_t i = 0; i < r->nchecks; i++)
		if (r->checks[i].parent == 0) {
			assert_int_equal(r->checks[i].status, CVM_CHECK_SKIP);
			assert_int_equal(r->checks[i].cause, 0);
			assert_non_null(
				strstr(r->checks[i].message, "(cpu) failed"));
		}
	cvm_host_report_free(r);

	/* a VM that hides the CPUID hypervisor bit still shows in DMI */
	r = check_mutated(dmi_qemu, NULL);
	assert_int_equal(cvm_host_report_find(r, "cpu.vm")->status,
			 CVM_CHECK_WARN);
	assert_non_null(strstr(cvm_host_report_find(r, "cpu.vm")->message,
			       "DMI 'Standard PC"));
	cvm_host_report_free(r);
	r = check_mutated(dmi_metal, NULL);
	assert_int_equal(cvm_host_report_find(r, "cpu.vm")->status,
			 CVM_CHECK_OK);
	cvm_host_report_free(r);
}

static void
cmdline(struct json_object *o, const char *extra)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "ro quiet %s\n", extra);
	set(o, "files", "/proc/cmdline", json_object_new_string(buf));
}

static void
amd_iommu_off(struct json_object *o)
{
	cmdline(o, "amd_iommu=off");
}

static void
passthrough(struct json_object *o)
{
	cmdline(o, "iommu.passthrough=1");
}

static void
no_iommu(struct json_object *o)
{
	set(o, "dirs", "/sys/class/iommu", json_object_new_array());
}

static void
identity_domain(struct json_object *o)
{
	set(o, "files", "/sys/kernel/iommu_groups/0/type",
	    json_object_new_string("identity\n"));
}

static void
kernel_6_10(struct json_object *o)
{
	set(o, "uname", "release", json_object_new_string("6.10.3-amd64"));
}

static void
sev_es_param_off(struct json_object *o)
{
	set(o, "files", "/sys/module/kvm_amd/parameters/sev_es",
	    json_object_new_string("N\n"));
}

static void
no_kvm(struct json_object *o)
{
	set(o, NULL, "kvm_api_version", err("ENOENT"));
}

static void
kvm_off_in_cmdline(struct json_object *o)
{
	cmdline(o, "kvm_amd.sev_snp=0");
}

static void
test_kernel_and_kvm(void **state)
{
	struct cvm_host_report *r;

	(void)state;
	expect(amd_iommu_off, "sev-es", "-", "-", "kernel.iommu");
	expect(passthrough, "sev-es", "-", "-", "kernel.iommu");
	expect(no_iommu, "sev-es", "-", "-", "kernel.iommu");
	expect(identity_domain, "sev-es", "-", "-", "kernel.iommu");
	expect(kernel_6_10, "sev-es", "-", "-", "kernel.snp");
	expect(sev_es_param_off, "sev", "-", "kvm.sev-es", "kvm.sev-es");
	expect(no_kvm, "none", "kvm", "kvm", "kvm");

	r = check_mutated(kvm_off_in_cmdline, NULL);
	assert_int_equal(cvm_host_report_find(r, "kernel.cmdline")->status,
			 CVM_CHECK_WARN);
	cvm_host_report_free(r);
}

static void
smee_fw_error(struct json_object *o)
{
	struct json_object *e = err("EIO");

	json_object_object_add(e, "fw_error", json_object_new_string("0x13"));
	set(o, NULL, "sev_platform_status", e);
}

static void
old_firmware(struct json_object *o)
{
	set(o, "sev_platform_status", "api_minor", json_object_new_int(49));
}

static void
snp_uninit(struct json_object *o)
{
	set(o, "snp_platform_status", "state", json_object_new_int(0));
}

static void
rmp_uninit(struct json_object *o)
{
	set(o, "snp_platform_status", "status_flags",
	    json_object_new_string("0x02"));
}

static void
es_not_configured(struct json_object *o)
{
	set(o, "sev_platform_status", "flags", json_object_new_string("0x0"));
}

static void
sev_uninit(struct json_object *o)
{
	set(o, "sev_platform_status", "state", json_object_new_int(0));
	set(o, "sev_platform_status", "flags", json_object_new_string("0x0"));
}

static void
test_psp(void **state)
{
	struct cvm_host_report *r;
	const struct cvm_host_check *c;

	(void)state;
	expect(old_firmware, "sev-es", "-", "-", "sev.fw");
	expect(snp_uninit, "sev-es", "-", "-", "sev.snp-init");
	expect(rmp_uninit, "sev-es", "-", "-", "sev.rmp-init");
	expect(es_not_configured, "sev", "-", "sev.es-init", "sev.es-init");
	/* an uninitialised platform is set up at first launch */
	expect(sev_uninit, "sev-snp", "-", "-", "-");

	r = check_mutated(smee_fw_error, NULL);
	assert_string_equal(blocker(r, CVM_PROT_SEV), "sev.platform");
	c = cvm_host_report_find(r, "sev.platform");
	assert_non_null(strstr(c->message, "HWSEV_RET_PLATFORM"));
	assert_non_null(strstr(c->fix, "SMEE"));
	cvm_host_report_free(r);
}

static void
no_qemu(struct json_object *o)
{
	set(o, "programs", "qemu-system-x86_64", err("ENOENT"));
	set(o, "programs", "qemu-kvm", err("ENOENT"));
}

static void
qemu_without_sev(struct json_object *o)
{
	set(o, "commands|/usr/bin/qemu-system-x86_64 -object help", "stdout",
	    json_object_new_string(
		    "List of user creatable objects:\n  iothread\n"));
}

static void
no_snp_firmware(struct json_object *o)
{
	set(o, "firmware|/usr/share/ovmf/OVMF.fd", "sev_snp",
	    json_object_new_boolean(0));
	set(o, "firmware|/usr/share/edk2/ovmf/OVMF.amdsev.fd", "sev_snp",
	    json_object_new_boolean(0));
}

static void
libvirt_down(struct json_object *o)
{
	struct json_object *e = err("ECONNREFUSED");

	json_object_object_add(
		e, "why",
		json_object_new_string("Failed to connect socket to "
				       "'/var/run/libvirt/libvirt-sock': No "
				       "such file or directory"));
	set(o, "libvirt", "qemu:///system", e);
}

/* the daemon answers, but its C-bit disagrees with CPUID's */
static void
libvirt_other_cbit(struct json_object *o)
{
	set(o, "libvirt|qemu:///system|node_sev", "cbitpos",
	    json_object_new_int(47));
}

/* the daemon answers; its QEMU has no SEV (domain capabilities) */
static void
libvirt_no_sev(struct json_object *o)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "supported", json_object_new_boolean(0));
	json_object_object_add(c, "why",
			       json_object_new_string("<sev supported='no'/>"));
	set(o, "libvirt|qemu:///system", "domcaps_sev", c);
}

/* a malformed libvirt answer is refused, not read as "no SEV" */
static void
libvirt_malformed(struct json_object *o)
{
	set(o, "libvirt|qemu:///system", "version", json_object_new_int(9));
}

static void
test_tools(void **state)
{
	struct cvm_host_opts fast = {.skip_libvirt = true};
	struct cvm_host_report *r;

	(void)state;
	expect(no_qemu, "none", "qemu", "qemu", "qemu");
	expect(qemu_without_sev, "none", "qemu.sev", "qemu.sev", "qemu.sev");
	expect(no_snp_firmware, "sev-es", "-", "-", "firmware.snp");

	r = check_mutated(libvirt_down, NULL);
	assert_int_equal(cvm_host_report_find(r, "libvirt.sev")->status,
			 CVM_CHECK_SKIP);
	assert_non_null(strstr(cvm_host_report_find(r, "libvirt.sev")->message,
			       "libvirtd is not running"));
	assert_int_equal(r->max, CVM_PROT_SEV_SNP); /* libvirt is optional */
	cvm_host_report_free(r);

	r = check_file(GENOA, NULL);
	assert_int_equal(cvm_host_report_find(r, "libvirt.sev")->status,
			 CVM_CHECK_OK);
	assert_non_null(strstr(cvm_host_report_find(r, "libvirt.sev")->message,
			       "C-bit 51"));
	assert_int_equal(cvm_host_report_find(r, "libvirt.domcaps")->status,
			 CVM_CHECK_OK);
	cvm_host_report_free(r);

	r = check_mutated(libvirt_other_cbit, NULL);
	assert_int_equal(cvm_host_report_find(r, "libvirt.sev")->status,
			 CVM_CHECK_WARN);
	assert_non_null(strstr(cvm_host_report_find(r, "libvirt.sev")->message,
			       "C-bit 47, CPUID 0x8000001F says 51"));
	assert_int_equal(r->max, CVM_PROT_SEV_SNP);
	cvm_host_report_free(r);

	r = check_mutated(libvirt_no_sev, NULL);
	assert_int_equal(cvm_host_report_find(r, "libvirt.sev")->status,
			 CVM_CHECK_OK);
	assert_int_equal(cvm_host_report_find(r, "libvirt.domcaps")->status,
			 CVM_CHECK_WARN);
	assert_non_null(
		strstr(cvm_host_report_find(r, "libvirt.domcaps")->message,
		       "would refuse <launchSecurity type='sev'>"));
	cvm_host_report_free(r);

	r = check_mutated(libvirt_malformed, NULL);
	assert_int_equal(cvm_host_report_find(r, "libvirt.sev")->status,
			 CVM_CHECK_WARN);
	cvm_host_report_free(r);

	r = check_file(GENOA, &fast);
	assert_non_null(strstr(cvm_host_report_find(r, "libvirt.sev")->message,
			       "not asked"));
	cvm_host_report_free(r);
}

static void
nothing(struct json_object *o)
{
	(void)o;
}

static void
test_memlock(void **state)
{
	struct cvm_host_opts big = {.guest_memory = 64ull << 30};
	struct cvm_host_report *r;

	(void)state;
	/* root with 8 MiB: a warning, root can raise it */
	r = check_mutated(nothing, &big);
	assert_int_equal(cvm_host_report_find(r, "memlock")->status,
			 CVM_CHECK_WARN);
	assert_int_equal(r->guest_memory, 64ull << 30);
	assert_non_null(strstr(cvm_host_report_find(r, "memlock")->evidence,
			       "65792 MiB"));
	cvm_host_report_free(r);

	r = check_file(DATA "genoa-user-no-sev-access.json", &big);
	assert_int_equal(cvm_host_report_find(r, "memlock")->status,
			 CVM_CHECK_OK); /* unlimited */
	assert_int_equal(r->memlock_soft, UINT64_MAX);
	cvm_host_report_free(r);
}

static void
forget_cpuid(struct json_object *o)
{
	json_object_object_del(o, "cpuid");
}

static void
bad_error_name(struct json_object *o)
{
	set(o, NULL, "kvm_api_version", err("EWHATEVER"));
}

static void
test_missing_and_bad_facts(void **state)
{
	struct cvm_err e = CVM_ERR_INIT;
	struct cvm_host_facts *f = NULL;
	struct cvm_host_report *r;
	const struct cvm_host_check *c;

	(void)state;
	r = check_mutated(forget_cpuid, NULL);
	c = cvm_host_report_find(r, "cpu");
	assert_int_equal(c->status, CVM_CHECK_SKIP);
	assert_non_null(strstr(c->message, "not recorded in the facts file"));
	assert_int_equal(r->max, CVM_PROT_NONE);
	assert_string_equal(blocker(r, CVM_PROT_SEV), "cpu");
	cvm_host_report_free(r);

	r = check_mutated(bad_error_name, NULL);
	assert_int_equal(cvm_host_report_find(r, "kvm")->status,
			 CVM_CHECK_FAIL);
	cvm_host_report_free(r);

	assert_int_equal(cvm_host_facts_parse("{", "x.json", &f, &e),
			 -CVM_E_PARSE);
	assert_non_null(strstr(e.msg, "'x.json' is not valid JSON"));
	assert_int_equal(cvm_host_facts_parse("[1]", "y.json", &f, &e),
			 -CVM_E_PARSE);
	assert_int_equal(cvm_host_facts_parse("{\"format\": \"other/1\"}",
					      "z.json", &f, &e),
			 -CVM_E_PARSE);
	assert_non_null(strstr(e.msg, "'z.json' is not a cvm facts file"));
	assert_true(cvm_host_facts_load(DATA "no-such.json", &f, &e) < 0);
	assert_non_null(strstr(e.msg, "no-such.json"));
}

/* Record `src` into a facts document, replay it, compare the reports. */
static void
assert_round_trip(const struct cvm_host_source *src)
{
	struct cvm_err e = CVM_ERR_INIT;
	struct cvm_host_opts o = {.source_name = "x"};
	struct cvm_host_recorder rec = {*src, cvm_host_facts_new()};
	struct cvm_host_source rs = cvm_host_source_recorder(&rec);
	struct cvm_host_facts *back = NULL;
	struct cvm_host_source bs;
	struct cvm_host_report *a = NULL, *b = NULL;
	struct json_object *ja, *jb;

	assert_int_equal(cvm_host_check(&rs, &o, &a, &e), 0);
	assert_int_equal(
		cvm_host_facts_parse(json_object_to_json_string(
					     cvm_host_facts_json(rec.into)),
				     "recorded", &back, &e),
		0);
	bs = cvm_host_source_facts(back);
	assert_int_equal(cvm_host_check(&bs, &o, &b, &e), 0);
	ja = cvm_host_report_json(a);
	jb = cvm_host_report_json(b);
	assert_string_equal(json_object_to_json_string(ja),
			    json_object_to_json_string(jb));
	for (size_t i = 0; i < b->nchecks; i++)
		assert_null(strstr(b->checks[i].message, "not recorded"));
	json_object_put(ja);
	json_object_put(jb);
	cvm_host_report_free(a);
	cvm_host_report_free(b);
	cvm_host_facts_free(rec.into);
	cvm_host_facts_free(back);
}

static void
test_record_replay(void **state)
{
	static const char *const files[] = {
		"genoa-snp-ready", "milan-no-msr", "genoa-user-no-sev-access",
		"debian12-nonsev-vm", "turin-snp-ready"};
	struct cvm_host_source real = cvm_host_source_real();

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(files); i++) {
		struct cvm_err e = CVM_ERR_INIT;
		struct cvm_host_facts *f = NULL;
		struct cvm_host_source src;
		char path[256];

		snprintf(path, sizeof(path), DATA "%s.json", files[i]);
		assert_int_equal(cvm_host_facts_load(path, &f, &e), 0);
		src = cvm_host_source_facts(f);
		assert_round_trip(&src);
		cvm_host_facts_free(f);
	}
	/* and this machine, probed for real */
	assert_round_trip(&real);
}

static void
test_report_json(void **state)
{
	struct cvm_host_report *r = check_file(DATA "milan-sev-es.json", NULL);
	struct json_object *j = cvm_host_report_json(r), *v, *x;

	(void)state;
	assert_true(json_object_object_get_ex(j, "schema", &v));
	assert_string_equal(json_object_get_string(v), "cvm-host-check/1");
	assert_true(json_object_object_get_ex(j, "verdict", &v));
	assert_true(json_object_object_get_ex(v, "max", &x));
	assert_string_equal(json_object_get_string(x), "sev-es");
	assert_true(json_object_object_get_ex(j, "checks", &v));
	assert_int_equal(json_object_array_length(v), r->nchecks);
	assert_true(json_object_object_get_ex(j, "host", &v));
	assert_true(json_object_object_get_ex(v, "cbitpos", &x));
	assert_int_equal(json_object_get_int(x), 51);
	json_object_put(j);
	cvm_host_report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_verdicts),
		cmocka_unit_test(test_launcher_facts),
		cmocka_unit_test(test_cpu_and_bios),
		cmocka_unit_test(test_kernel_and_kvm),
		cmocka_unit_test(test_psp),
		cmocka_unit_test(test_tools),
		cmocka_unit_test(test_memlock),
		cmocka_unit_test(test_missing_and_bad_facts),
		cmocka_unit_test(test_record_replay),
		cmocka_unit_test(test_report_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
