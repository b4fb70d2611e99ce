/* SPDX-License-Identifier: MIT */
/*
 * OVMF firmware image parsing: the footer GUID table and the SEV
 * metadata (see cvm/ovmf.h).  Every read of the image goes through
 * bounds checks against `len`; nothing here trusts a size or an offset
 * taken from the image.
 *
 * References: QEMU docs/specs/sev-guest-firmware.rst and
 * target/i386/sev.c (pc_system_ovmf_table_find); edk2
 * OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm (the table) and
 * OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm (the "ASEV" metadata).
 */
#include <stdio.h>
#include <string.h>

#include "cvm/ovmf.h"
#include "cvm/util.h"
#include "measure-priv.h"

#define ENTRY_HDR  18 /* u16 size + GUID(16) */
#define FOOTER_GAP 32 /* the table ends 32 bytes before the end */
#define META_HDR   16 /* "ASEV", u32 size, u32 version, u32 num_items */
#define META_DESC  12 /* u32 gpa, u32 size, u32 type */
#define FOUR_GIB   0x100000000ull

static const struct {
	enum cvm_ovmf_guid kind;
	const char *name;
	uint8_t guid[16];
} known_guids[] = {
	{CVM_OVMF_GUID_FOOTER, "OVMF_TABLE_FOOTER",
	 CVM_GUID_LE(0x96b582de, 0x1fb2, 0x45f7, 0xba, 0xea, 0xa3, 0x66, 0xc5,
		     0x5a, 0x08, 0x2d)},
	{CVM_OVMF_GUID_SEV_ES_RESET_BLOCK, "SEV_ES_RESET_BLOCK",
	 CVM_GUID_LE(0x00f771de, 0x1a7e, 0x4fcb, 0x89, 0x0e, 0x68, 0xc7, 0x7e,
		     0x2f, 0xb4, 0x4e)},
	{CVM_OVMF_GUID_SEV_HASH_TABLE_RV, "SEV_HASH_TABLE_RV",
	 CVM_GUID_LE(0x7255371f, 0x3a3b, 0x4b04, 0x92, 0x7b, 0x1d, 0xa6, 0xef,
		     0xa8, 0xd4, 0x54)},
	{CVM_OVMF_GUID_SEV_SECRET_BLOCK, "SEV_SECRET_BLOCK",
	 CVM_GUID_LE(0x4c2eb361, 0x7d9b, 0x4cc3, 0x80, 0x81, 0x12, 0x7c, 0x90,
		     0xd3, 0xd2, 0x94)},
	{CVM_OVMF_GUID_SEV_METADATA, "OVMF_SEV_METADATA",
	 CVM_GUID_LE(0xdc886566, 0x984a, 0x4798, 0xa7, 0x5e, 0x55, 0x85, 0xa7,
		     0xbf, 0x67, 0xcc)},
	{CVM_OVMF_GUID_TDX_METADATA, "TDX_METADATA",
	 CVM_GUID_LE(0xe47a6535, 0x984a, 0x4798, 0x86, 0x5e, 0x46, 0x85, 0xa7,
		     0xbf, 0x8e, 0xc2)},
	{CVM_OVMF_GUID_SVSM_INFO, "SVSM_INFO",
	 CVM_GUID_LE(0xa789a612, 0x0597, 0x4c4b, 0xa4, 0x9f, 0xcb, 0xb1, 0xfe,
		     0x9d, 0x1d, 0xdd)},
};

static enum cvm_ovmf_guid
guid_kind(const uint8_t *g)
{
	for (size_t i = 0; i < sizeof(known_guids) / sizeof(known_guids[0]);
	     i++)
		if (memcmp(g, known_guids[i].guid, 16) == 0)
			return known_guids[i].kind;
	return CVM_OVMF_GUID_UNKNOWN;
}

const char *
cvm_ovmf_guid_name(enum cvm_ovmf_guid kind)
{
	for (size_t i = 0; i < sizeof(known_guids) / sizeof(known_guids[0]);
	     i++)
		if (known_guids[i].kind == kind)
			return known_guids[i].name;
	return "unknown";
}

void
cvm_ovmf_guid_format(const uint8_t g[16], char *out)
{
	snprintf(out, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 cvm_le32(g), cvm_le16(g + 4), cvm_le16(g + 6), g[8], g[9],
		 g[10], g[11], g[12], g[13], g[14], g[15]);
}

const char *
cvm_ovmf_section_name(uint32_t type)
{
	switch (type) {
	case CVM_OVMF_SEC_MEM:
		return "SNP_SEC_MEM";
	case CVM_OVMF_SECRETS:
		return "SNP_SECRETS";
	case CVM_OVMF_CPUID:
		return "CPUID";
	case CVM_OVMF_SVSM_CAA:
		return "SVSM_CAA";
	case CVM_OVMF_KERNEL_HASHES:
		return "SNP_KERNEL_HASHES";
	default:
		return NULL;
	}
}

bool
cvm_ovmf_has_section(const struct cvm_ovmf_info *info, uint32_t type)
{
	for (size_t i = 0; i < info->nsections; i++)
		if (info->sections[i].type == type)
			return true;
	return false;
}

/* Entry data must hold at least `need` bytes for the fields we read. */
static int
need_data(const struct cvm_ovmf_entry *e, size_t need, struct cvm_err *err)
{
	if (e->len >= need)
		return 0;
	return cvm_err_set(err, -CVM_E_PARSE,
			   "footer table entry %s at offset 0x%zx has %zu data "
			   "bytes, needs %zu",
			   cvm_ovmf_guid_name(e->kind), e->offset, e->len,
			   need);
}

/*
 * Walk the table backwards from the footer entry (QEMU
 * pc_system_parse_ovmf_flash does the same).  Later entries in the walk
 * (nearer the start of the image) win on duplicate GUIDs, as in
 * sev-snp-measure.
 */
static int
parse_table(const uint8_t *data, size_t len, struct cvm_ovmf_info *o,
	    struct cvm_err *err)
{
	size_t footer = len - FOOTER_GAP - ENTRY_HDR;
	size_t fsize = cvm_le16(data + footer);
	size_t pos, left;

	if (fsize < ENTRY_HDR)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "footer table at offset 0x%zx: size %zu is "
				   "smaller than its %d-byte header",
				   footer, fsize, ENTRY_HDR);
	left = fsize - ENTRY_HDR;
	if (left > footer)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "footer table at offset 0x%zx: size %zu "
				   "runs past the start of the image",
				   footer, fsize);
	o->has_table = true;
	o->table_size = fsize;
	o->table_offset = footer - left;
	pos = footer;
	while (left >= ENTRY_HDR) {
		size_t esize = cvm_le16(data + pos - ENTRY_HDR);
		struct cvm_ovmf_entry *e;

		if (esize < ENTRY_HDR || esize > left)
			return cvm_err_set(
				err, -CVM_E_PARSE,
				"footer table entry at offset 0x%zx: "
				"invalid size %zu (%zu table bytes "
				"left)",
				pos - ENTRY_HDR, esize, left);
		if (o->nentries == CVM_OVMF_MAX_ENTRIES)
			return cvm_err_set(err, -CVM_E_PARSE,
					   "footer table has more than %d "
					   "entries",
					   CVM_OVMF_MAX_ENTRIES);
		e = &o->entries[o->nentries++];
		memcpy(e->guid, data + pos - 16, 16);
		e->kind = guid_kind(e->guid);
		e->offset = pos - esize;
		e->len = esize - ENTRY_HDR;
		pos -= esize;
		left -= esize;
	}
	return 0;
}

static const struct cvm_ovmf_entry *
find_entry(const struct cvm_ovmf_info *o, enum cvm_ovmf_guid kind)
{
	const struct cvm_ovmf_entry *found = NULL;

	for (size_t i = 0; i < o->nentries; i++)
		if (o->entries[i].kind == kind)
			found = &o->entries[i];
	return found;
}

/* The "ASEV" header and its section descriptors (OvmfSevMetadata.asm). */
static int
parse_metadata(const uint8_t *data, size_t len, uint32_t off,
	       struct cvm_ovmf_info *o, struct cvm_err *err)
{
	size_t start, n;
	uint32_t hsize;

	if (off < META_HDR || off > len)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "SEV metadata offset 0x%x (from the end) is "
				   "outside the %zu-byte image",
				   off, len);
	start = len - off;
	if (memcmp(data + start, "ASEV", 4) != 0)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "SEV metadata at offset 0x%zx: signature is "
				   "not 'ASEV'",
				   start);
	hsize = cvm_le32(data + start + 4);
	o->metadata_version = cvm_le32(data + start + 8);
	n = cvm_le32(data + start + 12);
	if (o->metadata_version != 1)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "SEV metadata at offset 0x%zx: version %u "
				   "is not 1",
				   start, o->metadata_version);
	if (hsize < META_HDR || hsize > off)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "SEV metadata at offset 0x%zx: size %u does "
				   "not fit in the image",
				   start, hsize);
	if (n > CVM_OVMF_MAX_SECTIONS || META_HDR + n * META_DESC > hsize)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "SEV metadata at offset 0x%zx: %zu sections "
				   "do not fit in its %u bytes (limit %d)",
				   start, n, hsize, CVM_OVMF_MAX_SECTIONS);
	o->has_metadata = true;
	o->metadata_offset = off;
	o->metadata_size = hsize;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *d = data + start + META_HDR + i * META_DESC;

		o->sections[i].gpa = cvm_le32(d);
		o->sections[i].size = cvm_le32(d + 4);
		o->sections[i].type = cvm_le32(d + 8);
	}
	o->nsections = n;
	return 0;
}

/* Pull the values of the known entries out of the table. */
static int
parse_entries(const uint8_t *data, size_t len, struct cvm_ovmf_info *o,
	      struct cvm_err *err)
{
	const struct cvm_ovmf_entry *e;
	int r;

	if ((e = find_entry(o, CVM_OVMF_GUID_SEV_ES_RESET_BLOCK))) {
		if ((r = need_data(e, 4, err)) < 0)
			return r;
		o->has_reset_block = true;
		o->sev_es_reset_eip = cvm_le32(data + e->offset);
	}
	if ((e = find_entry(o, CVM_OVMF_GUID_SEV_HASH_TABLE_RV))) {
		if ((r = need_data(e, 8, err)) < 0)
			return r;
		o->has_hash_table_entry = true;
		o->hash_table_gpa = cvm_le32(data + e->offset);
		o->hash_table_size = cvm_le32(data + e->offset + 4);
	}
	if ((e = find_entry(o, CVM_OVMF_GUID_SEV_SECRET_BLOCK))) {
		if ((r = need_data(e, 8, err)) < 0)
			return r;
		o->has_secret_block = true;
		o->secret_gpa = cvm_le32(data + e->offset);
		o->secret_size = cvm_le32(data + e->offset + 4);
	}
	if ((e = find_entry(o, CVM_OVMF_GUID_SVSM_INFO))) {
		if ((r = need_data(e, 4, err)) < 0)
			return r;
		o->has_svsm_info = true;
		o->svsm_entry_offset = cvm_le32(data + e->offset);
	}
	o->has_tdx_metadata = find_entry(o, CVM_OVMF_GUID_TDX_METADATA);
	if ((e = find_entry(o, CVM_OVMF_GUID_SEV_METADATA))) {
		if ((r = need_data(e, 4, err)) < 0)
			return r;
		return parse_metadata(data, len, cvm_le32(data + e->offset), o,
				      err);
	}
	return 0;
}

int
cvm_ovmf_parse(const uint8_t *data, size_t len, struct cvm_ovmf_info *out,
	       struct cvm_err *err)
{
	struct cvm_ovmf_info o;
	int r;

	memset(out, 0, sizeof(*out));
	memset(&o, 0, sizeof(o));
	if (len > CVM_OVMF_MAX_SIZE)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "image is %zu bytes, more than the %u MiB "
				   "cvm accepts for firmware",
				   len, CVM_OVMF_MAX_SIZE >> 20);
	o.size = len;
	o.gpa = FOUR_GIB - len;
	/* no room for a footer, or no footer GUID: no table at all */
	if (len >= FOOTER_GAP + ENTRY_HDR &&
	    guid_kind(data + len - FOOTER_GAP - 16) == CVM_OVMF_GUID_FOOTER) {
		if ((r = parse_table(data, len, &o, err)) < 0)
			return r;
		if ((r = parse_entries(data, len, &o, err)) < 0)
			return r;
	}
	o.sev = o.has_table;
	o.sev_es = o.has_reset_block && o.sev_es_reset_eip != 0;
	o.sev_snp = o.sev_es && cvm_ovmf_has_section(&o, CVM_OVMF_SECRETS) &&
		    cvm_ovmf_has_section(&o, CVM_OVMF_CPUID);
	o.kernel_hashes_sev = o.has_hash_table_entry && o.hash_table_gpa != 0;
	o.kernel_hashes_snp = cvm_ovmf_has_section(&o, CVM_OVMF_KERNEL_HASHES);
	*out = o;
	return 0;
}

int
cvm_ovmf_parse_file(const char *path, struct cvm_ovmf_info *out,
		    struct cvm_err *err)
{
	cleanup_map struct cvm_map m = CVM_MAP_INIT;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = cvm_file_map(path, &m, err)) < 0)
		return r;
	if (m.len == 0)
		return cvm_err_set(err, -CVM_E_PARSE, "'%s' is empty", path);
	if (m.len % 4096)
		return cvm_err_set(
			err, -CVM_E_PARSE,
			"'%s' is %zu bytes, not a multiple of 4 KiB: "
			"truncated or not a firmware image",
			path, m.len);
	if ((r = cvm_ovmf_parse(m.data, m.len, out, err)) < 0) {
		cvm_err_prefix(err, "'%s'", path);
		return r;
	}
	return 0;
}

void
cvm_ovmf_summary(const struct cvm_ovmf_info *o, char *buf, size_t n)
{
	const char *levels, *hashes;

	if (!o->sev) {
		snprintf(buf, n,
			 "no SEV support (no OVMF footer table): plain guests "
			 "only");
		return;
	}
	if (o->sev_snp)
		levels = o->sev_es ? "SEV, SEV-ES and SEV-SNP"
				   : "SEV and SEV-SNP";
	else
		levels = o->sev_es ? "SEV and SEV-ES" : "SEV only";
	if (o->kernel_hashes_sev && o->kernel_hashes_snp)
		hashes = "with measured direct boot (kernel hashes) in all";
	else if (o->kernel_hashes_sev)
		hashes = o->sev_snp
				 ? "kernel hashes for SEV and SEV-ES, "
				   "SEV-SNP without kernel hashes"
				 : "with measured direct boot (kernel hashes)";
	else if (o->kernel_hashes_snp)
		hashes = "kernel hashes for SEV-SNP only";
	else
		hashes = "without kernel hashes (no measured direct boot)";
	snprintf(buf, n, "%s; %s%s", levels, hashes,
		 o->has_svsm_info ? "; an SVSM image" : "");
}
