/* SPDX-License-Identifier: MIT */
/*
 * The hook points for the SEV, SEV-ES and SEV-SNP duties (issue 6;
 * guest-sev.md §2).  The modules that do the work live in guest/sev/
 * and are not wired in yet.  Until they are, this file only detects
 * SEV the way those duties start (CPUID 0x8000_0000, 0x8000_001F, then
 * SEV_STATUS, guest-sev.md §2.1) and refuses to run in any SEV mode,
 * rather than run without its duties done (and never claims a
 * protection it did not check).
 *
 * Where each duty goes:
 *   sev_early_init()  both front ends, before the first port I/O, MSR
 *                     write or page-table change: detection, the C-bit
 *                     into pt_private_flags, and under SNP the CPUID
 *                     page from bi->cc_blob.  (UEFI: OVMF's #VC handler
 *                     still serves CPUID here.)
 *   sev_supported()   refuse unimplemented SEV_STATUS features.
 *   IDT vector 29     arch/x86_64/desc.c gives #VC its own IST stack
 *                     (IST_VC); trap_dispatch() calls sev_vc_trap().
 *   sev_late_init()   after paging_init(): the GHCB page (shared: PTE
 *                     without the C-bit, page-state change under SNP,
 *                     GHCB GPA registration) and the secrets page.
 */
#include <stdint.h>

#include "cpu.h"
#include "kernel.h"
#include "trap.h"

#define CPUID_EXT_MAX	   0x80000000u
#define CPUID_ENC	   0x8000001fu
#define CPUID_ENC_EAX_SEV  (1u << 1)
#define MSR_SEV_STATUS	   0xc0010131u /* APM vol. 2 §15.34.10 */
#define SEV_STATUS_SEV	   (1ull << 0)
#define SEV_STATUS_SEV_ES  (1ull << 1)
#define SEV_STATUS_SEV_SNP (1ull << 2)

void
sev_early_init(struct boot_info *bi)
{
	uint32_t r[4];

	cpuid(CPUID_EXT_MAX, 0, r);
	if (r[0] < CPUID_ENC)
		return;
	bi->sev_leaf = true;
	cpuid(CPUID_ENC, 0, r);
	/* SEV_STATUS exists only where the CPU reports SEV at all */
	if (!(r[0] & CPUID_ENC_EAX_SEV))
		return;
	bi->sev_status = rdmsr(MSR_SEV_STATUS);
	/* issue 6: pt_private_flags = 1ull << (EBX & 0x3f), checked */
}

bool
sev_supported(const struct boot_info *bi, const char **why)
{
	static char msg[128];

	if (!(bi->sev_status &
	      (SEV_STATUS_SEV | SEV_STATUS_SEV_ES | SEV_STATUS_SEV_SNP)))
		return true;
	ksnprintf(msg, sizeof(msg),
		  "%s is active (SEV_STATUS 0x%llx) but this kernel does not "
		  "do the SEV guest duties yet",
		  sev_protection_name(bi), (unsigned long long)bi->sev_status);
	*why = msg;
	return false;
}

void
sev_late_init(struct boot_info *bi)
{
	(void)bi; /* issue 6: GHCB page, secrets page (see above) */
}

bool
sev_vc_trap(struct trap_frame *f)
{
	(void)f; /* issue 6: guest/sev/sev-vc.c on a copy of f->gpr */
	return false;
}

const char *
sev_protection_name(const struct boot_info *bi)
{
	if (bi->sev_status & SEV_STATUS_SEV_SNP)
		return "sev-snp";
	if (bi->sev_status & SEV_STATUS_SEV_ES)
		return "sev-es";
	if (bi->sev_status & SEV_STATUS_SEV)
		return "sev";
	return "none";
}
