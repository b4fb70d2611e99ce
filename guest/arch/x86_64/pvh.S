/* SPDX-License-Identifier: MIT */
/*
 * The PVH entry.  QEMU (hw/i386/x86.c load_elfboot) loads an ELF that
 * carries a XEN_ELFNOTE_PHYS32_ENTRY note and enters it through its
 * pvh.bin option ROM in 32-bit protected mode, paging off, flat
 * segments, interrupts off, EBX = physical address of struct
 * hvm_start_info (Xen public/arch-x86/hvm/start_info.h, as quoted in
 * Linux include/xen/interface/hvm/start_info.h; Linux
 * arch/x86/platform/pvh/head.S describes the same entry state).
 *
 * Here: read the TSC first, zero .bss, identity-map the first GiB with
 * 2 MiB pages (enough for the image, the stack and start_info; the
 * kernel builds its real tables in C), enable PAE, long mode, paging
 * and SSE (SDM vol. 3 §9.8.5 "Initializing IA-32e mode"), and jump to
 * 64-bit code, which calls pvh_main() on the boot stack.
 */
#define CR0_MP	       (1 << 1)
#define CR0_EM	       (1 << 2)
#define CR0_TS	       (1 << 3)
#define CR0_PG	       (1 << 31)
#define CR4_PAE	       (1 << 5)
#define CR4_OSFXSR     (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER       0xc0000080
#define EFER_LME       (1 << 8)
#define PTE_P_RW       0x3
#define PDE_2M	       0x83 /* present, writable, page size */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	/* an 8-byte descriptor on ELF64: QEMU reads it through a size_t */
	.section .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f
	.long 4f - 3f
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.balign 4
3:	.quad pvh_start
4:	.balign 4

	.section .text.pvh_entry, "ax"
	.code32
	.globl pvh_start
pvh_start:
	rdtsc
	movl %eax, pvh_tsc_entry
	movl %edx, pvh_tsc_entry + 4
	cli
	cld
	movl %ebx, pvh_start_info

	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl

	movl $pvh_pdpt + PTE_P_RW, pvh_pml4
	movl $pvh_pd + PTE_P_RW, pvh_pdpt
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $PDE_2M, %eax
	movl %eax, pvh_pd(, %ecx, 8)
	incl %ecx
	cmpl $512, %ecx
	jb 1b

	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $pvh_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	andl $~(CR0_EM | CR0_TS), %eax
	orl $(CR0_PG | CR0_MP), %eax
	movl %eax, %cr0
	lgdt pvh_gdt_desc
	ljmp $0x08, $pvh_long

	.code64
pvh_long:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, pvh_tsc_longmode(%rip)
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	call pvh_main
	ud2

	.section .rodata.pvh_gdt, "a"
	.balign 8
pvh_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
pvh_gdt_desc:
	.word pvh_gdt_desc - pvh_gdt - 1
	.long pvh_gdt

	/* written before .bss is zeroed, so they live in .data */
	.section .data.pvh_entry, "aw"
	.balign 8
	.globl pvh_tsc_entry, pvh_tsc_longmode, pvh_start_info
pvh_tsc_entry:
	.quad 0
pvh_tsc_longmode:
	.quad 0
pvh_start_info:
	.quad 0

	.section .bss.pvh_tables, "aw", @nobits
	.balign 4096
pvh_pml4:
	.skip 4096
pvh_pdpt:
	.skip 4096
pvh_pd:
	.skip 4096

	.section .note.GNU-stack, "", @progbits
