/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the cpio "newc" writer (lib/linuxguest/cpio.c; the kernel's
 * Documentation/driver-api/early-userspace/buffer-format.rst) with
 * entries built from the input, then read the archive back with an
 * independent reader and require that every entry the writer accepted
 * is there, in order, with its name, mode, size and bytes, that every
 * header and payload is 4-byte aligned, that it ends with TRAILER!!!
 * and is padded to 512 bytes.  Input: records of
 *
 *   u8 kind (0 dir, 1 file, 2 symlink, 3 device node)
 *   u16 mode, then NUL-terminated name, then for a file a u8 length
 *   and that many bytes, for a symlink a NUL-terminated target
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#include "cvm/linuxguest.h"

#define MAX_ENTRIES 64

struct want {
	char *name;
	unsigned mode;
	const uint8_t *data; /* file data or symlink target */
	size_t len;
};

static unsigned
hex8(const char *p)
{
	unsigned v = 0;

	for (int i = 0; i < 8; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (unsigned)(c - '0');
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (unsigned)(c - 'A' + 10);
		else
			fuzz_fail("header field '%.8s' is not hex", p);
	}
	return v;
}

/* Read entry `w` (NULL: the trailer) at *off; advance *off. */
static void
expect_entry(const char *a, size_t len, size_t *off, const struct want *w)
{
	const char *h = a + *off, *name;
	unsigned mode, size, nlen;
	size_t p;

	if (*off % 4 || len - *off < 110 || memcmp(h, "070701", 6))
		fuzz_fail("no header at %zu", *off);
	mode = hex8(h + 6 + 8);
	size = hex8(h + 6 + 6 * 8);
	nlen = hex8(h + 6 + 11 * 8);
	p = *off + 110;
	if (nlen == 0 || len - p < nlen)
		fuzz_fail("name size %u at %zu", nlen, *off);
	name = a + p;
	if (name[nlen - 1] != '\0' || strlen(name) != nlen - 1)
		fuzz_fail("name not NUL-terminated at %zu", *off);
	if (strcmp(name, w ? w->name : "TRAILER!!!") != 0)
		fuzz_fail("entry '%s' where '%s' was added", name,
			  w ? w->name : "TRAILER!!!");
	p = (p + nlen + 3) & ~(size_t)3;
	if (w && mode != w->mode)
		fuzz_fail("'%s': mode %o, added %o", name, mode, w->mode);
	if (w && size != w->len)
		fuzz_fail("'%s': size %u, added %zu", name, size, w->len);
	if (len - p < size || (size && memcmp(a + p, w->data, size)))
		fuzz_fail("'%s': data differs", name);
	*off = (p + size + 3) & ~(size_t)3;
}

static int
add(struct cvm_cpio *c, uint8_t kind, struct fuzz_in *in, struct want *w)
{
	struct cvm_err err = CVM_ERR_INIT;
	unsigned mode = fuzz_u8(in) | (unsigned)fuzz_u8(in) << 8;
	char *target = NULL;
	int r;

	w->name = fuzz_str(in);
	w->data = NULL;
	w->len = 0;
	switch (kind % 4) {
	case 0:
		w->mode = S_IFDIR | (mode & 07777);
		r = cvm_cpio_add_dir(c, w->name, mode, &err);
		break;
	case 1:
		w->mode = S_IFREG | (mode & 07777);
		w->data = fuzz_bytes(in, fuzz_u8(in), &w->len);
		r = cvm_cpio_add_file(c, w->name, mode, w->data, w->len, &err);
		break;
	case 2:
		w->mode = S_IFLNK | 0777;
		w->data = in->p;
		target = fuzz_str(in);
		w->len = strlen(target);
		r = cvm_cpio_add_symlink(c, w->name, target, &err);
		break;
	default:
		w->mode = (mode & 1 ? S_IFCHR : S_IFBLK) | (mode & 07777);
		r = cvm_cpio_add_node(c, w->name, w->mode, mode >> 8,
				      mode & 0xff, &err);
		break;
	}
	free(target);
	fuzz_check_err(r, &err, "cvm_cpio_add");
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct want w[MAX_ENTRIES];
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_cpio c;
	size_t n = 0, off = 0, len;
	char *a;
	int fd = memfd_create("fuzz-cpio", MFD_CLOEXEC);

	if (fd < 0)
		fuzz_fail("memfd_create: %s", strerror(errno));
	cvm_cpio_init(&c, fd);
	while (in.n > 0 && n < MAX_ENTRIES) {
		if (add(&c, fuzz_u8(&in), &in, &w[n]) == 0)
			n++;
		else
			free(w[n].name);
	}
	if (cvm_cpio_finish(&c, &err) != 0)
		fuzz_fail("finish: %s", err.msg);
	len = (size_t)c.offset;
	if (len % 512)
		fuzz_fail("archive of %zu bytes is not padded to 512", len);
	a = cvm_xmalloc(len + 1);
	if (pread(fd, a, len, 0) != (ssize_t)len)
		fuzz_fail("cannot read the archive back");
	a[len] = '\0';
	for (size_t i = 0; i < n; i++)
		expect_entry(a, len, &off, &w[i]);
	expect_entry(a, len, &off, NULL);
	for (; off < len; off++)
		if (a[off])
			fuzz_fail("non-zero padding at %zu", off);
	for (size_t i = 0; i < n; i++)
		free(w[i].name);
	free(a);
	close(fd);
	return 0;
}
