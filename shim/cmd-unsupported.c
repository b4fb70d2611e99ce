/* SPDX-License-Identifier: MIT */
/*
 * The runc verbs a VM-backed runtime refuses, with the reason.  `exec`
 * first of all: there is no host process to join, the container's
 * processes live in the guest (docker-sev.md §2.7: docker then reports
 * "OCI runtime exec failed: ...").  One file for all of them: each is a
 * table entry and one sentence.
 */
#include <stdio.h>
#include <string.h>

#include "oci-cmd.h"

static int
refuse(struct oci_ctx *ctx, int argc, char **argv, const char *why)
{
	(void)ctx;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return printf("usage: cvm-oci %s ...\n\nnot supported: "
				      "%s\n",
				      argv[0], why),
			       -1;
	return oci_failf(-CVM_E_UNSUPPORTED,
			 "\"%s\" is not supported by cvm-oci (VM-backed "
			 "runtime): %s",
			 argv[0], why);
}

#define REFUSED(verb, text, reason)                                       \
	static int verb##_cmd(struct oci_ctx *ctx, int argc, char **argv) \
	{                                                                 \
		return refuse(ctx, argc, argv, reason);                   \
	}                                                                 \
	const struct oci_verb verb_##verb = {                             \
		.name = #verb,                                            \
		.summary = text " (not supported: a VM)",                 \
		.usage = #verb " ...",                                    \
		.run = verb##_cmd,                                        \
	}

REFUSED(exec, "run a process in a container",
	"the container's processes run inside its VM, there is no host "
	"process to join");
REFUSED(pause, "freeze a container", "cvm-oci does not pause VMs yet");
REFUSED(resume, "thaw a container", "cvm-oci does not pause VMs yet");
REFUSED(update, "change a container's resources",
	"a VM's memory and CPUs are fixed when it starts");
REFUSED(checkpoint, "checkpoint a container",
	"CRIU cannot checkpoint a process inside a VM");
REFUSED(restore, "restore a container",
	"CRIU cannot restore a process inside a VM");
REFUSED(events, "container events and statistics",
	"the container's cgroups live inside its VM");
