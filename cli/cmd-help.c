/* SPDX-License-Identifier: MIT */
/* `cvm help [COMMAND [VERB]]`: the command list, or one command's help. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "out.h"

static int
help_run(int argc, char **argv)
{
	const struct cvm_cmd *const *table = cvm_commands;
	const struct cvm_cmd *cmd = NULL;
	char prefix[128] = "cvm";

	if (argc == 1) {
		cli_list_commands("cvm", cvm_commands, stdout);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!table)
			return cli_usage("cvm help", "'%s' has no verbs",
					 cmd->name);
		cmd = cli_lookup(table, argv[i]);
		if (!cmd)
			return cli_usage("cvm help", "unknown command '%s'",
					 argv[i]);
		if (i + 1 < argc) {
			size_t n = strlen(prefix);

			snprintf(prefix + n, sizeof(prefix) - n, " %s",
				 cmd->name);
		}
		table = cmd->sub;
	}
	cli_print_help(prefix, cmd);
	return 0;
}

const struct cvm_cmd cmd_help = {
	.name = "help",
	.summary = "list the commands, or show one command's help",
	.usage = "cvm help [COMMAND [VERB]]",
	.run = help_run,
};
