/* SPDX-License-Identifier: MIT */
/*
 * `cvm measure`: the checks on its options, made in the order of
 * sev-snp-measure's cli.py so that every bad command line fails the same
 * way (exit status 2 for usage errors, as argparse's parser.error()).
 */
#include <stdio.h>
#include <string.h>

#include "cmd-measure.h"
#include "cvm/util.h"
#include "out.h"

/* After the mode: kernel, vCPUs, VMM, signature, SVSM (cli.py order). */
static int
check_guest(struct measure_raw *w, struct measure_opts *o, const char *mode)
{
	uint64_t v = 0;
	int r;

	if ((o->f.initrd || o->f.append) && !o->f.kernel)
		return cli_usage(MEASURE_USAGE,
				 "--kernel required when using %s",
				 o->f.initrd ? "--initrd" : "--append");
	if (o->p.mode != CVM_MEASURE_SEV && !w->opt[O_VCPUS])
		return cli_usage(MEASURE_USAGE,
				 "missing --vcpus N in guest mode '%s'", mode);
	if (w->opt[O_VCPUS] && measure_num(w, O_VCPUS, UINT32_MAX, &v))
		return 2;
	o->p.vcpus = (unsigned)v;
	if (w->opt[O_VMM_TYPE] &&
	    cvm_vmm_type_parse(w->opt[O_VMM_TYPE], &o->p.vmm) < 0)
		return cli_usage(MEASURE_USAGE,
				 "unknown VMM type '%s' (QEMU, ec2, gce)",
				 w->opt[O_VMM_TYPE]);
	if ((r = measure_vcpu_sig(w, o, mode)) != 0)
		return r;
	if (o->p.mode == CVM_MEASURE_SNP_SVSM && !o->p.vars_size &&
	    !o->f.vars_file)
		return cli_usage(
			MEASURE_USAGE,
			"snp:svsm mode requires --vars-size or --vars-file");
	if (o->p.mode == CVM_MEASURE_SNP_SVSM && !o->f.svsm)
		return cli_usage(MEASURE_USAGE,
				 "snp:svsm mode requires --svsm");
	if (o->dump_vmsa && o->p.mode == CVM_MEASURE_SEV)
		return cli_usage(MEASURE_USAGE,
				 "--dump-vmsa is not available in mode 'sev'");
	if (o->p.mode != CVM_MEASURE_SEV &&
	    (v < 1 || v > CVM_MEASURE_MAX_VCPUS))
		return cli_usage(MEASURE_USAGE,
				 "invalid --vcpus %s: must be 1..%d",
				 w->opt[O_VCPUS], CVM_MEASURE_MAX_VCPUS);
	if (w->opt[O_SNP_OVMF_HASH]) {
		struct cvm_err err = CVM_ERR_INIT;

		if (cvm_hex_decode(w->opt[O_SNP_OVMF_HASH], o->ovmf_hash,
				   CVM_SNP_LD_SIZE, &err) < 0)
			return cli_usage(MEASURE_USAGE,
					 "--snp-ovmf-hash: %s (48 bytes)",
					 err.msg);
		o->p.snp_ovmf_hash = o->ovmf_hash;
	}
	return measure_id_block_opts(w, o);
}

/* Everything after getopt, in sev-snp-measure's order (cli.py main). */
int
measure_check(struct measure_raw *w, struct measure_opts *o)
{
	const char *mode = w->opt[O_MODE];
	uint64_t v = 0;

	if (!mode || !o->f.ovmf)
		return cli_usage(MEASURE_USAGE,
				 "the following arguments are required: %s",
				 !mode ? "--mode" : "--ovmf");
	if (cvm_measure_mode_parse(mode, &o->p.mode) < 0)
		return cli_usage(MEASURE_USAGE,
				 "invalid --mode '%s' (choose from sev, "
				 "seves, snp, snp:ovmf-hash, snp:svsm)",
				 mode);
	if (o->vcpu_type && cvm_vcpu_type_sig(o->vcpu_type, &o->p.vcpu_sig) < 0)
		return cli_usage(MEASURE_USAGE, "unknown --vcpu-type '%s'",
				 o->vcpu_type);
	if (w->opt[O_OUTPUT_FORMAT] &&
	    strcmp(w->opt[O_OUTPUT_FORMAT], "hex") != 0 &&
	    !(o->base64 = strcmp(w->opt[O_OUTPUT_FORMAT], "base64") == 0))
		return cli_usage(MEASURE_USAGE,
				 "invalid --output-format '%s' (hex, base64)",
				 w->opt[O_OUTPUT_FORMAT]);
	if (w->opt[O_VARS_SIZE] && o->f.vars_file)
		return cli_usage(MEASURE_USAGE,
				 "--vars-size conflicts with --vars-file");
	if ((w->opt[O_GUEST_FEATURES] &&
	     measure_num(w, O_GUEST_FEATURES, UINT64_MAX,
			 &o->p.guest_features)) ||
	    (w->opt[O_VARS_SIZE] &&
	     measure_num(w, O_VARS_SIZE, UINT64_MAX, &o->p.vars_size)))
		return 2;
	if (w->opt[O_THREADS] && measure_num(w, O_THREADS, 64, &v))
		return 2;
	o->p.threads = (unsigned)v;
	if (o->p.mode == CVM_MEASURE_SNP_OVMF_HASH) {
		/* the reference ignores everything else in this mode */
		o->f = (struct cvm_measure_files){.ovmf = o->f.ovmf};
		return 0;
	}
	return check_guest(w, o, mode);
}
