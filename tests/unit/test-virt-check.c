/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/virt without a daemon: the escaping XML writer,
 * libvirt version numbers, every refusal of cvm_virt_domain_xml() (the
 * message must say what to change, and nothing is written), and the
 * libvirt error -> explanation map with the messages the reference
 * recorded on Debian 12 (launch-and-host.md 4.3, 7).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libvirt/virterror.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/virt.h"
#include "../../lib/virt/virt-priv.h"

#define DATA CVM_TEST_DATA "/virt"

static void
test_writer_escapes(void **state)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct xmlw w;

	(void)state;
	xmlw_init(&w, &b);
	xmlw_open(&w, "a");
	xmlw_attr(&w, "q", "it's \"x\" & <y>");
	xmlw_leaf(&w, "t", "1 < 2 & 'a' \"b\" > 0");
	xmlw_empty(&w, "e");
	xmlw_leaff(&w, "n", "%d", 42);
	xmlw_close(&w);
	assert_int_equal(xmlw_finish(&w, &err), 0);
	assert_string_equal(cvm_buf_str(&b),
			    "<a q='it&apos;s &quot;x&quot; &amp; &lt;y&gt;'>\n"
			    "  <t>1 &lt; 2 &amp; 'a' \"b\" &gt; 0</t>\n"
			    "  <e/>\n"
			    "  <n>42</n>\n"
			    "</a>\n");
}

static void
test_writer_refuses_what_xml_cannot_carry(void **state)
{
	static const char *const bad[] = {
		"a\nb", "a\rb",	    "\x01",	    "\x7f\x1f",
		"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf5\x80\x80\x80"};
	static const char *const good[] = {"", "tab\there", "caf\xc3\xa9",
					   "\xf0\x9f\x98\x80", "\x7f"};

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++) {
		cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
		struct cvm_err err = CVM_ERR_INIT;
		struct xmlw w;

		assert_false(xmlw_text_ok(bad[i]));
		xmlw_init(&w, &b);
		xmlw_open(&w, "x");
		xmlw_attr(&w, "file", "ok");
		xmlw_leaf(&w, "cmdline", bad[i]);
		xmlw_close(&w);
		assert_int_equal(xmlw_finish(&w, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "element 'cmdline'"));
		/* the refused bytes never reach the output */
		assert_null(strstr(cvm_buf_str(&b), bad[i]));
	}
	for (size_t i = 0; i < CVM_ARRAY_SIZE(good); i++)
		assert_true(xmlw_text_ok(good[i]));
}

static void
test_versions(void **state)
{
	static const char *const bad[] = {"",	    "9",       "9.",
					  ".9",	    "9.0.0.1", "a.b",
					  "9.1000", "9.0.x",   "-9.0"};
	unsigned long v = 0;
	char s[32];

	(void)state;
	assert_int_equal(cvm_virt_version_parse("9.0.0", &v), 0);
	assert_int_equal(v, 9000000);
	assert_int_equal(cvm_virt_version_parse("10.5", &v), 0);
	assert_int_equal(v, CVM_VIRT_V_SEV_SNP);
	cvm_virt_version_format(CVM_VIRT_VERSION(10, 10, 1), s, sizeof(s));
	assert_string_equal(s, "10.10.1");
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++)
		assert_int_equal(cvm_virt_version_parse(bad[i], &v), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* refusals */

static void
base(struct cvm_vmspec *s)
{
	memset(s, 0, sizeof(*s));
	s->name = "vm";
	s->protection = CVM_PROT_SEV;
	s->accel = CVM_ACCEL_KVM;
	s->boot = CVM_BOOT_EFI;
	s->vcpus = 1;
	s->memory_mib = 512;
	s->kernel = "/k/vmlinuz";
	s->firmware_code = "/fw/OVMF_CODE.fd";
	s->firmware_vars = "/fw/OVMF_VARS.fd";
	s->sev.policy = 0x3;
}

static char b64_96[200], b64_95[200];

#define SNP(s)                                                          \
	((s)->protection = CVM_PROT_SEV_SNP, (s)->sev.policy = 0x30000, \
	 (s)->firmware_vars = NULL)

static void
r_auto_prot(struct cvm_vmspec *s)
{
	s->protection = CVM_PROT_AUTO;
}
static void
r_auto_accel(struct cvm_vmspec *s)
{
	s->accel = CVM_ACCEL_AUTO;
}
static void
r_no_name(struct cvm_vmspec *s)
{
	s->name = "";
}
static void
r_slash(struct cvm_vmspec *s)
{
	s->name = "a/b";
}
static void
r_ctl_name(struct cvm_vmspec *s)
{
	s->name = "a\tb\n";
}
static void
r_utf8(struct cvm_vmspec *s)
{
	s->append = "x=\xff";
}
static void
r_no_mem(struct cvm_vmspec *s)
{
	s->memory_mib = 0;
}
static void
r_pvh_sev(struct cvm_vmspec *s)
{
	s->boot = CVM_BOOT_PVH;
}
static void
r_no_kernel(struct cvm_vmspec *s)
{
	s->kernel = NULL;
}
static void
r_initrd(struct cvm_vmspec *s)
{
	s->boot = CVM_BOOT_DISK;
	s->kernel = NULL;
	s->initrd = "/k/initrd";
	s->disks[s->ndisks++] = (struct cvm_disk){"/d.qcow2", "qcow2"};
}
static void
r_disk_cdrom(struct cvm_vmspec *s)
{
	s->boot = CVM_BOOT_DISK;
	s->disks[s->ndisks++] = (struct cvm_disk){"/seed.iso", "raw", 1, 1};
}
static void
r_rel_disk(struct cvm_vmspec *s)
{
	s->disks[s->ndisks++] = (struct cvm_disk){"disk.qcow2", "qcow2"};
}
static void
r_rel_fw(struct cvm_vmspec *s)
{
	s->firmware_code = "OVMF.fd";
}
static void
r_es_bit(struct cvm_vmspec *s)
{
	s->sev.policy = 0x7;
}
static void
r_es_nobit(struct cvm_vmspec *s)
{
	s->protection = CVM_PROT_SEV_ES;
	s->sev.policy = 0x3;
}
static void
r_wide(struct cvm_vmspec *s)
{
	s->sev.policy = 0x100000003ull;
}
static void
r_snp_on_sev(struct cvm_vmspec *s)
{
	s->sev.id_block = b64_96;
}
static void
r_khash_none(struct cvm_vmspec *s)
{
	s->protection = CVM_PROT_NONE;
	s->sev.kernel_hashes = true;
}
static void
r_khash_nok(struct cvm_vmspec *s)
{
	s->boot = CVM_BOOT_DISK;
	s->kernel = NULL;
	s->sev.kernel_hashes = true;
	s->disks[s->ndisks++] = (struct cvm_disk){"/d.qcow2", "qcow2"};
}
static void
r_snp(struct cvm_vmspec *s)
{
	SNP(s);
}
static void
r_snp_mbo(struct cvm_vmspec *s)
{
	SNP(s), s->sev.policy = 0x10000;
}
static void
r_snp_dh(struct cvm_vmspec *s)
{
	SNP(s), s->sev.dh_cert_file = DATA "/godh.b64";
}
static void
r_snp_auth(struct cvm_vmspec *s)
{
	SNP(s), s->sev.id_auth = b64_96;
}
static void
r_snp_author(struct cvm_vmspec *s)
{
	SNP(s), s->sev.id_block = b64_96, s->sev.author_key = true;
}
static void
r_snp_len(struct cvm_vmspec *s)
{
	SNP(s), s->sev.id_block = b64_95;
}
static void
r_snp_b64(struct cvm_vmspec *s)
{
	SNP(s), s->sev.host_data = "@@@@";
}
static void
r_dh_missing(struct cvm_vmspec *s)
{
	s->sev.dh_cert_file = DATA "/no-such-godh.b64";
}
static void
r_dh_bad(struct cvm_vmspec *s)
{
	s->sev.session_file = DATA "/domain-snp.rng";
}

static const struct refusal {
	const char *what;
	void (*make)(struct cvm_vmspec *s);
	unsigned long version;
	int code;
	const char *says;
} refusals[] = {
	{"auto protection", r_auto_prot, 0, -EINVAL, "must be resolved"},
	{"auto accel", r_auto_accel, 0, -EINVAL, "kvm or tcg"},
	{"no name", r_no_name, 0, -EINVAL, "has no name"},
	{"slash in name", r_slash, 0, -EINVAL, "cannot contain '/'"},
	{"control character", r_ctl_name, 0, -EINVAL, "the VM name holds"},
	{"invalid UTF-8", r_utf8, 0, -EINVAL, "kernel command line holds"},
	{"no memory", r_no_mem, 0, -EINVAL, "some memory"},
	{"PVH with SEV", r_pvh_sev, 0, -CVM_E_UNSUPPORTED, "use EFI boot"},
	{"EFI without kernel", r_no_kernel, 0, -EINVAL, "needs a kernel"},
	{"initrd without kernel", r_initrd, 0, -EINVAL, "needs a kernel"},
	{"disk boot, seed only", r_disk_cdrom, 0, -EINVAL, "needs a disk"},
	{"relative disk", r_rel_disk, 0, -EINVAL, "absolute path"},
	{"relative firmware", r_rel_fw, 0, -EINVAL, "absolute path"},
	{"SEV with the ES bit", r_es_bit, 0, -EINVAL,
	 "ask for protection sev-es"},
	{"SEV-ES without it", r_es_nobit, 0, -EINVAL, "needs the ES bit"},
	{"64-bit SEV policy", r_wide, 0, -EINVAL, "32 bits"},
	{"SNP params on SEV", r_snp_on_sev, 0, -EINVAL,
	 "SEV-SNP launch parameters"},
	{"hashes without SEV", r_khash_none, 0, -EINVAL, "no protection"},
	{"hashes without kernel", r_khash_nok, 0, -EINVAL, "has none"},
	{"hashes on 7.0", NULL, CVM_VIRT_VERSION(7, 0, 0), -CVM_E_UNSUPPORTED,
	 "came in 8.0.0"},
	{"SNP on 9.0", r_snp, CVM_VIRT_VERSION(9, 0, 0), -CVM_E_UNSUPPORTED,
	 "needs libvirt >= 10.5"},
	{"SNP on 10.4.9", r_snp, CVM_VIRT_VERSION(10, 4, 9), -CVM_E_UNSUPPORTED,
	 "libvirt 10.4.9 cannot"},
	{"SNP policy bit 17", r_snp_mbo, 0, -EINVAL, "lacks bit 17"},
	{"SNP with dh-cert", r_snp_dh, 0, -EINVAL, "SEV/SEV-ES launch"},
	{"id-auth alone", r_snp_auth, 0, -EINVAL, "needs its id-block"},
	{"author key alone", r_snp_author, 0, -EINVAL, "author-key needs"},
	{"id-block length", r_snp_len, 0, -EINVAL, "95 bytes"},
	{"host-data base64", r_snp_b64, 0, -EINVAL, "not base64"},
	{"missing dh-cert", r_dh_missing, 0, -ENOENT, "no-such-godh.b64"},
	{"session not base64", r_dh_bad, 0, -EINVAL, "not base64"},
	{"stateless on 8.5", NULL, CVM_VIRT_VERSION(8, 5, 0),
	 -CVM_E_UNSUPPORTED, "give the vars template"},
};

static void
test_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(refusals); i++) {
		const struct refusal *t = &refusals[i];
		cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
		struct cvm_err err = CVM_ERR_INIT;
		struct cvm_vmspec s;
		int r;

		base(&s);
		if (t->make)
			t->make(&s);
		else if (strstr(t->what, "hashes"))
			s.sev.kernel_hashes = true;
		else
			s.firmware_vars = NULL;
		r = cvm_virt_domain_xml(
			&s, t->version ? t->version : CVM_VIRT_V_SEV_SNP, 0, &b,
			&err);
		print_message("# %s: %s\n", t->what, err.msg);
		assert_int_equal(r, t->code);
		assert_int_equal(err.code, t->code);
		assert_non_null(strstr(err.msg, t->says));
		assert_true(strncmp(err.msg, "domain XML", 10) == 0);
		assert_null(strchr(err.msg, '\n'));
		assert_int_equal(b.len, 0);
	}
}

/* The base spec itself is fine, and appends to what `out` holds. */
static void
test_base_is_accepted_and_appended(void **state)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vmspec s;

	(void)state;
	base(&s);
	cvm_buf_adds(&b, "<!-- head -->\n");
	assert_int_equal(
		cvm_virt_domain_xml(&s, CVM_VIRT_VERSION(9, 0, 0), 0, &b, &err),
		0);
	assert_true(strncmp(b.data, "<!-- head -->\n<domain type='kvm'>", 33) ==
		    0);
	assert_string_equal(b.data + b.len - 10, "</domain>\n");
}

/* ------------------------------------------------------------------ */
/* explanations */

static const struct {
	int code;
	const char *msg;
	int cvm;
	const char *says; /* NULL: no explanation */
} explained[] = {
	{VIR_ERR_CONFIG_UNSUPPORTED,
	 "unsupported configuration: SEV launch security is not supported "
	 "with this QEMU binary",
	 -CVM_E_HOST, "cvm host check"},
	{VIR_ERR_XML_ERROR,
	 "XML error: Invalid value for attribute 'type' in element "
	 "'launchSecurity': 'sev-snp'.",
	 -CVM_E_UNSUPPORTED, "10.5"},
	{VIR_ERR_XML_INVALID_SCHEMA,
	 "XML document failed to validate against schema: Unable to validate "
	 "doc against /usr/share/libvirt/schemas/domain.rng\nElement "
	 "launchSecurity failed to validate content",
	 -CVM_E_UNSUPPORTED, "type='sev-snp'"},
	{VIR_ERR_OPERATION_INVALID,
	 "Requested operation is not valid: cannot undefine domain with nvram",
	 -CVM_E_STATE, "VIR_DOMAIN_UNDEFINE_NVRAM"},
	{VIR_ERR_OPERATION_INVALID,
	 "Requested operation is not valid: domain is not running",
	 -CVM_E_STATE, NULL},
	{VIR_ERR_OPERATION_UNSUPPORTED,
	 "Operation not supported: QEMU does not support SEV guest",
	 -CVM_E_HOST, "cvm host check"},
	{VIR_ERR_INTERNAL_ERROR,
	 "internal error: qemu unexpectedly closed the monitor: "
	 "2025-01-01T00:00:00 qemu-system-x86_64: sev_kvm_init: cbitpos "
	 "check failed, host '0' requested '51'",
	 -CVM_E_HOST, "C-bit"},
	{VIR_ERR_INTERNAL_ERROR,
	 "process exited while connecting to monitor: qemu-system-x86_64: "
	 "../accel/tcg: Assertion `machine->cgs->ready' failed.",
	 -CVM_E_HOST, "TCG"},
	{VIR_ERR_INTERNAL_ERROR,
	 "qemu-system-x86_64: -object sev-snp-guest,id=lsec0: Parameter "
	 "'qom-type' does not accept value 'sev-snp-guest'",
	 -CVM_E_UNSUPPORTED, "older than 9.1"},
	{VIR_ERR_INTERNAL_ERROR,
	 "qemu: SEV: 2048 locked pages exceed the lock limit of 2048.",
	 -CVM_E_HOST, "memlock"},
	{VIR_ERR_CONFIG_UNSUPPORTED,
	 "unsupported configuration: UEFI requires ACPI on this architecture",
	 -EINVAL, "<acpi/>"},
	{VIR_ERR_NO_DOMAIN,
	 "Domain not found: no domain with matching name 'x'", -ENOENT, NULL},
	{VIR_ERR_SYSTEM_ERROR,
	 "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No "
	 "such file or directory",
	 -ECONNREFUSED, "daemon"},
	{VIR_ERR_OPERATION_FAILED,
	 "operation failed: domain 't1' already exists with uuid 5bfa", -EEXIST,
	 "already defined"},
	{VIR_ERR_INVALID_ARG,
	 "unsupported flags (0x4) in function testDomainUndefineFlags",
	 -ENOTSUP, NULL},
	{VIR_ERR_RPC, "something new", -EIO, NULL},
};

static void
test_explanations(void **state)
{
	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(explained); i++) {
		int code = 0;
		const char *why = cvm_virt_explain(explained[i].code,
						   explained[i].msg, &code);

		assert_int_equal(code, explained[i].cvm);
		if (!explained[i].says)
			assert_null(why);
		else if (!why || !strstr(why, explained[i].says))
			fail_msg("%s: got '%s'", explained[i].msg,
				 why ? why : "(none)");
	}
}

/* One line, the libvirt message first, the explanation after it; long
 * QEMU output is cut, never the explanation. */
static void
test_fail_message(void **state)
{
	cleanup_buf struct cvm_buf longmsg = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(virt_fail_with(&err, VIR_ERR_CONFIG_UNSUPPORTED,
					"unsupported configuration: SEV "
					"launch security is not supported "
					"with this QEMU binary",
					"create 'vm' on 'qemu:///system'"),
			 -CVM_E_HOST);
	assert_string_equal(err.msg,
			    "create 'vm' on 'qemu:///system': unsupported "
			    "configuration: SEV launch security is not "
			    "supported with this QEMU binary (libvirt error "
			    "67): libvirt's probe of QEMU found no SEV on this "
			    "host (no SEV-capable CPU, SEV off in the BIOS or "
			    "in kvm_amd, or /dev/sev unusable by QEMU); run "
			    "`cvm host check` for the reason");
	cvm_buf_adds(&longmsg, "internal error: qemu unexpectedly closed the "
			       "monitor:\n");
	for (int i = 0; i < 40; i++)
		cvm_buf_addf(&longmsg, "2025-01-01T00:00:%02d qemu: line %d\n",
			     i, i);
	cvm_buf_adds(&longmsg, "sev_kvm_init: cbitpos check failed\n");
	virt_fail_with(&err, VIR_ERR_INTERNAL_ERROR, cvm_buf_str(&longmsg),
		       "start 'vm'");
	assert_null(strchr(err.msg, '\n'));
	assert_non_null(strstr(err.msg, "... (libvirt error 1): this CPU"));
	assert_non_null(strstr(err.msg, "cvm host check"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writer_escapes),
		cmocka_unit_test(test_writer_refuses_what_xml_cannot_carry),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_base_is_accepted_and_appended),
		cmocka_unit_test(test_explanations),
		cmocka_unit_test(test_fail_message),
	};
	uint8_t blob[96];
	char *b;

	memset(blob, 0x5a, sizeof(blob));
	b = cvm_base64_encode(blob, 96);
	strcpy(b64_96, b);
	free(b);
	b = cvm_base64_encode(blob, 95);
	strcpy(b64_95, b);
	free(b);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
