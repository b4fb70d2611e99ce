/* SPDX-License-Identifier: MIT */
/*
 * QEMU's error messages in plain words: the message map of
 * ../shared/docs/launch-and-host.md §7, extended with the field reports
 * of §6 and the QEMU 7.2 behaviour observed in §3.5.  Used by `cvm run`
 * and `cvm vm` to turn QEMU's stderr into one explained line.
 */
#include <stdio.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/qemu.h"

/* More specific matches first: the first hit wins. */
static const struct cvm_qemu_explanation table[] = {
	{"machine->cgs->ready' failed", "QEMU/TCG",
	 "confidential guests need KVM on an AMD EPYC host; this QEMU is "
	 "running with TCG (software emulation)"},
	{"cbitpos check failed, host '0'", "host",
	 "this CPU/VM does not expose SEV (CPUID 0x8000001F reports no C-bit): "
	 "are you inside a VM, or is SEV off in the BIOS?"},
	{"cbitpos check failed", "config",
	 "the C-bit position must equal the host's CPUID 0x8000001F EBX[5:0]; "
	 "take it from 'cvm host check'"},
	{"reduced_phys_bits check failed", "config",
	 "reduced-phys-bits must be at least 1 (AMD advises 1)"},
	{"Parameter 'reduced-phys-bits' is missing", "config",
	 "sev-guest needs reduced-phys-bits (use 1)"},
	{"Failed to open /dev/sev", "host",
	 "/dev/sev is missing: load ccp, enable SMEE/SEV in the BIOS, run on "
	 "bare metal"},
	{"SEV is not enabled in KVM", "host",
	 "kvm_amd has SEV disabled (check "
	 "/sys/module/kvm_amd/parameters/sev*)"},
	{"ret=-95", "host",
	 "kvm_amd has SEV disabled or no ASIDs for it (check "
	 "/sys/module/kvm_amd/parameters/sev* and the BIOS ASID split)"},
	{"does not accept value 'sev-snp-guest'", "QEMU",
	 "this QEMU is older than 9.1 and cannot run SEV-SNP guests"},
	{"memory-backend-memfd-private", "QEMU",
	 "memory-backend-memfd-private is an old AMD-fork option: upstream "
	 "QEMU >= 9.1 uses guest_memfd by itself"},
	{"Invalid parameter 'kernel-hashes'", "QEMU",
	 "this QEMU cannot measure a directly booted kernel for SNP: use "
	 "upstream QEMU >= 9.1"},
	{"Invalid parameter 'legacy-vm-type'", "QEMU",
	 "legacy-vm-type needs QEMU 9.1 or newer"},
	{"pflash with kvm requires KVM readonly memory", "config",
	 "SNP guests must load firmware with -bios (a single OVMF.fd), not "
	 "pflash/NVRAM"},
	{"KVM_SET_USER_MEMORY_REGION2 failed", "config",
	 "SNP guests must load firmware with -bios (a single OVMF.fd), not "
	 "pflash/NVRAM"},
	{"hashes table area is invalid", "firmware",
	 "measured kernel boot needs the AmdSev OVMF build (OVMF.amdsev.fd), "
	 "which Debian does not ship"},
	{"Firmware GUID Table block not found", "firmware",
	 "this firmware is not SEV-capable: use an OVMF built with SEV "
	 "support"},
	{"SEV_ES_RESET_BLOCK_GUID", "firmware",
	 "this firmware has no SEV-ES reset block: use an SEV-ES capable OVMF"},
	{"SNP_LAUNCH_START ret=-22", "policy",
	 "the kernel rejected the SNP policy; use 0x30000 (bit 16 SMT and bit "
	 "17 must be set on 6.11-6.16)"},
	{"CPUID validation failed", "config",
	 "the CPU model exposes CPUID values the SNP firmware rejects: use "
	 "-cpu EPYC-v4 or the model matching the host"},
	{"SNP_LAUNCH_UPDATE", "config",
	 "the SNP firmware refused a launch page: check the CPU model "
	 "(EPYC-v4 or the host's) and the firmware build"},
	{"Convert non guest_memfd backed memory region", "guest",
	 "the guest touched the APIC page as private: try -cpu EPYC-v4 or a "
	 "newer guest kernel"},
	{"locked pages exceed the lock limit", "limits",
	 "guest RAM must be pinnable: raise the memlock limit (ulimit -l, "
	 "LimitMEMLOCK=infinity, libvirt <memoryBacking><locked/>)"},
	{"failed to register region", "limits",
	 "guest RAM must be pinnable: raise the memlock limit (ulimit -l, "
	 "LimitMEMLOCK=infinity, libvirt <memoryBacking><locked/>)"},
	{"failed to INIT error 0x13", "BIOS", "enable SMEE in the BIOS"},
	{"RMP table has not been reserved by BIOS", "BIOS",
	 "enable SNP memory coverage in the BIOS"},
	{"IOMMU disabled or configured in passthrough mode", "kernel",
	 "remove iommu=pt / amd_iommu=off from the kernel command line and "
	 "enable the IOMMU in the BIOS"},
	{"failed to create encryption context", "host",
	 "KVM refused to create the SEV context: check the policy and that "
	 "the firmware is loaded with -bios for SNP"},
	{"SEV launch security is not supported with this QEMU binary",
	 "libvirt",
	 "libvirt's QEMU probe found no SEV; run 'cvm host check' for the "
	 "reason"},
	{"Invalid value for attribute 'type' in element 'launchSecurity'",
	 "libvirt", "libvirt older than 10.5 cannot describe SEV-SNP guests"},
	{"KVM internal error", "host",
	 "this KVM cannot run the guest (e.g. a nested or PVM-based KVM): use "
	 "--accel tcg"},
	{"failed to set MSR", "host",
	 "this KVM rejects the CPU model's MSRs (a nested or PVM-based KVM?): "
	 "use --accel tcg or another CPU model"},
	{"kvm run failed Invalid argument", "host",
	 "KVM stopped the guest: usually a guest kernel without SNP support, "
	 "the wrong OVMF, or a host/QEMU mismatch"},
	{"Could not access KVM kernel module", "host",
	 "/dev/kvm is missing or not accessible: load kvm_amd/kvm_intel and "
	 "join the kvm group, or use --accel tcg"},
	{"failed to initialize kvm", "host",
	 "KVM could not be initialised: use --accel tcg, or fix the host "
	 "(see 'cvm host check')"},
	{"Error loading uncompressed kernel without PVH ELF Note", "image",
	 "the kernel is neither a bzImage nor an ELF with a PVH note: use "
	 "--boot efi for an EFI application"},
	{"Cannot load x86-64 image, give a 32bit one", "image",
	 "QEMU's multiboot loader takes 32-bit images only: give the ELF a PVH "
	 "note"},
	{"invalid kernel header", "image",
	 "the kernel image is neither a bzImage nor an ELF with a PVH note: "
	 "for --boot pvh give cvm-unikernel.elf"},
	{"could not load kernel", "image",
	 "the kernel image cannot be read: check the path (--image)"},
	{"could not load PC BIOS", "firmware",
	 "the firmware file cannot be used with -bios: check the path, and "
	 "that its size is a multiple of 64 KiB"},
	{"Could not open", "config",
	 "QEMU cannot open a file it was given: "
	 "check the paths and permissions"},
	{"cannot set up guest memory", "host",
	 "QEMU could not allocate the guest's memory: lower --memory"},
};

const struct cvm_qemu_explanation *
cvm_qemu_explain(const char *output)
{
	if (!output)
		return NULL;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(table); i++)
		if (strstr(output, table[i].match))
			return &table[i];
	return NULL;
}

const struct cvm_qemu_explanation *
cvm_qemu_explanations(size_t *n)
{
	*n = CVM_ARRAY_SIZE(table);
	return table;
}

static bool
is_noise(const char *line, size_t len)
{
	static const char *const noise[] = {"warning:",
					    "terminating on signal"};

	for (size_t i = 0; i < CVM_ARRAY_SIZE(noise); i++) {
		size_t n = strlen(noise[i]);

		for (size_t j = 0; j + n <= len; j++)
			if (memcmp(line + j, noise[i], n) == 0)
				return true;
	}
	return false;
}

void
cvm_qemu_error_line(const char *output, char *out, size_t size)
{
	const char *line = output;

	out[0] = '\0';
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *colon;

		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			len--;
		if (len && !is_noise(line, len)) {
			/* "qemu-system-x86_64: msg" -> "msg" */
			colon = memchr(line, ':', len);
			if (colon && strncmp(line, "qemu-system-", 12) == 0 &&
			    colon + 2 <= line + len) {
				len -= (size_t)(colon + 2 - line);
				line = colon + 2;
			}
			if (len > 300)
				len = 300;
			snprintf(out, size, "%.*s", (int)len, line);
			return;
		}
		line = nl ? nl + 1 : NULL;
	}
}
