/* SPDX-License-Identifier: MIT */
/*
 * OVMF (and compatible) firmware images: the footer GUID table, the SEV-ES
 * reset block, the SEV metadata sections, the kernel-hash table and SVSM
 * info (QEMU docs/specs/sev-guest-firmware.rst; edk2
 * OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm).  Used by `cvm measure`,
 * `cvm firmware inspect`, `cvm host check` and the launch code.
 * Parsing is bounds-checked on untrusted bytes; thread-safe.
 */
#ifndef CVM_OVMF_H
#define CVM_OVMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm/err.h"

/* SEV metadata section types (OvmfSevMetadata.asm; coconut-svsm). */
enum cvm_ovmf_section_type {
	CVM_OVMF_SEC_MEM = 1,
	CVM_OVMF_SECRETS = 2,
	CVM_OVMF_CPUID = 3,
	CVM_OVMF_SVSM_CAA = 4,
	CVM_OVMF_KERNEL_HASHES = 0x10,
};

struct cvm_ovmf_section {
	uint32_t gpa, size, type;
};

#define CVM_OVMF_MAX_SECTIONS 32

struct cvm_ovmf_info {
	size_t size;  /* file size in bytes */
	uint64_t gpa; /* 4 GiB - size: where the image is mapped */
	bool has_table; /* footer GUID table present */

	bool has_reset_block;	   /* SEV_ES_RESET_BLOCK entry */
	uint32_t sev_es_reset_eip; /* its first u32 */

	bool has_hash_table_entry; /* SEV_HASH_TABLE_RV entry */
	uint32_t hash_table_gpa;   /* 0: no measured direct boot */
	uint32_t hash_table_size;

	bool has_secret_block;
	bool has_svsm_info;
	uint32_t svsm_entry_offset;

	bool has_metadata; /* OVMF_SEV_METADATA "ASEV" */
	struct cvm_ovmf_section sections[CVM_OVMF_MAX_SECTIONS];
	size_t nsections;

	/* what it supports, derived from the above */
	bool sev;		/* SEV: footer table present */
	bool sev_es;		/* SEV-ES: reset block present */
	bool sev_snp;		/* SNP: metadata with secrets + CPUID pages */
	bool kernel_hashes_sev; /* hash table GPA != 0 */
	bool kernel_hashes_snp; /* KERNEL_HASHES metadata section */
};

/*
 * Parse a whole firmware image.  A file without a footer table is not an
 * error (has_table is false); a malformed table or metadata is
 * -CVM_E_PARSE with the offset in the message.
 */
int cvm_ovmf_parse(const uint8_t *data, size_t len, struct cvm_ovmf_info *out,
		   struct cvm_err *err);

#endif
