/* SPDX-License-Identifier: MIT */
/*
 * Option parsing for `cvm attest verify`'s expectations (the hex, number,
 * TCB and time options).  Helpers for cmd-attest-verify.c; exports no
 * command.
 */
#include <stdio.h>
#include <string.h>

#include "cmd-attest.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE_V "cvm attest verify"

/* Hex of exactly `n` bytes, or (pad) up to `n` bytes zero-padded. */
static int
opt_hex(const char *opt, const char *arg, uint8_t *out, size_t n, bool pad,
	size_t *got)
{
	struct cvm_err err = CVM_ERR_INIT;
	size_t len = n;
	int r = pad ? cvm_hex_decode_var(arg, out, n, &len, &err)
		    : cvm_hex_decode(arg, out, n, &err);

	if (r == 0 && len == 0)
		r = cvm_err_set(&err, -EINVAL, "'%s' is empty", arg);
	if (r < 0)
		return cli_usage(USAGE_V, "--%s: %s", opt, err.msg);
	if (got)
		*got = len;
	return 0;
}

int
attest_opt_expect(struct attest_verify_opts *o, int c, const char *arg)
{
	struct cvm_attest_expect *e = &o->exp;
	struct cvm_err err = CVM_ERR_INIT;
	uint64_t v;

	switch (c) {
	case 'm':
		e->measurement = o->measurement;
		return opt_hex("measurement", arg, o->measurement, 48, false,
			       NULL);
	case 'r':
		e->report_data = o->report_data;
		return opt_hex("report-data", arg, o->report_data, 64, true,
			       NULL);
	case 'n':
		e->nonce = o->nonce;
		return opt_hex("nonce", arg, o->nonce, 64, true, &e->nonce_len);
	case 'H':
		e->host_data = o->host_data;
		return opt_hex("host-data", arg, o->host_data, 32, false, NULL);
	case 'I':
		e->id_key_digest = o->id_key_digest;
		return opt_hex("id-key-digest", arg, o->id_key_digest, 48,
			       false, NULL);
	case 'i':
		e->chip_id = o->chip_id;
		return opt_hex("chip-id", arg, o->chip_id, 64, true, NULL);
	case 'p':
		e->has_policy = true;
		if (cvm_parse_u64(arg, &e->policy) < 0)
			return cli_usage(USAGE_V,
					 "--policy: '%s' is not a "
					 "number",
					 arg);
		return 0;
	case 'v':
		e->has_vmpl = true;
		if (cvm_parse_u64(arg, &v) < 0 || v > 3)
			return cli_usage(USAGE_V, "--vmpl: '%s' is not 0-3",
					 arg);
		e->vmpl = (uint32_t)v;
		return 0;
	case 'T':
		e->has_min_tcb = true;
		e->min_tcb_raw = !strchr(arg, '=');
		if (cvm_snp_tcb_parse(arg, CVM_SNP_FAMILY_UNKNOWN, &e->min_tcb,
				      &err) < 0)
			return cli_usage(USAGE_V, "--min-tcb: %s", err.msg);
		return 0;
	case 't':
		if (cvm_attest_parse_time(arg, &e->at, &err) < 0)
			return cli_usage(USAGE_V, "--at: %s", err.msg);
		return 0;
	default:
		return cli_usage(USAGE_V, "unknown option");
	}
}

bool
attest_has_expect(const struct cvm_attest_expect *e)
{
	return e->measurement || e->has_policy || e->has_min_tcb ||
	       e->report_data || e->nonce || e->has_vmpl || e->host_data ||
	       e->id_key_digest || e->chip_id || e->allow_debug;
}
