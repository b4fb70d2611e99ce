/* SPDX-License-Identifier: MIT */
/*
 * `cvm attest verify`: verify an SNP attestation report against AMD's
 * certificate chain and the expectations given as options; print every
 * check.  Exit 0 valid, 3 invalid, 1 could not verify, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-attest.h"
#include "cmd.h"
#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE_V "cvm attest verify"

static const struct option verify_longopts[] = {
	{"vcek", required_argument, NULL, 'V'},
	{"vlek", required_argument, NULL, 'V'},
	{"ask", required_argument, NULL, 'A'},
	{"ark", required_argument, NULL, 'R'},
	{"certs", required_argument, NULL, 'C'},
	{"cert-cache", required_argument, NULL, 'c'},
	{"at", required_argument, NULL, 't'},
	{"measurement", required_argument, NULL, 'm'},
	{"policy", required_argument, NULL, 'p'},
	{"allow-debug", no_argument, NULL, 'd'},
	{"min-tcb", required_argument, NULL, 'T'},
	{"report-data", required_argument, NULL, 'r'},
	{"nonce", required_argument, NULL, 'n'},
	{"vmpl", required_argument, NULL, 'v'},
	{"host-data", required_argument, NULL, 'H'},
	{"id-key-digest", required_argument, NULL, 'I'},
	{"chip-id", required_argument, NULL, 'i'},
	{"json", no_argument, NULL, 'j'},
	{"quiet", no_argument, NULL, 'q'},
	{NULL, 0, NULL, 0},
};

static int
opt_cert(struct cvm_attest_ctx *ctx, int c, const char *arg)
{
	struct cvm_err err = CVM_ERR_INIT;
	int r = 0;

	switch (c) {
	case 'V':
		r = cvm_attest_ctx_add_file(ctx, arg, CVM_CERT_ROLE_VEK, &err);
		break;
	case 'A':
		r = cvm_attest_ctx_add_file(ctx, arg, CVM_CERT_ROLE_ASK, &err);
		break;
	case 'R':
		r = cvm_attest_ctx_add_file(ctx, arg, CVM_CERT_ROLE_ARK, &err);
		break;
	case 'C':
		r = cvm_attest_ctx_add_certs(ctx, arg, &err);
		break;
	case 'c':
		cvm_attest_ctx_set_cache(ctx, arg);
		break;
	}
	return r < 0 ? cli_error(&err) : 0;
}

static int
verify_parse(int argc, char **argv, struct cvm_attest_ctx *ctx,
	     struct attest_verify_opts *o)
{
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "q", verify_longopts, NULL)) !=
	       -1) {
		if (c == '?')
			return 2;
		if (c == 'j' || c == 'q' || c == 'd') {
			o->json |= c == 'j';
			o->quiet |= c == 'q';
			o->exp.allow_debug |= c == 'd';
			continue;
		}
		r = strchr("VARCc", c) ? opt_cert(ctx, c, optarg)
				       : attest_opt_expect(o, c, optarg);
		if (r)
			return r;
	}
	return 0;
}

static int
verify_run(int argc, char **argv)
{
	struct cvm_attest_ctx *ctx = cvm_attest_ctx_new();
	cleanup_free struct attest_verify_opts *o = cvm_xcalloc(1, sizeof(*o));
	cleanup_free struct cvm_attest_result *res =
		cvm_xcalloc(1, sizeof(*res));
	cleanup_buf struct cvm_buf data = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	const char *what = "certificate chain";
	int r = verify_parse(argc, argv, ctx, o);

	if (r == 0 && argc - optind > 1)
		r = cli_usage(USAGE_V, "expected one REPORT, got %d arguments",
			      argc - optind);
	if (r == 0 && optind < argc) {
		what = argv[optind];
		r = cvm_file_read(what, &data, 1u << 20, &err);
		if (r == 0)
			r = cvm_attest_verify(ctx, (const uint8_t *)data.data,
					      data.len, what, &o->exp, res,
					      &err);
		r = r < 0 ? cli_error(&err) : 0;
	} else if (r == 0 && attest_has_expect(&o->exp)) {
		r = cli_usage(USAGE_V, "expectations need a REPORT");
	} else if (r == 0) {
		/* no report: verify the --vcek certificate's chain only */
		r = cvm_attest_verify_chain(ctx, o->exp.at, res, &err);
		if (r == -ENOENT)
			r = cli_usage(USAGE_V, "expected a REPORT (or --vcek "
					       "FILE to check a chain)");
		else if (r < 0)
			r = cli_error(&err);
	}
	cvm_attest_ctx_free(ctx);
	if (r)
		return r;
	if (o->json)
		out_json(cvm_attest_result_json(res, what));
	else if (!o->quiet)
		attest_show(res, what);
	return attest_verdict_status(res, what);
}

const struct cvm_cmd cmd_attest_verify = {
	.name = "verify",
	.summary = "verify an SNP attestation report (signature, AMD chain, "
		   "expectations)",
	.usage = "cvm attest verify REPORT [options]  |  cvm attest verify "
		 "--vcek FILE",
	.help = "REPORT is a raw 1184-byte report, an Azure HCL report, or "
		"either as hex or\nbase64 text.  Certificates (DER or PEM):\n"
		"  --vcek FILE          the VCEK (or VLEK) that signed the "
		"report\n"
		"  --ask FILE, --ark FILE  the ASK/ASVK and ARK (default: "
		"cvm's built-in\n"
		"                       AMD certificates; an ARK must be "
		"AMD's)\n"
		"  --certs DIR|BUNDLE   more certificates, chosen by subject\n"
		"  --cert-cache DIR     VCEKs named as 'kds-url --cache-name' "
		"prints\n"
		"  --at TIME            check validity at TIME (YYYY-MM-DD"
		"[THH:MM:SSZ], @SECS)\n"
		"Expectations (each fails the report with its own reason):\n"
		"  --measurement HEX    launch measurement (48 bytes)\n"
		"  --policy VALUE       guest policy, exactly\n"
		"  --allow-debug        accept a policy that allows debugging\n"
		"  --min-tcb TCB        bl=N,tee=N,snp=N,ucode=N[,fmc=N] or a "
		"64-bit value\n"
		"  --report-data HEX    REPORT_DATA (up to 64 bytes, "
		"zero-padded)\n"
		"  --nonce HEX          the first bytes of REPORT_DATA\n"
		"  --vmpl N, --host-data HEX, --id-key-digest HEX, --chip-id "
		"HEX\n"
		"Output:\n"
		"  --json               the result as JSON "
		"(docs/attest.schema.json)\n"
		"  -q, --quiet          no output; the exit status only\n"
		"Exit status: 0 valid, 3 invalid, 1 could not verify, 2 "
		"usage.\n",
	.run = verify_run,
};
