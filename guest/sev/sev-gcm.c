/* SPDX-License-Identifier: MIT */
/*
 * AES-256-GCM (NIST SP 800-38D, §6-§7: GCTR, GHASH, 96-bit IV so that
 * J0 = IV || 0^31 || 1, tag = MSB_128(GCTR(J0, S))) composed here from
 * BearSSL's constant-time building blocks: the bitsliced 64-bit AES
 * core ("ct64") and the constant-time GHASH br_ghash_ctmul64.
 *
 * Why not br_gcm_* and br_aes_ct64_ctr_*: their init functions store
 * vtable addresses that Debian's -fPIC build reaches through the GOT
 * (R_X86_64_REX_GOTPCRELX), and the unikernel's PE32+ link has no GOT:
 * ld would silently load the vtable's first word instead of its
 * address.  The objects used below (aes_ct64.o, aes_ct64_enc.o,
 * ghash_ctmul64.o, dec32le.o) carry only PC-relative relocations.
 *
 * The ct64 functions are BearSSL's internal API (src/inner.h, not
 * installed); the prototypes below are those of libbearssl 0.6, whose
 * shared and static libraries both export them.  The host tests check
 * the result against OpenSSL and the GCM specification's test case 16.
 */
#include <bearssl_hash.h>

#include "sev-gcm.h"

/* BearSSL 0.6 src/inner.h: the bitsliced AES with 64-bit words */
unsigned br_aes_ct64_keysched(uint64_t *comp_skey, const void *key,
			      size_t key_len);
void br_aes_ct64_skey_expand(uint64_t *skey, unsigned num_rounds,
			     const uint64_t *comp_skey);
void br_aes_ct64_interleave_in(uint64_t *q0, uint64_t *q1, const uint32_t *w);
void br_aes_ct64_interleave_out(uint32_t *w, uint64_t q0, uint64_t q1);
void br_aes_ct64_ortho(uint64_t *q);
void br_aes_ct64_bitslice_encrypt(unsigned num_rounds, const uint64_t *skey,
				  uint64_t *q);

#define BLOCK 16
#define LANES 4 /* ct64 encrypts four blocks at once */

struct aes {
	unsigned rounds;
	uint64_t skey[120]; /* expanded: (rounds + 1) * 8 words */
};

static void
aes_init(struct aes *a, const uint8_t key[SEV_GCM_KEY_LEN])
{
	uint64_t comp[30];

	a->rounds = br_aes_ct64_keysched(comp, key, SEV_GCM_KEY_LEN);
	br_aes_ct64_skey_expand(a->skey, a->rounds, comp);
	sev_wipe(comp, sizeof(comp));
}

/* Encrypt `n` (1..4) blocks of `blk` in place. */
static void
aes_encrypt(const struct aes *a, uint8_t *blk, unsigned n)
{
	uint64_t q[8] = {0};
	uint32_t w[LANES * 4] = {0};

	for (unsigned i = 0; i < n * 4; i++)
		w[i] = sev_ld32(blk + 4 * i);
	for (unsigned i = 0; i < LANES; i++)
		br_aes_ct64_interleave_in(&q[i], &q[i + 4], w + 4 * i);
	br_aes_ct64_ortho(q);
	br_aes_ct64_bitslice_encrypt(a->rounds, a->skey, q);
	br_aes_ct64_ortho(q);
	for (unsigned i = 0; i < LANES; i++)
		br_aes_ct64_interleave_out(w + 4 * i, q[i], q[i + 4]);
	for (unsigned i = 0; i < n * 4; i++)
		sev_st32(blk + 4 * i, w[i]);
	sev_wipe(q, sizeof(q));
	sev_wipe(w, sizeof(w));
}

static void
put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* SP 800-38D §6.5 GCTR from counter block IV || ctr, over `buf`. */
static void
gctr(const struct aes *a, const uint8_t iv[SEV_GCM_IV_LEN], uint32_t ctr,
     uint8_t *buf, size_t len)
{
	uint8_t ks[LANES * BLOCK];

	while (len) {
		size_t chunk = len < sizeof(ks) ? len : sizeof(ks);
		unsigned n = (unsigned)((chunk + BLOCK - 1) / BLOCK);

		for (unsigned i = 0; i < n; i++) {
			for (unsigned k = 0; k < SEV_GCM_IV_LEN; k++)
				ks[i * BLOCK + k] = iv[k];
			put32be(ks + i * BLOCK + 12, ctr++);
		}
		aes_encrypt(a, ks, n);
		for (size_t i = 0; i < chunk; i++)
			buf[i] ^= ks[i];
		buf += chunk;
		len -= chunk;
	}
	sev_wipe(ks, sizeof(ks));
}

/* SP 800-38D §7.1 steps 5-6: S = GHASH(A || C || [len A]64 || [len C]64) */
static void
ghash(const uint8_t h[BLOCK], const uint8_t *aad, size_t aad_len,
      const uint8_t *c, size_t len, uint8_t s[BLOCK])
{
	uint8_t lens[BLOCK];

	for (unsigned i = 0; i < BLOCK; i++)
		s[i] = 0;
	/* br_ghash_ctmul64 pads a partial last block with zeros */
	br_ghash_ctmul64(s, h, aad, aad_len);
	br_ghash_ctmul64(s, h, c, len);
	put32be(lens, (uint32_t)((uint64_t)aad_len >> 29));
	put32be(lens + 4, (uint32_t)((uint64_t)aad_len << 3));
	put32be(lens + 8, (uint32_t)((uint64_t)len >> 29));
	put32be(lens + 12, (uint32_t)((uint64_t)len << 3));
	br_ghash_ctmul64(s, h, lens, BLOCK);
}

/* The tag for ciphertext `c`: E_K(J0) xor S, with H = E_K(0^128). */
static void
gcm_tag(const struct aes *a, const uint8_t iv[SEV_GCM_IV_LEN],
	const uint8_t *aad, size_t aad_len, const uint8_t *c, size_t len,
	uint8_t tag[SEV_GCM_TAG_LEN])
{
	uint8_t h[BLOCK] = {0}, s[BLOCK], j0[BLOCK];

	aes_encrypt(a, h, 1);
	ghash(h, aad, aad_len, c, len, s);
	for (unsigned k = 0; k < SEV_GCM_IV_LEN; k++)
		j0[k] = iv[k];
	put32be(j0 + 12, 1);
	aes_encrypt(a, j0, 1);
	for (unsigned i = 0; i < SEV_GCM_TAG_LEN; i++)
		tag[i] = j0[i] ^ s[i];
	sev_wipe(h, sizeof(h));
	sev_wipe(s, sizeof(s));
	sev_wipe(j0, sizeof(j0));
}

void
sev_gcm_seal(const uint8_t key[SEV_GCM_KEY_LEN],
	     const uint8_t iv[SEV_GCM_IV_LEN], const uint8_t *aad,
	     size_t aad_len, uint8_t *buf, size_t len,
	     uint8_t tag[SEV_GCM_TAG_LEN])
{
	struct aes a;

	aes_init(&a, key);
	/* the data's counter blocks start at inc32(J0) = IV || 2 */
	gctr(&a, iv, 2, buf, len);
	gcm_tag(&a, iv, aad, aad_len, buf, len, tag);
	sev_wipe(&a, sizeof(a));
}

int
sev_gcm_open(const uint8_t key[SEV_GCM_KEY_LEN],
	     const uint8_t iv[SEV_GCM_IV_LEN], const uint8_t *aad,
	     size_t aad_len, uint8_t *buf, size_t len,
	     const uint8_t tag[SEV_GCM_TAG_LEN])
{
	struct aes a;
	uint8_t want[SEV_GCM_TAG_LEN];
	uint8_t diff = 0;

	aes_init(&a, key);
	gcm_tag(&a, iv, aad, aad_len, buf, len, want);
	/* constant time: every byte of the tag is compared */
	for (unsigned i = 0; i < SEV_GCM_TAG_LEN; i++)
		diff |= (uint8_t)(want[i] ^ tag[i]);
	sev_wipe(want, sizeof(want));
	if (diff) {
		sev_wipe(&a, sizeof(a));
		sev_wipe(buf, len);
		return SEV_E_AUTH;
	}
	gctr(&a, iv, 2, buf, len);
	sev_wipe(&a, sizeof(a));
	return 0;
}
