/* SPDX-License-Identifier: MIT */
/*
 * SEV-SNP ATTESTATION_REPORT decoding (SNP ABI, table "ATTESTATION_REPORT
 * Structure"), TCB_VERSION layouts, processor generations, and the
 * containers reports come in (raw, Azure HCL, hex, base64).  Untrusted
 * bytes are decoded with bounds-checked little-endian loads only.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "attest-priv.h"
#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"

/* SNP ABI ATTESTATION_REPORT field offsets. */
enum {
	R_VERSION = 0x00,
	R_GUEST_SVN = 0x04,
	R_POLICY = 0x08,
	R_FAMILY_ID = 0x10,
	R_IMAGE_ID = 0x20,
	R_VMPL = 0x30,
	R_SIG_ALGO = 0x34,
	R_CURRENT_TCB = 0x38,
	R_PLATFORM_INFO = 0x40,
	R_FLAGS = 0x48, /* bit 0 AUTHOR_KEY_EN, 1 MASK_CHIP_KEY, 4:2 SIGNING_KEY
			 */
	R_REPORT_DATA = 0x50,
	R_MEASUREMENT = 0x90,
	R_HOST_DATA = 0xC0,
	R_ID_KEY_DIGEST = 0xE0,
	R_AUTHOR_KEY_DIGEST = 0x110,
	R_REPORT_ID = 0x140,
	R_REPORT_ID_MA = 0x160,
	R_REPORTED_TCB = 0x180,
	R_CPUID_FAM = 0x188, /* v3+: CPUID_FAM_ID, CPUID_MOD_ID, CPUID_STEP */
	R_CHIP_ID = 0x1A0,
	R_COMMITTED_TCB = 0x1E0,
	R_CURRENT_BUILD = 0x1E8, /* then CURRENT_MINOR, CURRENT_MAJOR */
	R_COMMITTED_BUILD = 0x1EC,
	R_LAUNCH_TCB = 0x1F0,
	R_LAUNCH_MIT = 0x1F8, /* v5+ */
	R_CURRENT_MIT = 0x200,
	R_SIG_R = 0x2A0, /* 72 bytes, little-endian */
	R_SIG_S = 0x2E8,
	R_SIG_END = 0x330,
};
_Static_assert(R_SIG_R == CVM_SNP_SIGNED_SIZE, "signature follows signed area");
_Static_assert(R_SIG_S + 72 == R_SIG_END, "r and s are 72 bytes each");

const char *
cvm_snp_family_name(enum cvm_snp_family f)
{
	switch (f) {
	case CVM_SNP_MILAN:
		return "Milan";
	case CVM_SNP_GENOA:
		return "Genoa";
	case CVM_SNP_TURIN:
		return "Turin";
	default:
		return "unknown";
	}
}

enum cvm_snp_family
cvm_snp_family_parse(const char *name)
{
	static const enum cvm_snp_family all[] = {CVM_SNP_MILAN, CVM_SNP_GENOA,
						  CVM_SNP_TURIN};

	for (size_t i = 0; i < CVM_ARRAY_SIZE(all); i++)
		if (strcasecmp(name, cvm_snp_family_name(all[i])) == 0)
			return all[i];
	return CVM_SNP_FAMILY_UNKNOWN;
}

enum cvm_snp_family
cvm_snp_family_from_cpuid(uint8_t family, uint8_t model)
{
	/* AMD pub. 25481 / 57230 (KDS product names per family and model) */
	if (family == 0x19 && model <= 0x0F)
		return CVM_SNP_MILAN;
	if (family == 0x19 && ((model >= 0x10 && model <= 0x1F) ||
			       (model >= 0xA0 && model <= 0xAF)))
		return CVM_SNP_GENOA;
	if (family == 0x1A && model <= 0x1F)
		return CVM_SNP_TURIN;
	return CVM_SNP_FAMILY_UNKNOWN;
}

void
cvm_snp_tcb_decode(uint64_t raw, enum cvm_snp_family f, struct cvm_snp_tcb *out)
{
	uint8_t b[8];

	cvm_put_le64(b, raw);
	memset(out, 0, sizeof(*out));
	out->raw = raw;
	if (f == CVM_SNP_TURIN) {
		/* SNP ABI TCB_VERSION, Turin: FMC, BL, TEE, SNP, rsvd x3, UCODE
		 */
		out->has_fmc = true;
		out->fmc = b[0];
		out->bl = b[1];
		out->tee = b[2];
		out->snp = b[3];
	} else {
		/* Milan/Genoa: BL, TEE, rsvd x4, SNP, UCODE */
		out->bl = b[0];
		out->tee = b[1];
		out->snp = b[6];
	}
	out->ucode = b[7];
}

static uint64_t
tcb_encode(const struct cvm_snp_tcb *t)
{
	uint8_t b[8] = {0};

	if (t->has_fmc) {
		b[0] = t->fmc;
		b[1] = t->bl;
		b[2] = t->tee;
		b[3] = t->snp;
	} else {
		b[0] = t->bl;
		b[1] = t->tee;
		b[6] = t->snp;
	}
	b[7] = t->ucode;
	return cvm_le64(b);
}

void
cvm_snp_tcb_format(const struct cvm_snp_tcb *t, char *out, size_t n)
{
	if (t->has_fmc)
		snprintf(out, n, "fmc=%u bl=%u tee=%u snp=%u ucode=%u", t->fmc,
			 t->bl, t->tee, t->snp, t->ucode);
	else
		snprintf(out, n, "bl=%u tee=%u snp=%u ucode=%u", t->bl, t->tee,
			 t->snp, t->ucode);
}

static int
tcb_parse_component(struct cvm_snp_tcb *t, const char *item, const char *all,
		    struct cvm_err *err)
{
	static const char *const names[] = {"fmc", "bl", "tee", "snp", "ucode"};
	const char *eq = strchr(item, '=');
	uint8_t *slot[] = {&t->fmc, &t->bl, &t->tee, &t->snp, &t->ucode};
	uint64_t v;

	if (!eq)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "bad TCB '%s': '%s' is not NAME=VALUE", all,
				   item);
	for (size_t i = 0; i < CVM_ARRAY_SIZE(names); i++) {
		if (strlen(names[i]) != (size_t)(eq - item) ||
		    strncmp(item, names[i], (size_t)(eq - item)) != 0)
			continue;
		if (cvm_parse_u64(eq + 1, &v) < 0 || v > 255)
			return cvm_err_set(err, -CVM_E_USAGE,
					   "bad TCB '%s': '%s' is not 0-255",
					   all, eq + 1);
		*slot[i] = (uint8_t)v;
		if (i == 0)
			t->has_fmc = true;
		return 0;
	}
	return cvm_err_set(err, -CVM_E_USAGE,
			   "bad TCB '%s': unknown component '%.*s' (use fmc, "
			   "bl, tee, snp, ucode)",
			   all, (int)(eq - item), item);
}

int
cvm_snp_tcb_parse(const char *text, enum cvm_snp_family f,
		  struct cvm_snp_tcb *out, struct cvm_err *err)
{
	cleanup_free char *copy = NULL;
	char *save = NULL, *item;
	uint64_t raw;
	int r;

	if (!strchr(text, '=')) {
		if (cvm_parse_u64(text, &raw) < 0)
			return cvm_err_set(err, -CVM_E_USAGE,
					   "bad TCB '%s': expected bl=N,tee=N,"
					   "snp=N,ucode=N or a 64-bit value",
					   text);
		cvm_snp_tcb_decode(raw, f, out);
		return 0;
	}
	memset(out, 0, sizeof(*out));
	copy = cvm_xstrdup(text);
	for (item = strtok_r(copy, ", ", &save); item;
	     item = strtok_r(NULL, ", ", &save)) {
		r = tcb_parse_component(out, item, text, err);
		if (r < 0)
			return r;
	}
	if (f == CVM_SNP_TURIN)
		out->has_fmc = true;
	out->raw = tcb_encode(out);
	return 0;
}

void
cvm_snp_platform_info_format(uint64_t v, char *out, size_t n)
{
	/* SNP ABI ATTESTATION_REPORT PLATFORM_INFO bits 0-5 */
	static const char *const names[] = {
		"SMT_EN",
		"TSME_EN",
		"ECC_EN",
		"RAPL_DIS",
		"CIPHERTEXT_HIDING_EN",
		"ALIAS_CHECK_COMPLETE",
	};
	size_t used = 0;

	out[0] = '\0';
	for (unsigned bit = 0; bit < 64; bit++) {
		char name[32];
		int w;

		if (!(v & (1ull << bit)))
			continue;
		if (bit < CVM_ARRAY_SIZE(names))
			snprintf(name, sizeof(name), "%s", names[bit]);
		else
			snprintf(name, sizeof(name), "BIT%u", bit);
		w = snprintf(out + used, n - used, "%s%s", used ? "," : "",
			     name);
		if (w < 0 || (size_t)w >= n - used)
			return;
		used += (size_t)w;
	}
}

static void
note_reserved(struct cvm_snp_report *r, const uint8_t *p, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++) {
		if (!p[i])
			continue;
		if (r->n_nonzero_reserved < CVM_ARRAY_SIZE(r->nonzero_reserved))
			snprintf(r->nonzero_reserved[r->n_nonzero_reserved++],
				 sizeof(r->nonzero_reserved[0]), "0x%zx-0x%zx",
				 lo, hi - 1);
		return;
	}
}

static void
parse_reserved(struct cvm_snp_report *r, const uint8_t *p)
{
	note_reserved(r, p, 0x4C, 0x50);
	note_reserved(r, p, r->has_cpuid ? 0x18B : 0x188, 0x1A0);
	note_reserved(r, p, 0x1EB, 0x1EC);
	note_reserved(r, p, 0x1EF, 0x1F0);
	note_reserved(r, p, r->has_mit ? 0x208 : 0x1F8, CVM_SNP_SIGNED_SIZE);
}

int
cvm_snp_report_parse(const uint8_t *p, size_t len, struct cvm_snp_report *out,
		     struct cvm_err *err)
{
	uint32_t flags;

	memset(out, 0, sizeof(*out));
	if (len != CVM_SNP_REPORT_SIZE)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "an SNP report is %d bytes, not %zu",
				   CVM_SNP_REPORT_SIZE, len);
	memcpy(out->raw, p, len);
	out->version = cvm_le32(p + R_VERSION);
	if (out->version < 2)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "report version %u is not supported (2 or "
				   "later)",
				   out->version);
	out->guest_svn = cvm_le32(p + R_GUEST_SVN);
	out->policy = cvm_le64(p + R_POLICY);
	memcpy(out->family_id, p + R_FAMILY_ID, 16);
	memcpy(out->image_id, p + R_IMAGE_ID, 16);
	out->vmpl = cvm_le32(p + R_VMPL);
	out->sig_algo = cvm_le32(p + R_SIG_ALGO);
	out->current_tcb = cvm_le64(p + R_CURRENT_TCB);
	out->platform_info = cvm_le64(p + R_PLATFORM_INFO);
	flags = cvm_le32(p + R_FLAGS);
	out->author_key_en = flags & 1;
	out->mask_chip_key = (flags >> 1) & 1;
	out->signing_key = (flags >> 2) & 7;
	memcpy(out->report_data, p + R_REPORT_DATA, 64);
	memcpy(out->measurement, p + R_MEASUREMENT, 48);
	memcpy(out->host_data, p + R_HOST_DATA, 32);
	memcpy(out->id_key_digest, p + R_ID_KEY_DIGEST, 48);
	memcpy(out->author_key_digest, p + R_AUTHOR_KEY_DIGEST, 48);
	memcpy(out->report_id, p + R_REPORT_ID, 32);
	memcpy(out->report_id_ma, p + R_REPORT_ID_MA, 32);
	out->reported_tcb = cvm_le64(p + R_REPORTED_TCB);
	out->has_cpuid = out->version >= 3;
	if (out->has_cpuid) {
		out->cpuid_fam = p[R_CPUID_FAM];
		out->cpuid_mod = p[R_CPUID_FAM + 1];
		out->cpuid_step = p[R_CPUID_FAM + 2];
	}
	memcpy(out->chip_id, p + R_CHIP_ID, 64);
	out->committed_tcb = cvm_le64(p + R_COMMITTED_TCB);
	out->current_build = p[R_CURRENT_BUILD];
	out->current_minor = p[R_CURRENT_BUILD + 1];
	out->current_major = p[R_CURRENT_BUILD + 2];
	out->committed_build = p[R_COMMITTED_BUILD];
	out->committed_minor = p[R_COMMITTED_BUILD + 1];
	out->committed_major = p[R_COMMITTED_BUILD + 2];
	out->launch_tcb = cvm_le64(p + R_LAUNCH_TCB);
	out->has_mit = out->version >= 5;
	if (out->has_mit) {
		out->launch_mit_vector = cvm_le64(p + R_LAUNCH_MIT);
		out->current_mit_vector = cvm_le64(p + R_CURRENT_MIT);
	}
	memcpy(out->sig_r, p + R_SIG_R, 72);
	memcpy(out->sig_s, p + R_SIG_S, 72);
	parse_reserved(out, p);
	return 0;
}

const char *
cvm_snp_format_name(enum cvm_snp_format f)
{
	static const char *const names[] = {
		[CVM_SNP_FMT_RAW] = "raw",
		[CVM_SNP_FMT_HCL] = "azure-hcl",
		[CVM_SNP_FMT_HEX] = "hex",
		[CVM_SNP_FMT_BASE64] = "base64",
	};

	return (unsigned)f < CVM_ARRAY_SIZE(names) ? names[f] : "?";
}

/*
 * Azure vTPM HCL report: a 0x20-byte header ("HCLA", version, size,
 * request type 2 = SNP, ...), the SNP report at 0x20, then the IGVM
 * request data at 0x4C0: u32 data_size, u32 version, u32 report_type,
 * u32 user_data_hash_type, u32 variable_data_size, variable data (JSON)
 * whose hash REPORT_DATA carries.
 */
enum { HCL_REPORT = 0x20, HCL_RUNTIME = 0x4C0, HCL_VAR = 0x4D4 };

static int
hcl_load(const uint8_t *p, size_t len, const char *what,
	 struct cvm_snp_evidence *ev, struct cvm_err *err)
{
	uint32_t data_size, var_size;
	int r;

	if (len < HCL_VAR)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s' is an HCL report but too short (%zu "
				   "bytes)",
				   what, len);
	r = cvm_snp_report_parse(p + HCL_REPORT, CVM_SNP_REPORT_SIZE,
				 &ev->report, err);
	if (r < 0)
		return cvm_err_prefix(err, "'%s' (HCL report)", what);
	data_size = cvm_le32(p + HCL_RUNTIME);
	var_size = cvm_le32(p + HCL_RUNTIME + 16);
	if (cvm_le32(p + HCL_RUNTIME + 4) != 1 ||
	    (uint64_t)var_size + 20 != data_size ||
	    (uint64_t)HCL_RUNTIME + data_size > len)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s': malformed HCL runtime data (size %u, "
				   "variable data %u, file %zu bytes)",
				   what, data_size, var_size, len);
	ev->format = CVM_SNP_FMT_HCL;
	ev->hcl.present = true;
	ev->hcl.report_type = cvm_le32(p + HCL_RUNTIME + 8);
	ev->hcl.hash_type = cvm_le32(p + HCL_RUNTIME + 12);
	ev->hcl.var_len = var_size;
	ev->hcl.var_data = cvm_xmalloc(var_size ? var_size : 1);
	memcpy(ev->hcl.var_data, p + HCL_VAR, var_size);
	return 0;
}

static int
load_binary(const uint8_t *p, size_t len, const char *what,
	    struct cvm_snp_evidence *ev, struct cvm_err *err)
{
	int r;

	if (len >= 4 && memcmp(p, "HCLA", 4) == 0)
		return hcl_load(p, len, what, ev, err);
	if (len == CVM_SNP_REPORT_SIZE) {
		r = cvm_snp_report_parse(p, len, &ev->report, err);
		if (r < 0)
			return cvm_err_prefix(err, "'%s'", what);
		ev->format = CVM_SNP_FMT_RAW;
		return 0;
	}
	return cvm_err_set(err, -CVM_E_PARSE,
			   "'%s' is not an SNP report: %zu bytes (expected "
			   "%d, an Azure HCL report, or hex/base64 text)",
			   what, len, CVM_SNP_REPORT_SIZE);
}

/* Text made only of characters from `set` and white space. */
static bool
is_text_of(const uint8_t *p, size_t len, const char *set)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isspace(p[i]) && (!p[i] || !strchr(set, p[i])))
			return false;
	return true;
}

static int
decode_text(const uint8_t *p, size_t len, bool hex, struct cvm_buf *out)
{
	cleanup_free char *clean = cvm_xmalloc(len + 1);
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (!isspace(p[i]))
			clean[n++] = (char)p[i];
	clean[n] = '\0';
	cvm_buf_truncate(out, 0);
	if (hex) {
		size_t got = 0;

		cvm_buf_grow(out, n / 2 + 1);
		if (cvm_hex_decode_var(clean, (uint8_t *)out->data, n / 2 + 1,
				       &got, NULL) < 0)
			return -EINVAL;
		out->len = got;
		return 0;
	}
	return cvm_base64_decode(clean, out, NULL);
}

int
cvm_snp_evidence_load(const uint8_t *p, size_t len, const char *what,
		      struct cvm_snp_evidence *out, struct cvm_err *err)
{
	static const char hexset[] = "0123456789abcdefABCDEF";
	static const char b64set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				     "opqrstuvwxyz0123456789+/=";
	cleanup_buf struct cvm_buf dec = CVM_BUF_INIT;
	enum cvm_snp_format textfmt;
	int r;

	memset(out, 0, sizeof(*out));
	if (len >= 4 && memcmp(p, "HCLA", 4) == 0)
		return load_binary(p, len, what, out, err);
	if (len == CVM_SNP_REPORT_SIZE && !is_text_of(p, len, b64set))
		return load_binary(p, len, what, out, err);
	if (is_text_of(p, len, hexset) && decode_text(p, len, true, &dec) == 0)
		textfmt = CVM_SNP_FMT_HEX;
	else if (is_text_of(p, len, b64set) &&
		 decode_text(p, len, false, &dec) == 0)
		textfmt = CVM_SNP_FMT_BASE64;
	else
		return load_binary(p, len, what, out, err);
	r = load_binary((const uint8_t *)dec.data, dec.len, what, out, err);
	if (r < 0)
		return r;
	out->hcl_inner = out->format == CVM_SNP_FMT_HCL;
	out->format = textfmt;
	return 0;
}

void
cvm_snp_evidence_release(struct cvm_snp_evidence *ev)
{
	free(ev->hcl.var_data);
	ev->hcl.var_data = NULL;
	ev->hcl.present = false;
}
