/* SPDX-License-Identifier: MIT */
/*
 * The unprotected guest's QEMU command line, the accelerator choice and
 * starting QEMU for the monitor.  Unprotected containers boot the PVH
 * vmlinux on a microvm machine (docker-sev.md §3.1: the fastest boot
 * under TCG).  The guest's ttyS0 is the kernel console, written to
 * console.log; ttyS1 is the agent's control channel, a socket QEMU
 * inherits; isa-debug-exit ends QEMU the moment the agent is done.
 * Relative paths: QEMU runs in the state directory, because a UNIX
 * socket path is limited to 108 bytes and docker's state paths are
 * longer (docker-sev.md §2.7).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-priv.h"

unsigned long
oci_tsc_khz(void)
{
	cleanup_fclose FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];
	double mhz;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1 && mhz > 0)
			return (unsigned long)(mhz * 1000.0);
	return 0;
}

int
oci_plain_argv(const struct cvm_oci_plan *p, const char *initrd, int ctl_fd,
	       struct cvm_argv *a, struct cvm_err *err)
{
	bool kvm = p->accel == CVM_ACCEL_KVM;

	if (!p->kernel || !initrd)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "a VM needs a kernel and an initrd");
	cvm_argv_release(a);
	cvm_argv_add(a, p->qemu);
	/* under TCG an EPYC model: it boots this kernel about 0.2 s faster
	 * than "max" (measured side by side) and matches the SEV path */
	cvm_argv_add(a, "-M");
	cvm_argv_add(a, "microvm");
	cvm_argv_add(a, "-accel");
	cvm_argv_add(a, kvm ? "kvm" : "tcg");
	cvm_argv_add(a, "-cpu");
	cvm_argv_add(a, kvm ? "host" : "EPYC");
	cvm_argv_add(a, "-smp");
	cvm_argv_addf(a, "%u", p->vcpus);
	cvm_argv_add(a, "-m");
	cvm_argv_addf(a, "%lluM", (unsigned long long)p->memory_mib);
	cvm_argv_add(a, "-nodefaults");
	cvm_argv_add(a, "-no-user-config");
	cvm_argv_add(a, "-display");
	cvm_argv_add(a, "none");
	cvm_argv_add(a, "-no-reboot");
	cvm_argv_add(a, "-kernel");
	cvm_argv_add(a, p->kernel);
	cvm_argv_add(a, "-initrd");
	cvm_argv_add(a, initrd);
	cvm_argv_add(a, "-append");
	cvm_argv_add(a, p->append);
	cvm_argv_add(a, "-chardev");
	cvm_argv_add(a, "file,id=con,path=console.log");
	cvm_argv_add(a, "-serial");
	cvm_argv_add(a, "chardev:con");
	cvm_argv_add(a, "-chardev");
	cvm_argv_addf(a, "socket,id=ctl,fd=%d", ctl_fd);
	cvm_argv_add(a, "-device");
	cvm_argv_add(a, "isa-serial,chardev=ctl,index=1");
	cvm_argv_add(a, "-device");
	cvm_argv_add(a, "isa-debug-exit,iobase=0xf4,iosize=0x04");
	cvm_argv_add(a, "-qmp");
	cvm_argv_add(a, "unix:qmp.sock,server=on,wait=off");
	return 0;
}

/* "<boot id> <qemu> kvm|tcg <reason>" in the default root's accel file */
static char *
cache_key(const char *qemu)
{
	cleanup_buf struct cvm_buf id = CVM_BUF_INIT;
	cleanup_free char *path = cvm_which(qemu);

	if (cvm_file_read("/proc/sys/kernel/random/boot_id", &id, 128, NULL) <
	    0)
		return NULL;
	cvm_buf_truncate(&id, strcspn(cvm_buf_str(&id), "\n"));
	return cvm_xasprintf("%s %s ", cvm_buf_str(&id), path ? path : qemu);
}

int
oci_accel_pick(const char *qemu, enum cvm_accel want, enum cvm_accel *out,
	       struct cvm_err *err)
{
	cleanup_free char *root = cvm_oci_root_default();
	cleanup_free char *file = cvm_xasprintf("%s/accel", root);
	cleanup_free char *key = cache_key(qemu);
	cleanup_buf struct cvm_buf old = CVM_BUF_INIT;
	struct cvm_accel_probe probe;
	struct cvm_qemu_caps caps;
	int fd, r;

	*out = want;
	if (want != CVM_ACCEL_AUTO)
		return 0;
	*out = CVM_ACCEL_TCG;
	if ((fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0)
		return 0;
	close(fd);
	if (key && cvm_file_read(file, &old, 4096, NULL) == 0 &&
	    !strncmp(cvm_buf_str(&old), key, strlen(key))) {
		if (!strncmp(cvm_buf_str(&old) + strlen(key), "kvm", 3))
			*out = CVM_ACCEL_KVM;
		return 0;
	}
	if ((r = cvm_qemu_caps_probe(qemu, &caps, err)) < 0 ||
	    (r = cvm_qemu_accel_detect(qemu, &caps, NULL, &probe, err)) < 0)
		return cvm_err_prefix(err, "accelerator");
	*out = probe.accel;
	if (key && cvm_mkdir_p(root, 0700, NULL) == 0) {
		cleanup_free char *line = cvm_xasprintf(
			"%s%s %s\n", key,
			probe.accel == CVM_ACCEL_KVM ? "kvm" : "tcg",
			probe.reason);

		cvm_file_write_atomic(file, line, strlen(line), 0600, NULL);
	}
	return 0;
}

static _Noreturn void
spawn_child(const char *const *argv, const char *dir, int ctl, int errw,
	    pid_t parent)
{
	sigset_t none;
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	/* out of the way of 0-3 first, then into place (dup2 clears
	 * close-on-exec on the copies) */
	int c = fcntl(ctl, F_DUPFD_CLOEXEC, 10);
	int e = fcntl(errw, F_DUPFD_CLOEXEC, 10);
	int n = fcntl(nul, F_DUPFD_CLOEXEC, 10);

	/* QEMU must not outlive the monitor (kill -9 of the container) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	dup2(n, 0);
	dup2(n, 1);
	dup2(e, 2);
	dup2(c, 3);
	if (chdir(dir) < 0) {
		dprintf(2, "cannot enter '%s': %s\n", dir, strerror(errno));
		_exit(127);
	}
	close_range(4, ~0u, 0);
	execvp(argv[0], (char *const *)argv);
	dprintf(2, "cannot run '%s': %s\n", argv[0], strerror(errno));
	_exit(127);
}

int
oci_qemu_spawn(const char *const *argv, const char *dir, int ctl, int *err_fd,
	       pid_t *pid, struct cvm_err *err)
{
	int pe[2];
	pid_t self = getpid();

	if (pipe2(pe, O_CLOEXEC) < 0)
		return cvm_err_set(err, -errno, "pipe: %s", strerror(errno));
	*pid = fork();
	if (*pid == 0)
		spawn_child(argv, dir, ctl, pe[1], self);
	close(pe[1]);
	if (*pid < 0) {
		close(pe[0]);
		return cvm_err_set(err, -errno, "fork: %s", strerror(errno));
	}
	*err_fd = pe[0];
	return 0;
}
