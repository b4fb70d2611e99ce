/* SPDX-License-Identifier: MIT */
/*
 * Output helpers shared by the commands: error lines, colour on a TTY,
 * aligned tables and JSON.  Data goes to stdout, diagnostics to stderr.
 */
#ifndef CVM_CLI_OUT_H
#define CVM_CLI_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cvm/err.h"

/* "cvm: error: <msg>" on stderr; returns the exit status for err->code. */
int cli_error(const struct cvm_err *err);
/* "cvm: error: <fmt>" on stderr (a usage error); returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "cvm: warning: ..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when `f` is a terminal and NO_COLOR is unset. */
bool out_color(FILE *f);

enum out_colour {
	OUT_PLAIN,
	OUT_GREEN,
	OUT_YELLOW,
	OUT_RED,
	OUT_BOLD,
	OUT_DIM
};
/* The escape for `c` when colour is on for `f`, else "". */
const char *out_sgr(FILE *f, enum out_colour c);
const char *out_reset(FILE *f);

/* Print `obj` as pretty JSON plus a newline to stdout, then put it. */
void out_json(struct json_object *obj);

/*
 * A simple aligned table: add rows of `ncols` cells (copied), then print
 * with a header line.  Cells may be NULL (printed as "-").
 */
struct out_table;
struct out_table *out_table_new(size_t ncols, const char *const *header);
void out_table_row(struct out_table *t, const char *const *cells);
void out_table_print(struct out_table *t, FILE *f);
void out_table_free(struct out_table *t);

/* Install a log callback that prints info+ (or debug with verbose). */
void cli_log_init(bool verbose);

#endif
