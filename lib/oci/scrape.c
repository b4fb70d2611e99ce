/* SPDX-License-Identifier: MIT */
/*
 * Searching memory images for strings, for `cvm demo scrape`: a file
 * (a QMP dump-guest-memory ELF core or an HMP pmemsave image), or the
 * live address space of a process through /proc/PID/maps and
 * /proc/PID/mem, the way AMDSEV#31's memory_dump.py reads QEMU
 * (docker-sev.md §4).  Chunks overlap by the longest needle minus one;
 * a hit is counted in the chunk where it ends, so none is counted twice.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"

#define CHUNK (4u << 20)

struct search {
	const char *const *needles;
	size_t n, maxlen;
	uint64_t *hits;
	uint8_t *buf; /* maxlen - 1 carried bytes + CHUNK */
	size_t carry;
};

static void
search_init(struct search *s, const char *const *needles, size_t n,
	    uint64_t *hits)
{
	s->needles = needles;
	s->n = n;
	s->hits = hits;
	s->maxlen = 1;
	for (size_t i = 0; i < n; i++)
		if (strlen(needles[i]) > s->maxlen)
			s->maxlen = strlen(needles[i]);
	s->buf = cvm_xmalloc(s->maxlen - 1 + CHUNK);
	s->carry = 0;
}

/* Count hits in buf[0 .. carry + len) that end past the carried bytes,
 * then keep the last maxlen - 1 bytes. */
static void
search_feed(struct search *s, size_t len)
{
	size_t total = s->carry + len, keep;

	for (size_t i = 0; i < s->n; i++) {
		size_t nl = strlen(s->needles[i]);
		const uint8_t *p = s->buf, *end = s->buf + total;

		if (!nl)
			continue;
		while ((p = memmem(p, (size_t)(end - p), s->needles[i], nl))) {
			if ((size_t)(p - s->buf) + nl > s->carry)
				s->hits[i]++;
			p++;
		}
	}
	keep = total < s->maxlen - 1 ? total : s->maxlen - 1;
	memmove(s->buf, s->buf + total - keep, keep);
	s->carry = keep;
}

/* Start a new region: nothing carries over from the previous one. */
static void
search_break(struct search *s)
{
	s->carry = 0;
}

int
cvm_scrape_file(const char *path, const char *const *needles, size_t n,
		uint64_t *hits, uint64_t *bytes, struct cvm_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct search s;
	ssize_t r;

	if (fd < 0)
		return cvm_err_set(err, -errno, "cannot open '%s': %s", path,
				   strerror(errno));
	search_init(&s, needles, n, hits);
	while ((r = read(fd, s.buf + s.carry, CHUNK)) > 0) {
		*bytes += (uint64_t)r;
		search_feed(&s, (size_t)r);
	}
	free(s.buf);
	if (r < 0)
		return cvm_err_set(err, -errno, "cannot read '%s': %s", path,
				   strerror(errno));
	return 0;
}

/* One readable mapping [lo, hi) of the process. */
static void
scan_region(struct search *s, int mem, uint64_t lo, uint64_t hi,
	    uint64_t *bytes)
{
	search_break(s);
	while (lo < hi) {
		size_t want = hi - lo < CHUNK ? (size_t)(hi - lo) : CHUNK;
		ssize_t r = pread(mem, s->buf + s->carry, want, (off_t)lo);

		if (r <= 0)
			return; /* unreadable (I/O mappings, guard pages) */
		*bytes += (uint64_t)r;
		search_feed(s, (size_t)r);
		lo += (uint64_t)r;
	}
}

int
cvm_scrape_pid(pid_t pid, const char *const *needles, size_t n, uint64_t *hits,
	       uint64_t *bytes, struct cvm_err *err)
{
	char path[64], line[512];
	cleanup_fclose FILE *maps = NULL;
	cleanup_close int mem = -1;
	struct search s;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	maps = fopen(path, "re");
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	mem = open(path, O_RDONLY | O_CLOEXEC);
	if (!maps || mem < 0)
		return cvm_err_set(err, -errno, "cannot read '%s': %s", path,
				   strerror(errno));
	search_init(&s, needles, n, hits);
	while (fgets(line, sizeof(line), maps)) {
		uint64_t lo, hi;
		char perms[8];

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s", &lo, &hi,
			   perms) != 3 ||
		    perms[0] != 'r' || strstr(line, "[vsyscall]"))
			continue;
		scan_region(&s, mem, lo, hi, bytes);
	}
	free(s.buf);
	return 0;
}
