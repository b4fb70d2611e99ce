/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci kill [--all] ID [SIGNAL]`: send a signal (a number, as
 * containerd passes it, or a name; default TERM) to the container's
 * monitor, which forwards it to the process in the VM.  KILL and STOP
 * cannot be forwarded: KILL ends the monitor and with it the VM
 * (PR_SET_PDEATHSIG), as it ends runc's container.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cvm/oci.h"
#include "oci-cmd.h"

static int
kill_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_state *st = NULL;
	bool all = false;
	const struct oci_opt opts[] = {{"all", 'a', NULL, &all},
				       {NULL, 0, NULL, NULL}};
	char *pos[2];
	int npos, r, sig = SIGTERM;

	if ((r = oci_opts(&verb_kill, opts, argc, argv, pos, 2, &npos)) != 0 ||
	    (r = oci_need(&verb_kill, npos, 1, "the container ID")) != 0)
		return r;
	if (npos > 1 && cvm_oci_signal_parse(pos[1], &sig, &err) < 0) {
		err.code = -CVM_E_USAGE;
		return oci_fail(&err);
	}
	if (cvm_oci_state_load(ctx->root, pos[0], &st, &err) < 0)
		return oci_fail(&err);
	if (cvm_oci_state_status(st) == CVM_OCI_STOPPED)
		cvm_err_set(&err, -CVM_E_STATE, "container '%s' is not running",
			    pos[0]);
	else if (kill(st->pid, sig) < 0)
		cvm_err_set(&err, -errno, "kill container '%s': %s", pos[0],
			    strerror(errno));
	else
		oci_log(CVM_LOG_DEBUG, "signal %d sent to container %s", sig,
			pos[0]);
	cvm_oci_state_free(st);
	return err.code ? oci_fail(&err) : 0;
}

const struct oci_verb verb_kill = {
	.name = "kill",
	.summary = "send a signal to the container's process (in its VM)",
	.usage = "kill [--all] ID [SIGNAL]",
	.help = "  -a, --all   accepted: the VM holds only the container's "
		"processes\nSIGNAL: a number or a name (TERM, SIGKILL, ...); "
		"default TERM.\n",
	.run = kill_cmd,
};
