/* SPDX-License-Identifier: MIT */
/*
 * `cvm run`'s SEV half: the loud note of --protection auto (also
 * before a --dry-run's command line), and --attest: verify the report the
 * unikernel printed against the nonce and launch digest of this run
 * (lib/guestio/attest.c) and say "attested" with every check, or why not.
 * Exports no command.
 */
#include <stdio.h>
#include <string.h>

#include "cmd-run.h"
#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "out.h"

void
run_sev_note(const struct cvm_run_plan *p)
{
	if (!p->sev.note[0])
		return;
	if (p->sev.fell_back)
		cli_warn("%s", p->sev.note);
	else
		fprintf(stderr, "cvm: %s\n", p->sev.note);
}

void
run_dry(const struct cvm_run_plan *p, bool json)
{
	cleanup_free char *line = NULL;

	run_sev_note(p);
	if (json)
		out_json(cvm_run_json(p, NULL, NULL));
	else
		printf("%s\n", line = cvm_argv_join(cvm_argv_get(&p->argv)));
}

void
run_attest_verify(const struct cvm_run_plan *p, const struct cvm_guest_run *r,
		  struct run_attest *a)
{
	struct cvm_run_attest_opts o;

	memset(a, 0, sizeof(*a));
	if (!p->sev.attest)
		return;
	a->ran = true;
	cvm_run_attest_opts_from_plan(p, &o);
	cvm_run_attest_verify(&r->rec, &o, &a->res, &a->err);
}

static const char *
check_colour(const struct cvm_attest_check *c)
{
	switch (c->status) {
	case CVM_ATTEST_CHECK_PASS:
		return out_sgr(stdout, OUT_GREEN);
	case CVM_ATTEST_CHECK_FAIL:
		return out_sgr(stdout, OUT_RED);
	default:
		return out_sgr(stdout, OUT_YELLOW);
	}
}

void
run_attest_print(const struct cvm_run_plan *p, const struct run_attest *a)
{
	if (!a->ran)
		return;
	printf("\n");
	if (!a->err.code)
		printf("%sattested%s: the guest's SEV-SNP report is valid\n",
		       out_sgr(stdout, OUT_GREEN), out_reset(stdout));
	else
		printf("%snot attested%s: %s\n", out_sgr(stdout, OUT_RED),
		       out_reset(stdout), a->err.msg);
	for (size_t i = 0; i < a->res.nchecks; i++) {
		const struct cvm_attest_check *c = &a->res.checks[i];

		printf("  %-13s %s%-10s%s %s\n", c->id, check_colour(c),
		       cvm_attest_check_status_name(c->status),
		       out_reset(stdout), c->detail);
	}
	if (!p->sev.have_expected)
		printf("  %-13s %s%-10s%s %s\n", "measurement",
		       out_sgr(stdout, OUT_YELLOW), "unchecked",
		       out_reset(stdout),
		       p->sev.expected_note[0] ? p->sev.expected_note
					       : "no expected launch digest");
	else if (!p->sev.measured_kernel)
		printf("  note: the launch digest covers the firmware only: "
		       "'%s' has no kernel-hashes table, so the unikernel "
		       "and its command line are not measured\n",
		       p->firmware);
}

struct json_object *
run_attest_json(const struct run_attest *a, struct json_object *run)
{
	struct json_object *o;

	if (!a->ran) {
		json_object_object_add(run, "attestation", NULL);
		return run;
	}
	o = json_object_new_object();
	json_object_object_add(o, "attested",
			       json_object_new_boolean(!a->err.code));
	json_object_object_add(o, "error",
			       a->err.code ? json_object_new_string(a->err.msg)
					   : NULL);
	json_object_object_add(
		o, "result",
		a->res.nchecks ? cvm_attest_result_json(&a->res, "guest report")
			       : NULL);
	json_object_object_add(run, "attestation", o);
	return run;
}

void
run_attest_note(const struct cvm_guest_record *rec)
{
	const char *st = cvm_guest_record_info(rec, "attest_status");
	const char *prot = cvm_guest_record_info(rec, "protection");

	if (!st || !strcmp(st, "ok"))
		return;
	if (!strcmp(st, "not_snp"))
		cli_warn("the attest workload: this guest is not an SEV-SNP "
			 "guest (protection %s): no attestation report",
			 prot ? prot : "?");
	else
		cli_warn("the attest workload failed: %s (guest/kernel/"
			 "sev-attest.c; VMPCK0 is wiped for this boot)",
			 st);
}

int
run_attest_status(const struct run_attest *a, int status)
{
	int s;

	if (!a->ran || !a->err.code)
		return status;
	s = cli_error(&a->err);
	/* "verified and invalid" (3) outranks any other failure */
	return s == 3 || status == 0 ? s : status;
}
