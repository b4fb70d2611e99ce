/* SPDX-License-Identifier: MIT */
/*
 * AES-256-GCM over BearSSL's br_gcm_* API (bearssl_aead.h: init with a
 * CTR block cipher and a GHASH, reset with the IV, inject AAD, flip,
 * run, tag).  NIST SP 800-38D; 96-bit IV, 128-bit tag.
 */
#include <bearssl_aead.h>
#include <bearssl_block.h>

#include "sev-gcm.h"

struct gcm {
	br_aes_ct64_ctr_keys aes;
	br_gcm_context gc;
};

static void
gcm_start(struct gcm *g, const uint8_t *key, const uint8_t *iv,
	  const uint8_t *aad, size_t aad_len)
{
	br_aes_ct64_ctr_init(&g->aes, key, SEV_GCM_KEY_LEN);
	br_gcm_init(&g->gc, &g->aes.vtable, br_ghash_ctmul64);
	br_gcm_reset(&g->gc, iv, SEV_GCM_IV_LEN);
	br_gcm_aad_inject(&g->gc, aad, aad_len);
	br_gcm_flip(&g->gc);
}

void
sev_gcm_seal(const uint8_t key[SEV_GCM_KEY_LEN],
	     const uint8_t iv[SEV_GCM_IV_LEN], const uint8_t *aad,
	     size_t aad_len, uint8_t *buf, size_t len,
	     uint8_t tag[SEV_GCM_TAG_LEN])
{
	struct gcm g;

	gcm_start(&g, key, iv, aad, aad_len);
	br_gcm_run(&g.gc, 1, buf, len);
	br_gcm_get_tag(&g.gc, tag);
	sev_wipe(&g, sizeof(g));
}

int
sev_gcm_open(const uint8_t key[SEV_GCM_KEY_LEN],
	     const uint8_t iv[SEV_GCM_IV_LEN], const uint8_t *aad,
	     size_t aad_len, uint8_t *buf, size_t len,
	     const uint8_t tag[SEV_GCM_TAG_LEN])
{
	struct gcm g;
	uint32_t ok;

	gcm_start(&g, key, iv, aad, aad_len);
	br_gcm_run(&g.gc, 0, buf, len);
	ok = br_gcm_check_tag(&g.gc, tag);
	sev_wipe(&g, sizeof(g));
	if (!ok) {
		sev_wipe(buf, len);
		return SEV_E_AUTH;
	}
	return 0;
}
