/* SPDX-License-Identifier: MIT */
/*
 * Facts documents (docs/host-facts.md) and the replay source: every
 * operation of struct cvm_host_ops answered from a JSON document, so a
 * host recorded with `cvm host facts` can be checked anywhere.
 * An answer is either the value or {"error": "ENOENT"}; a missing
 * member is CVM_HOST_NOFACT.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "facts-priv.h"

static const struct {
	int e;
	const char *name;
} errnames[] = {
	{ENOENT, "ENOENT"},
	{EACCES, "EACCES"},
	{EPERM, "EPERM"},
	{ENOTTY, "ENOTTY"},
	{EINVAL, "EINVAL"},
	{EIO, "EIO"},
	{ENODEV, "ENODEV"},
	{ENXIO, "ENXIO"},
	{EOPNOTSUPP, "EOPNOTSUPP"},
	{EBUSY, "EBUSY"},
	{ENOTDIR, "ENOTDIR"},
	{EISDIR, "EISDIR"},
	{ETIMEDOUT, "ETIMEDOUT"},
	{ENOEXEC, "ENOEXEC"},
	{ENODATA, "ENODATA"},
	{EFBIG, "EFBIG"},
	{ENOMEM, "ENOMEM"},
	{EAGAIN, "EAGAIN"},
	{ENOSYS, "ENOSYS"},
	{EROFS, "EROFS"},
	{ELOOP, "ELOOP"},
	{EFAULT, "EFAULT"},
	{ENAMETOOLONG, "ENAMETOOLONG"},
	{ECONNREFUSED, "ECONNREFUSED"},
	{CVM_E_PARSE, "CVM_E_PARSE"},
	{CVM_E_UNSUPPORTED, "CVM_E_UNSUPPORTED"},
	{CVM_E_FIRMWARE, "CVM_E_FIRMWARE"},
	{CVM_E_CHILD, "CVM_E_CHILD"},
	{CVM_E_TIMEOUT, "CVM_E_TIMEOUT"},
};

const char *
host_errno_name(int e, char *buf, size_t n)
{
	for (size_t i = 0; i < CVM_ARRAY_SIZE(errnames); i++)
		if (errnames[i].e == e)
			return errnames[i].name;
	snprintf(buf, n, "errno %d", e);
	return buf;
}

int
host_errno_parse(const char *s, int *e)
{
	uint64_t v;

	for (size_t i = 0; i < CVM_ARRAY_SIZE(errnames); i++)
		if (strcmp(errnames[i].name, s) == 0) {
			*e = errnames[i].e;
			return 0;
		}
	if (strncmp(s, "errno ", 6) == 0 && cvm_parse_u64(s + 6, &v) == 0 &&
	    v > 0 && v < 100000) {
		*e = (int)v;
		return 0;
	}
	return -EINVAL;
}

const char *
host_strerror(int code)
{
	if (code == CVM_HOST_NOFACT)
		return "not recorded in the facts file";
	return cvm_strerror(code);
}

struct cvm_host_facts *
cvm_host_facts_new(void)
{
	struct cvm_host_facts *f = cvm_xcalloc(1, sizeof(*f));

	f->root = json_object_new_object();
	json_object_object_add(f->root, "format",
			       json_object_new_string(CVM_HOST_FACTS_FORMAT));
	return f;
}

int
cvm_host_facts_parse(const char *text, const char *name,
		     struct cvm_host_facts **out, struct cvm_err *err)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root, *fmt;
	struct cvm_host_facts *f;
	enum json_tokener_error jerr;
	size_t len = strlen(text), end;

	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (root && end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (!root || jerr != json_tokener_success || end != len) {
		json_object_put(root);
		/* json-c says "continue" when the text simply ends */
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s' is not valid JSON: %s", name,
				   !root && jerr == json_tokener_continue
					   ? "unexpected end of input"
				   : root ? "text after the document"
					  : json_tokener_error_desc(jerr));
	}
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "format", &fmt) ||
	    !json_object_is_type(fmt, json_type_string) ||
	    strcmp(json_object_get_string(fmt), CVM_HOST_FACTS_FORMAT) != 0) {
		json_object_put(root);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s' is not a cvm facts file: \"format\" "
				   "must be \"%s\"",
				   name, CVM_HOST_FACTS_FORMAT);
	}
	f = cvm_xcalloc(1, sizeof(*f));
	f->root = root;
	*out = f;
	return 0;
}

int
cvm_host_facts_load(const char *path, struct cvm_host_facts **out,
		    struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	int r = cvm_file_read(path, &b, 64u << 20, err);

	if (r < 0)
		return r;
	if (memchr(cvm_buf_str(&b), '\0', b.len))
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'%s' is not a cvm facts file: binary data",
				   path);
	return cvm_host_facts_parse(cvm_buf_str(&b), path, out, err);
}

void
cvm_host_facts_free(struct cvm_host_facts *f)
{
	if (!f)
		return;
	json_object_put(f->root);
	free(f);
}

struct json_object *
cvm_host_facts_json(struct cvm_host_facts *f)
{
	return f->root;
}

const char *
cvm_host_facts_comment(struct cvm_host_facts *f)
{
	struct json_object *c;

	if (json_object_object_get_ex(f->root, "comment", &c) &&
	    json_object_is_type(c, json_type_string))
		return json_object_get_string(c);
	return NULL;
}

/* ---- lookups ----------------------------------------------------------- */

int
facts_get(struct cvm_host_facts *f, const char *cat, const char *key,
	  struct json_object **val)
{
	struct json_object *o = f->root, *e;
	int code;

	if (cat && !json_object_object_get_ex(o, cat, &o))
		return CVM_HOST_NOFACT;
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, val))
		return CVM_HOST_NOFACT;
	if (json_object_is_type(*val, json_type_object) &&
	    json_object_object_get_ex(*val, "error", &e)) {
		if (!json_object_is_type(e, json_type_string) ||
		    host_errno_parse(json_object_get_string(e), &code) < 0)
			return -EINVAL;
		return -code;
	}
	return 0;
}

bool
facts_u64(struct json_object *o, uint64_t *v)
{
	if (json_object_is_type(o, json_type_int)) {
		int64_t i = json_object_get_int64(o);

		if (i < 0)
			return false;
		*v = (uint64_t)i;
		return true;
	}
	if (json_object_is_type(o, json_type_string)) {
		const char *s = json_object_get_string(o);

		if (strcmp(s, "unlimited") == 0) {
			*v = UINT64_MAX;
			return true;
		}
		return cvm_parse_u64(s, v) == 0;
	}
	return false;
}

bool
facts_member_u64(struct json_object *o, const char *name, uint64_t *v)
{
	struct json_object *m;

	return json_object_object_get_ex(o, name, &m) && facts_u64(m, v);
}

bool
facts_member_bool(struct json_object *o, const char *name)
{
	struct json_object *m;

	return json_object_object_get_ex(o, name, &m) &&
	       json_object_get_boolean(m);
}

/* Text facts: a string, or for programs' output. */
static int
get_string(struct cvm_host_facts *f, const char *cat, const char *key,
	   struct cvm_buf *out)
{
	struct json_object *v;
	int r = facts_get(f, cat, key, &v);

	if (r < 0)
		return r;
	if (!json_object_is_type(v, json_type_string))
		return -EINVAL;
	cvm_buf_truncate(out, 0);
	cvm_buf_adds(out, json_object_get_string(v));
	return 0;
}

char *
facts_key_cpuid(uint32_t leaf, uint32_t subleaf)
{
	return cvm_xasprintf("0x%08x:%u", leaf, subleaf);
}

char *
facts_key_msr(unsigned cpu, uint32_t msr)
{
	return cvm_xasprintf("%u:0x%08x", cpu, msr);
}

const char *
facts_access_mode(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return "r";
	case O_WRONLY:
		return "w";
	default:
		return "rw";
	}
}

/* ---- the replay operations --------------------------------------------- */

static int
fx_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	cleanup_free char *key = facts_key_cpuid(leaf, subleaf);
	struct json_object *v;
	uint64_t x[4];
	int r = facts_get(ctx, "cpuid", key, &v);

	if (r < 0)
		return r;
	if (!json_object_is_type(v, json_type_array) ||
	    json_object_array_length(v) != 4)
		return -EINVAL;
	for (size_t i = 0; i < 4; i++)
		if (!facts_u64(json_object_array_get_idx(v, i), &x[i]) ||
		    x[i] > UINT32_MAX)
			return -EINVAL;
	for (size_t i = 0; i < 4; i++)
		regs[i] = (uint32_t)x[i];
	return 0;
}

static int
fx_rdmsr(void *ctx, unsigned cpu, uint32_t msr, uint64_t *val)
{
	cleanup_free char *key = facts_key_msr(cpu, msr);
	struct json_object *v;
	int r = facts_get(ctx, "msr", key, &v);

	if (r < 0)
		return r;
	return facts_u64(v, val) ? 0 : -EINVAL;
}

static int
fx_read_file(void *ctx, const char *path, struct cvm_buf *out)
{
	return get_string(ctx, "files", path, out);
}

static int
fx_list_dir(void *ctx, const char *path, struct cvm_buf *out)
{
	struct json_object *v;
	int r = facts_get(ctx, "dirs", path, &v);

	if (r < 0)
		return r;
	if (!json_object_is_type(v, json_type_array))
		return -EINVAL;
	cvm_buf_truncate(out, 0);
	for (size_t i = 0; i < json_object_array_length(v); i++)
		cvm_buf_addf(out, "%s%s", i ? "\n" : "",
			     json_object_get_string(
				     json_object_array_get_idx(v, i)));
	return 0;
}

static int
fx_open_access(void *ctx, const char *path, int flags)
{
	struct json_object *v;
	int r = facts_get(ctx, "access", path, &v);

	if (r < 0)
		return r;
	r = facts_get(&(struct cvm_host_facts){v}, NULL,
		      facts_access_mode(flags), &v);
	return r;
}

static int
fx_cpuinfo_flags(void *ctx, struct cvm_buf *out)
{
	return get_string(ctx, NULL, "cpuinfo_flags", out);
}

static int
fx_kvm_api_version(void *ctx, int *version)
{
	struct json_object *v;
	uint64_t x;
	int r = facts_get(ctx, NULL, "kvm_api_version", &v);

	if (r < 0)
		return r;
	if (!facts_u64(v, &x) || x > 1000)
		return -EINVAL;
	*version = (int)x;
	return 0;
}

static int
fx_memlock(void *ctx, uint64_t *soft, uint64_t *hard)
{
	struct json_object *v;
	int r = facts_get(ctx, NULL, "memlock", &v);

	if (r < 0)
		return r;
	if (!facts_member_u64(v, "soft", soft) ||
	    !facts_member_u64(v, "hard", hard))
		return -EINVAL;
	return 0;
}

static int
fx_uname(void *ctx, struct cvm_buf *out)
{
	struct json_object *v, *rel, *mach;
	int r = facts_get(ctx, NULL, "uname", &v);

	if (r < 0)
		return r;
	if (!json_object_object_get_ex(v, "release", &rel) ||
	    !json_object_object_get_ex(v, "machine", &mach))
		return -EINVAL;
	cvm_buf_truncate(out, 0);
	cvm_buf_addf(out, "%s\n%s", json_object_get_string(rel),
		     json_object_get_string(mach));
	return 0;
}

static int
fx_euid(void *ctx, unsigned *uid)
{
	struct json_object *v;
	uint64_t x;
	int r = facts_get(ctx, NULL, "euid", &v);

	if (r < 0)
		return r;
	if (!facts_u64(v, &x) || x > UINT32_MAX)
		return -EINVAL;
	*uid = (unsigned)x;
	return 0;
}

static int
fx_find_program(void *ctx, const char *name, struct cvm_buf *path)
{
	return get_string(ctx, "programs", name, path);
}

static int
fx_run(void *ctx, const char *const *argv, int timeout_ms,
       struct cvm_host_run *out)
{
	cleanup_free char *key = host_argv_key(argv);
	struct json_object *v, *s;
	uint64_t status = 0;
	int r = facts_get(ctx, "commands", key, &v);

	(void)timeout_ms;
	if (r < 0)
		return r;
	if (!facts_member_u64(v, "status", &status) || status > 255)
		return -EINVAL;
	cvm_host_run_release(out);
	out->status = (int)status;
	out->timed_out = facts_member_bool(v, "timed_out");
	if (json_object_object_get_ex(v, "stdout", &s))
		cvm_buf_adds(&out->out, json_object_get_string(s));
	if (json_object_object_get_ex(v, "stderr", &s))
		cvm_buf_adds(&out->err, json_object_get_string(s));
	return 0;
}

static const struct cvm_host_ops facts_ops = {
	.cpuid = fx_cpuid,
	.rdmsr = fx_rdmsr,
	.read_file = fx_read_file,
	.list_dir = fx_list_dir,
	.open_access = fx_open_access,
	.cpuinfo_flags = fx_cpuinfo_flags,
	.sev_status = facts_sev_status,
	.snp_status = facts_snp_status,
	.kvm_api_version = fx_kvm_api_version,
	.memlock = fx_memlock,
	.uname = fx_uname,
	.euid = fx_euid,
	.find_program = fx_find_program,
	.run = fx_run,
	.firmware = facts_firmware,
	.libvirt = facts_libvirt,
};

struct cvm_host_source
cvm_host_source_facts(struct cvm_host_facts *f)
{
	struct cvm_host_source s = {&facts_ops, f};

	return s;
}
