/* SPDX-License-Identifier: MIT */
/*
 * Container state (runtime-spec runtime.md "State"): <root>/<id>/
 * state.json, written atomically by create and start.  The status is
 * not stored but derived, as runc does: the monitor process recorded in
 * the state (pid + its start time, so a recycled PID is not mistaken for
 * it) alive and not yet started is "created", alive and started is
 * "running", gone is "stopped".
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-priv.h"

static const char *const status_names[] = {"creating", "created", "running",
					   "stopped"};

const char *
cvm_oci_status_name(enum cvm_oci_status s)
{
	return s <= CVM_OCI_STOPPED ? status_names[s] : "unknown";
}

int
cvm_oci_id_check(const char *id, struct cvm_err *err)
{
	size_t n = strlen(id);

	if (!n || n > 1024 || !strcmp(id, ".") || !strcmp(id, ".."))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "invalid container ID '%s'", id);
	for (const char *c = id; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("_+.-", *c))
			return cvm_err_set(err, -CVM_E_USAGE,
					   "invalid container ID '%s': only "
					   "letters, digits and _+.- are "
					   "allowed",
					   id);
	return 0;
}

char *
cvm_oci_root_default(void)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() != 0 && xdg && xdg[0] == '/')
		return cvm_xasprintf("%s/cvm-oci", xdg);
	return cvm_xstrdup("/run/cvm-oci");
}

char *
cvm_oci_state_dir(const char *root, const char *id)
{
	return cvm_xasprintf("%s/%s", root, id);
}

uint64_t
cvm_oci_pid_start(pid_t pid)
{
	char path[64], buf[1024];
	const char *p;
	unsigned long long v = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and parentheses */
	p = strrchr(buf, ')');
	/* a zombie has ended: only its parent has not reaped it yet */
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	/* field 3 (state) follows; starttime is field 22 */
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &v) != 1)
		return 0;
	return v;
}

void
cvm_oci_now_rfc3339(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char base[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, size, "%s.%09ldZ", base, ts.tv_nsec);
}

enum cvm_oci_status
cvm_oci_state_status(const struct cvm_oci_state *st)
{
	uint64_t start;

	if (st->pid <= 0)
		return CVM_OCI_STOPPED;
	start = cvm_oci_pid_start(st->pid);
	if (!start || start != st->pid_start)
		return CVM_OCI_STOPPED;
	return st->started ? CVM_OCI_RUNNING : CVM_OCI_CREATED;
}

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

struct json_object *
cvm_oci_state_json(const struct cvm_oci_state *st, enum cvm_oci_status status)
{
	struct json_object *o = json_object_new_object();
	struct json_object *cvm = json_object_new_object();

	add_str(o, "ociVersion", CVM_OCI_SPEC_VERSION);
	add_str(o, "id", st->id);
	add_str(o, "status", cvm_oci_status_name(status));
	/* runtime-spec: pid is required for created and running */
	if (status == CVM_OCI_CREATED || status == CVM_OCI_RUNNING ||
	    status == CVM_OCI_CREATING)
		json_object_object_add(o, "pid", json_object_new_int(st->pid));
	add_str(o, "bundle", st->bundle);
	add_str(o, "rootfs", st->rootfs);
	add_str(o, "created", st->created);
	json_object_object_add(o, "annotations",
			       st->annotations
				       ? json_object_get(st->annotations)
				       : json_object_new_object());
	add_str(o, "owner", "");
	add_str(cvm, "protection", cvm_protection_name(st->protection));
	add_str(cvm, "protection_reason", st->protection_reason);
	json_object_object_add(o, "cvm", cvm);
	return o;
}

/* What state.json holds beyond the public state. */
static struct json_object *
state_file_json(const struct cvm_oci_state *st)
{
	struct json_object *o = cvm_oci_state_json(st, CVM_OCI_CREATED);
	struct json_object *cvm = NULL;

	json_object_object_del(o, "status");
	json_object_object_add(o, "pid", json_object_new_int(st->pid));
	json_object_object_get_ex(o, "cvm", &cvm);
	json_object_object_add(cvm, "pid_start",
			       json_object_new_int64((int64_t)st->pid_start));
	json_object_object_add(cvm, "started",
			       json_object_new_boolean(st->started));
	if (st->hooks)
		json_object_object_add(cvm, "hooks",
				       json_object_get(st->hooks));
	return o;
}

int
cvm_oci_state_remove(const char *dir, struct cvm_err *err)
{
	cleanup_closedir DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return errno == ENOENT ? 0
				       : cvm_err_set(err, -errno,
						     "cannot open '%s': %s",
						     dir, strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (rmdir(dir) < 0 && errno != ENOENT)
		return cvm_err_set(err, -errno, "cannot remove '%s': %s", dir,
				   strerror(errno));
	return 0;
}

int
cvm_oci_state_save(const char *dir, const struct cvm_oci_state *st,
		   struct cvm_err *err)
{
	struct json_object *o = state_file_json(st);
	cleanup_free char *path = cvm_xasprintf("%s/state.json", dir);
	const char *text =
		json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	int r = cvm_file_write_atomic(path, text, strlen(text), 0600, err);

	json_object_put(o);
	return r;
}

static char *
get_str(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return cvm_xstrdup(json_object_get_string(v));
}

static void
load_cvm(struct cvm_oci_state *st, struct json_object *cvm)
{
	struct json_object *v;
	cleanup_free char *prot = get_str(cvm, "protection");

	if (prot && cvm_protection_parse(prot, &st->protection) < 0)
		st->protection = CVM_PROT_NONE;
	st->protection_reason = get_str(cvm, "protection_reason");
	if (json_object_object_get_ex(cvm, "pid_start", &v))
		st->pid_start = (uint64_t)json_object_get_int64(v);
	if (json_object_object_get_ex(cvm, "started", &v))
		st->started = json_object_get_boolean(v);
	if (json_object_object_get_ex(cvm, "hooks", &v) &&
	    json_object_is_type(v, json_type_object))
		st->hooks = json_object_get(v);
}

int
cvm_oci_state_load(const char *root, const char *id, struct cvm_oci_state **out,
		   struct cvm_err *err)
{
	cleanup_free char *dir = NULL, *path = NULL;
	cleanup_buf struct cvm_buf text = CVM_BUF_INIT;
	struct json_object *o, *v;
	struct cvm_oci_state *st;
	int r;

	if ((r = cvm_oci_id_check(id, err)) < 0)
		return r;
	dir = cvm_oci_state_dir(root, id);
	path = cvm_xasprintf("%s/state.json", dir);
	if (access(path, F_OK) < 0)
		return cvm_err_set(err, -ENOENT,
				   "container '%s' does not exist", id);
	if ((r = cvm_file_read(path, &text, 16u << 20, err)) < 0)
		return r;
	o = json_tokener_parse(cvm_buf_str(&text));
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "state of container '%s' ('%s') is corrupt",
				   id, path);
	}
	st = cvm_xcalloc(1, sizeof(*st));
	st->id = get_str(o, "id");
	st->bundle = get_str(o, "bundle");
	st->rootfs = get_str(o, "rootfs");
	st->created = get_str(o, "created");
	if (json_object_object_get_ex(o, "pid", &v))
		st->pid = (pid_t)json_object_get_int(v);
	if (json_object_object_get_ex(o, "annotations", &v) &&
	    json_object_is_type(v, json_type_object))
		st->annotations = json_object_get(v);
	if (json_object_object_get_ex(o, "cvm", &v))
		load_cvm(st, v);
	json_object_put(o);
	if (!st->id || strcmp(st->id, id)) {
		cvm_oci_state_free(st);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "state of container '%s' ('%s') names "
				   "another container",
				   id, path);
	}
	*out = st;
	return 0;
}

void
cvm_oci_state_free(struct cvm_oci_state *st)
{
	if (!st)
		return;
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->protection_reason);
	json_object_put(st->annotations);
	json_object_put(st->hooks);
	free(st);
}
