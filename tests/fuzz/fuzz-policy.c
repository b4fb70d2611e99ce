/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the guest policy parser and explainer (lib/policy; SEV API spec
 * 55766 ch. 3, SNP ABI spec 56860 "Guest Policy") and the policy
 * builder.  Input: a selector byte, then the policy text.  The selector
 * picks the kind (SEV or SNP), the host the notes are written for, and
 * the builder's options.  Promises checked: a parsed SEV value fits in
 * 32 bits, fields and notes stay within their arrays, and a value the
 * builder makes parses back and is not refused by the explainer.
 */
#include "fuzz.h"

#include "cvm/policy.h"

static void
check_report(const struct cvm_policy_report *rep, uint64_t value)
{
	if (rep->value != value)
		fuzz_fail("report value 0x%llx for 0x%llx",
			  (unsigned long long)rep->value,
			  (unsigned long long)value);
	if (rep->nfields > CVM_POLICY_MAX_FIELDS ||
	    rep->nnotes > CVM_POLICY_MAX_NOTES)
		fuzz_fail("counts out of range");
	for (size_t i = 0; i < rep->nfields; i++)
		if (!rep->fields[i].name ||
		    rep->fields[i].lo > rep->fields[i].hi ||
		    rep->fields[i].hi > 63)
			fuzz_fail("bad field %zu", i);
	for (size_t i = 0; i < rep->nnotes; i++) {
		if (strnlen(rep->notes[i].text, sizeof(rep->notes[i].text)) ==
		    sizeof(rep->notes[i].text))
			fuzz_fail("note not terminated");
		(void)cvm_note_level_name(rep->notes[i].level);
	}
}

static void
make(uint8_t sel, uint64_t bits)
{
	static const enum cvm_protection levels[] = {
		CVM_PROT_SEV, CVM_PROT_SEV_ES, CVM_PROT_SEV_SNP};
	struct cvm_policy_opts o = {0};
	struct cvm_policy_report rep;
	struct cvm_err err = CVM_ERR_INIT;
	enum cvm_policy_kind kind;
	char text[32];
	uint64_t v, back;
	int r;

	o.level = levels[sel % 3];
	o.allow_debug = bits & 1;
	o.no_smt = bits & 2;
	o.single_socket = bits & 4;
	o.allow_key_sharing = bits & 8;
	o.no_send = bits & 16;
	o.cxl_allow = bits & 32;
	o.aes_256_xts = bits & 64;
	o.rapl_dis = bits & 128;
	o.ciphertext_hiding = bits & 256;
	o.page_swap_disable = bits & 512;
	o.api_major = (uint8_t)(bits >> 16);
	o.api_minor = (uint8_t)(bits >> 24);
	r = cvm_policy_make(&o, &v, &err);
	fuzz_check_err(r, &err, "cvm_policy_make");
	if (r < 0)
		return;
	kind = o.level == CVM_PROT_SEV_SNP ? CVM_POLICY_SNP : CVM_POLICY_SEV;
	snprintf(text, sizeof(text), "0x%llx", (unsigned long long)v);
	if (cvm_policy_parse(text, kind, &back, &err) < 0 || back != v)
		fuzz_fail("made policy %s does not parse back", text);
	cvm_policy_explain(kind, v, NULL, &rep);
	check_report(&rep, v);
	if (rep.refused)
		fuzz_fail("made policy %s is refused by the explainer", text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint8_t sel = fuzz_u8(&in);
	enum cvm_policy_kind kind = sel & 1 ? CVM_POLICY_SNP : CVM_POLICY_SEV;
	struct cvm_policy_host host = {
		.sev_es = sel & 2,
		.sev_snp = sel & 4,
		.have_firmware = sel & 8,
		.api_major = 1,
		.api_minor = (uint8_t)(sel & 0xf0),
	};
	struct cvm_policy_report rep;
	struct cvm_err err = CVM_ERR_INIT;
	char *text = fuzz_cstr(in.p, in.n);
	uint64_t v = 0;
	int r;

	r = cvm_policy_parse(text, kind, &v, &err);
	fuzz_check_err(r, &err, "cvm_policy_parse");
	if (r == 0) {
		if (kind == CVM_POLICY_SEV && v > UINT32_MAX)
			fuzz_fail("SEV policy 0x%llx wider than 32 bits",
				  (unsigned long long)v);
		cvm_policy_explain(kind, v, NULL, &rep);
		check_report(&rep, v);
		cvm_policy_explain(kind, v, &host, &rep);
		check_report(&rep, v);
		make(sel >> 4, v);
	}
	/* the explainer takes any value */
	if (size >= 9) {
		v = 0;
		for (int i = 0; i < 8; i++)
			v |= (uint64_t)data[1 + i] << (8 * i);
		cvm_policy_explain(kind, v, &host, &rep);
		check_report(&rep, v);
	}
	free(text);
	return 0;
}
