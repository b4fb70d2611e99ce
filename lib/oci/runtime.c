/* SPDX-License-Identifier: MIT */
/*
 * cvm-oci's own settings: /etc/cvm/oci.json (or $CVM_OCI_CONFIG), then
 * single members from the environment.  See cvm/oci.h for the members.
 * The daemon's environment is what the runtime sees (docker-sev.md §6),
 * so the file is the place for settings meant to last.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-priv.h"

static int
parse_accel(const char *s, enum cvm_accel *out)
{
	if (!strcmp(s, "auto"))
		*out = CVM_ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*out = CVM_ACCEL_KVM;
	else if (!strcmp(s, "tcg"))
		*out = CVM_ACCEL_TCG;
	else
		return -EINVAL;
	return 0;
}

static int
set_str(char **dst, struct json_object *o, const char *key, const char *src,
	struct cvm_err *err)
{
	struct json_object *v;
	int r = oci_member(o, key, json_type_string, false, "", &v, err);

	if (r < 0)
		return cvm_err_prefix(err, "'%s'", src);
	if (r > 0) {
		free(*dst);
		*dst = cvm_xstrdup(json_object_get_string(v));
	}
	return 0;
}

static int
set_num(uint64_t *dst, struct json_object *o, const char *key, const char *src,
	struct cvm_err *err)
{
	struct json_object *v;
	int r = oci_member(o, key, json_type_int, false, "", &v, err);

	if (r < 0)
		return cvm_err_prefix(err, "'%s'", src);
	if (r > 0 && json_object_get_int64(v) <= 0)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s': '%s' must be positive", src, key);
	if (r > 0)
		*dst = (uint64_t)json_object_get_int64(v);
	return 0;
}

static int
apply_enums(struct cvm_oci_runtime *rt, const char *prot, const char *accel,
	    const char *src, struct cvm_err *err)
{
	if (prot && cvm_protection_parse(prot, &rt->protection) < 0)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "%s: unknown protection '%s' (none, sev, "
				   "sev-es, sev-snp, auto)",
				   src, prot);
	if (accel && parse_accel(accel, &rt->accel) < 0)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "%s: unknown accel '%s' (auto, kvm, tcg)",
				   src, accel);
	return 0;
}

static int
load_file(struct cvm_oci_runtime *rt, const char *path, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf text = CVM_BUF_INIT;
	cleanup_free char *prot = NULL, *accel = NULL;
	struct json_object *o;
	uint64_t vcpus = rt->vcpus;
	int r;

	if ((r = cvm_file_read(path, &text, 1u << 20, err)) < 0)
		return cvm_err_prefix(err, "runtime config");
	o = json_tokener_parse(cvm_buf_str(&text));
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "runtime config '%s' is not a JSON object",
				   path);
	}
	if ((r = set_str(&prot, o, "protection", path, err)) < 0 ||
	    (r = set_str(&accel, o, "accel", path, err)) < 0 ||
	    (r = set_str(&rt->kernel, o, "kernel", path, err)) < 0 ||
	    (r = set_str(&rt->firmware, o, "firmware", path, err)) < 0 ||
	    (r = set_str(&rt->qemu, o, "qemu", path, err)) < 0 ||
	    (r = set_str(&rt->append, o, "append", path, err)) < 0 ||
	    (r = set_num(&rt->memory_mib, o, "memory_mib", path, err)) < 0 ||
	    (r = set_num(&vcpus, o, "vcpus", path, err)) < 0 ||
	    (r = apply_enums(rt, prot, accel, path, err)) < 0) {
		json_object_put(o);
		return r;
	}
	json_object_put(o);
	rt->vcpus = (unsigned)vcpus;
	rt->source = cvm_xstrdup(path);
	return 0;
}

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void
env_str(char **dst, const char *name)
{
	const char *v = getenv(name);

	if (v && *v) {
		free(*dst);
		*dst = cvm_xstrdup(v);
	}
}

int
cvm_oci_runtime_load(struct cvm_oci_runtime *rt, struct cvm_err *err)
{
	const char *named = env("CVM_OCI_CONFIG");
	const char *path = named ? named : CVM_OCI_CONFIG_DEFAULT;
	int r;

	memset(rt, 0, sizeof(*rt));
	rt->protection = CVM_PROT_AUTO;
	rt->accel = CVM_ACCEL_AUTO;
	rt->memory_mib = 256;
	rt->vcpus = 1;
	if (named || access(path, F_OK) == 0) {
		if ((r = load_file(rt, path, err)) < 0)
			return r;
	}
	env_str(&rt->qemu, "CVM_QEMU");
	env_str(&rt->kernel, "CVM_LINUX_KERNEL");
	return apply_enums(rt, env("CVM_OCI_PROTECTION"), env("CVM_OCI_ACCEL"),
			   "environment", err);
}

void
cvm_oci_runtime_release(struct cvm_oci_runtime *rt)
{
	free(rt->kernel);
	free(rt->firmware);
	free(rt->qemu);
	free(rt->append);
	free(rt->source);
	memset(rt, 0, sizeof(*rt));
}
