/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm`: confidential VMs from a cloud image, a kernel or the cvm
 * unikernel, with QEMU started directly (no daemon) or through libvirt.
 * One file per verb: cmd-vm-create.c, cmd-vm-start.c, ... (lib/vm does
 * the work).
 */
#include <stddef.h>

#include "cmd.h"

extern const struct cvm_cmd cmd_vm_console, cmd_vm_create, cmd_vm_delete,
	cmd_vm_inspect, cmd_vm_kill, cmd_vm_list, cmd_vm_run, cmd_vm_start,
	cmd_vm_stop;

static const struct cvm_cmd *const vm_verbs[] = {
	&cmd_vm_console, &cmd_vm_create, &cmd_vm_delete, &cmd_vm_inspect,
	&cmd_vm_kill,	 &cmd_vm_list,	 &cmd_vm_run,	 &cmd_vm_start,
	&cmd_vm_stop,	 NULL,
};

const struct cvm_cmd cmd_vm = {
	.name = "vm",
	.summary = "create, run and manage confidential VMs",
	.usage = "cvm vm COMMAND [ARGS]",
	.help = "VMs live under $XDG_DATA_HOME/cvm/vms (one folder each); "
		"QEMU runs\n"
		"without a daemon (or libvirt runs it: --backend libvirt).\n"
		"$CVM_HOST_FACTS=FILE replays a 'cvm host facts' file instead "
		"of\n"
		"probing this host (simulate a Milan or Genoa host in dry "
		"runs).\n",
	.sub = vm_verbs,
};
