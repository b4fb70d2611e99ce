/* SPDX-License-Identifier: MIT */
/*
 * The report-request flow (guest/sev/sev-report.c) against a fake that
 * plays the SNP firmware with OpenSSL: it decrypts the request with
 * the VMPCK, checks it, and answers MSG_REPORT_RSP (SNP ABI 56860
 * §7.3) carrying a known report (a real one from
 * ../shared/testdata/snp/milan-v2-gsg/report.bin, REPORT_DATA at 0x50
 * replaced by the nonce, as the firmware would fill it).  Failure
 * cases each end with VMPCK0 wiped and a distinct error code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test-sev-fake.h"
#include "test-sev-ossl.h"
#include "sev-report.h"

enum mode {
	OK,
	BAD_TAG,
	WRONG_SEQNO,
	FW_STATUS,
	SHORT_RSP,
	FW_ERROR,
	BUSY_TWICE,
	BUSY_FOREVER,
	WRONG_TYPE,
};

static uint8_t req_page[4096] __attribute__((aligned(4096)));
static uint8_t resp_page[4096] __attribute__((aligned(4096)));
static uint8_t scratch[4096] __attribute__((aligned(4096)));
static uint8_t secrets[4096] __attribute__((aligned(4096)));
static uint8_t known[SEV_REPORT_SIZE];

static const uint8_t key[32] = {
	0x9e, 0x31, 0x5c, 0x02, 0xd7, 0x6a, 0x18, 0xf4, 0x23, 0xb1, 0x8c,
	0x45, 0xe0, 0x7f, 0x3a, 0x96, 0x51, 0xcc, 0x08, 0x6d, 0xba, 0x27,
	0x94, 0x1f, 0x63, 0xd8, 0x0e, 0xa9, 0x35, 0x72, 0xfb, 0x4c,
};

struct fw {
	enum mode mode;
	unsigned calls;
	uint64_t seen_seqno;
	uint8_t nonce[64];
	uint32_t vmpl, key_sel;
};

static void
fw_answer(struct fw *fw, const uint8_t *req_msg)
{
	uint8_t payload[SEV_REPORT_RSP_SIZE], iv[12];
	uint16_t len = (uint16_t)SEV_REPORT_RSP_SIZE;
	uint64_t seq = fw->seen_seqno + 1;

	(void)req_msg;
	memset(payload, 0, sizeof(payload));
	sev_st32(payload + 0, fw->mode == FW_STATUS ? 0x16 : 0);
	sev_st32(payload + 4, SEV_REPORT_SIZE);
	memcpy(payload + 0x20, known, SEV_REPORT_SIZE);
	memcpy(payload + 0x20 + 0x50, fw->nonce, 64);
	if (fw->mode == SHORT_RSP)
		len = 0x20 + 100;
	if (fw->mode == WRONG_SEQNO)
		seq += 2;
	/* the header, byte by byte from the SNP ABI table */
	memset(resp_page, 0, sizeof(resp_page));
	for (int i = 0; i < 8; i++)
		resp_page[0x20 + i] = (uint8_t)(seq >> (8 * i));
	resp_page[0x30] = 1;	/* AES-256-GCM */
	resp_page[0x31] = 1;	/* header version */
	resp_page[0x32] = 0x60; /* header size */
	resp_page[0x34] = fw->mode == WRONG_TYPE ? 4 : 6;
	resp_page[0x35] = 1;
	resp_page[0x36] = (uint8_t)len;
	resp_page[0x37] = (uint8_t)(len >> 8);
	memcpy(resp_page + 0x60, payload, len);
	spec_iv(seq, iv);
	assert_true(ossl_gcm(true, key, iv, resp_page + 0x30, 48,
			     resp_page + 0x60, len, resp_page));
	if (fw->mode == BAD_TAG)
		resp_page[5] ^= 0x40;
}

/* `request` callback: the SNP_GUEST_REQUEST as host + firmware see it */
static int
fw_request(void *ctx, uint64_t *exitinfo2)
{
	struct fw *fw = ctx;
	uint8_t msg[4096], iv[12], tag[16];
	uint64_t seqno;
	uint16_t size;

	fw->calls++;
	if (fw->mode == BUSY_FOREVER ||
	    (fw->mode == BUSY_TWICE && fw->calls <= 2)) {
		*exitinfo2 = (uint64_t)SEV_GUEST_VMM_ERR_BUSY << 32;
		return 0;
	}
	if (fw->mode == FW_ERROR) {
		*exitinfo2 = 0x16; /* firmware: INVALID_PARAM */
		return 0;
	}
	/* the firmware decrypts with its VMPCK0 copy and checks */
	memcpy(msg, req_page, sizeof(msg));
	seqno = 0;
	for (int i = 7; i >= 0; i--)
		seqno = seqno << 8 | msg[0x20 + i];
	size = (uint16_t)(msg[0x36] | msg[0x37] << 8);
	assert_int_equal(msg[0x30], 1);	   /* AES-256-GCM */
	assert_int_equal(msg[0x31], 1);	   /* header version */
	assert_int_equal(msg[0x32], 0x60); /* header size */
	assert_int_equal(msg[0x34], 5);	   /* MSG_REPORT_REQ */
	assert_int_equal(msg[0x35], 1);
	assert_int_equal(size, 0x60);
	assert_int_equal(msg[0x3C], 0); /* VMPCK0 */
	spec_iv(seqno, iv);
	memcpy(tag, msg, 16);
	assert_true(ossl_gcm(false, key, iv, msg + 0x30, 48, msg + 0x60, size,
			     tag));
	fw->seen_seqno = seqno;
	memcpy(fw->nonce, msg + 0x60, 64);
	fw->vmpl = sev_ld32(msg + 0x60 + 0x40);
	fw->key_sel = sev_ld32(msg + 0x60 + 0x44);
	for (unsigned i = 0x48; i < 0x60; i++)
		assert_int_equal(msg[0x60 + i], 0);
	fw_answer(fw, msg);
	*exitinfo2 = 0;
	return 0;
}

struct rig {
	struct fw fw;
	struct sev_secrets s;
	struct sev_msg_ctx m;
	struct sev_guest_channel ch;
	struct sev_report_status st;
	uint8_t nonce[64];
	uint8_t report[SEV_REPORT_SIZE];
};

static int
setup(void **state)
{
	FILE *f = fopen(CVM_SHARED_DIR "/testdata/snp/milan-v2-gsg/report.bin",
			"rb");

	(void)state;
	assert_non_null(f);
	assert_int_equal(fread(known, 1, sizeof(known), f), sizeof(known));
	fclose(f);
	return 0;
}

static void
rig_init(struct rig *t, enum mode mode)
{
	memset(t, 0, sizeof(*t));
	memset(secrets, 0, sizeof(secrets));
	sev_st32(secrets, 3);
	memcpy(secrets + 0x20, key, 32);
	assert_int_equal(sev_secrets_parse(secrets, sizeof(secrets), &t->s), 0);
	assert_int_equal(sev_msg_ctx_init(&t->m, &t->s, 0), 0);
	t->fw.mode = mode;
	t->ch = (struct sev_guest_channel){
		req_page, resp_page, scratch, &t->fw, fw_request, NULL, 3};
	for (unsigned i = 0; i < 64; i++)
		t->nonce[i] = (uint8_t)(0xC0 + i);
}

static int
get(struct rig *t)
{
	return sev_report_get(&t->m, &t->ch, t->nonce, 0, SEV_REPORT_KEY_VCEK,
			      t->report, &t->st);
}

static void
test_report_ok(void **state)
{
	struct rig t;
	uint8_t want[SEV_REPORT_SIZE];

	(void)state;
	rig_init(&t, OK);
	assert_int_equal(get(&t), 0);
	assert_int_equal(t.fw.seen_seqno, 1);
	assert_memory_equal(t.fw.nonce, t.nonce, 64);
	assert_int_equal(t.fw.vmpl, 0);
	assert_int_equal(t.fw.key_sel, SEV_REPORT_KEY_VCEK);
	memcpy(want, known, sizeof(want));
	memcpy(want + 0x50, t.nonce, 64);
	assert_memory_equal(t.report, want, SEV_REPORT_SIZE);
	/* the measurement of the known report came through untouched */
	assert_int_equal(t.report[0x90], 0xb0);
	/* sequence numbers: request 1, response 2, next request 3 */
	assert_int_equal(sev_ld32(secrets + 0xA0), 2);
	t.nonce[0] = 0x42;
	assert_int_equal(get(&t), 0);
	assert_int_equal(t.fw.seen_seqno, 3);
	assert_int_equal(sev_ld32(secrets + 0xA0), 4);
	assert_int_equal(t.report[0x50], 0x42);
	/* nothing private left in the scratch page */
	for (unsigned i = 0; i < sizeof(scratch); i++)
		assert_int_equal(scratch[i], 0);
	/* the request page holds only ciphertext */
	assert_null(memmem(req_page, sizeof(req_page), t.nonce + 1, 32));
}

static void
test_report_busy_then_ok(void **state)
{
	struct rig t;

	(void)state;
	rig_init(&t, BUSY_TWICE);
	assert_int_equal(get(&t), 0);
	assert_int_equal(t.fw.calls, 3);
	/* the resent message kept its sequence number */
	assert_int_equal(t.fw.seen_seqno, 1);
	assert_false(sev_secrets_vmpck_empty(&t.s, 0));
}

static void
check_failure(enum mode mode, int want)
{
	struct rig t;

	rig_init(&t, mode);
	assert_int_equal(get(&t), want);
	/* VMPCK0 wiped in the secrets page, context dead, report zeroed */
	assert_true(sev_secrets_vmpck_empty(&t.s, 0));
	assert_true(t.m.dead);
	for (unsigned i = 0; i < SEV_REPORT_SIZE; i++)
		assert_int_equal(t.report[i], 0);
	for (unsigned i = 0; i < sizeof(scratch); i++)
		assert_int_equal(scratch[i], 0);
	/* and no second try with the same key */
	assert_int_equal(get(&t), SEV_E_NOKEY);
}

static void
test_report_failures(void **state)
{
	struct rig t;

	(void)state;
	check_failure(BAD_TAG, SEV_E_AUTH);
	check_failure(WRONG_SEQNO, SEV_E_SEQNO);
	check_failure(WRONG_TYPE, SEV_E_BADMSG);
	check_failure(FW_STATUS, SEV_E_FIRMWARE);
	check_failure(SHORT_RSP, SEV_E_SHORT);
	check_failure(FW_ERROR, SEV_E_FIRMWARE);
	check_failure(BUSY_FOREVER, SEV_E_BUSY);
	/* the codes the firmware and VMM sent are reported */
	rig_init(&t, FW_STATUS);
	assert_int_equal(get(&t), SEV_E_FIRMWARE);
	assert_int_equal(t.st.fw_status, SEV_REPORT_STATUS_INVALID_PARAMS);
	rig_init(&t, FW_ERROR);
	assert_int_equal(get(&t), SEV_E_FIRMWARE);
	assert_int_equal(t.st.exitinfo2, 0x16);
	rig_init(&t, BUSY_FOREVER);
	assert_int_equal(get(&t), SEV_E_BUSY);
	assert_int_equal(t.fw.calls, 4); /* 1 + 3 retries */
	/* bad arguments are refused before anything is sent: key kept */
	rig_init(&t, OK);
	assert_int_equal(
		sev_report_get(&t.m, &t.ch, t.nonce, 4, 0, t.report, &t.st),
		SEV_E_INVAL);
	assert_int_equal(
		sev_report_get(&t.m, &t.ch, t.nonce, 0, 3, t.report, &t.st),
		SEV_E_INVAL);
	assert_int_equal(t.fw.calls, 0);
	assert_false(sev_secrets_vmpck_empty(&t.s, 0));
}

static void
test_request_encoding(void **state)
{
	uint8_t data[64], out[0x60];
	uint32_t status, size;
	uint8_t rsp[0x20] = {0x16, 0, 0, 0, 0xA0, 0x04};

	(void)state;
	memset(data, 0xAB, sizeof(data));
	memset(out, 0xFF, sizeof(out));
	assert_int_equal(
		sev_report_req_encode(data, 2, SEV_REPORT_KEY_VLEK, out), 0);
	assert_memory_equal(out, data, 64);
	assert_int_equal(sev_ld32(out + 0x40), 2);
	assert_int_equal(sev_ld32(out + 0x44), 2);
	for (unsigned i = 0x48; i < 0x60; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(
		sev_report_rsp_decode(rsp, sizeof(rsp), &status, &size), 0);
	assert_int_equal(status, 0x16);
	assert_int_equal(size, 0x4A0);
	assert_int_equal(sev_report_rsp_decode(rsp, 0x1F, &status, &size),
			 SEV_E_SHORT);
}

static void
hv_guest_request(struct fake_hv *hv, struct sev_ghcb *g)
{
	(void)g;
	hv->result2 = (uint64_t)SEV_GUEST_VMM_ERR_BUSY << 32;
}

static void
test_ghcb_transport(void **state)
{
	struct sev_ghcb g = fake_ghcb();
	struct fake_hv hv = {.handle = hv_guest_request};
	uint64_t ei2 = 0;

	(void)state;
	/* NAE 0x8000_0011: exit_info_1 request GPA, exit_info_2 response */
	assert_int_equal(sev_ghcb_guest_request(&g, fake_ghcb_call, &hv,
						0x90000, 0x91000, &ei2),
			 0);
	assert_int_equal(hv.exit_code, 0x80000011u);
	assert_int_equal(hv.info1, 0x90000);
	assert_int_equal(hv.info2, 0x91000);
	assert_int_equal(ei2, 0x200000000ull);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_ok),
		cmocka_unit_test(test_report_busy_then_ok),
		cmocka_unit_test(test_report_failures),
		cmocka_unit_test(test_request_encoding),
		cmocka_unit_test(test_ghcb_transport),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
