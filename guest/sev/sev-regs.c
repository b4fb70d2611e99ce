/* SPDX-License-Identifier: MIT */
/*
 * Register access with x86-64 width rules and the IOIO exit
 * information, for the #VC handler: see sev-insn.h.
 */
#include "sev-insn.h"

uint64_t
sev_reg_read(const struct sev_regs *r, unsigned reg, bool high8, unsigned size)
{
	uint64_t v;

	if (high8)
		return (r->gpr[reg & 3] >> 8) & 0xff;
	v = r->gpr[reg & 15];
	return size >= 8 ? v : v & ((1ull << (8 * size)) - 1);
}

void
sev_reg_write(struct sev_regs *r, unsigned reg, bool high8, unsigned size,
	      uint64_t v)
{
	uint64_t *g;

	if (high8) {
		g = &r->gpr[reg & 3];
		*g = (*g & ~0xff00ull) | (v & 0xff) << 8;
		return;
	}
	g = &r->gpr[reg & 15];
	switch (size) {
	case 1:
		*g = (*g & ~0xffull) | (v & 0xff);
		break;
	case 2:
		*g = (*g & ~0xffffull) | (v & 0xffff);
		break;
	case 4:
		*g = v & 0xffffffffu; /* 32-bit results zero-extend */
		break;
	default:
		*g = v;
	}
}

uint64_t
sev_ioio_exit_info(const struct sev_insn *in, uint16_t port)
{
	uint64_t v = (uint64_t)port << 16;

	if (in->op == SEV_INSN_IN)
		v |= SEV_IOIO_TYPE_IN;
	v |= in->size == 1   ? SEV_IOIO_SZ8
	     : in->size == 2 ? SEV_IOIO_SZ16
			     : SEV_IOIO_SZ32;
	v |= in->addr_size == 4 ? SEV_IOIO_A32 : SEV_IOIO_A64;
	return v;
}
