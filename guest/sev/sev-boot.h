/* SPDX-License-Identifier: MIT */
/*
 * The SEV boot sequence (guest-sev.md §2; docs/sev-guest.md §5), as
 * decisions over a small ops table, so that the order of the steps and
 * every termination reason can be tested on the host against a fake
 * machine.  The unikernel's kernel/sev-hooks.c supplies the real
 * instructions and the page tables; nothing here touches hardware.
 *
 *   sev_boot_detect()  §5 A1-A3: CPUID 0x8000_0000 / 0x8000_001F, then
 *                      SEV_STATUS only where the SEV bit is set, and the
 *                      SEV_STATUS policy.
 *   sev_boot_setup()   §5 A5-A8: GHCB protocol negotiation (ES/SNP),
 *                      hypervisor features (SNP), the CPUID page from
 *                      the CC blob (SNP), the C-bit (from the CPUID page
 *                      under SNP) checked against the hypervisor's and
 *                      the address width, and VMPL0 (SNP).
 *   sev_boot_share()   private -> shared for pages the host must see
 *   sev_boot_unshare() and back (§2.3): cache flush, PVALIDATE and page
 *                      state change (SNP), C-bit in the PTE, zeroing.
 *   sev_boot_ghcb()    §5 C2: the GHCB page shared and (SNP) registered.
 *   sev_boot_secrets() §5 C5: the SNP secrets page from the CC blob.
 *
 * Each returns 0 to go on or SEV_BOOT_STOP with b->term_set/term_code
 * set: the guest must then terminate with that reason (GHCB MSR
 * protocol) or, under plain SEV, report it and halt.
 */
#ifndef CVM_SEV_BOOT_H
#define CVM_SEV_BOOT_H

#include "sev-base.h"
#include "sev-cpuid.h"
#include "sev-detect.h"
#include "sev-ghcb.h"
#include "sev-msr.h"
#include "sev-psc.h"
#include "sev-secrets.h"

#define SEV_BOOT_STOP 1

/* What the sequence needs from the machine. */
struct sev_boot_ops {
	void *ctx;
	/* the CPUID instruction (under SEV-ES/SNP it raises #VC) */
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t sub, uint32_t out[4]);
	uint64_t (*rdmsr)(void *ctx, uint32_t msr);
	/* GHCB MSR protocol (wrmsr, VMGEXIT, rdmsr) */
	const struct sev_msr_ops *msr;
	/* RMPADJUST for VMPL1 of the private page at `va`: 0 at VMPL0 */
	int (*rmpadjust_vmpl1)(void *ctx, uint64_t va);
	/* `len` bytes of private memory at guest-physical `pa`, or NULL */
	uint8_t *(*phys)(void *ctx, uint64_t pa, size_t len);
};

/* The page-table side of a state change (the kernel's paging code). */
struct sev_boot_pt_ops {
	void *ctx;
	/* set (true) or clear the C-bit in the 4 KiB mapping of `va` and
	 * flush its TLB entry; 0 or <0 */
	int (*set_cbit)(void *ctx, uint64_t va, bool on);
	/* write back and invalidate the cache lines of the page at `va` */
	void (*flush)(void *ctx, uint64_t va);
	/* zero the page at `va` (through its current mapping) */
	void (*zero)(void *ctx, uint64_t va);
};

struct sev_boot {
	/* sev_boot_detect */
	struct sev_caps caps;
	uint64_t status;      /* SEV_STATUS, 0 when not read */
	uint64_t unsupported; /* SEV_STATUS bits the policy refused */
	enum sev_mode mode;
	/* sev_boot_setup */
	unsigned ghcb_version; /* negotiated GHCB protocol (ES/SNP) */
	unsigned hv_cbit;      /* C-bit the hypervisor reported (ES/SNP) */
	uint64_t hv_features;  /* SNP */
	unsigned cbit, phys_bits;
	uint64_t cbit_mask, gpa_limit;
	bool have_cc_blob;
	struct sev_cc_blob cc;
	bool have_cpuid_table;
	struct sev_cpuid_table cpuid; /* the SNP CPUID page, copied */
	/* why the sequence stopped */
	unsigned term_set, term_code;
};

/* Zero `b` (mode NONE). */
void sev_boot_init(struct sev_boot *b);

/* §5 A1-A3.  b->mode NONE means: a plain guest, nothing else to do. */
int sev_boot_detect(const struct sev_boot_ops *ops, struct sev_boot *b);

/*
 * §5 A5-A8, after detection found a mode.  `cc_blob` is the CC blob's
 * guest-physical address from the EFI configuration table (0 if none);
 * `private_va` any page of private memory (for RMPADJUST).  On success
 * b->cbit_mask is what every private page-table entry gets.
 */
int sev_boot_setup(const struct sev_boot_ops *ops, struct sev_boot *b,
		   uint64_t cc_blob, uint64_t private_va);

/* ES and SNP talk to the hypervisor through a GHCB (and #VC). */
static inline bool
sev_boot_needs_ghcb(const struct sev_boot *b)
{
	return b->mode == SEV_MODE_ES || b->mode == SEV_MODE_SNP;
}

/*
 * Make `npages` pages at `va` (mapping `gpa`) shared (§2.3): flush
 * their cache lines, then under SNP rescind the validation and ask for
 * the state change (`m` decides MSR protocol or GHCB), then clear the
 * C-bit and zero the pages through the shared mapping.
 */
int sev_boot_share(struct sev_boot *b, struct sev_mem *m,
		   const struct sev_boot_pt_ops *pt, uint64_t va, uint64_t gpa,
		   uint64_t npages);
/* The reverse: set the C-bit, state change and PVALIDATE (SNP), zero. */
int sev_boot_unshare(struct sev_boot *b, struct sev_mem *m,
		     const struct sev_boot_pt_ops *pt, uint64_t va,
		     uint64_t gpa, uint64_t npages);

/*
 * §5 C2: share `page` (mapped at `va`, guest-physical `gpa`) through the
 * MSR protocol, register it under SNP, and fill `g`.  `m` has no GHCB
 * yet (m->ghcb NULL) and tracks validation in its map.
 */
int sev_boot_ghcb(struct sev_boot *b, struct sev_mem *m,
		  const struct sev_boot_pt_ops *pt, uint8_t *page, uint64_t va,
		  uint64_t gpa, struct sev_ghcb *g);

/* §5 C5: parse the SNP secrets page the CC blob names into `s`. */
int sev_boot_secrets(const struct sev_boot_ops *ops, struct sev_boot *b,
		     struct sev_secrets *s);

/*
 * REPORT_DATA from the host's nonce: `len` hex digits (even, at most
 * 128) into `out`, zero-padded to 64 bytes.  SEV_E_INVAL otherwise.
 */
int sev_report_data_from_hex(const char *hex, size_t len, uint8_t out[64]);

#endif
