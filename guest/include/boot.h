/* SPDX-License-Identifier: MIT */
/*
 * What a boot front end (PVH or UEFI) hands to the common kernel: the
 * command line, the memory map, firmware tables and early timestamps,
 * all copied into the kernel's own memory, so nothing the firmware left
 * behind has to stay intact once kmain() runs.
 */
#ifndef CVM_GUEST_BOOT_H
#define CVM_GUEST_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_CMDLINE_MAX 512
#define BOOT_MEM_MAX	 128
#define BOOT_CFG_MAX	 32

enum boot_method {
	BOOT_PVH,
	BOOT_EFI,
};

/*
 * Memory-map kinds, after the front end translated E820 or UEFI types.
 * FREE: RAM nobody uses.  FREE_LATE: RAM the firmware still uses until
 * the kernel runs on its own page tables, stack and descriptor tables
 * (UEFI boot-services memory).  USED: RAM in use (the kernel image,
 * firmware runtime data, ACPI tables).  RESERVED: not RAM to the kernel
 * (device ranges, E820 "reserved", EfiReservedMemoryType such as the
 * PCIe ECAM window).  Under SEV, FREE/FREE_LATE/USED are private
 * (C-bit set); RESERVED ranges and holes are mapped without it, and
 * the SEV code maps the few reserved pages it needs (secrets, CPUID)
 * itself.
 */
enum mem_kind {
	MEM_FREE,
	MEM_FREE_LATE,
	MEM_USED,
	MEM_RESERVED,
};

struct mem_range {
	uint64_t base;
	uint64_t len;
	enum mem_kind kind;
};

/* one UEFI configuration table: VendorGuid (as stored) and VendorTable */
struct boot_cfg_table {
	uint8_t guid[16];
	uint64_t addr;
};

struct boot_info {
	enum boot_method method;
	/* raw TSC at the first instruction, in long mode, at kmain() */
	uint64_t tsc_entry, tsc_longmode, tsc_main;
	char cmdline[BOOT_CMDLINE_MAX];
	bool cmdline_truncated;

	struct mem_range mem[BOOT_MEM_MAX];
	unsigned nmem;
	bool mem_truncated;

	uint64_t rsdp; /* ACPI RSDP, 0 if unknown */

	/* UEFI only */
	struct boot_cfg_table cfg[BOOT_CFG_MAX];
	unsigned ncfg;	   /* recorded (at most BOOT_CFG_MAX) */
	unsigned ncfg_all; /* what the system table listed */
	uint64_t cc_blob;  /* SNP CC blob (GUID 067b1f5f-...), 0 if none */
	unsigned exitbs_tries;

	/* set by a front end that could not read what it was given */
	const char *boot_error;

	/* SEV state found by sev_early_init() (0: none) */
	uint64_t sev_status;
	bool sev_leaf; /* CPUID 0x8000001F exists */
};

/* The common kernel entry: both front ends end here, on the boot stack. */
__attribute__((noreturn)) void kmain(struct boot_info *bi);

/* Append one memory range (front ends); drops it when the table is full. */
void boot_add_mem(struct boot_info *bi, uint64_t base, uint64_t len,
		  enum mem_kind kind);

/* Switch to the kernel's boot stack and call kmain(bi) (arch asm). */
__attribute__((noreturn)) void boot_enter_kmain(struct boot_info *bi);

/* The single boot_info both front ends fill. */
extern struct boot_info boot_info;

#endif
