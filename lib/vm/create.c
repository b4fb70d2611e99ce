/* SPDX-License-Identifier: MIT */
/*
 * Writing a planned VM: everything goes into a temporary folder beside
 * the final one, which is then renamed into place, so a VM exists whole
 * or not at all (see cvm_vm_create() in cvm/vm.h).  Disks go through
 * qemu-img: what an image is (info) and a qcow2 overlay on it (create
 * -b), so the VM writes its own file and the user's cloud image is only
 * ever read.  qemu-img(1): "create -f qcow2 -b BASE -F FMT OVERLAY
 * [SIZE]"; a SIZE larger than the base grows the guest's disk.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

#define QEMU_IMG	 "qemu-img"
#define QEMU_IMG_TIMEOUT 60000

/* Run qemu-img; its first stderr line becomes the error. */
static int
qemu_img(const char *const *argv, struct cvm_proc_result *res,
	 struct cvm_err *err)
{
	char line[320];
	int r;

	r = cvm_proc_run(argv, NULL, 0, QEMU_IMG_TIMEOUT, res, err);
	if (r == -ENOENT)
		return cvm_err_set(err, r,
				   "qemu-img not found (install Debian's "
				   "qemu-utils)");
	if (r < 0)
		return r;
	if (res->status == 0)
		return 0;
	cvm_qemu_error_line(cvm_buf_str(&res->err), line, sizeof(line));
	return cvm_err_set(err, -CVM_E_CHILD, "qemu-img %s failed: %s", argv[1],
			   line[0]	    ? line
			   : res->timed_out ? "timed out"
					    : "?");
}

int
cvm_vm_image_info(const char *path, char **format, uint64_t *size,
		  struct cvm_err *err)
{
	const char *argv[] = {QEMU_IMG, "info", "--output=json", path, NULL};
	struct cvm_proc_result res = CVM_PROC_RESULT_INIT;
	struct json_object *o = NULL, *f, *v;
	int r;

	*format = NULL;
	*size = 0;
	r = qemu_img(argv, &res, err);
	if (r == 0)
		o = json_tokener_parse(cvm_buf_str(&res.out));
	cvm_proc_result_release(&res);
	if (r < 0)
		return cvm_err_prefix(err, "image '%s'", path);
	if (!o || !json_object_object_get_ex(o, "format", &f) ||
	    !json_object_object_get_ex(o, "virtual-size", &v) ||
	    !json_object_is_type(f, json_type_string) ||
	    !json_object_is_type(v, json_type_int)) {
		json_object_put(o);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "image '%s': qemu-img info gave no format "
				   "and size",
				   path);
	}
	*format = cvm_xstrdup(json_object_get_string(f));
	*size = (uint64_t)json_object_get_int64(v);
	json_object_put(o);
	return 0;
}

int
cvm_vm_overlay_create(const char *path, const char *base, const char *fmt,
		      uint64_t size, struct cvm_err *err)
{
	char sz[32];
	const char *argv[] = {
		QEMU_IMG, "create", "-q", "-f", "qcow2",	  "-b",
		base,	  "-F",	    fmt,  path, size ? sz : NULL, NULL};
	struct cvm_proc_result res = CVM_PROC_RESULT_INIT;
	int r;

	snprintf(sz, sizeof(sz), "%" PRIu64, size);
	r = qemu_img(argv, &res, err);
	cvm_proc_result_release(&res);
	if (r < 0)
		return cvm_err_prefix(err, "overlay on '%s'", base);
	return 0;
}

/* Copy `src` to `dst` (new, `mode`), flushed to disk. */
static int
copy_file(const char *src, const char *dst, mode_t mode, struct cvm_err *err)
{
	cleanup_close int in = -1, out = -1;
	char buf[65536];
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return cvm_err_set(err, -errno, "open '%s': %s", src,
				   strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (out < 0)
		return cvm_err_set(err, -errno, "create '%s': %s", dst,
				   strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		ssize_t w = 0, k;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cvm_err_set(err, -errno, "copy '%s': %s", src,
					   strerror(errno));
		/* a full disk first shortens a write, then fails it: loop, so
		 * that the error is ENOSPC and not a stale errno */
		while (w < n) {
			k = write(out, buf + w, (size_t)(n - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return cvm_err_set(err, -errno,
						   "copy '%s' to '%s': %s", src,
						   dst, strerror(errno));
			w += k;
		}
	}
	if (fsync(out) < 0)
		return cvm_err_set(err, -errno, "write '%s': %s", dst,
				   strerror(errno));
	return 0;
}

static int
copy_into(const char *dir, const char *file, const char *src, mode_t mode,
	  struct cvm_err *err)
{
	cleanup_free char *dst = cvm_xasprintf("%s/%s", dir, file);

	return copy_file(src, dst, mode, err);
}

static int
write_seed(const struct cvm_vm_plan *p, const char *dir, struct cvm_err *err)
{
	const struct cvm_vm_config *c = &p->cfg;
	cleanup_free char *path = cvm_xasprintf("%s/" CVM_VM_F_SEED, dir);
	/* a new instance-id per create: cloud-init runs its first-boot
	 * modules once per instance */
	cleanup_free char *iid =
		cvm_xasprintf("iid-%s-%s", c->name, c->created);
	struct cvm_vm_seed s = {
		.user_data = p->user_data,
		.network_config = p->network_config,
		.ssh_key = p->ssh_key,
		.instance_id = iid,
		.hostname = c->name,
	};

	return cvm_vm_seed_write(path, &s, err);
}

/* Everything but vm.json, which is written last. */
static int
populate(const struct cvm_vm_plan *p, const char *dir, struct cvm_err *err)
{
	const struct cvm_vm_config *c = &p->cfg;
	cleanup_free char *disk = NULL;
	int r = 0;

	if (p->source_image)
		r = copy_into(dir, CVM_VM_F_KERNEL, p->source_image, 0600, err);
	if (r == 0 && p->source_initrd)
		r = copy_into(dir, CVM_VM_F_INITRD, p->source_initrd, 0600,
			      err);
	if (r == 0 && p->source_dh_cert)
		r = copy_into(dir, CVM_VM_F_DHCERT, p->source_dh_cert, 0600,
			      err);
	if (r == 0 && p->source_session)
		r = copy_into(dir, CVM_VM_F_SESSION, p->source_session, 0600,
			      err);
	if (r == 0 && c->has_vars)
		r = copy_into(dir, CVM_VM_F_VARS, c->vars_template, 0600, err);
	if (r == 0 && c->guest == CVM_VM_GUEST_DISK) {
		disk = cvm_xasprintf("%s/" CVM_VM_F_DISK, dir);
		r = cvm_vm_overlay_create(disk, c->base_image, c->base_format,
					  c->disk_size, err);
		if (r == 0 && chmod(disk, 0600) < 0)
			r = cvm_err_set(err, -errno, "chmod '%s': %s", disk,
					strerror(errno));
	}
	if (r == 0 && c->has_seed)
		r = write_seed(p, dir, err);
	return r;
}

int
cvm_vm_create(const struct cvm_vm_create_opts *o, const struct cvm_vm_plan *p,
	      struct cvm_err *err)
{
	const struct cvm_vm_config *c = &p->cfg;
	cleanup_free char *root = cvm_vm_root();
	cleanup_free char *final = cvm_xasprintf("%s/%s", root, c->name);
	cleanup_free char *tmp = NULL;
	int r;

	(void)o;
	if ((r = vm_tmpdir_make(root, &tmp, err)) < 0)
		return r;
	if ((r = populate(p, tmp, err)) < 0 ||
	    (r = vm_config_save(tmp, c, err)) < 0 ||
	    (r = vm_tmpdir_commit(tmp, final, c->name, err)) < 0) {
		cvm_rmtree(tmp, VM_TREE_DEPTH, NULL);
		return r == -EEXIST
			       ? r
			       : cvm_err_prefix(err, "create VM '%s'", c->name);
	}
	if (c->backend == CVM_VM_LIBVIRT &&
	    (r = vm_virt_define(c, final, err)) < 0) {
		cvm_rmtree(final, VM_TREE_DEPTH, NULL);
		return r;
	}
	return 0;
}
