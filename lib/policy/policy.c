/* SPDX-License-Identifier: MIT */
/*
 * Guest policy values: parsing (hex or decimal, nothing else) and
 * building with safe defaults.  Bit layouts: SEV API spec 55766 ch. 3
 * (32 bits), SNP firmware ABI spec 56860 "Guest Policy" (64 bits);
 * defaults from launch-and-host.md §2.  Explanation is in explain.c.
 */
#include <ctype.h>
#include <string.h>

#include "cvm/policy.h"
#include "policy-priv.h"

const char *
cvm_policy_kind_name(enum cvm_policy_kind kind)
{
	return kind == CVM_POLICY_SNP ? "snp" : "sev";
}

const char *
cvm_note_level_name(enum cvm_note_level level)
{
	static const char *const names[] = {"info", "warning", "error"};

	return (unsigned)level < 3 ? names[level] : "?";
}

static int
bad(struct cvm_err *err, const char *text, const char *why)
{
	return cvm_err_set(err, -CVM_E_USAGE, "'%s' is not a policy value: %s",
			   text, why);
}

/* Digits of `s` in `base`, accumulated with overflow detection. */
static int
digits(const char *text, const char *s, unsigned base, uint64_t *out,
       struct cvm_err *err)
{
	uint64_t v = 0;

	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		unsigned d;

		if (isspace(c))
			return bad(err, text, "it contains white space");
		if (base == 16 && isxdigit(c))
			d = (unsigned)(isdigit(c) ? c - '0'
						  : tolower(c) - 'a' + 10);
		else if (base == 10 && isdigit(c))
			d = c - '0';
		else if (base == 10 && isxdigit(c))
			return bad(err, text, "hex digits need the 0x prefix");
		else
			return cvm_err_set(err, -CVM_E_USAGE,
					   "'%s' is not a policy value: '%c' "
					   "is not a %s digit",
					   text, isprint(c) ? c : '?',
					   base == 16 ? "hex" : "decimal");
		if (v > (UINT64_MAX - d) / base)
			return cvm_err_set(err, -CVM_E_USAGE,
					   "'%s' is too large: policies are at "
					   "most 64 bits",
					   text);
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int
cvm_policy_parse(const char *text, enum cvm_policy_kind kind, uint64_t *out,
		 struct cvm_err *err)
{
	uint64_t v = 0;
	int r;

	if (!text || !*text)
		return bad(err, text ? text : "",
			   "it is empty (give hex like 0x30000 or decimal)");
	if (text[0] == '-' || text[0] == '+')
		return bad(err, text, "it has a sign");
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		if (!text[2])
			return bad(err, text, "no digits after 0x");
		r = digits(text, text + 2, 16, &v, err);
	} else if (text[0] == '0' && text[1]) {
		/* 010 would be 8 to C and 10 to us: refuse to guess */
		return bad(err, text,
			   "a leading zero is ambiguous (octal?); write hex "
			   "as 0x...");
	} else {
		r = digits(text, text, 10, &v, err);
	}
	if (r < 0)
		return r;
	if (kind == CVM_POLICY_SEV && v > UINT32_MAX)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "'%s' is too large for an SEV policy (32 "
				   "bits; SNP policies take --snp)",
				   text);
	*out = v;
	return 0;
}

static int
wrong_level(struct cvm_err *err, const char *opt, const char *levels)
{
	return cvm_err_set(err, -CVM_E_USAGE, "%s applies to %s only", opt,
			   levels);
}

static int
make_sev(const struct cvm_policy_opts *o, uint64_t *out, struct cvm_err *err)
{
	uint64_t v = SEV_NODBG | SEV_NOKS;

	if (o->no_smt)
		return wrong_level(err, "--no-smt", "sev-snp");
	if (o->single_socket)
		return wrong_level(err, "--single-socket", "sev-snp");
	if (o->cxl_allow || o->aes_256_xts || o->rapl_dis ||
	    o->ciphertext_hiding || o->page_swap_disable)
		return wrong_level(err, "that SNP option", "sev-snp");
	if (o->allow_debug)
		v &= ~(uint64_t)SEV_NODBG;
	if (o->allow_key_sharing)
		v &= ~(uint64_t)SEV_NOKS;
	if (o->no_send)
		v |= SEV_NOSEND;
	if (o->level == CVM_PROT_SEV_ES)
		v |= SEV_ES;
	v |= (uint64_t)o->api_major << SEV_API_MAJOR_SHIFT;
	v |= (uint64_t)o->api_minor << SEV_API_MINOR_SHIFT;
	*out = v;
	return 0;
}

static int
make_snp(const struct cvm_policy_opts *o, uint64_t *out, struct cvm_err *err)
{
	uint64_t v = SNP_SMT | SNP_RSVD_MBO;

	if (o->allow_key_sharing)
		return wrong_level(err, "--allow-key-sharing",
				   "sev and sev-es");
	if (o->no_send)
		return wrong_level(err, "--no-send", "sev and sev-es");
	if (o->no_smt)
		v &= ~(uint64_t)SNP_SMT;
	if (o->allow_debug)
		v |= SNP_DEBUG;
	if (o->single_socket)
		v |= SNP_SINGLE_SOCKET;
	if (o->cxl_allow)
		v |= SNP_CXL_ALLOW;
	if (o->aes_256_xts)
		v |= SNP_MEM_AES_256_XTS;
	if (o->rapl_dis)
		v |= SNP_RAPL_DIS;
	if (o->ciphertext_hiding)
		v |= SNP_CIPHERTEXT_HIDING;
	if (o->page_swap_disable)
		v |= SNP_PAGE_SWAP_DISABLE;
	v |= (uint64_t)o->api_major << SNP_ABI_MAJOR_SHIFT;
	v |= o->api_minor;
	*out = v;
	return 0;
}

int
cvm_policy_make(const struct cvm_policy_opts *opts, uint64_t *out,
		struct cvm_err *err)
{
	switch (opts->level) {
	case CVM_PROT_SEV:
	case CVM_PROT_SEV_ES:
		return make_sev(opts, out, err);
	case CVM_PROT_SEV_SNP:
		return make_snp(opts, out, err);
	default:
		return cvm_err_set(err, -CVM_E_USAGE,
				   "level '%s' has no guest policy: use sev, "
				   "sev-es or sev-snp",
				   cvm_protection_name(opts->level));
	}
}
