/* SPDX-License-Identifier: MIT */
/*
 * cvm-workload: the Linux platform side of workloads/wl.h.  A static
 * program that runs one workload and prints the same CVM1 lines as the
 * unikernel (docs/result-format.md), for the Linux baseline guest and
 * for running the workloads natively:
 *
 *   cvm-workload [--reps N] [--mem BYTES] WORKLOAD [CLASS]
 *   cvm-workload --list
 *
 * The clock is CLOCK_MONOTONIC (in a Linux guest: nanoseconds since the
 * kernel started), the arena one anonymous mapping of exactly the bytes
 * the workload declares (or --mem), and the output goes to stdout with
 * one write per line.  The exit status is the WL_* status: 0 verified,
 * 1 unverified, 2 usage, 3 out of memory.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "wl.h"

static unsigned char *arena;
static size_t arena_size, arena_used;

uint64_t
wl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void *
wl_alloc(size_t size)
{
	size_t n = (size + 63) & ~(size_t)63;
	void *p;

	if (!arena || n < size || n > arena_size - arena_used)
		return NULL;
	p = arena + arena_used;
	arena_used += n;
	memset(p, 0, n);
	return p;
}

void
wl_free_all(void)
{
	arena_used = 0;
}

void
wl_print(const char *s)
{
	size_t len = strlen(s);

	while (len > 0) {
		ssize_t w = write(STDOUT_FILENO, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

void
wl_result(const char *workload, char cls, const char *metric, double value,
	  const char *unit, int verified)
{
	char line[256];
	const char *v = verified == WL_YES  ? "yes"
			: verified == WL_NO ? "no"
					    : "na";

	snprintf(line, sizeof(line), "CVM1 result %s %c %s %.6g %s %s\n",
		 workload, cls, metric, value, unit, v);
	wl_print(line);
}

void
wl_phase(const char *phase)
{
	char line[128];

	snprintf(line, sizeof(line), "CVM1 boot %s %llu\n", phase,
		 (unsigned long long)wl_now_ns());
	wl_print(line);
}

static void
usage(FILE *f)
{
	fputs("usage: cvm-workload [--reps N] [--mem BYTES] WORKLOAD [CLASS]\n"
	      "       cvm-workload --list\n"
	      "Run one cvm workload (hello, stream, ep, is, cg, mg, ft) at "
	      "class S, W or A\n(default S) and print its CVM1 result "
	      "lines.  Exit status: 0 verified,\n1 unverified, 2 usage, 3 "
	      "out of memory.\n",
	      f);
}

/* --list: every workload and class with the arena bytes it needs */
static void
list(void)
{
	printf("%-8s %-5s %12s %9s\n", "workload", "class", "bytes", "MiB");
	for (size_t i = 0; wl_workloads[i]; i++) {
		const struct wl_workload *w = wl_workloads[i];

		for (const char *c = w->classes; *c; c++) {
			size_t b = w->mem_bytes(*c);

			printf("%-8s %-5c %12zu %9.1f\n", w->name, *c, b,
			       (double)b / (1 << 20));
		}
	}
}

/* a positive integer with an optional K, M or G suffix (powers of 2) */
static int
parse_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'K':
		v <<= 10, end++;
		break;
	case 'M':
		v <<= 20, end++;
		break;
	case 'G':
		v <<= 30, end++;
		break;
	default:
		break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* the class to run: CLASS, or the first the workload has */
static char
run_class(const struct wl_workload *w, const char *arg)
{
	char c;

	if (w->classes[0] == '-')
		return '-';
	if (!arg)
		return w->classes[0];
	c = arg[0] >= 'a' && arg[0] <= 'z' ? (char)(arg[0] - 'a' + 'A')
					   : arg[0];
	if (strlen(arg) != 1 || !strchr(w->classes, c))
		return 0;
	return c;
}

static int
map_arena(size_t size, const char *name, char cls)
{
	if (size == 0)
		return 0;
	arena = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena == MAP_FAILED) {
		fprintf(stderr,
			"cvm-workload: %s class %c: cannot map %zu "
			"bytes: %s\n",
			name, cls, size, strerror(errno));
		arena = NULL;
		return -1;
	}
	arena_size = size;
	return 0;
}

struct args {
	unsigned long long reps, mem;
	bool have_mem;
};

/* the options; -1 to exit with *status (usage error, --help, --list) */
static int
parse_opts(int argc, char **argv, struct args *a, int *status)
{
	static const struct option opts[] = {
		{"reps", required_argument, NULL, 'r'},
		{"mem", required_argument, NULL, 'm'},
		{"list", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	*status = WL_EUSAGE;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (parse_size(optarg, &a->reps) < 0 || a->reps == 0 ||
			    a->reps > 1000000) {
				fprintf(stderr,
					"cvm-workload: --reps '%s': "
					"not a count from 1 to "
					"1000000\n",
					optarg);
				return -1;
			}
			break;
		case 'm':
			if (parse_size(optarg, &a->mem) < 0) {
				fprintf(stderr,
					"cvm-workload: --mem '%s': "
					"not a size in bytes\n",
					optarg);
				return -1;
			}
			a->have_mem = true;
			break;
		case 'l':
			list();
			*status = fflush(stdout) == 0 ? WL_OK : 1;
			return -1;
		case 'h':
			usage(stdout);
			*status = WL_OK;
			return -1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind >= argc || argc - optind > 2) {
		usage(stderr);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct args a = {.reps = 1};
	const struct wl_workload *w;
	char cls, line[128];
	int st;

	if (parse_opts(argc, argv, &a, &st) < 0)
		return st;
	w = wl_find(argv[optind]);
	if (!w) {
		fprintf(stderr,
			"cvm-workload: unknown workload '%s' (see "
			"--list)\n",
			argv[optind]);
		return WL_EUSAGE;
	}
	cls = run_class(w, argv[optind + 1]);
	if (!cls) {
		fprintf(stderr,
			"cvm-workload: %s has no class '%s' (classes: "
			"%s)\n",
			w->name, argv[optind + 1], w->classes);
		return WL_EUSAGE;
	}
	if (map_arena(a.have_mem ? a.mem : w->mem_bytes(cls), w->name, cls) < 0)
		return WL_ENOMEM;

	snprintf(line, sizeof(line),
		 "CVM1 info workload %s\nCVM1 info class %c\n", w->name, cls);
	wl_print(line);
	st = wl_run(w->name, cls, (unsigned)a.reps);
	if (st == WL_ENOMEM)
		fprintf(stderr,
			"cvm-workload: %s class %c: out of memory in "
			"its %zu-byte arena\n",
			w->name, cls, arena_size);
	else if (st == WL_EUNVERIFIED)
		fprintf(stderr,
			"cvm-workload: %s class %c: verification "
			"failed\n",
			w->name, cls);
	snprintf(line, sizeof(line), "CVM1 exit %d\n", st);
	wl_print(line);
	return st;
}
