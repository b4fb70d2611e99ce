/* SPDX-License-Identifier: MIT */
/*
 * The SEV boot sequence: see sev-boot.h.  Step numbers are those of
 * docs/sev-guest.md §5; the duties and their order come from
 * guest-sev.md §2.1-§2.6 (APM vol. 2 §15.34-15.36, GHCB spec 56421
 * §2.3.1, SNP ABI 56860 §8.17.2.5-6).
 */
#include "sev-boot.h"

#define CPUID_ADDR_SIZES 0x80000008u /* EAX[7:0]: physical address bits */

void
sev_boot_init(struct sev_boot *b)
{
	uint8_t *p = (uint8_t *)b;

	for (size_t i = 0; i < sizeof(*b); i++)
		p[i] = 0;
}

static int
stop(struct sev_boot *b, unsigned set, unsigned code)
{
	b->term_set = set;
	b->term_code = code;
	return SEV_BOOT_STOP;
}

int
sev_boot_detect(const struct sev_boot_ops *ops, struct sev_boot *b)
{
	uint32_t r[4] = {0, 0, 0, 0}, ext;
	int code;

	/* A1: the leaf first; TCG, Intel and non-SEV KVM end here */
	ops->cpuid(ops->ctx, SEV_CPUID_EXT_MAX, 0, r);
	ext = r[0];
	if (ext >= SEV_CPUID_ENC_LEAF)
		ops->cpuid(ops->ctx, SEV_CPUID_ENC_LEAF, 0, r);
	sev_caps_decode(ext, r, &b->caps);
	b->mode = SEV_MODE_NONE;
	if (!b->caps.leaf || !b->caps.sev)
		return 0;
	/* A2: SEV_STATUS exists only where the CPU reports SEV */
	b->status = ops->rdmsr(ops->ctx, SEV_STATUS_MSR);
	b->mode = sev_status_mode(b->status);
	/* A3: refuse what this guest does not implement */
	code = sev_status_check(b->status, &b->unsupported);
	if (code)
		return stop(b, SEV_TERM_SET_CVM, (unsigned)code);
	return 0;
}

/* A6: the CC blob, then one copy of the CPUID page (SNP ABI §8.17.2.6) */
static int
snp_tables(const struct sev_boot_ops *ops, struct sev_boot *b, uint64_t blob)
{
	const uint8_t *p;

	if (!blob || !(p = ops->phys(ops->ctx, blob, SEV_CC_BLOB_SIZE)) ||
	    sev_cc_blob_parse(p, SEV_CC_BLOB_SIZE, &b->cc))
		return -1;
	b->have_cc_blob = true;
	p = ops->phys(ops->ctx, b->cc.cpuid_phys, SEV_PAGE_SIZE);
	if (!p || sev_cpuid_table_parse(p, SEV_PAGE_SIZE, &b->cpuid))
		return -1;
	b->have_cpuid_table = true;
	return 0;
}

static int
no_hv(void *ctx, struct sev_cpuid_leaf *leaf)
{
	(void)ctx;
	(void)leaf;
	return SEV_E_UNSUPPORTED;
}

/* A leaf without per-vCPU fix-ups, from the SNP CPUID page. */
static int
table_leaf(const struct sev_boot *b, uint32_t fn, uint32_t out[4])
{
	struct sev_cpuid_env env = {.hv = no_hv, .xcr0 = 1};
	struct sev_cpuid_leaf leaf = {.fn = fn};
	int r = sev_cpuid_snp(&b->cpuid, &env, &leaf);

	out[0] = leaf.eax;
	out[1] = leaf.ebx;
	out[2] = leaf.ecx;
	out[3] = leaf.edx;
	return r;
}

/*
 * A7: the C-bit and address width, from the CPUID page under SNP (the
 * PSP checked it), else from CPUID; under ES/SNP the hypervisor's
 * answer in the protocol negotiation must agree (guest-sev.md §2.1.4).
 */
static int
pick_cbit(const struct sev_boot_ops *ops, struct sev_boot *b)
{
	uint32_t enc[4], sizes[4];
	unsigned reduction = b->caps.reduction;

	if (b->mode == SEV_MODE_SNP) {
		if (table_leaf(b, SEV_CPUID_ENC_LEAF, enc) ||
		    table_leaf(b, CPUID_ADDR_SIZES, sizes) ||
		    !(enc[0] & SEV_CPUID_EAX_SEV))
			return -1;
		b->cbit = enc[1] & 0x3f;
		reduction = (enc[1] >> 6) & 0x3f;
	} else {
		ops->cpuid(ops->ctx, CPUID_ADDR_SIZES, 0, sizes);
		b->cbit = b->caps.cbit;
	}
	b->phys_bits = sizes[0] & 0xff;
	if (sev_boot_needs_ghcb(b) && b->cbit != b->hv_cbit)
		return -1;
	return sev_cbit_mask(b->cbit, b->phys_bits, reduction, &b->cbit_mask,
			     &b->gpa_limit)
		       ? -1
		       : 0;
}

int
sev_boot_setup(const struct sev_boot_ops *ops, struct sev_boot *b,
	       uint64_t cc_blob, uint64_t private_va)
{
	if (b->mode == SEV_MODE_NONE)
		return 0;
	/* A5: GHCB MSR protocol; SNP needs version 2 and the SNP feature */
	if (sev_boot_needs_ghcb(b) &&
	    sev_msr_do_negotiate(ops->msr, &b->ghcb_version, &b->hv_cbit))
		return stop(b, SEV_TERM_SET_GHCB, SEV_TERM_GHCB_PROTOCOL);
	if (b->mode == SEV_MODE_SNP) {
		if (b->ghcb_version < 2 ||
		    sev_msr_do_hv_features(ops->msr, b->ghcb_version,
					   &b->hv_features) ||
		    !(b->hv_features & SEV_HV_FT_SNP))
			return stop(b, SEV_TERM_SET_GHCB,
				    SEV_TERM_GHCB_SNP_UNSUPP);
		if (snp_tables(ops, b, cc_blob))
			return stop(b, SEV_TERM_SET_CVM, SEV_TERM_CPUID);
	}
	if (pick_cbit(ops, b))
		return stop(b, SEV_TERM_SET_CVM, SEV_TERM_CBIT);
	/* A8: VMPCK0 and PVALIDATE need VMPL0 (Linux enforce_vmpl0()) */
	if (b->mode == SEV_MODE_SNP &&
	    ops->rmpadjust_vmpl1(ops->ctx, private_va) != 0)
		return stop(b, SEV_TERM_SET_CVM, SEV_TERM_NOT_VMPL0);
	return 0;
}

static unsigned
psc_reason(int r)
{
	if (r == SEV_E_TWICE)
		return SEV_TERM_VALIDATE_TWICE;
	if (r == SEV_E_PVALIDATE || r == SEV_E_RANGE)
		return SEV_TERM_PVALIDATE;
	return SEV_TERM_PSC;
}

int
sev_boot_share(struct sev_boot *b, struct sev_mem *m,
	       const struct sev_boot_pt_ops *pt, uint64_t va, uint64_t gpa,
	       uint64_t npages)
{
	int r;

	/* lines cached under the private key must not reach the page */
	for (uint64_t i = 0; i < npages; i++)
		pt->flush(pt->ctx, va + i * SEV_PAGE_SIZE);
	/* SNP: rescind, then the page-state change (GHCB spec §4.1.6) */
	if (b->mode == SEV_MODE_SNP &&
	    (r = sev_mem_make_shared(m, va, gpa, npages)))
		return stop(b, SEV_TERM_SET_CVM, psc_reason(r));
	for (uint64_t i = 0; i < npages; i++) {
		if (pt->set_cbit(pt->ctx, va + i * SEV_PAGE_SIZE, false))
			return stop(b, SEV_TERM_SET_CVM, SEV_TERM_PSC);
		/* the old contents read as ciphertext: start clean */
		pt->zero(pt->ctx, va + i * SEV_PAGE_SIZE);
	}
	return 0;
}

int
sev_boot_unshare(struct sev_boot *b, struct sev_mem *m,
		 const struct sev_boot_pt_ops *pt, uint64_t va, uint64_t gpa,
		 uint64_t npages)
{
	int r;

	for (uint64_t i = 0; i < npages; i++) {
		pt->flush(pt->ctx, va + i * SEV_PAGE_SIZE);
		if (pt->set_cbit(pt->ctx, va + i * SEV_PAGE_SIZE, true))
			return stop(b, SEV_TERM_SET_CVM, SEV_TERM_PSC);
	}
	/* SNP: state change to private, then validate, each page once */
	if (b->mode == SEV_MODE_SNP &&
	    (r = sev_mem_make_private(m, va, gpa, npages)))
		return stop(b, SEV_TERM_SET_CVM, psc_reason(r));
	for (uint64_t i = 0; i < npages; i++)
		pt->zero(pt->ctx, va + i * SEV_PAGE_SIZE);
	return 0;
}

int
sev_boot_ghcb(struct sev_boot *b, struct sev_mem *m,
	      const struct sev_boot_pt_ops *pt, uint8_t *page, uint64_t va,
	      uint64_t gpa, struct sev_ghcb *g)
{
	int r;

	if (!sev_boot_needs_ghcb(b))
		return 0;
	if (m->ghcb || (gpa & (SEV_PAGE_SIZE - 1)))
		return stop(b, SEV_TERM_SET_CVM, SEV_TERM_REGISTER);
	/* the GHCB page itself goes through the MSR protocol */
	if ((r = sev_boot_share(b, m, pt, va, gpa, 1)))
		return r;
	/* SNP: GHCB GPA registration is mandatory (GHCB spec §2.3.1) */
	if (b->mode == SEV_MODE_SNP && sev_msr_do_register_ghcb(m->msr, gpa))
		return stop(b, SEV_TERM_SET_CVM, SEV_TERM_REGISTER);
	g->page = page;
	g->gpa = gpa;
	g->version = (uint16_t)b->ghcb_version;
	return 0;
}

int
sev_boot_secrets(const struct sev_boot_ops *ops, struct sev_boot *b,
		 struct sev_secrets *s)
{
	uint8_t *p;

	if (b->mode != SEV_MODE_SNP)
		return 0;
	/* the page stays private: VMPCK0 is wiped in place after failures */
	if (!b->have_cc_blob ||
	    !(p = ops->phys(ops->ctx, b->cc.secrets_phys, SEV_SECRETS_SIZE)) ||
	    sev_secrets_parse(p, SEV_SECRETS_SIZE, s))
		return stop(b, SEV_TERM_SET_CVM, SEV_TERM_SECRETS);
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
sev_report_data_from_hex(const char *hex, size_t len, uint8_t out[64])
{
	for (unsigned i = 0; i < 64; i++)
		out[i] = 0;
	if (len == 0 || len % 2 || len > 128)
		return SEV_E_INVAL;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);

		if (hi < 0 || lo < 0) {
			for (unsigned k = 0; k < 64; k++)
				out[k] = 0;
			return SEV_E_INVAL;
		}
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
