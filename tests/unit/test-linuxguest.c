/* SPDX-License-Identifier: MIT */
/* lib/linuxguest: the cpio newc writer and vmlinux extraction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/linuxguest.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "test-tmpdir.h"

static char tmpdir[] = "/tmp/cvm-lg-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return test_tmpdir_make(tmpdir);
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(tmpdir);
}

/* Parse one newc header at `p`; returns the offset of the next entry. */
static size_t
next_entry(const char *p, char *name, size_t *size, unsigned *mode)
{
	char field[9] = {0};
	size_t nsize, off;

	assert_memory_equal(p, "070701", 6);
	memcpy(field, p + 6 + 8, 8);
	*mode = (unsigned)strtoul(field, NULL, 16);
	memcpy(field, p + 6 + 6 * 8, 8);
	*size = strtoul(field, NULL, 16);
	memcpy(field, p + 6 + 11 * 8, 8);
	nsize = strtoul(field, NULL, 16);
	memcpy(name, p + 110, nsize);
	assert_int_equal(name[nsize - 1], '\0');
	off = (110 + nsize + 3) & ~(size_t)3;
	return off + ((*size + 3) & ~(size_t)3);
}

static void
test_cpio_layout(void **state)
{
	cleanup_free char *path = cvm_xasprintf("%s/a.cpio", tmpdir);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_cpio c;
	char name[256];
	size_t off = 0, size;
	unsigned mode;
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	cvm_cpio_init(&c, fileno(f));
	assert_int_equal(cvm_cpio_add_dir(&c, "bin", 0755, &err), 0);
	assert_int_equal(cvm_cpio_add_file(&c, "init", 0755, "hello", 5, &err),
			 0);
	assert_int_equal(cvm_cpio_add_symlink(&c, "bin/sh", "/init", &err), 0);
	assert_int_equal(
		cvm_cpio_add_node(&c, "console", S_IFCHR | 0600, 5, 1, &err),
		0);
	assert_true(cvm_cpio_add_file(&c, "/abs", 0644, "", 0, &err) < 0);
	assert_int_equal(cvm_cpio_finish(&c, &err), 0);
	fclose(f);
	assert_int_equal(cvm_file_read(path, &b, 0, &err), 0);
	assert_int_equal(b.len % 512, 0);
	off = next_entry(b.data, name, &size, &mode);
	assert_string_equal(name, "bin");
	assert_int_equal(mode, S_IFDIR | 0755);
	off += next_entry(b.data + off, name, &size, &mode);
	assert_string_equal(name, "init");
	assert_int_equal(size, 5);
	assert_memory_equal(b.data + off - 8, "hello", 5);
	off += next_entry(b.data + off, name, &size, &mode);
	assert_string_equal(name, "bin/sh");
	assert_int_equal(mode, S_IFLNK | 0777);
	off += next_entry(b.data + off, name, &size, &mode);
	assert_string_equal(name, "console");
	off += next_entry(b.data + off, name, &size, &mode);
	assert_string_equal(name, "TRAILER!!!");
}

static void
test_cpio_tree_readable_by_cpio(void **state)
{
	cleanup_free char *root = cvm_xasprintf("%s/root", tmpdir);
	cleanup_free char *sub = cvm_xasprintf("%s/root/etc", tmpdir);
	cleanup_free char *file = cvm_xasprintf("%s/root/etc/hostname", tmpdir);
	cleanup_free char *link = cvm_xasprintf("%s/root/link", tmpdir);
	cleanup_free char *arch = cvm_xasprintf("%s/t.cpio", tmpdir);
	const char *const list[] = {"cpio", "-it", "--quiet", "-F", arch, NULL};
	struct cvm_proc_result r = CVM_PROC_RESULT_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_cpio c;
	FILE *f;

	(void)state;
	assert_int_equal(cvm_mkdir_p(sub, 0755, &err), 0);
	assert_int_equal(cvm_file_write_atomic(file, "box\n", 4, 0644, &err),
			 0);
	assert_int_equal(symlink("etc/hostname", link), 0);
	f = fopen(arch, "w");
	cvm_cpio_init(&c, fileno(f));
	assert_int_equal(cvm_cpio_add_tree(&c, "", root, &err), 0);
	assert_int_equal(cvm_cpio_finish(&c, &err), 0);
	fclose(f);
	{
		cleanup_free char *cpio = cvm_which("cpio");

		assert_non_null(cpio); /* scripts/install-deps installs it */
	}
	assert_int_equal(cvm_proc_run(list, NULL, 0, 10000, &r, &err), 0);
	assert_int_equal(r.status, 0);
	assert_string_equal(cvm_buf_str(&r.out), "etc\netc/hostname\nlink\n");
	cvm_proc_result_release(&r);
}

static void
test_vmlinux_rejects_non_bzimage(void **state)
{
	cleanup_free char *p = cvm_xasprintf("%s/notkernel", tmpdir);
	cleanup_free char *o = cvm_xasprintf("%s/out", tmpdir);
	struct cvm_err err = CVM_ERR_INIT;
	char junk[4096] = {0};

	(void)state;
	assert_int_equal(
		cvm_file_write_atomic(p, junk, sizeof(junk), 0644, &err), 0);
	assert_int_equal(cvm_linux_vmlinux_extract(p, o, &err), -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "not a Linux bzImage"));
	assert_int_equal(access(o, F_OK), -1);
	/* a header that points its payload past the end of the file */
	memcpy(junk + 0x202, "HdrS", 4);
	junk[0x1F1] = 1;
	cvm_put_le32((uint8_t *)junk + 0x248, 0x100000);
	cvm_put_le32((uint8_t *)junk + 0x24C, 16);
	assert_int_equal(
		cvm_file_write_atomic(p, junk, sizeof(junk), 0644, &err), 0);
	assert_int_equal(cvm_linux_vmlinux_extract(p, o, &err), -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "outside the file"));
}

static void
test_vmlinux_from_debian_kernel(void **state)
{
	cleanup_free char *k = NULL;
	cleanup_free char *o = cvm_xasprintf("%s/vmlinux", tmpdir);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_linux_kernel_find(&k, &err), 0);
	assert_int_equal(cvm_linux_vmlinux_extract(k, o, &err), 0);
	assert_int_equal(cvm_file_read(o, &b, 0, &err), 0);
	assert_memory_equal(b.data, "\177ELF\2", 5); /* ELF64 */
	/* the PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18) is what QEMU boots
	 */
	assert_non_null(memmem(b.data, b.len, "Xen", 4));
	assert_true(b.len > 10u << 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpio_layout),
		cmocka_unit_test(test_cpio_tree_readable_by_cpio),
		cmocka_unit_test(test_vmlinux_rejects_non_bzimage),
		cmocka_unit_test(test_vmlinux_from_debian_kernel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
