/* SPDX-License-Identifier: MIT */
/* Shared by the `cvm policy` verbs: policy reports as JSON. */
#ifndef CVM_CLI_CMD_POLICY_H
#define CVM_CLI_CMD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "cvm/policy.h"

/* "16" or "15:8" */
void policy_field_bits(const struct cvm_policy_field *f, char *buf, size_t n);
/* [{"level": "warning", "text": ...}, ...] */
struct json_object *policy_notes_json(const struct cvm_policy_report *r);
/* The whole explanation (the caller owns it):
 * {kind, value, guessed, fields[], notes[], debug_allowed, refused} */
struct json_object *policy_report_json(const struct cvm_policy_report *r,
				       bool guessed);

#endif
