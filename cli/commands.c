/* SPDX-License-Identifier: MIT */
/* The top-level command table; keep it sorted (a unit test checks). */
#include <stddef.h>

#include "cmd.h"

extern const struct cvm_cmd cmd_attest, cmd_demo, cmd_eval, cmd_firmware,
	cmd_host, cmd_measure, cmd_policy, cmd_run, cmd_vm;

const struct cvm_cmd *const cvm_commands[] = {
	&cmd_attest, &cmd_demo,	   &cmd_eval,	 &cmd_firmware,
	&cmd_help,   &cmd_host,	   &cmd_measure, &cmd_policy,
	&cmd_run,    &cmd_version, &cmd_vm,	 NULL,
};
