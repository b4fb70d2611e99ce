/* SPDX-License-Identifier: MIT */
/*
 * The evaluation: setting up (host check, QEMU and accelerator, guests,
 * plan, output folder), the run loop with its progress hooks, and the
 * report.  See cvm/eval.h.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "eval-priv.h"

struct cvm_eval {
	struct cvm_eval_config cfg;
	struct cvm_eval_hooks hooks;
	struct cvm_host_report *host;
	struct cvm_qemu_caps caps;
	struct cvm_accel_probe accel;
	const char *qemu;
	struct eval_guests guests;
	struct cvm_eval_plan plan;
	struct eval_store store;
	char *vars_path;
};

static void note(const struct cvm_eval *ev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void
note(const struct cvm_eval *ev, const char *fmt, ...)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	va_list ap;

	if (!ev->hooks.note)
		return;
	va_start(ap, fmt);
	cvm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	ev->hooks.note(ev->hooks.opaque, cvm_buf_str(&b));
}

/* Why `cell` cannot run here, or NULL (see cvm_eval_plan_make()). */
static char *
skip_cell(void *opaque, const struct cvm_eval_cell *cell)
{
	struct cvm_eval *ev = opaque;
	const char *why = NULL;
	struct eval_vm vm;
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	if (cell->level != CVM_PROT_NONE &&
	    !cvm_host_can_launch(ev->host, cell->level, &why))
		return cvm_xasprintf("this host cannot launch %s guests: %s",
				     cvm_protection_name(cell->level),
				     why ? why : "no reason given");
	if (cell->level != CVM_PROT_NONE && ev->accel.accel != CVM_ACCEL_KVM)
		return cvm_xasprintf("%s needs KVM: %s",
				     cvm_protection_name(cell->level),
				     ev->accel.reason);
	if (cell->guest == CVM_EVAL_UNIKERNEL && ev->guests.uk_missing)
		return cvm_xstrdup(ev->guests.uk_missing);
	if (cell->guest == CVM_EVAL_LINUX && ev->guests.linux_missing)
		return cvm_xstrdup(ev->guests.linux_missing);
	/* a dry build of the VM: what QEMU cannot do is a skip too */
	r = eval_vm_make(&ev->guests, cell, &ev->cfg, ev->host, &ev->caps,
			 ev->qemu, ev->accel.accel, ev->vars_path, &vm, &err);
	eval_vm_release(&vm);
	return r < 0 ? cvm_xstrdup(err.msg) : NULL;
}

static int
setup_host(struct cvm_eval *ev, struct cvm_err *err)
{
	struct cvm_host_opts ho = {.qemu = ev->qemu, .skip_libvirt = true};
	struct cvm_vmspec kvm = {.accel = CVM_ACCEL_KVM};
	int r;

	note(ev, "checking the host (cvm host check)");
	if ((r = cvm_host_probe(&ho, &ev->host, err)) < 0 ||
	    (r = cvm_qemu_caps_probe(ev->qemu, &ev->caps, err)) < 0)
		return r;
	if (ev->cfg.accel != CVM_ACCEL_AUTO) {
		ev->accel.accel = ev->cfg.accel;
		snprintf(ev->accel.reason, sizeof(ev->accel.reason),
			 "chosen with --accel");
		return 0;
	}
	note(ev, "probing whether KVM can run guests");
	return cvm_qemu_accel_detect(ev->qemu, &ev->caps,
				     cvm_qemu_default_cpu(&kvm, &ev->caps),
				     &ev->accel, err);
}

/* --pin: QEMU inherits cvm's CPU affinity */
static int
setup_pin(const char *list, struct cvm_err *err)
{
	cpu_set_t set;
	const char *p = list;

	CPU_ZERO(&set);
	while (p && *p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;

		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		for (unsigned long c = a; c <= b && c < CPU_SETSIZE; c++)
			CPU_SET(c, &set);
		p = *end == ',' ? end + 1 : NULL;
	}
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return cvm_err_set(err, -errno, "--pin '%s': %s", list,
				   strerror(errno));
	return 0;
}

int
cvm_eval_new(const struct cvm_eval_config *c,
	     const struct cvm_eval_hooks *hooks, struct cvm_eval **out,
	     struct cvm_err *err)
{
	struct cvm_eval *ev = cvm_xcalloc(1, sizeof(*ev));
	cleanup_free char *gdir = cvm_xasprintf("%s/guest", c->out_dir);
	struct json_object *env, *doc;
	char *moved = NULL;
	int r;

	*out = ev;
	ev->cfg = *c;
	ev->store.runs_fd = -1;
	if (hooks)
		ev->hooks = *hooks;
	ev->qemu = c->qemu ? c->qemu : cvm_qemu_binary();
	/* a protected run's private copy of the OVMF variable store */
	ev->vars_path =
		cvm_xasprintf("%s/OVMF_VARS.%ld.fd", gdir, (long)getpid());
	if ((c->pin && (r = setup_pin(c->pin, err)) < 0) ||
	    (r = setup_host(ev, err)) < 0)
		return r;
	if ((r = cvm_mkdir_p(c->out_dir, 0755, err)) < 0 ||
	    (r = cvm_mkdir_p(gdir, 0755, err)) < 0)
		return cvm_err_prefix(err, "--out");
	if (c->guests & (1u << CVM_EVAL_LINUX))
		note(ev, "preparing the Linux guest (kernel, initramfs)");
	if ((r = eval_guests_prepare(&ev->guests, c, c->out_dir, err)) < 0 ||
	    (r = cvm_eval_plan_make(c, skip_cell, ev, &ev->plan, err)) < 0)
		return r;
	env = eval_env_capture(ev->host, &ev->caps, ev->qemu, &ev->accel,
			       ev->guests.firmware, c);
	doc = eval_plan_doc(c, &ev->plan, &ev->guests, env);
	r = eval_store_open(&ev->store, c->out_dir, doc, c->replace, &moved,
			    err);
	json_object_put(doc);
	if (moved)
		note(ev,
		     "'%s' held another evaluation: its records are now in "
		     "'%s'",
		     c->out_dir, moved);
	free(moved);
	return r;
}

void
cvm_eval_free(struct cvm_eval *ev)
{
	if (!ev)
		return;
	cvm_host_report_free(ev->host);
	eval_guests_release(&ev->guests);
	cvm_eval_plan_release(&ev->plan);
	eval_store_close(&ev->store);
	free(ev->vars_path);
	free(ev);
}

const struct cvm_eval_plan *
cvm_eval_get_plan(const struct cvm_eval *ev)
{
	return &ev->plan;
}

size_t
cvm_eval_done(const struct cvm_eval *ev)
{
	size_t n = 0;

	for (size_t i = 0; i < ev->plan.nruns; i++) {
		const struct cvm_eval_slot *s = &ev->plan.order[i];

		n += eval_runs_have(ev->store.runs, ev->plan.cells[s->cell].id,
				    s->rep);
	}
	return n;
}

enum cvm_accel
cvm_eval_accel(const struct cvm_eval *ev, const char **why)
{
	if (why)
		*why = ev->accel.reason;
	return ev->accel.accel;
}

/* The mean duration (s) of the stored runs of `cell`, else of all; < 0
 * when nothing ran yet. */
static double
mean_duration(struct json_object *runs, const char *cell)
{
	double sum[2] = {0, 0};
	size_t n[2] = {0, 0}, len = json_object_array_length(runs);

	for (size_t i = 0; i < len; i++) {
		struct json_object *o = json_object_array_get_idx(runs, i), *h;
		double d;

		if (!json_object_object_get_ex(o, "host_ms", &h))
			continue;
		d = eval_json_num(h, "exit", -1) / 1000;
		if (d < 0)
			continue;
		sum[0] += d, n[0]++;
		if (!strcmp(eval_json_str(o, "cell"), cell))
			sum[1] += d, n[1]++;
	}
	return n[1] ? sum[1] / (double)n[1] : n[0] ? sum[0] / (double)n[0] : -1;
}

static double
eta(const struct cvm_eval *ev, size_t from)
{
	double left = 0;

	for (size_t i = from; i < ev->plan.nruns; i++) {
		const struct cvm_eval_slot *s = &ev->plan.order[i];
		const char *id = ev->plan.cells[s->cell].id;
		double d;

		if (eval_runs_have(ev->store.runs, id, s->rep))
			continue;
		d = mean_duration(ev->store.runs, id);
		if (d < 0)
			return -1;
		left += d;
	}
	return left;
}

static void
fill_progress(const struct cvm_eval *ev, size_t i, size_t done,
	      struct cvm_eval_progress *p)
{
	const struct cvm_eval_slot *s = &ev->plan.order[i];

	memset(p, 0, sizeof(*p));
	p->index = i;
	p->total = ev->plan.nruns;
	p->done = done;
	p->cell = ev->plan.cells[s->cell].id;
	p->warmup = s->rep < ev->plan.warmup;
	p->rep = p->warmup ? s->rep + 1 : s->rep - ev->plan.warmup + 1;
	p->reps = p->warmup ? ev->plan.warmup : ev->plan.repeat;
	p->eta_s = eta(ev, i);
}

/* One run: 0 (kept, valid or not), -EINTR when stopped, or an error. */
static int
run_slot(struct cvm_eval *ev, const struct cvm_eval_slot *s,
	 const volatile sig_atomic_t *stop, struct cvm_eval_progress *p,
	 struct cvm_err *err)
{
	const struct cvm_eval_cell *cell = &ev->plan.cells[s->cell];
	struct eval_vm vm;
	struct cvm_guest_run r;
	struct cvm_err verdict = CVM_ERR_INIT;
	struct json_object *rec;
	int ret;

	if ((ret = eval_vm_make(&ev->guests, cell, &ev->cfg, ev->host,
				&ev->caps, ev->qemu, ev->accel.accel,
				ev->vars_path, &vm, err)) < 0) {
		eval_vm_release(&vm);
		return cvm_err_prefix(err, "%s", cell->id);
	}
	ret = cvm_guest_run(
		&(struct cvm_guest_run_opts){cvm_argv_get(&vm.argv),
					     (int)ev->cfg.timeout_s * 1000,
					     true, NULL, NULL, stop},
		&r, err);
	if (ret == 0 && !r.stopped) {
		eval_run_verdict(cell, &r, &verdict);
		rec = eval_run_record(cell, s->rep, ev->plan.warmup, &vm, &r,
				      &verdict);
		ret = eval_store_append(&ev->store, rec, err);
		json_object_put(rec);
		p->ok = verdict.code == 0;
		p->seconds = (double)r.end_ns / 1e9;
		p->error = p->ok ? NULL : verdict.msg;
		if (ret == 0 && ev->hooks.run_done)
			ev->hooks.run_done(ev->hooks.opaque, p);
	} else if (ret == 0) {
		ret = cvm_err_set(err, -EINTR, "interrupted");
	}
	cvm_guest_run_release(&r);
	eval_vm_release(&vm);
	return ret;
}

int
cvm_eval_run(struct cvm_eval *ev, const volatile sig_atomic_t *stop,
	     struct cvm_err *err)
{
	size_t done = cvm_eval_done(ev);

	for (size_t i = 0; i < ev->plan.nruns; i++) {
		const struct cvm_eval_slot *s = &ev->plan.order[i];
		struct cvm_eval_progress p;
		int r;

		if (eval_runs_have(ev->store.runs, ev->plan.cells[s->cell].id,
				   s->rep))
			continue;
		if (stop && *stop)
			return cvm_err_set(err, -EINTR, "interrupted");
		fill_progress(ev, i, done, &p);
		if (ev->hooks.run_start)
			ev->hooks.run_start(ev->hooks.opaque, &p);
		if ((r = run_slot(ev, s, stop, &p, err)) < 0)
			return r;
		done++;
	}
	return 0;
}

int
cvm_eval_report(struct cvm_eval *ev, struct cvm_err *err)
{
	return cvm_eval_report_dir(ev->cfg.out_dir, err);
}
