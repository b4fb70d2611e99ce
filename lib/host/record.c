/* SPDX-License-Identifier: MIT */
/*
 * Recording: a source that forwards every operation to another source
 * and writes the answer (or the error) into a facts document, in the
 * layout facts.c replays (docs/host-facts.md).  Also the structured
 * facts (ioctl results, firmware summaries) in both directions.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "facts-priv.h"

static struct json_object *
hexval(uint64_t v, int width)
{
	char s[32];

	snprintf(s, sizeof(s), "0x%0*llx", width, (unsigned long long)v);
	return json_object_new_string(s);
}

/* root[cat][key] = val (cat NULL: root[key]); takes `val`. */
static void
put(struct cvm_host_facts *f, const char *cat, const char *key,
    struct json_object *val)
{
	struct json_object *o = f->root;

	if (cat) {
		if (!json_object_object_get_ex(f->root, cat, &o)) {
			o = json_object_new_object();
			json_object_object_add(f->root, cat, o);
		}
	}
	json_object_object_add(o, key, val);
}

struct json_object *
facts_error_object(int code, uint32_t fw_error)
{
	struct json_object *o = json_object_new_object();
	char buf[32];

	if (code == CVM_HOST_NOFACT)
		code = -ENODATA;
	json_object_object_add(o, "error",
			       json_object_new_string(host_errno_name(
				       -code, buf, sizeof(buf))));
	if (fw_error)
		json_object_object_add(o, "fw_error", hexval(fw_error, 2));
	return o;
}

static struct json_object *
strval(int r, const struct cvm_buf *b)
{
	return r < 0 ? facts_error_object(r, 0)
		     : json_object_new_string(cvm_buf_str(b));
}

#define REC(ctx) ((struct cvm_host_recorder *)(ctx))
#define INNER(ctx, op, ...) \
	REC(ctx)->inner.ops->op(REC(ctx)->inner.ctx, __VA_ARGS__)

static int
rec_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	cleanup_free char *key = facts_key_cpuid(leaf, subleaf);
	int r = INNER(ctx, cpuid, leaf, subleaf, regs);
	struct json_object *a;

	if (r < 0) {
		put(REC(ctx)->into, "cpuid", key, facts_error_object(r, 0));
		return r;
	}
	a = json_object_new_array();
	for (int i = 0; i < 4; i++)
		json_object_array_add(a, hexval(regs[i], 8));
	put(REC(ctx)->into, "cpuid", key, a);
	return r;
}

static int
rec_rdmsr(void *ctx, unsigned cpu, uint32_t msr, uint64_t *val)
{
	cleanup_free char *key = facts_key_msr(cpu, msr);
	int r = INNER(ctx, rdmsr, cpu, msr, val);

	put(REC(ctx)->into, "msr", key,
	    r < 0 ? facts_error_object(r, 0) : hexval(*val, 16));
	return r;
}

static int
rec_read_file(void *ctx, const char *path, struct cvm_buf *out)
{
	int r = INNER(ctx, read_file, path, out);

	put(REC(ctx)->into, "files", path, strval(r, out));
	return r;
}

static int
rec_list_dir(void *ctx, const char *path, struct cvm_buf *out)
{
	int r = INNER(ctx, list_dir, path, out);
	struct json_object *a;
	cleanup_free char *copy = NULL;
	char *save = NULL;

	if (r < 0) {
		put(REC(ctx)->into, "dirs", path, facts_error_object(r, 0));
		return r;
	}
	a = json_object_new_array();
	copy = cvm_xstrdup(cvm_buf_str(out));
	for (char *n = strtok_r(copy, "\n", &save); n;
	     n = strtok_r(NULL, "\n", &save))
		json_object_array_add(a, json_object_new_string(n));
	put(REC(ctx)->into, "dirs", path, a);
	return r;
}

static int
rec_open_access(void *ctx, const char *path, int flags)
{
	int r = INNER(ctx, open_access, path, flags);
	struct json_object *root = REC(ctx)->into->root, *acc, *dev;

	if (!json_object_object_get_ex(root, "access", &acc)) {
		acc = json_object_new_object();
		json_object_object_add(root, "access", acc);
	}
	if (!json_object_object_get_ex(acc, path, &dev)) {
		dev = json_object_new_object();
		json_object_object_add(acc, path, dev);
	}
	json_object_object_add(dev, facts_access_mode(flags),
			       r < 0 ? facts_error_object(r, 0)
				     : json_object_new_string("ok"));
	return r;
}

static int
rec_cpuinfo_flags(void *ctx, struct cvm_buf *out)
{
	int r = INNER(ctx, cpuinfo_flags, out);

	put(REC(ctx)->into, NULL, "cpuinfo_flags", strval(r, out));
	return r;
}

static int
rec_sev_status(void *ctx, struct cvm_sev_platform_status *st,
	       uint32_t *fw_error)
{
	int r = INNER(ctx, sev_status, st, fw_error);
	struct json_object *o;

	if (r < 0) {
		put(REC(ctx)->into, NULL, "sev_platform_status",
		    facts_error_object(r, *fw_error));
		return r;
	}
	o = json_object_new_object();
	json_object_object_add(o, "api_major",
			       json_object_new_int(st->api_major));
	json_object_object_add(o, "api_minor",
			       json_object_new_int(st->api_minor));
	json_object_object_add(o, "build", json_object_new_int(st->build));
	json_object_object_add(o, "state", json_object_new_int(st->state));
	json_object_object_add(o, "flags", hexval(st->flags, 8));
	json_object_object_add(o, "guest_count",
			       json_object_new_int64(st->guest_count));
	put(REC(ctx)->into, NULL, "sev_platform_status", o);
	return r;
}

static int
rec_snp_status(void *ctx, struct cvm_snp_platform_status *st,
	       uint32_t *fw_error)
{
	int r = INNER(ctx, snp_status, st, fw_error);
	struct json_object *o;

	if (r < 0) {
		put(REC(ctx)->into, NULL, "snp_platform_status",
		    facts_error_object(r, *fw_error));
		return r;
	}
	o = json_object_new_object();
	json_object_object_add(o, "api_major",
			       json_object_new_int(st->api_major));
	json_object_object_add(o, "api_minor",
			       json_object_new_int(st->api_minor));
	json_object_object_add(o, "build_id",
			       json_object_new_int64(st->build_id));
	json_object_object_add(o, "state", json_object_new_int(st->state));
	json_object_object_add(o, "status_flags", hexval(st->status_flags, 2));
	json_object_object_add(o, "feature_flags",
			       hexval(st->feature_flags, 8));
	json_object_object_add(o, "guest_count",
			       json_object_new_int64(st->guest_count));
	json_object_object_add(o, "current_tcb", hexval(st->current_tcb, 16));
	json_object_object_add(o, "reported_tcb", hexval(st->reported_tcb, 16));
	put(REC(ctx)->into, NULL, "snp_platform_status", o);
	return r;
}

static int
rec_kvm_api_version(void *ctx, int *version)
{
	int r = INNER(ctx, kvm_api_version, version);

	put(REC(ctx)->into, NULL, "kvm_api_version",
	    r < 0 ? facts_error_object(r, 0) : json_object_new_int(*version));
	return r;
}

static struct json_object *
limit(uint64_t v)
{
	return v == UINT64_MAX ? json_object_new_string("unlimited")
			       : json_object_new_int64((int64_t)v);
}

static int
rec_memlock(void *ctx, uint64_t *soft, uint64_t *hard)
{
	int r = INNER(ctx, memlock, soft, hard);
	struct json_object *o;

	if (r < 0) {
		put(REC(ctx)->into, NULL, "memlock", facts_error_object(r, 0));
		return r;
	}
	o = json_object_new_object();
	json_object_object_add(o, "soft", limit(*soft));
	json_object_object_add(o, "hard", limit(*hard));
	put(REC(ctx)->into, NULL, "memlock", o);
	return r;
}

static int
rec_uname(void *ctx, struct cvm_buf *out)
{
	int r = INNER(ctx, uname, out);
	struct json_object *o;
	const char *s = cvm_buf_str(out), *nl = strchr(s, '\n');

	if (r < 0) {
		put(REC(ctx)->into, NULL, "uname", facts_error_object(r, 0));
		return r;
	}
	o = json_object_new_object();
	json_object_object_add(o, "release",
			       json_object_new_string_len(
				       s, nl ? (int)(nl - s) : (int)strlen(s)));
	json_object_object_add(o, "machine",
			       json_object_new_string(nl ? nl + 1 : ""));
	put(REC(ctx)->into, NULL, "uname", o);
	return r;
}

static int
rec_euid(void *ctx, unsigned *uid)
{
	int r = INNER(ctx, euid, uid);

	put(REC(ctx)->into, NULL, "euid",
	    r < 0 ? facts_error_object(r, 0) : json_object_new_int64(*uid));
	return r;
}

static int
rec_find_program(void *ctx, const char *name, struct cvm_buf *path)
{
	int r = INNER(ctx, find_program, name, path);

	put(REC(ctx)->into, "programs", name, strval(r, path));
	return r;
}

static int
rec_run(void *ctx, const char *const *argv, int timeout_ms,
	struct cvm_host_run *out)
{
	cleanup_free char *key = host_argv_key(argv);
	int r = INNER(ctx, run, argv, timeout_ms, out);
	struct json_object *o;

	if (r < 0) {
		put(REC(ctx)->into, "commands", key, facts_error_object(r, 0));
		return r;
	}
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_int(out->status));
	if (out->timed_out)
		json_object_object_add(o, "timed_out",
				       json_object_new_boolean(true));
	json_object_object_add(o, "stdout",
			       json_object_new_string(cvm_buf_str(&out->out)));
	json_object_object_add(o, "stderr",
			       json_object_new_string(cvm_buf_str(&out->err)));
	put(REC(ctx)->into, "commands", key, o);
	return r;
}

static const char *const fw_bools[] = {
	"table",
	"sev",
	"sev_es",
	"sev_snp",
	"kernel_hashes_sev",
	"kernel_hashes_snp",
	"svsm",
};

static bool *
fw_bool(struct cvm_ovmf_info *info, size_t i)
{
	bool *const p[] = {
		&info->has_table,
		&info->sev,
		&info->sev_es,
		&info->sev_snp,
		&info->kernel_hashes_sev,
		&info->kernel_hashes_snp,
		&info->has_svsm_info,
	};

	return p[i];
}

static int
rec_firmware(void *ctx, const char *path, struct cvm_ovmf_info *info)
{
	int r = INNER(ctx, firmware, path, info);
	struct json_object *o;

	if (r < 0) {
		put(REC(ctx)->into, "firmware", path, facts_error_object(r, 0));
		return r;
	}
	o = json_object_new_object();
	json_object_object_add(o, "size",
			       json_object_new_int64((int64_t)info->size));
	for (size_t i = 0; i < CVM_ARRAY_SIZE(fw_bools); i++)
		json_object_object_add(
			o, fw_bools[i],
			json_object_new_boolean(*fw_bool(info, i)));
	put(REC(ctx)->into, "firmware", path, o);
	return r;
}

static int
rec_libvirt(void *ctx, const char *uri, struct cvm_host_libvirt *out)
{
	int r = INNER(ctx, libvirt, uri, out);

	put(REC(ctx)->into, "libvirt", uri, facts_libvirt_json(r, out));
	return r;
}

int
facts_firmware(void *ctx, const char *path, struct cvm_ovmf_info *info)
{
	struct json_object *v;
	uint64_t size;
	int r = facts_get(ctx, "firmware", path, &v);

	if (r < 0)
		return r;
	if (!facts_member_u64(v, "size", &size))
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = (size_t)size;
	info->gpa = (1ull << 32) - size;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(fw_bools); i++)
		*fw_bool(info, i) = facts_member_bool(v, fw_bools[i]);
	return 0;
}

/* Structured lookups keep the firmware status of a failed ioctl. */
static int
get_status(void *ctx, const char *key, struct json_object **v,
	   uint32_t *fw_error)
{
	struct json_object *raw, *fe;
	uint64_t x;
	int r = facts_get(ctx, NULL, key, v);

	*fw_error = 0;
	if (r < 0 && r != CVM_HOST_NOFACT &&
	    json_object_object_get_ex(((struct cvm_host_facts *)ctx)->root, key,
				      &raw) &&
	    json_object_object_get_ex(raw, "fw_error", &fe) &&
	    facts_u64(fe, &x))
		*fw_error = (uint32_t)x;
	return r;
}

int
facts_sev_status(void *ctx, struct cvm_sev_platform_status *st,
		 uint32_t *fw_error)
{
	struct json_object *v;
	uint64_t x[6];
	static const char *const k[] = {"api_major", "api_minor",
					"build",     "state",
					"flags",     "guest_count"};
	int r = get_status(ctx, "sev_platform_status", &v, fw_error);

	if (r < 0)
		return r;
	for (size_t i = 0; i < 6; i++)
		if (!facts_member_u64(v, k[i], &x[i]))
			return -EINVAL;
	st->api_major = (uint8_t)x[0];
	st->api_minor = (uint8_t)x[1];
	st->build = (uint8_t)x[2];
	st->state = (uint8_t)x[3];
	st->flags = (uint32_t)x[4];
	st->guest_count = (uint32_t)x[5];
	return 0;
}

int
facts_snp_status(void *ctx, struct cvm_snp_platform_status *st,
		 uint32_t *fw_error)
{
	struct json_object *v;
	uint64_t x[9];
	static const char *const k[] = {
		"api_major",   "api_minor",    "build_id",
		"state",       "status_flags", "feature_flags",
		"guest_count", "current_tcb",  "reported_tcb"};
	int r = get_status(ctx, "snp_platform_status", &v, fw_error);

	if (r < 0)
		return r;
	for (size_t i = 0; i < 9; i++)
		if (!facts_member_u64(v, k[i], &x[i]))
			return -EINVAL;
	st->api_major = (uint8_t)x[0];
	st->api_minor = (uint8_t)x[1];
	st->build_id = (uint32_t)x[2];
	st->state = (uint8_t)x[3];
	st->status_flags = (uint8_t)x[4];
	st->feature_flags = (uint32_t)x[5];
	st->guest_count = (uint32_t)x[6];
	st->current_tcb = x[7];
	st->reported_tcb = x[8];
	return 0;
}

static const struct cvm_host_ops rec_ops = {
	.cpuid = rec_cpuid,
	.rdmsr = rec_rdmsr,
	.read_file = rec_read_file,
	.list_dir = rec_list_dir,
	.open_access = rec_open_access,
	.cpuinfo_flags = rec_cpuinfo_flags,
	.sev_status = rec_sev_status,
	.snp_status = rec_snp_status,
	.kvm_api_version = rec_kvm_api_version,
	.memlock = rec_memlock,
	.uname = rec_uname,
	.euid = rec_euid,
	.find_program = rec_find_program,
	.run = rec_run,
	.firmware = rec_firmware,
	.libvirt = rec_libvirt,
};

struct cvm_host_source
cvm_host_source_recorder(struct cvm_host_recorder *r)
{
	struct cvm_host_source s = {&rec_ops, r};

	return s;
}
