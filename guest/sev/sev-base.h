/* SPDX-License-Identifier: MIT */
/*
 * Shared basics of the guest's SEV modules: error codes, termination
 * reason codes and little-endian field access.
 *
 * Every file in guest/sev/ compiles twice: freestanding into the
 * unikernel (only <stdint.h>, <stddef.h>, <stdbool.h> and the guest
 * libc's memcpy/memset/memcmp) and as a host static library for the
 * unit tests.  Nothing here allocates, prints or exits: functions return
 * 0 or a negative SEV_E_* code, and the caller owns every buffer.
 * Bytes that come from the hypervisor (GHCB, shared pages, instruction
 * bytes it could have chosen) are read with the bounds-checked helpers
 * below, never by casting a buffer to a packed struct.
 */
#ifndef CVM_SEV_BASE_H
#define CVM_SEV_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sev_errcode {
	SEV_OK = 0,
	SEV_E_INVAL = -1,	  /* bad argument or malformed input */
	SEV_E_DECODE = -2,	  /* instruction bytes not understood */
	SEV_E_OPCODE = -3,	  /* instruction does not match the exit code */
	SEV_E_UNSUPPORTED = -4,	  /* valid, but not implemented here */
	SEV_E_PROTOCOL = -5,	  /* wrong MSR-protocol response code */
	SEV_E_VMM = -6,		  /* hypervisor error or output missing */
	SEV_E_EXCEPTION = -7,	  /* hypervisor asks to raise an exception */
	SEV_E_BADMSG = -8,	  /* guest message header check failed */
	SEV_E_AUTH = -9,	  /* AES-GCM tag mismatch */
	SEV_E_SEQNO = -10,	  /* guest message sequence number wrong */
	SEV_E_FIRMWARE = -11,	  /* SNP firmware reported an error */
	SEV_E_BUSY = -12,	  /* hypervisor stayed busy */
	SEV_E_RANGE = -13,	  /* address outside the tracked range */
	SEV_E_TWICE = -14,	  /* page validated (or rescinded) twice */
	SEV_E_NOKEY = -15,	  /* VMPCK wiped or absent */
	SEV_E_PVALIDATE = -16,	  /* PVALIDATE failed */
	SEV_E_NOTFOUND = -17,	  /* lookup found nothing */
	SEV_E_SHORT = -18,	  /* response shorter than required */
	SEV_E_NOT_VALIDATED = -19 /* #VC for a page not validated (SNP) */
};

/* A short constant name for an SEV_E_* code ("vmm", "auth", ...). */
const char *sev_strerror(int code);

/*
 * GHCB spec 56421 §2.3.1 (MSR protocol, "Termination request"): reason
 * set 0 is defined by the spec, sets 1..15 by the guest.  cvm's guest
 * uses set 1; codes 0..6 mean what Linux means by them (so host logs
 * read the same), the rest are cvm's own.
 */
#define SEV_TERM_SET_GHCB	 0
#define SEV_TERM_GHCB_GENERAL	 0 /* set 0: general request */
#define SEV_TERM_GHCB_PROTOCOL	 1 /* set 0: protocol range unsupported */
#define SEV_TERM_GHCB_SNP_UNSUPP 2 /* set 0: SNP features unsupported */
#define SEV_TERM_SET_CVM	 1
#define SEV_TERM_REGISTER	 0    /* GHCB GPA registration failed */
#define SEV_TERM_PSC		 1    /* page state change failed */
#define SEV_TERM_PVALIDATE	 2    /* PVALIDATE failed */
#define SEV_TERM_NOT_VMPL0	 3    /* SNP guest is not at VMPL0 */
#define SEV_TERM_CPUID		 4    /* SNP CPUID page missing or bad */
#define SEV_TERM_CPUID_HV	 5    /* hypervisor CPUID failed */
#define SEV_TERM_SECRETS	 6    /* secrets page missing or bad */
#define SEV_TERM_FEATURES	 0x10 /* SEV_STATUS has a feature we lack */
#define SEV_TERM_STATUS		 0x11 /* SEV_STATUS bits are inconsistent */
#define SEV_TERM_CBIT		 0x12 /* C-bit position rejected */
#define SEV_TERM_VC		 0x13 /* #VC that cannot be handled */
#define SEV_TERM_VALIDATE_TWICE	 0x14 /* a page would be validated twice */

#define SEV_PAGE_SIZE  4096u
#define SEV_PAGE_SHIFT 12

static inline uint16_t
sev_ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t
sev_ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t
sev_ld64(const uint8_t *p)
{
	return (uint64_t)sev_ld32(p) | (uint64_t)sev_ld32(p + 4) << 32;
}

static inline void
sev_st16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
sev_st32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void
sev_st64(uint8_t *p, uint64_t v)
{
	sev_st32(p, (uint32_t)v);
	sev_st32(p + 4, (uint32_t)(v >> 32));
}

/* Zero memory in a way the compiler may not drop (keys, plaintext). */
void sev_wipe(void *p, size_t n);

#endif
