/* SPDX-License-Identifier: MIT */
/*
 * The AMD certificate chain: ARK (self-signed, pinned) -> ASK or ASVK ->
 * VCEK or VLEK.  Every link is RSASSA-PSS with SHA-384, MGF1-SHA-384 and
 * a 48-byte salt (VCEK spec, "Certificate Signing"); the parameters are
 * checked explicitly, not just accepted from the certificate.  Results of
 * signature checks are cached in the child, keyed by the issuer's SHA-256.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "attest-priv.h"
#include "cvm/cleanup.h"

static bool
algor_is(const X509_ALGOR *a, int nid)
{
	const ASN1_OBJECT *obj;
	int ptype;
	const void *pval;

	if (!a)
		return false;
	X509_ALGOR_get0(&obj, &ptype, &pval, a);
	/* parameters must be absent or NULL for SHA-2 (RFC 4055 2.1) */
	return OBJ_obj2nid(obj) == nid &&
	       (ptype == V_ASN1_UNDEF || ptype == V_ASN1_NULL);
}

static bool
mgf1_sha384(const X509_ALGOR *mgf)
{
	const ASN1_OBJECT *obj;
	const ASN1_STRING *seq;
	const unsigned char *q;
	X509_ALGOR *hash;
	int ptype;
	const void *pval;
	bool ok;

	if (!mgf)
		return false;
	X509_ALGOR_get0(&obj, &ptype, &pval, mgf);
	if (OBJ_obj2nid(obj) != NID_mgf1 || ptype != V_ASN1_SEQUENCE)
		return false;
	seq = pval;
	q = ASN1_STRING_get0_data(seq);
	hash = d2i_X509_ALGOR(NULL, &q, ASN1_STRING_length(seq));
	ok = hash &&
	     q == ASN1_STRING_get0_data(seq) + ASN1_STRING_length(seq) &&
	     algor_is(hash, NID_sha384);
	X509_ALGOR_free(hash);
	return ok;
}

/* RFC 4055 RSASSA-PSS-params as AMD uses them: SHA-384, MGF1-SHA-384,
 * salt 48, trailer 1. */
static bool
pss_params_ok(X509 *x, char *why, size_t n)
{
	const X509_ALGOR *alg;
	const ASN1_OBJECT *obj;
	const ASN1_STRING *seq;
	const unsigned char *q;
	RSA_PSS_PARAMS *pss;
	int ptype;
	const void *pval;
	bool ok;

	X509_get0_signature(NULL, &alg, x);
	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	if (OBJ_obj2nid(obj) != NID_rsassaPss || ptype != V_ASN1_SEQUENCE) {
		snprintf(why, n, "signature algorithm is not RSASSA-PSS");
		return false;
	}
	seq = pval;
	q = ASN1_STRING_get0_data(seq);
	pss = d2i_RSA_PSS_PARAMS(NULL, &q, ASN1_STRING_length(seq));
	ok = pss && q == ASN1_STRING_get0_data(seq) + ASN1_STRING_length(seq) &&
	     algor_is(pss->hashAlgorithm, NID_sha384) &&
	     mgf1_sha384(pss->maskGenAlgorithm) && pss->saltLength &&
	     ASN1_INTEGER_get(pss->saltLength) == 48 &&
	     (!pss->trailerField || ASN1_INTEGER_get(pss->trailerField) == 1);
	RSA_PSS_PARAMS_free(pss);
	if (!ok)
		snprintf(why, n,
			 "RSA-PSS parameters are not SHA-384, MGF1-SHA-384, "
			 "salt 48");
	return ok;
}

static bool
is_signing_ca(X509 *x)
{
	/* basicConstraints CA and keyUsage keyCertSign (RFC 5280 4.2.1) */
	return X509_check_ca(x) == 1 &&
	       (X509_get_extension_flags(x) & EXFLAG_KUSAGE) &&
	       (X509_get_key_usage(x) & KU_KEY_CERT_SIGN);
}

static void link_set(struct attest_link *l, enum cvm_attest_check_status st,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
link_set(struct attest_link *l, enum cvm_attest_check_status st,
	 const char *fmt, ...)
{
	va_list ap;

	l->status = st;
	va_start(ap, fmt);
	vsnprintf(l->detail, sizeof(l->detail), fmt, ap);
	va_end(ap);
}

static void
link_run(struct attest_cert *child, struct attest_cert *parent,
	 struct attest_link *l)
{
	EVP_PKEY *key = X509_get0_pubkey(parent->x);
	char why[160];

	if (X509_NAME_cmp(X509_get_issuer_name(child->x),
			  X509_get_subject_name(parent->x)) != 0) {
		link_set(l, CVM_ATTEST_CHECK_FAIL,
			 "the issuer of %s ('%s') is not the subject of %s",
			 child->cn, child->issuer_cn, parent->cn);
		return;
	}
	if (!is_signing_ca(parent->x)) {
		link_set(l, CVM_ATTEST_CHECK_FAIL,
			 "%s is not a certificate-signing CA", parent->cn);
		return;
	}
	if (!pss_params_ok(child->x, why, sizeof(why))) {
		link_set(l, CVM_ATTEST_CHECK_FAIL, "%s: %s", child->cn, why);
		return;
	}
	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
	    EVP_PKEY_get_bits(key) < 4096) {
		link_set(l, CVM_ATTEST_CHECK_FAIL,
			 "%s does not have a 4096-bit RSA key", parent->cn);
		return;
	}
	/* X509_verify also requires the inner and outer algorithms to match */
	if (X509_verify(child->x, key) != 1) {
		ERR_clear_error();
		link_set(l, CVM_ATTEST_CHECK_FAIL,
			 "signature of %s by %s does not verify", child->cn,
			 parent->cn);
		return;
	}
	link_set(l, CVM_ATTEST_CHECK_PASS, "%s signed by %s (RSA-PSS SHA-384)",
		 child->cn, parent->cn);
}

const struct attest_link *
attest_link_check(struct attest_cert *child, struct attest_cert *parent)
{
	struct attest_link *l = child == parent ? &child->self : &child->parent;

	if (l->done && memcmp(l->parent_sha256, parent->sha256,
			      sizeof(parent->sha256)) == 0)
		return l;
	memset(l, 0, sizeof(*l));
	link_run(child, parent, l);
	memcpy(l->parent_sha256, parent->sha256, sizeof(parent->sha256));
	l->done = true;
	return l;
}

/*
 * Pick the certificate for `role` of generation `f`: the one given for
 * the role (used even if wrong, so the check names the problem), else
 * the first matching one in the pool, else the built-in.
 */
static struct attest_cert *
pick(struct cvm_attest_ctx *ctx, struct attest_cert *given,
     enum cvm_cert_role role, enum cvm_snp_family f, struct cvm_err *err)
{
	if (given)
		return given;
	for (size_t i = 0; i < ctx->npool; i++) {
		struct attest_cert *c = ctx->pool[i];

		if (c->role == role && c->family == f)
			return c;
	}
	return attest_builtin_get(ctx, f, role, err);
}

static void
add_info(struct cvm_attest_result *res, const struct attest_cert *c)
{
	if (res->ncerts < CVM_ARRAY_SIZE(res->certs))
		attest_certinfo_fill(c, &res->certs[res->ncerts++]);
}

static void
check_ark(struct cvm_attest_result *res, struct attest_cert *ark,
	  enum cvm_snp_family f)
{
	const struct attest_link *l;

	if (ark->role != CVM_CERT_ROLE_ARK || ark->family != f) {
		attest_check_add(res, "ark", CVM_ATTEST_CHECK_FAIL,
				 "'%s' is %s, not ARK-%s", ark->source,
				 ark->cn[0] ? ark->cn : "unnamed",
				 cvm_snp_family_name(f));
		return;
	}
	if (!attest_cert_is_pinned(ark, f, CVM_CERT_ROLE_ARK)) {
		attest_check_add(res, "ark", CVM_ATTEST_CHECK_FAIL,
				 "'%s' is not AMD's ARK-%s (SHA-256 differs "
				 "from the pinned one)",
				 ark->source, cvm_snp_family_name(f));
		return;
	}
	l = attest_link_check(ark, ark);
	attest_check_add(
		res, "ark", l->status, "%s%s",
		l->status == CVM_ATTEST_CHECK_PASS ? "pinned, self-" : "",
		l->status == CVM_ATTEST_CHECK_PASS ? "signed" : l->detail);
}

static void
check_link(struct cvm_attest_result *res, const char *id,
	   struct attest_cert *child, struct attest_cert *parent)
{
	const struct attest_link *l = attest_link_check(child, parent);

	attest_check_add(res, id, l->status, "%s", l->detail);
}

static void
check_validity(struct cvm_attest_result *res, struct attest_cert *const *c,
	       size_t n, time_t at)
{
	char when[24], t[24];

	attest_time_format(at, when);
	for (size_t i = 0; i < n; i++) {
		if (!c[i]->times_ok) {
			attest_check_add(res, "validity", CVM_ATTEST_CHECK_FAIL,
					 "%s has unreadable validity dates",
					 c[i]->cn);
			return;
		}
		if (at < c[i]->not_before || at > c[i]->not_after) {
			bool late = at > c[i]->not_after;

			attest_time_format(
				late ? c[i]->not_after : c[i]->not_before, t);
			attest_check_add(res, "validity", CVM_ATTEST_CHECK_FAIL,
					 "%s ('%s') %s %s, checked at %s%s",
					 c[i]->cn, c[i]->source,
					 late ? "expired on"
					      : "is not valid before",
					 t, when,
					 late ? " (use --at to verify at "
						"another time)"
					      : "");
			return;
		}
	}
	attest_check_add(res, "validity", CVM_ATTEST_CHECK_PASS,
			 "%zu certificates valid at %s", n, when);
}

void
attest_chain_verify(struct cvm_attest_ctx *ctx, struct attest_cert *vek,
		    enum cvm_snp_family f, time_t at,
		    struct cvm_attest_result *res)
{
	bool vlek = vek->role == CVM_CERT_ROLE_VLEK;
	enum cvm_cert_role irole =
		vlek ? CVM_CERT_ROLE_ASVK : CVM_CERT_ROLE_ASK;
	struct cvm_err err = CVM_ERR_INIT;
	struct attest_cert *ica, *ark;

	ica = pick(ctx, ctx->ask, irole, f, &err);
	ark = ica ? pick(ctx, ctx->ark, CVM_CERT_ROLE_ARK, f, &err) : NULL;
	if (!ica || !ark) {
		attest_check_add(res, "ark", CVM_ATTEST_CHECK_UNVERIFIED, "%s",
				 err.msg);
		return;
	}
	add_info(res, ica);
	add_info(res, ark);
	check_ark(res, ark, f);
	if (ica->role != irole || ica->family != f)
		attest_check_add(res, "ask", CVM_ATTEST_CHECK_FAIL,
				 "'%s' is %s, but a %s report needs %s%s",
				 ica->source, ica->cn[0] ? ica->cn : "unnamed",
				 cvm_snp_family_name(f),
				 vlek ? "SEV-VLEK-" : "SEV-",
				 cvm_snp_family_name(f));
	else
		check_link(res, "ask", ica, ark);
	check_link(res, "vek", vek, ica);
	check_validity(res, (struct attest_cert *[]){vek, ica, ark}, 3, at);
}
