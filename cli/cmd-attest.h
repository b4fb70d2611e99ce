/* SPDX-License-Identifier: MIT */
/* Shared by the `cvm attest` verbs (cli/cmd-attest-*.c). */
#ifndef CVM_CLI_CMD_ATTEST_H
#define CVM_CLI_CMD_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm/attest.h"

/* `cvm attest verify`'s expectations and the buffers they point into. */
struct attest_verify_opts {
	struct cvm_attest_expect exp;
	uint8_t measurement[48], report_data[64], nonce[64], host_data[32],
		id_key_digest[48], chip_id[64];
	bool json, quiet;
};

/*
 * Parse the expectation option `c` (getopt value) with argument `arg`
 * into `o` (cmd-attest-opts.c); 0, or the exit status of a usage error.
 */
int attest_opt_expect(struct attest_verify_opts *o, int c, const char *arg);
/* True if any expectation (or --allow-debug) was given. */
bool attest_has_expect(const struct cvm_attest_expect *e);

/* Print `res` for people: the report's fields, the certificates, each
 * check with its result, and the verdict (cmd-attest-show.c). */
void attest_show(const struct cvm_attest_result *res, const char *what);

/* One stderr line for a result that is not valid; returns 3 (invalid)
 * or 1 (could not verify), 0 when valid. */
int attest_verdict_status(const struct cvm_attest_result *res,
			  const char *what);

#endif
