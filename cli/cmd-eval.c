/* SPDX-License-Identifier: MIT */
/* `cvm eval`: placeholder until its issue lands. */
#include <stdio.h>

#include "cmd.h"

static int
eval_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "cvm: error: '%s' is not implemented yet\n", argv[0]);
	return 1;
}

const struct cvm_cmd cmd_eval = {
	.name = "eval",
	.summary = "run the evaluation and write a report",
	.usage = "cvm eval ...",
	.run = eval_run,
};
