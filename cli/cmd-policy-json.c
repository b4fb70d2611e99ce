/* SPDX-License-Identifier: MIT */
/*
 * Policy reports as JSON for `cvm policy explain --json` and `cvm policy
 * make --json` (schema in docs/readme/15-policy.md).
 */
#include <stdio.h>

#include "cmd-policy.h"

void
policy_field_bits(const struct cvm_policy_field *f, char *buf, size_t n)
{
	if (f->lo == f->hi)
		snprintf(buf, n, "%u", f->lo);
	else
		snprintf(buf, n, "%u:%u", f->hi, f->lo);
}

struct json_object *
policy_notes_json(const struct cvm_policy_report *r)
{
	struct json_object *ns = json_object_new_array();

	for (size_t i = 0; i < r->nnotes; i++) {
		struct json_object *n = json_object_new_object();

		json_object_object_add(
			n, "level",
			json_object_new_string(
				cvm_note_level_name(r->notes[i].level)));
		json_object_object_add(
			n, "text", json_object_new_string(r->notes[i].text));
		json_object_array_add(ns, n);
	}
	return ns;
}

struct json_object *
policy_report_json(const struct cvm_policy_report *r, bool guessed)
{
	struct json_object *o = json_object_new_object();
	struct json_object *fs = json_object_new_array();
	char buf[32];

	json_object_object_add(
		o, "kind",
		json_object_new_string(cvm_policy_kind_name(r->kind)));
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)r->value);
	json_object_object_add(o, "value", json_object_new_string(buf));
	json_object_object_add(o, "guessed", json_object_new_boolean(guessed));
	for (size_t i = 0; i < r->nfields; i++) {
		struct json_object *f = json_object_new_object();

		policy_field_bits(&r->fields[i], buf, sizeof(buf));
		json_object_object_add(
			f, "name", json_object_new_string(r->fields[i].name));
		json_object_object_add(f, "bits", json_object_new_string(buf));
		json_object_object_add(
			f, "value",
			json_object_new_int64((int64_t)r->fields[i].value));
		json_object_object_add(
			f, "meaning",
			json_object_new_string(r->fields[i].meaning));
		json_object_array_add(fs, f);
	}
	json_object_object_add(o, "fields", fs);
	json_object_object_add(o, "notes", policy_notes_json(r));
	json_object_object_add(o, "debug_allowed",
			       json_object_new_boolean(r->debug_allowed));
	json_object_object_add(o, "refused",
			       json_object_new_boolean(r->refused));
	return o;
}
