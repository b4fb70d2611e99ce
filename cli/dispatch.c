/* SPDX-License-Identifier: MIT */
/*
 * Command dispatch by exact name (never by prefix: a new command must not
 * break scripts), `help`, and `--help` on every command and verb.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "out.h"

void
cli_print_help(const char *prefix, const struct cvm_cmd *cmd)
{
	printf("usage: %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help && cmd->help[0])
		printf("\n%s", cmd->help);
	if (cmd->sub) {
		printf("\ncommands:\n");
		for (const struct cvm_cmd *const *c = cmd->sub; *c; c++)
			printf("  %-12s %s\n", (*c)->name, (*c)->summary);
		printf("\nRun '%s %s COMMAND --help' for a command's "
		       "options.\n",
		       prefix, cmd->name);
	}
}

static bool
wants_help(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "-h") == 0))
		return true;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

void
cli_list_commands(const char *prefix, const struct cvm_cmd *const *table,
		  FILE *f)
{
	fprintf(f, "usage: %s COMMAND [ARGS]\n\ncommands:\n", prefix);
	for (const struct cvm_cmd *const *c = table; *c; c++)
		fprintf(f, "  %-12s %s\n", (*c)->name, (*c)->summary);
	fprintf(f, "\nRun '%s COMMAND --help' for a command's options.\n",
		prefix);
}

const struct cvm_cmd *
cli_lookup(const struct cvm_cmd *const *table, const char *name)
{
	for (const struct cvm_cmd *const *c = table; *c; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

/* A missing command is a usage error: one line on stderr with the
 * choices ("no command given (one of: a, b)"), exit 2. */
static int
no_command(const char *prefix, const struct cvm_cmd *const *table)
{
	char names[512] = "";
	size_t n = 0;

	for (const struct cvm_cmd *const *c = table; *c && n < sizeof(names);
	     c++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
				      n ? ", " : "", (*c)->name);
	return cli_usage(prefix, "no command given (one of: %s)", names);
}

int
cli_dispatch(const char *prefix, const struct cvm_cmd *const *table, int argc,
	     char **argv)
{
	const struct cvm_cmd *cmd;
	char sub_prefix[256];

	if (argc < 1)
		return no_command(prefix, table);
	if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
		cli_list_commands(prefix, table, stdout);
		return 0;
	}
	/* "cvm --version", as most tools spell it: the version command */
	cmd = cli_lookup(table, strcmp(argv[0], "--version") == 0 ? "version"
								  : argv[0]);
	if (!cmd)
		return cli_usage(prefix, "unknown command '%s'", argv[0]);
	snprintf(sub_prefix, sizeof(sub_prefix), "%s %s", prefix, cmd->name);
	/* a command with both: its verbs by name, else its own run */
	if (cmd->sub && cmd->run && argc >= 2 && cli_lookup(cmd->sub, argv[1]))
		return cli_dispatch(sub_prefix, cmd->sub, argc - 1, argv + 1);
	if (cmd->sub && !cmd->run) {
		if (argc < 2)
			return no_command(sub_prefix, cmd->sub);
		if (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0) {
			cli_print_help(prefix, cmd);
			return 0;
		}
		return cli_dispatch(sub_prefix, cmd->sub, argc - 1, argv + 1);
	}
	if (wants_help(argc, argv)) {
		cli_print_help(prefix, cmd);
		return 0;
	}
	/* getopt names the command in its messages by argv[0]: make that
	 * "cvm attest verify: unrecognized option ..." rather than "verify" */
	argv[0] = sub_prefix;
	return cmd->run(argc, argv);
}
