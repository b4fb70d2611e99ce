/* SPDX-License-Identifier: MIT */
/*
 * Internals of lib/measure shared between its files and exposed to the
 * unit tests (libvirt's *priv.h rule).  Not a public API.
 */
#ifndef CVM_MEASURE_PRIV_H
#define CVM_MEASURE_PRIV_H

#include <openssl/evp.h>

#include "cvm/measure.h"

/*
 * A GUID in its stored (EFI, little-endian) byte order, written from its
 * canonical text form: the first three fields are byte-swapped.
 */
#define CVM_GUID_LE(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                 \
	{                                                                    \
		(a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff,           \
			((a) >> 24) & 0xff, (b)&0xff, ((b) >> 8) & 0xff,     \
			(c)&0xff, ((c) >> 8) & 0xff, d0, d1, d2, d3, d4, d5, \
			d6, d7                                               \
	}

/* SNP ABI spec 56860, SNP_LAUNCH_UPDATE, PAGE_INFO: 0x70 bytes */
#define CVM_PAGE_INFO_SIZE 0x70

/*
 * The SNP guest context's launch digest (GCTX.LD) and the hashing state
 * reused for every page: one EVP_MD_CTX, one fetched SHA-384, no
 * allocation per page.
 */
struct cvm_gctx {
	uint8_t ld[CVM_SNP_LD_SIZE];
	EVP_MD_CTX *ctx;
	EVP_MD *sha384;
	uint64_t pages;
	uint64_t bytes;
	unsigned threads; /* for page hashes; 0: one per CPU (max 8) */
	/* explain: called once per cvm_gctx_pages() call */
	cvm_measure_region_fn on_region;
	void *opaque;
};

/* LD starts as `seed` (48 bytes) or zeros. */
int cvm_gctx_init(struct cvm_gctx *g, const uint8_t *seed, struct cvm_err *err);
void cvm_gctx_release(struct cvm_gctx *g);

/* SHA-384 of `len` bytes with the context's reused EVP_MD_CTX. */
int cvm_gctx_sha384(struct cvm_gctx *g, const uint8_t *p, size_t len,
		    uint8_t out[CVM_SNP_LD_SIZE], struct cvm_err *err);

/* One PAGE_INFO: LD = SHA-384(LD || contents || ... || gpa). */
int cvm_gctx_update(struct cvm_gctx *g, enum cvm_snp_page_type type,
		    uint64_t gpa, const uint8_t contents[CVM_SNP_LD_SIZE],
		    struct cvm_err *err);

/*
 * `len` bytes (a multiple of 4 KiB) at `gpa`, page by page.  NORMAL and
 * VMSA pages take their contents from `data`; ZERO, UNMEASURED, SECRETS
 * and CPUID pages contribute 48 zero bytes and `data` is NULL.  `what`
 * labels the region for the explain callback.
 */
int cvm_gctx_pages(struct cvm_gctx *g, const char *what,
		   enum cvm_snp_page_type type, uint64_t gpa,
		   const uint8_t *data, uint64_t len, struct cvm_err *err);

#endif
