/* SPDX-License-Identifier: MIT */
/*
 * The SEV boot sequence (guest/sev/sev-boot.c) against a fake machine:
 * the CPUID answers, SEV_STATUS, a hypervisor speaking the GHCB MSR
 * protocol (GHCB spec 56421 §2.3.1), RMPADJUST, PVALIDATE and guest
 * memory holding a CC blob, a CPUID page and a secrets page built here
 * byte by byte from the SNP ABI (56860 §8.17.2.5-6) and edk2's
 * ConfidentialComputingSevSnpBlob.h layout.  Each test checks the
 * decision, the termination reason (docs/sev-guest.md §2), and the
 * order of the machine operations (docs/sev-guest.md §5).  Also the
 * kernel's nonce=HEX parsing (guest/kernel/cmdline.c) and REPORT_DATA.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../guest/kernel/cmdline.c"
#include "sev-boot.h"

#define BLOB_GPA    0x10000ull
#define CPUID_GPA   0x20000ull
#define SECRETS_GPA 0x30000ull
#define PAGE_GPA    0x5000ull
#define MEM_PAGES   64

struct machine {
	uint32_t ext_max, enc[4], sizes[4];
	uint64_t status;
	unsigned rdmsr_calls, cpuid_calls;
	/* the hypervisor's side of the MSR protocol */
	unsigned hv_min, hv_max, hv_cbit;
	uint64_t hv_features;
	bool bad_register, psc_error;
	int rmpadjust_rc, pvalidate_rc;
	uint64_t term; /* the last termination request, 0 if none */
	uint8_t mem[MEM_PAGES][4096];
	bool no_blob;
	char log[512];
};

static struct machine M;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
logf_(const char *fmt, ...)
{
	size_t n = strlen(M.log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(M.log + n, sizeof(M.log) - n, fmt, ap);
	va_end(ap);
}

static void
m_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	(void)ctx;
	(void)sub;
	M.cpuid_calls++;
	memset(out, 0, 16);
	if (leaf == 0x80000000u)
		out[0] = M.ext_max;
	else if (leaf == 0x8000001Fu)
		memcpy(out, M.enc, 16);
	else if (leaf == 0x80000008u)
		memcpy(out, M.sizes, 16);
}

static uint64_t
m_rdmsr(void *ctx, uint32_t msr)
{
	(void)ctx;
	assert_int_equal(msr, SEV_STATUS_MSR);
	M.rdmsr_calls++;
	return M.status;
}

static uint64_t
m_exchange(void *ctx, uint64_t req)
{
	(void)ctx;
	switch (req & 0xfff) {
	case SEV_MSR_SEV_INFO_REQ:
		logf_("info;");
		return (uint64_t)M.hv_max << 48 | (uint64_t)M.hv_min << 32 |
		       (uint64_t)M.hv_cbit << 24 | SEV_MSR_SEV_INFO_RESP;
	case SEV_MSR_HV_FEATURES_REQ:
		logf_("features;");
		return M.hv_features << 12 | SEV_MSR_HV_FEATURES_RESP;
	case SEV_MSR_REG_GPA_REQ:
		logf_("register %llx;", (unsigned long long)(req >> 12));
		return ((req >> 12) + (M.bad_register ? 1 : 0)) << 12 |
		       SEV_MSR_REG_GPA_RESP;
	case SEV_MSR_PSC_REQ:
		logf_("psc %llx op %u;",
		      (unsigned long long)((req >> 12) & 0xffffffffffull),
		      (unsigned)(req >> 52) & 0xf);
		return (M.psc_error ? 1ull << 32 : 0) | SEV_MSR_PSC_RESP;
	case SEV_MSR_TERM_REQ:
		M.term = req;
		return 0;
	default:
		fail_msg("unexpected MSR protocol request 0x%llx",
			 (unsigned long long)req);
		return 0;
	}
}

static const struct sev_msr_ops m_msr = {NULL, m_exchange};

static int
m_rmpadjust(void *ctx, uint64_t va)
{
	(void)ctx;
	logf_("rmpadjust %llx;", (unsigned long long)va);
	return M.rmpadjust_rc;
}

static uint8_t *
m_phys(void *ctx, uint64_t pa, size_t len)
{
	(void)ctx;
	logf_("read %llx;", (unsigned long long)pa);
	if ((pa == BLOB_GPA && M.no_blob) || pa % 4096 || len > 4096 ||
	    pa / 4096 >= MEM_PAGES)
		return NULL;
	return M.mem[pa / 4096];
}

static const struct sev_boot_ops ops = {NULL,	m_cpuid,     m_rdmsr,
					&m_msr, m_rmpadjust, m_phys};

static int
m_pvalidate(void *ctx, uint64_t va, unsigned size, bool validate)
{
	(void)ctx;
	logf_("pvalidate %llx %u %d;", (unsigned long long)va, size, validate);
	return M.pvalidate_rc;
}

static int
m_set_cbit(void *ctx, uint64_t va, bool on)
{
	(void)ctx;
	logf_("cbit %llx %d;", (unsigned long long)va, on);
	return 0;
}

static void
m_flush(void *ctx, uint64_t va)
{
	(void)ctx;
	logf_("flush %llx;", (unsigned long long)va);
}

static void
m_zero(void *ctx, uint64_t va)
{
	(void)ctx;
	logf_("zero %llx;", (unsigned long long)va);
}

static const struct sev_boot_pt_ops pt = {NULL, m_set_cbit, m_flush, m_zero};

/* a CPUID page entry (SNP ABI §8.17.2.6, 48 bytes after a 16-byte head) */
static void
cpuid_entry(unsigned i, uint32_t fn, uint32_t a, uint32_t b, uint32_t c,
	    uint32_t d)
{
	uint8_t *p = M.mem[CPUID_GPA / 4096];
	uint8_t *e = p + 16 + 48 * i;

	sev_st32(p, i + 1); /* count */
	sev_st32(e + 0, fn);
	sev_st64(e + 8, 1); /* xcr0_in */
	sev_st32(e + 24, a);
	sev_st32(e + 28, b);
	sev_st32(e + 32, c);
	sev_st32(e + 36, d);
}

/* An SNP-capable machine: C-bit 51, 1 bit of reduction, 48-bit space. */
static void
snp_machine(void)
{
	uint8_t *blob = M.mem[BLOB_GPA / 4096];
	uint8_t *sec = M.mem[SECRETS_GPA / 4096];

	memset(&M, 0, sizeof(M));
	M.ext_max = 0x80000021u;
	M.enc[0] = SEV_CPUID_EAX_SEV | SEV_CPUID_EAX_SEV_ES | SEV_CPUID_EAX_SNP;
	M.enc[1] = 51 | 1 << 6;
	M.sizes[0] = 48;
	M.status = SEV_STATUS_SEV | SEV_STATUS_ES | SEV_STATUS_SNP;
	M.hv_min = 1;
	M.hv_max = 2;
	M.hv_cbit = 51;
	M.hv_features = SEV_HV_FT_SNP;
	/* edk2 CC blob: "AMDE", version, secrets and CPUID pages */
	sev_st32(blob, SEV_CC_BLOB_MAGIC);
	sev_st16(blob + 4, 1);
	sev_st64(blob + 8, SECRETS_GPA);
	sev_st32(blob + 16, 4096);
	sev_st64(blob + 24, CPUID_GPA);
	sev_st32(blob + 32, 4096);
	cpuid_entry(0, 0x80000000u, 0x80000021u, 0, 0, 0);
	cpuid_entry(1, 0x8000001Fu, M.enc[0], 51 | 1 << 6, 0, 0);
	cpuid_entry(2, 0x80000008u, 48, 0, 0, 0);
	/* secrets page version 3, VMPCK0 non-zero */
	sev_st32(sec, 3);
	memset(sec + SEV_SECRETS_VMPCK0, 0x5a, 32);
}

static int
setup(struct sev_boot *b)
{
	sev_boot_init(b);
	assert_int_equal(sev_boot_detect(&ops, b), 0);
	return sev_boot_setup(&ops, b, BLOB_GPA, 0x1000);
}

static void
test_plain_guests(void **state)
{
	struct sev_boot b;

	(void)state;
	/* TCG, Intel: no leaf 0x8000_001F; SEV_STATUS is never read */
	memset(&M, 0, sizeof(M));
	M.ext_max = 0x80000008u;
	M.enc[0] = SEV_CPUID_EAX_SEV; /* must not even be asked */
	M.status = SEV_STATUS_SEV;
	sev_boot_init(&b);
	assert_int_equal(sev_boot_detect(&ops, &b), 0);
	assert_int_equal(b.mode, SEV_MODE_NONE);
	assert_int_equal(M.cpuid_calls, 1);
	assert_int_equal(M.rdmsr_calls, 0);
	assert_int_equal(sev_boot_setup(&ops, &b, 0, 0), 0);
	assert_int_equal(b.cbit_mask, 0);
	/* the leaf without the SEV bit: still no MSR read */
	M.ext_max = 0x8000001Fu;
	M.enc[0] = SEV_CPUID_EAX_SME;
	sev_boot_init(&b);
	assert_int_equal(sev_boot_detect(&ops, &b), 0);
	assert_int_equal(M.rdmsr_calls, 0);
	assert_true(b.caps.leaf && !b.caps.sev);
	/* an SEV host, a guest without SEV: status read once, 0 */
	M.enc[0] = SEV_CPUID_EAX_SEV;
	M.status = 0;
	assert_int_equal(sev_boot_detect(&ops, &b), 0);
	assert_int_equal(M.rdmsr_calls, 1);
	assert_int_equal(b.mode, SEV_MODE_NONE);
	assert_false(sev_boot_needs_ghcb(&b));
}

static void
test_policy(void **state)
{
	struct sev_boot b;

	(void)state;
	snp_machine();
	M.status |= SEV_STATUS_SECURE_TSC;
	sev_boot_init(&b);
	assert_int_equal(sev_boot_detect(&ops, &b), SEV_BOOT_STOP);
	assert_int_equal(b.term_set, SEV_TERM_SET_CVM);
	assert_int_equal(b.term_code, SEV_TERM_FEATURES);
	assert_int_equal(b.unsupported, SEV_STATUS_SECURE_TSC);
	/* ES without SEV is not a state hardware produces */
	M.status = SEV_STATUS_ES;
	assert_int_equal(sev_boot_detect(&ops, &b), SEV_BOOT_STOP);
	assert_int_equal(b.term_code, SEV_TERM_STATUS);
	/* protections that need nothing from the guest are fine */
	M.status = SEV_STATUS_SEV | SEV_STATUS_ES | SEV_STATUS_SNP |
		   SEV_STATUS_DEBUG_SWAP | SEV_STATUS_SMT_PROT;
	assert_int_equal(sev_boot_detect(&ops, &b), 0);
	assert_int_equal(b.mode, SEV_MODE_SNP);
}

static void
test_plain_sev(void **state)
{
	struct sev_boot b;

	(void)state;
	snp_machine();
	M.status = SEV_STATUS_SEV;
	M.enc[1] = 47 | 1 << 6; /* Naples/Rome */
	M.sizes[0] = 43;
	assert_int_equal(setup(&b), 0);
	assert_int_equal(b.mode, SEV_MODE_SEV);
	assert_int_equal(b.cbit, 47);
	assert_int_equal(b.cbit_mask, 1ull << 47);
	assert_int_equal(b.gpa_limit, 1ull << 42);
	/* no GHCB protocol, no CC blob, no RMPADJUST under plain SEV */
	assert_string_equal(M.log, "");
	/* a C-bit inside the address space is refused */
	M.enc[1] = 40 | 1 << 6;
	assert_int_equal(setup(&b), SEV_BOOT_STOP);
	assert_int_equal(b.term_code, SEV_TERM_CBIT);
}

static void
test_sev_es(void **state)
{
	struct sev_boot b;

	(void)state;
	snp_machine();
	M.status = SEV_STATUS_SEV | SEV_STATUS_ES;
	assert_int_equal(setup(&b), 0);
	assert_int_equal(b.ghcb_version, 2);
	assert_int_equal(b.cbit_mask, 1ull << 51);
	assert_string_equal(M.log, "info;");
	/* a hypervisor whose protocol range we do not speak */
	M.hv_min = 3;
	M.hv_max = 4;
	assert_int_equal(setup(&b), SEV_BOOT_STOP);
	assert_int_equal(b.term_set, SEV_TERM_SET_GHCB);
	assert_int_equal(b.term_code, SEV_TERM_GHCB_PROTOCOL);
	/* its C-bit must agree with CPUID's */
	M.hv_min = 1;
	M.hv_cbit = 47;
	assert_int_equal(setup(&b), SEV_BOOT_STOP);
	assert_int_equal(b.term_set, SEV_TERM_SET_CVM);
	assert_int_equal(b.term_code, SEV_TERM_CBIT);
}

static void
test_snp(void **state)
{
	struct sev_boot b;

	(void)state;
	snp_machine();
	/* the CPUID instruction lies about the C-bit: the page wins */
	M.enc[1] = 47 | 1 << 6;
	assert_int_equal(setup(&b), 0);
	assert_int_equal(b.cbit, 51);
	assert_int_equal(b.phys_bits, 48);
	assert_int_equal(b.cbit_mask, 1ull << 51);
	assert_true(b.have_cpuid_table && b.cpuid.count == 3);
	/* §5 order: negotiate, features, CC blob, CPUID page, VMPL0 */
	assert_string_equal(M.log, "info;features;read 10000;read 20000;"
				   "rmpadjust 1000;");
}

static void
expect_stop(unsigned set, unsigned code)
{
	struct sev_boot b;

	assert_int_equal(setup(&b), SEV_BOOT_STOP);
	assert_int_equal(b.term_set, set);
	assert_int_equal(b.term_code, code);
}

static void
test_snp_refusals(void **state)
{
	(void)state;
	snp_machine();
	M.hv_max = 1; /* SNP needs GHCB protocol 2 */
	expect_stop(SEV_TERM_SET_GHCB, SEV_TERM_GHCB_SNP_UNSUPP);
	snp_machine();
	M.hv_features = SEV_HV_FT_SNP_AP_CREATION;
	expect_stop(SEV_TERM_SET_GHCB, SEV_TERM_GHCB_SNP_UNSUPP);
	snp_machine();
	M.no_blob = true;
	expect_stop(SEV_TERM_SET_CVM, SEV_TERM_CPUID);
	snp_machine();
	M.mem[BLOB_GPA / 4096][0] ^= 1; /* magic */
	expect_stop(SEV_TERM_SET_CVM, SEV_TERM_CPUID);
	snp_machine();
	sev_st32(M.mem[CPUID_GPA / 4096], 65); /* count beyond 64 */
	expect_stop(SEV_TERM_SET_CVM, SEV_TERM_CPUID);
	snp_machine();
	M.hv_cbit = 47; /* the hypervisor disagrees with the CPUID page */
	expect_stop(SEV_TERM_SET_CVM, SEV_TERM_CBIT);
	snp_machine();
	M.rmpadjust_rc = 1; /* FAIL_INPUT: not at VMPL0 */
	expect_stop(SEV_TERM_SET_CVM, SEV_TERM_NOT_VMPL0);
}

static void
mem_init_map(struct sev_mem *m, struct sev_valid_map *map, uint64_t *bits)
{
	assert_int_equal(sev_valid_map_init(map, bits, 1, 0, 64), 0);
	assert_int_equal(sev_valid_map_mark(map, 0, 64, true), 0);
	memset(m, 0, sizeof(*m));
	m->msr = &m_msr;
	m->pvalidate = m_pvalidate;
	m->map = map;
}

static void
test_ghcb_snp(void **state)
{
	struct sev_boot b;
	struct sev_mem m;
	struct sev_valid_map map;
	struct sev_ghcb g = {0};
	uint64_t bits[1];
	uint8_t page[16];

	(void)state;
	snp_machine();
	assert_int_equal(setup(&b), 0);
	mem_init_map(&m, &map, bits);
	M.log[0] = '\0';
	assert_int_equal(
		sev_boot_ghcb(&b, &m, &pt, page, PAGE_GPA, PAGE_GPA, &g), 0);
	/* guest-sev.md §2.3: flush, rescind, PSC shared, C-bit, zero; then
	 * the registration (GHCB spec §2.3.1) */
	assert_string_equal(M.log, "flush 5000;pvalidate 5000 0 0;"
				   "psc 5 op 2;cbit 5000 0;zero 5000;"
				   "register 5;");
	assert_ptr_equal(g.page, page);
	assert_int_equal(g.gpa, PAGE_GPA);
	assert_int_equal(g.version, 2);
	assert_false(sev_valid_map_test(&map, PAGE_GPA));
	assert_true(sev_valid_map_test(&map, PAGE_GPA + 4096));
	/* back to private: C-bit, PSC private, validate, zero */
	M.log[0] = '\0';
	assert_int_equal(sev_boot_unshare(&b, &m, &pt, PAGE_GPA, PAGE_GPA, 1),
			 0);
	assert_string_equal(M.log, "flush 5000;cbit 5000 1;psc 5 op 1;"
				   "pvalidate 5000 0 1;zero 5000;");
	assert_true(sev_valid_map_test(&map, PAGE_GPA));
	/* validating it again would be the second validation */
	assert_int_equal(sev_boot_unshare(&b, &m, &pt, PAGE_GPA, PAGE_GPA, 1),
			 SEV_BOOT_STOP);
	assert_int_equal(b.term_code, SEV_TERM_VALIDATE_TWICE);
}

static void
test_ghcb_failures(void **state)
{
	struct sev_boot b;
	struct sev_mem m;
	struct sev_valid_map map;
	struct sev_ghcb g = {0};
	uint64_t bits[1];
	uint8_t page[16];

	(void)state;
	snp_machine();
	assert_int_equal(setup(&b), 0);
	mem_init_map(&m, &map, bits);
	M.bad_register = true; /* the echo does not match */
	assert_int_equal(
		sev_boot_ghcb(&b, &m, &pt, page, PAGE_GPA, PAGE_GPA, &g),
		SEV_BOOT_STOP);
	assert_int_equal(b.term_code, SEV_TERM_REGISTER);
	assert_null(g.page);
	mem_init_map(&m, &map, bits);
	M.bad_register = false;
	M.psc_error = true;
	assert_int_equal(
		sev_boot_ghcb(&b, &m, &pt, page, PAGE_GPA, PAGE_GPA, &g),
		SEV_BOOT_STOP);
	assert_int_equal(b.term_code, SEV_TERM_PSC);
	mem_init_map(&m, &map, bits);
	M.psc_error = false;
	M.pvalidate_rc = SEV_PVALIDATE_FAIL_INPUT;
	assert_int_equal(
		sev_boot_ghcb(&b, &m, &pt, page, PAGE_GPA, PAGE_GPA, &g),
		SEV_BOOT_STOP);
	assert_int_equal(b.term_code, SEV_TERM_PVALIDATE);
	/* a page the map says is not validated cannot be rescinded */
	mem_init_map(&m, &map, bits);
	M.pvalidate_rc = 0;
	assert_int_equal(sev_valid_map_mark(&map, PAGE_GPA, 1, false), 0);
	assert_int_equal(
		sev_boot_ghcb(&b, &m, &pt, page, PAGE_GPA, PAGE_GPA, &g),
		SEV_BOOT_STOP);
	assert_int_equal(b.term_code, SEV_TERM_VALIDATE_TWICE);
}

static void
test_ghcb_es(void **state)
{
	struct sev_boot b;
	struct sev_mem m;
	struct sev_valid_map map;
	struct sev_ghcb g = {0};
	uint64_t bits[1];
	uint8_t page[16];

	(void)state;
	snp_machine();
	M.status = SEV_STATUS_SEV | SEV_STATUS_ES;
	assert_int_equal(setup(&b), 0);
	mem_init_map(&m, &map, bits);
	M.log[0] = '\0';
	assert_int_equal(
		sev_boot_ghcb(&b, &m, &pt, page, PAGE_GPA, PAGE_GPA, &g), 0);
	/* SEV-ES has no RMP: no PVALIDATE, no PSC, no registration */
	assert_string_equal(M.log, "flush 5000;cbit 5000 0;zero 5000;");
	assert_int_equal(g.version, 2);
	/* plain SEV has no GHCB at all */
	M.status = SEV_STATUS_SEV;
	assert_int_equal(setup(&b), 0);
	M.log[0] = '\0';
	memset(&g, 0, sizeof(g));
	assert_int_equal(
		sev_boot_ghcb(&b, &m, &pt, page, PAGE_GPA, PAGE_GPA, &g), 0);
	assert_string_equal(M.log, "");
	assert_null(g.page);
}

static void
test_secrets(void **state)
{
	struct sev_boot b;
	struct sev_secrets s;

	(void)state;
	snp_machine();
	assert_int_equal(setup(&b), 0);
	assert_int_equal(sev_boot_secrets(&ops, &b, &s), 0);
	assert_int_equal(s.version, 3);
	assert_ptr_equal(s.page, M.mem[SECRETS_GPA / 4096]);
	assert_false(sev_secrets_vmpck_empty(&s, 0));
	/* version 0 is not a secrets page */
	sev_st32(M.mem[SECRETS_GPA / 4096], 0);
	assert_int_equal(sev_boot_secrets(&ops, &b, &s), SEV_BOOT_STOP);
	assert_int_equal(b.term_code, SEV_TERM_SECRETS);
	/* not SNP: nothing to do */
	b.mode = SEV_MODE_ES;
	assert_int_equal(sev_boot_secrets(&ops, &b, &s), 0);
}

static void
test_report_data(void **state)
{
	uint8_t d[64], want[64] = {0x01, 0x02, 0xab, 0xcd};
	char max[129];

	(void)state;
	assert_int_equal(sev_report_data_from_hex("0102abCD", 8, d), 0);
	assert_memory_equal(d, want, 64);
	memset(max, 'f', 128);
	max[128] = '\0';
	assert_int_equal(sev_report_data_from_hex(max, 128, d), 0);
	assert_int_equal(d[63], 0xff);
	assert_int_equal(sev_report_data_from_hex(max, 130, d), SEV_E_INVAL);
	assert_int_equal(sev_report_data_from_hex("012", 3, d), SEV_E_INVAL);
	assert_int_equal(sev_report_data_from_hex("", 0, d), SEV_E_INVAL);
	/* a bad digit leaves nothing half-filled */
	assert_int_equal(sev_report_data_from_hex("01zz", 4, d), SEV_E_INVAL);
	memset(want, 0, sizeof(want));
	assert_memory_equal(d, want, 64);
}

static void
test_cmdline_nonce(void **state)
{
	struct kcmdline c;
	char line[300];

	(void)state;
	assert_int_equal(cmdline_parse("workload=attest nonce=00ff", &c), 0);
	assert_string_equal(c.nonce, "00ff");
	assert_string_equal(c.workload[0], "attest");
	assert_string_equal(c.unknown, "");
	assert_int_equal(cmdline_parse("workload=hello", &c), 0);
	assert_string_equal(c.nonce, "");
	snprintf(line, sizeof(line), "nonce=%0128d", 0);
	assert_int_equal(cmdline_parse(line, &c), 0);
	assert_int_equal(strlen(c.nonce), 128);
	snprintf(line, sizeof(line), "nonce=%0130d", 0);
	assert_int_equal(cmdline_parse(line, &c), -1);
	assert_non_null(strstr(c.error, "bad nonce"));
	assert_int_equal(cmdline_parse("nonce=abc", &c), -1);
	assert_int_equal(cmdline_parse("nonce=0g", &c), -1);
	assert_int_equal(cmdline_parse("nonce=", &c), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_guests),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_plain_sev),
		cmocka_unit_test(test_sev_es),
		cmocka_unit_test(test_snp),
		cmocka_unit_test(test_snp_refusals),
		cmocka_unit_test(test_ghcb_snp),
		cmocka_unit_test(test_ghcb_failures),
		cmocka_unit_test(test_ghcb_es),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_report_data),
		cmocka_unit_test(test_cmdline_nonce),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
