/* SPDX-License-Identifier: MIT */
/*
 * Guest policies: parsing (hex or decimal only; malformed text is a
 * usage error naming it), the bit-by-bit explanation with its warnings
 * and errors, safe defaults, and make -> explain round trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/policy.h"

static void
test_parse_valid(void **state)
{
	static const struct {
		const char *text;
		enum cvm_policy_kind kind;
		uint64_t want;
	} ok[] = {
		{"0x30000", CVM_POLICY_SNP, 0x30000},
		{"0X30000", CVM_POLICY_SNP, 0x30000},
		{"0x00030000", CVM_POLICY_SNP, 0x30000},
		{"196608", CVM_POLICY_SNP, 0x30000},
		{"0", CVM_POLICY_SEV, 0},
		{"0x0", CVM_POLICY_SEV, 0},
		{"7", CVM_POLICY_SEV, 7},
		{"0x07", CVM_POLICY_SEV, 7},
		{"0xffffffff", CVM_POLICY_SEV, 0xffffffffu},
		{"4294967295", CVM_POLICY_SEV, 0xffffffffu},
		{"0xFFFFFFFFFFFFFFFF", CVM_POLICY_SNP, UINT64_MAX},
		{"18446744073709551615", CVM_POLICY_SNP, UINT64_MAX},
		{"0x0000000000000000030000", CVM_POLICY_SNP, 0x30000},
	};

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(ok); i++) {
		struct cvm_err err = CVM_ERR_INIT;
		uint64_t v = 1234;

		if (cvm_policy_parse(ok[i].text, ok[i].kind, &v, &err) < 0)
			fail_msg("'%s': %s", ok[i].text, err.msg);
		assert_true(v == ok[i].want);
	}
}

static void
test_parse_malformed(void **state)
{
	static const struct {
		const char *text;
		enum cvm_policy_kind kind;
		const char *why;
	} bad[] = {
		{"", CVM_POLICY_SNP, "empty"},
		{"0x", CVM_POLICY_SNP, "no digits"},
		{"0X", CVM_POLICY_SEV, "no digits"},
		{"0xg", CVM_POLICY_SNP, "'g' is not a hex digit"},
		{"0x3000z", CVM_POLICY_SNP, "'z' is not a hex digit"},
		{"-1", CVM_POLICY_SNP, "sign"},
		{"+7", CVM_POLICY_SEV, "sign"},
		{"-0x1", CVM_POLICY_SNP, "sign"},
		{" 7", CVM_POLICY_SEV, "white space"},
		{"7 ", CVM_POLICY_SEV, "white space"},
		{"0x3 0000", CVM_POLICY_SNP, "white space"},
		{"0x30000\n", CVM_POLICY_SNP, "white space"},
		{"1.0", CVM_POLICY_SEV, "'.' is not a decimal digit"},
		{"1e3", CVM_POLICY_SEV, "need the 0x prefix"},
		{"ff", CVM_POLICY_SNP, "need the 0x prefix"},
		{"30000h", CVM_POLICY_SNP, "'h' is not a decimal digit"},
		{"0b101", CVM_POLICY_SNP, "leading zero"},
		{"010", CVM_POLICY_SEV, "leading zero"},
		{"007", CVM_POLICY_SEV, "leading zero"},
		{"0x0x1", CVM_POLICY_SNP, "'x' is not a hex digit"},
		{"x30000", CVM_POLICY_SNP, "'x' is not a decimal digit"},
		{"ten", CVM_POLICY_SEV, "'t' is not a decimal digit"},
		{"1_000", CVM_POLICY_SEV, "'_' is not a decimal digit"},
		{"0x1_0", CVM_POLICY_SNP, "'_' is not a hex digit"},
		{"0x10000000000000000", CVM_POLICY_SNP, "too large"},
		{"18446744073709551616", CVM_POLICY_SNP, "too large"},
		{"99999999999999999999999", CVM_POLICY_SNP, "too large"},
		{"0x100000000", CVM_POLICY_SEV, "too large for an SEV policy"},
		{"4294967296", CVM_POLICY_SEV, "too large for an SEV policy"},
		{"\xd9\xa3", CVM_POLICY_SEV, "not a decimal digit"},
		{"0x\t1", CVM_POLICY_SNP, "white space"},
	};

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++) {
		struct cvm_err err = CVM_ERR_INIT;
		uint64_t v = 42;
		int r = cvm_policy_parse(bad[i].text, bad[i].kind, &v, &err);

		if (r != -CVM_E_USAGE)
			fail_msg("'%s' was accepted (%d)", bad[i].text, r);
		assert_true(v == 42);
		if (!strstr(err.msg, bad[i].why))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].text,
				 err.msg, bad[i].why);
		/* the message names the text (quoted) */
		if (bad[i].text[0] && strncmp(err.msg, "'", 1) != 0)
			fail_msg("'%s': message does not start with it: %s",
				 bad[i].text, err.msg);
	}
	assert_true(CVM_ARRAY_SIZE(bad) >= 20);
}

static const struct cvm_policy_field *
field(const struct cvm_policy_report *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	fail_msg("no field %s", name);
	return NULL;
}

static size_t
count(const struct cvm_policy_report *r, enum cvm_note_level level)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nnotes; i++)
		n += r->notes[i].level == level;
	return n;
}

static bool
has_note(const struct cvm_policy_report *r, enum cvm_note_level level,
	 const char *text)
{
	for (size_t i = 0; i < r->nnotes; i++)
		if (r->notes[i].level == level &&
		    strstr(r->notes[i].text, text))
			return true;
	return false;
}

static void
test_explain_snp_default(void **state)
{
	struct cvm_policy_report r;
	unsigned covered = 0;

	(void)state;
	cvm_policy_explain(CVM_POLICY_SNP, 0x30000, NULL, &r);
	assert_int_equal(r.nfields, 13);
	assert_int_equal(field(&r, "SMT")->value, 1);
	assert_string_equal(field(&r, "SMT")->meaning, "SMT allowed");
	assert_int_equal(field(&r, "RSVD_MBO")->value, 1);
	assert_int_equal(field(&r, "DEBUG")->value, 0);
	assert_int_equal(field(&r, "ABI_MAJOR")->lo, 8);
	assert_int_equal(field(&r, "ABI_MAJOR")->hi, 15);
	assert_int_equal(field(&r, "RESERVED")->hi, 63);
	assert_false(r.debug_allowed);
	assert_false(r.refused);
	assert_int_equal(count(&r, CVM_NOTE_WARN), 0);
	assert_int_equal(count(&r, CVM_NOTE_ERROR), 0);
	/* the fields tile all 64 bits exactly once */
	for (size_t i = 0; i < r.nfields; i++)
		covered += r.fields[i].hi - r.fields[i].lo + 1;
	assert_int_equal(covered, 64);
}

static void
test_explain_sev_07(void **state)
{
	struct cvm_policy_report r;
	struct cvm_policy_host no_es = {.sev_es = false};
	unsigned covered = 0;

	(void)state;
	cvm_policy_explain(CVM_POLICY_SEV, 0x07, NULL, &r);
	assert_int_equal(field(&r, "NODBG")->value, 1);
	assert_int_equal(field(&r, "NOKS")->value, 1);
	assert_int_equal(field(&r, "ES")->value, 1);
	assert_string_equal(field(&r, "ES")->meaning, "SEV-ES required");
	assert_int_equal(field(&r, "NOSEND")->value, 0);
	assert_int_equal(field(&r, "API_MINOR")->lo, 24);
	assert_false(r.debug_allowed);
	assert_false(r.refused);
	assert_int_equal(count(&r, CVM_NOTE_WARN), 0);
	for (size_t i = 0; i < r.nfields; i++)
		covered += r.fields[i].hi - r.fields[i].lo + 1;
	assert_int_equal(covered, 32);

	/* ES on a host that cannot launch SEV-ES: firmware/KVM refuse */
	cvm_policy_explain(CVM_POLICY_SEV, 0x07, &no_es, &r);
	assert_true(r.refused);
	assert_true(has_note(&r, CVM_NOTE_ERROR, "cannot launch"));
}

static void
test_explain_notes(void **state)
{
	struct cvm_policy_host fw149 = {true, true, true, 1, 49};
	struct cvm_policy_report r;

	(void)state;
	cvm_policy_explain(CVM_POLICY_SEV, 0x0, NULL, &r);
	assert_true(r.debug_allowed);
	assert_true(has_note(&r, CVM_NOTE_WARN, "debugging allowed"));
	assert_true(has_note(&r, CVM_NOTE_WARN, "key sharing allowed"));
	assert_false(r.refused);

	cvm_policy_explain(CVM_POLICY_SEV, 0x41, NULL, &r); /* AMDSEV sample */
	assert_true(r.refused);
	assert_true(has_note(&r, CVM_NOTE_ERROR, "reserved bits 15:6"));

	cvm_policy_explain(CVM_POLICY_SEV, 0x37010003, &fw149, &r);
	assert_true(r.refused);
	assert_true(has_note(&r, CVM_NOTE_ERROR, "requires firmware 1.55"));

	cvm_policy_explain(CVM_POLICY_SNP, 0x10000, NULL, &r);
	assert_true(r.refused);
	assert_true(has_note(&r, CVM_NOTE_ERROR, "bit 17"));

	cvm_policy_explain(CVM_POLICY_SNP, 0xB0000, NULL, &r);
	assert_true(r.debug_allowed);
	assert_false(r.refused);
	assert_true(has_note(&r, CVM_NOTE_WARN, "debugging allowed"));

	cvm_policy_explain(CVM_POLICY_SNP, 0x70000, NULL, &r);
	assert_true(has_note(&r, CVM_NOTE_ERROR, "MIGRATE_MA"));

	cvm_policy_explain(CVM_POLICY_SNP, 0x20000, NULL, &r);
	assert_true(has_note(&r, CVM_NOTE_WARN, "SMT clear"));
	assert_false(r.refused);

	cvm_policy_explain(CVM_POLICY_SNP, 0x130000, NULL, &r);
	assert_true(has_note(&r, CVM_NOTE_WARN, "SINGLE_SOCKET"));

	cvm_policy_explain(CVM_POLICY_SNP, 0x1030000, NULL, &r);
	assert_true(has_note(&r, CVM_NOTE_WARN, "CIPHERTEXT_HIDING (bit 24)"));

	cvm_policy_explain(CVM_POLICY_SNP, 0x4000030000ull, NULL, &r);
	assert_true(has_note(&r, CVM_NOTE_ERROR, "reserved bits 63:26"));

	fw149.sev_snp = false;
	cvm_policy_explain(CVM_POLICY_SNP, 0x30000, &fw149, &r);
	assert_true(has_note(&r, CVM_NOTE_ERROR, "cannot launch SEV-SNP"));
}

static void
test_make_defaults(void **state)
{
	struct cvm_policy_opts o = {0};
	struct cvm_err err = CVM_ERR_INIT;
	uint64_t v;

	(void)state;
	o.level = CVM_PROT_SEV;
	assert_int_equal(cvm_policy_make(&o, &v, &err), 0);
	assert_true(v == 0x3);
	o.level = CVM_PROT_SEV_ES;
	assert_int_equal(cvm_policy_make(&o, &v, &err), 0);
	assert_true(v == 0x7);
	o.level = CVM_PROT_SEV_SNP;
	assert_int_equal(cvm_policy_make(&o, &v, &err), 0);
	assert_true(v == 0x30000);
	o.api_major = 1;
	o.api_minor = 51;
	assert_int_equal(cvm_policy_make(&o, &v, &err), 0);
	assert_true(v == 0x30133);

	o = (struct cvm_policy_opts){.level = CVM_PROT_NONE};
	assert_int_equal(cvm_policy_make(&o, &v, &err), -CVM_E_USAGE);
	o = (struct cvm_policy_opts){.level = CVM_PROT_SEV, .no_smt = true};
	assert_int_equal(cvm_policy_make(&o, &v, &err), -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "--no-smt"));
	o = (struct cvm_policy_opts){.level = CVM_PROT_SEV_SNP,
				     .allow_key_sharing = true};
	assert_int_equal(cvm_policy_make(&o, &v, &err), -CVM_E_USAGE);
	o = (struct cvm_policy_opts){.level = CVM_PROT_SEV_ES,
				     .rapl_dis = true};
	assert_int_equal(cvm_policy_make(&o, &v, &err), -CVM_E_USAGE);
}

/* Every combination of options: make, then explain says the same. */
static void
test_make_explain_round_trip(void **state)
{
	unsigned n = 0;

	(void)state;
	for (unsigned m = 0; m < (1u << 4); m++) {
		struct cvm_policy_opts o = {.level = m & 8 ? CVM_PROT_SEV_ES
							   : CVM_PROT_SEV};
		struct cvm_policy_report r;
		struct cvm_err err = CVM_ERR_INIT;
		uint64_t v;

		o.allow_debug = m & 1;
		o.allow_key_sharing = m & 2;
		o.no_send = m & 4;
		o.api_major = (uint8_t)m;
		assert_int_equal(cvm_policy_make(&o, &v, &err), 0);
		cvm_policy_explain(CVM_POLICY_SEV, v, NULL, &r);
		assert_true(r.value == v);
		assert_int_equal(field(&r, "NODBG")->value, !o.allow_debug);
		assert_int_equal(field(&r, "NOKS")->value,
				 !o.allow_key_sharing);
		assert_int_equal(field(&r, "NOSEND")->value, o.no_send);
		assert_int_equal(field(&r, "ES")->value, !!(m & 8));
		assert_int_equal(field(&r, "API_MAJOR")->value, m);
		assert_int_equal(r.debug_allowed, o.allow_debug);
		assert_false(r.refused);
		n++;
	}
	for (unsigned m = 0; m < (1u << 8); m++) {
		struct cvm_policy_opts o = {.level = CVM_PROT_SEV_SNP};
		struct cvm_policy_report r;
		struct cvm_err err = CVM_ERR_INIT;
		uint64_t v;

		o.allow_debug = m & 1;
		o.no_smt = m & 2;
		o.single_socket = m & 4;
		o.cxl_allow = m & 8;
		o.aes_256_xts = m & 16;
		o.rapl_dis = m & 32;
		o.ciphertext_hiding = m & 64;
		o.page_swap_disable = m & 128;
		o.api_minor = (uint8_t)m;
		assert_int_equal(cvm_policy_make(&o, &v, &err), 0);
		cvm_policy_explain(CVM_POLICY_SNP, v, NULL, &r);
		assert_int_equal(field(&r, "DEBUG")->value, o.allow_debug);
		assert_int_equal(field(&r, "SMT")->value, !o.no_smt);
		assert_int_equal(field(&r, "RSVD_MBO")->value, 1);
		assert_int_equal(field(&r, "SINGLE_SOCKET")->value,
				 o.single_socket);
		assert_int_equal(field(&r, "CXL_ALLOW")->value, o.cxl_allow);
		assert_int_equal(field(&r, "MEM_AES_256_XTS")->value,
				 o.aes_256_xts);
		assert_int_equal(field(&r, "RAPL_DIS")->value, o.rapl_dis);
		assert_int_equal(field(&r, "CIPHERTEXT_HIDING")->value,
				 o.ciphertext_hiding);
		assert_int_equal(field(&r, "PAGE_SWAP_DISABLE")->value,
				 o.page_swap_disable);
		assert_int_equal(field(&r, "ABI_MINOR")->value, m);
		assert_int_equal(field(&r, "MIGRATE_MA")->value, 0);
		assert_false(r.refused); /* make never builds a refused value */
		n++;
	}
	assert_int_equal(n, 16 + 256);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(cvm_policy_kind_name(CVM_POLICY_SNP), "snp");
	assert_string_equal(cvm_policy_kind_name(CVM_POLICY_SEV), "sev");
	assert_string_equal(cvm_note_level_name(CVM_NOTE_WARN), "warning");
	assert_string_equal(cvm_note_level_name(CVM_NOTE_ERROR), "error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_explain_snp_default),
		cmocka_unit_test(test_explain_sev_07),
		cmocka_unit_test(test_explain_notes),
		cmocka_unit_test(test_make_defaults),
		cmocka_unit_test(test_make_explain_round_trip),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
