/* SPDX-License-Identifier: MIT */
/*
 * The pieces of a Linux guest that cvm builds itself: finding Debian's
 * kernel, extracting the uncompressed ELF `vmlinux` from a bzImage (it
 * carries the PVH note, so QEMU boots it without firmware: about 2 s
 * faster under TCG than decompressing the XZ bzImage in the guest), and
 * writing initramfs archives in the kernel's cpio "newc" format
 * (Documentation/driver-api/early-userspace/buffer-format.rst).
 * Used by the Linux baseline guest of `cvm eval` and by `cvm-oci`.
 */
#ifndef CVM_LINUXGUEST_H
#define CVM_LINUXGUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cvm/err.h"

/*
 * The guest kernel: $CVM_LINUX_KERNEL if set, else the newest
 * /boot/vmlinuz-* (by version order).  Returns a malloc'd path.
 */
int cvm_linux_kernel_find(char **path, struct cvm_err *err);

/*
 * Extract the ELF vmlinux from the bzImage at `bzimage` into `out_path`
 * (written atomically).  Supports XZ-compressed kernels (Debian's);
 * -CVM_E_UNSUPPORTED for other compressions, -CVM_E_PARSE for a file
 * that is not a bzImage.
 */
int cvm_linux_vmlinux_extract(const char *bzimage, const char *out_path,
			      struct cvm_err *err);

/*
 * The extracted vmlinux for `bzimage`, cached under
 * $XDG_CACHE_HOME/cvm (or ~/.cache/cvm) by the bzImage's size and
 * mtime; extracted on first use.  Returns a malloc'd path.
 */
int cvm_linux_vmlinux_cached(const char *bzimage, char **out_path,
			     struct cvm_err *err);

/*
 * A streaming cpio newc writer.  Entries go to `fd` as they are added;
 * cvm_cpio_finish() writes the TRAILER!!! entry and pads the archive to
 * 512 bytes.  Names are relative ("init", "bin/sh"); inode numbers are
 * assigned in order and every mtime is 0, so the output is reproducible,
 * which keeps a measured initrd's hash stable.  Entries are owned by
 * 0:0, except that with `keep_owners` set (after cvm_cpio_init()) the
 * entries copied from the host by cvm_cpio_add_tree() and
 * cvm_cpio_add_path() keep the host file's uid and gid (a container
 * image's files keep their owners; the kernel applies them when it
 * unpacks the archive).
 */
struct cvm_cpio {
	int fd;
	uint64_t offset;
	uint32_t next_ino;
	int error;	  /* first write error, sticky */
	bool keep_owners; /* host files keep their uid/gid (default: 0) */
};

void cvm_cpio_init(struct cvm_cpio *c, int fd);
int cvm_cpio_add_dir(struct cvm_cpio *c, const char *name, mode_t mode,
		     struct cvm_err *err);
int cvm_cpio_add_file(struct cvm_cpio *c, const char *name, mode_t mode,
		      const void *data, size_t len, struct cvm_err *err);
int cvm_cpio_add_symlink(struct cvm_cpio *c, const char *name,
			 const char *target, struct cvm_err *err);
/* A device node (e.g. "dev/console", S_IFCHR | 0600, 5, 1). */
int cvm_cpio_add_node(struct cvm_cpio *c, const char *name, mode_t mode,
		      unsigned major, unsigned minor, struct cvm_err *err);
/* Copy a host file into the archive under `name` (mode from the file,
 * and its owner with keep_owners). */
int cvm_cpio_add_path(struct cvm_cpio *c, const char *name,
		      const char *host_path, struct cvm_err *err);
/*
 * Add the tree under `host_dir` below `prefix` ("" for the root): regular
 * files, directories and symlinks with their modes (and owners with
 * keep_owners, else 0); other file types are skipped; never follows
 * symlinks.
 */
int cvm_cpio_add_tree(struct cvm_cpio *c, const char *prefix,
		      const char *host_dir, struct cvm_err *err);
int cvm_cpio_finish(struct cvm_cpio *c, struct cvm_err *err);

#endif
