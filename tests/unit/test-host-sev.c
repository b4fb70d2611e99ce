/* SPDX-License-Identifier: MIT */
/*
 * lib/host's byte-level pieces: decoding the /dev/sev status buffers
 * (canned bytes, as the kernel returns them), TCB versions, firmware
 * status and errno names, and the small version/word parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/host/host-priv.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"

static void
test_sev_status_decode(void **state)
{
	/* api 1.55, state INIT, flags CONFIG_ES (packed u32 at offset 3),
	 * build 28, 2 guests */
	static const uint8_t raw[12] = {0x01, 0x37, 0x01, 0x00, 0x01, 0x00,
					0x00, 0x1c, 0x02, 0x00, 0x00, 0x00};
	struct cvm_sev_platform_status st;

	(void)state;
	assert_int_equal(cvm_sev_platform_status_decode(raw, sizeof(raw), &st),
			 0);
	assert_int_equal(st.api_major, 1);
	assert_int_equal(st.api_minor, 55);
	assert_int_equal(st.state, 1);
	assert_int_equal(st.flags, CVM_SEV_FLAG_CONFIG_ES);
	assert_int_equal(st.build, 28);
	assert_int_equal(st.guest_count, 2);
	assert_int_equal(cvm_sev_platform_status_decode(raw, 11, &st), -EINVAL);
}

static void
test_snp_status_decode(void **state)
{
	uint8_t raw[32] = {
		0x01, 0x37, 0x01, 0x03,	 /* api, state, RMP+alias */
		0x28, 0x00, 0x00, 0x00,	 /* build 40 */
		0x30, 0x00, 0x00, 0x00,	 /* ciphertext hiding cap/en */
		0x05, 0x00, 0x00, 0x00}; /* 5 guests */
	struct cvm_snp_platform_status st;

	(void)state;
	cvm_put_le64(raw + 16, 0x4817000000000007ull);
	cvm_put_le64(raw + 24, 0x4816000000000007ull);
	assert_int_equal(cvm_snp_platform_status_decode(raw, sizeof(raw), &st),
			 0);
	assert_int_equal(st.api_minor, 55);
	assert_int_equal(st.state, 1);
	assert_true(st.status_flags & CVM_SNP_STATUS_RMP_INIT);
	assert_true(st.status_flags & CVM_SNP_STATUS_ALIAS_CHECK);
	assert_int_equal(st.build_id, 40);
	assert_int_equal(st.feature_flags, 0x30);
	assert_int_equal(st.guest_count, 5);
	assert_true(st.current_tcb == 0x4817000000000007ull);
	assert_true(st.reported_tcb == 0x4816000000000007ull);
	assert_int_equal(cvm_snp_platform_status_decode(raw, 31, &st), -EINVAL);
}

static void
test_tcb(void **state)
{
	struct cvm_tcb t;

	(void)state;
	/* Milan/Genoa: bl byte 0, tee 1, snp 6, microcode 7 */
	cvm_tcb_decode(0x4817000000000007ull, 0x19, &t);
	assert_false(t.has_fmc);
	assert_int_equal(t.boot_loader, 7);
	assert_int_equal(t.tee, 0);
	assert_int_equal(t.snp, 0x17);
	assert_int_equal(t.microcode, 0x48);
	/* Turin: fmc 0, bl 1, tee 2, snp 3, microcode 7 */
	cvm_tcb_decode(0x4400000018000103ull, 0x1A, &t);
	assert_true(t.has_fmc);
	assert_int_equal(t.fmc, 3);
	assert_int_equal(t.boot_loader, 1);
	assert_int_equal(t.tee, 0);
	assert_int_equal(t.snp, 0x18);
	assert_int_equal(t.microcode, 0x44);
}

static void
test_names(void **state)
{
	static const int codes[] = {ENOENT, EACCES, EPERM, ENOTTY,  EINVAL,
				    EIO,    ENODEV, ENXIO, ENODATA, EOPNOTSUPP};
	char buf[32];
	int e;

	(void)state;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(codes); i++) {
		const char *n = host_errno_name(codes[i], buf, sizeof(buf));

		assert_int_equal(host_errno_parse(n, &e), 0);
		assert_int_equal(e, codes[i]);
	}
	assert_string_equal(host_errno_name(ENOENT, buf, sizeof(buf)),
			    "ENOENT");
	assert_string_equal(host_errno_name(4000, buf, sizeof(buf)),
			    "errno 4000");
	assert_int_equal(host_errno_parse("errno 4000", &e), 0);
	assert_int_equal(e, 4000);
	assert_int_equal(host_errno_parse("ENOSUCH", &e), -EINVAL);
	assert_int_equal(host_errno_parse("errno x", &e), -EINVAL);
	assert_int_equal(host_errno_parse("errno 0", &e), -EINVAL);
	assert_string_equal(host_fw_status_name(0x13), "HWSEV_RET_PLATFORM");
	assert_string_equal(host_fw_status_name(0x07), "POLICY_FAILURE");
	assert_string_equal(host_fw_status_name(0xEE), "unknown status");
	assert_string_equal(host_strerror(CVM_HOST_NOFACT),
			    "not recorded in the facts file");
	assert_string_equal(cvm_check_status_name(CVM_CHECK_FAIL), "fail");
}

static void
test_versions(void **state)
{
	unsigned v[3], a, b;

	(void)state;
	assert_true(host_parse_version("QEMU emulator version 7.2.22 (Debian "
				       "1:7.2+dfsg-7+deb12u18+b3)",
				       "version ", v));
	assert_int_equal(v[0], 7);
	assert_int_equal(v[1], 2);
	assert_int_equal(v[2], 22);
	assert_true(host_parse_version("libvirtd (libvirt) 9.0.0\n", NULL, v));
	assert_int_equal(v[0], 9);
	assert_true(host_parse_version("QEMU emulator version 9.1\n",
				       "version ", v));
	assert_int_equal(v[1], 1);
	assert_int_equal(v[2], 0);
	assert_false(host_parse_version("no numbers here", NULL, v));
	assert_false(host_parse_version("version 7", "version ", v));
	assert_false(host_parse_version("7.2.0", "version ", v));
	v[0] = 9, v[1] = 1, v[2] = 0;
	assert_true(host_version_ge(v, 9, 1, 0));
	assert_false(host_version_ge(v, 9, 1, 1));
	assert_true(host_version_ge(v, 8, 2, 9));
	assert_false(host_version_ge(v, 10, 0, 0));
	assert_true(host_parse_kernel("6.1.0-28-amd64", &a, &b));
	assert_int_equal(a, 6);
	assert_int_equal(b, 1);
	assert_true(host_parse_kernel("6.12.38+deb13-amd64", &a, &b));
	assert_int_equal(b, 12);
	assert_false(host_parse_kernel("linux", &a, &b));
}

static void
test_words(void **state)
{
	(void)state;
	assert_true(host_has_word("ro quiet iommu=pt", "iommu=pt"));
	assert_true(host_has_word("iommu=pt ro", "iommu=pt"));
	assert_false(host_has_word("ro amd_iommu=pt", "iommu=pt"));
	assert_false(host_has_word("ro iommu=pta", "iommu=pt"));
	assert_true(host_has_word("fpu sev sev_es", "sev"));
	assert_false(host_has_word("fpu sev_es sev_snp", "sev"));
	assert_true(host_has_word("a\n  sev-guest\n", "sev-guest"));
	assert_false(host_has_word("  sev-snp-guest\n", "sev-guest"));
	assert_false(host_has_word("", "sev"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sev_status_decode),
		cmocka_unit_test(test_snp_status_decode),
		cmocka_unit_test(test_tcb),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
