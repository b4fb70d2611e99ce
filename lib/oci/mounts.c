/* SPDX-License-Identifier: MIT */
/*
 * config.json "mounts" and "hooks".  A VM shares no filesystem with the
 * host, so bind mounts of files and folders become copies in the
 * initramfs (a snapshot: writes stay in the guest), a bind onto /dev/shm
 * (podman's) becomes a tmpfs, and binds of sockets or devices are
 * refused.  Mount options follow runc's table (libcontainer/specconv
 * mountFlags): flags for mount(2), propagation dropped, the rest joined
 * as data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-priv.h"

static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} mount_flags[] = {
	{"ro", false, MS_RDONLY},
	{"rw", true, MS_RDONLY},
	{"nosuid", false, MS_NOSUID},
	{"suid", true, MS_NOSUID},
	{"nodev", false, MS_NODEV},
	{"dev", true, MS_NODEV},
	{"noexec", false, MS_NOEXEC},
	{"exec", true, MS_NOEXEC},
	{"sync", false, MS_SYNCHRONOUS},
	{"async", true, MS_SYNCHRONOUS},
	{"noatime", false, MS_NOATIME},
	{"atime", true, MS_NOATIME},
	{"nodiratime", false, MS_NODIRATIME},
	{"diratime", true, MS_NODIRATIME},
	{"relatime", false, MS_RELATIME},
	{"norelatime", true, MS_RELATIME},
	{"strictatime", false, MS_STRICTATIME},
	{"mand", false, MS_MANDLOCK},
	{"nomand", true, MS_MANDLOCK},
	{"dirsync", false, MS_DIRSYNC},
	{"bind", false, MS_BIND},
	{"rbind", false, MS_BIND | MS_REC},
};

static const char *const dropped[] = {
	"private", "rprivate",	 "shared",	"rshared",   "slave",
	"rslave",  "unbindable", "runbindable", "tmpcopyup", "remount",
};

void
oci_mount_options(char *const *opts, size_t n, unsigned long *flags,
		  char **data)
{
	struct cvm_buf d = CVM_BUF_INIT;

	*flags = 0;
	for (size_t i = 0; i < n; i++) {
		bool known = false;

		for (size_t k = 0; k < CVM_ARRAY_SIZE(mount_flags); k++) {
			if (strcmp(opts[i], mount_flags[k].name))
				continue;
			if (mount_flags[k].clear)
				*flags &= ~mount_flags[k].flag;
			else
				*flags |= mount_flags[k].flag;
			known = true;
		}
		for (size_t k = 0; k < CVM_ARRAY_SIZE(dropped); k++)
			known |= !strcmp(opts[i], dropped[k]);
		if (known)
			continue;
		if (d.len)
			cvm_buf_addch(&d, ',');
		cvm_buf_adds(&d, opts[i]);
	}
	*data = cvm_xstrdup(cvm_buf_str(&d));
	cvm_buf_release(&d);
}

static bool
fs_type_ok(const char *t)
{
	static const char *const ok[] = {"proc",    "sysfs",	"tmpfs",
					 "devpts",  "mqueue",	"cgroup",
					 "cgroup2", "devtmpfs", "ramfs"};

	for (size_t i = 0; i < CVM_ARRAY_SIZE(ok); i++)
		if (!strcmp(t, ok[i]))
			return true;
	return false;
}

static const char *
file_kind(mode_t m)
{
	return S_ISSOCK(m)   ? "a socket"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISFIFO(m) ? "a FIFO"
			     : "a special file";
}

/* What the guest does with one mount. */
static int
classify(struct cvm_oci_mount *m, struct cvm_err *err)
{
	struct stat st;

	if (!(m->flags & MS_BIND)) {
		if (!fs_type_ok(m->type))
			return cvm_err_set(err, -CVM_E_UNSUPPORTED,
					   "config.json: mount '%s': type '%s' "
					   "is not supported in a VM",
					   m->destination, m->type);
		m->kind = !strcmp(m->destination, "/dev") &&
					  !strcmp(m->type, "tmpfs")
				  ? CVM_OCI_MOUNT_DEV
				  : CVM_OCI_MOUNT_FS;
		return 0;
	}
	if (!strcmp(m->destination, "/dev/shm")) {
		/* podman binds a host folder there; a tmpfs does the job */
		free(m->type);
		m->type = cvm_xstrdup("tmpfs");
		m->flags &= ~(unsigned long)(MS_BIND | MS_REC);
		m->kind = CVM_OCI_MOUNT_FS;
		return 0;
	}
	free(m->type);
	m->type = cvm_xstrdup("bind");
	if (!m->source || stat(m->source, &st) < 0)
		return cvm_err_set(err, -errno,
				   "config.json: mount '%s': source '%s': %s",
				   m->destination, m->source ? m->source : "",
				   strerror(errno));
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		m->kind = S_ISREG(st.st_mode) ? CVM_OCI_MOUNT_COPY_FILE
					      : CVM_OCI_MOUNT_COPY_DIR;
		return 0;
	}
	return cvm_err_set(err, -CVM_E_UNSUPPORTED,
			   "config.json: mount '%s': '%s' is %s, which cannot "
			   "be shared with a VM",
			   m->destination, m->source, file_kind(st.st_mode));
}

static int
parse_mount(struct cvm_oci_mount *m, struct json_object *o, size_t i,
	    struct cvm_err *err)
{
	struct json_object *v;
	char where[48], **opts = NULL;
	size_t nopts = 0;
	int r;

	snprintf(where, sizeof(where), "mounts[%zu].", i);
	if ((r = oci_member(o, "destination", json_type_string, true, where, &v,
			    err)) < 0)
		return r;
	m->destination = cvm_xstrdup(json_object_get_string(v));
	if (m->destination[0] != '/' || strstr(m->destination, "/../") ||
	    !strcmp(m->destination, "/"))
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: mount destination '%s' must "
				   "be an absolute path below /",
				   m->destination);
	if ((r = oci_member(o, "type", json_type_string, false, where, &v,
			    err)) < 0)
		return r;
	m->type = cvm_xstrdup(v ? json_object_get_string(v) : "none");
	if ((r = oci_member(o, "source", json_type_string, false, where, &v,
			    err)) < 0)
		return r;
	m->source = v ? cvm_xstrdup(json_object_get_string(v)) : NULL;
	if ((r = oci_member(o, "options", json_type_array, false, where, &v,
			    err)) < 0 ||
	    (r = oci_strings(v, "mounts[].options", &opts, &nopts, err)) < 0)
		return r;
	oci_mount_options(opts, nopts, &m->flags, &m->data);
	oci_strv_free(opts);
	if (!strcmp(m->type, "bind"))
		m->flags |= MS_BIND;
	return classify(m, err);
}

int
oci_parse_mounts(struct cvm_oci_spec *s, struct json_object *root,
		 struct cvm_err *err)
{
	struct json_object *arr;
	size_t n;
	int r;

	if ((r = oci_member(root, "mounts", json_type_array, false, "", &arr,
			    err)) <= 0)
		return r;
	n = json_object_array_length(arr);
	s->mounts = cvm_xcalloc(n + 1, sizeof(*s->mounts));
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(arr, i);

		if (!json_object_is_type(o, json_type_object))
			return cvm_err_set(err, -CVM_E_PARSE,
					   "config.json: 'mounts[%zu]' must be "
					   "an object",
					   i);
		s->nmounts++;
		if ((r = parse_mount(&s->mounts[i], o, i, err)) < 0)
			return r;
	}
	return 0;
}

/* ---- hooks ------------------------------------------------------------ */

static const char *const hook_names[CVM_OCI_HOOK_KINDS] = {
	"prestart",	  "createRuntime", "createContainer",
	"startContainer", "poststart",	   "poststop",
};

const char *
cvm_oci_hook_kind_name(enum cvm_oci_hook_kind k)
{
	return k < CVM_OCI_HOOK_KINDS ? hook_names[k] : "?";
}

static int
parse_hook(struct cvm_oci_hook *h, struct json_object *o, const char *where,
	   struct cvm_err *err)
{
	struct json_object *v;
	int r;

	if (!json_object_is_type(o, json_type_object))
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: '%s' must be an object",
				   where);
	if ((r = oci_member(o, "path", json_type_string, true, where, &v,
			    err)) < 0)
		return r;
	h->path = cvm_xstrdup(json_object_get_string(v));
	if (h->path[0] != '/')
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: hook path '%s' must be "
				   "absolute",
				   h->path);
	if ((r = oci_member(o, "args", json_type_array, false, where, &v,
			    err)) < 0 ||
	    (r = oci_strings(v, "hooks[].args", &h->args, NULL, err)) < 0)
		return r;
	if ((r = oci_member(o, "env", json_type_array, false, where, &v, err)) <
		    0 ||
	    (r = oci_strings(v, "hooks[].env", &h->env, NULL, err)) < 0)
		return r;
	if ((r = oci_member(o, "timeout", json_type_int, false, where, &v,
			    err)) < 0)
		return r;
	h->timeout = v ? json_object_get_int(v) : 0;
	if (v && h->timeout <= 0)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "config.json: hook timeout must be "
				   "positive");
	return 0;
}

int
cvm_oci_hooks_parse(struct json_object *hooks, enum cvm_oci_hook_kind k,
		    struct cvm_oci_hooks *out, struct cvm_err *err)
{
	struct json_object *arr;
	char where[64];
	int r;

	out->v = NULL;
	out->n = 0;
	if (!hooks)
		return 0;
	snprintf(where, sizeof(where), "hooks.");
	if ((r = oci_member(hooks, hook_names[k], json_type_array, false, where,
			    &arr, err)) <= 0)
		return r;
	out->v =
		cvm_xcalloc(json_object_array_length(arr) + 1, sizeof(*out->v));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		snprintf(where, sizeof(where), "hooks.%s[%zu].", hook_names[k],
			 i);
		out->n++;
		if ((r = parse_hook(&out->v[i],
				    json_object_array_get_idx(arr, i), where,
				    err)) < 0)
			return r;
	}
	return 0;
}

void
cvm_oci_hooks_release(struct cvm_oci_hooks *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].path);
		oci_strv_free(h->v[i].args);
		oci_strv_free(h->v[i].env);
	}
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

int
oci_parse_hooks(struct cvm_oci_spec *s, struct json_object *root,
		struct cvm_err *err)
{
	struct json_object *hooks;
	int r;

	if ((r = oci_member(root, "hooks", json_type_object, false, "", &hooks,
			    err)) <= 0)
		return r;
	s->hooks_json = json_object_get(hooks);
	for (int k = 0; k < CVM_OCI_HOOK_KINDS; k++)
		if ((r = cvm_oci_hooks_parse(hooks, (enum cvm_oci_hook_kind)k,
					     &s->hooks[k], err)) < 0)
			return r;
	return 0;
}
