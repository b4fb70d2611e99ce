/* SPDX-License-Identifier: MIT */
/*
 * Exception entry stubs for vectors 0-31.  Each pushes a zero where the
 * CPU pushes no error code (SDM vol. 3 table 6-1: 8, 10-14, 17, 21 and
 * AMD's 29 #VC and 30 #SX have one), then its vector, and joins
 * isr_common, which saves the general registers in the order of
 * struct trap_frame (trap.h) and calls trap_dispatch().  If that
 * returns, the registers (possibly changed) are restored and IRETQ
 * resumes the interrupted code.  No SSE state is saved: the kernel
 * core never touches it (-mgeneral-regs-only).
 */
	.text

	.macro ISR vec, err
	.balign 16
isr\vec:
	.if \err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp isr_common
	.endm

	ISR 0, 0
	ISR 1, 0
	ISR 2, 0
	ISR 3, 0
	ISR 4, 0
	ISR 5, 0
	ISR 6, 0
	ISR 7, 0
	ISR 8, 1
	ISR 9, 0
	ISR 10, 1
	ISR 11, 1
	ISR 12, 1
	ISR 13, 1
	ISR 14, 1
	ISR 15, 0
	ISR 16, 0
	ISR 17, 1
	ISR 18, 0
	ISR 19, 0
	ISR 20, 0
	ISR 21, 1
	ISR 22, 0
	ISR 23, 0
	ISR 24, 0
	ISR 25, 0
	ISR 26, 0
	ISR 27, 0
	ISR 28, 0
	ISR 29, 1
	ISR 30, 1
	ISR 31, 0

isr_common:
	/* gpr[15] (R15) highest ... gpr[0] (RAX) lowest; gpr[4] = RSP slot */
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r11
	pushq %r10
	pushq %r9
	pushq %r8
	pushq %rdi
	pushq %rsi
	pushq %rbp
	pushq $0
	pushq %rbx
	pushq %rdx
	pushq %rcx
	pushq %rax
	cld
	movq %rsp, %rdi
	/* the frame leaves RSP 8 mod 16: align for the C ABI */
	movq %rsp, %rbx
	andq $-16, %rsp
	call trap_dispatch
	movq %rbx, %rsp
	popq %rax
	popq %rcx
	popq %rdx
	popq %rbx
	addq $8, %rsp
	popq %rbp
	popq %rsi
	popq %rdi
	popq %r8
	popq %r9
	popq %r10
	popq %r11
	popq %r12
	popq %r13
	popq %r14
	popq %r15
	addq $16, %rsp		/* vector, error code */
	iretq

	.section .data.rel.ro.isr_stubs, "aw"
	.balign 8
	.globl isr_stubs
isr_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr\v
	.endr

	.section .note.GNU-stack, "", @progbits
