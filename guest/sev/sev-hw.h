/* SPDX-License-Identifier: MIT */
/*
 * The privileged instructions behind the SEV modules' ops structs.
 * Guest-only: sev-hw.c is in `guest_sev_src` but not in the host test
 * library (tests pass fakes instead).  Executing any of these outside
 * an SEV guest faults or, for VMGEXIT, is a plain VMMCALL.
 */
#ifndef CVM_SEV_HW_H
#define CVM_SEV_HW_H

#include "sev-base.h"
#include "sev-ghcb.h"
#include "sev-msr.h"

void sev_hw_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
uint64_t sev_hw_rdmsr(uint32_t msr);
void sev_hw_wrmsr(uint32_t msr, uint64_t v);
uint64_t sev_hw_read_cr4(void);
uint64_t sev_hw_xgetbv(uint32_t xcr);
void sev_hw_vmgexit(void);

/* `struct sev_msr_ops.exchange`: wrmsr GHCB MSR, VMGEXIT, rdmsr. */
uint64_t sev_hw_msr_exchange(void *ctx, uint64_t request);
extern const struct sev_msr_ops sev_hw_msr_ops;

/* `sev_ghcb_call_fn`: write the GHCB GPA to the GHCB MSR and VMGEXIT. */
int sev_hw_ghcb_call(void *ctx, struct sev_ghcb *g);

/*
 * PVALIDATE (F2 0F 01 FF): returns EAX, or SEV_PVALIDATE_NOUPDATE when
 * CF was set.  `va` must be mapped; CPL0 and VMPL0 only.
 */
int sev_hw_pvalidate(void *ctx, uint64_t va, unsigned pagesize, bool validate);

/*
 * RMPADJUST (F3 0F 01 FE) of a 4 KiB page for VMPL1 with no
 * permissions: succeeds (0) only when the guest runs at VMPL0, which is
 * how the guest checks it may use VMPCK0 (Linux enforce_vmpl0()).
 */
int sev_hw_rmpadjust_vmpl1(uint64_t va);

/* Terminate through the MSR protocol; halts if the hypervisor returns. */
_Noreturn void sev_hw_terminate(unsigned set, unsigned code);

#endif
