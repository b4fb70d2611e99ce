/* SPDX-License-Identifier: MIT */
/*
 * AES-256-GCM for SNP guest messages, on BearSSL (Debian's
 * libbearssl-dev): the constant-time 64-bit AES (aes_ct64) in CTR mode
 * and the constant-time carry-less multiply GHASH (ghash_ctmul64).  The
 * key schedule lives on the stack for one call and is wiped after, so
 * wiping the VMPCK in the secrets page leaves no copy behind.
 *
 * BearSSL code uses SSE registers (the Debian build vectorises it):
 * call these only with SSE enabled and never from the #VC handler.
 */
#ifndef CVM_SEV_GCM_H
#define CVM_SEV_GCM_H

#include "sev-base.h"

#define SEV_GCM_KEY_LEN 32
#define SEV_GCM_IV_LEN	12
#define SEV_GCM_TAG_LEN 16

/* Encrypt `buf` in place and produce the 16-byte tag. */
void sev_gcm_seal(const uint8_t key[SEV_GCM_KEY_LEN],
		  const uint8_t iv[SEV_GCM_IV_LEN], const uint8_t *aad,
		  size_t aad_len, uint8_t *buf, size_t len,
		  uint8_t tag[SEV_GCM_TAG_LEN]);

/*
 * Decrypt `buf` in place and check the tag in constant time.  0, or
 * SEV_E_AUTH with `buf` wiped (no unauthenticated plaintext survives).
 */
int sev_gcm_open(const uint8_t key[SEV_GCM_KEY_LEN],
		 const uint8_t iv[SEV_GCM_IV_LEN], const uint8_t *aad,
		 size_t aad_len, uint8_t *buf, size_t len,
		 const uint8_t tag[SEV_GCM_TAG_LEN]);

#endif
