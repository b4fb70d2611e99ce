/* SPDX-License-Identifier: MIT */
/*
 * OVMF (and compatible) firmware images: the footer GUID table, the SEV-ES
 * reset block, the SEV metadata sections, the kernel-hash table and SVSM
 * info (QEMU docs/specs/sev-guest-firmware.rst; edk2
 * OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm).  Used by `cvm measure`,
 * `cvm firmware inspect`, `cvm host check` and the launch code.
 * Parsing is bounds-checked on untrusted bytes; thread-safe.
 *
 * Layout, from the end of the image (edk2 OvmfPkg/ResetVector/Ia16/
 * ResetVectorVtf0.asm, "OVMF GUIDed structure table"):
 *
 *   ... | entry_n | ... | entry_1 | footer entry | 32 bytes (reset vector)
 *
 * Every entry is `data | u16 size | GUID` with its 18-byte header at its
 * END and `size` counting the header; the footer entry's size covers the
 * whole table.  GUIDs are stored in the little-endian (EFI) byte order.
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
#define CVM_OVMF_MAX_ENTRIES  32
/* Images above this size are refused (QEMU maps at most 8 MiB of flash). */
#define CVM_OVMF_MAX_SIZE (64u << 20)

/* The footer table GUIDs cvm knows (see cvm_ovmf_guid_name()). */
enum cvm_ovmf_guid {
	CVM_OVMF_GUID_UNKNOWN = 0,
	CVM_OVMF_GUID_FOOTER, /* 96b582de-1fb2-45f7-baea-a366c55a082d */
	CVM_OVMF_GUID_SEV_ES_RESET_BLOCK, /* 00f771de-1a7e-4fcb-890e-68c77e2fb44e
					   */
	CVM_OVMF_GUID_SEV_HASH_TABLE_RV, /* 7255371f-3a3b-4b04-927b-1da6efa8d454
					  */
	CVM_OVMF_GUID_SEV_SECRET_BLOCK,	 /* 4c2eb361-7d9b-4cc3-8081-127c90d3d294
					  */
	CVM_OVMF_GUID_SEV_METADATA, /* dc886566-984a-4798-a75e-5585a7bf67cc */
	CVM_OVMF_GUID_TDX_METADATA, /* e47a6535-984a-4798-865e-4685a7bf8ec2 */
	CVM_OVMF_GUID_SVSM_INFO,    /* a789a612-0597-4c4b-a49f-cbb1fe9d1ddd */
};

/* One footer-table entry: where its data lies in the image. */
struct cvm_ovmf_entry {
	uint8_t guid[16];	 /* as stored (little-endian EFI order) */
	enum cvm_ovmf_guid kind; /* CVM_OVMF_GUID_UNKNOWN for others */
	size_t offset;		 /* of the data, from the start of the image */
	size_t len;		 /* data bytes (entry size - 18) */
};

struct cvm_ovmf_info {
	size_t size;	/* file size in bytes */
	uint64_t gpa;	/* 4 GiB - size: where the image is mapped */
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

	/* details for `cvm firmware inspect` (extensions of the contract) */
	size_t table_offset; /* first byte of the table (incl. footer) */
	size_t table_size;   /* footer entry's size field */
	struct cvm_ovmf_entry entries[CVM_OVMF_MAX_ENTRIES];
	size_t nentries; /* in table order, walking back from the footer */
	uint32_t secret_gpa, secret_size; /* SEV_SECRET_BLOCK (SEV/ES) */
	bool has_tdx_metadata;
	uint32_t metadata_offset;  /* from the end of the image */
	uint32_t metadata_size;	   /* header + descriptors */
	uint32_t metadata_version; /* 1 */
};

/*
 * Parse a whole firmware image.  A file without a footer table is not an
 * error (has_table is false); a malformed table or metadata is
 * -CVM_E_PARSE with the offset in the message, and an image larger than
 * CVM_OVMF_MAX_SIZE is -CVM_E_PARSE too.  Unknown section types are kept
 * (inspection shows them; measurement refuses them).  `data` is only
 * read, never past `len`; `out` is fully overwritten.
 */
int cvm_ovmf_parse(const uint8_t *data, size_t len, struct cvm_ovmf_info *out,
		   struct cvm_err *err);

/*
 * Map and parse a firmware file.  Besides cvm_ovmf_parse()'s errors, an
 * empty file or one that is not a multiple of 4 KiB (QEMU maps firmware
 * in 4 KiB flash sectors) is -CVM_E_PARSE; messages name `path`.
 */
int cvm_ovmf_parse_file(const char *path, struct cvm_ovmf_info *out,
			struct cvm_err *err);

/*
 * One plain sentence saying which protection levels and which measured
 * boot features the image supports, e.g. "SEV and SEV-ES; SEV-SNP
 * without kernel hashes".  Always NUL-terminates `buf`.
 */
void cvm_ovmf_summary(const struct cvm_ovmf_info *info, char *buf, size_t n);

/* "SEV_ES_RESET_BLOCK" etc. for a known GUID kind, "unknown" otherwise. */
const char *cvm_ovmf_guid_name(enum cvm_ovmf_guid kind);

/* Canonical text form of a stored (little-endian) GUID; `out` >= 37 bytes. */
void cvm_ovmf_guid_format(const uint8_t guid[16], char *out);

/* "SNP_SEC_MEM", "SNP_SECRETS", "CPUID", "SVSM_CAA", "SNP_KERNEL_HASHES",
 * or NULL for a type cvm does not know. */
const char *cvm_ovmf_section_name(uint32_t type);

/*
 * Does the image carry a metadata section of `type`?  (For SNP:
 * SNP_KERNEL_HASHES decides measured direct boot.)
 */
bool cvm_ovmf_has_section(const struct cvm_ovmf_info *info, uint32_t type);

#endif
