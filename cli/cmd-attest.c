/* SPDX-License-Identifier: MIT */
/* `cvm attest`: placeholder until its issue lands. */
#include <stdio.h>

#include "cmd.h"

static int
attest_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "cvm: error: '%s' is not implemented yet\n", argv[0]);
	return 1;
}

const struct cvm_cmd cmd_attest = {
	.name = "attest",
	.summary = "fetch and verify SEV-SNP attestation reports",
	.usage = "cvm attest ...",
	.run = attest_run,
};
