/* SPDX-License-Identifier: MIT */
/*
 * Launch digests (lib/measure): VMSA pages byte for byte against the
 * reference's dumps, PAGE_INFO against an independent construction, the
 * kernel-hash table layout, the SEV LAUNCH_MEASURE vector, selected
 * digests from vectors.tsv through the in-memory API, the explain
 * regions, and the request errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "../../lib/measure/measure-priv.h"
#include "cvm/buf.h"
#include "cvm/cleanup.h"
#include "cvm/measure.h"
#include "cvm/ovmf.h"
#include "cvm/util.h"

#define FIXTURES CVM_SHARED_DIR "/testdata/measure/"

static void
load(const char *name, struct cvm_buf *b)
{
	struct cvm_err err = CVM_ERR_INIT;
	char path[512];

	snprintf(path, sizeof(path), "%s%s", FIXTURES, name);
	if (cvm_file_read(path, b, 0, &err) < 0)
		fail_msg("%s", err.msg);
}

static void
assert_hex(const uint8_t *p, size_t n, const char *want)
{
	char hex[2 * 64 + 1];

	cvm_hex_encode(p, n, hex);
	assert_string_equal(hex, want);
}

static void
test_cpu_sigs(void **state)
{
	static const struct {
		const char *name;
		uint32_t sig;
	} want[] = {
		{"EPYC", 0x800F12},	     {"EPYC-v4", 0x800F12},
		{"EPYC-IBPB", 0x800F12},     {"EPYC-Rome", 0x830F10},
		{"EPYC-Rome-v3", 0x830F10},  {"EPYC-Milan", 0xA00F11},
		{"EPYC-Milan-v2", 0xA00F11}, {"EPYC-Genoa", 0xA10F10},
		{"EPYC-Genoa-v1", 0xA10F10}, {"EPYC-Turin", 0xB00F00},
	};
	uint32_t sig;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(want); i++) {
		assert_int_equal(cvm_vcpu_type_sig(want[i].name, &sig), 0);
		assert_int_equal(sig, want[i].sig);
	}
	while (cvm_vcpu_type_name(n))
		assert_int_equal(
			cvm_vcpu_type_sig(cvm_vcpu_type_name(n++), &sig), 0);
	assert_int_equal(n, 16);
	assert_int_equal(cvm_vcpu_type_sig("EPYC-Zen9", &sig), -ENOENT);
	assert_int_equal(cvm_vcpu_type_sig("epyc", &sig), -ENOENT);
	assert_int_equal(cvm_cpu_sig(25, 1, 1), 0xA00F11);
	assert_int_equal(cvm_cpu_sig(6, 0x55, 4), 0x50654);
}

static void
test_names(void **state)
{
	enum cvm_measure_mode m;
	enum cvm_vmm_type v;

	(void)state;
	for (int i = CVM_MEASURE_SEV; i <= CVM_MEASURE_SNP_SVSM; i++) {
		assert_int_equal(
			cvm_measure_mode_parse(cvm_measure_mode_name(i), &m),
			0);
		assert_int_equal(m, i);
	}
	assert_int_equal(cvm_measure_mode_parse("SNP", &m), -EINVAL);
	assert_string_equal(cvm_measure_mode_label(CVM_MEASURE_SNP), "SEV_SNP");
	assert_int_equal(cvm_vmm_type_parse("ec2", &v), 0);
	assert_int_equal(v, CVM_VMM_EC2);
	assert_int_equal(cvm_vmm_type_parse("qemu", &v), -EINVAL);
	assert_string_equal(cvm_snp_page_type_name(CVM_SNP_PAGE_CPUID),
			    "CPUID");
}

/* Our VMSAs equal the pages sev-snp-measure --dump-vmsa wrote. */
static void
test_vmsa_pages(void **state)
{
	static const struct {
		const char *file;
		uint32_t eip, sig;
		uint64_t features;
		enum cvm_vmm_type vmm;
	} want[] = {
		{"seves_qemu_epyc-v4_ovmf.fd_bsp", 0xFFFFFFF0, 0x800F12, 0,
		 CVM_VMM_QEMU},
		{"seves_qemu_epyc-v4_ovmf.fd_ap1", 0x80B004, 0x800F12, 0,
		 CVM_VMM_QEMU},
		{"snp_qemu_epyc-v4_gf0x1_ovmf.fd_bsp", 0xFFFFFFF0, 0x800F12, 1,
		 CVM_VMM_QEMU},
		{"snp_qemu_epyc-v4_gf0x1_ovmf.fd_ap1", 0x80B004, 0x800F12, 1,
		 CVM_VMM_QEMU},
		{"snp_qemu_epyc-milan_gf0x21_ovmf.fd_bsp", 0xFFFFFFF0, 0xA00F11,
		 0x21, CVM_VMM_QEMU},
		{"snp_qemu_epyc-milan_gf0x21_ovmf.fd_ap1", 0x80B004, 0xA00F11,
		 0x21, CVM_VMM_QEMU},
		{"snp_ec2_epyc-v4_gf0x1_ovmf.fd_bsp", 0xFFFFFFF0, 0x800F12, 1,
		 CVM_VMM_EC2},
		{"snp_ec2_epyc-v4_gf0x1_ovmf.fd_ap1", 0x80B004, 0x800F12, 1,
		 CVM_VMM_EC2},
		{"snp_gce_gf0x1_ovmf.fd_bsp", 0xFFFFFFF0, 0, 1, CVM_VMM_GCE},
		{"snp_gce_gf0x1_ovmf.fd_ap1", 0x80B004, 0, 1, CVM_VMM_GCE},
	};
	uint8_t page[CVM_PAGE_SIZE];
	char name[128];

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(want); i++) {
		cleanup_buf struct cvm_buf b = CVM_BUF_INIT;

		snprintf(name, sizeof(name), "vmsa/%s.bin", want[i].file);
		load(name, &b);
		assert_int_equal(b.len, CVM_PAGE_SIZE);
		cvm_vmsa_build(page, want[i].eip, want[i].features, want[i].sig,
			       want[i].vmm);
		if (memcmp(page, b.data, CVM_PAGE_SIZE) != 0)
			fail_msg("VMSA differs from %s", name);
	}
}

static void
test_vmsa_svsm(void **state)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_ovmf_info ovmf, svsm;
	cleanup_buf struct cvm_buf f = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf s = CVM_BUF_INIT;
	uint8_t page[CVM_PAGE_SIZE];
	uint64_t gpa;

	(void)state;
	load("svsm_ovmf.fd", &f);
	load("svsm.bin", &s);
	assert_int_equal(cvm_ovmf_parse((uint8_t *)f.data, f.len, &ovmf, NULL),
			 0);
	assert_int_equal(cvm_ovmf_parse((uint8_t *)s.data, s.len, &svsm, NULL),
			 0);
	/* the fixture's vars flash is 540672 bytes */
	gpa = ovmf.gpa - 540672 - s.len;
	cvm_vmsa_build_svsm(page, gpa + svsm.svsm_entry_offset, 0x800F12);
	load("vmsa/snpsvsm_qemu_epyc-v4_bsp.bin", &b);
	assert_memory_equal(page, b.data, CVM_PAGE_SIZE);
}

/* PAGE_INFO built by hand, byte by byte, from the spec's table. */
static void
test_page_info(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	uint8_t pi[112], contents[48], want[48];
	struct cvm_gctx g;

	(void)state;
	for (int i = 0; i < 48; i++)
		contents[i] = (uint8_t)(0xA0 + i);
	cvm_gctx_init(&g, NULL);
	cvm_gctx_update(&g, CVM_SNP_PAGE_SECRETS, 0x123456789000ull, contents);
	memset(pi, 0, sizeof(pi));
	memcpy(pi + 48, contents, 48); /* previous LD is all zero */
	pi[96] = 0x70;
	pi[98] = 5;
	pi[104] = 0x00;
	pi[105] = 0x90;
	pi[106] = 0x78;
	pi[107] = 0x56;
	pi[108] = 0x34;
	pi[109] = 0x12;
	EVP_Digest(pi, sizeof(pi), want, NULL, EVP_sha384(), NULL);
	assert_memory_equal(g.ld, want, 48);
	assert_int_equal(g.pages, 1);
	/* a region not made of whole pages is refused */
	assert_int_equal(
		cvm_gctx_pages(&g, "x", CVM_SNP_PAGE_ZERO, 0, NULL, 100, &err),
		-CVM_E_PARSE);
}

static void
test_hash_table(void **state)
{
	struct cvm_sev_hashes h;
	uint8_t t[CVM_SEV_HASH_TABLE_PADDED_SIZE];
	static const uint8_t header_guid[16] = {
		0x06, 0xd6, 0x38, 0x94, 0x22, 0x4f, 0xc9, 0x4c,
		0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21};

	(void)state;
	memset(h.cmdline, 1, 32);
	memset(h.initrd, 2, 32);
	memset(h.kernel, 3, 32);
	cvm_sev_hashes_table(&h, t);
	assert_memory_equal(t, header_guid, 16);
	assert_int_equal(cvm_le16(t + 16), 168);
	for (int e = 0; e < 3; e++) {
		const uint8_t *p = t + 18 + 50 * e;

		assert_int_equal(cvm_le16(p + 16), 50);
		for (int i = 0; i < 32; i++)
			assert_int_equal(p[18 + i], e + 1);
	}
	/* kernel entry GUID 4de79437-abd2-427f-b835-d5b172d2045b */
	assert_int_equal(cvm_le32(t + 118), 0x4de79437);
	for (int i = 168; i < 176; i++)
		assert_int_equal(t[i], 0);
}

static void
test_sev_launch_measure(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	uint8_t tik[16], ld[32], nonce[16], out[32];

	(void)state;
	/* virtee/sev src/session/mod.rs test `verify`, in the data README */
	cvm_hex_decode("66320db73158a35a255d051758e95ed4", tik, 16, &err);
	cvm_hex_decode("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4959"
		       "91b7852b855",
		       ld, 32, &err);
	cvm_hex_decode("4fbe0bedbad6c86ae8f68971d103e554", nonce, 16, &err);
	assert_int_equal(cvm_sev_launch_measure(tik, 0, 0x12, 0x0f, 0, ld,
						nonce, out, &err),
			 0);
	assert_hex(out, 32,
		   "6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd"
		   "1664ea");
}

struct regions {
	struct cvm_measure_region r[32];
	size_t n;
};

static void
collect(void *opaque, const struct cvm_measure_region *r)
{
	struct regions *rs = opaque;

	assert_true(rs->n < 32);
	rs->r[rs->n++] = *r;
}

static int
measure(const char *fw, struct cvm_measure_params *p,
	struct cvm_measure_result *res, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;

	load(fw, &b);
	p->fw = (const uint8_t *)b.data;
	p->fw_len = b.len;
	return cvm_measure_compute(p, res, err);
}

static void
test_snp_digest_and_regions(void **state)
{
	static const char *const what[] = {
		"firmware", "SNP_SEC_MEM", "SNP_SEC_MEM", "SNP_SECRETS",
		"CPUID",    "SNP_SEC_MEM", "VMSA",	  "VMSA"};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_measure_params p;
	struct cvm_measure_result res;
	struct regions rs = {0};
	uint64_t pages = 0;

	(void)state;
	cvm_measure_params_init(&p);
	p.vcpus = 4;
	cvm_vcpu_type_sig("EPYC-Milan", &p.vcpu_sig);
	p.on_region = collect;
	p.opaque = &rs;
	assert_int_equal(measure("OVMF.fd", &p, &res, &err), 0);
	assert_int_equal(res.len, 48);
	assert_hex(res.digest, 48,
		   "e9c10ab98f8086bf4a4993dcdc1f768b1128bcb02301d1791f1d327432"
		   "9e790db2d12a301d66d99a462a13b5d87e2840");
	assert_int_equal(rs.n, CVM_ARRAY_SIZE(what));
	for (size_t i = 0; i < rs.n; i++) {
		assert_string_equal(rs.r[i].what, what[i]);
		pages += rs.r[i].pages;
	}
	assert_int_equal(pages, res.pages);
	assert_int_equal(res.pages, 512 + 9 + 3 + 1 + 1 + 17 + 4);
	assert_int_equal(rs.r[0].gpa, 0xFFE00000);
	assert_int_equal(rs.r[3].page_type, CVM_SNP_PAGE_SECRETS);
	assert_int_equal(rs.r[7].vcpu_first, 1);
	assert_int_equal(rs.r[7].vcpu_last, 3);
	assert_int_equal(rs.r[7].gpa, CVM_SNP_VMSA_GPA);
}

/*
 * The digest cannot depend on how the page hashes were split: every lane
 * count (vector passes of 8 or 4 pages, or OpenSSL alone) and thread
 * count, including splits that leave pages over for the one-by-one tail,
 * gives the one-page-at-a-time, one-thread digest.
 */
static void
test_snp_digest_any_split(void **state)
{
	static const char *const fws[] = {"OVMF.fd", "OVMF_CODE_4M.fd"};
	static const unsigned lanes[] = {0, 8, 4, 2, 1};
	static const unsigned threads[] = {1, 2, 3, 5};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_measure_params p;
	struct cvm_measure_result res;
	uint8_t want[48];

	(void)state;
	for (size_t f = 0; f < CVM_ARRAY_SIZE(fws); f++) {
		cvm_measure_params_init(&p);
		p.vcpus = 2;
		p.lanes = 1;
		p.threads = 1;
		assert_int_equal(measure(fws[f], &p, &res, &err), 0);
		assert_int_equal(res.lanes, 1);
		memcpy(want, res.digest, 48);
		for (size_t l = 0; l < CVM_ARRAY_SIZE(lanes); l++)
			for (size_t t = 0; t < CVM_ARRAY_SIZE(threads); t++) {
				unsigned best = cvm_sha384_mb_lanes();
				unsigned exp =
					lanes[l] == 0 || lanes[l] >= best
						? best
						: (lanes[l] >= 4 ? 4 : 1);

				p.lanes = lanes[l];
				p.threads = threads[t];
				assert_int_equal(
					measure(fws[f], &p, &res, &err), 0);
				assert_int_equal(res.lanes, exp);
				assert_memory_equal(res.digest, want, 48);
			}
	}
}

static void
test_ec2_and_gce_order(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_measure_params p;
	struct cvm_measure_result res;
	struct regions rs = {0};

	(void)state;
	cvm_measure_params_init(&p);
	p.vcpus = 1;
	p.vmm = CVM_VMM_EC2;
	p.on_region = collect;
	p.opaque = &rs;
	assert_int_equal(measure("OVMF.fd", &p, &res, &err), 0);
	assert_hex(res.digest, 48,
		   "0aaa035d47b06741a745a62cb88eade395f648a7383d71cc322fab9df3"
		   "3859ca3c188a0578534c01526f1b4c0f0b0eb6");
	/* EC2 measures the CPUID page after all other sections */
	assert_string_equal(rs.r[rs.n - 2].what, "CPUID");
	rs.n = 0;
	p.vmm = CVM_VMM_GCE;
	assert_int_equal(measure("OVMF.fd", &p, &res, &err), 0);
	assert_hex(res.digest, 48,
		   "6c5ed8d7d566801c36cf93c1e735e111d212d71892755cc9967a50c67f"
		   "72e387909cfd3a3961b10d2799f7779f3beac6");
	assert_int_equal(rs.r[1].page_type, CVM_SNP_PAGE_UNMEASURED);
}

/* Kernel hashes from memory: the same digests as from k.bin files. */
static void
test_kernel_hashes_in_memory(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_measure_params p;
	struct cvm_measure_result res;
	struct cvm_sev_hashes h;
	uint8_t *k = cvm_xmalloc(1000000);

	(void)state;
	memset(k, 'K', 1000000);
	EVP_Digest(k, 1000000, h.kernel, NULL, EVP_sha256(), NULL);
	EVP_Digest("", 0, h.initrd, NULL, EVP_sha256(), NULL);
	EVP_Digest("", 1, h.cmdline, NULL, EVP_sha256(), NULL);
	free(k);
	cvm_measure_params_init(&p);
	p.vcpus = 1;
	p.vcpu_sig = 0x800F12;
	p.hashes = &h;
	assert_int_equal(measure("ovmf_AmdSev_suffix.bin", &p, &res, &err), 0);
	assert_hex(res.digest, 48,
		   "cbdfa17555180eee08834058360e0ffe5f84890f050dcad651d0922e30"
		   "3701dbd85f5ea6e57ce69035d82f8ad84b6998");
	p.mode = CVM_MEASURE_SEV;
	assert_int_equal(measure("ovmf_AmdSev_suffix.bin", &p, &res, &err), 0);
	assert_int_equal(res.len, 32);
	assert_hex(res.digest, 32,
		   "771332da83d2d176043439b1a3de475d681a4867351df9261a9039c6b8"
		   "40ab34");
	/* Debian's OVMF.fd has no table to put the hashes in */
	p.fw_name = "OVMF.fd";
	assert_int_equal(measure("OVMF.fd", &p, &res, &err),
			 -CVM_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "'OVMF.fd' cannot measure a kernel"));
	p.mode = CVM_MEASURE_SNP;
	assert_int_equal(measure("OVMF.fd", &p, &res, &err),
			 -CVM_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "SNP_KERNEL_HASHES"));
}

/* --snp-ovmf-hash seeds LD with the snp:ovmf-hash result. */
static void
test_ovmf_hash_seed(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_measure_params p;
	struct cvm_measure_result a, b, c;

	(void)state;
	cvm_measure_params_init(&p);
	p.mode = CVM_MEASURE_SNP_OVMF_HASH;
	assert_int_equal(measure("OVMF_CODE_4M.fd", &p, &a, &err), 0);
	p.mode = CVM_MEASURE_SNP;
	p.vcpus = 2;
	p.vcpu_sig = 0xA10F10;
	assert_int_equal(measure("OVMF_CODE_4M.fd", &p, &b, &err), 0);
	p.snp_ovmf_hash = a.digest;
	assert_int_equal(measure("OVMF_CODE_4M.fd", &p, &c, &err), 0);
	assert_memory_equal(b.digest, c.digest, 48);
	/* and the seeded run hashes no firmware page */
	assert_true(c.bytes_hashed < b.bytes_hashed / 100);
}

static void
expect_usage(struct cvm_measure_params *p, const char *msg)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_measure_result res;

	assert_int_equal(measure("OVMF.fd", p, &res, &err), -CVM_E_USAGE);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
}

static void
test_request_errors(void **state)
{
	static const uint8_t seed[48];
	struct cvm_measure_params p;
	struct cvm_sev_hashes h = {0};

	(void)state;
	cvm_measure_params_init(&p);
	expect_usage(&p, "vCPU count 0 is outside 1..512");
	p.vcpus = 513;
	expect_usage(&p, "vCPU count 513");
	p.vcpus = 1;
	p.mode = CVM_MEASURE_SEV_ES;
	p.snp_ovmf_hash = seed;
	expect_usage(&p, "applies to mode 'snp' only");
	p.snp_ovmf_hash = NULL;
	p.mode = CVM_MEASURE_SNP_SVSM;
	p.vmm = CVM_VMM_GCE;
	expect_usage(&p, "QEMU only");
	p.vmm = CVM_VMM_QEMU;
	p.mode = CVM_MEASURE_SNP_OVMF_HASH;
	p.hashes = &h;
	expect_usage(&p, "does not measure a kernel");
}

static void
test_firmware_errors(void **state)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_measure_params p;
	struct cvm_measure_result res;
	uint8_t *fw;

	(void)state;
	load("ovmf_AmdSev_suffix.bin", &b);
	fw = (uint8_t *)b.data;
	cvm_measure_params_init(&p);
	p.vcpus = 2;
	p.fw = fw;
	p.fw_len = b.len - 1; /* not whole pages */
	assert_int_equal(cvm_measure_compute(&p, &res, &err), -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "not a multiple of 4 KiB"));
	p.fw_len = b.len;
	/* the 7th section descriptor's type: unknown type 0x33 */
	cvm_put_le32(fw + b.len - 0x554 + 16 + 6 * 12 + 8, 0x33);
	assert_int_equal(cvm_measure_compute(&p, &res, &err), -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "unknown type 0x33"));
	assert_int_equal(cvm_measure_compute(&p, &res, NULL), -CVM_E_PARSE);
	cvm_put_le16(fw + b.len - 50, 5); /* footer size: malformed */
	assert_int_equal(cvm_measure_compute(&p, &res, NULL), -CVM_E_PARSE);
	cvm_put_le16(fw + b.len - 50, 0x88);
	cvm_put_le32(fw + b.len - 0x554 + 16 + 6 * 12 + 8, 1);
	/* rename the SEV_ES_RESET_BLOCK GUID: no AP entry point */
	fw[b.len - 50 - 16] ^= 0xff;
	assert_int_equal(cvm_measure_compute(&p, &res, &err),
			 -CVM_E_UNSUPPORTED);
	assert_non_null(strstr(err.msg, "SEV_ES_RESET_BLOCK"));
}

static void
test_files_errors(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_measure_files f = {.ovmf = FIXTURES "OVMF.fd"};
	struct cvm_measure_params p;
	struct cvm_measure_result res;

	(void)state;
	cvm_measure_params_init(&p);
	p.vcpus = 1;
	f.initrd = "/x";
	assert_int_equal(cvm_measure_files_compute(&f, &p, &res, &err),
			 -CVM_E_USAGE);
	f.initrd = NULL;
	f.ovmf = "/nonexistent.fd";
	assert_int_equal(cvm_measure_files_compute(&f, &p, &res, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "'/nonexistent.fd'"));
	f.ovmf = FIXTURES;
	assert_int_equal(cvm_measure_files_compute(&f, &p, &res, &err),
			 -EISDIR);
	f.ovmf = FIXTURES "ovmf_AmdSev_suffix.bin";
	f.kernel = "/nonexistent-kernel";
	assert_int_equal(cvm_measure_files_compute(&f, &p, &res, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "'/nonexistent-kernel'"));
	f.kernel = NULL;
	f.sha256 = true;
	assert_int_equal(cvm_measure_files_compute(&f, &p, &res, &err), 0);
	assert_hex(res.ovmf_sha256, 32,
		   "8f765dfabc127fc0a938a0744a3103ec15864d7d794eb4c398aa976b6d"
		   "6ab16c");
	p.mode = CVM_MEASURE_SNP_SVSM;
	assert_int_equal(cvm_measure_files_compute(&f, &p, &res, &err),
			 -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "SVSM image"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_sigs),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_vmsa_pages),
		cmocka_unit_test(test_vmsa_svsm),
		cmocka_unit_test(test_page_info),
		cmocka_unit_test(test_hash_table),
		cmocka_unit_test(test_sev_launch_measure),
		cmocka_unit_test(test_snp_digest_and_regions),
		cmocka_unit_test(test_snp_digest_any_split),
		cmocka_unit_test(test_ec2_and_gce_order),
		cmocka_unit_test(test_kernel_hashes_in_memory),
		cmocka_unit_test(test_ovmf_hash_seed),
		cmocka_unit_test(test_request_errors),
		cmocka_unit_test(test_firmware_errors),
		cmocka_unit_test(test_files_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
