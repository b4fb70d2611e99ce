/* SPDX-License-Identifier: MIT */
/*
 * The host report as JSON: the stable schema of `cvm host check --json`,
 * documented by docs/host-check.schema.json (validated in the tests).
 * Change the schema version string when a member changes meaning.
 */
#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "host-priv.h"

#define SCHEMA "cvm-host-check/1"

static struct json_object *
str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *
limit(uint64_t v)
{
	return v == UINT64_MAX ? json_object_new_string("unlimited")
			       : json_object_new_int64((int64_t)v);
}

static struct json_object *
gates_json(unsigned gates)
{
	struct json_object *a = json_object_new_array();

	for (int l = CVM_PROT_SEV; l <= CVM_PROT_SEV_SNP; l++)
		if (gates & CVM_GATE(l))
			json_object_array_add(
				a, json_object_new_string(cvm_protection_name(
					   (enum cvm_protection)l)));
	return a;
}

static struct json_object *
check_json(const struct cvm_host_report *r, const struct cvm_host_check *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(c->id));
	json_object_object_add(o, "name", json_object_new_string(c->name));
	json_object_object_add(
		o, "parent",
		c->parent >= 0 ? json_object_new_string(r->checks[c->parent].id)
			       : NULL);
	json_object_object_add(o, "depth", json_object_new_int((int)c->depth));
	json_object_object_add(
		o, "status",
		json_object_new_string(cvm_check_status_name(c->status)));
	json_object_object_add(o, "gates", gates_json(c->gates));
	json_object_object_add(o, "message",
			       json_object_new_string(c->message));
	json_object_object_add(o, "evidence",
			       json_object_new_string(c->evidence));
	json_object_object_add(o, "fix", str_or_null(c->fix));
	json_object_object_add(
		o, "cause",
		c->cause >= 0 ? json_object_new_string(r->checks[c->cause].id)
			      : NULL);
	return o;
}

static struct json_object *
verdict_json(const struct cvm_host_report *r)
{
	struct json_object *v = json_object_new_object();
	struct json_object *levels = json_object_new_object();

	json_object_object_add(
		v, "max", json_object_new_string(cvm_protection_name(r->max)));
	for (int l = CVM_PROT_SEV; l <= CVM_PROT_SEV_SNP; l++) {
		const struct cvm_host_level *lv = &r->level[l];
		struct json_object *o = json_object_new_object();
		struct json_object *b = NULL;

		json_object_object_add(o, "launchable",
				       json_object_new_boolean(lv->launchable));
		if (lv->blocker >= 0) {
			b = json_object_new_object();
			json_object_object_add(
				b, "id",
				json_object_new_string(
					r->checks[lv->blocker].id));
			json_object_object_add(
				b, "message",
				json_object_new_string(lv->message));
		}
		json_object_object_add(o, "blocker", b);
		json_object_object_add(
			levels, cvm_protection_name((enum cvm_protection)l), o);
	}
	json_object_object_add(v, "levels", levels);
	return v;
}

static struct json_object *
firmware_json(const struct cvm_host_firmware *fw)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "path", json_object_new_string(fw->path));
	json_object_object_add(o, "secure_boot",
			       json_object_new_boolean(fw->secure_boot));
	json_object_object_add(o, "parsed",
			       json_object_new_boolean(fw->parsed));
	json_object_object_add(o, "sev", json_object_new_boolean(fw->info.sev));
	json_object_object_add(o, "sev_es",
			       json_object_new_boolean(fw->info.sev_es));
	json_object_object_add(o, "sev_snp",
			       json_object_new_boolean(fw->info.sev_snp));
	json_object_object_add(
		o, "kernel_hashes",
		json_object_new_boolean(fw->info.kernel_hashes_sev ||
					fw->info.kernel_hashes_snp));
	return o;
}

static struct json_object *
qemu_json(const struct cvm_host_report *r)
{
	struct json_object *q;

	if (!r->qemu_path)
		return NULL;
	q = json_object_new_object();
	json_object_object_add(q, "path", json_object_new_string(r->qemu_path));
	json_object_object_add(q, "version", str_or_null(r->qemu_version));
	json_object_object_add(q, "sev_guest",
			       json_object_new_boolean(r->qemu_sev_guest));
	json_object_object_add(q, "sev_snp_guest",
			       json_object_new_boolean(r->qemu_sev_snp_guest));
	return q;
}

static struct json_object *
host_json(const struct cvm_host_report *r)
{
	struct json_object *h = json_object_new_object();
	struct json_object *m = json_object_new_object();
	struct json_object *fws = json_object_new_array();
	char fw[16];

	json_object_object_add(h, "cpu_family",
			       json_object_new_int((int)r->cpu_family));
	json_object_object_add(h, "cpu_model",
			       json_object_new_int((int)r->cpu_model));
	json_object_object_add(
		h, "cbitpos",
		r->have_cbit ? json_object_new_int((int)r->cbitpos) : NULL);
	json_object_object_add(
		h, "phys_addr_reduction",
		r->have_cbit ? json_object_new_int((int)r->phys_addr_reduction)
			     : NULL);
	json_object_object_add(h, "reduced_phys_bits",
			       json_object_new_int((int)r->reduced_phys_bits));
	json_object_object_add(h, "kernel", str_or_null(r->kernel_release));
	json_object_object_add(h, "kvm_api_version",
			       r->kvm_api_version >= 0
				       ? json_object_new_int(r->kvm_api_version)
				       : NULL);
	snprintf(fw, sizeof(fw), "%u.%u", r->sev_status.api_major,
		 r->sev_status.api_minor);
	json_object_object_add(h, "sev_firmware",
			       r->have_sev_status ? json_object_new_string(fw)
						  : NULL);
	json_object_object_add(h, "qemu", qemu_json(r));
	json_object_object_add(h, "libvirt", str_or_null(r->libvirt_version));
	json_object_object_add(m, "soft", limit(r->memlock_soft));
	json_object_object_add(m, "hard", limit(r->memlock_hard));
	json_object_object_add(h, "memlock", m);
	json_object_object_add(h, "guest_memory",
			       json_object_new_int64((int64_t)r->guest_memory));
	for (size_t i = 0; i < r->nfirmware; i++)
		json_object_array_add(fws, firmware_json(&r->firmware[i]));
	json_object_object_add(h, "firmware", fws);
	return h;
}

struct json_object *
cvm_host_report_json(const struct cvm_host_report *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *checks = json_object_new_array();

	json_object_object_add(o, "schema", json_object_new_string(SCHEMA));
	json_object_object_add(o, "source", json_object_new_string(r->source));
	for (size_t i = 0; i < r->nchecks; i++)
		json_object_array_add(checks, check_json(r, &r->checks[i]));
	json_object_object_add(o, "checks", checks);
	json_object_object_add(o, "verdict", verdict_json(r));
	json_object_object_add(o, "host", host_json(r));
	return o;
}
