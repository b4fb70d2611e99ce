/* SPDX-License-Identifier: MIT */
/*
 * cvm-bench-boot RUNS HELLO.elf FLOOR.elf [auto|kvm|tcg]: the boot-time
 * benchmark of issue 5.  The time from starting QEMU to its exit for the
 * unikernel running `hello` (PVH) and for the floor image (the same QEMU
 * command line with an image that exits at its first instruction), RUNS
 * times each, interleaved (A B, then B A, ...) so that machine load hits
 * both alike.  Prints the minimum and median of each in milliseconds and
 * the ratio of the medians (target <= 1.2).  Exits 1 when a run fails
 * (hello must report `CVM1 exit 0`, the floor must exit through
 * isa-debug-exit).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/util.h"

/* One run: wall ns from fork to reaped exit; 0 when it failed. */
static uint64_t
run_once(const char *const *argv, bool hello)
{
	struct cvm_qemu_proc p;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_buf out = CVM_BUF_INIT;
	char chunk[4096];
	uint64_t t;
	int status;

	if (cvm_qemu_start(argv, &p, &err) < 0) {
		fprintf(stderr, "cvm-bench-boot: %s\n", err.msg);
		return 0;
	}
	while (p.out_fd >= 0 || p.err_fd >= 0) {
		struct pollfd pf[2] = {{p.out_fd, POLLIN, 0},
				       {p.err_fd, POLLIN, 0}};

		poll(pf, 2, -1);
		for (int i = 0; i < 2; i++) {
			int *fd = i ? &p.err_fd : &p.out_fd;
			ssize_t n;

			if (!pf[i].revents)
				continue;
			n = read(*fd, chunk, sizeof(chunk));
			if (n > 0 && !i)
				cvm_buf_add(&out, chunk, (size_t)n);
			if (n == 0 ||
			    (n < 0 && errno != EAGAIN && errno != EINTR)) {
				close(*fd);
				*fd = -1;
			}
		}
	}
	status = cvm_qemu_reap(&p, false);
	t = cvm_now_ns() - p.start_ns;
	/* isa-debug-exit: (value << 1) | 1 */
	if ((hello &&
	     (status != 1 || !strstr(cvm_buf_str(&out), "CVM1 exit 0"))) ||
	    (!hello && (status & 1) == 0)) {
		fprintf(stderr,
			"cvm-bench-boot: the %s run failed (status %d)\n",
			hello ? "hello" : "floor", status);
		t = 0;
	}
	cvm_buf_release(&out);
	return t;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double
median_ms(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return (n % 2 ? (double)v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0) /
	       1e6;
}

int
main(int argc, char **argv)
{
	struct cvm_run_request req = {.workload = "hello"};
	struct cvm_run_plan plan;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_argv struct cvm_argv floor = CVM_ARGV_INIT;
	cleanup_free uint64_t *a = NULL, *b = NULL;
	long runs = argc >= 4 ? strtol(argv[1], NULL, 10) : 0;
	double ma, mb;

	if (argc < 4 || argc > 5 || runs < 1 || runs > 100000) {
		fprintf(stderr,
			"usage: cvm-bench-boot RUNS HELLO.elf FLOOR.elf "
			"[auto|kvm|tcg]\n");
		return 2;
	}
	req.image = argv[2];
	if (argc == 5 &&
	    cvm_run_request_option(&req, "accel", argv[4], &err) < 0) {
		fprintf(stderr, "cvm-bench-boot: %s\n", err.msg);
		return 2;
	}
	if (cvm_run_plan_make(&req, &plan, &err) < 0) {
		fprintf(stderr, "cvm-bench-boot: %s\n", err.msg);
		cvm_run_plan_release(&plan);
		return 1;
	}
	/* the same command line with the floor image as the kernel */
	for (size_t i = 0; i < plan.argv.n; i++)
		cvm_argv_add(&floor, i && !strcmp(plan.argv.v[i - 1], "-kernel")
					     ? argv[3]
					     : plan.argv.v[i]);
	a = cvm_xcalloc((size_t)runs, sizeof(*a));
	b = cvm_xcalloc((size_t)runs, sizeof(*b));
	for (long i = 0; i < runs; i++) {
		bool a_first = i % 2 == 0;

		if (a_first)
			a[i] = run_once(cvm_argv_get(&plan.argv), true);
		b[i] = run_once(cvm_argv_get(&floor), false);
		if (!a_first)
			a[i] = run_once(cvm_argv_get(&plan.argv), true);
		if (!a[i] || !b[i]) {
			cvm_run_plan_release(&plan);
			return 1;
		}
	}
	ma = median_ms(a, (size_t)runs);
	mb = median_ms(b, (size_t)runs);
	printf("QEMU %u.%u.%u, %s (%s), %llu MiB, %ld runs each, interleaved\n",
	       plan.caps.major, plan.caps.minor, plan.caps.micro,
	       plan.req.accel == CVM_ACCEL_KVM ? "KVM" : "TCG",
	       plan.accel.reason, (unsigned long long)plan.req.memory_mib,
	       runs);
	printf("%-24s %10s %10s\n", "QEMU start to exit", "min ms",
	       "median ms");
	printf("%-24s %10.2f %10.2f\n", "hello (PVH)", a[0] / 1e6, ma);
	printf("%-24s %10.2f %10.2f\n", "floor (first insn exits)", b[0] / 1e6,
	       mb);
	printf("ratio hello/floor (medians): %.3f (target <= 1.2)\n", ma / mb);
	cvm_run_plan_release(&plan);
	return 0;
}
