/* SPDX-License-Identifier: MIT */
/*
 * SNP attestation from inside the guest: MSG_REPORT_REQ / MSG_REPORT_RSP
 * (SNP ABI 56860 §7.3, "Attestation"; Tables "MSG_REPORT_REQ Message
 * Structure" and "MSG_REPORT_RSP Message Structure") sent with the
 * SNP_GUEST_REQUEST NAE event (GHCB spec 56421 §4.1.8, exit code
 * 0x8000_0011: exit_info_1 = request page GPA, exit_info_2 = response
 * page GPA; afterwards sw_exit_info_2 = VMM error << 32 | firmware error).
 *
 *   MSG_REPORT_REQ (0x60 bytes): 0x00 REPORT_DATA[64], 0x40 u32 VMPL,
 *     0x44 u32 KEY_SEL in bits 1:0 (0 either key, 1 VCEK, 2 VLEK), rest 0
 *   MSG_REPORT_RSP: 0x00 u32 STATUS (0 success, 0x16 invalid parameters,
 *     0x27 invalid key selection), 0x04 u32 REPORT_SIZE, 0x08 reserved,
 *     0x20 the 1184-byte (0x4A0) ATTESTATION_REPORT
 */
#ifndef CVM_SEV_REPORT_H
#define CVM_SEV_REPORT_H

#include "sev-base.h"
#include "sev-ghcb.h"
#include "sev-msg.h"

#define SEV_REPORT_DATA_LEN    64u
#define SEV_REPORT_REQ_SIZE    0x60u
#define SEV_REPORT_SIZE	       0x4A0u
#define SEV_REPORT_RSP_HDR     0x20u
#define SEV_REPORT_RSP_SIZE    (SEV_REPORT_RSP_HDR + SEV_REPORT_SIZE)
#define SEV_REPORT_MSG_VERSION 1

#define SEV_REPORT_KEY_ANY  0
#define SEV_REPORT_KEY_VCEK 1
#define SEV_REPORT_KEY_VLEK 2

#define SEV_REPORT_STATUS_SUCCESS	  0
#define SEV_REPORT_STATUS_INVALID_PARAMS  0x16
#define SEV_REPORT_STATUS_INVALID_KEY_SEL 0x27

/* VMM error codes in sw_exit_info_2[63:32] (GHCB spec §4.1.8) */
#define SEV_GUEST_VMM_ERR_INVALID_LEN 1
#define SEV_GUEST_VMM_ERR_BUSY	      2

int sev_report_req_encode(const uint8_t data[SEV_REPORT_DATA_LEN],
			  uint32_t vmpl, unsigned key_sel,
			  uint8_t out[SEV_REPORT_REQ_SIZE]);
/* Status and size from a decrypted response payload of `len` bytes. */
int sev_report_rsp_decode(const uint8_t *p, size_t len, uint32_t *status,
			  uint32_t *report_size);

/*
 * Where the messages travel.  `req_page` and `resp_page` are the two
 * shared pages; `scratch` is a private 4 KiB page (messages are built
 * and checked there, so the hypervisor never sees plaintext and cannot
 * change what was checked).  `request` performs the NAE event and
 * stores sw_exit_info_2 (see sev_ghcb_guest_request).  While the
 * hypervisor answers BUSY the same sealed message is resent up to
 * `busy_retries` times, calling `busy_wait` (may be NULL) in between.
 */
struct sev_guest_channel {
	uint8_t *req_page;
	uint8_t *resp_page;
	uint8_t *scratch;
	void *ctx;
	int (*request)(void *ctx, uint64_t *exitinfo2);
	void (*busy_wait)(void *ctx);
	unsigned busy_retries;
};

struct sev_report_status {
	uint64_t exitinfo2; /* last sw_exit_info_2 */
	uint32_t fw_status; /* MSG_REPORT_RSP STATUS */
};

/*
 * Ask the firmware for a report over `data` (the host's nonce).  On
 * success `report` holds the 1184 bytes and the sequence number moved
 * by 2.  On any failure after the arguments were accepted the VMPCK is
 * wiped (`m` is dead) and the code says why: SEV_E_FIRMWARE (firmware
 * or VMM error in exitinfo2, or a non-zero STATUS), SEV_E_BUSY,
 * SEV_E_AUTH, SEV_E_SEQNO, SEV_E_BADMSG, SEV_E_SHORT (response too
 * short for a report), SEV_E_NOKEY (already wiped).
 */
int sev_report_get(struct sev_msg_ctx *m, const struct sev_guest_channel *ch,
		   const uint8_t data[SEV_REPORT_DATA_LEN], uint32_t vmpl,
		   unsigned key_sel, uint8_t report[SEV_REPORT_SIZE],
		   struct sev_report_status *st);

/* The SNP_GUEST_REQUEST NAE on a GHCB: a ready `request` callback body. */
int sev_ghcb_guest_request(struct sev_ghcb *g, sev_ghcb_call_fn call, void *ctx,
			   uint64_t req_gpa, uint64_t resp_gpa,
			   uint64_t *exitinfo2);

#endif
