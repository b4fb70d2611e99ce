/* SPDX-License-Identifier: MIT */
/*
 * The SEV-SNP launch digest: each page the hypervisor hands to
 * SNP_LAUNCH_UPDATE extends the guest context's digest,
 *
 *   LD' = SHA-384(PAGE_INFO),  PAGE_INFO = LD || CONTENTS || LENGTH ||
 *         PAGE_TYPE || IMI_PAGE || VMPL3..1_PERMS || reserved || GPA
 *
 * (SNP firmware ABI spec 56860, SNP_LAUNCH_UPDATE, table "Layout of the
 * PAGE_INFO structure").  CONTENTS is the SHA-384 of the page for NORMAL
 * and VMSA pages and zero for the other types.  Speed matters here: the
 * page hashes dominate.  They are independent of each other, so a large
 * region's pages are hashed first, on one thread per CPU, 8 or 4 pages
 * side by side where the CPU has the vectors (sha384-mb.c), into one
 * array per region; then the PAGE_INFO chain, which is serial but small,
 * runs over that array with PAGE_INFO built on the stack.  Nothing is
 * allocated per page.
 *
 * Single messages (the chain, VMSAs, pages left over) go through
 * OpenSSL's low-level SHA384_Init/Update/Final (deprecated since 3.0,
 * kept in every 3.x) rather than EVP: the same assembly, on a context on
 * the stack, without the provider machinery.  An EVP fetch loads and
 * initialises the default provider first, a quarter of a millisecond,
 * which was 6% of a `cvm measure` process.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "measure-priv.h"

static const uint8_t zeros[CVM_SNP_LD_SIZE];

void
cvm_gctx_init(struct cvm_gctx *g, const uint8_t *seed)
{
	memset(g, 0, sizeof(*g));
	if (seed)
		memcpy(g->ld, seed, CVM_SNP_LD_SIZE);
	g->lanes = cvm_sha384_mb_lanes();
}

/* The low-level functions fail only for a NULL digest pointer: unlike
 * EVP, nothing here can fail at run time. */
static void
sha384(const uint8_t *p, size_t len, uint8_t out[CVM_SNP_LD_SIZE])
{
	SHA512_CTX c;

	SHA384_Init(&c);
	SHA384_Update(&c, p, len);
	SHA384_Final(out, &c);
}

void
cvm_gctx_sha384(struct cvm_gctx *g, const uint8_t *p, size_t len,
		uint8_t out[CVM_SNP_LD_SIZE])
{
	sha384(p, len, out);
	g->bytes += len;
}

void
cvm_gctx_update(struct cvm_gctx *g, enum cvm_snp_page_type type, uint64_t gpa,
		const uint8_t contents[CVM_SNP_LD_SIZE])
{
	uint8_t pi[CVM_PAGE_INFO_SIZE];

	/* PAGE_INFO; IMI_PAGE and the VMPL permissions are 0 at launch */
	memcpy(pi + 0x00, g->ld, CVM_SNP_LD_SIZE);
	memcpy(pi + 0x30, contents, CVM_SNP_LD_SIZE);
	cvm_put_le16(pi + 0x60, CVM_PAGE_INFO_SIZE);
	pi[0x62] = (uint8_t)type;
	memset(pi + 0x63, 0, 5);
	cvm_put_le64(pi + 0x68, gpa);
	g->pages++;
	cvm_gctx_sha384(g, pi, sizeof(pi), g->ld);
}

#define PAR_MIN_PAGES	64 /* per thread: below that, threads cost more */
#define PAR_MAX_THREADS 8

struct page_job {
	unsigned lanes;
	const uint8_t *data;
	uint8_t *out; /* 48 bytes per page */
	size_t first, count;
};

static void *
hash_pages(void *arg)
{
	struct page_job *j = arg;
	size_t i = j->first, end = j->first + j->count;

	/* as many as the vector pass takes, then the rest one by one */
	i += cvm_sha384_pages_mb(j->data + i * CVM_PAGE_SIZE, j->count,
				 j->out + i * CVM_SNP_LD_SIZE, j->lanes);
	for (; i < end; i++)
		sha384(j->data + i * CVM_PAGE_SIZE, CVM_PAGE_SIZE,
		       j->out + i * CVM_SNP_LD_SIZE);
	return NULL;
}

static size_t
thread_count(const struct cvm_gctx *g, size_t pages)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = g->threads ? g->threads : (cpus > 1 ? (size_t)cpus : 1);

	if (n > PAR_MAX_THREADS)
		n = PAR_MAX_THREADS;
	if (n > pages / PAR_MIN_PAGES)
		n = pages / PAR_MIN_PAGES ? pages / PAR_MIN_PAGES : 1;
	return n;
}

/* SHA-384 of each page of `data` into `out`, split over threads. */
static void
hash_all_pages(struct cvm_gctx *g, const uint8_t *data, size_t pages,
	       uint8_t *out)
{
	struct page_job jobs[PAR_MAX_THREADS];
	pthread_t tid[PAR_MAX_THREADS];
	size_t n = thread_count(g, pages), started = 1;

	for (size_t t = 0; t < n; t++)
		jobs[t] = (struct page_job){
			.lanes = g->lanes,
			.data = data,
			.out = out,
			.first = pages * t / n,
			.count = pages * (t + 1) / n - pages * t / n,
		};
	while (started < n && pthread_create(&tid[started], NULL, hash_pages,
					     &jobs[started]) == 0)
		started++;
	/* this thread takes job 0 and any a thread could not be made for */
	hash_pages(&jobs[0]);
	for (size_t t = started; t < n; t++)
		hash_pages(&jobs[t]);
	for (size_t t = 1; t < started; t++)
		pthread_join(tid[t], NULL);
	g->bytes += (uint64_t)pages * CVM_PAGE_SIZE;
}

int
cvm_gctx_pages(struct cvm_gctx *g, const char *what,
	       enum cvm_snp_page_type type, uint64_t gpa, const uint8_t *data,
	       uint64_t len, struct cvm_err *err)
{
	uint64_t before = g->bytes;
	cleanup_free uint8_t *hashes = NULL;

	if (len % CVM_PAGE_SIZE)
		return cvm_err_set(
			err, -CVM_E_PARSE,
			"%s at 0x%llx: size 0x%llx is not a multiple "
			"of 4 KiB",
			what, (unsigned long long)gpa, (unsigned long long)len);
	if (data) {
		hashes = cvm_xmalloc(len / CVM_PAGE_SIZE * CVM_SNP_LD_SIZE);
		hash_all_pages(g, data, len / CVM_PAGE_SIZE, hashes);
	}
	for (uint64_t i = 0; i < len / CVM_PAGE_SIZE; i++)
		cvm_gctx_update(g, type, gpa + i * CVM_PAGE_SIZE,
				hashes ? hashes + i * CVM_SNP_LD_SIZE : zeros);
	if (g->on_region) {
		struct cvm_measure_region reg = {
			.what = what,
			.gpa = gpa,
			.pages = len / CVM_PAGE_SIZE,
			.bytes = g->bytes - before,
			.page_type = type,
		};

		g->on_region(g->opaque, &reg);
	}
	return 0;
}
