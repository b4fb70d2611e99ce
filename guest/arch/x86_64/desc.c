/* SPDX-License-Identifier: MIT */
/*
 * CPU set-up shared by both boot paths: the kernel's own GDT (64-bit
 * code, data, TSS), a TSS whose IST stacks every exception runs on, an
 * IDT for vectors 0-31, and SSE for the workloads.
 *
 * Descriptor formats: SDM vol. 3 §3.4.5 (segment descriptors), §7.2.3
 * (64-bit TSS descriptor), §7.7 (64-bit TSS), §6.14.1 (64-bit IDT gate,
 * type 0xE interrupt gate); AMD APM vol. 2 §4.8 and §8.9.  Every gate
 * names an IST slot (trap.h), so an exception always lands on a known
 * good stack, even after a kernel stack overflow; the #VC slot (vector
 * 29) has a stack of its own for the SEV issue.  The IDT limit covers
 * vectors 0-31 only: an interrupt above that (none is enabled) raises
 * #GP, which is reported like any fault.
 */
#include <stdint.h>

#include "cpu.h"
#include "kernel.h"
#include "trap.h"

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS	 0x18

#define GDT_CODE64 0x00af9a000000ffffull /* P, DPL0, code, L=1 */
#define GDT_DATA   0x00cf92000000ffffull /* P, DPL0, data, writable */
#define GATE_INTR  0x8e			 /* P, DPL0, 64-bit interrupt gate */
#define TSS_TYPE   0x9ull		 /* available 64-bit TSS */
#define NVEC	   32
#define IST_STACK  8192

struct tss {
	uint32_t rsv0;
	uint64_t rsp[3];
	uint64_t rsv1;
	uint64_t ist[7];
	uint64_t rsv2;
	uint16_t rsv3;
	uint16_t iopb; /* = sizeof: no I/O permission bitmap */
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes");

struct gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t rsv;
};
_Static_assert(sizeof(struct gate) == 16, "64-bit IDT gate is 16 bytes");

struct dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static struct gate idt[NVEC] __attribute__((aligned(16)));
static uint8_t ist_stack[4][IST_STACK] __attribute__((aligned(16)));

extern const uint64_t isr_stubs[NVEC];	/* isr.S */
extern uint8_t boot_stack_guard_page[]; /* stack.S */

uint64_t
boot_stack_guard(void)
{
	return (uint64_t)(uintptr_t)boot_stack_guard_page;
}

static unsigned
ist_for(unsigned vec)
{
	switch (vec) {
	case VEC_DF:
		return IST_DF;
	case VEC_NMI:
	case VEC_MC:
		return IST_NMIMC;
	case VEC_VC:
		return IST_VC;
	default:
		return IST_EXC;
	}
}

static void
gdt_load(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;
	struct dtr r = {sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt};

	for (unsigned i = 0; i < 4; i++)
		tss.ist[i] = (uint64_t)(uintptr_t)(ist_stack[i] + IST_STACK);
	tss.iopb = sizeof(tss);
	gdt[1] = GDT_CODE64;
	gdt[2] = GDT_DATA;
	gdt[3] = (limit & 0xffff) | (base & 0xffffff) << 16 | TSS_TYPE << 40 |
		 1ull << 47 | ((limit >> 16) & 0xf) << 48 |
		 ((base >> 24) & 0xff) << 56;
	gdt[4] = base >> 32;
	__asm__ volatile("lgdt %0" : : "m"(r) : "memory");
	/* reload CS with a far return, then the data segments */
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %[ds], %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs"
			 :
			 : [cs] "i"(SEL_CODE), [ds] "i"(SEL_DATA)
			 : "rax", "memory");
	__asm__ volatile("ltr %w0" : : "r"((uint16_t)SEL_TSS));
}

static void
idt_load(void)
{
	struct dtr r = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};

	for (unsigned v = 0; v < NVEC; v++) {
		uint64_t h = isr_stubs[v];

		idt[v] = (struct gate){
			.off0 = (uint16_t)h,
			.sel = SEL_CODE,
			.ist = (uint8_t)ist_for(v),
			.type = GATE_INTR,
			.off1 = (uint16_t)(h >> 16),
			.off2 = (uint32_t)(h >> 32),
		};
	}
	__asm__ volatile("lidt %0" : : "m"(r) : "memory");
}

/* x87 and SSE on (SDM vol. 3 §13.1.3): the workloads are built with SSE */
static void
fpu_init(void)
{
	uint32_t mxcsr = 0x1f80; /* power-on default: all masked, RN */

	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	__asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr));
}

void
cpu_init(void)
{
	/* the TSS (and its IST stacks) first: every gate names an IST */
	gdt_load();
	idt_load();
	fpu_init();
	tcb_init();
}
