/* SPDX-License-Identifier: MIT */
/* Shared by `cvm run` (cli/cmd-run.c) and its SEV half (cmd-run-sev.c). */
#ifndef CVM_CLI_CMD_RUN_H
#define CVM_CLI_CMD_RUN_H

#include <stdbool.h>

#include "cvm/attest.h"
#include "cvm/guestio.h"

/* The SEV options in `cvm run --help` (docs/readme/55-sev-guest.md). */
#define RUN_HELP_SEV                                                          \
	"  --protection LEVEL none (default), sev, sev-es, sev-snp: refused " \
	"(exit 1)\n"                                                          \
	"                    with the host check's reason when the host "     \
	"cannot; auto:\n"                                                     \
	"                    the highest level it can, said on stderr and "   \
	"in --json\n"                                                         \
	"  --policy N        the guest policy (default: cvm policy make's "   \
	"for the level)\n"                                                    \
	"  --attest          SEV-SNP: the guest sends a report over a fresh " \
	"nonce; it is\n"                                                      \
	"                    verified against AMD's chain and this launch's " \
	"digest\n"                                                            \
	"  --vcek FILE, --certs PATH, --at TIME  certificates and time for "  \
	"--attest\n"                                                          \
	"  --facts FILE      decide from a host's facts file (also "          \
	"$CVM_HOST_FACTS);\n"                                                 \
	"                    with --dry-run only\n"

/* The outcome of --attest: verification of the guest's report. */
struct run_attest {
	bool ran;		      /* --attest was asked and the guest ran */
	struct cvm_err err;	      /* code 0: attested */
	struct cvm_attest_result res; /* valid when verified (has_report) */
};

/* Say loudly (stderr) what --protection auto chose or fell back to. */
void run_sev_note(const struct cvm_run_plan *p);
/* --dry-run: the note, then the QEMU command line (or the plan's JSON). */
void run_dry(const struct cvm_run_plan *p, bool json);
/* Verify the report the guest printed, when the plan attests. */
void run_attest_verify(const struct cvm_run_plan *p,
		       const struct cvm_guest_run *r, struct run_attest *a);
/* "attested" (or why not) and each check, for people. */
void run_attest_print(const struct cvm_run_plan *p, const struct run_attest *a);
/* Add the "attestation" member (null when not asked) to `run`'s JSON. */
struct json_object *run_attest_json(const struct run_attest *a,
				    struct json_object *run);
/* Explain a guest's attest_status other than "ok" (stderr). */
void run_attest_note(const struct cvm_guest_record *rec);
/* The exit status `status` becomes once attestation is judged (a
 * failure is said on stderr). */
int run_attest_status(const struct run_attest *a, int status);

#endif
