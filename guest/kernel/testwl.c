/* SPDX-License-Identifier: MIT */
/*
 * Test-only workloads, built into the kernel (not in workloads/):
 *   fault  writes to address 0, which paging_init() leaves unmapped: the
 *          #PF is reported ("CVM1 fault 0xe ...") and the guest exits
 *          with CVM_GUEST_EXIT_FAULT;
 *   hang   spins forever, for the host's --timeout.
 */
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "kernel.h"
#include "wl.h"

/* volatile: the compiler must not see (and fold) the null store */
static volatile uintptr_t null_addr;

bool
testwl_run(const char *name)
{
	if (strcmp(name, "fault") && strcmp(name, "hang"))
		return false;
	kprintf("CVM1 info workload %s\n", name);
	wl_phase("workload_start");
	if (!strcmp(name, "fault")) {
		__asm__ volatile("movl $1, (%0)" : : "r"(null_addr) : "memory");
		kpanic("the write to address 0 did not fault");
	}
	for (;;)
		cpu_relax();
}
