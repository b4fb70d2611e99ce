/* SPDX-License-Identifier: MIT */
/*
 * Just enough ACPI to power off where isa-debug-exit is absent: find the
 * FADT from the RSDP, take PM1a/PM1b_CNT_BLK, and read SLP_TYPa/b of the
 * \_S5 package from the DSDT.  Layouts from the ACPI specification 6.4:
 * §5.2.5.3 RSDP, §5.2.6 table header, §5.2.7/8 RSDT/XSDT, §5.2.9 FADT,
 * §7.4.2 \_S5 and §4.8.3.2.1 PM1 control (SLP_TYP bits 10-12, SLP_EN
 * bit 13); AML encodings from §20.2 (NameOp 0x08, PackageOp 0x12,
 * BytePrefix 0x0a, ZeroOp 0x00, OneOp 0x01, PkgLength).
 */
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "kernel.h"

#define SDT_HDR_LEN    36
#define TABLE_MAX_LEN  (1u << 20) /* refuse absurd lengths */
#define PM1_SLP_EN     (1u << 13)
#define PM1_SLP_TYP(t) ((uint16_t)((t)&7) << 10)

static uint16_t pm1a_cnt, pm1b_cnt;
static uint8_t slp_typa, slp_typb;
static bool s5_found;

static uint32_t
ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t
ld64(const uint8_t *p)
{
	return ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

static bool
checksum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

/* a valid table with signature sig at physical address pa, or NULL */
static const uint8_t *
table_at(uint64_t pa, const char *sig)
{
	const uint8_t *t = (const uint8_t *)(uintptr_t)pa;
	uint32_t len;

	if (!pa || pa >= 4 * GIB)
		return NULL;
	len = ld32(t + 4);
	if (memcmp(t, sig, 4) || len < SDT_HDR_LEN || len > TABLE_MAX_LEN ||
	    !checksum_ok(t, len))
		return NULL;
	return t;
}

/* legacy BIOS: "RSD PTR " on a 16-byte boundary in 0xe0000-0xfffff */
static uint64_t
rsdp_scan(void)
{
	for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp((const void *)(uintptr_t)a, "RSD PTR ", 8) &&
		    checksum_ok((const uint8_t *)(uintptr_t)a, 20))
			return a;
	return 0;
}

static const uint8_t *
find_fadt(uint64_t rsdp_pa)
{
	const uint8_t *rsdp = (const uint8_t *)(uintptr_t)rsdp_pa;
	const uint8_t *root, *t;
	bool x;
	uint32_t n;

	if (memcmp(rsdp, "RSD PTR ", 8) || !checksum_ok(rsdp, 20))
		return NULL;
	x = rsdp[15] >= 2 && ld64(rsdp + 24);
	root = x ? table_at(ld64(rsdp + 24), "XSDT")
		 : table_at(ld32(rsdp + 16), "RSDT");
	if (!root)
		return NULL;
	n = (ld32(root + 4) - SDT_HDR_LEN) / (x ? 8 : 4);
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = root + SDT_HDR_LEN + i * (x ? 8 : 4);

		t = table_at(x ? ld64(e) : ld32(e), "FACP");
		if (t)
			return t;
	}
	return NULL;
}

/* one AML integer of the \_S5 package: BytePrefix n, ZeroOp or OneOp */
static const uint8_t *
aml_small_int(const uint8_t *p, const uint8_t *end, uint8_t *v)
{
	if (p < end && (*p == 0x00 || *p == 0x01)) {
		*v = *p;
		return p + 1;
	}
	if (p + 1 < end && *p == 0x0a) {
		*v = p[1];
		return p + 2;
	}
	return NULL;
}

static void
parse_s5(const uint8_t *dsdt)
{
	const uint8_t *end = dsdt + ld32(dsdt + 4);
	const uint8_t *p;

	for (p = dsdt + SDT_HDR_LEN; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12)
			continue;
		/* PkgLength: bits 7-6 of the lead byte count extra bytes */
		p += 5;
		p += 1 + (*p >> 6);
		p++; /* NumElements */
		p = aml_small_int(p, end, &slp_typa);
		if (p)
			p = aml_small_int(p, end, &slp_typb);
		s5_found = p != NULL;
		return;
	}
}

void
acpi_init(const struct boot_info *bi)
{
	const uint8_t *fadt, *dsdt = NULL;
	uint64_t rsdp = bi->rsdp ? bi->rsdp : rsdp_scan();
	uint32_t flen;

	if (!rsdp || !(fadt = find_fadt(rsdp)))
		return;
	flen = ld32(fadt + 4);
	pm1a_cnt = (uint16_t)ld32(fadt + 64);
	pm1b_cnt = (uint16_t)ld32(fadt + 68);
	if (flen >= 148 && ld64(fadt + 140))
		dsdt = table_at(ld64(fadt + 140), "DSDT");
	if (!dsdt)
		dsdt = table_at(ld32(fadt + 40), "DSDT");
	if (dsdt)
		parse_s5(dsdt);
}

void
acpi_poweroff(void)
{
	if (!pm1a_cnt)
		return;
	/* without \_S5 in the DSDT, SLP_TYP 0 is QEMU's soft-off value */
	outw(pm1a_cnt, PM1_SLP_TYP(s5_found ? slp_typa : 0) | PM1_SLP_EN);
	if (pm1b_cnt)
		outw(pm1b_cnt,
		     PM1_SLP_TYP(s5_found ? slp_typb : 0) | PM1_SLP_EN);
}
