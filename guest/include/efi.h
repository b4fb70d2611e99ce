/* SPDX-License-Identifier: MIT */
/*
 * The few UEFI definitions the EFI front end uses, from the UEFI
 * Specification 2.10: §4.2 EFI_TABLE_HEADER, §4.3 EFI_SYSTEM_TABLE,
 * §4.4 EFI_BOOT_SERVICES (the members are listed in table order; the
 * ones not called are plain pointers), §4.6 EFI_CONFIGURATION_TABLE,
 * §7.2 GetMemoryMap() and EFI_MEMORY_DESCRIPTOR, §7.4
 * ExitBootServices(), §9.1 EFI_LOADED_IMAGE_PROTOCOL, appendix D
 * status codes.  Calls into the firmware use the Microsoft x64 calling
 * convention (§2.3.4.2), hence EFIAPI.
 */
#ifndef CVM_GUEST_EFI_H
#define CVM_GUEST_EFI_H

#include <stddef.h>
#include <stdint.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status;
typedef void *efi_handle;

#define EFI_SUCCESS	      0ull
#define EFI_ERROR_BIT	      (1ull << 63)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED	      (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL  (EFI_ERROR_BIT | 5)

struct efi_guid {
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
};

struct efi_table_header {
	uint64_t signature;
	uint32_t revision;
	uint32_t header_size;
	uint32_t crc32;
	uint32_t reserved;
};

/* §7.2.3 EFI_MEMORY_TYPE */
enum efi_memory_type {
	EFI_RESERVED = 0,
	EFI_LOADER_CODE,
	EFI_LOADER_DATA,
	EFI_BOOT_SERVICES_CODE,
	EFI_BOOT_SERVICES_DATA,
	EFI_RUNTIME_SERVICES_CODE,
	EFI_RUNTIME_SERVICES_DATA,
	EFI_CONVENTIONAL,
	EFI_UNUSABLE,
	EFI_ACPI_RECLAIM,
	EFI_ACPI_NVS,
	EFI_MMIO,
	EFI_MMIO_PORT_SPACE,
	EFI_PAL_CODE,
	EFI_PERSISTENT,
	EFI_UNACCEPTED,
};

struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t number_of_pages; /* 4 KiB pages */
	uint64_t attribute;
};

struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	void *allocate_pages, *free_pages;
	efi_status(EFIAPI *get_memory_map)(uint64_t *map_size,
					   struct efi_memory_descriptor *map,
					   uint64_t *map_key,
					   uint64_t *descriptor_size,
					   uint32_t *descriptor_version);
	void *allocate_pool, *free_pool;
	void *create_event, *set_timer, *wait_for_event, *signal_event;
	void *close_event, *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface;
	void *uninstall_protocol_interface;
	efi_status(EFIAPI *handle_protocol)(efi_handle handle,
					    const struct efi_guid *protocol,
					    void **interface);
	void *reserved, *register_protocol_notify, *locate_handle;
	void *locate_device_path, *install_configuration_table;
	void *load_image, *start_image, *exit, *unload_image;
	efi_status(EFIAPI *exit_boot_services)(efi_handle image,
					       uint64_t map_key);
};
_Static_assert(offsetof(struct efi_boot_services, get_memory_map) == 56,
	       "UEFI 4.4: GetMemoryMap");
_Static_assert(offsetof(struct efi_boot_services, handle_protocol) == 152,
	       "UEFI 4.4: HandleProtocol");
_Static_assert(offsetof(struct efi_boot_services, exit_boot_services) == 232,
	       "UEFI 4.4: ExitBootServices");

struct efi_configuration_table {
	struct efi_guid vendor_guid;
	void *vendor_table;
};

struct efi_system_table {
	struct efi_table_header hdr;
	uint16_t *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	void *con_in;
	efi_handle console_out_handle;
	void *con_out;
	efi_handle standard_error_handle;
	void *std_err;
	void *runtime_services;
	struct efi_boot_services *boot_services;
	uint64_t number_of_table_entries;
	struct efi_configuration_table *configuration_table;
};
_Static_assert(offsetof(struct efi_system_table, boot_services) == 96,
	       "UEFI 4.3: BootServices");
_Static_assert(offsetof(struct efi_system_table, configuration_table) == 112,
	       "UEFI 4.3: ConfigurationTable");

struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent_handle;
	struct efi_system_table *system_table;
	efi_handle device_handle;
	void *file_path;
	void *reserved;
	uint32_t load_options_size; /* bytes */
	void *load_options;	    /* UCS-2 for an OVMF -kernel start */
	void *image_base;
	uint64_t image_size;
	uint32_t image_code_type, image_data_type;
	void *unload;
};
_Static_assert(offsetof(struct efi_loaded_image, load_options) == 56,
	       "UEFI 9.1: LoadOptions");

#endif
