/* SPDX-License-Identifier: MIT */
/*
 * The real host: each operation of struct cvm_host_ops done on this
 * machine.  No interpretation here; lib/host/checks-*.c decide what the
 * answers mean, and the same answers can be recorded and replayed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <linux/kvm.h>

#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "host-priv.h"

#define READ_MAX (1u << 20)

static int
real_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	(void)ctx;
#if defined(__x86_64__) || defined(__i386__)
	__cpuid_count(leaf, subleaf, regs[0], regs[1], regs[2], regs[3]);
	/* CPUID 1 EBX[31:24] is the APIC ID of whichever CPU ran this:
	 * not a host fact, and it would make recordings differ run to run */
	if (leaf == 1)
		regs[1] &= 0x00ffffffu;
	return 0;
#else
	(void)leaf;
	(void)subleaf;
	(void)regs;
	return -EOPNOTSUPP;
#endif
}

/* The msr driver: an 8-byte pread at offset = MSR number. */
static int
real_rdmsr(void *ctx, unsigned cpu, uint32_t msr, uint64_t *val)
{
	char path[64];
	cleanup_close int fd = -1;
	uint8_t b[8];

	(void)ctx;
	snprintf(path, sizeof(path), "/dev/cpu/%u/msr", cpu);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, b, sizeof(b), msr) != (ssize_t)sizeof(b))
		return errno ? -errno : -EIO;
	*val = cvm_le64(b);
	return 0;
}

static int
real_read_file(void *ctx, const char *path, struct cvm_buf *out)
{
	struct cvm_err err = CVM_ERR_INIT;

	(void)ctx;
	return cvm_file_read(path, out, READ_MAX, &err);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
real_list_dir(void *ctx, const char *path, struct cvm_buf *out)
{
	cleanup_closedir DIR *d = opendir(path);
	cleanup_free char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;

	(void)ctx;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			names = cvm_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = cvm_xstrdup(e->d_name);
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	cvm_buf_truncate(out, 0);
	for (size_t i = 0; i < n; i++) {
		cvm_buf_addf(out, "%s%s", i ? "\n" : "", names[i]);
		free(names[i]);
	}
	return 0;
}

static int
real_open_access(void *ctx, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	(void)ctx;
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int
real_cpuinfo_flags(void *ctx, struct cvm_buf *out)
{
	cleanup_fclose FILE *f = fopen("/proc/cpuinfo", "re");
	cleanup_free char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	(void)ctx;
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) > 0) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "flags", 5) != 0 || !colon)
			continue;
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		cvm_buf_truncate(out, 0);
		cvm_buf_adds(out, colon + 1 + (colon[1] == ' '));
		return 0;
	}
	return -ENOENT;
}

static int
real_kvm_api_version(void *ctx, int *version)
{
	cleanup_close int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int v;

	(void)ctx;
	if (fd < 0)
		return -errno;
	v = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (v < 0)
		return -errno;
	*version = v;
	return 0;
}

static int
real_memlock(void *ctx, uint64_t *soft, uint64_t *hard)
{
	struct rlimit rl;

	(void)ctx;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		return -errno;
	*soft = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : rl.rlim_cur;
	*hard = rl.rlim_max == RLIM_INFINITY ? UINT64_MAX : rl.rlim_max;
	return 0;
}

static int
real_uname(void *ctx, struct cvm_buf *out)
{
	struct utsname u;

	(void)ctx;
	if (uname(&u) < 0)
		return -errno;
	cvm_buf_truncate(out, 0);
	cvm_buf_addf(out, "%s\n%s", u.release, u.machine);
	return 0;
}

static int
real_euid(void *ctx, unsigned *uid)
{
	(void)ctx;
	*uid = (unsigned)geteuid();
	return 0;
}

/* $PATH first, then where distributions keep daemons and qemu-kvm. */
static int
real_find_program(void *ctx, const char *name, struct cvm_buf *path)
{
	static const char *const extra[] = {"/usr/sbin", "/sbin",
					    "/usr/libexec", "/usr/local/sbin"};
	cleanup_free char *p = cvm_which(name);

	(void)ctx;
	for (size_t i = 0;
	     !p && !strchr(name, '/') && i < CVM_ARRAY_SIZE(extra); i++) {
		char *cand = cvm_xasprintf("%s/%s", extra[i], name);

		if (cvm_is_executable(cand))
			p = cand;
		else
			free(cand);
	}
	if (!p)
		return -ENOENT;
	cvm_buf_truncate(path, 0);
	cvm_buf_adds(path, p);
	return 0;
}

static int
real_run(void *ctx, const char *const *argv, int timeout_ms,
	 struct cvm_host_run *out)
{
	struct cvm_proc_result res = CVM_PROC_RESULT_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	(void)ctx;
	r = cvm_proc_run(argv, NULL, 0, timeout_ms, &res, &err);
	if (r < 0) {
		cvm_proc_result_release(&res);
		return r;
	}
	cvm_host_run_release(out);
	out->status = res.status;
	out->timed_out = res.timed_out;
	out->out = res.out;
	out->err = res.err;
	return 0;
}

static int
real_firmware(void *ctx, const char *path, struct cvm_ovmf_info *info)
{
	struct cvm_err err = CVM_ERR_INIT;

	(void)ctx;
	return cvm_ovmf_parse_file(path, info, &err);
}

static const struct cvm_host_ops real_ops = {
	.cpuid = real_cpuid,
	.rdmsr = real_rdmsr,
	.read_file = real_read_file,
	.list_dir = real_list_dir,
	.open_access = real_open_access,
	.cpuinfo_flags = real_cpuinfo_flags,
	.sev_status = host_real_sev_status,
	.snp_status = host_real_snp_status,
	.kvm_api_version = real_kvm_api_version,
	.memlock = real_memlock,
	.uname = real_uname,
	.euid = real_euid,
	.find_program = real_find_program,
	.run = real_run,
	.firmware = real_firmware,
	.libvirt = host_real_libvirt,
};

struct cvm_host_source
cvm_host_source_real(void)
{
	struct cvm_host_source s = {&real_ops, NULL};

	return s;
}

void
cvm_host_run_release(struct cvm_host_run *r)
{
	cvm_buf_release(&r->out);
	cvm_buf_release(&r->err);
	r->status = 0;
	r->timed_out = false;
}
