/* SPDX-License-Identifier: MIT */
/*
 * The workloads the cvm unikernel knows (workloads/wl.c's table plus the
 * kernel's test-only ones), so that `cvm run` can refuse a bad name or
 * class before it boots anything.  Keep in step with workloads/wl.c and
 * docs/result-format.md; tests/unit/test-guestio.c checks the names
 * against workloads/wl.c.
 */
#include <string.h>

#include "cvm/guestio.h"

#define WL(n, c, t, s) \
	static const struct cvm_workload_info wl_##n = {#n, c, t, s}

WL(hello, "-", false, "boot, report the boot phases, exit");
WL(stream, "SWA", false, "STREAM copy/scale/add/triad bandwidth");
WL(ep, "SWA", false, "NPB EP: embarrassingly parallel Gaussian pairs");
WL(is, "SWA", false, "NPB IS: integer sort");
WL(cg, "SWA", false, "NPB CG: conjugate gradient");
WL(mg, "SWA", false, "NPB MG: multigrid");
WL(ft, "SWA", false, "NPB FT: 3-D FFT");
WL(attest, "-", false,
   "SEV-SNP attestation report over REPORT_DATA = nonce=HEX");
WL(fault, "-", true, "test: a deliberate null write (a guest fault)");
WL(hang, "-", true, "test: spin forever (stopped by --timeout)");

const struct cvm_workload_info *const cvm_workloads[] = {
	&wl_hello, &wl_stream, &wl_ep,	  &wl_is,   &wl_cg, &wl_mg,
	&wl_ft,	   &wl_attest, &wl_fault, &wl_hang, NULL,
};

const struct cvm_workload_info *
cvm_workload_find(const char *name)
{
	for (size_t i = 0; cvm_workloads[i]; i++)
		if (strcmp(cvm_workloads[i]->name, name) == 0)
			return cvm_workloads[i];
	return NULL;
}
