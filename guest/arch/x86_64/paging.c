/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own page tables: an identity map of [0, top) with 2 MiB
 * pages, top = the end of the highest memory (not device) range rounded
 * up to 1 GiB, and at least 4 GiB (the MMIO hole and the firmware live
 * below it).
 * 4-level paging, SDM vol. 3 §4.5 (PML4E/PDPTE/PDE/PTE formats, tables
 * 4-15 to 4-20); AMD APM vol. 2 §5.3.
 *
 * Every entry that maps private memory, every table pointer and CR3
 * carry pt_private_flags: that is where the SEV issue puts the C-bit
 * (APM vol. 2 §15.34.5: "the C-bit ... in CR3 and in every page-table
 * entry").  Ranges the memory map calls MMIO, and holes, get no extra
 * bits (shared under SEV).  Since the C-bit sits inside the address
 * field, addresses are taken out of entries with the private bits
 * masked off.
 *
 * Two 4 KiB pages stay unmapped: page 0 (a null dereference faults)
 * and the guard page below the boot stack.  A 2 MiB page is split into
 * 4 KiB ones only where one page must differ (unmapped, or shared with
 * the host under SEV: paging_set_private()); the split keeps the C-bit
 * of the large page.
 */
#include <stdint.h>

#include "cpu.h"
#include "kernel.h"

#define PTE_P	     (1ull << 0)
#define PTE_RW	     (1ull << 1)
#define PTE_PS	     (1ull << 7)
#define PTE_ADDR     0x000ffffffffff000ull /* bits 51:12 */
#define PAGE_2M	     (2 * MIB)
#define ENTRIES	     512
#define MAX_TOP	     (512 * GIB) /* what one PDPT maps */
#define IDX(va, lvl) (((va) >> (12 + 9 * (lvl))) & 511)

uint64_t pt_private_flags;
static uint64_t *pml4;

static uint64_t *
table_alloc(void)
{
	uint64_t pa = mem_alloc_page();

	if (!pa)
		kpanic("no free memory for page tables");
	return (uint64_t *)(uintptr_t)pa;
}

/* a table pointer entry: tables are private memory */
static uint64_t
table_entry(const uint64_t *t)
{
	return (uint64_t)(uintptr_t)t | PTE_P | PTE_RW | pt_private_flags;
}

static uint64_t *
entry_table(uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & PTE_ADDR & ~pt_private_flags);
}

static uint64_t
map_top(void)
{
	uint64_t top = 4 * GIB;

	/* memory, not device ranges: QEMU lists a reserved range at 1 TiB */
	for (unsigned i = 0; i < boot_info.nmem; i++) {
		uint64_t e = boot_info.mem[i].base + boot_info.mem[i].len;

		if (boot_info.mem[i].kind != MEM_RESERVED && e > top)
			top = ALIGN_UP(e, GIB);
	}
	if (top > MAX_TOP) {
		kprintf("cvm: memory above %llu GiB is not mapped\n",
			(unsigned long long)(MAX_TOP / GIB));
		top = MAX_TOP;
	}
	return top;
}

void
paging_init(void)
{
	uint64_t top = map_top();
	uint64_t *pdpt = table_alloc();

	pml4 = table_alloc();
	pml4[0] = table_entry(pdpt);
	for (uint64_t g = 0; g < top / GIB; g++) {
		uint64_t *pd = table_alloc();

		pdpt[g] = table_entry(pd);
		for (unsigned i = 0; i < ENTRIES; i++) {
			uint64_t pa = g * GIB + i * PAGE_2M;

			pd[i] = pa | PTE_P | PTE_RW | PTE_PS |
				(mem_is_private(pa, PAGE_2M) ? pt_private_flags
							     : 0);
		}
	}
	/* under SEV the switch itself checks the C-bit (sev-hooks.c) */
	sev_switch_cr3((uint64_t)(uintptr_t)pml4 | pt_private_flags);
	paging_unmap(0);
	paging_unmap(boot_stack_guard());
}

/* The 4 KiB entry mapping `va`, splitting a 2 MiB page if needed. */
static uint64_t *
pte_4k(uint64_t va)
{
	uint64_t *pdpt = entry_table(pml4[IDX(va, 3)]);
	uint64_t *pd = entry_table(pdpt[IDX(va, 2)]);
	uint64_t *pde = &pd[IDX(va, 1)];
	uint64_t *pt;

	if (*pde & PTE_PS) {
		/*
		 * Split the 2 MiB page: same flags with PS cleared (PAT is
		 * 0) and the same C-bit, so nothing already mapped changes
		 * meaning under SEV; paging_set_private() alone flips it.
		 */
		uint64_t base = *pde & PTE_ADDR & ~pt_private_flags;
		uint64_t flags = (*pde & ~PTE_ADDR & ~PTE_PS) |
				 (*pde & pt_private_flags);

		pt = table_alloc();
		for (unsigned i = 0; i < ENTRIES; i++)
			pt[i] = (base + i * PAGE_SIZE) | flags;
		*pde = table_entry(pt);
	} else {
		pt = entry_table(*pde);
	}
	return &pt[IDX(va, 0)];
}

void
paging_unmap(uint64_t va)
{
	*pte_4k(va) = 0;
	invlpg(va);
}

int
paging_set_private(uint64_t va, bool private)
{
	uint64_t *pte;

	if (!pml4 || va >= MAX_TOP || (va & (PAGE_SIZE - 1)))
		return -1;
	pte = pte_4k(va);
	if (!(*pte & PTE_P))
		return -1;
	/* APM vol. 2 §15.34.5: the C-bit of the last-level entry decides */
	*pte = (*pte & ~pt_private_flags) | (private ? pt_private_flags : 0);
	invlpg(va);
	return 0;
}

int
paging_lookup(uint64_t va, uint64_t *pa, bool *private)
{
	uint64_t e;
	int lvl;

	if (!pml4 || va >= MAX_TOP)
		return -1;
	e = pml4[IDX(va, 3)];
	for (lvl = 2; lvl >= 0; lvl--) {
		if (!(e & PTE_P))
			return -1;
		e = entry_table(e)[IDX(va, lvl)];
		if (lvl == 1 && (e & PTE_PS))
			break;
	}
	if (!(e & PTE_P))
		return -1;
	*private = pt_private_flags && (e & pt_private_flags);
	e &= PTE_ADDR & ~pt_private_flags;
	*pa = lvl == 1 ? (e & ~(PAGE_2M - 1)) + (va & (PAGE_2M - 1))
		       : e + (va & (PAGE_SIZE - 1));
	return 0;
}
