/* SPDX-License-Identifier: MIT */
/*
 * SEV detection: decode CPUID 0x8000_0000/0x8000_001F and the SEV_STATUS
 * MSR, and decide whether the guest can run with what is enabled.
 *
 * Order (guest-sev.md §2.1): CPUID 0x8000_0000 EAX >= 0x8000_001F, then
 * Fn8000_001F EAX bit 1 (SEV), only then RDMSR SEV_STATUS.  CPUID is a
 * host capability (and under SEV-ES/SNP answered by the hypervisor);
 * SEV_STATUS is the guest's actual state.  Pure functions: the caller
 * executes CPUID/RDMSR and passes the values in.
 */
#ifndef CVM_SEV_DETECT_H
#define CVM_SEV_DETECT_H

#include "sev-base.h"

#define SEV_CPUID_EXT_MAX  0x80000000u
#define SEV_CPUID_ENC_LEAF 0x8000001Fu

/* APM vol. 3, CPUID Fn8000_001F EAX (encrypted memory capabilities) */
#define SEV_CPUID_EAX_SME	 (1u << 0)
#define SEV_CPUID_EAX_SEV	 (1u << 1)
#define SEV_CPUID_EAX_PAGE_FLUSH (1u << 2)
#define SEV_CPUID_EAX_SEV_ES	 (1u << 3)
#define SEV_CPUID_EAX_SNP	 (1u << 4)
#define SEV_CPUID_EAX_VMPL	 (1u << 5)

struct sev_caps {
	bool leaf; /* Fn8000_001F exists (max ext leaf >= it) */
	bool sme, sev, sev_es, snp, vmpl;
	unsigned cbit;	    /* EBX[5:0] C-bit position */
	unsigned reduction; /* EBX[11:6] physical address bit reduction */
	unsigned nr_vmpls;  /* EBX[15:12] */
	uint32_t nr_guests; /* ECX: encrypted guests supported at once */
	uint32_t min_asid;  /* EDX: minimum SEV (non-ES) ASID */
};

/*
 * Decode the two CPUID leaves: `ext_max` is EAX of 0x8000_0000, `r` is
 * EAX/EBX/ECX/EDX of 0x8000_001F (ignored when the leaf is absent).
 */
void sev_caps_decode(uint32_t ext_max, const uint32_t r[4], struct sev_caps *c);

/* SEV_STATUS MSR (APM vol. 2 §15.34.10; bits as Linux msr-index.h) */
#define SEV_STATUS_MSR		    0xC0010131u
#define SEV_STATUS_SEV		    (1ull << 0)
#define SEV_STATUS_ES		    (1ull << 1)
#define SEV_STATUS_SNP		    (1ull << 2)
#define SEV_STATUS_VTOM		    (1ull << 3)
#define SEV_STATUS_REFLECT_VC	    (1ull << 4)
#define SEV_STATUS_RESTRICTED_INJ   (1ull << 5)
#define SEV_STATUS_ALT_INJ	    (1ull << 6)
#define SEV_STATUS_DEBUG_SWAP	    (1ull << 7)
#define SEV_STATUS_PREVENT_HOST_IBS (1ull << 8)
#define SEV_STATUS_BTB_ISOLATION    (1ull << 9)
#define SEV_STATUS_VMPL_SSS	    (1ull << 10)
#define SEV_STATUS_SECURE_TSC	    (1ull << 11)
#define SEV_STATUS_VMGEXIT_PARAM    (1ull << 12)
#define SEV_STATUS_IBS_VIRT	    (1ull << 14)
#define SEV_STATUS_VMSA_REG_PROT    (1ull << 16)
#define SEV_STATUS_SMT_PROT	    (1ull << 17)
#define SEV_STATUS_SECURE_AVIC	    (1ull << 18)
#define SEV_STATUS_IBPB_ON_ENTRY    (1ull << 23)

/*
 * The bits this guest accepts: the three modes, plus protections that
 * need nothing from guest software (Linux leaves exactly these out of
 * SNP_FEATURES_IMPL_REQ).  Everything else, including every reserved
 * bit, needs guest support we do not have: vTOM, ReflectVC, restricted
 * and alternate injection, VMPL SSS, Secure TSC, VMGEXIT parameter,
 * VMSA register protection, Secure AVIC, bits 13, 15, 19-22, 24-63.
 */
#define SEV_STATUS_ACCEPTED                                    \
	(SEV_STATUS_SEV | SEV_STATUS_ES | SEV_STATUS_SNP |     \
	 SEV_STATUS_DEBUG_SWAP | SEV_STATUS_PREVENT_HOST_IBS | \
	 SEV_STATUS_BTB_ISOLATION | SEV_STATUS_IBS_VIRT |      \
	 SEV_STATUS_SMT_PROT | SEV_STATUS_IBPB_ON_ENTRY)

enum sev_mode {
	SEV_MODE_NONE = 0,
	SEV_MODE_SEV,
	SEV_MODE_ES,
	SEV_MODE_SNP,
};

/* The mode SEV_STATUS says the guest runs in (highest bit wins). */
enum sev_mode sev_status_mode(uint64_t status);

/* "none", "sev", "sev-es", "sev-snp" */
const char *sev_mode_name(enum sev_mode m);

/*
 * The policy: 0 when the guest can continue; otherwise the termination
 * reason code (reason set SEV_TERM_SET_CVM) to pass to the hypervisor:
 * SEV_TERM_STATUS when the mode bits are inconsistent (ES without SEV,
 * SNP without ES), SEV_TERM_FEATURES when a bit outside
 * SEV_STATUS_ACCEPTED is set.  `*unsupported` (may be NULL) receives
 * the offending bits.
 */
int sev_status_check(uint64_t status, uint64_t *unsupported);

/*
 * C-bit and address width (guest-sev.md §2.2): the encryption mask for
 * page-table entries, and the first guest-physical address that is out
 * of reach once `reduction` bits are lost from `phys_bits` (CPUID
 * 0x8000_0008 EAX[7:0]).  A C-bit outside 32..63 or inside the usable
 * address range is rejected (SEV_E_INVAL): a hostile VMM could
 * otherwise point it at an address bit.
 */
int sev_cbit_mask(unsigned cbit, unsigned phys_bits, unsigned reduction,
		  uint64_t *mask, uint64_t *gpa_limit);

/* Strip the C-bit from a page-table entry's address bits. */
static inline uint64_t
sev_pa_clear_cbit(uint64_t pa, uint64_t mask)
{
	return pa & ~mask;
}

#endif
