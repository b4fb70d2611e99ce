/* SPDX-License-Identifier: MIT */
/*
 * The #VC instruction decoder: see sev-insn.h.  Encodings from the AMD
 * APM vol. 3 §1.2 (legacy and REX prefixes), §1.4 (ModRM/SIB), the
 * opcode map in appendix A, and the Intel SDM vol. 2 §2.2.1 (REX,
 * RIP-relative addressing).
 */
#include "sev-insn.h"
#include "sev-ghcb.h"

struct cursor {
	const uint8_t *p;
	size_t n; /* bytes available, already capped at 15 */
	size_t i;
};

static int
next(struct cursor *c, uint8_t *b)
{
	if (c->i >= c->n)
		return SEV_E_DECODE;
	*b = c->p[c->i++];
	return 0;
}

static int
next_le(struct cursor *c, unsigned bytes, uint64_t *v)
{
	uint8_t b;

	*v = 0;
	for (unsigned k = 0; k < bytes; k++) {
		if (next(c, &b))
			return SEV_E_DECODE;
		*v |= (uint64_t)b << (8 * k);
	}
	return 0;
}

struct prefixes {
	bool opsize, addrsize, lock, rep;
	uint8_t seg, rex;
};

static int
read_prefixes(struct cursor *c, struct prefixes *px, uint8_t *op)
{
	uint8_t b;

	for (;;) {
		if (next(c, &b))
			return SEV_E_DECODE;
		switch (b) {
		case 0x66:
			px->opsize = true;
			break;
		case 0x67:
			px->addrsize = true;
			break;
		case 0xF0:
			px->lock = true;
			break;
		case 0xF2:
		case 0xF3:
			px->rep = true;
			break;
		case 0x2E:
		case 0x36:
		case 0x3E:
		case 0x26:
			break; /* null segment prefixes in 64-bit mode */
		case 0x64:
		case 0x65:
			px->seg = b;
			break;
		default:
			if ((b & 0xF0) == 0x40) {
				/* REX counts only right before the opcode */
				if (next(c, op))
					return SEV_E_DECODE;
				if ((*op & 0xF0) == 0x40 || *op == 0x66 ||
				    *op == 0x67 || *op == 0xF0 || *op == 0xF2 ||
				    *op == 0xF3 || *op == 0x64 || *op == 0x65)
					return SEV_E_DECODE;
				px->rex = b;
				return 0;
			}
			*op = b;
			return 0;
		}
	}
}

/* ModRM, optional SIB and displacement (APM vol. 3 §1.4) */
static int
read_modrm(struct cursor *c, struct sev_insn *in)
{
	uint8_t m, sib, mod, rm;
	uint64_t d;

	if (next(c, &m))
		return SEV_E_DECODE;
	mod = m >> 6;
	rm = m & 7;
	in->reg = (uint8_t)(((m >> 3) & 7) | ((in->rex & 4) << 1));
	in->base = in->index = -1;
	in->scale = 1;
	in->disp = 0;
	in->has_mem = mod != 3;
	if (!in->has_mem) {
		in->base = (int8_t)(rm | ((in->rex & 1) << 3));
		return 0;
	}
	if (rm == 4) {
		if (next(c, &sib))
			return SEV_E_DECODE;
		in->scale = (uint8_t)(1u << (sib >> 6));
		in->index = (int8_t)(((sib >> 3) & 7) | ((in->rex & 2) << 2));
		if (in->index == 4)
			in->index = -1; /* no index (RSP cannot be one) */
		if ((sib & 7) == 5 && mod == 0) {
			/* no base register: disp32 only */
			if (next_le(c, 4, &d))
				return SEV_E_DECODE;
			in->disp = (int32_t)(uint32_t)d;
			return 0;
		}
		in->base = (int8_t)((sib & 7) | ((in->rex & 1) << 3));
	} else if (rm == 5 && mod == 0) {
		in->rip_rel = true;
		mod = 2;
	} else {
		in->base = (int8_t)(rm | ((in->rex & 1) << 3));
	}
	if (mod == 1) {
		if (next_le(c, 1, &d))
			return SEV_E_DECODE;
		in->disp = (int8_t)(uint8_t)d;
	} else if (mod == 2) {
		if (next_le(c, 4, &d))
			return SEV_E_DECODE;
		in->disp = (int32_t)(uint32_t)d;
	}
	return 0;
}

static uint8_t
osize(const struct prefixes *px, const struct sev_insn *in)
{
	if (in->rex & 8)
		return 8;
	return px->opsize ? 2 : 4;
}

static int
decode_io(struct cursor *c, const struct prefixes *px, uint8_t op,
	  struct sev_insn *in)
{
	uint8_t b;

	in->op = (op & 2) ? SEV_INSN_OUT : SEV_INSN_IN;
	/* even opcodes move AL; odd ones AX/EAX (no 64-bit port I/O) */
	in->size = (op & 1) ? (px->opsize ? 2 : 4) : 1;
	in->port_imm = op < 0xE8;
	if (in->port_imm) {
		if (next(c, &b))
			return SEV_E_DECODE;
		in->port = b;
	}
	return 0;
}

static int
decode_mov(struct cursor *c, const struct prefixes *px, uint8_t op,
	   struct sev_insn *in)
{
	uint64_t imm;

	if (read_modrm(c, in))
		return SEV_E_DECODE;
	in->size = (op & 1) ? osize(px, in) : 1;
	in->reg_size = in->size;
	switch (op) {
	case 0x88:
	case 0x89:
		in->op = SEV_INSN_MOV_STORE;
		break;
	case 0x8A:
	case 0x8B:
		in->op = SEV_INSN_MOV_LOAD;
		break;
	default: /* C6 /0 ib, C7 /0 iw/id (sign-extended with REX.W) */
		if ((in->reg & 7) != 0)
			return SEV_E_DECODE;
		in->op = SEV_INSN_MOV_STORE_IMM;
		if (next_le(c, in->size == 2 ? 2 : in->size == 1 ? 1 : 4, &imm))
			return SEV_E_DECODE;
		if (in->size == 8)
			imm = (uint64_t)(int64_t)(int32_t)(uint32_t)imm;
		in->imm = imm;
		return 0;
	}
	/* without REX, byte registers 4..7 are AH, CH, DH, BH: bits 15:8
	 * of registers 0..3 */
	if (in->size == 1 && !in->rex && in->reg >= 4) {
		in->reg_high8 = true;
		in->reg = (uint8_t)(in->reg - 4);
	}
	return 0;
}

/* A0-A3: MOV between AL/rAX and an absolute address (moffs) */
static int
decode_moffs(struct cursor *c, const struct prefixes *px, uint8_t op,
	     struct sev_insn *in)
{
	uint64_t a;

	if (next_le(c, in->addr_size, &a))
		return SEV_E_DECODE;
	in->op = (op & 2) ? SEV_INSN_MOV_STORE : SEV_INSN_MOV_LOAD;
	in->size = (op & 1) ? osize(px, in) : 1;
	in->reg_size = in->size;
	in->reg = SEV_RAX;
	in->has_mem = true;
	in->disp = (int64_t)a;
	return 0;
}

static int
decode_0f(struct cursor *c, const struct prefixes *px, struct sev_insn *in)
{
	uint8_t b, m;

	if (next(c, &b))
		return SEV_E_DECODE;
	switch (b) {
	case 0xA2:
		in->op = SEV_INSN_CPUID;
		return 0;
	case 0x30:
		in->op = SEV_INSN_WRMSR;
		return 0;
	case 0x32:
		in->op = SEV_INSN_RDMSR;
		return 0;
	case 0x31:
		in->op = SEV_INSN_RDTSC;
		return 0;
	case 0x09:
		in->op = SEV_INSN_WBINVD;
		return 0;
	case 0x01:
		if (next(c, &m) || m != 0xF9)
			return SEV_E_DECODE;
		in->op = SEV_INSN_RDTSCP;
		return 0;
	case 0xB6:
	case 0xB7:
	case 0xBE:
	case 0xBF:
		if (read_modrm(c, in))
			return SEV_E_DECODE;
		in->op = b < 0xBE ? SEV_INSN_MOVZX : SEV_INSN_MOVSX;
		in->size = (b & 1) ? 2 : 1;
		in->reg_size = osize(px, in);
		return 0;
	default:
		return SEV_E_DECODE;
	}
}

int
sev_insn_decode(const uint8_t *bytes, size_t avail, struct sev_insn *in)
{
	struct cursor c = {
		bytes, avail < SEV_INSN_MAX_LEN ? avail : SEV_INSN_MAX_LEN, 0};
	struct prefixes px = {0};
	uint8_t op;
	int r;

	*in = (struct sev_insn){0};
	in->base = in->index = -1;
	in->scale = 1;
	if (read_prefixes(&c, &px, &op))
		return SEV_E_DECODE;
	in->rex = px.rex;
	in->seg = px.seg;
	in->addr_size = px.addrsize ? 4 : 8;
	if (op >= 0x6C && op <= 0x6F)
		return SEV_E_UNSUPPORTED; /* INS/OUTS: no string I/O */
	if (px.lock || px.rep)
		return SEV_E_UNSUPPORTED;
	if ((op >= 0xE4 && op <= 0xE7) || (op >= 0xEC && op <= 0xEF))
		r = decode_io(&c, &px, op, in);
	else if ((op >= 0x88 && op <= 0x8B) || op == 0xC6 || op == 0xC7)
		r = decode_mov(&c, &px, op, in);
	else if (op >= 0xA0 && op <= 0xA3)
		r = decode_moffs(&c, &px, op, in);
	else if (op == 0x0F)
		r = decode_0f(&c, &px, in);
	else
		r = SEV_E_DECODE;
	if (r)
		return r;
	in->len = (uint8_t)c.i;
	return 0;
}

int
sev_insn_check_exit(const struct sev_insn *in, uint64_t exit_code)
{
	switch (exit_code) {
	case SEV_EXIT_IOIO:
		return in->op == SEV_INSN_IN || in->op == SEV_INSN_OUT
			       ? 0
			       : SEV_E_OPCODE;
	case SEV_EXIT_NPF:
		return in->op >= SEV_INSN_MOV_STORE &&
				       in->op <= SEV_INSN_MOVSX && in->has_mem
			       ? 0
			       : SEV_E_OPCODE;
	case SEV_EXIT_CPUID:
		return in->op == SEV_INSN_CPUID ? 0 : SEV_E_OPCODE;
	case SEV_EXIT_MSR:
		return in->op == SEV_INSN_RDMSR || in->op == SEV_INSN_WRMSR
			       ? 0
			       : SEV_E_OPCODE;
	case SEV_EXIT_RDTSC:
		return in->op == SEV_INSN_RDTSC ? 0 : SEV_E_OPCODE;
	case SEV_EXIT_RDTSCP:
		return in->op == SEV_INSN_RDTSCP ? 0 : SEV_E_OPCODE;
	case SEV_EXIT_WBINVD:
		return in->op == SEV_INSN_WBINVD ? 0 : SEV_E_OPCODE;
	default:
		return SEV_E_UNSUPPORTED;
	}
}

int
sev_insn_mem_addr(const struct sev_insn *in, const struct sev_regs *r,
		  uint64_t *addr)
{
	uint64_t a;

	if (!in->has_mem)
		return SEV_E_INVAL;
	if (in->seg)
		return SEV_E_UNSUPPORTED;
	a = (uint64_t)in->disp;
	if (in->rip_rel)
		a += r->rip + in->len;
	if (in->base >= 0)
		a += r->gpr[in->base];
	if (in->index >= 0)
		a += r->gpr[in->index] * in->scale;
	if (in->addr_size == 4)
		a &= 0xffffffffu;
	*addr = a;
	return 0;
}
