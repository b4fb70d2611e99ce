/* SPDX-License-Identifier: MIT */
/*
 * SHA-384 of many 4 KiB pages at once, one page per 64-bit vector lane:
 * 8 pages with AVX-512 (vprorq and vpternlogq do a rotate and a
 * three-input function in one instruction each), 4 with AVX2.  The SNP
 * launch digest hashes every firmware page on its own (gctx.c), and such
 * independent, equal-length messages are what multi-buffer hashing is
 * for: one SHA-512 compression is a serial chain of 80 rounds, which a
 * single-message implementation (OpenSSL's) cannot spread over a
 * vector; 8 messages side by side fill the vector with no shuffling.
 * Measured here (AMD EPYC, Zen 4), 512 pages: 8 lanes hash them 3.1x
 * as fast as OpenSSL's SHA384() page by page, 4 lanes 1.4x; bench/measure
 * times the whole digest each way.
 *
 * Spec: FIPS 180-4, §4.1.3 (functions), §4.2.3 (constants), §5.1.2
 * (padding), §5.3.4 (SHA-384 H(0)), §6.4.2 (computation), §6.5
 * (truncation to 384 bits).  The kernel itself is sha384-mb-body.h,
 * compiled once per instruction set.  Tested against OpenSSL
 * (tests/unit/test-sha384-mb.c) on every lane count the CPU has.
 */
#include <string.h>

#include "measure-priv.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* §4.2.3: the first 64 bits of the fractional parts of the cube roots
 * of the first 80 primes */
static const uint64_t sha512_k[80] = {
	0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full,
	0xe9b5dba58189dbbcull, 0x3956c25bf348b538ull, 0x59f111f1b605d019ull,
	0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull, 0xd807aa98a3030242ull,
	0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
	0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull,
	0xc19bf174cf692694ull, 0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull,
	0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull, 0x2de92c6f592b0275ull,
	0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
	0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full,
	0xbf597fc7beef0ee4ull, 0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull,
	0x06ca6351e003826full, 0x142929670a0e6e70ull, 0x27b70a8546d22ffcull,
	0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
	0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull,
	0x92722c851482353bull, 0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull,
	0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull, 0xd192e819d6ef5218ull,
	0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
	0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull,
	0x34b0bcb5e19b48a8ull, 0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull,
	0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull, 0x748f82ee5defb2fcull,
	0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
	0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull,
	0xc67178f2e372532bull, 0xca273eceea26619cull, 0xd186b8c721c0c207ull,
	0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull, 0x06f067aa72176fbaull,
	0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
	0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull,
	0x431d67c49c100d4cull, 0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull,
	0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

/* §5.3.4: the first 64 bits of the fractional parts of the square roots
 * of the 9th to 16th primes */
static const uint64_t sha384_h0[8] = {
	0xcbbb9d5dc1059ed8ull, 0x629a292a367cd507ull, 0x9159015a3070dd17ull,
	0x152fecd8f70e5939ull, 0x67332667ffc00b31ull, 0x8eb44a8768581511ull,
	0xdb0c2e0d64f98fa7ull, 0x47b5481dbefa4fa4ull,
};

#define MB_BSWAP64_128 0x08090a0b0c0d0e0full, 0x0001020304050607ull

/* AVX-512: 8 lanes; the F and BW subsets (vpshufb on 512 bits is BW) */
#define MB_NAME	     sha384_pages_x8
#define MB_TARGET    __attribute__((target("avx512f,avx512bw")))
#define MB_LANES     8
#define mb_v	     __m512i
#define MB_SET1(x)   _mm512_set1_epi64((long long)(x))
#define MB_ADD(a, b) _mm512_add_epi64(a, b)
#define MB_ROR(x, n) _mm512_ror_epi64(x, n)
#define MB_SHR(x, n) _mm512_srli_epi64(x, n)
/* vpternlogq: the result bit is imm8[a << 2 | b << 1 | c] */
#define MB_XOR3(a, b, c) _mm512_ternarylogic_epi64(a, b, c, 0x96)
#define MB_CH(e, f, g)	 _mm512_ternarylogic_epi64(e, f, g, 0xca)
#define MB_MAJ(a, b, c)	 _mm512_ternarylogic_epi64(a, b, c, 0xe8)
#define MB_BSWAP(x)                                                          \
	_mm512_shuffle_epi8(x,                                               \
			    _mm512_set_epi64(MB_BSWAP64_128, MB_BSWAP64_128, \
					     MB_BSWAP64_128, MB_BSWAP64_128))
#define MB_ROR8(x)     MB_ROR(x, 8)
#define MB_STORE(p, x) _mm512_storeu_si512(p, MB_BSWAP(x))
#define MB_LOAD_BLOCK  load_block_x8

/* word t of the 8 pages: one gather each */
static MB_TARGET inline void
load_block_x8(__m512i w[16], const uint8_t *p)
{
	const __m512i lane = _mm512_set_epi64(
		7 * CVM_PAGE_SIZE, 6 * CVM_PAGE_SIZE, 5 * CVM_PAGE_SIZE,
		4 * CVM_PAGE_SIZE, 3 * CVM_PAGE_SIZE, 2 * CVM_PAGE_SIZE,
		CVM_PAGE_SIZE, 0);

	for (int t = 0; t < 16; t++)
		w[t] = MB_BSWAP(_mm512_i64gather_epi64(lane, p + t * 8, 1));
}
#include "sha384-mb-body.h"
#undef MB_NAME
#undef MB_TARGET
#undef MB_LANES
#undef mb_v
#undef MB_SET1
#undef MB_ADD
#undef MB_ROR
#undef MB_SHR
#undef MB_XOR3
#undef MB_CH
#undef MB_MAJ
#undef MB_BSWAP
#undef MB_ROR8
#undef MB_STORE
#undef MB_LOAD_BLOCK

/* AVX2: 4 lanes; no 64-bit rotate or three-input logic, so each is two
 * or three instructions */
#define MB_NAME	     sha384_pages_x4
#define MB_TARGET    __attribute__((target("avx2")))
#define MB_LANES     4
#define mb_v	     __m256i
#define MB_SET1(x)   _mm256_set1_epi64x((long long)(x))
#define MB_ADD(a, b) _mm256_add_epi64(a, b)
#define MB_SHR(x, n) _mm256_srli_epi64(x, n)
#define MB_ROR(x, n) \
	_mm256_or_si256(MB_SHR(x, n), _mm256_slli_epi64(x, 64 - (n)))
#define MB_XOR3(a, b, c) _mm256_xor_si256(_mm256_xor_si256(a, b), c)
#define MB_CH(e, f, g) \
	_mm256_xor_si256(_mm256_and_si256(e, f), _mm256_andnot_si256(e, g))
#define MB_MAJ(a, b, c)                         \
	_mm256_or_si256(_mm256_and_si256(a, b), \
			_mm256_and_si256(c, _mm256_or_si256(a, b)))
#define MB_BSWAP(x)            \
	_mm256_shuffle_epi8(x, \
			    _mm256_set_epi64x(MB_BSWAP64_128, MB_BSWAP64_128))
/* a byte rotate is one shuffle, not two shifts and an or */
#define MB_ROR8(x)                                                      \
	_mm256_shuffle_epi8(x, _mm256_set_epi64x(0x080f0e0d0c0b0a09ull, \
						 0x0007060504030201ull, \
						 0x080f0e0d0c0b0a09ull, \
						 0x0007060504030201ull))
#define MB_STORE(p, x) _mm256_storeu_si256((__m256i *)(p), MB_BSWAP(x))
#define MB_LOAD_BLOCK  load_block_x4

static inline MB_TARGET __m256i
load_row(const uint8_t *p)
{
	return _mm256_loadu_si256((const __m256i *)p);
}

/* words t..t+3 of 4 pages by 4x4 transposes of plain loads: 5% faster
 * than gathers here */
static MB_TARGET inline void
load_block_x4(__m256i w[16], const uint8_t *p)
{
	for (int t = 0; t < 16; t += 4, p += 32) {
		__m256i r0 = load_row(p), r1 = load_row(p + CVM_PAGE_SIZE);
		__m256i r2 = load_row(p + 2 * CVM_PAGE_SIZE);
		__m256i r3 = load_row(p + 3 * CVM_PAGE_SIZE);
		/* words {0,2} and {1,3} of pages 0,1 and 2,3 */
		__m256i e01 = _mm256_unpacklo_epi64(r0, r1);
		__m256i o01 = _mm256_unpackhi_epi64(r0, r1);
		__m256i e23 = _mm256_unpacklo_epi64(r2, r3);
		__m256i o23 = _mm256_unpackhi_epi64(r2, r3);

		w[t] = MB_BSWAP(_mm256_permute2x128_si256(e01, e23, 0x20));
		w[t + 1] = MB_BSWAP(_mm256_permute2x128_si256(o01, o23, 0x20));
		w[t + 2] = MB_BSWAP(_mm256_permute2x128_si256(e01, e23, 0x31));
		w[t + 3] = MB_BSWAP(_mm256_permute2x128_si256(o01, o23, 0x31));
	}
}
#include "sha384-mb-body.h"

unsigned
cvm_sha384_mb_lanes(void)
{
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512bw"))
		return 8;
	if (__builtin_cpu_supports("avx2"))
		return 4;
	return 1;
}

size_t
cvm_sha384_pages_mb(const uint8_t *data, size_t pages, uint8_t *out,
		    unsigned lanes)
{
	size_t done = 0;

	if (lanes > cvm_sha384_mb_lanes()) /* never an illegal instruction */
		return 0;
	if (lanes == 8)
		for (; pages - done >= 8; done += 8)
			sha384_pages_x8(data + done * CVM_PAGE_SIZE,
					out + done * CVM_SNP_LD_SIZE);
	else if (lanes == 4)
		for (; pages - done >= 4; done += 4)
			sha384_pages_x4(data + done * CVM_PAGE_SIZE,
					out + done * CVM_SNP_LD_SIZE);
	return done;
}

#else /* no vector kernels for this target: OpenSSL hashes every page */

unsigned
cvm_sha384_mb_lanes(void)
{
	return 1;
}

size_t
cvm_sha384_pages_mb(const uint8_t *data, size_t pages, uint8_t *out,
		    unsigned lanes)
{
	(void)data, (void)pages, (void)out, (void)lanes;
	return 0;
}
#endif
