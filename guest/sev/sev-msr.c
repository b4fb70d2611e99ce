/* SPDX-License-Identifier: MIT */
/*
 * GHCB MSR protocol encodings (GHCB spec 56421 §2.3.1): see sev-msr.h.
 * Every decoder first checks the response function code in bits 11:0:
 * a hypervisor answering a different request is a protocol error.
 */
#include "sev-msr.h"

#define GHCB_DATA(v) ((v) >> 12)

static int
resp_check(uint64_t v, unsigned code)
{
	return (v & SEV_MSR_INFO_MASK) == code ? 0 : SEV_E_PROTOCOL;
}

uint64_t
sev_msr_sev_info_req(void)
{
	return SEV_MSR_SEV_INFO_REQ;
}

int
sev_msr_sev_info_decode(uint64_t v, struct sev_msr_info *info)
{
	if (resp_check(v, SEV_MSR_SEV_INFO_RESP))
		return SEV_E_PROTOCOL;
	/* GHCBData[63:48] max, [47:32] min, [31:24] C-bit */
	info->max = (unsigned)(v >> 48) & 0xffff;
	info->min = (unsigned)(v >> 32) & 0xffff;
	info->cbit = (unsigned)(v >> 24) & 0xff;
	return 0;
}

int
sev_msr_negotiate(const struct sev_msr_info *info, unsigned *version)
{
	if (info->min > info->max || info->max < SEV_GHCB_PROTOCOL_MIN ||
	    info->min > SEV_GHCB_PROTOCOL_MAX)
		return SEV_E_UNSUPPORTED;
	*version = info->max < SEV_GHCB_PROTOCOL_MAX ? info->max
						     : SEV_GHCB_PROTOCOL_MAX;
	return 0;
}

uint64_t
sev_msr_cpuid_req(uint32_t leaf, enum sev_msr_cpuid_reg reg)
{
	/* [63:32] function, [31:30] register, [11:0] 0x004 */
	return (uint64_t)leaf << 32 | ((uint64_t)reg & 3) << 30 |
	       SEV_MSR_CPUID_REQ;
}

int
sev_msr_cpuid_decode(uint64_t v, uint32_t *value)
{
	if (resp_check(v, SEV_MSR_CPUID_RESP))
		return SEV_E_PROTOCOL;
	*value = (uint32_t)(v >> 32);
	return 0;
}

uint64_t
sev_msr_ap_reset_hold_req(void)
{
	return SEV_MSR_AP_RESET_HOLD_REQ;
}

int
sev_msr_ap_reset_hold_decode(uint64_t v, bool *woken)
{
	if (resp_check(v, SEV_MSR_AP_RESET_HOLD_RESP))
		return SEV_E_PROTOCOL;
	*woken = GHCB_DATA(v) != 0;
	return 0;
}

uint64_t
sev_msr_pref_gpa_req(void)
{
	return SEV_MSR_PREF_GPA_REQ;
}

int
sev_msr_pref_gpa_decode(uint64_t v, uint64_t *gfn)
{
	if (resp_check(v, SEV_MSR_PREF_GPA_RESP))
		return SEV_E_PROTOCOL;
	*gfn = GHCB_DATA(v);
	return 0;
}

uint64_t
sev_msr_reg_gpa_req(uint64_t gfn)
{
	return (gfn & 0xfffffffffffffull) << 12 | SEV_MSR_REG_GPA_REQ;
}

int
sev_msr_reg_gpa_decode(uint64_t v, uint64_t gfn)
{
	if (resp_check(v, SEV_MSR_REG_GPA_RESP))
		return SEV_E_PROTOCOL;
	/* a different GFN in the answer means the registration failed */
	return GHCB_DATA(v) == gfn ? 0 : SEV_E_VMM;
}

uint64_t
sev_msr_psc_req(uint64_t gfn, unsigned op)
{
	/* [55:52] operation, [51:12] GFN, [11:0] 0x014 */
	return ((uint64_t)op & 0xf) << 52 | (gfn & 0xffffffffffull) << 12 |
	       SEV_MSR_PSC_REQ;
}

int
sev_msr_psc_decode(uint64_t v, uint32_t *error)
{
	if (resp_check(v, SEV_MSR_PSC_RESP))
		return SEV_E_PROTOCOL;
	*error = (uint32_t)(v >> 32);
	return *error ? SEV_E_VMM : 0;
}

uint64_t
sev_msr_hv_features_req(void)
{
	return SEV_MSR_HV_FEATURES_REQ;
}

int
sev_msr_hv_features_decode(uint64_t v, uint64_t *features)
{
	if (resp_check(v, SEV_MSR_HV_FEATURES_RESP))
		return SEV_E_PROTOCOL;
	*features = GHCB_DATA(v);
	return 0;
}

uint64_t
sev_msr_term_req(unsigned set, unsigned code)
{
	/* [23:16] reason code, [15:12] reason set, [11:0] 0x100 */
	return ((uint64_t)code & 0xff) << 16 | ((uint64_t)set & 0xf) << 12 |
	       SEV_MSR_TERM_REQ;
}

void
sev_msr_term_decode(uint64_t v, unsigned *set, unsigned *code)
{
	*set = (unsigned)(v >> 12) & 0xf;
	*code = (unsigned)(v >> 16) & 0xff;
}

int
sev_msr_do_negotiate(const struct sev_msr_ops *ops, unsigned *version,
		     unsigned *cbit)
{
	struct sev_msr_info info;
	int r;

	r = sev_msr_sev_info_decode(
		ops->exchange(ops->ctx, sev_msr_sev_info_req()), &info);
	if (r)
		return r;
	if (cbit)
		*cbit = info.cbit;
	return sev_msr_negotiate(&info, version);
}

int
sev_msr_do_cpuid(const struct sev_msr_ops *ops, uint32_t leaf, uint32_t out[4])
{
	for (unsigned reg = 0; reg < 4; reg++) {
		uint64_t v = ops->exchange(
			ops->ctx,
			sev_msr_cpuid_req(leaf, (enum sev_msr_cpuid_reg)reg));
		int r = sev_msr_cpuid_decode(v, &out[reg]);

		if (r)
			return r;
	}
	return 0;
}

int
sev_msr_do_register_ghcb(const struct sev_msr_ops *ops, uint64_t gpa)
{
	uint64_t gfn = gpa >> SEV_PAGE_SHIFT;

	if (gpa & (SEV_PAGE_SIZE - 1))
		return SEV_E_INVAL;
	return sev_msr_reg_gpa_decode(
		ops->exchange(ops->ctx, sev_msr_reg_gpa_req(gfn)), gfn);
}

int
sev_msr_do_psc(const struct sev_msr_ops *ops, uint64_t gpa, unsigned op)
{
	uint32_t error;

	if ((gpa & (SEV_PAGE_SIZE - 1)) || gpa >> 52 ||
	    (op != SEV_PSC_OP_PRIVATE && op != SEV_PSC_OP_SHARED))
		return SEV_E_INVAL;
	return sev_msr_psc_decode(
		ops->exchange(ops->ctx,
			      sev_msr_psc_req(gpa >> SEV_PAGE_SHIFT, op)),
		&error);
}

int
sev_msr_do_hv_features(const struct sev_msr_ops *ops, unsigned version,
		       uint64_t *features)
{
	/* the request exists from GHCB protocol version 2 on */
	if (version < 2) {
		*features = 0;
		return 0;
	}
	return sev_msr_hv_features_decode(
		ops->exchange(ops->ctx, sev_msr_hv_features_req()), features);
}

void
sev_msr_do_terminate(const struct sev_msr_ops *ops, unsigned set, unsigned code)
{
	(void)ops->exchange(ops->ctx, sev_msr_term_req(set, code));
}
