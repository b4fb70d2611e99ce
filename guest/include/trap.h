/* SPDX-License-Identifier: MIT */
/*
 * The register frame the exception stubs (arch/x86_64/isr.S) build on
 * the IST stack.  The general registers are in x86 encoding order
 * (RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15), the order of
 * guest/sev's struct sev_regs, so the #VC path can copy them over as is;
 * gpr[4] is a placeholder (the interrupted RSP is `rsp` below).
 */
#ifndef CVM_GUEST_TRAP_H
#define CVM_GUEST_TRAP_H

#include <stdint.h>

#define TRAP_GPR_RSP 4

struct trap_frame {
	uint64_t gpr[16];
	uint64_t vector;
	uint64_t error; /* 0 for vectors without an error code */
	/* pushed by the CPU (SDM vol. 3 §6.14.2, 64-bit interrupt frame) */
	uint64_t rip, cs, rflags, rsp, ss;
};

_Static_assert(sizeof(struct trap_frame) == 23 * 8, "isr.S frame layout");

/* x86 exception vectors (SDM vol. 3 table 6-1; APM vol. 2 §8.2) */
#define VEC_DE	0
#define VEC_NMI 2
#define VEC_DF	8
#define VEC_PF	14
#define VEC_MC	18
#define VEC_VC	29 /* AMD: VMM communication exception (SEV-ES/SNP) */

/* IST slots (TSS.IST1..IST7; arch/x86_64/desc.c) */
#define IST_DF	  1 /* double fault: always a fresh stack */
#define IST_NMIMC 2 /* NMI and machine check */
#define IST_EXC	  3 /* every other exception */
#define IST_VC	  4 /* #VC, reserved for the SEV issue */

/* C entry from isr.S; returns only when the frame may resume. */
void trap_dispatch(struct trap_frame *f);

#endif
