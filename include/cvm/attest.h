/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP attestation: parse reports, verify them against AMD's
 * certificate chain and the caller's expectations, and fetch them from
 * inside an SNP guest.
 *
 * Specifications cited in the code:
 *   SNP ABI    AMD SEV-SNP Firmware ABI Specification, pub. 56860
 *              (ATTESTATION_REPORT, TCB_VERSION, MSG_REPORT_REQ/RSP,
 *              Guest Policy)
 *   VCEK spec  AMD "Versioned Chip Endorsement Key (VCEK) Certificate
 *              and KDS Interface Specification", pub. 57230
 *   GHCB spec  AMD GHCB Specification, pub. 56421 (certificate table)
 *   Linux      include/uapi/linux/sev-guest.h, Documentation/ABI/
 *              testing/configfs-tsm
 *
 * Quick use (what `cvm run --attest` needs, one call):
 *
 *	struct cvm_attest_ctx *ctx = cvm_attest_ctx_new();
 *	struct cvm_err err = CVM_ERR_INIT;
 *	cvm_attest_ctx_add_file(ctx, "vcek.der", CVM_CERT_ROLE_VEK, &err);
 *	r = cvm_attest_check_report(ctx, buf, len, measurement, nonce,
 *				    nonce_len, &err);
 *	// r == 0: valid; -CVM_E_INVALID: verified and rejected, err.msg
 *	// says why; other negative: could not verify (e.g. no VCEK)
 *	cvm_attest_ctx_free(ctx);
 *
 * Thread-safety: a context and everything it caches belong to one
 * thread at a time; separate contexts are independent.  The parse and
 * format helpers are pure.
 */
#ifndef CVM_ATTEST_H
#define CVM_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "cvm/err.h"
#include "cvm/policy.h"

struct json_object;

/* SNP ABI, ATTESTATION_REPORT: 0x4A0 bytes, signed over 0x000-0x29F. */
#define CVM_SNP_REPORT_SIZE 0x4A0
#define CVM_SNP_SIGNED_SIZE 0x2A0

/* Processor generations with their own AMD certificate chain. */
enum cvm_snp_family {
	CVM_SNP_FAMILY_UNKNOWN,
	CVM_SNP_MILAN,
	CVM_SNP_GENOA,
	CVM_SNP_TURIN,
};

/* "Milan", "Genoa", "Turin" (the KDS product names) or "unknown". */
const char *cvm_snp_family_name(enum cvm_snp_family f);
/* Parse a product name, case-insensitively; UNKNOWN if not one. */
enum cvm_snp_family cvm_snp_family_parse(const char *name);
/*
 * The generation from CPUID Fn0000_0001_EAX family and model as the
 * report carries them (v3+): family 0x19 models 0x00-0x0F Milan,
 * 0x10-0x1F and 0xA0-0xAF Genoa; family 0x1A models 0x00-0x1F Turin.
 */
enum cvm_snp_family cvm_snp_family_from_cpuid(uint8_t family, uint8_t model);

/*
 * TCB_VERSION (SNP ABI), decoded with the generation's byte layout:
 * Milan/Genoa: byte 0 boot loader, 1 TEE, 2-5 reserved, 6 SNP, 7 ucode;
 * Turin: 0 FMC, 1 boot loader, 2 TEE, 3 SNP, 4-6 reserved, 7 ucode.
 */
struct cvm_snp_tcb {
	uint64_t raw;
	bool has_fmc; /* Turin layout */
	uint8_t fmc, bl, tee, snp, ucode;
};
void cvm_snp_tcb_decode(uint64_t raw, enum cvm_snp_family f,
			struct cvm_snp_tcb *out);
/* "bl=2 tee=0 snp=5 ucode=68" (Turin: "fmc=0 bl=1 ..."), into out[n]. */
void cvm_snp_tcb_format(const struct cvm_snp_tcb *t, char *out, size_t n);
/*
 * Parse "bl=N,tee=N,snp=N,ucode=N[,fmc=N]" (comma or space separated,
 * missing components are 0) or a raw 64-bit value (decoded for `f`).
 * -CVM_E_USAGE naming the text on error.
 */
int cvm_snp_tcb_parse(const char *text, enum cvm_snp_family f,
		      struct cvm_snp_tcb *out, struct cvm_err *err);

/* Values of the SIGNING_KEY field (report offset 0x48, bits 4:2). */
enum cvm_snp_signer {
	CVM_SNP_SIGNER_VCEK = 0,
	CVM_SNP_SIGNER_VLEK = 1,
	CVM_SNP_SIGNER_NONE = 7,
};

/*
 * A parsed ATTESTATION_REPORT (SNP ABI table "ATTESTATION_REPORT
 * Structure").  Decoded field by field from the bytes with bounds-
 * checked little-endian loads; `raw` keeps the exact bytes.
 */
struct cvm_snp_report {
	uint8_t raw[CVM_SNP_REPORT_SIZE];
	uint32_t version;
	uint32_t guest_svn;
	uint64_t policy;
	uint8_t family_id[16];
	uint8_t image_id[16];
	uint32_t vmpl;
	uint32_t sig_algo;
	uint64_t current_tcb;
	uint64_t platform_info;
	bool author_key_en;
	bool mask_chip_key;
	uint32_t signing_key; /* enum cvm_snp_signer, or another value */
	uint8_t report_data[64];
	uint8_t measurement[48];
	uint8_t host_data[32];
	uint8_t id_key_digest[48];
	uint8_t author_key_digest[48];
	uint8_t report_id[32];
	uint8_t report_id_ma[32];
	uint64_t reported_tcb;
	bool has_cpuid; /* version >= 3 */
	uint8_t cpuid_fam, cpuid_mod, cpuid_step;
	uint8_t chip_id[64];
	uint64_t committed_tcb;
	uint8_t current_major, current_minor, current_build;
	uint8_t committed_major, committed_minor, committed_build;
	uint64_t launch_tcb;
	bool has_mit; /* version >= 5 */
	uint64_t launch_mit_vector, current_mit_vector;
	uint8_t sig_r[72], sig_s[72]; /* little-endian, zero-padded */
	/* reserved byte ranges that are not zero, as "0x4c-0x4f" */
	char nonzero_reserved[8][16];
	size_t n_nonzero_reserved;
};

/*
 * Parse exactly CVM_SNP_REPORT_SIZE bytes.  Fails (-CVM_E_PARSE) for
 * another size or a version below 2.  Versions above 5 are parsed with
 * the version 5 layout (the spec keeps it).
 */
int cvm_snp_report_parse(const uint8_t *p, size_t len,
			 struct cvm_snp_report *out, struct cvm_err *err);

/* How the report was stored. */
enum cvm_snp_format {
	CVM_SNP_FMT_RAW,   /* 1184 bytes */
	CVM_SNP_FMT_HCL,   /* Azure vTPM HCL report ("HCLA"), unwrapped */
	CVM_SNP_FMT_HEX,   /* hex text of one of the above */
	CVM_SNP_FMT_BASE64 /* base64 text of one of the above */
};
const char *cvm_snp_format_name(enum cvm_snp_format f);

/* The Azure HCL runtime data that REPORT_DATA binds. */
struct cvm_snp_hcl {
	bool present;
	uint32_t report_type; /* 2 = SNP */
	uint32_t hash_type;   /* 1 SHA-256, 2 SHA-384, 3 SHA-512 */
	uint8_t *var_data;    /* malloc'd copy of the variable data (JSON) */
	size_t var_len;
};

/* A report as found in a file: the report plus its envelope. */
struct cvm_snp_evidence {
	struct cvm_snp_report report;
	enum cvm_snp_format format;
	bool hcl_inner; /* hex/base64 text holding an HCL report */
	struct cvm_snp_hcl hcl;
};

/*
 * Recognise raw, Azure HCL, hex and base64 forms and parse the report.
 * `what` names the input in messages.  Release with
 * cvm_snp_evidence_release().  -CVM_E_PARSE when nothing fits.
 */
int cvm_snp_evidence_load(const uint8_t *p, size_t len, const char *what,
			  struct cvm_snp_evidence *out, struct cvm_err *err);
void cvm_snp_evidence_release(struct cvm_snp_evidence *ev);

/*
 * PLATFORM_INFO bit names (SNP ABI): "SMT_EN,TSME_EN,..."; unknown set
 * bits appear as "BIT6" and are not an error.  Empty string for 0.
 */
void cvm_snp_platform_info_format(uint64_t v, char *out, size_t n);

/* SNP ABI Guest Policy bit 19: debugging allowed. */
#define CVM_ATTEST_POLICY_DEBUG (1ull << 19)

/* ---------------------------------------------------------------- */
/* Certificates and the verification context                        */

/* What a certificate is, from its subject and key usage (never its
 * position in a bundle or a file name). */
enum cvm_cert_role {
	CVM_CERT_ROLE_ANY,  /* for adding: classify by subject */
	CVM_CERT_ROLE_ARK,  /* CN ARK-<gen>, self-issued CA */
	CVM_CERT_ROLE_ASK,  /* CN SEV-<gen>, signs VCEKs */
	CVM_CERT_ROLE_ASVK, /* CN SEV-VLEK-<gen>, signs VLEKs */
	CVM_CERT_ROLE_VEK,  /* for adding: a VCEK or VLEK */
	CVM_CERT_ROLE_VCEK, /* CN SEV-VCEK, EC P-384 */
	CVM_CERT_ROLE_VLEK, /* CN SEV-VLEK, EC P-384 */
	CVM_CERT_ROLE_OTHER,
};
const char *cvm_cert_role_name(enum cvm_cert_role r);

struct cvm_attest_ctx;

/* A new, empty context (built-in AMD roots are loaded on first use). */
struct cvm_attest_ctx *cvm_attest_ctx_new(void);
/* Free the context and every certificate it holds; NULL is fine. */
void cvm_attest_ctx_free(struct cvm_attest_ctx *ctx);

/*
 * Add certificates from a file (DER, or PEM with one or more
 * certificates).  With role ANY they join the pool that verification
 * selects from by subject; with VEK, ASK or ARK the file must hold
 * exactly one certificate and it is used for that role (replacing an
 * earlier one); a certificate that does not fit the role is rejected at
 * verification with a reason.  ASK here also covers an ASVK.
 */
int cvm_attest_ctx_add_file(struct cvm_attest_ctx *ctx, const char *path,
			    enum cvm_cert_role role, struct cvm_err *err);
/* As above from memory; `label` names the source in messages. */
int cvm_attest_ctx_add_mem(struct cvm_attest_ctx *ctx, const uint8_t *p,
			   size_t len, enum cvm_cert_role role,
			   const char *label, struct cvm_err *err);
/*
 * `path` is a directory: add every *.der, *.pem, *.crt and *.cer file
 * in it to the pool; otherwise add the file (a bundle) to the pool.
 */
int cvm_attest_ctx_add_certs(struct cvm_attest_ctx *ctx, const char *path,
			     struct cvm_err *err);
/*
 * A folder of VCEKs named as cvm_attest_cache_name() says; read when no
 * VCEK was given.  The string is copied.
 */
void cvm_attest_ctx_set_cache(struct cvm_attest_ctx *ctx, const char *dir);

/* ---------------------------------------------------------------- */
/* Verification                                                     */

/* What the caller expects.  Zero-initialise, then set what matters. */
struct cvm_attest_expect {
	const uint8_t *measurement; /* 48 bytes */
	bool has_policy;
	uint64_t policy;  /* exact match */
	bool allow_debug; /* else a DEBUG policy (bit 19) is rejected */
	bool has_min_tcb;
	struct cvm_snp_tcb min_tcb; /* each component of REPORTED_TCB >= */
	bool min_tcb_raw; /* min_tcb.raw is a TCB_VERSION value: decode it
			     with the report's generation */
	const uint8_t *report_data; /* 64 bytes, exact */
	const uint8_t *nonce;	    /* first nonce_len bytes of REPORT_DATA */
	size_t nonce_len;	    /* 1..64 */
	bool has_vmpl;
	uint32_t vmpl;
	const uint8_t *host_data;     /* 32 bytes */
	const uint8_t *id_key_digest; /* 48 bytes */
	const uint8_t *chip_id;	      /* 64 bytes */
	time_t at;		      /* certificate validity time; 0 = now */
};

enum cvm_attest_check_status {
	CVM_ATTEST_CHECK_PASS,
	CVM_ATTEST_CHECK_FAIL,	     /* verified and wrong */
	CVM_ATTEST_CHECK_SKIP,	     /* does not apply (e.g. hwID for a VLEK) */
	CVM_ATTEST_CHECK_UNVERIFIED, /* could not be run: an input is missing */
};
const char *cvm_attest_check_status_name(enum cvm_attest_check_status s);

/*
 * One check.  Ids (stable, used by --json and the tests):
 *   report    report fields: version, signature algorithm, signing key
 *   family    processor generation from CPUID and the VEK agree
 *   ark       ARK is AMD's (pinned SHA-256), self-signed, a CA
 *   ask       ASK/ASVK signed by the ARK (RSA-PSS SHA-384, salt 48)
 *   vek       VCEK/VLEK signed by the ASK/ASVK
 *   validity  every certificate valid at the reference time
 *   report_sig ECDSA P-384 signature over 0x000-0x29F by the VEK
 *   tcb       VEK TCB extensions == REPORTED_TCB
 *   hwid      VCEK hwID == CHIP_ID (skipped for a VLEK)
 *   extensions (chain-only) the VEK's TCB and hwID extensions present
 *   hcl       Azure HCL runtime data bound by REPORT_DATA
 *   debug     policy does not allow debugging (or --allow-debug)
 *   policy measurement report_data nonce vmpl host_data id_key_digest
 *   chip_id min_tcb: the expectations that were given
 */
struct cvm_attest_check {
	const char *id;
	enum cvm_attest_check_status status;
	char detail[400];
};

/* A certificate used in the chain, for display. */
struct cvm_attest_certinfo {
	enum cvm_cert_role role;
	char subject_cn[64];
	char issuer_cn[64];
	char source[160]; /* file path, "built-in", "cache:<path>" */
	char not_before[24], not_after[24]; /* RFC 3339, UTC */
	char sha256[65];
	bool has_ext; /* VCEK/VLEK extensions */
	char product[32];
	struct cvm_snp_tcb tcb; /* from the SPL extensions */
	uint8_t hwid[64];
	size_t hwid_len;
	const char *hwid_encoding; /* "raw64", "raw8" (Turin),
				      "der-octet-string", or NULL */
	char csp_id[96];	   /* VLEK: cloud provider */
};

enum cvm_attest_verdict {
	CVM_ATTEST_VALID,
	CVM_ATTEST_INVALID,
	CVM_ATTEST_UNVERIFIED,
};
const char *cvm_attest_verdict_name(enum cvm_attest_verdict v);

#define CVM_ATTEST_MAX_CHECKS 32

struct cvm_attest_result {
	enum cvm_attest_verdict verdict;
	bool has_report; /* false for a chain-only verification */
	struct cvm_snp_report report;
	enum cvm_snp_format format;
	bool hcl; /* unwrapped from an Azure HCL report */
	struct cvm_policy_report policy; /* POLICY explained (cvm/policy.h) */
	enum cvm_snp_family family;
	char family_source[64]; /* "CPUID 25/1/1", "VEK product Milan-B0" */
	struct cvm_snp_tcb current_tcb, reported_tcb, committed_tcb,
		launch_tcb; /* decoded with the family's layout */
	time_t at;
	struct cvm_attest_check checks[CVM_ATTEST_MAX_CHECKS];
	size_t nchecks;
	struct cvm_attest_certinfo certs[3]; /* VEK, ASK/ASVK, ARK */
	size_t ncerts;
	char kds_url[256];  /* where to fetch the VCEK, when computable */
	char notes[4][160]; /* informational (newer version, reserved) */
	size_t nnotes;
};

/*
 * Verify the report in `data` (any form cvm_snp_evidence_load takes)
 * against the certificates in `ctx` and the expectations `exp` (NULL =
 * none).  Returns 0 when verification ran, whatever the verdict, with
 * every check in `res`; negative (-CVM_E_PARSE, ...) only when `data`
 * is not a report at all.  Valid only if res->verdict is VALID.
 * Signature checks already done on the same certificates are cached in
 * `ctx`, so repeated calls cost one ECDSA verification.
 */
int cvm_attest_verify(struct cvm_attest_ctx *ctx, const uint8_t *data,
		      size_t len, const char *what,
		      const struct cvm_attest_expect *exp,
		      struct cvm_attest_result *res, struct cvm_err *err);

/*
 * Verify only the VCEK/VLEK given with role VEK against its chain
 * (no report): family from its productName, chain, validity at `at`
 * (0 = now), extensions well formed.  Returns 0 when verification ran;
 * -ENOENT when ctx holds no VEK.
 */
int cvm_attest_verify_chain(struct cvm_attest_ctx *ctx, time_t at,
			    struct cvm_attest_result *res, struct cvm_err *err);

/* The first failing (else unverified) check, or NULL if valid. */
const struct cvm_attest_check *
cvm_attest_first_problem(const struct cvm_attest_result *res);

/*
 * The one-call form for launchers (`cvm run --attest`): verify `data`
 * with `ctx` (built-in roots plus whatever it holds), expecting
 * `measurement` (48 bytes, or NULL) and `nonce` as the first bytes of
 * REPORT_DATA (or NULL), debug policies rejected, certificates checked
 * at the current time.  0 = valid; -CVM_E_INVALID with the first
 * failing check in err ("report 'x' is invalid: measurement: ...");
 * another negative code when it could not be verified (no VCEK, not a
 * report), again with the reason in err.
 */
int cvm_attest_check_report(struct cvm_attest_ctx *ctx, const uint8_t *data,
			    size_t len, const uint8_t *measurement,
			    const uint8_t *nonce, size_t nonce_len,
			    struct cvm_err *err);

/*
 * The result as JSON (schema: docs/attest.schema.json).  The caller
 * owns the object (json_object_put).  `what` is the input's name.
 */
struct json_object *cvm_attest_result_json(const struct cvm_attest_result *res,
					   const char *what);

/*
 * Parse a reference time: "2025-06-01", "2025-06-01T12:00:00Z" (UTC;
 * also with a space or without the Z) or "@1700000000".
 */
int cvm_attest_parse_time(const char *text, time_t *out, struct cvm_err *err);

/* ---------------------------------------------------------------- */
/* AMD Key Distribution Service                                     */

/*
 * The KDS URL of the VCEK for `r` (VCEK spec, "KDS interface"):
 * https://kdsintf.amd.com/vcek/v1/<product>/<hwid>?blSPL=..&teeSPL=..
 * &snpSPL=..&ucodeSPL=.. (Turin: 8-byte hwID and fmcSPL first).
 * `f` UNKNOWN means "from the report's CPUID"; a v2 report needs `f`.
 * -CVM_E_USAGE when the generation is unknown, -CVM_E_UNSUPPORTED for
 * a VLEK-signed report (VLEKs come from the cloud provider).
 */
int cvm_attest_kds_url(const struct cvm_snp_report *r, enum cvm_snp_family f,
		       char *out, size_t n, struct cvm_err *err);
/* The certificate chain URL: .../vcek/v1/<product>/cert_chain. */
void cvm_attest_kds_chain_url(enum cvm_snp_family f, char *out, size_t n);
/*
 * The file name of the report's VCEK in a --cert-cache folder:
 * "vcek-<CHIP_ID hex>-<REPORTED_TCB as 16 hex digits>.der".
 */
void cvm_attest_cache_name(const struct cvm_snp_report *r, char *out, size_t n);

/* ---------------------------------------------------------------- */
/* Fetching a report inside a Linux SNP guest                       */

/*
 * The system calls the fetch path makes, so tests can feed canned
 * kernel replies.  Each returns >= 0 or -errno.  read_file reads a whole
 * file into a malloc'd buffer (*out, *len).
 */
struct cvm_attest_sys_ops {
	int (*exists)(void *opaque, const char *path); /* 1 yes, 0 no */
	int (*mkdir)(void *opaque, const char *path);
	int (*rmdir)(void *opaque, const char *path);
	int (*read_file)(void *opaque, const char *path, uint8_t **out,
			 size_t *len);
	int (*write_file)(void *opaque, const char *path, const void *p,
			  size_t len);
	int (*open)(void *opaque, const char *path); /* O_RDWR */
	int (*ioctl)(void *opaque, int fd, unsigned long req, void *arg);
	void (*close)(void *opaque, int fd);
	void *opaque;
};
/* The real Linux system calls. */
extern const struct cvm_attest_sys_ops cvm_attest_sys_linux;

enum cvm_attest_method {
	CVM_FETCH_AUTO,	 /* configfs-tsm, else /dev/sev-guest */
	CVM_FETCH_TSM,	 /* configfs-tsm only */
	CVM_FETCH_IOCTL, /* /dev/sev-guest only */
};

struct cvm_attest_fetch_opts {
	uint8_t report_data[64]; /* REPORT_DATA: the nonce, zero-padded */
	uint32_t vmpl;		 /* 0-3 */
	bool no_certs;		 /* skip the host's certificates */
	enum cvm_attest_method method;
	const char *tsm_dir; /* NULL: /sys/kernel/config/tsm/report */
	const char *dev;     /* NULL: /dev/sev-guest */
};

/* One certificate from the host's table (GHCB spec certificate table). */
struct cvm_attest_hostcert {
	uint8_t guid[16];
	const char *name; /* "vcek", "vlek", "ask", "ark", or NULL */
	uint8_t *data;	  /* malloc'd DER */
	size_t len;
};

#define CVM_ATTEST_MAX_HOSTCERTS 8

struct cvm_attest_fetched {
	uint8_t report[CVM_SNP_REPORT_SIZE];
	const char *method; /* "configfs-tsm" or "sev-guest ioctl" */
	struct cvm_attest_hostcert certs[CVM_ATTEST_MAX_HOSTCERTS];
	size_t ncerts;
};

/*
 * Ask the SNP firmware for a report.  Without SNP the error says what
 * is missing (no configfs-tsm provider, no /dev/sev-guest) with code
 * -CVM_E_HOST; a firmware or hypervisor error is -CVM_E_FIRMWARE.
 * Release `out` with cvm_attest_fetched_release().
 */
int cvm_attest_fetch(const struct cvm_attest_sys_ops *ops,
		     const struct cvm_attest_fetch_opts *opts,
		     struct cvm_attest_fetched *out, struct cvm_err *err);
void cvm_attest_fetched_release(struct cvm_attest_fetched *f);

/*
 * Parse a GHCB certificate table (entries {GUID, u32 offset, u32
 * length}, ended by an all-zero entry; offsets from the table start)
 * into `out` (at most `max`).  -CVM_E_PARSE for an entry outside the
 * blob or a missing terminator.
 */
int cvm_attest_cert_table_parse(const uint8_t *p, size_t len,
				struct cvm_attest_hostcert *out, size_t max,
				size_t *n, struct cvm_err *err);

#endif
