/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the #VC handler logic (guest/sev/sev-vc.c) against a
 * fake hypervisor (test-sev-fake.h) and fake CPU ops.  Instruction
 * bytes are GNU as output (see tests/data/sev/vc-insns.tsv); the GHCB
 * inputs/outputs per exit code follow GHCB spec 56421 §4.1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test-sev-fake.h"
#include "sev-vc.h"

#define CODE_BASE 0x100000ull
#define MMIO_BASE 0xFEB00000ull

struct cpu {
	const uint8_t *code;
	size_t len;
	uint64_t cr4, xcr0, xss;
	unsigned mmio_calls;
};

static int
cpu_fetch(void *ctx, uint64_t rip, uint8_t *buf, size_t n)
{
	struct fake_hv *hv = ctx;
	struct cpu *c = hv->user;
	size_t off = (size_t)(rip - CODE_BASE);

	if (rip < CODE_BASE || off >= c->len)
		return -1;
	if (n > c->len - off)
		n = c->len - off;
	memcpy(buf, c->code + off, n);
	return (int)n;
}

/* MMIO lives at MMIO_BASE and up (shared); below is private RAM */
static int
cpu_mmio_gpa(void *ctx, uint64_t va, size_t len, uint64_t *gpa)
{
	struct cpu *c = ((struct fake_hv *)ctx)->user;

	(void)len;
	c->mmio_calls++;
	if (va < MMIO_BASE)
		return SEV_E_INVAL;
	*gpa = va;
	return 0;
}

static uint64_t
cpu_cr4(void *ctx)
{
	return ((struct cpu *)((struct fake_hv *)ctx)->user)->cr4;
}

static uint64_t
cpu_xcr0(void *ctx)
{
	return ((struct cpu *)((struct fake_hv *)ctx)->user)->xcr0;
}

static uint64_t
cpu_xss(void *ctx)
{
	return ((struct cpu *)((struct fake_hv *)ctx)->user)->xss;
}

struct rig {
	struct sev_ghcb g;
	struct fake_hv hv;
	struct cpu cpu;
	struct sev_vc_ops ops;
	struct sev_vc vc;
	struct sev_regs r;
	struct sev_vc_fault fault;
};

static void
rig_init(struct rig *t, const uint8_t *code, size_t len, fake_handler h)
{
	memset(t, 0, sizeof(*t));
	t->g = fake_ghcb();
	t->cpu.code = code;
	t->cpu.len = len;
	t->hv.handle = h;
	t->hv.user = &t->cpu;
	t->ops = (struct sev_vc_ops){&t->hv,	   fake_ghcb_call, cpu_fetch,
				     cpu_mmio_gpa, cpu_cr4,	   cpu_xcr0,
				     cpu_xss};
	t->vc = (struct sev_vc){&t->g, &t->ops, 0x3, NULL};
	t->r.rip = CODE_BASE;
}

static int
run(struct rig *t, uint64_t exit_code)
{
	return sev_vc_handle(&t->vc, &t->r, exit_code, &t->fault);
}

/* CPUID: answers leaf/subleaf-dependent values in RAX..RDX */
static void
hv_cpuid(struct fake_hv *hv, struct sev_ghcb *g)
{
	uint64_t leaf = fake_in(hv, SEV_GHCB_RAX);

	fake_out(g, SEV_GHCB_RAX, 0xFFFFFFFF00000000ull | (leaf + 1));
	fake_out(g, SEV_GHCB_RBX, fake_in(hv, SEV_GHCB_RCX) + 2);
	fake_out(g, SEV_GHCB_RCX, fake_in(hv, SEV_GHCB_XCR0));
	if (leaf != 0xBAD)
		fake_out(g, SEV_GHCB_RDX, 4);
}

static void
test_cpuid(void **state)
{
	static const uint8_t code[] = {0x0F, 0xA2};
	struct rig t;

	(void)state;
	rig_init(&t, code, sizeof(code), hv_cpuid);
	t.r.gpr[SEV_RAX] = 0xD;
	t.r.gpr[SEV_RCX] = 1;
	t.r.gpr[SEV_RBX] = 0x5555;
	/* no CR4.OSXSAVE: XCR0 goes out as its reset value 1 */
	assert_int_equal(run(&t, SEV_EXIT_CPUID), 0);
	assert_int_equal(t.hv.exit_code, SEV_EXIT_CPUID);
	assert_true(fake_in_valid(&t.hv, SEV_GHCB_RAX));
	assert_true(fake_in_valid(&t.hv, SEV_GHCB_RCX));
	assert_true(fake_in_valid(&t.hv, SEV_GHCB_XCR0));
	assert_int_equal(fake_in(&t.hv, SEV_GHCB_XCR0), 1);
	/* outputs are 32-bit: upper halves are dropped */
	assert_int_equal(t.r.gpr[SEV_RAX], 0xE);
	assert_int_equal(t.r.gpr[SEV_RBX], 3);
	assert_int_equal(t.r.gpr[SEV_RCX], 1);
	assert_int_equal(t.r.gpr[SEV_RDX], 4);
	assert_int_equal(t.r.rip, CODE_BASE + 2);
	/* with OSXSAVE, the live XCR0 goes out */
	t.r.rip = CODE_BASE;
	t.r.gpr[SEV_RAX] = 0xD;
	t.cpu.cr4 = SEV_CR4_OSXSAVE;
	t.cpu.xcr0 = 7;
	assert_int_equal(run(&t, SEV_EXIT_CPUID), 0);
	assert_int_equal(fake_in(&t.hv, SEV_GHCB_XCR0), 7);
	/* an output the hypervisor did not mark valid is an error */
	t.r.rip = CODE_BASE;
	t.r.gpr[SEV_RAX] = 0xBAD;
	t.r.gpr[SEV_RDX] = 0x77;
	assert_int_equal(run(&t, SEV_EXIT_CPUID), SEV_E_VMM);
	assert_int_equal(t.r.rip, CODE_BASE);
	assert_int_equal(t.r.gpr[SEV_RDX], 0x77);
}

static void
hv_ioio(struct fake_hv *hv, struct sev_ghcb *g)
{
	if (hv->info1 & SEV_IOIO_TYPE_IN)
		fake_out(g, SEV_GHCB_RAX, 0xA5A5A5A5A5A5A5A5ull);
}

static void
test_ioio(void **state)
{
	static const uint8_t out_dx[] = {0xEE};	      /* out %al,(%dx) */
	static const uint8_t in_dx[] = {0xEC};	      /* in (%dx),%al */
	static const uint8_t in_imm[] = {0xE5, 0x71}; /* in $0x71,%eax */
	static const uint8_t in16[] = {0x66, 0xED};   /* in (%dx),%ax */
	static const uint8_t outs[] = {0x6E};	      /* outsb */
	struct rig t;

	(void)state;
	rig_init(&t, out_dx, 1, hv_ioio);
	t.r.gpr[SEV_RAX] = 0x1234567841;
	t.r.gpr[SEV_RDX] = 0xFFFF03F8; /* only DX counts */
	assert_int_equal(run(&t, SEV_EXIT_IOIO), 0);
	assert_int_equal(t.hv.exit_code, SEV_EXIT_IOIO);
	assert_int_equal(t.hv.info1, 0x03F80210); /* port, A64, SZ8, OUT */
	assert_int_equal(fake_in(&t.hv, SEV_GHCB_RAX), 0x41);
	assert_int_equal(t.r.rip, CODE_BASE + 1);

	rig_init(&t, in_dx, 1, hv_ioio);
	t.r.gpr[SEV_RAX] = 0x1111111111111111ull;
	t.r.gpr[SEV_RDX] = 0x3FD;
	assert_int_equal(run(&t, SEV_EXIT_IOIO), 0);
	assert_int_equal(t.hv.info1, 0x03FD0211);
	/* IN AL keeps RAX[63:8] */
	assert_int_equal(t.r.gpr[SEV_RAX], 0x11111111111111A5ull);

	rig_init(&t, in16, 2, hv_ioio);
	t.r.gpr[SEV_RAX] = 0x1111111111111111ull;
	t.r.gpr[SEV_RDX] = 0xCFC;
	assert_int_equal(run(&t, SEV_EXIT_IOIO), 0);
	assert_int_equal(t.hv.info1, 0x0CFC0221);
	assert_int_equal(t.r.gpr[SEV_RAX], 0x111111111111A5A5ull);

	rig_init(&t, in_imm, 2, hv_ioio);
	t.r.gpr[SEV_RAX] = 0x1111111111111111ull;
	assert_int_equal(run(&t, SEV_EXIT_IOIO), 0);
	assert_int_equal(t.hv.info1, 0x00710241);
	/* IN EAX zero-extends */
	assert_int_equal(t.r.gpr[SEV_RAX], 0xA5A5A5A5ull);
	assert_int_equal(t.r.rip, CODE_BASE + 2);

	/* string I/O never reaches the hypervisor */
	rig_init(&t, outs, 1, hv_ioio);
	assert_int_equal(run(&t, SEV_EXIT_IOIO), SEV_E_UNSUPPORTED);
	assert_int_equal(t.hv.calls, 0);
}

static void
hv_msr(struct fake_hv *hv, struct sev_ghcb *g)
{
	if (hv->info1 == 0) {
		fake_out(g, SEV_GHCB_RAX, 0xFFFFFFFF89ABCDEFull);
		fake_out(g, SEV_GHCB_RDX, 0x01234567);
	}
}

static void
test_msr(void **state)
{
	static const uint8_t rd[] = {0x0F, 0x32};
	static const uint8_t wr[] = {0x0F, 0x30};
	struct rig t;

	(void)state;
	rig_init(&t, rd, 2, hv_msr);
	t.r.gpr[SEV_RCX] = 0xFFFFFFFFC0000100ull;
	assert_int_equal(run(&t, SEV_EXIT_MSR), 0);
	assert_int_equal(t.hv.info1, 0);
	assert_int_equal(fake_in(&t.hv, SEV_GHCB_RCX), 0xC0000100);
	assert_int_equal(t.r.gpr[SEV_RAX], 0x89ABCDEF);
	assert_int_equal(t.r.gpr[SEV_RDX], 0x01234567);
	rig_init(&t, wr, 2, hv_msr);
	t.r.gpr[SEV_RCX] = 0x6E0;
	t.r.gpr[SEV_RAX] = 0x5555000000001111ull;
	t.r.gpr[SEV_RDX] = 0x22;
	assert_int_equal(run(&t, SEV_EXIT_MSR), 0);
	assert_int_equal(t.hv.info1, 1);
	assert_int_equal(fake_in(&t.hv, SEV_GHCB_RAX), 0x1111);
	assert_int_equal(fake_in(&t.hv, SEV_GHCB_RDX), 0x22);
	assert_int_equal(t.r.rip, CODE_BASE + 2);
}

static bool tsc_omit_rcx;

static void
hv_tsc(struct fake_hv *hv, struct sev_ghcb *g)
{
	fake_out(g, SEV_GHCB_RAX, 0x1000);
	fake_out(g, SEV_GHCB_RDX, 0x2);
	if (hv->exit_code == SEV_EXIT_RDTSCP && tsc_omit_rcx)
		return;
	fake_out(g, SEV_GHCB_RCX, 0x3);
}

static void
test_rdtsc_wbinvd(void **state)
{
	static const uint8_t rdtsc[] = {0x0F, 0x31};
	static const uint8_t rdtscp[] = {0x0F, 0x01, 0xF9};
	static const uint8_t wbinvd[] = {0x0F, 0x09};
	struct rig t;

	(void)state;
	rig_init(&t, rdtsc, 2, hv_tsc);
	assert_int_equal(run(&t, SEV_EXIT_RDTSC), 0);
	assert_int_equal(t.r.gpr[SEV_RAX], 0x1000);
	assert_int_equal(t.r.gpr[SEV_RDX], 2);
	rig_init(&t, rdtscp, 3, hv_tsc);
	assert_int_equal(run(&t, SEV_EXIT_RDTSCP), 0);
	assert_int_equal(t.r.gpr[SEV_RCX], 3);
	assert_int_equal(t.r.rip, CODE_BASE + 3);
	/* RDTSCP without TSC_AUX in RCX */
	tsc_omit_rcx = true;
	rig_init(&t, rdtscp, 3, hv_tsc);
	assert_int_equal(run(&t, SEV_EXIT_RDTSCP), SEV_E_VMM);
	assert_int_equal(t.r.rip, CODE_BASE);
	tsc_omit_rcx = false;
	rig_init(&t, wbinvd, 2, NULL);
	assert_int_equal(run(&t, SEV_EXIT_WBINVD), 0);
	assert_int_equal(t.hv.exit_code, SEV_EXIT_WBINVD);
	assert_int_equal(t.r.rip, CODE_BASE + 2);
	/* Secure TSC on: an intercepted RDTSC means a hostile host */
	rig_init(&t, rdtsc, 2, hv_tsc);
	t.vc.sev_status = 0x7 | 1ull << 11;
	assert_int_equal(run(&t, SEV_EXIT_RDTSC), SEV_E_VMM);
	assert_int_equal(t.hv.calls, 0);
}

/* MMIO device model: one 8-byte register at MMIO_BASE + 0x30 */
static uint64_t mmio_reg;

static void
hv_mmio(struct fake_hv *hv, struct sev_ghcb *g)
{
	uint8_t *buf = g->page + SEV_GHCB_SHARED_BUF;

	assert_true(fake_in_valid(hv, SEV_GHCB_SW_SCRATCH));
	assert_int_equal(fake_in(hv, SEV_GHCB_SW_SCRATCH),
			 FAKE_GHCB_GPA + SEV_GHCB_SHARED_BUF);
	if (hv->exit_code == SEV_NAE_MMIO_WRITE) {
		mmio_reg = 0;
		memcpy(&mmio_reg, buf, (size_t)hv->info2);
	} else {
		memcpy(buf, &mmio_reg, (size_t)hv->info2);
	}
}

static void
test_mmio(void **state)
{
	/* mov %ecx,0x30(%rax) */
	static const uint8_t st[] = {0x89, 0x48, 0x30};
	/* movb $0x5a,(%rdi) */
	static const uint8_t st_imm[] = {0xC6, 0x07, 0x5A};
	/* movzbl (%rdi),%eax ; movsbl (%rdi),%eax ; mov (%rbx),%bh */
	static const uint8_t zx[] = {0x0F, 0xB6, 0x07};
	static const uint8_t sx[] = {0x0F, 0xBE, 0x07};
	static const uint8_t bh[] = {0x8A, 0x3B};
	/* mov 0x18(%r8),%r10 */
	static const uint8_t ld64[] = {0x4D, 0x8B, 0x50, 0x18};
	struct rig t;

	(void)state;
	rig_init(&t, st, 3, hv_mmio);
	t.r.gpr[SEV_RAX] = MMIO_BASE;
	t.r.gpr[SEV_RCX] = 0xFFFFFFFFCAFEF00Dull;
	assert_int_equal(run(&t, SEV_EXIT_NPF), 0);
	assert_int_equal(t.hv.exit_code, SEV_NAE_MMIO_WRITE);
	assert_int_equal(t.hv.info1, MMIO_BASE + 0x30); /* the GPA */
	assert_int_equal(t.hv.info2, 4);		/* bytes */
	assert_int_equal(mmio_reg, 0xCAFEF00D);
	assert_int_equal(t.r.rip, CODE_BASE + 3);

	rig_init(&t, st_imm, 3, hv_mmio);
	t.r.gpr[SEV_RDI] = MMIO_BASE + 0x30;
	assert_int_equal(run(&t, SEV_EXIT_NPF), 0);
	assert_int_equal(t.hv.info2, 1);
	assert_int_equal(mmio_reg, 0x5A);

	mmio_reg = 0xF0;
	rig_init(&t, zx, 3, hv_mmio);
	t.r.gpr[SEV_RDI] = MMIO_BASE + 0x30;
	t.r.gpr[SEV_RAX] = ~0ull;
	assert_int_equal(run(&t, SEV_EXIT_NPF), 0);
	assert_int_equal(t.hv.exit_code, SEV_NAE_MMIO_READ);
	assert_int_equal(t.r.gpr[SEV_RAX], 0xF0);
	rig_init(&t, sx, 3, hv_mmio);
	t.r.gpr[SEV_RDI] = MMIO_BASE + 0x30;
	assert_int_equal(run(&t, SEV_EXIT_NPF), 0);
	assert_int_equal(t.r.gpr[SEV_RAX], 0xFFFFFFF0); /* 32-bit dest */
	rig_init(&t, bh, 2, hv_mmio);
	t.r.gpr[SEV_RBX] = MMIO_BASE + 0x30;
	assert_int_equal(run(&t, SEV_EXIT_NPF), 0);
	assert_int_equal(t.r.gpr[SEV_RBX], MMIO_BASE + 0xF030);
	mmio_reg = 0x0123456789ABCDEFull;
	rig_init(&t, ld64, 4, hv_mmio);
	t.r.gpr[SEV_R8] = MMIO_BASE + 0x18;
	assert_int_equal(run(&t, SEV_EXIT_NPF), 0);
	assert_int_equal(t.hv.info2, 8);
	assert_int_equal(t.r.gpr[SEV_R10], 0x0123456789ABCDEFull);

	/* an access to private memory is never emulated */
	rig_init(&t, st, 3, hv_mmio);
	t.r.gpr[SEV_RAX] = 0x200000;
	assert_int_equal(run(&t, SEV_EXIT_NPF), SEV_E_INVAL);
	assert_int_equal(t.hv.calls, 0);
	assert_int_equal(t.r.rip, CODE_BASE);
}

static void
hv_gp(struct fake_hv *hv, struct sev_ghcb *g)
{
	(void)g;
	hv->result1 = SEV_GHCB_RESULT_EXCEPTION;
	hv->result2 = 0x80000B0D; /* #GP(0) */
}

static void
test_refusals(void **state)
{
	static const uint8_t out[] = {0xEE};
	static const uint8_t rd[] = {0x0F, 0x32};
	struct rig t;

	(void)state;
	/* a #VC claiming CPUID while RIP points at OUT: fake, refuse */
	rig_init(&t, out, 1, hv_cpuid);
	assert_int_equal(run(&t, SEV_EXIT_CPUID), SEV_E_OPCODE);
	assert_int_equal(t.hv.calls, 0);
	assert_int_equal(run(&t, SEV_EXIT_VMMCALL), SEV_E_UNSUPPORTED);
	assert_int_equal(run(&t, SEV_EXIT_NOT_VALIDATED), SEV_E_NOT_VALIDATED);
	/* RIP outside the code: nothing to decode */
	t.r.rip = 0x10;
	assert_int_equal(run(&t, SEV_EXIT_IOIO), SEV_E_DECODE);
	/* the hypervisor asks for #GP: RIP stays, fault is reported */
	rig_init(&t, rd, 2, hv_gp);
	assert_int_equal(run(&t, SEV_EXIT_MSR), SEV_E_EXCEPTION);
	assert_int_equal(t.fault.vector, 13);
	assert_true(t.fault.has_error_code);
	assert_int_equal(t.fault.error_code, 0);
	assert_int_equal(t.r.rip, CODE_BASE);
}

static void
hv_cpuid_apic(struct fake_hv *hv, struct sev_ghcb *g)
{
	(void)hv;
	fake_out(g, SEV_GHCB_RAX, 0x11111111);
	fake_out(g, SEV_GHCB_RBX, 0x07000000); /* APIC ID 7 */
	fake_out(g, SEV_GHCB_RCX, 0x33333333);
	fake_out(g, SEV_GHCB_RDX, 0x00000200); /* APIC enabled */
}

static void
test_snp_cpuid_from_page(void **state)
{
	static const uint8_t code[] = {0x0F, 0xA2};
	static struct sev_cpuid_table tab;
	struct rig t;

	(void)state;
	memset(&tab, 0, sizeof(tab));
	tab.count = 3;
	tab.e[0] = (struct sev_cpuid_entry){
		.eax_in = 0, .eax = 0x10, .ebx = 0x68747541};
	tab.e[1] = (struct sev_cpuid_entry){.eax_in = 1,
					    .eax = 0xA00F11,
					    .ebx = 0x00020800,
					    .ecx = 0x7ED8320B,
					    .edx = 0x178BFDFF};
	tab.e[2] = (struct sev_cpuid_entry){.eax_in = 0x80000000u,
					    .eax = 0x80000021u};
	tab.std_max = 0x10;
	tab.ext_max = 0x80000021u;
	rig_init(&t, code, 2, hv_cpuid_apic);
	t.vc.cpuid = &tab;
	t.vc.sev_status = 0x7;
	/* leaf 0: the page, and no hypervisor call at all */
	assert_int_equal(run(&t, SEV_EXIT_CPUID), 0);
	assert_int_equal(t.r.gpr[SEV_RBX], 0x68747541);
	assert_int_equal(t.hv.calls, 0);
	/* leaf 1: page values, APIC ID and APIC-enable from the host */
	t.r.rip = CODE_BASE;
	t.r.gpr[SEV_RAX] = 1;
	assert_int_equal(run(&t, SEV_EXIT_CPUID), 0);
	assert_int_equal(t.hv.calls, 1);
	assert_int_equal(t.r.gpr[SEV_RAX], 0xA00F11);
	assert_int_equal(t.r.gpr[SEV_RBX], 0x07020800);
	assert_int_equal(t.r.gpr[SEV_RCX], 0x7ED8320B & ~(1u << 27));
	assert_int_equal(t.r.gpr[SEV_RDX], 0x178BFFFF);
}

static uint64_t msr_answer_eax;

static uint64_t
msr_xchg(void *ctx, uint64_t req)
{
	unsigned reg = (unsigned)(req >> 30) & 3;
	uint32_t leaf = (uint32_t)(req >> 32);
	uint32_t v = reg == 0 ? (uint32_t)msr_answer_eax : leaf + reg;

	(void)ctx;
	return (uint64_t)v << 32 | SEV_MSR_CPUID_RESP;
}

static void
test_early_handler(void **state)
{
	static const uint8_t cpuid[] = {0x0F, 0xA2};
	static const uint8_t out[] = {0xEE};
	struct sev_msr_ops msr = {NULL, msr_xchg};
	struct sev_regs r = {0};

	(void)state;
	r.rip = CODE_BASE;
	r.gpr[SEV_RAX] = 0x8000001F;
	msr_answer_eax = 0x1B; /* SEV, ES, SNP... */
	assert_int_equal(sev_vc_handle_early(&msr, NULL, 0, &r, SEV_EXIT_CPUID,
					     cpuid, 2),
			 0);
	assert_int_equal(r.gpr[SEV_RAX], 0x1B);
	assert_int_equal(r.gpr[SEV_RBX], 0x80000020);
	assert_int_equal(r.gpr[SEV_RDX], 0x80000022);
	assert_int_equal(r.rip, CODE_BASE + 2);
	/* a hypervisor hiding the SEV bit is not believed */
	r.gpr[SEV_RAX] = 0x8000001F;
	msr_answer_eax = 0x18;
	assert_int_equal(sev_vc_handle_early(&msr, NULL, 0, &r, SEV_EXIT_CPUID,
					     cpuid, 2),
			 SEV_E_VMM);
	r.gpr[SEV_RAX] = 0x80000000;
	msr_answer_eax = 0x80000008;
	assert_int_equal(sev_vc_handle_early(&msr, NULL, 0, &r, SEV_EXIT_CPUID,
					     cpuid, 2),
			 SEV_E_VMM);
	/* no subleaf in the MSR protocol */
	r.gpr[SEV_RAX] = 7;
	r.gpr[SEV_RCX] = 1;
	assert_int_equal(sev_vc_handle_early(&msr, NULL, 0, &r, SEV_EXIT_CPUID,
					     cpuid, 2),
			 SEV_E_UNSUPPORTED);
	assert_int_equal(
		sev_vc_handle_early(&msr, NULL, 0, &r, SEV_EXIT_CPUID, out, 1),
		SEV_E_OPCODE);
	assert_int_equal(
		sev_vc_handle_early(&msr, NULL, 0, &r, SEV_EXIT_IOIO, out, 1),
		SEV_E_UNSUPPORTED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid),
		cmocka_unit_test(test_ioio),
		cmocka_unit_test(test_msr),
		cmocka_unit_test(test_rdtsc_wbinvd),
		cmocka_unit_test(test_mmio),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_snp_cpuid_from_page),
		cmocka_unit_test(test_early_handler),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
