/* SPDX-License-Identifier: MIT */
/*
 * Used only when workloads/ is not part of the build (its meson.build
 * does not define workload_src): the workload table with just `hello`,
 * so the kernel still builds, boots and reports.  The real table,
 * wl_find() and wl_run() are in workloads/wl.c.
 */
#include <stddef.h>
#include <string.h>

#include "wl.h"

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

static const struct wl_workload hello = {
	.name = "hello",
	.classes = "-",
	.mem_bytes = hello_mem,
	.run = hello_run,
};

const struct wl_workload *const wl_workloads[] = {&hello, NULL};

const struct wl_workload *
wl_find(const char *name)
{
	for (size_t i = 0; wl_workloads[i]; i++)
		if (!strcmp(wl_workloads[i]->name, name))
			return wl_workloads[i];
	return NULL;
}

int
wl_run(const char *name, char cls, unsigned reps)
{
	const struct wl_workload *w = wl_find(name);
	int worst = WL_OK;

	if (!w || !reps)
		return WL_EUSAGE;
	wl_phase("workload_start");
	for (unsigned r = 0; r < reps; r++) {
		int st;

		wl_free_all();
		st = w->run(cls);
		if (st > worst)
			worst = st;
	}
	wl_phase("workload_end");
	return worst;
}
