/* SPDX-License-Identifier: MIT */
/*
 * A verification result as JSON (documented in docs/attest.schema.json).
 * 64-bit values that may exceed 2^53 (policy, TCB, platform info) are
 * hex strings so that no JSON reader rounds them.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "attest-priv.h"
#include "cvm/util.h"

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void
add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void
add_hex(struct json_object *o, const char *k, const uint8_t *p, size_t n)
{
	char buf[2 * 64 + 1];

	cvm_hex_encode(p, n, buf);
	add_str(o, k, buf);
}

static void
add_u64hex(struct json_object *o, const char *k, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	add_str(o, k, buf);
}

static struct json_object *
tcb_json(const struct cvm_snp_tcb *t)
{
	struct json_object *o = json_object_new_object();
	char text[64];

	add_u64hex(o, "raw", t->raw);
	if (t->has_fmc)
		add_int(o, "fmc", t->fmc);
	add_int(o, "bl", t->bl);
	add_int(o, "tee", t->tee);
	add_int(o, "snp", t->snp);
	add_int(o, "ucode", t->ucode);
	cvm_snp_tcb_format(t, text, sizeof(text));
	add_str(o, "text", text);
	return o;
}

static struct json_object *
policy_json(const struct cvm_policy_report *p)
{
	struct json_object *o = json_object_new_object(), *a, *f;
	char bits[16];

	a = json_object_new_array();
	for (size_t i = 0; i < p->nfields; i++) {
		const struct cvm_policy_field *d = &p->fields[i];

		f = json_object_new_object();
		add_str(f, "name", d->name);
		if (d->lo == d->hi)
			snprintf(bits, sizeof(bits), "%u", d->lo);
		else
			snprintf(bits, sizeof(bits), "%u-%u", d->hi, d->lo);
		add_str(f, "bits", bits);
		add_u64hex(f, "value", d->value);
		add_str(f, "meaning", d->meaning);
		json_object_array_add(a, f);
	}
	json_object_object_add(o, "fields", a);
	a = json_object_new_array();
	for (size_t i = 0; i < p->nnotes; i++) {
		static const char *const lv[] = {"info", "warning", "error"};

		f = json_object_new_object();
		add_str(f, "level", lv[p->notes[i].level % 3]);
		add_str(f, "text", p->notes[i].text);
		json_object_array_add(a, f);
	}
	json_object_object_add(o, "notes", a);
	return o;
}

static struct json_object *
report_json(const struct cvm_attest_result *res)
{
	const struct cvm_snp_report *r = &res->report;
	struct json_object *o = json_object_new_object(), *a;
	char buf[160];

	add_int(o, "version", r->version);
	add_int(o, "guest_svn", r->guest_svn);
	add_u64hex(o, "policy", r->policy);
	json_object_object_add(
		o, "policy_debug",
		json_object_new_boolean(r->policy & CVM_ATTEST_POLICY_DEBUG));
	json_object_object_add(o, "policy_explained",
			       policy_json(&res->policy));
	add_hex(o, "family_id", r->family_id, 16);
	add_hex(o, "image_id", r->image_id, 16);
	add_int(o, "vmpl", r->vmpl);
	add_int(o, "signature_algo", r->sig_algo);
	add_str(o, "signing_key",
		r->signing_key == CVM_SNP_SIGNER_VCEK	? "VCEK"
		: r->signing_key == CVM_SNP_SIGNER_VLEK ? "VLEK"
		: r->signing_key == CVM_SNP_SIGNER_NONE ? "none"
							: "unknown");
	json_object_object_add(o, "author_key_en",
			       json_object_new_boolean(r->author_key_en));
	json_object_object_add(o, "mask_chip_key",
			       json_object_new_boolean(r->mask_chip_key));
	add_u64hex(o, "platform_info", r->platform_info);
	cvm_snp_platform_info_format(r->platform_info, buf, sizeof(buf));
	add_str(o, "platform_info_flags", buf);
	json_object_object_add(o, "current_tcb", tcb_json(&res->current_tcb));
	json_object_object_add(o, "reported_tcb", tcb_json(&res->reported_tcb));
	json_object_object_add(o, "committed_tcb",
			       tcb_json(&res->committed_tcb));
	json_object_object_add(o, "launch_tcb", tcb_json(&res->launch_tcb));
	add_hex(o, "report_data", r->report_data, 64);
	add_hex(o, "measurement", r->measurement, 48);
	add_hex(o, "host_data", r->host_data, 32);
	add_hex(o, "id_key_digest", r->id_key_digest, 48);
	add_hex(o, "author_key_digest", r->author_key_digest, 48);
	add_hex(o, "report_id", r->report_id, 32);
	add_hex(o, "report_id_ma", r->report_id_ma, 32);
	add_hex(o, "chip_id", r->chip_id, 64);
	if (r->has_cpuid) {
		a = json_object_new_object();
		add_int(a, "family", r->cpuid_fam);
		add_int(a, "model", r->cpuid_mod);
		add_int(a, "stepping", r->cpuid_step);
		json_object_object_add(o, "cpuid", a);
	} else {
		json_object_object_add(o, "cpuid", NULL);
	}
	snprintf(buf, sizeof(buf), "%u.%u.%u", r->current_major,
		 r->current_minor, r->current_build);
	add_str(o, "current_fw", buf);
	snprintf(buf, sizeof(buf), "%u.%u.%u", r->committed_major,
		 r->committed_minor, r->committed_build);
	add_str(o, "committed_fw", buf);
	if (r->has_mit) {
		add_u64hex(o, "launch_mit_vector", r->launch_mit_vector);
		add_u64hex(o, "current_mit_vector", r->current_mit_vector);
	}
	a = json_object_new_array();
	for (size_t i = 0; i < r->n_nonzero_reserved; i++)
		json_object_array_add(
			a, json_object_new_string(r->nonzero_reserved[i]));
	json_object_object_add(o, "nonzero_reserved", a);
	return o;
}

static struct json_object *
cert_json(const struct cvm_attest_certinfo *c)
{
	struct json_object *o = json_object_new_object();
	char hwid[2 * 64 + 1];

	add_str(o, "role", cvm_cert_role_name(c->role));
	add_str(o, "subject_cn", c->subject_cn);
	add_str(o, "issuer_cn", c->issuer_cn);
	add_str(o, "source", c->source);
	add_str(o, "not_before", c->not_before);
	add_str(o, "not_after", c->not_after);
	add_str(o, "sha256", c->sha256);
	if (!c->has_ext)
		return o;
	add_str(o, "product", c->product);
	json_object_object_add(o, "tcb", tcb_json(&c->tcb));
	if (c->hwid_len) {
		cvm_hex_encode(c->hwid, c->hwid_len, hwid);
		add_str(o, "hwid", hwid);
		add_str(o, "hwid_encoding", c->hwid_encoding);
	}
	if (c->csp_id[0])
		add_str(o, "csp_id", c->csp_id);
	return o;
}

struct json_object *
cvm_attest_result_json(const struct cvm_attest_result *res, const char *what)
{
	struct json_object *o = json_object_new_object(), *a;
	const struct cvm_attest_check *p = cvm_attest_first_problem(res);
	char buf[480];

	add_str(o, "schema", "cvm-attest-verify/1");
	add_str(o, "input", what);
	add_str(o, "verdict", cvm_attest_verdict_name(res->verdict));
	if (p)
		snprintf(buf, sizeof(buf), "%s: %s", p->id, p->detail);
	add_str(o, "reason", p ? buf : NULL);
	attest_time_format(res->at, buf);
	add_str(o, "checked_at", buf);
	add_str(o, "format",
		res->has_report ? cvm_snp_format_name(res->format) : NULL);
	json_object_object_add(o, "azure_hcl",
			       json_object_new_boolean(res->hcl));
	add_str(o, "family",
		res->family ? cvm_snp_family_name(res->family) : NULL);
	add_str(o, "family_source",
		res->family_source[0] ? res->family_source : NULL);
	add_str(o, "kds_url", res->kds_url[0] ? res->kds_url : NULL);
	json_object_object_add(o, "report",
			       res->has_report ? report_json(res) : NULL);
	a = json_object_new_array();
	for (size_t i = 0; i < res->ncerts; i++)
		json_object_array_add(a, cert_json(&res->certs[i]));
	json_object_object_add(o, "certificates", a);
	a = json_object_new_array();
	for (size_t i = 0; i < res->nchecks; i++) {
		struct json_object *c = json_object_new_object();

		add_str(c, "id", res->checks[i].id);
		add_str(c, "status",
			cvm_attest_check_status_name(res->checks[i].status));
		add_str(c, "detail", res->checks[i].detail);
		json_object_array_add(a, c);
	}
	json_object_object_add(o, "checks", a);
	a = json_object_new_array();
	for (size_t i = 0; i < res->nnotes; i++)
		json_object_array_add(a, json_object_new_string(res->notes[i]));
	json_object_object_add(o, "notes", a);
	return o;
}
