/* SPDX-License-Identifier: MIT */
/*
 * Launch measurements computed offline: the digest an AMD SEV, SEV-ES or
 * SEV-SNP guest's firmware reports for a given firmware image, kernel,
 * initrd, command line, vCPU count and vCPU type.  Same algorithms,
 * options and results as virtee/sev-snp-measure 0.0.13.
 *
 *   SEV     LD = SHA-256(firmware || [kernel-hash table])
 *   SEV-ES  LD = SHA-256(firmware || [kernel-hash table] || VMSA_0..N-1)
 *   SNP     LD = chained SHA-384 over PAGE_INFO structures (SNP firmware
 *           ABI spec 56860, SNP_LAUNCH_UPDATE, "PAGE_INFO"), one per
 *           launched page: firmware, SEV metadata sections, VMSAs.
 *
 * Also the SEV LAUNCH_MEASURE HMAC and the SNP ID block / ID auth
 * structures that QEMU's sev-snp-guest takes (`id-block=`, `id-auth=`).
 * The guest policy is not part of any launch digest: SNP binds it
 * through the ID block (cvm_snp_id_sign) and the report's POLICY field,
 * SEV and SEV-ES through the LAUNCH_MEASURE HMAC (cvm_sev_launch_measure).
 *
 * All functions are thread-safe; none prints or exits.  Errors are
 * -CVM_E_USAGE for a bad request (wrong option combination, vCPU count
 * out of range), -CVM_E_UNSUPPORTED when the firmware cannot do what is
 * asked (a kernel without a kernel-hash table), -CVM_E_PARSE for a
 * malformed firmware image, or a negative errno for files.
 */
#ifndef CVM_MEASURE_H
#define CVM_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm/err.h"

#define CVM_PAGE_SIZE	      4096u
#define CVM_SNP_LD_SIZE	      48 /* SHA-384 */
#define CVM_SEV_LD_SIZE	      32 /* SHA-256 */
#define CVM_MEASURE_MAX_VCPUS 512
/* VMSA pages are recorded in the RMP with GPA -1, page-aligned, 52 bits */
#define CVM_SNP_VMSA_GPA 0xFFFFFFFFF000ull

enum cvm_measure_mode {
	CVM_MEASURE_SEV,
	CVM_MEASURE_SEV_ES,
	CVM_MEASURE_SNP,
	CVM_MEASURE_SNP_OVMF_HASH, /* SNP LD after the firmware pages only */
	CVM_MEASURE_SNP_SVSM,	   /* SNP with a Coconut-SVSM image */
};

/* "sev", "seves", "snp", "snp:ovmf-hash", "snp:svsm" (sev-snp-measure's
 * --mode); -EINVAL for anything else. */
int cvm_measure_mode_parse(const char *s, enum cvm_measure_mode *out);
const char *cvm_measure_mode_name(enum cvm_measure_mode m);
/* "SEV", "SEV_ES", "SEV_SNP", "SEV_SNP_SVSM": the reference's -v label */
const char *cvm_measure_mode_label(enum cvm_measure_mode m);

/* Who builds the initial vCPU state: values as in sev-snp-measure. */
enum cvm_vmm_type {
	CVM_VMM_QEMU = 1,
	CVM_VMM_EC2 = 2,
	CVM_VMM_GCE = 3,
};
/* "QEMU", "ec2", "gce" (exact spelling, as the reference); -EINVAL. */
int cvm_vmm_type_parse(const char *s, enum cvm_vmm_type *out);
const char *cvm_vmm_type_name(enum cvm_vmm_type t);

/*
 * CPUID Fn0000_0001_EAX from family/model/stepping (AMD CPUID
 * specification 25481): families above 0xF put 0xF in the base field
 * and the rest in the extended family field (bits 27:20).
 */
uint32_t cvm_cpu_sig(unsigned family, unsigned model, unsigned stepping);
/* The signature of a QEMU vCPU model name ("EPYC-Milan"); -ENOENT. */
int cvm_vcpu_type_sig(const char *name, uint32_t *sig);
/* The i-th known vCPU model name, NULL past the end (for help texts). */
const char *cvm_vcpu_type_name(size_t i);

/* SNP PAGE_INFO.PAGE_TYPE (SNP ABI spec 56860, SNP_LAUNCH_UPDATE). */
enum cvm_snp_page_type {
	CVM_SNP_PAGE_NORMAL = 1,
	CVM_SNP_PAGE_VMSA = 2,
	CVM_SNP_PAGE_ZERO = 3,
	CVM_SNP_PAGE_UNMEASURED = 4,
	CVM_SNP_PAGE_SECRETS = 5,
	CVM_SNP_PAGE_CPUID = 6,
};
/* "NORMAL", "VMSA", "ZERO", "UNMEASURED", "SECRETS", "CPUID" */
const char *cvm_snp_page_type_name(enum cvm_snp_page_type t);

/*
 * The kernel-hash table of measured direct boot (QEMU target/i386/sev.c,
 * "SevHashTable"; OVMF OvmfPkg/AmdSev BlobVerifierSevHashes): SHA-256 of
 * the kernel, of the initrd (of "" without one) and of the command line
 * with its NUL (of "\0" without one).
 */
#define CVM_SEV_HASH_TABLE_SIZE	       168
#define CVM_SEV_HASH_TABLE_PADDED_SIZE 176
struct cvm_sev_hashes {
	uint8_t kernel[32], initrd[32], cmdline[32];
};

/*
 * Hash `kernel` and `initrd` (mapped, read once) and `append`; `initrd`
 * and `append` may be NULL.  Errors name the file.
 */
int cvm_sev_hashes_from_files(const char *kernel, const char *initrd,
			      const char *append, struct cvm_sev_hashes *out,
			      struct cvm_err *err);
/* SHA-256 of a whole file, mapped and read once (hex: `cvm measure
 * --json` reports its inputs this way). */
int cvm_measure_sha256_file(const char *path, uint8_t out[32],
			    struct cvm_err *err);
/* The table padded to 16 bytes, as QEMU places it in guest memory. */
void cvm_sev_hashes_table(const struct cvm_sev_hashes *h,
			  uint8_t out[CVM_SEV_HASH_TABLE_PADDED_SIZE]);

/* One step of the measurement, in the order it enters the digest. */
struct cvm_measure_region {
	const char *what; /* "firmware", "firmware (precomputed hash)",
			     "svsm", "kernel hashes" (SEV/ES), a metadata
			     section name, "VMSA" (static strings) */
	uint64_t gpa;	  /* SNP: guest-physical address; SEV/ES: offset
			     into the hashed stream */
	uint64_t pages;	  /* 4 KiB pages (SNP), or 0 */
	uint64_t bytes;	  /* bytes that went through the hash */
	enum cvm_snp_page_type page_type; /* SNP modes only, else 0 */
	unsigned vcpu_first, vcpu_last;	  /* VMSA regions */
};
typedef void (*cvm_measure_region_fn)(void *opaque,
				      const struct cvm_measure_region *r);
/* Receives each VMSA page (for --dump-vmsa); a negative return aborts. */
typedef int (*cvm_measure_vmsa_fn)(void *opaque, unsigned vcpu,
				   const uint8_t page[CVM_PAGE_SIZE],
				   struct cvm_err *err);

/*
 * Everything a measurement depends on, as bytes in memory.  Initialise
 * with cvm_measure_params_init() (VMM QEMU, guest features 0x1, as the
 * reference's CLI), then set what applies.  All pointers are borrowed.
 */
struct cvm_measure_params {
	enum cvm_measure_mode mode;
	const uint8_t *fw; /* the firmware image (OVMF.fd, OVMF_CODE.fd) */
	size_t fw_len;
	unsigned vcpus;		 /* 1..512; unused by SEV */
	uint32_t vcpu_sig;	 /* CPUID 1 EAX; QEMU VMSAs put it in RDX */
	uint64_t guest_features; /* SNP VMSA SEV_FEATURES (SEV-ES uses 0) */
	enum cvm_vmm_type vmm;
	const struct cvm_sev_hashes *hashes; /* measured direct boot */
	const uint8_t *snp_ovmf_hash; /* 48 bytes: seed instead of firmware */
	const uint8_t *svsm;	      /* snp:svsm: the SVSM image */
	size_t svsm_len;
	uint64_t vars_size;    /* snp:svsm: size of the OVMF_VARS flash */
	unsigned threads;      /* SNP page hashing: 0 = one per CPU (at most
				  8), 1 = this thread only */
	unsigned lanes;	       /* SNP pages hashed side by side per thread:
				  0 = the most this CPU can (8 with AVX-512,
				  4 with AVX2), 1 = one at a time (OpenSSL) */
	const char *fw_name;   /* names for messages ("firmware" if NULL) */
	const char *svsm_name; /* ("SVSM image" if NULL) */
	cvm_measure_region_fn on_region;
	cvm_measure_vmsa_fn on_vmsa;
	void *opaque;
};

struct cvm_measure_result {
	uint8_t digest[CVM_SNP_LD_SIZE];
	size_t len;	       /* 48 (SNP modes) or 32 (SEV, SEV-ES) */
	uint64_t pages;	       /* SNP: PAGE_INFO structures hashed */
	uint64_t bytes_hashed; /* every byte fed to SHA-256/384 */
	unsigned lanes;	       /* SNP: pages hashed side by side (1, 4, 8) */
	/* SHA-256 of the input files, filled by cvm_measure_files_compute()
	 * when cvm_measure_files.sha256 is set (initrd: of "" without one) */
	uint8_t ovmf_sha256[32], kernel_sha256[32], initrd_sha256[32];
	uint8_t svsm_sha256[32];
};

void cvm_measure_params_init(struct cvm_measure_params *p);

/*
 * Compute the launch digest.  Checks the request first (-CVM_E_USAGE:
 * vCPUs outside 1..512, an SNP OVMF hash outside snp mode, a missing
 * SVSM image), then parses the firmware.  No allocation per page.
 */
int cvm_measure_compute(const struct cvm_measure_params *p,
			struct cvm_measure_result *out, struct cvm_err *err);

/*
 * The same from files, for the launch code and `cvm measure`: maps
 * `ovmf` (and `svsm`), hashes `kernel`/`initrd`/`append` when a kernel
 * is given, and measures.  `params` supplies everything else (its fw,
 * svsm and hashes fields are ignored).  An initrd or append without a
 * kernel is -CVM_E_USAGE.  Errors name the file.
 */
struct cvm_measure_files {
	const char *ovmf;
	const char *kernel, *initrd, *append; /* NULL: none */
	const char *svsm;		      /* snp:svsm */
	const char *vars_file; /* snp:svsm: its size is the vars size */
	bool sha256;	       /* also fill the result's *_sha256 fields */
};
int cvm_measure_files_compute(const struct cvm_measure_files *f,
			      const struct cvm_measure_params *params,
			      struct cvm_measure_result *out,
			      struct cvm_err *err);

/*
 * The VMSA page of one vCPU (AMD APM vol. 2 table B-4, "VMSA layout";
 * Linux arch/x86/include/asm/svm.h struct sev_es_save_area) as KVM/QEMU,
 * EC2 or GCE build it at reset.  `eip` is 0xFFFFFFF0 for the BSP and the
 * SEV-ES reset block's value for APs.  Fills all 4096 bytes.
 */
void cvm_vmsa_build(uint8_t page[CVM_PAGE_SIZE], uint32_t eip,
		    uint64_t sev_features, uint32_t vcpu_sig,
		    enum cvm_vmm_type vmm);
/* The VMSA of every vCPU of a Coconut-SVSM guest (64-bit, flat). */
void cvm_vmsa_build_svsm(uint8_t page[CVM_PAGE_SIZE], uint64_t rip,
			 uint32_t vcpu_sig);

/*
 * SEV/SEV-ES LAUNCH_MEASURE as the PSP returns it (SEV API spec 55766,
 * LAUNCH_MEASURE): HMAC-SHA256 keyed with TIK over 0x04 || API_MAJOR ||
 * API_MINOR || BUILD || POLICY (u32 LE) || LD || MNONCE.
 */
int cvm_sev_launch_measure(const uint8_t tik[16], uint8_t api_major,
			   uint8_t api_minor, uint8_t build, uint32_t policy,
			   const uint8_t ld[CVM_SEV_LD_SIZE],
			   const uint8_t mnonce[16], uint8_t out[32],
			   struct cvm_err *err);

/*
 * SNP ID block and ID authentication information (SNP ABI spec 56860,
 * SNP_LAUNCH_FINISH: "ID_BLOCK" 96 bytes and "ID_AUTH_INFO" 4096 bytes;
 * the same layout as AMD's sev-guest include/id-block.h).  Signatures
 * are ECDSA P-384 with SHA-384 ("Signature Format": R and S
 * little-endian, zero-extended to 72 bytes); public keys are in the
 * spec's "ECDSA Public Key" format (CURVE = 2 for P-384, QX and QY
 * little-endian, 72 bytes each), 0x404 bytes.
 */
#define CVM_SNP_ID_BLOCK_SIZE	       96
#define CVM_SNP_ID_AUTH_SIZE	       4096
#define CVM_SNP_PUBKEY_SIZE	       0x404
#define CVM_SNP_SIG_SIZE	       0x200
#define CVM_SNP_ALGO_ECDSA_P384_SHA384 1
#define CVM_SNP_CURVE_P384	       2
/* SNP guest policy QEMU uses by default: SMT allowed, bit 17 (must be 1) */
#define CVM_SNP_DEFAULT_POLICY 0x30000ull

struct cvm_snp_id_block {
	uint8_t ld[CVM_SNP_LD_SIZE];
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t version; /* 1 */
	uint32_t guest_svn;
	uint64_t policy;
};

/* Decoded ID_AUTH_INFO, for checks and display. */
struct cvm_snp_id_auth {
	uint32_t id_key_algo, author_key_algo;
	uint8_t id_block_sig[CVM_SNP_SIG_SIZE];
	uint8_t id_key[CVM_SNP_PUBKEY_SIZE];
	uint8_t id_key_sig[CVM_SNP_SIG_SIZE];
	uint8_t author_key[CVM_SNP_PUBKEY_SIZE];
};

/* A block with version 1, the default policy and zero IDs. */
void cvm_snp_id_block_init(struct cvm_snp_id_block *b);
void cvm_snp_id_block_encode(const struct cvm_snp_id_block *b,
			     uint8_t out[CVM_SNP_ID_BLOCK_SIZE]);
/* -CVM_E_PARSE unless `len` is exactly 96. */
int cvm_snp_id_block_decode(const uint8_t *p, size_t len,
			    struct cvm_snp_id_block *out, struct cvm_err *err);
/* -CVM_E_PARSE unless `len` is 4096 and the reserved bytes are zero. */
int cvm_snp_id_auth_decode(const uint8_t *p, size_t len,
			   struct cvm_snp_id_auth *out, struct cvm_err *err);

/*
 * Sign `b` with the ID key and, when `author_key_pem` is not NULL, sign
 * the ID key with the author key (AUTHOR_KEY_EN=1 at launch).  Keys are
 * PEM files holding EC P-384 private keys; anything else is an error
 * naming the file.  Writes the encoded block and auth structures.
 */
int cvm_snp_id_sign(const struct cvm_snp_id_block *b, const char *id_key_pem,
		    const char *author_key_pem,
		    uint8_t block[CVM_SNP_ID_BLOCK_SIZE],
		    uint8_t auth[CVM_SNP_ID_AUTH_SIZE], struct cvm_err *err);

/*
 * Check both signatures of an encoded block/auth pair against the keys
 * embedded in the auth structure: 0, or -CVM_E_INVALID saying which one
 * failed.
 */
int cvm_snp_id_verify(const uint8_t block[CVM_SNP_ID_BLOCK_SIZE],
		      const uint8_t auth[CVM_SNP_ID_AUTH_SIZE],
		      struct cvm_err *err);

/*
 * SHA-384 of a public key in SNP format: the ID_KEY_DIGEST and
 * AUTHOR_KEY_DIGEST an attestation report carries.
 */
int cvm_snp_key_digest(const uint8_t key[CVM_SNP_PUBKEY_SIZE],
		       uint8_t out[CVM_SNP_LD_SIZE], struct cvm_err *err);

#endif
