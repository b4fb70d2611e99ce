/* SPDX-License-Identifier: MIT */
/* Secrets page and CC blob decoding: see sev-secrets.h. */
#include "sev-secrets.h"

const uint8_t sev_cc_blob_guid[16] = {
	/* 067b1f5f-cf26-44c5-8554-93d777912d42: the first three fields
	 * are little-endian, the last eight bytes as written */
	0x5f, 0x1f, 0x7b, 0x06, 0x26, 0xcf, 0xc5, 0x44,
	0x85, 0x54, 0x93, 0xd7, 0x77, 0x91, 0x2d, 0x42,
};

int
sev_secrets_parse(uint8_t *page, size_t len, struct sev_secrets *s)
{
	if (len < SEV_SECRETS_SIZE)
		return SEV_E_SHORT;
	s->page = page;
	s->version = sev_ld32(page + SEV_SECRETS_VERSION);
	if (s->version == 0)
		return SEV_E_INVAL;
	s->imi_en = sev_ld32(page + SEV_SECRETS_IMI) & 1;
	s->fms = sev_ld32(page + SEV_SECRETS_FMS);
	for (unsigned i = 0; i < 4; i++)
		s->seqno[i] = sev_ld32(page + SEV_SECRETS_OS_SEQNO0 + 4 * i);
	s->ap_jump_table_pa = sev_ld64(page + SEV_SECRETS_OS_AP_JUMP);
	return 0;
}

uint8_t *
sev_secrets_vmpck(const struct sev_secrets *s, unsigned id)
{
	if (id > 3)
		return NULL;
	return s->page + SEV_SECRETS_VMPCK0 + id * SEV_SECRETS_VMPCK_LEN;
}

bool
sev_secrets_vmpck_empty(const struct sev_secrets *s, unsigned id)
{
	const uint8_t *k = sev_secrets_vmpck(s, id);
	uint8_t acc = 0;

	if (!k)
		return true;
	for (unsigned i = 0; i < SEV_SECRETS_VMPCK_LEN; i++)
		acc |= k[i];
	return acc == 0;
}

void
sev_secrets_wipe_vmpck(struct sev_secrets *s, unsigned id)
{
	uint8_t *k = sev_secrets_vmpck(s, id);

	if (k)
		sev_wipe(k, SEV_SECRETS_VMPCK_LEN);
}

uint8_t *
sev_secrets_seqno_ptr(const struct sev_secrets *s, unsigned id)
{
	if (id > 3)
		return NULL;
	return s->page + SEV_SECRETS_OS_SEQNO0 + 4 * id;
}

int
sev_cc_blob_parse(const uint8_t *p, size_t len, struct sev_cc_blob *b)
{
	if (len < SEV_CC_BLOB_SIZE)
		return SEV_E_SHORT;
	if (sev_ld32(p) != SEV_CC_BLOB_MAGIC)
		return SEV_E_INVAL;
	b->version = sev_ld16(p + 4);
	b->secrets_phys = sev_ld64(p + 8);
	b->secrets_len = sev_ld32(p + 16);
	b->cpuid_phys = sev_ld64(p + 24);
	b->cpuid_len = sev_ld32(p + 32);
	if (!b->secrets_phys || (b->secrets_phys & (SEV_PAGE_SIZE - 1)) ||
	    b->secrets_len != SEV_PAGE_SIZE)
		return SEV_E_INVAL;
	if (!b->cpuid_phys || (b->cpuid_phys & (SEV_PAGE_SIZE - 1)) ||
	    b->cpuid_len < SEV_PAGE_SIZE)
		return SEV_E_INVAL;
	return 0;
}

int
sev_efi_find_cc_blob(const uint8_t *table, size_t count, uint64_t *addr)
{
	for (size_t i = 0; i < count; i++) {
		const uint8_t *e = table + i * 24;
		unsigned k;

		for (k = 0; k < 16 && e[k] == sev_cc_blob_guid[k]; k++)
			;
		if (k == 16) {
			*addr = sev_ld64(e + 16);
			return *addr ? 0 : SEV_E_INVAL;
		}
	}
	return SEV_E_NOTFOUND;
}
