/* SPDX-License-Identifier: MIT */
/*
 * The SNP secrets page and the confidential-computing blob that tells
 * the guest where it and the CPUID page are.
 *
 * Secrets page (SNP ABI 56860 §8.17.2.5, "Secrets Page Format"; GHCB
 * spec 56421 §2.7 for the OS area), written by the PSP at launch, kept
 * private: 0x00 u32 version, 0x04 u32 bit 0 IMI_EN, 0x08 u32 FMS,
 * 0x10 GOSVW[16], 0x20/0x40/0x60/0x80 VMPCK0..3 (32 bytes each),
 * 0xA0 OS area (96 bytes: u32 msg_seqno_0..3 at 0xA0..0xAC, u64
 * ap_jump_table_pa at 0xB0, 32 guest-usage bytes at 0xE0), 0x100
 * VMSA tweak bitmap, 0x140 SVSM fields, 0x160 TSC factor.
 *
 * CC blob (edk2 OvmfPkg/Include/Guid/ConfidentialComputingSevSnpBlob.h,
 * installed as an EFI configuration table with GUID
 * 067b1f5f-cf26-44c5-8554-93d777912d42; Linux boot protocol
 * SETUP_CC_BLOB carries the same): packed {u32 magic "AMDE"; u16
 * version; u16 rsvd; u64 secrets_phys; u32 secrets_len; u32 rsvd;
 * u64 cpuid_phys; u32 cpuid_len; u32 rsvd}, 40 bytes.
 */
#ifndef CVM_SEV_SECRETS_H
#define CVM_SEV_SECRETS_H

#include "sev-base.h"

#define SEV_SECRETS_SIZE       4096u
#define SEV_SECRETS_VERSION    0x00u
#define SEV_SECRETS_IMI	       0x04u
#define SEV_SECRETS_FMS	       0x08u
#define SEV_SECRETS_GOSVW      0x10u
#define SEV_SECRETS_VMPCK0     0x20u
#define SEV_SECRETS_OS_AREA    0xA0u
#define SEV_SECRETS_OS_SEQNO0  0xA0u
#define SEV_SECRETS_OS_AP_JUMP 0xB0u
#define SEV_SECRETS_VMPCK_LEN  32u
#define SEV_SECRETS_TSC_FACTOR 0x160u

struct sev_secrets {
	uint8_t *page; /* the secrets page itself (private memory) */
	uint32_t version;
	bool imi_en;
	uint32_t fms;	   /* family/model/stepping */
	uint32_t seqno[4]; /* os_area msg_seqno_0..3 */
	uint64_t ap_jump_table_pa;
};

/*
 * Parse `page` (at least 4 KiB).  Fails with SEV_E_INVAL for version 0
 * (not a secrets page); keeps `page` to reach the keys in place.
 */
int sev_secrets_parse(uint8_t *page, size_t len, struct sev_secrets *s);

/* VMPCK `id` (0..3) inside the page, or NULL for a bad id. */
uint8_t *sev_secrets_vmpck(const struct sev_secrets *s, unsigned id);
/* True when the key is all zero (absent or wiped). */
bool sev_secrets_vmpck_empty(const struct sev_secrets *s, unsigned id);
/* Zero VMPCK `id` in the page: after any guest-request failure. */
void sev_secrets_wipe_vmpck(struct sev_secrets *s, unsigned id);
/* Pointer to os_area msg_seqno_`id` (u32, little-endian) in the page. */
uint8_t *sev_secrets_seqno_ptr(const struct sev_secrets *s, unsigned id);

#define SEV_CC_BLOB_MAGIC 0x45444d41u /* "AMDE" */
#define SEV_CC_BLOB_SIZE  40u

/* EFI GUID 067b1f5f-cf26-44c5-8554-93d777912d42 in memory byte order */
extern const uint8_t sev_cc_blob_guid[16];

struct sev_cc_blob {
	uint16_t version;
	uint64_t secrets_phys;
	uint32_t secrets_len;
	uint64_t cpuid_phys;
	uint32_t cpuid_len;
};

/*
 * Decode and check: magic, both addresses non-zero and 4 KiB aligned,
 * secrets_len exactly 4 KiB and cpuid_len at least 4 KiB (what Linux
 * requires before using them).
 */
int sev_cc_blob_parse(const uint8_t *p, size_t len, struct sev_cc_blob *b);

/*
 * Find the CC blob in an EFI configuration table (UEFI spec §4.6:
 * `count` entries of {EFI_GUID VendorGuid; VOID *VendorTable}, 24
 * bytes each on x86-64).  SEV_E_NOTFOUND when absent.
 */
int sev_efi_find_cc_blob(const uint8_t *table, size_t count, uint64_t *addr);

#endif
