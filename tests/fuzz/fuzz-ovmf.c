/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the OVMF footer GUID table and SEV metadata parser
 * (include/cvm/ovmf.h; QEMU docs/specs/sev-guest-firmware.rst) and the
 * launch measurement built on it (SEV, SEV-ES and SNP modes, which walk
 * the reset block, the hash table and every metadata section).  The
 * input is the END of a firmware image: it is padded in front with
 * zeros to a multiple of 4 KiB, as QEMU maps firmware in 4 KiB flash
 * sectors and the parser works backwards from the end.  Seeds: the
 * tails of the images in ../shared/testdata/measure.
 */
#include "fuzz.h"

#include "cvm/measure.h"
#include "cvm/ovmf.h"

/* Measuring more than this many bytes of sections is only slow. */
#define FUZZ_MAX_SECTION_BYTES (16ull << 20)

static void
check_info(const struct cvm_ovmf_info *o, size_t len)
{
	char buf[256];

	if (o->nsections > CVM_OVMF_MAX_SECTIONS ||
	    o->nentries > CVM_OVMF_MAX_ENTRIES)
		fuzz_fail("counts out of range");
	for (size_t i = 0; i < o->nentries; i++) {
		if (o->entries[i].offset > len ||
		    o->entries[i].len > len - o->entries[i].offset)
			fuzz_fail("entry %zu [%zu,+%zu) outside %zu bytes", i,
				  o->entries[i].offset, o->entries[i].len, len);
		cvm_ovmf_guid_format(o->entries[i].guid, buf);
		if (strlen(buf) != 36)
			fuzz_fail("guid text '%s'", buf);
		(void)cvm_ovmf_guid_name(o->entries[i].kind);
	}
	if (o->has_table && (o->table_offset > len || o->table_size > len))
		fuzz_fail("table outside the image");
	for (size_t i = 0; i < o->nsections; i++)
		(void)cvm_ovmf_section_name(o->sections[i].type);
	cvm_ovmf_summary(o, buf, sizeof(buf));
	cvm_ovmf_summary(o, buf, 7);
	if (strnlen(buf, 7) == 7)
		fuzz_fail("summary not terminated");
	(void)cvm_ovmf_has_section(o, CVM_OVMF_KERNEL_HASHES);
}

static uint64_t
section_bytes(const struct cvm_ovmf_info *o)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < o->nsections; i++)
		sum += o->sections[i].size;
	return sum;
}

static void
measure(const uint8_t *fw, size_t len, enum cvm_measure_mode mode,
	unsigned vcpus, bool hashes)
{
	static const struct cvm_sev_hashes h = {{1}, {2}, {3}};
	struct cvm_measure_params p;
	struct cvm_measure_result res;
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	cvm_measure_params_init(&p);
	p.mode = mode;
	p.fw = fw;
	p.fw_len = len;
	p.vcpus = vcpus;
	p.threads = 1;
	p.hashes = hashes ? &h : NULL;
	r = cvm_measure_compute(&p, &res, &err);
	fuzz_check_err(r, &err, "cvm_measure_compute");
	if (r == 0 && res.len != (mode >= CVM_MEASURE_SNP ? 48u : 32u))
		fuzz_fail("digest of %zu bytes", res.len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pad = (CVM_PAGE_SIZE - size % CVM_PAGE_SIZE) % CVM_PAGE_SIZE;
	size_t len = pad + size;
	uint8_t *fw;
	struct cvm_ovmf_info *o = cvm_xmalloc(sizeof(*o));
	struct cvm_err err = CVM_ERR_INIT;
	int r;

	/* the parser on the bytes as given, then on the padded image */
	r = cvm_ovmf_parse(data, size, o, &err);
	fuzz_check_err(r, &err, "cvm_ovmf_parse");
	if (r == 0)
		check_info(o, size);
	fw = cvm_xcalloc(1, len ? len : 1);
	if (size)
		memcpy(fw + pad, data, size);
	cvm_err_clear(&err);
	r = cvm_ovmf_parse(fw, len, o, &err);
	fuzz_check_err(r, &err, "cvm_ovmf_parse");
	if (r == 0 && len) {
		check_info(o, len);
		measure(fw, len, CVM_MEASURE_SEV, 1, o->hash_table_gpa != 0);
		measure(fw, len, CVM_MEASURE_SEV_ES, 2, false);
		if (section_bytes(o) <= FUZZ_MAX_SECTION_BYTES) {
			measure(fw, len, CVM_MEASURE_SNP, 2, false);
			measure(fw, len, CVM_MEASURE_SNP, 1, true);
			measure(fw, len, CVM_MEASURE_SNP_OVMF_HASH, 1, false);
		}
	}
	free(fw);
	free(o);
	return 0;
}
