/* SPDX-License-Identifier: MIT */
/*
 * cvm-bench-exec RUNS -- A [ARGS] -- B [ARGS]: end-to-end process time
 * of two commands, run alternately RUNS times each (so that load on the
 * machine hits both alike), stdout and stderr to /dev/null.  Prints, per
 * command, the minimum and median wall time in microseconds and the
 * median CPU time (user + system, from wait4: what the process cost
 * whatever else the machine ran), then the ratios of B's median and
 * minimum to A's, and of the median CPU times.  Exits 1 if any run
 * fails.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvm/util.h"

extern char **environ;

/* One run of argv; its wall time in ns (CPU time in *cpu), or 0 when it
 * failed. */
static uint64_t
run_once(char **argv, uint64_t *cpu)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru = {0};
	uint64_t t0 = cvm_now_ns(), t;
	int status = -1;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0 ||
	    wait4(pid, &status, 0, &ru) < 0)
		status = -1;
	t = cvm_now_ns() - t0;
	*cpu = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) *
		       1000000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u;
	posix_spawn_file_actions_destroy(&fa);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *name, uint64_t *t, uint64_t *c, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_u64);
	qsort(c, (size_t)n, sizeof(*c), cmp_u64);
	printf("%-8s min_us %8.0f  median_us %8.0f  cpu_median_us %8.0f  "
	       "(%d runs)\n",
	       name, (double)t[0] / 1e3, (double)t[n / 2] / 1e3,
	       (double)c[n / 2] / 1e3, n);
}

int
main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 0, b = 0;
	uint64_t *ta, *tb, *ca, *cb;

	for (int i = 3; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			b = i;
	if (runs < 1 || argc < 6 || strcmp(argv[2], "--") != 0 || b < 4 ||
	    b == argc - 1) {
		fprintf(stderr, "usage: cvm-bench-exec RUNS -- A [ARGS] -- B "
				"[ARGS]\n");
		return 2;
	}
	argv[b] = NULL; /* A's argv ends here */
	ta = cvm_xcalloc((size_t)runs, sizeof(*ta));
	tb = cvm_xcalloc((size_t)runs, sizeof(*tb));
	ca = cvm_xcalloc((size_t)runs, sizeof(*ca));
	cb = cvm_xcalloc((size_t)runs, sizeof(*cb));
	for (int i = 0; i < runs; i++) {
		ta[i] = run_once(argv + 3, &ca[i]);
		tb[i] = run_once(argv + b + 1, &cb[i]);
		if (!ta[i] || !tb[i]) {
			fprintf(stderr, "cvm-bench-exec: '%s' failed\n",
				!ta[i] ? argv[3] : argv[b + 1]);
			return 1;
		}
	}
	report("A", ta, ca, runs);
	report("B", tb, cb, runs);
	printf("B/A      %.1f (median), %.1f (min)\n",
	       (double)tb[runs / 2] / (double)ta[runs / 2],
	       (double)tb[0] / (double)ta[0]);
	if (ca[runs / 2])
		printf("B/A_cpu  %.1f (median CPU time)\n",
		       (double)cb[runs / 2] / (double)ca[runs / 2]);
	free(ta);
	free(tb);
	free(ca);
	free(cb);
	return 0;
}
