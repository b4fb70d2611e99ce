/* SPDX-License-Identifier: MIT */
/*
 * #VC handling: see sev-vc.h.  Per exit code, the GHCB inputs and
 * outputs follow the GHCB spec 56421 §4.1 "Automatic Exits" table and
 * the IOIO/MMIO encodings of §4.1.3-4.1.4; Linux
 * arch/x86/coco/sev/vc-shared.c is the compact reference.
 */
#include "sev-vc.h"

struct call {
	struct sev_vc *vc;
	struct sev_vc_fault *fault;
};

static int
hv_call(struct call *c, uint64_t exit_code, uint64_t info1, uint64_t info2)
{
	struct sev_ghcb_result res;
	int r;

	r = sev_ghcb_hv_call(c->vc->ghcb, c->vc->ops->ghcb_call,
			     c->vc->ops->ctx, exit_code, info1, info2, &res);
	if (r == SEV_E_EXCEPTION && c->fault) {
		c->fault->vector = res.vector;
		c->fault->has_error_code = res.has_error_code;
		c->fault->error_code = res.error_code;
	}
	return r;
}

/* Read the outputs the hypervisor must have marked valid. */
static int
get_out(struct sev_vc *vc, unsigned off, uint64_t *v)
{
	return sev_ghcb_get(vc->ghcb, off, v) ? SEV_E_VMM : 0;
}

static uint64_t
guest_xcr0(struct sev_vc *vc, uint64_t cr4)
{
	/* XGETBV would #UD without CR4.OSXSAVE: report the reset value */
	return (cr4 & SEV_CR4_OSXSAVE) ? vc->ops->read_xcr0(vc->ops->ctx) : 1;
}

static int
ghcb_cpuid(struct call *c, struct sev_cpuid_leaf *leaf)
{
	struct sev_vc *vc = c->vc;
	uint64_t a, b, cx, d;
	int r;

	sev_ghcb_invalidate(vc->ghcb);
	sev_ghcb_set(vc->ghcb, SEV_GHCB_RAX, leaf->fn);
	sev_ghcb_set(vc->ghcb, SEV_GHCB_RCX, leaf->subfn);
	/* XCR0 is an input (the hypervisor sizes leaf 0xD with it) */
	sev_ghcb_set(vc->ghcb, SEV_GHCB_XCR0,
		     guest_xcr0(vc, vc->ops->read_cr4(vc->ops->ctx)));
	if ((r = hv_call(c, SEV_EXIT_CPUID, 0, 0)))
		return r;
	if (get_out(vc, SEV_GHCB_RAX, &a) || get_out(vc, SEV_GHCB_RBX, &b) ||
	    get_out(vc, SEV_GHCB_RCX, &cx) || get_out(vc, SEV_GHCB_RDX, &d))
		return SEV_E_VMM;
	leaf->eax = (uint32_t)a;
	leaf->ebx = (uint32_t)b;
	leaf->ecx = (uint32_t)cx;
	leaf->edx = (uint32_t)d;
	return 0;
}

static int
cpuid_hv_cb(void *ctx, struct sev_cpuid_leaf *leaf)
{
	return ghcb_cpuid(ctx, leaf);
}

static int
handle_cpuid(struct call *c, struct sev_regs *regs)
{
	struct sev_vc *vc = c->vc;
	struct sev_cpuid_leaf leaf = {
		.fn = (uint32_t)regs->gpr[SEV_RAX],
		.subfn = (uint32_t)regs->gpr[SEV_RCX],
	};
	int r;

	if (vc->cpuid) {
		/* SNP: the CPUID page, never the hypervisor's answer */
		struct sev_cpuid_env env = {
			.ctx = c,
			.hv = cpuid_hv_cb,
			.cr4 = vc->ops->read_cr4(vc->ops->ctx),
		};

		env.xcr0 = guest_xcr0(vc, env.cr4);
		if (leaf.fn == 0xD && leaf.subfn == 1)
			env.xss = vc->ops->read_xss(vc->ops->ctx);
		r = sev_cpuid_snp(vc->cpuid, &env, &leaf);
	} else {
		r = ghcb_cpuid(c, &leaf);
	}
	if (r)
		return r;
	/* CPUID writes the low 32 bits and zero-extends */
	regs->gpr[SEV_RAX] = leaf.eax;
	regs->gpr[SEV_RBX] = leaf.ebx;
	regs->gpr[SEV_RCX] = leaf.ecx;
	regs->gpr[SEV_RDX] = leaf.edx;
	return 0;
}

static int
handle_ioio(struct call *c, const struct sev_insn *in, struct sev_regs *regs)
{
	struct sev_vc *vc = c->vc;
	uint16_t port = in->port_imm ? in->port : (uint16_t)regs->gpr[SEV_RDX];
	uint64_t info1 = sev_ioio_exit_info(in, port);
	uint64_t rax;
	int r;

	sev_ghcb_invalidate(vc->ghcb);
	/* OUT: the data in RAX; IN: RAX is still an input (spec) */
	rax = in->op == SEV_INSN_OUT
		      ? sev_reg_read(regs, SEV_RAX, false, in->size)
		      : 0;
	sev_ghcb_set(vc->ghcb, SEV_GHCB_RAX, rax);
	if ((r = hv_call(c, SEV_EXIT_IOIO, info1, 0)))
		return r;
	if (in->op == SEV_INSN_IN) {
		if (get_out(vc, SEV_GHCB_RAX, &rax))
			return SEV_E_VMM;
		/* IN AL/AX keeps the other bits, IN EAX zero-extends */
		sev_reg_write(regs, SEV_RAX, false, in->size, rax);
	}
	return 0;
}

static int
handle_msr(struct call *c, const struct sev_insn *in, struct sev_regs *regs)
{
	struct sev_vc *vc = c->vc;
	bool write = in->op == SEV_INSN_WRMSR;
	uint64_t a, d;
	int r;

	sev_ghcb_invalidate(vc->ghcb);
	sev_ghcb_set(vc->ghcb, SEV_GHCB_RCX, (uint32_t)regs->gpr[SEV_RCX]);
	if (write) {
		sev_ghcb_set(vc->ghcb, SEV_GHCB_RAX,
			     (uint32_t)regs->gpr[SEV_RAX]);
		sev_ghcb_set(vc->ghcb, SEV_GHCB_RDX,
			     (uint32_t)regs->gpr[SEV_RDX]);
	}
	/* exit_info_1: 0 = RDMSR, 1 = WRMSR */
	if ((r = hv_call(c, SEV_EXIT_MSR, write ? 1 : 0, 0)))
		return r;
	if (write)
		return 0;
	if (get_out(vc, SEV_GHCB_RAX, &a) || get_out(vc, SEV_GHCB_RDX, &d))
		return SEV_E_VMM;
	regs->gpr[SEV_RAX] = (uint32_t)a;
	regs->gpr[SEV_RDX] = (uint32_t)d;
	return 0;
}

static int
handle_rdtsc(struct call *c, const struct sev_insn *in, struct sev_regs *regs)
{
	struct sev_vc *vc = c->vc;
	bool p = in->op == SEV_INSN_RDTSCP;
	uint64_t a, d, cx = 0;
	int r;

	/* with Secure TSC an intercepted RDTSC is a hostile hypervisor */
	if (vc->sev_status & (1ull << 11))
		return SEV_E_VMM;
	sev_ghcb_invalidate(vc->ghcb);
	if ((r = hv_call(c, p ? SEV_EXIT_RDTSCP : SEV_EXIT_RDTSC, 0, 0)))
		return r;
	if (get_out(vc, SEV_GHCB_RAX, &a) || get_out(vc, SEV_GHCB_RDX, &d) ||
	    (p && get_out(vc, SEV_GHCB_RCX, &cx)))
		return SEV_E_VMM;
	regs->gpr[SEV_RAX] = (uint32_t)a;
	regs->gpr[SEV_RDX] = (uint32_t)d;
	if (p)
		regs->gpr[SEV_RCX] = (uint32_t)cx;
	return 0;
}

static int
handle_mmio(struct call *c, const struct sev_insn *in, struct sev_regs *regs)
{
	struct sev_vc *vc = c->vc;
	uint8_t *buf = sev_ghcb_shared(vc->ghcb);
	uint64_t va, gpa, v = 0;
	bool write = in->op == SEV_INSN_MOV_STORE ||
		     in->op == SEV_INSN_MOV_STORE_IMM;
	int r;

	if ((r = sev_insn_mem_addr(in, regs, &va)))
		return r;
	if ((r = vc->ops->mmio_gpa(vc->ops->ctx, va, in->size, &gpa)))
		return r < 0 ? r : SEV_E_INVAL;
	sev_ghcb_invalidate(vc->ghcb);
	/* the data travels in the shared buffer; sw_scratch points at it */
	sev_ghcb_set(vc->ghcb, SEV_GHCB_SW_SCRATCH,
		     sev_ghcb_shared_gpa(vc->ghcb));
	if (write) {
		v = in->op == SEV_INSN_MOV_STORE_IMM
			    ? in->imm
			    : sev_reg_read(regs, in->reg, in->reg_high8,
					   in->size);
		for (unsigned i = 0; i < in->size; i++)
			buf[i] = (uint8_t)(v >> (8 * i));
	}
	r = hv_call(c, write ? SEV_NAE_MMIO_WRITE : SEV_NAE_MMIO_READ, gpa,
		    in->size);
	if (r || write)
		return r;
	for (unsigned i = 0; i < in->size; i++)
		v |= (uint64_t)buf[i] << (8 * i);
	if (in->op == SEV_INSN_MOVSX)
		v = in->size == 1 ? (uint64_t)(int64_t)(int8_t)v
				  : (uint64_t)(int64_t)(int16_t)v;
	/* MOV: size as read; MOVZX/MOVSX: the wider destination */
	sev_reg_write(regs, in->reg, in->reg_high8, in->reg_size, v);
	return 0;
}

static int
dispatch(struct call *c, const struct sev_insn *in, struct sev_regs *regs,
	 uint64_t exit_code)
{
	switch (exit_code) {
	case SEV_EXIT_CPUID:
		return handle_cpuid(c, regs);
	case SEV_EXIT_IOIO:
		return handle_ioio(c, in, regs);
	case SEV_EXIT_MSR:
		return handle_msr(c, in, regs);
	case SEV_EXIT_RDTSC:
	case SEV_EXIT_RDTSCP:
		return handle_rdtsc(c, in, regs);
	case SEV_EXIT_WBINVD:
		sev_ghcb_invalidate(c->vc->ghcb);
		return hv_call(c, SEV_EXIT_WBINVD, 0, 0);
	case SEV_EXIT_NPF:
		return handle_mmio(c, in, regs);
	default:
		return SEV_E_UNSUPPORTED;
	}
}

int
sev_vc_handle(struct sev_vc *vc, struct sev_regs *regs, uint64_t exit_code,
	      struct sev_vc_fault *fault)
{
	struct call c = {vc, fault};
	uint8_t bytes[SEV_INSN_MAX_LEN];
	struct sev_insn in;
	int n, r;

	/* SNP: never emulate an access to a page that is not validated */
	if (exit_code == SEV_EXIT_NOT_VALIDATED)
		return SEV_E_NOT_VALIDATED;
	n = vc->ops->fetch(vc->ops->ctx, regs->rip, bytes, sizeof(bytes));
	if (n <= 0)
		return SEV_E_DECODE;
	if ((r = sev_insn_decode(bytes, (size_t)n, &in)))
		return r;
	if ((r = sev_insn_check_exit(&in, exit_code)))
		return r;
	if ((r = dispatch(&c, &in, regs, exit_code)))
		return r;
	regs->rip += in.len;
	return 0;
}

static int
msr_cpuid(void *ctx, struct sev_cpuid_leaf *leaf)
{
	uint32_t out[4];
	int r;

	/* the MSR protocol has no subleaf input */
	if (sev_cpuid_indexed(leaf->fn) && leaf->subfn)
		return SEV_E_UNSUPPORTED;
	if ((r = sev_msr_do_cpuid(ctx, leaf->fn, out)))
		return r;
	leaf->eax = out[0];
	leaf->ebx = out[1];
	leaf->ecx = out[2];
	leaf->edx = out[3];
	return 0;
}

int
sev_vc_handle_early(const struct sev_msr_ops *msr,
		    const struct sev_cpuid_table *cpuid, uint64_t cr4,
		    struct sev_regs *regs, uint64_t exit_code,
		    const uint8_t *insn, size_t avail)
{
	struct sev_cpuid_leaf leaf = {
		.fn = (uint32_t)regs->gpr[SEV_RAX],
		.subfn = (uint32_t)regs->gpr[SEV_RCX],
	};
	struct sev_cpuid_env env = {
		.ctx = (void *)msr,
		.hv = msr_cpuid,
		.cr4 = cr4,
		.xcr0 = 1,
	};
	int r;

	if (exit_code != SEV_EXIT_CPUID)
		return SEV_E_UNSUPPORTED;
	if (avail < 2 || insn[0] != 0x0F || insn[1] != 0xA2)
		return SEV_E_OPCODE;
	r = cpuid ? sev_cpuid_snp(cpuid, &env, &leaf)
		  : msr_cpuid((void *)msr, &leaf);
	if (r)
		return r;
	/* the hypervisor must not talk the guest out of SEV */
	if (leaf.fn == 0x80000000u && leaf.eax < 0x8000001Fu)
		return SEV_E_VMM;
	if (leaf.fn == 0x8000001Fu && !(leaf.eax & (1u << 1)))
		return SEV_E_VMM;
	regs->gpr[SEV_RAX] = leaf.eax;
	regs->gpr[SEV_RBX] = leaf.ebx;
	regs->gpr[SEV_RCX] = leaf.ecx;
	regs->gpr[SEV_RDX] = leaf.edx;
	regs->rip += 2;
	return 0;
}
