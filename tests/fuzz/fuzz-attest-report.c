/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the SEV-SNP report parser and the evidence loader (raw, Azure
 * HCL, hex and base64 forms) with the helpers that format a parsed
 * report: TCB decoding for every generation, PLATFORM_INFO names, the
 * KDS URL and the cache name (SNP ABI spec 56860, ATTESTATION_REPORT).
 * Seeds: the reports of ../shared/testdata/snp in every form.
 */
#include "fuzz.h"

#include "cvm/attest.h"

static void
check_text(const char *s, size_t cap, const char *what)
{
	if (strnlen(s, cap) == cap)
		fuzz_fail("%s: not terminated", what);
}

static void
exercise(const struct cvm_snp_report *r)
{
	static const enum cvm_snp_family fams[] = {CVM_SNP_FAMILY_UNKNOWN,
						   CVM_SNP_MILAN, CVM_SNP_GENOA,
						   CVM_SNP_TURIN};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_snp_tcb t;
	char buf[512];
	int ret;

	if (r->n_nonzero_reserved > 8)
		fuzz_fail("n_nonzero_reserved %zu > 8", r->n_nonzero_reserved);
	cvm_snp_platform_info_format(r->platform_info, buf, sizeof(buf));
	check_text(buf, sizeof(buf), "platform_info_format");
	cvm_snp_platform_info_format(r->platform_info, buf, 8);
	check_text(buf, 8, "platform_info_format (short)");
	for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		cvm_snp_tcb_decode(r->reported_tcb, fams[i], &t);
		cvm_snp_tcb_format(&t, buf, sizeof(buf));
		check_text(buf, sizeof(buf), "tcb_format");
		cvm_snp_tcb_format(&t, buf, 5);
		check_text(buf, 5, "tcb_format (short)");
		cvm_err_clear(&err);
		ret = cvm_attest_kds_url(r, fams[i], buf, sizeof(buf), &err);
		fuzz_check_err(ret, &err, "cvm_attest_kds_url");
		if (ret == 0 && strncmp(buf, "https://", 8) != 0)
			fuzz_fail("kds url '%s'", buf);
	}
	cvm_attest_cache_name(r, buf, sizeof(buf));
	check_text(buf, sizeof(buf), "cache_name");
	if (strchr(buf, '/'))
		fuzz_fail("cache name '%s' has a '/'", buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_snp_report *r = cvm_xmalloc(sizeof(*r));
	struct cvm_snp_evidence *ev = cvm_xcalloc(1, sizeof(*ev));
	struct cvm_err err = CVM_ERR_INIT;
	int ret;

	ret = cvm_snp_report_parse(data, size, r, &err);
	fuzz_check_err(ret, &err, "cvm_snp_report_parse");
	if (ret == 0) {
		if (size != CVM_SNP_REPORT_SIZE)
			fuzz_fail("parsed a report of %zu bytes", size);
		if (memcmp(r->raw, data, size) != 0)
			fuzz_fail("raw bytes differ from the input");
		exercise(r);
	}
	cvm_err_clear(&err);
	ret = cvm_snp_evidence_load(data, size, "fuzz", ev, &err);
	fuzz_check_err(ret, &err, "cvm_snp_evidence_load");
	if (ret == 0) {
		if (ev->report.version < 2)
			fuzz_fail("loaded a version %u report",
				  ev->report.version);
		(void)cvm_snp_format_name(ev->format);
		exercise(&ev->report);
	}
	cvm_snp_evidence_release(ev);
	free(ev);
	free(r);
	return 0;
}
