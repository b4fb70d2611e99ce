/* SPDX-License-Identifier: MIT */
/*
 * `cvm measure` output: the digest line as sev-snp-measure prints it,
 * the --explain table, --json, VMSA dumps and the SNP ID block files.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd-measure.h"
#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "out.h"

void
measure_collect_region(void *opaque, const struct cvm_measure_region *r)
{
	struct measure_opts *o = opaque;

	o->regions = cvm_xrealloc(o->regions,
				  (o->nregions + 1) * sizeof(*o->regions));
	o->regions[o->nregions++] = *r;
}

int
measure_dump_vmsa(void *opaque, unsigned vcpu, const uint8_t *page,
		  struct cvm_err *err)
{
	char name[32];

	(void)opaque;
	snprintf(name, sizeof(name), "vmsa%u.bin", vcpu);
	return cvm_file_write_atomic(name, page, CVM_PAGE_SIZE, 0644, err);
}

static int
write_b64(const char *path, const uint8_t *p, size_t n, struct cvm_err *err)
{
	cleanup_free char *b64 = cvm_base64_encode(p, n);
	cleanup_free char *line = cvm_xasprintf("%s\n", b64);

	return cvm_file_write_atomic(path, line, strlen(line), 0644, err);
}

int
measure_write_id_block(struct measure_opts *o,
		       const struct cvm_measure_result *res,
		       struct measure_idb_out *idb, struct cvm_err *err)
{
	uint8_t block[CVM_SNP_ID_BLOCK_SIZE], auth[CVM_SNP_ID_AUTH_SIZE];
	struct cvm_snp_id_auth a;
	int r;

	memcpy(o->idb.ld, res->digest, CVM_SNP_LD_SIZE);
	r = cvm_snp_id_sign(&o->idb, o->id_key, o->author_key, block, auth,
			    err);
	/* never hand out a block that does not verify */
	if (r == 0)
		r = cvm_snp_id_verify(block, auth, err);
	if (r == 0)
		r = cvm_snp_id_auth_decode(auth, sizeof(auth), &a, err);
	if (r == 0)
		r = cvm_snp_key_digest(a.id_key, idb->id_key_digest, err);
	if (r == 0 && o->author_key)
		r = cvm_snp_key_digest(a.author_key, idb->author_key_digest,
				       err);
	if (r == 0)
		r = write_b64(o->id_block_out, block, sizeof(block), err);
	if (r == 0)
		r = write_b64(o->id_auth_out, auth, sizeof(auth), err);
	return r;
}

bool
measure_is_snp(const struct measure_opts *o)
{
	return o->p.mode != CVM_MEASURE_SEV && o->p.mode != CVM_MEASURE_SEV_ES;
}

void
measure_vcpu_range(const struct cvm_measure_region *r, char *s, size_t n)
{
	if (r->vcpu_first == r->vcpu_last)
		snprintf(s, n, "%u", r->vcpu_first);
	else
		snprintf(s, n, "%u-%u", r->vcpu_first, r->vcpu_last);
}

static void
print_explain(const struct measure_opts *o)
{
	static const char *const snp_hdr[] = {"GPA", "PAGES", "TYPE", "WHAT"};
	static const char *const sev_hdr[] = {"OFFSET", "BYTES", "WHAT"};
	struct out_table *t =
		out_table_new(measure_is_snp(o) ? 4 : 3,
			      measure_is_snp(o) ? snp_hdr : sev_hdr);
	char a[32], n[32], what[64], v[32];

	printf("\nmeasured regions, in order:\n");
	for (size_t i = 0; i < o->nregions; i++) {
		const struct cvm_measure_region *r = &o->regions[i];

		snprintf(a, sizeof(a), "0x%" PRIx64, r->gpa);
		snprintf(n, sizeof(n), "%" PRIu64,
			 measure_is_snp(o) ? r->pages : r->bytes);
		snprintf(what, sizeof(what), "%s", r->what);
		if (strcmp(r->what, "VMSA") == 0) {
			measure_vcpu_range(r, v, sizeof(v));
			snprintf(what, sizeof(what), "VMSA vCPU %s", v);
		}
		if (measure_is_snp(o))
			out_table_row(
				t, (const char *const[]){
					   a, n,
					   cvm_snp_page_type_name(r->page_type),
					   what});
		else
			out_table_row(t, (const char *const[]){a, n, what});
	}
	out_table_print(t, stdout);
	out_table_free(t);
}

int
measure_print(const struct measure_opts *o,
	      const struct cvm_measure_result *res,
	      const struct measure_idb_out *idb)
{
	char hex[2 * CVM_SNP_LD_SIZE + 1];
	cleanup_free char *b64 = NULL;
	const char *m = hex;

	if (o->json) {
		measure_print_json(o, res, idb);
		return 0;
	}
	cvm_hex_encode(res->digest, res->len, hex);
	/* as the reference: ovmf-hash mode always prints plain hex */
	if (o->p.mode == CVM_MEASURE_SNP_OVMF_HASH) {
		printf("%s\n", hex);
	} else {
		if (o->base64)
			m = b64 = cvm_base64_encode(res->digest, res->len);
		if (o->verbose)
			printf("Calculated %s guest measurement: %s\n",
			       cvm_measure_mode_label(o->p.mode), m);
		else
			printf("%s\n", m);
	}
	if (o->explain)
		print_explain(o);
	return 0;
}
