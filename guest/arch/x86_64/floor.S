/* SPDX-License-Identifier: MIT */
/*
 * cvm-floor.elf: the boot-time floor for bench/boot.  A PVH image
 * (same note and load address as the kernel) whose first instruction
 * writes isa-debug-exit, so QEMU's time from start to exit with it is
 * the cost of everything but the guest.  The byte written is AL as
 * QEMU's pvh.bin leaves it; QEMU 7.2 leaves 0 there (exit code 1, as a
 * successful guest), and any value makes an odd exit code.  Without
 * the device it halts.
 */
	.section .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f
	.long 4f - 3f
	.long 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
1:	.asciz "Xen"
2:	.balign 4
3:	.quad floor_start
4:	.balign 4

	.text
	.code32
	.globl floor_start
floor_start:
	outb %al, $0xf4
1:	cli
	hlt
	jmp 1b

	.section .note.GNU-stack, "", @progbits
