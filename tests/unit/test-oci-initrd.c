/* SPDX-License-Identifier: MIT */
/*
 * lib/oci: the guest's initramfs.  It holds the agent as /init, the spec,
 * the rootfs below /ctr and bind-mount copies at their destinations, and
 * it is reproducible: the same bundle gives the same bytes whatever the
 * files' times, and any change to the rootfs or process changes them
 * (so a measured launch digest covers the container).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "test-tmpdir.h"

static char dir[] = "/tmp/cvm-oci-initrd-XXXXXX";

static void
put(const char *name, const char *text, mode_t mode)
{
	cleanup_free char *p = cvm_xasprintf("%s/%s", dir, name);

	assert_int_equal(
		cvm_file_write_atomic(p, text, strlen(text), mode, NULL), 0);
}

static int
setup(void **state)
{
	cleanup_free char *a = NULL, *b = NULL, *l = NULL;

	(void)state;
	if (test_tmpdir_make(dir) < 0)
		return -1;
	a = cvm_xasprintf("%s/rootfs/bin", dir);
	b = cvm_xasprintf("%s/data", dir);
	l = cvm_xasprintf("%s/rootfs/bin/sh", dir);
	if (cvm_mkdir_p(a, 0755, NULL) < 0 || cvm_mkdir_p(b, 0755, NULL) < 0)
		return -1;
	put("rootfs/bin/busybox", "not really busybox", 0755);
	put("rootfs/etc-hosts-in-image", "image\n", 0644);
	put("hosts", "127.0.0.1 from-the-engine\n", 0644);
	put("data/file", "volume data\n", 0600);
	return symlink("busybox", l);
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(dir);
}

static struct cvm_oci_spec *
spec(const char *args)
{
	cleanup_free char *text = cvm_xasprintf(
		"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
		" \"process\": {\"args\": %s, \"cwd\": \"/\", \"env\": "
		"[\"PATH=/bin\"]}, \"hostname\": \"h\", \"mounts\": ["
		"{\"destination\": \"/proc\", \"type\": \"proc\"},"
		"{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"options\":"
		" [\"nosuid\", \"mode=755\"]},"
		"{\"destination\": \"/etc/hosts\", \"type\": \"bind\", "
		"\"source\": \"%s/hosts\", \"options\": [\"rbind\"]},"
		"{\"destination\": \"/srv/data\", \"type\": \"bind\", "
		"\"source\": \"%s/data\"}]}",
		args, dir, dir);
	struct cvm_oci_spec *s = NULL;
	struct cvm_err err = CVM_ERR_INIT;

	if (cvm_oci_spec_parse(text, dir, &s, &err) < 0)
		fail_msg("%s", err.msg);
	return s;
}

static void
write_to(const struct cvm_oci_spec *s, const char *name, struct cvm_buf *out)
{
	cleanup_free char *p = cvm_xasprintf("%s/%s", dir, name);
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	struct cvm_err err = CVM_ERR_INIT;

	assert_true(fd >= 0);
	if (cvm_oci_initrd_write(s, fd, &err) < 0)
		fail_msg("%s", err.msg);
	close(fd);
	assert_int_equal(cvm_file_read(p, out, 0, NULL), 0);
}

/* A header field of a newc entry (newc: 8 hex digits at `at`). */
static unsigned long
hex8(const char *hdr, size_t at)
{
	char f[9] = {0};

	memcpy(f, hdr + at, 8);
	return strtoul(f, NULL, 16);
}

/* The header of entry `name` in a newc archive, and its data. */
static const char *
find(const struct cvm_buf *a, const char *name, const char **data)
{
	size_t off = 0;

	while (off + 110 <= a->len) {
		const char *p = a->data + off;
		size_t d = (off + 110 + hex8(p, 94) + 3) & ~(size_t)3;

		assert_memory_equal(p, "070701", 6);
		*data = a->data + d;
		if (!strcmp(p + 110, name))
			return p;
		if (!strcmp(p + 110, "TRAILER!!!"))
			break;
		off = (d + hex8(p, 54) + 3) & ~(size_t)3;
	}
	return NULL;
}

/* Find entry `name` in a newc archive; its data and mode. */
static const char *
entry(const struct cvm_buf *a, const char *name, size_t *size, unsigned *mode)
{
	const char *d, *h = find(a, name, &d);

	if (!h)
		return NULL;
	*mode = (unsigned)hex8(h, 14);
	*size = hex8(h, 54);
	return d;
}

static void
test_contents(void **state)
{
	struct cvm_oci_spec *s = spec("[\"sh\", \"-c\", \"exit 5\"]");
	cleanup_buf struct cvm_buf a = CVM_BUF_INIT, sp = CVM_BUF_INIT;
	size_t size, alen;
	unsigned mode;
	const char *d;
	const uint8_t *agent = cvm_oci_agent(&alen);

	(void)state;
	write_to(s, "a.cpio", &a);
	assert_int_equal(a.len % 512, 0);
	/* the agent: a static ELF program as /init */
	assert_true(alen > 1000);
	assert_memory_equal(agent, "\177ELF", 4);
	assert_non_null(d = entry(&a, "init", &size, &mode));
	assert_int_equal(size, alen);
	assert_int_equal(mode & 07777, 0755);
	assert_memory_equal(d, agent, alen);
	/* its spec */
	cvm_oci_spec_encode(s, &sp);
	assert_non_null(d = entry(&a, ".cvm/spec", &size, &mode));
	assert_int_equal(size, sp.len);
	assert_memory_equal(d, sp.data, sp.len);
	/* the rootfs, and the bind copies at their destinations */
	assert_non_null(d = entry(&a, "ctr/bin/busybox", &size, &mode));
	assert_int_equal(mode & 07777, 0755);
	assert_non_null(entry(&a, "ctr/bin/sh", &size, &mode));
	assert_true(S_ISLNK(mode));
	assert_non_null(d = entry(&a, "ctr/etc/hosts", &size, &mode));
	assert_memory_equal(d, "127.0.0.1 from-the-engine\n", size);
	assert_non_null(entry(&a, "ctr/srv/data/file", &size, &mode));
	assert_non_null(entry(&a, "ctr/srv", &size, &mode));
	assert_true(S_ISDIR(mode));
	cvm_oci_spec_free(s);
}

static bool
has_record(const struct cvm_buf *b, const char *const *words, size_t n)
{
	for (size_t off = 0; off < b->len;) {
		size_t k = off, i;

		for (i = 0;
		     i < n && k < b->len && !strcmp(b->data + k, words[i]); i++)
			k += strlen(words[i]) + 1;
		if (i == n)
			return true;
		off += strlen(b->data + off) + 1;
	}
	return false;
}

static void
test_spec_records(void **state)
{
	struct cvm_oci_spec *s = spec("[\"sh\", \"-c\", \"exit 5\"]");
	cleanup_buf struct cvm_buf sp = CVM_BUF_INIT;
	static const char *const r1[] = {"cvm-spec", "1", "mode", "run"};
	static const char *const r2[] = {"arg", "sh",  "arg",
					 "-c",	"arg", "exit 5"};
	static const char *const r3[] = {"mount", "tmpfs",    "/dev",
					 "2",	  "mode=755", "devices"};
	static const char *const r4[] = {"hostname", "h"};
	static const char *const r5[] = {"mount", "bind"};

	(void)state;
	cvm_oci_spec_encode(s, &sp);
	assert_true(has_record(&sp, r1, 4));
	assert_true(has_record(&sp, r2, 6));
	assert_true(has_record(&sp, r3, 6)); /* MS_NOSUID == 2 */
	assert_true(has_record(&sp, r4, 2));
	/* binds are copies, nothing for the agent to mount */
	assert_false(has_record(&sp, r5, 2));
	cvm_oci_spec_free(s);
}

static void
test_reproducible(void **state)
{
	struct cvm_oci_spec *s = spec("[\"true\"]");
	struct cvm_oci_spec *s2 = spec("[\"false\"]");
	cleanup_buf struct cvm_buf a = CVM_BUF_INIT, b = CVM_BUF_INIT,
				   c = CVM_BUF_INIT, d = CVM_BUF_INIT;
	cleanup_free char *f = cvm_xasprintf("%s/rootfs/bin/busybox", dir);
	struct timeval tv[2] = {{1000, 0}, {1000, 0}};

	(void)state;
	write_to(s, "r1.cpio", &a);
	/* other times, same bytes */
	assert_int_equal(utimes(f, tv), 0);
	write_to(s, "r2.cpio", &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* another process or another file: other bytes */
	write_to(s2, "r3.cpio", &c);
	assert_true(c.len != a.len || memcmp(a.data, c.data, a.len));
	put("rootfs/bin/busybox", "not really busybox!", 0755);
	write_to(s, "r4.cpio", &d);
	assert_true(d.len != a.len || memcmp(a.data, d.data, a.len));
	put("rootfs/bin/busybox", "not really busybox", 0755);
	cvm_oci_spec_free(s);
	cvm_oci_spec_free(s2);
}

/* newc fields: uid at 22, gid at 30, mtime at 46 */
static void
assert_owner(const struct cvm_buf *a, const char *name, unsigned long uid,
	     unsigned long gid)
{
	const char *d, *h = find(a, name, &d);

	if (!h)
		fail_msg("no entry '%s'", name);
	assert_int_equal(hex8(h, 22), uid);
	assert_int_equal(hex8(h, 30), gid);
	assert_int_equal(hex8(h, 46), 0);
}

static void
chown_at(const char *name, uid_t uid, gid_t gid)
{
	cleanup_free char *p = cvm_xasprintf("%s/%s", dir, name);

	assert_int_equal(lchown(p, uid, gid), 0);
}

/* The image's files keep their owners (a file, a symlink, a folder and
 * a bind-mounted folder's file); cvm's own entries are 0:0. */
static void
test_owners(void **state)
{
	struct cvm_oci_spec *s = spec("[\"true\"]");
	cleanup_buf struct cvm_buf a = CVM_BUF_INIT;

	(void)state;
	if (geteuid() != 0) {
		cvm_oci_spec_free(s);
		skip(); /* chown needs root */
	}
	chown_at("rootfs/bin/busybox", 1000, 1001);
	chown_at("rootfs/bin/sh", 7, 8);
	chown_at("rootfs/bin", 2, 3);
	chown_at("data/file", 33, 34);
	write_to(s, "o.cpio", &a);
	assert_owner(&a, "ctr/bin/busybox", 1000, 1001);
	assert_owner(&a, "ctr/bin/sh", 7, 8);
	assert_owner(&a, "ctr/bin", 2, 3);
	assert_owner(&a, "ctr/srv/data/file", 33, 34);
	assert_owner(&a, "ctr/etc-hosts-in-image", 0, 0);
	assert_owner(&a, "init", 0, 0);
	assert_owner(&a, ".cvm/spec", 0, 0);
	chown_at("rootfs/bin/busybox", 0, 0);
	chown_at("rootfs/bin/sh", 0, 0);
	chown_at("rootfs/bin", 0, 0);
	chown_at("data/file", 0, 0);
	cvm_oci_spec_free(s);
}

static void
test_scrape_initrd(void **state)
{
	cleanup_free char *p = cvm_xasprintf("%s/s.cpio", dir);
	cleanup_buf struct cvm_buf a = CVM_BUF_INIT;
	static const char *const r[] = {"mode", "scrape"};
	struct cvm_buf sp = CVM_BUF_INIT;
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	size_t size;
	unsigned mode;
	const char *d;

	(void)state;
	assert_int_equal(cvm_oci_initrd_write_scrape(fd, NULL), 0);
	close(fd);
	assert_int_equal(cvm_file_read(p, &a, 0, NULL), 0);
	assert_non_null(entry(&a, "init", &size, &mode));
	assert_non_null(d = entry(&a, ".cvm/spec", &size, &mode));
	sp.data = (char *)d;
	sp.len = size;
	assert_true(has_record(&sp, r, 2));
	/* the secret is built in the guest: it is not in the archive */
	assert_null(memmem(a.data, a.len, "SEV-TOP-secret", 14));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_contents),
		cmocka_unit_test(test_spec_records),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_scrape_initrd),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
