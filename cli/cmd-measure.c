/* SPDX-License-Identifier: MIT */
/* `cvm measure`: placeholder until its issue lands. */
#include <stdio.h>

#include "cmd.h"

static int
measure_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "cvm: error: '%s' is not implemented yet\n", argv[0]);
	return 1;
}

const struct cvm_cmd cmd_measure = {
	.name = "measure",
	.summary = "compute a guest's expected launch measurement offline",
	.usage = "cvm measure ...",
	.run = measure_run,
};
