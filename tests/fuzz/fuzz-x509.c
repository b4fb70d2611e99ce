/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the certificate handling around the SNP verifier: DER and PEM
 * parsing (one certificate or a bundle), role classification, the AMD
 * extensions of a VCEK/VLEK (VCEK spec 57230: SPL values, hwID,
 * productName), and the chain checks with the fuzzed certificate in each
 * place of the chain.  The first input byte picks the place:
 *
 *   0  the VCEK/VLEK of a chain-only verification
 *   1  the ASK/ASVK under a genuine Milan VCEK
 *   2  the ARK under a genuine Milan VCEK
 *   3  a bundle added to the pool of a fresh context, which then
 *      verifies a genuine Milan report (VEK selection by CHIP_ID)
 *
 * Contexts 0-2 live for the whole run and have their slot replaced on
 * every input, which also exercises the cached signature results.
 */
#include <json-c/json.h>

#include "fuzz.h"

#include "cvm/attest.h"
#include "cvm/util.h"

#define FUZZ_AT ((time_t)1756684800) /* 2025-09-01T00:00:00Z */

static struct cvm_attest_ctx *slot_ctx[3];
static struct cvm_buf report = CVM_BUF_INIT;

static char *
shared(const char *rel)
{
	return cvm_xasprintf("%s/testdata/snp/%s", fuzz_shared_dir(), rel);
}

static void
must(int r, const struct cvm_err *err)
{
	if (r < 0) {
		fprintf(stderr, "fuzz-x509: %s\n", err->msg);
		exit(1);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct cvm_err err = CVM_ERR_INIT;
	char *vcek = shared("milan-v2-gsg/vcek.der");
	char *rep = shared("milan-v2-gsg/report.bin");

	(void)argc;
	(void)argv;
	for (int i = 0; i < 3; i++) {
		slot_ctx[i] = cvm_attest_ctx_new();
		if (i > 0)
			must(cvm_attest_ctx_add_file(slot_ctx[i], vcek,
						     CVM_CERT_ROLE_VEK, &err),
			     &err);
	}
	must(cvm_file_read(rep, &report, 0, &err), &err);
	free(vcek);
	free(rep);
	return 0;
}

static void
check_result(const struct cvm_attest_result *res)
{
	if (res->nchecks > CVM_ATTEST_MAX_CHECKS || res->ncerts > 3)
		fuzz_fail("counts out of range");
	for (size_t i = 0; i < res->ncerts; i++) {
		const struct cvm_attest_certinfo *c = &res->certs[i];

		if (c->hwid_len > sizeof(c->hwid))
			fuzz_fail("hwid_len %zu", c->hwid_len);
		if (strnlen(c->subject_cn, sizeof(c->subject_cn)) ==
			    sizeof(c->subject_cn) ||
		    strnlen(c->product, sizeof(c->product)) ==
			    sizeof(c->product) ||
		    strnlen(c->csp_id, sizeof(c->csp_id)) == sizeof(c->csp_id))
			fuzz_fail("certificate text not terminated");
	}
	for (size_t i = 0; i < res->nchecks; i++)
		if (res->verdict == CVM_ATTEST_VALID &&
		    res->checks[i].status == CVM_ATTEST_CHECK_FAIL)
			fuzz_fail("VALID with a failed check %s",
				  res->checks[i].id);
	json_object_put(cvm_attest_result_json(res, "fuzz"));
}

static void
in_slot(unsigned slot, const uint8_t *p, size_t n,
	struct cvm_attest_result *res)
{
	static const enum cvm_cert_role roles[] = {
		CVM_CERT_ROLE_VEK, CVM_CERT_ROLE_ASK, CVM_CERT_ROLE_ARK};
	struct cvm_err err = CVM_ERR_INIT;
	int r = cvm_attest_ctx_add_mem(slot_ctx[slot], p, n, roles[slot],
				       "fuzz", &err);

	fuzz_check_err(r, &err, "cvm_attest_ctx_add_mem");
	if (r < 0)
		return;
	r = cvm_attest_verify_chain(slot_ctx[slot], FUZZ_AT, res, &err);
	fuzz_check_err(r, &err, "cvm_attest_verify_chain");
	if (r == 0)
		check_result(res);
}

static void
in_pool(const uint8_t *p, size_t n, struct cvm_attest_result *res)
{
	struct cvm_attest_ctx *ctx = cvm_attest_ctx_new();
	struct cvm_attest_expect e = {.at = FUZZ_AT, .allow_debug = true};
	struct cvm_err err = CVM_ERR_INIT;
	int r = cvm_attest_ctx_add_mem(ctx, p, n, CVM_CERT_ROLE_ANY, "fuzz",
				       &err);

	fuzz_check_err(r, &err, "cvm_attest_ctx_add_mem");
	if (r == 0) {
		r = cvm_attest_verify(ctx, (const uint8_t *)report.data,
				      report.len, "report", &e, res, &err);
		fuzz_check_err(r, &err, "cvm_attest_verify");
		if (r == 0)
			check_result(res);
	}
	cvm_attest_ctx_free(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_attest_result *res;
	unsigned mode;

	if (size < 1)
		return 0;
	mode = data[0] % 4;
	res = cvm_xcalloc(1, sizeof(*res));
	if (mode < 3)
		in_slot(mode, data + 1, size - 1, res);
	else
		in_pool(data + 1, size - 1, res);
	free(res);
	return 0;
}
