/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for SNP page-state changes and validation
 * (guest/sev/sev-psc.c).  Entry vectors are written from GHCB spec
 * 56421 §4.1.6 (Page State Change entry: cur_page 11:0, GFN 51:12,
 * operation 55:52, page size 56); the fake RMP below models what
 * PVALIDATE does (APM vol. 3): a validated bit per 4 KiB page, 2 MiB
 * requests over 4 KiB entries fail with FAIL_SIZEMISMATCH, and a
 * request that changes nothing sets CF.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test-sev-fake.h"
#include "sev-psc.h"

#define NPAGES 2048 /* 8 MiB of guest memory */

struct rmp {
	bool valid[NPAGES];
	bool shared[NPAGES];
	bool small[NPAGES / 512]; /* 2 MiB region held as 4 KiB entries */
	unsigned pv_calls, pv_2m;
	char log[64]; /* event order: V v S P */
	unsigned nlog;
	unsigned per_call; /* PSC entries the host does per call */
	bool backwards, reserved, error, stall;
};

static void
note(struct rmp *m, char c)
{
	if (m->nlog < sizeof(m->log) - 1)
		m->log[m->nlog++] = c;
}

static int
fake_pvalidate(void *ctx, uint64_t va, unsigned size, bool validate)
{
	struct rmp *m = ((struct fake_hv *)ctx)->user;
	uint64_t pfn = va >> 12, n = size ? 512 : 1;
	bool changed = false;

	m->pv_calls++;
	if (size) {
		m->pv_2m++;
		if (m->small[pfn / 512])
			return SEV_PVALIDATE_FAIL_SIZEMISMATCH;
	}
	if (pfn + n > NPAGES)
		return SEV_PVALIDATE_FAIL_INPUT;
	for (uint64_t i = pfn; i < pfn + n; i++) {
		changed |= m->valid[i] != validate;
		m->valid[i] = validate;
	}
	note(m, validate ? 'V' : 'v');
	return changed ? 0 : SEV_PVALIDATE_NOUPDATE;
}

/* The host side of the PSC NAE: processes `per_call` entries a call */
static void
hv_psc(struct fake_hv *hv, struct sev_ghcb *g)
{
	struct rmp *m = hv->user;
	uint8_t *d = g->page + SEV_GHCB_SHARED_BUF;
	uint16_t cur = sev_ld16(d), end = sev_ld16(d + 2);
	unsigned done = 0;

	assert_int_equal(hv->exit_code, SEV_NAE_PSC);
	assert_int_equal(fake_in(hv, SEV_GHCB_SW_SCRATCH),
			 FAKE_GHCB_GPA + SEV_GHCB_SHARED_BUF);
	if (m->error) {
		hv->result2 = 0x100000000ull;
		return;
	}
	while (cur <= end && done < m->per_call && !m->stall) {
		struct sev_psc_entry e;

		sev_psc_entry_decode(sev_ld64(d + 8 + 8 * cur), &e);
		for (uint64_t i = 0; i < (e.pagesize ? 512u : 1u); i++)
			m->shared[e.gfn + i] = e.op == SEV_PSC_OP_SHARED;
		note(m, e.op == SEV_PSC_OP_SHARED ? 'S' : 'P');
		cur++;
		done++;
	}
	sev_st16(d, m->backwards ? 0 : cur);
	if (m->reserved)
		sev_st32(d + 4, 1);
}

static uint64_t
msr_psc(void *ctx, uint64_t req)
{
	struct rmp *m = ctx;
	struct sev_psc_entry e = {0};

	e.gfn = (req >> 12) & 0xffffffffffull;
	e.op = (unsigned)(req >> 52) & 0xf;
	m->shared[e.gfn] = e.op == SEV_PSC_OP_SHARED;
	note(m, e.op == SEV_PSC_OP_SHARED ? 'S' : 'P');
	return SEV_MSR_PSC_RESP;
}

static void
test_entry_encoding(void **state)
{
	struct sev_psc_entry e = {0, 0x12345, SEV_PSC_OP_SHARED,
				  SEV_PSC_PAGE_4K};
	struct sev_psc_entry d;

	(void)state;
	assert_int_equal(sev_psc_entry_encode(&e), 0x0020000012345000ull);
	e = (struct sev_psc_entry){0, 0x200, SEV_PSC_OP_PRIVATE,
				   SEV_PSC_PAGE_2M};
	assert_int_equal(sev_psc_entry_encode(&e), 0x0110000000200000ull);
	e.cur_page = 0x1FF;
	assert_int_equal(sev_psc_entry_encode(&e), 0x01100000002001FFull);
	sev_psc_entry_decode(0x01100000002001FFull, &d);
	assert_int_equal(d.cur_page, 0x1FF);
	assert_int_equal(d.gfn, 0x200);
	assert_int_equal(d.op, 1);
	assert_int_equal(d.pagesize, 1);
}

static void
test_build(void **state)
{
	uint8_t buf[SEV_GHCB_SHARED_BUF_SIZE];
	struct sev_psc_entry e;
	uint64_t next;

	(void)state;
	/* 4 MiB + 12 KiB from 0: two 2 MiB entries and three 4 KiB */
	assert_int_equal(sev_psc_build(buf, sizeof(buf), 0, 0x403000,
				       SEV_PSC_OP_PRIVATE, true, &next),
			 5);
	assert_int_equal(next, 0x403000);
	assert_int_equal(sev_ld16(buf), 0);
	assert_int_equal(sev_ld16(buf + 2), 4);
	sev_psc_entry_decode(sev_ld64(buf + 8 + 8), &e);
	assert_int_equal(e.gfn, 0x200);
	assert_int_equal(e.pagesize, 1);
	sev_psc_entry_decode(sev_ld64(buf + 8 + 8 * 4), &e);
	assert_int_equal(e.gfn, 0x402);
	assert_int_equal(e.pagesize, 0);
	/* 4 KiB only: at most 253 entries per descriptor */
	assert_int_equal(sev_psc_build(buf, sizeof(buf), 0x1000, 0x403000,
				       SEV_PSC_OP_SHARED, false, &next),
			 253);
	assert_int_equal(next, 0x1000 + 253 * 4096);
	assert_int_equal(sev_ld16(buf + 2), 252);
	assert_int_equal(sev_psc_build(buf, sizeof(buf), 0x1001, 0x2000,
				       SEV_PSC_OP_SHARED, false, &next),
			 SEV_E_INVAL);
	assert_int_equal(sev_psc_build(buf, sizeof(buf), 0x2000, 0x2000,
				       SEV_PSC_OP_SHARED, false, &next),
			 SEV_E_INVAL);
	assert_int_equal(
		sev_psc_build(buf, sizeof(buf), 0, 0x1000, 7, false, &next),
		SEV_E_INVAL);
}

static struct rmp rmp;

static void
rig(struct sev_ghcb *g, struct fake_hv *hv, unsigned per_call)
{
	memset(&rmp, 0, sizeof(rmp));
	rmp.per_call = per_call;
	*g = fake_ghcb();
	memset(hv, 0, sizeof(*hv));
	hv->handle = hv_psc;
	hv->user = &rmp;
}

static void
test_run_partial(void **state)
{
	struct sev_ghcb g;
	struct fake_hv hv;
	uint64_t next;

	(void)state;
	rig(&g, &hv, 7);
	assert_int_equal(sev_psc_build(sev_ghcb_shared(&g),
				       SEV_GHCB_SHARED_BUF_SIZE, 0, 100 * 4096,
				       SEV_PSC_OP_SHARED, false, &next),
			 100);
	assert_int_equal(sev_psc_run(&g, fake_ghcb_call, &hv), 0);
	assert_int_equal(hv.calls, 15); /* ceil(100 / 7) */
	for (unsigned i = 0; i < 100; i++)
		assert_true(rmp.shared[i]);
	assert_false(rmp.shared[100]);

	/* a host going backwards, setting reserved bits, failing, stalling */
	rig(&g, &hv, 7);
	sev_psc_build(sev_ghcb_shared(&g), SEV_GHCB_SHARED_BUF_SIZE, 0,
		      100 * 4096, SEV_PSC_OP_SHARED, false, &next);
	rmp.backwards = true;
	assert_int_equal(sev_psc_run(&g, fake_ghcb_call, &hv), SEV_E_VMM);
	rig(&g, &hv, 7);
	sev_psc_build(sev_ghcb_shared(&g), SEV_GHCB_SHARED_BUF_SIZE, 0,
		      100 * 4096, SEV_PSC_OP_SHARED, false, &next);
	rmp.reserved = true;
	assert_int_equal(sev_psc_run(&g, fake_ghcb_call, &hv), SEV_E_VMM);
	rig(&g, &hv, 7);
	sev_psc_build(sev_ghcb_shared(&g), SEV_GHCB_SHARED_BUF_SIZE, 0, 4096,
		      SEV_PSC_OP_SHARED, false, &next);
	rmp.error = true;
	assert_int_equal(sev_psc_run(&g, fake_ghcb_call, &hv), SEV_E_VMM);
	rig(&g, &hv, 7);
	sev_psc_build(sev_ghcb_shared(&g), SEV_GHCB_SHARED_BUF_SIZE, 0, 4096,
		      SEV_PSC_OP_SHARED, false, &next);
	rmp.stall = true;
	assert_int_equal(sev_psc_run(&g, fake_ghcb_call, &hv), SEV_E_VMM);
	assert_int_equal(hv.calls, 16);
}

static void
test_valid_map(void **state)
{
	uint64_t bits[4];
	struct sev_valid_map m;

	(void)state;
	assert_int_equal(sev_valid_map_init(&m, bits, 4, 0x100000, 256), 0);
	assert_int_equal(sev_valid_map_init(&m, bits, 4, 0x100000, 257),
			 SEV_E_INVAL);
	assert_int_equal(sev_valid_map_init(&m, bits, 4, 0x100000, 200), 0);
	assert_int_equal(sev_valid_map_mark(&m, 0x101000, 70, true), 0);
	assert_true(sev_valid_map_test(&m, 0x101000));
	assert_true(sev_valid_map_test(&m, 0x101000 + 69 * 4096 + 5));
	assert_false(sev_valid_map_test(&m, 0x100000));
	assert_false(sev_valid_map_test(&m, 0x101000 + 70 * 4096));
	/* overlapping a validated page: nothing changes */
	assert_int_equal(sev_valid_map_mark(&m, 0x100000, 2, true),
			 SEV_E_TWICE);
	assert_false(sev_valid_map_test(&m, 0x100000));
	assert_int_equal(sev_valid_map_mark(&m, 0x100000, 1, false),
			 SEV_E_TWICE);
	assert_int_equal(sev_valid_map_mark(&m, 0x101000, 1, false), 0);
	assert_int_equal(sev_valid_map_mark(&m, 0x100000, 201, true),
			 SEV_E_RANGE);
	assert_int_equal(sev_valid_map_mark(&m, 0xFF000, 1, true), SEV_E_RANGE);
	assert_int_equal(sev_valid_map_mark(&m, 0x100800, 1, true),
			 SEV_E_RANGE);
}

static void
test_pvalidate_once(void **state)
{
	uint64_t bits[NPAGES / 64];
	struct sev_valid_map map;
	struct fake_hv hv = {.user = &rmp};
	struct sev_mem m = {.pvalidate = fake_pvalidate,
			    .ctx = &hv,
			    .map = &map,
			    .allow_2m = true};

	(void)state;
	memset(&rmp, 0, sizeof(rmp));
	sev_valid_map_init(&map, bits, NPAGES / 64, 0, NPAGES);
	/* 2 MiB at 2 MiB: one instruction */
	assert_int_equal(sev_pvalidate_range(&m, 0x200000, 0x200000, 512, true),
			 0);
	assert_int_equal(rmp.pv_calls, 1);
	assert_true(rmp.valid[512] && rmp.valid[1023]);
	/* the same pages again: refused before PVALIDATE runs */
	assert_int_equal(sev_pvalidate_range(&m, 0x200000, 0x200000, 1, true),
			 SEV_E_TWICE);
	assert_int_equal(rmp.pv_calls, 1);
	/* RMP in 4 KiB entries: FAIL_SIZEMISMATCH, then 512 x 4 KiB */
	rmp.small[2] = true;
	rmp.pv_calls = 0;
	assert_int_equal(sev_pvalidate_range(&m, 0x400000, 0x400000, 512, true),
			 0);
	assert_int_equal(rmp.pv_calls, 513);
	assert_true(rmp.valid[1024] && rmp.valid[1535]);
	/* CF = 1: the page was validated behind our back */
	rmp.valid[5] = true;
	assert_int_equal(sev_pvalidate_range(&m, 0x5000, 0x5000, 1, true),
			 SEV_E_TWICE);
	/* a failing instruction */
	assert_int_equal(sev_pvalidate_range(&m, 0x1000, 0x1000, 1, true), 0);
	m.map = NULL;
	assert_int_equal(sev_pvalidate_range(&m, (uint64_t)NPAGES << 12,
					     (uint64_t)NPAGES << 12, 1, true),
			 SEV_E_PVALIDATE);
	assert_int_equal(sev_pvalidate_range(&m, 0x1001, 0x1000, 1, true),
			 SEV_E_INVAL);
}

static void
test_state_change_order(void **state)
{
	uint64_t bits[NPAGES / 64];
	struct sev_valid_map map;
	struct sev_ghcb g;
	struct fake_hv hv;
	struct sev_msr_ops msr = {&rmp, msr_psc};
	struct sev_mem m;

	(void)state;
	/* with the GHCB: private -> shared rescinds first, then PSC */
	rig(&g, &hv, 253);
	sev_valid_map_init(&map, bits, NPAGES / 64, 0, NPAGES);
	m = (struct sev_mem){&g,  fake_ghcb_call, &msr, fake_pvalidate,
			     &hv, &map,		  false};
	assert_int_equal(sev_mem_make_private(&m, 0x10000, 0x10000, 2), 0);
	assert_string_equal(rmp.log, "PPVV");
	assert_true(sev_valid_map_test(&map, 0x11000));
	rmp.nlog = 0;
	memset(rmp.log, 0, sizeof(rmp.log));
	assert_int_equal(sev_mem_make_shared(&m, 0x10000, 0x10000, 2), 0);
	assert_string_equal(rmp.log, "vvSS");
	assert_true(rmp.shared[0x10] && rmp.shared[0x11]);
	assert_false(sev_valid_map_test(&map, 0x10000));
	/* sharing it twice would rescind twice: refused, no PSC sent */
	hv.calls = 0;
	assert_int_equal(sev_mem_make_shared(&m, 0x10000, 0x10000, 1),
			 SEV_E_TWICE);
	assert_int_equal(hv.calls, 0);
	/* without a GHCB: one MSR-protocol request per page */
	memset(&rmp, 0, sizeof(rmp));
	m.ghcb = NULL;
	assert_int_equal(sev_mem_make_private(&m, 0x20000, 0x20000, 3), 0);
	assert_string_equal(rmp.log, "PPPVVV");
	/* 2 MiB PSC entries when allowed */
	rig(&g, &hv, 253);
	sev_valid_map_init(&map, bits, NPAGES / 64, 0, NPAGES);
	m = (struct sev_mem){&g,  fake_ghcb_call, &msr, fake_pvalidate,
			     &hv, &map,		  true};
	assert_int_equal(sev_mem_make_private(&m, 0x200000, 0x200000, 513), 0);
	assert_string_equal(rmp.log, "PPVV");
	assert_int_equal(rmp.pv_2m, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_encoding),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_run_partial),
		cmocka_unit_test(test_valid_map),
		cmocka_unit_test(test_pvalidate_once),
		cmocka_unit_test(test_state_change_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
