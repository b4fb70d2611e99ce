/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/attest verification: every case of
 * ../shared/testdata/snp/expected.json gives its expected checks and
 * certificate fields; wrong VCEK, wrong chain, expired certificate,
 * debug policy, nonce mismatch and every other expectation are each
 * rejected with their own reason; the built-in AMD certificates are the
 * published ones.
 */
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "test-attest.h"
#include "cvm/cleanup.h"

/* expected.json check name -> cvm check id */
static const char *
check_id(const char *key)
{
	static const char *const map[][2] = {
		{"report_sig", "report_sig"},
		{"vek_sig_by_intermediate", "vek"},
		{"ark_selfsig", "ark"},
		{"vek_tcb_eq_reported_tcb", "tcb"},
		{"hwid_eq_chip_id", "hwid"},
		{"hcl_report_data_binding", "hcl"},
	};

	if (strncmp(key, "ark->", 5) == 0)
		return "ask";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(key, map[i][0]) == 0)
			return map[i][1];
	fail_msg("unknown expected check '%s'", key);
	return NULL;
}

static bool
in_chain(struct json_object *c, const char *file)
{
	struct json_object *chain;

	json_object_object_get_ex(c, "chain", &chain);
	for (size_t i = 0; i < json_object_array_length(chain); i++)
		if (strcmp(json_object_get_string(
				   json_object_array_get_idx(chain, i)),
			   file) == 0)
			return true;
	return false;
}

static struct cvm_attest_ctx *
case_ctx(struct json_object *c)
{
	const char *dir = jstr(c, "case");
	struct json_object *chain;
	cleanup_free char *vek = cvm_xasprintf("%s/%s", dir, jstr(c, "vek"));
	struct cvm_attest_ctx *ctx =
		snp_ctx(in_chain(c, jstr(c, "vek")) ? NULL : vek, NULL);
	struct cvm_err err = CVM_ERR_INIT;

	json_object_object_get_ex(c, "chain", &chain);
	for (size_t i = 0; i < json_object_array_length(chain); i++) {
		cleanup_free char *f = cvm_xasprintf(
			"%s/testdata/snp/%s/%s", CVM_SHARED_DIR, dir,
			json_object_get_string(
				json_object_array_get_idx(chain, i)));

		if (cvm_attest_ctx_add_certs(ctx, f, &err) < 0)
			fail_msg("%s", err.msg);
	}
	return ctx;
}

static void
compare_checks(const struct cvm_attest_result *res, struct json_object *c,
	       bool hcl)
{
	struct json_object *checks;
	struct json_object_iter it;
	bool all = true;

	json_object_object_get_ex(c, "check", &checks);
	json_object_object_foreachC(checks, it)
	{
		const char *id = check_id(it.key);
		enum cvm_attest_check_status want =
			!it.val ? CVM_ATTEST_CHECK_SKIP
			: json_object_get_boolean(it.val)
				? CVM_ATTEST_CHECK_PASS
				: CVM_ATTEST_CHECK_FAIL;

		if (strcmp(id, "hcl") == 0 && !hcl)
			continue;
		assert_check(res, id, want, NULL);
		all &= want != CVM_ATTEST_CHECK_FAIL;
	}
	assert_int_equal(res->verdict,
			 all ? CVM_ATTEST_VALID : CVM_ATTEST_INVALID);
}

static void
compare_vek(const struct cvm_attest_certinfo *v, struct json_object *c)
{
	struct json_object *e;
	char buf[200], hwid[129];
	const char *enc;

	assert_string_equal(v->subject_cn, jstr(c, "vek_subject_cn"));
	assert_string_equal(v->issuer_cn, jstr(c, "vek_issuer_cn"));
	snprintf(buf, sizeof(buf), "%s..%s", v->not_before, v->not_after);
	assert_string_equal(buf, jstr(c, "vek_validity"));
	json_object_object_get_ex(c, "vek_ext", &e);
	assert_string_equal(v->product, jstr(e, "productName"));
	snprintf(buf, sizeof(buf), "%s%s%s", jstr(e, "fmcSPL") ? "fmc=" : "",
		 jstr(e, "fmcSPL") ? jstr(e, "fmcSPL") : "",
		 jstr(e, "fmcSPL") ? " " : "");
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
		 "bl=%s tee=%s snp=%s ucode=%s", jstr(e, "blSPL"),
		 jstr(e, "teeSPL"), jstr(e, "snpSPL"), jstr(e, "ucodeSPL"));
	{
		char got[64];

		cvm_snp_tcb_format(&v->tcb, got, sizeof(got));
		assert_string_equal(got, buf);
	}
	enc = jstr(e, "hwID_encoding");
	if (!enc) {
		assert_int_equal(v->hwid_len, 0);
		assert_string_equal(v->csp_id, jstr(e, "cspID"));
		return;
	}
	cvm_hex_encode(v->hwid, v->hwid_len, hwid);
	assert_string_equal(hwid, jstr(e, "hwID"));
	/* expected.json: "raw64" (Milan/Genoa) or "OCTET STRING" (Turin's
	 * 8 bytes as the whole extension value) */
	assert_string_equal(v->hwid_encoding,
			    strcmp(enc, "raw64") == 0 ? "raw64" : "raw8");
}

/*
 * The policy explainer's reading of POLICY against expected.json's
 * "abi=MAJOR.MINOR FLAG,FLAG" (its RSVD1 is the explainer's RSVD_MBO).
 */
static void
compare_policy(const struct cvm_policy_report *p, struct json_object *c)
{
	struct json_object *parsed;
	char got[200];
	uint64_t major = 0, minor = 0;
	size_t n;

	json_object_object_get_ex(c, "parsed", &parsed);
	for (size_t i = 0; i < p->nfields; i++) {
		if (strcmp(p->fields[i].name, "ABI_MAJOR") == 0)
			major = p->fields[i].value;
		if (strcmp(p->fields[i].name, "ABI_MINOR") == 0)
			minor = p->fields[i].value;
	}
	n = (size_t)snprintf(got, sizeof(got), "abi=%llu.%llu ",
			     (unsigned long long)major,
			     (unsigned long long)minor);
	for (size_t i = 0; i < p->nfields; i++) {
		const struct cvm_policy_field *f = &p->fields[i];

		if (f->lo != f->hi || !f->value)
			continue;
		n += (size_t)snprintf(
			got + n, sizeof(got) - n, "%s%s",
			got[n - 1] == ' ' ? "" : ",",
			strcmp(f->name, "RSVD_MBO") == 0 ? "RSVD1" : f->name);
	}
	assert_string_equal(got, jstr(parsed, "policy_flags"));
	assert_int_equal(p->debug_allowed, strstr(got, "DEBUG") != NULL);
}

static void
run_case(struct json_object *c)
{
	const struct cvm_attest_expect exp = {.at = SNP_TEST_AT,
					      .allow_debug = true};
	struct cvm_attest_ctx *ctx = case_ctx(c);
	struct cvm_attest_result *res = cvm_xcalloc(1, sizeof(*res));
	struct cvm_err err = CVM_ERR_INIT;
	const char *dir = jstr(c, "case");

	if (jstr(c, "report")) {
		cleanup_free char *rel =
			cvm_xasprintf("%s/%s", dir, jstr(c, "report"));

		free(res);
		res = snp_verify(ctx, rel, &exp);
		assert_true(res->has_report);
		compare_policy(&res->policy, c);
	} else {
		assert_int_equal(
			cvm_attest_verify_chain(ctx, SNP_TEST_AT, res, &err),
			0);
		assert_check(res, "extensions", CVM_ATTEST_CHECK_PASS, NULL);
	}
	compare_checks(res, c, false);
	assert_int_equal(res->ncerts, 3);
	compare_vek(&res->certs[0], c);
	assert_int_equal(res->family,
			 cvm_snp_family_parse(jstr(c, "generation")));
	free(res);
	cvm_attest_ctx_free(ctx);
}

/* The Azure cases again, from the HCL files: the binding is checked. */
static void
run_hcl(struct json_object *c, const char *file)
{
	const struct cvm_attest_expect exp = {.at = SNP_TEST_AT};
	struct cvm_attest_ctx *ctx = case_ctx(c);
	cleanup_free char *rel = cvm_xasprintf("%s/%s", jstr(c, "case"), file);
	struct cvm_attest_result *res = snp_verify(ctx, rel, &exp);

	assert_true(res->hcl);
	assert_int_equal(res->format, CVM_SNP_FMT_HCL);
	compare_checks(res, c, true);
	free(res);
	cvm_attest_ctx_free(ctx);
}

static void
test_expected_cases(void **state)
{
	struct json_object *exp = snp_expected(), *cases;
	size_t n;

	(void)state;
	json_object_object_get_ex(exp, "cases", &cases);
	n = json_object_array_length(cases);
	assert_int_equal(n, 9);
	for (size_t i = 0; i < n; i++)
		run_case(json_object_array_get_idx(cases, i));
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cases, i);

		if (strcmp(jstr(c, "case"), "milan-v2-azure-hcl") == 0)
			run_hcl(c, "hcl-report.bin");
		if (strcmp(jstr(c, "case"), "neg-milan-v2-azure-wrong-vcek") ==
		    0)
			run_hcl(c, "hcl-report-snp.bin");
	}
	json_object_put(exp);
}

static const struct cvm_attest_expect at_only = {.at = SNP_TEST_AT};

/* A real report with the VCEK of another chip. */
static void
test_wrong_vcek(void **state)
{
	struct cvm_attest_ctx *ctx = snp_ctx("milan-v2-virtee/vcek.der", NULL);
	struct cvm_attest_result *res =
		snp_verify(ctx, "milan-v3-oak/report.bin", &at_only);

	(void)state;
	assert_int_equal(res->verdict, CVM_ATTEST_INVALID);
	assert_check(res, "vek", CVM_ATTEST_CHECK_PASS, NULL);
	assert_check(res, "report_sig", CVM_ATTEST_CHECK_FAIL,
		     "does not verify");
	assert_check(res, "hwid", CVM_ATTEST_CHECK_FAIL, "another processor");
	assert_check(res, "tcb", CVM_ATTEST_CHECK_FAIL,
		     "is for TCB bl=3 tee=0 snp=8 ucode=115");
	free(res);
	cvm_attest_ctx_free(ctx);
}

/* The right VCEK with another generation's or kind's chain. */
static void
test_wrong_chain(void **state)
{
	struct cvm_attest_ctx *ctx = snp_ctx("milan-v3-oak/vcek.der", NULL);
	struct cvm_attest_result *res;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *ask = NULL;

	(void)state;
	/* ASK and ARK given explicitly, but Genoa's */
	ask = cvm_xasprintf("%s/testdata/snp/amd-certs/ask_ark_genoa.pem",
			    CVM_SHARED_DIR);
	assert_int_equal(
		cvm_attest_ctx_add_file(ctx, ask, CVM_CERT_ROLE_ASK, &err),
		-CVM_E_USAGE); /* a bundle is not one certificate */
	cvm_attest_ctx_free(ctx);
	ctx = snp_ctx("milan-v3-oak/vcek.der", NULL);
	{
		size_t len = 0;
		cleanup_free uint8_t *pem =
			snp_read("amd-certs/ask_ark_genoa.pem", &len);
		char *split = strstr((char *)pem + 10, "-----BEGIN");

		assert_non_null(split);
		assert_int_equal(
			cvm_attest_ctx_add_mem(
				ctx, pem, (size_t)(split - (char *)pem),
				CVM_CERT_ROLE_ASK, "genoa-ask.pem", &err),
			0);
		assert_int_equal(cvm_attest_ctx_add_mem(
					 ctx, (uint8_t *)split,
					 len - (size_t)(split - (char *)pem),
					 CVM_CERT_ROLE_ARK, "genoa-ark.pem",
					 &err),
				 0);
	}
	res = snp_verify(ctx, "milan-v3-oak/report.bin", &at_only);
	assert_int_equal(res->verdict, CVM_ATTEST_INVALID);
	assert_check(res, "ark", CVM_ATTEST_CHECK_FAIL,
		     "is ARK-Genoa, not ARK-Milan");
	assert_check(res, "ask", CVM_ATTEST_CHECK_FAIL,
		     "is SEV-Genoa, but a Milan report needs SEV-Milan");
	assert_check(res, "vek", CVM_ATTEST_CHECK_FAIL, "is not the subject");
	/* the report signature itself is fine: only the chain is wrong */
	assert_check(res, "report_sig", CVM_ATTEST_CHECK_PASS, NULL);
	free(res);
	cvm_attest_ctx_free(ctx);
}

/* A bundle of another generation is not used: selection by subject. */
static void
test_bundle_selects_by_subject(void **state)
{
	struct cvm_attest_ctx *ctx =
		snp_ctx("milan-v3-oak/vcek.der", "amd-certs/ask_ark_genoa.pem");
	struct cvm_attest_result *res;

	(void)state;
	res = snp_verify(ctx, "milan-v3-oak/report.bin", &at_only);
	assert_int_equal(res->verdict, CVM_ATTEST_VALID);
	assert_string_equal(res->certs[1].subject_cn, "SEV-Milan");
	assert_string_equal(res->certs[1].source, "built-in");
	free(res);
	cvm_attest_ctx_free(ctx);
	/* the THIM bundle (VCEK, ASK, ARK in that order) and the trustee
	 * order (ASK, ARK) give the same chain */
	ctx = snp_ctx(NULL, "milan-v2-azure-hcl/vcek-chain.pem");
	res = snp_verify(ctx, "milan-v2-azure-hcl/report.bin", &at_only);
	assert_int_equal(res->verdict, CVM_ATTEST_VALID);
	assert_non_null(strstr(res->certs[1].source, "vcek-chain.pem#2"));
	free(res);
	cvm_attest_ctx_free(ctx);
}

/* A Genoa report with a Milan VCEK: the generations disagree. */
static void
test_wrong_family(void **state)
{
	struct cvm_attest_ctx *ctx = snp_ctx("milan-v3-oak/vcek.der", NULL);
	struct cvm_attest_result *res =
		snp_verify(ctx, "genoa-v5-oak/report.bin", &at_only);

	(void)state;
	assert_int_equal(res->verdict, CVM_ATTEST_INVALID);
	assert_check(res, "family", CVM_ATTEST_CHECK_FAIL,
		     "from a Genoa processor");
	free(res);
	cvm_attest_ctx_free(ctx);
}

static void
test_expired_without_at(void **state)
{
	struct cvm_attest_ctx *ctx =
		snp_ctx("milan-v3-vlek-vmpl1-trustee/vlek.der", NULL);
	struct cvm_attest_expect now = {0};
	struct cvm_attest_result *res =
		snp_verify(ctx, "milan-v3-vlek-vmpl1-trustee/report.bin", &now);

	(void)state;
	assert_int_equal(res->verdict, CVM_ATTEST_INVALID);
	assert_check(res, "validity", CVM_ATTEST_CHECK_FAIL, "SEV-VLEK ('");
	assert_check(res, "validity", CVM_ATTEST_CHECK_FAIL,
		     "expired on 2025-12-10T22:14:21Z");
	assert_check(res, "report_sig", CVM_ATTEST_CHECK_PASS, NULL);
	assert_check(res, "hwid", CVM_ATTEST_CHECK_SKIP, "VLEK");
	free(res);
	res = snp_verify(ctx, "milan-v3-vlek-vmpl1-trustee/report.bin",
			 &at_only);
	assert_int_equal(res->verdict, CVM_ATTEST_VALID);
	/* before the VLEK was issued */
	now.at = SNP_TEST_AT - 365 * 86400;
	free(res);
	res = snp_verify(ctx, "milan-v3-vlek-vmpl1-trustee/report.bin", &now);
	assert_check(res, "validity", CVM_ATTEST_CHECK_FAIL,
		     "is not valid before 2024-12-10");
	free(res);
	cvm_attest_ctx_free(ctx);
}

static void
test_debug_policy(void **state)
{
	struct cvm_attest_ctx *ctx = snp_ctx("milan-v2-gsg/vcek.der", NULL);
	struct cvm_attest_expect e = {.at = SNP_TEST_AT};
	struct cvm_attest_result *res =
		snp_verify(ctx, "milan-v2-gsg/report.bin", &e);

	(void)state;
	assert_int_equal(res->verdict, CVM_ATTEST_INVALID);
	assert_check(res, "debug", CVM_ATTEST_CHECK_FAIL,
		     "allows debugging (DEBUG, bit 19)");
	assert_check(res, "report_sig", CVM_ATTEST_CHECK_PASS, NULL);
	free(res);
	/* an exact --policy does not replace --allow-debug */
	e.has_policy = true;
	e.policy = 0xb0000;
	res = snp_verify(ctx, "milan-v2-gsg/report.bin", &e);
	assert_check(res, "policy", CVM_ATTEST_CHECK_PASS, NULL);
	assert_check(res, "debug", CVM_ATTEST_CHECK_FAIL, NULL);
	free(res);
	e.allow_debug = true;
	res = snp_verify(ctx, "milan-v2-gsg/report.bin", &e);
	assert_int_equal(res->verdict, CVM_ATTEST_VALID);
	assert_check(res, "debug", CVM_ATTEST_CHECK_PASS, "--allow-debug");
	free(res);
	cvm_attest_ctx_free(ctx);
}

static void
test_nonce(void **state)
{
	struct cvm_attest_ctx *ctx = snp_ctx("milan-v2-gsg/vcek.der", NULL);
	uint8_t good[] = {1, 2, 3, 4, 5}, bad[] = {1, 2, 3, 4, 6};
	uint8_t rd[64] = {1, 2, 3, 4, 5};
	struct cvm_attest_expect e = {.at = SNP_TEST_AT,
				      .allow_debug = true,
				      .nonce = good,
				      .nonce_len = 5};
	struct cvm_attest_result *res =
		snp_verify(ctx, "milan-v2-gsg/report.bin", &e);

	(void)state;
	assert_int_equal(res->verdict, CVM_ATTEST_VALID);
	assert_check(res, "nonce", CVM_ATTEST_CHECK_PASS, "5 bytes");
	free(res);
	e.nonce = bad;
	res = snp_verify(ctx, "milan-v2-gsg/report.bin", &e);
	assert_int_equal(res->verdict, CVM_ATTEST_INVALID);
	assert_check(res, "nonce", CVM_ATTEST_CHECK_FAIL,
		     "not the nonce 0102030406");
	free(res);
	e.nonce = NULL;
	e.report_data = rd;
	res = snp_verify(ctx, "milan-v2-gsg/report.bin", &e);
	assert_check(res, "report_data", CVM_ATTEST_CHECK_PASS, NULL);
	free(res);
	rd[63] = 1;
	res = snp_verify(ctx, "milan-v2-gsg/report.bin", &e);
	assert_check(res, "report_data", CVM_ATTEST_CHECK_FAIL, "expected");
	free(res);
	cvm_attest_ctx_free(ctx);
}

static void
expect_one(struct cvm_attest_ctx *ctx, const char *report,
	   const struct cvm_attest_expect *e, const char *id,
	   enum cvm_attest_check_status st, const char *text)
{
	struct cvm_attest_result *res = snp_verify(ctx, report, e);

	assert_check(res, id, st, text);
	assert_int_equal(res->verdict, st == CVM_ATTEST_CHECK_PASS
					       ? CVM_ATTEST_VALID
					       : CVM_ATTEST_INVALID);
	free(res);
}

static void
test_expectations(void **state)
{
	static const char rep[] = "turin-v5-oak/report.bin";
	struct cvm_attest_ctx *ctx = snp_ctx("turin-v5-oak/vcek.der", NULL);
	uint8_t m[48], z32[32] = {0}, z48[48] = {0}, chip[64] = {0};
	struct cvm_attest_expect e = {.at = SNP_TEST_AT};

	(void)state;
	assert_int_equal(cvm_hex_decode("f924dd18f168df60fbea937f0b086284d51b1b"
					"376de872bac43694f61134d57967c318018de7"
					"335503023dbb50dee624",
					m, 48, NULL),
			 0);
	e.measurement = m;
	expect_one(ctx, rep, &e, "measurement", CVM_ATTEST_CHECK_PASS, NULL);
	m[47] ^= 1;
	expect_one(ctx, rep, &e, "measurement", CVM_ATTEST_CHECK_FAIL,
		   "MEASUREMENT is f924dd18...50dee624, expected");
	e.measurement = NULL;
	e.has_policy = true;
	e.policy = 0x30000;
	expect_one(ctx, rep, &e, "policy", CVM_ATTEST_CHECK_PASS, NULL);
	e.policy = 0x30001;
	expect_one(ctx, rep, &e, "policy", CVM_ATTEST_CHECK_FAIL,
		   "expected 0x30001");
	e.has_policy = false;
	e.has_vmpl = true;
	expect_one(ctx, rep, &e, "vmpl", CVM_ATTEST_CHECK_PASS, NULL);
	e.vmpl = 1;
	expect_one(ctx, rep, &e, "vmpl", CVM_ATTEST_CHECK_FAIL, "expected 1");
	e.has_vmpl = false;
	e.host_data = z32;
	expect_one(ctx, rep, &e, "host_data", CVM_ATTEST_CHECK_PASS, NULL);
	z32[0] = 1;
	expect_one(ctx, rep, &e, "host_data", CVM_ATTEST_CHECK_FAIL, NULL);
	e.host_data = NULL;
	e.id_key_digest = z48;
	expect_one(ctx, rep, &e, "id_key_digest", CVM_ATTEST_CHECK_PASS, NULL);
	z48[0] = 1;
	expect_one(ctx, rep, &e, "id_key_digest", CVM_ATTEST_CHECK_FAIL, NULL);
	e.id_key_digest = NULL;
	/* Turin: 8 bytes of CHIP_ID, the rest zero */
	assert_int_equal(cvm_hex_decode("3b42092f69c656d3", chip, 8, NULL), 0);
	e.chip_id = chip;
	expect_one(ctx, rep, &e, "chip_id", CVM_ATTEST_CHECK_PASS, NULL);
	chip[63] = 1;
	expect_one(ctx, rep, &e, "chip_id", CVM_ATTEST_CHECK_FAIL, NULL);
	e.chip_id = NULL;
	e.has_min_tcb = true;
	assert_int_equal(
		cvm_snp_tcb_parse("bl=1,snp=2,ucode=71", 0, &e.min_tcb, NULL),
		0);
	expect_one(ctx, rep, &e, "min_tcb", CVM_ATTEST_CHECK_PASS, "meets");
	e.min_tcb.ucode = 72;
	expect_one(ctx, rep, &e, "min_tcb", CVM_ATTEST_CHECK_FAIL,
		   "is below the minimum");
	/* a raw value is decoded with the report's (Turin) layout */
	e.min_tcb_raw = true;
	e.min_tcb.raw = 0x4700000002000100ull;
	expect_one(ctx, rep, &e, "min_tcb", CVM_ATTEST_CHECK_PASS, NULL);
	e.min_tcb.raw = 0x4700000003000100ull;
	expect_one(ctx, rep, &e, "min_tcb", CVM_ATTEST_CHECK_FAIL,
		   "minimum fmc=0 bl=1 tee=0 snp=3 ucode=71");
	cvm_attest_ctx_free(ctx);
}

/* No VCEK anywhere: not verified, and the KDS URL is offered. */
static void
test_no_vcek(void **state)
{
	struct cvm_attest_ctx *ctx = snp_ctx(NULL, NULL);
	struct cvm_attest_result *res =
		snp_verify(ctx, "milan-v3-oak/report.bin", &at_only);
	size_t len = 0;
	cleanup_free uint8_t *d = snp_read("milan-v3-oak/report.bin", &len);
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(res->verdict, CVM_ATTEST_UNVERIFIED);
	assert_check(res, "vek", CVM_ATTEST_CHECK_UNVERIFIED,
		     "https://kdsintf.amd.com/vcek/v1/Milan/a3fdc2c6");
	assert_null(find_check(res, "report_sig"));
	assert_int_equal(
		cvm_attest_check_report(ctx, d, len, NULL, NULL, 0, &err),
		-ENOENT);
	assert_non_null(strstr(err.msg, "could not be verified: vek: no VCEK"));
	free(res);
	cvm_attest_ctx_free(ctx);
}

/* --cert-cache: the VCEK is found by its cache name. */
static void
test_cert_cache(void **state)
{
	char dir[] = "/tmp/cvm-attest-cache.XXXXXX";
	char name[200];
	struct cvm_snp_report r;
	struct cvm_attest_ctx *ctx = snp_ctx(NULL, NULL);
	struct cvm_attest_result *res;
	size_t rl = 0, vl = 0;
	cleanup_free uint8_t *rep = snp_read("genoa-v5-oak/report.bin", &rl);
	cleanup_free uint8_t *vcek = snp_read("genoa-v5-oak/vcek.der", &vl);
	cleanup_free char *path = NULL;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(cvm_snp_report_parse(rep, rl, &r, NULL), 0);
	cvm_attest_cache_name(&r, name, sizeof(name));
	path = cvm_xasprintf("%s/%s", dir, name);
	assert_int_equal(cvm_file_write_atomic(path, vcek, vl, 0644, NULL), 0);
	cvm_attest_ctx_set_cache(ctx, dir);
	res = snp_verify(ctx, "genoa-v5-oak/report.bin", &at_only);
	assert_int_equal(res->verdict, CVM_ATTEST_VALID);
	assert_true(strncmp(res->certs[0].source, "cache:", 6) == 0);
	free(res);
	unlink(path);
	rmdir(dir);
	cvm_attest_ctx_free(ctx);
}

/* The one-call API for launchers. */
static void
test_check_report(void **state)
{
	struct cvm_attest_ctx *ctx = snp_ctx("milan-v2-virtee/vcek.der", NULL);
	size_t len = 0;
	cleanup_free uint8_t *d = snp_read("milan-v2-virtee/report.bin", &len);
	struct cvm_snp_report r;
	uint8_t m[48];
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_snp_report_parse(d, len, &r, NULL), 0);
	memcpy(m, r.measurement, 48);
	assert_int_equal(cvm_attest_check_report(ctx, d, len, m, r.report_data,
						 32, &err),
			 0);
	m[0] ^= 0x80;
	assert_int_equal(cvm_attest_check_report(ctx, d, len, m, NULL, 0, &err),
			 -CVM_E_INVALID);
	assert_non_null(strstr(err.msg, "report is invalid: measurement:"));
	assert_int_equal(cvm_attest_check_report(ctx, d, 10, m, NULL, 0, &err),
			 -CVM_E_PARSE);
	cvm_attest_ctx_free(ctx);
}

/* Changing the Azure HCL runtime data breaks its REPORT_DATA binding. */
static void
test_hcl_tamper(void **state)
{
	struct cvm_attest_ctx *ctx =
		snp_ctx(NULL, "milan-v2-azure-hcl/vcek-chain.pem");
	struct cvm_attest_result *res = cvm_xcalloc(1, sizeof(*res));
	struct cvm_err err = CVM_ERR_INIT;
	size_t len = 0;
	cleanup_free uint8_t *d =
		snp_read("milan-v2-azure-hcl/hcl-report.bin", &len);
	uint32_t var = cvm_le32(d + 0x4D0);
	/* first, middle and last byte of the JSON; data size, report
	 * type, hash type, variable size */
	const size_t offs[] = {0x4D4, 0x4D4 + var / 2, 0x4D4 + var - 1,
			       0x4C0, 0x4C8,	       0x4CC,
			       0x4D0};

	(void)state;
	assert_int_equal(
		cvm_attest_verify(ctx, d, len, "hcl", &at_only, res, &err), 0);
	assert_int_equal(res->verdict, CVM_ATTEST_VALID);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		int r;

		d[offs[i]] ^= 1;
		r = cvm_attest_verify(ctx, d, len, "hcl", &at_only, res, &err);
		d[offs[i]] ^= 1;
		if (r < 0) {
			assert_int_equal(r, -CVM_E_PARSE);
			continue;
		}
		assert_int_equal(res->verdict, CVM_ATTEST_INVALID);
		assert_check(res, "hcl", CVM_ATTEST_CHECK_FAIL, NULL);
		assert_check(res, "report_sig", CVM_ATTEST_CHECK_PASS, NULL);
	}
	free(res);
	cvm_attest_ctx_free(ctx);
}

/* The built-in certificates are exactly AMD's published chains. */
static void
test_builtins_are_amds(void **state)
{
	static const struct {
		const char *file, *report, *vek;
	} chains[] = {
		{"amd-certs/ask_ark_milan.pem", "milan-v3-oak/report.bin",
		 "milan-v3-oak/vcek.der"},
		{"amd-certs/ask_ark_genoa.pem", "genoa-v5-oak/report.bin",
		 "genoa-v5-oak/vcek.der"},
		{"amd-certs/ask_ark_turin_vcek.pem", "turin-v5-oak/report.bin",
		 "turin-v5-oak/vcek.der"},
		{"amd-certs/ask_ark_milan_vlek.pem",
		 "milan-v3-vlek-vmpl1-trustee/report.bin",
		 "milan-v3-vlek-vmpl1-trustee/vlek.der"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(chains) / sizeof(chains[0]); i++) {
		struct cvm_attest_ctx *ctx = snp_ctx(chains[i].vek, NULL);
		struct cvm_attest_ctx *given =
			snp_ctx(chains[i].vek, chains[i].file);
		struct cvm_attest_result *a =
			snp_verify(ctx, chains[i].report, &at_only);
		struct cvm_attest_result *b =
			snp_verify(given, chains[i].report, &at_only);

		assert_int_equal(a->verdict, CVM_ATTEST_VALID);
		assert_int_equal(b->verdict, CVM_ATTEST_VALID);
		for (size_t k = 1; k < 3; k++) {
			assert_string_equal(a->certs[k].source, "built-in");
			assert_string_not_equal(b->certs[k].source, "built-in");
			assert_string_equal(a->certs[k].sha256,
					    b->certs[k].sha256);
		}
		free(a);
		free(b);
		cvm_attest_ctx_free(ctx);
		cvm_attest_ctx_free(given);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expected_cases),
		cmocka_unit_test(test_wrong_vcek),
		cmocka_unit_test(test_wrong_chain),
		cmocka_unit_test(test_bundle_selects_by_subject),
		cmocka_unit_test(test_wrong_family),
		cmocka_unit_test(test_expired_without_at),
		cmocka_unit_test(test_debug_policy),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_expectations),
		cmocka_unit_test(test_no_vcek),
		cmocka_unit_test(test_cert_cache),
		cmocka_unit_test(test_check_report),
		cmocka_unit_test(test_hcl_tamper),
		cmocka_unit_test(test_builtins_are_amds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
