/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci ps [--format table|json] ID`: the host processes of a
 * container, the monitor and its QEMU (`docker top` calls this with
 * --format json and runs ps(1) on the PIDs).  The processes inside the
 * VM are not visible from the host.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-cmd.h"

/* The monitor's PID, then its children's. */
static size_t
pids(pid_t monitor, pid_t *out, size_t max)
{
	char path[64], buf[512], *p, *end;
	cleanup_close int fd = -1;
	size_t n = 0;
	ssize_t len;

	out[n++] = monitor;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)monitor,
		 (int)monitor);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (len = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return n;
	buf[len] = '\0';
	for (p = buf; n < max; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		out[n++] = (pid_t)v;
	}
	return n;
}

static void
print_table(const pid_t *v, size_t n)
{
	printf("%-8s %s\n", "PID", "CMD");
	for (size_t i = 0; i < n; i++) {
		char path[64], comm[64] = "?";
		cleanup_fclose FILE *f = NULL;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)v[i]);
		if ((f = fopen(path, "re")) && fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		printf("%-8d %s\n", (int)v[i], comm);
	}
}

static int
ps_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_state *st = NULL;
	const char *format = "table";
	const struct oci_opt opts[] = {{"format", 'f', &format, NULL},
				       {NULL, 0, NULL, NULL}};
	char *pos[8];
	pid_t v[16];
	size_t n = 0;
	int npos, r;

	if ((r = oci_opts(&verb_ps, opts, argc, argv, pos, 8, &npos)) != 0 ||
	    (r = oci_need(&verb_ps, npos, 1, "the container ID")) != 0)
		return r;
	if (strcmp(format, "table") && strcmp(format, "json"))
		return oci_failf(-CVM_E_USAGE,
				 "ps: unknown --format '%s' "
				 "(table, json)",
				 format);
	if (cvm_oci_state_load(ctx->root, pos[0], &st, &err) < 0)
		return oci_fail(&err);
	if (cvm_oci_state_status(st) != CVM_OCI_STOPPED)
		n = pids(st->pid, v, CVM_ARRAY_SIZE(v));
	cvm_oci_state_free(st);
	if (!strcmp(format, "json")) {
		struct json_object *a = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, json_object_new_int(v[i]));
		printf("%s\n", json_object_to_json_string_ext(
				       a, JSON_C_TO_STRING_PLAIN));
		json_object_put(a);
	} else {
		print_table(v, n);
	}
	return 0;
}

const struct oci_verb verb_ps = {
	.name = "ps",
	.summary = "list the container's host processes (monitor, QEMU)",
	.usage = "ps [--format table|json] ID",
	.help = "  -f, --format F   table (default) or json: an array of "
		"PIDs\n",
	.run = ps_cmd,
};
