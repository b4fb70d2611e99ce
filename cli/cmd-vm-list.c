/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm list`: the VMs under the data directory (both back ends), or
 * with --connect URI (repeatable) the libvirt domains of those hosts.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd-vm.h"
#include "cmd.h"
#include "cvm/cleanup.h"
#include "cvm/virt.h"
#include "out.h"

#define USAGE	  "cvm vm list [--json] [--connect URI]..."
#define MAX_HOSTS 16

static struct json_object *
entry_json(const struct cvm_vm_entry *e)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(
		o, "state",
		json_object_new_string(cvm_vm_state_name(e->status.state)));
	json_object_object_add(
		o, "pid",
		e->status.pid ? json_object_new_int(e->status.pid) : NULL);
	json_object_object_add(
		o, "protection",
		json_object_new_string(cvm_protection_name(e->protection)));
	json_object_object_add(o, "memory_mib",
			       json_object_new_int64((int64_t)e->memory_mib));
	json_object_object_add(o, "vcpus", json_object_new_int((int)e->vcpus));
	json_object_object_add(
		o, "backend",
		json_object_new_string(cvm_vm_backend_name(e->backend)));
	json_object_object_add(
		o, "error", e->error ? json_object_new_string(e->error) : NULL);
	return o;
}

static int
list_local(bool json)
{
	static const char *const head[] = {"NAME",   "STATE", "PROTECTION",
					   "MEMORY", "VCPUS", "BACKEND"};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_vm_entry *v = NULL;
	struct json_object *a;
	struct out_table *t;
	size_t n = 0;

	if (cvm_vm_list(&v, &n, &err) < 0)
		return cli_error(&err);
	if (json) {
		a = json_object_new_array();
		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, entry_json(&v[i]));
		out_json(a);
		cvm_vm_list_free(v, n);
		return 0;
	}
	t = out_table_new(6, head);
	for (size_t i = 0; i < n; i++) {
		char mem[32], cpus[16];
		const char *cells[6] = {v[i].name,
					cvm_vm_state_name(v[i].status.state),
					cvm_protection_name(v[i].protection),
					mem,
					cpus,
					cvm_vm_backend_name(v[i].backend)};

		snprintf(mem, sizeof(mem), "%lluM",
			 (unsigned long long)v[i].memory_mib);
		snprintf(cpus, sizeof(cpus), "%u", v[i].vcpus);
		if (v[i].error)
			cells[2] = cells[3] = cells[4] = cells[5] = NULL;
		out_table_row(t, cells);
		if (v[i].error)
			cli_warn("%s", v[i].error);
	}
	if (n)
		out_table_print(t, stdout);
	out_table_free(t);
	cvm_vm_list_free(v, n);
	return 0;
}

static struct json_object *
host_json(const struct cvm_virt_host_list *h)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();

	json_object_object_add(o, "uri", json_object_new_string(h->uri));
	json_object_object_add(o, "error",
			       h->code < 0 ? json_object_new_string(h->error)
					   : NULL);
	for (size_t i = 0; i < h->ndoms; i++) {
		const struct cvm_virt_dominfo *d = &h->doms[i];
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "name",
				       json_object_new_string(d->name));
		json_object_object_add(x, "state",
				       json_object_new_string(d->state));
		json_object_object_add(
			x, "protection",
			json_object_new_string(
				cvm_protection_name(d->protection)));
		json_object_object_add(
			x, "memory_mib",
			json_object_new_int64((int64_t)(d->memory_kib >> 10)));
		json_object_object_add(x, "vcpus",
				       json_object_new_int((int)d->vcpus));
		json_object_object_add(x, "cvm",
				       json_object_new_boolean(d->cvm));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "domains", a);
	return o;
}

static void
host_rows(struct out_table *t, const struct cvm_virt_host_list *h)
{
	for (size_t i = 0; i < h->ndoms; i++) {
		const struct cvm_virt_dominfo *d = &h->doms[i];
		char mem[32], cpus[16];
		const char *cells[7] = {h->uri,
					d->name,
					d->state,
					cvm_protection_name(d->protection),
					mem,
					cpus,
					d->cvm ? "yes" : "no"};

		snprintf(mem, sizeof(mem), "%lluM",
			 (unsigned long long)(d->memory_kib >> 10));
		snprintf(cpus, sizeof(cpus), "%u", d->vcpus);
		out_table_row(t, cells);
	}
}

static int
list_hosts(const char *const *uris, size_t n, bool json)
{
	static const char *const head[] = {"HOST",	 "NAME",   "STATE",
					   "PROTECTION", "MEMORY", "VCPUS",
					   "CVM"};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_virt_host_list *l = NULL;
	struct json_object *a = json_object_new_array();
	struct out_table *t = out_table_new(7, head);
	int r = cvm_virt_list(uris, n, &l, &err);

	for (size_t i = 0; i < n; i++) {
		if (l[i].code < 0 && r >= 0) /* else it is the error */
			cli_warn("%s", l[i].error);
		json_object_array_add(a, host_json(&l[i]));
		host_rows(t, &l[i]);
	}
	if (r >= 0 && json) {
		out_json(a);
	} else {
		if (r >= 0)
			out_table_print(t, stdout);
		json_object_put(a);
	}
	out_table_free(t);
	cvm_virt_host_list_free(l, n);
	return r < 0 ? cli_error(&err) : 0;
}

static int
vm_list_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"json", 0, NULL, 'j'},
		{"connect", 1, NULL, 'c'},
		{NULL, 0, NULL, 0},
	};
	const char *uris[MAX_HOSTS];
	size_t n = 0;
	bool json = false;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'j')
			json = true;
		else if (ch == 'c' && n < MAX_HOSTS)
			uris[n++] = optarg;
		else
			return cli_usage(USAGE,
					 "unknown option, missing value "
					 "or too many hosts in '%s'",
					 argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage(USAGE, "unexpected argument '%s'",
				 argv[optind]);
	return n ? list_hosts(uris, n, json) : list_local(json);
}

const struct cvm_cmd cmd_vm_list = {
	.name = "list",
	.summary = "list VMs (or the libvirt domains of one or more hosts)",
	.usage = USAGE,
	.help = "options:\n"
		"  --json         an array of VMs as JSON (schema: "
		"docs/readme/60-vm.md)\n"
		"  --connect URI  list this libvirt host's domains instead "
		"(repeat for\n"
		"                 several hosts: qemu+ssh://HOST/system ...)\n"
		"exit status: 0 listed (a host that failed is a warning), 1 no "
		"host answered,\n"
		"2 usage\n",
	.run = vm_list_run,
};
