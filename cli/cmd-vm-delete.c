/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm delete NAME`: remove the VM's folder and everything in it (the
 * overlay, its variable store, the seed, logs); a libvirt domain is
 * undefined together with its NVRAM.  The user's images are untouched.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd-vm.h"
#include "cmd.h"
#include "out.h"

#define USAGE "cvm vm delete NAME [--force]"

static int
vm_delete_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"force", 0, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm *vm = NULL;
	struct cvm_vm_status st;
	bool force = false;
	int ch, rc = 0;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "f", lo, NULL)) != -1) {
		if (ch != 'f')
			return cli_usage(USAGE, "unknown option '%s'",
					 argv[optind - 1]);
		force = true;
	}
	if (optind != argc - 1)
		return cli_usage(USAGE, "give one VM NAME");
	if (cvm_vm_open(argv[optind], CVM_VM_LOCK, &vm, &err) < 0)
		return cli_error(&err);
	cvm_vm_status(vm, &st);
	if (!force &&
	    (st.state == CVM_VM_RUNNING || st.state == CVM_VM_PAUSED)) {
		cvm_err_set(&err, -CVM_E_STATE,
			    "VM '%s' is running: stop it first, or delete "
			    "--force",
			    vm->name);
		rc = cli_error(&err);
	} else if (cvm_vm_delete(vm, &err) < 0) {
		rc = cli_error(&err);
	} else {
		printf("deleted VM '%s'\n", vm->name);
	}
	cvm_vm_close(vm);
	return rc;
}

const struct cvm_cmd cmd_vm_delete = {
	.name = "delete",
	.summary = "delete a VM and all its files",
	.usage = USAGE,
	.help = "options:\n"
		"  -f, --force  kill it first if it is running\n"
		"exit status: 0 deleted, 1 failed (or running without "
		"--force), 2 usage\n",
	.run = vm_delete_run,
};
