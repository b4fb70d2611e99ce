/* SPDX-License-Identifier: MIT */
/*
 * Debian's guest kernel: find it, and extract the uncompressed ELF vmlinux
 * from the bzImage so QEMU can boot it through its PVH note.
 * bzImage layout: Linux Documentation/arch/x86/boot.rst (setup header at
 * 0x1F1: setup_sects; "HdrS" at 0x202; payload_offset/payload_length at
 * 0x248/0x24C, relative to the protected-mode code at (setup_sects+1)*512).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lzma.h>

#include "cvm/cleanup.h"
#include "cvm/linuxguest.h"
#include "cvm/util.h"

#define ELF_MAGIC "\177ELF"

int
cvm_linux_kernel_find(char **path, struct cvm_err *err)
{
	const char *env = getenv("CVM_LINUX_KERNEL");
	struct dirent **list = NULL;
	char *best = NULL;
	int n;

	if (env && *env) {
		if (access(env, R_OK) < 0)
			return cvm_err_set(err, -errno,
					   "cannot read kernel '%s' "
					   "(CVM_LINUX_KERNEL): %s",
					   env, strerror(errno));
		*path = cvm_xstrdup(env);
		return 0;
	}
	n = scandir("/boot", &list, NULL, versionsort);
	for (int i = 0; i < n; i++) {
		if (strncmp(list[i]->d_name, "vmlinuz-", 8) == 0) {
			free(best);
			best = cvm_xasprintf("/boot/%s", list[i]->d_name);
		}
		free(list[i]);
	}
	free(list);
	if (!best)
		return cvm_err_set(
			err, -ENOENT,
			"no guest kernel: no /boot/vmlinuz-* (install "
			"linux-image-amd64 or set CVM_LINUX_KERNEL)");
	*path = best;
	return 0;
}

static int
xz_decode(const uint8_t *in, size_t len, struct cvm_buf *out,
	  struct cvm_err *err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;

	/* one stream; the build appends the uncompressed size as 4 bytes
	 * after it (scripts/Makefile.lib size_append), which we ignore */
	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return cvm_err_set(err, -ENOMEM, "cannot start XZ decoder");
	s.next_in = in;
	s.avail_in = len;
	do {
		cvm_buf_grow(out, 1 << 22);
		s.next_out = (uint8_t *)out->data + out->len;
		s.avail_out = out->cap - out->len - 1;
		r = lzma_code(&s, LZMA_FINISH);
		out->len = out->cap - 1 - s.avail_out;
	} while (r == LZMA_OK);
	lzma_end(&s);
	out->data[out->len] = '\0';
	if (r != LZMA_STREAM_END)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "kernel payload: XZ error %d", (int)r);
	return 0;
}

int
cvm_linux_vmlinux_extract(const char *bzimage, const char *out_path,
			  struct cvm_err *err)
{
	cleanup_map struct cvm_map m = CVM_MAP_INIT;
	cleanup_buf struct cvm_buf elf = CVM_BUF_INIT;
	size_t pm, off, plen;
	int r;

	r = cvm_file_map(bzimage, &m, err);
	if (r < 0)
		return r;
	if (m.len < 0x250 || memcmp(m.data + 0x202, "HdrS", 4) != 0)
		return cvm_err_set(
			err, -CVM_E_PARSE,
			"'%s' is not a Linux bzImage (no HdrS header)",
			bzimage);
	pm = ((size_t)(m.data[0x1F1] ? m.data[0x1F1] : 4) + 1) * 512;
	off = pm + cvm_le32(m.data + 0x248);
	plen = cvm_le32(m.data + 0x24C);
	if (off > m.len || plen > m.len - off || plen < 6)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s': payload outside the file", bzimage);
	if (memcmp(m.data + off,
		   "\xFD"
		   "7zXZ\0",
		   6) != 0)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "'%s': only XZ-compressed kernels can be "
				   "extracted (payload magic %02x%02x)",
				   bzimage, m.data[off], m.data[off + 1]);
	r = xz_decode(m.data + off, plen, &elf, err);
	if (r < 0)
		return cvm_err_prefix(err, "'%s'", bzimage);
	if (elf.len < 64 || memcmp(elf.data, ELF_MAGIC, 4) != 0)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s': payload is not an ELF vmlinux",
				   bzimage);
	return cvm_file_write_atomic(out_path, elf.data, elf.len, 0644, err);
}

int
cvm_linux_vmlinux_cached(const char *bzimage, char **out_path,
			 struct cvm_err *err)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	cleanup_free char *dir = NULL;
	const char *base = strrchr(bzimage, '/');
	struct stat st;
	char *path;
	int r;

	if (stat(bzimage, &st) < 0)
		return cvm_err_set(err, -errno, "cannot stat kernel '%s': %s",
				   bzimage, strerror(errno));
	if (xdg && xdg[0] == '/')
		dir = cvm_xasprintf("%s/cvm", xdg);
	else if (home && home[0] == '/')
		dir = cvm_xasprintf("%s/.cache/cvm", home);
	else
		dir = cvm_xstrdup("/var/cache/cvm");
	r = cvm_mkdir_p(dir, 0700, err);
	if (r < 0)
		return r;
	path = cvm_xasprintf("%s/vmlinux-%s-%lld-%lld", dir,
			     base ? base + 1 : bzimage, (long long)st.st_size,
			     (long long)st.st_mtime);
	if (access(path, R_OK) == 0) {
		*out_path = path;
		return 0;
	}
	r = cvm_linux_vmlinux_extract(bzimage, path, err);
	if (r < 0) {
		free(path);
		return r;
	}
	*out_path = path;
	return 0;
}
