/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm inspect` and `cvm vm list`: a VM's state, configuration and
 * files, and for a running QEMU what QMP says (query-status, query-sev:
 * QEMU qapi/misc-target.json SevInfo, launch-and-host.md §3.4).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/qmp.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

static void
put_path(struct json_object *o, const struct cvm_vm *vm, const char *key,
	 const char *file)
{
	cleanup_free char *p = cvm_vm_path(vm, file);

	json_object_object_add(o, key,
			       access(p, F_OK) == 0 ? json_object_new_string(p)
						    : NULL);
}

static struct json_object *
paths_json(const struct cvm_vm *vm)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "dir", json_object_new_string(vm->dir));
	put_path(o, vm, "config", CVM_VM_F_CONFIG);
	put_path(o, vm, "disk", CVM_VM_F_DISK);
	put_path(o, vm, "vars", CVM_VM_F_VARS);
	put_path(o, vm, "seed", CVM_VM_F_SEED);
	put_path(o, vm, "kernel", CVM_VM_F_KERNEL);
	put_path(o, vm, "initrd", CVM_VM_F_INITRD);
	put_path(o, vm, "dh_cert", CVM_VM_F_DHCERT);
	put_path(o, vm, "session", CVM_VM_F_SESSION);
	put_path(o, vm, "console", CVM_VM_F_CONSOLE);
	put_path(o, vm, "qmp", CVM_VM_F_QMP);
	put_path(o, vm, "serial_log", CVM_VM_F_SERIAL);
	put_path(o, vm, "qemu_log", CVM_VM_F_QEMULOG);
	put_path(o, vm, "pid_file", CVM_VM_F_PID);
	return o;
}

/* One QMP query: its return value, or {"error": TEXT}. */
static struct json_object *
query(struct cvm_qmp *q, const char *cmd)
{
	struct json_object *ret = NULL, *o;
	struct cvm_err e = CVM_ERR_INIT;

	if (cvm_qmp_execute(q, cmd, NULL, &ret, &e) == 0)
		return ret;
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(e.msg));
	return o;
}

static struct json_object *
qmp_json(const struct cvm_vm *vm)
{
	struct json_object *o = json_object_new_object();
	struct cvm_qmp *q = NULL;
	struct cvm_err e = CVM_ERR_INIT;

	if (vm_qmp_open(vm, 3000, &q, &e) < 0) {
		json_object_object_add(o, "error",
				       json_object_new_string(e.msg));
		return o;
	}
	json_object_object_add(o, "status", query(q, "query-status"));
	/* on a QEMU without SEV: enabled false, state uninit (§3.4) */
	json_object_object_add(o, "sev", query(q, "query-sev"));
	cvm_qmp_close(q);
	return o;
}

struct json_object *
cvm_vm_inspect_json(struct cvm_vm *vm, struct cvm_err *err)
{
	struct json_object *o = json_object_new_object(), *run = NULL;
	struct cvm_vm_status st;

	(void)err;
	cvm_vm_status(vm, &st);
	if (vm->cfg.backend == CVM_VM_LIBVIRT)
		run = vm_virt_inspect(vm);
	else if (st.state == CVM_VM_RUNNING)
		run = qmp_json(vm);
	if (run && st.state == CVM_VM_RUNNING &&
	    json_object_object_get_ex(run, "status", NULL)) {
		struct json_object *s = json_object_object_get(run, "status");
		struct json_object *rn = NULL;

		/* QMP query-status: "running": false while paused (-S) */
		if (json_object_object_get_ex(s, "running", &rn) &&
		    !json_object_get_boolean(rn))
			st.state = CVM_VM_PAUSED;
	}
	json_object_object_add(o, "name", json_object_new_string(vm->name));
	json_object_object_add(
		o, "state",
		json_object_new_string(cvm_vm_state_name(st.state)));
	json_object_object_add(o, "detail",
			       st.detail[0] ? json_object_new_string(st.detail)
					    : NULL);
	json_object_object_add(o, "pid",
			       st.pid ? json_object_new_int64(st.pid) : NULL);
	json_object_object_add(o, "config", cvm_vm_config_json(&vm->cfg));
	json_object_object_add(o, "paths", paths_json(vm));
	json_object_object_add(
		o, vm->cfg.backend == CVM_VM_LIBVIRT ? "libvirt" : "qmp", run);
	return o;
}

/* ---- list --------------------------------------------------------------- */

static void
entry_fill(struct cvm_vm_entry *e, const char *name)
{
	struct cvm_vm *vm = NULL;
	struct cvm_err err = CVM_ERR_INIT;

	memset(e, 0, sizeof(*e));
	e->name = cvm_xstrdup(name);
	if (cvm_vm_open(name, 0, &vm, &err) < 0) {
		e->error = cvm_xstrdup(err.msg);
		e->status.state = CVM_VM_UNKNOWN;
		return;
	}
	cvm_vm_status(vm, &e->status);
	e->protection = vm->cfg.protection;
	e->memory_mib = vm->cfg.memory_mib;
	e->vcpus = vm->cfg.vcpus;
	e->backend = vm->cfg.backend;
	cvm_vm_close(vm);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct cvm_vm_entry *)a)->name,
		      ((const struct cvm_vm_entry *)b)->name);
}

int
cvm_vm_list(struct cvm_vm_entry **out, size_t *n, struct cvm_err *err)
{
	cleanup_free char *root = cvm_vm_root();
	cleanup_closedir DIR *d = NULL;
	struct cvm_vm_entry *v = NULL;
	size_t cnt = 0;
	struct dirent *e;

	*out = NULL;
	*n = 0;
	vm_gc_temps(root);
	d = opendir(root);
	if (!d)
		return errno == ENOENT
			       ? 0
			       : cvm_err_set(err, -errno, "list '%s': %s", root,
					     strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || cvm_vm_name_check(e->d_name, NULL))
			continue;
		v = cvm_xrealloc(v, (cnt + 1) * sizeof(*v));
		entry_fill(&v[cnt++], e->d_name);
	}
	if (cnt)
		qsort(v, cnt, sizeof(*v), by_name);
	*out = v;
	*n = cnt;
	return 0;
}

void
cvm_vm_list_free(struct cvm_vm_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].error);
	}
	free(e);
}
