/* SPDX-License-Identifier: MIT */
/*
 * Verify an SNP attestation report: report fields, processor generation,
 * the AMD chain (chain.c), the ECDSA P-384 report signature, the VEK's
 * TCB and hwID extensions against the report, the Azure HCL binding and
 * the caller's expectations (expect.c).  Every check records pass, fail,
 * skip or "could not verify" with its reason; nothing short-circuits a
 * failure into success.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>

#include "attest-priv.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"

struct cvm_attest_check *
attest_check_add(struct cvm_attest_result *res, const char *id,
		 enum cvm_attest_check_status st, const char *fmt, ...)
{
	struct cvm_attest_check *c;
	va_list ap;

	if (res->nchecks >= CVM_ATTEST_MAX_CHECKS)
		CVM_BUG("too many attestation checks");
	c = &res->checks[res->nchecks++];
	c->id = id;
	c->status = st;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return c;
}

static void add_note(struct cvm_attest_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
add_note(struct cvm_attest_result *res, const char *fmt, ...)
{
	va_list ap;

	if (res->nnotes >= CVM_ARRAY_SIZE(res->notes))
		return;
	va_start(ap, fmt);
	vsnprintf(res->notes[res->nnotes++], sizeof(res->notes[0]), fmt, ap);
	va_end(ap);
}

static void
check_fields(struct cvm_attest_result *res)
{
	const struct cvm_snp_report *r = &res->report;

	if (r->version > 5)
		add_note(res,
			 "report version %u is newer than 5; decoded with "
			 "the version 5 layout",
			 r->version);
	for (size_t i = 0; i < r->n_nonzero_reserved; i++)
		add_note(res, "reserved bytes %s are not zero",
			 r->nonzero_reserved[i]);
	if (r->sig_algo != 1)
		attest_check_add(res, "report", CVM_ATTEST_CHECK_FAIL,
				 "SIGNATURE_ALGO %u is not 1 (ECDSA P-384 "
				 "with SHA-384)",
				 r->sig_algo);
	else if (r->mask_chip_key)
		attest_check_add(res, "report", CVM_ATTEST_CHECK_FAIL,
				 "MASK_CHIP_KEY is set: the report carries no "
				 "chip-key signature");
	else if (r->signing_key == CVM_SNP_SIGNER_NONE)
		attest_check_add(res, "report", CVM_ATTEST_CHECK_FAIL,
				 "SIGNING_KEY is 7: the report is not signed");
	else if (r->signing_key != CVM_SNP_SIGNER_VCEK &&
		 r->signing_key != CVM_SNP_SIGNER_VLEK)
		attest_check_add(res, "report", CVM_ATTEST_CHECK_FAIL,
				 "SIGNING_KEY %u is not VCEK (0) or VLEK (1)",
				 r->signing_key);
	else
		attest_check_add(res, "report", CVM_ATTEST_CHECK_PASS,
				 "version %u, ECDSA P-384 SHA-384, signed by "
				 "the %s",
				 r->version, r->signing_key ? "VLEK" : "VCEK");
}

/* A VEK for the report: given, from the pool, or from the cache. */
static struct attest_cert *
select_vek(struct cvm_attest_ctx *ctx, const struct cvm_snp_report *r)
{
	enum cvm_cert_role want = r->signing_key == CVM_SNP_SIGNER_VLEK
					  ? CVM_CERT_ROLE_VLEK
					  : CVM_CERT_ROLE_VCEK;
	struct attest_cert *first = NULL, *c;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *path = NULL;
	char name[200];

	if (ctx->vek)
		return ctx->vek;
	for (size_t i = 0; i < ctx->npool; i++) {
		c = ctx->pool[i];
		if (c->role != want)
			continue;
		if (!first)
			first = c;
		/* several VCEKs (a cache folder): take the one for this chip */
		if (want == CVM_CERT_ROLE_VLEK ||
		    (c->ext.hwid_len &&
		     memcmp(c->ext.hwid, r->chip_id, c->ext.hwid_len) == 0))
			return c;
	}
	if (!ctx->cache_dir || want != CVM_CERT_ROLE_VCEK)
		return first;
	cvm_attest_cache_name(r, name, sizeof(name));
	path = cvm_xasprintf("%s/%s", ctx->cache_dir, name);
	if (access(path, F_OK) != 0 ||
	    cvm_attest_ctx_add_file(ctx, path, CVM_CERT_ROLE_ANY, &err) < 0)
		return first;
	c = ctx->pool[ctx->npool - 1];
	snprintf(c->source, sizeof(c->source), "cache:%s", path);
	return c->role == want ? c : first;
}

static enum cvm_snp_family
check_family(struct cvm_attest_result *res, const struct attest_cert *vek)
{
	const struct cvm_snp_report *r = &res->report;
	enum cvm_snp_family cpu = CVM_SNP_FAMILY_UNKNOWN;
	enum cvm_snp_family vf = vek ? vek->family : CVM_SNP_FAMILY_UNKNOWN;
	bool cpuid = r->has_cpuid && (r->cpuid_fam || r->cpuid_mod);

	if (cpuid) {
		cpu = cvm_snp_family_from_cpuid(r->cpuid_fam, r->cpuid_mod);
		snprintf(res->family_source, sizeof(res->family_source),
			 "CPUID family 0x%x model 0x%x", r->cpuid_fam,
			 r->cpuid_mod);
		if (!cpu) {
			attest_check_add(res, "family", CVM_ATTEST_CHECK_FAIL,
					 "%s is not a known SNP processor",
					 res->family_source);
			return CVM_SNP_FAMILY_UNKNOWN;
		}
	} else if (vf) {
		snprintf(res->family_source, sizeof(res->family_source),
			 "%.8s product '%.40s'", cvm_cert_role_name(vek->role),
			 vek->ext.product[0] ? vek->ext.product
					     : vek->issuer_cn);
		cpu = vf;
	}
	if (!cpu && vek) {
		attest_check_add(res, "family", CVM_ATTEST_CHECK_FAIL,
				 "a version %u report has no CPUID and '%s' "
				 "names no known generation",
				 r->version, vek->source);
		return CVM_SNP_FAMILY_UNKNOWN;
	}
	if (!cpu) {
		attest_check_add(res, "family", CVM_ATTEST_CHECK_UNVERIFIED,
				 "cannot tell the processor generation: a "
				 "version %u report has no CPUID and there is "
				 "no VCEK",
				 r->version);
		return CVM_SNP_FAMILY_UNKNOWN;
	}
	if (vf && vf != cpu)
		attest_check_add(res, "family", CVM_ATTEST_CHECK_FAIL,
				 "the report is from a %s processor (%s), but "
				 "'%s' is a %s certificate",
				 cvm_snp_family_name(cpu), res->family_source,
				 vek->source, cvm_snp_family_name(vf));
	else
		attest_check_add(res, "family", CVM_ATTEST_CHECK_PASS,
				 "%s (%s)", cvm_snp_family_name(cpu),
				 res->family_source);
	return cpu;
}

static bool
p384_key(EVP_PKEY *key)
{
	char group[32];

	return key && EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
	       EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
					      group, sizeof(group), NULL) &&
	       strcmp(group, "secp384r1") == 0;
}

static bool
all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/*
 * SNP ABI "Signature Format": R and S are 72-byte little-endian fields
 * (P-384 uses the low 48 bytes); the rest of the 512-byte signature
 * area is reserved.  Non-zero padding would make the signature
 * malleable, so it is rejected.
 */
static bool
ecdsa_ok(struct attest_cert *vek, const uint8_t *raw, char *why, size_t n)
{
	uint8_t md[48];
	unsigned int mdlen = 0;
	unsigned char *der = NULL;
	ECDSA_SIG *sig = NULL;
	int derlen, ok = 0;

	if (!all_zero(raw + 0x2A0 + 48, 24) ||
	    !all_zero(raw + 0x2E8 + 48, 24) ||
	    !all_zero(raw + 0x330, CVM_SNP_REPORT_SIZE - 0x330)) {
		snprintf(why, n,
			 "signature padding (0x2d0-0x2e7, 0x318-0x4a0) "
			 "is not zero");
		return false;
	}
	if (!vek->ecdsa) {
		vek->ecdsa = EVP_PKEY_CTX_new(X509_get0_pubkey(vek->x), NULL);
		if (!vek->ecdsa || EVP_PKEY_verify_init(vek->ecdsa) != 1 ||
		    EVP_PKEY_CTX_set_signature_md(vek->ecdsa, EVP_sha384()) !=
			    1) {
			EVP_PKEY_CTX_free(vek->ecdsa);
			vek->ecdsa = NULL;
			snprintf(why, n, "cannot use the %s key", vek->cn);
			return false;
		}
	}
	sig = ECDSA_SIG_new();
	if (sig && EVP_Digest(raw, CVM_SNP_SIGNED_SIZE, md, &mdlen,
			      EVP_sha384(), NULL) == 1)
		ok = ECDSA_SIG_set0(sig, BN_lebin2bn(raw + 0x2A0, 48, NULL),
				    BN_lebin2bn(raw + 0x2E8, 48, NULL));
	derlen = ok ? i2d_ECDSA_SIG(sig, &der) : -1;
	ok = derlen > 0 &&
	     EVP_PKEY_verify(vek->ecdsa, der, (size_t)derlen, md, mdlen) == 1;
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	ERR_clear_error();
	if (!ok)
		snprintf(why, n,
			 "the ECDSA P-384 signature does not verify with "
			 "'%.140s'",
			 vek->source);
	return ok;
}

static void
check_signature(struct cvm_attest_result *res, struct attest_cert *vek)
{
	const struct cvm_snp_report *r = &res->report;
	enum cvm_cert_role want = r->signing_key == CVM_SNP_SIGNER_VLEK
					  ? CVM_CERT_ROLE_VLEK
					  : CVM_CERT_ROLE_VCEK;
	char why[200];

	if (vek->role != want) {
		attest_check_add(res, "report_sig", CVM_ATTEST_CHECK_FAIL,
				 "the report is signed by a %s, but '%s' is "
				 "%s",
				 cvm_cert_role_name(want), vek->source,
				 vek->cn[0] ? vek->cn : "unnamed");
		return;
	}
	if (!p384_key(X509_get0_pubkey(vek->x))) {
		attest_check_add(res, "report_sig", CVM_ATTEST_CHECK_FAIL,
				 "'%s' does not hold an EC P-384 key",
				 vek->source);
		return;
	}
	if (!ecdsa_ok(vek, r->raw, why, sizeof(why)))
		attest_check_add(res, "report_sig", CVM_ATTEST_CHECK_FAIL, "%s",
				 why);
	else
		attest_check_add(res, "report_sig", CVM_ATTEST_CHECK_PASS,
				 "ECDSA P-384 over 0x000-0x29f verifies with "
				 "the %s",
				 cvm_cert_role_name(want));
}

static void
check_tcb(struct cvm_attest_result *res, const struct attest_cert *vek)
{
	static const struct {
		int arc;
		const char *name;
	} spl[] = {{9, "fmcSPL"},
		   {1, "blSPL"},
		   {2, "teeSPL"},
		   {3, "snpSPL"},
		   {8, "ucodeSPL"}};
	const struct attest_vek_ext *e = &vek->ext;
	const struct cvm_snp_tcb *t = &res->reported_tcb;
	const uint8_t want[10] = {[1] = t->bl,
				  [2] = t->tee,
				  [3] = t->snp,
				  [8] = t->ucode,
				  [9] = t->fmc};
	char a[64], b[64];

	if (e->error[0]) {
		attest_check_add(res, "tcb", CVM_ATTEST_CHECK_FAIL, "'%s': %s",
				 vek->source, e->error);
		return;
	}
	for (size_t i = t->has_fmc ? 0 : 1; i < CVM_ARRAY_SIZE(spl); i++) {
		int k = spl[i].arc;

		if (!e->has_spl[k]) {
			attest_check_add(res, "tcb", CVM_ATTEST_CHECK_FAIL,
					 "'%s' has no %s extension",
					 vek->source, spl[i].name);
			return;
		}
		if (e->spl[k] != want[k]) {
			struct cvm_snp_tcb v = {.has_fmc = t->has_fmc,
						.fmc = e->spl[9],
						.bl = e->spl[1],
						.tee = e->spl[2],
						.snp = e->spl[3],
						.ucode = e->spl[8]};

			cvm_snp_tcb_format(&v, a, sizeof(a));
			cvm_snp_tcb_format(t, b, sizeof(b));
			attest_check_add(res, "tcb", CVM_ATTEST_CHECK_FAIL,
					 "the %s is for TCB %s, but "
					 "REPORTED_TCB is %s",
					 cvm_cert_role_name(vek->role), a, b);
			return;
		}
	}
	cvm_snp_tcb_format(t, b, sizeof(b));
	attest_check_add(res, "tcb", CVM_ATTEST_CHECK_PASS,
			 "%s extensions match REPORTED_TCB (%s)",
			 cvm_cert_role_name(vek->role), b);
}

static void
check_hwid(struct cvm_attest_result *res, const struct attest_cert *vek)
{
	const struct attest_vek_ext *e = &vek->ext;
	const uint8_t *chip = res->report.chip_id;
	size_t want = res->family == CVM_SNP_TURIN ? 8 : 64;
	char a[20], b[20];

	if (vek->role == CVM_CERT_ROLE_VLEK) {
		attest_check_add(res, "hwid", CVM_ATTEST_CHECK_SKIP,
				 "a VLEK is not bound to a chip");
		return;
	}
	if (e->hwid_len != want) {
		attest_check_add(res, "hwid", CVM_ATTEST_CHECK_FAIL,
				 "'%s' has %s hwID (%zu bytes; a %s VCEK has "
				 "%zu)",
				 vek->source, e->hwid_len ? "a wrong" : "no",
				 e->hwid_len, cvm_snp_family_name(res->family),
				 want);
		return;
	}
	if (memcmp(e->hwid, chip, want) != 0 ||
	    !all_zero(chip + want, 64 - want)) {
		cvm_hex_encode(e->hwid, 8, a);
		cvm_hex_encode(chip, 8, b);
		attest_check_add(res, "hwid", CVM_ATTEST_CHECK_FAIL,
				 "the VCEK is for chip %s..., but CHIP_ID is "
				 "%s...: this VCEK belongs to another "
				 "processor",
				 a, b);
		return;
	}
	attest_check_add(res, "hwid", CVM_ATTEST_CHECK_PASS,
			 "VCEK hwID (%zu bytes, %s) equals CHIP_ID", want,
			 e->hwid_encoding);
}

static void
set_verdict(struct cvm_attest_result *res)
{
	res->verdict = CVM_ATTEST_VALID;
	for (size_t i = 0; i < res->nchecks; i++) {
		if (res->checks[i].status == CVM_ATTEST_CHECK_FAIL) {
			res->verdict = CVM_ATTEST_INVALID;
			return;
		}
		if (res->checks[i].status == CVM_ATTEST_CHECK_UNVERIFIED)
			res->verdict = CVM_ATTEST_UNVERIFIED;
	}
}

static void
decode_tcbs(struct cvm_attest_result *res)
{
	const struct cvm_snp_report *r = &res->report;

	cvm_snp_tcb_decode(r->current_tcb, res->family, &res->current_tcb);
	cvm_snp_tcb_decode(r->reported_tcb, res->family, &res->reported_tcb);
	cvm_snp_tcb_decode(r->committed_tcb, res->family, &res->committed_tcb);
	cvm_snp_tcb_decode(r->launch_tcb, res->family, &res->launch_tcb);
}

static void
no_vek(struct cvm_attest_result *res)
{
	const char *kind = res->report.signing_key == CVM_SNP_SIGNER_VLEK
				   ? "VLEK"
				   : "VCEK";

	if (res->kds_url[0])
		attest_check_add(res, "vek", CVM_ATTEST_CHECK_UNVERIFIED,
				 "no VCEK: fetch %s and pass --vcek FILE (or "
				 "--cert-cache DIR)",
				 res->kds_url);
	else
		attest_check_add(res, "vek", CVM_ATTEST_CHECK_UNVERIFIED,
				 "no %s: pass --vcek FILE or --certs DIR",
				 kind);
}

static void
verify_report(struct cvm_attest_ctx *ctx, struct cvm_attest_result *res,
	      const struct cvm_snp_evidence *ev,
	      const struct cvm_attest_expect *exp)
{
	struct attest_cert *vek;
	struct cvm_err kerr = CVM_ERR_INIT;

	check_fields(res);
	vek = res->checks[0].status == CVM_ATTEST_CHECK_PASS
		      ? select_vek(ctx, &res->report)
		      : NULL;
	if (vek)
		attest_certinfo_fill(vek, &res->certs[res->ncerts++]);
	res->family = check_family(res, vek);
	decode_tcbs(res);
	if (res->family)
		cvm_attest_kds_url(&res->report, res->family, res->kds_url,
				   sizeof(res->kds_url), &kerr);
	if (vek && res->family)
		attest_chain_verify(ctx, vek, res->family, res->at, res);
	else if (!vek && res->checks[0].status == CVM_ATTEST_CHECK_PASS)
		no_vek(res);
	if (vek) {
		check_signature(res, vek);
		if (res->family) {
			check_tcb(res, vek);
			check_hwid(res, vek);
		}
	}
	if (ev->hcl.present)
		attest_check_hcl(res, &ev->hcl);
	attest_check_expect(res, exp);
}

int
cvm_attest_verify(struct cvm_attest_ctx *ctx, const uint8_t *data, size_t len,
		  const char *what, const struct cvm_attest_expect *exp,
		  struct cvm_attest_result *res, struct cvm_err *err)
{
	static const struct cvm_attest_expect none;
	struct cvm_snp_evidence ev;
	int r;

	memset(res, 0, sizeof(*res));
	r = cvm_snp_evidence_load(data, len, what ? what : "report", &ev, err);
	if (r < 0)
		return r;
	if (!exp)
		exp = &none;
	res->has_report = true;
	res->report = ev.report;
	res->format = ev.format;
	res->hcl = ev.hcl.present;
	res->at = exp->at ? exp->at : time(NULL);
	cvm_policy_explain(CVM_POLICY_SNP, ev.report.policy, NULL,
			   &res->policy);
	verify_report(ctx, res, &ev, exp);
	cvm_snp_evidence_release(&ev);
	set_verdict(res);
	return 0;
}

/* Without a report: the VEK's extensions must at least be complete. */
static void
check_ext_complete(struct cvm_attest_result *res, const struct attest_cert *vek)
{
	const struct attest_vek_ext *e = &vek->ext;
	bool turin = res->family == CVM_SNP_TURIN;
	size_t hwid = vek->role == CVM_CERT_ROLE_VCEK ? (turin ? 8 : 64) : 0;
	char tcb[64];

	if (e->error[0] || !e->has_spl[1] || !e->has_spl[2] || !e->has_spl[3] ||
	    !e->has_spl[8] || (turin && !e->has_spl[9]) ||
	    e->hwid_len != hwid) {
		attest_check_add(res, "extensions", CVM_ATTEST_CHECK_FAIL,
				 "'%s': %s", vek->source,
				 e->error[0]
					 ? e->error
					 : "TCB or hwID extensions are "
					   "missing or have the wrong size");
		return;
	}
	cvm_snp_tcb_format(&res->certs[0].tcb, tcb, sizeof(tcb));
	attest_check_add(res, "extensions", CVM_ATTEST_CHECK_PASS,
			 "product '%s', TCB %s%s", e->product, tcb,
			 hwid ? ", hwID present" : "");
}

static void
chain_only(struct cvm_attest_ctx *ctx, struct attest_cert *vek,
	   struct cvm_attest_result *res)
{
	snprintf(res->family_source, sizeof(res->family_source),
		 "%.8s product '%.40s'", cvm_cert_role_name(vek->role),
		 vek->ext.product[0] ? vek->ext.product : vek->issuer_cn);
	attest_check_add(res, "family", CVM_ATTEST_CHECK_PASS, "%s (%s)",
			 cvm_snp_family_name(vek->family), res->family_source);
	check_ext_complete(res, vek);
	attest_chain_verify(ctx, vek, vek->family, res->at, res);
}

int
cvm_attest_verify_chain(struct cvm_attest_ctx *ctx, time_t at,
			struct cvm_attest_result *res, struct cvm_err *err)
{
	struct attest_cert *vek = ctx->vek;

	memset(res, 0, sizeof(*res));
	if (!vek)
		return cvm_err_set(err, -ENOENT,
				   "no VCEK or VLEK to verify (--vcek FILE)");
	res->at = at ? at : time(NULL);
	attest_certinfo_fill(vek, &res->certs[res->ncerts++]);
	res->family = vek->family;
	if (vek->role != CVM_CERT_ROLE_VCEK && vek->role != CVM_CERT_ROLE_VLEK)
		attest_check_add(res, "vek", CVM_ATTEST_CHECK_FAIL,
				 "'%s' is %s, not a VCEK or VLEK (CN SEV-VCEK "
				 "or SEV-VLEK with an EC key)",
				 vek->source, vek->cn[0] ? vek->cn : "unnamed");
	else if (!vek->family)
		attest_check_add(res, "family", CVM_ATTEST_CHECK_FAIL,
				 "'%s' names no known generation (product "
				 "'%s', issuer '%s')",
				 vek->source, vek->ext.product, vek->issuer_cn);
	else
		chain_only(ctx, vek, res);
	set_verdict(res);
	return 0;
}

const struct cvm_attest_check *
cvm_attest_first_problem(const struct cvm_attest_result *res)
{
	for (size_t i = 0; i < res->nchecks; i++)
		if (res->checks[i].status == CVM_ATTEST_CHECK_FAIL)
			return &res->checks[i];
	for (size_t i = 0; i < res->nchecks; i++)
		if (res->checks[i].status == CVM_ATTEST_CHECK_UNVERIFIED)
			return &res->checks[i];
	return NULL;
}

int
cvm_attest_check_report(struct cvm_attest_ctx *ctx, const uint8_t *data,
			size_t len, const uint8_t *measurement,
			const uint8_t *nonce, size_t nonce_len,
			struct cvm_err *err)
{
	struct cvm_attest_expect exp = {
		.measurement = measurement,
		.nonce = nonce,
		.nonce_len = nonce ? nonce_len : 0,
	};
	struct cvm_attest_result *res = cvm_xmalloc(sizeof(*res));
	const struct cvm_attest_check *p;
	int r = cvm_attest_verify(ctx, data, len, "report", &exp, res, err);

	if (r == 0 && res->verdict != CVM_ATTEST_VALID) {
		p = cvm_attest_first_problem(res);
		if (res->verdict == CVM_ATTEST_INVALID)
			r = cvm_err_set(err, -CVM_E_INVALID,
					"report is invalid: %s: %s", p->id,
					p->detail);
		else
			r = cvm_err_set(err, -ENOENT,
					"report could not be verified: %s: %s",
					p->id, p->detail);
	}
	free(res);
	return r;
}

const char *
cvm_attest_check_status_name(enum cvm_attest_check_status s)
{
	static const char *const names[] = {"pass", "fail", "skip",
					    "unverified"};

	return (unsigned)s < CVM_ARRAY_SIZE(names) ? names[s] : "?";
}

const char *
cvm_attest_verdict_name(enum cvm_attest_verdict v)
{
	static const char *const names[] = {"valid", "invalid", "unverified"};

	return (unsigned)v < CVM_ARRAY_SIZE(names) ? names[v] : "?";
}
