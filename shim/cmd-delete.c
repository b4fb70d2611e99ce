/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci delete [--force] ID`: remove a stopped (or created) container:
 * end its monitor if needed, run the poststop hooks, remove its state.
 * A running container needs --force; --force on a container that does
 * not exist succeeds, because containerd's shim calls it after every
 * delete (docker-sev.md §1.2).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-cmd.h"

/* SIGKILL the monitor (QEMU follows it) and wait until it is gone; it is
 * the engine's child, so "gone" means dead or a zombie. */
static void
stop_monitor(const struct cvm_oci_state *st)
{
	uint64_t end = cvm_now_ns() + 5000000000ull;

	kill(st->pid, SIGKILL);
	while (cvm_oci_state_status(st) != CVM_OCI_STOPPED &&
	       cvm_now_ns() < end)
		usleep(10000);
}

int
oci_delete(struct oci_ctx *ctx, const char *id, bool force)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_state *st = NULL;
	cleanup_free char *dir = NULL;
	int r = cvm_oci_state_load(ctx->root, id, &st, &err);

	if (r == -ENOENT && force) {
		/* a create killed before it saved the state leaves its
		 * folder, which blocks the id: --force removes it (t9400) */
		cvm_err_clear(&err);
		dir = cvm_oci_state_dir(ctx->root, id);
		cvm_oci_state_remove(dir, &err);
		return err.code ? oci_fail(&err) : 0;
	}
	if (r < 0)
		return oci_fail(&err);
	dir = cvm_oci_state_dir(ctx->root, id);
	if (cvm_oci_state_status(st) == CVM_OCI_RUNNING && !force) {
		cvm_err_set(&err, -CVM_E_STATE,
			    "cannot delete container '%s' that is not "
			    "stopped: running (use --force)",
			    id);
	} else {
		if (cvm_oci_state_status(st) != CVM_OCI_STOPPED)
			stop_monitor(st);
		oci_state_hooks(st, CVM_OCI_HOOK_POSTSTOP, CVM_OCI_STOPPED);
		cvm_oci_state_remove(dir, &err);
	}
	cvm_oci_state_free(st);
	return err.code ? oci_fail(&err) : 0;
}

static int
delete_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	bool force = false;
	const struct oci_opt opts[] = {{"force", 'f', NULL, &force},
				       {NULL, 0, NULL, NULL}};
	char *pos[1];
	int npos, r;

	if ((r = oci_opts(&verb_delete, opts, argc, argv, pos, 1, &npos)) !=
		    0 ||
	    (r = oci_need(&verb_delete, npos, 1, "the container ID")) != 0)
		return r;
	return oci_delete(ctx, pos[0], force);
}

const struct oci_verb verb_delete = {
	.name = "delete",
	.summary = "delete a container and its state",
	.usage = "delete [--force] ID",
	.help = "  -f, --force   also a running container (its VM is "
		"killed); succeed when\n                there is no such "
		"container\n",
	.run = delete_cmd,
};
