/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the whole SEV-SNP verifier: cvm_attest_verify() on any bytes,
 * with every certificate of ../shared/testdata/snp in the pool (so a
 * report that keeps a real CHIP_ID finds its VCEK and goes through the
 * chain, TCB, hwID and signature checks) and expectations switched on
 * and off by the input, then the JSON form of the result.  The
 * promises checked: a VALID verdict only with every check passing or
 * skipped, and never for a report whose signature check failed.
 */
#include <dirent.h>

#include <json-c/json.h>

#include "fuzz.h"

#include "cvm/attest.h"

/* Every certificate in the test data is valid on this day. */
#define FUZZ_AT ((time_t)1756684800) /* 2025-09-01T00:00:00Z */

static struct cvm_attest_ctx *ctx;

static void
add_folder(const char *dir)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct dirent *de;
	DIR *d = opendir(dir);
	char *sub;

	if (!d) {
		fprintf(stderr, "fuzz-attest-verify: cannot open '%s'\n", dir);
		exit(1);
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		sub = cvm_xasprintf("%s/%s", dir, de->d_name);
		/* folders without certificates are refused: fine */
		(void)cvm_attest_ctx_add_certs(ctx, sub, &err);
		free(sub);
	}
	closedir(d);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *dir = cvm_xasprintf("%s/testdata/snp", fuzz_shared_dir());

	(void)argc;
	(void)argv;
	ctx = cvm_attest_ctx_new();
	add_folder(dir);
	free(dir);
	return 0;
}

/* Expectations chosen by a byte of the input (deterministic). */
static void
expectations(uint8_t sel, const struct cvm_snp_report *peek,
	     struct cvm_attest_expect *e)
{
	static const uint8_t zeros[64];

	memset(e, 0, sizeof(*e));
	e->at = FUZZ_AT;
	e->allow_debug = sel & 1;
	if (sel & 2) {
		e->has_policy = true;
		e->policy = 0x30000;
	}
	if (sel & 4) {
		e->has_min_tcb = true;
		e->min_tcb_raw = sel & 8;
		e->min_tcb.raw = 0x4405000000000002ull;
		e->min_tcb.bl = 2;
		e->min_tcb.snp = 5;
		e->min_tcb.ucode = 68;
	}
	if (sel & 16) {
		e->nonce = peek ? peek->report_data : zeros;
		e->nonce_len = 1 + sel % 64;
	}
	if (sel & 32) {
		e->has_vmpl = true;
		e->vmpl = sel >> 6;
	}
	if (sel & 64) {
		e->measurement = peek ? peek->measurement : zeros;
		e->host_data = zeros;
	}
	if (sel & 128) {
		e->report_data = zeros;
		e->id_key_digest = zeros;
		e->chip_id = peek ? peek->chip_id : zeros;
	}
}

static void
check_result(const struct cvm_attest_result *res)
{
	const struct cvm_attest_check *sig = NULL;

	if (res->nchecks > CVM_ATTEST_MAX_CHECKS || res->ncerts > 3 ||
	    res->nnotes > 4)
		fuzz_fail("counts out of range");
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct cvm_attest_check *c = &res->checks[i];

		if (strnlen(c->detail, sizeof(c->detail)) == sizeof(c->detail))
			fuzz_fail("check %s: detail not terminated", c->id);
		if (!strcmp(c->id, "report_sig"))
			sig = c;
		if (res->verdict == CVM_ATTEST_VALID &&
		    (c->status == CVM_ATTEST_CHECK_FAIL ||
		     c->status == CVM_ATTEST_CHECK_UNVERIFIED))
			fuzz_fail("VALID with check %s %s", c->id,
				  cvm_attest_check_status_name(c->status));
	}
	if (res->verdict == CVM_ATTEST_VALID &&
	    (!sig || sig->status != CVM_ATTEST_CHECK_PASS))
		fuzz_fail("VALID without a passing report signature");
	if (res->verdict != CVM_ATTEST_VALID && !cvm_attest_first_problem(res))
		fuzz_fail("%s without a problem",
			  cvm_attest_verdict_name(res->verdict));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_attest_result *res = cvm_xcalloc(1, sizeof(*res));
	struct cvm_snp_report *peek = cvm_xmalloc(sizeof(*peek));
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_attest_expect e;
	struct json_object *j;
	uint8_t sel = 0;
	int r;

	/* the selector: a byte of the reserved area after the signature */
	if (size >= CVM_SNP_REPORT_SIZE)
		sel = data[CVM_SNP_REPORT_SIZE - 1];
	r = cvm_snp_report_parse(data, size, peek, NULL);
	expectations(sel, r == 0 ? peek : NULL, &e);
	r = cvm_attest_verify(ctx, data, size, "fuzz", &e, res, &err);
	fuzz_check_err(r, &err, "cvm_attest_verify");
	if (r == 0) {
		check_result(res);
		j = cvm_attest_result_json(res, "fuzz");
		if (!j || !json_object_to_json_string(j))
			fuzz_fail("no JSON for a result");
		json_object_put(j);
	}
	free(peek);
	free(res);
	return 0;
}
