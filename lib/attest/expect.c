/* SPDX-License-Identifier: MIT */
/*
 * The checks that compare a verified report with what the caller
 * expects (measurement, policy, debug, TCB, REPORT_DATA or nonce, VMPL,
 * HOST_DATA, ID key digest, chip ID), the Azure HCL runtime-data
 * binding, and reference-time parsing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "attest-priv.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"

/* "0011aabb...ccdd" (first and last 8 hex digits) for messages. */
static void
hex_short(const uint8_t *p, size_t n, char out[40])
{
	char full[2 * 64 + 1];

	cvm_hex_encode(p, n, full);
	if (n <= 12)
		snprintf(out, 40, "%.39s", full);
	else
		snprintf(out, 40, "%.8s...%s", full, full + 2 * n - 8);
}

static void
expect_bytes(struct cvm_attest_result *res, const char *id, const char *name,
	     const uint8_t *want, const uint8_t *got, size_t n)
{
	char a[40], b[40];

	if (!want)
		return;
	hex_short(want, n, a);
	hex_short(got, n, b);
	if (memcmp(want, got, n) != 0)
		attest_check_add(res, id, CVM_ATTEST_CHECK_FAIL,
				 "%s is %s, expected %s", name, b, a);
	else
		attest_check_add(res, id, CVM_ATTEST_CHECK_PASS, "%s is %s",
				 name, b);
}

void
attest_check_hcl(struct cvm_attest_result *res, const struct cvm_snp_hcl *hcl)
{
	/* Azure IGVM request data: user_data_hash_type 1/2/3 = SHA-256/384/512
	 */
	static const char *const mds[] = {NULL, "SHA256", "SHA384", "SHA512"};
	const uint8_t *rd = res->report.report_data;
	uint8_t md[64];
	unsigned int mdlen = 0;

	if (hcl->report_type != 2) {
		attest_check_add(res, "hcl", CVM_ATTEST_CHECK_FAIL,
				 "HCL report type %u is not 2 (SNP)",
				 hcl->report_type);
		return;
	}
	if (hcl->hash_type == 0 || hcl->hash_type >= CVM_ARRAY_SIZE(mds) ||
	    EVP_Digest(hcl->var_data, hcl->var_len, md, &mdlen,
		       EVP_get_digestbyname(mds[hcl->hash_type]), NULL) != 1) {
		attest_check_add(res, "hcl", CVM_ATTEST_CHECK_FAIL,
				 "HCL hash type %u is unknown", hcl->hash_type);
		return;
	}
	for (size_t i = mdlen; i < 64; i++)
		if (rd[i]) {
			attest_check_add(
				res, "hcl", CVM_ATTEST_CHECK_FAIL,
				"REPORT_DATA after the %u-byte hash is "
				"not zero",
				mdlen);
			return;
		}
	if (memcmp(rd, md, mdlen) != 0)
		attest_check_add(res, "hcl", CVM_ATTEST_CHECK_FAIL,
				 "REPORT_DATA does not hash the HCL runtime "
				 "data (%zu bytes)",
				 hcl->var_len);
	else
		attest_check_add(res, "hcl", CVM_ATTEST_CHECK_PASS,
				 "unwrapped Azure HCL report; REPORT_DATA = "
				 "%s of its runtime data (%zu bytes)",
				 mds[hcl->hash_type], hcl->var_len);
}

static void
expect_debug(struct cvm_attest_result *res, const struct cvm_attest_expect *e)
{
	uint64_t p = res->report.policy;

	/* SNP ABI Guest Policy bit 19 DEBUG: the hypervisor may debug it */
	if (!(p & CVM_ATTEST_POLICY_DEBUG))
		attest_check_add(res, "debug", CVM_ATTEST_CHECK_PASS,
				 "policy 0x%llx does not allow debugging",
				 (unsigned long long)p);
	else if (e->allow_debug)
		attest_check_add(res, "debug", CVM_ATTEST_CHECK_PASS,
				 "policy 0x%llx allows debugging (accepted: "
				 "--allow-debug)",
				 (unsigned long long)p);
	else
		attest_check_add(res, "debug", CVM_ATTEST_CHECK_FAIL,
				 "policy 0x%llx allows debugging (DEBUG, bit "
				 "19): the host can read guest memory; pass "
				 "--allow-debug to accept",
				 (unsigned long long)p);
}

static void
expect_min_tcb(struct cvm_attest_result *res, const struct cvm_attest_expect *e)
{
	const struct cvm_snp_tcb *t = &res->reported_tcb;
	struct cvm_snp_tcb m = e->min_tcb;
	const struct cvm_snp_tcb *min = &m;
	char a[64], b[64];
	bool ok;

	if (e->min_tcb_raw)
		cvm_snp_tcb_decode(e->min_tcb.raw, res->family, &m);
	ok = t->bl >= min->bl && t->tee >= min->tee && t->snp >= min->snp &&
	     t->ucode >= min->ucode && (!min->has_fmc || t->fmc >= min->fmc);
	cvm_snp_tcb_format(t, a, sizeof(a));
	cvm_snp_tcb_format(min, b, sizeof(b));
	if (min->has_fmc && !t->has_fmc && min->fmc)
		ok = false;
	attest_check_add(res, "min_tcb",
			 ok ? CVM_ATTEST_CHECK_PASS : CVM_ATTEST_CHECK_FAIL,
			 "REPORTED_TCB %s %s the minimum %s", a,
			 ok ? "meets" : "is below", b);
}

static void
expect_nonce(struct cvm_attest_result *res, const uint8_t *nonce, size_t n)
{
	char a[40], b[40];

	hex_short(nonce, n, a);
	hex_short(res->report.report_data, n, b);
	if (n == 0 || n > 64 || memcmp(nonce, res->report.report_data, n))
		attest_check_add(res, "nonce", CVM_ATTEST_CHECK_FAIL,
				 "REPORT_DATA starts with %s, not the nonce "
				 "%s (%zu bytes): a stale or replayed report",
				 b, a, n);
	else
		attest_check_add(res, "nonce", CVM_ATTEST_CHECK_PASS,
				 "REPORT_DATA starts with the nonce (%zu "
				 "bytes)",
				 n);
}

void
attest_check_expect(struct cvm_attest_result *res,
		    const struct cvm_attest_expect *e)
{
	const struct cvm_snp_report *r = &res->report;

	expect_debug(res, e);
	if (e->has_policy)
		attest_check_add(res, "policy",
				 r->policy == e->policy ? CVM_ATTEST_CHECK_PASS
							: CVM_ATTEST_CHECK_FAIL,
				 "policy is 0x%llx%s%s0x%llx",
				 (unsigned long long)r->policy,
				 r->policy == e->policy ? "" : ", expected",
				 r->policy == e->policy ? " = " : " ",
				 (unsigned long long)e->policy);
	expect_bytes(res, "measurement", "MEASUREMENT", e->measurement,
		     r->measurement, 48);
	expect_bytes(res, "report_data", "REPORT_DATA", e->report_data,
		     r->report_data, 64);
	if (e->nonce)
		expect_nonce(res, e->nonce, e->nonce_len);
	if (e->has_vmpl)
		attest_check_add(res, "vmpl",
				 r->vmpl == e->vmpl ? CVM_ATTEST_CHECK_PASS
						    : CVM_ATTEST_CHECK_FAIL,
				 "VMPL is %u%s%u", r->vmpl,
				 r->vmpl == e->vmpl ? " = " : ", expected ",
				 e->vmpl);
	expect_bytes(res, "host_data", "HOST_DATA", e->host_data, r->host_data,
		     32);
	expect_bytes(res, "id_key_digest", "ID_KEY_DIGEST", e->id_key_digest,
		     r->id_key_digest, 48);
	expect_bytes(res, "chip_id", "CHIP_ID", e->chip_id, r->chip_id, 64);
	if (e->has_min_tcb)
		expect_min_tcb(res, e);
}

static bool
parse_time(const char *text, time_t *out)
{
	struct tm tm;
	const char *end;
	uint64_t v;

	if (text[0] == '@') {
		if (cvm_parse_u64(text + 1, &v) < 0 || v > (uint64_t)INT64_MAX)
			return false;
		*out = (time_t)v;
		return true;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%d", &tm);
	if (end && (*end == 'T' || *end == ' ')) {
		end = strptime(end + 1, "%H:%M:%S", &tm);
		if (end && *end == 'Z')
			end++;
	}
	if (!end || *end)
		return false;
	*out = timegm(&tm);
	return true;
}

int
cvm_attest_parse_time(const char *text, time_t *out, struct cvm_err *err)
{
	if (!parse_time(text, out))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "bad time '%s': use YYYY-MM-DD, "
				   "YYYY-MM-DDTHH:MM:SSZ (UTC) or @SECONDS",
				   text);
	return 0;
}
