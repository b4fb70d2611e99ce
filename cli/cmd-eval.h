/* SPDX-License-Identifier: MIT */
/* `cvm eval`: shared between its files (cmd-eval*.c). */
#ifndef CVM_CLI_CMD_EVAL_H
#define CVM_CLI_CMD_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "cvm/eval.h"

/*
 * Progress on stderr: a bar redrawn in place on a terminal (cell,
 * repetition, time left), one line per finished run otherwise.  Fills
 * `h`; `state` must outlive the evaluation.
 */
struct eval_progress_state {
	bool tty;
	bool drawn; /* a bar is on the screen */
	unsigned failed;
};
void eval_progress_hooks(struct cvm_eval_hooks *h,
			 struct eval_progress_state *state);
/* Remove the bar (before other output). */
void eval_progress_clear(struct eval_progress_state *state);

/* The skipped cells on stderr, one line per level and reason. */
void eval_print_skipped(const struct cvm_eval_plan *p);
/* The closing lines (or JSON with `json`) on stdout. */
void eval_summary(const char *dir, bool json, bool interrupted, size_t done,
		  size_t total, unsigned failed);

/* "1m20s", "45s", "2h05m" */
void eval_fmt_duration(char *out, unsigned long size, double s);

#endif
