/* SPDX-License-Identifier: MIT */
/*
 * The SEV, SEV-ES and SEV-SNP duties, first half: detection, the
 * SEV_STATUS policy, the GHCB protocol, the SNP CPUID page, the C-bit
 * and the checked switch to the kernel's page tables.  The decisions
 * are guest/sev/sev-boot.c's (host-tested); this file supplies the
 * instructions.  Order (docs/sev-guest.md §5, guest-sev.md §2):
 *
 *   sev_early_init()  both front ends, first thing: CPUID 0x8000_0000,
 *                     0x8000_001F, SEV_STATUS only if the SEV bit is
 *                     set; the policy.  (UEFI: OVMF's #VC handler still
 *                     serves CPUID here.)  Plain guests stop here.
 *   cpu_init()        the kernel's IDT: #VC (vector 29) on IST4, served
 *                     by sev_vc_trap() (sev-late.c): MSR protocol until
 *                     the GHCB exists, CPUID from the SNP CPUID page.
 *   sev_setup()       GHCB protocol version, SNP features, CC blob and
 *                     CPUID page, C-bit -> pt_private_flags, VMPL0.
 *   paging_init()     C-bit in every private entry and CR3; the switch
 *                     goes through sev_switch_cr3() (C-bit check).
 *   sev_late_init()   (sev-late.c) validated map, GHCB, secrets page.
 *
 * Under SEV-ES/SNP nothing does port I/O before sev_late_init(): the
 * console starts after it (kernel/main.c).
 */
#include <stdint.h>

#include "cpu.h"
#include "kernel.h"
#include "sev-kernel.h"

struct sev_boot sev_st;
static bool refused; /* plain SEV with a SEV_STATUS the policy refused */
static volatile uint64_t cr3_check;

static void
hw_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	(void)ctx;
	cpuid(leaf, sub, out);
}

static uint64_t
hw_rdmsr(void *ctx, uint32_t msr)
{
	(void)ctx;
	return rdmsr(msr);
}

static int
hw_rmpadjust(void *ctx, uint64_t va)
{
	(void)ctx;
	return sev_hw_rmpadjust_vmpl1(va);
}

/* identity-mapped, private (the firmware's tables, then the kernel's) */
static uint8_t *
hw_phys(void *ctx, uint64_t pa, size_t len)
{
	(void)ctx;
	if (!pa || pa + len < pa || pa + len > 512 * GIB)
		return NULL;
	return (uint8_t *)(uintptr_t)pa;
}

const struct sev_boot_ops sev_kernel_ops = {
	.cpuid = hw_cpuid,
	.rdmsr = hw_rdmsr,
	.msr = &sev_hw_msr_ops,
	.rmpadjust_vmpl1 = hw_rmpadjust,
	.phys = hw_phys,
};

/* GHCB spec §2.3.1 reason set 0, and cvm's set 1 (sev-base.h) */
static const char *
term_text(unsigned set, unsigned code)
{
	static const char *const cvm[] = {
		"GHCB registration failed",
		"page state change failed",
		"PVALIDATE failed",
		"not at VMPL0",
		"SNP CPUID page missing or malformed",
		"hypervisor CPUID failed",
		"secrets page missing or malformed",
	};

	if (set == SEV_TERM_SET_GHCB)
		return code == SEV_TERM_GHCB_PROTOCOL	  ? "GHCB protocol"
		       : code == SEV_TERM_GHCB_SNP_UNSUPP ? "SNP unsupported"
							  : "general";
	if (code < ARRAY_SIZE(cvm))
		return cvm[code];
	switch (code) {
	case SEV_TERM_FEATURES:
		return "SEV_STATUS has features this kernel lacks";
	case SEV_TERM_STATUS:
		return "SEV_STATUS bits inconsistent";
	case SEV_TERM_CBIT:
		return "C-bit position rejected";
	case SEV_TERM_VC:
		return "#VC that cannot be handled";
	case SEV_TERM_VALIDATE_TWICE:
		return "page validated twice";
	default:
		return "unknown reason";
	}
}

void
sev_terminate(unsigned set, unsigned code)
{
	if (sev_boot_needs_ghcb(&sev_st))
		sev_hw_terminate(set, code);
	/* plain SEV: no termination protocol, but the console works */
	kpanic("SEV: %s (reason set %u, code 0x%x)", term_text(set, code), set,
	       code);
}

void
sev_early_init(struct boot_info *bi)
{
	int r;

	sev_boot_init(&sev_st);
	r = sev_boot_detect(&sev_kernel_ops, &sev_st);
	bi->sev_leaf = sev_st.caps.leaf;
	bi->sev_status = sev_st.status;
	if (r == 0)
		return;
	if (sev_boot_needs_ghcb(&sev_st))
		sev_hw_terminate(sev_st.term_set, sev_st.term_code);
	refused = true; /* reported by sev_supported() */
}

bool
sev_supported(const struct boot_info *bi, const char **why)
{
	static char msg[160];

	if (!refused)
		return true;
	ksnprintf(msg, sizeof(msg), "%s: SEV_STATUS 0x%llx: %s (bits 0x%llx)",
		  sev_protection_name(bi), (unsigned long long)bi->sev_status,
		  term_text(sev_st.term_set, sev_st.term_code),
		  (unsigned long long)sev_st.unsupported);
	*why = msg;
	return false;
}

bool
sev_needs_ghcb(const struct boot_info *bi)
{
	(void)bi;
	return sev_boot_needs_ghcb(&sev_st);
}

void
sev_setup(struct boot_info *bi)
{
	/* RMPADJUST needs a private page: the image's first one will do */
	uint64_t va = ALIGN_DOWN(image_start(), PAGE_SIZE);

	if (sev_st.mode == SEV_MODE_NONE || refused)
		return;
	if (sev_boot_setup(&sev_kernel_ops, &sev_st, bi->cc_blob, va))
		sev_terminate(sev_st.term_set, sev_st.term_code);
	pt_private_flags = sev_st.cbit_mask;
}

/*
 * Linux arch/x86/kernel/sev_verify_cbit.S: store a value through the
 * firmware's page tables, switch to ours, read it back.  With a wrong
 * C-bit our tables would map the kernel's data shared and the read
 * would return ciphertext (or, under SNP, fault).  No stack access
 * between the switch and the compare; on a mismatch the old CR3 comes
 * back before anything else runs.
 */
static bool
switch_checked(uint64_t cr3, uint64_t v)
{
	uint64_t old;
	bool same;

	__asm__ volatile("movq %%cr3, %[old]\n\t"
			 "movq %[v], %[chk]\n\t"
			 "movq %[new], %%cr3\n\t"
			 "cmpq %[chk], %[v]\n\t"
			 "je 1f\n\t"
			 "movq %[old], %%cr3\n"
			 "1:"
			 : [old] "=&r"(old), [chk] "+m"(cr3_check),
			   "=@ccz"(same)
			 : [v] "r"(v), [new] "r"(cr3)
			 : "memory");
	return same;
}

void
sev_switch_cr3(uint64_t cr3)
{
	uint64_t v;

	if (!pt_private_flags) {
		write_cr3(cr3);
		return;
	}
	/* the hypervisor cannot make ciphertext read as a value it does
	 * not know; the TSC only has to vary */
	v = (rdtsc() * 0x9e3779b97f4a7c15ull) | 1;
	if (!switch_checked(cr3, v))
		sev_terminate(SEV_TERM_SET_CVM, SEV_TERM_CBIT);
}

const char *
sev_protection_name(const struct boot_info *bi)
{
	return sev_mode_name(sev_status_mode(bi->sev_status));
}

void
sev_report(const struct boot_info *bi)
{
	(void)bi;
	if (sev_st.mode == SEV_MODE_NONE)
		return;
	kprintf("CVM1 info cbit %u\n", sev_st.cbit);
	if (sev_boot_needs_ghcb(&sev_st))
		kprintf("CVM1 info ghcb_protocol %u\n", sev_st.ghcb_version);
	if (sev_st.mode == SEV_MODE_SNP) {
		kprintf("CVM1 info snp_cpuid_entries %u\n", sev_st.cpuid.count);
		kprintf("CVM1 info snp_secrets_version %u\n",
			sev_secrets_ok ? sev_secrets.version : 0);
	}
}
