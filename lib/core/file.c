/* SPDX-License-Identifier: MIT */
/* Whole-file I/O, atomic writes and directories: see cvm/util.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"

/* O_NONBLOCK: a FIFO (or a tty) given as an input file must not make
 * open() wait for a writer; it is refused below as not regular. */
static int
open_regular(const char *path, struct stat *st, struct cvm_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return cvm_err_set(err, -errno, "cannot open '%s': %s", path,
				   strerror(errno));
	if (fstat(fd, st) < 0) {
		int e = errno;

		close(fd);
		return cvm_err_set(err, -e, "cannot stat '%s': %s", path,
				   strerror(e));
	}
	if (S_ISDIR(st->st_mode)) {
		close(fd);
		return cvm_err_set(err, -EISDIR,
				   "'%s' is a directory, not a file", path);
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return cvm_err_set(err, -EINVAL, "'%s' is not a regular file",
				   path);
	}
	return fd;
}

int
cvm_file_read(const char *path, struct cvm_buf *out, size_t max,
	      struct cvm_err *err)
{
	cleanup_close int fd = -1;
	struct stat st;
	char chunk[65536];
	ssize_t n;

	fd = open_regular(path, &st, err);
	if (fd < 0)
		return fd;
	if (max && (uint64_t)st.st_size > max)
		return cvm_err_set(err, -EFBIG,
				   "'%s' is too large (%lld bytes, limit %zu)",
				   path, (long long)st.st_size, max);
	cvm_buf_truncate(out, 0);
	cvm_buf_grow(out, (size_t)st.st_size);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return cvm_err_set(err, -errno, "cannot read '%s': %s",
					   path, strerror(errno));
		}
		cvm_buf_add(out, chunk, (size_t)n);
		if (max && out->len > max)
			return cvm_err_set(err, -EFBIG, "'%s' is too large",
					   path);
	}
	return 0;
}

int
cvm_file_map(const char *path, struct cvm_map *m, struct cvm_err *err)
{
	cleanup_close int fd = -1;
	struct stat st;
	void *p;

	m->data = NULL;
	m->len = 0;
	fd = open_regular(path, &st, err);
	if (fd < 0)
		return fd;
	if (st.st_size == 0)
		return 0;
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return cvm_err_set(err, -errno, "cannot map '%s': %s", path,
				   strerror(errno));
	m->data = p;
	m->len = (size_t)st.st_size;
	return 0;
}

void
cvm_file_unmap(struct cvm_map *m)
{
	if (m->data && m->len)
		munmap((void *)m->data, m->len);
	m->data = NULL;
	m->len = 0;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
cvm_file_write_atomic(const char *path, const void *data, size_t len,
		      mode_t mode, struct cvm_err *err)
{
	cleanup_free char *tmp = cvm_xasprintf("%s.tmp.XXXXXX", path);
	cleanup_close int fd = -1;
	int r;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) /* name the file asked for, not our temporary */
		return cvm_err_set(err, -errno, "cannot write '%s': %s", path,
				   strerror(errno));
	r = fchmod(fd, mode) < 0 ? -errno : 0;
	if (r == 0)
		r = write_all(fd, data, len);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return cvm_err_set(err, r, "cannot write '%s': %s", path,
				   strerror(-r));
	}
	return 0;
}

int
cvm_mkdir_p(const char *path, mode_t mode, struct cvm_err *err)
{
	cleanup_free char *p = cvm_xstrdup(path);
	struct stat st;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return cvm_err_set(err, -errno,
					   "cannot create '%s': %s", p,
					   strerror(errno));
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return cvm_err_set(err, -errno, "cannot create '%s': %s", p,
				   strerror(errno));
	if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
		return cvm_err_set(err, -ENOTDIR, "'%s' is not a directory", p);
	return 0;
}

bool
cvm_is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

char *
cvm_which(const char *name)
{
	const char *path = getenv("PATH");
	cleanup_free char *dirs = NULL;
	char *save = NULL;

	if (strchr(name, '/'))
		return cvm_is_executable(name) ? cvm_xstrdup(name) : NULL;
	dirs = cvm_xstrdup(path && *path ? path
					 : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		char *cand = cvm_xasprintf("%s/%s", d, name);

		if (cvm_is_executable(cand))
			return cand;
		free(cand);
	}
	return NULL;
}

char *
cvm_data_dir(void)
{
	const char *x = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (x && x[0] == '/')
		return cvm_xasprintf("%s/cvm", x);
	if (home && home[0] == '/')
		return cvm_xasprintf("%s/.local/share/cvm", home);
	return cvm_xstrdup("/var/lib/cvm");
}

/* ---- removing a tree ------------------------------------------------- */

static int
rm_at(int dfd, const char *name, int depth, int max_depth)
{
	struct stat st;
	int fd, r = 0;
	DIR *d;
	struct dirent *e;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -errno
								     : 0;
	if (depth > max_depth)
		return -ELOOP;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (r == 0)
			r = rm_at(dirfd(d), e->d_name, depth + 1, max_depth);
	}
	closedir(d);
	if (r == 0 && unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

int
cvm_rmtree(const char *path, int max_depth, struct cvm_err *err)
{
	int r = rm_at(AT_FDCWD, path, 0, max_depth);

	if (r < 0)
		return cvm_err_set(err, r, "remove '%s': %s", path,
				   strerror(-r));
	return 0;
}
