/* SPDX-License-Identifier: MIT */
/*
 * The PE32+ entry point.  OVMF calls it in long mode on its own page
 * tables and stack with the Microsoft x64 convention (UEFI 2.10
 * §2.3.4): RCX = ImageHandle, RDX = SystemTable, RSP 8 mod 16.  Read
 * the TSC, then call the System V efi_main().  RDI and RSI are
 * callee-saved for the firmware but not for System V code, so they are
 * kept here; efi_main() returns only on a failure before
 * ExitBootServices(), with an EFI_STATUS in RAX.
 */
	.text
	.globl efi_entry
efi_entry:
	movq %rdx, %r11
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, efi_tsc_entry(%rip)
	pushq %rdi
	pushq %rsi
	subq $8, %rsp
	movq %rcx, %rdi
	movq %r11, %rsi
	call efi_main
	addq $8, %rsp
	popq %rsi
	popq %rdi
	ret

	.section .data.efi_entry, "aw"
	.balign 8
	.globl efi_tsc_entry
efi_tsc_entry:
	.quad 0

	.section .note.GNU-stack, "", @progbits
