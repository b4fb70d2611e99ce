/* SPDX-License-Identifier: MIT */
/*
 * `cvm attest kds-url`: print where AMD's Key Distribution Service
 * serves the VCEK for a report (cvm never fetches it: no network), or
 * the certificate chain, or the report's file name in a --cert-cache
 * folder.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "cvm/attest.h"
#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE_K "cvm attest kds-url"

static const struct option kds_longopts[] = {
	{"product", required_argument, NULL, 'p'},
	{"chain", no_argument, NULL, 'c'},
	{"cache-name", no_argument, NULL, 'n'},
	{"json", no_argument, NULL, 'j'},
	{NULL, 0, NULL, 0},
};

static int
kds_print(const struct cvm_snp_evidence *ev, enum cvm_snp_family f, int what,
	  struct cvm_err *err)
{
	const struct cvm_snp_report *r = &ev->report;
	char url[300], chain[120], name[200];
	struct json_object *o;
	int rc = cvm_attest_kds_url(r, f, url, sizeof(url), err);

	if (rc < 0)
		return rc;
	if (!f)
		f = cvm_snp_family_from_cpuid(r->cpuid_fam, r->cpuid_mod);
	cvm_attest_kds_chain_url(f, chain, sizeof(chain));
	cvm_attest_cache_name(r, name, sizeof(name));
	if (what == 'j') {
		o = json_object_new_object();
		json_object_object_add(
			o, "product",
			json_object_new_string(cvm_snp_family_name(f)));
		json_object_object_add(o, "vcek_url",
				       json_object_new_string(url));
		json_object_object_add(o, "cert_chain_url",
				       json_object_new_string(chain));
		json_object_object_add(o, "cache_name",
				       json_object_new_string(name));
		out_json(o);
	} else {
		puts(what == 'c' ? chain : what == 'n' ? name : url);
	}
	return 0;
}

static int
kds_run(int argc, char **argv)
{
	cleanup_buf struct cvm_buf data = CVM_BUF_INIT;
	struct cvm_snp_evidence ev;
	struct cvm_err err = CVM_ERR_INIT;
	enum cvm_snp_family f = CVM_SNP_FAMILY_UNKNOWN;
	int c, what = 'u', r;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", kds_longopts, NULL)) != -1) {
		if (c == '?')
			return 2;
		if (c == 'p') {
			f = cvm_snp_family_parse(optarg);
			if (!f)
				return cli_usage(
					USAGE_K,
					"--product: '%s' is not Milan, "
					"Genoa or Turin",
					optarg);
		} else {
			what = c;
		}
	}
	if (argc - optind != 1)
		return cli_usage(USAGE_K, "expected one REPORT");
	r = cvm_file_read(argv[optind], &data, 1u << 20, &err);
	if (r == 0)
		r = cvm_snp_evidence_load((const uint8_t *)data.data, data.len,
					  argv[optind], &ev, &err);
	if (r < 0)
		return cli_error(&err);
	r = kds_print(&ev, f, what, &err);
	cvm_snp_evidence_release(&ev);
	if (r < 0) {
		cvm_err_prefix(&err, "'%s'", argv[optind]);
		return cli_error(&err);
	}
	return 0;
}

const struct cvm_cmd cmd_attest_kds_url = {
	.name = "kds-url",
	.summary = "print the AMD KDS URL of the VCEK that signs a report",
	.usage = "cvm attest kds-url REPORT [--product NAME] [--chain | "
		 "--cache-name | --json]",
	.help = "cvm does not download anything; fetch the certificate "
		"yourself, e.g.\n"
		"  curl -o vcek.der \"$(cvm attest kds-url report.bin)\"\n"
		"options:\n"
		"  --product NAME  Milan, Genoa or Turin (needed for version "
		"2 reports,\n"
		"                  which carry no CPUID)\n"
		"  --chain         print the ASK+ARK certificate chain URL "
		"instead\n"
		"  --cache-name    print the VCEK's file name for "
		"'verify --cert-cache DIR'\n"
		"  --json          all of them as JSON\n",
	.run = kds_run,
};
