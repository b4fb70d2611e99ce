/* SPDX-License-Identifier: MIT */
/*
 * The program behind bench/attest: SNP report verification speed, in one
 * process, on one core.  Prints (never asserts):
 *   - the first verification in the process (OpenSSL start-up included),
 *   - a cold verification: a new context, so the VCEK is parsed and the
 *     ARK/ASK/VCEK chain verified again (median of several),
 *   - verifications per second with the chain cached (one context), by
 *     the wall clock and per second of this thread's CPU time (what one
 *     free core would do: the figure to read on a loaded machine),
 *   - bare OpenSSL ECDSA P-384 verifications per second, side by side,
 *     as the floor a cached verification cannot beat.
 * Usage: attest-bench TESTDATA_SNP_DIR [SECONDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cvm/attest.h"
#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"

struct input {
	const char *name;
	struct cvm_buf report, vcek;
	char vcek_path[512];
};

static const struct cvm_attest_expect expect = {.at = 1756684800};

static double
ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static void
load(const char *dir, struct input *in)
{
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *r = cvm_xasprintf("%s/%s/report.bin", dir, in->name);

	snprintf(in->vcek_path, sizeof(in->vcek_path), "%s/%s/vcek.der", dir,
		 in->name);
	if (cvm_file_read(r, &in->report, 0, &err) < 0 ||
	    cvm_file_read(in->vcek_path, &in->vcek, 0, &err) < 0) {
		fprintf(stderr, "attest-bench: %s\n", err.msg);
		exit(1);
	}
}

/* One verification with a new context; its wall time in ns. */
static uint64_t
cold(const struct input *in, struct cvm_attest_result *res)
{
	struct cvm_err err = CVM_ERR_INIT;
	uint64_t t0 = cvm_now_ns();
	struct cvm_attest_ctx *ctx = cvm_attest_ctx_new();

	if (cvm_attest_ctx_add_file(ctx, in->vcek_path, CVM_CERT_ROLE_VEK,
				    &err) < 0 ||
	    cvm_attest_verify(ctx, (uint8_t *)in->report.data, in->report.len,
			      in->name, &expect, res, &err) < 0 ||
	    res->verdict != CVM_ATTEST_VALID) {
		fprintf(stderr, "attest-bench: %s: not valid %s\n", in->name,
			err.msg);
		exit(1);
	}
	cvm_attest_ctx_free(ctx);
	return cvm_now_ns() - t0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One cached verification (the context already holds the chain). */
static void
warm_one(struct cvm_attest_ctx *ctx, const struct input *in,
	 struct cvm_attest_result *res)
{
	cvm_attest_verify(ctx, (uint8_t *)in->report.data, in->report.len,
			  in->name, &expect, res, NULL);
	if (res->verdict != CVM_ATTEST_VALID)
		exit(1);
}

/* Bare OpenSSL: one ECDSA P-384 verification of the same signature with
 * the same key (DigestVerify over the signed area). */
static void
bare_one(EVP_PKEY *key, const uint8_t *der, size_t derlen, const uint8_t *r)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, key) != 1 ||
	    EVP_DigestVerify(md, der, derlen, r, CVM_SNP_SIGNED_SIZE) != 1)
		exit(1);
	EVP_MD_CTX_free(md);
}

/* This thread's CPU time: what one core spent, whatever the load. */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Cached verifications and bare ECDSA verifications per second, measured
 * in alternating 50-iteration slices so that load on the machine hits
 * both alike; `warm_cpu` is the cached rate per second of CPU time.
 */
static void
warm_and_bare(const struct input *in, double seconds,
	      struct cvm_attest_result *res, double *warm, double *bare,
	      double *warm_cpu)
{
	struct cvm_attest_ctx *ctx = cvm_attest_ctx_new();
	const uint8_t *q = (const uint8_t *)in->vcek.data;
	X509 *x = d2i_X509(NULL, &q, (long)in->vcek.len);
	const uint8_t *r = (const uint8_t *)in->report.data;
	ECDSA_SIG *sig = ECDSA_SIG_new();
	unsigned char *der = NULL;
	uint64_t tw = 0, tb = 0, tc = 0, n = 0, t, c, end;
	int derlen;

	ECDSA_SIG_set0(sig, BN_lebin2bn(r + 0x2A0, 48, NULL),
		       BN_lebin2bn(r + 0x2E8, 48, NULL));
	derlen = i2d_ECDSA_SIG(sig, &der);
	cvm_attest_ctx_add_file(ctx, in->vcek_path, CVM_CERT_ROLE_VEK, NULL);
	warm_one(ctx, in, res);
	end = cvm_now_ns() + (uint64_t)(seconds * 1e9);
	while (cvm_now_ns() < end) {
		t = cvm_now_ns();
		c = cpu_ns();
		for (int i = 0; i < 50; i++)
			warm_one(ctx, in, res);
		tc += cpu_ns() - c;
		tw += cvm_now_ns() - t;
		t = cvm_now_ns();
		for (int i = 0; i < 50; i++)
			bare_one(X509_get0_pubkey(x), der, (size_t)derlen, r);
		tb += cvm_now_ns() - t;
		n += 50;
	}
	*warm = (double)n / ((double)tw / 1e9);
	*bare = (double)n / ((double)tb / 1e9);
	*warm_cpu = (double)n / ((double)tc / 1e9);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	X509_free(x);
	cvm_attest_ctx_free(ctx);
}

int
main(int argc, char **argv)
{
	struct input in[] = {{.name = "milan-v3-oak"},
			     {.name = "genoa-v5-oak"},
			     {.name = "turin-v5-oak"}};
	struct cvm_attest_result *res = cvm_xmalloc(sizeof(*res));
	double secs = argc > 2 ? atof(argv[2]) : 2.0;
	uint64_t first, t[9];

	if (argc < 2) {
		fprintf(stderr,
			"usage: attest-bench TESTDATA_SNP_DIR [SECS]\n");
		return 2;
	}
	for (size_t i = 0; i < 3; i++)
		load(argv[1], &in[i]);
	first = cold(&in[0], res);
	printf("first verification in the process (OpenSSL start-up "
	       "included): %.2f ms\n",
	       ms(first));
	printf("%-14s %10s %17s %13s %13s %6s\n", "report", "cold (ms)",
	       "cached (verif/s)", "per CPU-s", "bare ECDSA/s", "ratio");
	for (size_t i = 0; i < 3; i++) {
		double w, b, wc;

		for (size_t k = 0; k < 9; k++)
			t[k] = cold(&in[i], res);
		qsort(t, 9, sizeof(t[0]), cmp_u64);
		warm_and_bare(&in[i], secs, res, &w, &b, &wc);
		printf("%-14s %10.2f %17.0f %13.0f %13.0f %6.2f\n", in[i].name,
		       ms(t[4]), w, wc, b, w / b);
	}
	printf("cold = median of 9 verifications with a new context (VCEK "
	       "parsed, chain verified);\ncached = one context (wall clock; "
	       "per CPU-s: per second "
	       "of this thread's CPU time,\nthe rate of one free core); "
	       "ratio = cached / bare OpenSSL ECDSA P-384 verify, one core\n");
	for (size_t i = 0; i < 3; i++) {
		cvm_buf_release(&in[i].report);
		cvm_buf_release(&in[i].vcek);
	}
	free(res);
	return 0;
}
