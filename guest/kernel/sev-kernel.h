/* SPDX-License-Identifier: MIT */
/*
 * What the kernel's SEV files (sev-hooks.c, sev-late.c, sev-attest.c)
 * share: the boot state of guest/sev/sev-boot.c, the GHCB, the
 * validated-pages map and the secrets page.  One vCPU, interrupts off:
 * no locking; the only re-entry is a #VC, guarded by sev_ghcb_busy.
 */
#ifndef CVM_GUEST_SEV_KERNEL_H
#define CVM_GUEST_SEV_KERNEL_H

#include "sev-boot.h"
#include "sev-hw.h"
#include "sev-psc.h"
#include "sev-secrets.h"

extern struct sev_boot sev_st;
/* the GHCB (ES/SNP), usable once sev_ghcb_ready */
extern struct sev_ghcb sev_ghcb;
extern bool sev_ghcb_ready;
/* set while the GHCB is in use: a #VC then must not touch it */
extern volatile bool sev_ghcb_busy;
/* page-state changes: MSR protocol until the GHCB exists, then GHCB */
extern struct sev_mem sev_kmem;
extern const struct sev_boot_pt_ops sev_kernel_pt;
extern const struct sev_boot_ops sev_kernel_ops;
/* SNP: the secrets page (private, parsed) */
extern struct sev_secrets sev_secrets;
extern bool sev_secrets_ok;

/*
 * Stop for good with a termination reason: through the GHCB MSR
 * protocol under SEV-ES/SNP (the host sees the reason), else on the
 * console (plain SEV has no such protocol, and can print).
 */
__attribute__((noreturn)) void sev_terminate(unsigned set, unsigned code);

/* guest-physical address of a kernel virtual address (identity map) */
static inline uint64_t
sev_pa(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

#endif
