/* SPDX-License-Identifier: MIT */
/*
 * `cvm measure --json`: the result as one JSON object (schema in
 * `cvm measure --help` and the README): digest, parameters, the inputs'
 * sizes and SHA-256s, the measured regions and the ID block's key
 * digests.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd-measure.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "out.h"

static struct json_object *
hexobj(const uint8_t *p, size_t n)
{
	char hex[2 * 64 + 1];

	cvm_hex_encode(p, n, hex);
	return json_object_new_string(hex);
}

/* "0x..." */
static struct json_object *
hex64obj(uint64_t v)
{
	char s[32];

	snprintf(s, sizeof(s), "0x%" PRIx64, v);
	return json_object_new_string(s);
}

/* {path, size, sha256} of one input file; the hash from the measurement */
static struct json_object *
file_obj(const char *path, const uint8_t *sha256)
{
	struct json_object *f = json_object_new_object();
	struct stat st;

	json_object_object_add(f, "path", json_object_new_string(path));
	if (stat(path, &st) == 0)
		json_object_object_add(f, "size",
				       json_object_new_int64(st.st_size));
	if (sha256)
		json_object_object_add(f, "sha256", hexobj(sha256, 32));
	return f;
}

static struct json_object *
inputs_obj(const struct measure_opts *o, const struct cvm_measure_result *res)
{
	struct json_object *in = json_object_new_object();
	const struct {
		const char *name, *path;
		const uint8_t *sha256;
	} files[] = {
		{"ovmf", o->f.ovmf, res->ovmf_sha256},
		{"kernel", o->f.kernel, res->kernel_sha256},
		{"initrd", o->f.initrd, res->initrd_sha256},
		{"svsm", o->f.svsm, res->svsm_sha256},
		{"vars_file", o->f.vars_file, NULL},
	};

	for (size_t i = 0; i < CVM_ARRAY_SIZE(files); i++)
		if (files[i].path)
			json_object_object_add(
				in, files[i].name,
				file_obj(files[i].path, files[i].sha256));
	if (o->f.append)
		json_object_object_add(in, "append",
				       json_object_new_string(o->f.append));
	return in;
}

static struct json_object *
regions_obj(const struct measure_opts *o)
{
	struct json_object *a = json_object_new_array();
	char v[32];

	for (size_t i = 0; i < o->nregions; i++) {
		const struct cvm_measure_region *r = &o->regions[i];
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "what",
				       json_object_new_string(r->what));
		json_object_object_add(j, measure_is_snp(o) ? "gpa" : "offset",
				       hex64obj(r->gpa));
		if (measure_is_snp(o)) {
			json_object_object_add(
				j, "pages",
				json_object_new_int64((int64_t)r->pages));
			json_object_object_add(
				j, "page_type",
				json_object_new_string(
					cvm_snp_page_type_name(r->page_type)));
		}
		json_object_object_add(
			j, "bytes", json_object_new_int64((int64_t)r->bytes));
		if (strcmp(r->what, "VMSA") == 0) {
			measure_vcpu_range(r, v, sizeof(v));
			json_object_object_add(j, "vcpus",
					       json_object_new_string(v));
		}
		json_object_array_add(a, j);
	}
	return a;
}

static struct json_object *
idb_obj(const struct measure_opts *o, const struct measure_idb_out *idb)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, "block_file",
			       json_object_new_string(o->id_block_out));
	json_object_object_add(j, "auth_file",
			       json_object_new_string(o->id_auth_out));
	json_object_object_add(j, "policy", hex64obj(o->idb.policy));
	json_object_object_add(j, "guest_svn",
			       json_object_new_int64(o->idb.guest_svn));
	json_object_object_add(j, "family_id", hexobj(o->idb.family_id, 16));
	json_object_object_add(j, "image_id", hexobj(o->idb.image_id, 16));
	json_object_object_add(j, "id_key_digest",
			       hexobj(idb->id_key_digest, CVM_SNP_LD_SIZE));
	json_object_object_add(
		j, "author_key_digest",
		o->author_key ? hexobj(idb->author_key_digest, CVM_SNP_LD_SIZE)
			      : NULL);
	return j;
}

void
measure_print_json(const struct measure_opts *o,
		   const struct cvm_measure_result *res,
		   const struct measure_idb_out *idb)
{
	struct json_object *j = json_object_new_object();
	cleanup_free char *b64 = cvm_base64_encode(res->digest, res->len);
	bool vcpus = o->p.mode != CVM_MEASURE_SEV &&
		     o->p.mode != CVM_MEASURE_SNP_OVMF_HASH;

	json_object_object_add(
		j, "mode",
		json_object_new_string(cvm_measure_mode_name(o->p.mode)));
	json_object_object_add(j, "digest", hexobj(res->digest, res->len));
	json_object_object_add(j, "digest_base64", json_object_new_string(b64));
	json_object_object_add(
		j, "algorithm",
		json_object_new_string(res->len == 32 ? "sha256" : "sha384"));
	if (vcpus) {
		json_object_object_add(j, "vcpus",
				       json_object_new_int64(o->p.vcpus));
		json_object_object_add(j, "vcpu_sig", hex64obj(o->p.vcpu_sig));
		json_object_object_add(
			j, "vmm_type",
			json_object_new_string(cvm_vmm_type_name(o->p.vmm)));
	}
	if (measure_is_snp(o) && vcpus)
		json_object_object_add(j, "guest_features",
				       hex64obj(o->p.guest_features));
	json_object_object_add(
		j, "bytes_hashed",
		json_object_new_int64((int64_t)res->bytes_hashed));
	if (measure_is_snp(o))
		json_object_object_add(
			j, "pages", json_object_new_int64((int64_t)res->pages));
	json_object_object_add(j, "inputs", inputs_obj(o, res));
	if (o->explain)
		json_object_object_add(j, "regions", regions_obj(o));
	if (idb)
		json_object_object_add(j, "id_block", idb_obj(o, idb));
	out_json(j);
}
