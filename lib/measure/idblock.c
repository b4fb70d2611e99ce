/* SPDX-License-Identifier: MIT */
/*
 * SNP ID block and ID authentication information (see cvm/measure.h).
 *
 * SNP firmware ABI spec 56860, SNP_LAUNCH_FINISH:
 *   ID_BLOCK (96 bytes): 0x00 LD[48], 0x30 FAMILY_ID[16],
 *     0x40 IMAGE_ID[16], 0x50 VERSION (1), 0x54 GUEST_SVN, 0x58 POLICY
 *   ID_AUTH_INFO (4096 bytes): 0x000 ID_KEY_ALGO, 0x004 AUTHOR_KEY_ALGO,
 *     0x040 ID_BLOCK_SIG[0x200], 0x240 ID_KEY[0x404], 0x680
 *     ID_KEY_SIG[0x200], 0x880 AUTHOR_KEY[0x404]; the rest reserved (0).
 * Appendix "Digital Signatures": ECDSA P-384/SHA-384 signatures are R at
 * 0x00 and S at 0x48, little-endian, zero-extended to 72 bytes; public
 * keys are CURVE (u32, 2 = P-384) at 0x00, QX at 0x04, QY at 0x4C,
 * little-endian, 72 bytes each.  The same layout as AMD's
 * sev-guest include/id-block.h and include/sev-ecdsa.h.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "measure-priv.h"

#define COORD 72 /* bytes per coordinate or signature half */
#define P384  48 /* bytes of a P-384 scalar */

enum {
	AUTH_ID_KEY_ALGO = 0x000,
	AUTH_AUTHOR_KEY_ALGO = 0x004,
	AUTH_ID_BLOCK_SIG = 0x040,
	AUTH_ID_KEY = 0x240,
	AUTH_ID_KEY_SIG = 0x680,
	AUTH_AUTHOR_KEY = 0x880,
};

void
cvm_snp_id_block_init(struct cvm_snp_id_block *b)
{
	memset(b, 0, sizeof(*b));
	b->version = 1;
	b->policy = CVM_SNP_DEFAULT_POLICY;
}

void
cvm_snp_id_block_encode(const struct cvm_snp_id_block *b,
			uint8_t out[CVM_SNP_ID_BLOCK_SIZE])
{
	memcpy(out, b->ld, 48);
	memcpy(out + 0x30, b->family_id, 16);
	memcpy(out + 0x40, b->image_id, 16);
	cvm_put_le32(out + 0x50, b->version);
	cvm_put_le32(out + 0x54, b->guest_svn);
	cvm_put_le64(out + 0x58, b->policy);
}

int
cvm_snp_id_block_decode(const uint8_t *p, size_t len,
			struct cvm_snp_id_block *b, struct cvm_err *err)
{
	if (len != CVM_SNP_ID_BLOCK_SIZE)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "ID block is %zu bytes, not %d", len,
				   CVM_SNP_ID_BLOCK_SIZE);
	memcpy(b->ld, p, 48);
	memcpy(b->family_id, p + 0x30, 16);
	memcpy(b->image_id, p + 0x40, 16);
	b->version = cvm_le32(p + 0x50);
	b->guest_svn = cvm_le32(p + 0x54);
	b->policy = cvm_le64(p + 0x58);
	return 0;
}

static bool
all_zero(const uint8_t *p, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (p[i])
			return false;
	return true;
}

int
cvm_snp_id_auth_decode(const uint8_t *p, size_t len, struct cvm_snp_id_auth *a,
		       struct cvm_err *err)
{
	static const struct {
		size_t from, to;
	} reserved[] = {
		{0x008, 0x040},	 {0x040 + 0x90, 0x240}, {0x240 + 0x94, 0x644},
		{0x644, 0x680},	 {0x680 + 0x90, 0x880}, {0x880 + 0x94, 0xC84},
		{0xC84, 0x1000},
	};

	if (len != CVM_SNP_ID_AUTH_SIZE)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "ID auth is %zu bytes, not %d", len,
				   CVM_SNP_ID_AUTH_SIZE);
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!all_zero(p, reserved[i].from, reserved[i].to))
			return cvm_err_set(
				err, -CVM_E_PARSE,
				"ID auth: reserved bytes 0x%zx..0x%zx "
				"are not zero",
				reserved[i].from, reserved[i].to - 1);
	a->id_key_algo = cvm_le32(p + AUTH_ID_KEY_ALGO);
	a->author_key_algo = cvm_le32(p + AUTH_AUTHOR_KEY_ALGO);
	memcpy(a->id_block_sig, p + AUTH_ID_BLOCK_SIG, CVM_SNP_SIG_SIZE);
	memcpy(a->id_key, p + AUTH_ID_KEY, CVM_SNP_PUBKEY_SIZE);
	memcpy(a->id_key_sig, p + AUTH_ID_KEY_SIG, CVM_SNP_SIG_SIZE);
	memcpy(a->author_key, p + AUTH_AUTHOR_KEY, CVM_SNP_PUBKEY_SIZE);
	return 0;
}

int
cvm_snp_key_digest(const uint8_t key[CVM_SNP_PUBKEY_SIZE],
		   uint8_t out[CVM_SNP_LD_SIZE], struct cvm_err *err)
{
	if (EVP_Digest(key, CVM_SNP_PUBKEY_SIZE, out, NULL, EVP_sha384(),
		       NULL) != 1)
		return cvm_err_set(err, -EIO, "SHA-384 failed in OpenSSL");
	return 0;
}

/* OpenSSL's default callback would prompt on the terminal for the
 * passphrase of an encrypted key; cvm never prompts: refuse it. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* An EC P-384 private key from a PEM file, or an error naming it.  The
 * file is read like every other input (a regular file, at most 64 KiB)
 * and its bytes are wiped after parsing: it is a secret. */
static int
load_key(const char *path, EVP_PKEY **out, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf pem = CVM_BUF_INIT;
	char group[64] = "";
	EVP_PKEY *k = NULL;
	BIO *bio;
	int e;

	*out = NULL;
	if ((e = cvm_file_read(path, &pem, 64u << 10, err)) < 0)
		return e;
	bio = BIO_new_mem_buf(cvm_buf_str(&pem), (int)pem.len);
	if (bio)
		k = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (pem.len)
		OPENSSL_cleanse(pem.data, pem.len);
	if (!k) {
		ERR_clear_error();
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s' holds no readable (unencrypted) PEM "
				   "private key",
				   path);
	}
	if (!EVP_PKEY_is_a(k, "EC") ||
	    EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, group,
					   sizeof(group), NULL) != 1 ||
	    strcmp(group, "secp384r1") != 0) {
		e = cvm_err_set(err, -CVM_E_PARSE,
				"'%s' is not an ECDSA P-384 key (%s%s): SNP ID "
				"and author keys must be P-384",
				path, EVP_PKEY_get0_type_name(k),
				group[0] ? group : "");
		EVP_PKEY_free(k);
		return e;
	}
	*out = k;
	return 0;
}

/* The public half in SNP format (CURVE, QX, QY little-endian). */
static int
put_pubkey(EVP_PKEY *k, uint8_t out[CVM_SNP_PUBKEY_SIZE], struct cvm_err *err)
{
	BIGNUM *x = NULL, *y = NULL;
	int ok;

	memset(out, 0, CVM_SNP_PUBKEY_SIZE);
	cvm_put_le32(out, CVM_SNP_CURVE_P384);
	ok = EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
	     EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
	     BN_bn2lebinpad(x, out + 4, COORD) == COORD &&
	     BN_bn2lebinpad(y, out + 4 + COORD, COORD) == COORD;
	BN_free(x);
	BN_free(y);
	return ok ? 0
		  : cvm_err_set(err, -EIO, "cannot export an EC public key");
}

/* ECDSA-SHA384 over `msg`, written as SNP's R || S little-endian. */
static int
sign(EVP_PKEY *k, const uint8_t *msg, size_t len, uint8_t out[CVM_SNP_SIG_SIZE],
     struct cvm_err *err)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	uint8_t der[256];
	size_t derlen = sizeof(der);
	const uint8_t *dp = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *sig = NULL;
	int ok;

	memset(out, 0, CVM_SNP_SIG_SIZE);
	ok = md && EVP_DigestSignInit(md, NULL, EVP_sha384(), NULL, k) == 1 &&
	     EVP_DigestSign(md, der, &derlen, msg, len) == 1 &&
	     (sig = d2i_ECDSA_SIG(NULL, &dp, (long)derlen)) != NULL;
	if (ok) {
		ECDSA_SIG_get0(sig, &r, &s);
		ok = BN_bn2lebinpad(r, out, COORD) == COORD &&
		     BN_bn2lebinpad(s, out + COORD, COORD) == COORD;
	}
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	return ok ? 0 : cvm_err_set(err, -EIO, "ECDSA P-384 signing failed");
}

int
cvm_snp_id_sign(const struct cvm_snp_id_block *b, const char *id_key_pem,
		const char *author_key_pem,
		uint8_t block[CVM_SNP_ID_BLOCK_SIZE],
		uint8_t auth[CVM_SNP_ID_AUTH_SIZE], struct cvm_err *err)
{
	EVP_PKEY *id = NULL, *author = NULL;
	int r;

	memset(auth, 0, CVM_SNP_ID_AUTH_SIZE);
	cvm_snp_id_block_encode(b, block);
	if ((r = load_key(id_key_pem, &id, err)) < 0)
		return r;
	if (author_key_pem &&
	    (r = load_key(author_key_pem, &author, err)) < 0) {
		EVP_PKEY_free(id);
		return r;
	}
	cvm_put_le32(auth + AUTH_ID_KEY_ALGO, CVM_SNP_ALGO_ECDSA_P384_SHA384);
	if ((r = put_pubkey(id, auth + AUTH_ID_KEY, err)) == 0)
		r = sign(id, block, CVM_SNP_ID_BLOCK_SIZE,
			 auth + AUTH_ID_BLOCK_SIG, err);
	/* the author key signs the ID key in its SNP encoding */
	if (r == 0 && author) {
		cvm_put_le32(auth + AUTH_AUTHOR_KEY_ALGO,
			     CVM_SNP_ALGO_ECDSA_P384_SHA384);
		if ((r = put_pubkey(author, auth + AUTH_AUTHOR_KEY, err)) == 0)
			r = sign(author, auth + AUTH_ID_KEY,
				 CVM_SNP_PUBKEY_SIZE, auth + AUTH_ID_KEY_SIG,
				 err);
	}
	EVP_PKEY_free(id);
	EVP_PKEY_free(author);
	return r;
}

/* An EVP_PKEY from SNP's public key format; NULL for a bad key. */
static EVP_PKEY *
snp_pubkey(const uint8_t *key)
{
	uint8_t pt[1 + 2 * P384];
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *k = NULL;

	/* P-384 coordinates use 48 of their 72 bytes */
	if (cvm_le32(key) != CVM_SNP_CURVE_P384 ||
	    !all_zero(key, 4 + P384, 4 + COORD) ||
	    !all_zero(key, 4 + COORD + P384, 4 + 2 * COORD))
		return NULL;
	pt[0] = 0x04; /* SEC 1 uncompressed point, big-endian */
	for (int i = 0; i < P384; i++) {
		pt[1 + i] = key[4 + P384 - 1 - i];
		pt[1 + P384 + i] = key[4 + COORD + P384 - 1 - i];
	}
	if ((bld = OSSL_PARAM_BLD_new()) &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					    "secp384r1", 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
					     sizeof(pt)) == 1 &&
	    (params = OSSL_PARAM_BLD_to_param(bld)) &&
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) &&
	    EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &k, EVP_PKEY_PUBLIC_KEY, params);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	if (!k)
		ERR_clear_error();
	return k;
}

/* 1: valid signature; 0: not. */
static int
verify(EVP_PKEY *k, const uint8_t *msg, size_t len, const uint8_t *sig)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_lebin2bn(sig, COORD, NULL);
	BIGNUM *s = BN_lebin2bn(sig + COORD, COORD, NULL);
	unsigned char *der = NULL;
	int derlen = -1, ok = 0;

	if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
		r = s = NULL; /* owned by es now */
		derlen = i2d_ECDSA_SIG(es, &der);
	}
	if (md && derlen > 0 &&
	    EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, k) == 1)
		ok = EVP_DigestVerify(md, der, (size_t)derlen, msg, len) == 1;
	OPENSSL_free(der);
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	ERR_clear_error(); /* a bad signature leaves decoder errors queued */
	return ok;
}

/* Check one signature made by the key at auth[key_off]. */
static int
check_sig(const uint8_t *auth, size_t key_off, const char *key_name,
	  const uint8_t *msg, size_t len, size_t sig_off, const char *what,
	  struct cvm_err *err)
{
	EVP_PKEY *k = snp_pubkey(auth + key_off);
	int ok;

	if (!k)
		return cvm_err_set(err, -CVM_E_INVALID,
				   "ID auth: the %s is not a valid P-384 key",
				   key_name);
	ok = verify(k, msg, len, auth + sig_off);
	EVP_PKEY_free(k);
	if (!ok)
		return cvm_err_set(err, -CVM_E_INVALID,
				   "ID auth: the %s signature does not verify "
				   "with the %s",
				   what, key_name);
	return 0;
}

int
cvm_snp_id_verify(const uint8_t block[CVM_SNP_ID_BLOCK_SIZE],
		  const uint8_t auth[CVM_SNP_ID_AUTH_SIZE], struct cvm_err *err)
{
	uint32_t algo = cvm_le32(auth + AUTH_ID_KEY_ALGO);
	uint32_t author = cvm_le32(auth + AUTH_AUTHOR_KEY_ALGO);
	int r;

	if (algo != CVM_SNP_ALGO_ECDSA_P384_SHA384)
		return cvm_err_set(err, -CVM_E_INVALID,
				   "ID auth: ID_KEY_ALGO is %u, not 1 (ECDSA "
				   "P-384 with SHA-384)",
				   algo);
	if (author != 0 && author != CVM_SNP_ALGO_ECDSA_P384_SHA384)
		return cvm_err_set(err, -CVM_E_INVALID,
				   "ID auth: AUTHOR_KEY_ALGO is %u, not 0 or 1",
				   author);
	r = check_sig(auth, AUTH_ID_KEY, "ID key", block, CVM_SNP_ID_BLOCK_SIZE,
		      AUTH_ID_BLOCK_SIG, "ID block", err);
	if (r == 0 && author)
		r = check_sig(auth, AUTH_AUTHOR_KEY, "author key",
			      auth + AUTH_ID_KEY, CVM_SNP_PUBKEY_SIZE,
			      AUTH_ID_KEY_SIG, "ID key", err);
	return r;
}
