/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci measure --ovmf FILE [--bundle B] [--mode snp|seves|sev]
 * [--vcpus N] [--vcpu-type T] [--json]`: the launch digest a measured
 * launch of this bundle's container reports (lib/measure, the same
 * computation as `cvm measure --kernel --initrd --append`).  With an
 * OvmfPkg/AmdSev firmware the digest covers the kernel, the initramfs
 * (rootfs, process, agent) and the command line, so a relying party can
 * check what runs before it releases secrets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/measure.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-cmd.h"

struct mopts {
	const char *bundle, *ovmf, *mode, *vcpus, *vcpu_type;
	bool json;
};

static int
params(const struct mopts *o, struct cvm_measure_params *p, struct cvm_err *err)
{
	uint64_t n = 1;

	cvm_measure_params_init(p);
	if (cvm_measure_mode_parse(o->mode, &p->mode) < 0 ||
	    (p->mode != CVM_MEASURE_SNP && p->mode != CVM_MEASURE_SEV &&
	     p->mode != CVM_MEASURE_SEV_ES))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "measure: --mode '%s' (snp, seves, sev)",
				   o->mode);
	if (o->vcpus && (cvm_parse_u64(o->vcpus, &n) < 0 || !n ||
			 n > CVM_MEASURE_MAX_VCPUS))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "measure: --vcpus '%s' (1..%d)", o->vcpus,
				   CVM_MEASURE_MAX_VCPUS);
	p->vcpus = (unsigned)n;
	if (cvm_vcpu_type_sig(o->vcpu_type, &p->vcpu_sig) < 0)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "measure: unknown --vcpu-type '%s'",
				   o->vcpu_type);
	return 0;
}

static void
print(const struct mopts *o, const struct cvm_measure_result *res,
      const struct oci_boot *b)
{
	char hex[2 * CVM_SNP_LD_SIZE + 1];
	struct json_object *j;

	cvm_hex_encode(res->digest, res->len, hex);
	if (!o->json) {
		printf("%s\n", hex);
		return;
	}
	j = json_object_new_object();
	json_object_object_add(j, "mode", json_object_new_string(o->mode));
	json_object_object_add(j, "digest", json_object_new_string(hex));
	json_object_object_add(j, "ovmf", json_object_new_string(o->ovmf));
	json_object_object_add(j, "kernel", json_object_new_string(b->kernel));
	json_object_object_add(j, "initrd_sha256",
			       json_object_new_string(b->sha256));
	json_object_object_add(j, "append", json_object_new_string(b->append));
	oci_print_json(j);
}

static int
compute(const struct mopts *o, struct cvm_err *err)
{
	const char *tmpdir = getenv("TMPDIR");
	cleanup_free char *dir =
		cvm_xasprintf("%s/cvm-oci-measure.XXXXXX",
			      tmpdir && *tmpdir ? tmpdir : "/tmp");
	cleanup_free char *initrd = NULL;
	struct cvm_measure_files f = {.ovmf = o->ovmf};
	struct cvm_measure_result res;
	struct cvm_measure_params p;
	struct oci_boot b = {0};
	int r;

	if ((r = params(o, &p, err)) < 0)
		return r;
	if (!mkdtemp(dir))
		return cvm_err_set(err, -errno, "mkdtemp: %s", strerror(errno));
	initrd = cvm_xasprintf("%s/initrd.cpio", dir);
	if ((r = oci_boot_files(o->bundle, initrd, &b, err)) == 0) {
		f.kernel = b.kernel;
		f.initrd = initrd;
		f.append = b.append;
		if ((r = cvm_measure_files_compute(&f, &p, &res, err)) == 0)
			print(o, &res, &b);
	}
	unlink(initrd);
	rmdir(dir);
	oci_boot_release(&b);
	return r;
}

static int
measure_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	struct mopts o = {.bundle = ".", .mode = "snp", .vcpu_type = "EPYC-v4"};
	const struct oci_opt opts[] = {{"bundle", 'b', &o.bundle, NULL},
				       {"ovmf", 0, &o.ovmf, NULL},
				       {"mode", 0, &o.mode, NULL},
				       {"vcpus", 0, &o.vcpus, NULL},
				       {"vcpu-type", 0, &o.vcpu_type, NULL},
				       {"json", 0, NULL, &o.json},
				       {NULL, 0, NULL, NULL}};
	struct cvm_err err = CVM_ERR_INIT;
	char *pos[1];
	int npos, r;

	(void)ctx;
	if ((r = oci_opts(&verb_measure, opts, argc, argv, pos, 0, &npos)) != 0)
		return r;
	if (!o.ovmf)
		return oci_failf(-CVM_E_USAGE, "measure: --ovmf is required "
					       "(an OvmfPkg/AmdSev build)");
	return compute(&o, &err) < 0 ? oci_fail(&err) : 0;
}

const struct oci_verb verb_measure = {
	.name = "measure",
	.summary = "the launch digest of a measured SEV launch of a bundle",
	.usage = "measure --ovmf FILE [--bundle DIR] [--mode snp|seves|sev] "
		 "[--vcpus N] [--vcpu-type T] [--json]",
	.help = "      --ovmf FILE      the firmware (measured direct boot "
		"needs an AmdSev build)\n"
		"  -b, --bundle DIR     the OCI bundle (default: .)\n"
		"      --mode M         snp (default), seves or sev\n"
		"      --vcpus N        default 1 (what cvm-oci launches)\n"
		"      --vcpu-type T    default EPYC-v4\n"
		"      --json           {mode, digest, ovmf, kernel, "
		"initrd_sha256, append}\n",
	.run = measure_cmd,
};
