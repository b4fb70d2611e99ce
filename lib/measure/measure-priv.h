/* SPDX-License-Identifier: MIT */
/*
 * Internals of lib/measure shared between its files and exposed to the
 * unit tests (libvirt's *priv.h rule).  Not a public API.
 */
#ifndef CVM_MEASURE_PRIV_H
#define CVM_MEASURE_PRIV_H

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
 * The SNP guest context's launch digest (GCTX.LD) and its counters.  No
 * allocation per page: SHA-384 contexts live on the stack.
 */
struct cvm_gctx {
	uint8_t ld[CVM_SNP_LD_SIZE];
	unsigned lanes; /* pages per multi-buffer SHA-384 pass (sha384-mb.c) */
	uint64_t pages;
	uint64_t bytes;
	unsigned threads; /* for page hashes; 0: one per CPU (max 8) */
	/* explain: called once per cvm_gctx_pages() call */
	cvm_measure_region_fn on_region;
	void *opaque;
};

/* SHA-256 through OpenSSL's low-level functions (hashes.c): no library
 * initialisation, no failure */
void cvm_sha256(const void *p, size_t len, uint8_t out[32]);

/* LD starts as `seed` (48 bytes) or zeros. */
void cvm_gctx_init(struct cvm_gctx *g, const uint8_t *seed);

/* SHA-384 of `len` bytes, counted in the context's bytes. */
void cvm_gctx_sha384(struct cvm_gctx *g, const uint8_t *p, size_t len,
		     uint8_t out[CVM_SNP_LD_SIZE]);

/* One PAGE_INFO: LD = SHA-384(LD || contents || ... || gpa). */
void cvm_gctx_update(struct cvm_gctx *g, enum cvm_snp_page_type type,
		     uint64_t gpa, const uint8_t contents[CVM_SNP_LD_SIZE]);

/*
 * `len` bytes (a multiple of 4 KiB) at `gpa`, page by page.  NORMAL and
 * VMSA pages take their contents from `data`; ZERO, UNMEASURED, SECRETS
 * and CPUID pages contribute 48 zero bytes and `data` is NULL.  `what`
 * labels the region for the explain callback.
 */
int cvm_gctx_pages(struct cvm_gctx *g, const char *what,
		   enum cvm_snp_page_type type, uint64_t gpa,
		   const uint8_t *data, uint64_t len, struct cvm_err *err);

/*
 * Multi-buffer SHA-384 of whole 4 KiB pages (sha384-mb.c).  The widest
 * pass this CPU can run: 8 (AVX-512), 4 (AVX2) or 1 (none: one page at a
 * time through OpenSSL).
 */
unsigned cvm_sha384_mb_lanes(void);
/*
 * SHA-384 of `pages` consecutive pages at `data` into `out` (48 bytes
 * each), `lanes` (8 or 4) pages per pass.  Returns how many it hashed: a
 * multiple of `lanes`, the rest is the caller's; 0 for a lane count
 * this CPU cannot run.
 */
size_t cvm_sha384_pages_mb(const uint8_t *data, size_t pages, uint8_t *out,
			   unsigned lanes);

#endif
