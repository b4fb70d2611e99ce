/* SPDX-License-Identifier: MIT */
/* `cvm vm`: placeholder until its issue lands. */
#include <stdio.h>

#include "cmd.h"

static int
vm_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "cvm: error: '%s' is not implemented yet\n", argv[0]);
	return 1;
}

const struct cvm_cmd cmd_vm = {
	.name = "vm",
	.summary = "create, run and manage confidential VMs",
	.usage = "cvm vm ...",
	.run = vm_run,
};
