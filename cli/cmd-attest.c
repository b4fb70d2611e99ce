/* SPDX-License-Identifier: MIT */
/*
 * `cvm attest`: SEV-SNP attestation.  Verbs: verify (check a report
 * against AMD's chain and your expectations), report (get one inside an
 * SNP guest), kds-url (where AMD serves the report's VCEK).
 */
#include <stddef.h>

#include "cmd.h"

extern const struct cvm_cmd cmd_attest_kds_url, cmd_attest_report,
	cmd_attest_verify;

static const struct cvm_cmd *const attest_verbs[] = {
	&cmd_attest_kds_url,
	&cmd_attest_report,
	&cmd_attest_verify,
	NULL,
};

const struct cvm_cmd cmd_attest = {
	.name = "attest",
	.summary = "fetch and verify SEV-SNP attestation reports",
	.usage = "cvm attest COMMAND [ARGS]",
	.help = "Exit status of verify: 0 valid, 3 verified and invalid, 1 "
		"could not\nverify (missing certificate or input), 2 usage "
		"error.\n",
	.sub = attest_verbs,
};
