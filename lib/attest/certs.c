/* SPDX-License-Identifier: MIT */
/*
 * Certificates for SNP verification: parse DER and PEM (bundles too),
 * classify each by subject CN and key usage (never by position or file
 * name), decode the VCEK/VLEK extensions (VCEK spec, OID arc
 * 1.3.6.1.4.1.3704.1), and manage the context that holds them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "attest-priv.h"
#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"

#define CERT_FILE_MAX (1u << 20)

enum cvm_snp_family
attest_family_from_product(const char *product)
{
	/* VCEK spec productName: "Milan-B0", "Genoa", "Turin" (a stepping
	 * suffix after '-' is allowed) */
	char base[32];
	size_t n = strcspn(product, "-");

	if (n >= sizeof(base))
		return CVM_SNP_FAMILY_UNKNOWN;
	memcpy(base, product, n);
	base[n] = '\0';
	return cvm_snp_family_parse(base);
}

void
attest_time_format(time_t t, char out[24])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 24, "?");
}

static int
asn1_small_int(const uint8_t *p, size_t len, int64_t *out)
{
	const unsigned char *q = p;
	ASN1_INTEGER *i = d2i_ASN1_INTEGER(NULL, &q, (long)len);
	int ok;

	if (!i)
		return -1;
	ok = q == p + len && ASN1_INTEGER_get_int64(out, i) == 1;
	ASN1_INTEGER_free(i);
	return ok ? 0 : -1;
}

static int
asn1_ia5(const uint8_t *p, size_t len, char *out, size_t n)
{
	const unsigned char *q = p;
	ASN1_IA5STRING *s = d2i_ASN1_IA5STRING(NULL, &q, (long)len);
	int l, ok;

	if (!s)
		return -1;
	l = ASN1_STRING_length(s);
	ok = q == p + len && l >= 0 && (size_t)l < n &&
	     !memchr(ASN1_STRING_get0_data(s), 0, (size_t)l);
	if (ok) {
		memcpy(out, ASN1_STRING_get0_data(s), (size_t)l);
		out[l] = '\0';
	}
	ASN1_IA5STRING_free(s);
	return ok ? 0 : -1;
}

/*
 * hwID (...3704.1.4): Milan and Genoa VCEKs carry the 64-byte chip ID
 * directly as the extension value, Turin VCEKs its first 8 bytes.  A
 * value wrapped once more in a DER OCTET STRING (04 len ...) is accepted
 * too.  64 or 8 bytes are taken as raw, so a raw ID that happens to
 * start with 04 40 is never misread.
 */
static int
ext_hwid(struct attest_vek_ext *e, const uint8_t *p, size_t len)
{
	if (len == 64 || len == 8) {
		memcpy(e->hwid, p, len);
		e->hwid_len = len;
		e->hwid_encoding = len == 64 ? "raw64" : "raw8";
		return 0;
	}
	if (len >= 2 && p[0] == 0x04 && p[1] == len - 2 &&
	    (len - 2 == 64 || len - 2 == 8)) {
		memcpy(e->hwid, p + 2, len - 2);
		e->hwid_len = len - 2;
		e->hwid_encoding = "der-octet-string";
		return 0;
	}
	return -1;
}

static int
ext_one(struct attest_vek_ext *e, const char *arc, const uint8_t *p, size_t len)
{
	int64_t v;

	if (strcmp(arc, "1") == 0) {
		if (asn1_small_int(p, len, &v) < 0 || v < 0 || v > 255)
			return -1;
		e->struct_version = (int)v;
		return 0;
	}
	if (strcmp(arc, "2") == 0)
		return asn1_ia5(p, len, e->product, sizeof(e->product));
	if (strcmp(arc, "4") == 0)
		return ext_hwid(e, p, len);
	if (strcmp(arc, "5") == 0)
		return asn1_ia5(p, len, e->csp_id, sizeof(e->csp_id));
	if (strncmp(arc, "3.", 2) == 0 && arc[2] >= '1' && arc[2] <= '9' &&
	    !arc[3]) {
		int k = arc[2] - '0';

		if (asn1_small_int(p, len, &v) < 0 || v < 0 || v > 255)
			return -1;
		e->has_spl[k] = true;
		e->spl[k] = (uint8_t)v;
		return 0;
	}
	return 1; /* an AMD extension we do not use */
}

static void
ext_parse(struct attest_cert *c)
{
	static const char base[] = "1.3.6.1.4.1.3704.1.";
	struct attest_vek_ext *e = &c->ext;
	char seen[16][64];
	size_t nseen = 0;

	for (int i = 0; i < X509_get_ext_count(c->x); i++) {
		X509_EXTENSION *x = X509_get_ext(c->x, i);
		ASN1_OCTET_STRING *d = X509_EXTENSION_get_data(x);
		char oid[80];
		const char *arc;

		if (OBJ_obj2txt(oid, sizeof(oid), X509_EXTENSION_get_object(x),
				1) <= 0 ||
		    strncmp(oid, base, sizeof(base) - 1) != 0)
			continue;
		arc = oid + sizeof(base) - 1;
		e->present = true;
		for (size_t k = 0; k < nseen; k++)
			if (strcmp(seen[k], arc) == 0) {
				snprintf(e->error, sizeof(e->error),
					 "extension %s appears twice", oid);
				return;
			}
		if (nseen < CVM_ARRAY_SIZE(seen))
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", arc);
		if (ext_one(e, arc, ASN1_STRING_get0_data(d),
			    (size_t)ASN1_STRING_length(d)) < 0) {
			snprintf(e->error, sizeof(e->error),
				 "extension %s is malformed", oid);
			return;
		}
	}
}

static void
classify(struct attest_cert *c)
{
	const char *cn = c->cn;
	bool ec = EVP_PKEY_get_base_id(X509_get0_pubkey(c->x)) == EVP_PKEY_EC;

	c->role = CVM_CERT_ROLE_OTHER;
	if (strcmp(cn, "SEV-VCEK") == 0 && ec) {
		c->role = CVM_CERT_ROLE_VCEK;
	} else if (strcmp(cn, "SEV-VLEK") == 0 && ec) {
		c->role = CVM_CERT_ROLE_VLEK;
	} else if (strncmp(cn, "ARK-", 4) == 0) {
		c->role = CVM_CERT_ROLE_ARK;
		c->family = cvm_snp_family_parse(cn + 4);
	} else if (strncmp(cn, "SEV-VLEK-", 9) == 0) {
		c->role = CVM_CERT_ROLE_ASVK;
		c->family = cvm_snp_family_parse(cn + 9);
	} else if (strncmp(cn, "SEV-", 4) == 0 &&
		   cvm_snp_family_parse(cn + 4) != CVM_SNP_FAMILY_UNKNOWN) {
		c->role = CVM_CERT_ROLE_ASK;
		c->family = cvm_snp_family_parse(cn + 4);
	}
	if (c->role == CVM_CERT_ROLE_VCEK || c->role == CVM_CERT_ROLE_VLEK) {
		const char *issuer = c->issuer_cn;

		ext_parse(c);
		c->family = attest_family_from_product(c->ext.product);
		/* no productName: the issuer, SEV-<gen> or SEV-VLEK-<gen> */
		if (!c->family && strncmp(issuer, "SEV-VLEK-", 9) == 0)
			c->family = cvm_snp_family_parse(issuer + 9);
		else if (!c->family && strncmp(issuer, "SEV-", 4) == 0)
			c->family = cvm_snp_family_parse(issuer + 4);
	}
}

static bool
cert_times(X509 *x, time_t *nb, time_t *na)
{
	struct tm a, b;

	if (ASN1_TIME_to_tm(X509_get0_notBefore(x), &a) != 1 ||
	    ASN1_TIME_to_tm(X509_get0_notAfter(x), &b) != 1)
		return false;
	*nb = timegm(&a);
	*na = timegm(&b);
	return true;
}

struct attest_cert *
attest_cert_from_der(const uint8_t *der, size_t len, const char *label,
		     struct cvm_err *err)
{
	struct attest_cert *c;
	const unsigned char *q = der;
	X509 *x = d2i_X509(NULL, &q, (long)len);

	if (!x || q != der + len) {
		X509_free(x);
		ERR_clear_error();
		cvm_err_set(err, -CVM_E_PARSE,
			    "'%s' holds a malformed X.509 certificate", label);
		return NULL;
	}
	c = cvm_xcalloc(1, sizeof(*c));
	c->x = x;
	c->der = cvm_xmalloc(len);
	memcpy(c->der, der, len);
	c->der_len = len;
	SHA256(der, len, c->sha256);
	snprintf(c->source, sizeof(c->source), "%s", label);
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
				      c->cn, (int)sizeof(c->cn)) < 0)
		c->cn[0] = '\0';
	if (X509_NAME_get_text_by_NID(X509_get_issuer_name(x), NID_commonName,
				      c->issuer_cn,
				      (int)sizeof(c->issuer_cn)) < 0)
		c->issuer_cn[0] = '\0';
	c->times_ok = cert_times(x, &c->not_before, &c->not_after);
	if (X509_get0_pubkey(x))
		classify(c);
	else
		c->role = CVM_CERT_ROLE_OTHER;
	ERR_clear_error();
	return c;
}

void
attest_cert_free(struct attest_cert *c)
{
	if (!c)
		return;
	EVP_PKEY_CTX_free(c->ecdsa);
	X509_free(c->x);
	free(c->der);
	free(c);
}

static void
list_add(struct attest_cert ***list, size_t *n, size_t *cap,
	 struct attest_cert *c)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*list = cvm_xrealloc(*list, *cap * sizeof(**list));
	}
	(*list)[(*n)++] = c;
}

static void
list_free(struct attest_cert **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		attest_cert_free(list[i]);
	free(list);
}

static int
parse_pem(const uint8_t *p, size_t len, const char *label,
	  struct attest_cert ***out, size_t *n, size_t *cap,
	  struct cvm_err *err)
{
	BIO *bio = BIO_new_mem_buf(p, (int)len);
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long dlen = 0;
	int r = 0;

	while (r == 0 && PEM_read_bio(bio, &name, &header, &data, &dlen)) {
		if (strcmp(name, "CERTIFICATE") == 0) {
			char sub[200];
			struct attest_cert *c;

			snprintf(sub, sizeof(sub), "%s#%zu", label, *n + 1);
			c = attest_cert_from_der(data, (size_t)dlen,
						 *n ? sub : label, err);
			if (c)
				list_add(out, n, cap, c);
			else
				r = -CVM_E_PARSE;
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
	}
	ERR_clear_error();
	BIO_free(bio);
	return r;
}

int
attest_certs_parse(const uint8_t *p, size_t len, const char *label,
		   struct attest_cert ***out, size_t *n, struct cvm_err *err)
{
	struct attest_cert **list = NULL;
	size_t cnt = 0, cap = 0;
	int r = 0;

	if (len > 0 && p[0] == 0x30) {
		struct attest_cert *c =
			attest_cert_from_der(p, len, label, err);

		if (!c)
			return -CVM_E_PARSE;
		list_add(&list, &cnt, &cap, c);
	} else {
		r = parse_pem(p, len, label, &list, &cnt, &cap, err);
	}
	if (r == 0 && cnt == 0)
		r = cvm_err_set(err, -CVM_E_PARSE,
				"'%s' holds no certificate (expected DER or "
				"PEM)",
				label);
	if (r < 0) {
		list_free(list, cnt);
		return r;
	}
	*out = list;
	*n = cnt;
	return 0;
}

struct cvm_attest_ctx *
cvm_attest_ctx_new(void)
{
	return cvm_xcalloc(1, sizeof(struct cvm_attest_ctx));
}

void
cvm_attest_ctx_free(struct cvm_attest_ctx *ctx)
{
	if (!ctx)
		return;
	attest_cert_free(ctx->vek);
	attest_cert_free(ctx->ask);
	attest_cert_free(ctx->ark);
	list_free(ctx->pool, ctx->npool);
	for (size_t i = 0; i < ATTEST_NBUILTIN_MAX; i++)
		attest_cert_free(ctx->builtin[i]);
	free(ctx->cache_dir);
	free(ctx);
}

void
attest_pool_add(struct cvm_attest_ctx *ctx, struct attest_cert *c)
{
	list_add(&ctx->pool, &ctx->npool, &ctx->cap, c);
}

int
cvm_attest_ctx_add_mem(struct cvm_attest_ctx *ctx, const uint8_t *p, size_t len,
		       enum cvm_cert_role role, const char *label,
		       struct cvm_err *err)
{
	struct attest_cert **list = NULL, **slot;
	size_t n = 0;
	int r = attest_certs_parse(p, len, label, &list, &n, err);

	if (r < 0)
		return r;
	if (role == CVM_CERT_ROLE_ANY) {
		for (size_t i = 0; i < n; i++)
			attest_pool_add(ctx, list[i]);
		free(list);
		return 0;
	}
	if (n != 1) {
		list_free(list, n);
		return cvm_err_set(err, -CVM_E_USAGE,
				   "'%s' holds %zu certificates; give one "
				   "certificate per role, or use --certs",
				   label, n);
	}
	if (role == CVM_CERT_ROLE_ARK)
		slot = &ctx->ark;
	else if (role == CVM_CERT_ROLE_ASK || role == CVM_CERT_ROLE_ASVK)
		slot = &ctx->ask;
	else
		slot = &ctx->vek;
	attest_cert_free(*slot);
	*slot = list[0];
	free(list);
	return 0;
}

int
cvm_attest_ctx_add_file(struct cvm_attest_ctx *ctx, const char *path,
			enum cvm_cert_role role, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	int r = cvm_file_read(path, &b, CERT_FILE_MAX, err);

	if (r < 0)
		return r;
	return cvm_attest_ctx_add_mem(ctx, (const uint8_t *)b.data, b.len, role,
				      path, err);
}

static bool
is_cert_name(const char *name)
{
	static const char *const exts[] = {".der", ".pem", ".crt", ".cer"};
	size_t l = strlen(name);

	for (size_t i = 0; i < CVM_ARRAY_SIZE(exts); i++)
		if (l > 4 && strcasecmp(name + l - 4, exts[i]) == 0)
			return true;
	return false;
}

int
cvm_attest_ctx_add_certs(struct cvm_attest_ctx *ctx, const char *path,
			 struct cvm_err *err)
{
	struct dirent **names = NULL;
	struct stat st;
	int n, r = 0;

	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		return cvm_attest_ctx_add_file(ctx, path, CVM_CERT_ROLE_ANY,
					       err);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return cvm_err_set(err, -errno, "cannot read '%s': %s", path,
				   strerror(errno));
	for (int i = 0; i < n; i++) {
		if (r == 0 && is_cert_name(names[i]->d_name)) {
			cleanup_free char *f =
				cvm_xasprintf("%s/%s", path, names[i]->d_name);

			r = cvm_attest_ctx_add_file(ctx, f, CVM_CERT_ROLE_ANY,
						    err);
		}
		free(names[i]);
	}
	free(names);
	return r;
}

void
cvm_attest_ctx_set_cache(struct cvm_attest_ctx *ctx, const char *dir)
{
	free(ctx->cache_dir);
	ctx->cache_dir = dir ? cvm_xstrdup(dir) : NULL;
}

static const struct attest_builtin *
builtin_find(enum cvm_snp_family f, enum cvm_cert_role role, size_t *idx)
{
	for (size_t i = 0; i < attest_nbuiltins; i++)
		if (attest_builtins[i].family == f &&
		    attest_builtins[i].role == role) {
			*idx = i;
			return &attest_builtins[i];
		}
	return NULL;
}

bool
attest_cert_is_pinned(const struct attest_cert *c, enum cvm_snp_family f,
		      enum cvm_cert_role role)
{
	const struct attest_builtin *b;
	uint8_t pin[32];
	size_t idx;

	b = builtin_find(f, role, &idx);
	return b && cvm_hex_decode(b->sha256, pin, sizeof(pin), NULL) == 0 &&
	       memcmp(pin, c->sha256, sizeof(pin)) == 0;
}

struct attest_cert *
attest_builtin_get(struct cvm_attest_ctx *ctx, enum cvm_snp_family f,
		   enum cvm_cert_role role, struct cvm_err *err)
{
	const struct attest_builtin *b;
	struct attest_cert **list = NULL;
	size_t idx, n = 0;

	b = builtin_find(f, role, &idx);
	if (!b || idx >= ATTEST_NBUILTIN_MAX) {
		cvm_err_set(err, -CVM_E_UNSUPPORTED,
			    "no built-in %s certificate for %s",
			    cvm_cert_role_name(role), cvm_snp_family_name(f));
		return NULL;
	}
	if (ctx->builtin[idx])
		return ctx->builtin[idx];
	if (attest_certs_parse((const uint8_t *)b->pem, strlen(b->pem),
			       "built-in", &list, &n, err) < 0)
		return NULL;
	if (n != 1 || !attest_cert_is_pinned(list[0], f, role) ||
	    strcmp(list[0]->cn, b->cn) != 0) {
		list_free(list, n);
		cvm_err_set(err, -CVM_E_INVALID,
			    "built-in %s does not match its pinned SHA-256",
			    b->cn);
		return NULL;
	}
	list[0]->is_builtin = true;
	ctx->builtin[idx] = list[0];
	free(list);
	return ctx->builtin[idx];
}

const char *
cvm_cert_role_name(enum cvm_cert_role r)
{
	static const char *const names[] = {
		[CVM_CERT_ROLE_ANY] = "certificate",
		[CVM_CERT_ROLE_ARK] = "ARK",
		[CVM_CERT_ROLE_ASK] = "ASK",
		[CVM_CERT_ROLE_ASVK] = "ASVK",
		[CVM_CERT_ROLE_VEK] = "VEK",
		[CVM_CERT_ROLE_VCEK] = "VCEK",
		[CVM_CERT_ROLE_VLEK] = "VLEK",
		[CVM_CERT_ROLE_OTHER] = "other",
	};

	return (unsigned)r < CVM_ARRAY_SIZE(names) ? names[r] : "?";
}

void
attest_certinfo_fill(const struct attest_cert *c,
		     struct cvm_attest_certinfo *out)
{
	const struct attest_vek_ext *e = &c->ext;

	memset(out, 0, sizeof(*out));
	out->role = c->role;
	snprintf(out->subject_cn, sizeof(out->subject_cn), "%s", c->cn);
	snprintf(out->issuer_cn, sizeof(out->issuer_cn), "%s", c->issuer_cn);
	snprintf(out->source, sizeof(out->source), "%s", c->source);
	if (c->times_ok) {
		attest_time_format(c->not_before, out->not_before);
		attest_time_format(c->not_after, out->not_after);
	}
	cvm_hex_encode(c->sha256, 32, out->sha256);
	if (!e->present)
		return;
	out->has_ext = true;
	snprintf(out->product, sizeof(out->product), "%s", e->product);
	out->tcb.has_fmc = e->has_spl[9];
	out->tcb.fmc = e->spl[9];
	out->tcb.bl = e->spl[1];
	out->tcb.tee = e->spl[2];
	out->tcb.snp = e->spl[3];
	out->tcb.ucode = e->spl[8];
	memcpy(out->hwid, e->hwid, e->hwid_len);
	out->hwid_len = e->hwid_len;
	out->hwid_encoding = e->hwid_encoding;
	snprintf(out->csp_id, sizeof(out->csp_id), "%s", e->csp_id);
}
