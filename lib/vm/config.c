/* SPDX-License-Identifier: MIT */
/*
 * vm.json: a VM's configuration as JSON and back (the schema is in
 * docs/readme/60-vm.md), and loading/saving it atomically.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

static const char *const backend_names[] = {"qemu", "libvirt"};
static const char *const guest_names[] = {"cloud-image", "kernel", "unikernel"};
static const char *const accel_names[] = {"auto", "kvm", "tcg"};
static const char *const boot_names[] = {"pvh", "efi", "disk"};

static int
lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

const char *
cvm_vm_backend_name(enum cvm_vm_backend b)
{
	return (size_t)b < CVM_ARRAY_SIZE(backend_names) ? backend_names[b]
							 : "?";
}

int
cvm_vm_backend_parse(const char *s, enum cvm_vm_backend *out)
{
	int i = lookup(backend_names, CVM_ARRAY_SIZE(backend_names), s);

	if (i < 0)
		return -EINVAL;
	*out = (enum cvm_vm_backend)i;
	return 0;
}

const char *
cvm_vm_guest_name(enum cvm_vm_guest g)
{
	return (size_t)g < CVM_ARRAY_SIZE(guest_names) ? guest_names[g] : "?";
}

const char *
vm_accel_name(enum cvm_accel a)
{
	return (size_t)a < CVM_ARRAY_SIZE(accel_names) ? accel_names[a] : "?";
}

int
vm_accel_parse(const char *s, enum cvm_accel *out)
{
	int i = lookup(accel_names, CVM_ARRAY_SIZE(accel_names), s);

	if (i < 0)
		return -EINVAL;
	*out = (enum cvm_accel)i;
	return 0;
}

const char *
vm_boot_name(enum cvm_boot b)
{
	return (size_t)b < CVM_ARRAY_SIZE(boot_names) ? boot_names[b] : "?";
}

void
cvm_vm_config_release(struct cvm_vm_config *c)
{
	char **strs[] = {&c->name,	    &c->connect,  &c->base_image,
			 &c->base_format,   &c->append,	  &c->workload,
			 &c->kernel_source, &c->firmware, &c->vars_template,
			 &c->created,	    &c->host,	  &c->id_block,
			 &c->id_auth,	    &c->host_data};

	for (size_t i = 0; i < CVM_ARRAY_SIZE(strs); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	memset(c, 0, sizeof(*c));
}

/* ---- to JSON ------------------------------------------------------------ */

static void
put_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void
put_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static void
put_bool(struct json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

struct json_object *
cvm_vm_config_json(const struct cvm_vm_config *c)
{
	struct json_object *o = json_object_new_object();
	char pol[32];

	snprintf(pol, sizeof(pol), "0x%" PRIx64, c->policy);
	put_str(o, "format", CVM_VM_FORMAT);
	put_str(o, "name", c->name);
	put_str(o, "backend", cvm_vm_backend_name(c->backend));
	put_str(o, "connect", c->connect);
	put_str(o, "guest", cvm_vm_guest_name(c->guest));
	put_str(o, "protection", cvm_protection_name(c->protection));
	put_str(o, "requested", cvm_protection_name(c->requested));
	put_str(o, "policy", c->protection == CVM_PROT_NONE ? NULL : pol);
	put_u64(o, "cbitpos", c->cbitpos);
	put_u64(o, "reduced_phys_bits", c->reduced_phys_bits);
	put_bool(o, "kernel_hashes", c->kernel_hashes);
	put_str(o, "id_block", c->id_block);
	put_str(o, "id_auth", c->id_auth);
	put_str(o, "host_data", c->host_data);
	put_bool(o, "author_key", c->author_key);
	put_bool(o, "dh_cert", c->has_dh_cert);
	put_bool(o, "session", c->has_session);
	put_str(o, "accel", vm_accel_name(c->accel));
	put_str(o, "boot", vm_boot_name(c->boot));
	put_u64(o, "vcpus", c->vcpus);
	put_u64(o, "memory_mib", c->memory_mib);
	put_bool(o, "network", c->network);
	put_str(o, "base_image", c->base_image);
	put_str(o, "base_format", c->base_format);
	put_u64(o, "disk_size", c->disk_size);
	put_bool(o, "kernel", c->has_kernel);
	put_bool(o, "initrd", c->has_initrd);
	put_str(o, "append", c->append);
	put_str(o, "workload", c->workload);
	put_str(o, "kernel_source", c->kernel_source);
	put_str(o, "firmware", c->firmware);
	put_str(o, "vars_template", c->vars_template);
	put_bool(o, "vars", c->has_vars);
	put_bool(o, "seed", c->has_seed);
	put_str(o, "created", c->created);
	put_str(o, "host", c->host);
	return o;
}

/* ---- from JSON ---------------------------------------------------------- */

struct rd {
	struct json_object *o;
	const char *where;
	struct cvm_err *err;
	int r; /* first error, sticky */
};

static struct json_object *
member(struct rd *rd, const char *k, enum json_type t, bool nullable)
{
	struct json_object *v = NULL;

	if (rd->r < 0)
		return NULL;
	if (!json_object_object_get_ex(rd->o, k, &v)) {
		rd->r = cvm_err_set(rd->err, -CVM_E_PARSE,
				    "'%s': member '%s' is missing", rd->where,
				    k);
		return NULL;
	}
	if (!v && nullable)
		return NULL;
	if (!v || !json_object_is_type(v, t)) {
		rd->r = cvm_err_set(rd->err, -CVM_E_PARSE,
				    "'%s': member '%s' has the wrong type",
				    rd->where, k);
		return NULL;
	}
	return v;
}

static char *
get_str(struct rd *rd, const char *k, bool nullable)
{
	struct json_object *v = member(rd, k, json_type_string, nullable);

	return v ? cvm_xstrdup(json_object_get_string(v)) : NULL;
}

static uint64_t
get_u64(struct rd *rd, const char *k, uint64_t max)
{
	struct json_object *v = member(rd, k, json_type_int, false);
	int64_t x = v ? json_object_get_int64(v) : 0;

	if (v && (x < 0 || (uint64_t)x > max)) {
		rd->r = cvm_err_set(rd->err, -CVM_E_PARSE,
				    "'%s': member '%s' is out of range",
				    rd->where, k);
		return 0;
	}
	return (uint64_t)x;
}

static bool
get_bool(struct rd *rd, const char *k)
{
	struct json_object *v = member(rd, k, json_type_boolean, false);

	return v && json_object_get_boolean(v);
}

static int
get_enum(struct rd *rd, const char *k, const char *const *names, size_t n)
{
	cleanup_free char *s = get_str(rd, k, false);
	int i = s ? lookup(names, n, s) : -1;

	if (s && i < 0)
		rd->r = cvm_err_set(rd->err, -CVM_E_PARSE,
				    "'%s': member '%s' has an unknown value "
				    "'%.40s'",
				    rd->where, k, s);
	return i < 0 ? 0 : i;
}

static enum cvm_protection
get_prot(struct rd *rd, const char *k, bool allow_auto)
{
	cleanup_free char *s = get_str(rd, k, false);
	enum cvm_protection p = CVM_PROT_NONE;

	if (s && (cvm_protection_parse(s, &p) < 0 ||
		  (!allow_auto && p == CVM_PROT_AUTO)))
		rd->r = cvm_err_set(rd->err, -CVM_E_PARSE,
				    "'%s': member '%s' is not a protection "
				    "level",
				    rd->where, k);
	return p;
}

static void
get_policy(struct rd *rd, struct cvm_vm_config *c)
{
	cleanup_free char *s = get_str(rd, "policy", true);

	if (s && cvm_parse_u64(s, &c->policy) < 0)
		rd->r = cvm_err_set(rd->err, -CVM_E_PARSE,
				    "'%s': member 'policy' is not a number",
				    rd->where);
	if (rd->r == 0 && !s && c->protection != CVM_PROT_NONE)
		rd->r = cvm_err_set(rd->err, -CVM_E_PARSE,
				    "'%s': a protected VM needs a policy",
				    rd->where);
}

static void
read_all(struct rd *rd, struct cvm_vm_config *c)
{
	c->name = get_str(rd, "name", false);
	c->backend = get_enum(rd, "backend", backend_names,
			      CVM_ARRAY_SIZE(backend_names));
	c->connect = get_str(rd, "connect", true);
	c->guest =
		get_enum(rd, "guest", guest_names, CVM_ARRAY_SIZE(guest_names));
	c->protection = get_prot(rd, "protection", false);
	c->requested = get_prot(rd, "requested", true);
	get_policy(rd, c);
	c->cbitpos = (unsigned)get_u64(rd, "cbitpos", 63);
	c->reduced_phys_bits = (unsigned)get_u64(rd, "reduced_phys_bits", 63);
	c->kernel_hashes = get_bool(rd, "kernel_hashes");
	c->id_block = get_str(rd, "id_block", true);
	c->id_auth = get_str(rd, "id_auth", true);
	c->host_data = get_str(rd, "host_data", true);
	c->author_key = get_bool(rd, "author_key");
	c->has_dh_cert = get_bool(rd, "dh_cert");
	c->has_session = get_bool(rd, "session");
	c->accel =
		get_enum(rd, "accel", accel_names, CVM_ARRAY_SIZE(accel_names));
	c->boot = get_enum(rd, "boot", boot_names, CVM_ARRAY_SIZE(boot_names));
	c->vcpus = (unsigned)get_u64(rd, "vcpus", 255);
	c->memory_mib = get_u64(rd, "memory_mib", 16ull << 20);
	c->network = get_bool(rd, "network");
	c->base_image = get_str(rd, "base_image", true);
	c->base_format = get_str(rd, "base_format", true);
	c->disk_size = get_u64(rd, "disk_size", UINT64_MAX >> 1);
	c->has_kernel = get_bool(rd, "kernel");
	c->has_initrd = get_bool(rd, "initrd");
	c->append = get_str(rd, "append", true);
	c->workload = get_str(rd, "workload", true);
	c->kernel_source = get_str(rd, "kernel_source", true);
	c->firmware = get_str(rd, "firmware", true);
	c->vars_template = get_str(rd, "vars_template", true);
	c->has_vars = get_bool(rd, "vars");
	c->has_seed = get_bool(rd, "seed");
	c->created = get_str(rd, "created", true);
	c->host = get_str(rd, "host", true);
}

int
cvm_vm_config_parse(struct json_object *o, const char *where,
		    struct cvm_vm_config *out, struct cvm_err *err)
{
	struct rd rd = {o, where, err, 0};
	struct cvm_vm_config c;
	cleanup_free char *fmt = NULL;

	memset(&c, 0, sizeof(c));
	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(o, json_type_object))
		return cvm_err_set(err, -CVM_E_PARSE, "'%s' is not an object",
				   where);
	fmt = get_str(&rd, "format", false);
	if (fmt && strcmp(fmt, CVM_VM_FORMAT) != 0)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s': format '%.40s', expected '%s'", where,
				   fmt, CVM_VM_FORMAT);
	read_all(&rd, &c);
	if (rd.r == 0 && cvm_vm_name_check(c.name, NULL) < 0)
		rd.r = cvm_err_set(err, -CVM_E_PARSE, "'%s': invalid name",
				   where);
	if (rd.r < 0) {
		cvm_vm_config_release(&c);
		return rd.r;
	}
	*out = c;
	return 0;
}

/* ---- files -------------------------------------------------------------- */

int
vm_config_load(const char *dir, struct cvm_vm_config *out, struct cvm_err *err)
{
	cleanup_free char *path = cvm_xasprintf("%s/" CVM_VM_F_CONFIG, dir);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct json_object *o;
	int r;

	if ((r = cvm_file_read(path, &b, 1u << 20, err)) < 0)
		return r;
	o = json_tokener_parse(cvm_buf_str(&b));
	if (!o)
		return cvm_err_set(err, -CVM_E_PARSE, "'%s' is not JSON", path);
	r = cvm_vm_config_parse(o, path, out, err);
	json_object_put(o);
	return r;
}

int
vm_config_save(const char *dir, const struct cvm_vm_config *c,
	       struct cvm_err *err)
{
	cleanup_free char *path = cvm_xasprintf("%s/" CVM_VM_F_CONFIG, dir);
	struct json_object *o = cvm_vm_config_json(c);
	const char *text = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
			   JSON_C_TO_STRING_NOSLASHESCAPE);
	cleanup_free char *line = cvm_xasprintf("%s\n", text);
	int r;

	json_object_put(o);
	r = cvm_file_write_atomic(path, line, strlen(line), 0600, err);
	return r;
}
