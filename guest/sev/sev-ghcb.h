/* SPDX-License-Identifier: MIT */
/*
 * The GHCB page (GHCB spec 56421 §2.5 "GHCB layout", Table 1): a 4 KiB
 * page shared with the hypervisor.  The save area holds register-sized
 * fields at fixed offsets; each field has a valid bit (bit number =
 * offset / 8) in the 16-byte valid bitmap at 0x3F0.  The guest clears
 * the bitmap, stores its inputs and marks them valid, sets the exit
 * code and exit information, VMGEXITs, and then reads only outputs
 * whose valid bit the hypervisor set.
 *
 * `struct sev_ghcb` is caller-owned: `page` points at the page (shared,
 * C-bit clear, page aligned in the guest), `gpa` is its guest-physical
 * address.  The VMGEXIT itself is a function pointer (`sev_ghcb_call_fn`)
 * so that tests can play the hypervisor.
 */
#ifndef CVM_SEV_GHCB_H
#define CVM_SEV_GHCB_H

#include "sev-base.h"

#define SEV_GHCB_SIZE 4096u

/* Save-area offsets (GHCB spec Table 1; Linux struct ghcb_save_area) */
#define SEV_GHCB_CPL		  0x0CBu
#define SEV_GHCB_XSS		  0x140u
#define SEV_GHCB_DR7		  0x160u
#define SEV_GHCB_RIP		  0x178u
#define SEV_GHCB_RSP		  0x1D8u
#define SEV_GHCB_RAX		  0x1F8u
#define SEV_GHCB_RCX		  0x308u
#define SEV_GHCB_RDX		  0x310u
#define SEV_GHCB_RBX		  0x318u
#define SEV_GHCB_RBP		  0x328u
#define SEV_GHCB_RSI		  0x330u
#define SEV_GHCB_RDI		  0x338u
#define SEV_GHCB_R8		  0x340u
#define SEV_GHCB_R15		  0x378u
#define SEV_GHCB_SW_EXIT_CODE	  0x390u
#define SEV_GHCB_SW_EXIT_INFO_1	  0x398u
#define SEV_GHCB_SW_EXIT_INFO_2	  0x3A0u
#define SEV_GHCB_SW_SCRATCH	  0x3A8u
#define SEV_GHCB_XCR0		  0x3E8u
#define SEV_GHCB_VALID_BITMAP	  0x3F0u
#define SEV_GHCB_X87_STATE_GPA	  0x400u
#define SEV_GHCB_SHARED_BUF	  0x800u
#define SEV_GHCB_SHARED_BUF_SIZE  2032u
#define SEV_GHCB_PROTOCOL_VERSION 0xFFAu
#define SEV_GHCB_USAGE		  0xFFCu

#define SEV_GHCB_USAGE_DEFAULT 0

/* SVM exit codes that reach the #VC handler (APM vol. 2, App. C) */
#define SEV_EXIT_READ_DR7      0x027u
#define SEV_EXIT_WRITE_DR7     0x037u
#define SEV_EXIT_RDTSC	       0x06Eu
#define SEV_EXIT_RDPMC	       0x06Fu
#define SEV_EXIT_CPUID	       0x072u
#define SEV_EXIT_INVD	       0x076u
#define SEV_EXIT_IOIO	       0x07Bu
#define SEV_EXIT_MSR	       0x07Cu
#define SEV_EXIT_VMMCALL       0x081u
#define SEV_EXIT_RDTSCP	       0x087u
#define SEV_EXIT_WBINVD	       0x089u
#define SEV_EXIT_MONITOR       0x08Au
#define SEV_EXIT_MWAIT	       0x08Bu
#define SEV_EXIT_NPF	       0x400u
#define SEV_EXIT_NOT_VALIDATED 0x404u /* SNP: #VC on an unvalidated page */

/* Software-defined NAE exit codes (GHCB spec §4.1; Linux svm.h) */
#define SEV_NAE_MMIO_READ	  0x80000001u
#define SEV_NAE_MMIO_WRITE	  0x80000002u
#define SEV_NAE_NMI_COMPLETE	  0x80000003u
#define SEV_NAE_AP_HLT_LOOP	  0x80000004u
#define SEV_NAE_AP_JUMP_TABLE	  0x80000005u
#define SEV_NAE_PSC		  0x80000010u
#define SEV_NAE_GUEST_REQUEST	  0x80000011u
#define SEV_NAE_EXT_GUEST_REQUEST 0x80000012u
#define SEV_NAE_AP_CREATION	  0x80000013u
#define SEV_NAE_HV_FEATURES	  0x8000FFFDu
#define SEV_NAE_TERMINATE	  0x8000FFFEu
#define SEV_NAE_UNSUPPORTED	  0x8000FFFFu

/* sw_exit_info_1[31:0] after VMGEXIT (GHCB spec §2.5, "return") */
#define SEV_GHCB_RESULT_OK	  0
#define SEV_GHCB_RESULT_EXCEPTION 1
#define SEV_GHCB_RESULT_ERROR	  2
/* sw_exit_info_2 error codes when the result is 2 (Linux GHCB_ERR_*) */
#define SEV_GHCB_ERR_NOT_REGISTERED  1
#define SEV_GHCB_ERR_INVALID_USAGE   2
#define SEV_GHCB_ERR_INVALID_SCRATCH 3
#define SEV_GHCB_ERR_MISSING_INPUT   4
#define SEV_GHCB_ERR_INVALID_INPUT   5
#define SEV_GHCB_ERR_INVALID_EVENT   6

struct sev_ghcb {
	uint8_t *page;	  /* the shared 4 KiB page */
	uint64_t gpa;	  /* its guest-physical address */
	uint16_t version; /* negotiated protocol version (1 or 2) */
};

/* VMGEXIT with `g` registered; returns 0, or <0 if it could not. */
typedef int (*sev_ghcb_call_fn)(void *ctx, struct sev_ghcb *g);

/* Zero sw_exit_code and the valid bitmap (Linux vc_ghcb_invalidate). */
void sev_ghcb_invalidate(struct sev_ghcb *g);

/* Store a 64-bit save-area field and set its valid bit. */
int sev_ghcb_set(struct sev_ghcb *g, unsigned off, uint64_t v);
/* The CPL byte at 0x0CB (valid bit 25). */
void sev_ghcb_set_cpl(struct sev_ghcb *g, uint8_t cpl);
bool sev_ghcb_is_valid(const struct sev_ghcb *g, unsigned off);
/* Read a field only if valid; SEV_E_VMM if the hypervisor did not set it. */
int sev_ghcb_get(const struct sev_ghcb *g, unsigned off, uint64_t *v);

static inline uint64_t
sev_ghcb_shared_gpa(const struct sev_ghcb *g)
{
	return g->gpa + SEV_GHCB_SHARED_BUF;
}

static inline uint8_t *
sev_ghcb_shared(const struct sev_ghcb *g)
{
	return g->page + SEV_GHCB_SHARED_BUF;
}

struct sev_ghcb_result {
	unsigned kind;	     /* SEV_GHCB_RESULT_* */
	uint8_t vector;	     /* EXCEPTION: vector to raise */
	bool has_error_code; /* EXCEPTION: error code valid */
	uint32_t error_code; /* EXCEPTION: the error code */
	uint64_t ghcb_error; /* ERROR: SEV_GHCB_ERR_* from sw_exit_info_2 */
};

/*
 * Decode sw_exit_info_1/2 after a VMGEXIT.  Returns 0 for OK;
 * SEV_E_EXCEPTION when the hypervisor asks for an exception in the
 * event-injection format (APM vol. 2 §15.20: vector 7:0, type 10:8 = 3
 * for exceptions, error-code valid bit 11, valid bit 31, error code
 * 63:32) and the event is a sane #GP or #UD (as Linux accepts); and
 * SEV_E_VMM for GHCB errors and for anything else.
 */
int sev_ghcb_result_decode(uint64_t info1, uint64_t info2,
			   struct sev_ghcb_result *res);

/*
 * One NAE event: set protocol version and usage, exit code and both
 * exit informations (marked valid), call the hypervisor, and decode
 * the result.  Inputs must be stored (sev_ghcb_set) after
 * sev_ghcb_invalidate and before this call.  `res` may be NULL.
 */
int sev_ghcb_hv_call(struct sev_ghcb *g, sev_ghcb_call_fn call, void *ctx,
		     uint64_t exit_code, uint64_t info1, uint64_t info2,
		     struct sev_ghcb_result *res);

#endif
