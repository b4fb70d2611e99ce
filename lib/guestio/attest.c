/* SPDX-License-Identifier: MIT */
/*
 * `cvm run --attest`, the host's half: verify the report the guest
 * printed (docs/result-format.md "report") with the attestation library
 * (AMD's chain, the report signature, TCB, and the expectations: the
 * nonce in REPORT_DATA, VMPL 0, no debug policy, the launch digest and
 * policy of this launch), and the "sev" object of `cvm run --json`.
 * See cvm/runsev.h.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/util.h"

static int
no_report(const struct cvm_guest_record *rec, struct cvm_err *err)
{
	const char *st = cvm_guest_record_info(rec, "attest_status");

	if (st)
		return cvm_err_set(err, -CVM_E_STATE,
				   "the guest printed no attestation report "
				   "(its attest_status: %s)",
				   st);
	return cvm_err_set(err, -CVM_E_STATE,
			   "the guest printed no attestation report (the "
			   "attest workload did not report)");
}

static int
add_certs(struct cvm_attest_ctx *ctx, const struct cvm_run_attest_opts *o,
	  struct cvm_err *err)
{
	cleanup_free char *data = NULL, *cache = NULL;

	if (o->vcek &&
	    cvm_attest_ctx_add_file(ctx, o->vcek, CVM_CERT_ROLE_VEK, err) < 0)
		return cvm_err_prefix(err, "--vcek");
	if (o->certs && cvm_attest_ctx_add_certs(ctx, o->certs, err) < 0)
		return cvm_err_prefix(err, "--certs");
	if (o->cache) {
		cvm_attest_ctx_set_cache(ctx, o->cache);
		return 0;
	}
	/* VCEKs fetched once from AMD KDS can live in <data dir>/vcek */
	if ((data = cvm_data_dir()) &&
	    access(cache = cvm_xasprintf("%s/vcek", data), R_OK) == 0)
		cvm_attest_ctx_set_cache(ctx, cache);
	return 0;
}

static int
verdict(const struct cvm_attest_result *res, struct cvm_err *err)
{
	const struct cvm_attest_check *c = cvm_attest_first_problem(res);

	if (res->verdict == CVM_ATTEST_VALID)
		return 0;
	if (res->verdict == CVM_ATTEST_INVALID)
		return cvm_err_set(err, -CVM_E_INVALID,
				   "the guest's report is invalid: %s: %s",
				   c ? c->id : "?", c ? c->detail : "");
	return cvm_err_set(err, -ENOENT,
			   "the guest's report could not be verified: %s: "
			   "%s%s%s",
			   c ? c->id : "?", c ? c->detail : "",
			   res->kds_url[0] ? "; its VCEK: " : "", res->kds_url);
}

int
cvm_run_attest_verify(const struct cvm_guest_record *rec,
		      const struct cvm_run_attest_opts *o,
		      struct cvm_attest_result *res, struct cvm_err *err)
{
	uint8_t report[CVM_SNP_REPORT_SIZE];
	struct cvm_attest_expect e = {
		.measurement = o->measurement,
		.nonce = o->nonce,
		.nonce_len = o->nonce ? o->nonce_len : 0,
		.has_policy = o->has_policy,
		.policy = o->policy,
		.has_vmpl = true, /* the unikernel asks at VMPL 0 */
		.at = o->at,
	};
	struct cvm_attest_ctx *ctx;
	int r;

	memset(res, 0, sizeof(*res));
	if (!rec->report_hex)
		return no_report(rec, err);
	if (cvm_hex_decode(rec->report_hex, report, sizeof(report), err) < 0)
		return cvm_err_prefix(err, "the guest's report");
	ctx = cvm_attest_ctx_new();
	r = add_certs(ctx, o, err);
	if (r == 0)
		r = cvm_attest_verify(ctx, report, sizeof(report),
				      "the guest's report", &e, res, err);
	cvm_attest_ctx_free(ctx);
	return r < 0 ? r : verdict(res, err);
}

void
cvm_run_attest_opts_from_plan(const struct cvm_run_plan *p,
			      struct cvm_run_attest_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->measurement = p->sev.have_expected ? p->sev.expected : NULL;
	o->nonce = p->sev.nonce;
	o->nonce_len = sizeof(p->sev.nonce);
	o->has_policy = true;
	o->policy = p->sev.params.policy;
	o->vcek = p->req.vcek;
	o->certs = p->req.certs;
	o->at = p->req.at;
}

static struct json_object *
hex_or_null(bool have, const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];

	if (!have)
		return NULL;
	cvm_hex_encode(p, n, hex);
	return json_object_new_string(hex);
}

static struct json_object *
str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

struct json_object *
cvm_run_sev_json(const struct cvm_run_plan *p)
{
	const struct cvm_run_sev *s = &p->sev;
	struct json_object *o = json_object_new_object();
	bool prot = p->spec.protection != CVM_PROT_NONE;
	char pol[24];

	snprintf(pol, sizeof(pol), "0x%llx",
		 (unsigned long long)s->params.policy);
	json_object_object_add(
		o, "requested",
		json_object_new_string(cvm_protection_name(s->requested)));
	json_object_object_add(o, "source", str_or_null(s->source));
	json_object_object_add(o, "fallback",
			       json_object_new_boolean(s->fell_back));
	json_object_object_add(o, "note", str_or_null(s->note));
	json_object_object_add(o, "policy",
			       prot ? json_object_new_string(pol) : NULL);
	json_object_object_add(
		o, "cbitpos",
		prot ? json_object_new_int((int)s->params.cbitpos) : NULL);
	json_object_object_add(o, "measured_kernel",
			       json_object_new_boolean(s->measured_kernel));
	json_object_object_add(o, "attest", json_object_new_boolean(s->attest));
	json_object_object_add(o, "nonce", str_or_null(s->nonce_hex));
	json_object_object_add(o, "expected_measurement",
			       hex_or_null(s->have_expected, s->expected, 48));
	json_object_object_add(o, "expected_note",
			       str_or_null(s->expected_note));
	return o;
}
