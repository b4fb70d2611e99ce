/* SPDX-License-Identifier: MIT */
/*
 * cvm-bench-linux RUNS OUTDIR [auto|kvm|tcg]: the Linux comparison of
 * issue 5, measured side by side in one run.
 *
 *   1. Time from QEMU's start to the first console byte, to workload
 *      start and to QEMU's exit for `hello` in the unikernel (PVH) and in
 *      the Linux baseline guest (Debian's vmlinux via PVH, cvm's
 *      initramfs), under the same QEMU command line apart from the guest,
 *      RUNS times each, interleaved (A B, then B A ...).  Prints the
 *      medians and Linux / unikernel (target: the unikernel at least 20x
 *      faster to workload start).
 *   2. The smallest guest RAM (MiB) in which each runs `hello` to a
 *      verified `exit 0`, by bisection (a guest too small for its kernel
 *      may hang: each probe is stopped after 30 s).
 *
 * Uses lib/eval's guests (the initramfs is built into OUTDIR/guest).
 * Prints figures, never asserts; exits 1 when a timed run fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/eval/eval-priv.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"

#define PROBE_TIMEOUT_MS 30000

struct bench {
	struct cvm_eval_config cfg;
	struct eval_guests g;
	struct cvm_qemu_caps caps;
	struct cvm_accel_probe accel;
	const char *qemu;
	char *vars;
};

/* One hello run of `guest` with `mib` of RAM; 0 when it verified. */
static int
run_hello(struct bench *b, enum cvm_eval_guest guest, uint64_t mib,
	  int timeout_ms, struct cvm_guest_run *r)
{
	struct cvm_eval_cell cell = {guest, CVM_PROT_NONE, "hello", '-'};
	struct cvm_err err = CVM_ERR_INIT;
	struct eval_vm vm;
	int ret;

	b->cfg.memory_mib = mib;
	memset(r, 0, sizeof(*r));
	if (eval_vm_make(&b->g, &cell, &b->cfg, NULL, &b->caps, b->qemu,
			 b->accel.accel, b->vars, &vm, &err) < 0) {
		/* below QEMU's (or cvm's builder's) smallest RAM: a probe
		 * that fails, not an error */
		if (timeout_ms != PROBE_TIMEOUT_MS)
			fprintf(stderr, "cvm-bench-linux: %s\n", err.msg);
		eval_vm_release(&vm);
		return -1;
	}
	ret = cvm_guest_run(&(struct cvm_guest_run_opts){cvm_argv_get(&vm.argv),
							 timeout_ms, true, NULL,
							 NULL, NULL},
			    r, &err);
	if (ret == 0)
		ret = cvm_guest_run_verdict(r, true, &err);
	eval_vm_release(&vm);
	return ret;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* [guest][phase][run]: first output, workload start, exit (ms) */
static double *times[2][3];

static bool
timed(struct bench *b, enum cvm_eval_guest g, long i)
{
	struct cvm_guest_run r;
	const struct cvm_guest_phase *ws;
	bool ok = run_hello(b, g, 256, 120000, &r) == 0;

	ws = cvm_guest_record_phase(&r.rec, "workload_start");
	if (ok && ws && r.rec.has_output) {
		times[g][0][i] = (double)r.rec.first_byte_ns / 1e6;
		times[g][1][i] = (double)ws->host_ns / 1e6;
		times[g][2][i] = (double)r.end_ns / 1e6;
	} else {
		fprintf(stderr, "cvm-bench-linux: the %s hello run failed\n",
			cvm_eval_guest_name(g));
		ok = false;
	}
	cvm_guest_run_release(&r);
	return ok;
}

static double
median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return cvm_stats_quantile_sorted(v, (size_t)n, 0.5);
}

static void
print_times(long runs)
{
	static const char *const what[] = {
		"first console output", "workload start (hello)", "QEMU exit"};

	printf("%-24s %13s %11s  %s\n", "from QEMU start, ms", "unikernel med",
	       "linux med", "linux/unikernel [95% bootstrap CI]");
	for (int p = 0; p < 3; p++) {
		struct cvm_stats_ratio r = {0, 0, 0};
		double u, l;

		cvm_stats_ratio(times[1][p], (size_t)runs, times[0][p],
				(size_t)runs, CVM_STATS_RESAMPLES,
				CVM_STATS_SEED, &r);
		u = median(times[0][p], runs);
		l = median(times[1][p], runs);
		printf("%-24s %13.1f %11.1f  %.1f [%.1f, %.1f]%s\n", what[p], u,
		       l, r.ratio, r.ci_low, r.ci_high,
		       p == 1 ? " (target >= 20)" : "");
	}
}

/* The smallest MiB in (lo, hi] that runs hello; hi must work. */
static uint64_t
smallest(struct bench *b, enum cvm_eval_guest g, uint64_t lo, uint64_t hi)
{
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		struct cvm_guest_run r;
		bool ok = run_hello(b, g, mid, PROBE_TIMEOUT_MS, &r) == 0;

		cvm_guest_run_release(&r);
		if (ok)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

static int
setup(struct bench *b, const char *out, const char *accel)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vmspec kvm = {.accel = CVM_ACCEL_KVM};

	cvm_eval_config_init(&b->cfg, true);
	b->qemu = cvm_qemu_binary();
	b->vars = cvm_xasprintf("%s/vars.fd", out);
	if (cvm_eval_config_option(&b->cfg, "accel", accel, &err) < 0 ||
	    cvm_mkdir_p(out, 0755, &err) < 0 ||
	    eval_guests_prepare(&b->g, &b->cfg, out, &err) < 0 ||
	    cvm_qemu_caps_probe(b->qemu, &b->caps, &err) < 0)
		goto fail;
	if (b->g.uk_missing || b->g.linux_missing) {
		fprintf(stderr, "cvm-bench-linux: %s\n",
			b->g.uk_missing ? b->g.uk_missing : b->g.linux_missing);
		return -1;
	}
	if (b->cfg.accel != CVM_ACCEL_AUTO) {
		b->accel.accel = b->cfg.accel;
		snprintf(b->accel.reason, sizeof(b->accel.reason), "as asked");
		return 0;
	}
	if (cvm_qemu_accel_detect(b->qemu, &b->caps,
				  cvm_qemu_default_cpu(&kvm, &b->caps),
				  &b->accel, &err) == 0)
		return 0;
fail:
	fprintf(stderr, "cvm-bench-linux: %s\n", err.msg);
	return -1;
}

int
main(int argc, char **argv)
{
	struct bench b;
	long runs = argc >= 3 ? strtol(argv[1], NULL, 10) : 0;
	uint64_t mu, ml;

	memset(&b, 0, sizeof(b));
	if (argc < 3 || argc > 4 || runs < 1 || runs > 10000) {
		fprintf(stderr, "usage: cvm-bench-linux RUNS OUTDIR "
				"[auto|kvm|tcg]\n");
		return 2;
	}
	if (setup(&b, argv[2], argc == 4 ? argv[3] : "auto") < 0)
		return 1;
	for (int g = 0; g < 2; g++)
		for (int p = 0; p < 3; p++)
			times[g][p] = cvm_xcalloc((size_t)runs, sizeof(double));
	printf("QEMU %u.%u.%u, %s (%s), 256 MiB, 1 vCPU, %ld runs of hello "
	       "each, interleaved\n",
	       b.caps.major, b.caps.minor, b.caps.micro,
	       b.accel.accel == CVM_ACCEL_KVM ? "KVM" : "TCG, emulated",
	       b.accel.reason, runs);
	for (long i = 0; i < runs; i++) {
		enum cvm_eval_guest first =
			i % 2 ? CVM_EVAL_LINUX : CVM_EVAL_UNIKERNEL;

		if (!timed(&b, first, i) || !timed(&b, !first, i))
			return 1;
	}
	print_times(runs);
	fflush(stdout);
	mu = smallest(&b, CVM_EVAL_UNIKERNEL, 1, 64);
	ml = smallest(&b, CVM_EVAL_LINUX, 16, 512);
	printf("smallest guest RAM for hello: unikernel %llu MiB%s, linux "
	       "%llu MiB (linux/unikernel %.1f)\n",
	       (unsigned long long)mu,
	       mu <= 2 ? " (the least cvm's QEMU command line allows)" : "",
	       (unsigned long long)ml, (double)ml / (double)mu);
	eval_guests_release(&b.g);
	free(b.vars);
	return 0;
}
