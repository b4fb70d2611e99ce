/* SPDX-License-Identifier: MIT */
/* `cvm host`: placeholder until its issue lands. */
#include <stdio.h>

#include "cmd.h"

static int
host_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "cvm: error: '%s' is not implemented yet\n", argv[0]);
	return 1;
}

const struct cvm_cmd cmd_host = {
	.name = "host",
	.summary = "check whether this host can run SEV, SEV-ES and SEV-SNP guests",
	.usage = "cvm host ...",
	.run = host_run,
};
