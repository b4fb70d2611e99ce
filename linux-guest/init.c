/* SPDX-License-Identifier: MIT */
/*
 * cvm-linux-init: PID 1 of the Linux baseline guest of `cvm eval`.
 *
 * Debian's kernel starts it from the initramfs cvm builds (lib/eval,
 * linux.c).  It mounts /proc and /dev, reads the kernel command line
 * (the unikernel's words: `workload=NAME class=S reps=N`), reports the
 * same CVM1 lines as the unikernel (docs/result-format.md; `boot init`
 * in place of entry/longmode/main), runs the workload in this process
 * through workloads/linux/main.c (linked in, its main() renamed
 * cvm_wl_main) and stops the machine: the status goes to isa-debug-exit
 * (QEMU exits with (status << 1) | 1, as for the unikernel), else an
 * ACPI power-off.  No shell, no other program.
 *
 * Times are CLOCK_MONOTONIC: nanoseconds since the kernel's timekeeping
 * started, shortly after kernel entry.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cvm/abi/result.h"
#include "wl.h"

/* workloads/linux/main.c's main(), renamed by linux-guest/meson.build */
int cvm_wl_main(int argc, char **argv);

#define CMDLINE_MAX 4096
/* memory the kernel and this program need besides the workload's arena */
#define SLACK_BYTES (8u << 20)

struct args {
	char workload[64];
	char cls[8];
	char reps[16];
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One console line: one write(2), so kernel messages cannot split it. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0)
		wl_print(line);
}

/* stdin/stdout/stderr on the console, whatever the kernel left us */
static void
setup_console(void)
{
	int fd;

	if (fcntl(STDOUT_FILENO, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	for (int i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
}

static void
mount_filesystems(void)
{
	mkdir("/proc", 0555);
	mkdir("/dev", 0755);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0 &&
	    errno != EBUSY)
		say("cvm-linux-init: mount /proc: %s\n", strerror(errno));
	if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, NULL) < 0 &&
	    errno != EBUSY)
		say("cvm-linux-init: mount /dev: %s\n", strerror(errno));
}

/* Copy `value` into `dst` (size `n`); false when it does not fit. */
static bool
set_arg(char *dst, size_t n, const char *value, size_t len)
{
	if (len == 0 || len >= n)
		return false;
	memcpy(dst, value, len);
	dst[len] = '\0';
	return true;
}

/* `key=value` from the command line into `dst`; false for a bad value */
static bool
take_word(struct args *a, const char *w)
{
	static const char *const keys[] = {"workload=", "class=", "reps="};
	char *dst[] = {a->workload, a->cls, a->reps};
	size_t dsz[] = {sizeof(a->workload), sizeof(a->cls), sizeof(a->reps)};

	for (size_t k = 0; k < 3; k++) {
		size_t kl = strlen(keys[k]);

		if (strncmp(w, keys[k], kl) == 0 &&
		    !set_arg(dst[k], dsz[k], w + kl, strlen(w + kl))) {
			say("cvm-linux-init: bad word '%.80s'\n", w);
			return false;
		}
	}
	return true;
}

/*
 * The words of the kernel command line (/proc/cmdline).  Unknown words
 * belong to the kernel and are skipped.  Without /proc, the kernel's
 * leftovers in our environment (it passes unknown key=value words to
 * init there).  Returns false for a bad value.
 */
static bool
read_args(struct args *a)
{
	static const char *const env[] = {"workload", "class", "reps"};
	char buf[CMDLINE_MAX], *save = NULL;
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	bool ok = true;

	if (fd >= 0)
		close(fd);
	if (n < 0) {
		size_t len = 0;

		for (size_t k = 0; k < 3; k++)
			if (getenv(env[k]) && len < sizeof(buf))
				len += (size_t)snprintf(
					buf + len, sizeof(buf) - len, "%s=%s ",
					env[k], getenv(env[k]));
		n = (ssize_t)(len < sizeof(buf) ? len : sizeof(buf) - 1);
	}
	buf[n] = '\0';
	for (char *w = strtok_r(buf, " \t\n", &save); w;
	     w = strtok_r(NULL, " \t\n", &save))
		ok &= take_word(a, w);
	return ok;
}

/*
 * The SEV mode the kernel found, from its log (/dev/kmsg): Linux 6.1
 * prints "Memory Encryption Features active: AMD SEV SEV-ES SEV-SNP"
 * (arch/x86/mm/mem_encrypt.c, print_mem_encrypt_feature_info()).
 * "none" when the line is absent: the guest is not protected.
 */
static const char *
kernel_protection(void)
{
	static const char *const marker = "Memory Encryption Features active:";
	char rec[2048];
	const char *found = "none";
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return "unknown";
	/* one record per read(); EAGAIN at the end of the log, EPIPE when
	 * a record was overwritten (skip it) */
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || errno == EPIPE) {
		const char *m;

		if (n <= 0)
			continue;
		rec[n] = '\0';
		m = strstr(rec, marker);
		if (!m)
			continue;
		m += strlen(marker);
		found = strstr(m, "SEV-SNP")  ? "sev-snp"
			: strstr(m, "SEV-ES") ? "sev-es"
			: strstr(m, " SEV")   ? "sev"
					      : "none";
	}
	close(fd);
	return found;
}

static void
report_infos(const struct args *a)
{
	struct utsname u;
	struct sysinfo si;

	say("CVM1 info boot linux\n");
	if (uname(&u) == 0)
		say("CVM1 info kernel %s\n", u.release);
	if (sysinfo(&si) == 0)
		say("CVM1 info mem_mib %llu\n",
		    (unsigned long long)si.totalram * si.mem_unit >> 20);
	say("CVM1 info protection %s\n", kernel_protection());
	say("CVM1 info reps %s\n", a->reps);
}

/*
 * Check the request as the unikernel does (guest/kernel/cmdline.c):
 * a known workload, a class it has, 1 to 1000000 repetitions, and the
 * memory its arena needs.  Returns a CVM_GUEST_EXIT_* status.
 */
static int
check_request(const struct args *a)
{
	const struct wl_workload *w = wl_find(a->workload);
	char cls = a->cls[0] >= 'a' && a->cls[0] <= 'z'
			   ? (char)(a->cls[0] - 'a' + 'A')
			   : a->cls[0];
	char *end = NULL;
	unsigned long reps = strtoul(a->reps, &end, 10);
	struct sysinfo si;
	uint64_t need, have;

	if (!w) {
		say("cvm-linux-init: unknown workload '%s' (one of hello, "
		    "stream, ep, is, cg, mg, ft per boot)\n",
		    a->workload);
		return CVM_GUEST_EXIT_USAGE;
	}
	if (w->classes[0] != '-' && (a->cls[1] || !strchr(w->classes, cls))) {
		say("cvm-linux-init: %s has no class '%s' (it has %s)\n",
		    w->name, a->cls, w->classes);
		return CVM_GUEST_EXIT_USAGE;
	}
	if (!end || *end || reps < 1 || reps > 1000000) {
		say("cvm-linux-init: reps '%s': not a number from 1 to "
		    "1000000\n",
		    a->reps);
		return CVM_GUEST_EXIT_USAGE;
	}
	/* the arena is touched page by page: without this check a guest
	 * short of memory ends in the OOM killer, not in a status */
	need = (uint64_t)w->mem_bytes(w->classes[0] == '-' ? '-' : cls) +
	       SLACK_BYTES;
	have = sysinfo(&si) == 0 ? (uint64_t)si.freeram * si.mem_unit : 0;
	if (have < need) {
		say("cvm-linux-init: %s class %c needs %llu MiB, the guest has "
		    "%llu MiB free\n",
		    w->name, cls, (unsigned long long)(need >> 20),
		    (unsigned long long)(have >> 20));
		return CVM_GUEST_EXIT_NOMEM;
	}
	return CVM_GUEST_EXIT_OK;
}

/*
 * Stop the machine with `status`: wait until the console has sent every
 * byte (tcdrain: the 8250 driver transmits after write() returns), then
 * isa-debug-exit (QEMU exits (status << 1) | 1; needs ioperm, which PID 1
 * as root has), then an ACPI power-off for a machine without it.
 */
static _Noreturn void
power_off(int status)
{
	tcdrain(STDOUT_FILENO);
	if (ioperm(CVM_DEBUG_EXIT_PORT, 4, 1) == 0)
		outb((unsigned char)status, CVM_DEBUG_EXIT_PORT);
	sync();
	reboot(RB_POWER_OFF);
	/* PID 1 must not return: the kernel would panic */
	for (;;)
		pause();
}

int
main(void)
{
	uint64_t t0 = now_ns();
	struct args a = {"hello", "S", "1"};
	char prog[] = "cvm-workload", reps_opt[] = "--reps";
	char *argv[] = {prog, reps_opt, a.reps, a.workload, a.cls, NULL};
	int st;

	setup_console();
	mount_filesystems();
	say("CVM1 boot init %llu\n", (unsigned long long)t0);
	if (!read_args(&a)) {
		say("CVM1 exit %d\n", CVM_GUEST_EXIT_USAGE);
		power_off(CVM_GUEST_EXIT_USAGE);
	}
	report_infos(&a);
	st = check_request(&a);
	if (st != CVM_GUEST_EXIT_OK) {
		say("CVM1 exit %d\n", st);
		power_off(st);
	}
	/* prints the info, phase and result lines and "CVM1 exit N" */
	st = cvm_wl_main(5, argv);
	power_off(st);
}
