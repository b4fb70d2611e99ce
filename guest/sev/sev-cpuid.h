/* SPDX-License-Identifier: MIT */
/*
 * The SNP CPUID page (SNP ABI 56860 §8.17.2.6 "CPUID page"; entry
 * layout in Table 14 "CPUID_FUNCTION"): a page the PSP checked at
 * launch, holding the CPUID values the guest may trust.  Header
 * {u32 count; u32 rsvd; u64 rsvd} then up to 64 entries of 48 bytes
 * {u32 eax_in, ecx_in; u64 xcr0_in, xss_in; u32 eax, ebx, ecx, edx;
 * u64 rsvd}.  Under SNP every CPUID is answered from this table, never
 * from the hypervisor, with the fix-ups Linux snp_cpuid() applies:
 * values that depend on the vCPU (APIC IDs) or on guest state (OSXSAVE,
 * OSPKE, the XSAVE area size for the enabled XCR0/XSS) are computed,
 * the per-vCPU ones taken from the hypervisor.
 *
 * The guest copies the page into a private `struct sev_cpuid_table`
 * once (sev_cpuid_table_parse) and looks up from the copy.
 */
#ifndef CVM_SEV_CPUID_H
#define CVM_SEV_CPUID_H

#include "sev-base.h"

#define SEV_CPUID_COUNT_MAX  64
#define SEV_CPUID_HDR_SIZE   16
#define SEV_CPUID_ENTRY_SIZE 48
/* 16 + 64 * 48 = 3088 bytes of the 4 KiB page are defined */
#define SEV_CPUID_TABLE_SIZE \
	(SEV_CPUID_HDR_SIZE + SEV_CPUID_COUNT_MAX * SEV_CPUID_ENTRY_SIZE)

struct sev_cpuid_entry {
	uint32_t eax_in, ecx_in;
	uint64_t xcr0_in, xss_in;
	uint32_t eax, ebx, ecx, edx;
};

struct sev_cpuid_table {
	uint32_t count;
	struct sev_cpuid_entry e[SEV_CPUID_COUNT_MAX];
	/* ranges from leaves 0, 0x4000_0000 and 0x8000_0000 (0 if absent) */
	uint32_t std_max, hyp_max, ext_max;
};

/* Copy and check the page: count must be 1..64 and fit in `len`. */
int sev_cpuid_table_parse(const uint8_t *page, size_t len,
			  struct sev_cpuid_table *t);

/* Leaves whose ECX input selects a subleaf (Linux cpuid.h). */
bool sev_cpuid_indexed(uint32_t fn);

struct sev_cpuid_leaf {
	uint32_t fn, subfn;
	uint32_t eax, ebx, ecx, edx;
};

#define SEV_CR4_OSXSAVE (1ull << 18)
#define SEV_CR4_PKE	(1ull << 22)

/*
 * Guest state for the fix-ups.  `hv` asks the hypervisor (through the
 * GHCB or the MSR protocol) for the per-vCPU values of leaves 0x1, 0xB
 * and 0x8000_001E; it returns 0 or <0.  `xcr0` is used only with
 * CR4.OSXSAVE set, `xss` only for leaf 0xD subleaf 1 with XSAVES.
 */
struct sev_cpuid_env {
	void *ctx;
	int (*hv)(void *ctx, struct sev_cpuid_leaf *leaf);
	uint64_t cr4;
	uint64_t xcr0;
	uint64_t xss;
};

/*
 * Answer `leaf` (fn, subfn in; eax..edx out) from the table.  Leaves
 * not in the table read as zero (hypervisors may leave out all-zero
 * leaves); within a valid range they are still post-processed.  Returns
 * 0, SEV_E_INVAL for an XCR0/XSS combination the table cannot size,
 * or the error of `hv`.
 */
int sev_cpuid_snp(const struct sev_cpuid_table *t,
		  const struct sev_cpuid_env *env, struct sev_cpuid_leaf *leaf);

/* C-bit position from the table's leaf 0x8000_001F EBX[5:0]. */
int sev_cpuid_table_cbit(const struct sev_cpuid_table *t, unsigned *cbit);

#endif
