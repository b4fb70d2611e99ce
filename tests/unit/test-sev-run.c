/* SPDX-License-Identifier: MIT */
/*
 * `cvm run --protection/--attest`, the host's side (lib/guestio/protect.c
 * and attest.c), without SEV hardware:
 *
 *  - a fake guest console carrying a real SNP report (Oak's Milan v3
 *    report from ../shared/testdata/snp, with its VCEK and AMD's Milan
 *    chain) goes through the CVM1 parser and cvm_run_attest_verify():
 *    valid with the right nonce, measurement and policy; invalid (exit
 *    3) when any of them or a signature byte differs; "could not
 *    verify" without a VCEK; no report when the guest said why not;
 *  - the planned run for a Genoa host (tests/data/host facts, dry run):
 *    SNP argv, a fresh nonce on the command line, and the expected
 *    launch digest, checked against virtee/sev-snp-measure's vectors in
 *    ../shared/testdata/measure (OVMF.fd alone, and the AmdSev firmware
 *    with a kernel: the kernel-hashes path).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd-run.h"
#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/proc.h"
#include "cvm/util.h"

#define SNP	    CVM_SHARED_DIR "/testdata/snp/"
#define MEASURE	    CVM_SHARED_DIR "/testdata/measure/"
#define GENOA_FACTS CVM_TEST_DATA "/host/genoa-snp-ready.json"
/* expected.json, milan-v3-oak */
#define OAK_MEASUREMENT                                                        \
	"195b01b74976a1faba13bd85eaf787958f0a46e6dddd45c5bdbf8673522777842b80" \
	"57"                                                                   \
	"ae5d866b75416efb62012deaa3"
#define OAK_NONCE \
	"a7ca989b0359ea4e5efc47bdbcad84b2df3f26fd09ee7bda5bb27953abf68992"
/* vectors.tsv: --mode snp --vcpus 1 --vcpu-type EPYC-v4 --ovmf OVMF.fd */
#define OVMF_LD                                                                \
	"11570979c77a0adb515761a702527c8b9e11554e730552621d950988613a3a75c6ff" \
	"17"                                                                   \
	"03f540bd22a9beede8fe7a97e3"
/* vectors.tsv row 186: ... --ovmf ovmf_AmdSev_suffix.bin --kernel k.bin */
#define AMDSEV_K_LD                                                            \
	"cbdfa17555180eee08834058360e0ffe5f84890f050dcad651d0922e303701dbd85f" \
	"5e"                                                                   \
	"a6e57ce69035d82f8ad84b6998"

struct fake {
	struct cvm_guestio *io;
	uint8_t report[CVM_SNP_REPORT_SIZE];
	uint8_t nonce[32], ld[48];
	struct cvm_run_attest_opts o;
	struct cvm_attest_result res;
	struct cvm_err err;
};

static void
load_report(struct fake *f, const char *path)
{
	struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	assert_int_equal(cvm_file_read(path, &b, 1 << 20, &err), 0);
	assert_int_equal(b.len, CVM_SNP_REPORT_SIZE);
	memcpy(f->report, b.data, b.len);
	cvm_buf_release(&b);
}

/* What the unikernel prints (guest/kernel/sev-attest.c), fed in pieces */
static const struct cvm_guest_record *
console(struct fake *f, bool with_report, const char *status)
{
	char hex[2 * CVM_SNP_REPORT_SIZE + 1];
	cleanup_free char *text = NULL;
	size_t n;

	cvm_hex_encode(f->report, sizeof(f->report), hex);
	text = cvm_xasprintf("CVM1 info protection sev-snp\r\n"
			     "CVM1 info workload attest\nCVM1 boot "
			     "workload_start 1000\n%s%s%sCVM1 info "
			     "attest_status %s\nCVM1 exit 0\n",
			     with_report ? "CVM1 report " : "",
			     with_report ? hex : "", with_report ? "\n" : "",
			     status);
	if (f->io)
		cvm_guestio_free(f->io);
	f->io = cvm_guestio_new(NULL, NULL);
	n = strlen(text);
	/* odd chunk sizes: a report line arrives in many reads */
	for (size_t off = 0; off < n; off += 97)
		cvm_guestio_feed(f->io, text + off, n - off < 97 ? n - off : 97,
				 off);
	cvm_guestio_finish(f->io, n);
	return cvm_guestio_record(f->io);
}

static int
setup(void **state)
{
	struct fake *f = cvm_xcalloc(1, sizeof(*f));
	struct cvm_err err = CVM_ERR_INIT;

	load_report(f, SNP "milan-v3-oak/report.bin");
	assert_int_equal(cvm_hex_decode(OAK_NONCE, f->nonce, 32, &err), 0);
	assert_int_equal(cvm_hex_decode(OAK_MEASUREMENT, f->ld, 48, &err), 0);
	f->o.measurement = f->ld;
	f->o.nonce = f->nonce;
	f->o.nonce_len = sizeof(f->nonce);
	f->o.has_policy = true;
	f->o.policy = 0x30000;
	f->o.vcek = SNP "milan-v3-oak/vcek.der";
	f->o.certs = SNP "amd-certs/ask_ark_milan.pem";
	f->o.cache = "/nonexistent"; /* never the user's VCEK folder */
	assert_int_equal(cvm_attest_parse_time("2025-06-01", &f->o.at, &err),
			 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fake *f = *state;

	cvm_guestio_free(f->io);
	free(f);
	return 0;
}

static int
verify(struct fake *f)
{
	const struct cvm_guest_record *rec = console(f, true, "ok");

	f->err = (struct cvm_err)CVM_ERR_INIT;
	return cvm_run_attest_verify(rec, &f->o, &f->res, &f->err);
}

static const struct cvm_attest_check *
check(const struct fake *f, const char *id)
{
	for (size_t i = 0; i < f->res.nchecks; i++)
		if (!strcmp(f->res.checks[i].id, id))
			return &f->res.checks[i];
	return NULL;
}

static void
test_report_valid(void **state)
{
	struct fake *f = *state;
	const char *ids[] = {"report_sig",  "vek",  "tcb",    "nonce",
			     "measurement", "vmpl", "policy", "debug"};

	assert_int_equal(verify(f), 0);
	assert_int_equal(f->res.verdict, CVM_ATTEST_VALID);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_non_null(check(f, ids[i]));
		assert_int_equal(check(f, ids[i])->status,
				 CVM_ATTEST_CHECK_PASS);
	}
}

static void
expect_invalid(struct fake *f, const char *id)
{
	assert_int_equal(verify(f), -CVM_E_INVALID);
	assert_int_equal(cvm_err_exit_status(f->err.code), 3);
	assert_non_null(strstr(f->err.msg, "the guest's report is invalid"));
	assert_non_null(check(f, id));
	assert_int_equal(check(f, id)->status, CVM_ATTEST_CHECK_FAIL);
}

static void
test_report_invalid(void **state)
{
	struct fake *f = *state;

	/* another run's nonce: a replayed report */
	f->nonce[31] ^= 1;
	expect_invalid(f, "nonce");
	f->nonce[31] ^= 1;
	/* another launch digest: another firmware or image */
	f->ld[0] ^= 0x80;
	expect_invalid(f, "measurement");
	f->ld[0] ^= 0x80;
	/* launched with another policy */
	f->o.policy = 0x70000;
	expect_invalid(f, "policy");
	f->o.policy = 0x30000;
	/* a byte of the signature */
	f->report[0x2A0] ^= 1;
	expect_invalid(f, "report_sig");
	f->report[0x2A0] ^= 1;
	assert_int_equal(verify(f), 0);
}

static void
test_report_debug_policy(void **state)
{
	struct fake *f = *state;

	/* go-sev-guest's report: policy 0xb0000 allows debugging */
	load_report(f, SNP "milan-v2-gsg/report.bin");
	f->o.measurement = NULL;
	f->o.has_policy = false;
	f->o.nonce_len = 5;
	memcpy(f->nonce, "\x01\x02\x03\x04\x05", 5);
	f->o.vcek = SNP "milan-v2-gsg/vcek.der";
	expect_invalid(f, "debug");
}

static void
test_no_report(void **state)
{
	struct fake *f = *state;
	const struct cvm_guest_record *rec = console(f, false, "not_snp");

	assert_true(cvm_run_attest_verify(rec, &f->o, &f->res, &f->err) < 0);
	assert_int_not_equal(f->err.code, -CVM_E_INVALID);
	assert_non_null(strstr(f->err.msg, "no attestation report"));
	assert_non_null(strstr(f->err.msg, "not_snp"));
	/* no VCEK: not verified, and where to get it */
	f->o.vcek = NULL;
	assert_int_equal(verify(f), -ENOENT);
	assert_int_equal(cvm_err_exit_status(f->err.code), 1);
	assert_non_null(strstr(f->err.msg, "could not be verified"));
	assert_non_null(strstr(f->err.msg, "https://kdsintf.amd.com/vcek/"));
}

/* stdout of `fn(p, a)` as a string (malloc'd) */
static char *
capture(void (*fn)(const struct cvm_run_plan *, const struct run_attest *),
	const struct cvm_run_plan *p, const struct run_attest *a)
{
	struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	char path[] = "/tmp/cvm-test-out.XXXXXX";
	int fd = mkstemp(path), saved = dup(1);

	assert_true(fd >= 0 && saved >= 0);
	fflush(stdout);
	dup2(fd, 1);
	fn(p, a);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	assert_int_equal(cvm_file_read(path, &b, 1 << 20, &err), 0);
	unlink(path);
	return cvm_buf_detach(&b, NULL);
}

/* `cvm run --attest`'s verdict and output (cli/cmd-run-sev.c) */
static void
test_cli_attested(void **state)
{
	struct fake *f = *state;
	struct cvm_run_plan p;
	struct cvm_guest_run run;
	struct run_attest a;
	struct json_object *jo;
	cleanup_free char *out = NULL, *bad = NULL;

	memset(&p, 0, sizeof(p));
	memset(&run, 0, sizeof(run));
	p.sev.attest = p.sev.have_expected = p.sev.measured_kernel = true;
	memcpy(p.sev.nonce, f->nonce, 32); /* the rest of REPORT_DATA is 0 */
	memcpy(p.sev.expected, f->ld, 48);
	p.sev.params.policy = 0x30000;
	p.req.vcek = f->o.vcek;
	p.req.certs = f->o.certs;
	p.req.at = f->o.at;
	run.rec = *console(f, true, "ok");
	run_attest_verify(&p, &run, &a);
	assert_true(a.ran);
	assert_int_equal(a.err.code, 0);
	out = capture(run_attest_print, &p, &a);
	assert_non_null(strstr(out, "attested: the guest's SEV-SNP report is "
				    "valid"));
	assert_non_null(strstr(out, "  measurement   pass"));
	assert_non_null(strstr(out, "  nonce         pass"));
	assert_int_equal(run_attest_status(&a, 0), 0);
	jo = run_attest_json(&a, json_object_new_object());
	assert_true(json_object_get_boolean(json_object_object_get(
		json_object_object_get(jo, "attestation"), "attested")));
	json_object_put(jo);
	/* another nonce: "not attested", exit status 3 */
	p.sev.nonce[0] ^= 1;
	run_attest_verify(&p, &run, &a);
	bad = capture(run_attest_print, &p, &a);
	assert_non_null(strstr(bad, "not attested: the guest's report is "
				    "invalid: nonce"));
	assert_int_equal(run_attest_status(&a, 0), 3);
	assert_int_equal(run_attest_status(&a, 1), 3);
}

/* A dry-run plan for the Genoa host of the facts file. */
static int
plan_genoa(struct cvm_run_plan *p, const char *firmware, struct cvm_err *err)
{
	struct cvm_run_request r = {0};

	r.workload = "hello";
	/* any readable file: a dry run only checks that the image exists */
	r.image = MEASURE "OVMF.fd";
	r.protection = CVM_PROT_SEV_SNP;
	r.protection_given = true;
	r.attest = true;
	r.facts = GENOA_FACTS;
	r.firmware = firmware;
	r.dry_run = true;
	return cvm_run_plan_make(&r, p, err);
}

static void
test_plan_attest(void **state)
{
	struct cvm_run_plan a, b;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_run_attest_opts o;
	char want[2 * 48 + 1];
	cleanup_free char *line = NULL, *needle = NULL;

	(void)state;
	assert_int_equal(plan_genoa(&a, "/usr/share/ovmf/OVMF.fd", &err), 0);
	assert_int_equal(plan_genoa(&b, NULL, &err), 0);
	assert_int_equal(a.spec.protection, CVM_PROT_SEV_SNP);
	assert_true(a.sev.from_facts && a.sev.attest);
	/* a fresh nonce per run, on the guest's command line */
	assert_memory_not_equal(a.sev.nonce, b.sev.nonce, CVM_RUN_NONCE_LEN);
	needle = cvm_xasprintf("workload=attest,hello class=- reps=1 nonce=%s",
			       a.sev.nonce_hex);
	assert_string_equal(a.append, needle);
	line = cvm_argv_join(cvm_argv_get(&a.argv));
	assert_non_null(strstr(line, "sev-snp-guest,id=sev0,cbitpos=51"));
	assert_non_null(strstr(line, "-bios /usr/share/ovmf/OVMF.fd"));
	assert_null(strstr(line, "kernel-hashes"));
	/* the digest sev-snp-measure gives for this firmware, 1 vCPU,
	 * EPYC-v4 (QEMU 10.0 on the facts host) */
	assert_true(a.sev.have_expected);
	cvm_hex_encode(a.sev.expected, 48, want);
	assert_string_equal(want, OVMF_LD);
	cvm_run_attest_opts_from_plan(&a, &o);
	assert_ptr_equal(o.measurement, a.sev.expected);
	assert_ptr_equal(o.nonce, a.sev.nonce);
	assert_int_equal(o.policy, 0x30000);
	/* the host's best build (AmdSev, kernel hashes) is on the facts
	 * host only: the digest cannot be computed here, and says so */
	assert_true(b.sev.measured_kernel);
	assert_false(b.sev.have_expected);
	assert_non_null(strstr(b.sev.expected_note, "on the facts host"));
	cvm_run_plan_release(&a);
	cvm_run_plan_release(&b);
}

static void
test_expect_kernel_hashes(void **state)
{
	struct cvm_run_plan p;
	struct cvm_err err = CVM_ERR_INIT;
	char tmpl[] = "/tmp/cvm-test-k.XXXXXX", want[2 * 48 + 1];
	char fw[] = MEASURE "ovmf_AmdSev_suffix.bin";
	char *k = cvm_xmalloc(1000000);
	int fd = mkstemp(tmpl);

	(void)state;
	/* the reference's stand-in kernel: 1,000,000 bytes of 'K' */
	assert_true(fd >= 0);
	memset(k, 'K', 1000000);
	assert_int_equal(write(fd, k, 1000000), 1000000);
	close(fd);
	free(k);
	memset(&p, 0, sizeof(p));
	p.sev.attest = true;
	p.sev.measured_kernel = true;
	p.firmware = fw;
	p.image = tmpl;
	p.append = NULL; /* the reference without --append */
	p.spec.vcpus = 1;
	p.spec.cpu_model = "EPYC-v4";
	assert_int_equal(cvm_run_sev_expect(&p, &err), 0);
	unlink(tmpl);
	cvm_hex_encode(p.sev.expected, 48, want);
	assert_string_equal(want, AMDSEV_K_LD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_valid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_report_invalid, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_report_debug_policy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cli_attested, setup,
						teardown),
		cmocka_unit_test(test_plan_attest),
		cmocka_unit_test(test_expect_kernel_hashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
