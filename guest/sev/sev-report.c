/* SPDX-License-Identifier: MIT */
/* The SNP report request flow: see sev-report.h. */
#include "sev-report.h"

int
sev_report_req_encode(const uint8_t data[SEV_REPORT_DATA_LEN], uint32_t vmpl,
		      unsigned key_sel, uint8_t out[SEV_REPORT_REQ_SIZE])
{
	if (vmpl > 3 || key_sel > SEV_REPORT_KEY_VLEK)
		return SEV_E_INVAL;
	for (unsigned i = 0; i < SEV_REPORT_REQ_SIZE; i++)
		out[i] = 0;
	for (unsigned i = 0; i < SEV_REPORT_DATA_LEN; i++)
		out[i] = data[i];
	sev_st32(out + 0x40, vmpl);
	sev_st32(out + 0x44, key_sel & 3);
	return 0;
}

int
sev_report_rsp_decode(const uint8_t *p, size_t len, uint32_t *status,
		      uint32_t *report_size)
{
	if (len < SEV_REPORT_RSP_HDR)
		return SEV_E_SHORT;
	*status = sev_ld32(p);
	*report_size = sev_ld32(p + 4);
	return 0;
}

static void
copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* Send the sealed request (in scratch) until it is not BUSY. */
static int
send(const struct sev_guest_channel *ch, size_t msg_len,
     struct sev_report_status *st)
{
	unsigned tries = 0;
	int r;

	for (;;) {
		copy(ch->req_page, ch->scratch, msg_len);
		if ((r = ch->request(ch->ctx, &st->exitinfo2)))
			return r;
		if (st->exitinfo2 >> 32 != SEV_GUEST_VMM_ERR_BUSY)
			break;
		/* BUSY: resend the very same bytes (same sequence number) */
		if (tries++ >= ch->busy_retries)
			return SEV_E_BUSY;
		if (ch->busy_wait)
			ch->busy_wait(ch->ctx);
	}
	return st->exitinfo2 ? SEV_E_FIRMWARE : 0;
}

/* Check the response (copied into scratch) and extract the report. */
static int
receive(struct sev_msg_ctx *m, const struct sev_guest_channel *ch,
	uint64_t seqno, uint8_t *report, struct sev_report_status *st)
{
	struct sev_msg_expect x = {
		.seqno = seqno + 1,
		.type = SEV_MSG_REPORT_RSP,
		.version = SEV_REPORT_MSG_VERSION,
		.vmpck_id = m->vmpck_id,
	};
	uint8_t *payload = ch->scratch + SEV_MSG_HDR_SIZE;
	uint32_t size;
	size_t len;
	int r;

	copy(ch->scratch, ch->resp_page, SEV_MSG_PAGE_SIZE);
	if ((r = sev_msg_open(sev_msg_key(m), &x, ch->scratch,
			      SEV_MSG_PAGE_SIZE, payload, SEV_MSG_PAYLOAD_MAX,
			      &len)))
		return r;
	if ((r = sev_report_rsp_decode(payload, len, &st->fw_status, &size)))
		return r;
	if (st->fw_status != SEV_REPORT_STATUS_SUCCESS)
		return SEV_E_FIRMWARE;
	if (size < SEV_REPORT_SIZE || len < SEV_REPORT_RSP_HDR + size)
		return SEV_E_SHORT;
	copy(report, payload + SEV_REPORT_RSP_HDR, SEV_REPORT_SIZE);
	return 0;
}

int
sev_report_get(struct sev_msg_ctx *m, const struct sev_guest_channel *ch,
	       const uint8_t data[SEV_REPORT_DATA_LEN], uint32_t vmpl,
	       unsigned key_sel, uint8_t report[SEV_REPORT_SIZE],
	       struct sev_report_status *st)
{
	uint8_t req[SEV_REPORT_REQ_SIZE];
	uint64_t seqno;
	int r;

	st->exitinfo2 = 0;
	st->fw_status = 0;
	if (m->dead)
		return SEV_E_NOKEY;
	if ((r = sev_report_req_encode(data, vmpl, key_sel, req)))
		return r;
	if ((r = sev_msg_next_seqno(m, &seqno)))
		goto fail;
	r = sev_msg_seal(sev_msg_key(m), m->vmpck_id, seqno, SEV_MSG_REPORT_REQ,
			 SEV_REPORT_MSG_VERSION, req, sizeof(req), ch->scratch,
			 SEV_MSG_PAGE_SIZE);
	if (r)
		goto fail;
	if ((r = send(ch, SEV_MSG_HDR_SIZE + sizeof(req), st)))
		goto fail;
	if ((r = receive(m, ch, seqno, report, st)))
		goto fail;
	sev_msg_commit(m);
	sev_wipe(ch->scratch, SEV_MSG_PAGE_SIZE);
	return 0;
fail:
	/* the firmware may have consumed the sequence number: never reuse */
	sev_msg_fail(m);
	sev_wipe(ch->scratch, SEV_MSG_PAGE_SIZE);
	sev_wipe(report, SEV_REPORT_SIZE);
	return r;
}

int
sev_ghcb_guest_request(struct sev_ghcb *g, sev_ghcb_call_fn call, void *ctx,
		       uint64_t req_gpa, uint64_t resp_gpa, uint64_t *exitinfo2)
{
	int r;

	sev_ghcb_invalidate(g);
	if ((r = sev_ghcb_hv_call(g, call, ctx, SEV_NAE_GUEST_REQUEST, req_gpa,
				  resp_gpa, NULL)))
		return r;
	/* the error pair comes back in sw_exit_info_2 */
	return sev_ghcb_get(g, SEV_GHCB_SW_EXIT_INFO_2, exitinfo2);
}
