/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci list [--format table|json] [--quiet]`: the containers under
 * --root, as runc lists them, with the protection each runs under.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-cmd.h"

static void
one(struct oci_ctx *ctx, const char *id, const char *format, bool quiet,
    struct json_object *arr)
{
	struct cvm_oci_state *st = NULL;
	enum cvm_oci_status s;

	if (cvm_oci_state_load(ctx->root, id, &st, NULL) < 0)
		return;
	s = cvm_oci_state_status(st);
	if (quiet)
		printf("%s\n", id);
	else if (!strcmp(format, "json"))
		json_object_array_add(arr, cvm_oci_state_json(st, s));
	else
		printf("%-20s %-8d %-8s %-8s %-30s %s\n", id,
		       s == CVM_OCI_STOPPED ? 0 : (int)st->pid,
		       cvm_oci_status_name(s),
		       cvm_protection_name(st->protection),
		       st->created ? st->created : "", st->bundle);
	cvm_oci_state_free(st);
}

static int
list_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	const char *format = "table";
	bool quiet = false;
	const struct oci_opt opts[] = {{"format", 'f', &format, NULL},
				       {"quiet", 'q', NULL, &quiet},
				       {NULL, 0, NULL, NULL}};
	struct json_object *arr = json_object_new_array();
	struct dirent **list = NULL;
	char *pos[1];
	int npos, r, n, e;

	if ((r = oci_opts(&verb_list, opts, argc, argv, pos, 0, &npos)) != 0) {
		json_object_put(arr);
		return r;
	}
	if (strcmp(format, "table") && strcmp(format, "json")) {
		json_object_put(arr);
		return oci_failf(-CVM_E_USAGE,
				 "list: unknown --format '%s' (table or json)",
				 format);
	}
	/* runc: a root that does not exist yet holds no containers; one
	 * that is not a readable folder is an error */
	n = scandir(ctx->root, &list, NULL, alphasort);
	if (n < 0 && (e = errno) != ENOENT) {
		json_object_put(arr);
		return oci_failf(-e, "state root '%s': %s", ctx->root,
				 strerror(e));
	}
	if (!quiet && strcmp(format, "json"))
		printf("%-20s %-8s %-8s %-8s %-30s %s\n", "ID", "PID", "STATUS",
		       "PROTECT", "CREATED", "BUNDLE");
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.' && list[i]->d_type == DT_DIR)
			one(ctx, list[i]->d_name, format, quiet, arr);
		free(list[i]);
	}
	free(list);
	if (!quiet && !strcmp(format, "json"))
		printf("%s\n", json_object_to_json_string_ext(
				       arr, JSON_C_TO_STRING_PLAIN));
	json_object_put(arr);
	return 0;
}

const struct oci_verb verb_list = {
	.name = "list",
	.summary = "list the containers under --root",
	.usage = "list [--format table|json] [--quiet]",
	.help = "  -f, --format F   table (default) or json (state objects)\n"
		"  -q, --quiet      container IDs only\n",
	.run = list_cmd,
};
