/* SPDX-License-Identifier: MIT */
/* `cvm vm kill NAME`: stop a VM at once (SIGKILL to QEMU, or libvirt's
 * destroy). */
#include <stdio.h>

#include "cmd-vm.h"
#include "cmd.h"
#include "out.h"

#define USAGE "cvm vm kill NAME"

static int
vm_kill_run(int argc, char **argv)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm *vm = NULL;
	int rc = 0;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage(USAGE, "give one VM NAME");
	if (cvm_vm_open(argv[1], CVM_VM_LOCK, &vm, &err) < 0)
		return cli_error(&err);
	if (cvm_vm_kill(vm, &err) < 0)
		rc = cli_error(&err);
	else
		printf("killed VM '%s'\n", vm->name);
	cvm_vm_close(vm);
	return rc;
}

const struct cvm_cmd cmd_vm_kill = {
	.name = "kill",
	.summary = "stop a VM at once, without asking the guest",
	.usage = USAGE,
	.help = "exit status: 0 killed, 1 not running or failed, 2 usage\n",
	.run = vm_kill_run,
};
