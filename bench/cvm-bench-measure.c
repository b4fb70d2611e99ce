/* SPDX-License-Identifier: MIT */
/*
 * cvm-bench-measure OVMF [RUNS]: the in-process cost of an SNP launch
 * digest (--mode snp --vcpus 4 --vcpu-type EPYC-Milan) against the raw
 * SHA-384 bound on this machine: OpenSSL hashing, in one call, as many
 * bytes as the digest pushes through SHA-384.  The digest is timed three
 * ways: as `cvm measure` runs it (pages side by side in vector lanes, on
 * up to one thread per CPU), on one thread, and on one thread one page at
 * a time through OpenSSL, which is what the bound is made of.  All in the
 * same run, best of RUNS; prints one line per figure and the ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/measure.h"
#include "cvm/util.h"

static int
digest_once(const struct cvm_measure_params *p, struct cvm_measure_result *r,
	    uint64_t *ns)
{
	struct cvm_err err = CVM_ERR_INIT;
	uint64_t t0 = cvm_now_ns();

	if (cvm_measure_compute(p, r, &err) < 0) {
		fprintf(stderr, "cvm-bench-measure: %s\n", err.msg);
		return -1;
	}
	*ns = cvm_now_ns() - t0;
	return 0;
}

static uint64_t
raw_once(const uint8_t *buf, size_t len)
{
	uint8_t out[48];
	uint64_t t0 = cvm_now_ns();

	EVP_Digest(buf, len, out, NULL, EVP_sha384(), NULL);
	return cvm_now_ns() - t0;
}

/* the ways the digest is timed: threads and lanes as in the params */
static const struct way {
	const char *name;
	unsigned threads, lanes;
	const char *what;
} ways[] = {
	{"digest_ms", 0, 0, "as cvm measure runs it: up to one thread per CPU"},
	{"digest_1t_ms", 1, 0, "one thread"},
	{"digest_x4_ms", 1, 4, "one thread, 4 lanes (AVX2)"},
	{"digest_ossl_ms", 1, 1, "one thread, one page at a time (OpenSSL)"},
};

int
main(int argc, char **argv)
{
	cleanup_map struct cvm_map fw = CVM_MAP_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_measure_params p;
	struct cvm_measure_result r;
	uint64_t best[CVM_ARRAY_SIZE(ways)], raw = UINT64_MAX, ns;
	int runs = argc > 2 ? atoi(argv[2]) : 50;
	unsigned lanes;
	uint8_t *buf;
	char hex[97];

	if (argc < 2 || runs < 1) {
		fprintf(stderr, "usage: cvm-bench-measure OVMF [RUNS]\n");
		return 2;
	}
	if (cvm_file_map(argv[1], &fw, &err) < 0) {
		fprintf(stderr, "cvm-bench-measure: %s\n", err.msg);
		return 1;
	}
	cvm_measure_params_init(&p);
	p.vcpus = 4;
	cvm_vcpu_type_sig("EPYC-Milan", &p.vcpu_sig);
	p.fw = fw.data;
	p.fw_len = fw.len;
	if (digest_once(&p, &r, &ns) < 0)
		return 1;
	lanes = r.lanes;
	/* the same number of bytes, firmware bytes first, as one stream */
	buf = cvm_xcalloc(1, r.bytes_hashed);
	memcpy(buf, fw.data, fw.len < r.bytes_hashed ? fw.len : r.bytes_hashed);
	raw_once(buf, r.bytes_hashed);
	for (size_t w = 0; w < CVM_ARRAY_SIZE(ways); w++)
		best[w] = UINT64_MAX;
	for (int i = 0; i < runs; i++) {
		for (size_t w = 0; w < CVM_ARRAY_SIZE(ways); w++) {
			if (ways[w].lanes > lanes) /* this CPU cannot */
				continue;
			p.threads = ways[w].threads;
			p.lanes = ways[w].lanes;
			if (digest_once(&p, &r, &ns) < 0)
				return 1;
			best[w] = ns < best[w] ? ns : best[w];
		}
		ns = raw_once(buf, r.bytes_hashed);
		raw = ns < raw ? ns : raw;
	}
	free(buf);
	cvm_hex_encode(r.digest, r.len, hex);
	printf("digest          %s\n", hex);
	printf("bytes_hashed    %llu (%llu PAGE_INFO, %zu firmware bytes)\n",
	       (unsigned long long)r.bytes_hashed, (unsigned long long)r.pages,
	       fw.len);
	printf("lanes           %u (pages hashed side by side here: %s; %ld "
	       "CPUs)\n",
	       lanes,
	       lanes == 8   ? "AVX-512"
	       : lanes == 4 ? "AVX2"
			    : "none, one at a time through OpenSSL",
	       sysconf(_SC_NPROCESSORS_ONLN));
	for (size_t w = 0; w < CVM_ARRAY_SIZE(ways); w++)
		if (best[w] != UINT64_MAX)
			printf("%-15s %.3f (best of %d, %s)\n", ways[w].name,
			       best[w] / 1e6, runs, ways[w].what);
	printf("sha384_raw_ms   %.3f (%.0f MB/s, best of %d)\n", raw / 1e6,
	       r.bytes_hashed / (raw / 1e3), runs);
	printf("ratio           %.2f (one-thread digest / raw SHA-384 bound; "
	       "target <= 1.3)\n",
	       (double)best[1] / (double)raw);
	printf("ratio_ossl      %.2f (one page at a time / raw SHA-384 "
	       "bound)\n",
	       (double)best[3] / (double)raw);
	printf("ratio_threads   %.2f (as cvm measure runs it / raw SHA-384 "
	       "bound)\n",
	       (double)best[0] / (double)raw);
	return 0;
}
