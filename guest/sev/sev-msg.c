/* SPDX-License-Identifier: MIT */
/* SNP guest message framing and sequence numbers: see sev-msg.h. */
#include "sev-msg.h"
#include "sev-gcm.h"

void
sev_msg_hdr_encode(const struct sev_msg_hdr *h, uint8_t out[SEV_MSG_HDR_SIZE])
{
	for (unsigned i = 0; i < SEV_MSG_HDR_SIZE; i++)
		out[i] = 0;
	for (unsigned i = 0; i < 32; i++)
		out[i] = h->authtag[i];
	sev_st64(out + 0x20, h->seqno);
	out[0x30] = h->algo;
	out[0x31] = h->hdr_version;
	sev_st16(out + 0x32, h->hdr_size);
	out[0x34] = h->type;
	out[0x35] = h->version;
	sev_st16(out + 0x36, h->size);
	out[0x3C] = h->vmpck;
}

void
sev_msg_hdr_decode(const uint8_t in[SEV_MSG_HDR_SIZE], struct sev_msg_hdr *h)
{
	for (unsigned i = 0; i < 32; i++)
		h->authtag[i] = in[i];
	h->seqno = sev_ld64(in + 0x20);
	h->algo = in[0x30];
	h->hdr_version = in[0x31];
	h->hdr_size = sev_ld16(in + 0x32);
	h->type = in[0x34];
	h->version = in[0x35];
	h->size = sev_ld16(in + 0x36);
	h->vmpck = in[0x3C];
}

void
sev_msg_iv(uint64_t seqno, uint8_t iv[12])
{
	sev_st64(iv, seqno);
	sev_st32(iv + 8, 0);
}

int
sev_msg_seal(const uint8_t key[32], unsigned vmpck_id, uint64_t seqno,
	     uint8_t type, uint8_t version, const uint8_t *payload, size_t len,
	     uint8_t *out, size_t out_len)
{
	struct sev_msg_hdr h = {
		.seqno = seqno,
		.algo = SEV_MSG_AEAD_AES_256_GCM,
		.hdr_version = SEV_MSG_HDR_VERSION,
		.hdr_size = SEV_MSG_HDR_SIZE,
		.type = type,
		.version = version,
		.size = (uint16_t)len,
		.vmpck = (uint8_t)vmpck_id,
	};
	uint8_t iv[12];

	if (len > SEV_MSG_PAYLOAD_MAX || out_len < SEV_MSG_HDR_SIZE + len ||
	    vmpck_id > 3)
		return SEV_E_INVAL;
	sev_msg_hdr_encode(&h, out);
	for (size_t i = 0; i < len; i++)
		out[SEV_MSG_HDR_SIZE + i] = payload[i];
	sev_msg_iv(seqno, iv);
	/* AAD: header bytes 0x30..0x5F; the tag goes to 0x00 */
	sev_gcm_seal(key, iv, out + SEV_MSG_AAD_OFF, SEV_MSG_AAD_LEN,
		     out + SEV_MSG_HDR_SIZE, len, out);
	return 0;
}

static int
check_hdr(const struct sev_msg_hdr *h, const struct sev_msg_expect *x,
	  size_t msg_len, size_t out_cap)
{
	if (h->algo != SEV_MSG_AEAD_AES_256_GCM ||
	    h->hdr_version != SEV_MSG_HDR_VERSION ||
	    h->hdr_size != SEV_MSG_HDR_SIZE || h->type != x->type ||
	    h->version != x->version || h->vmpck != x->vmpck_id)
		return SEV_E_BADMSG;
	if (h->size > SEV_MSG_PAYLOAD_MAX ||
	    SEV_MSG_HDR_SIZE + (size_t)h->size > msg_len || h->size > out_cap)
		return SEV_E_BADMSG;
	if (h->seqno != x->seqno)
		return SEV_E_SEQNO;
	return 0;
}

int
sev_msg_open(const uint8_t key[32], const struct sev_msg_expect *x,
	     const uint8_t *msg, size_t msg_len, uint8_t *out, size_t out_cap,
	     size_t *out_len)
{
	struct sev_msg_hdr h;
	uint8_t iv[12];
	int r;

	if (msg_len < SEV_MSG_HDR_SIZE)
		return SEV_E_SHORT;
	sev_msg_hdr_decode(msg, &h);
	if ((r = check_hdr(&h, x, msg_len, out_cap)))
		return r;
	if (out != msg + SEV_MSG_HDR_SIZE)
		for (size_t i = 0; i < h.size; i++)
			out[i] = msg[SEV_MSG_HDR_SIZE + i];
	sev_msg_iv(h.seqno, iv);
	if ((r = sev_gcm_open(key, iv, msg + SEV_MSG_AAD_OFF, SEV_MSG_AAD_LEN,
			      out, h.size, h.authtag)))
		return r;
	*out_len = h.size;
	return 0;
}

int
sev_msg_ctx_init(struct sev_msg_ctx *m, struct sev_secrets *s,
		 unsigned vmpck_id)
{
	m->secrets = s;
	m->vmpck_id = vmpck_id;
	m->dead = true;
	if (vmpck_id > 3 || sev_secrets_vmpck_empty(s, vmpck_id))
		return SEV_E_NOKEY;
	m->last = sev_ld32(sev_secrets_seqno_ptr(s, vmpck_id));
	m->dead = false;
	return 0;
}

int
sev_msg_next_seqno(const struct sev_msg_ctx *m, uint64_t *seqno)
{
	if (m->dead)
		return SEV_E_NOKEY;
	/* the OS area keeps 32 bits: the response's +2 must still fit */
	if (m->last + 2 > UINT32_MAX)
		return SEV_E_SEQNO;
	*seqno = m->last + 1;
	return 0;
}

void
sev_msg_commit(struct sev_msg_ctx *m)
{
	m->last += 2;
	sev_st32(sev_secrets_seqno_ptr(m->secrets, m->vmpck_id),
		 (uint32_t)m->last);
}

void
sev_msg_fail(struct sev_msg_ctx *m)
{
	sev_secrets_wipe_vmpck(m->secrets, m->vmpck_id);
	m->dead = true;
}

const uint8_t *
sev_msg_key(const struct sev_msg_ctx *m)
{
	return m->dead ? NULL : sev_secrets_vmpck(m->secrets, m->vmpck_id);
}
