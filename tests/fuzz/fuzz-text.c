/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the small text parsers behind command-line options and files:
 * numbers and sizes, hex and base64 (with round trips), TCB values
 * (SNP ABI spec 56860, TCB_VERSION), reference times, protection
 * levels, measurement modes, vCPU types, `cvm run` options, QEMU option
 * escaping (QEMU util/qemu-option.c: ",," is a literal comma) and the
 * argv display quoting.  Input: a selector byte, then NUL-separated
 * strings.
 */
#include "fuzz.h"

#include "cvm/attest.h"
#include "cvm/guestio.h"
#include "cvm/measure.h"
#include "cvm/proc.h"
#include "cvm/qemu.h"
#include "cvm/util.h"
#include "cvm/vmspec.h"

static void
numbers(const char *s)
{
	uint64_t v;
	char back[32];

	if (cvm_parse_u64(s, &v) == 0) {
		snprintf(back, sizeof(back), "%llu", (unsigned long long)v);
		if (cvm_parse_u64(back, &v) != 0)
			fuzz_fail("'%s' does not parse back", back);
	}
	(void)cvm_parse_size(s, &v);
}

static void
codecs(const char *s, const uint8_t *raw, size_t rawlen)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_buf b = CVM_BUF_INIT;
	uint8_t out[64];
	char hex[2 * 64 + 1];
	char *enc;
	size_t n;
	int r;

	r = cvm_hex_decode_var(s, out, sizeof(out), &n, &err);
	fuzz_check_err(r, &err, "cvm_hex_decode_var");
	if (r == 0) {
		if (n > sizeof(out))
			fuzz_fail("hex decoded %zu bytes into %zu", n,
				  sizeof(out));
		cvm_hex_encode(out, n, hex);
		if (cvm_hex_decode(hex, out, n, &err) != 0)
			fuzz_fail("hex '%s' does not decode back", hex);
	}
	cvm_err_clear(&err);
	r = cvm_hex_decode(s, out, 16, &err);
	fuzz_check_err(r, &err, "cvm_hex_decode");
	cvm_err_clear(&err);
	r = cvm_base64_decode(s, &b, &err);
	fuzz_check_err(r, &err, "cvm_base64_decode");
	cvm_buf_release(&b);
	/* any bytes survive an encode/decode round trip */
	enc = cvm_base64_encode(raw, rawlen);
	if (cvm_base64_decode(enc, &b, &err) != 0 || b.len != rawlen ||
	    (rawlen && memcmp(b.data, raw, rawlen)))
		fuzz_fail("base64 round trip of %zu bytes failed", rawlen);
	cvm_buf_release(&b);
	free(enc);
}

static void
attest_text(const char *s)
{
	static const enum cvm_snp_family fams[] = {CVM_SNP_FAMILY_UNKNOWN,
						   CVM_SNP_MILAN, CVM_SNP_GENOA,
						   CVM_SNP_TURIN};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_snp_tcb t;
	char buf[128];
	time_t when;
	int r;

	for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		cvm_err_clear(&err);
		r = cvm_snp_tcb_parse(s, fams[i], &t, &err);
		fuzz_check_err(r, &err, "cvm_snp_tcb_parse");
		if (r == 0) {
			cvm_snp_tcb_format(&t, buf, sizeof(buf));
			if (strnlen(buf, sizeof(buf)) == sizeof(buf))
				fuzz_fail("tcb text not terminated");
		}
	}
	cvm_err_clear(&err);
	r = cvm_attest_parse_time(s, &when, &err);
	fuzz_check_err(r, &err, "cvm_attest_parse_time");
	(void)cvm_snp_family_parse(s);
}

static void
names(const char *s)
{
	enum cvm_protection p;
	enum cvm_measure_mode m;
	enum cvm_vmm_type t;
	uint32_t sig;

	if (cvm_protection_parse(s, &p) == 0)
		(void)cvm_protection_name(p);
	if (cvm_measure_mode_parse(s, &m) == 0)
		(void)cvm_measure_mode_name(m);
	if (cvm_vmm_type_parse(s, &t) == 0)
		(void)cvm_vmm_type_name(t);
	(void)cvm_vcpu_type_sig(s, &sig);
	(void)cvm_workload_find(s);
}

static void
run_option(const char *name, const char *value)
{
	struct cvm_run_request req;
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	memset(&req, 0, sizeof(req));
	r = cvm_run_request_option(&req, name, value, &err);
	fuzz_check_err(r, &err, "cvm_run_request_option");
}

/* QEMU reads ",," as ',' and a lone ',' as the end of the value. */
static void
escape(const char *s)
{
	struct cvm_buf b = CVM_BUF_INIT;
	const char *e;
	size_t i = 0;

	cvm_qemu_opt_escape(&b, s);
	e = cvm_buf_str(&b);
	for (; *e; e++, i++) {
		if (*e == ',' && *++e != ',')
			fuzz_fail("lone comma in the escape of '%s'", s);
		if (*e != s[i])
			fuzz_fail("escape of '%s' changes it", s);
	}
	if (s[i])
		fuzz_fail("escape of '%s' is cut", s);
	cvm_buf_release(&b);
}

/* Split a cvm_argv_join() line the way sh does for its quoting. */
static void
join(const char *a, const char *b)
{
	const char *argv[] = {a, b, NULL};
	char *line = cvm_argv_join(argv);
	struct cvm_buf w = CVM_BUF_INIT;
	const char *p = line;
	size_t k = 0;

	while (*p) {
		bool q = false;

		cvm_buf_truncate(&w, 0);
		cvm_buf_add(&w, "", 0);
		for (; *p && (q || *p != ' '); p++) {
			if (*p == '\'')
				q = !q;
			else if (!q && *p == '\\' && p[1])
				cvm_buf_addch(&w, *++p);
			else
				cvm_buf_addch(&w, *p);
		}
		if (q)
			fuzz_fail("unterminated quote in %s", line);
		if (k >= 2 || strcmp(cvm_buf_str(&w), argv[k]) != 0)
			fuzz_fail("join does not split back: %s", line);
		k++;
		if (*p == ' ')
			p++;
	}
	if (k != 2)
		fuzz_fail("join gives %zu words: %s", k, line);
	cvm_buf_release(&w);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint8_t sel = fuzz_u8(&in);
	const uint8_t *raw = in.p;
	size_t rawlen = in.n;
	char *a = fuzz_str(&in), *b = fuzz_str(&in);

	switch (sel % 6) {
	case 0:
		numbers(a);
		break;
	case 1:
		codecs(a, raw, rawlen);
		break;
	case 2:
		attest_text(a);
		break;
	case 3:
		names(a);
		break;
	case 4:
		run_option(a, b);
		break;
	default:
		escape(a);
		join(a, b);
		break;
	}
	free(a);
	free(b);
	return 0;
}
