/* SPDX-License-Identifier: MIT */
/*
 * Golden tests of the libvirt domain XML (lib/virt/domxml.c): every
 * protection level x libvirt version (9.0, 10.5) x boot mode (unikernel,
 * Linux kernel, cloud disk), plus variants.  Each expected file is in
 * tests/data/virt/ (<case>.xml, or <case>.err for a refusal);
 * CVM_TEST_REGENERATE=1 rewrites them.  Every XML file is validated:
 * with `virt-xml-validate FILE domain` against the installed schema, or,
 * for SEV-SNP while the installed schema predates it (Debian 12's 9.0),
 * with that schema plus the sev-snp <launchSecurity> of libvirt 10.5
 * (tests/data/virt/domain-snp.rng), after checking that the stock schema
 * does reject it.  Property checks guard against a bad regeneration.
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
#include "cvm/util.h"
#include "cvm/virt.h"

#define DATA	   CVM_TEST_DATA "/virt"
#define SCHEMA_DIR "/usr/share/libvirt/schemas"

enum kind { K_UNIKERNEL, K_KERNEL, K_DISK, K_PVH };

struct gcase {
	char file[96];
	char valid_name[112]; /* the validation test's name */
	enum cvm_protection prot;
	enum kind kind;
	unsigned long version;
	unsigned flags;
	void (*tweak)(struct cvm_vmspec *s);
};

static char id_block_b64[160], host_data_b64[64];

static void
make_blobs(void)
{
	uint8_t block[96], host[32];
	char *b;

	for (size_t i = 0; i < sizeof(block); i++)
		block[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(host); i++)
		host[i] = (uint8_t)(0xa0 + i);
	b = cvm_base64_encode(block, sizeof(block));
	snprintf(id_block_b64, sizeof(id_block_b64), "%s", b);
	free(b);
	b = cvm_base64_encode(host, sizeof(host));
	snprintf(host_data_b64, sizeof(host_data_b64), "%s", b);
	free(b);
}

static void
firmware(struct cvm_vmspec *s)
{
	if (s->protection == CVM_PROT_SEV_SNP) {
		s->firmware_code = "/usr/share/edk2/ovmf/OVMF.amdsev.fd";
		return;
	}
	s->firmware_code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	s->firmware_vars = "/usr/share/OVMF/OVMF_VARS_4M.fd";
}

static void
sev_params(struct cvm_vmspec *s)
{
	static const uint64_t policy[] = {
		[CVM_PROT_SEV] = 0x3,
		[CVM_PROT_SEV_ES] = 0x7,
		[CVM_PROT_SEV_SNP] = 0x30000,
	};

	if (s->protection == CVM_PROT_NONE)
		return;
	s->sev.policy = policy[s->protection];
	s->sev.cbitpos = 51;
	s->sev.reduced_phys_bits = 1;
}

/* The spec of a case: realistic paths under cvm's data directory. */
static void
make_spec(const struct gcase *c, struct cvm_vmspec *s)
{
	memset(s, 0, sizeof(*s));
	s->protection = c->prot;
	s->accel = c->prot == CVM_PROT_NONE ? CVM_ACCEL_TCG : CVM_ACCEL_KVM;
	s->vcpus = 1;
	s->memory_mib = 256;
	sev_params(s);
	firmware(s);
	switch (c->kind) {
	case K_PVH:
		s->boot = CVM_BOOT_PVH;
		s->kernel = "/var/lib/cvm/guest/cvm-unikernel.elf";
		s->debug_exit = true;
		s->firmware_code = s->firmware_vars = NULL;
		break;
	case K_UNIKERNEL:
		s->name = "uk";
		s->boot = CVM_BOOT_EFI;
		s->kernel = "/var/lib/cvm/guest/cvm-unikernel.efi";
		s->append = "workload=hello";
		s->debug_exit = true;
		break;
	case K_KERNEL:
		s->boot = CVM_BOOT_EFI;
		s->kernel = "/var/lib/cvm/vms/lin/vmlinuz";
		s->initrd = "/var/lib/cvm/vms/lin/initrd.img";
		s->append = "console=ttyS0 root=/dev/vda1 ro quiet";
		s->sev.kernel_hashes = c->prot != CVM_PROT_NONE;
		s->disks[s->ndisks++] =
			(struct cvm_disk){"/var/lib/cvm/vms/lin/disk.qcow2",
					  "qcow2", false, false};
		if (c->prot == CVM_PROT_SEV_SNP)
			s->sev.id_block = id_block_b64;
		break;
	case K_DISK:
		s->boot = CVM_BOOT_DISK;
		s->vcpus = 2;
		s->memory_mib = 2048;
		s->network = true;
		s->serial_log = "/var/lib/cvm/vms/jammy/serial.log";
		s->disks[s->ndisks++] = (struct cvm_disk){
			"/var/lib/cvm/vms/jammy/overlay.qcow2", "qcow2", false,
			false};
		s->disks[s->ndisks++] = (struct cvm_disk){
			"/var/lib/cvm/vms/jammy/seed.iso", "raw", true, true};
		if (c->prot == CVM_PROT_SEV_SNP) {
			s->sev.host_data = host_data_b64;
			s->sev.vcek_disabled = true;
		}
		break;
	}
	if (!s->name)
		s->name = c->kind == K_DISK ? "jammy" : "lin";
	if (c->tweak)
		c->tweak(s);
}

static char *
render(const struct gcase *c)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vmspec s;

	make_spec(c, &s);
	if (cvm_virt_domain_xml(&s, c->version, c->flags, &b, &err) < 0) {
		assert_int_equal(b.len, 0);
		cvm_buf_addf(&b, "error %d (%s): %s\n", err.code,
			     cvm_strerror(err.code), err.msg);
	}
	return cvm_buf_detach(&b, NULL);
}

static void
check_golden(const char *file, const char *got)
{
	cleanup_free char *path = cvm_xasprintf("%s/%s", DATA, file);
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
			 file, cvm_buf_str(&want), got);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* What each protection level must get, whatever the golden file says. */
static void
check_properties(const struct gcase *c, const char *xml)
{
	struct cvm_vmspec s;
	size_t virtio;
	char limit[64];

	make_spec(c, &s);
	virtio = count(xml, "bus='virtio'") + count(xml, "<interface");
	assert_non_null(strstr(xml, "<acpi/>"));
	assert_non_null(strstr(xml, "<console type='pty'>"));
	assert_int_equal(count(xml, "<launchSecurity"),
			 c->prot != CVM_PROT_NONE);
	if (c->prot == CVM_PROT_NONE) {
		assert_int_equal(count(xml, "iommu='on'"), 0);
		return;
	}
	assert_int_equal(count(xml, "iommu='on'"), virtio);
	assert_int_equal(count(xml, "<rom enabled='no'/>"), s.network ? 1 : 0);
	assert_non_null(strstr(xml, "<memballoon model='none'/>"));
	if (c->prot >= CVM_PROT_SEV_ES)
		assert_non_null(strstr(xml, "<on_reboot>destroy</on_reboot>"));
	if (c->prot == CVM_PROT_SEV_SNP) {
		assert_non_null(strstr(xml, "<launchSecurity type='sev-snp'"));
		assert_non_null(strstr(
			xml, s.firmware_code ? "<loader type='rom'>"
					     : "<loader stateless='yes'/>"));
		assert_null(strstr(xml, "<nvram"));
		assert_null(strstr(xml, "pflash"));
		return;
	}
	assert_non_null(strstr(xml, "<launchSecurity type='sev'"));
	if (s.firmware_code)
		assert_non_null(strstr(xml, "<nvram template="));
	snprintf(limit, sizeof(limit), ">%llu</hard_limit>",
		 (unsigned long long)(s.memory_mib + 256) * 1024);
	if (c->flags & CVM_VIRT_XML_LOCKED)
		assert_non_null(strstr(xml, "<locked/>"));
	else
		assert_non_null(strstr(xml, limit));
}

static void
test_golden(void **state)
{
	const struct gcase *c = *state;
	cleanup_free char *got = render(c);

	check_golden(c->file, got);
	if (strstr(c->file, ".xml"))
		check_properties(c, got);
	else
		assert_non_null(strstr(got, "error "));
}

/* ------------------------------------------------------------------ */
/* schema validation */

static int
run(const char *const *argv, struct cvm_proc_result *res)
{
	struct cvm_err err = CVM_ERR_INIT;

	if (cvm_proc_run(argv, NULL, 0, 60000, res, &err) < 0)
		fail_msg("%s", err.msg);
	return res->status;
}

static bool
installed_schema_knows_snp(void)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;

	if (cvm_file_read(SCHEMA_DIR "/domaincommon.rng", &b, 0, NULL) < 0)
		return false;
	return strstr(cvm_buf_str(&b), "sev-snp") != NULL;
}

/* 0 when `path` is a valid domain for the stock schema, else the
 * validator's status (its messages in `why`). */
static int
validate_stock(const char *path, struct cvm_buf *why)
{
	const char *argv[] = {"virt-xml-validate", path, "domain", NULL};
	struct cvm_proc_result res = CVM_PROC_RESULT_INIT;
	int st = run(argv, &res);

	cvm_buf_add(why, res.out.data, res.out.len);
	cvm_buf_add(why, res.err.data, res.err.len);
	cvm_proc_result_release(&res);
	return st;
}

static int
validate_snp(const char *path, struct cvm_buf *why)
{
	const char *argv[] = {"xmllint",   "--noout",
			      "--relaxng", DATA "/domain-snp.rng",
			      path,	   NULL};
	struct cvm_proc_result res = CVM_PROC_RESULT_INIT;
	int st = run(argv, &res);

	cvm_buf_add(why, res.err.data, res.err.len);
	cvm_proc_result_release(&res);
	return st;
}

static void
skip_without_validator(void)
{
	cleanup_free char *v = cvm_which("virt-xml-validate");
	cleanup_free char *x = cvm_which("xmllint");

	if (!v || !x || access(SCHEMA_DIR "/domain.rng", R_OK) != 0) {
		print_message("# virt-xml-validate, xmllint or the libvirt "
			      "schemas are missing: install libvirt-clients "
			      "and libxml2-utils\n");
		skip();
	}
}

static void
test_valid(void **state)
{
	const struct gcase *c = *state;
	cleanup_free char *path = cvm_xasprintf("%s/%s", DATA, c->file);
	cleanup_buf struct cvm_buf why = CVM_BUF_INIT;

	skip_without_validator();
	if (c->prot != CVM_PROT_SEV_SNP || installed_schema_knows_snp()) {
		if (validate_stock(path, &why) != 0)
			fail_msg("%s: %s", c->file, cvm_buf_str(&why));
		return;
	}
	/* the installed schema must reject it (else the extension below
	 * is no longer needed), and schema + extension must accept it */
	if (validate_stock(path, &why) == 0)
		fail_msg("%s: the installed schema accepts sev-snp now; "
			 "validate with it",
			 c->file);
	cvm_buf_truncate(&why, 0);
	if (validate_snp(path, &why) != 0)
		fail_msg("%s: %s", c->file, cvm_buf_str(&why));
}

/* The validators can fail: a definition without the required policy,
 * and an SNP one with an unknown element, are both refused. */
static void
test_validators_refuse(void **state)
{
	static const char bad_sev[] =
		"<domain type='kvm'><name>x</name><memory>1024</memory>"
		"<os><type>hvm</type></os><launchSecurity type='sev'>"
		"<cbitpos>51</cbitpos></launchSecurity></domain>\n";
	static const char bad_snp[] =
		"<domain type='kvm'><name>x</name><memory>1024</memory>"
		"<os><type>hvm</type></os><launchSecurity type='sev-snp'>"
		"<policy>0x30000</policy><idblock>AA==</idblock>"
		"</launchSecurity></domain>\n";
	char dir[] = "/tmp/cvm-virt-xml.XXXXXX";
	cleanup_free char *a = NULL;
	cleanup_free char *b = NULL;
	cleanup_buf struct cvm_buf why = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	skip_without_validator();
	assert_non_null(mkdtemp(dir));
	a = cvm_xasprintf("%s/sev.xml", dir);
	b = cvm_xasprintf("%s/snp.xml", dir);
	assert_int_equal(
		cvm_file_write_atomic(a, bad_sev, strlen(bad_sev), 0644, &err),
		0);
	assert_int_equal(
		cvm_file_write_atomic(b, bad_snp, strlen(bad_snp), 0644, &err),
		0);
	assert_int_not_equal(validate_stock(a, &why), 0);
	assert_int_not_equal(validate_snp(a, &why), 0);
	assert_int_not_equal(validate_snp(b, &why), 0);
	unlink(a);
	unlink(b);
	rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* the cases */

static void
tweak_tcg(struct cvm_vmspec *s)
{
	s->accel = CVM_ACCEL_TCG;
}

static void
tweak_session(struct cvm_vmspec *s)
{
	s->sev.dh_cert_file = DATA "/godh.b64";
	s->sev.session_file = DATA "/session.b64";
}

static void
tweak_autofw(struct cvm_vmspec *s)
{
	s->firmware_code = s->firmware_vars = NULL;
}

static void
tweak_stateless(struct cvm_vmspec *s)
{
	s->firmware_vars = NULL;
}

/* Text that needs escaping everywhere the user's strings go. */
static void
tweak_escape(struct cvm_vmspec *s)
{
	s->name = "a&b<c>'d\"";
	s->append = "console=ttyS0 x=\"<&>\" y='1' caf\xc3\xa9";
	s->kernel = "/var/lib/cvm/k&k'/vmlinuz";
}

static const struct {
	const char *name;
	enum cvm_protection prot;
	enum kind kind;
	unsigned long version;
	unsigned flags;
	void (*tweak)(struct cvm_vmspec *s);
} variants[] = {
	{"none-pvh-9.0", CVM_PROT_NONE, K_PVH, CVM_VIRT_VERSION(9, 0, 0), 0,
	 NULL},
	{"none-autofw-9.0", CVM_PROT_NONE, K_UNIKERNEL,
	 CVM_VIRT_VERSION(9, 0, 0), 0, tweak_autofw},
	{"none-stateless-9.0", CVM_PROT_NONE, K_UNIKERNEL,
	 CVM_VIRT_VERSION(9, 0, 0), 0, tweak_stateless},
	{"none-escape-9.0", CVM_PROT_NONE, K_KERNEL, CVM_VIRT_VERSION(9, 0, 0),
	 0, tweak_escape},
	{"sev-tcg-unikernel-9.0", CVM_PROT_SEV, K_UNIKERNEL,
	 CVM_VIRT_VERSION(9, 0, 0), 0, tweak_tcg},
	{"sev-locked-kernel-9.0", CVM_PROT_SEV, K_KERNEL,
	 CVM_VIRT_VERSION(9, 0, 0), CVM_VIRT_XML_LOCKED, NULL},
	{"sev-session-disk-9.0", CVM_PROT_SEV, K_DISK,
	 CVM_VIRT_VERSION(9, 0, 0), 0, tweak_session},
	{"sev-es-autofw-unikernel-9.0", CVM_PROT_SEV_ES, K_UNIKERNEL,
	 CVM_VIRT_VERSION(9, 0, 0), 0, tweak_autofw},
	{"sev-snp-autofw-unikernel-10.5", CVM_PROT_SEV_SNP, K_UNIKERNEL,
	 CVM_VIRT_VERSION(10, 5, 0), 0, tweak_autofw},
	{"sev-kernel-7.0", CVM_PROT_SEV, K_KERNEL, CVM_VIRT_VERSION(7, 0, 0), 0,
	 NULL},
	{"none-stateless-8.0", CVM_PROT_NONE, K_UNIKERNEL,
	 CVM_VIRT_VERSION(8, 0, 0), 0, tweak_stateless},
};

static const enum cvm_protection prots[] = {CVM_PROT_NONE, CVM_PROT_SEV,
					    CVM_PROT_SEV_ES, CVM_PROT_SEV_SNP};
static const struct {
	const char *name;
	unsigned long v;
} versions[] = {{"9.0", CVM_VIRT_VERSION(9, 0, 0)},
		{"10.5", CVM_VIRT_VERSION(10, 5, 0)}};
static const char *const kinds[] = {"unikernel", "kernel", "disk"};

#define MAX_CASES 64

static struct gcase cases[MAX_CASES];
static size_t ncases;

static void
add_case(const char *name, enum cvm_protection prot, enum kind kind,
	 unsigned long version, unsigned flags,
	 void (*tweak)(struct cvm_vmspec *s))
{
	struct gcase *c = &cases[ncases++];
	cleanup_free char *x = NULL;
	const char *ext;

	assert_true(ncases <= MAX_CASES);
	*c = (struct gcase){.prot = prot,
			    .kind = kind,
			    .version = version,
			    .flags = flags,
			    .tweak = tweak};
	/* a refusal is golden too: <case>.err */
	x = render(c);
	ext = strncmp(x, "error ", 6) == 0 ? "err" : "xml";
	snprintf(c->file, sizeof(c->file), "%s.%s", name, ext);
	snprintf(c->valid_name, sizeof(c->valid_name), "%s.%s validates", name,
		 ext);
}

static void
make_cases(void)
{
	char name[64];

	for (size_t p = 0; p < CVM_ARRAY_SIZE(prots); p++)
		for (size_t v = 0; v < CVM_ARRAY_SIZE(versions); v++)
			for (size_t k = 0; k < CVM_ARRAY_SIZE(kinds); k++) {
				snprintf(name, sizeof(name), "%s-%s-%s",
					 cvm_protection_name(prots[p]),
					 kinds[k], versions[v].name);
				add_case(name, prots[p], (enum kind)k,
					 versions[v].v, 0, NULL);
			}
	for (size_t i = 0; i < CVM_ARRAY_SIZE(variants); i++)
		add_case(variants[i].name, variants[i].prot, variants[i].kind,
			 variants[i].version, variants[i].flags,
			 variants[i].tweak);
}

int
main(void)
{
	static struct CMUnitTest tests[2 * MAX_CASES + 1];
	size_t n = 0;

	make_blobs();
	make_cases();
	for (size_t i = 0; i < ncases; i++) {
		tests[n++] = (struct CMUnitTest){cases[i].file, test_golden,
						 NULL, NULL, &cases[i]};
		if (strstr(cases[i].file, ".xml"))
			tests[n++] = (struct CMUnitTest){cases[i].valid_name,
							 test_valid, NULL, NULL,
							 &cases[i]};
	}
	tests[n++] =
		(struct CMUnitTest){"validators refuse bad XML",
				    test_validators_refuse, NULL, NULL, NULL};
	return _cmocka_run_group_tests("virt-xml", tests, n, NULL, NULL);
}
