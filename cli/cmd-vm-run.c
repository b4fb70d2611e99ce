/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm run [NAME] ...`: an ephemeral guest.  Create (the same options
 * as `create`), start paused, attach the console to stdout and resume,
 * wait for the guest to stop, delete, and exit with the guest's status:
 * its `CVM1 exit N` line, else QEMU's isa-debug-exit status (N << 1 | 1)
 * for the unikernel, else 0 for a clean power-off.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd-vm.h"
#include "cmd.h"
#include "cvm/guestio.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE                                                             \
	"cvm vm run [NAME] " VM_CREATE_OPTS_USAGE " [--timeout SECONDS] " \
	"[--keep] [--dry-run [--qemu-version X.Y]]"

static volatile sig_atomic_t run_stop;

static void
run_on_signal(int sig)
{
	(void)sig;
	run_stop = 1;
}

/* The guest's exit status from what it said and how QEMU ended. */
static int
run_status(const struct cvm_vm *vm, const struct vm_out *out, int qemu)
{
	const struct cvm_guest_record *rec = cvm_guestio_record(out->parser);
	struct cvm_err err = CVM_ERR_INIT;

	if (rec->has_exit)
		return rec->exit_status & 0xff;
	if (vm->cfg.guest == CVM_VM_GUEST_UNIKERNEL && qemu > 0 && (qemu & 1))
		return qemu >> 1; /* isa-debug-exit: (value << 1) | 1 */
	if (qemu <= 0)
		return 0;
	cvm_err_set(&err, -CVM_E_CHILD, "VM '%s': QEMU exited with status %d",
		    vm->name, qemu);
	return cli_error(&err);
}

static int
run_timeout(const struct cvm_vm *vm, int secs)
{
	struct cvm_err err = CVM_ERR_INIT;

	cvm_err_set(&err, -CVM_E_TIMEOUT,
		    "VM '%s' still ran after %d s: killed", vm->name, secs);
	return cli_error(&err);
}

/* Start paused, attach, resume, and wait for the end. */
static int
run_vm(const struct vm_cli *c, struct cvm_vm *vm)
{
	struct cvm_vm_start_opts so = {.paused = true};
	struct cvm_vm_launch l;
	struct vm_out out = {0};
	struct cvm_vm_console_opts o = {vm_out_write,	     &out, 0,	     -1,
					c->timeout_s * 1000, true, &run_stop};
	struct cvm_err err = CVM_ERR_INIT;
	int end, qemu = 0, rc;

	if (cvm_vm_start(vm, &so, &l, &err) < 0)
		return cli_error(&err);
	out.parser = cvm_guestio_new(NULL, NULL);
	end = cvm_vm_console(vm, &o, &err);
	if (end == CVM_VM_CONSOLE_EOF && l.pid)
		cvm_vm_wait(vm, l.pid, 10000, &qemu, &err);
	cvm_guestio_finish(out.parser, cvm_now_ns());
	if (end < 0)
		rc = cli_error(&err);
	else if (end == CVM_VM_CONSOLE_TIMEOUT)
		rc = run_timeout(vm, c->timeout_s);
	else if (end != CVM_VM_CONSOLE_EOF)
		rc = 130; /* interrupted */
	else
		rc = run_status(vm, &out, qemu);
	if (end != CVM_VM_CONSOLE_EOF)
		cvm_vm_kill(vm, &err);
	cvm_guestio_free(out.parser);
	cvm_vm_launch_release(&l);
	return rc;
}

static int
run_created(const struct vm_cli *c, const char *name)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm *vm = NULL;
	int rc;

	if (cvm_vm_open(name, CVM_VM_LOCK, &vm, &err) < 0)
		return cli_error(&err);
	signal(SIGINT, run_on_signal);
	signal(SIGTERM, run_on_signal);
	rc = run_vm(c, vm);
	if (!c->keep && cvm_vm_delete(vm, &err) < 0)
		cli_error(&err);
	cvm_vm_close(vm);
	return rc;
}

static int
vm_run_run(int argc, char **argv)
{
	struct vm_cli c;
	struct cvm_vm_plan p;
	struct cvm_err err = CVM_ERR_INIT;
	char name[32];
	int rc;

	if ((rc = vm_cli_parse(argc, argv, true, &c)) != 0)
		return rc;
	snprintf(name, sizeof(name), "run-%ld", (long)getpid());
	if (!c.o.name)
		c.o.name = name;
	if (cvm_vm_plan_create(&c.o, &p, &err) < 0) {
		rc = vm_plan_failed(&c, argc, argv, &p, &err);
	} else {
		vm_plan_notes(&p);
		if (c.dry_run)
			rc = vm_create_dry(&c, &p);
		else if (cvm_vm_create(&c.o, &p, &err) < 0)
			rc = cli_error(&err);
		else
			rc = run_created(&c, c.o.name);
	}
	cvm_vm_plan_release(&p);
	return rc;
}

const struct cvm_cmd cmd_vm_run = {
	.name = "run",
	.summary = "run an ephemeral VM: create, start, console, delete",
	.usage = USAGE,
	.help = "NAME defaults to run-PID.  The console goes to stdout "
		"(stdin to the guest).\n" VM_CREATE_OPTS_HELP
		"  --timeout SECONDS   kill the guest after this long\n"
		"  --keep              keep the VM afterwards (default: "
		"deleted)\n" VM_DRY_RUN_HELP
		"exit status: the guest's exit status (its 'CVM1 exit N' line, "
		"the\n"
		"unikernel's isa-debug-exit value, 0 after a power-off); 1 "
		"when it\n"
		"could not run or timed out, 2 usage, 130 interrupted\n",
	.run = vm_run_run,
};
