/* SPDX-License-Identifier: MIT */
/* `cvm firmware`: placeholder until its issue lands. */
#include <stdio.h>

#include "cmd.h"

static int
firmware_run(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "cvm: error: '%s' is not implemented yet\n", argv[0]);
	return 1;
}

const struct cvm_cmd cmd_firmware = {
	.name = "firmware",
	.summary = "inspect OVMF firmware images",
	.usage = "cvm firmware ...",
	.run = firmware_run,
};
