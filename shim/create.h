/* SPDX-License-Identifier: MIT */
/* `cvm-oci create`, split in two: the preparation and the monitor's
 * start (cmd-create-prep.c), the state, hooks and pid-file
 * (cmd-create.c). */
#ifndef CVM_OCI_CREATE_H
#define CVM_OCI_CREATE_H

#include <sys/types.h>

#include "cvm/oci.h"
#include "oci-cmd.h"

struct create {
	struct oci_ctx *ctx;
	const struct oci_create_opts *o;
	struct cvm_oci_spec *spec;
	struct cvm_oci_runtime rt;
	struct cvm_oci_plan plan;
	struct cvm_argv argv;
	char *dir;
	int start_fd, tty;
	int ready[2];  /* the monitor says it has its own netns */
	int commit[2]; /* create says the container exists */
	pid_t monitor;
	char created[64];
};

/* Bundle, plan, initramfs, argv, FIFO, console: all before the fork. */
int create_prepare(struct create *c, struct cvm_err *err);
/* The forked monitor: never returns. */
_Noreturn void create_monitor_main(struct create *c);

#endif
