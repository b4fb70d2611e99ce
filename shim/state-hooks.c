/* SPDX-License-Identifier: MIT */
/*
 * The hooks that run on a container's saved state (poststart from
 * `start`, poststop from `delete`): their failure is logged, as the
 * runtime spec asks, and never fails the verb.
 */
#include <json-c/json.h>

#include "cvm/oci.h"
#include "oci-cmd.h"

void
oci_state_hooks(const struct cvm_oci_state *st, enum cvm_oci_hook_kind kind,
		enum cvm_oci_status status)
{
	struct cvm_oci_hooks h = {0};
	struct cvm_err err = CVM_ERR_INIT;
	struct json_object *j;

	if (cvm_oci_hooks_parse(st->hooks, kind, &h, &err) < 0 || !h.n) {
		cvm_oci_hooks_release(&h);
		return;
	}
	j = cvm_oci_state_json(st, status);
	if (cvm_oci_hooks_run(
		    &h, kind,
		    json_object_to_json_string_ext(
			    j, JSON_C_TO_STRING_PLAIN |
				       JSON_C_TO_STRING_NOSLASHESCAPE),
		    &err) < 0)
		oci_log(CVM_LOG_WARN, "%s", err.msg);
	json_object_put(j);
	cvm_oci_hooks_release(&h);
}
