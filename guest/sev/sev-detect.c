/* SPDX-License-Identifier: MIT */
/* SEV detection and the SEV_STATUS policy: see sev-detect.h. */
#include "sev-detect.h"

void
sev_caps_decode(uint32_t ext_max, const uint32_t r[4], struct sev_caps *c)
{
	c->leaf = ext_max >= SEV_CPUID_ENC_LEAF;
	c->sme = c->sev = c->sev_es = c->snp = c->vmpl = false;
	c->cbit = c->reduction = c->nr_vmpls = 0;
	c->nr_guests = c->min_asid = 0;
	if (!c->leaf)
		return;
	/* APM vol. 3, Fn8000_001F: EAX features, EBX geometry */
	c->sme = r[0] & SEV_CPUID_EAX_SME;
	c->sev = r[0] & SEV_CPUID_EAX_SEV;
	c->sev_es = r[0] & SEV_CPUID_EAX_SEV_ES;
	c->snp = r[0] & SEV_CPUID_EAX_SNP;
	c->vmpl = r[0] & SEV_CPUID_EAX_VMPL;
	c->cbit = r[1] & 0x3f;
	c->reduction = (r[1] >> 6) & 0x3f;
	c->nr_vmpls = (r[1] >> 12) & 0xf;
	c->nr_guests = r[2];
	c->min_asid = r[3];
}

enum sev_mode
sev_status_mode(uint64_t status)
{
	if (status & SEV_STATUS_SNP)
		return SEV_MODE_SNP;
	if (status & SEV_STATUS_ES)
		return SEV_MODE_ES;
	if (status & SEV_STATUS_SEV)
		return SEV_MODE_SEV;
	return SEV_MODE_NONE;
}

const char *
sev_mode_name(enum sev_mode m)
{
	switch (m) {
	case SEV_MODE_SEV:
		return "sev";
	case SEV_MODE_ES:
		return "sev-es";
	case SEV_MODE_SNP:
		return "sev-snp";
	default:
		return "none";
	}
}

int
sev_status_check(uint64_t status, uint64_t *unsupported)
{
	uint64_t bad = status & ~(uint64_t)SEV_STATUS_ACCEPTED;

	if (unsupported)
		*unsupported = bad;
	/* APM §15.34.10: SEV-ES implies SEV, SNP implies SEV-ES */
	if ((status & SEV_STATUS_ES) && !(status & SEV_STATUS_SEV))
		return SEV_TERM_STATUS;
	if ((status & SEV_STATUS_SNP) && !(status & SEV_STATUS_ES))
		return SEV_TERM_STATUS;
	/* any feature bit without its mode bit is just as suspicious */
	if ((status & ~(uint64_t)0x7) && !(status & SEV_STATUS_SEV))
		return SEV_TERM_STATUS;
	if (bad)
		return SEV_TERM_FEATURES;
	return 0;
}

int
sev_cbit_mask(unsigned cbit, unsigned phys_bits, unsigned reduction,
	      uint64_t *mask, uint64_t *gpa_limit)
{
	unsigned usable;

	if (phys_bits == 0 || phys_bits > 64 || reduction >= phys_bits)
		return SEV_E_INVAL;
	usable = phys_bits - reduction;
	/*
	 * The C-bit must lie above every usable address bit, and CPUID
	 * only encodes 6 bits; real parts use 47 or 51.  Anything below
	 * 32 would alias RAM the unikernel uses.
	 */
	if (cbit < 32 || cbit > 63 || cbit < usable)
		return SEV_E_INVAL;
	*mask = 1ull << cbit;
	*gpa_limit = usable >= 64 ? UINT64_MAX : 1ull << usable;
	return 0;
}
