/* SPDX-License-Identifier: MIT */
/*
 * The PVH front end: copy what QEMU's pvh.bin ROM passed in struct
 * hvm_start_info (command line, E820-style memory map, RSDP) into
 * boot_info, then continue in kmain() on the boot stack.
 *
 * Layouts: Xen public/arch-x86/hvm/start_info.h, version 1 (the
 * memory-map fields exist from version 1 on), as Linux carries it in
 * include/xen/interface/hvm/start_info.h.  Memory types are E820's
 * (ACPI 6.4 §15 table 15.312): 1 RAM, 2 reserved, 3 ACPI reclaimable,
 * 4 ACPI NVS, 5 unusable, 7 persistent memory.  PVH never runs under
 * SEV (QEMU's PVH path skips the SEV kernel hashes), so the shared/
 * private split made here only has to be plausible.
 */
#include <stdint.h>

#include "cpu.h"
#include "kernel.h"

#define HVM_START_MAGIC 0x336ec578u /* "xEn3" with the 0x80 bit set */
#define E820_RAM	1
#define E820_ACPI	3
#define E820_NVS	4
/* pvh.S maps only the first GiB until paging_init() */
#define BOOT_MAPPED (1ull << 30)

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info v1 size");

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry");

extern uint64_t pvh_tsc_entry, pvh_tsc_longmode, pvh_start_info; /* pvh.S */

__attribute__((noreturn)) void pvh_main(void);

static bool
mapped(uint64_t pa, uint64_t len)
{
	return pa && pa < BOOT_MAPPED && len <= BOOT_MAPPED - pa;
}

static void
copy_cmdline(struct boot_info *bi, uint64_t pa)
{
	const char *s = (const char *)(uintptr_t)pa;
	size_t i;

	if (!mapped(pa, BOOT_CMDLINE_MAX))
		return;
	for (i = 0; i < BOOT_CMDLINE_MAX - 1 && s[i]; i++)
		bi->cmdline[i] = s[i];
	bi->cmdline[i] = '\0';
	bi->cmdline_truncated = s[i] != '\0';
}

static enum mem_kind
e820_kind(uint32_t type)
{
	switch (type) {
	case E820_RAM:
		return MEM_FREE;
	case E820_ACPI:
	case E820_NVS:
		return MEM_USED;
	default:
		return MEM_RESERVED;
	}
}

static const char *
parse_start_info(struct boot_info *bi, const struct hvm_start_info *si)
{
	const struct hvm_memmap_table_entry *e;

	if (!mapped((uintptr_t)si, sizeof(*si)) || si->magic != HVM_START_MAGIC)
		return "no PVH start_info (bad magic)";
	if (si->version < 1 || !si->memmap_entries)
		return "PVH start_info has no memory map (version 0)";
	if (!mapped(si->memmap_paddr,
		    (uint64_t)si->memmap_entries * sizeof(*e)))
		return "PVH memory map lies outside the boot mapping";
	copy_cmdline(bi, si->cmdline_paddr);
	bi->rsdp = si->rsdp_paddr;
	e = (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		boot_add_mem(bi, e[i].addr, e[i].size, e820_kind(e[i].type));
	return NULL;
}

void
pvh_main(void)
{
	struct boot_info *bi = &boot_info;

	bi->method = BOOT_PVH;
	bi->tsc_entry = pvh_tsc_entry;
	bi->tsc_longmode = pvh_tsc_longmode;
	sev_early_init(bi);
	bi->boot_error = parse_start_info(
		bi, (const struct hvm_start_info *)(uintptr_t)pvh_start_info);
	boot_enter_kmain(bi);
}
