/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the libvirt API wrapper (lib/virt/conn.c, info.c,
 * caps.c, console.c) against libvirt's in-process test driver
 * (test:///default: no daemon, no QEMU), and for the parsers of what
 * libvirt returns.  The real daemon is exercised by t1101 and t1102.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/log.h"
#include "cvm/util.h"
#include "cvm/virt.h"
#include "../../lib/virt/virt-priv.h"

#define DATA	 CVM_TEST_DATA "/virt"
#define TEST_URI "test:///default"
#define DEAD_URI "qemu+tcp://127.0.0.1:1/system"

static struct cvm_virt_conn *conn;
static struct cvm_buf logged = CVM_BUF_INIT;

static void
log_to_buf(void *opaque, enum cvm_log_level level, const char *msg)
{
	(void)opaque;
	cvm_buf_addf(&logged, "%d %s\n", (int)level, msg);
}

static int
setup(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	cvm_log_set(log_to_buf, NULL);
	if (cvm_virt_open(TEST_URI, &conn, &err) < 0) {
		print_message("# %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cvm_virt_close(conn);
	cvm_buf_release(&logged);
	cvm_log_set(NULL, NULL);
	return 0;
}

static void
spec(struct cvm_vmspec *s, const char *name, enum cvm_protection p)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->protection = p;
	s->accel = p == CVM_PROT_NONE ? CVM_ACCEL_TCG : CVM_ACCEL_KVM;
	s->boot = CVM_BOOT_EFI;
	s->vcpus = 2;
	s->memory_mib = 128;
	s->kernel = "/nonexistent/cvm-unikernel.efi";
	s->firmware_code = "/usr/share/OVMF/OVMF_CODE_4M.fd";
	s->firmware_vars = "/usr/share/OVMF/OVMF_VARS_4M.fd";
	s->debug_exit = true;
	s->sev.policy = p == CVM_PROT_SEV_ES ? 0x7 : 0x3;
}

static void
test_open(void **state)
{
	struct cvm_virt_conn *c = NULL;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_string_equal(cvm_virt_uri(conn), TEST_URI);
	assert_true(cvm_virt_daemon_version(conn) >= CVM_VIRT_VERSION(7, 0, 0));
	assert_int_equal(cvm_virt_open(DEAD_URI, &c, &err), -ECONNREFUSED);
	assert_null(c);
	assert_non_null(strstr(err.msg, "connect to '" DEAD_URI "'"));
	assert_non_null(strstr(err.msg, "Connection refused"));
	assert_non_null(strstr(err.msg, "daemon listening"));
	assert_int_not_equal(cvm_virt_open("nosuchdriver:///x", &c, &err), 0);
	assert_non_null(strstr(err.msg, "connect to 'nosuchdriver:///x': "));
	assert_null(strchr(err.msg, '\n'));
}

static void
inspect(const char *name, struct cvm_virt_dominfo *d)
{
	struct cvm_err err = CVM_ERR_INIT;

	if (cvm_virt_inspect(conn, name, d, &err) < 0)
		fail_msg("%s", err.msg);
}

static void
test_lifecycle(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_virt_dominfo d;
	struct cvm_vmspec s;
	bool forced = true;

	(void)state;
	spec(&s, "life", CVM_PROT_NONE);
	assert_int_equal(cvm_virt_create(conn, &s, 0, &err), 0);
	assert_int_equal(cvm_virt_create(conn, &s, 0, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "'life' already exists on 'test:"));
	inspect("life", &d);
	assert_string_equal(d.state, "shutoff");
	assert_int_equal(d.id, -1);
	assert_true(d.cvm && d.persistent && !d.kvm);
	assert_int_equal(d.protection, CVM_PROT_NONE);
	assert_int_equal(d.vcpus, 2);
	assert_int_equal(d.memory_kib, 128 * 1024);
	cvm_virt_dominfo_release(&d);

	assert_int_equal(cvm_virt_start(conn, "life", false, &err), 0);
	inspect("life", &d);
	assert_string_equal(d.state, "running");
	assert_true(d.id >= 0);
	cvm_virt_dominfo_release(&d);
	assert_int_equal(cvm_virt_start(conn, "life", false, &err),
			 -CVM_E_STATE);
	assert_non_null(strstr(err.msg, "start 'life' on 'test:///default'"));

	assert_int_equal(cvm_virt_stop(conn, "life", 2000, &forced, &err), 0);
	assert_false(forced);
	inspect("life", &d);
	assert_string_equal(d.state, "shutoff");
	assert_string_equal(d.reason, "shutdown");
	cvm_virt_dominfo_release(&d);
	assert_int_equal(cvm_virt_kill(conn, "life", &err), -CVM_E_STATE);
	assert_non_null(strstr(err.msg, "is not running"));

	assert_int_equal(cvm_virt_start(conn, "life", false, &err), 0);
	assert_int_equal(cvm_virt_kill(conn, "life", &err), 0);
	inspect("life", &d);
	assert_string_equal(d.reason, "destroyed");
	cvm_virt_dominfo_release(&d);

	/* the test driver does not know VIR_DOMAIN_UNDEFINE_NVRAM: the
	 * plain undefine fallback runs */
	assert_int_equal(cvm_virt_delete(conn, "life", &err), 0);
	assert_int_equal(cvm_virt_inspect(conn, "life", &d, &err), -ENOENT);
	assert_string_equal(err.msg,
			    "no domain named 'life' on 'test:///default'");
	assert_int_equal(cvm_virt_delete(conn, "life", &err), -ENOENT);
	assert_int_equal(cvm_virt_stop(conn, "life", 0, NULL, &err), -ENOENT);
}

/* delete of a running domain destroys it first */
static void
test_delete_running(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_virt_dominfo d;
	struct cvm_vmspec s;

	(void)state;
	spec(&s, "busy", CVM_PROT_NONE);
	assert_int_equal(cvm_virt_create(conn, &s, 0, &err), 0);
	assert_int_equal(cvm_virt_start(conn, "busy", false, &err), 0);
	assert_int_equal(cvm_virt_delete(conn, "busy", &err), 0);
	assert_int_equal(cvm_virt_inspect(conn, "busy", &d, &err), -ENOENT);
}

/* The test driver checks no host capabilities, so an SEV-ES definition
 * is accepted: inspect reads the protection back from it, and a running
 * one has no launch measurement to give here (logged, not fatal). */
static void
test_sev_facts(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_virt_dominfo d;
	struct cvm_vmspec s;

	(void)state;
	spec(&s, "es", CVM_PROT_SEV_ES);
	assert_int_equal(cvm_virt_create(conn, &s, CVM_VIRT_XML_LOCKED, &err),
			 0);
	inspect("es", &d);
	assert_int_equal(d.protection, CVM_PROT_SEV_ES);
	assert_int_equal(d.policy, 0x7);
	assert_true(d.kvm);
	cvm_virt_dominfo_release(&d);
	assert_int_equal(cvm_virt_start(conn, "es", false, &err), 0);
	cvm_buf_truncate(&logged, 0);
	inspect("es", &d);
	assert_false(d.has_measurement);
	assert_non_null(strstr(cvm_buf_str(&logged), "'es': no launch "
						     "security info"));
	cvm_virt_dominfo_release(&d);
	assert_int_equal(cvm_virt_delete(conn, "es", &err), 0);
}

static void
test_list(void **state)
{
	static const char *const uris[] = {TEST_URI, DEAD_URI};
	struct cvm_virt_host_list *l = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vmspec s;

	(void)state;
	spec(&s, "zz-last", CVM_PROT_NONE);
	assert_int_equal(cvm_virt_create(conn, &s, 0, &err), 0);
	spec(&s, "aa-first", CVM_PROT_NONE);
	assert_int_equal(cvm_virt_create(conn, &s, 0, &err), 0);

	assert_int_equal(cvm_virt_list(uris, 2, &l, &err), 0);
	assert_int_equal(l[0].code, 0);
	/* the test driver's own "test" domain, and ours, by name */
	assert_int_equal(l[0].ndoms, 3);
	assert_string_equal(l[0].doms[0].name, "aa-first");
	assert_string_equal(l[0].doms[1].name, "test");
	assert_string_equal(l[0].doms[2].name, "zz-last");
	assert_string_equal(l[0].doms[2].uri, TEST_URI);
	assert_false(l[0].doms[1].cvm);
	assert_int_equal(l[1].code, -ECONNREFUSED);
	assert_non_null(strstr(l[1].error, DEAD_URI));
	assert_int_equal(l[1].ndoms, 0);
	cvm_virt_host_list_free(l, 2);

	assert_int_equal(cvm_virt_list(uris + 1, 1, &l, &err), -ECONNREFUSED);
	assert_non_null(strstr(err.msg, "Connection refused"));
	cvm_virt_host_list_free(l, 1);
	assert_int_equal(cvm_virt_delete(conn, "zz-last", &err), 0);
	assert_int_equal(cvm_virt_delete(conn, "aa-first", &err), 0);
}

/* The test driver has no SEV: an answer, not an error. */
static void
test_node_sev(void **state)
{
	struct cvm_virt_sev_caps caps;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	memset(&caps, 0xff, sizeof(caps));
	assert_int_equal(cvm_virt_node_sev(conn, &caps, &err), 0);
	assert_false(caps.supported);
	assert_true(caps.why[0] != '\0');
}

static int
discard(void *opaque, const char *data, size_t len)
{
	(void)opaque;
	(void)data;
	(void)len;
	return 0;
}

/* A missing domain, and a driver without consoles: explained errors. */
static void
test_console_errors(void **state)
{
	struct cvm_virt_console_opts o = {
		.out = discard, .in_fd = -1, .escape = -1, .timeout_ms = 1000};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vmspec s;

	(void)state;
	assert_int_equal(cvm_virt_console(conn, "nosuch", &o, &err), -ENOENT);
	spec(&s, "con", CVM_PROT_NONE);
	assert_int_equal(cvm_virt_create(conn, &s, 0, &err), 0);
	assert_int_equal(cvm_virt_start(conn, "con", false, &err), 0);
	assert_true(cvm_virt_console(conn, "con", &o, &err) < 0);
	assert_non_null(strstr(err.msg, "open the console of 'con' on "
					"'test:///default': "));
	assert_int_equal(cvm_virt_delete(conn, "con", &err), 0);
}

static void
test_domcaps_parse(void **state)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_virt_sev_caps caps;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	/* captured from Debian 12's libvirt 9.0 on a host without SEV */
	assert_int_equal(
		cvm_file_read(DATA "/domcaps-9.0-kvm-nosev.xml", &b, 0, &err),
		0);
	assert_int_equal(cvm_virt_domcaps_parse(cvm_buf_str(&b), &caps, &err),
			 0);
	assert_false(caps.supported);
	assert_non_null(strstr(caps.why, "supported='no'"));
	cvm_buf_truncate(&b, 0);
	assert_int_equal(
		cvm_file_read(DATA "/domcaps-sev-host.xml", &b, 0, &err), 0);
	assert_int_equal(cvm_virt_domcaps_parse(cvm_buf_str(&b), &caps, &err),
			 0);
	assert_true(caps.supported);
	assert_int_equal(caps.cbitpos, 51);
	assert_int_equal(caps.reduced_phys_bits, 1);
	assert_int_equal(caps.max_guests, 509);
	assert_int_equal(caps.max_es_guests, 0);
	assert_int_equal(
		cvm_virt_domcaps_parse("<domainCapabilities>"
				       "<features/></domainCapabilities>",
				       &caps, &err),
		0);
	assert_false(caps.supported);
	assert_non_null(strstr(caps.why, "does not report SEV"));
	assert_int_equal(cvm_virt_domcaps_parse("<domainCapabilities><feat",
						&caps, &err),
			 -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "is not XML"));
}

static void
facts(const char *file, struct virt_domxml_facts *f)
{
	cleanup_free char *path = cvm_xasprintf("%s/%s", DATA, file);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;

	assert_int_equal(cvm_file_read(path, &b, 0, &err), 0);
	assert_int_equal(virt_domxml_facts(cvm_buf_str(&b), f, &err), 0);
}

static void
test_domxml_facts(void **state)
{
	struct virt_domxml_facts f;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	facts("sev-es-kernel-9.0.xml", &f);
	assert_int_equal(f.protection, CVM_PROT_SEV_ES);
	assert_int_equal(f.policy, 0x7);
	assert_true(f.kvm && f.cvm);
	facts("sev-disk-10.5.xml", &f);
	assert_int_equal(f.protection, CVM_PROT_SEV);
	facts("sev-snp-disk-10.5.xml", &f);
	assert_int_equal(f.protection, CVM_PROT_SEV_SNP);
	assert_int_equal(f.policy, 0x30000);
	facts("none-pvh-9.0.xml", &f);
	assert_int_equal(f.protection, CVM_PROT_NONE);
	assert_false(f.kvm);
	assert_true(f.cvm);
	assert_int_equal(virt_domxml_facts("<domain type='kvm'><metadata>"
					   "<x:y xmlns:x='urn:other'/>"
					   "</metadata></domain>",
					   &f, &err),
			 0);
	assert_false(f.cvm);
	assert_int_equal(virt_domxml_facts("", &f, &err), -CVM_E_PARSE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_delete_running),
		cmocka_unit_test(test_sev_facts),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_node_sev),
		cmocka_unit_test(test_console_errors),
		cmocka_unit_test(test_domcaps_parse),
		cmocka_unit_test(test_domxml_facts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
