/* SPDX-License-Identifier: MIT */
/*
 * Fuzz what cvm reads from QEMU's own output: the version line, the
 * five help listings that set the capability flags, the error line
 * picked out of QEMU's stderr and its explanation.  Input: a selector byte,
 * then the text.  Promises checked: the error line is one line and fits the
 * buffer; a preset is never below the oldest QEMU cvm supports (7.2).
 */
#include "fuzz.h"

#include "cvm/qemu.h"

static void
version(const char *text)
{
	struct cvm_qemu_caps caps;
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	memset(&caps, 0, sizeof(caps));
	r = cvm_qemu_caps_parse_version(text, &caps, &err);
	fuzz_check_err(r, &err, "cvm_qemu_caps_parse_version");
	if (r == 0)
		(void)cvm_qemu_caps_at_least(&caps, 7, 2);
	cvm_err_clear(&err);
	r = cvm_qemu_caps_preset(text, &caps, &err);
	fuzz_check_err(r, &err, "cvm_qemu_caps_preset");
	if (r == 0 && !cvm_qemu_caps_at_least(&caps, 7, 2))
		fuzz_fail("preset '%s' below 7.2", text);
}

static void
stderr_text(const char *text)
{
	char line[512], small[16];

	cvm_qemu_error_line(text, line, sizeof(line));
	if (strnlen(line, sizeof(line)) == sizeof(line))
		fuzz_fail("error line not terminated");
	if (strchr(line, '\n'))
		fuzz_fail("error line spans lines");
	if (strlen(line) > 300)
		fuzz_fail("error line of %zu bytes", strlen(line));
	cvm_qemu_error_line(text, small, sizeof(small));
	if (strnlen(small, sizeof(small)) == sizeof(small))
		fuzz_fail("short error line not terminated");
	(void)cvm_qemu_explain(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	uint8_t sel = fuzz_u8(&in);
	char *text = fuzz_cstr(in.p, in.n);
	struct cvm_qemu_caps caps;

	switch (sel % 3) {
	case 0:
		version(text);
		break;
	case 1:
		memset(&caps, 0, sizeof(caps));
		cvm_qemu_caps_parse_help(
			&caps, (enum cvm_qemu_help)(sel / 4 % 5), text);
		break;
	default:
		stderr_text(text);
		break;
	}
	free(text);
	return 0;
}
