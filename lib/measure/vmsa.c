/* SPDX-License-Identifier: MIT */
/*
 * Initial vCPU state (VMSA pages) as SEV-ES and SNP measure it, vCPU
 * signatures, and the small name tables of lib/measure.
 *
 * VMSA offsets: AMD64 APM vol. 2, appendix B, table B-4 "VMSA Layout,
 * State Save Area for SEV-ES"; the same as Linux
 * arch/x86/include/asm/svm.h struct sev_es_save_area.  Reset values are
 * KVM's (x86.c kvm_vcpu_reset, svm.c init_vmcb, sev.c
 * sev_es_sync_vmsa) with the differences of EC2 and GCE that
 * sev-snp-measure records.
 */
#include <string.h>

#include "cvm/measure.h"
#include "cvm/util.h"

/* VMSA field offsets (APM vol. 2 table B-4) */
enum {
	VMSA_ES = 0x00,
	VMSA_CS = 0x10,
	VMSA_SS = 0x20,
	VMSA_DS = 0x30,
	VMSA_FS = 0x40,
	VMSA_GS = 0x50,
	VMSA_GDTR = 0x60,
	VMSA_LDTR = 0x70,
	VMSA_IDTR = 0x80,
	VMSA_TR = 0x90,
	VMSA_EFER = 0xD0,
	VMSA_CR4 = 0x148,
	VMSA_CR0 = 0x158,
	VMSA_DR7 = 0x160,
	VMSA_DR6 = 0x168,
	VMSA_RFLAGS = 0x170,
	VMSA_RIP = 0x178,
	VMSA_G_PAT = 0x268,
	VMSA_RDX = 0x310,
	VMSA_SEV_FEATURES = 0x3B0,
	VMSA_XCR0 = 0x3E8,
	VMSA_MXCSR = 0x408,
	VMSA_X87_FCW = 0x410,
};

#define BSP_EIP 0xFFFFFFF0u
/* PAT MSR power-on value (APM vol. 2, A.3) and GCE's replacement */
#define PAT_DEFAULT 0x0007040600070406ull
#define PAT_GCE	    0x0000000000070106ull
#define EFER_SVME   0x1000 /* KVM sets EFER.SVME in SEV-ES guests */
#define CR4_MCE	    0x40
#define CR0_ET	    0x10

/* A VMCB segment: u16 selector, u16 attributes, u32 limit, u64 base. */
static void
put_seg(uint8_t *p, uint16_t sel, uint16_t attr, uint32_t limit, uint64_t base)
{
	cvm_put_le16(p, sel);
	cvm_put_le16(p + 2, attr);
	cvm_put_le32(p + 4, limit);
	cvm_put_le64(p + 8, base);
}

/* Fields common to every reset state. */
static void
put_common(uint8_t *v, uint32_t rdx, uint64_t pat, uint64_t features)
{
	put_seg(v + VMSA_GDTR, 0, 0, 0xFFFF, 0);
	put_seg(v + VMSA_IDTR, 0, 0, 0xFFFF, 0);
	put_seg(v + VMSA_LDTR, 0, 0x82, 0xFFFF, 0);
	cvm_put_le64(v + VMSA_EFER, EFER_SVME);
	cvm_put_le64(v + VMSA_CR4, CR4_MCE);
	cvm_put_le64(v + VMSA_DR7, 0x400);
	cvm_put_le64(v + VMSA_DR6, 0xFFFF0FF0);
	cvm_put_le64(v + VMSA_RFLAGS, 0x2);
	cvm_put_le64(v + VMSA_G_PAT, pat);
	cvm_put_le64(v + VMSA_RDX, rdx);
	cvm_put_le64(v + VMSA_SEV_FEATURES, features);
	cvm_put_le64(v + VMSA_XCR0, 0x1);
}

void
cvm_vmsa_build(uint8_t v[CVM_PAGE_SIZE], uint32_t eip, uint64_t sev_features,
	       uint32_t vcpu_sig, enum cvm_vmm_type vmm)
{
	uint16_t cs = 0x9B, ss = 0x93, tr = 0x8B;
	uint32_t rdx = vcpu_sig, mxcsr = 0x1F80;
	uint16_t fcw = 0x37F;
	uint64_t pat = PAT_DEFAULT;

	memset(v, 0, CVM_PAGE_SIZE);
	if (vmm == CVM_VMM_EC2) {
		/* EC2: code segment not yet accessed on the BSP */
		cs = eip == BSP_EIP ? 0x9A : 0x9B;
		ss = 0x92;
		tr = 0x83;
	}
	if (vmm != CVM_VMM_QEMU) {
		/* EC2 and GCE: RDX = family 6 reset value, no FPU init */
		rdx = 0x600;
		mxcsr = 0;
		fcw = 0;
	}
	if (vmm == CVM_VMM_GCE)
		pat = PAT_GCE;
	put_seg(v + VMSA_ES, 0, 0x93, 0xFFFF, 0);
	put_seg(v + VMSA_CS, 0xF000, cs, 0xFFFF, eip & 0xFFFF0000u);
	put_seg(v + VMSA_SS, 0, ss, 0xFFFF, 0);
	put_seg(v + VMSA_DS, 0, 0x93, 0xFFFF, 0);
	put_seg(v + VMSA_FS, 0, 0x93, 0xFFFF, 0);
	put_seg(v + VMSA_GS, 0, 0x93, 0xFFFF, 0);
	put_seg(v + VMSA_TR, 0, tr, 0xFFFF, 0);
	put_common(v, rdx, pat, sev_features);
	cvm_put_le64(v + VMSA_CR0, CR0_ET);
	cvm_put_le64(v + VMSA_RIP, eip & 0xFFFF);
	cvm_put_le32(v + VMSA_MXCSR, mxcsr);
	cvm_put_le16(v + VMSA_X87_FCW, fcw);
}

void
cvm_vmsa_build_svsm(uint8_t v[CVM_PAGE_SIZE], uint64_t rip, uint32_t vcpu_sig)
{
	memset(v, 0, CVM_PAGE_SIZE);
	/* Coconut-SVSM starts in 64-bit mode with flat segments */
	put_seg(v + VMSA_ES, 16, 0xC93, 0xFFFFFFFF, 0);
	put_seg(v + VMSA_CS, 8, 0xC9B, 0xFFFFFFFF, 0);
	put_seg(v + VMSA_SS, 16, 0xC93, 0xFFFFFFFF, 0);
	put_seg(v + VMSA_DS, 16, 0xC93, 0xFFFFFFFF, 0);
	put_seg(v + VMSA_FS, 16, 0xC93, 0xFFFFFFFF, 0);
	put_seg(v + VMSA_GS, 0, 0x93, 0xFFFF, 0);
	put_seg(v + VMSA_TR, 0, 0x8B, 0xFFFF, 0);
	/* SEV_FEATURES is always SNPActive; X87_FCW stays 0, as measured on
	 * real hardware (sev-snp-measure tests/fixtures) */
	put_common(v, vcpu_sig, PAT_DEFAULT, 0x1);
	cvm_put_le64(v + VMSA_CR0, CR0_ET | 0x1);
	cvm_put_le64(v + VMSA_RIP, rip);
	cvm_put_le32(v + VMSA_MXCSR, 0x1F80);
}

uint32_t
cvm_cpu_sig(unsigned family, unsigned model, unsigned stepping)
{
	uint32_t fam_lo = family, fam_hi = 0;

	/* AMD CPUID spec 25481, Fn0000_0001_EAX */
	if (family > 0xF) {
		fam_lo = 0xF;
		fam_hi = (family - 0xF) & 0xFF;
	}
	return (fam_hi << 20) | (((model >> 4) & 0xF) << 16) | (fam_lo << 8) |
	       ((model & 0xF) << 4) | (stepping & 0xF);
}

/* QEMU's builtin_x86_defs AMD EPYC models and their versions */
static const struct {
	const char *name;
	unsigned family, model, stepping;
} vcpu_types[] = {
	{"EPYC", 23, 1, 2},	      {"EPYC-v1", 23, 1, 2},
	{"EPYC-v2", 23, 1, 2},	      {"EPYC-IBPB", 23, 1, 2},
	{"EPYC-v3", 23, 1, 2},	      {"EPYC-v4", 23, 1, 2},
	{"EPYC-Rome", 23, 49, 0},     {"EPYC-Rome-v1", 23, 49, 0},
	{"EPYC-Rome-v2", 23, 49, 0},  {"EPYC-Rome-v3", 23, 49, 0},
	{"EPYC-Milan", 25, 1, 1},     {"EPYC-Milan-v1", 25, 1, 1},
	{"EPYC-Milan-v2", 25, 1, 1},  {"EPYC-Genoa", 25, 17, 0},
	{"EPYC-Genoa-v1", 25, 17, 0}, {"EPYC-Turin", 26, 0, 0},
};

int
cvm_vcpu_type_sig(const char *name, uint32_t *sig)
{
	for (size_t i = 0; i < sizeof(vcpu_types) / sizeof(vcpu_types[0]);
	     i++) {
		if (strcmp(vcpu_types[i].name, name) == 0) {
			*sig = cvm_cpu_sig(vcpu_types[i].family,
					   vcpu_types[i].model,
					   vcpu_types[i].stepping);
			return 0;
		}
	}
	return -ENOENT;
}

const char *
cvm_vcpu_type_name(size_t i)
{
	if (i >= sizeof(vcpu_types) / sizeof(vcpu_types[0]))
		return NULL;
	return vcpu_types[i].name;
}

static const char *const mode_names[] = {
	[CVM_MEASURE_SEV] = "sev",
	[CVM_MEASURE_SEV_ES] = "seves",
	[CVM_MEASURE_SNP] = "snp",
	[CVM_MEASURE_SNP_OVMF_HASH] = "snp:ovmf-hash",
	[CVM_MEASURE_SNP_SVSM] = "snp:svsm",
};

int
cvm_measure_mode_parse(const char *s, enum cvm_measure_mode *out)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]);
	     i++) {
		if (strcmp(mode_names[i], s) == 0) {
			*out = (enum cvm_measure_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *
cvm_measure_mode_name(enum cvm_measure_mode m)
{
	return (unsigned)m < sizeof(mode_names) / sizeof(mode_names[0])
		       ? mode_names[m]
		       : "?";
}

const char *
cvm_measure_mode_label(enum cvm_measure_mode m)
{
	switch (m) {
	case CVM_MEASURE_SEV:
		return "SEV";
	case CVM_MEASURE_SEV_ES:
		return "SEV_ES";
	case CVM_MEASURE_SNP_SVSM:
		return "SEV_SNP_SVSM";
	default:
		return "SEV_SNP";
	}
}

int
cvm_vmm_type_parse(const char *s, enum cvm_vmm_type *out)
{
	if (strcmp(s, "QEMU") == 0)
		*out = CVM_VMM_QEMU;
	else if (strcmp(s, "ec2") == 0)
		*out = CVM_VMM_EC2;
	else if (strcmp(s, "gce") == 0)
		*out = CVM_VMM_GCE;
	else
		return -EINVAL;
	return 0;
}

const char *
cvm_vmm_type_name(enum cvm_vmm_type t)
{
	switch (t) {
	case CVM_VMM_EC2:
		return "ec2";
	case CVM_VMM_GCE:
		return "gce";
	default:
		return "QEMU";
	}
}

const char *
cvm_snp_page_type_name(enum cvm_snp_page_type t)
{
	static const char *const names[] = {
		[CVM_SNP_PAGE_NORMAL] = "NORMAL",
		[CVM_SNP_PAGE_VMSA] = "VMSA",
		[CVM_SNP_PAGE_ZERO] = "ZERO",
		[CVM_SNP_PAGE_UNMEASURED] = "UNMEASURED",
		[CVM_SNP_PAGE_SECRETS] = "SECRETS",
		[CVM_SNP_PAGE_CPUID] = "CPUID",
	};

	if ((unsigned)t < sizeof(names) / sizeof(names[0]) && names[t])
		return names[t];
	return "-";
}
