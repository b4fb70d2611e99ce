/* SPDX-License-Identifier: MIT */
/*
 * The SEV duties, second half (docs/sev-guest.md §5 C): after the
 * kernel's page tables are live, the validated-pages map (SNP), the
 * GHCB page (SEV-ES/SNP: shared, and registered under SNP), the secrets
 * page (SNP), and the #VC handler in both its forms: before the GHCB
 * exists only CPUID, through the MSR protocol (or the SNP CPUID page);
 * after, every exit guest/sev/sev-vc.c handles.
 */
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "kernel.h"
#include "sev-kernel.h"
#include "sev-vc.h"
#include "trap.h"

#define CACHE_LINE 64
#define MSR_XSS	   0xDA0u

static uint8_t ghcb_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
struct sev_ghcb sev_ghcb;
bool sev_ghcb_ready;
volatile bool sev_ghcb_busy;
struct sev_secrets sev_secrets;
bool sev_secrets_ok;
static struct sev_valid_map valid_map;

struct sev_mem sev_kmem = {
	.msr = &sev_hw_msr_ops,
	.pvalidate = sev_hw_pvalidate,
	.map = &valid_map,
};

static int
pt_set_cbit(void *ctx, uint64_t va, bool on)
{
	(void)ctx;
	return paging_set_private(va, on);
}

/* APM vol. 3 CLFLUSH: write back and invalidate, then order it */
static void
pt_flush(void *ctx, uint64_t va)
{
	(void)ctx;
	for (uint64_t p = va; p < va + PAGE_SIZE; p += CACHE_LINE)
		__asm__ volatile("clflush (%0)" : : "r"(p) : "memory");
	__asm__ volatile("mfence" ::: "memory");
}

static void
pt_zero(void *ctx, uint64_t va)
{
	(void)ctx;
	memset((void *)(uintptr_t)va, 0, PAGE_SIZE);
}

const struct sev_boot_pt_ops sev_kernel_pt = {
	.set_cbit = pt_set_cbit,
	.flush = pt_flush,
	.zero = pt_zero,
};

/*
 * SNP: under OVMF all RAM arrives validated (it accepts everything at
 * ExitBootServices), so every RAM range starts validated in the map;
 * the map covers [0, end of RAM) and lives in pages taken once here.
 */
static void
valid_map_init(void)
{
	uint64_t base, end, top = 0, npages, words, *bits;

	for (unsigned i = 0; mem_private_range(i, &base, &end); i++)
		top = end > top ? end : top;
	npages = ALIGN_UP(top, PAGE_SIZE) / PAGE_SIZE;
	words = (npages + 63) / 64;
	bits = (uint64_t *)(uintptr_t)mem_alloc_pages(
		ALIGN_UP(words * 8, PAGE_SIZE) / PAGE_SIZE);
	if (!bits || sev_valid_map_init(&valid_map, bits, words, 0, npages))
		sev_terminate(SEV_TERM_SET_CVM, SEV_TERM_PVALIDATE);
	for (unsigned i = 0; mem_private_range(i, &base, &end); i++) {
		base = ALIGN_UP(base, PAGE_SIZE);
		end = ALIGN_DOWN(end, PAGE_SIZE);
		if (end > base &&
		    sev_valid_map_mark(&valid_map, base,
				       (end - base) / PAGE_SIZE, true))
			sev_terminate(SEV_TERM_SET_CVM,
				      SEV_TERM_VALIDATE_TWICE);
	}
}

void
sev_late_init(struct boot_info *bi)
{
	uint64_t secrets;

	(void)bi;
	if (sev_st.mode == SEV_MODE_NONE)
		return;
	if (sev_st.mode == SEV_MODE_SNP)
		valid_map_init();
	/* C2: the GHCB page, shared through the MSR protocol */
	if (sev_boot_ghcb(&sev_st, &sev_kmem, &sev_kernel_pt, ghcb_page,
			  (uint64_t)(uintptr_t)ghcb_page, sev_pa(ghcb_page),
			  &sev_ghcb))
		sev_terminate(sev_st.term_set, sev_st.term_code);
	if (sev_boot_needs_ghcb(&sev_st)) {
		/* C4: later state changes go through the GHCB */
		sev_kmem.ghcb = &sev_ghcb;
		sev_kmem.ghcb_call = sev_hw_ghcb_call;
		sev_ghcb_ready = true;
	}
	if (sev_st.mode != SEV_MODE_SNP)
		return;
	/* C5: the secrets page may sit in a range the memory map calls
	 * reserved: make sure the kernel maps it private */
	secrets = sev_st.cc.secrets_phys;
	if (paging_set_private(secrets, true) ||
	    sev_boot_secrets(&sev_kernel_ops, &sev_st, &sev_secrets))
		sev_terminate(SEV_TERM_SET_CVM, SEV_TERM_SECRETS);
	sev_secrets_ok = true;
}

/* ---- #VC ---- */

static int
vc_fetch(void *ctx, uint64_t rip, uint8_t *buf, size_t n)
{
	(void)ctx;
	memcpy(buf, (const void *)(uintptr_t)rip, n);
	return (int)n;
}

/* MMIO must go to a shared mapping: never emulate a private access */
static int
vc_mmio_gpa(void *ctx, uint64_t va, size_t len, uint64_t *gpa)
{
	bool private;

	(void)ctx;
	if (paging_lookup(va, gpa, &private) || private ||
	    (va & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
		return SEV_E_INVAL;
	return 0;
}

static uint64_t
vc_cr4(void *ctx)
{
	(void)ctx;
	return read_cr4();
}

static uint64_t
vc_xcr0(void *ctx)
{
	(void)ctx;
	return sev_hw_xgetbv(0);
}

/* the kernel never sets IA32_XSS (no XSAVES): its reset value */
static uint64_t
vc_xss(void *ctx)
{
	(void)ctx;
	return 0;
}

static const struct sev_vc_ops vc_ops = {
	.ghcb_call = sev_hw_ghcb_call,
	.fetch = vc_fetch,
	.mmio_gpa = vc_mmio_gpa,
	.read_cr4 = vc_cr4,
	.read_xcr0 = vc_xcr0,
	.read_xss = vc_xss,
};

static int
vc_handle(struct sev_regs *regs, uint64_t code, struct sev_vc_fault *fault)
{
	const struct sev_cpuid_table *t =
		sev_st.have_cpuid_table ? &sev_st.cpuid : NULL;
	struct sev_vc vc = {&sev_ghcb, &vc_ops, sev_st.status, t};

	if (sev_ghcb_ready)
		return sev_vc_handle(&vc, regs, code, fault);
	/* SNP: CPUID only from the CPUID page, never the hypervisor */
	if (sev_st.mode == SEV_MODE_SNP && !t)
		sev_terminate(SEV_TERM_SET_CVM, SEV_TERM_CPUID);
	return sev_vc_handle_early(&sev_hw_msr_ops, t, read_cr4(), regs, code,
				   (const uint8_t *)(uintptr_t)regs->rip,
				   SEV_INSN_MAX_LEN);
}

bool
sev_vc_trap(struct trap_frame *f)
{
	struct sev_regs regs;
	struct sev_vc_fault fault = {0};
	int r;

	/* a #VC where the kernel found no SEV-ES: trust nothing */
	if (!sev_boot_needs_ghcb(&sev_st))
		sev_hw_terminate(SEV_TERM_SET_CVM, SEV_TERM_VC);
	/* nested: the interrupted handler owns the GHCB */
	if (sev_ghcb_busy)
		sev_terminate(SEV_TERM_SET_CVM, SEV_TERM_VC);
	sev_ghcb_busy = true;
	memcpy(regs.gpr, f->gpr, sizeof(regs.gpr));
	regs.gpr[SEV_RSP] = f->rsp;
	regs.rip = f->rip;
	regs.rflags = f->rflags;
	r = vc_handle(&regs, f->error, &fault);
	sev_ghcb_busy = false;
	if (r == 0) {
		memcpy(f->gpr, regs.gpr, sizeof(f->gpr));
		f->gpr[TRAP_GPR_RSP] = 0;
		f->rip = regs.rip;
		return true;
	}
	if (r == SEV_E_EXCEPTION) {
		/* the hypervisor asked for #GP or #UD: report it as such */
		f->vector = fault.vector;
		f->error = fault.has_error_code ? fault.error_code : 0;
		return false;
	}
	sev_terminate(SEV_TERM_SET_CVM, SEV_TERM_VC);
}
