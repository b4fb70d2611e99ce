/* SPDX-License-Identifier: MIT */
/*
 * Start, stop, kill, delete and the state of a VM, for both back ends
 * (see cvm/vm.h).  Stop is QMP's system_powerdown (the ACPI power
 * button, QEMU docs qapi/machine.json), then SIGKILL after the timeout:
 * a guest without an ACPI handler (the unikernel) never powers off.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/qmp.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

#define MIB		   (1ull << 20)
#define START_TIMEOUT_MS   30000
#define MEMLOCK_MARGIN_MIB 256 /* launch-and-host.md §0.8 */

static const char *const state_names[] = {"stopped", "running", "paused",
					  "crashed", "unknown"};

const char *
cvm_vm_state_name(enum cvm_vm_state s)
{
	return (size_t)s < CVM_ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

void
cvm_vm_status(const struct cvm_vm *vm, struct cvm_vm_status *st)
{
	bool stale = false;

	memset(st, 0, sizeof(*st));
	if (vm->cfg.backend == CVM_VM_LIBVIRT) {
		vm_virt_status(vm, st);
		return;
	}
	st->pid = vm_qemu_pid(vm, &stale);
	if (st->pid) {
		st->state = CVM_VM_RUNNING;
		snprintf(st->detail, sizeof(st->detail), "pid %ld",
			 (long)st->pid);
	} else if (stale) {
		st->state = CVM_VM_CRASHED;
		snprintf(st->detail, sizeof(st->detail),
			 "its QEMU is gone without a clean exit (killed, or "
			 "the host went down)");
	}
}

/*
 * The memlock limit QEMU needs for an SEV/SEV-ES guest (RAM + 256 MiB),
 * or 0 when it needs nothing beyond the current limit.  -CVM_E_HOST when
 * it cannot be raised (launch-and-host.md §0.8, before QEMU starts).
 */
static int
memlock_need(const struct cvm_vm_config *c, uint64_t *need, struct cvm_err *err)
{
	uint64_t want = (c->memory_mib + MEMLOCK_MARGIN_MIB) * MIB;
	struct rlimit rl;

	*need = 0;
	if (c->protection != CVM_PROT_SEV && c->protection != CVM_PROT_SEV_ES)
		return 0;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur >= want)
		return 0;
	if (rl.rlim_max < want && geteuid() != 0)
		return cvm_err_set(err, -CVM_E_HOST,
				   "the memlock limit (hard %llu MiB) is below "
				   "the %llu MiB an %s guest pins: raise it "
				   "(ulimit -l, /etc/security/limits.d/) or "
				   "start as root",
				   (unsigned long long)(rl.rlim_max / MIB),
				   (unsigned long long)(want / MIB),
				   cvm_protection_name(c->protection));
	*need = want;
	return 0;
}

int
cvm_vm_start(struct cvm_vm *vm, const struct cvm_vm_start_opts *o,
	     struct cvm_vm_launch *out, struct cvm_err *err)
{
	struct cvm_vm_status st;
	uint64_t memlock = 0;
	int r;

	memset(out, 0, sizeof(*out));
	cvm_vm_status(vm, &st);
	if (st.state == CVM_VM_RUNNING || st.state == CVM_VM_PAUSED)
		return cvm_err_set(err, -CVM_E_STATE,
				   "VM '%s' is already running (%s)", vm->name,
				   st.detail);
	if (vm->cfg.backend == CVM_VM_LIBVIRT)
		return o->dry_run ? 0 : vm_virt_start(vm, o->paused, err);
	if ((r = cvm_vm_argv(&vm->cfg, vm->dir, o, out, err)) < 0)
		return r;
	if (o->dry_run)
		return 0;
	if ((r = memlock_need(&vm->cfg, &memlock, err)) < 0)
		return r;
	r = vm_qemu_spawn(vm, out, memlock,
			  o->timeout_ms > 0 ? o->timeout_ms : START_TIMEOUT_MS,
			  err);
	return r < 0 ? cvm_err_prefix(err, "start VM '%s'", vm->name) : 0;
}

/* Ask the guest to power off through the ACPI power button. */
static void
powerdown(struct cvm_vm *vm)
{
	struct cvm_qmp *q = NULL;
	struct cvm_err e = CVM_ERR_INIT;

	if (vm_qmp_open(vm, 3000, &q, &e) == 0) {
		cvm_qmp_execute(q, "system_powerdown", NULL, NULL, &e);
		cvm_qmp_close(q);
	}
}

int
cvm_vm_stop(struct cvm_vm *vm, int timeout_ms, enum cvm_vm_stop_how *how,
	    struct cvm_err *err)
{
	struct cvm_vm_status st;

	*how = CVM_VM_STOP_NOT_RUNNING;
	if (vm->cfg.backend == CVM_VM_LIBVIRT)
		return vm_virt_stop(vm, timeout_ms, how, err);
	cvm_vm_status(vm, &st);
	if (st.state != CVM_VM_RUNNING) {
		vm_clean_runtime(vm);
		return 0;
	}
	powerdown(vm);
	*how = CVM_VM_STOP_POWERDOWN;
	if (!vm_pid_wait_gone(st.pid, timeout_ms)) {
		*how = CVM_VM_STOP_KILLED;
		kill(st.pid, SIGKILL);
		if (!vm_pid_wait_gone(st.pid, 5000))
			return cvm_err_set(err, -EBUSY,
					   "VM '%s': QEMU (pid %ld) survived "
					   "SIGKILL",
					   vm->name, (long)st.pid);
	}
	vm_clean_runtime(vm);
	return 0;
}

int
cvm_vm_kill(struct cvm_vm *vm, struct cvm_err *err)
{
	struct cvm_vm_status st;

	if (vm->cfg.backend == CVM_VM_LIBVIRT)
		return vm_virt_kill(vm, err);
	cvm_vm_status(vm, &st);
	if (st.state != CVM_VM_RUNNING) {
		vm_clean_runtime(vm);
		return cvm_err_set(err, -CVM_E_STATE, "VM '%s' is not running",
				   vm->name);
	}
	kill(st.pid, SIGKILL);
	if (!vm_pid_wait_gone(st.pid, 5000))
		return cvm_err_set(err, -EBUSY,
				   "VM '%s': QEMU (pid %ld) survived SIGKILL",
				   vm->name, (long)st.pid);
	vm_clean_runtime(vm);
	return 0;
}

int
cvm_vm_delete(struct cvm_vm *vm, struct cvm_err *err)
{
	struct cvm_vm_status st;
	int r;

	if (vm->cfg.backend == CVM_VM_LIBVIRT) {
		if ((r = vm_virt_undefine(vm, err)) < 0)
			return r;
	} else {
		cvm_vm_status(vm, &st);
		if (st.state == CVM_VM_RUNNING &&
		    (r = cvm_vm_kill(vm, err)) < 0)
			return r;
	}
	return vm_remove_dir(vm->dir, err);
}

int
cvm_vm_wait(struct cvm_vm *vm, pid_t pid, int timeout_ms, int *status,
	    struct cvm_err *err)
{
	uint64_t end = cvm_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	int ws = 0;
	pid_t r;

	*status = -1;
	for (;;) {
		r = waitpid(pid, &ws, timeout_ms > 0 ? WNOHANG : 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return cvm_err_set(err, -errno, "wait for QEMU: %s",
					   strerror(errno));
		if (timeout_ms > 0 && cvm_now_ns() >= end)
			return cvm_err_set(err, -CVM_E_TIMEOUT,
					   "VM '%s' still runs after %d s",
					   vm->name, timeout_ms / 1000);
		if (r == 0) {
			struct timespec ts = {0, 20000000L};

			nanosleep(&ts, NULL);
		}
	}
	*status = WIFSIGNALED(ws) ? 128 + WTERMSIG(ws) : WEXITSTATUS(ws);
	vm_clean_runtime(vm);
	return 0;
}
