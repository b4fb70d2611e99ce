/* SPDX-License-Identifier: MIT */
/*
 * Internals of lib/attest shared between its files (and visible to the
 * unit tests): the parsed certificate, the context, the built-in roots.
 */
#ifndef CVM_ATTEST_PRIV_H
#define CVM_ATTEST_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cvm/attest.h"

/* A built-in AMD certificate (amd-roots.c). */
struct attest_builtin {
	enum cvm_snp_family family;
	enum cvm_cert_role role; /* ARK, ASK or ASVK */
	const char *cn;
	const char *sha256; /* hex of the DER */
	const char *pem;
};
extern const struct attest_builtin attest_builtins[];
extern const size_t attest_nbuiltins;

/* The outcome of one signature check, cached by the issuer's hash. */
struct attest_link {
	bool done;
	uint8_t parent_sha256[32];
	enum cvm_attest_check_status status;
	char detail[200];
};

/* VCEK/VLEK extensions (VCEK spec, OID arc 1.3.6.1.4.1.3704.1). */
struct attest_vek_ext {
	bool present;	 /* any AMD extension found */
	char error[160]; /* a malformed or duplicated extension */
	int struct_version;
	char product[32];
	bool has_spl[10]; /* index = last OID arc: 1 bl, 2 tee, 3 snp, 8 ucode,
			     9 fmc */
	uint8_t spl[10];
	uint8_t hwid[64];
	size_t hwid_len;
	const char *hwid_encoding;
	char csp_id[96];
};

struct attest_cert {
	X509 *x;
	uint8_t *der; /* the exact bytes it was parsed from */
	size_t der_len;
	uint8_t sha256[32];
	enum cvm_cert_role role;
	enum cvm_snp_family family; /* from the CN or the product name */
	char cn[64], issuer_cn[64];
	char source[160];
	time_t not_before, not_after;
	bool times_ok;
	bool is_builtin;
	struct attest_vek_ext ext;
	struct attest_link self;   /* ARK self-signature */
	struct attest_link parent; /* signature by the issuer */
	EVP_PKEY_CTX *ecdsa;	   /* VEK: cached verify context */
};

#define ATTEST_NBUILTIN_MAX 16

struct cvm_attest_ctx {
	struct attest_cert *vek, *ask, *ark; /* given for a role */
	struct attest_cert **pool;	     /* given as a bundle/folder */
	size_t npool, cap;
	struct attest_cert *builtin[ATTEST_NBUILTIN_MAX];
	char *cache_dir;
};

/* certs.c */
/*
 * Parse every certificate in `p` (DER, or PEM with one or more) into a
 * malloc'd array (*out, *n; free each with attest_cert_free, then the
 * array).  `label` names the source; a second and later certificate of a
 * bundle is "label#2"...  -CVM_E_PARSE if any is malformed or none found.
 */
int attest_certs_parse(const uint8_t *p, size_t len, const char *label,
		       struct attest_cert ***out, size_t *n,
		       struct cvm_err *err);
/* One DER certificate, all of `der` (no trailing bytes); NULL + err. */
struct attest_cert *attest_cert_from_der(const uint8_t *der, size_t len,
					 const char *label,
					 struct cvm_err *err);
void attest_cert_free(struct attest_cert *c);
void attest_pool_add(struct cvm_attest_ctx *ctx, struct attest_cert *c);
/* The built-in certificate of `role` for `f` (loaded and pin-checked
 * on first use), or NULL with a reason in err. */
struct attest_cert *attest_builtin_get(struct cvm_attest_ctx *ctx,
				       enum cvm_snp_family f,
				       enum cvm_cert_role role,
				       struct cvm_err *err);
/* True if `c` is byte-identical to the pinned built-in of its role. */
bool attest_cert_is_pinned(const struct attest_cert *c, enum cvm_snp_family f,
			   enum cvm_cert_role role);
void attest_certinfo_fill(const struct attest_cert *c,
			  struct cvm_attest_certinfo *out);
/* RFC 3339 UTC of `t` into out[24]. */
void attest_time_format(time_t t, char out[24]);

/* chain.c */
/* Verify `child` was signed by `parent` (RSA-PSS SHA-384, salt 48),
 * using and filling child->parent (or ->self when child == parent). */
const struct attest_link *attest_link_check(struct attest_cert *child,
					    struct attest_cert *parent);

/* verify.c: append a check to `res` (CVM_BUG if there are too many) */
struct cvm_attest_check *
attest_check_add(struct cvm_attest_result *res, const char *id,
		 enum cvm_attest_check_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * chain.c: select the intermediate and ARK for `vek` (family `f`) and
 * run the ark, ask, vek and validity checks into `res`.
 */
void attest_chain_verify(struct cvm_attest_ctx *ctx, struct attest_cert *vek,
			 enum cvm_snp_family f, time_t at,
			 struct cvm_attest_result *res);

/* expect.c: the Azure HCL binding and the caller's expectations */
void attest_check_hcl(struct cvm_attest_result *res,
		      const struct cvm_snp_hcl *hcl);
void attest_check_expect(struct cvm_attest_result *res,
			 const struct cvm_attest_expect *exp);

/* certs.c: the generation a VEK's productName names ("Milan-B0" ->
 * Milan), or UNKNOWN. */
enum cvm_snp_family attest_family_from_product(const char *product);

#endif
