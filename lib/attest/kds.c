/* SPDX-License-Identifier: MIT */
/*
 * AMD Key Distribution Service addresses (VCEK spec, "KDS Interface")
 * and the file names of the --cert-cache folder.  No network: the user
 * fetches the certificate with the URL printed here.
 */
#include <stdio.h>

#include "attest-priv.h"
#include "cvm/util.h"

#define KDS_BASE "https://kdsintf.amd.com"

int
cvm_attest_kds_url(const struct cvm_snp_report *r, enum cvm_snp_family f,
		   char *out, size_t n, struct cvm_err *err)
{
	struct cvm_snp_tcb t;
	char hwid[2 * 64 + 1];

	out[0] = '\0';
	if (r->signing_key == CVM_SNP_SIGNER_VLEK)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "the report is signed by a VLEK: VLEKs come "
				   "from the cloud provider, not from AMD KDS");
	if (!f && r->has_cpuid)
		f = cvm_snp_family_from_cpuid(r->cpuid_fam, r->cpuid_mod);
	if (!f)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "cannot tell the processor generation of a "
				   "version %u report: pass --product "
				   "Milan|Genoa|Turin",
				   r->version);
	cvm_snp_tcb_decode(r->reported_tcb, f, &t);
	/* Turin VCEKs are indexed by the first 8 bytes of CHIP_ID */
	cvm_hex_encode(r->chip_id, f == CVM_SNP_TURIN ? 8 : 64, hwid);
	if (f == CVM_SNP_TURIN)
		snprintf(out, n,
			 KDS_BASE "/vcek/v1/%s/%s?fmcSPL=%02u&blSPL=%02u"
				  "&teeSPL=%02u&snpSPL=%02u&ucodeSPL=%02u",
			 cvm_snp_family_name(f), hwid, t.fmc, t.bl, t.tee,
			 t.snp, t.ucode);
	else
		snprintf(out, n,
			 KDS_BASE "/vcek/v1/%s/%s?blSPL=%02u&teeSPL=%02u"
				  "&snpSPL=%02u&ucodeSPL=%02u",
			 cvm_snp_family_name(f), hwid, t.bl, t.tee, t.snp,
			 t.ucode);
	return 0;
}

void
cvm_attest_kds_chain_url(enum cvm_snp_family f, char *out, size_t n)
{
	snprintf(out, n, KDS_BASE "/vcek/v1/%s/cert_chain",
		 cvm_snp_family_name(f));
}

void
cvm_attest_cache_name(const struct cvm_snp_report *r, char *out, size_t n)
{
	char chip[2 * 64 + 1];

	cvm_hex_encode(r->chip_id, 64, chip);
	snprintf(out, n, "vcek-%s-%016llx.der", chip,
		 (unsigned long long)r->reported_tcb);
}
