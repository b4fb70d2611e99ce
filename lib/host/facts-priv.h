/* SPDX-License-Identifier: MIT */
/* Internals shared by facts.c (replay) and record.c (recording). */
#ifndef CVM_HOST_FACTS_PRIV_H
#define CVM_HOST_FACTS_PRIV_H

#include <json-c/json.h>

#include "host-priv.h"

#define CVM_HOST_FACTS_FORMAT "cvm-host-facts/1"

struct cvm_host_facts {
	struct json_object *root;
};

/*
 * Look up root[cat][key] (cat NULL: root[key]).  0 and *val (borrowed)
 * for a value, the negated errno for {"error": NAME}, CVM_HOST_NOFACT
 * when absent, -EINVAL for an unreadable error name.
 */
int facts_get(struct cvm_host_facts *f, const char *cat, const char *key,
	      struct json_object **val);
/* A number: JSON integer, "0x..." / decimal string, or "unlimited". */
bool facts_u64(struct json_object *o, uint64_t *v);
bool facts_member_u64(struct json_object *o, const char *name, uint64_t *v);
bool facts_member_bool(struct json_object *o, const char *name);

char *facts_key_cpuid(uint32_t leaf, uint32_t subleaf);
char *facts_key_msr(unsigned cpu, uint32_t msr);
/* "r", "w" or "rw" for open() flags */
const char *facts_access_mode(int flags);

/* Structured facts, both directions (record.c). */
int facts_sev_status(void *ctx, struct cvm_sev_platform_status *st,
		     uint32_t *fw_error);
int facts_snp_status(void *ctx, struct cvm_snp_platform_status *st,
		     uint32_t *fw_error);
int facts_firmware(void *ctx, const char *path, struct cvm_ovmf_info *info);

/* {"error": NAME} for a negative code, with "fw_error" when not 0. */
struct json_object *facts_error_object(int code, uint32_t fw_error);

/* The libvirt fact (libvirt.c): its JSON for result `r`, and the replay. */
struct json_object *facts_libvirt_json(int r,
				       const struct cvm_host_libvirt *lv);
int facts_libvirt(void *ctx, const char *uri, struct cvm_host_libvirt *out);

#endif
