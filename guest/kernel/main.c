/* SPDX-License-Identifier: MIT */
/*
 * kmain(): where both boot front ends meet.  Set up the console, CPU
 * tables, memory, paging and the clock; report the boot
 * ("CVM1 info" and "CVM1 boot" lines, docs/result-format.md); run the
 * workloads the command line names; exit with the worst status.
 */
#include <stdint.h>
#include <string.h>

#include "cmdline.h"
#include "cpu.h"
#include "kernel.h"
#include "wl.h"

extern bool wl_unverified_seen; /* kernel/wl-result.c */

struct boot_info boot_info;

void
kernel_exit(int status)
{
	kprintf(CVM_RESULT_TAG " exit %d\n", status);
	power_exit(status);
}

void
kpanic(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("cvm: panic: %s\n", msg);
	kernel_exit(CVM_GUEST_EXIT_PANIC);
}

static unsigned long long
since_entry(const struct boot_info *bi, uint64_t tsc)
{
	return tsc_ticks_to_ns(tsc - bi->tsc_entry);
}

static void
report_efi(const struct boot_info *bi)
{
	kprintf("CVM1 info exitbs_tries %u\n", bi->exitbs_tries);
	kprintf("CVM1 info efi_tables %u\n", bi->ncfg_all);
	for (unsigned i = 0; i < bi->ncfg; i++) {
		const uint8_t *g = bi->cfg[i].guid;

		/* EFI_GUID: three little-endian fields, then 8 bytes */
		kprintf("CVM1 info efi_table "
			"%02x%02x%02x%02x-%02x%02x-%02x%02x-"
			"%02x%02x-%02x%02x%02x%02x%02x%02x@0x%llx\n",
			g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8],
			g[9], g[10], g[11], g[12], g[13], g[14], g[15],
			(unsigned long long)bi->cfg[i].addr);
	}
	kprintf("CVM1 info cc_blob 0x%llx\n", (unsigned long long)bi->cc_blob);
}

static void
report_boot(const struct boot_info *bi)
{
	kprintf("CVM1 info boot %s\n", bi->method == BOOT_EFI ? "efi" : "pvh");
	kprintf("CVM1 info tsc_khz %llu\n", (unsigned long long)tsc_khz);
	kprintf("CVM1 info tsc_source %s\n", tsc_source);
	kprintf("CVM1 info mem_mib %llu\n",
		(unsigned long long)((mem_ram_bytes() + MIB / 2) / MIB));
	kprintf("CVM1 info arena_mib %llu\n",
		(unsigned long long)(arena_bytes() / MIB));
	kprintf("CVM1 info protection %s\n", sev_protection_name(bi));
	kprintf("CVM1 info sev_status 0x%llx\n",
		(unsigned long long)bi->sev_status);
	sev_report(bi);
	if (bi->method == BOOT_EFI)
		report_efi(bi);
	if (bi->mem_truncated)
		kprintf("cvm: memory map truncated to %u entries\n", bi->nmem);
	kprintf("CVM1 boot entry 0\n");
	kprintf("CVM1 boot longmode %llu\n", since_entry(bi, bi->tsc_longmode));
	kprintf("CVM1 boot main %llu\n", since_entry(bi, bi->tsc_main));
}

static void
list_workloads(void)
{
	kprintf("cvm: workloads:");
	for (size_t i = 0; wl_workloads[i]; i++)
		kprintf(" %s", wl_workloads[i]->name);
	kprintf(" fault hang\n");
}

/* the class a run uses, or 0 (after a message) if the workload lacks it */
static char
pick_class(const struct wl_workload *w, char cls)
{
	if (w->classes[0] == '-')
		return '-';
	if (!cls)
		cls = 'S';
	if (cls != '-' && strchr(w->classes, cls))
		return cls;
	kprintf("cvm: workload '%s' has no class '%c' (classes: %s)\n", w->name,
		cls, w->classes);
	return 0;
}

static int
run_one(const char *name, const struct kcmdline *c)
{
	const struct wl_workload *w;
	uint64_t need;
	char cls;
	int st;

	if (testwl_run(name))
		return CVM_GUEST_EXIT_PANIC; /* not reached */
	if (!strcmp(name, "attest"))
		return sev_attest_run(c->nonce);
	w = wl_find(name);
	if (!w) {
		kprintf("cvm: unknown workload '%s'\n", name);
		list_workloads();
		return CVM_GUEST_EXIT_USAGE;
	}
	cls = pick_class(w, c->cls);
	if (!cls)
		return CVM_GUEST_EXIT_USAGE;
	need = w->mem_bytes(cls);
	if (need > arena_bytes()) {
		kprintf("cvm: workload '%s' class %c needs %llu MiB, the guest "
			"has %llu MiB free\n",
			w->name, cls,
			(unsigned long long)(need + MIB - 1) / MIB,
			(unsigned long long)(arena_bytes() / MIB));
		return CVM_GUEST_EXIT_NOMEM;
	}
	kprintf("CVM1 info workload %s\n", w->name);
	kprintf("CVM1 info class %c\n", cls);
	kprintf("CVM1 info reps %u\n", c->reps);
	st = wl_run(w->name, cls, c->reps);
	if (st == WL_ENOMEM) /* enough in total, but not in one piece */
		kprintf("cvm: workload '%s' ran out of memory (largest free "
			"range %llu MiB)\n",
			w->name, (unsigned long long)(arena_largest() / MIB));
	return st;
}

/* every workload named, in order; the worst status */
static int
run(const struct kcmdline *c)
{
	int worst = CVM_GUEST_EXIT_OK;

	for (unsigned i = 0; i < c->nworkloads; i++) {
		int st = run_one(c->workload[i], c);

		if (st > worst)
			worst = st;
	}
	return worst;
}

static void
start_console(const struct boot_info *bi)
{
	serial_init();
	/* OVMF leaves its console mid-line: start the CVM1 lines afresh */
	if (bi->method == BOOT_EFI)
		console_write("\n");
}

void
kmain(struct boot_info *bi)
{
	struct kcmdline cmd;
	const char *why = NULL;
	int status;

	bi->tsc_main = rdtsc();
	/* SEV-ES/SNP: port I/O (console, PIT) is a #VC that needs the
	 * GHCB, which exists only after sev_late_init() */
	if (!sev_needs_ghcb(bi))
		start_console(bi);
	cpu_init();
	if (bi->boot_error)
		kpanic("%s", bi->boot_error);
	if (!sev_supported(bi, &why))
		kpanic("%s", why);
	if (!sev_needs_ghcb(bi))
		tsc_cal_start();
	sev_setup(bi);
	mem_init(bi);
	paging_init();
	sev_late_init(bi);
	if (sev_needs_ghcb(bi)) {
		start_console(bi);
		tsc_cal_start();
	}
	acpi_init(bi);
	arena_init();
	tsc_cal_finish();
	report_boot(bi);
	if (cmdline_parse(bi->cmdline, &cmd) < 0) {
		kprintf("cvm: command line: %s\n", cmd.error);
		kernel_exit(CVM_GUEST_EXIT_USAGE);
	}
	if (cmd.unknown[0])
		kprintf("cvm: command line: ignoring '%s'\n", cmd.unknown);
	if (bi->cmdline_truncated)
		kprintf("cvm: command line truncated to %d bytes\n",
			BOOT_CMDLINE_MAX - 1);
	status = run(&cmd);
	if (status == CVM_GUEST_EXIT_OK && wl_unverified_seen)
		status = CVM_GUEST_EXIT_UNVERIFIED;
	kernel_exit(status);
}
