/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm create NAME ...`: check everything (host, protection, policy,
 * firmware, files, memory), then write the VM's folder atomically: the
 * qcow2 overlay, its own OVMF variable store, the cloud-init seed and
 * vm.json.  --dry-run prints the QEMU command line (or, for libvirt, the
 * domain XML) that the VM would get, and writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd-vm.h"
#include "cmd.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "out.h"

static int
create_dry_libvirt(const struct vm_cli *c, const struct cvm_vm_plan *p,
		   const char *dir)
{
	cleanup_buf struct cvm_buf xml = CVM_BUF_INIT;
	struct cvm_err err = CVM_ERR_INIT;
	struct json_object *o;

	if (cvm_vm_libvirt_xml(&p->cfg, dir, &xml, &err) < 0)
		return cli_error(&err);
	if (!c->json) {
		fputs(cvm_buf_str(&xml), stdout);
		return 0;
	}
	o = json_object_new_object();
	json_object_object_add(o, "config", cvm_vm_config_json(&p->cfg));
	json_object_object_add(o, "dir", json_object_new_string(dir));
	json_object_object_add(o, "xml",
			       json_object_new_string(cvm_buf_str(&xml)));
	out_json(o);
	return 0;
}

int
vm_create_dry(const struct vm_cli *c, const struct cvm_vm_plan *p)
{
	struct cvm_vm_start_opts so = {.dry_run = true,
				       .qemu_version = c->o.qemu_version};
	struct cvm_vm_launch l;
	struct cvm_err err = CVM_ERR_INIT;
	cleanup_free char *root = cvm_vm_root();
	cleanup_free char *dir = cvm_xasprintf("%s/%s", root, p->cfg.name);
	struct json_object *o;
	char desc[512];

	if (p->cfg.backend == CVM_VM_LIBVIRT)
		return create_dry_libvirt(c, p, dir);
	if (cvm_vm_argv(&p->cfg, dir, &so, &l, &err) < 0)
		return cli_error(&err);
	if (c->json) {
		o = json_object_new_object();
		json_object_object_add(o, "config",
				       cvm_vm_config_json(&p->cfg));
		json_object_object_add(o, "dir", json_object_new_string(dir));
		json_object_object_add(o, "launch", vm_launch_json(&l));
		out_json(o);
	} else {
		vm_describe(&p->cfg, desc, sizeof(desc));
		printf("would create VM '%s': %s\n", p->cfg.name, desc);
		vm_print_argv(&l);
	}
	cvm_vm_launch_release(&l);
	return 0;
}

static int
create_report(const struct vm_cli *c, const struct cvm_vm_plan *p)
{
	cleanup_free char *root = cvm_vm_root();
	cleanup_free char *dir = cvm_xasprintf("%s/%s", root, p->cfg.name);
	struct json_object *o;
	char desc[512];

	if (c->json) {
		o = json_object_new_object();
		json_object_object_add(o, "config",
				       cvm_vm_config_json(&p->cfg));
		json_object_object_add(o, "dir", json_object_new_string(dir));
		out_json(o);
		return 0;
	}
	vm_describe(&p->cfg, desc, sizeof(desc));
	printf("created VM '%s': %s\n", p->cfg.name, desc);
	return 0;
}

static int
vm_create_run(int argc, char **argv)
{
	struct vm_cli c;
	struct cvm_vm_plan p;
	struct cvm_err err = CVM_ERR_INIT;
	int rc;

	if ((rc = vm_cli_parse(argc, argv, false, &c)) != 0)
		return rc;
	if (cvm_vm_plan_create(&c.o, &p, &err) < 0) {
		rc = vm_plan_failed(&c, argc, argv, &p, &err);
	} else {
		vm_plan_notes(&p);
		if (c.dry_run)
			rc = vm_create_dry(&c, &p);
		else if (cvm_vm_create(&c.o, &p, &err) < 0)
			rc = cli_error(&err);
		else
			rc = create_report(&c, &p);
	}
	cvm_vm_plan_release(&p);
	return rc;
}

const struct cvm_cmd cmd_vm_create = {
	.name = "create",
	.summary = "create a VM (nothing starts yet)",
	.usage = "cvm vm create NAME " VM_CREATE_OPTS_USAGE
		 " [--dry-run [--qemu-version X.Y]] [--json]",
	.help = VM_CREATE_OPTS_HELP VM_DRY_RUN_HELP
	"  --json              the configuration (and with --dry-run the "
	"command line)\n"
	"                      as JSON (schema: docs/readme/60-vm.md)\n"
	"exit status: 0 created, 1 failed (nothing is left behind), 2 "
	"usage\n",
	.run = vm_create_run,
};
