/* SPDX-License-Identifier: MIT */
/*
 * hello: the boot-time workload.  It does nothing but report that it ran,
 * so a run measures the platform: boot phases up to workload_start, and
 * the exit.  It needs no memory (the unikernel runs it in a 4 MiB guest).
 */
#include "wl-priv.h"

static size_t
hello_mem(char cls)
{
	(void)cls;
	return 0;
}

static int
hello_run(char cls)
{
	(void)cls;
	wl_result("hello", '-', "ok", 1.0, "bool", WL_NA);
	return WL_OK;
}

const struct wl_workload wl_hello = {
	.name = "hello",
	.classes = "-",
	.mem_bytes = hello_mem,
	.run = hello_run,
};
