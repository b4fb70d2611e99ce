/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm start NAME`: start the VM's QEMU detached (or its libvirt
 * domain) and return once QEMU answers on QMP; QEMU's own error, if it
 * fails, comes back as one explained line.  --dry-run prints the command
 * line instead.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd-vm.h"
#include "cmd.h"
#include "out.h"

#define USAGE                                                          \
	"cvm vm start NAME [--paused] [--timeout SECONDS] [--dry-run " \
	"[--qemu-version X.Y]] [--json]"

struct start_cli {
	const char *name;
	struct cvm_vm_start_opts o;
	bool json;
};

static int
start_parse(int argc, char **argv, struct start_cli *s)
{
	static const struct option lo[] = {
		{"paused", 0, NULL, 'p'},  {"timeout", 1, NULL, 't'},
		{"dry-run", 0, NULL, 'n'}, {"qemu-version", 1, NULL, 'q'},
		{"json", 0, NULL, 'j'},	   {NULL, 0, NULL, 0},
	};
	int ch, secs;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'p':
			s->o.paused = true;
			break;
		case 't':
			if ((secs = vm_parse_seconds(optarg)) < 0)
				return cli_usage(USAGE,
						 "--timeout: '%s' is "
						 "not 1 to 86400",
						 optarg);
			s->o.timeout_ms = secs * 1000;
			break;
		case 'n':
			s->o.dry_run = true;
			break;
		case 'q':
			s->o.qemu_version = optarg;
			break;
		case 'j':
			s->json = true;
			break;
		default:
			return cli_usage(USAGE,
					 "unknown option or missing "
					 "value in '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage(USAGE, "give one VM NAME");
	if (s->o.qemu_version && !s->o.dry_run)
		return cli_usage(USAGE, "--qemu-version is for --dry-run only");
	s->name = argv[optind];
	return 0;
}

static void
start_report(const struct start_cli *s, struct cvm_vm *vm,
	     const struct cvm_vm_launch *l)
{
	struct json_object *o;

	if (s->json) {
		o = vm->cfg.backend == CVM_VM_QEMU ? vm_launch_json(l)
						   : json_object_new_object();
		json_object_object_add(o, "name",
				       json_object_new_string(s->name));
		json_object_object_add(
			o, "pid", l->pid ? json_object_new_int(l->pid) : NULL);
		json_object_object_add(o, "paused",
				       json_object_new_boolean(s->o.paused));
		out_json(o);
	} else if (s->o.dry_run) {
		vm_print_argv(l);
	} else if (vm->cfg.backend == CVM_VM_LIBVIRT) {
		printf("started VM '%s' through libvirt%s\n", s->name,
		       s->o.paused ? " (paused)" : "");
	} else {
		printf("started VM '%s': pid %ld, QEMU %s, %s (%s)%s, %.2f s\n",
		       s->name, (long)l->pid, l->qemu_version,
		       l->accel.accel == CVM_ACCEL_KVM ? "kvm" : "tcg",
		       l->accel.reason,
		       s->o.paused ? ", paused until 'console --resume'" : "",
		       (double)l->start_ns / 1e9);
	}
}

static int
vm_start_run(int argc, char **argv)
{
	struct start_cli s;
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm *vm = NULL;
	struct cvm_vm_launch l;
	int rc;

	memset(&s, 0, sizeof(s));
	memset(&l, 0, sizeof(l));
	if ((rc = start_parse(argc, argv, &s)) != 0)
		return rc;
	if (cvm_vm_open(s.name, s.o.dry_run ? 0 : CVM_VM_LOCK, &vm, &err) < 0)
		return cli_error(&err);
	if (s.o.dry_run && vm->cfg.backend == CVM_VM_LIBVIRT)
		rc = cli_usage(USAGE,
			       "--dry-run: VM '%s' is a libvirt domain "
			       "('cvm vm inspect' shows it)",
			       s.name);
	else if (cvm_vm_start(vm, &s.o, &l, &err) < 0)
		rc = cli_error(&err);
	else
		start_report(&s, vm, &l);
	cvm_vm_launch_release(&l);
	cvm_vm_close(vm);
	return rc;
}

const struct cvm_cmd cmd_vm_start = {
	.name = "start",
	.summary = "start a VM (detached; returns once QEMU answers)",
	.usage = USAGE,
	.help = "options:\n"
		"  --paused            vCPUs stay stopped until 'cvm vm "
		"console "
		"NAME --resume'\n"
		"                      (so a script sees the console from the "
		"first byte)\n"
		"  --timeout SECONDS   how long QEMU may take to answer on QMP "
		"(default 30)\n" VM_DRY_RUN_HELP
		"  --json              pid, command line and accelerator as "
		"JSON\n"
		"exit status: 0 started, 1 failed (QEMU's error explained), 2 "
		"usage\n",
	.run = vm_start_run,
};
