/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the unikernel's #VC path, compiled for the host: the x86-64
 * instruction decoder (guest/sev/sev-insn.c; Intel SDM vol. 2 §2.1-2.2)
 * on its own, then the whole handler (guest/sev/sev-vc.c; GHCB spec
 * 56421 §4.1) against a hostile hypervisor that writes whatever the
 * input says into the shared GHCB page.  Input layout:
 *
 *   byte 0        exit code: (byte % 16) indexes the table of handled
 *                 and refused exits; 11-15 take the low 32 bits of a
 *                 u64 read after the instruction bytes
 *   byte 1        flags: bit 0 SNP, bit 1 Secure TSC, bit 2 CR4.OSXSAVE
 *   bytes 2-16    the instruction bytes at RIP (15, the most x86 takes)
 *   16 x u64      the general-purpose registers
 *   then          the hypervisor's answer: records of u16 offset
 *                 (bit 15: leave the valid bit alone) + u64 value,
 *                 stored into the GHCB page on every VMGEXIT
 *
 * Promises checked: the decoder never claims more than 15 bytes or
 * more than it was given; the handler advances RIP by exactly the
 * instruction length on success and leaves it alone otherwise; only a
 * #GP or #UD is ever raised on the hypervisor's request; MMIO goes only
 * to shared (non-private) addresses.
 */
#include "fuzz.h"

#include "sev-ghcb.h"
#include "sev-insn.h"
#include "sev-vc.h"

#define CODE_BASE 0x100000ull
#define MMIO_BASE 0xFEB00000ull
#define GHCB_GPA  0x7f000ull

struct rig {
	uint8_t code[SEV_INSN_MAX_LEN];
	size_t code_len;
	const uint8_t *answer; /* hypervisor records */
	size_t answer_len;
	uint64_t cr4;
	unsigned calls;
};

static uint8_t page[SEV_GHCB_SIZE] __attribute__((aligned(4096)));

static int
hv_call(void *ctx, struct sev_ghcb *g)
{
	struct rig *t = ctx;

	t->calls++;
	/* KVM clears the bitmap and marks what it writes (GHCB §2.5) */
	memset(g->page + SEV_GHCB_VALID_BITMAP, 0, 16);
	for (size_t i = 0; i + 10 <= t->answer_len; i += 10) {
		const uint8_t *a = t->answer + i;
		unsigned off = (unsigned)(a[0] | a[1] << 8);
		bool keep = off & 0x8000;
		uint64_t v = 0;

		off &= 0x7fff;
		off %= SEV_GHCB_SIZE - 7;
		for (int k = 0; k < 8; k++)
			v |= (uint64_t)a[2 + k] << (8 * k);
		for (int k = 0; k < 8; k++)
			g->page[off + k] = (uint8_t)(v >> (8 * k));
		if (!keep && off < SEV_GHCB_VALID_BITMAP && off % 8 == 0)
			g->page[SEV_GHCB_VALID_BITMAP + off / 64] |=
				(uint8_t)(1u << (off / 8 % 8));
	}
	return 0;
}

static int
fetch(void *ctx, uint64_t rip, uint8_t *buf, size_t n)
{
	struct rig *t = ctx;
	size_t off = (size_t)(rip - CODE_BASE);

	if (rip < CODE_BASE || off >= t->code_len)
		return -1;
	if (n > t->code_len - off)
		n = t->code_len - off;
	memcpy(buf, t->code + off, n);
	return (int)n;
}

static int
mmio_gpa(void *ctx, uint64_t va, size_t len, uint64_t *gpa)
{
	(void)ctx;
	if (len == 0 || len > 8)
		fuzz_fail("MMIO of %zu bytes", len);
	if (va < MMIO_BASE)
		return SEV_E_INVAL; /* private memory */
	*gpa = va;
	return 0;
}

static uint64_t
read_cr4(void *ctx)
{
	return ((struct rig *)ctx)->cr4;
}

static uint64_t
read_xcr0(void *ctx)
{
	(void)ctx;
	return 7;
}

static uint64_t
read_xss(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
decode_only(const uint8_t *bytes, size_t avail)
{
	struct sev_insn in;
	struct sev_regs regs;
	uint64_t addr;

	memset(&regs, 0, sizeof(regs));
	if (sev_insn_decode(bytes, avail, &in) != 0)
		return;
	if (in.len == 0 || in.len > SEV_INSN_MAX_LEN || in.len > avail)
		fuzz_fail("decoded length %u of %zu bytes", in.len, avail);
	if (in.has_mem)
		(void)sev_insn_mem_addr(&in, &regs, &addr);
	if (in.op == SEV_INSN_IN || in.op == SEV_INSN_OUT)
		(void)sev_ioio_exit_info(&in, 0x3f8);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t exits[] = {
		SEV_EXIT_CPUID, SEV_EXIT_IOIO,	       SEV_EXIT_MSR,
		SEV_EXIT_RDTSC, SEV_EXIT_RDTSCP,       SEV_EXIT_WBINVD,
		SEV_EXIT_NPF,	SEV_EXIT_READ_DR7,     SEV_EXIT_VMMCALL,
		SEV_EXIT_MWAIT, SEV_EXIT_NOT_VALIDATED};
	struct fuzz_in in = {data, size};
	uint8_t sel = fuzz_u8(&in), flags = fuzz_u8(&in);
	struct rig t;
	struct sev_ghcb g = {page, GHCB_GPA, 2};
	struct sev_vc_ops ops = {&t,	   hv_call,   fetch,   mmio_gpa,
				 read_cr4, read_xcr0, read_xss};
	struct sev_vc vc = {&g, &ops, 0x3, NULL};
	struct sev_vc_fault fault;
	struct sev_regs regs, before;
	struct sev_insn insn;
	uint64_t exit_code;
	const uint8_t *code;
	int r, dr;

	memset(&t, 0, sizeof(t));
	memset(page, 0, sizeof(page));
	memset(&fault, 0, sizeof(fault));
	code = fuzz_bytes(&in, SEV_INSN_MAX_LEN, &t.code_len);
	memcpy(t.code, code, t.code_len);
	for (size_t n = 0; n <= t.code_len; n++)
		decode_only(t.code, n);
	exit_code = sel % 16 < sizeof(exits) / sizeof(exits[0])
			    ? exits[sel % 16]
			    : (uint32_t)fuzz_u64(&in);
	memset(&regs, 0, sizeof(regs));
	for (int i = 0; i < 16; i++)
		regs.gpr[i] = fuzz_u64(&in);
	regs.rip = CODE_BASE;
	t.answer = in.p;
	t.answer_len = in.n;
	t.cr4 = flags & 4 ? 1u << 18 : 0;
	if (flags & 1)
		vc.sev_status |= 1u << 2;
	if (flags & 2)
		vc.sev_status |= 1u << 11;
	before = regs;
	dr = sev_insn_decode(t.code, t.code_len, &insn);
	r = sev_vc_handle(&vc, &regs, exit_code, &fault);
	if (r == 0) {
		if (dr == 0 && regs.rip != before.rip + insn.len)
			fuzz_fail("RIP advanced by %llu for a %u-byte insn",
				  (unsigned long long)(regs.rip - before.rip),
				  insn.len);
		if (regs.rip - before.rip > SEV_INSN_MAX_LEN)
			fuzz_fail("RIP advanced by %llu",
				  (unsigned long long)(regs.rip - before.rip));
	} else if (regs.rip != before.rip) {
		fuzz_fail("RIP moved on failure %d", r);
	}
	if (r == SEV_E_EXCEPTION && fault.vector != 6 && fault.vector != 13)
		fuzz_fail("raised vector %u on request", fault.vector);
	return 0;
}
