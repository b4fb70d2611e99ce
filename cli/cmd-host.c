/* SPDX-License-Identifier: MIT */
/* `cvm host`: host readiness for SEV, SEV-ES and SEV-SNP (verbs in their
 * own files: cmd-host-check.c, cmd-host-facts.c). */
#include <stddef.h>

#include "cmd.h"

extern const struct cvm_cmd cmd_host_check, cmd_host_facts;

static const struct cvm_cmd *const host_verbs[] = {
	&cmd_host_check,
	&cmd_host_facts,
	NULL,
};

const struct cvm_cmd cmd_host = {
	.name = "host",
	.summary = "check whether this host can run SEV, SEV-ES and SEV-SNP "
		   "guests",
	.usage = "cvm host COMMAND [ARGS]",
	.sub = host_verbs,
};
