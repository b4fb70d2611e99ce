/* SPDX-License-Identifier: MIT */
/*
 * A deliberately small x86-64 instruction decoder for the #VC handler
 * (guest-sev.md §2.4).  It decodes exactly the instructions whose exits
 * the handler emulates and refuses everything else:
 *
 *   IN/OUT         E4 E5 E6 E7 (imm8 port), EC ED EE EF (DX port)
 *   MOV to MMIO    88 89 (reg -> mem), C6 /0 C7 /0 (imm -> mem),
 *                  A2 A3 (AL/rAX -> absolute moffs)
 *   MOV from MMIO  8A 8B (mem -> reg), A0 A1 (moffs -> AL/rAX),
 *                  0F B6/B7 MOVZX, 0F BE/BF MOVSX
 *   CPUID 0F A2, RDMSR 0F 32, WRMSR 0F 30, RDTSC 0F 31,
 *   RDTSCP 0F 01 F9, WBINVD 0F 09
 *
 * String I/O (INS/OUTS, 6C-6F) is refused, as are LOCK and REP/REPNE
 * prefixes.  Operand size comes from 66 and REX.W, address size from
 * 67; ModRM/SIB/disp8/disp32 and RIP-relative operands are decoded
 * (Intel SDM vol. 2 §2.1-2.2, AMD APM vol. 3 §1.2-1.4).  At most 15
 * bytes are read and never more than `avail`.
 */
#ifndef CVM_SEV_INSN_H
#define CVM_SEV_INSN_H

#include "sev-base.h"

#define SEV_INSN_MAX_LEN 15

enum sev_insn_op {
	SEV_INSN_NONE = 0,
	SEV_INSN_IN,
	SEV_INSN_OUT,
	SEV_INSN_MOV_STORE,	/* 88/89: register -> memory */
	SEV_INSN_MOV_STORE_IMM, /* C6/C7: immediate -> memory */
	SEV_INSN_MOV_LOAD,	/* 8A/8B: memory -> register */
	SEV_INSN_MOVZX,		/* 0F B6/B7 */
	SEV_INSN_MOVSX,		/* 0F BE/BF */
	SEV_INSN_CPUID,
	SEV_INSN_RDMSR,
	SEV_INSN_WRMSR,
	SEV_INSN_RDTSC,
	SEV_INSN_RDTSCP,
	SEV_INSN_WBINVD,
};

/* General-purpose register numbers, in x86 encoding order */
enum sev_gpr {
	SEV_RAX = 0,
	SEV_RCX,
	SEV_RDX,
	SEV_RBX,
	SEV_RSP,
	SEV_RBP,
	SEV_RSI,
	SEV_RDI,
	SEV_R8,
	SEV_R9,
	SEV_R10,
	SEV_R11,
	SEV_R12,
	SEV_R13,
	SEV_R14,
	SEV_R15,
};

/* The interrupted context the #VC handler reads and updates. */
struct sev_regs {
	uint64_t gpr[16];
	uint64_t rip;
	uint64_t rflags;
};

struct sev_insn {
	enum sev_insn_op op;
	uint8_t len;	   /* total length, prefixes included */
	uint8_t size;	   /* I/O or memory access size in bytes */
	uint8_t reg_size;  /* register size for MOV/MOVZX/MOVSX */
	uint8_t addr_size; /* 8, or 4 with a 67 prefix */
	uint8_t rex;	   /* the REX byte, 0 if none */
	uint8_t seg;	   /* 0x64 (FS) or 0x65 (GS) override, else 0 */
	bool port_imm;	   /* IN/OUT: port is `port`, else DX */
	uint8_t port;
	uint8_t reg;	/* ModRM.reg extended by REX.R */
	bool reg_high8; /* bits 15:8 of reg 0..3: AH/CH/DH/BH */
	bool has_mem;	/* ModRM.mod != 3 */
	bool rip_rel;	/* disp32 relative to the next instruction */
	int8_t base;	/* base register, -1 if none */
	int8_t index;	/* index register, -1 if none */
	uint8_t scale;	/* 1, 2, 4 or 8 */
	int64_t disp;	/* disp8/disp32 sign-extended, or moffs */
	uint64_t imm;	/* C6/C7 immediate, sign-extended to `size` */
};

/*
 * Decode the instruction in `bytes[0..avail)`.  Returns 0, SEV_E_DECODE
 * for bytes outside the list above (or truncated), SEV_E_UNSUPPORTED for
 * string I/O and refused prefixes.
 */
int sev_insn_decode(const uint8_t *bytes, size_t avail, struct sev_insn *in);

/*
 * Is `in` an instruction that can cause `exit_code` (SEV_EXIT_*)?  A
 * hypervisor can inject a #VC with any error code, so the handler
 * checks before acting (Linux vc_check_opcode_bytes()).  SEV_E_OPCODE
 * if not, SEV_E_UNSUPPORTED for exit codes this guest does not handle.
 */
int sev_insn_check_exit(const struct sev_insn *in, uint64_t exit_code);

/*
 * The linear address of the memory operand: base + index * scale +
 * disp, or next-RIP + disp; truncated to 32 bits with a 67 prefix.
 * SEV_E_UNSUPPORTED for FS/GS overrides (their bases are not tracked).
 */
int sev_insn_mem_addr(const struct sev_insn *in, const struct sev_regs *r,
		      uint64_t *addr);

/* Read / write a register of `size` bytes, as the CPU does: 32-bit
 * writes zero-extend, 8- and 16-bit writes keep the other bits. */
uint64_t sev_reg_read(const struct sev_regs *r, unsigned reg, bool high8,
		      unsigned size);
void sev_reg_write(struct sev_regs *r, unsigned reg, bool high8, unsigned size,
		   uint64_t v);

/* SVM IOIO exit_info_1 for a non-string IN/OUT (APM vol. 2 §15.10.2). */
#define SEV_IOIO_TYPE_IN (1u << 0)
#define SEV_IOIO_STR	 (1u << 2)
#define SEV_IOIO_REP	 (1u << 3)
#define SEV_IOIO_SZ8	 (1u << 4)
#define SEV_IOIO_SZ16	 (1u << 5)
#define SEV_IOIO_SZ32	 (1u << 6)
#define SEV_IOIO_A16	 (1u << 7)
#define SEV_IOIO_A32	 (1u << 8)
#define SEV_IOIO_A64	 (1u << 9)
uint64_t sev_ioio_exit_info(const struct sev_insn *in, uint16_t port);

#endif
