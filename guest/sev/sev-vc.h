/* SPDX-License-Identifier: MIT */
/*
 * The #VC (vector 29) handler logic for SEV-ES and SNP guests
 * (guest-sev.md §2.4; GHCB spec 56421 §4.1 "NAE events").  The CPU
 * raises #VC for intercepted non-automatic exits with the SVM exit code
 * as error code; the handler decodes the instruction at RIP, checks it
 * against the exit code, forwards the event to the hypervisor through
 * the GHCB, copies the outputs into the saved registers and advances
 * RIP by the instruction length.
 *
 * Handled: CPUID (0x72; from the SNP CPUID page under SNP), IOIO
 * (0x7B, no string I/O), MSR (0x7C), RDTSC (0x6E), RDTSCP (0x87),
 * WBINVD (0x89), and NPF (0x400) as MMIO read/write NAE events with the
 * data in the GHCB shared buffer.  Everything else is refused; the
 * guest then terminates.
 *
 * The handler must not touch SSE state: the guest compiles this file
 * with -mgeneral-regs-only.  Privileged operations come in through
 * `struct sev_vc_ops` so tests can play hypervisor and CPU.
 */
#ifndef CVM_SEV_VC_H
#define CVM_SEV_VC_H

#include "sev-base.h"
#include "sev-cpuid.h"
#include "sev-ghcb.h"
#include "sev-insn.h"
#include "sev-msr.h"

struct sev_vc_ops {
	void *ctx;
	/* VMGEXIT with the GHCB (write GHCB MSR = g->gpa, VMGEXIT) */
	int (*ghcb_call)(void *ctx, struct sev_ghcb *g);
	/* copy up to `n` instruction bytes at `rip`; returns bytes or <0 */
	int (*fetch)(void *ctx, uint64_t rip, uint8_t *buf, size_t n);
	/*
	 * Translate the virtual address of an MMIO access of `len` bytes
	 * to a guest-physical address.  Must fail for a private (C-bit
	 * set) mapping: emulating MMIO there would leak private data.
	 */
	int (*mmio_gpa)(void *ctx, uint64_t va, size_t len, uint64_t *gpa);
	uint64_t (*read_cr4)(void *ctx);
	uint64_t (*read_xcr0)(void *ctx); /* only with CR4.OSXSAVE */
	uint64_t (*read_xss)(void *ctx);  /* only for SNP CPUID 0xD.1 */
};

struct sev_vc {
	struct sev_ghcb *ghcb;
	const struct sev_vc_ops *ops;
	uint64_t sev_status;
	const struct sev_cpuid_table *cpuid; /* SNP CPUID copy, or NULL */
};

/* What to raise when the hypervisor asked for an exception. */
struct sev_vc_fault {
	uint8_t vector;
	bool has_error_code;
	uint32_t error_code;
};

/*
 * Handle one #VC.  0: emulated, `regs` updated and RIP advanced.
 * SEV_E_EXCEPTION: raise `fault` instead (RIP unchanged).  Any other
 * negative code: the guest must terminate (SEV_TERM_VC).
 */
int sev_vc_handle(struct sev_vc *vc, struct sev_regs *regs, uint64_t exit_code,
		  struct sev_vc_fault *fault);

/*
 * The early #VC handler, before a GHCB exists (Linux do_vc_no_ghcb()):
 * only CPUID, answered from the SNP CPUID table when `cpuid` is given
 * and through the MSR protocol otherwise (leaf only: a non-zero
 * subleaf of an indexed leaf is refused).  Rejects answers that would
 * steer the guest off the SEV path (0x8000_0000 < 0x8000_001F, or
 * 0x8000_001F without the SEV bit).  `cr4` feeds the SNP fix-ups.
 */
int sev_vc_handle_early(const struct sev_msr_ops *msr,
			const struct sev_cpuid_table *cpuid, uint64_t cr4,
			struct sev_regs *regs, uint64_t exit_code,
			const uint8_t *insn, size_t avail);

#endif
