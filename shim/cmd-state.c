/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci state ID`: the runtime-spec state as JSON (runc's extra
 * rootfs, created and owner included), plus "cvm": the protection the
 * container runs with and why.
 */
#include <stdio.h>

#include <json-c/json.h>

#include "cvm/oci.h"
#include "oci-cmd.h"

static int
state_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_state *st = NULL;
	struct json_object *j;
	char *pos[1];
	int npos, r;

	if ((r = oci_opts(&verb_state, NULL, argc, argv, pos, 1, &npos)) != 0 ||
	    (r = oci_need(&verb_state, npos, 1, "the container ID")) != 0)
		return r;
	if (cvm_oci_state_load(ctx->root, pos[0], &st, &err) < 0)
		return oci_fail(&err);
	j = cvm_oci_state_json(st, cvm_oci_state_status(st));
	oci_print_json(j);
	cvm_oci_state_free(st);
	return 0;
}

const struct oci_verb verb_state = {
	.name = "state",
	.summary = "print a container's state (JSON)",
	.usage = "state ID",
	.help = "Prints the OCI runtime-spec state object: ociVersion, id, "
		"status\n(created, running, stopped), pid (the monitor), "
		"bundle, rootfs, created,\nannotations, owner, and cvm "
		"{protection, protection_reason}.\n",
	.run = state_cmd,
};
