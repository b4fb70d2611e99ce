/* SPDX-License-Identifier: MIT */
/*
 * The libvirt fact, in all three sources: asked of the daemon through
 * the libvirt C API (cvm/virt.h: virNodeGetSEVInfo and the <sev> element
 * of the domain capabilities, launch-and-host.md §4.4), recorded into a
 * facts document, and replayed from one.  Facts layout
 * (docs/host-facts.md):
 *
 *   "libvirt": {"qemu:///system": {"version": "11.3.0",
 *       "node_sev": {"supported": true, "cbitpos": 51,
 *                    "reduced_phys_bits": 1, "max_guests": 907,
 *                    "max_es_guests": 99},
 *       "domcaps_sev": {"supported": false, "why": "..."}}}
 *
 * or {"error": "ECONNREFUSED", "why": "..."} for the connection, and
 * the same error form for either query.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/virt.h"
#include "facts-priv.h"

/* The domain capabilities asked for: what cvm's libvirt XML uses. */
#define DOMCAPS_VIRTTYPE "kvm"

/* Copy `src` into dst[n], cut short when longer. */
static void
copy_why(char *dst, size_t n, const char *src)
{
	size_t len = src ? strnlen(src, n - 1) : 0;

	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
}

int
host_real_libvirt(void *ctx, const char *uri, struct cvm_host_libvirt *out)
{
	struct cvm_virt_conn *c = NULL;
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	(void)ctx;
	memset(out, 0, sizeof(*out));
	r = cvm_virt_open(uri, &c, &err);
	if (r < 0) {
		copy_why(out->why, sizeof(out->why), err.msg);
		return r;
	}
	cvm_virt_version_format(cvm_virt_daemon_version(c), out->version,
				sizeof(out->version));
	out->node_rc = cvm_virt_node_sev(c, &out->node, &err);
	if (out->node_rc < 0)
		copy_why(out->node.why, sizeof(out->node.why), err.msg);
	cvm_err_clear(&err);
	out->domcaps_rc =
		cvm_virt_domcaps(c, DOMCAPS_VIRTTYPE, &out->domcaps, &err);
	if (out->domcaps_rc < 0)
		copy_why(out->domcaps.why, sizeof(out->domcaps.why), err.msg);
	cvm_virt_close(c);
	return 0;
}

/* ---- recording ------------------------------------------------------ */

static struct json_object *
error_why(int code, const char *why)
{
	struct json_object *o = facts_error_object(code, 0);

	if (why && *why)
		json_object_object_add(o, "why", json_object_new_string(why));
	return o;
}

static struct json_object *
caps_json(int rc, const struct cvm_virt_sev_caps *s)
{
	struct json_object *o;

	if (rc < 0)
		return error_why(rc, s->why);
	o = json_object_new_object();
	json_object_object_add(o, "supported",
			       json_object_new_boolean(s->supported));
	if (!s->supported) {
		json_object_object_add(o, "why",
				       json_object_new_string(s->why));
		return o;
	}
	json_object_object_add(o, "cbitpos", json_object_new_int(s->cbitpos));
	json_object_object_add(o, "reduced_phys_bits",
			       json_object_new_int(s->reduced_phys_bits));
	json_object_object_add(o, "max_guests",
			       json_object_new_int64(s->max_guests));
	json_object_object_add(o, "max_es_guests",
			       json_object_new_int64(s->max_es_guests));
	return o;
}

struct json_object *
facts_libvirt_json(int r, const struct cvm_host_libvirt *lv)
{
	struct json_object *o;

	if (r < 0)
		return error_why(r, lv->why);
	o = json_object_new_object();
	json_object_object_add(o, "version",
			       json_object_new_string(lv->version));
	json_object_object_add(o, "node_sev",
			       caps_json(lv->node_rc, &lv->node));
	json_object_object_add(o, "domcaps_sev",
			       caps_json(lv->domcaps_rc, &lv->domcaps));
	return o;
}

/* ---- replay --------------------------------------------------------- */

/* The "why" of parent[key] (parent NULL: of `o` itself), if any. */
static void
why_of(struct json_object *parent, const char *key, char *dst, size_t n)
{
	struct json_object *o = parent, *w;

	if (key && !json_object_object_get_ex(parent, key, &o))
		return;
	if (json_object_is_type(o, json_type_object) &&
	    json_object_object_get_ex(o, "why", &w) &&
	    json_object_is_type(w, json_type_string))
		copy_why(dst, n, json_object_get_string(w));
}

static bool
member_uint(struct json_object *o, const char *name, unsigned *v)
{
	uint64_t x;

	if (!facts_member_u64(o, name, &x) || x > UINT32_MAX)
		return false;
	*v = (unsigned)x;
	return true;
}

/* One query's answer: 0, its recorded error, or -EINVAL when malformed. */
static int
caps_from(struct json_object *lv, const char *name, struct cvm_virt_sev_caps *s)
{
	struct json_object *o;
	int r = facts_get(&(struct cvm_host_facts){lv}, NULL, name, &o);

	memset(s, 0, sizeof(*s));
	if (r < 0) {
		why_of(lv, name, s->why, sizeof(s->why));
		return r;
	}
	if (!json_object_is_type(o, json_type_object))
		return -EINVAL;
	s->supported = facts_member_bool(o, "supported");
	why_of(o, NULL, s->why, sizeof(s->why));
	if (!s->supported)
		return 0;
	if (!member_uint(o, "cbitpos", &s->cbitpos) ||
	    !member_uint(o, "reduced_phys_bits", &s->reduced_phys_bits) ||
	    !member_uint(o, "max_guests", &s->max_guests) ||
	    !member_uint(o, "max_es_guests", &s->max_es_guests))
		return -EINVAL;
	return 0;
}

int
facts_libvirt(void *ctx, const char *uri, struct cvm_host_libvirt *out)
{
	struct cvm_host_facts *f = ctx;
	struct json_object *v, *ver, *all;
	int r = facts_get(f, "libvirt", uri, &v);

	memset(out, 0, sizeof(*out));
	if (r < 0) {
		if (json_object_object_get_ex(f->root, "libvirt", &all))
			why_of(all, uri, out->why, sizeof(out->why));
		return r;
	}
	if (!json_object_is_type(v, json_type_object) ||
	    !json_object_object_get_ex(v, "version", &ver) ||
	    !json_object_is_type(ver, json_type_string))
		return -EINVAL;
	copy_why(out->version, sizeof(out->version),
		 json_object_get_string(ver));
	out->node_rc = caps_from(v, "node_sev", &out->node);
	out->domcaps_rc = caps_from(v, "domcaps_sev", &out->domcaps);
	return 0;
}
