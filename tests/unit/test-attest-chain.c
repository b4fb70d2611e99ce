/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the chain rules with certificates made here by a
 * throw-away CA: a look-alike ARK that is not AMD's, a look-alike ASK,
 * RSA-PSS parameter checks (salt, hash, PKCS#1 v1.5), CA and key-size
 * rules, VCEK extension decoding (duplicates, malformed values, both hwID
 * encodings), and a synthetic report signed by a synthetic VCEK, which
 * checks the little-endian r/s encoding and each report-field rule.
 */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "test-attest.h"
#include "cvm/cleanup.h"

#include "../../lib/attest/attest-priv.h"

enum sig_mode { SIG_PSS48, SIG_PSS32, SIG_PSS_SHA256, SIG_PKCS1 };

static EVP_PKEY *ca_key;	/* RSA-4096, made once */
static EVP_PKEY *small_key;	/* RSA-2048 */
static EVP_PKEY *vcek_key;	/* EC P-384 */
static X509 *amd_ark, *amd_ask; /* AMD's Milan ARK and ASK (for names) */

static X509 *
load_amd(size_t idx)
{
	size_t len = 0;
	cleanup_free uint8_t *pem =
		snp_read("amd-certs/ask_ark_milan.pem", &len);
	struct attest_cert **l = NULL;
	size_t n = 0;
	X509 *x;

	assert_int_equal(attest_certs_parse(pem, len, "amd", &l, &n, NULL), 0);
	x = X509_dup(l[idx]->x);
	for (size_t i = 0; i < n; i++)
		attest_cert_free(l[i]);
	free(l);
	return x;
}

static int
setup(void **state)
{
	(void)state;
	ca_key = EVP_RSA_gen(4096);
	small_key = EVP_RSA_gen(2048);
	vcek_key = EVP_EC_gen("P-384");
	amd_ask = load_amd(0);
	amd_ark = load_amd(1);
	return ca_key && small_key && vcek_key ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(small_key);
	EVP_PKEY_free(vcek_key);
	X509_free(amd_ark);
	X509_free(amd_ask);
	return 0;
}

static void
add_ext(X509 *x, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, nid, value);

	assert_non_null(e);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
}

/* Add the AMD extension 1.3.6.1.4.1.3704.1.<arc> with DER `val`. */
static void
add_amd(X509 *x, const char *arc, const uint8_t *val, size_t n)
{
	char oid[64];
	ASN1_OBJECT *obj;
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *e;

	snprintf(oid, sizeof(oid), "1.3.6.1.4.1.3704.1.%s", arc);
	obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING_set(os, val, (int)n);
	e = X509_EXTENSION_create_by_OBJ(NULL, obj, 0, os);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
}

static void
sign(X509 *x, EVP_PKEY *key, enum sig_mode m)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *p = NULL;
	const EVP_MD *h = m == SIG_PSS_SHA256 ? EVP_sha256() : EVP_sha384();

	assert_int_equal(EVP_DigestSignInit(md, &p, h, NULL, key), 1);
	if (m != SIG_PKCS1) {
		EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING);
		EVP_PKEY_CTX_set_rsa_pss_saltlen(p, m == SIG_PSS32 ? 32 : 48);
		EVP_PKEY_CTX_set_rsa_mgf1_md(p, h);
	}
	assert_true(X509_sign_ctx(x, md) > 0);
	EVP_MD_CTX_free(md);
}

/* A certificate for `pub` named `subj`, issued by `issuer`. */
static X509 *
make(EVP_PKEY *pub, const X509_NAME *subj, const X509_NAME *issuer, bool ca)
{
	X509 *x = X509_new();

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	ASN1_TIME_set_string(X509_getm_notBefore(x), "20200101000000Z");
	ASN1_TIME_set_string(X509_getm_notAfter(x), "20400101000000Z");
	X509_set_subject_name(x, subj);
	X509_set_issuer_name(x, issuer);
	X509_set_pubkey(x, pub);
	if (ca) {
		add_ext(x, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, NID_key_usage, "critical,keyCertSign,cRLSign");
	}
	return x;
}

static X509_NAME *
cn_name(const char *cn)
{
	X509_NAME *n = X509_NAME_new();

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)cn, -1, -1, 0);
	return n;
}

static struct attest_cert *
to_cert(X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	struct attest_cert *c =
		attest_cert_from_der(der, (size_t)n, "made", NULL);

	OPENSSL_free(der);
	X509_free(x);
	assert_non_null(c);
	return c;
}

static void
add_x509(struct cvm_attest_ctx *ctx, X509 *x, enum cvm_cert_role role)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	assert_int_equal(cvm_attest_ctx_add_mem(ctx, der, (size_t)n, role,
						"made.der", NULL),
			 0);
	OPENSSL_free(der);
}

/* A look-alike ARK-Milan (AMD's exact name, self-signed correctly). */
static X509 *
fake_ark(void)
{
	X509 *x = make(ca_key, X509_get_subject_name(amd_ark),
		       X509_get_subject_name(amd_ark), true);

	sign(x, ca_key, SIG_PSS48);
	return x;
}

static void
test_fake_ark_and_ask(void **state)
{
	struct cvm_attest_ctx *ctx = snp_ctx("milan-v3-oak/vcek.der", NULL);
	struct cvm_attest_result *res;
	X509 *ark = fake_ark(), *ask;
	static const struct cvm_attest_expect at = {.at = SNP_TEST_AT};

	(void)state;
	add_x509(ctx, ark, CVM_CERT_ROLE_ARK);
	res = snp_verify(ctx, "milan-v3-oak/report.bin", &at);
	assert_check(res, "ark", CVM_ATTEST_CHECK_FAIL,
		     "is not AMD's ARK-Milan (SHA-256 differs");
	/* AMD's ASK is not signed by the look-alike's key */
	assert_check(res, "ask", CVM_ATTEST_CHECK_FAIL, "does not verify");
	free(res);
	cvm_attest_ctx_free(ctx);
	/* a look-alike ASK signed by the look-alike ARK, with AMD's ARK */
	ctx = snp_ctx("milan-v3-oak/vcek.der", NULL);
	ask = make(ca_key, X509_get_subject_name(amd_ask),
		   X509_get_subject_name(amd_ark), true);
	sign(ask, ca_key, SIG_PSS48);
	add_x509(ctx, ask, CVM_CERT_ROLE_ASK);
	res = snp_verify(ctx, "milan-v3-oak/report.bin", &at);
	assert_check(res, "ark", CVM_ATTEST_CHECK_PASS, NULL);
	assert_check(res, "ask", CVM_ATTEST_CHECK_FAIL,
		     "signature of SEV-Milan by ARK-Milan does not verify");
	assert_check(res, "vek", CVM_ATTEST_CHECK_FAIL, "does not verify");
	assert_int_equal(res->verdict, CVM_ATTEST_INVALID);
	free(res);
	X509_free(ark);
	X509_free(ask);
	cvm_attest_ctx_free(ctx);
}

static void
test_pss_params(void **state)
{
	static const struct {
		enum sig_mode mode;
		const char *why;
	} cases[] = {
		{SIG_PSS32, "salt 48"},
		{SIG_PSS_SHA256, "salt 48"},
		{SIG_PKCS1, "not RSASSA-PSS"},
		{SIG_PSS48, "signed by"},
	};
	struct attest_cert *ark = to_cert(fake_ark());

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		X509 *x = make(ca_key, X509_get_subject_name(amd_ask),
			       X509_get_subject_name(amd_ark), true);
		struct attest_cert *c;
		const struct attest_link *l;

		sign(x, ca_key, cases[i].mode);
		c = to_cert(x);
		l = attest_link_check(c, ark);
		assert_int_equal(l->status, cases[i].mode == SIG_PSS48
						    ? CVM_ATTEST_CHECK_PASS
						    : CVM_ATTEST_CHECK_FAIL);
		if (!strstr(l->detail, cases[i].why))
			fail_msg("case %zu: %s", i, l->detail);
		attest_cert_free(c);
	}
	attest_cert_free(ark);
}

static void
test_ca_and_key_rules(void **state)
{
	X509_NAME *pn = cn_name("ARK-Milan"), *cn = cn_name("SEV-Milan");
	X509_NAME *other = cn_name("ARK-Genoa");
	X509 *p = make(small_key, pn, pn, true);
	X509 *np = make(ca_key, pn, pn, false);
	X509 *x = make(ca_key, cn, pn, true),
	     *y = make(ca_key, cn, other, true);
	struct attest_cert *parent, *notca, *child, *stranger;

	(void)state;
	sign(p, small_key, SIG_PSS48);
	sign(np, ca_key, SIG_PSS48);
	sign(x, small_key, SIG_PSS48);
	sign(y, small_key, SIG_PSS48);
	parent = to_cert(p);
	notca = to_cert(np);
	child = to_cert(x);
	stranger = to_cert(y);
	assert_non_null(strstr(attest_link_check(child, parent)->detail,
			       "does not have a 4096-bit RSA key"));
	assert_non_null(strstr(attest_link_check(child, notca)->detail,
			       "not a certificate-signing CA"));
	assert_non_null(strstr(attest_link_check(stranger, parent)->detail,
			       "is not the subject of ARK-Milan"));
	attest_cert_free(parent);
	attest_cert_free(notca);
	attest_cert_free(child);
	attest_cert_free(stranger);
	X509_NAME_free(pn);
	X509_NAME_free(cn);
	X509_NAME_free(other);
}

/* A leaf "SEV-VCEK" for `key` with the given AMD extensions. */
static struct attest_cert *
leaf(const char *const *arcs, const uint8_t *const *vals, const size_t *lens,
     size_t n)
{
	X509_NAME *nm = cn_name("SEV-VCEK"), *is = cn_name("SEV-Milan");
	X509 *x = make(vcek_key, nm, is, false);

	for (size_t i = 0; i < n; i++)
		add_amd(x, arcs[i], vals[i], lens[i]);
	sign(x, ca_key, SIG_PSS48);
	X509_NAME_free(nm);
	X509_NAME_free(is);
	return to_cert(x);
}

static void
test_vek_extensions(void **state)
{
	static const uint8_t prod[] = {0x16, 0x05, 'G', 'e', 'n', 'o', 'a'};
	static const uint8_t bl[] = {0x02, 0x01, 0x07};
	static const uint8_t bad[] = {0x04, 0x01, 0x07};
	static const uint8_t big[] = {0x02, 0x02, 0x01, 0x00};
	uint8_t wrapped[66] = {0x04, 64}, raw8[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t wrapped8[10] = {0x04, 8, 9, 9, 9, 9, 9, 9, 9, 9};
	const char *arcs[] = {"2", "3.1", "4"};
	const uint8_t *vals[] = {prod, bl, wrapped};
	size_t lens[] = {sizeof(prod), sizeof(bl), sizeof(wrapped)};
	struct attest_cert *c;

	(void)state;
	wrapped[2] = 0xAB;
	c = leaf(arcs, vals, lens, 3);
	assert_int_equal(c->role, CVM_CERT_ROLE_VCEK);
	assert_int_equal(c->family, CVM_SNP_GENOA);
	assert_string_equal(c->ext.product, "Genoa");
	assert_true(c->ext.has_spl[1] && c->ext.spl[1] == 7);
	assert_int_equal(c->ext.hwid_len, 64);
	assert_int_equal(c->ext.hwid[0], 0xAB);
	assert_string_equal(c->ext.hwid_encoding, "der-octet-string");
	attest_cert_free(c);
	vals[2] = raw8;
	lens[2] = 8;
	c = leaf(arcs, vals, lens, 3);
	assert_string_equal(c->ext.hwid_encoding, "raw8");
	attest_cert_free(c);
	vals[2] = wrapped8;
	lens[2] = 10;
	c = leaf(arcs, vals, lens, 3);
	assert_int_equal(c->ext.hwid_len, 8);
	assert_int_equal(c->ext.hwid[0], 9);
	attest_cert_free(c);
	/* a duplicated extension, a non-INTEGER SPL, an SPL above 255 */
	arcs[2] = "3.1";
	vals[2] = bl;
	lens[2] = sizeof(bl);
	c = leaf(arcs, vals, lens, 3);
	assert_non_null(strstr(c->ext.error, "3704.1.3.1 appears twice"));
	attest_cert_free(c);
	vals[1] = bad;
	c = leaf(arcs, vals, lens, 2);
	assert_non_null(strstr(c->ext.error, "3704.1.3.1 is malformed"));
	attest_cert_free(c);
	vals[1] = big;
	lens[1] = sizeof(big);
	c = leaf(arcs, vals, lens, 2);
	assert_non_null(strstr(c->ext.error, "is malformed"));
	attest_cert_free(c);
	/* no productName: the generation comes from the issuer CN */
	c = leaf(arcs + 1, vals + 2, lens + 2, 1);
	assert_int_equal(c->family, CVM_SNP_MILAN);
	attest_cert_free(c);
}

/* Sign `r` (its first 0x2A0 bytes) with vcek_key, r/s little-endian. */
static void
sign_report(uint8_t *r)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[128];
	const unsigned char *q = der;
	size_t n = sizeof(der);
	ECDSA_SIG *sig;
	const BIGNUM *br, *bs;

	assert_int_equal(
		EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, vcek_key), 1);
	assert_int_equal(EVP_DigestSign(md, der, &n, r, CVM_SNP_SIGNED_SIZE),
			 1);
	sig = d2i_ECDSA_SIG(NULL, &q, (long)n);
	ECDSA_SIG_get0(sig, &br, &bs);
	memset(r + 0x2A0, 0, CVM_SNP_REPORT_SIZE - 0x2A0);
	assert_int_equal(BN_bn2lebinpad(br, r + 0x2A0, 72), 72);
	assert_int_equal(BN_bn2lebinpad(bs, r + 0x2E8, 72), 72);
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
}

static struct cvm_attest_result *
verify_synth(struct cvm_attest_ctx *ctx, uint8_t *r)
{
	static const struct cvm_attest_expect at = {.at = SNP_TEST_AT};
	struct cvm_attest_result *res = cvm_xcalloc(1, sizeof(*res));

	sign_report(r);
	assert_int_equal(cvm_attest_verify(ctx, r, CVM_SNP_REPORT_SIZE, "syn",
					   &at, res, NULL),
			 0);
	return res;
}

/*
 * A synthetic Milan v3 report signed by a synthetic VCEK (issued by the
 * look-alike chain): the signature verifies, so each report rule shows
 * up with its own reason, and the look-alike chain is still refused.
 */
static void
test_synthetic_report(void **state)
{
	static const uint8_t prod[] = {0x16, 0x05, 'M', 'i', 'l', 'a', 'n'};
	static const uint8_t zero[] = {0x02, 0x01, 0x00};
	const char *arcs[] = {"2", "3.1", "3.2", "3.3", "3.8", "4"};
	uint8_t hwid[64];
	const uint8_t *vals[] = {prod, zero, zero, zero, zero, hwid};
	size_t lens[] = {sizeof(prod), 3, 3, 3, 3, 64};
	struct attest_cert *v;
	struct cvm_attest_ctx *ctx = cvm_attest_ctx_new();
	uint8_t r[CVM_SNP_REPORT_SIZE] = {3}; /* version 3 */
	struct cvm_attest_result *res;

	(void)state;
	memset(hwid, 0x5A, 64);
	v = leaf(arcs, vals, lens, 6);
	assert_int_equal(cvm_attest_ctx_add_mem(ctx, v->der, v->der_len,
						CVM_CERT_ROLE_VEK, "syn.der",
						NULL),
			 0);
	attest_cert_free(v);
	cvm_put_le32(r + 0x34, 1); /* SIGNATURE_ALGO */
	cvm_put_le64(r + 0x08, 0x30000);
	memcpy(r + 0x1A0, hwid, 64);
	r[0x188] = 0x19;
	r[0x189] = 0x01;
	res = verify_synth(ctx, r);
	assert_check(res, "report", CVM_ATTEST_CHECK_PASS, NULL);
	assert_check(res, "report_sig", CVM_ATTEST_CHECK_PASS, NULL);
	assert_check(res, "tcb", CVM_ATTEST_CHECK_PASS, NULL);
	assert_check(res, "hwid", CVM_ATTEST_CHECK_PASS, "raw64");
	/* the synthetic VCEK is not signed by AMD's SEV-Milan */
	assert_check(res, "vek", CVM_ATTEST_CHECK_FAIL, NULL);
	assert_int_equal(res->verdict, CVM_ATTEST_INVALID);
	free(res);
	/* newer version and reserved bytes: notes, not failures */
	r[0] = 6;
	r[0x4C] = 1;
	res = verify_synth(ctx, r);
	assert_check(res, "report_sig", CVM_ATTEST_CHECK_PASS, NULL);
	assert_int_equal(res->nnotes, 2);
	assert_non_null(strstr(res->notes[0], "newer than 5"));
	assert_non_null(strstr(res->notes[1], "0x4c-0x4f"));
	free(res);
	r[0] = 3;
	r[0x4C] = 0;
	cvm_put_le32(r + 0x34, 2);
	res = verify_synth(ctx, r);
	assert_check(res, "report", CVM_ATTEST_CHECK_FAIL, "SIGNATURE_ALGO 2");
	free(res);
	cvm_put_le32(r + 0x34, 1);
	cvm_put_le32(r + 0x48, 7 << 2);
	res = verify_synth(ctx, r);
	assert_check(res, "report", CVM_ATTEST_CHECK_FAIL, "not signed");
	free(res);
	cvm_put_le32(r + 0x48, 1 << 1);
	res = verify_synth(ctx, r);
	assert_check(res, "report", CVM_ATTEST_CHECK_FAIL, "MASK_CHIP_KEY");
	free(res);
	/* signed by the VLEK according to the report, but a VCEK given */
	cvm_put_le32(r + 0x48, 1 << 2);
	res = verify_synth(ctx, r);
	assert_check(res, "report_sig", CVM_ATTEST_CHECK_FAIL,
		     "signed by a VLEK, but 'syn.der' is SEV-VCEK");
	free(res);
	/* an unknown CPUID family */
	cvm_put_le32(r + 0x48, 0);
	r[0x188] = 0x17;
	res = verify_synth(ctx, r);
	assert_check(res, "family", CVM_ATTEST_CHECK_FAIL,
		     "family 0x17 model 0x1 is not a known SNP processor");
	free(res);
	cvm_attest_ctx_free(ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fake_ark_and_ask),
		cmocka_unit_test(test_pss_params),
		cmocka_unit_test(test_ca_and_key_rules),
		cmocka_unit_test(test_vek_extensions),
		cmocka_unit_test(test_synthetic_report),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
