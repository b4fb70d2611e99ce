/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm stop NAME`: press the ACPI power button through QMP
 * (system_powerdown) and wait for the guest to power off; after
 * --timeout, kill QEMU.  A guest without ACPI handling (the unikernel)
 * always takes the second path.
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd-vm.h"
#include "cmd.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE "cvm vm stop NAME [--timeout SECONDS]"

static int
vm_stop_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"timeout", 1, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm *vm = NULL;
	enum cvm_vm_stop_how how;
	int ch, secs = 30, rc = 0;
	uint64_t t0;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1)
		if (ch != 't' || (secs = vm_parse_seconds(optarg)) < 0)
			return cli_usage(USAGE,
					 "unknown option or bad value "
					 "in '%s'",
					 argv[optind - 1]);
	if (optind != argc - 1)
		return cli_usage(USAGE, "give one VM NAME");
	if (cvm_vm_open(argv[optind], CVM_VM_LOCK, &vm, &err) < 0)
		return cli_error(&err);
	t0 = cvm_now_ns();
	if (cvm_vm_stop(vm, secs * 1000, &how, &err) < 0)
		rc = cli_error(&err);
	else if (how == CVM_VM_STOP_NOT_RUNNING)
		printf("VM '%s' is not running\n", vm->name);
	else if (how == CVM_VM_STOP_POWERDOWN)
		printf("stopped VM '%s': the guest powered off after the ACPI "
		       "power button (%.1f s)\n",
		       vm->name, (double)(cvm_now_ns() - t0) / 1e9);
	else
		printf("stopped VM '%s': no power-off within %d s after the "
		       "ACPI power button, so it was killed\n",
		       vm->name, secs);
	cvm_vm_close(vm);
	return rc;
}

const struct cvm_cmd cmd_vm_stop = {
	.name = "stop",
	.summary = "power a VM off (ACPI, then kill after a timeout)",
	.usage = USAGE,
	.help = "options:\n"
		"  --timeout SECONDS  wait this long for the guest to power "
		"off "
		"(default 30)\n"
		"exit status: 0 stopped (or was not running), 1 failed, 2 "
		"usage\n",
	.run = vm_stop_run,
};
