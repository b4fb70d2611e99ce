/* SPDX-License-Identifier: MIT */
/*
 * Guest-only: the privileged instructions (APM vol. 3).  VMGEXIT is
 * "rep; vmmcall" (F3 0F 01 D9); PVALIDATE and RMPADJUST are emitted as
 * bytes so that older assemblers work.
 */
#include "sev-hw.h"
#include "sev-psc.h"

void
sev_hw_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
	__asm__ __volatile__("cpuid"
			     : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]),
			       "=d"(out[3])
			     : "a"(leaf), "c"(subleaf));
}

uint64_t
sev_hw_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

void
sev_hw_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr"
			     :
			     : "c"(msr), "a"((uint32_t)v),
			       "d"((uint32_t)(v >> 32))
			     : "memory");
}

uint64_t
sev_hw_read_cr4(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

uint64_t
sev_hw_xgetbv(uint32_t xcr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return (uint64_t)hi << 32 | lo;
}

void
sev_hw_vmgexit(void)
{
	__asm__ __volatile__("rep; vmmcall" ::: "memory");
}

uint64_t
sev_hw_msr_exchange(void *ctx, uint64_t request)
{
	(void)ctx;
	sev_hw_wrmsr(SEV_GHCB_MSR, request);
	sev_hw_vmgexit();
	return sev_hw_rdmsr(SEV_GHCB_MSR);
}

const struct sev_msr_ops sev_hw_msr_ops = {
	.ctx = 0,
	.exchange = sev_hw_msr_exchange,
};

int
sev_hw_ghcb_call(void *ctx, struct sev_ghcb *g)
{
	(void)ctx;
	sev_hw_wrmsr(SEV_GHCB_MSR, g->gpa);
	sev_hw_vmgexit();
	return 0;
}

int
sev_hw_pvalidate(void *ctx, uint64_t va, unsigned pagesize, bool validate)
{
	uint8_t no_update;
	uint32_t rc;

	(void)ctx;
	__asm__ __volatile__(".byte 0xF2, 0x0F, 0x01, 0xFF\n\t"
			     "setc %0"
			     : "=r"(no_update), "=a"(rc)
			     : "a"(va), "c"(pagesize), "d"((uint32_t)validate)
			     : "memory", "cc");
	if (no_update)
		return SEV_PVALIDATE_NOUPDATE;
	return (int)rc;
}

int
sev_hw_rmpadjust_vmpl1(uint64_t va)
{
	uint32_t rc;

	/* RDX: target VMPL 1 in bits 7:0, no permission bits */
	__asm__ __volatile__(".byte 0xF3, 0x0F, 0x01, 0xFE"
			     : "=a"(rc)
			     : "a"(va), "c"(0u), "d"(1u)
			     : "memory", "cc");
	return (int)rc;
}

_Noreturn void
sev_hw_terminate(unsigned set, unsigned code)
{
	sev_msr_do_terminate(&sev_hw_msr_ops, set, code);
	for (;;)
		__asm__ __volatile__("cli; hlt" ::: "memory");
}
