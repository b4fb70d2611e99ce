/* SPDX-License-Identifier: MIT */
/*
 * cvm: confidential VMs and unikernels.  The front end: a table of
 * commands, dispatch by exact name, and a checked flush of stdout.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

int
main(int argc, char **argv)
{
	int status;

	signal(SIGPIPE, SIG_IGN);
	status = cli_dispatch("cvm", cvm_commands, argc - 1, argv + 1);
	/* git: a failed write to stdout (full disk, closed pipe) is an error */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr,
				"cvm: error: write to stdout failed: %s\n",
				strerror(errno));
		return status ? status : 1;
	}
	return status;
}
