/* SPDX-License-Identifier: MIT */
/* `cvm demo scrape` output (cmd-demo-out.c). */
#ifndef CVM_CLI_CMD_DEMO_H
#define CVM_CLI_CMD_DEMO_H

#include <stdbool.h>

#include <json-c/json.h>

#include "cvm/oci.h"

/* What the demo does, before the first guest. */
void demo_scrape_intro(void);
/* One guest's table and verdict; `expected`: the result matches its
 * protection. */
void demo_scrape_print(const struct cvm_scrape_result *res, bool expected);
/* The same as JSON (README: schema). */
struct json_object *demo_scrape_json(const struct cvm_scrape_result *res,
				     bool expected);
/* Why the protected half did not run (or NULL), and the claim's limits. */
void demo_scrape_limits(const char *skipped);

#endif
