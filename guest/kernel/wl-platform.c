/* SPDX-License-Identifier: MIT */
/*
 * The unikernel's side of workloads/wl.h, for everything but
 * wl_result() (kernel/wl-result.c, which needs SSE for its double).
 */
#include <stdint.h>

#include "cpu.h"
#include "kernel.h"
#include "wl.h"

uint64_t
wl_now_ns(void)
{
	return tsc_ticks_to_ns(rdtsc() - boot_info.tsc_entry);
}

void *
wl_alloc(size_t size)
{
	return arena_alloc(size);
}

void
wl_free_all(void)
{
	arena_reset();
}

void
wl_print(const char *s)
{
	console_write(s);
}

void
wl_phase(const char *phase)
{
	kprintf(CVM_RESULT_TAG " boot %s %llu\n", phase,
		(unsigned long long)wl_now_ns());
}
