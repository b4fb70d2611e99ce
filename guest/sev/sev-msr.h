/* SPDX-License-Identifier: MIT */
/*
 * The GHCB MSR protocol (GHCB spec 56421 §2.3.1, "GHCB MSR Protocol"):
 * the guest writes a request into the GHCB MSR (0xC001_0130), executes
 * VMGEXIT and reads the response back from the same MSR.  Bits 11:0
 * carry the function code, bits 63:12 the data.  No shared page is
 * needed, so this is what runs before the GHCB page exists, for the
 * registration of the GHCB itself, and for termination.
 *
 * The encoders/decoders are pure.  The sev_msr_do_* functions run a
 * complete request through `struct sev_msr_ops`, whose `exchange` is,
 * in the guest, wrmsr + VMGEXIT + rdmsr (sev-hw.c) and, in the tests, a
 * fake hypervisor.  Callers that already registered a GHCB must save
 * and restore the MSR around these calls (the MSR then holds the GHCB
 * GPA).
 */
#ifndef CVM_SEV_MSR_H
#define CVM_SEV_MSR_H

#include "sev-base.h"

#define SEV_GHCB_MSR	  0xC0010130u
#define SEV_MSR_INFO_MASK 0xfffull

/* Function codes, request -> response (GHCB spec §2.3.1, Table 2) */
#define SEV_MSR_SEV_INFO_RESP	   0x001
#define SEV_MSR_SEV_INFO_REQ	   0x002
#define SEV_MSR_CPUID_REQ	   0x004
#define SEV_MSR_CPUID_RESP	   0x005
#define SEV_MSR_AP_RESET_HOLD_REQ  0x006
#define SEV_MSR_AP_RESET_HOLD_RESP 0x007
#define SEV_MSR_PREF_GPA_REQ	   0x010
#define SEV_MSR_PREF_GPA_RESP	   0x011
#define SEV_MSR_REG_GPA_REQ	   0x012
#define SEV_MSR_REG_GPA_RESP	   0x013
#define SEV_MSR_PSC_REQ		   0x014
#define SEV_MSR_PSC_RESP	   0x015
#define SEV_MSR_HV_FEATURES_REQ	   0x080
#define SEV_MSR_HV_FEATURES_RESP   0x081
#define SEV_MSR_TERM_REQ	   0x100

/* GHCB protocol versions this guest speaks: 2 is needed for SNP */
#define SEV_GHCB_PROTOCOL_MIN 1
#define SEV_GHCB_PROTOCOL_MAX 2

/* CPUID register selector, request bits 31:30 */
enum sev_msr_cpuid_reg {
	SEV_MSR_CPUID_EAX = 0,
	SEV_MSR_CPUID_EBX = 1,
	SEV_MSR_CPUID_ECX = 2,
	SEV_MSR_CPUID_EDX = 3,
};

/* Page state change operations, request bits 55:52 */
#define SEV_PSC_OP_PRIVATE 1
#define SEV_PSC_OP_SHARED  2

/* Hypervisor feature bitmap (response bits 63:12) */
#define SEV_HV_FT_SNP			   (1ull << 0)
#define SEV_HV_FT_SNP_AP_CREATION	   (1ull << 1)
#define SEV_HV_FT_SNP_RESTRICTED_INJ	   (1ull << 2)
#define SEV_HV_FT_SNP_RESTRICTED_INJ_TIMER (1ull << 3)
#define SEV_HV_FT_APIC_ID_LIST		   (1ull << 4)
#define SEV_HV_FT_MULTI_VMPL		   (1ull << 5)

/* The "no preference" answer to the preferred-GHCB-GPA request */
#define SEV_MSR_PREF_GPA_NONE 0xfffffffffffffull

struct sev_msr_info {
	unsigned max;  /* highest protocol version, bits 63:48 */
	unsigned min;  /* lowest, bits 47:32 */
	unsigned cbit; /* C-bit position, bits 31:24 */
};

uint64_t sev_msr_sev_info_req(void);
int sev_msr_sev_info_decode(uint64_t v, struct sev_msr_info *info);
/* Pick the version both sides speak: the highest in both ranges. */
int sev_msr_negotiate(const struct sev_msr_info *info, unsigned *version);

uint64_t sev_msr_cpuid_req(uint32_t leaf, enum sev_msr_cpuid_reg reg);
int sev_msr_cpuid_decode(uint64_t v, uint32_t *value);

uint64_t sev_msr_ap_reset_hold_req(void);
/* *woken = data bits 63:12 are non-zero (an INIT-SIPI arrived). */
int sev_msr_ap_reset_hold_decode(uint64_t v, bool *woken);

uint64_t sev_msr_pref_gpa_req(void);
int sev_msr_pref_gpa_decode(uint64_t v, uint64_t *gfn);

/* `gfn` must fit in 52 bits (GHCB data bits 63:12). */
uint64_t sev_msr_reg_gpa_req(uint64_t gfn);
/* The hypervisor must echo the same GFN back. */
int sev_msr_reg_gpa_decode(uint64_t v, uint64_t gfn);

/* One 4 KiB page: GFN in bits 51:12 (40 bits), op in bits 55:52. */
uint64_t sev_msr_psc_req(uint64_t gfn, unsigned op);
/* Bits 63:32 are the error code: 0 is success. */
int sev_msr_psc_decode(uint64_t v, uint32_t *error);

uint64_t sev_msr_hv_features_req(void);
int sev_msr_hv_features_decode(uint64_t v, uint64_t *features);

/* Reason set in bits 15:12, reason code in bits 23:16. */
uint64_t sev_msr_term_req(unsigned set, unsigned code);
void sev_msr_term_decode(uint64_t v, unsigned *set, unsigned *code);

struct sev_msr_ops {
	void *ctx;
	/* write the GHCB MSR, VMGEXIT, return the GHCB MSR */
	uint64_t (*exchange)(void *ctx, uint64_t request);
};

/* Version negotiation: also returns the C-bit the hypervisor reports. */
int sev_msr_do_negotiate(const struct sev_msr_ops *ops, unsigned *version,
			 unsigned *cbit);
/* Four round trips, one per register; leaf only (no subleaf). */
int sev_msr_do_cpuid(const struct sev_msr_ops *ops, uint32_t leaf,
		     uint32_t out[4]);
int sev_msr_do_register_ghcb(const struct sev_msr_ops *ops, uint64_t gpa);
int sev_msr_do_psc(const struct sev_msr_ops *ops, uint64_t gpa, unsigned op);
int sev_msr_do_hv_features(const struct sev_msr_ops *ops, unsigned version,
			   uint64_t *features);
/* Sends the request; returns only if the hypervisor resumed the guest. */
void sev_msr_do_terminate(const struct sev_msr_ops *ops, unsigned set,
			  unsigned code);

#endif
