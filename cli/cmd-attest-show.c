/* SPDX-License-Identifier: MIT */
/*
 * Text output of `cvm attest verify`: the report's fields, the
 * certificates used, one line per check, and the verdict.  (Helpers for
 * the attest verbs; exports no command.)
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd-attest.h"
#include "cvm/util.h"
#include "out.h"

static void field(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
field(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%-15s ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void
hexfield(const char *name, const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];
	bool zero = true;

	for (size_t i = 0; i < n; i++)
		zero &= p[i] == 0;
	cvm_hex_encode(p, n, hex);
	field(name, "%s%s", hex, zero ? " (zero)" : "");
}

static void
tcbfield(const char *name, const struct cvm_snp_tcb *t)
{
	char s[64];

	cvm_snp_tcb_format(t, s, sizeof(s));
	field(name, "%s (0x%016llx)", s, (unsigned long long)t->raw);
}

/* The policy with the explainer's reading of each field that is set
 * (and DEBUG always). */
static void
show_policy(const struct cvm_policy_report *p)
{
	field("policy", "0x%llx", (unsigned long long)p->value);
	for (size_t i = 0; i < p->nfields; i++) {
		const struct cvm_policy_field *f = &p->fields[i];

		if (!f->value && strcmp(f->name, "DEBUG") != 0)
			continue;
		printf("%-15s   %s=%llu: %s\n", "", f->name,
		       (unsigned long long)f->value, f->meaning);
	}
}

static void
show_report(const struct cvm_attest_result *res, const char *what)
{
	const struct cvm_snp_report *r = &res->report;
	char buf[160];

	field("report", "%s (%s%s)", what,
	      res->format == CVM_SNP_FMT_RAW   ? "raw"
	      : res->format == CVM_SNP_FMT_HCL ? "Azure HCL report"
	      : res->format == CVM_SNP_FMT_HEX ? "hex text"
					       : "base64 text",
	      res->hcl && res->format != CVM_SNP_FMT_HCL
		      ? " of an Azure HCL report"
		      : "");
	field("version", "%u", r->version);
	show_policy(&res->policy);
	field("vmpl", "%u", r->vmpl);
	field("guest svn", "%u", r->guest_svn);
	field("signing key", "%s",
	      r->signing_key == CVM_SNP_SIGNER_VCEK   ? "VCEK"
	      : r->signing_key == CVM_SNP_SIGNER_VLEK ? "VLEK"
						      : "none or unknown");
	if (r->has_cpuid)
		field("cpuid", "family 0x%x model 0x%x stepping 0x%x",
		      r->cpuid_fam, r->cpuid_mod, r->cpuid_step);
	field("generation", "%s%s%s%s", cvm_snp_family_name(res->family),
	      res->family_source[0] ? " (" : "", res->family_source,
	      res->family_source[0] ? ")" : "");
	tcbfield("current tcb", &res->current_tcb);
	tcbfield("reported tcb", &res->reported_tcb);
	tcbfield("committed tcb", &res->committed_tcb);
	tcbfield("launch tcb", &res->launch_tcb);
	field("firmware", "%u.%u.%u (committed %u.%u.%u)", r->current_major,
	      r->current_minor, r->current_build, r->committed_major,
	      r->committed_minor, r->committed_build);
	cvm_snp_platform_info_format(r->platform_info, buf, sizeof(buf));
	field("platform info", "0x%llx %s",
	      (unsigned long long)r->platform_info, buf);
	cvm_hex_encode(r->chip_id, 8, buf);
	field("chip id", "%s... (first 8 of 64 bytes; --json has all)", buf);
	hexfield("measurement", r->measurement, 48);
	hexfield("report data", r->report_data, 64);
	hexfield("host data", r->host_data, 32);
	hexfield("id key digest", r->id_key_digest, 48);
	hexfield("family id", r->family_id, 16);
	hexfield("image id", r->image_id, 16);
	for (size_t i = 0; i < res->nnotes; i++)
		field("note", "%s", res->notes[i]);
}

static void
show_certs(const struct cvm_attest_result *res)
{
	printf("\n");
	for (size_t i = 0; i < res->ncerts; i++) {
		const struct cvm_attest_certinfo *c = &res->certs[i];
		char tcb[64] = "";

		if (c->has_ext)
			cvm_snp_tcb_format(&c->tcb, tcb, sizeof(tcb));
		printf("%-5s %-14s issuer %-14s %.10s..%.10s  %s%s%s%s\n",
		       cvm_cert_role_name(c->role), c->subject_cn, c->issuer_cn,
		       c->not_before, c->not_after, c->source,
		       c->has_ext ? " [" : "", tcb, c->has_ext ? "]" : "");
	}
}

static void
show_checks(const struct cvm_attest_result *res)
{
	static const enum out_colour col[] = {
		[CVM_ATTEST_CHECK_PASS] = OUT_GREEN,
		[CVM_ATTEST_CHECK_FAIL] = OUT_RED,
		[CVM_ATTEST_CHECK_SKIP] = OUT_DIM,
		[CVM_ATTEST_CHECK_UNVERIFIED] = OUT_YELLOW,
	};

	printf("\n%s%-12s %-10s %s%s\n", out_sgr(stdout, OUT_BOLD), "CHECK",
	       "RESULT", "DETAIL", out_reset(stdout));
	for (size_t i = 0; i < res->nchecks; i++) {
		const struct cvm_attest_check *c = &res->checks[i];

		printf("%-12s %s%-10s%s %s\n", c->id,
		       out_sgr(stdout, col[c->status]),
		       cvm_attest_check_status_name(c->status),
		       out_reset(stdout), c->detail);
	}
}

void
attest_show(const struct cvm_attest_result *res, const char *what)
{
	const struct cvm_attest_check *p = cvm_attest_first_problem(res);
	enum out_colour c = res->verdict == CVM_ATTEST_VALID	 ? OUT_GREEN
			    : res->verdict == CVM_ATTEST_INVALID ? OUT_RED
								 : OUT_YELLOW;

	if (res->has_report)
		show_report(res, what);
	else
		field("certificate", "%s", res->certs[0].source);
	show_certs(res);
	show_checks(res);
	printf("\n%sresult: %s%s%s%s%s\n", out_sgr(stdout, c),
	       res->verdict == CVM_ATTEST_VALID	    ? "VALID"
	       : res->verdict == CVM_ATTEST_INVALID ? "INVALID"
						    : "NOT VERIFIED",
	       out_reset(stdout), p ? " (" : "", p ? p->id : "", p ? ")" : "");
}

int
attest_verdict_status(const struct cvm_attest_result *res, const char *what)
{
	const struct cvm_attest_check *p = cvm_attest_first_problem(res);

	if (res->verdict == CVM_ATTEST_VALID)
		return 0;
	if (res->verdict == CVM_ATTEST_INVALID) {
		fprintf(stderr, "cvm: error: '%s' is invalid: %s: %s\n", what,
			p->id, p->detail);
		return 3;
	}
	fprintf(stderr, "cvm: error: cannot verify '%s': %s: %s\n", what, p->id,
		p->detail);
	return 1;
}
