/* SPDX-License-Identifier: MIT */
/*
 * SNP CPUID page lookup and fix-ups: see sev-cpuid.h.  The rules follow
 * the SNP ABI (§8.17.2.6, "CPUID Reporting") and what Linux
 * arch/x86/boot/startup/sev-shared.c does for the same table.
 */
#include "sev-cpuid.h"

int
sev_cpuid_table_parse(const uint8_t *page, size_t len,
		      struct sev_cpuid_table *t)
{
	uint32_t count;

	if (len < SEV_CPUID_HDR_SIZE)
		return SEV_E_SHORT;
	count = sev_ld32(page);
	if (count == 0 || count > SEV_CPUID_COUNT_MAX)
		return SEV_E_INVAL;
	if (len < SEV_CPUID_HDR_SIZE + (size_t)count * SEV_CPUID_ENTRY_SIZE)
		return SEV_E_SHORT;
	t->count = count;
	t->std_max = t->hyp_max = t->ext_max = 0;
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *p =
			page + SEV_CPUID_HDR_SIZE + i * SEV_CPUID_ENTRY_SIZE;
		struct sev_cpuid_entry *e = &t->e[i];

		e->eax_in = sev_ld32(p + 0);
		e->ecx_in = sev_ld32(p + 4);
		e->xcr0_in = sev_ld64(p + 8);
		e->xss_in = sev_ld64(p + 16);
		e->eax = sev_ld32(p + 24);
		e->ebx = sev_ld32(p + 28);
		e->ecx = sev_ld32(p + 32);
		e->edx = sev_ld32(p + 36);
		/* the ranges tell absent-but-valid leaves from invalid ones */
		if (e->eax_in == 0x0)
			t->std_max = e->eax;
		else if (e->eax_in == 0x40000000u)
			t->hyp_max = e->eax;
		else if (e->eax_in == 0x80000000u)
			t->ext_max = e->eax;
	}
	return 0;
}

bool
sev_cpuid_indexed(uint32_t fn)
{
	switch (fn) {
	case 0x4:
	case 0x7:
	case 0xB:
	case 0xD:
	case 0xF:
	case 0x10:
	case 0x12:
	case 0x14:
	case 0x17:
	case 0x18:
	case 0x1D:
	case 0x1E:
	case 0x1F:
	case 0x24:
	case 0x8000001Du:
		return true;
	default:
		return false;
	}
}

static bool
lookup(const struct sev_cpuid_table *t, struct sev_cpuid_leaf *leaf)
{
	for (uint32_t i = 0; i < t->count; i++) {
		const struct sev_cpuid_entry *e = &t->e[i];

		if (e->eax_in != leaf->fn)
			continue;
		if (sev_cpuid_indexed(leaf->fn) && e->ecx_in != leaf->subfn)
			continue;
		/*
		 * 0xD subleaves 0 and 1 may appear once per XCR0/XSS
		 * combination: use the base entry (XCR0 1 or 3, XSS 0)
		 * and compute the size from subleaves 2..63 instead.
		 */
		if (e->eax_in == 0xD && (e->ecx_in == 0 || e->ecx_in == 1) &&
		    (!(e->xcr0_in == 1 || e->xcr0_in == 3) || e->xss_in))
			continue;
		leaf->eax = e->eax;
		leaf->ebx = e->ebx;
		leaf->ecx = e->ecx;
		leaf->edx = e->edx;
		return true;
	}
	return false;
}

/*
 * XSAVE area size for the enabled features (APM vol. 3 App. E.3.8):
 * the legacy area plus header is 0x240 bytes; each enabled feature i
 * >= 2 has size EAX and offset EBX in leaf 0xD subleaf i.  Compacted
 * format adds sizes, standard format takes the highest end.  Returns
 * 0 when an enabled feature has no entry.
 */
static uint32_t
xsave_size(const struct sev_cpuid_table *t, uint64_t enabled, bool compacted)
{
	uint64_t found = 0;
	uint32_t size = 0x240;

	for (uint32_t i = 0; i < t->count; i++) {
		const struct sev_cpuid_entry *e = &t->e[i];

		if (e->eax_in != 0xD || e->ecx_in < 2 || e->ecx_in > 63)
			continue;
		if (!(enabled & (1ull << e->ecx_in)) ||
		    (found & (1ull << e->ecx_in)))
			continue;
		found |= 1ull << e->ecx_in;
		if (compacted)
			size += e->eax;
		else if (e->eax + e->ebx > size)
			size = e->eax + e->ebx;
	}
	return found == (enabled & ~3ull) ? size : 0;
}

static int
fixup_xsave(const struct sev_cpuid_table *t, const struct sev_cpuid_env *env,
	    struct sev_cpuid_leaf *leaf)
{
	uint64_t xcr0 = 1, xss = 0;
	bool compacted = false;
	uint32_t size;

	if (leaf->subfn != 0 && leaf->subfn != 1)
		return 0;
	if (env->cr4 & SEV_CR4_OSXSAVE)
		xcr0 = env->xcr0;
	if (leaf->subfn == 1) {
		if (leaf->eax & (1u << 3)) /* XSAVES */
			xss = env->xss;
		/* compaction needs XSAVEC (bit 1) or XSAVES (bit 3) */
		if (!(leaf->eax & ((1u << 1) | (1u << 3))))
			return SEV_E_INVAL;
		compacted = true;
	}
	size = xsave_size(t, xcr0 | xss, compacted);
	if (!size)
		return SEV_E_INVAL;
	leaf->ebx = size;
	return 0;
}

static int
postprocess(const struct sev_cpuid_table *t, const struct sev_cpuid_env *env,
	    struct sev_cpuid_leaf *leaf)
{
	struct sev_cpuid_leaf hv = *leaf;
	int r;

	switch (leaf->fn) {
	case 0x1:
		if ((r = env->hv(env->ctx, &hv)))
			return r;
		/* initial APIC ID EBX[31:24] and APIC enable EDX[9] are live */
		leaf->ebx = (hv.ebx & 0xff000000u) | (leaf->ebx & 0x00ffffffu);
		leaf->edx = (hv.edx & (1u << 9)) | (leaf->edx & ~(1u << 9));
		if (env->cr4 & SEV_CR4_OSXSAVE)
			leaf->ecx |= 1u << 27;
		else
			leaf->ecx &= ~(1u << 27);
		return 0;
	case 0x7:
		if (leaf->subfn != 0)
			return 0;
		leaf->ecx &= ~(1u << 4); /* OSPKE mirrors CR4.PKE */
		if (env->cr4 & SEV_CR4_PKE)
			leaf->ecx |= 1u << 4;
		return 0;
	case 0xB:
		hv.subfn = 0;
		if ((r = env->hv(env->ctx, &hv)))
			return r;
		leaf->edx = hv.edx; /* x2APIC ID */
		return 0;
	case 0xD:
		return fixup_xsave(t, env, leaf);
	case 0x8000001Eu:
		if ((r = env->hv(env->ctx, &hv)))
			return r;
		/* extended APIC ID, and the low bytes of compute/node IDs */
		leaf->eax = hv.eax;
		leaf->ebx = (leaf->ebx & 0xffffff00u) | (hv.ebx & 0xff);
		leaf->ecx = (leaf->ecx & 0xffffff00u) | (hv.ecx & 0xff);
		return 0;
	default:
		return 0;
	}
}

int
sev_cpuid_snp(const struct sev_cpuid_table *t, const struct sev_cpuid_env *env,
	      struct sev_cpuid_leaf *leaf)
{
	if (!t || !t->count)
		return SEV_E_NOTFOUND;
	if (!lookup(t, leaf)) {
		leaf->eax = leaf->ebx = leaf->ecx = leaf->edx = 0;
		/* out-of-range leaves are plain zeros, no fix-ups */
		if (!(leaf->fn <= t->std_max ||
		      (leaf->fn >= 0x40000000u && leaf->fn <= t->hyp_max) ||
		      (leaf->fn >= 0x80000000u && leaf->fn <= t->ext_max)))
			return 0;
	}
	return postprocess(t, env, leaf);
}

int
sev_cpuid_table_cbit(const struct sev_cpuid_table *t, unsigned *cbit)
{
	for (uint32_t i = 0; i < t->count; i++) {
		if (t->e[i].eax_in == 0x8000001Fu) {
			*cbit = t->e[i].ebx & 0x3f;
			return 0;
		}
	}
	return SEV_E_NOTFOUND;
}
