/* SPDX-License-Identifier: MIT */
/*
 * plan.json: what an evaluation folder holds (the config, the cells and
 * why some are skipped, the guests' images) and the fingerprint that
 * decides whether a later `cvm eval` may add runs to it.  See
 * eval_plan_doc() in eval-priv.h and docs/results-schema.md.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cvm/cleanup.h"
#include "eval-priv.h"

static struct json_object *
image(const char *role, const char *path)
{
	struct json_object *o = json_object_new_object();
	struct stat st;

	json_object_object_add(o, "role", json_object_new_string(role));
	json_object_object_add(o, "path", json_object_new_string(path));
	json_object_object_add(
		o, "bytes",
		stat(path, &st) == 0
			? json_object_new_int64((int64_t)st.st_size)
			: NULL);
	return o;
}

static void
add_image(struct json_object *arr, const char *role, const char *path)
{
	if (path)
		json_object_array_add(arr, image(role, path));
}

static struct json_object *
guests_json(const struct cvm_eval_config *c, const struct eval_guests *g)
{
	struct json_object *o = json_object_new_object(), *u, *l, *ui, *li;
	cleanup_free char *append = eval_linux_append("WORKLOAD", 'S', false);

	if (c->guests & (1u << CVM_EVAL_UNIKERNEL)) {
		u = json_object_new_object();
		ui = json_object_new_array();
		add_image(ui, "pvh", g->uk_pvh);
		add_image(ui, "efi", g->uk_efi);
		json_object_object_add(u, "images", ui);
		json_object_object_add(
			u, "cmdline",
			json_object_new_string(
				"workload=WORKLOAD class=S reps=1"));
		json_object_object_add(o, "unikernel", u);
	}
	if (c->guests & (1u << CVM_EVAL_LINUX)) {
		l = json_object_new_object();
		li = json_object_new_array();
		add_image(li, "bzimage", g->bzimage);
		add_image(li, "vmlinux", g->vmlinux);
		add_image(li, "initrd", g->initrd);
		add_image(li, "init", g->init);
		json_object_object_add(l, "images", li);
		json_object_object_add(l, "cmdline",
				       json_object_new_string(append));
		json_object_object_add(o, "linux", l);
	}
	return o;
}

static struct json_object *
cells_json(const struct cvm_eval_plan *p, struct cvm_buf *fp)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < p->ncells; i++) {
		const struct cvm_eval_cell *c = &p->cells[i];
		struct json_object *o = json_object_new_object();
		char cls[2] = {c->cls, 0};

		json_object_object_add(o, "id", json_object_new_string(c->id));
		json_object_object_add(
			o, "guest",
			json_object_new_string(cvm_eval_guest_name(c->guest)));
		json_object_object_add(
			o, "protection",
			json_object_new_string(cvm_protection_name(c->level)));
		json_object_object_add(o, "workload",
				       json_object_new_string(c->workload));
		json_object_object_add(o, "class", json_object_new_string(cls));
		json_object_object_add(o, "skipped",
				       json_object_new_boolean(c->skipped));
		json_object_object_add(
			o, "reason",
			c->skipped ? json_object_new_string(c->skip_reason)
				   : NULL);
		json_object_array_add(a, o);
		cvm_buf_addf(fp, "%s%s%s", fp->len ? " " : "", c->id,
			     c->skipped ? ":skipped" : "");
	}
	return a;
}

static struct json_object *
config_json(const struct cvm_eval_config *c)
{
	struct json_object *o = json_object_new_object(),
			   *g = json_object_new_array(),
			   *l = json_object_new_array(),
			   *w = json_object_new_array();
	char cls[2] = {c->cls, 0};

	for (int i = 0; i < CVM_EVAL_NGUESTS; i++)
		if (c->guests & (1u << i))
			json_object_array_add(
				g,
				json_object_new_string(cvm_eval_guest_name(i)));
	for (int i = CVM_PROT_NONE; i <= CVM_PROT_SEV_SNP; i++)
		if (c->levels & (1u << i))
			json_object_array_add(
				l,
				json_object_new_string(cvm_protection_name(i)));
	for (size_t i = 0; i < c->nworkloads; i++)
		json_object_array_add(w,
				      json_object_new_string(c->workloads[i]));
	json_object_object_add(o, "guests", g);
	json_object_object_add(o, "protection", l);
	json_object_object_add(o, "workloads", w);
	json_object_object_add(o, "class", json_object_new_string(cls));
	json_object_object_add(o, "repeat",
			       json_object_new_int((int)c->repeat));
	json_object_object_add(o, "warmup",
			       json_object_new_int((int)c->warmup));
	json_object_object_add(o, "vcpus", json_object_new_int((int)c->vcpus));
	json_object_object_add(
		o, "memory_mib",
		json_object_new_int64(
			(int64_t)(c->memory_mib
					  ? c->memory_mib
					  : cvm_eval_default_memory(c->cls))));
	json_object_object_add(o, "timeout_s",
			       json_object_new_int((int)c->timeout_s));
	json_object_object_add(o, "pin",
			       c->pin ? json_object_new_string(c->pin) : NULL);
	json_object_object_add(o, "quick", json_object_new_boolean(c->quick));
	return o;
}

static const char *
env_str(struct json_object *env, const char *a, const char *b)
{
	struct json_object *x, *y;

	if (!json_object_object_get_ex(env, a, &x))
		return "";
	if (!b)
		return json_object_get_string(x);
	return json_object_object_get_ex(x, b, &y) && y
		       ? json_object_get_string(y)
		       : "";
}

static struct json_object *
fingerprint(const struct cvm_eval_config *c, const struct eval_guests *g,
	    struct json_object *env, const char *cells)
{
	struct json_object *f = json_object_new_object();
	char v[64];
	struct stat st;

	json_object_object_add(f, "cells", json_object_new_string(cells));
	snprintf(v, sizeof(v), "%c", c->cls);
	json_object_object_add(f, "class", json_object_new_string(v));
	snprintf(v, sizeof(v), "%llu MiB",
		 (unsigned long long)(c->memory_mib ? c->memory_mib
						    : cvm_eval_default_memory(
							      c->cls)));
	json_object_object_add(f, "memory", json_object_new_string(v));
	snprintf(v, sizeof(v), "%u", c->vcpus);
	json_object_object_add(f, "vcpus", json_object_new_string(v));
	snprintf(v, sizeof(v), "%u", c->warmup);
	json_object_object_add(f, "warmup", json_object_new_string(v));
	json_object_object_add(
		f, "accel",
		json_object_new_string(env_str(env, "accelerator", NULL)));
	json_object_object_add(
		f, "cpu",
		json_object_new_string(env_str(env, "host", "cpu_model")));
	json_object_object_add(
		f, "qemu",
		json_object_new_string(env_str(env, "qemu", "version")));
	if (g->bzimage && stat(g->bzimage, &st) == 0)
		snprintf(v, sizeof(v), "%lld bytes", (long long)st.st_size);
	else
		snprintf(v, sizeof(v), "none");
	json_object_object_add(f, "kernel", json_object_new_string(v));
	return f;
}

struct json_object *
eval_plan_doc(const struct cvm_eval_config *c, const struct cvm_eval_plan *p,
	      const struct eval_guests *g, struct json_object *env)
{
	struct json_object *o = json_object_new_object(),
			   *s = json_object_new_array();
	cleanup_buf struct cvm_buf fp = CVM_BUF_INIT;
	struct json_object *cells = cells_json(p, &fp);

	json_object_object_add(o, "schema",
			       json_object_new_string(CVM_EVAL_PLAN));
	json_object_object_add(o, "fingerprint",
			       fingerprint(c, g, env, cvm_buf_str(&fp)));
	json_object_object_add(o, "config", config_json(c));
	json_object_object_add(o, "cells", cells);
	json_object_object_add(o, "guests", guests_json(c, g));
	json_object_array_add(s, env);
	json_object_object_add(o, "sessions", s);
	return o;
}
