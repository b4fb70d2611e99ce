/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for fetching a report inside an SNP guest, through
 * struct cvm_attest_sys_ops with canned kernel replies: configfs-tsm
 * (provider, inblob, outblob, auxblob, generation), the /dev/sev-guest
 * ioctls (decoded here with the kernel's own <linux/sev-guest.h>, so
 * cvm's struct copies are checked against it), the certificate-buffer
 * retry, firmware errors, and the messages without SNP.
 */
#include <sys/ioctl.h>

#include <linux/sev-guest.h>

#include "test-attest.h"
#include "cvm/cleanup.h"

#define TSM	     "/tsm"
#define DEV	     "/dev/sev-guest"
#define ENTRY_PREFIX TSM "/cvm-"

struct fake {
	bool has_tsm, has_dev;
	const char *provider;
	uint8_t report[CVM_SNP_REPORT_SIZE];
	uint8_t table[256]; /* a certificate table with one VCEK */
	size_t table_len;
	bool gen_race;	    /* generation changes between reads */
	uint32_t fw_status; /* MSG_REPORT_RSP status */
	uint32_t certs_needed;
	/* what the code did */
	uint8_t inblob[64];
	char privlevel[8];
	int mkdirs, rmdirs, gen_reads, ioctls, ext_ioctls, opens, closes;
	uint32_t vmpl_seen;
};

static bool
ends(const char *path, const char *suffix)
{
	size_t a = strlen(path), b = strlen(suffix);

	return a >= b && strcmp(path + a - b, suffix) == 0;
}

static int
f_exists(void *o, const char *path)
{
	struct fake *f = o;

	return strcmp(path, TSM) == 0 ? f->has_tsm : f->has_dev;
}

static int
f_mkdir(void *o, const char *path)
{
	struct fake *f = o;

	assert_true(strncmp(path, ENTRY_PREFIX, strlen(ENTRY_PREFIX)) == 0);
	f->mkdirs++;
	return 0;
}

static int
f_rmdir(void *o, const char *path)
{
	(void)path;
	((struct fake *)o)->rmdirs++;
	return 0;
}

static int
give(const void *p, size_t n, uint8_t **out, size_t *len)
{
	*out = cvm_xmalloc(n + 1);
	memcpy(*out, p, n);
	*len = n;
	return 0;
}

static int
f_read(void *o, const char *path, uint8_t **out, size_t *len)
{
	struct fake *f = o;
	char gen[16];

	if (ends(path, "/provider"))
		return f->provider ? give(f->provider, strlen(f->provider), out,
					  len)
				   : -ENXIO;
	if (ends(path, "/generation")) {
		f->gen_reads++;
		snprintf(gen, sizeof(gen), "%d\n",
			 f->gen_race ? f->gen_reads : 1);
		return give(gen, strlen(gen), out, len);
	}
	if (ends(path, "/outblob"))
		return give(f->report, sizeof(f->report), out, len);
	if (ends(path, "/auxblob"))
		return f->table_len ? give(f->table, f->table_len, out, len)
				    : -ENODATA;
	return -ENOENT;
}

static int
f_write(void *o, const char *path, const void *p, size_t len)
{
	struct fake *f = o;

	if (ends(path, "/inblob")) {
		assert_int_equal(len, 64);
		memcpy(f->inblob, p, 64);
		return 0;
	}
	if (ends(path, "/privlevel")) {
		snprintf(f->privlevel, sizeof(f->privlevel), "%.*s", (int)len,
			 (const char *)p);
		return 0;
	}
	return -EACCES;
}

static int
f_open(void *o, const char *path)
{
	struct fake *f = o;

	assert_string_equal(path, DEV);
	f->opens++;
	return f->has_dev ? 7 : -ENOENT;
}

/* The kernel side of SNP_GET_REPORT / SNP_GET_EXT_REPORT. */
static int
f_ioctl(void *o, int fd, unsigned long req, void *arg)
{
	struct fake *f = o;
	struct snp_guest_request_ioctl *io = arg;
	struct snp_report_req *rq = (void *)(uintptr_t)io->req_data;
	uint8_t *resp = (void *)(uintptr_t)io->resp_data;

	assert_int_equal(fd, 7);
	assert_int_equal(io->msg_version, 1);
	f->ioctls++;
	f->vmpl_seen = rq->vmpl;
	if (req == SNP_GET_EXT_REPORT) {
		struct snp_ext_report_req *ext = (void *)rq;

		f->ext_ioctls++;
		assert_int_equal(ext->certs_len % 4096, 0);
		if (ext->certs_len < f->certs_needed) {
			ext->certs_len = f->certs_needed;
			io->exitinfo2 = (uint64_t)SNP_GUEST_VMM_ERR_INVALID_LEN
					<< 32;
			return -EINVAL;
		}
		memcpy((void *)(uintptr_t)ext->certs_address, f->table,
		       f->table_len);
	} else {
		assert_true(req == SNP_GET_REPORT);
	}
	if (f->fw_status) {
		cvm_put_le32(resp, f->fw_status);
		return 0;
	}
	/* SNP ABI MSG_REPORT_RSP: status, size, reserved, report at 0x20 */
	cvm_put_le32(resp, 0);
	cvm_put_le32(resp + 4, CVM_SNP_REPORT_SIZE);
	memcpy(resp + 0x20, f->report, CVM_SNP_REPORT_SIZE);
	memcpy(resp + 0x20 + 0x50, rq->user_data, 64); /* REPORT_DATA */
	return 0;
}

static void
f_close(void *o, int fd)
{
	assert_int_equal(fd, 7);
	((struct fake *)o)->closes++;
}

static struct fake *
fake_new(bool tsm, bool dev)
{
	struct fake *f = cvm_xcalloc(1, sizeof(*f));
	size_t len = 0;
	cleanup_free uint8_t *r = snp_read("milan-v3-oak/report.bin", &len);

	f->has_tsm = tsm;
	f->has_dev = dev;
	f->provider = "sev_guest\n";
	memcpy(f->report, r, len);
	/* one VCEK entry (GHCB spec GUID), data "VCEKDATA", terminator */
	assert_int_equal(cvm_hex_decode("63da758de6644564adc5f4b93be8accd",
					f->table, 16, NULL),
			 0);
	cvm_put_le32(f->table + 16, 48);
	cvm_put_le32(f->table + 20, 8);
	memcpy(f->table + 48, "VCEKDATA", 8);
	f->table_len = 56;
	return f;
}

static struct cvm_attest_sys_ops
ops_for(struct fake *f)
{
	struct cvm_attest_sys_ops ops = {
		.exists = f_exists,
		.mkdir = f_mkdir,
		.rmdir = f_rmdir,
		.read_file = f_read,
		.write_file = f_write,
		.open = f_open,
		.ioctl = f_ioctl,
		.close = f_close,
		.opaque = f,
	};

	return ops;
}

static struct cvm_attest_fetch_opts
opts(uint32_t vmpl)
{
	struct cvm_attest_fetch_opts o = {
		.vmpl = vmpl, .tsm_dir = TSM, .dev = DEV};

	memcpy(o.report_data, "nonce-1234", 10);
	return o;
}

static void
test_tsm(void **state)
{
	struct fake *f = fake_new(true, true);
	struct cvm_attest_sys_ops ops = ops_for(f);
	struct cvm_attest_fetch_opts o = opts(2);
	struct cvm_attest_fetched out;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), 0);
	assert_string_equal(out.method, "configfs-tsm");
	assert_memory_equal(out.report, f->report, CVM_SNP_REPORT_SIZE);
	assert_memory_equal(f->inblob, "nonce-1234", 10);
	assert_string_equal(f->privlevel, "2");
	assert_int_equal(f->mkdirs, 1);
	assert_int_equal(f->rmdirs, 1); /* the entry is always removed */
	assert_int_equal(f->ioctls, 0); /* configfs-tsm comes first */
	assert_int_equal(out.ncerts, 1);
	assert_string_equal(out.certs[0].name, "vcek");
	assert_memory_equal(out.certs[0].data, "VCEKDATA", 8);
	cvm_attest_fetched_release(&out);
	free(f);
}

static void
test_tsm_race_and_provider(void **state)
{
	struct fake *f = fake_new(true, false);
	struct cvm_attest_sys_ops ops = ops_for(f);
	struct cvm_attest_fetch_opts o = opts(0);
	struct cvm_attest_fetched out;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	f->gen_race = true;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), -CVM_E_STATE);
	assert_non_null(strstr(err.msg, "another writer"));
	assert_int_equal(f->rmdirs, 1);
	f->gen_race = false;
	f->provider = "tdx_guest\n";
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), -CVM_E_HOST);
	assert_non_null(strstr(err.msg, "provider is 'tdx_guest'"));
	f->provider = NULL;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), -CVM_E_HOST);
	assert_non_null(strstr(err.msg, "configfs-tsm has no provider"));
	assert_int_equal(f->rmdirs, 3);
	free(f);
}

static void
test_ioctl_ext_retry(void **state)
{
	struct fake *f = fake_new(false, true);
	struct cvm_attest_sys_ops ops = ops_for(f);
	struct cvm_attest_fetch_opts o = opts(1);
	struct cvm_attest_fetched out;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_snp_report r;

	(void)state;
	/* the host has more certificate data than the first buffer: the
	 * driver reports the size it needs and the request is repeated */
	f->certs_needed = 0x8000;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), 0);
	assert_string_equal(out.method, "sev-guest ioctl");
	assert_int_equal(f->ext_ioctls, 2);
	assert_int_equal(f->vmpl_seen, 1);
	assert_int_equal(f->opens, f->closes);
	assert_int_equal(
		cvm_snp_report_parse(out.report, sizeof(out.report), &r, NULL),
		0);
	assert_memory_equal(r.report_data, "nonce-1234", 10);
	assert_int_equal(out.ncerts, 1);
	cvm_attest_fetched_release(&out);
	/* a buffer larger than the driver allows is an error, not a loop */
	f->certs_needed = 0x100000;
	f->ext_ioctls = 0;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err),
			 -CVM_E_FIRMWARE);
	assert_non_null(strstr(err.msg, "SNP_GET_EXT_REPORT failed"));
	assert_non_null(strstr(err.msg, "hypervisor error 0x1"));
	assert_int_equal(f->ext_ioctls, 1);
	/* a normal host: one request */
	f->certs_needed = 0x3000;
	f->ext_ioctls = 0;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), 0);
	assert_int_equal(f->ext_ioctls, 1);
	cvm_attest_fetched_release(&out);
	free(f);
}

static void
test_ioctl_plain_and_errors(void **state)
{
	struct fake *f = fake_new(false, true);
	struct cvm_attest_sys_ops ops = ops_for(f);
	struct cvm_attest_fetch_opts o = opts(0);
	struct cvm_attest_fetched out;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	o.no_certs = true;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), 0);
	assert_int_equal(f->ext_ioctls, 0);
	assert_int_equal(out.ncerts, 0);
	f->fw_status = 0x16;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err),
			 -CVM_E_FIRMWARE);
	assert_non_null(strstr(err.msg, "status 0x16"));
	o.vmpl = 4;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), -CVM_E_USAGE);
	assert_int_equal(f->opens, f->closes);
	free(f);
}

static void
test_not_snp(void **state)
{
	struct fake *f = fake_new(false, false);
	struct cvm_attest_sys_ops ops = ops_for(f);
	struct cvm_attest_fetch_opts o = opts(0);
	struct cvm_attest_fetched out;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), -CVM_E_HOST);
	assert_non_null(strstr(err.msg, "not an SNP guest: no configfs-tsm "
					"('/tsm' is missing) and no "
					"'/dev/sev-guest'"));
	/* configfs-tsm with another provider and no device */
	f->has_tsm = true;
	f->provider = "arm_cca_guest";
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), -CVM_E_HOST);
	assert_non_null(strstr(err.msg, "not sev_guest"));
	/* only the ioctl path was asked for */
	o.method = CVM_FETCH_IOCTL;
	assert_int_equal(cvm_attest_fetch(&ops, &o, &out, &err), -CVM_E_HOST);
	assert_string_equal(err.msg, "not an SNP guest: no '/dev/sev-guest' "
				     "(the sev-guest driver needs an SNP "
				     "guest)");
	assert_int_equal(f->ioctls, 0);
	free(f);
}

/* The real system calls on this (non-SNP) machine say why. */
static void
test_real_host(void **state)
{
	struct cvm_attest_fetch_opts o = {.tsm_dir = "/nonexistent/tsm",
					  .dev = "/nonexistent/sev-guest"};
	struct cvm_attest_fetched out;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(
		cvm_attest_fetch(&cvm_attest_sys_linux, &o, &out, &err),
		-CVM_E_HOST);
	assert_non_null(strstr(err.msg, "'/nonexistent/tsm' is missing"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsm),
		cmocka_unit_test(test_tsm_race_and_provider),
		cmocka_unit_test(test_ioctl_ext_retry),
		cmocka_unit_test(test_ioctl_plain_and_errors),
		cmocka_unit_test(test_not_snp),
		cmocka_unit_test(test_real_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
