/* SPDX-License-Identifier: MIT */
/* `cvm policy`: placeholder until its issue lands. */
#include <stdio.h>

#include "cmd.h"

static int
policy_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "cvm: error: '%s' is not implemented yet\n", argv[0]);
	return 1;
}

const struct cvm_cmd cmd_policy = {
	.name = "policy",
	.summary = "explain and build SEV and SNP guest policies",
	.usage = "cvm policy ...",
	.run = policy_run,
};
