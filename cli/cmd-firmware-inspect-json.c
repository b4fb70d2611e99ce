/* SPDX-License-Identifier: MIT */
/* `cvm firmware inspect --json`: the schema is in the command's help. */
#include <stdio.h>

#include "cvm/ovmf.h"
#include "cvm/util.h"
#include "out.h"

void firmware_inspect_json(const char *path, const struct cvm_ovmf_info *o,
			   const uint8_t sha256[32]);

static struct json_object *
hex(uint64_t v)
{
	char s[32];

	snprintf(s, sizeof(s), "0x%llx", (unsigned long long)v);
	return json_object_new_string(s);
}

static struct json_object *
gpa_size(uint32_t gpa, uint32_t size)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "gpa", hex(gpa));
	json_object_object_add(j, "size", json_object_new_int64(size));
	return j;
}

static struct json_object *
table_obj(const struct cvm_ovmf_info *o)
{
	struct json_object *t = json_object_new_object();
	struct json_object *a = json_object_new_array();
	char guid[37];

	json_object_object_add(t, "offset", hex(o->table_offset));
	json_object_object_add(t, "size",
			       json_object_new_int64((int64_t)o->table_size));
	for (size_t i = 0; i < o->nentries; i++) {
		const struct cvm_ovmf_entry *e = &o->entries[i];
		struct json_object *j = json_object_new_object();

		cvm_ovmf_guid_format(e->guid, guid);
		json_object_object_add(j, "guid", json_object_new_string(guid));
		json_object_object_add(
			j, "name",
			json_object_new_string(cvm_ovmf_guid_name(e->kind)));
		json_object_object_add(j, "offset", hex(e->offset));
		json_object_object_add(j, "length",
				       json_object_new_int64((int64_t)e->len));
		json_object_array_add(a, j);
	}
	json_object_object_add(t, "entries", a);
	return t;
}

static struct json_object *
metadata_obj(const struct cvm_ovmf_info *o)
{
	struct json_object *m = json_object_new_object();
	struct json_object *a = json_object_new_array();

	json_object_object_add(m, "offset", hex(o->metadata_offset));
	json_object_object_add(m, "size",
			       json_object_new_int64(o->metadata_size));
	json_object_object_add(m, "version",
			       json_object_new_int64(o->metadata_version));
	for (size_t i = 0; i < o->nsections; i++) {
		const struct cvm_ovmf_section *s = &o->sections[i];
		const char *name = cvm_ovmf_section_name(s->type);
		struct json_object *j = gpa_size(s->gpa, s->size);

		json_object_object_add(j, "type",
				       json_object_new_int64(s->type));
		json_object_object_add(
			j, "name", name ? json_object_new_string(name) : NULL);
		json_object_array_add(a, j);
	}
	json_object_object_add(m, "sections", a);
	return m;
}

static struct json_object *
supports_obj(const struct cvm_ovmf_info *o)
{
	struct json_object *s = json_object_new_object();

	json_object_object_add(s, "sev", json_object_new_boolean(o->sev));
	json_object_object_add(s, "sev_es", json_object_new_boolean(o->sev_es));
	json_object_object_add(s, "sev_snp",
			       json_object_new_boolean(o->sev_snp));
	json_object_object_add(s, "kernel_hashes_sev",
			       json_object_new_boolean(o->kernel_hashes_sev));
	json_object_object_add(s, "kernel_hashes_snp",
			       json_object_new_boolean(o->kernel_hashes_snp));
	json_object_object_add(s, "svsm",
			       json_object_new_boolean(o->has_svsm_info));
	return s;
}

void
firmware_inspect_json(const char *path, const struct cvm_ovmf_info *o,
		      const uint8_t sha256[32])
{
	struct json_object *j = json_object_new_object();
	char h[65], summary[256];

	cvm_hex_encode(sha256, 32, h);
	cvm_ovmf_summary(o, summary, sizeof(summary));
	json_object_object_add(j, "path", json_object_new_string(path));
	json_object_object_add(j, "size",
			       json_object_new_int64((int64_t)o->size));
	json_object_object_add(j, "gpa", hex(o->gpa));
	json_object_object_add(j, "sha256", json_object_new_string(h));
	json_object_object_add(j, "table", o->has_table ? table_obj(o) : NULL);
	json_object_object_add(j, "sev_es_reset_eip",
			       o->has_reset_block ? hex(o->sev_es_reset_eip)
						  : NULL);
	json_object_object_add(
		j, "hash_table",
		o->has_hash_table_entry
			? gpa_size(o->hash_table_gpa, o->hash_table_size)
			: NULL);
	json_object_object_add(j, "secret_block",
			       o->has_secret_block
				       ? gpa_size(o->secret_gpa, o->secret_size)
				       : NULL);
	json_object_object_add(j, "svsm_entry_offset",
			       o->has_svsm_info ? hex(o->svsm_entry_offset)
						: NULL);
	json_object_object_add(j, "metadata",
			       o->has_metadata ? metadata_obj(o) : NULL);
	json_object_object_add(j, "supports", supports_obj(o));
	json_object_object_add(j, "summary", json_object_new_string(summary));
	out_json(j);
}
