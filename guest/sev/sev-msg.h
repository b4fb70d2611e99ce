/* SPDX-License-Identifier: MIT */
/*
 * SNP guest messages (SNP ABI 56860 §7 "Guest Messages", Table 98/99
 * "Message Header Format" in rev 1.55; GHCB spec 56421 §4.1.8 for the
 * transport).  One 4 KiB page: a 96-byte header, then the payload
 * encrypted with AES-256-GCM under a VMPCK from the secrets page.
 *
 *   0x00 AUTHTAG[32] (GCM tag in the first 16 bytes)
 *   0x20 u64 MSG_SEQNO      0x28 reserved[8]
 *   0x30 u8 ALGO (1 = AES-256-GCM)   <- AAD starts here
 *   0x31 u8 HDR_VERSION (1)  0x32 u16 HDR_SIZE (0x60)
 *   0x34 u8 MSG_TYPE  0x35 u8 MSG_VERSION  0x36 u16 MSG_SIZE
 *   0x38 reserved[4]  0x3C u8 MSG_VMPCK  0x3D reserved[35] <- AAD ends 0x5F
 *
 * IV = MSG_SEQNO as 8 little-endian bytes, then 4 zero bytes.  A
 * request carries seqno = last + 1, the response must carry + 1 more,
 * and after a good exchange last += 2.  An IV must never repeat under
 * one key, so after any failure the VMPCK is wiped (Linux disables it,
 * SVSM clears it) and the context refuses further messages.
 */
#ifndef CVM_SEV_MSG_H
#define CVM_SEV_MSG_H

#include "sev-base.h"
#include "sev-secrets.h"

#define SEV_MSG_PAGE_SIZE	 4096u
#define SEV_MSG_HDR_SIZE	 0x60u
#define SEV_MSG_PAYLOAD_MAX	 (SEV_MSG_PAGE_SIZE - SEV_MSG_HDR_SIZE)
#define SEV_MSG_AAD_OFF		 0x30u
#define SEV_MSG_AAD_LEN		 48u
#define SEV_MSG_AEAD_AES_256_GCM 1
#define SEV_MSG_HDR_VERSION	 1

/* MSG_TYPE (SNP ABI §7, Table "Message Type Encodings") */
#define SEV_MSG_KEY_REQ	   3
#define SEV_MSG_KEY_RSP	   4
#define SEV_MSG_REPORT_REQ 5
#define SEV_MSG_REPORT_RSP 6

struct sev_msg_hdr {
	uint8_t authtag[32];
	uint64_t seqno;
	uint8_t algo;
	uint8_t hdr_version;
	uint16_t hdr_size;
	uint8_t type;
	uint8_t version;
	uint16_t size;
	uint8_t vmpck;
};

/* Encode with every reserved byte zero. */
void sev_msg_hdr_encode(const struct sev_msg_hdr *h,
			uint8_t out[SEV_MSG_HDR_SIZE]);
void sev_msg_hdr_decode(const uint8_t in[SEV_MSG_HDR_SIZE],
			struct sev_msg_hdr *h);
/* The 12-byte AES-GCM IV for `seqno`. */
void sev_msg_iv(uint64_t seqno, uint8_t iv[12]);

/*
 * Build a sealed message in `out` (private memory, >= 0x60 + len):
 * header, payload encrypted in place, tag.  SEV_E_INVAL if too long.
 */
int sev_msg_seal(const uint8_t key[32], unsigned vmpck_id, uint64_t seqno,
		 uint8_t type, uint8_t version, const uint8_t *payload,
		 size_t len, uint8_t *out, size_t out_len);

struct sev_msg_expect {
	uint64_t seqno;
	uint8_t type;
	uint8_t version;
	unsigned vmpck_id;
};

/*
 * Check a received message (already copied into private memory) and
 * decrypt its payload into `out` (may be msg + 0x60).  SEV_E_BADMSG
 * for a header that is not what was expected (algo, header version and
 * size, type, version, VMPCK id, size beyond the page or `out_cap`),
 * SEV_E_SEQNO for a wrong sequence number, SEV_E_AUTH for a bad tag.
 */
int sev_msg_open(const uint8_t key[32], const struct sev_msg_expect *x,
		 const uint8_t *msg, size_t msg_len, uint8_t *out,
		 size_t out_cap, size_t *out_len);

/* Sequence numbers and the key, for one VMPCK. */
struct sev_msg_ctx {
	struct sev_secrets *secrets;
	unsigned vmpck_id;
	uint64_t last; /* last sequence number used */
	bool dead;     /* key wiped: no more messages */
};

/*
 * Start from the OS-area sequence number in the secrets page (0 at
 * launch).  SEV_E_NOKEY if the VMPCK is absent or wiped.
 */
int sev_msg_ctx_init(struct sev_msg_ctx *m, struct sev_secrets *s,
		     unsigned vmpck_id);
/* The request sequence number (last + 1); SEV_E_SEQNO on overflow. */
int sev_msg_next_seqno(const struct sev_msg_ctx *m, uint64_t *seqno);
/* After a good exchange: last += 2, mirrored into the secrets page. */
void sev_msg_commit(struct sev_msg_ctx *m);
/* After any failure: wipe the VMPCK in the secrets page, refuse more. */
void sev_msg_fail(struct sev_msg_ctx *m);
const uint8_t *sev_msg_key(const struct sev_msg_ctx *m);

#endif
