/* SPDX-License-Identifier: MIT */
/*
 * Memory: the map the front end found, a page allocator for page tables,
 * and the bump arena behind wl_alloc().  There is no general heap: the
 * workloads get zeroed, 64-byte aligned blocks that all go back at once
 * (wl_free_all() between repetitions).
 *
 * Free RAM is taken from 1 MiB up (the first MiB holds the real-mode
 * IVT, BIOS data and the PVH ROM's tables) minus the kernel image.
 * Page-table pages come from the bottom of the lowest FREE range, which
 * the boot mappings of both front ends cover (pvh.S maps 1 GiB; OVMF
 * maps everything); UEFI boot-services memory (FREE_LATE) joins the
 * arena only in kmain(), when the firmware's page tables, stack and
 * descriptor tables are no longer in use.
 */
#include <stdint.h>
#include <string.h>

#include "kernel.h"

#define LOW_LIMIT   (1 * MIB)
#define ARENA_ALIGN 64

struct range {
	uint64_t base, end; /* end exclusive */
	uint64_t next;	    /* arena bump pointer */
	bool late;
};

static struct range ranges[BOOT_MEM_MAX + 1];
static unsigned nranges;
/* RAM of any kind (private under SEV), sorted and merged */
static struct {
	uint64_t base, end;
} priv[BOOT_MEM_MAX];
static unsigned npriv;
static uint64_t ram_bytes, total_arena;

extern char __image_start[], __image_end[]; /* linker scripts */

uint64_t
image_start(void)
{
	return (uint64_t)(uintptr_t)__image_start;
}

uint64_t
image_end(void)
{
	return (uint64_t)(uintptr_t)__image_end;
}

void
boot_add_mem(struct boot_info *bi, uint64_t base, uint64_t len,
	     enum mem_kind kind)
{
	if (!len || base + len < base)
		return;
	if (bi->nmem == BOOT_MEM_MAX) {
		bi->mem_truncated = true;
		return;
	}
	bi->mem[bi->nmem++] = (struct mem_range){base, len, kind};
}

static void
add_range(uint64_t base, uint64_t end, bool late)
{
	unsigned i;

	base = ALIGN_UP(base, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (base >= end || nranges == ARRAY_SIZE(ranges))
		return;
	/* keep the list sorted by address */
	for (i = nranges; i > 0 && ranges[i - 1].base > base; i--)
		ranges[i] = ranges[i - 1];
	ranges[i] = (struct range){base, end, base, late};
	nranges++;
}

static void
add_private(uint64_t base, uint64_t end)
{
	unsigned i, j;

	for (i = npriv; i > 0 && priv[i - 1].base > base; i--)
		priv[i] = priv[i - 1];
	priv[i].base = base;
	priv[i].end = end;
	npriv++;
	/* merge overlapping or touching neighbours */
	for (i = 0, j = 1; j < npriv; j++) {
		if (priv[j].base <= priv[i].end) {
			if (priv[j].end > priv[i].end)
				priv[i].end = priv[j].end;
		} else {
			priv[++i] = priv[j];
		}
	}
	npriv = i + 1;
}

void
mem_init(struct boot_info *bi)
{
	uint64_t is = ALIGN_DOWN(image_start(), PAGE_SIZE);
	uint64_t ie = ALIGN_UP(image_end(), PAGE_SIZE);

	for (unsigned i = 0; i < bi->nmem; i++) {
		const struct mem_range *m = &bi->mem[i];
		uint64_t b = m->base, e = m->base + m->len;

		if (m->kind != MEM_RESERVED) {
			ram_bytes += m->len;
			add_private(b, e);
		}
		if (m->kind != MEM_FREE && m->kind != MEM_FREE_LATE)
			continue;
		if (b < LOW_LIMIT)
			b = LOW_LIMIT;
		/* cut the kernel image out (it is FREE RAM in E820 terms) */
		if (b < ie && e > is) {
			add_range(b, is, m->kind == MEM_FREE_LATE);
			b = ie;
		}
		add_range(b, e, m->kind == MEM_FREE_LATE);
	}
}

uint64_t
mem_alloc_page(void)
{
	for (unsigned i = 0; i < nranges; i++) {
		struct range *r = &ranges[i];

		if (r->late || r->end - r->base < PAGE_SIZE)
			continue;
		r->base += PAGE_SIZE;
		r->next = r->base;
		memset((void *)(uintptr_t)(r->base - PAGE_SIZE), 0, PAGE_SIZE);
		return r->base - PAGE_SIZE;
	}
	return 0;
}

uint64_t
mem_alloc_pages(uint64_t n)
{
	for (unsigned i = 0; i < nranges; i++) {
		struct range *r = &ranges[i];
		uint64_t p = r->base;

		if (r->late || !n || (r->end - r->base) / PAGE_SIZE < n)
			continue;
		r->base += n * PAGE_SIZE;
		r->next = r->base;
		memset((void *)(uintptr_t)p, 0, n * PAGE_SIZE);
		return p;
	}
	return 0;
}

bool
mem_private_range(unsigned i, uint64_t *base, uint64_t *end)
{
	if (i >= npriv)
		return false;
	*base = priv[i].base;
	*end = priv[i].end;
	return true;
}

bool
mem_is_private(uint64_t base, uint64_t len)
{
	unsigned lo = 0, hi = npriv;

	/* the last range starting below the end of the query: sorted and
	 * disjoint, so it is the only one that can reach past `base` */
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (priv[mid].base < base + len)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && priv[lo - 1].end > base;
}

uint64_t
mem_ram_bytes(void)
{
	return ram_bytes;
}

void
arena_init(void)
{
	total_arena = 0;
	for (unsigned i = 0; i < nranges; i++) {
		ranges[i].next = ranges[i].base;
		total_arena += ranges[i].end - ranges[i].base;
	}
}

void *
arena_alloc(size_t size)
{
	uint64_t n = ALIGN_UP((uint64_t)(size ? size : 1), ARENA_ALIGN);

	if (n < size)
		return NULL;
	/* first fit in address order */
	for (unsigned i = 0; i < nranges; i++) {
		struct range *r = &ranges[i];
		uint64_t p = ALIGN_UP(r->next, ARENA_ALIGN);

		if (p <= r->end && r->end - p >= n) {
			r->next = p + n;
			return memset((void *)(uintptr_t)p, 0, n);
		}
	}
	return NULL;
}

void
arena_reset(void)
{
	for (unsigned i = 0; i < nranges; i++)
		ranges[i].next = ranges[i].base;
}

uint64_t
arena_bytes(void)
{
	return total_arena;
}

uint64_t
arena_largest(void)
{
	uint64_t best = 0;

	for (unsigned i = 0; i < nranges; i++)
		if (ranges[i].end - ranges[i].base > best)
			best = ranges[i].end - ranges[i].base;
	return best;
}
