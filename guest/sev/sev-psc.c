/* SPDX-License-Identifier: MIT */
/* SNP page-state changes, PVALIDATE logic, validated map: sev-psc.h. */
#include "sev-psc.h"

#define GFN_MASK	0xffffffffffull /* 40 bits */
#define NO_PROGRESS_MAX 16

uint64_t
sev_psc_entry_encode(const struct sev_psc_entry *e)
{
	/* GHCB spec §4.1.6: [11:0] cur_page [51:12] gfn [55:52] op [56] size */
	return ((uint64_t)e->cur_page & 0xfff) | (e->gfn & GFN_MASK) << 12 |
	       ((uint64_t)e->op & 0xf) << 52 |
	       ((uint64_t)e->pagesize & 1) << 56;
}

void
sev_psc_entry_decode(uint64_t v, struct sev_psc_entry *e)
{
	e->cur_page = (uint16_t)(v & 0xfff);
	e->gfn = (v >> 12) & GFN_MASK;
	e->op = (unsigned)(v >> 52) & 0xf;
	e->pagesize = (unsigned)(v >> 56) & 1;
}

int
sev_psc_build(uint8_t *buf, size_t len, uint64_t gpa, uint64_t end, unsigned op,
	      bool allow_2m, uint64_t *next)
{
	struct sev_psc_entry e = {0};
	size_t max, n = 0;

	if (len < SEV_PSC_HDR_SIZE + 8 || gpa >= end ||
	    (gpa | end) & (SEV_PAGE_SIZE - 1) || (end - 1) >> 52 ||
	    (op != SEV_PSC_OP_PRIVATE && op != SEV_PSC_OP_SHARED))
		return SEV_E_INVAL;
	max = (len - SEV_PSC_HDR_SIZE) / 8;
	if (max > SEV_PSC_MAX_ENTRIES)
		max = SEV_PSC_MAX_ENTRIES;
	while (gpa < end && n < max) {
		e.gfn = gpa >> SEV_PAGE_SHIFT;
		e.op = op;
		if (allow_2m && !(gpa & (SEV_2M - 1)) && end - gpa >= SEV_2M) {
			e.pagesize = SEV_PSC_PAGE_2M;
			gpa += SEV_2M;
		} else {
			e.pagesize = SEV_PSC_PAGE_4K;
			gpa += SEV_PAGE_SIZE;
		}
		sev_st64(buf + SEV_PSC_HDR_SIZE + 8 * n,
			 sev_psc_entry_encode(&e));
		n++;
	}
	sev_st16(buf + 0, 0);		      /* cur_entry */
	sev_st16(buf + 2, (uint16_t)(n - 1)); /* end_entry (inclusive) */
	sev_st32(buf + 4, 0);
	*next = gpa;
	return (int)n;
}

int
sev_psc_run(struct sev_ghcb *g, sev_ghcb_call_fn call, void *ctx)
{
	uint8_t *d = sev_ghcb_shared(g);
	uint16_t cur = sev_ld16(d), end = sev_ld16(d + 2), ncur, nend;
	unsigned stalled = 0;
	uint64_t info2;
	int r;

	if (end >= SEV_PSC_MAX_ENTRIES)
		return SEV_E_INVAL;
	while (sev_ld16(d) <= sev_ld16(d + 2)) {
		sev_ghcb_invalidate(g);
		sev_ghcb_set(g, SEV_GHCB_SW_SCRATCH, sev_ghcb_shared_gpa(g));
		if ((r = sev_ghcb_hv_call(g, call, ctx, SEV_NAE_PSC, 0, 0,
					  NULL)))
			return r;
		/* the PSC error code comes back in sw_exit_info_2 */
		if (sev_ghcb_get(g, SEV_GHCB_SW_EXIT_INFO_2, &info2) == 0 &&
		    info2)
			return SEV_E_VMM;
		ncur = sev_ld16(d);
		nend = sev_ld16(d + 2);
		if (sev_ld32(d + 4) || nend > end || ncur < cur)
			return SEV_E_VMM;
		stalled = ncur == cur ? stalled + 1 : 0;
		if (stalled >= NO_PROGRESS_MAX)
			return SEV_E_VMM;
		cur = ncur;
	}
	return 0;
}

int
sev_valid_map_init(struct sev_valid_map *m, uint64_t *bits, size_t nwords,
		   uint64_t base, uint64_t npages)
{
	if ((base & (SEV_PAGE_SIZE - 1)) || npages > (uint64_t)nwords * 64)
		return SEV_E_INVAL;
	m->bits = bits;
	m->base = base;
	m->npages = npages;
	for (size_t i = 0; i < nwords; i++)
		bits[i] = 0;
	return 0;
}

static bool
in_map(const struct sev_valid_map *m, uint64_t gpa, uint64_t npages)
{
	uint64_t first;

	if (gpa < m->base || (gpa & (SEV_PAGE_SIZE - 1)))
		return false;
	first = (gpa - m->base) >> SEV_PAGE_SHIFT;
	return first < m->npages && npages <= m->npages - first;
}

bool
sev_valid_map_test(const struct sev_valid_map *m, uint64_t gpa)
{
	uint64_t i;

	if (!in_map(m, gpa & ~(uint64_t)(SEV_PAGE_SIZE - 1), 1))
		return false;
	i = (gpa - m->base) >> SEV_PAGE_SHIFT;
	return m->bits[i / 64] >> (i % 64) & 1;
}

int
sev_valid_map_mark(struct sev_valid_map *m, uint64_t gpa, uint64_t npages,
		   bool valid)
{
	uint64_t first, i;

	if (!npages || !in_map(m, gpa, npages))
		return SEV_E_RANGE;
	first = (gpa - m->base) >> SEV_PAGE_SHIFT;
	/* check everything before changing anything */
	for (i = first; i < first + npages; i++)
		if ((bool)(m->bits[i / 64] >> (i % 64) & 1) == valid)
			return SEV_E_TWICE;
	for (i = first; i < first + npages; i++) {
		if (valid)
			m->bits[i / 64] |= 1ull << (i % 64);
		else
			m->bits[i / 64] &= ~(1ull << (i % 64));
	}
	return 0;
}

static int
pv_result(int rc)
{
	if (rc == SEV_PVALIDATE_OK)
		return 0;
	/* CF = 1: the RMP already had this state: someone else set it */
	if (rc == SEV_PVALIDATE_NOUPDATE)
		return SEV_E_TWICE;
	return SEV_E_PVALIDATE;
}

static int
pvalidate_2m(struct sev_mem *m, uint64_t va, bool validate)
{
	int rc = m->pvalidate(m->ctx, va, SEV_PSC_PAGE_2M, validate);

	if (rc != SEV_PVALIDATE_FAIL_SIZEMISMATCH)
		return pv_result(rc);
	/* the RMP holds 4 KiB entries here: do the 512 pages one by one */
	for (unsigned i = 0; i < SEV_PAGES_PER_2M; i++) {
		rc = m->pvalidate(m->ctx, va + (uint64_t)i * SEV_PAGE_SIZE,
				  SEV_PSC_PAGE_4K, validate);
		if (rc)
			return pv_result(rc);
	}
	return 0;
}

int
sev_pvalidate_range(struct sev_mem *m, uint64_t va, uint64_t gpa,
		    uint64_t npages, bool validate)
{
	int r;

	if ((va | gpa) & (SEV_PAGE_SIZE - 1))
		return SEV_E_INVAL;
	if (m->map && (r = sev_valid_map_mark(m->map, gpa, npages, validate)))
		return r;
	while (npages) {
		if (m->allow_2m && !(va & (SEV_2M - 1)) &&
		    !(gpa & (SEV_2M - 1)) && npages >= SEV_PAGES_PER_2M) {
			r = pvalidate_2m(m, va, validate);
			va += SEV_2M;
			gpa += SEV_2M;
			npages -= SEV_PAGES_PER_2M;
		} else {
			r = pv_result(m->pvalidate(m->ctx, va, SEV_PSC_PAGE_4K,
						   validate));
			va += SEV_PAGE_SIZE;
			gpa += SEV_PAGE_SIZE;
			npages--;
		}
		if (r)
			return r;
	}
	return 0;
}

static int
psc_range(struct sev_mem *m, uint64_t gpa, uint64_t npages, unsigned op)
{
	uint64_t end = gpa + npages * SEV_PAGE_SIZE, next;
	int r;

	if (!m->ghcb) {
		for (; gpa < end; gpa += SEV_PAGE_SIZE)
			if ((r = sev_msr_do_psc(m->msr, gpa, op)))
				return r;
		return 0;
	}
	while (gpa < end) {
		r = sev_psc_build(sev_ghcb_shared(m->ghcb),
				  SEV_GHCB_SHARED_BUF_SIZE, gpa, end, op,
				  m->allow_2m, &next);
		if (r < 0)
			return r;
		if ((r = sev_psc_run(m->ghcb, m->ghcb_call, m->ctx)))
			return r;
		gpa = next;
	}
	return 0;
}

int
sev_mem_make_shared(struct sev_mem *m, uint64_t va, uint64_t gpa,
		    uint64_t npages)
{
	int r;

	/* validation must be rescinded before the page turns shared */
	if ((r = sev_pvalidate_range(m, va, gpa, npages, false)))
		return r;
	return psc_range(m, gpa, npages, SEV_PSC_OP_SHARED);
}

int
sev_mem_make_private(struct sev_mem *m, uint64_t va, uint64_t gpa,
		     uint64_t npages)
{
	int r;

	if (!npages || (gpa & (SEV_PAGE_SIZE - 1)))
		return SEV_E_INVAL;
	if ((r = psc_range(m, gpa, npages, SEV_PSC_OP_PRIVATE)))
		return r;
	/* and validated only once the RMP says private */
	return sev_pvalidate_range(m, va, gpa, npages, true);
}
