/* SPDX-License-Identifier: MIT */
/*
 * SNP page-state changes and validation (guest-sev.md §2.3, §2.6).
 *
 * Page State Change NAE (GHCB spec 56421 §4.1.6, exit code
 * 0x8000_0010): a descriptor in the GHCB shared buffer, header
 * {u16 cur_entry; u16 end_entry; u32 reserved} and up to 253 8-byte
 * entries {cur_page:12, gfn:40, operation:4, pagesize:1, reserved:7};
 * sw_scratch holds the buffer's GPA.  The hypervisor may return before
 * processing every entry: the guest repeats the call until cur_entry >
 * end_entry, and checks that the hypervisor never moves backwards.
 *
 * PVALIDATE (APM vol. 3, "PVALIDATE"): RAX = virtual address, ECX = 0
 * for 4 KiB / 1 for 2 MiB, EDX = 1 validate / 0 rescind; EAX returns
 * 0, 1 FAIL_INPUT, 6 FAIL_SIZEMISMATCH; CF = 1 means nothing changed
 * (the page already had that state).  The instruction itself lives in
 * the guest-only sev-hw.c; here the logic runs against a function
 * pointer: a 2 MiB request that meets 4 KiB RMP entries is retried as
 * 512 4 KiB ones, and a validated-pages bitmap makes sure every page is
 * validated exactly once: validating a validated page, or CF = 1 on
 * validate, is an error (Linux treats it as an attack).
 *
 * Order of operations, private -> shared: rescind (PVALIDATE 0), PSC
 * shared, then the caller clears the C-bit and flushes the TLB.
 * Shared -> private: the caller sets the C-bit, PSC private, validate,
 * then the caller zeroes the page.
 */
#ifndef CVM_SEV_PSC_H
#define CVM_SEV_PSC_H

#include "sev-base.h"
#include "sev-ghcb.h"
#include "sev-msr.h"

#define SEV_PSC_MAX_ENTRIES 253
#define SEV_PSC_HDR_SIZE    8
#define SEV_PSC_PAGE_4K	    0
#define SEV_PSC_PAGE_2M	    1
#define SEV_PAGES_PER_2M    512u
#define SEV_2M		    (2u * 1024 * 1024)

struct sev_psc_entry {
	uint16_t cur_page; /* 4 KiB pages of a 2 MiB entry already done */
	uint64_t gfn;
	unsigned op;	   /* SEV_PSC_OP_PRIVATE / SHARED */
	unsigned pagesize; /* SEV_PSC_PAGE_4K / 2M */
};

uint64_t sev_psc_entry_encode(const struct sev_psc_entry *e);
void sev_psc_entry_decode(uint64_t v, struct sev_psc_entry *e);

/*
 * Fill a descriptor in `buf` (at least 8 + 253 * 8 bytes, normally the
 * GHCB shared buffer) for [gpa, end) with `op`, using 2 MiB entries
 * where `allow_2m`, the address is 2 MiB aligned and 2 MiB remain.
 * Returns the number of entries (>= 1) and sets `*next` to the first
 * address not covered; SEV_E_INVAL for unaligned or empty ranges.
 */
int sev_psc_build(uint8_t *buf, size_t len, uint64_t gpa, uint64_t end,
		  unsigned op, bool allow_2m, uint64_t *next);

/*
 * Run the descriptor already in the GHCB shared buffer through the
 * hypervisor until every entry is done.  SEV_E_VMM if the hypervisor
 * reports an error (sw_exit_info_2 != 0), sets the reserved header
 * field, goes backwards, or makes no progress 16 times in a row.
 */
int sev_psc_run(struct sev_ghcb *g, sev_ghcb_call_fn call, void *ctx);

/* A caller-owned bitmap: bit i = page base_gpa + i * 4 KiB validated. */
struct sev_valid_map {
	uint64_t *bits;
	uint64_t base; /* 4 KiB aligned */
	uint64_t npages;
};

int sev_valid_map_init(struct sev_valid_map *m, uint64_t *bits, size_t nwords,
		       uint64_t base, uint64_t npages);
bool sev_valid_map_test(const struct sev_valid_map *m, uint64_t gpa);
/*
 * Record a state change of [gpa, gpa + npages * 4 KiB): to validated
 * (`valid`) or not.  All-or-nothing: SEV_E_TWICE if any page already
 * has the requested state, SEV_E_RANGE outside the map.
 */
int sev_valid_map_mark(struct sev_valid_map *m, uint64_t gpa, uint64_t npages,
		       bool valid);

/* PVALIDATE return values (EAX), plus CF = 1 as a software code */
#define SEV_PVALIDATE_OK		0
#define SEV_PVALIDATE_FAIL_INPUT	1
#define SEV_PVALIDATE_FAIL_SIZEMISMATCH 6
#define SEV_PVALIDATE_NOUPDATE		255

typedef int (*sev_pvalidate_fn)(void *ctx, uint64_t va, unsigned pagesize,
				bool validate);

/*
 * Everything a page-state change needs.  `ghcb` NULL means: use the
 * MSR protocol, one page at a time (before the GHCB exists, and for
 * the GHCB page itself).
 */
struct sev_mem {
	struct sev_ghcb *ghcb;
	sev_ghcb_call_fn ghcb_call;
	const struct sev_msr_ops *msr;
	sev_pvalidate_fn pvalidate;
	void *ctx; /* passed to ghcb_call and pvalidate */
	struct sev_valid_map *map;
	bool allow_2m;
};

/*
 * PVALIDATE [va, va + npages * 4 KiB) mapping [gpa, ...), 2 MiB at a
 * time where possible, and update the map first (so a double
 * validation is refused before the instruction runs).
 */
int sev_pvalidate_range(struct sev_mem *m, uint64_t va, uint64_t gpa,
			uint64_t npages, bool validate);

/* The two sequences from the header comment (page tables: caller). */
int sev_mem_make_shared(struct sev_mem *m, uint64_t va, uint64_t gpa,
			uint64_t npages);
int sev_mem_make_private(struct sev_mem *m, uint64_t va, uint64_t gpa,
			 uint64_t npages);

#endif
