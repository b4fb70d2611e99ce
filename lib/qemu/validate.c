/* SPDX-License-Identifier: MIT */
/*
 * Refusing impossible QEMU launches before anything starts: see
 * cvm_qemu_validate() in cvm/qemu.h.  The rules and their sources are in
 * ../shared/docs/launch-and-host.md §3 and §3.5 and guest-sev.md §1.1-1.2.
 */
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/qemu.h"
#include "cvm/util.h"

/* SEV API spec 55766 §3, guest policy: bit 2 ES */
#define SEV_POLICY_ES (1ull << 2)
/* SNP firmware ABI spec 56860 "Guest Policy": bit 17 is reserved, must be 1 */
#define SNP_POLICY_RSVD1 (1ull << 17)

static int
usage(struct cvm_err *err, const char *msg)
{
	return cvm_err_set(err, -CVM_E_USAGE, "%s", msg);
}

/* A base64 option must decode to exactly `want` bytes. */
static int
check_blob(const char *name, const char *b64, size_t want, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf raw = CVM_BUF_INIT;

	if (!b64)
		return 0;
	if (cvm_base64_decode(b64, &raw, err) < 0)
		return cvm_err_prefix(err, "SNP '%s'", name);
	if (raw.len != want)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "SNP '%s' decodes to %zu bytes, not %zu",
				   name, raw.len, want);
	return 0;
}

static int
check_basics(const struct cvm_vmspec *s, const struct cvm_qemu_caps *c,
	     struct cvm_err *err)
{
	if (s->protection == CVM_PROT_AUTO)
		return usage(err,
			     "protection 'auto' must be resolved by the "
			     "host check before the command line is built");
	if (s->accel == CVM_ACCEL_AUTO)
		return usage(err, "accelerator 'auto' must be resolved before "
				  "the command line is built");
	if (s->vcpus < 1 || s->vcpus > 255)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "%u vCPUs: QEMU's q35 takes 1 to 255",
				   s->vcpus);
	if (s->memory_mib < 2 || s->memory_mib > (16ull << 20))
		return cvm_err_set(
			err, -CVM_E_USAGE,
			"%llu MiB of memory: must be 2 MiB to 16 TiB",
			(unsigned long long)s->memory_mib);
	if (s->accel == CVM_ACCEL_KVM && !c->accel_kvm)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "this QEMU (%u.%u) has no KVM support",
				   c->major, c->minor);
	if (s->accel == CVM_ACCEL_TCG && !c->accel_tcg)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "this QEMU (%u.%u) has no TCG support",
				   c->major, c->minor);
	if (!c->machine_q35)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "this QEMU has no q35 machine");
	if (s->serial_stdio && s->serial_socket)
		return usage(err, "the serial console goes to stdio or to a "
				  "socket, not both");
	return 0;
}

static int
check_boot(const struct cvm_vmspec *s, struct cvm_err *err)
{
	bool fw = s->firmware_code != NULL;

	if ((s->initrd || s->append) && !s->kernel)
		return usage(err, "an initrd or kernel command line needs a "
				  "kernel");
	if (s->firmware_vars && !fw)
		return usage(err, "a firmware variable store needs the "
				  "firmware code");
	switch (s->boot) {
	case CVM_BOOT_PVH:
		if (!s->kernel)
			return usage(err, "PVH boot needs a kernel image");
		if (fw)
			return usage(err, "PVH boot starts the kernel without "
					  "firmware: drop the firmware or use "
					  "EFI boot");
		return 0;
	case CVM_BOOT_EFI:
		if (!fw)
			return usage(err, "EFI boot needs OVMF firmware");
		if (!s->kernel)
			return usage(err,
				     "EFI boot starts a kernel image (an EFI "
				     "application or bzImage): none given");
		return 0;
	case CVM_BOOT_DISK:
		if (!fw)
			return usage(err, "disk boot needs OVMF firmware");
		if (s->kernel)
			return usage(err,
				     "disk boot takes no kernel image: use "
				     "EFI boot for a kernel");
		for (size_t i = 0; i < s->ndisks; i++)
			if (!s->disks[i].cdrom)
				return 0;
		return usage(err, "disk boot needs a (non-cdrom) disk");
	}
	return usage(err, "unknown boot mode");
}

static int
check_devices(const struct cvm_vmspec *s, const struct cvm_qemu_caps *c,
	      struct cvm_err *err)
{
	if (s->ndisks > CVM_VM_MAX_DISKS)
		return cvm_err_set(err, -CVM_E_USAGE, "%zu disks: at most %d",
				   s->ndisks, CVM_VM_MAX_DISKS);
	for (size_t i = 0; i < s->ndisks; i++)
		if (!s->disks[i].path || !s->disks[i].path[0])
			return cvm_err_set(err, -CVM_E_USAGE,
					   "disk %zu has no path", i);
	if (s->ndisks &&
	    !(c->dev_virtio_scsi && c->dev_scsi_hd && c->dev_scsi_cd))
		return cvm_err_set(
			err, -CVM_E_UNSUPPORTED,
			"this QEMU lacks virtio-scsi-pci, scsi-hd or "
			"scsi-cd");
	if (s->network && !c->dev_virtio_net)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "this QEMU lacks virtio-net-pci");
	if (s->debug_exit && !c->dev_isa_debug_exit)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "this QEMU lacks isa-debug-exit");
	return 0;
}

static bool
has_snp_opts(const struct cvm_sev_params *p)
{
	return p->id_block || p->id_auth || p->host_data || p->author_key ||
	       p->vcek_disabled;
}

static int
check_sev(const struct cvm_vmspec *s, const struct cvm_qemu_caps *c,
	  struct cvm_err *err)
{
	const struct cvm_sev_params *p = &s->sev;
	bool es = (p->policy & SEV_POLICY_ES) != 0;

	if (!c->obj_sev_guest)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "this QEMU (%u.%u) has no sev-guest object",
				   c->major, c->minor);
	if (p->policy > 0xffffffffull)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "SEV policy 0x%llx does not fit in 32 bits",
				   (unsigned long long)p->policy);
	if (s->protection == CVM_PROT_SEV_ES && !es)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "SEV-ES needs the ES bit (bit 2) in the "
				   "policy, e.g. 0x7; 0x%llx lacks it",
				   (unsigned long long)p->policy);
	if (s->protection == CVM_PROT_SEV && es)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "policy 0x%llx has the ES bit (bit 2): that "
				   "is an SEV-ES policy",
				   (unsigned long long)p->policy);
	if (has_snp_opts(p))
		return usage(err,
			     "id-block, id-auth, host-data, author key and "
			     "vcek-disabled are SEV-SNP options");
	return 0;
}

static int
check_snp(const struct cvm_vmspec *s, const struct cvm_qemu_caps *c,
	  struct cvm_err *err)
{
	const struct cvm_sev_params *p = &s->sev;
	int r;

	if (!c->obj_sev_snp_guest && !cvm_qemu_caps_at_least(c, 9, 1))
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "SEV-SNP needs QEMU 9.1 or newer (the "
				   "sev-snp-guest object); this QEMU is %u.%u",
				   c->major, c->minor);
	if (!c->obj_sev_snp_guest)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "this QEMU (%u.%u) does not list the "
				   "sev-snp-guest object (built without SEV?)",
				   c->major, c->minor);
	if (!c->obj_memfd)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "this QEMU lacks memory-backend-memfd");
	if (s->firmware_vars)
		return usage(err, "SEV-SNP loads its firmware with -bios and "
				  "no variable store (pflash needs read-only "
				  "memory that SNP guests lack)");
	if (!(p->policy & SNP_POLICY_RSVD1))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "SNP policy 0x%llx lacks bit 17 (reserved, "
				   "must be one), e.g. 0x30000",
				   (unsigned long long)p->policy);
	if (p->dh_cert_file || p->session_file)
		return usage(err, "dh-cert and session files are SEV and "
				  "SEV-ES options; SNP has none");
	if ((p->id_auth || p->author_key) && !p->id_block)
		return usage(err, "an SNP id-auth or author key needs an "
				  "id-block");
	if (p->author_key && !p->id_auth)
		return usage(err, "an SNP author key is carried in id-auth");
	/* SNP firmware ABI spec 56860: ID_BLOCK 96 bytes, ID_AUTH 4096,
	 * HOST_DATA 32 (SNP_LAUNCH_FINISH) */
	if ((r = check_blob("id-block", p->id_block, 96, err)) < 0 ||
	    (r = check_blob("id-auth", p->id_auth, 4096, err)) < 0 ||
	    (r = check_blob("host-data", p->host_data, 32, err)) < 0)
		return r;
	return 0;
}

static int
check_protection(const struct cvm_vmspec *s, const struct cvm_qemu_caps *c,
		 struct cvm_err *err)
{
	const struct cvm_sev_params *p = &s->sev;

	if (s->protection == CVM_PROT_NONE) {
		if (p->dh_cert_file || p->session_file || has_snp_opts(p) ||
		    p->kernel_hashes)
			return usage(err,
				     "SEV options given for an unprotected "
				     "guest");
		return 0;
	}
	if (s->accel != CVM_ACCEL_KVM)
		return usage(err, "confidential guests need KVM on an AMD EPYC "
				  "host; TCG (software emulation) cannot run "
				  "SEV");
	if (s->boot == CVM_BOOT_PVH)
		return usage(err, "PVH boot cannot be protected (QEMU's PVH "
				  "loader adds no kernel hashes and OVMF does "
				  "not run it): use EFI boot");
	if (p->cbitpos < 32 || p->cbitpos > 63)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "C-bit position %u: take it from the host's "
				   "CPUID 0x8000001F EBX[5:0] (47 or 51)",
				   p->cbitpos);
	if (p->reduced_phys_bits < 1 || p->reduced_phys_bits > 63)
		return cvm_err_set(
			err, -CVM_E_USAGE,
			"reduced-phys-bits %u: QEMU needs at least 1 "
			"(AMD advises 1)",
			p->reduced_phys_bits);
	if (p->kernel_hashes && !s->kernel)
		return usage(err, "kernel-hashes measures a directly booted "
				  "kernel: none given");
	if (s->protection == CVM_PROT_SEV_SNP)
		return check_snp(s, c, err);
	return check_sev(s, c, err);
}

int
cvm_qemu_validate(const struct cvm_vmspec *s, const struct cvm_qemu_caps *c,
		  struct cvm_err *err)
{
	int r;

	if ((r = check_basics(s, c, err)) < 0 || (r = check_boot(s, err)) < 0 ||
	    (r = check_devices(s, c, err)) < 0 ||
	    (r = check_protection(s, c, err)) < 0)
		return r;
	return 0;
}
