/* SPDX-License-Identifier: MIT */
/*
 * A fake hypervisor for the SEV unit tests (test-sev-*.c): it plays the
 * other side of the GHCB protocol the way KVM does: it reads the
 * inputs the guest marked valid, clears the valid bitmap, and marks
 * valid only the outputs it writes (GHCB spec 56421 §2.5).
 */
#ifndef CVM_TEST_SEV_FAKE_H
#define CVM_TEST_SEV_FAKE_H

#include <string.h>

#include "../../guest/sev/sev-ghcb.h"

#define FAKE_GHCB_GPA 0x7f000ull

struct fake_hv;
typedef void (*fake_handler)(struct fake_hv *hv, struct sev_ghcb *g);

struct fake_hv {
	fake_handler handle;
	void *user;
	unsigned calls;
	uint64_t exit_code, info1, info2;
	uint8_t in[SEV_GHCB_SIZE]; /* the page as the guest sent it */
	uint64_t result1, result2; /* sw_exit_info_1/2 to return */
	bool omit_info1;	   /* "forget" to mark sw_exit_info_1 */
};

/* Was `off` marked valid by the guest, and with which value? */
static inline bool
fake_in_valid(const struct fake_hv *hv, unsigned off)
{
	unsigned bit = off / 8;

	return hv->in[SEV_GHCB_VALID_BITMAP + bit / 8] >> (bit % 8) & 1;
}

static inline uint64_t
fake_in(const struct fake_hv *hv, unsigned off)
{
	return sev_ld64(hv->in + off);
}

static inline void
fake_out(struct sev_ghcb *g, unsigned off, uint64_t v)
{
	unsigned bit = off / 8;

	sev_st64(g->page + off, v);
	g->page[SEV_GHCB_VALID_BITMAP + bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static inline int
fake_ghcb_call(void *ctx, struct sev_ghcb *g)
{
	struct fake_hv *hv = ctx;

	hv->calls++;
	memcpy(hv->in, g->page, SEV_GHCB_SIZE);
	hv->exit_code = fake_in(hv, SEV_GHCB_SW_EXIT_CODE);
	hv->info1 = fake_in(hv, SEV_GHCB_SW_EXIT_INFO_1);
	hv->info2 = fake_in(hv, SEV_GHCB_SW_EXIT_INFO_2);
	hv->result1 = 0;
	hv->result2 = 0;
	memset(g->page + SEV_GHCB_VALID_BITMAP, 0, 16);
	if (hv->handle)
		hv->handle(hv, g);
	if (!hv->omit_info1)
		fake_out(g, SEV_GHCB_SW_EXIT_INFO_1, hv->result1);
	fake_out(g, SEV_GHCB_SW_EXIT_INFO_2, hv->result2);
	return 0;
}

static uint8_t fake_ghcb_page[SEV_GHCB_SIZE] __attribute__((aligned(4096)));

static inline struct sev_ghcb
fake_ghcb(void)
{
	struct sev_ghcb g = {fake_ghcb_page, FAKE_GHCB_GPA, 2};

	memset(fake_ghcb_page, 0, sizeof(fake_ghcb_page));
	return g;
}

#endif
