/* SPDX-License-Identifier: MIT */
/* `cvm policy`: SEV and SEV-SNP guest policies (verbs in their own files:
 * cmd-policy-explain.c, cmd-policy-make.c). */
#include <stddef.h>

#include "cmd.h"

extern const struct cvm_cmd cmd_policy_explain, cmd_policy_make;

static const struct cvm_cmd *const policy_verbs[] = {
	&cmd_policy_explain,
	&cmd_policy_make,
	NULL,
};

const struct cvm_cmd cmd_policy = {
	.name = "policy",
	.summary = "explain and build SEV and SNP guest policies",
	.usage = "cvm policy COMMAND [ARGS]",
	.sub = policy_verbs,
};
