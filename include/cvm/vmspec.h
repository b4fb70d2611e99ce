/* SPDX-License-Identifier: MIT */
/*
 * The description of one virtual machine, shared by every back end: the
 * QEMU command-line builder (lib/qemu), the libvirt domain XML generator
 * (lib/virt), `cvm vm`, `cvm run`, `cvm eval` and the OCI runtime.
 * It holds what the user asked for, already validated; back ends turn it
 * into argv or XML for a given QEMU/libvirt version and never change it.
 * All strings are borrowed (the caller keeps them alive).
 */
#ifndef CVM_VMSPEC_H
#define CVM_VMSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The protection levels, ordered: a host that can run one can run the
 * ones below it (SEV-ES implies SEV, SNP implies SEV-ES on real parts). */
enum cvm_protection {
	CVM_PROT_NONE = 0,
	CVM_PROT_SEV,
	CVM_PROT_SEV_ES,
	CVM_PROT_SEV_SNP,
	CVM_PROT_AUTO, /* resolve with the host check before building */
};

/* "none", "sev", "sev-es", "sev-snp", "auto" */
const char *cvm_protection_name(enum cvm_protection p);
/* Parse one of the names above; -EINVAL otherwise. */
int cvm_protection_parse(const char *s, enum cvm_protection *out);

enum cvm_accel {
	CVM_ACCEL_AUTO = 0, /* resolved by the caller before building */
	CVM_ACCEL_KVM,
	CVM_ACCEL_TCG,
};

/* How the guest starts. */
enum cvm_boot {
	CVM_BOOT_PVH = 0, /* -kernel ELF with a PVH note, no firmware */
	CVM_BOOT_EFI,	  /* OVMF, then -kernel (EFI app or bzImage) */
	CVM_BOOT_DISK,	  /* OVMF, then the first disk (cloud images) */
};

/* SEV parameters; meaningful when protection is SEV or above. */
struct cvm_sev_params {
	uint64_t policy;  /* SEV: 32-bit policy; SNP: 64-bit */
	unsigned cbitpos; /* from the host's CPUID 0x8000001F EBX[5:0] */
	unsigned reduced_phys_bits; /* 1, as AMD and QEMU advise */
	bool kernel_hashes;	    /* measured direct boot (AmdSev OVMF) */
	const char *dh_cert_file;   /* SEV/ES: base64 files from sevctl */
	const char *session_file;
	const char *id_block;  /* SNP: base64, 96 bytes decoded */
	const char *id_auth;   /* SNP: base64, 4096 bytes decoded */
	const char *host_data; /* SNP: base64, 32 bytes decoded */
	bool author_key;       /* SNP: id_auth carries an author key */
	bool vcek_disabled;    /* SNP: VLEK-signed reports (vcek='no') */
};

struct cvm_disk {
	const char *path;
	const char *format; /* "qcow2", "raw" */
	bool readonly;
	bool cdrom; /* a cloud-init seed */
};

#define CVM_VM_MAX_DISKS 4

struct cvm_vmspec {
	const char *name;
	enum cvm_protection protection;
	struct cvm_sev_params sev;
	enum cvm_accel accel;
	enum cvm_boot boot;
	unsigned vcpus;
	uint64_t memory_mib;
	const char *cpu_model; /* NULL: the back end's default for the accel */

	/* firmware: code (read-only, shared) and this VM's own vars copy;
	 * SNP uses `code` alone as -bios / <loader type='rom'> */
	const char *firmware_code;
	const char *firmware_vars;

	/* direct kernel boot (PVH, EFI app, or bzImage under OVMF) */
	const char *kernel;
	const char *initrd;
	const char *append;

	struct cvm_disk disks[CVM_VM_MAX_DISKS];
	size_t ndisks;

	/* host-side endpoints, NULL when not wanted */
	const char *serial_log;	   /* serial output appended to a file */
	const char *serial_socket; /* serial on a unix socket (console) */
	bool serial_stdio;	   /* serial on QEMU's stdio (cvm run) */
	const char *qmp_socket;	   /* QMP unix socket */
	const char *pidfile;

	bool debug_exit; /* isa-debug-exit at 0xf4 (the unikernel's exit) */
	bool network;	 /* user-mode virtio-net */
	bool no_reboot;	 /* forced on for SEV-ES and SNP */
	bool paused;	 /* start paused (-S), e.g. to read the measurement */
};

#endif
