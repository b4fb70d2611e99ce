/* SPDX-License-Identifier: MIT */
/*
 * `cvm firmware inspect FILE`: what an OVMF image carries for SEV (footer
 * GUID table, SEV-ES reset block, SEV metadata sections, kernel-hash
 * table, SVSM info) and a plain statement of what it supports.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "cvm/measure.h"
#include "cvm/ovmf.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE "cvm firmware inspect"

void firmware_inspect_json(const char *path, const struct cvm_ovmf_info *o,
			   const uint8_t sha256[32]);

static const char *
yes(bool b)
{
	return b ? "yes" : "no";
}

static void
print_entries(const struct cvm_ovmf_info *o)
{
	static const char *const hdr[] = {"GUID", "NAME", "OFFSET", "BYTES"};
	struct out_table *t = out_table_new(4, hdr);
	char guid[37], off[32], len[32];

	printf("footer table:   0x%zx..0x%zx (%zu bytes), %zu entries\n",
	       o->table_offset, o->table_offset + o->table_size - 1,
	       o->table_size, o->nentries);
	for (size_t i = 0; i < o->nentries; i++) {
		const struct cvm_ovmf_entry *e = &o->entries[i];

		cvm_ovmf_guid_format(e->guid, guid);
		snprintf(off, sizeof(off), "0x%zx", e->offset);
		snprintf(len, sizeof(len), "%zu", e->len);
		out_table_row(t, (const char *const[]){
					 guid, cvm_ovmf_guid_name(e->kind), off,
					 len});
	}
	out_table_print(t, stdout);
	out_table_free(t);
}

static void
print_sections(const struct cvm_ovmf_info *o)
{
	static const char *const hdr[] = {"TYPE", "GPA", "SIZE", "PAGES"};
	struct out_table *t = out_table_new(4, hdr);
	char type[32], gpa[32], size[32], pages[32];

	printf("SEV metadata:   version %u, %zu sections (at 0x%x from the "
	       "end)\n",
	       o->metadata_version, o->nsections, o->metadata_offset);
	for (size_t i = 0; i < o->nsections; i++) {
		const struct cvm_ovmf_section *s = &o->sections[i];
		const char *name = cvm_ovmf_section_name(s->type);

		snprintf(type, sizeof(type), "%s", name ? name : "unknown");
		if (!name)
			snprintf(type, sizeof(type), "unknown (0x%x)", s->type);
		snprintf(gpa, sizeof(gpa), "0x%x", s->gpa);
		snprintf(size, sizeof(size), "0x%x", s->size);
		snprintf(pages, sizeof(pages), "%u", s->size / 4096);
		out_table_row(t, (const char *const[]){type, gpa, size, pages});
	}
	out_table_print(t, stdout);
	out_table_free(t);
}

static void
print_text(const char *path, const struct cvm_ovmf_info *o,
	   const uint8_t sha256[32])
{
	char hex[65], summary[256];

	cvm_hex_encode(sha256, 32, hex);
	printf("firmware:       %s\n", path);
	printf("size:           %zu bytes (0x%zx)\n", o->size, o->size);
	printf("GPA:            0x%" PRIx64 "..0xffffffff\n", o->gpa);
	printf("sha256:         %s\n", hex);
	if (!o->has_table)
		printf("footer table:   none (not an SEV-capable OVMF "
		       "build)\n");
	else
		print_entries(o);
	if (o->has_reset_block)
		printf("SEV-ES reset:   AP entry 0x%x (CS base 0x%x, IP "
		       "0x%x)\n",
		       o->sev_es_reset_eip, o->sev_es_reset_eip & 0xffff0000u,
		       o->sev_es_reset_eip & 0xffffu);
	if (o->has_metadata)
		print_sections(o);
	else if (o->has_table)
		printf("SEV metadata:   none (no SNP launch pages)\n");
	if (o->has_hash_table_entry)
		printf("hash table:     GPA 0x%x, %u bytes%s\n",
		       o->hash_table_gpa, o->hash_table_size,
		       o->hash_table_gpa ? "" : " (GPA 0: not usable)");
	if (o->has_secret_block)
		printf("secret block:   GPA 0x%x, %u bytes\n", o->secret_gpa,
		       o->secret_size);
	if (o->has_svsm_info)
		printf("SVSM info:      entry at offset 0x%x\n",
		       o->svsm_entry_offset);
	printf("\nSEV %s, SEV-ES %s, SEV-SNP %s; kernel hashes: SEV/SEV-ES %s, "
	       "SEV-SNP %s\n",
	       yes(o->sev), yes(o->sev_es), yes(o->sev_snp),
	       yes(o->kernel_hashes_sev), yes(o->kernel_hashes_snp));
	cvm_ovmf_summary(o, summary, sizeof(summary));
	printf("supports:       %s\n", summary);
}

static int
firmware_inspect_run(int argc, char **argv)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_ovmf_info o;
	const char *path = NULL;
	uint8_t sha256[32];
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_usage(USAGE, "unknown option '%s'", argv[i]);
		else if (path)
			return cli_usage(USAGE, "unexpected argument '%s'",
					 argv[i]);
		else
			path = argv[i];
	}
	if (!path)
		return cli_usage(USAGE, "no firmware FILE given");
	if (cvm_ovmf_parse_file(path, &o, &err) < 0 ||
	    cvm_measure_sha256_file(path, sha256, &err) < 0)
		return cli_error(&err);
	if (json)
		firmware_inspect_json(path, &o, sha256);
	else
		print_text(path, &o, sha256);
	return 0;
}

const struct cvm_cmd cmd_firmware_inspect = {
	.name = "inspect",
	.summary = "show what an OVMF image supports for SEV, SEV-ES and SNP",
	.usage = "cvm firmware inspect [--json] FILE",
	.help = "Parses the image's footer GUID table (read backwards from 32 "
		"bytes\n"
		"before its end), the SEV-ES reset block, the SEV metadata "
		"(\"ASEV\")\n"
		"sections, the kernel-hash table entry and SVSM info, and "
		"says\n"
		"which protection levels and measured-boot features it "
		"supports.\n"
		"Truncated or malformed images are refused with the offset.\n"
		"\n"
		"options:\n"
		"  --json   one JSON object: path, size, gpa, sha256, table\n"
		"           {offset, size, entries [{guid, name, offset, "
		"length}]},\n"
		"           sev_es_reset_eip, hash_table {gpa, size}, "
		"secret_block\n"
		"           {gpa, size}, svsm_entry_offset, metadata {offset, "
		"size,\n"
		"           version, sections [{type, name, gpa, size}]}, "
		"supports\n"
		"           {sev, sev_es, sev_snp, kernel_hashes_sev,\n"
		"           kernel_hashes_snp, svsm}, summary (absent parts: "
		"null)\n"
		"\n"
		"exit status: 0 parsed, 1 unreadable or malformed, 2 usage.\n",
	.run = firmware_inspect_run,
};
