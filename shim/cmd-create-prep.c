/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci create`, first half: read the bundle, decide the protection,
 * write the initramfs, build QEMU's argv, make the start FIFO and the
 * console; and the monitor process's own set-up after the fork.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "create.h"

/* In the monitor: its own session (and the pty as its controlling
 * terminal), its own network namespace for the engine's hooks, the start
 * FIFO and the pty as the only descriptors beyond 0-2. */
_Noreturn void
create_monitor_main(struct create *c)
{
	struct cvm_oci_monitor m = {.state_dir = c->dir,
				    .qemu_argv = cvm_argv_get(&c->argv),
				    .tty = -1,
				    .terminal = c->tty >= 0};
	struct cvm_err err = CVM_ERR_INIT;
	int st, start, commit;

	setsid();
	if (c->tty >= 0) {
		/* the container's stdio is the pty, not the engine's
		 * diagnostic pipes, which must see EOF when create exits */
		ioctl(c->tty, TIOCSCTTY, 0);
		dup2(c->tty, 0);
		dup2(c->tty, 1);
		dup2(c->tty, 2);
		m.tty = 0;
	}
	/* docker's libnetwork-setkey prestart hook enters the netns of the
	 * container's PID; give it one of its own (docker-sev.md §1.2) */
	if (unshare(CLONE_NEWNET) < 0)
		oci_log(CVM_LOG_DEBUG, "unshare(CLONE_NEWNET): %s",
			strerror(errno));
	if (write(c->ready[1], "", 1) < 0)
		_exit(255);
	/* keep 0-2, the FIFO as 3 and the commit pipe as 4, nothing else */
	start = fcntl(c->start_fd, F_DUPFD_CLOEXEC, 10);
	commit = fcntl(c->commit[0], F_DUPFD_CLOEXEC, 10);
	if (dup3(start, 3, O_CLOEXEC) < 0 || dup3(commit, 4, O_CLOEXEC) < 0)
		_exit(255);
	close_range(5, ~0u, 0);
	m.start_fd = 3;
	m.commit_fd = 4;
	st = cvm_oci_monitor_run(&m, &err);
	if (err.code)
		oci_fail(&err);
	_exit(st);
}

static int
write_initrd(struct create *c, uint64_t *size, struct cvm_err *err)
{
	cleanup_free char *path = cvm_xasprintf("%s/initrd.cpio", c->dir);
	cleanup_close int fd = -1;
	struct stat st;
	int r;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return cvm_err_set(err, -errno, "cannot create '%s': %s", path,
				   strerror(errno));
	if ((r = cvm_oci_initrd_write(c->spec, fd, err)) < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return cvm_err_set(err, -errno, "'%s': %s", path,
				   strerror(errno));
	*size = (uint64_t)st.st_size;
	return 0;
}

/* Bundle, plan, initramfs, argv, FIFO, console: everything before fork. */
int
create_prepare(struct create *c, struct cvm_err *err)
{
	const struct oci_create_opts *o = c->o;
	cleanup_free char *fifo = NULL, *initrd = NULL;
	uint64_t size = 0;
	int r;

	if ((r = cvm_oci_runtime_load(&c->rt, err)) < 0 ||
	    (r = cvm_oci_spec_load(o->bundle ? o->bundle : ".", &c->spec,
				   err)) < 0)
		return r;
	if (c->spec->terminal != (o->console_socket != NULL))
		return cvm_err_set(err, -CVM_E_USAGE,
				   c->spec->terminal
					   ? "process.terminal is set but no "
					     "--console-socket was given"
					   : "--console-socket given but "
					     "process.terminal is not set");
	if (o->preserve_fds && strcmp(o->preserve_fds, "0"))
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "--preserve-fds %s: descriptors cannot be "
				   "passed into a VM",
				   o->preserve_fds);
	if ((r = cvm_mkdir_p(c->ctx->root, 0700, err)) < 0)
		return r;
	if (mkdir(c->dir, 0700) < 0)
		return errno == EEXIST
			       ? cvm_err_set(err, -CVM_E_STATE,
					     "container '%s' already exists",
					     o->id)
			       : cvm_err_set(err, -errno,
					     "cannot create '%s': %s", c->dir,
					     strerror(errno));
	initrd = cvm_xasprintf("%s/initrd.cpio", c->dir);
	if ((r = write_initrd(c, &size, err)) < 0 ||
	    (r = cvm_oci_plan_make(c->spec, &c->rt, size, &c->plan, err)) < 0 ||
	    (r = cvm_oci_plan_argv(&c->plan, initrd, 3, &c->argv, err)) < 0)
		return r;
	oci_log(CVM_LOG_INFO, "container %s: %s", o->id, c->plan.reason);
	fifo = cvm_xasprintf("%s/start.fifo", c->dir);
	if (mkfifo(fifo, 0600) < 0 ||
	    (c->start_fd = open(fifo, O_RDWR | O_CLOEXEC)) < 0)
		return cvm_err_set(err, -errno, "start FIFO '%s': %s", fifo,
				   strerror(errno));
	if (o->console_socket &&
	    (r = cvm_oci_console_send(o->console_socket, &c->tty, err)) < 0)
		return r;
	return 0;
}
