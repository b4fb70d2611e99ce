/* SPDX-License-Identifier: MIT */
/* `cvm run`: placeholder until its issue lands. */
#include <stdio.h>

#include "cmd.h"

static int
run_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "cvm: error: '%s' is not implemented yet\n", argv[0]);
	return 1;
}

const struct cvm_cmd cmd_run = {
	.name = "run",
	.summary = "boot a guest once and report its results",
	.usage = "cvm run ...",
	.run = run_run,
};
