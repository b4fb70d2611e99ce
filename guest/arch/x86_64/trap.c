/* SPDX-License-Identifier: MIT */
/*
 * Exceptions.  Vector 29 (#VC) goes to the SEV hook first; anything not
 * handled there is a fault: print the vector, error code, RIP, CR2 and
 * the registers, a "CVM1 fault VECTOR ERROR RIP CR2" line
 * (docs/result-format.md) and exit with CVM_GUEST_EXIT_FAULT.  A fault
 * while reporting one exits at once, without printing.
 */
#include <stdint.h>

#include "cpu.h"
#include "kernel.h"
#include "trap.h"

#define BACKTRACE_MAX 8

/* SDM vol. 3 table 6-1; AMD APM vol. 2 table 8-1 for #HV, #VC, #SX */
static const char *const vec_name[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "?15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "?22", "?23",
	"?24", "?25", "?26", "?27", "#HV", "#VC", "#SX", "?31",
};

static const char *const gpr_name[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
};

static volatile int trap_depth;

static void
dump_regs(const struct trap_frame *f)
{
	for (unsigned i = 0; i < 16; i++) {
		uint64_t v = i == TRAP_GPR_RSP ? f->rsp : f->gpr[i];

		kprintf("%s%-3s %016llx", i % 4 ? "  " : "cvm:   ", gpr_name[i],
			(unsigned long long)v);
		if (i % 4 == 3)
			kprintf("\n");
	}
	kprintf("cvm:   rflags %llx cs %llx ss %llx image %llx-%llx\n",
		(unsigned long long)f->rflags, (unsigned long long)f->cs,
		(unsigned long long)f->ss, (unsigned long long)image_start(),
		(unsigned long long)image_end());
}

/* return addresses along the RBP chain, while it stays on the stack */
static void
backtrace(uint64_t rbp)
{
	uint64_t lo = boot_stack_guard() + PAGE_SIZE;
	uint64_t hi = (uint64_t)(uintptr_t)boot_stack_top;

	for (int i = 0; i < BACKTRACE_MAX; i++) {
		const uint64_t *fp = (const uint64_t *)(uintptr_t)rbp;

		if (rbp < lo || rbp > hi - 16 || (rbp & 7))
			break;
		kprintf("cvm:   called from %llx\n", (unsigned long long)fp[1]);
		if (fp[0] <= rbp)
			break;
		rbp = fp[0];
	}
}

void
trap_dispatch(struct trap_frame *f)
{
	uint64_t cr2;

	if (f->vector == VEC_VC && sev_vc_trap(f))
		return;
	if (trap_depth++)
		power_exit(CVM_GUEST_EXIT_FAULT);
	cr2 = read_cr2();
	kprintf("cvm: exception %llu (%s) error 0x%llx at rip 0x%llx, "
		"cr2 0x%llx\n",
		(unsigned long long)f->vector, vec_name[f->vector & 31],
		(unsigned long long)f->error, (unsigned long long)f->rip,
		(unsigned long long)cr2);
	dump_regs(f);
	backtrace(f->gpr[5]);
	kprintf("CVM1 fault 0x%llx 0x%llx 0x%llx 0x%llx\n",
		(unsigned long long)f->vector, (unsigned long long)f->error,
		(unsigned long long)f->rip, (unsigned long long)cr2);
	kernel_exit(CVM_GUEST_EXIT_FAULT);
}
