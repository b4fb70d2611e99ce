/* SPDX-License-Identifier: MIT */
/*
 * The real system calls behind struct cvm_attest_sys_ops.  configfs and
 * sysfs attributes report a size of 4096 or 0 whatever they hold, so
 * files are read until end of file, never by their stat size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm/attest.h"
#include "cvm/buf.h"
#include "cvm/cleanup.h"

#define SYS_READ_MAX (1u << 20)

static int
sys_exists(void *opaque, const char *path)
{
	(void)opaque;
	return access(path, F_OK) == 0;
}

static int
sys_mkdir(void *opaque, const char *path)
{
	(void)opaque;
	return mkdir(path, 0700) < 0 ? -errno : 0;
}

static int
sys_rmdir(void *opaque, const char *path)
{
	(void)opaque;
	return rmdir(path) < 0 ? -errno : 0;
}

static int
sys_read_file(void *opaque, const char *path, uint8_t **out, size_t *len)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	ssize_t n;

	(void)opaque;
	if (fd < 0)
		return -errno;
	for (;;) {
		cvm_buf_grow(&b, 4096);
		n = read(fd, b.data + b.len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		b.len += (size_t)n;
		if (b.len > SYS_READ_MAX)
			return -EFBIG;
	}
	*out = (uint8_t *)cvm_buf_detach(&b, len);
	return 0;
}

static int
sys_write_file(void *opaque, const char *path, const void *p, size_t len)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	(void)opaque;
	if (fd < 0)
		return -errno;
	/* configfs takes an attribute in one write */
	n = write(fd, p, len);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static int
sys_open(void *opaque, const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	(void)opaque;
	return fd < 0 ? -errno : fd;
}

static int
sys_ioctl(void *opaque, int fd, unsigned long req, void *arg)
{
	(void)opaque;
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static void
sys_close(void *opaque, int fd)
{
	(void)opaque;
	close(fd);
}

const struct cvm_attest_sys_ops cvm_attest_sys_linux = {
	.exists = sys_exists,
	.mkdir = sys_mkdir,
	.rmdir = sys_rmdir,
	.read_file = sys_read_file,
	.write_file = sys_write_file,
	.open = sys_open,
	.ioctl = sys_ioctl,
	.close = sys_close,
};
