/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm inspect NAME [--json]`: the state, the configuration, the
 * policy decoded bit by bit, what QEMU says through QMP (query-status,
 * query-sev) or libvirt about the running guest, and the VM's files.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd-policy.h"
#include "cmd-vm.h"
#include "cmd.h"
#include "out.h"

#define USAGE "cvm vm inspect NAME [--json]"

static const char *
jstr(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, k, &v) && v
		       ? json_object_get_string(v)
		       : NULL;
}

static void
print_policy(const struct cvm_policy_report *r)
{
	char bits[32];

	for (size_t i = 0; i < r->nfields; i++) {
		policy_field_bits(&r->fields[i], bits, sizeof(bits));
		printf("  %-6s %-16s %llu: %s\n", bits, r->fields[i].name,
		       (unsigned long long)r->fields[i].value,
		       r->fields[i].meaning);
	}
	for (size_t i = 0; i < r->nnotes; i++)
		printf("  %s: %s\n", cvm_note_level_name(r->notes[i].level),
		       r->notes[i].text);
}

/* What QEMU said through QMP (launch-and-host.md §3.4, SevInfo). */
static void
print_qmp(struct json_object *q)
{
	struct json_object *st = NULL, *sev = NULL, *v = NULL;

	if (jstr(q, "error")) {
		printf("qmp:        %s\n", jstr(q, "error"));
		return;
	}
	if (json_object_object_get_ex(q, "status", &st))
		printf("qemu:       %s (QMP query-status)\n",
		       jstr(st, "status") ? jstr(st, "status")
					  : jstr(st, "error"));
	if (!json_object_object_get_ex(q, "sev", &sev))
		return;
	if (jstr(sev, "error")) {
		printf("query-sev:  %s\n", jstr(sev, "error"));
		return;
	}
	json_object_object_get_ex(sev, "enabled", &v);
	printf("query-sev:  enabled %s, state %s, firmware %s.%s build %s\n",
	       v && json_object_get_boolean(v) ? "yes" : "no",
	       jstr(sev, "state"), jstr(sev, "api-major"),
	       jstr(sev, "api-minor"), jstr(sev, "build-id"));
}

static void
print_libvirt(struct json_object *l)
{
	const char *m = jstr(l, "measurement");

	if (jstr(l, "error")) {
		printf("libvirt:    %s\n", jstr(l, "error"));
		return;
	}
	printf("libvirt:    %s on %s, %s%s%s, domain type %s\n",
	       jstr(l, "uuid"), jstr(l, "uri"), jstr(l, "state"),
	       jstr(l, "reason") && *jstr(l, "reason") ? " " : "",
	       jstr(l, "reason") ? jstr(l, "reason") : "", jstr(l, "type"));
	if (m)
		printf("measurement: %s (virDomainGetLaunchSecurityInfo)\n", m);
}

static void
print_text(struct cvm_vm *vm, struct json_object *j,
	   const struct cvm_policy_report *pol)
{
	const struct cvm_vm_config *c = &vm->cfg;
	struct json_object *run = NULL, *paths = NULL;
	const char *detail = jstr(j, "detail");
	struct json_object_iterator it, end;
	char desc[512];

	vm_describe(c, desc, sizeof(desc));
	printf("name:       %s\n", vm->name);
	printf("state:      %s%s%s%s\n", jstr(j, "state"), detail ? " (" : "",
	       detail ? detail : "", detail ? ")" : "");
	printf("vm:         %s\n", desc);
	printf("backend:    %s%s%s\n", cvm_vm_backend_name(c->backend),
	       c->connect ? " " : "", c->connect ? c->connect : "");
	printf("protection: %s (asked: %s)\n",
	       cvm_protection_name(c->protection),
	       cvm_protection_name(c->requested));
	if (c->protection != CVM_PROT_NONE) {
		printf("C-bit:      %u, reduced-phys-bits %u\n", c->cbitpos,
		       c->reduced_phys_bits);
		printf("policy:     0x%llx\n", (unsigned long long)c->policy);
		print_policy(pol);
	}
	printf("boot:       %s%s%s\n",
	       c->boot == CVM_BOOT_DISK	 ? "disk (OVMF)"
	       : c->boot == CVM_BOOT_EFI ? "EFI (OVMF + kernel)"
					 : "PVH (no firmware)",
	       c->firmware ? ", firmware " : "",
	       c->firmware ? c->firmware : "");
	if (json_object_object_get_ex(j, "qmp", &run) && run)
		print_qmp(run);
	if (json_object_object_get_ex(j, "libvirt", &run) && run)
		print_libvirt(run);
	json_object_object_get_ex(j, "paths", &paths);
	printf("files:\n");
	it = json_object_iter_begin(paths);
	end = json_object_iter_end(paths);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		struct json_object *v = json_object_iter_peek_value(&it);

		if (v)
			printf("  %-11s %s\n", json_object_iter_peek_name(&it),
			       json_object_get_string(v));
	}
}

static int
vm_inspect_run(int argc, char **argv)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm *vm = NULL;
	struct cvm_policy_report pol;
	struct json_object *j;
	bool json = false;
	const char *name = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else
			return cli_usage(USAGE, "unexpected argument '%s'",
					 argv[i]);
	}
	if (!name)
		return cli_usage(USAGE, "give one VM NAME");
	if (cvm_vm_open(name, 0, &vm, &err) < 0)
		return cli_error(&err);
	memset(&pol, 0, sizeof(pol));
	cvm_policy_explain(vm->cfg.protection == CVM_PROT_SEV_SNP
				   ? CVM_POLICY_SNP
				   : CVM_POLICY_SEV,
			   vm->cfg.policy, NULL, &pol);
	j = cvm_vm_inspect_json(vm, &err);
	json_object_object_add(j, "policy",
			       vm->cfg.protection == CVM_PROT_NONE
				       ? NULL
				       : policy_report_json(&pol, false));
	if (json) {
		out_json(json_object_get(j));
	} else {
		print_text(vm, j, &pol);
	}
	json_object_put(j);
	cvm_vm_close(vm);
	return 0;
}

const struct cvm_cmd cmd_vm_inspect = {
	.name = "inspect",
	.summary = "show a VM's state, configuration, policy and files",
	.usage = USAGE,
	.help = "options:\n"
		"  --json  everything as JSON (schema: docs/readme/60-vm.md)\n"
		"exit status: 0 shown, 1 no such VM, 2 usage\n",
	.run = vm_inspect_run,
};
