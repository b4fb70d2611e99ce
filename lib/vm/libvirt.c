/* SPDX-License-Identifier: MIT */
/*
 * The libvirt back end of `cvm vm` (issue 8): the same VM folder and
 * vm.json, with the domain defined, started, stopped and undefined (with
 * its NVRAM) through lib/virt on the VM's connection URI.  libvirt makes
 * the per-VM NVRAM itself from the variable-store template at first start
 * (launch-and-host.md §4.1).  Paths in the domain are absolute and must
 * exist where the daemon runs: for a remote URI, on that host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/virt.h"
#include "cvm/vm.h"
#include "vm-priv.h"

int
vm_virt_open(const struct cvm_vm_config *c, struct cvm_virt_conn **out,
	     struct cvm_err *err)
{
	return cvm_virt_open(c->connect, out, err);
}

/* The spec libvirt gets: absolute paths, the accelerator decided. */
static void
virt_spec(const struct cvm_vm_config *c, const char *dir,
	  struct cvm_virt_conn *conn, struct vm_spec *s)
{
	struct cvm_virt_sev_caps caps;
	struct cvm_err e = CVM_ERR_INIT;

	vm_spec_make(c, dir, true, s);
	if (c->protection != CVM_PROT_NONE)
		s->spec.accel = CVM_ACCEL_KVM;
	else if (c->accel == CVM_ACCEL_AUTO)
		/* KVM when the daemon offers a kvm domain type */
		s->spec.accel = cvm_virt_domcaps(conn, "kvm", &caps, &e) == 0
					? CVM_ACCEL_KVM
					: CVM_ACCEL_TCG;
}

int
vm_virt_define(const struct cvm_vm_config *c, const char *dir,
	       struct cvm_err *err)
{
	struct cvm_virt_conn *conn = NULL;
	struct vm_spec s;
	int r;

	if ((r = vm_virt_open(c, &conn, err)) < 0)
		return r;
	virt_spec(c, dir, conn, &s);
	r = cvm_virt_create(conn, &s.spec, 0, err);
	vm_spec_release(&s);
	cvm_virt_close(conn);
	return r;
}

int
cvm_vm_libvirt_xml(const struct cvm_vm_config *c, const char *dir,
		   struct cvm_buf *out, struct cvm_err *err)
{
	struct cvm_virt_conn *conn = NULL;
	struct vm_spec s;
	int r;

	if ((r = vm_virt_open(c, &conn, err)) < 0)
		return r;
	virt_spec(c, dir, conn, &s);
	r = cvm_virt_domain_xml(&s.spec, cvm_virt_daemon_version(conn), 0, out,
				err);
	vm_spec_release(&s);
	cvm_virt_close(conn);
	return r;
}

static enum cvm_vm_state
state_of(const struct cvm_virt_dominfo *d)
{
	if (!strcmp(d->state, "running") || !strcmp(d->state, "blocked"))
		return CVM_VM_RUNNING;
	if (!strcmp(d->state, "paused") || !strcmp(d->state, "pmsuspended"))
		return CVM_VM_PAUSED;
	if (!strcmp(d->state, "crashed") || !strcmp(d->reason, "crashed"))
		return CVM_VM_CRASHED;
	if (!strcmp(d->state, "shutoff") || !strcmp(d->state, "shutdown"))
		return CVM_VM_STOPPED;
	return CVM_VM_UNKNOWN;
}

void
vm_virt_status(const struct cvm_vm *vm, struct cvm_vm_status *st)
{
	struct cvm_virt_conn *conn = NULL;
	struct cvm_virt_dominfo d;
	struct cvm_err e = CVM_ERR_INIT;

	memset(&d, 0, sizeof(d));
	st->state = CVM_VM_UNKNOWN;
	if (vm_virt_open(&vm->cfg, &conn, &e) < 0 ||
	    cvm_virt_inspect(conn, vm->name, &d, &e) < 0) {
		snprintf(st->detail, sizeof(st->detail), "%.240s", e.msg);
	} else {
		st->state = state_of(&d);
		snprintf(st->detail, sizeof(st->detail), "libvirt: %s%s%s",
			 d.state, d.reason[0] ? ", " : "", d.reason);
	}
	cvm_virt_dominfo_release(&d);
	cvm_virt_close(conn);
}

/* Run `fn` on the VM's connection. */
#define WITH_CONN(vm, err, call)                                 \
	__extension__({                                          \
		struct cvm_virt_conn *conn = NULL;               \
		int r_ = vm_virt_open(&(vm)->cfg, &conn, (err)); \
		if (r_ == 0)                                     \
			r_ = (call);                             \
		cvm_virt_close(conn);                            \
		r_;                                              \
	})

int
vm_virt_start(struct cvm_vm *vm, bool paused, struct cvm_err *err)
{
	return WITH_CONN(vm, err, cvm_virt_start(conn, vm->name, paused, err));
}

int
vm_virt_stop(struct cvm_vm *vm, int timeout_ms, enum cvm_vm_stop_how *how,
	     struct cvm_err *err)
{
	struct cvm_vm_status st;
	bool forced = false;
	int r;

	vm_virt_status(vm, &st);
	*how = CVM_VM_STOP_NOT_RUNNING;
	if (st.state != CVM_VM_RUNNING && st.state != CVM_VM_PAUSED)
		return 0;
	r = WITH_CONN(vm, err,
		      cvm_virt_stop(conn, vm->name, timeout_ms, &forced, err));
	*how = forced ? CVM_VM_STOP_KILLED : CVM_VM_STOP_POWERDOWN;
	return r;
}

int
vm_virt_kill(struct cvm_vm *vm, struct cvm_err *err)
{
	return WITH_CONN(vm, err, cvm_virt_kill(conn, vm->name, err));
}

int
vm_virt_undefine(struct cvm_vm *vm, struct cvm_err *err)
{
	int r = WITH_CONN(vm, err, cvm_virt_delete(conn, vm->name, err));

	/* already gone from libvirt: the local state can still go */
	return r == -ENOENT ? 0 : r;
}

int
vm_virt_console(struct cvm_vm *vm, const struct cvm_vm_console_opts *o,
		struct cvm_err *err)
{
	static const int ends[] = {
		[CVM_VIRT_CONSOLE_EOF] = CVM_VM_CONSOLE_EOF,
		[CVM_VIRT_CONSOLE_STOPPED] = CVM_VM_CONSOLE_STOPPED,
		[CVM_VIRT_CONSOLE_ESCAPE] = CVM_VM_CONSOLE_ESCAPE,
		[CVM_VIRT_CONSOLE_TIMEOUT] = CVM_VM_CONSOLE_TIMEOUT,
	};
	/* lib/virt ends the session at EOF on in_fd, where cvm vm console
	 * only stops the input: so it gets only a terminal's input (a
	 * script's stdin is not forwarded to libvirt consoles) */
	struct cvm_virt_console_opts vo = {
		.out = o->out,
		.opaque = o->opaque,
		.in_fd = o->in_fd >= 0 && isatty(o->in_fd) ? o->in_fd : -1,
		.escape = o->escape,
		.timeout_ms = o->timeout_ms,
		.resume = o->resume,
	};
	int r = WITH_CONN(vm, err, cvm_virt_console(conn, vm->name, &vo, err));

	if (r < 0)
		return r;
	return (size_t)r < CVM_ARRAY_SIZE(ends) ? ends[r] : CVM_VM_CONSOLE_EOF;
}

struct json_object *
vm_virt_inspect(struct cvm_vm *vm)
{
	struct json_object *o = json_object_new_object();
	struct cvm_virt_dominfo d;
	struct cvm_err e = CVM_ERR_INIT;
	char pol[32];

	memset(&d, 0, sizeof(d));
	if (WITH_CONN(vm, &e, cvm_virt_inspect(conn, vm->name, &d, &e)) < 0) {
		json_object_object_add(o, "error",
				       json_object_new_string(e.msg));
		return o;
	}
	snprintf(pol, sizeof(pol), "0x%llx", (unsigned long long)d.policy);
	json_object_object_add(o, "uri", json_object_new_string(d.uri));
	json_object_object_add(o, "uuid", json_object_new_string(d.uuid));
	json_object_object_add(o, "id", json_object_new_int(d.id));
	json_object_object_add(o, "state", json_object_new_string(d.state));
	json_object_object_add(o, "reason", json_object_new_string(d.reason));
	json_object_object_add(o, "type",
			       json_object_new_string(d.kvm ? "kvm" : "qemu"));
	json_object_object_add(
		o, "protection",
		json_object_new_string(cvm_protection_name(d.protection)));
	json_object_object_add(o, "policy",
			       d.protection == CVM_PROT_NONE
				       ? NULL
				       : json_object_new_string(pol));
	json_object_object_add(o, "measurement",
			       d.has_measurement
				       ? json_object_new_string(d.measurement)
				       : NULL);
	cvm_virt_dominfo_release(&d);
	return o;
}
