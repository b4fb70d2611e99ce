/* SPDX-License-Identifier: MIT */
/*
 * `cvm measure` options: sev-snp-measure's (cli.py) with the same names,
 * meanings and checks, made in the reference's order so that each bad
 * command line fails with the same exit status (2 for usage errors),
 * plus cvm's --json, --explain and SNP ID block options.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd-measure.h"
#include "cmd.h"
#include "cvm/version.h"
#include "cvm/util.h"
#include "out.h"

static const struct option long_opts[] = {
	{"mode", 1, 0, O_MODE},
	{"vcpus", 1, 0, O_VCPUS},
	{"vcpu-type", 1, 0, O_VCPU_TYPE},
	{"vcpu-sig", 1, 0, O_VCPU_SIG},
	{"vcpu-family", 1, 0, O_VCPU_FAMILY},
	{"vcpu-model", 1, 0, O_VCPU_MODEL},
	{"vcpu-stepping", 1, 0, O_VCPU_STEPPING},
	{"vmm-type", 1, 0, O_VMM_TYPE},
	{"ovmf", 1, 0, O_OVMF},
	{"kernel", 1, 0, O_KERNEL},
	{"initrd", 1, 0, O_INITRD},
	{"append", 1, 0, O_APPEND},
	{"guest-features", 1, 0, O_GUEST_FEATURES},
	{"output-format", 1, 0, O_OUTPUT_FORMAT},
	{"snp-ovmf-hash", 1, 0, O_SNP_OVMF_HASH},
	{"dump-vmsa", 0, 0, O_DUMP_VMSA},
	{"svsm", 1, 0, O_SVSM},
	{"vars-size", 1, 0, O_VARS_SIZE},
	{"vars-file", 1, 0, O_VARS_FILE},
	{"verbose", 0, 0, 'v'},
	{"version", 0, 0, O_VERSION},
	{"json", 0, 0, O_JSON},
	{"explain", 0, 0, O_EXPLAIN},
	{"threads", 1, 0, O_THREADS},
	{"id-block-out", 1, 0, O_ID_BLOCK_OUT},
	{"id-auth-out", 1, 0, O_ID_AUTH_OUT},
	{"id-key", 1, 0, O_ID_KEY},
	{"author-key", 1, 0, O_AUTHOR_KEY},
	{"policy", 1, 0, O_POLICY},
	{"family-id", 1, 0, O_FAMILY_ID},
	{"image-id", 1, 0, O_IMAGE_ID},
	{"guest-svn", 1, 0, O_GUEST_SVN},
	{0, 0, 0, 0},
};

int
measure_num(const struct measure_raw *w, int o, uint64_t max, uint64_t *out)
{
	const char *name = "?";

	for (const struct option *l = long_opts; l->name; l++)
		if (l->val == o)
			name = l->name;
	if (cvm_parse_u64(w->opt[o], out) < 0 || *out > max)
		return cli_usage(MEASURE_USAGE, "invalid --%s value '%s'", name,
				 w->opt[o]);
	return 0;
}

/* --vcpu-family/-model/-stepping, --vcpu-sig or --vcpu-type (in order) */
int
measure_vcpu_sig(const struct measure_raw *w, struct measure_opts *o,
		 const char *mode)
{
	uint64_t f, m, s, v;

	if (o->p.mode == CVM_MEASURE_SEV)
		return 0;
	if (w->opt[O_VCPU_FAMILY]) {
		if (!w->opt[O_VCPU_MODEL] || !w->opt[O_VCPU_STEPPING])
			return cli_usage(MEASURE_USAGE,
					 "--vcpu-family needs "
					 "--vcpu-model and --vcpu-stepping");
		if (measure_num(w, O_VCPU_FAMILY, 0x10E, &f) ||
		    measure_num(w, O_VCPU_MODEL, 0xFF, &m) ||
		    measure_num(w, O_VCPU_STEPPING, 0xF, &s))
			return 2;
		o->p.vcpu_sig =
			cvm_cpu_sig((unsigned)f, (unsigned)m, (unsigned)s);
	} else if (w->opt[O_VCPU_SIG]) {
		if (measure_num(w, O_VCPU_SIG, UINT32_MAX, &v))
			return 2;
		o->p.vcpu_sig = (uint32_t)v;
	} else if (o->vcpu_type) {
		cvm_vcpu_type_sig(o->vcpu_type, &o->p.vcpu_sig);
	} else if (o->p.vmm == CVM_VMM_QEMU) {
		return cli_usage(MEASURE_USAGE,
				 "missing --vcpu-type or --vcpu-sig or "
				 "--vcpu-family in guest mode '%s'",
				 mode);
	}
	return 0;
}

int
measure_id_block_opts(const struct measure_raw *w, struct measure_opts *o)
{
	struct cvm_err err = CVM_ERR_INIT;
	uint64_t v;
	bool any = o->id_block_out || o->id_auth_out || o->id_key;

	cvm_snp_id_block_init(&o->idb);
	if (!any && (o->author_key || w->idb_fields))
		return cli_usage(MEASURE_USAGE,
				 "--author-key, --policy, --family-id, "
				 "--image-id and --guest-svn need --id-key");
	if (!any)
		return 0;
	if (!o->id_block_out || !o->id_auth_out || !o->id_key)
		return cli_usage(MEASURE_USAGE,
				 "an ID block needs --id-key, "
				 "--id-block-out and --id-auth-out");
	if (o->p.mode != CVM_MEASURE_SNP && o->p.mode != CVM_MEASURE_SNP_SVSM)
		return cli_usage(MEASURE_USAGE,
				 "ID blocks are for modes snp and snp:svsm");
	if ((w->opt[O_POLICY] &&
	     measure_num(w, O_POLICY, UINT64_MAX, &o->idb.policy)) ||
	    (w->opt[O_GUEST_SVN] &&
	     measure_num(w, O_GUEST_SVN, UINT32_MAX, &v)))
		return 2;
	o->idb.guest_svn = w->opt[O_GUEST_SVN] ? (uint32_t)v : 0;
	if ((w->opt[O_FAMILY_ID] &&
	     cvm_hex_decode(w->opt[O_FAMILY_ID], o->idb.family_id, 16, &err) <
		     0) ||
	    (w->opt[O_IMAGE_ID] &&
	     cvm_hex_decode(w->opt[O_IMAGE_ID], o->idb.image_id, 16, &err) < 0))
		return cli_usage(MEASURE_USAGE,
				 "--family-id/--image-id: %s (16 bytes)",
				 err.msg);
	return 0;
}

int
measure_parse(int argc, char **argv, struct measure_opts *o)
{
	struct measure_raw w = {0};
	int c;

	cvm_measure_params_init(&o->p);
	optind = 0; /* full reset of GNU getopt */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":v", long_opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return cli_usage(MEASURE_USAGE, "%s option '%s'",
					 c == '?' ? "unknown"
						  : "missing value for",
					 argv[optind - 1]);
		if (c == O_VERSION) {
			printf("cvm measure %s (sev-snp-measure 0.0.13 "
			       "compatible)\n",
			       CVM_VERSION);
			return -1;
		}
		o->verbose |= c == 'v';
		w.idb_fields |= c >= O_POLICY;
		if (c >= O_MODE)
			w.opt[c] = optarg ? optarg : "";
	}
	if (optind < argc)
		return cli_usage(MEASURE_USAGE, "unrecognized argument '%s'",
				 argv[optind]);
	o->vcpu_type = w.opt[O_VCPU_TYPE];
	o->f = (struct cvm_measure_files){
		.ovmf = w.opt[O_OVMF],
		.kernel = w.opt[O_KERNEL],
		.initrd = w.opt[O_INITRD],
		.append = w.opt[O_APPEND],
		.svsm = w.opt[O_SVSM],
		.vars_file = w.opt[O_VARS_FILE],
	};
	o->dump_vmsa = w.opt[O_DUMP_VMSA];
	o->json = w.opt[O_JSON];
	o->explain = w.opt[O_EXPLAIN];
	o->id_block_out = w.opt[O_ID_BLOCK_OUT];
	o->id_auth_out = w.opt[O_ID_AUTH_OUT];
	o->id_key = w.opt[O_ID_KEY];
	o->author_key = w.opt[O_AUTHOR_KEY];
	return measure_check(&w, o);
}
