/* SPDX-License-Identifier: MIT */
/*
 * `cvm measure`: what its option parser (cmd-measure.c) hands to its
 * output code (cmd-measure-out.c).
 */
#ifndef CVM_CLI_CMD_MEASURE_H
#define CVM_CLI_CMD_MEASURE_H

#include <stdbool.h>
#include <stddef.h>

#include "cvm/measure.h"

#define MEASURE_USAGE "cvm measure"

/* getopt_long values of the long options (cmd-measure-opts.c) */
enum {
	O_MODE = 256,
	O_VCPUS,
	O_VCPU_TYPE,
	O_VCPU_SIG,
	O_VCPU_FAMILY,
	O_VCPU_MODEL,
	O_VCPU_STEPPING,
	O_VMM_TYPE,
	O_OVMF,
	O_KERNEL,
	O_INITRD,
	O_APPEND,
	O_GUEST_FEATURES,
	O_OUTPUT_FORMAT,
	O_SNP_OVMF_HASH,
	O_DUMP_VMSA,
	O_SVSM,
	O_VARS_SIZE,
	O_VARS_FILE,
	O_VERSION,
	O_JSON,
	O_EXPLAIN,
	O_THREADS,
	O_ID_BLOCK_OUT,
	O_ID_AUTH_OUT,
	O_ID_KEY,
	O_AUTHOR_KEY,
	O_POLICY,
	O_FAMILY_ID,
	O_IMAGE_ID,
	O_GUEST_SVN,
};

/* Raw option values, checked after parsing in the reference's order. */
struct measure_raw {
	const char *opt[O_GUEST_SVN + 1];
	bool idb_fields;
};

struct measure_opts {
	struct cvm_measure_params p;
	struct cvm_measure_files f;
	const char *vcpu_type; /* NULL when given by signature or FMS */
	bool base64, verbose, dump_vmsa, json, explain;
	uint8_t ovmf_hash[CVM_SNP_LD_SIZE]; /* --snp-ovmf-hash */

	/* SNP ID block (cvm extension) */
	const char *id_block_out, *id_auth_out, *id_key, *author_key;
	struct cvm_snp_id_block idb;

	/* regions collected for --explain */
	struct cvm_measure_region *regions;
	size_t nregions;
};

/*
 * Parse and check argv (argv[0] = "measure"): 0 to go on, -1 when done
 * (--version), else the exit status of a usage error (printed).
 */
int measure_parse(int argc, char **argv, struct measure_opts *o);

/* Checks, in sev-snp-measure's order (cmd-measure-check.c). */
int measure_check(struct measure_raw *w, struct measure_opts *o);
/* Helpers of the checks: each prints its usage error and returns 2. */
int measure_num(const struct measure_raw *w, int opt, uint64_t max,
		uint64_t *out);
int measure_vcpu_sig(const struct measure_raw *w, struct measure_opts *o,
		     const char *mode);
int measure_id_block_opts(const struct measure_raw *w, struct measure_opts *o);

/* on_region / on_vmsa callbacks; `opaque` is the struct measure_opts */
void measure_collect_region(void *opaque, const struct cvm_measure_region *r);
int measure_dump_vmsa(void *opaque, unsigned vcpu, const uint8_t *page,
		      struct cvm_err *err);

/* Sign and write the ID block files; fills the digests for --json. */
struct measure_idb_out {
	uint8_t id_key_digest[CVM_SNP_LD_SIZE];
	uint8_t author_key_digest[CVM_SNP_LD_SIZE];
};
int measure_write_id_block(struct measure_opts *o,
			   const struct cvm_measure_result *res,
			   struct measure_idb_out *idb, struct cvm_err *err);

bool measure_is_snp(const struct measure_opts *o);
/* "3" or "1-3": the vCPUs of a VMSA region */
void measure_vcpu_range(const struct cvm_measure_region *r, char *s, size_t n);
void measure_print_json(const struct measure_opts *o,
			const struct cvm_measure_result *res,
			const struct measure_idb_out *idb);

/* Print the result: the digest line (and the --explain table), or JSON. */
int measure_print(const struct measure_opts *o,
		  const struct cvm_measure_result *res,
		  const struct measure_idb_out *idb);

#endif
