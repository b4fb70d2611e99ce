/* SPDX-License-Identifier: MIT */
/* `cvm demo`: placeholder until its issue lands. */
#include <stdio.h>

#include "cmd.h"

static int
demo_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "cvm: error: '%s' is not implemented yet\n", argv[0]);
	return 1;
}

const struct cvm_cmd cmd_demo = {
	.name = "demo",
	.summary = "demonstrations of what SEV protects",
	.usage = "cvm demo ...",
	.run = demo_run,
};
