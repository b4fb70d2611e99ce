/* SPDX-License-Identifier: MIT */
/*
 * The unikernel's internal interfaces: console, exit, the TSC clock,
 * memory, paging, CPU set-up and the SEV hook points.  Nothing here is
 * visible to the workloads, which see only workloads/wl.h.
 */
#ifndef CVM_GUEST_KERNEL_H
#define CVM_GUEST_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot.h"
#include "fmt.h"
#include "result.h" /* include/cvm/abi: CVM1 tag, exit port and statuses */

#define PAGE_SIZE	 4096ull
#define MIB		 (1024ull * 1024ull)
#define GIB		 (1024ull * MIB)
#define ALIGN_UP(x, a)	 (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))

/* ---- console (plat/serial.c; formatting in fmt.h) ---- */

/* Program the 16550 at COM1 (0x3f8): 115200 8N1, FIFOs on. */
void serial_init(void);
void console_write(const char *s);

/* ---- exit (kernel/main.c, plat/power.c) ---- */

/* Print "CVM1 exit STATUS" and stop the machine with that status. */
__attribute__((noreturn)) void kernel_exit(int status);
/* Print "cvm: panic: ..." and exit with CVM_GUEST_EXIT_PANIC. */
__attribute__((noreturn)) void kpanic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/*
 * Stop: write `status` to isa-debug-exit (QEMU exits (status << 1) | 1);
 * where that device is absent, ACPI S5 poweroff; failing both, halt.
 */
__attribute__((noreturn)) void power_exit(int status);
/* Find the ACPI S5 sleep registers from the RSDP, for power_exit(). */
void acpi_init(const struct boot_info *bi);
/* Enter S5 if acpi_init() found how; returns if the machine runs on. */
void acpi_poweroff(void);

/* ---- clock (arch/x86_64/tsc.c) ---- */

/* Start the calibration window (PIT channel 2 counting down). */
void tsc_cal_start(void);
/* End it, at least TSC_CAL_MIN_US after the start; sets tsc_khz. */
void tsc_cal_finish(void);
/* nanoseconds for `ticks` TSC ticks (0 before tsc_cal_finish()) */
uint64_t tsc_ticks_to_ns(uint64_t ticks);
extern uint64_t tsc_khz;
extern const char *tsc_source; /* "cpuid15", "pit", "cpuid16", "none" */

/* ---- memory (kernel/mem.c) ---- */

/* Sort and clip the map: free RAM from 1 MiB up, minus the image. */
void mem_init(struct boot_info *bi);
/* One zeroed 4 KiB page for page tables (FREE memory only); 0 if none. */
uint64_t mem_alloc_page(void);
/*
 * Turn what is left of FREE and FREE_LATE RAM into the arena behind
 * wl_alloc(); only once the kernel runs on its own page tables, stack
 * and descriptor tables (UEFI boot-services memory is then free).
 */
void arena_init(void);
void *arena_alloc(size_t size); /* zeroed, 64-byte aligned, or NULL */
void arena_reset(void);
uint64_t arena_bytes(void);   /* total bytes the arena manages */
uint64_t arena_largest(void); /* the largest single allocation */
uint64_t mem_ram_bytes(void); /* all RAM in the map */
/* `n` contiguous zeroed pages (FREE memory only, set-up only); 0 if none */
uint64_t mem_alloc_pages(uint64_t n);
/* true if [base, base+len) touches memory that is private under SEV */
bool mem_is_private(uint64_t base, uint64_t len);
/* The i-th range of RAM (sorted, merged, private under SEV); false past
 * the last one. */
bool mem_private_range(unsigned i, uint64_t *base, uint64_t *end);
/* the kernel image's own range (linker symbols) */
uint64_t image_start(void);
uint64_t image_end(void);

/* ---- paging (arch/x86_64/paging.c) ---- */

/*
 * OR'ed into every page-table entry (and CR3) that maps private memory.
 * 0 here; the SEV issue sets the C-bit (1 << cbit) in sev_early_init().
 */
extern uint64_t pt_private_flags;
/* Identity-map all memory with the kernel's own tables and load CR3. */
void paging_init(void);
/* Unmap one 4 KiB page (splitting a 2 MiB mapping if needed). */
void paging_unmap(uint64_t va);
/*
 * Map the 4 KiB page at `va` private (C-bit set) or shared, splitting a
 * 2 MiB mapping if needed, and flush its TLB entry.  0, or -1 for an
 * unmapped or unaligned address.  The caller does the SEV side of the
 * change (sev_boot_share() and sev_boot_unshare()).
 */
int paging_set_private(uint64_t va, bool private);
/* Walk the kernel's tables: the physical address of `va` and whether
 * its mapping is private.  -1 if unmapped. */
int paging_lookup(uint64_t va, uint64_t *pa, bool *private);

/* ---- CPU (arch/x86_64/desc.c) ---- */

/* GDT, TSS with IST stacks, IDT for vectors 0-31, SSE and x87, FS. */
void cpu_init(void);
/* FS.base -> a block with the stack-protector canary (libc/stackprot.c) */
void tcb_init(void);
/* top of the boot stack (arch/x86_64/desc.c) and its guard page */
extern uint8_t boot_stack_top[];
uint64_t boot_stack_guard(void);

/* ---- SEV (kernel/sev-hooks.c, sev-late.c, sev-attest.c; issue 6) ---- */

struct trap_frame;
/*
 * Both front ends, first thing (UEFI: while OVMF's #VC handler still
 * serves): detection and the SEV_STATUS policy.  Under SEV-ES/SNP a
 * refused SEV_STATUS terminates here (GHCB MSR protocol).
 */
void sev_early_init(struct boot_info *bi);
/* true if the kernel may run in the SEV state found; else why not */
bool sev_supported(const struct boot_info *bi, const char **why);
/* SEV-ES or SNP: port I/O, CPUID and MSRs need the GHCB (#VC) */
bool sev_needs_ghcb(const struct boot_info *bi);
/*
 * After cpu_init() (the kernel's IDT, #VC on its own IST stack), before
 * mem_init(): GHCB protocol, hypervisor features, the SNP CPUID page,
 * the C-bit into pt_private_flags, VMPL0.  Terminates on failure.
 */
void sev_setup(struct boot_info *bi);
/* Load CR3; under SEV first check the C-bit (Linux sev_verify_cbit). */
void sev_switch_cr3(uint64_t cr3);
/* After paging_init(): validated map, GHCB page, SNP secrets page. */
void sev_late_init(struct boot_info *bi);
/* #VC (vector 29): true if handled (the frame then resumes). */
bool sev_vc_trap(struct trap_frame *f);
/* "none", "sev", "sev-es", "sev-snp" from the SEV_STATUS found */
const char *sev_protection_name(const struct boot_info *bi);
/* "CVM1 info" lines about the SEV state (C-bit, GHCB protocol) */
void sev_report(const struct boot_info *bi);
/*
 * The `attest` workload: an SNP attestation report over REPORT_DATA =
 * the nonce (hex, from the command line), printed as "CVM1 report
 * HEX".  Returns a CVM_GUEST_EXIT_* status.
 */
int sev_attest_run(const char *nonce_hex);

/* ---- test-only workloads (kernel/testwl.c) ---- */

/* Run "fault" or "hang"; returns false for any other name. */
bool testwl_run(const char *name);

#endif
