/* SPDX-License-Identifier: MIT */
/*
 * The CVM1 console parser, hard: the documented example fed in every
 * chunking, line ends CR/LF/CRLF, NULs and escape sequences at line
 * starts, over-long lines, every malformed kind, item limits, the
 * pass-through contract (text out = text in minus CVM1 lines), a
 * pseudo-random fuzz loop, the verdicts, the JSON form, and whole runs
 * with a fake "QEMU" (a shell script).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/util.h"

static const char example[] = "SeaBIOS (version 1.16.2)\r\n"
			      "Booting from ROM..\r\n"
			      "CVM1 info boot pvh\n"
			      "CVM1 info tsc_khz 2994370\n"
			      "CVM1 boot entry 0\n"
			      "CVM1 boot longmode 41210\n"
			      "CVM1 boot main 65330\n"
			      "ep: class S, 2^24 pairs\n"
			      "CVM1 boot workload_start 80112\n"
			      "CVM1 result ep S time 1.84 s yes\n"
			      "CVM1 result ep S mops 9.12 Mop/s yes\n"
			      "CVM1 boot workload_end 1840230511\n"
			      "CVM1 exit 0\n";
static const char example_text[] = "SeaBIOS (version 1.16.2)\r\n"
				   "Booting from ROM..\r\n"
				   "ep: class S, 2^24 pairs\n";

struct capture {
	struct cvm_buf text; /* non-CVM1 bytes */
	struct cvm_buf cvm1; /* CVM1 lines with their line ends */
};

static void
capture(void *opaque, const char *data, size_t len, bool cvm1)
{
	struct capture *c = opaque;

	assert_true(len > 0);
	cvm_buf_add(cvm1 ? &c->cvm1 : &c->text, data, len);
}

static void
capture_release(struct capture *c)
{
	cvm_buf_release(&c->text);
	cvm_buf_release(&c->cvm1);
}

static void
check_example(const struct cvm_guest_record *r)
{
	struct cvm_err err = CVM_ERR_INIT;

	assert_int_equal(r->ninfos, 2);
	assert_string_equal(cvm_guest_record_info(r, "boot"), "pvh");
	assert_string_equal(cvm_guest_record_info(r, "tsc_khz"), "2994370");
	assert_int_equal(r->nphases, 5);
	assert_int_equal(cvm_guest_record_phase(r, "longmode")->guest_ns,
			 41210);
	assert_true(cvm_guest_record_phase(r, "workload_end")->guest_ns ==
		    1840230511ull);
	assert_null(cvm_guest_record_phase(r, "init"));
	assert_int_equal(r->nresults, 2);
	assert_string_equal(r->results[1].metric, "mops");
	assert_true(r->results[1].value == 9.12);
	assert_string_equal(r->results[1].unit, "Mop/s");
	assert_int_equal(r->results[1].cls, 'S');
	assert_int_equal(r->results[1].verified, CVM_VERIFIED_YES);
	assert_true(r->has_exit);
	assert_int_equal(r->exit_status, 0);
	assert_int_equal(r->nlines, 10);
	assert_int_equal(r->nmalformed, 0);
	assert_int_equal(r->console_bytes, strlen(example));
	assert_int_equal(cvm_guest_record_verdict(r, &err), 0);
}

/* Feed `s` in chunks of `step` bytes (chunk i at host time i). */
static void
feed_chunked(struct cvm_guestio *p, const char *s, size_t len, size_t step)
{
	for (size_t off = 0, i = 0; off < len; off += step, i++)
		cvm_guestio_feed(p, s + off,
				 off + step > len ? len - off : step, i);
}

static void
test_example_every_chunking(void **state)
{
	(void)state;
	for (size_t step = 1; step <= sizeof(example); step++) {
		struct capture c = {CVM_BUF_INIT, CVM_BUF_INIT};
		cleanup_guestio struct cvm_guestio *p =
			cvm_guestio_new(capture, &c);

		feed_chunked(p, example, strlen(example), step);
		cvm_guestio_finish(p, 1000);
		check_example(cvm_guestio_record(p));
		assert_string_equal(cvm_buf_str(&c.text), example_text);
		assert_int_equal(c.text.len + c.cvm1.len, strlen(example));
		capture_release(&c);
	}
}

static void
test_host_times(void **state)
{
	cleanup_guestio struct cvm_guestio *p = cvm_guestio_new(NULL, NULL);
	const struct cvm_guest_record *r = cvm_guestio_record(p);

	(void)state;
	cvm_guestio_feed(p, "boot\nCVM1 boot ma", 17, 100);
	assert_true(r->has_output);
	assert_int_equal(r->first_byte_ns, 100);
	cvm_guestio_feed(p, "in 5\r", 5, 200);
	cvm_guestio_feed(p, "\nCVM1 exit 0", 12, 300);
	assert_false(r->has_exit); /* no line end yet */
	cvm_guestio_finish(p, 400);
	assert_int_equal(r->phases[0].host_ns, 200);
	assert_int_equal(r->phases[0].guest_ns, 5);
	assert_true(r->has_exit);
	assert_int_equal(r->exit_host_ns, 400);
	assert_int_equal(r->first_byte_ns, 100);
}

static void
test_line_ends_and_junk(void **state)
{
	/* CR-only, CRLF, NULs and ANSI sequences before the tag (OVMF clears
	 * the screen with "ESC[2J ESC[01;01H ESC[=3h"), a tag that is not at
	 * the line start, a partial tag, an empty line */
	static const char in[] = "\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2J"
				 "CVM1 info a 1\r"
				 "CVM1 info b 2\r\n"
				 "\0\0CVM1 info c 3\n"
				 "\x1b"
				 "cCVM1 info d 4\n"
				 "x CVM1 info e 5\n"
				 "CVM info f 6\n"
				 "CVM1info g 7\n"
				 "\n\r\n"
				 "\x1b[1mCVM1 exit 0\n";
	struct capture c = {CVM_BUF_INIT, CVM_BUF_INIT};
	cleanup_guestio struct cvm_guestio *p = cvm_guestio_new(capture, &c);
	const struct cvm_guest_record *r = cvm_guestio_record(p);

	(void)state;
	cvm_guestio_feed(p, in, sizeof(in) - 1, 1);
	cvm_guestio_finish(p, 2);
	assert_int_equal(r->ninfos, 4);
	assert_string_equal(cvm_guest_record_info(r, "a"), "1");
	assert_string_equal(cvm_guest_record_info(r, "b"), "2");
	assert_string_equal(cvm_guest_record_info(r, "c"), "3");
	assert_string_equal(cvm_guest_record_info(r, "d"), "4");
	assert_null(cvm_guest_record_info(r, "e"));
	assert_true(r->has_exit);
	assert_int_equal(r->nmalformed, 0);
	/* the CRLF's LF went with its CVM1 line; the junk came through */
	assert_string_equal(cvm_buf_str(&c.cvm1),
			    "CVM1 info a 1\rCVM1 info b 2\r\nCVM1 info c 3\n"
			    "CVM1 info d 4\nCVM1 exit 0\n");
	assert_int_equal(c.text.len + c.cvm1.len, sizeof(in) - 1);
	assert_memory_equal(c.text.data,
			    "\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2J\0\0", 23);
	assert_non_null(
		memmem(c.text.data, c.text.len, "x CVM1 info e 5\n", 16));
	capture_release(&c);
}

static void
test_malformed_lines(void **state)
{
	static const char *const bad[] = {
		"CVM1 ",
		"CVM1 nosuch a b",
		"CVM1 boot main",
		"CVM1 boot main -5",
		"CVM1 boot main 5 6",
		"CVM1 boot main 99999999999999999999",
		"CVM1 info key",
		"CVM1 info key a b",
		"CVM1 result ep S time 1.84 s",
		"CVM1 result ep X time 1.84 s yes",
		"CVM1 result ep SS time 1.84 s yes",
		"CVM1 result ep S time 1.84x s yes",
		"CVM1 result ep S time nan s yes",
		"CVM1 result ep S time inf s yes",
		"CVM1 result ep S time 1e999 s yes",
		"CVM1 result ep S time 1.84 s maybe",
		"CVM1 report 00",
		"CVM1 fault 0xe 0x2 0x1000",
		"CVM1 fault 0xe 0x2 0x1000 zz",
		"CVM1 fault 0xe 0x2 0x1000 0x12345678901234567",
		"CVM1 exit",
		"CVM1 exit -1",
		"CVM1 exit 1 2",
		"CVM1 exit 4294967296",
		"CVM1 a b c d e f g h i j",
		"CVM1 info \x7f 1",
		"not a tag",
	};
	struct cvm_guest_record r = {0};
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++) {
		cvm_err_clear(&err);
		if (cvm_guestio_parse_line(&r, bad[i], 0, &err) != -CVM_E_PARSE)
			fail_msg("accepted '%s'", bad[i]);
		assert_true(err.msg[0]);
	}
	assert_int_equal(r.nlines + r.ninfos + r.nphases + r.nresults, 0);
	assert_false(r.has_exit || r.has_fault || r.report_hex);
	/* fields may be separated by several blanks; hex with or without 0x */
	assert_int_equal(cvm_guestio_parse_line(
				 &r, "CVM1  fault  e 0X2\t1000 0", 0, &err),
			 0);
	assert_int_equal(r.fault.vector, 14);
	assert_int_equal(r.fault.error, 2);
	assert_int_equal(r.fault.rip, 0x1000);
	assert_int_equal(cvm_guestio_parse_line(&r, "CVM1 exit 4", 0, &err), 0);
	assert_int_equal(cvm_guestio_parse_line(&r, "CVM1 exit 0", 0, &err),
			 -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "second"));
	assert_int_equal(r.exit_status, 4);
	cvm_guest_record_release(&r);
}

static void
test_malformed_in_stream(void **state)
{
	static const char tail[] =
		"\nCVM1 info b\0 2\nCVM1 bogus\nCVM1 exit 0\n";
	struct cvm_buf in = CVM_BUF_INIT;
	cleanup_guestio struct cvm_guestio *p = cvm_guestio_new(NULL, NULL);
	const struct cvm_guest_record *r = cvm_guestio_record(p);
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	cvm_buf_adds(&in, "CVM1 info a 1\nCVM1 result x S m 1 u yes\n");
	cvm_buf_adds(&in, "CVM1 ");
	for (int i = 0; i < 5000; i++) /* longer than the line limit */
		cvm_buf_addch(&in, 'x');
	cvm_buf_add(&in, tail, sizeof(tail) - 1);
	cvm_guestio_feed(p, in.data, in.len, 0);
	cvm_guestio_feed(p, "CVM1 info late 1\n", 17, 0);
	cvm_guestio_finish(p, 0);
	assert_int_equal(r->nlines, 7);
	assert_int_equal(r->nmalformed, 3);
	assert_string_equal(r->malformed, "CVM1 line longer than 4096 bytes");
	assert_int_equal(r->after_exit, 1);
	assert_int_equal(cvm_guest_record_verdict(r, &err), -CVM_E_PARSE);
	assert_non_null(strstr(err.msg, "3 malformed CVM1 lines"));
	cvm_buf_release(&in);
	(void)r;
}

static void
test_nul_inside_line(void **state)
{
	static const char in[] = "CVM1 info b\0x 2\nCVM1 exit 0";
	cleanup_guestio struct cvm_guestio *p = cvm_guestio_new(NULL, NULL);
	const struct cvm_guest_record *r = cvm_guestio_record(p);

	(void)state;
	cvm_guestio_feed(p, in, sizeof(in) - 1, 0);
	cvm_guestio_finish(p, 0);
	assert_int_equal(r->nmalformed, 1);
	assert_string_equal(r->malformed, "NUL byte in a CVM1 line");
	assert_int_equal(r->ninfos, 0);
	assert_true(r->has_exit);
}

static void
test_report_and_limits(void **state)
{
	struct cvm_buf line = CVM_BUF_INIT;
	cleanup_guestio struct cvm_guestio *p = cvm_guestio_new(NULL, NULL);
	const struct cvm_guest_record *r = cvm_guestio_record(p);

	(void)state;
	cvm_buf_adds(&line, "CVM1 report ");
	for (int i = 0; i < 2 * CVM_GUESTIO_REPORT_BYTES; i++)
		cvm_buf_addch(&line, "0123456789ABCDEF"[i % 16]);
	cvm_buf_addch(&line, '\n');
	cvm_guestio_feed(p, line.data, line.len, 0);
	assert_non_null(r->report_hex);
	assert_int_equal(strlen(r->report_hex), 2 * CVM_GUESTIO_REPORT_BYTES);
	assert_memory_equal(r->report_hex, "0123456789abcdef", 16);
	for (int i = 0; i < CVM_GUESTIO_MAX_ITEMS + 10; i++)
		cvm_guestio_feed(p, "CVM1 boot x 1\n", 14, 0);
	assert_int_equal(r->nphases, CVM_GUESTIO_MAX_ITEMS);
	assert_int_equal(r->dropped, 10);
	assert_int_equal(r->nmalformed, 0);
	cvm_buf_release(&line);
}

/* xorshift64: a fixed sequence, so a failure repeats */
static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
test_fuzz(void **state)
{
	static const char *const frags[] = {
		"CVM1 ",
		"CVM1 exit 0\n",
		"CVM1 result ep S time 1 s yes\r\n",
		"CVM1 boot main 5\r",
		"\x1b[",
		"\0",
		"\n",
		"\r",
		"CV",
		"M1",
		" ",
		"info",
		"fault 0 0 0 0",
		"\xff\xfe",
		"report ",
		"0a",
	};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	char buf[512];

	(void)state;
	for (int iter = 0; iter < 3000; iter++) {
		struct capture c = {CVM_BUF_INIT, CVM_BUF_INIT};
		cleanup_guestio struct cvm_guestio *p =
			cvm_guestio_new(capture, &c);
		const struct cvm_guest_record *r = cvm_guestio_record(p);
		size_t len = 0, total = 0;
		struct cvm_err err = CVM_ERR_INIT;

		while (len < sizeof(buf) - 40) {
			uint64_t x = next_rand(&seed);
			const char *f = frags[x % CVM_ARRAY_SIZE(frags)];
			size_t n = strlen(f) ? strlen(f) : 1;

			if ((x >> 8) % 3 == 0) { /* a random byte */
				buf[len++] = (char)(x >> 16);
				continue;
			}
			memcpy(buf + len, f, n);
			len += n;
		}
		for (size_t off = 0; off < len;) {
			size_t n = 1 + next_rand(&seed) % 64;

			if (off + n > len)
				n = len - off;
			cvm_guestio_feed(p, buf + off, n, off);
			off += n;
			total += n;
		}
		cvm_guestio_finish(p, len);
		assert_int_equal(r->console_bytes, total);
		assert_true(r->nmalformed <= r->nlines);
		/* nothing is lost or invented: text + CVM1 = input, except
		 * an over-long CVM1 line (impossible here) */
		assert_int_equal(c.text.len + c.cvm1.len, len);
		(void)cvm_guest_record_verdict(r, &err);
		json_object_put(cvm_guest_record_json(r));
		capture_release(&c);
	}
}

static void
test_verdicts(void **state)
{
	static const struct {
		const char *in;
		int code;
		const char *needle;
	} cases[] = {
		{"CVM1 result a S m 1 u yes\nCVM1 result a S t 2 s na\n"
		 "CVM1 exit 0\n",
		 0, ""},
		{"CVM1 fault 0xe 0x2 0xffff800000101234 0x0\nCVM1 exit 4\n",
		 -CVM_E_CHILD,
		 "vector 14 (page fault), error 0x2, rip "
		 "0xffff800000101234, cr2 0x0"},
		{"CVM1 result ep S mops 9.1 Mop/s no\nCVM1 exit 1\n",
		 -CVM_E_INVALID, "'ep S mops' = 9.1 Mop/s was not verified"},
		{"CVM1 info a b\n", -CVM_E_CHILD, "without a CVM1 exit line"},
		{"CVM1 exit 3\n", -CVM_E_CHILD, "status 3 (too little memory"},
		{"CVM1 exit 2\n", -CVM_E_CHILD, "unknown workload"},
		{"CVM1 exit 0\nCVM1 info a b\n", -CVM_E_PARSE,
		 "1 CVM1 line after the exit line"},
	};
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(cases); i++) {
		cleanup_guestio struct cvm_guestio *p =
			cvm_guestio_new(NULL, NULL);

		cvm_guestio_feed(p, cases[i].in, strlen(cases[i].in), 0);
		cvm_guestio_finish(p, 0);
		cvm_err_clear(&err);
		assert_int_equal(
			cvm_guest_record_verdict(cvm_guestio_record(p), &err),
			cases[i].code);
		if (!strstr(err.msg, cases[i].needle))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg,
				 cases[i].needle);
	}
}

static void
test_json(void **state)
{
	static const char in[] = "CVM1 info boot efi\nCVM1 boot main 7\n"
				 "CVM1 result ep S time 1.840 s yes\n"
				 "CVM1 result ep S x .5 u na\n"
				 "CVM1 fault 0xd 0 0x10 0\nCVM1 exit 4\n";
	cleanup_guestio struct cvm_guestio *p = cvm_guestio_new(NULL, NULL);
	struct json_object *o, *back;
	const char *s;

	(void)state;
	cvm_guestio_feed(p, in, sizeof(in) - 1, 42);
	o = cvm_guest_record_json(cvm_guestio_record(p));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	assert_non_null(strstr(s, "\"infos\":{\"boot\":\"efi\"}"));
	assert_non_null(strstr(s, "{\"name\":\"main\",\"guest_ns\":7,"
				  "\"host_ns\":42}"));
	/* the guest's digits are kept; ".5" is no JSON number: re-printed */
	assert_non_null(strstr(s, "\"value\":1.840,"));
	assert_non_null(strstr(s, "\"value\":0.5,"));
	assert_non_null(strstr(s, "\"fault\":{\"vector\":13,\"name\":\"general "
				  "protection\",\"error\":\"0x0\",\"rip\":"
				  "\"0x10\",\"cr2\":\"0x0\"}"));
	assert_non_null(strstr(s, "\"exit_status\":4"));
	assert_non_null(strstr(s, "\"report\":null"));
	back = json_tokener_parse(s);
	assert_non_null(back);
	json_object_put(back);
	json_object_put(o);
	assert_string_equal(cvm_x86_vector_name(29), "VMM communication (#VC)");
	assert_string_equal(cvm_x86_vector_name(9), "exception");
	assert_string_equal(cvm_x86_vector_name(1000), "exception");
}

/* cvm_workloads lists every workload of workloads/wl.c */
static void
test_workload_table(void **state)
{
	cleanup_buf struct cvm_buf wl = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	const char *p;
	size_t found = 0;

	(void)state;
	assert_non_null(cvm_workload_find("ep"));
	assert_string_equal(cvm_workload_find("hello")->classes, "-");
	assert_true(cvm_workload_find("hang")->test_only);
	assert_null(cvm_workload_find("EP"));
	assert_null(cvm_workload_find(""));
	if (cvm_file_read(CVM_SRC_DIR "/workloads/wl.c", &wl, 0, &err) < 0)
		skip();
	/* "&wl_hello, &wl_stream, ..." in the table */
	for (p = strstr(cvm_buf_str(&wl), "&wl_"); p;
	     p = strstr(p + 1, "&wl_")) {
		char name[32];

		if (sscanf(p, "&wl_%31[a-z0-9_]", name) == 1) {
			if (!cvm_workload_find(name))
				fail_msg("workloads/wl.c has '%s'", name);
			found++;
		}
	}
	assert_true(found >= 7);
}

/* A fake QEMU: `sh -c SCRIPT` printing on stdout and stderr. */
static void
run_fake(const char *script, int timeout_ms, struct cvm_guest_run *out)
{
	const char *argv[] = {"sh", "-c", script, NULL};
	struct cvm_guest_run_opts o = {argv, timeout_ms, true,
				       NULL, NULL,	 NULL};
	struct cvm_err err = CVM_ERR_INIT;

	assert_int_equal(cvm_guest_run(&o, out, &err), 0);
}

static void
test_runs(void **state)
{
	struct cvm_guest_run r;
	struct cvm_err err = CVM_ERR_INIT;
	const char *argv[] = {"/nonexistent/qemu", NULL};
	struct cvm_guest_run_opts o = {argv, 1000, true, NULL, NULL, NULL};

	(void)state;
	/* a good guest; QEMU's isa-debug-exit status (0 << 1) | 1 */
	run_fake("printf 'hi\\nCVM1 boot main 5\\nCVM1 exit 0\\n'; exit 1",
		 10000, &r);
	assert_int_equal(r.qemu_status, 1);
	assert_int_equal(cvm_guest_run_verdict(&r, true, &err), 0);
	assert_true(r.rec.has_output);
	assert_true(r.rec.first_byte_ns <= r.rec.phases[0].host_ns);
	assert_true(r.rec.exit_host_ns <= r.end_ns);
	assert_string_equal(cvm_buf_str(&r.console_tail), "hi\n");
	cvm_guest_run_release(&r);
	/* the guest said exit 0 but QEMU died of SIGABRT */
	run_fake("echo 'CVM1 exit 0'; echo 'oops' >&2; kill -ABRT $$", 10000,
		 &r);
	assert_int_equal(cvm_guest_run_verdict(&r, true, &err), -CVM_E_CHILD);
	assert_non_null(strstr(err.msg, "QEMU status 134"));
	cvm_guest_run_release(&r);
	/* QEMU refuses to start: one explained line */
	run_fake("echo \"qemu-system-x86_64: -accel kvm: sev_kvm_init: Failed "
		 "to open /dev/sev 'No such file or directory'\" >&2; exit 1",
		 10000, &r);
	assert_int_equal(cvm_guest_run_verdict(&r, true, &err), -CVM_E_CHILD);
	assert_non_null(strstr(err.msg, "QEMU failed (QEMU status 1): -accel "
					"kvm: sev_kvm_init: Failed to open"));
	assert_non_null(strstr(err.msg, "load ccp"));
	cvm_guest_run_release(&r);
	/* QEMU aborts after an error it printed (KVM MSR assertion): the
	 * error and its explanation, not "killed by signal" */
	run_fake("echo 'qemu-system-x86_64: error: failed to set MSR 0x10a "
		 "to 0x69' >&2; kill -ABRT $$",
		 10000, &r);
	assert_int_equal(cvm_guest_run_verdict(&r, true, &err), -CVM_E_CHILD);
	assert_non_null(strstr(err.msg, "QEMU failed (QEMU status 134): error: "
					"failed to set MSR 0x10a to 0x69: "));
	assert_non_null(strstr(err.msg, "PVM-based KVM"));
	cvm_guest_run_release(&r);
	/* killed from outside with nothing explained: said so */
	run_fake("echo 'CVM1 boot main 1'; kill -KILL $$", 10000, &r);
	assert_int_equal(cvm_guest_run_verdict(&r, true, &err), -CVM_E_CHILD);
	assert_non_null(strstr(err.msg, "killed by signal 9"));
	cvm_guest_run_release(&r);
	/* a hung guest is stopped */
	run_fake("echo 'CVM1 boot main 1'; exec sleep 30", 300, &r);
	assert_true(r.timed_out);
	assert_int_equal(cvm_guest_run_verdict(&r, true, &err), -CVM_E_TIMEOUT);
	assert_non_null(strstr(err.msg, "within 1 s"));
	assert_true(r.end_ns < 10000000000ull);
	cvm_guest_run_release(&r);
	/* nothing at all */
	run_fake("exit 0", 10000, &r);
	assert_int_equal(cvm_guest_run_verdict(&r, true, &err), -CVM_E_CHILD);
	assert_non_null(strstr(err.msg, "reported nothing"));
	assert_non_null(strstr(err.msg, "no error message"));
	assert_null(strstr(err.msg, "last line"));
	cvm_guest_run_release(&r);
	/* a guest kernel that panics before its init: its last line */
	run_fake("printf '[ 0.1] Linux version 6.1\\r\\n[ 1.2] Kernel panic "
		 "- not syncing: IO-APIC + timer\\033 bad\\r\\n\\n'; exit 0",
		 10000, &r);
	assert_int_equal(cvm_guest_run_verdict(&r, true, &err), -CVM_E_CHILD);
	assert_non_null(strstr(err.msg, "reported nothing (QEMU status 0): no "
					"error message; the console's last "
					"line: '[ 1.2] Kernel panic - not "
					"syncing: IO-APIC + timer? bad'"));
	cvm_guest_run_release(&r);
	assert_int_equal(cvm_guest_run(&o, &r, &err), -ENOENT);
	cvm_guest_run_release(&r);
}

/* A stop request (a signal handler's flag) ends the run at once. */
static void
test_run_stop(void **state)
{
	static volatile sig_atomic_t stop = 1;
	const char *argv[] = {"sleep", "30", NULL};
	struct cvm_guest_run_opts o = {argv, 20000, true, NULL, NULL, &stop};
	struct cvm_guest_run r;
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(cvm_guest_run(&o, &r, &err), 0);
	assert_true(r.stopped);
	assert_false(r.timed_out);
	assert_true(r.end_ns < 5000000000ull);
	assert_int_equal(cvm_guest_run_verdict(&r, true, &err), -EINTR);
	assert_non_null(strstr(err.msg, "interrupted"));
	cvm_guest_run_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_every_chunking),
		cmocka_unit_test(test_host_times),
		cmocka_unit_test(test_line_ends_and_junk),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_malformed_in_stream),
		cmocka_unit_test(test_nul_inside_line),
		cmocka_unit_test(test_report_and_limits),
		cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_workload_table),
		cmocka_unit_test(test_runs),
		cmocka_unit_test(test_run_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
