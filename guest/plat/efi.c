/* SPDX-License-Identifier: MIT */
/*
 * The UEFI front end: OVMF starts cvm-unikernel.efi (a PE32+ EFI
 * application) for QEMU's -kernel.  While boot services run: look for
 * SEV (OVMF's #VC handler still serves port I/O here), copy the command
 * line from LoadOptions, record the configuration tables (ACPI RSDP;
 * the SNP CC blob that locates the secrets and CPUID pages), take the
 * memory map and leave boot services, retrying when the map key went
 * stale (UEFI 2.10 §7.4 ExitBootServices: on EFI_INVALID_PARAMETER
 * the caller gets a new map and tries again, calling nothing else).
 * Then the machine is ours: continue in kmain() on the boot stack.
 */
#include <stdint.h>
#include <string.h>

#include "cpu.h"
#include "efi.h"
#include "kernel.h"

#define EXITBS_TRIES 8
#define MAP_BYTES    (32 * 1024)

/* UEFI 2.10 §9.1 */
static const struct efi_guid loaded_image_guid = {
	0x5b1b31a1,
	0x9562,
	0x11d2,
	{0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b}};
/* UEFI 2.10 §4.6.1.1: EFI_ACPI_20_TABLE_GUID, ACPI_TABLE_GUID */
static const struct efi_guid acpi20_guid = {
	0x8868e871,
	0xe4f1,
	0x11d3,
	{0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81}};
static const struct efi_guid acpi10_guid = {
	0xeb9d2d30,
	0x2d88,
	0x11d3,
	{0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d}};
/* edk2 OvmfPkg/Include/Guid/ConfidentialComputingSevSnpBlob.h */
static const struct efi_guid cc_blob_guid = {
	0x067b1f5f,
	0xcf26,
	0x44c5,
	{0x85, 0x54, 0x93, 0xd7, 0x77, 0x91, 0x2d, 0x42}};

extern uint64_t efi_tsc_entry; /* efi-entry.S */

static uint64_t map_buf[MAP_BYTES / 8];

efi_status efi_main(efi_handle image, struct efi_system_table *st);

/* Before ExitBootServices(): report on the serial line and stop. */
static __attribute__((noreturn)) void
efi_fail(const char *what, efi_status s)
{
	serial_init();
	kprintf("cvm: efi: %s (status 0x%llx)\n", what, (unsigned long long)s);
	kernel_exit(CVM_GUEST_EXIT_PANIC);
}

static void
copy_load_options(struct boot_info *bi, efi_handle image,
		  struct efi_boot_services *bs)
{
	struct efi_loaded_image *li = NULL;
	const uint16_t *w;
	size_t n, i;

	if (bs->handle_protocol(image, &loaded_image_guid, (void **)&li) !=
		    EFI_SUCCESS ||
	    !li || !li->load_options)
		return;
	w = li->load_options;
	n = li->load_options_size / 2;
	for (i = 0; i < n && i < BOOT_CMDLINE_MAX - 1 && w[i]; i++)
		bi->cmdline[i] = w[i] < 0x80 ? (char)w[i] : '?';
	bi->cmdline[i] = '\0';
	bi->cmdline_truncated = i < n && w[i];
}

static void
record_config_tables(struct boot_info *bi, const struct efi_system_table *st)
{
	uint64_t rsdp1 = 0;

	bi->ncfg_all = (unsigned)st->number_of_table_entries;
	for (uint64_t i = 0; i < st->number_of_table_entries; i++) {
		const struct efi_configuration_table *t =
			&st->configuration_table[i];
		uint64_t a = (uint64_t)(uintptr_t)t->vendor_table;

		if (bi->ncfg < BOOT_CFG_MAX) {
			memcpy(bi->cfg[bi->ncfg].guid, &t->vendor_guid, 16);
			bi->cfg[bi->ncfg++].addr = a;
		}
		if (!memcmp(&t->vendor_guid, &acpi20_guid, 16))
			bi->rsdp = a;
		else if (!memcmp(&t->vendor_guid, &acpi10_guid, 16))
			rsdp1 = a;
		else if (!memcmp(&t->vendor_guid, &cc_blob_guid, 16))
			bi->cc_blob = a;
	}
	if (!bi->rsdp)
		bi->rsdp = rsdp1;
}

static enum mem_kind
efi_kind(uint32_t type)
{
	switch (type) {
	case EFI_CONVENTIONAL:
		return MEM_FREE;
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
		return MEM_FREE_LATE;
	case EFI_RESERVED:
	case EFI_UNUSABLE:
	case EFI_MMIO:
	case EFI_MMIO_PORT_SPACE:
	case EFI_PAL_CODE:
		return MEM_RESERVED;
	default: /* ours (loader), runtime, ACPI, persistent, unaccepted */
		return MEM_USED;
	}
}

/* GetMemoryMap() + ExitBootServices() until the key holds */
static void
exit_boot_services(struct boot_info *bi, efi_handle image,
		   struct efi_boot_services *bs)
{
	uint64_t size, key, dsize = 0;
	uint32_t dver;
	efi_status s = EFI_INVALID_PARAMETER;
	const uint8_t *p;

	for (bi->exitbs_tries = 1; bi->exitbs_tries <= EXITBS_TRIES;
	     bi->exitbs_tries++) {
		size = sizeof(map_buf);
		s = bs->get_memory_map(&size, (void *)map_buf, &key, &dsize,
				       &dver);
		if (s == EFI_BUFFER_TOO_SMALL)
			efi_fail("memory map larger than the kernel's buffer",
				 s);
		if (s != EFI_SUCCESS ||
		    dsize < sizeof(struct efi_memory_descriptor))
			efi_fail("GetMemoryMap failed", s);
		s = bs->exit_boot_services(image, key);
		if (s != EFI_INVALID_PARAMETER)
			break;
	}
	if (s != EFI_SUCCESS)
		efi_fail("ExitBootServices failed", s);
	/* boot services are gone: from here on the machine is ours */
	__asm__ volatile("cli");
	for (p = (const uint8_t *)map_buf;
	     p + dsize <= (const uint8_t *)map_buf + size; p += dsize) {
		const struct efi_memory_descriptor *d = (const void *)p;

		boot_add_mem(bi, d->physical_start,
			     d->number_of_pages * PAGE_SIZE, efi_kind(d->type));
	}
}

efi_status
efi_main(efi_handle image, struct efi_system_table *st)
{
	struct boot_info *bi = &boot_info;
	const char *why = NULL;

	bi->method = BOOT_EFI;
	bi->tsc_entry = efi_tsc_entry;
	bi->tsc_longmode = efi_tsc_entry; /* UEFI starts us in long mode */
	sev_early_init(bi);
	if (!sev_supported(bi, &why)) {
		serial_init();
		kprintf("cvm: %s\n", why);
		kprintf("CVM1 info protection %s\n", sev_protection_name(bi));
		kernel_exit(CVM_GUEST_EXIT_PANIC);
	}
	if (!st || !st->boot_services)
		return EFI_UNSUPPORTED;
	copy_load_options(bi, image, st->boot_services);
	record_config_tables(bi, st);
	exit_boot_services(bi, image, st->boot_services);
	boot_enter_kmain(bi);
}
