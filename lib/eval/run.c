/* SPDX-License-Identifier: MIT */
/*
 * One run of the evaluation as a record: the boot phases on the host
 * clock (from QEMU's fork: exec, first console byte, guest main or
 * Linux init, workload start and end, QEMU's exit), the phases on the
 * guest clock, the workload's results and their verification, QEMU's
 * peak RSS, and the verdict.  See eval-priv.h and
 * docs/results-schema.md ("runs").
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cvm/cleanup.h"
#include "eval-priv.h"

bool
eval_metric_higher_better(const char *unit)
{
	return unit && (!strcmp(unit, "Mop/s") || !strcmp(unit, "MB/s"));
}

/* The phase a guest reports when it reaches its main program. */
static const struct cvm_guest_phase *
main_phase(const struct cvm_guest_record *rec)
{
	const struct cvm_guest_phase *p = cvm_guest_record_phase(rec, "main");

	return p ? p : cvm_guest_record_phase(rec, "init");
}

int
eval_run_verdict(const struct cvm_eval_cell *cell,
		 const struct cvm_guest_run *r, struct cvm_err *err)
{
	int ret = cvm_guest_run_verdict(r, true, err);

	if (ret < 0)
		return ret;
	/* never count a guest that did not find itself protected as a run
	 * of a protected level (nor the other way round) */
	if ((ret = cvm_guest_record_check_protection(&r->rec, cell->level,
						     err)) < 0)
		return ret;
	if (!cvm_guest_record_phase(&r->rec, "workload_start"))
		return cvm_err_set(err, -CVM_E_PARSE,
				   "the guest never reported workload_start");
	return 0;
}

static void
add_metric(struct json_object *m, const char *name, double value,
	   const char *unit)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "value", eval_jnum(value));
	json_object_object_add(o, "unit", json_object_new_string(unit));
	json_object_object_add(m, name, o);
}

static double
ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* host-clock phases: "host_ms" and the boot.* metrics */
static void
add_host_phases(struct json_object *rec, struct json_object *m,
		const struct cvm_guest_run *r)
{
	const struct cvm_guest_record *g = &r->rec;
	const struct cvm_guest_phase *ph[3] = {
		main_phase(g), cvm_guest_record_phase(g, "workload_start"),
		cvm_guest_record_phase(g, "workload_end")};
	static const char *const names[3] = {"guest_main", "workload_start",
					     "workload_end"};
	struct json_object *h = json_object_new_object();

	json_object_object_add(h, "exec", eval_jnum(ms(r->exec_ns)));
	json_object_object_add(h, "first_output",
			       g->has_output ? eval_jnum(ms(g->first_byte_ns))
					     : NULL);
	if (g->has_output)
		add_metric(m, "boot.first_output", ms(g->first_byte_ns), "ms");
	for (int i = 0; i < 3; i++) {
		char name[40];

		json_object_object_add(h, names[i],
				       ph[i] ? eval_jnum(ms(ph[i]->host_ns))
					     : NULL);
		snprintf(name, sizeof(name), "boot.%s", names[i]);
		if (ph[i])
			add_metric(m, name, ms(ph[i]->host_ns), "ms");
	}
	/* the workload's length on the host clock: a check on the guest's
	 * own clock, which an emulator may run at another rate */
	if (ph[1] && ph[2] && ph[2]->host_ns >= ph[1]->host_ns)
		add_metric(m, "host.workload_span",
			   ms(ph[2]->host_ns - ph[1]->host_ns), "ms");
	json_object_object_add(h, "exit", eval_jnum(ms(r->end_ns)));
	add_metric(m, "boot.exit", ms(r->end_ns), "ms");
	json_object_object_add(rec, "host_ms", h);
}

/* guest-clock phases, the results, and their metrics */
static void
add_guest(struct json_object *rec, struct json_object *m,
	  const struct cvm_guest_run *r)
{
	const struct cvm_guest_record *g = &r->rec;
	const struct cvm_guest_phase *ws =
		cvm_guest_record_phase(g, "workload_start");
	struct json_object *gp = json_object_new_object(),
			   *res = json_object_new_array();

	for (size_t i = 0; i < g->nphases; i++)
		json_object_object_add(gp, g->phases[i].name,
				       eval_jnum(ms(g->phases[i].guest_ns)));
	if (ws)
		add_metric(m, "guest.workload_start", ms(ws->guest_ns), "ms");
	for (size_t i = 0; i < g->nresults; i++) {
		const struct cvm_guest_result *x = &g->results[i];
		struct json_object *o = json_object_new_object();
		char name[80];

		json_object_object_add(o, "metric",
				       json_object_new_string(x->metric));
		json_object_object_add(o, "value", eval_jnum(x->value));
		json_object_object_add(o, "unit",
				       json_object_new_string(x->unit));
		json_object_object_add(
			o, "verified",
			json_object_new_string(cvm_verified_name(x->verified)));
		json_object_array_add(res, o);
		if (x->verified == CVM_VERIFIED_NA)
			continue; /* hello's "ok": not a measurement */
		snprintf(name, sizeof(name), "workload.%s", x->metric);
		add_metric(m, name, x->value, x->unit);
	}
	json_object_object_add(rec, "guest_ms", gp);
	json_object_object_add(rec, "results", res);
	json_object_object_add(
		rec, "guest_protection",
		cvm_guest_record_info(g, "protection")
			? json_object_new_string(
				  cvm_guest_record_info(g, "protection"))
			: NULL);
	json_object_object_add(rec, "guest_exit",
			       g->has_exit ? json_object_new_int(g->exit_status)
					   : NULL);
}

static void
add_cell(struct json_object *rec, const struct cvm_eval_cell *cell,
	 unsigned rep, unsigned warmup)
{
	char cls[2] = {cell->cls, 0}, when[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(rec, "cell", json_object_new_string(cell->id));
	json_object_object_add(
		rec, "guest",
		json_object_new_string(cvm_eval_guest_name(cell->guest)));
	json_object_object_add(
		rec, "protection",
		json_object_new_string(cvm_protection_name(cell->level)));
	json_object_object_add(rec, "workload",
			       json_object_new_string(cell->workload));
	json_object_object_add(rec, "class", json_object_new_string(cls));
	json_object_object_add(rec, "rep", json_object_new_int((int)rep));
	json_object_object_add(rec, "warmup",
			       json_object_new_boolean(rep < warmup));
	json_object_object_add(rec, "finished", json_object_new_string(when));
}

struct json_object *
eval_run_record(const struct cvm_eval_cell *cell, unsigned rep, unsigned warmup,
		const struct eval_vm *vm, const struct cvm_guest_run *r,
		const struct cvm_err *verdict)
{
	struct json_object *rec = json_object_new_object(),
			   *m = json_object_new_object(),
			   *q = json_object_new_object();
	const struct cvm_vmspec *s = &vm->spec;

	add_cell(rec, cell, rep, warmup);
	json_object_object_add(rec, "ok",
			       json_object_new_boolean(verdict->code == 0));
	json_object_object_add(
		rec, "error",
		verdict->code
			? json_object_new_string(verdict->msg[0] ? verdict->msg
								 : "failed")
			: NULL);
	json_object_object_add(rec, "boot",
			       json_object_new_string(s->boot == CVM_BOOT_EFI
							      ? "efi"
							      : "pvh"));
	json_object_object_add(rec, "accel",
			       json_object_new_string(s->accel == CVM_ACCEL_KVM
							      ? "kvm"
							      : "tcg"));
	json_object_object_add(rec, "memory_mib",
			       json_object_new_int64((int64_t)s->memory_mib));
	json_object_object_add(rec, "vcpus",
			       json_object_new_int((int)s->vcpus));
	add_host_phases(rec, m, r);
	add_guest(rec, m, r);
	json_object_object_add(q, "status",
			       json_object_new_int(r->qemu_status));
	json_object_object_add(
		q, "peak_rss_kib",
		json_object_new_int64((int64_t)r->qemu_peak_rss_kib));
	json_object_object_add(rec, "qemu", q);
	if (r->qemu_peak_rss_kib)
		add_metric(m, "qemu.peak_rss",
			   (double)r->qemu_peak_rss_kib / 1024, "MiB");
	json_object_object_add(rec, "metrics", m);
	return rec;
}
