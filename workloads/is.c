/* SPDX-License-Identifier: MIT */
/*
 * NPB IS (integer sort): rank 2^n integer keys in [0, 2^k) ten times,
 * keys made from the NPB generator as MAX_KEY/4 times the sum of four
 * uniform numbers, so they are roughly Gaussian (NAS RNR-91-002,
 * "Kernel IS").  Before iteration i the keys at positions i and i+10 are
 * set to i and MAX_KEY - i.  Ranking is a counting sort through buckets
 * (NPB 3.4.1 IS/is.c with USE_BUCKETS, the default).
 *
 * Verification (is.c): in every iteration the ranks of five keys at fixed
 * positions must equal published values shifted by the iteration per a
 * class-specific rule (partial verification), and after the last
 * iteration the fully sorted keys must be in order: 5 x 10 + 1 checks.
 * Mop/s = 10 * keys / time / 10^6 (is.c).
 */
#include "wl-priv.h"

#define ITERATIONS 10		/* is.c: MAX_ITERATIONS */
#define TEST_KEYS  5		/* is.c: TEST_ARRAY_SIZE */
#define SEED	   314159265.00 /* is.c: create_seq() seed */

/*
 * Keys, key range, buckets and the partial-verification positions and
 * ranks: NPB 3.4.1 IS/is.c (class S, W, A blocks and the
 * {S,W,A}_test_{index,rank}_array tables).
 */
static const struct is_class {
	char cls;
	struct is_params p;
} is_classes[] = {
	{'S',
	 {16,
	  11,
	  9,
	  {48427, 17148, 23627, 62548, 4431},
	  {0, 18, 346, 64917, 65463}}},
	{'W',
	 {20,
	  16,
	  10,
	  {357773, 934767, 875723, 898999, 404505},
	  {1249, 11698, 1039987, 1043896, 1048018}}},
	{'A',
	 {23,
	  19,
	  10,
	  {2112377, 662041, 5336171, 3642833, 4250760},
	  {104, 17523, 123928, 8288932, 8388264}}},
};

const struct is_params *
is_params(char cls)
{
	for (size_t i = 0; i < sizeof(is_classes) / sizeof(is_classes[0]); i++)
		if (is_classes[i].cls == cls)
			return &is_classes[i].p;
	return NULL;
}

int
is_rank_verify(char cls, int it, int i, long rank)
{
	const struct is_params *p = is_params(cls);
	long want;

	if (!p || i < 0 || i >= TEST_KEYS || it < 1 || it > ITERATIONS)
		return WL_NO;
	/* is.c, rank(): the per-class shift of test_rank_array */
	switch (cls) {
	case 'S':
		want = i <= 2 ? p->test_rank[i] + it : p->test_rank[i] - it;
		break;
	case 'W':
		want = i < 2 ? p->test_rank[i] + (it - 2)
			     : p->test_rank[i] - it;
		break;
	default: /* 'A' */
		want = i <= 2 ? p->test_rank[i] + (it - 1)
			      : p->test_rank[i] - (it - 1);
		break;
	}
	return rank == want ? WL_YES : WL_NO;
}

struct is_state {
	char cls;
	const struct is_params *p;
	long nkeys, max_key, nbuckets;
	int32_t *keys;	 /* key_array */
	int32_t *rank;	 /* key_buff1: per key value, its rank */
	int32_t *sorted; /* key_buff2: keys in bucket order */
	int32_t *bsize;	 /* bucket_size */
	int32_t *bptr;	 /* bucket_ptrs */
	int passed;	 /* passed_verification */
};

static size_t
is_mem(char cls)
{
	const struct is_params *p = is_params(cls);

	if (!p)
		return 0;
	return 2 * wl_align(sizeof(int32_t) << p->total_keys_log2) +
	       wl_align(sizeof(int32_t) << p->max_key_log2) +
	       2 * wl_align(sizeof(int32_t) << p->buckets_log2);
}

/* is.c create_seq(): key = (MAX_KEY / 4) * (sum of four randlc) */
static void
create_seq(struct is_state *s)
{
	double x, seed = SEED, k = (double)(s->max_key / 4);

	for (long i = 0; i < s->nkeys; i++) {
		x = randlc(&seed, NPB_A);
		x += randlc(&seed, NPB_A);
		x += randlc(&seed, NPB_A);
		x += randlc(&seed, NPB_A);
		s->keys[i] = (int32_t)(k * x);
	}
}

/* count the keys of each bucket and scatter them in bucket order */
static void
bucket_scatter(struct is_state *s, int shift)
{
	for (long i = 0; i < s->nbuckets; i++)
		s->bsize[i] = 0;
	for (long i = 0; i < s->nkeys; i++)
		s->bsize[s->keys[i] >> shift]++;
	s->bptr[0] = 0;
	for (long i = 1; i < s->nbuckets; i++)
		s->bptr[i] = s->bptr[i - 1] + s->bsize[i - 1];
	for (long i = 0; i < s->nkeys; i++) {
		int32_t k = s->keys[i];

		s->sorted[s->bptr[k >> shift]++] = k;
	}
	/* bptr[i] now ends bucket i */
}

/* is.c rank(): one ranking iteration and its partial verification */
static void
rank(struct is_state *s, int it)
{
	int shift = s->p->max_key_log2 - s->p->buckets_log2;
	long per_bucket = 1L << shift;
	int32_t test_vals[TEST_KEYS];

	s->keys[it] = it;
	s->keys[it + ITERATIONS] = (int32_t)(s->max_key - it);
	for (int i = 0; i < TEST_KEYS; i++)
		test_vals[i] = s->keys[s->p->test_index[i]];

	bucket_scatter(s, shift);
	for (long b = 0; b < s->nbuckets; b++) {
		long k1 = b * per_bucket, k2 = k1 + per_bucket;
		int32_t m = b > 0 ? s->bptr[b - 1] : 0;

		for (long k = k1; k < k2; k++)
			s->rank[k] = 0;
		for (long k = m; k < s->bptr[b]; k++)
			s->rank[s->sorted[k]]++;
		/* the running count, starting after the lesser buckets */
		s->rank[k1] += m;
		for (long k = k1 + 1; k < k2; k++)
			s->rank[k] += s->rank[k - 1];
	}

	for (int i = 0; i < TEST_KEYS; i++) {
		int32_t k = test_vals[i];

		if (k > 0 && k <= s->nkeys - 1 &&
		    is_rank_verify(s->cls, it, i, s->rank[k - 1]) == WL_YES)
			s->passed++;
	}
}

/* is.c full_verify(): place every key at its rank; count disorder */
static void
full_verify(struct is_state *s)
{
	long bad = 0;

	for (long b = 0; b < s->nbuckets; b++) {
		int32_t k1 = b > 0 ? s->bptr[b - 1] : 0;

		for (int32_t i = k1; i < s->bptr[b]; i++) {
			int32_t k = --s->rank[s->sorted[i]];

			s->keys[k] = s->sorted[i];
		}
	}
	for (long i = 1; i < s->nkeys; i++)
		if (s->keys[i - 1] > s->keys[i])
			bad++;
	if (bad == 0)
		s->passed++;
}

static int
is_run(char cls)
{
	struct is_state s = {.cls = cls, .p = is_params(cls)};
	uint64_t t0;
	double t;
	int ok;

	if (!s.p)
		return WL_EUSAGE;
	s.nkeys = 1L << s.p->total_keys_log2;
	s.max_key = 1L << s.p->max_key_log2;
	s.nbuckets = 1L << s.p->buckets_log2;
	s.keys = wl_alloc(sizeof(int32_t) * (size_t)s.nkeys);
	s.sorted = wl_alloc(sizeof(int32_t) * (size_t)s.nkeys);
	s.rank = wl_alloc(sizeof(int32_t) * (size_t)s.max_key);
	s.bsize = wl_alloc(sizeof(int32_t) * (size_t)s.nbuckets);
	s.bptr = wl_alloc(sizeof(int32_t) * (size_t)s.nbuckets);
	if (!s.keys || !s.sorted || !s.rank || !s.bsize || !s.bptr)
		return WL_ENOMEM;

	create_seq(&s);
	/* one untimed iteration touches every page (is.c) */
	rank(&s, 1);
	s.passed = 0;
	t0 = wl_now_ns();
	for (int it = 1; it <= ITERATIONS; it++)
		rank(&s, it);
	t = wl_seconds(t0, wl_now_ns());
	full_verify(&s);

	ok = s.passed == TEST_KEYS * ITERATIONS + 1 ? WL_YES : WL_NO;
	wl_result("is", cls, "time", t, "s", ok);
	wl_result("is", cls, "mops",
		  wl_mops((double)ITERATIONS * (double)s.nkeys, t), "Mop/s",
		  ok);
	return ok == WL_YES ? WL_OK : WL_EUNVERIFIED;
}

const struct wl_workload wl_is = {
	.name = "is",
	.classes = "SWA",
	.mem_bytes = is_mem,
	.run = is_run,
};
