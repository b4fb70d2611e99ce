/* SPDX-License-Identifier: MIT */
/*
 * The boot stack, with a guard page below it that paging_init() unmaps
 * (an overflow then faults on the IST stack instead of corrupting
 * .bss), and the switch onto it that both front ends end with.
 */
#define BOOT_STACK_SIZE (128 * 1024)

	.section .bss.boot_stack, "aw", @nobits
	.balign 4096
	.globl boot_stack_guard_page
boot_stack_guard_page:
	.skip 4096
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:

	.text
	/* void boot_enter_kmain(struct boot_info *bi): never returns */
	.globl boot_enter_kmain
boot_enter_kmain:
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	call kmain
	ud2

	.section .note.GNU-stack, "", @progbits
