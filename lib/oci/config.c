/* SPDX-License-Identifier: MIT */
/*
 * A bundle's config.json (OCI runtime-spec config.md, config-linux.md)
 * into struct cvm_oci_spec.  Fields are type-checked; what a VM cannot
 * honour is refused by name (see cvm/oci.h), what it makes moot
 * (namespaces, cgroups, capabilities, seccomp) is accepted.  Mounts and
 * hooks are in mounts.c.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-priv.h"

/* A member of `obj` that must have `type` when present. */
int
oci_member(struct json_object *obj, const char *key, enum json_type type,
	   bool required, const char *where, struct json_object **out,
	   struct cvm_err *err)
{
	struct json_object *v = NULL;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || !v) {
		if (required)
			return cvm_err_set(err, -CVM_E_PARSE,
					   "config.json: '%s%s' is missing",
					   where, key);
		return 0;
	}
	if (!json_object_is_type(v, type) &&
	    !(type == json_type_double &&
	      json_object_is_type(v, json_type_int)))
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: '%s%s' must be %s, not %s",
				   where, key, json_type_to_name(type),
				   json_type_to_name(json_object_get_type(v)));
	*out = v;
	return 1;
}

/* A JSON array of strings into a NULL-terminated, malloc'd vector. */
int
oci_strings(struct json_object *arr, const char *what, char ***out,
	    size_t *count, struct cvm_err *err)
{
	size_t n = arr ? json_object_array_length(arr) : 0;
	char **v = cvm_xcalloc(n + 1, sizeof(*v));

	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(e, json_type_string)) {
			oci_strv_free(v);
			return cvm_err_set(err, -CVM_E_PARSE,
					   "config.json: '%s[%zu]' must be a "
					   "string",
					   what, i);
		}
		v[i] = cvm_xstrdup(json_object_get_string(e));
	}
	*out = v;
	if (count)
		*count = n;
	return 0;
}

void
oci_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static int
get_u32(struct json_object *obj, const char *key, const char *where,
	uint32_t *out, bool *present, struct cvm_err *err)
{
	struct json_object *v;
	int r = oci_member(obj, key, json_type_int, false, where, &v, err);
	int64_t x;

	if (r <= 0)
		return r;
	x = json_object_get_int64(v);
	if (x < 0 || x > UINT32_MAX)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: '%s%s' is out of range (%lld)",
				   where, key, (long long)x);
	*out = (uint32_t)x;
	if (present)
		*present = true;
	return 1;
}

static int
parse_user(struct cvm_oci_spec *s, struct json_object *proc,
	   struct cvm_err *err)
{
	struct json_object *u, *v;
	int r;

	if ((r = oci_member(proc, "user", json_type_object, false, "process.",
			    &u, err)) <= 0)
		return r;
	if ((r = get_u32(u, "uid", "process.user.", &s->uid, NULL, err)) < 0 ||
	    (r = get_u32(u, "gid", "process.user.", &s->gid, NULL, err)) < 0 ||
	    (r = get_u32(u, "umask", "process.user.", &s->umask, &s->has_umask,
			 err)) < 0)
		return r;
	if (json_object_object_get_ex(u, "username", &v) && v &&
	    *json_object_get_string(v))
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "config.json: 'process.user.username' is "
				   "for Windows; give uid and gid");
	if ((r = oci_member(u, "additionalGids", json_type_array, false,
			    "process.user.", &v, err)) <= 0)
		return r;
	s->ngids = json_object_array_length(v);
	s->gids = cvm_xcalloc(s->ngids + 1, sizeof(*s->gids));
	for (size_t i = 0; i < s->ngids; i++) {
		int64_t g =
			json_object_get_int64(json_object_array_get_idx(v, i));

		if (g < 0 || g > UINT32_MAX)
			return cvm_err_set(err, -CVM_E_PARSE,
					   "config.json: "
					   "'process.user.additionalGids[%zu]' "
					   "is out of range",
					   i);
		s->gids[i] = (uint32_t)g;
	}
	return 0;
}

static int
parse_process(struct cvm_oci_spec *s, struct json_object *root,
	      struct cvm_err *err)
{
	struct json_object *proc, *v;
	int r;

	if ((r = oci_member(root, "process", json_type_object, true, "", &proc,
			    err)) < 0)
		return r;
	if ((r = oci_member(proc, "args", json_type_array, true, "process.", &v,
			    err)) < 0 ||
	    (r = oci_strings(v, "process.args", &s->args, &s->nargs, err)) < 0)
		return r;
	if (!s->nargs || !*s->args[0])
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: 'process.args' is empty");
	if ((r = oci_member(proc, "env", json_type_array, false, "process.", &v,
			    err)) < 0 ||
	    (r = oci_strings(v, "process.env", &s->env, &s->nenv, err)) < 0)
		return r;
	if ((r = oci_member(proc, "cwd", json_type_string, true, "process.", &v,
			    err)) < 0)
		return r;
	s->cwd = cvm_xstrdup(json_object_get_string(v));
	if (s->cwd[0] != '/')
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: 'process.cwd' must be an "
				   "absolute path, not '%s'",
				   s->cwd);
	if ((r = oci_member(proc, "terminal", json_type_boolean, false,
			    "process.", &v, err)) < 0)
		return r;
	s->terminal = v && json_object_get_boolean(v);
	if ((r = oci_member(proc, "consoleSize", json_type_object, false,
			    "process.", &v, err)) > 0 &&
	    ((r = get_u32(v, "height", "process.consoleSize.", &s->console_rows,
			  NULL, err)) < 0 ||
	     (r = get_u32(v, "width", "process.consoleSize.", &s->console_cols,
			  NULL, err)) < 0))
		return r;
	return r < 0 ? r : parse_user(s, proc, err);
}

static int
parse_root(struct cvm_oci_spec *s, struct json_object *root,
	   struct cvm_err *err)
{
	struct json_object *r, *v;
	const char *path;
	int ret;

	if ((ret = oci_member(root, "root", json_type_object, true, "", &r,
			      err)) < 0 ||
	    (ret = oci_member(r, "path", json_type_string, true, "root.", &v,
			      err)) < 0)
		return ret;
	path = json_object_get_string(v);
	if (!*path)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: 'root.path' is empty");
	s->root_path = path[0] == '/' ? cvm_xstrdup(path)
				      : cvm_xasprintf("%s/%s", s->bundle, path);
	if ((ret = oci_member(r, "readonly", json_type_boolean, false, "root.",
			      &v, err)) < 0)
		return ret;
	s->root_readonly = v && json_object_get_boolean(v);
	return 0;
}

/* linux.resources: memory.limit and cpu.quota/period size the VM. */
static int
parse_resources(struct cvm_oci_spec *s, struct json_object *linux_,
		struct cvm_err *err)
{
	struct json_object *res, *mem, *cpu, *v, *p;
	int r;

	if ((r = oci_member(linux_, "resources", json_type_object, false,
			    "linux.", &res, err)) <= 0)
		return r;
	if ((r = oci_member(res, "memory", json_type_object, false,
			    "linux.resources.", &mem, err)) < 0)
		return r;
	if (mem && json_object_object_get_ex(mem, "limit", &v) && v &&
	    json_object_get_int64(v) > 0)
		s->memory_limit = (uint64_t)json_object_get_int64(v);
	if ((r = oci_member(res, "cpu", json_type_object, false,
			    "linux.resources.", &cpu, err)) < 0)
		return r;
	if (cpu && json_object_object_get_ex(cpu, "quota", &v) && v &&
	    json_object_object_get_ex(cpu, "period", &p) && p &&
	    json_object_get_int64(v) > 0 && json_object_get_int64(p) > 0) {
		int64_t q = json_object_get_int64(v),
			per = json_object_get_int64(p);

		s->vcpus = (unsigned)((q + per - 1) / per);
	}
	return 0;
}

static int
parse_linux(struct cvm_oci_spec *s, struct json_object *root,
	    struct cvm_err *err)
{
	static const char *const others[] = {"solaris", "windows", "vm", "zos"};
	struct json_object *l, *v;
	int r;

	for (size_t i = 0; i < CVM_ARRAY_SIZE(others); i++)
		if (json_object_object_get_ex(root, others[i], &v) && v)
			return cvm_err_set(err, -CVM_E_UNSUPPORTED,
					   "config.json: '%s' is not supported "
					   "by cvm-oci (Linux containers only)",
					   others[i]);
	if ((r = oci_member(root, "linux", json_type_object, false, "", &l,
			    err)) <= 0)
		return r;
	if ((r = oci_member(l, "devices", json_type_array, false, "linux.", &v,
			    err)) < 0)
		return r;
	if (v && json_object_array_length(v) > 0)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "config.json: 'linux.devices': host "
				   "devices cannot be passed into the VM");
	return parse_resources(s, l, err);
}

static int
parse_top(struct cvm_oci_spec *s, struct json_object *root, struct cvm_err *err)
{
	struct json_object *v;
	const char *ver;
	int r;

	if ((r = oci_member(root, "ociVersion", json_type_string, true, "", &v,
			    err)) < 0)
		return r;
	ver = json_object_get_string(v);
	if (strncmp(ver, "1.", 2) != 0)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "config.json: ociVersion '%s' is not "
				   "supported (cvm-oci implements 1.x)",
				   ver);
	if ((r = oci_member(root, "hostname", json_type_string, false, "", &v,
			    err)) < 0)
		return r;
	if (v && *json_object_get_string(v))
		s->hostname = cvm_xstrdup(json_object_get_string(v));
	if ((r = oci_member(root, "annotations", json_type_object, false, "",
			    &v, err)) < 0)
		return r;
	s->annotations = v ? json_object_get(v) : NULL;
	return 0;
}

int
cvm_oci_spec_parse(const char *text, const char *bundle,
		   struct cvm_oci_spec **out, struct cvm_err *err)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = json_tokener_parse_ex(tok, text, -1);
	enum json_tokener_error je = json_tokener_get_error(tok);
	size_t off = json_tokener_get_parse_end(tok);
	struct cvm_oci_spec *s;
	int r;

	json_tokener_free(tok);
	if (!root || je != json_tokener_success) {
		json_object_put(root);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json is not valid JSON: %s at "
				   "offset %zu",
				   json_tokener_error_desc(je), off);
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: the top level must be an "
				   "object");
	}
	s = cvm_xcalloc(1, sizeof(*s));
	s->bundle = cvm_xstrdup(bundle);
	if ((r = parse_top(s, root, err)) < 0 ||
	    (r = parse_root(s, root, err)) < 0 ||
	    (r = parse_process(s, root, err)) < 0 ||
	    (r = parse_linux(s, root, err)) < 0 ||
	    (r = oci_parse_mounts(s, root, err)) < 0 ||
	    (r = oci_parse_hooks(s, root, err)) < 0) {
		json_object_put(root);
		cvm_oci_spec_free(s);
		return r;
	}
	json_object_put(root);
	*out = s;
	return 0;
}

int
cvm_oci_spec_load(const char *bundle, struct cvm_oci_spec **out,
		  struct cvm_err *err)
{
	cleanup_buf struct cvm_buf text = CVM_BUF_INIT;
	cleanup_free char *abs = realpath(bundle, NULL);
	cleanup_free char *path = NULL;
	struct stat st;
	int r;

	if (!abs)
		return cvm_err_set(err, -errno, "bundle '%s': %s", bundle,
				   strerror(errno));
	path = cvm_xasprintf("%s/config.json", abs);
	if (access(path, F_OK) < 0)
		return cvm_err_set(err, -errno, "bundle '%s': config.json: %s",
				   abs, strerror(errno));
	if ((r = cvm_file_read(path, &text, 16u << 20, err)) < 0)
		return r;
	if ((r = cvm_oci_spec_parse(cvm_buf_str(&text), abs, out, err)) < 0)
		return cvm_err_prefix(err, "bundle '%s'", abs);
	r = stat((*out)->root_path, &st) < 0 ? -errno
	    : S_ISDIR(st.st_mode)	     ? 0
					     : -ENOTDIR;
	if (r < 0) {
		cvm_err_set(err, r, "bundle '%s': rootfs '%s': %s", abs,
			    (*out)->root_path, strerror(-r));
		cvm_oci_spec_free(*out);
		*out = NULL;
		return r;
	}
	return 0;
}

void
cvm_oci_spec_free(struct cvm_oci_spec *s)
{
	if (!s)
		return;
	free(s->bundle);
	free(s->root_path);
	oci_strv_free(s->args);
	oci_strv_free(s->env);
	free(s->cwd);
	free(s->gids);
	free(s->hostname);
	for (size_t i = 0; i < s->nmounts; i++) {
		free(s->mounts[i].destination);
		free(s->mounts[i].type);
		free(s->mounts[i].source);
		free(s->mounts[i].data);
	}
	free(s->mounts);
	for (int k = 0; k < CVM_OCI_HOOK_KINDS; k++)
		cvm_oci_hooks_release(&s->hooks[k]);
	json_object_put(s->hooks_json);
	json_object_put(s->annotations);
	free(s);
}

const char *
cvm_oci_spec_annotation(const struct cvm_oci_spec *s, const char *key)
{
	struct json_object *v;

	if (!s->annotations ||
	    !json_object_object_get_ex(s->annotations, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}
