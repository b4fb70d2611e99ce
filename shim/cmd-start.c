/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci start ID`: wake the monitor of a created container (one byte
 * into its start FIFO; it then boots the VM), record that it started,
 * and run the poststart hooks (a failing one is logged, as the runtime
 * spec asks).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-cmd.h"

static int
wake(const char *dir, const char *id, struct cvm_err *err)
{
	cleanup_free char *fifo = cvm_xasprintf("%s/start.fifo", dir);
	cleanup_close int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 || write(fd, "s", 1) != 1)
		return cvm_err_set(err, -CVM_E_STATE,
				   "cannot start container '%s': its monitor "
				   "is not waiting (%s)",
				   id, strerror(errno));
	unlink(fifo);
	return 0;
}

int
oci_start(struct oci_ctx *ctx, const char *id)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_state *st = NULL;
	cleanup_free char *dir = cvm_oci_state_dir(ctx->root, id);
	enum cvm_oci_status s;
	int r;

	if ((r = cvm_oci_state_load(ctx->root, id, &st, &err)) < 0)
		return oci_fail(&err);
	s = cvm_oci_state_status(st);
	if (s != CVM_OCI_CREATED) {
		cvm_err_set(&err, -CVM_E_STATE,
			    s == CVM_OCI_RUNNING
				    ? "cannot start an already running "
				      "container '%s'"
				    : "cannot start a container that has "
				      "stopped ('%s')",
			    id);
	} else if ((r = wake(dir, id, &err)) == 0) {
		st->started = true;
		if ((r = cvm_oci_state_save(dir, st, &err)) == 0)
			oci_state_hooks(st, CVM_OCI_HOOK_POSTSTART,
					CVM_OCI_RUNNING);
	}
	cvm_oci_state_free(st);
	return err.code ? oci_fail(&err) : 0;
}

static int
start_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	char *pos[1];
	int npos, r;

	if ((r = oci_opts(&verb_start, NULL, argc, argv, pos, 1, &npos)) != 0 ||
	    (r = oci_need(&verb_start, npos, 1, "the container ID")) != 0)
		return r;
	return oci_start(ctx, pos[0]);
}

const struct oci_verb verb_start = {
	.name = "start",
	.summary = "start a created container: boot its VM and run the process",
	.usage = "start ID",
	.run = start_cmd,
};
