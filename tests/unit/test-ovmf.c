/* SPDX-License-Identifier: MIT */
/*
 * OVMF image parsing (lib/measure/ovmf.c): the shared fixtures and
 * Debian's images parse to their documented tables; truncated, mutated,
 * tiny and oversized images give an error or "no table", never a crash
 * or a read outside the buffer (run under ASan: every buffer here is
 * allocated with its exact size).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/ovmf.h"
#include "cvm/util.h"

#define FIXTURES CVM_SHARED_DIR "/testdata/measure/"

static const char *const fixtures[] = {
	"OVMF.fd",
	"OVMF_CODE_4M.fd",
	"ovmf_AmdSev_suffix.bin",
	"ovmf_OvmfX64_suffix.bin",
	"svsm.bin",
	"svsm_ovmf.fd",
};

/* The file in a malloc'd buffer of exactly its size (ASan sees OOB). */
static uint8_t *
load(const char *name, size_t *len)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	char path[512];
	uint8_t *p;

	snprintf(path, sizeof(path), "%s%s", FIXTURES, name);
	if (cvm_file_read(path, &b, 0, &err) < 0)
		fail_msg("%s", err.msg);
	p = cvm_xmalloc(b.len);
	memcpy(p, b.data, b.len);
	*len = b.len;
	return p;
}

static void
parse_ok(const char *name, struct cvm_ovmf_info *o)
{
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free uint8_t *p = NULL;
	size_t len;

	p = load(name, &len);
	if (cvm_ovmf_parse(p, len, o, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
}

static void
test_debian_ovmf_fd(void **state)
{
	static const uint32_t want[][3] = {
		{0x800000, 0x9000, CVM_OVMF_SEC_MEM},
		{0x80A000, 0x3000, CVM_OVMF_SEC_MEM},
		{0x80D000, 0x1000, CVM_OVMF_SECRETS},
		{0x80E000, 0x1000, CVM_OVMF_CPUID},
		{0x80F000, 0x11000, CVM_OVMF_SEC_MEM},
	};
	struct cvm_ovmf_info o;
	char s[256];

	(void)state;
	parse_ok("OVMF.fd", &o);
	assert_int_equal(o.size, 2097152);
	assert_int_equal(o.gpa, 0xFFE00000);
	assert_true(o.has_table && o.has_reset_block && o.has_metadata);
	assert_int_equal(o.sev_es_reset_eip, 0x0080B004);
	assert_true(o.has_hash_table_entry);
	assert_int_equal(o.hash_table_gpa, 0);
	assert_int_equal(o.nentries, 5);
	assert_int_equal(o.nsections, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(o.sections[i].gpa, want[i][0]);
		assert_int_equal(o.sections[i].size, want[i][1]);
		assert_int_equal(o.sections[i].type, want[i][2]);
	}
	assert_true(o.sev && o.sev_es && o.sev_snp);
	assert_false(o.kernel_hashes_sev || o.kernel_hashes_snp);
	assert_true(o.has_tdx_metadata);
	cvm_ovmf_summary(&o, s, sizeof(s));
	assert_string_equal(s, "SEV, SEV-ES and SEV-SNP; without kernel "
			       "hashes (no measured direct boot)");
}

static void
test_debian_code_4m(void **state)
{
	struct cvm_ovmf_info o;
	char s[256];

	(void)state;
	parse_ok("OVMF_CODE_4M.fd", &o);
	assert_int_equal(o.gpa, 0xFFC84000);
	assert_int_equal(o.sev_es_reset_eip, 0x00808004);
	assert_false(o.has_metadata);
	assert_int_equal(o.nsections, 0);
	assert_true(o.sev && o.sev_es);
	assert_false(o.sev_snp);
	cvm_ovmf_summary(&o, s, sizeof(s));
	assert_non_null(strstr(s, "SEV and SEV-ES;"));
}

static void
test_amdsev_suffix(void **state)
{
	struct cvm_ovmf_info o;
	char g[37];

	(void)state;
	parse_ok("ovmf_AmdSev_suffix.bin", &o);
	assert_int_equal(o.nsections, 7);
	assert_int_equal(o.sections[4].type, CVM_OVMF_SVSM_CAA);
	assert_int_equal(o.sections[5].type, CVM_OVMF_KERNEL_HASHES);
	assert_int_equal(o.sections[5].gpa, 0x810000);
	assert_int_equal(o.hash_table_gpa, 0x810C00);
	assert_int_equal(o.hash_table_size, 0x400);
	assert_true(o.kernel_hashes_sev && o.kernel_hashes_snp);
	assert_true(cvm_ovmf_has_section(&o, CVM_OVMF_KERNEL_HASHES));
	assert_int_equal(o.entries[0].kind, CVM_OVMF_GUID_SEV_ES_RESET_BLOCK);
	cvm_ovmf_guid_format(o.entries[0].guid, g);
	assert_string_equal(g, "00f771de-1a7e-4fcb-890e-68c77e2fb44e");
	assert_string_equal(cvm_ovmf_guid_name(o.entries[3].kind),
			    "OVMF_SEV_METADATA");
	assert_string_equal(cvm_ovmf_section_name(0x10), "SNP_KERNEL_HASHES");
	assert_null(cvm_ovmf_section_name(7));
}

static void
test_ovmfx64_and_svsm(void **state)
{
	struct cvm_ovmf_info o;

	(void)state;
	parse_ok("ovmf_OvmfX64_suffix.bin", &o);
	assert_int_equal(o.nsections, 6);
	assert_true(cvm_ovmf_has_section(&o, CVM_OVMF_SVSM_CAA));
	assert_false(o.kernel_hashes_snp);
	parse_ok("svsm.bin", &o);
	assert_true(o.has_svsm_info);
	assert_int_equal(o.nsections, 3);
	parse_ok("svsm_ovmf.fd", &o);
	assert_true(o.has_table);
}

/* Debian's installed images, when the ovmf package is there. */
static void
test_system_images(void **state)
{
	static const char *const files[] = {
		"/usr/share/ovmf/OVMF.fd",
		"/usr/share/OVMF/OVMF_CODE.fd",
		"/usr/share/OVMF/OVMF_CODE_4M.fd",
		"/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
	};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_ovmf_info o;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(files); i++) {
		if (access(files[i], R_OK) != 0)
			continue;
		if (cvm_ovmf_parse_file(files[i], &o, &err) < 0)
			fail_msg("%s", err.msg);
		assert_true(o.sev && o.sev_es);
		assert_false(o.kernel_hashes_sev || o.kernel_hashes_snp);
		/* the 2 MiB builds have SNP metadata, the 4M ones none */
		assert_int_equal(o.sev_snp, strstr(files[i], "4M") == NULL);
	}
}

/* Any outcome but a crash: ok, or -CVM_E_PARSE with a message. */
static void
parse_any(const uint8_t *p, size_t len)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_ovmf_info o;
	int r = cvm_ovmf_parse(p, len, &o, &err);

	if (r < 0) {
		assert_int_equal(r, -CVM_E_PARSE);
		assert_true(strlen(err.msg) > 10);
	} else {
		assert_true(o.nsections <= CVM_OVMF_MAX_SECTIONS);
		assert_true(o.nentries <= CVM_OVMF_MAX_ENTRIES);
	}
}

/* Keep the first n bytes, or the last n (as the suffix fixtures do). */
static void
truncated(const uint8_t *p, size_t len, size_t n, bool tail)
{
	uint8_t *c = cvm_xmalloc(n ? n : 1);

	memcpy(c, tail ? p + len - n : p, n);
	parse_any(c, n);
	free(c);
}

static void
test_truncation(void **state)
{
	(void)state;
	for (size_t f = 0; f < CVM_ARRAY_SIZE(fixtures); f++) {
		cleanup_free uint8_t *p = NULL;
		size_t len, n;

		p = load(fixtures[f], &len);
		/* the last n bytes (as the suffix fixtures are), every n up
		 * to 4 KiB; the first len - n bytes, every n up to 256 and
		 * every 16th up to 4 KiB (the copies are large); then a
		 * spread over the whole file */
		for (n = 0; n <= 4096 && n <= len; n++) {
			truncated(p, len, n, true);
			if (n < 256 || n % 16 == 0)
				truncated(p, len, len - n, false);
		}
		for (n = 0; n < len; n += len / 61 + 1)
			truncated(p, len, n, false);
	}
}

static void
test_mutation(void **state)
{
	static const uint8_t vals[] = {0x00, 0xff, 0x80, 0x12, 0x01};

	(void)state;
	for (size_t f = 0; f < CVM_ARRAY_SIZE(fixtures); f++) {
		cleanup_free uint8_t *p = NULL;
		struct cvm_ovmf_info o;
		size_t len, from;

		p = load(fixtures[f], &len);
		assert_int_equal(cvm_ovmf_parse(p, len, &o, NULL), 0);
		/* the table, footer and metadata: each byte, several values */
		from = o.table_offset;
		if (o.has_metadata && len - o.metadata_offset < from)
			from = len - o.metadata_offset;
		for (size_t i = from; i < len; i++) {
			uint8_t keep = p[i];

			for (size_t v = 0; v < sizeof(vals); v++) {
				p[i] = vals[v];
				parse_any(p, len);
			}
			p[i] = keep ^ 0x40;
			parse_any(p, len);
			p[i] = keep;
		}
	}
}

/* Mutate the u16/u32 `off` bytes before the end of a copy of `name`;
 * parsing must fail with `msg`. */
static void
expect_error_in(const char *name, size_t off, int width, uint32_t v,
		const char *msg)
{
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free uint8_t *p = NULL;
	struct cvm_ovmf_info o;
	size_t len;

	p = load(name, &len);
	if (width == 2)
		cvm_put_le16(p + len - off, (uint16_t)v);
	else
		cvm_put_le32(p + len - off, v);
	assert_int_equal(cvm_ovmf_parse(p, len, &o, &err), -CVM_E_PARSE);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
}

static void
expect_error(size_t off, int width, uint32_t v, const char *msg)
{
	expect_error_in("OVMF.fd", off, width, v, msg);
}

static void
test_malformed_messages(void **state)
{
	(void)state;
	/* footer entry size: 32 + 18 bytes from the end */
	expect_error(50, 2, 10, "smaller than its 18-byte header");
	expect_error_in("ovmf_AmdSev_suffix.bin", 50, 2, 0xffff,
			"runs past the start");
	/* first entry (SEV_ES_RESET_BLOCK) size, just before the footer */
	expect_error(50 + 18, 2, 3, "invalid size 3");
	expect_error(50 + 18, 2, 2000, "invalid size 2000");
	/* metadata offset (OVMF_SEV_METADATA data at 0x1fff6e) */
	expect_error(0x200000 - 0x1fff6e, 4, 0x300000, "outside the");
	expect_error(0x52c, 4, 0x41534556, "not 'ASEV'");
	expect_error(0x52c - 8, 4, 2, "version 2 is not 1");
	expect_error(0x52c - 4, 4, 0x9000, "does not fit");
	expect_error(0x52c - 12, 4, 1000, "1000 sections do not fit");
}

static void
test_tiny_and_oversized(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_ovmf_info o;
	size_t big = CVM_OVMF_MAX_SIZE + 4096;
	void *m;

	(void)state;
	for (size_t n = 0; n < 80; n++) {
		uint8_t *p = cvm_xcalloc(1, n ? n : 1);

		assert_int_equal(cvm_ovmf_parse(p, n, &o, &err), 0);
		assert_false(o.has_table || o.sev);
		free(p);
	}
	m = mmap(NULL, big, PROT_READ,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(cvm_ovmf_parse(m, big, &o, &err), -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "more than the 64 MiB"));
	munmap(m, big);
}

static void
test_parse_file_errors(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_ovmf_info o;
	char dir[] = "/tmp/cvm-ovmf-XXXXXX", path[64];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_true(cvm_ovmf_parse_file("/nonexistent/OVMF.fd", &o, &err) < 0);
	assert_non_null(strstr(err.msg, "'/nonexistent/OVMF.fd'"));
	assert_int_equal(cvm_ovmf_parse_file(dir, &o, &err), -EISDIR);
	snprintf(path, sizeof(path), "%s/empty.fd", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(cvm_ovmf_parse_file(path, &o, &err), -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "is empty"));
	f = fopen(path, "w");
	fputs("not a firmware image", f);
	fclose(f);
	assert_int_equal(cvm_ovmf_parse_file(path, &o, &err), -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "not a multiple of 4 KiB"));
	/* a malformed table: the error names the file, also without err */
	{
		cleanup_free uint8_t *p = NULL;
		size_t len;

		p = load("ovmf_AmdSev_suffix.bin", &len);
		cvm_put_le16(p + len - 50, 5);
		assert_int_equal(
			cvm_file_write_atomic(path, p, len, 0644, &err), 0);
		assert_int_equal(cvm_ovmf_parse_file(path, &o, NULL),
				 -CVM_E_PARSE);
		assert_int_equal(cvm_ovmf_parse_file(path, &o, &err),
				 -CVM_E_PARSE);
		assert_non_null(strstr(err.msg, "empty.fd': footer table"));
	}
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_ovmf_fd),
		cmocka_unit_test(test_debian_code_4m),
		cmocka_unit_test(test_amdsev_suffix),
		cmocka_unit_test(test_ovmfx64_and_svsm),
		cmocka_unit_test(test_system_images),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_mutation),
		cmocka_unit_test(test_malformed_messages),
		cmocka_unit_test(test_tiny_and_oversized),
		cmocka_unit_test(test_parse_file_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
