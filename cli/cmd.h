/* SPDX-License-Identifier: MIT */
/*
 * The cvm command table.  Each cli/cmd-<name>.c exports one
 * `const struct cvm_cmd cmd_<name>` (tmux style); commands with verbs
 * (`cvm host check`) nest a second table and call cli_dispatch().
 * A command parses its options, calls libcvm, prints, and returns the
 * process exit status: 0 ok, 1 failed, 2 usage, 3 verified invalid.
 */
#ifndef CVM_CLI_CMD_H
#define CVM_CLI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cvm_cmd {
	const char *name;
	const char *summary; /* one line for `cvm help` */
	const char *usage;   /* "cvm policy explain [--sev|--snp] VALUE" */
	const char *help;    /* options and details, printed by --help */
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	const struct cvm_cmd *const *sub;  /* verbs, NULL-terminated; with
					    * `run` too, argv[1] naming a verb
					    * goes to it, anything else to run */
};

/*
 * Run the command `argv[0]` from `table` (NULL-terminated).  `prefix` is
 * the words before it ("cvm", "cvm host") for messages.  Handles `help`,
 * `--help` and unknown names; returns the exit status.
 */
int cli_dispatch(const char *prefix, const struct cvm_cmd *const *table,
		 int argc, char **argv);

/* The command list of `table`, as `cvm --help` prints it. */
void cli_list_commands(const char *prefix, const struct cvm_cmd *const *table,
		       FILE *f);
/* Exact-name lookup in a NULL-terminated table. */
const struct cvm_cmd *cli_lookup(const struct cvm_cmd *const *table,
				 const char *name);

/* Print the help of `cmd` (usage, summary, help text) to stdout. */
void cli_print_help(const char *prefix, const struct cvm_cmd *cmd);

/* The top-level table, sorted by name (checked by a unit test). */
extern const struct cvm_cmd *const cvm_commands[];

extern const struct cvm_cmd cmd_help, cmd_version;

#endif
