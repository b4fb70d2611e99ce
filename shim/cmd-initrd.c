/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci initrd [--bundle B] [-o FILE] [--json]`: write the initramfs a
 * container of this bundle boots (reproducibly: the same bundle gives
 * the same bytes) and print what a measured SEV-SNP launch hashes into
 * its launch digest: kernel, initrd, command line, and the `cvm measure`
 * command that computes the digest offline.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/linuxguest.h"
#include "cvm/measure.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-cmd.h"

static int
write_file(const struct cvm_oci_spec *s, const char *path, struct cvm_err *err)
{
	cleanup_free char *tmp = cvm_xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp), r;

	if (fd < 0)
		return cvm_err_set(err, -errno, "cannot create '%s': %s", path,
				   strerror(errno));
	r = cvm_oci_initrd_write(s, fd, err);
	if (r == 0 &&
	    (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || rename(tmp, path) < 0))
		r = cvm_err_set(err, -errno, "cannot write '%s': %s", path,
				strerror(errno));
	close(fd);
	if (r < 0)
		unlink(tmp);
	return r;
}

int
oci_boot_files(const char *bundle, const char *path, struct oci_boot *b,
	       struct cvm_err *err)
{
	struct cvm_oci_runtime rt;
	struct cvm_oci_spec *s = NULL;
	uint8_t sum[32];
	int r;

	memset(b, 0, sizeof(*b));
	if ((r = cvm_oci_runtime_load(&rt, err)) < 0)
		return r;
	if ((r = cvm_oci_spec_load(bundle, &s, err)) == 0 &&
	    (r = write_file(s, path, err)) == 0 &&
	    (r = cvm_measure_sha256_file(path, sum, err)) == 0) {
		cvm_hex_encode(sum, sizeof(sum), b->sha256);
		b->append = cvm_oci_cmdline(&rt, CVM_ACCEL_KVM);
		if (rt.kernel)
			b->kernel = cvm_xstrdup(rt.kernel);
		else
			r = cvm_linux_kernel_find(&b->kernel, err);
	}
	if (r == 0) {
		struct stat st;

		b->size = stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
	}
	cvm_oci_spec_free(s);
	cvm_oci_runtime_release(&rt);
	if (r < 0)
		oci_boot_release(b);
	return r;
}

void
oci_boot_release(struct oci_boot *b)
{
	free(b->kernel);
	free(b->append);
	memset(b, 0, sizeof(*b));
}

static int
initrd_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	const char *bundle = ".", *out = "initrd.cpio";
	bool json = false;
	const struct oci_opt opts[] = {{"bundle", 'b', &bundle, NULL},
				       {"output", 'o', &out, NULL},
				       {"json", 0, NULL, &json},
				       {NULL, 0, NULL, NULL}};
	struct cvm_err err = CVM_ERR_INIT;
	struct oci_boot b;
	char *pos[1];
	int npos, r;

	(void)ctx;
	if ((r = oci_opts(&verb_initrd, opts, argc, argv, pos, 0, &npos)) != 0)
		return r;
	if (oci_boot_files(bundle, out, &b, &err) < 0)
		return oci_fail(&err);
	if (json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "initrd",
				       json_object_new_string(out));
		json_object_object_add(o, "size",
				       json_object_new_int64((int64_t)b.size));
		json_object_object_add(o, "sha256",
				       json_object_new_string(b.sha256));
		json_object_object_add(o, "kernel",
				       json_object_new_string(b.kernel));
		json_object_object_add(o, "append",
				       json_object_new_string(b.append));
		oci_print_json(o);
	} else {
		printf("initrd  %s (%llu bytes, sha256 %s)\nkernel  %s\nappend "
		       " "
		       "%s\n\nlaunch digest of a measured SEV-SNP launch (an "
		       "OvmfPkg/AmdSev build, one vCPU):\n  cvm measure --mode "
		       "snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf OVMF.fd "
		       "--kernel %s --initrd %s --append '%s'\n",
		       out, (unsigned long long)b.size, b.sha256, b.kernel,
		       b.append, b.kernel, out, b.append);
	}
	oci_boot_release(&b);
	return 0;
}

const struct oci_verb verb_initrd = {
	.name = "initrd",
	.summary = "write a bundle's initramfs and show what SNP measures",
	.usage = "initrd [--bundle DIR] [-o FILE] [--json]",
	.help = "  -b, --bundle DIR   the OCI bundle (default: .)\n"
		"  -o, --output FILE  where to write it (default: "
		"initrd.cpio)\n"
		"      --json         {initrd, size, sha256, kernel, append}\n"
		"The archive is reproducible (sorted, the image's owners, "
		"mtime 0): the same\nrootfs and config give the same bytes, so "
		"with measured direct boot the\nlaunch digest covers the "
		"container's files and process.\n",
	.run = initrd_cmd,
};
