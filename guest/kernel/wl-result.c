/* SPDX-License-Identifier: MIT */
/*
 * wl_result(): one "CVM1 result WORKLOAD CLASS METRIC VALUE UNIT
 * VERIFIED" line (docs/result-format.md).  Built with SSE (its value is
 * a double); called only by the workloads.  Values get 10 significant
 * digits.  A result not marked WL_YES or WL_NA is remembered, so the guest
 * fails even if a workload forgot to return WL_EUNVERIFIED.
 */
#include <stdbool.h>

#include "kernel.h"
#include "wl.h"

#define VALUE_DIGITS 10

bool wl_unverified_seen;

void
wl_result(const char *workload, char cls, const char *metric, double value,
	  const char *unit, int verified)
{
	char v[40];
	/* anything but yes or na counts as no */
	const char *ver = verified == WL_YES  ? "yes"
			  : verified == WL_NA ? "na"
					      : "no";

	if (verified != WL_YES && verified != WL_NA)
		wl_unverified_seen = true;
	fmt_double(v, sizeof(v), value, VALUE_DIGITS);
	kprintf(CVM_RESULT_TAG " result %s %c %s %s %s %s\n", workload,
		cls ? cls : '-', metric, v, unit, ver);
}
