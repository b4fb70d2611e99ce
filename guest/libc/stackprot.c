/* SPDX-License-Identifier: MIT */
/*
 * The hardening support Debian's prebuilt objects need.  musl's sin,
 * cos and __rem_pio2 (and BearSSL, for the SEV issue) are built with
 * -fstack-protector-strong and read their canary at %fs:0x28, the
 * x86-64 thread control block slot that glibc and musl share
 * (tcbhead_t.stack_guard).  The kernel has one thread and no TLS:
 * FS.base points at the block below.  BearSSL's -D_FORTIFY_SOURCE=2
 * objects also call __memcpy_chk.  The kernel's own code is built
 * without either.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../include/cpu.h"
#include "../include/kernel.h"

static struct {
	uint64_t self; /* %fs:0, as the ABI's TCB has it */
	uint64_t pad[4];
	uint64_t canary; /* %fs:0x28 */
	uint64_t pad2[2];
} tcb __attribute__((aligned(64)));

_Static_assert(__builtin_offsetof(__typeof__(tcb), canary) == 0x28,
	       "canary at %fs:0x28");

void __stack_chk_fail(void);
void *__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen);

/* After the segment registers are reloaded: loading FS clears its base. */
void
tcb_init(void)
{
	/* not a secret (no attacker-controlled input reaches musl's
	 * frames), only a tripwire; low byte 0 stops string overruns */
	tcb.self = (uint64_t)(uintptr_t)&tcb;
	tcb.canary = (rdtsc() * 0x9e3779b97f4a7c15ull) & ~0xffull;
	wrmsr(MSR_FS_BASE, (uint64_t)(uintptr_t)&tcb);
}

void
__stack_chk_fail(void)
{
	kpanic("stack smashing detected in a math function");
}

/* glibc's fortified memcpy: the object size the compiler saw is dstlen */
void *
__memcpy_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
	if (n > dstlen)
		kpanic("memcpy of %zu bytes into %zu", n, dstlen);
	return memcpy(dst, src, n);
}
