/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for lib/attest report decoding: every report in
 * ../shared/testdata/snp/expected.json parses to the expected fields, in
 * every container form; TCB layouts, generations, KDS URLs, certificate
 * tables and reference times.
 */
#include <openssl/sha.h>

#include "test-attest.h"
#include "cvm/cleanup.h"

static void
hex_equal(const uint8_t *p, size_t n, const char *want, const char *what)
{
	char got[2 * 64 + 1];

	cvm_hex_encode(p, n, got);
	if (!want || strcmp(got, want) != 0)
		fail_msg("%s: got %s, expected %s", what, got,
			 want ? want : "(none)");
}

static long long
jint(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("expected.json lacks '%s'", k);
	return json_object_get_int64(v);
}

static void
check_tcb(const char *what, uint64_t raw, enum cvm_snp_family f,
	  const char *want)
{
	struct cvm_snp_tcb t;
	char s[64];

	cvm_snp_tcb_decode(raw, f, &t);
	cvm_snp_tcb_format(&t, s, sizeof(s));
	if (strcmp(s, want) != 0)
		fail_msg("%s: %s, expected %s", what, s, want);
}

static void
check_fields(const struct cvm_snp_report *r, struct json_object *p,
	     enum cvm_snp_family f)
{
	char buf[200], want[200];

	assert_int_equal(r->version, jint(p, "version"));
	assert_int_equal(r->guest_svn, jint(p, "guest_svn"));
	assert_int_equal(r->policy, jint(p, "policy"));
	assert_int_equal(r->vmpl, jint(p, "vmpl"));
	assert_int_equal(r->sig_algo, jint(p, "signature_algo"));
	assert_int_equal(r->platform_info, jint(p, "platform_info"));
	assert_int_equal(r->author_key_en, jint(p, "author_key_en"));
	assert_int_equal(r->mask_chip_key, jint(p, "mask_chip_key"));
	assert_int_equal(r->signing_key, jint(p, "signing_key"));
	hex_equal(r->family_id, 16, jstr(p, "family_id"), "family_id");
	hex_equal(r->image_id, 16, jstr(p, "image_id"), "image_id");
	hex_equal(r->report_data, 64, jstr(p, "report_data"), "report_data");
	hex_equal(r->measurement, 48, jstr(p, "measurement"), "measurement");
	hex_equal(r->host_data, 32, jstr(p, "host_data"), "host_data");
	hex_equal(r->id_key_digest, 48, jstr(p, "id_key_digest"), "idkey");
	hex_equal(r->author_key_digest, 48, jstr(p, "author_key_digest"),
		  "author_key_digest");
	hex_equal(r->report_id, 32, jstr(p, "report_id"), "report_id");
	hex_equal(r->report_id_ma, 32, jstr(p, "report_id_ma"), "id_ma");
	hex_equal(r->chip_id, 64, jstr(p, "chip_id"), "chip_id");
	assert_int_equal(r->has_cpuid, jstr(p, "cpuid_fam") != NULL);
	if (r->has_cpuid) {
		assert_int_equal(r->cpuid_fam, jint(p, "cpuid_fam"));
		assert_int_equal(r->cpuid_mod, jint(p, "cpuid_mod"));
		assert_int_equal(r->cpuid_step, jint(p, "cpuid_step"));
	}
	if (jstr(p, "launch_mit_vector")) {
		assert_true(r->has_mit);
		assert_int_equal(r->launch_mit_vector,
				 jint(p, "launch_mit_vector"));
		assert_int_equal(r->current_mit_vector,
				 jint(p, "current_mit_vector"));
	}
	snprintf(buf, sizeof(buf), "%u.%u.%u", r->current_major,
		 r->current_minor, r->current_build);
	assert_string_equal(buf, jstr(p, "current_fw"));
	snprintf(buf, sizeof(buf), "%u.%u.%u", r->committed_major,
		 r->committed_minor, r->committed_build);
	assert_string_equal(buf, jstr(p, "committed_fw"));
	check_tcb("current_tcb", r->current_tcb, f, jstr(p, "current_tcb"));
	check_tcb("reported_tcb", r->reported_tcb, f, jstr(p, "reported_tcb"));
	check_tcb("committed_tcb", r->committed_tcb, f,
		  jstr(p, "committed_tcb"));
	check_tcb("launch_tcb", r->launch_tcb, f, jstr(p, "launch_tcb"));
	snprintf(buf, sizeof(buf), "0x%016llx",
		 (unsigned long long)r->reported_tcb);
	assert_string_equal(buf, jstr(p, "reported_tcb_hex"));
	snprintf(buf, sizeof(buf), "0x%016llx",
		 (unsigned long long)r->current_tcb);
	assert_string_equal(buf, jstr(p, "current_tcb_hex"));
	cvm_snp_platform_info_format(r->platform_info, buf, sizeof(buf));
	snprintf(want, sizeof(want), "%s", jstr(p, "platform_info_flags"));
	/* expected.json names the reserved bit 6 differently */
	if (strstr(want, "BIT6_RESERVED_BUT_SET"))
		strcpy(strstr(want, "BIT6_RESERVED_BUT_SET"), "BIT6");
	assert_string_equal(buf, want);
	{
		struct json_object *nz = NULL;

		assert_true(
			json_object_object_get_ex(p, "nonzero_reserved", &nz));
		assert_int_equal(r->n_nonzero_reserved,
				 json_object_array_length(nz));
	}
	/* "abi=0.0 SMT,RSVD1,DEBUG": the DEBUG bit agrees */
	assert_int_equal(!!(r->policy & CVM_ATTEST_POLICY_DEBUG),
			 strstr(jstr(p, "policy_flags"), "DEBUG") != NULL);
}

/* Parse each expected.json report, raw and (where present) wrapped. */
static void
test_expected_fields(void **state)
{
	struct json_object *exp = snp_expected(), *cases, *c, *p;
	struct cvm_snp_evidence ev;
	struct cvm_err err = CVM_ERR_INIT;
	size_t tested = 0;

	(void)state;
	assert_true(json_object_object_get_ex(exp, "cases", &cases));
	for (size_t i = 0; i < json_object_array_length(cases); i++) {
		cleanup_free char *rel = NULL;
		cleanup_free uint8_t *data = NULL;
		uint8_t sha[32];
		size_t len = 0;
		enum cvm_snp_family f;

		c = json_object_array_get_idx(cases, i);
		if (!jstr(c, "report"))
			continue;
		rel = cvm_xasprintf("%s/%s", jstr(c, "case"),
				    jstr(c, "report"));
		data = snp_read(rel, &len);
		assert_int_equal(len, jint(c, "report_file_size"));
		SHA256(data, len, sha);
		hex_equal(sha, 32, jstr(c, "report_file_sha256"), rel);
		if (cvm_snp_evidence_load(data, len, rel, &ev, &err) < 0)
			fail_msg("%s", err.msg);
		assert_int_equal(ev.format, CVM_SNP_FMT_RAW);
		f = cvm_snp_family_parse(jstr(c, "generation"));
		assert_true(json_object_object_get_ex(c, "parsed", &p));
		check_fields(&ev.report, p, f);
		cvm_snp_evidence_release(&ev);
		tested++;
	}
	assert_int_equal(tested, 8);
	json_object_put(exp);
}

/* The HCL files unwrap to exactly the derived raw reports. */
static void
test_hcl_unwrap(void **state)
{
	static const char *const pairs[][2] = {
		{"milan-v2-azure-hcl/hcl-report.bin",
		 "milan-v2-azure-hcl/report.bin"},
		{"neg-milan-v2-azure-wrong-vcek/hcl-report-snp.bin",
		 "neg-milan-v2-azure-wrong-vcek/report.bin"},
	};
	struct cvm_snp_evidence ev;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		size_t hl = 0, rl = 0;
		cleanup_free uint8_t *h = snp_read(pairs[i][0], &hl);
		cleanup_free uint8_t *raw = snp_read(pairs[i][1], &rl);

		assert_int_equal(cvm_snp_evidence_load(h, hl, "x", &ev, &err),
				 0);
		assert_int_equal(ev.format, CVM_SNP_FMT_HCL);
		assert_true(ev.hcl.present);
		assert_int_equal(ev.hcl.report_type, 2);
		assert_int_equal(ev.hcl.hash_type, 1);
		assert_true(ev.hcl.var_len > 500);
		assert_int_equal(ev.hcl.var_data[0], '{');
		assert_memory_equal(ev.report.raw, raw, rl);
		cvm_snp_evidence_release(&ev);
		/* a truncated HCL report is refused, not misread */
		assert_int_equal(
			cvm_snp_evidence_load(h, 0x4C8, "cut", &ev, &err),
			-CVM_E_PARSE);
		assert_non_null(strstr(err.msg, "'cut'"));
	}
}

/* Hex text (virtee's file) and base64 text give the same report. */
static void
test_text_forms(void **state)
{
	size_t hl = 0, rl = 0;
	cleanup_free uint8_t *hex =
		snp_read("milan-v2-virtee/report_milan.hex", &hl);
	cleanup_free uint8_t *raw = snp_read("milan-v2-virtee/report.bin", &rl);
	cleanup_free char *b64 = NULL;
	struct cvm_snp_evidence ev;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_snp_evidence_load(hex, hl, "h", &ev, &err), 0);
	assert_int_equal(ev.format, CVM_SNP_FMT_HEX);
	assert_memory_equal(ev.report.raw, raw, rl);
	b64 = cvm_base64_encode(raw, rl);
	assert_int_equal(cvm_snp_evidence_load((uint8_t *)b64, strlen(b64), "b",
					       &ev, &err),
			 0);
	assert_int_equal(ev.format, CVM_SNP_FMT_BASE64);
	assert_memory_equal(ev.report.raw, raw, rl);
}

static void
test_bad_inputs(void **state)
{
	uint8_t buf[CVM_SNP_REPORT_SIZE + 1] = {0};
	struct cvm_snp_evidence ev;
	struct cvm_snp_report r;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(
		cvm_snp_evidence_load(buf, 100, "short.bin", &ev, &err),
		-CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "'short.bin' is not an SNP report"));
	assert_int_equal(
		cvm_snp_evidence_load(buf, sizeof(buf), "long", &ev, &err),
		-CVM_E_PARSE);
	/* version 1 is refused; 2 and later parse */
	buf[0] = 1;
	assert_int_equal(
		cvm_snp_report_parse(buf, CVM_SNP_REPORT_SIZE, &r, &err),
		-CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "version 1"));
	buf[0] = 7;
	buf[0x4C] = 1; /* reserved */
	assert_int_equal(
		cvm_snp_report_parse(buf, CVM_SNP_REPORT_SIZE, &r, &err), 0);
	assert_true(r.has_mit && r.has_cpuid);
	assert_int_equal(r.n_nonzero_reserved, 1);
	assert_string_equal(r.nonzero_reserved[0], "0x4c-0x4f");
	assert_int_equal(
		cvm_snp_evidence_load((const uint8_t *)"zz", 2, "t", &ev, &err),
		-CVM_E_PARSE);
}

static void
test_tcb_and_family(void **state)
{
	struct cvm_snp_tcb t;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_snp_family_from_cpuid(0x19, 0x01), CVM_SNP_MILAN);
	assert_int_equal(cvm_snp_family_from_cpuid(0x19, 0x11), CVM_SNP_GENOA);
	assert_int_equal(cvm_snp_family_from_cpuid(0x19, 0xA0), CVM_SNP_GENOA);
	assert_int_equal(cvm_snp_family_from_cpuid(0x1A, 0x02), CVM_SNP_TURIN);
	assert_int_equal(cvm_snp_family_from_cpuid(0x17, 0x31), 0);
	assert_int_equal(cvm_snp_family_parse("genoa"), CVM_SNP_GENOA);
	/* the same raw value decodes differently on Turin */
	cvm_snp_tcb_decode(0x4700000002000100ull, CVM_SNP_TURIN, &t);
	assert_true(t.has_fmc && t.bl == 1 && t.snp == 2 && t.ucode == 71);
	cvm_snp_tcb_decode(0x4700000002000100ull, CVM_SNP_MILAN, &t);
	assert_true(!t.has_fmc && t.bl == 0 && t.tee == 1 && t.snp == 0);
	assert_int_equal(cvm_snp_tcb_parse("bl=3,tee=0,snp=8,ucode=115",
					   CVM_SNP_MILAN, &t, &err),
			 0);
	assert_true(t.raw == 0x7308000000000003ull);
	assert_int_equal(cvm_snp_tcb_parse("fmc=0 bl=1 tee=0 snp=2 ucode=71",
					   CVM_SNP_TURIN, &t, &err),
			 0);
	assert_true(t.raw == 0x4700000002000100ull);
	assert_int_equal(cvm_snp_tcb_parse("0x7308000000000003", CVM_SNP_MILAN,
					   &t, &err),
			 0);
	assert_int_equal(t.ucode, 115);
	assert_int_equal(cvm_snp_tcb_parse("bl=300", 0, &t, &err),
			 -CVM_E_USAGE);
	assert_int_equal(cvm_snp_tcb_parse("xx=1", 0, &t, &err), -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "unknown component 'xx'"));
}

static struct cvm_snp_report *
load_report(const char *rel)
{
	size_t len = 0;
	cleanup_free uint8_t *d = snp_read(rel, &len);
	struct cvm_snp_report *r = cvm_xmalloc(sizeof(*r));

	assert_int_equal(cvm_snp_report_parse(d, len, r, NULL), 0);
	return r;
}

static void
test_kds_url(void **state)
{
	cleanup_free struct cvm_snp_report *m =
		load_report("milan-v3-oak/report.bin");
	cleanup_free struct cvm_snp_report *t =
		load_report("turin-v5-oak/report.bin");
	cleanup_free struct cvm_snp_report *v2 =
		load_report("milan-v2-virtee/report.bin");
	cleanup_free struct cvm_snp_report *vl =
		load_report("milan-v3-vlek-vmpl1-trustee/report.bin");
	struct cvm_err err = CVM_ERR_INIT;
	char url[300], name[200];

	(void)state;
	assert_int_equal(cvm_attest_kds_url(m, 0, url, sizeof(url), &err), 0);
	assert_string_equal(
		url, "https://kdsintf.amd.com/vcek/v1/Milan/"
		     "a3fdc2c64dc299ab90d4238973864b586378e2e5ef9c9d4dc608f3bd"
		     "aa89a969a03f1b5752cad55a0c1547ade800dbd7404e9cb3f9738da3"
		     "b280d1df69cf82e4?blSPL=04&teeSPL=00&snpSPL=24&ucodeSPL="
		     "219");
	assert_int_equal(cvm_attest_kds_url(t, 0, url, sizeof(url), &err), 0);
	assert_string_equal(url, "https://kdsintf.amd.com/vcek/v1/Turin/"
				 "3b42092f69c656d3?fmcSPL=00&blSPL=01&teeSPL="
				 "00&snpSPL=02&ucodeSPL=71");
	/* a v2 report has no CPUID: the generation must be given */
	assert_int_equal(cvm_attest_kds_url(v2, 0, url, sizeof(url), &err),
			 -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "--product"));
	assert_int_equal(
		cvm_attest_kds_url(v2, CVM_SNP_MILAN, url, sizeof(url), &err),
		0);
	assert_non_null(strstr(url, "/Milan/d49554ec717f4e5b"));
	assert_int_equal(cvm_attest_kds_url(vl, 0, url, sizeof(url), &err),
			 -CVM_E_UNSUPPORTED);
	cvm_attest_kds_chain_url(CVM_SNP_GENOA, url, sizeof(url));
	assert_string_equal(url,
			    "https://kdsintf.amd.com/vcek/v1/Genoa/cert_chain");
	cvm_attest_cache_name(m, name, sizeof(name));
	assert_true(strncmp(name, "vcek-a3fdc2c64dc299ab", 21) == 0);
	assert_non_null(strstr(name, "-db18000000000004.der"));
}

static void
put_entry(uint8_t *t, size_t i, const char *guid_hex, uint32_t off,
	  uint32_t len)
{
	assert_int_equal(cvm_hex_decode(guid_hex, t + 24 * i, 16, NULL), 0);
	cvm_put_le32(t + 24 * i + 16, off);
	cvm_put_le32(t + 24 * i + 20, len);
}

static void
test_cert_table(void **state)
{
	uint8_t blob[200] = {0};
	struct cvm_attest_hostcert c[4];
	struct cvm_err err = CVM_ERR_INIT;
	size_t n = 0;

	(void)state;
	put_entry(blob, 0, "63da758de6644564adc5f4b93be8accd", 96, 10);
	put_entry(blob, 1,
		  "c0b406a4a80349529743"
		  "3fb6014cd0ae",
		  106, 20);
	put_entry(blob, 2, "00112233445566778899aabbccddeeff", 126, 5);
	memset(blob + 96, 'V', 10);
	memset(blob + 106, 'A', 20);
	assert_int_equal(
		cvm_attest_cert_table_parse(blob, sizeof(blob), c, 4, &n, &err),
		0);
	assert_int_equal(n, 3);
	assert_string_equal(c[0].name, "vcek");
	assert_int_equal(c[0].len, 10);
	assert_int_equal(c[0].data[9], 'V');
	assert_string_equal(c[1].name, "ark");
	assert_null(c[2].name);
	for (size_t i = 0; i < n; i++)
		free(c[i].data);
	/* an entry past the end of the blob */
	put_entry(blob, 2, "00112233445566778899aabbccddeeff", 190, 50);
	assert_int_equal(
		cvm_attest_cert_table_parse(blob, sizeof(blob), c, 4, &n, &err),
		-CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "outside"));
	/* no terminator: one entry whose data ends the blob */
	memset(blob, 0, sizeof(blob));
	put_entry(blob, 0, "63da758de6644564adc5f4b93be8accd", 24, 16);
	assert_int_equal(cvm_attest_cert_table_parse(blob, 40, c, 4, &n, &err),
			 -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "terminating"));
}

static void
test_parse_time(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	time_t t = 0;

	(void)state;
	assert_int_equal(cvm_attest_parse_time("2025-09-01", &t, &err), 0);
	assert_int_equal(t, SNP_TEST_AT);
	assert_int_equal(
		cvm_attest_parse_time("2025-09-01T00:00:10Z", &t, &err), 0);
	assert_int_equal(t, SNP_TEST_AT + 10);
	assert_int_equal(cvm_attest_parse_time("@1756684800", &t, &err), 0);
	assert_int_equal(t, SNP_TEST_AT);
	assert_int_equal(cvm_attest_parse_time("yesterday", &t, &err),
			 -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "bad time 'yesterday'"));
	assert_int_equal(cvm_attest_parse_time("2025-09-01x", &t, &err),
			 -CVM_E_USAGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expected_fields),
		cmocka_unit_test(test_hcl_unwrap),
		cmocka_unit_test(test_text_forms),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_tcb_and_family),
		cmocka_unit_test(test_kds_url),
		cmocka_unit_test(test_cert_table),
		cmocka_unit_test(test_parse_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
