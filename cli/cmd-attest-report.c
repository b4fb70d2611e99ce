/* SPDX-License-Identifier: MIT */
/*
 * `cvm attest report`: inside a Linux SNP guest, ask the firmware for an
 * attestation report carrying a nonce, and write it (and the
 * certificates the host supplies) to files.  Without SNP it says what
 * is missing.
 */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "cvm/attest.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE_R "cvm attest report"

struct report_opts {
	struct cvm_attest_fetch_opts f;
	const char *out, *certs_dir;
	size_t nonce_len;
	bool json;
};

static const struct option report_longopts[] = {
	{"nonce", required_argument, NULL, 'n'},
	{"output", required_argument, NULL, 'o'},
	{"certs-dir", required_argument, NULL, 'C'},
	{"no-certs", no_argument, NULL, 'N'},
	{"vmpl", required_argument, NULL, 'v'},
	{"method", required_argument, NULL, 'm'},
	{"configfs", required_argument, NULL, 't'},
	{"device", required_argument, NULL, 'd'},
	{"json", no_argument, NULL, 'j'},
	{NULL, 0, NULL, 0},
};

static int
report_opt(struct report_opts *o, int c, const char *arg)
{
	struct cvm_err err = CVM_ERR_INIT;
	uint64_t v;

	switch (c) {
	case 'n':
		if (cvm_hex_decode_var(arg, o->f.report_data, 64, &o->nonce_len,
				       &err) < 0)
			return cli_usage(USAGE_R, "--nonce: %s", err.msg);
		return 0;
	case 'v':
		if (cvm_parse_u64(arg, &v) < 0 || v > 3)
			return cli_usage(USAGE_R, "--vmpl: '%s' is not 0-3",
					 arg);
		o->f.vmpl = (uint32_t)v;
		return 0;
	case 'm':
		if (strcmp(arg, "auto") && strcmp(arg, "tsm") &&
		    strcmp(arg, "ioctl"))
			return cli_usage(USAGE_R,
					 "--method: '%s' is not auto, "
					 "tsm or ioctl",
					 arg);
		o->f.method = arg[0] == 'a'   ? CVM_FETCH_AUTO
			      : arg[0] == 't' ? CVM_FETCH_TSM
					      : CVM_FETCH_IOCTL;
		return 0;
	}
	o->out = c == 'o' ? arg : o->out;
	o->certs_dir = c == 'C' ? arg : o->certs_dir;
	o->f.tsm_dir = c == 't' ? arg : o->f.tsm_dir;
	o->f.dev = c == 'd' ? arg : o->f.dev;
	o->f.no_certs |= c == 'N';
	o->json |= c == 'j';
	return 0;
}

/* Write the report and the host's certificates; names into `files`. */
static int
report_write(const struct report_opts *o, const struct cvm_attest_fetched *f,
	     struct json_object *files, struct cvm_err *err)
{
	cleanup_free char *dircopy = cvm_xstrdup(o->out);
	const char *dir = o->certs_dir ? o->certs_dir : dirname(dircopy);
	int r = cvm_file_write_atomic(o->out, f->report, sizeof(f->report),
				      0644, err);

	json_object_array_add(files, json_object_new_string(o->out));
	if (r == 0 && f->ncerts)
		r = cvm_mkdir_p(dir, 0755, err);
	for (size_t i = 0; r == 0 && i < f->ncerts; i++) {
		char hex[33];
		cleanup_free char *path = NULL;

		cvm_hex_encode(f->certs[i].guid, 16, hex);
		path = f->certs[i].name
			       ? cvm_xasprintf("%s/%s.der", dir,
					       f->certs[i].name)
			       : cvm_xasprintf("%s/cert-%s.der", dir, hex);
		r = cvm_file_write_atomic(path, f->certs[i].data,
					  f->certs[i].len, 0644, err);
		json_object_array_add(files, json_object_new_string(path));
	}
	return r;
}

static void
report_print(const struct report_opts *o, const struct cvm_attest_fetched *f,
	     const struct cvm_snp_report *rep, struct json_object *files)
{
	struct json_object *j;

	if (o->json) {
		j = json_object_new_object();
		json_object_object_add(j, "method",
				       json_object_new_string(f->method));
		json_object_object_add(j, "version",
				       json_object_new_int64(rep->version));
		json_object_object_add(j, "vmpl",
				       json_object_new_int64(rep->vmpl));
		json_object_object_add(j, "files", json_object_get(files));
		out_json(j);
		return;
	}
	printf("wrote %s: SNP report version %u, VMPL %u, via %s\n", o->out,
	       rep->version, rep->vmpl, f->method);
	for (size_t i = 1; i < json_object_array_length(files); i++)
		printf("wrote %s (host certificate)\n",
		       json_object_get_string(
			       json_object_array_get_idx(files, i)));
	if (!f->ncerts)
		printf("the host supplied no certificates: fetch the VCEK "
		       "with 'cvm attest kds-url %s'\n",
		       o->out);
}

static int
report_run(int argc, char **argv)
{
	struct report_opts o = {.out = "report.bin"};
	struct cvm_attest_fetched f;
	struct cvm_snp_report *rep = NULL;
	struct json_object *files;
	struct cvm_err err = CVM_ERR_INIT;
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:", report_longopts, NULL)) !=
	       -1) {
		r = c == '?' ? 2 : report_opt(&o, c, optarg);
		if (r)
			return r;
	}
	if (optind != argc)
		return cli_usage(USAGE_R, "unexpected argument '%s'",
				 argv[optind]);
	r = cvm_attest_fetch(&cvm_attest_sys_linux, &o.f, &f, &err);
	if (r < 0) {
		cvm_err_prefix(&err, "cannot get an SNP report");
		return cli_error(&err);
	}
	rep = cvm_xmalloc(sizeof(*rep));
	r = cvm_snp_report_parse(f.report, sizeof(f.report), rep, &err);
	/* the firmware must have put our nonce into REPORT_DATA */
	if (r == 0 && memcmp(rep->report_data, o.f.report_data, 64) != 0)
		r = cvm_err_set(&err, -CVM_E_FIRMWARE,
				"the report's REPORT_DATA is not the nonce");
	files = json_object_new_array();
	if (r == 0)
		r = report_write(&o, &f, files, &err);
	if (r == 0)
		report_print(&o, &f, rep, files);
	json_object_put(files);
	cvm_attest_fetched_release(&f);
	free(rep);
	return r < 0 ? cli_error(&err) : 0;
}

const struct cvm_cmd cmd_attest_report = {
	.name = "report",
	.summary = "get an attestation report inside an SNP guest",
	.usage = "cvm attest report [--nonce HEX] [-o FILE] [options]",
	.help = "Asks the SNP firmware through configfs-tsm "
		"(/sys/kernel/config/tsm/report),\nelse /dev/sev-guest, and "
		"writes the 1184-byte report plus the certificates\nthe host "
		"supplies (vcek.der, ask.der, ark.der, ...).\n"
		"options:\n"
		"  --nonce HEX       REPORT_DATA: up to 64 bytes, zero-padded\n"
		"  -o, --output FILE the report (default: report.bin)\n"
		"  --certs-dir DIR   where certificates go (default: FILE's "
		"folder)\n"
		"  --no-certs        do not ask for the host's certificates\n"
		"  --vmpl N          the VMPL to report (0-3, default 0)\n"
		"  --method M        auto (default), tsm or ioctl\n"
		"  --configfs DIR, --device PATH  other locations of the "
		"interfaces\n"
		"  --json            what was written, as JSON\n",
	.run = report_run,
};
