/* SPDX-License-Identifier: MIT */
/* The GHCB page: field access, valid bits, results; see sev-ghcb.h. */
#include "sev-ghcb.h"

static bool
field_ok(unsigned off)
{
	/* 64-bit save-area fields below the valid bitmap */
	return off % 8 == 0 && off < SEV_GHCB_VALID_BITMAP;
}

void
sev_ghcb_invalidate(struct sev_ghcb *g)
{
	sev_st64(g->page + SEV_GHCB_SW_EXIT_CODE, 0);
	for (unsigned i = 0; i < 16; i++)
		g->page[SEV_GHCB_VALID_BITMAP + i] = 0;
}

static void
mark_valid(struct sev_ghcb *g, unsigned off)
{
	unsigned bit = off / 8;

	g->page[SEV_GHCB_VALID_BITMAP + bit / 8] |= (uint8_t)(1u << (bit % 8));
}

int
sev_ghcb_set(struct sev_ghcb *g, unsigned off, uint64_t v)
{
	if (!field_ok(off) && off != SEV_GHCB_X87_STATE_GPA)
		return SEV_E_INVAL;
	sev_st64(g->page + off, v);
	mark_valid(g, off);
	return 0;
}

void
sev_ghcb_set_cpl(struct sev_ghcb *g, uint8_t cpl)
{
	g->page[SEV_GHCB_CPL] = cpl;
	mark_valid(g, SEV_GHCB_CPL);
}

bool
sev_ghcb_is_valid(const struct sev_ghcb *g, unsigned off)
{
	unsigned bit = off / 8;

	if (off >= SEV_GHCB_VALID_BITMAP && off != SEV_GHCB_X87_STATE_GPA)
		return false;
	return g->page[SEV_GHCB_VALID_BITMAP + bit / 8] >> (bit % 8) & 1;
}

int
sev_ghcb_get(const struct sev_ghcb *g, unsigned off, uint64_t *v)
{
	if (!field_ok(off))
		return SEV_E_INVAL;
	if (!sev_ghcb_is_valid(g, off))
		return SEV_E_VMM;
	*v = sev_ld64(g->page + off);
	return 0;
}

/* APM vol. 2 §15.20 event injection fields */
#define EVT_VEC_MASK	   0xffu
#define EVT_TYPE_MASK	   (7u << 8)
#define EVT_TYPE_EXCEPTION (3u << 8)
#define EVT_VALID_ERR	   (1u << 11)
#define EVT_VALID	   (1u << 31)
#define VEC_UD		   6
#define VEC_GP		   13

int
sev_ghcb_result_decode(uint64_t info1, uint64_t info2,
		       struct sev_ghcb_result *res)
{
	uint32_t kind = (uint32_t)info1;
	uint8_t v = (uint8_t)(info2 & EVT_VEC_MASK);

	res->kind = kind;
	res->vector = 0;
	res->has_error_code = false;
	res->error_code = 0;
	res->ghcb_error = 0;
	if (kind == SEV_GHCB_RESULT_OK)
		return 0;
	if (kind == SEV_GHCB_RESULT_ERROR) {
		res->ghcb_error = info2;
		return SEV_E_VMM;
	}
	if (kind != SEV_GHCB_RESULT_EXCEPTION)
		return SEV_E_VMM;
	/* only a valid #GP or #UD exception event is believable */
	if (!(info2 & EVT_VALID) ||
	    (info2 & EVT_TYPE_MASK) != EVT_TYPE_EXCEPTION ||
	    (v != VEC_GP && v != VEC_UD))
		return SEV_E_VMM;
	res->vector = v;
	if (info2 & EVT_VALID_ERR) {
		res->has_error_code = true;
		res->error_code = (uint32_t)(info2 >> 32);
	}
	return SEV_E_EXCEPTION;
}

int
sev_ghcb_hv_call(struct sev_ghcb *g, sev_ghcb_call_fn call, void *ctx,
		 uint64_t exit_code, uint64_t info1, uint64_t info2,
		 struct sev_ghcb_result *res)
{
	struct sev_ghcb_result local;
	uint64_t out1, out2 = 0;
	int r;

	if (!res)
		res = &local;
	sev_st16(g->page + SEV_GHCB_PROTOCOL_VERSION, g->version);
	sev_st32(g->page + SEV_GHCB_USAGE, SEV_GHCB_USAGE_DEFAULT);
	sev_ghcb_set(g, SEV_GHCB_SW_EXIT_CODE, exit_code);
	sev_ghcb_set(g, SEV_GHCB_SW_EXIT_INFO_1, info1);
	sev_ghcb_set(g, SEV_GHCB_SW_EXIT_INFO_2, info2);
	r = call(ctx, g);
	if (r)
		return r;
	/*
	 * The hypervisor reports through sw_exit_info_1 (and _2); like any
	 * output they count only when marked valid.
	 */
	if (sev_ghcb_get(g, SEV_GHCB_SW_EXIT_INFO_1, &out1))
		return SEV_E_VMM;
	if (sev_ghcb_is_valid(g, SEV_GHCB_SW_EXIT_INFO_2))
		out2 = sev_ld64(g->page + SEV_GHCB_SW_EXIT_INFO_2);
	return sev_ghcb_result_decode(out1, out2, res);
}
