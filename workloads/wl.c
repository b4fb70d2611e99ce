/* SPDX-License-Identifier: MIT */
/*
 * The workload table and the runner shared by every platform (wl.h):
 * look a workload up, check the class, run it `reps` times between the
 * workload_start and workload_end phase markers.
 */
#include "wl-priv.h"

const struct wl_workload *const wl_workloads[] = {
	&wl_hello, &wl_stream, &wl_ep, &wl_is, &wl_cg, &wl_mg, &wl_ft, NULL,
};

static bool
streq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

const struct wl_workload *
wl_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; wl_workloads[i]; i++)
		if (streq(wl_workloads[i]->name, name))
			return wl_workloads[i];
	return NULL;
}

/*
 * The class a run uses: upper-cased, and '-' for a workload without
 * classes (hello), whatever was asked; 0 if the workload lacks it.
 */
static char
pick_class(const struct wl_workload *w, char cls)
{
	if (w->classes[0] == '-')
		return '-';
	if (cls >= 'a' && cls <= 'z')
		cls = (char)(cls - 'a' + 'A');
	for (const char *c = w->classes; *c; c++)
		if (*c == cls)
			return cls;
	return 0;
}

int
wl_run(const char *name, char cls, unsigned reps)
{
	const struct wl_workload *w = wl_find(name);
	int worst = WL_OK;

	if (!w || reps == 0)
		return WL_EUSAGE;
	cls = pick_class(w, cls);
	if (!cls)
		return WL_EUSAGE;
	wl_phase("workload_start");
	for (unsigned r = 0; r < reps; r++) {
		int st;

		wl_free_all();
		st = w->run(cls);
		if (st > worst)
			worst = st;
		if (st == WL_ENOMEM)
			break;
	}
	wl_free_all();
	wl_phase("workload_end");
	return worst;
}
