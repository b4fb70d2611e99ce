/* SPDX-License-Identifier: MIT */
/*
 * A planned run and its outcome as JSON, for `cvm run --json` and the
 * evaluation.  The schema is documented in docs/readme/45-run.md.
 */
#include <string.h>

#include "cvm/guestio.h"

static const char *
accel_name(enum cvm_accel a)
{
	return a == CVM_ACCEL_KVM ? "kvm" : a == CVM_ACCEL_TCG ? "tcg" : "auto";
}

static struct json_object *
str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *
plan_json(const struct cvm_run_plan *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *argv = json_object_new_array();
	char cls[2] = {p->req.cls, 0};

	json_object_object_add(o, "workload",
			       json_object_new_string(p->req.workload));
	json_object_object_add(o, "class", json_object_new_string(cls));
	json_object_object_add(o, "reps", json_object_new_int64(p->req.reps));
	json_object_object_add(
		o, "boot",
		json_object_new_string(p->req.boot == CVM_BOOT_EFI ? "efi"
								   : "pvh"));
	json_object_object_add(o, "protection",
			       json_object_new_string(cvm_protection_name(
				       p->spec.protection)));
	json_object_object_add(o, "sev", cvm_run_sev_json(p));
	json_object_object_add(
		o, "memory_mib",
		json_object_new_int64((int64_t)p->req.memory_mib));
	json_object_object_add(o, "vcpus", json_object_new_int64(p->req.vcpus));
	json_object_object_add(
		o, "accel", json_object_new_string(accel_name(p->req.accel)));
	json_object_object_add(o, "accel_reason",
			       json_object_new_string(p->accel.reason));
	json_object_object_add(o, "image", str_or_null(p->image));
	json_object_object_add(o, "firmware", str_or_null(p->firmware));
	for (size_t i = 0; i < p->argv.n; i++)
		json_object_array_add(argv,
				      json_object_new_string(p->argv.v[i]));
	json_object_object_add(o, "argv", argv);
	return o;
}

static struct json_object *
host_json(const struct cvm_guest_run *r)
{
	struct json_object *h = json_object_new_object();

	json_object_object_add(h, "exec_ns",
			       json_object_new_int64((int64_t)r->exec_ns));
	json_object_object_add(
		h, "first_output_ns",
		r->rec.has_output
			? json_object_new_int64((int64_t)r->rec.first_byte_ns)
			: NULL);
	json_object_object_add(
		h, "exit_line_ns",
		r->rec.has_exit
			? json_object_new_int64((int64_t)r->rec.exit_host_ns)
			: NULL);
	json_object_object_add(h, "end_ns",
			       json_object_new_int64((int64_t)r->end_ns));
	json_object_object_add(h, "qemu_status",
			       json_object_new_int(r->qemu_status));
	json_object_object_add(h, "timed_out",
			       json_object_new_boolean(r->timed_out));
	json_object_object_add(
		h, "qemu_stderr",
		json_object_new_string(cvm_buf_str(&r->qemu_stderr)));
	return h;
}

struct json_object *
cvm_run_json(const struct cvm_run_plan *plan, const struct cvm_guest_run *run,
	     const struct cvm_err *verdict)
{
	struct json_object *o = plan_json(plan);
	bool ok = verdict && verdict->code == 0;

	if (!run)
		return o;
	json_object_object_add(o, "host", host_json(run));
	json_object_object_add(o, "guest", cvm_guest_record_json(&run->rec));
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(
		o, "error",
		ok || !verdict ? NULL : json_object_new_string(verdict->msg));
	json_object_object_add(
		o, "exit_status",
		json_object_new_int(verdict ? cvm_err_exit_status(verdict->code)
					    : 1));
	return o;
}
