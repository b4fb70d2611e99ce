/* SPDX-License-Identifier: MIT */
/*
 * Crash regressions: every input the libFuzzer harnesses of tests/fuzz/
 * found that broke a promise, embedded byte for byte, with the promise
 * it broke (docs/security.md, "Fuzzing").  These run in the ordinary
 * unit suite (gcc, and clang with ASan/UBSan in `make check`), so a fix
 * stays fixed without a fuzzing build.
 *
 * 1. Error messages spanned lines: cvm_err_set() quoted input with a
 *    newline in it (policy text, hex, a QEMU version banner, a cpio
 *    name), so `cvm: error: ...` became two lines and a hostile input
 *    could forge the second.  Fixed centrally in lib/core/err.c.
 * 2. The QMP client quoted a malformed reply with "%.60s" of a buffer
 *    that is not cut at the line's end, so the message showed the next
 *    replies too.  Fixed in lib/qemu/qmp.c.
 * 3. `cvm host check --facts` put a replayed sysfs value with a newline
 *    into a check's message, so the tree printed a forged line (fuzz-
 *    host-facts crash-33371915).  Fixed in lib/host/check.c.
 * 4. The domain XML writer left a tab in an attribute value as it was;
 *    XML parsers (libvirt's too) read it back as a space (XML 1.0
 *    §3.3.3), so a path with a tab named another file (fuzz-virt).
 *    Fixed in lib/virt/xmlw.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/err.h"
#include "cvm/host.h"
#include "cvm/linuxguest.h"
#include "cvm/policy.h"
#include "cvm/qemu.h"
#include "cvm/qmp.h"
#include "cvm/util.h"

#include "../../lib/virt/virt-priv.h"

static void
assert_one_line(const struct cvm_err *err)
{
	for (const char *p = err->msg; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			fail_msg("control byte 0x%02x in '%s'",
				 (unsigned char)*p, err->msg);
	assert_true(err->msg[0] != '\0');
}

/* fuzz-policy crash-62f9aad5: f22f39ffffffffffffff0a36363038 */
static void
test_policy_newline(void **state)
{
	static const char input[] = "\x2f\x39\xff\xff\xff\xff\xff\xff\xff\xff"
				    "\x0a\x36\x36\x30\x38";
	struct cvm_err err = CVM_ERR_INIT;
	uint64_t v;

	(void)state;
	assert_int_equal(cvm_policy_parse(input, CVM_POLICY_SEV, &v, &err),
			 -CVM_E_USAGE);
	assert_one_line(&err);
	/* the input is still recognisable, with '?' for the newline */
	assert_non_null(strstr(err.msg, "?6608"));
}

/* fuzz-text crash-539ac852: 3d0a003d3d3d3d (selector '=', "\n") */
static void
test_hex_newline(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	uint8_t out[64];
	size_t n;

	(void)state;
	assert_true(cvm_hex_decode_var("\n", out, sizeof(out), &n, &err) < 0);
	assert_one_line(&err);
	cvm_err_clear(&err);
	assert_true(cvm_hex_decode("ab\ncd", out, 2, &err) < 0);
	assert_one_line(&err);
}

/* fuzz-qemu-text crash-bda55734: the whole `qemu --version` banner */
static void
test_qemu_preset_banner(void **state)
{
	static const char banner[] =
		"QEMU emulator version 7.2.22 (Debian "
		"1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022 Fabrice "
		"Bellard and the QEMU Project developers\n";
	struct cvm_qemu_caps caps;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_qemu_caps_preset(banner, &caps, &err),
			 -CVM_E_USAGE);
	assert_one_line(&err);
}

/* fuzz-cpio crash-cfb46302: 01a4012f0a0001b40100 (a file named "/\n") */
static void
test_cpio_name_newline(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_cpio c;
	int fd = memfd_create("regress", MFD_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	cvm_cpio_init(&c, fd);
	assert_int_equal(cvm_cpio_add_file(&c, "/\n", 0644, "", 0, &err),
			 -EINVAL);
	assert_one_line(&err);
	close(fd);
}

/* The prefix path of the same rule: context added later is one line. */
static void
test_prefix_newline(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	cvm_err_set(&err, -EINVAL, "inner");
	cvm_err_prefix(&err, "file '%s'", "a\nb\x1b[31m");
	assert_one_line(&err);
	assert_string_equal(err.msg, "file 'a?b?[31m': inner");
}

/*
 * fuzz-qmp crash-562c9b32: a greeting, the capabilities reply, then
 * "[1, 2]" (not an object) and another reply.  The message must quote
 * only the bad line.
 */
static void
test_qmp_malformed_quotes_one_line(void **state)
{
	static const char server[] =
		"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": "
		"2, \"major\": 7}}, \"capabilities\": [\"oob\"]}}\r\n"
		"{\"return\": {}, \"id\": \"cvm-1\"}\r\n"
		"[1, 2]\n"
		"{\"return\": {\"status\": \"running\"}, \"id\": "
		"\"cvm-2\"}\r\n";
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_qmp *q = NULL;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], server, sizeof(server) - 1),
			 (ssize_t)sizeof(server) - 1);
	shutdown(sv[1], SHUT_WR);
	assert_int_equal(cvm_qmp_open_fd(sv[0], 2000, &q, &err), 0);
	assert_int_equal(cvm_qmp_execute(q, "query-status", NULL, NULL, &err),
			 -CVM_E_PARSE);
	assert_one_line(&err);
	assert_string_equal(err.msg, "qmp 'query-status': qmp: malformed "
				     "message '[1, 2]'");
	cvm_qmp_close(q);
	close(sv[1]);
}

static void
test_host_facts_value_newline(void **state)
{
	static const char from[] = "\"/sys/module/kvm_amd/parameters/sev_snp\""
				   ": \"Y\\n\"";
	static const char to[] = "\"/sys/module/kvm_amd/parameters/sev_snp\""
				 ": \"N\\nkvm.snp: ok forged\"";
	struct cvm_buf doc = CVM_BUF_INIT, text = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_host_facts *f = NULL;
	struct cvm_host_report *rep = NULL;
	struct cvm_host_opts opts = {.skip_libvirt = true};
	struct cvm_host_source src;
	const struct cvm_host_check *c;
	const char *at;

	(void)state;
	assert_int_equal(cvm_file_read(CVM_TEST_DATA
				       "/host/genoa-snp-ready.json",
				       &doc, 0, &err),
			 0);
	at = strstr(cvm_buf_str(&doc), from);
	assert_non_null(at);
	cvm_buf_add(&text, doc.data, (size_t)(at - doc.data));
	cvm_buf_adds(&text, to);
	cvm_buf_adds(&text, at + strlen(from));
	assert_int_equal(
		cvm_host_facts_parse(cvm_buf_str(&text), "regress", &f, &err),
		0);
	src = cvm_host_source_facts(f);
	assert_int_equal(cvm_host_check(&src, &opts, &rep, &err), 0);
	c = cvm_host_report_find(rep, "kvm.snp");
	assert_non_null(c);
	assert_int_equal(c->status, CVM_CHECK_FAIL);
	assert_null(strchr(c->message, '\n'));
	assert_null(strchr(c->evidence, '\n'));
	assert_non_null(strstr(c->message, "'N?kvm.snp: ok forged'"));
	cvm_host_report_free(rep);
	cvm_host_facts_free(f);
	cvm_buf_release(&doc);
	cvm_buf_release(&text);
}

/* fuzz-virt: the attribute "ca\u04e9\t" came back as "ca\u04e9 " */
static void
test_xml_attr_tab(void **state)
{
	struct cvm_buf out = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct xmlw w;

	(void)state;
	xmlw_init(&w, &out);
	xmlw_open(&w, "disk");
	xmlw_attr(&w, "file", "/vm/a\tb.img");
	xmlw_leaf(&w, "title", "x\ty");
	xmlw_close(&w);
	assert_int_equal(xmlw_finish(&w, &err), 0);
	assert_non_null(strstr(cvm_buf_str(&out), "file='/vm/a&#9;b.img'"));
	assert_non_null(strstr(cvm_buf_str(&out), "<title>x\ty</title>"));
	cvm_buf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_newline),
		cmocka_unit_test(test_hex_newline),
		cmocka_unit_test(test_qemu_preset_banner),
		cmocka_unit_test(test_cpio_name_newline),
		cmocka_unit_test(test_prefix_newline),
		cmocka_unit_test(test_qmp_malformed_quotes_one_line),
		cmocka_unit_test(test_host_facts_value_newline),
		cmocka_unit_test(test_xml_attr_tab),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
