/* SPDX-License-Identifier: MIT */
/* `cvm demo`: demonstrations of what SEV protects (one file per demo:
 * cmd-demo-scrape.c). */
#include <stddef.h>

#include "cmd.h"

extern const struct cvm_cmd cmd_demo_scrape;

static const struct cvm_cmd *const demo_verbs[] = {
	&cmd_demo_scrape,
	NULL,
};

const struct cvm_cmd cmd_demo = {
	.name = "demo",
	.summary = "demonstrations of what SEV protects",
	.usage = "cvm demo COMMAND [ARGS]",
	.sub = demo_verbs,
};
