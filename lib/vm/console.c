/* SPDX-License-Identifier: MIT */
/*
 * The serial console of a VM: QEMU's console socket (a chardev socket
 * server with the serial log attached, so nothing is lost for the log
 * while nobody is attached), or libvirt's virDomainOpenConsole.  Bytes
 * are pumped both ways until the VM stops, the escape byte (Ctrl-])
 * arrives, the output callback is satisfied or the time is up.
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/qmp.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

static int
connect_console(const struct cvm_vm *vm, struct cvm_err *err)
{
	cleanup_free char *path = cvm_vm_short_path(vm, CVM_VM_F_CONSOLE);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0)
		return cvm_err_set(err, -errno, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return cvm_err_set(err, -e, "VM '%s': console socket: %s",
				   vm->name, strerror(e));
	}
	return fd;
}

static int
resume(const struct cvm_vm *vm, struct cvm_err *err)
{
	struct cvm_qmp *q = NULL;
	int r;

	if ((r = vm_qmp_open(vm, 5000, &q, err)) < 0)
		return r;
	r = cvm_qmp_execute(q, "cont", NULL, NULL, err);
	cvm_qmp_close(q);
	return r;
}

/* Forward what `in_fd` has to the guest; 1 on the escape byte, 2 at EOF. */
static int
pump_in(int in_fd, int sock, int escape, struct cvm_err *err)
{
	char buf[4096];
	ssize_t n = read(in_fd, buf, sizeof(buf));
	char *esc;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN
			       ? 0
			       : cvm_err_set(err, -errno, "console input: %s",
					     strerror(errno));
	if (n == 0)
		return 2;
	esc = escape >= 0 ? memchr(buf, escape, (size_t)n) : NULL;
	if (esc)
		n = esc - buf;
	if (n > 0 && send(sock, buf, (size_t)n, MSG_NOSIGNAL) != n)
		return cvm_err_set(err, -errno, "console: send: %s",
				   strerror(errno));
	return esc ? 1 : 0;
}

/* Hand what the guest printed to the callback; 1: EOF, 2: satisfied. */
static int
pump_out(const struct cvm_vm_console_opts *o, int sock, struct cvm_err *err)
{
	char buf[8192];
	ssize_t n = read(sock, buf, sizeof(buf));
	int r;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN
			       ? 0
			       : cvm_err_set(err, -errno, "console: %s",
					     strerror(errno));
	if (n == 0)
		return 1;
	r = o->out(o->opaque, buf, (size_t)n);
	if (r < 0)
		return cvm_err_set(err, r, "console output: %s",
				   cvm_strerror(r));
	return r ? 2 : 0;
}

static int
pump(const struct cvm_vm_console_opts *o, int sock, struct cvm_err *err)
{
	uint64_t end = cvm_now_ns() + (uint64_t)o->timeout_ms * 1000000ull;
	int in_fd = o->in_fd;

	for (;;) {
		struct pollfd pf[2] = {{sock, POLLIN, 0}, {in_fd, POLLIN, 0}};
		int wait = -1, r;

		if (o->stop && *o->stop)
			return CVM_VM_CONSOLE_ESCAPE;
		if (o->timeout_ms > 0) {
			uint64_t now = cvm_now_ns();

			if (now >= end)
				return CVM_VM_CONSOLE_TIMEOUT;
			wait = (int)((end - now) / 1000000ull) + 1;
		}
		r = poll(pf, in_fd >= 0 ? 2 : 1, wait);
		if (r < 0 && errno != EINTR)
			return cvm_err_set(err, -errno, "console: poll: %s",
					   strerror(errno));
		if (r <= 0)
			continue;
		if (pf[0].revents) {
			r = pump_out(o, sock, err);
			if (r != 0)
				return r < 0	? r
				       : r == 1 ? CVM_VM_CONSOLE_EOF
						: CVM_VM_CONSOLE_STOPPED;
		}
		if (in_fd >= 0 && pf[1].revents) {
			r = pump_in(in_fd, sock, o->escape, err);
			if (r < 0 || r == 1)
				return r < 0 ? r : CVM_VM_CONSOLE_ESCAPE;
			if (r == 2) /* EOF: keep listening to the guest */
				in_fd = -1;
		}
	}
}

int
cvm_vm_console(struct cvm_vm *vm, const struct cvm_vm_console_opts *o,
	       struct cvm_err *err)
{
	struct cvm_vm_status st;
	cleanup_close int sock = -1;
	int r;

	if (vm->cfg.backend == CVM_VM_LIBVIRT)
		return vm_virt_console(vm, o, err);
	cvm_vm_status(vm, &st);
	if (st.state != CVM_VM_RUNNING)
		return cvm_err_set(err, -CVM_E_STATE,
				   "VM '%s' is not running (%s)", vm->name,
				   cvm_vm_state_name(st.state));
	sock = connect_console(vm, err);
	if (sock < 0)
		return sock;
	/* attached first, then the vCPUs run: no early output is lost */
	if (o->resume && (r = resume(vm, err)) < 0)
		return r;
	return pump(o, sock, err);
}
