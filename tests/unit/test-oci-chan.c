/* SPDX-License-Identifier: MIT */
/*
 * lib/oci: the control channel's frames (chan.c, shared with the guest
 * agent) and the signal names of `cvm-oci kill`.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "../../lib/oci/oci-proto.h"

/* Feed `n` bytes `step` at a time; collect up to `max` frames. */
static size_t
decode(const uint8_t *p, size_t n, size_t step, struct cvm_chan_frame *out,
       size_t max, struct cvm_chan_dec *d)
{
	size_t got_n = 0;

	cvm_chan_dec_init(d);
	for (size_t off = 0; off < n;) {
		size_t k = n - off < step ? n - off : step, used = 0;

		while (used < k) {
			bool got;

			used += cvm_chan_dec_feed(
				d, p + off + used, k - used,
				&out[got_n < max ? got_n : max - 1], &got);
			got_n += got;
		}
		off += k;
	}
	return got_n;
}

static void
test_round_trip(void **state)
{
	static uint8_t wire[3 * CVM_CHAN_MAX_FRAME];
	static struct cvm_chan_frame f[4];
	static uint8_t big[CVM_CHAN_MAX_PAYLOAD];
	struct cvm_chan_dec d;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	big[0] = CVM_CHAN_MAGIC; /* payload bytes that look like a header */
	n += cvm_chan_encode(wire + n, CVM_CHAN_STDOUT, "hello", 5);
	n += cvm_chan_encode(wire + n, CVM_CHAN_STDIN_EOF, NULL, 0);
	n += cvm_chan_encode(wire + n, CVM_CHAN_STDERR, big, sizeof(big));
	for (size_t step = 1; step <= n; step = step * 3 + 1) {
		assert_int_equal(decode(wire, n, step, f, 4, &d), 3);
		assert_int_equal(f[0].type, CVM_CHAN_STDOUT);
		assert_int_equal(f[0].len, 5);
		assert_memory_equal(f[0].data, "hello", 5);
		assert_int_equal(f[1].type, CVM_CHAN_STDIN_EOF);
		assert_int_equal(f[1].len, 0);
		assert_int_equal(f[2].len, sizeof(big));
		assert_memory_equal(f[2].data, big, sizeof(big));
		assert_int_equal(d.skipped, 0);
	}
}

/* Serial noise before the agent opens the line, and a bad header. */
static void
test_resync(void **state)
{
	static struct cvm_chan_frame f[2];
	uint8_t wire[64];
	struct cvm_chan_dec d;
	size_t n = 0;
	uint8_t u[4];

	(void)state;
	memcpy(wire, "\r\nnoise\xC5\x01", 9);
	n = 9;
	/* a magic byte with a header whose check fails */
	wire[n++] = CVM_CHAN_MAGIC;
	wire[n++] = CVM_CHAN_STDOUT;
	wire[n++] = 1;
	wire[n++] = 0;
	wire[n++] = 0x00; /* wrong check */
	cvm_chan_put_u32(u, CVM_CHAN_VERSION);
	n += cvm_chan_encode(wire + n, CVM_CHAN_HELLO, u, 4);
	for (size_t step = 1; step <= n; step++) {
		assert_int_equal(decode(wire, n, step, f, 2, &d), 1);
		assert_int_equal(f[0].type, CVM_CHAN_HELLO);
		assert_int_equal(cvm_chan_u32(f[0].data), CVM_CHAN_VERSION);
		assert_true(d.skipped >= 9);
	}
}

static void
test_length_limit(void **state)
{
	static struct cvm_chan_frame f[1];
	uint8_t wire[16] = {CVM_CHAN_MAGIC, CVM_CHAN_STDOUT, 0xff, 0xff};
	struct cvm_chan_dec d;

	(void)state;
	/* a valid check over a length beyond the maximum: not a header */
	wire[4] = (uint8_t)(0xFF ^ wire[0] ^ wire[1] ^ wire[2] ^ wire[3]);
	assert_int_equal(decode(wire, 5, 5, f, 1, &d), 0);
	assert_int_equal(d.have, 0);
}

static void
test_signals(void **state)
{
	static const struct {
		const char *text;
		int sig;
	} good[] = {{"TERM", SIGTERM},
		    {"SIGTERM", SIGTERM},
		    {"sigkill", SIGKILL},
		    {"9", SIGKILL},
		    {"15", SIGTERM},
		    {"hup", SIGHUP},
		    {"SIGWINCH", SIGWINCH},
		    {"USR1", SIGUSR1},
		    {"34", 34}};
	static const char *const bad[] = {"0",	"FOO", "SIGFOO", "65",
					  "-9", "",    "9x"};

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(good); i++) {
		int sig = 0;

		assert_int_equal(cvm_oci_signal_parse(good[i].text, &sig, NULL),
				 0);
		assert_int_equal(sig, good[i].sig);
	}
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++) {
		struct cvm_err err = CVM_ERR_INIT;
		int sig = 0;

		assert_int_equal(cvm_oci_signal_parse(bad[i], &sig, &err),
				 -EINVAL);
		assert_non_null(strstr(err.msg, "invalid signal"));
	}
	assert_string_equal(cvm_oci_signal_name(SIGTERM), "TERM");
	assert_string_equal(cvm_oci_signal_name(SIGKILL), "KILL");
	assert_null(cvm_oci_signal_name(0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_resync),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_signals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
