/* SPDX-License-Identifier: MIT */
/*
 * OpenSSL's AES-256-GCM as the independent implementation the SEV
 * guest-message tests check BearSSL-based guest code against.
 */
#ifndef CVM_TEST_SEV_OSSL_H
#define CVM_TEST_SEV_OSSL_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The guest-message IV as SNP ABI §7 defines it, written independently
 * of the guest code: MSG_SEQNO as 8 little-endian bytes, 4 zero bytes.
 */
static inline void
spec_iv(uint64_t seqno, uint8_t iv[12])
{
	for (int i = 0; i < 8; i++)
		iv[i] = (uint8_t)(seqno >> (8 * i));
	iv[8] = iv[9] = iv[10] = iv[11] = 0;
}

/* Encrypt (or decrypt and check `tag`) `len` bytes in place. */
static inline bool
ossl_gcm(bool enc, const uint8_t key[32], const uint8_t iv[12],
	 const uint8_t *aad, size_t aad_len, uint8_t *buf, size_t len,
	 uint8_t tag[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, ok;

	ok = c &&
	     EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) ==
		     1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	     EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) == 1 &&
	     EVP_CipherUpdate(c, NULL, &n, aad, (int)aad_len) == 1 &&
	     (len == 0 || EVP_CipherUpdate(c, buf, &n, buf, (int)len) == 1);
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1;
	ok = ok && EVP_CipherFinal_ex(c, buf + len, &n) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok;
}

#endif
