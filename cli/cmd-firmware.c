/* SPDX-License-Identifier: MIT */
/* `cvm firmware`: work with OVMF firmware images (verbs in their files). */
#include <stddef.h>

#include "cmd.h"

extern const struct cvm_cmd cmd_firmware_inspect;

static const struct cvm_cmd *const firmware_verbs[] = {
	&cmd_firmware_inspect,
	NULL,
};

const struct cvm_cmd cmd_firmware = {
	.name = "firmware",
	.summary = "inspect OVMF firmware images",
	.usage = "cvm firmware COMMAND [ARGS]",
	.sub = firmware_verbs,
};
