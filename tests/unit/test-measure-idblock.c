/* SPDX-License-Identifier: MIT */
/*
 * SNP ID block / ID auth (lib/measure/idblock.c).  The structures are
 * parsed back field by field and the signatures are checked with
 * OpenSSL directly (not with cvm's own verifier): R/S are decoded from
 * SNP's little-endian format into an ECDSA_SIG and verified against the
 * keys the test generated; QX/QY must equal those keys' coordinates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "cvm/cleanup.h"
#include "cvm/measure.h"
#include "cvm/util.h"

static char dir[] = "/tmp/cvm-idblock-XXXXXX";
static char id_pem[64], author_pem[64], p256_pem[64], rsa_pem[64], junk_pem[64];
static EVP_PKEY *id_key, *author_key;

static EVP_PKEY *
write_key(EVP_PKEY *k, char *path, const char *name)
{
	FILE *f;

	snprintf(path, 64, "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL),
			 1);
	fclose(f);
	return k;
}

static int
setup(void **state)
{
	FILE *f;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	id_key = write_key(EVP_EC_gen("P-384"), id_pem, "id.pem");
	author_key = write_key(EVP_EC_gen("P-384"), author_pem, "author.pem");
	EVP_PKEY_free(write_key(EVP_EC_gen("P-256"), p256_pem, "p256.pem"));
	EVP_PKEY_free(write_key(EVP_RSA_gen(1024), rsa_pem, "rsa.pem"));
	snprintf(junk_pem, sizeof(junk_pem), "%s/junk.pem", dir);
	f = fopen(junk_pem, "w");
	fputs("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
	      f);
	fclose(f);
	return 0;
}

static int
teardown(void **state)
{
	const char *files[] = {id_pem, author_pem, p256_pem, rsa_pem, junk_pem};

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(files); i++)
		unlink(files[i]);
	rmdir(dir);
	EVP_PKEY_free(id_key);
	EVP_PKEY_free(author_key);
	return 0;
}

static void
sample_block(struct cvm_snp_id_block *b)
{
	cvm_snp_id_block_init(b);
	for (int i = 0; i < 48; i++)
		b->ld[i] = (uint8_t)i;
	memset(b->family_id, 0xFA, 16);
	memset(b->image_id, 0x1A, 16);
	b->guest_svn = 7;
	b->policy = 0x30000;
}

/* OpenSSL's own check of an SNP-format signature by `k`. */
static bool
openssl_verifies(EVP_PKEY *k, const uint8_t *msg, size_t len,
		 const uint8_t *sig)
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	int n, ok;

	ECDSA_SIG_set0(s, BN_lebin2bn(sig, 72, NULL),
		       BN_lebin2bn(sig + 72, 72, NULL));
	n = i2d_ECDSA_SIG(s, &der);
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, k) == 1 &&
	     EVP_DigestVerify(md, der, (size_t)n, msg, len) == 1;
	OPENSSL_free(der);
	ECDSA_SIG_free(s);
	EVP_MD_CTX_free(md);
	return ok;
}

/* The SNP public key format holds exactly `k`'s point. */
static void
assert_same_key(EVP_PKEY *k, const uint8_t *snp)
{
	BIGNUM *x = NULL, *y = NULL;
	uint8_t want[72];

	assert_int_equal(cvm_le32(snp), 2);
	EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, &x);
	EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
	BN_bn2lebinpad(x, want, 72);
	assert_memory_equal(snp + 4, want, 72);
	BN_bn2lebinpad(y, want, 72);
	assert_memory_equal(snp + 4 + 72, want, 72);
	BN_free(x);
	BN_free(y);
}

static void
test_block_roundtrip(void **state)
{
	struct cvm_snp_id_block b, d;
	struct cvm_err err = CVM_ERR_INIT;
	uint8_t raw[96];

	(void)state;
	sample_block(&b);
	cvm_snp_id_block_encode(&b, raw);
	assert_int_equal(cvm_le32(raw + 0x50), 1);
	assert_int_equal(cvm_le32(raw + 0x54), 7);
	assert_int_equal(cvm_le64(raw + 0x58), 0x30000);
	assert_int_equal(raw[0x30], 0xFA);
	assert_int_equal(raw[0x40], 0x1A);
	assert_int_equal(cvm_snp_id_block_decode(raw, 96, &d, &err), 0);
	assert_memory_equal(&b, &d, sizeof(b));
	assert_int_equal(cvm_snp_id_block_decode(raw, 95, &d, &err),
			 -CVM_E_PARSE);
}

static void
test_sign_id_key_only(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_snp_id_block b;
	struct cvm_snp_id_auth a;
	uint8_t block[96], auth[4096], digest[48], want[48];

	(void)state;
	sample_block(&b);
	assert_int_equal(cvm_snp_id_sign(&b, id_pem, NULL, block, auth, &err),
			 0);
	assert_int_equal(cvm_snp_id_auth_decode(auth, 4096, &a, &err), 0);
	assert_int_equal(a.id_key_algo, 1);
	assert_int_equal(a.author_key_algo, 0);
	assert_same_key(id_key, a.id_key);
	assert_true(openssl_verifies(id_key, block, 96, a.id_block_sig));
	for (int i = 0; i < CVM_SNP_PUBKEY_SIZE; i++)
		assert_int_equal(a.author_key[i], 0);
	assert_int_equal(cvm_snp_id_verify(block, auth, &err), 0);
	/* ID_KEY_DIGEST = SHA-384 of the 0x404-byte key at 0x240 */
	assert_int_equal(cvm_snp_key_digest(a.id_key, digest, &err), 0);
	EVP_Digest(auth + 0x240, 0x404, want, NULL, EVP_sha384(), NULL);
	assert_memory_equal(digest, want, 48);
}

static void
test_sign_with_author_key(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_snp_id_block b;
	struct cvm_snp_id_auth a;
	uint8_t block[96], auth[4096];

	(void)state;
	sample_block(&b);
	assert_int_equal(
		cvm_snp_id_sign(&b, id_pem, author_pem, block, auth, &err), 0);
	assert_int_equal(cvm_snp_id_auth_decode(auth, 4096, &a, &err), 0);
	assert_int_equal(a.author_key_algo, 1);
	assert_same_key(author_key, a.author_key);
	/* the author key signs the ID key in its SNP encoding */
	assert_true(
		openssl_verifies(author_key, a.id_key, 0x404, a.id_key_sig));
	assert_false(openssl_verifies(id_key, a.id_key, 0x404, a.id_key_sig));
	assert_int_equal(cvm_snp_id_verify(block, auth, &err), 0);
	/* tampering is caught */
	block[5] ^= 1;
	assert_int_equal(cvm_snp_id_verify(block, auth, &err), -CVM_E_INVALID);
	assert_non_null(strstr(err.msg, "ID block signature"));
	block[5] ^= 1;
	auth[0x680 + 3] ^= 1;
	assert_int_equal(cvm_snp_id_verify(block, auth, &err), -CVM_E_INVALID);
	assert_non_null(strstr(err.msg, "ID key signature"));
	auth[0x680 + 3] ^= 1;
	auth[0x240] = 3; /* curve */
	assert_int_equal(cvm_snp_id_verify(block, auth, &err), -CVM_E_INVALID);
	assert_non_null(strstr(err.msg, "not a valid P-384 key"));
}

static void
test_auth_decode_rejects(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_snp_id_auth a;
	uint8_t auth[4096] = {0};

	(void)state;
	assert_int_equal(cvm_snp_id_auth_decode(auth, 4095, &a, &err),
			 -CVM_E_PARSE);
	auth[0x10] = 1;
	assert_int_equal(cvm_snp_id_auth_decode(auth, 4096, &a, &err),
			 -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "reserved bytes 0x8..0x3f"));
	auth[0x10] = 0;
	auth[0xFFF] = 1;
	assert_int_equal(cvm_snp_id_auth_decode(auth, 4096, &a, &err),
			 -CVM_E_PARSE);
	assert_int_equal(cvm_snp_id_verify(auth, auth, &err), -CVM_E_INVALID);
	assert_non_null(strstr(err.msg, "ID_KEY_ALGO is 0"));
}

static void
expect_key_error(const char *id, const char *author, const char *msg)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_snp_id_block b;
	uint8_t block[96], auth[4096];

	sample_block(&b);
	assert_true(cvm_snp_id_sign(&b, id, author, block, auth, &err) < 0);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
}

static void
test_bad_keys(void **state)
{
	(void)state;
	expect_key_error(p256_pem, NULL, "is not an ECDSA P-384 key");
	expect_key_error(rsa_pem, NULL, "is not an ECDSA P-384 key");
	expect_key_error(id_pem, p256_pem, "p256.pem' is not an ECDSA P-384");
	expect_key_error(junk_pem, NULL, "holds no readable");
	expect_key_error("/nonexistent.pem", NULL,
			 "cannot open '/nonexistent.pem'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_roundtrip),
		cmocka_unit_test(test_sign_id_key_only),
		cmocka_unit_test(test_sign_with_author_key),
		cmocka_unit_test(test_auth_decode_rejects),
		cmocka_unit_test(test_bad_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
