/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for SNP guest messages (guest/sev/sev-msg.c, sev-gcm.c):
 * header layout from SNP ABI 56860 §7 (Message Header Format), AES-GCM
 * checked against OpenSSL in both directions and against the GCM
 * specification's AES-256 test case 16 (McGrew & Viega, "The
 * Galois/Counter Mode of Operation", appendix B; also NIST CAVS).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test-sev-ossl.h"
#include "sev-gcm.h"
#include "sev-msg.h"

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t n = 0;

	for (; s[0] && s[1]; s += 2) {
		char b[3] = {s[0], s[1], 0};

		out[n++] = (uint8_t)strtoul(b, NULL, 16);
	}
	return n;
}

static void
test_gcm_known_answer(void **state)
{
	uint8_t key[32], iv[12], aad[20], p[60], c[60], t[16], buf[60];
	uint8_t tag[16];

	(void)state;
	unhex("feffe9928665731c6d6a8f9467308308"
	      "feffe9928665731c6d6a8f9467308308",
	      key);
	unhex("cafebabefacedbaddecaf888", iv);
	unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad);
	unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	      p);
	unhex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	      c);
	unhex("76fc6ece0f4e1768cddf8853bb2d551b", t);
	memcpy(buf, p, 60);
	sev_gcm_seal(key, iv, aad, 20, buf, 60, tag);
	assert_memory_equal(buf, c, 60);
	assert_memory_equal(tag, t, 16);
	assert_int_equal(sev_gcm_open(key, iv, aad, 20, buf, 60, t), 0);
	assert_memory_equal(buf, p, 60);
	/* one flipped AAD bit: refused and the output wiped */
	memcpy(buf, c, 60);
	aad[0] ^= 1;
	assert_int_equal(sev_gcm_open(key, iv, aad, 20, buf, 60, t),
			 SEV_E_AUTH);
	for (int i = 0; i < 60; i++)
		assert_int_equal(buf[i], 0);
}

static void
test_header_layout(void **state)
{
	struct sev_msg_hdr h = {.seqno = 0x0102030405060708ull,
				.algo = 1,
				.hdr_version = 1,
				.hdr_size = 0x60,
				.type = 5,
				.version = 1,
				.size = 0x60,
				.vmpck = 2};
	struct sev_msg_hdr d;
	uint8_t b[0x60], iv[12];

	(void)state;
	memset(h.authtag, 0xEE, 32);
	memset(b, 0x55, sizeof(b));
	sev_msg_hdr_encode(&h, b);
	assert_int_equal(b[0x1F], 0xEE);
	assert_int_equal(sev_ld64(b + 0x20), 0x0102030405060708ull);
	assert_int_equal(sev_ld64(b + 0x28), 0); /* reserved */
	assert_int_equal(b[0x30], 1);
	assert_int_equal(b[0x31], 1);
	assert_int_equal(sev_ld16(b + 0x32), 0x60);
	assert_int_equal(b[0x34], 5);
	assert_int_equal(b[0x35], 1);
	assert_int_equal(sev_ld16(b + 0x36), 0x60);
	assert_int_equal(sev_ld32(b + 0x38), 0);
	assert_int_equal(b[0x3C], 2);
	for (unsigned i = 0x3D; i < 0x60; i++)
		assert_int_equal(b[i], 0);
	sev_msg_hdr_decode(b, &d);
	assert_int_equal(d.seqno, h.seqno);
	assert_int_equal(d.vmpck, 2);
	assert_int_equal(d.size, 0x60);
	/* IV: the sequence number little-endian, then four zero bytes */
	sev_msg_iv(0x0102030405060708ull, iv);
	assert_memory_equal(iv, "\x08\x07\x06\x05\x04\x03\x02\x01\0\0\0\0", 12);
}

static const uint8_t vmpck[32] = {
	0x4b, 0x1c, 0x9d, 0x2e, 0x77, 0x01, 0xa0, 0x3f, 0x56, 0xe8, 0x13,
	0xc4, 0x2d, 0x90, 0x6b, 0x8a, 0xf1, 0x04, 0x5e, 0xb7, 0x32, 0xcd,
	0x89, 0x60, 0x1e, 0xa5, 0x7c, 0xd3, 0x48, 0x0b, 0xe6, 0x95,
};

static void
test_seal_then_openssl(void **state)
{
	uint8_t payload[0x60], msg[4096], iv[12], tag[16];

	(void)state;
	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(sev_msg_seal(vmpck, 0, 41, 5, 1, payload,
				      sizeof(payload), msg, sizeof(msg)),
			 0);
	/* ciphertext differs, and OpenSSL opens it with AAD 0x30..0x5F */
	assert_memory_not_equal(msg + 0x60, payload, sizeof(payload));
	spec_iv(41, iv);
	memcpy(tag, msg, 16);
	assert_true(ossl_gcm(false, vmpck, iv, msg + 0x30, 48, msg + 0x60,
			     sizeof(payload), tag));
	assert_memory_equal(msg + 0x60, payload, sizeof(payload));
	/* the rest of the 32-byte tag field stays zero */
	for (unsigned i = 16; i < 32; i++)
		assert_int_equal(msg[i], 0);
	assert_int_equal(sev_msg_seal(vmpck, 0, 1, 5, 1, payload, 4001, msg,
				      sizeof(msg)),
			 SEV_E_INVAL);
	assert_int_equal(
		sev_msg_seal(vmpck, 4, 1, 5, 1, payload, 1, msg, sizeof(msg)),
		SEV_E_INVAL);
}

/* Build a response the way the firmware does, with OpenSSL. */
static void
ossl_message(uint8_t *msg, uint64_t seqno, uint8_t type, uint8_t vmpck_id,
	     const uint8_t *payload, uint16_t len)
{
	struct sev_msg_hdr h = {.seqno = seqno,
				.algo = 1,
				.hdr_version = 1,
				.hdr_size = 0x60,
				.type = type,
				.version = 1,
				.size = len,
				.vmpck = vmpck_id};
	uint8_t iv[12];

	memset(msg, 0, 4096);
	sev_msg_hdr_encode(&h, msg);
	memcpy(msg + 0x60, payload, len);
	spec_iv(seqno, iv);
	assert_true(ossl_gcm(true, vmpck, iv, msg + 0x30, 48, msg + 0x60, len,
			     msg));
}

static void
test_openssl_then_open(void **state)
{
	struct sev_msg_expect x = {.seqno = 42, .type = 6, .version = 1};
	uint8_t payload[200], msg[4096], out[4000];
	size_t n;

	(void)state;
	for (unsigned i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(0xA0 ^ i);
	ossl_message(msg, 42, 6, 0, payload, sizeof(payload));
	assert_int_equal(
		sev_msg_open(vmpck, &x, msg, 4096, out, sizeof(out), &n), 0);
	assert_int_equal(n, sizeof(payload));
	assert_memory_equal(out, payload, sizeof(payload));
	/* in place, as the report flow does it */
	assert_int_equal(
		sev_msg_open(vmpck, &x, msg, 4096, msg + 0x60, 4000, &n), 0);
	assert_memory_equal(msg + 0x60, payload, sizeof(payload));

	/* a reserved AAD byte changed: the tag catches it */
	ossl_message(msg, 42, 6, 0, payload, sizeof(payload));
	msg[0x50] ^= 1;
	assert_int_equal(sev_msg_open(vmpck, &x, msg, 4096, out, 4000, &n),
			 SEV_E_AUTH);
	/* ciphertext or tag changed */
	ossl_message(msg, 42, 6, 0, payload, sizeof(payload));
	msg[0x60 + 17] ^= 0x80;
	assert_int_equal(sev_msg_open(vmpck, &x, msg, 4096, out, 4000, &n),
			 SEV_E_AUTH);
	ossl_message(msg, 42, 6, 0, payload, sizeof(payload));
	msg[3] ^= 1;
	assert_int_equal(sev_msg_open(vmpck, &x, msg, 4096, out, 4000, &n),
			 SEV_E_AUTH);
	/* header checks come before decryption */
	ossl_message(msg, 44, 6, 0, payload, sizeof(payload));
	assert_int_equal(sev_msg_open(vmpck, &x, msg, 4096, out, 4000, &n),
			 SEV_E_SEQNO);
	ossl_message(msg, 42, 4, 0, payload, sizeof(payload));
	assert_int_equal(sev_msg_open(vmpck, &x, msg, 4096, out, 4000, &n),
			 SEV_E_BADMSG);
	ossl_message(msg, 42, 6, 1, payload, sizeof(payload));
	assert_int_equal(sev_msg_open(vmpck, &x, msg, 4096, out, 4000, &n),
			 SEV_E_BADMSG);
	ossl_message(msg, 42, 6, 0, payload, sizeof(payload));
	sev_st16(msg + 0x36, 4001);
	assert_int_equal(sev_msg_open(vmpck, &x, msg, 4096, out, 4000, &n),
			 SEV_E_BADMSG);
	ossl_message(msg, 42, 6, 0, payload, sizeof(payload));
	assert_int_equal(
		sev_msg_open(vmpck, &x, msg, 0x60 + 100, out, 4000, &n),
		SEV_E_BADMSG);
	assert_int_equal(sev_msg_open(vmpck, &x, msg, 0x5F, out, 4000, &n),
			 SEV_E_SHORT);
	msg[0x30] = 2; /* algorithm */
	assert_int_equal(sev_msg_open(vmpck, &x, msg, 4096, out, 4000, &n),
			 SEV_E_BADMSG);
}

static void
test_sequence_numbers(void **state)
{
	static uint8_t page[4096];
	struct sev_secrets s;
	struct sev_msg_ctx m;
	uint64_t seq;

	(void)state;
	memset(page, 0, sizeof(page));
	sev_st32(page, 2);
	memcpy(page + 0x20, vmpck, 32);
	sev_st32(page + 0xA0, 10); /* msg_seqno_0 from an earlier user */
	assert_int_equal(sev_secrets_parse(page, sizeof(page), &s), 0);
	assert_int_equal(sev_msg_ctx_init(&m, &s, 0), 0);
	assert_int_equal(sev_msg_next_seqno(&m, &seq), 0);
	assert_int_equal(seq, 11);
	sev_msg_commit(&m);
	assert_int_equal(sev_ld32(page + 0xA0), 12);
	assert_int_equal(sev_msg_next_seqno(&m, &seq), 0);
	assert_int_equal(seq, 13);
	assert_memory_equal(sev_msg_key(&m), vmpck, 32);
	/* the 32-bit OS-area counter must not wrap */
	m.last = 0xFFFFFFFEull;
	assert_int_equal(sev_msg_next_seqno(&m, &seq), SEV_E_SEQNO);
	/* a failure wipes VMPCK0 in the page and ends the context */
	sev_msg_fail(&m);
	for (unsigned i = 0x20; i < 0x40; i++)
		assert_int_equal(page[i], 0);
	assert_null(sev_msg_key(&m));
	assert_int_equal(sev_msg_next_seqno(&m, &seq), SEV_E_NOKEY);
	assert_int_equal(sev_msg_ctx_init(&m, &s, 0), SEV_E_NOKEY);
	assert_int_equal(sev_msg_ctx_init(&m, &s, 7), SEV_E_NOKEY);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcm_known_answer),
		cmocka_unit_test(test_header_layout),
		cmocka_unit_test(test_seal_then_openssl),
		cmocka_unit_test(test_openssl_then_open),
		cmocka_unit_test(test_sequence_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
