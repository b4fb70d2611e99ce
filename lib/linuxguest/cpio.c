/* SPDX-License-Identifier: MIT */
/*
 * A streaming writer of cpio "newc" archives, the initramfs format the
 * Linux kernel unpacks (Documentation/driver-api/early-userspace/
 * buffer-format.rst): a 110-byte ASCII header "070701" + 13 eight-digit
 * hex fields, the NUL-terminated name padded to 4 bytes, the data padded
 * to 4 bytes; the archive ends with an entry named "TRAILER!!!".
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/linuxguest.h"
#include "cvm/util.h"

#define CPIO_HDR 110

void
cvm_cpio_init(struct cvm_cpio *c, int fd)
{
	c->fd = fd;
	c->offset = 0;
	c->next_ino = 1;
	c->error = 0;
	c->keep_owners = false;
}

static void
put(struct cvm_cpio *c, const void *p, size_t n)
{
	const char *s = p;

	while (n && !c->error) {
		ssize_t w = write(c->fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			c->error = -errno;
			return;
		}
		s += w;
		n -= (size_t)w;
		c->offset += (uint64_t)w;
	}
}

static void
pad4(struct cvm_cpio *c)
{
	static const char zero[4];

	if (c->offset % 4)
		put(c, zero, 4 - c->offset % 4);
}

/* `own`: the host file an entry copies (its uid/gid with keep_owners),
 * or NULL for entries cvm makes (owned by 0:0) */
static int
header(struct cvm_cpio *c, const char *name, mode_t mode, uint32_t nlink,
       uint64_t size, unsigned rmaj, unsigned rmin, const struct stat *own,
       struct cvm_err *err)
{
	char hdr[CPIO_HDR + 1];
	size_t nlen = strlen(name) + 1;
	bool keep = own && c->keep_owners;

	if (!*name || name[0] == '/' || nlen > 4096)
		return cvm_err_set(err, -EINVAL,
				   "bad initramfs entry name '%s'", name);
	if (size > 0xffffffffu)
		return cvm_err_set(
			err, -EFBIG,
			"'%s' is too large for a cpio archive (4 GiB)", name);
	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->next_ino++, (unsigned)mode,
		 keep ? (unsigned)own->st_uid : 0u,
		 keep ? (unsigned)own->st_gid : 0u, nlink, 0u, (unsigned)size,
		 0u, 0u, rmaj, rmin, (unsigned)nlen, 0u);
	put(c, hdr, CPIO_HDR);
	put(c, name, nlen);
	pad4(c);
	if (c->error)
		return cvm_err_set(err, c->error, "cannot write initramfs: %s",
				   strerror(-c->error));
	return 0;
}

int
cvm_cpio_add_dir(struct cvm_cpio *c, const char *name, mode_t mode,
		 struct cvm_err *err)
{
	return header(c, name, S_IFDIR | (mode & 07777), 2, 0, 0, 0, NULL, err);
}

static int
file_entry(struct cvm_cpio *c, const char *name, mode_t mode, const void *data,
	   size_t len, const struct stat *own, struct cvm_err *err)
{
	int r = header(c, name, S_IFREG | (mode & 07777), 1, len, 0, 0, own,
		       err);

	if (r < 0)
		return r;
	put(c, data, len);
	pad4(c);
	if (c->error)
		return cvm_err_set(err, c->error, "cannot write initramfs: %s",
				   strerror(-c->error));
	return 0;
}

int
cvm_cpio_add_file(struct cvm_cpio *c, const char *name, mode_t mode,
		  const void *data, size_t len, struct cvm_err *err)
{
	return file_entry(c, name, mode, data, len, NULL, err);
}

static int
link_entry(struct cvm_cpio *c, const char *name, const char *target,
	   const struct stat *own, struct cvm_err *err)
{
	size_t len = strlen(target);
	int r = header(c, name, S_IFLNK | 0777, 1, len, 0, 0, own, err);

	if (r < 0)
		return r;
	put(c, target, len);
	pad4(c);
	return c->error ? cvm_err_set(err, c->error, "cannot write initramfs")
			: 0;
}

int
cvm_cpio_add_symlink(struct cvm_cpio *c, const char *name, const char *target,
		     struct cvm_err *err)
{
	return link_entry(c, name, target, NULL, err);
}

int
cvm_cpio_add_node(struct cvm_cpio *c, const char *name, mode_t mode,
		  unsigned major, unsigned minor, struct cvm_err *err)
{
	if (!S_ISCHR(mode) && !S_ISBLK(mode))
		return cvm_err_set(err, -EINVAL, "'%s' is not a device node",
				   name);
	return header(c, name, mode, 1, 0, major, minor, NULL, err);
}

int
cvm_cpio_add_path(struct cvm_cpio *c, const char *name, const char *host_path,
		  struct cvm_err *err)
{
	cleanup_map struct cvm_map m = CVM_MAP_INIT;
	struct stat st;
	int r;

	if (stat(host_path, &st) < 0)
		return cvm_err_set(err, -errno, "cannot stat '%s': %s",
				   host_path, strerror(errno));
	r = cvm_file_map(host_path, &m, err);
	if (r < 0)
		return r;
	return file_entry(c, name, st.st_mode, m.data, m.len, &st, err);
}

static int add_entry(struct cvm_cpio *c, const char *name, int dirfd,
		     const char *leaf, struct cvm_err *err);

static int
add_dir_contents(struct cvm_cpio *c, const char *prefix, int fd,
		 struct cvm_err *err)
{
	cleanup_closedir DIR *d = fdopendir(fd);
	struct dirent **list = NULL;
	int n, r = 0;

	if (!d) {
		close(fd);
		return cvm_err_set(err, -errno, "cannot read directory '%s'",
				   prefix);
	}
	/* sorted, so the archive is reproducible */
	n = scandirat(dirfd(d), ".", &list, NULL, alphasort);
	if (n < 0)
		return cvm_err_set(err, -errno, "cannot read directory '%s'",
				   prefix);
	for (int i = 0; i < n; i++) {
		const char *leaf = list[i]->d_name;

		if (r == 0 && strcmp(leaf, ".") && strcmp(leaf, "..")) {
			cleanup_free char *name =
				*prefix ? cvm_xasprintf("%s/%s", prefix, leaf)
					: cvm_xstrdup(leaf);

			r = add_entry(c, name, dirfd(d), leaf, err);
		}
		free(list[i]);
	}
	free(list);
	return r;
}

static int
add_entry(struct cvm_cpio *c, const char *name, int dirfd, const char *leaf,
	  struct cvm_err *err)
{
	struct stat st;
	int fd, r;

	if (fstatat(dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return cvm_err_set(err, -errno, "cannot stat '%s': %s", name,
				   strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(dirfd, leaf, target, sizeof(target) - 1);

		if (n < 0)
			return cvm_err_set(err, -errno, "cannot read link '%s'",
					   name);
		target[n] = '\0';
		return link_entry(c, name, target, &st, err);
	}
	if (S_ISDIR(st.st_mode)) {
		r = header(c, name, S_IFDIR | (st.st_mode & 07777), 2, 0, 0, 0,
			   &st, err);
		if (r < 0)
			return r;
		fd = openat(dirfd, leaf,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return cvm_err_set(err, -errno, "cannot open '%s'",
					   name);
		return add_dir_contents(c, name, fd, err);
	}
	if (!S_ISREG(st.st_mode))
		return 0; /* sockets, fifos, devices: not carried over */
	fd = openat(dirfd, leaf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cvm_err_set(err, -errno, "cannot open '%s': %s", name,
				   strerror(errno));
	{
		cleanup_close int cfd = fd;
		cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
		char chunk[65536];
		ssize_t n;

		while ((n = read(cfd, chunk, sizeof(chunk))) > 0)
			cvm_buf_add(&b, chunk, (size_t)n);
		if (n < 0)
			return cvm_err_set(err, -errno, "cannot read '%s'",
					   name);
		return file_entry(c, name, st.st_mode, b.data, b.len, &st, err);
	}
}

int
cvm_cpio_add_tree(struct cvm_cpio *c, const char *prefix, const char *host_dir,
		  struct cvm_err *err)
{
	int fd = open(host_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return cvm_err_set(err, -errno,
				   "cannot open directory '%s': %s", host_dir,
				   strerror(errno));
	return add_dir_contents(c, prefix, fd, err);
}

int
cvm_cpio_finish(struct cvm_cpio *c, struct cvm_err *err)
{
	static const char zero[512];
	int r = header(c, "TRAILER!!!", 0, 1, 0, 0, 0, NULL, err);

	if (r < 0)
		return r;
	if (c->offset % 512)
		put(c, zero, 512 - c->offset % 512);
	if (c->error)
		return cvm_err_set(err, c->error, "cannot write initramfs: %s",
				   strerror(-c->error));
	return 0;
}
