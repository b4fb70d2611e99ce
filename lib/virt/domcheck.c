/* SPDX-License-Identifier: MIT */
/*
 * The rules a vmspec must meet before cvm writes domain XML for a given
 * libvirt version (see virt-priv.h).  Every refusal says what to change.
 */
#include <inttypes.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/virt.h"
#include "virt-priv.h"

/* SEV API spec 55766, chapter 3 "Guest Policy": bit 2 ES */
#define SEV_POLICY_ES (1u << 2)
/* SNP firmware ABI spec 56860, "Guest Policy": bit 17 is reserved and
 * must be one (firmware and KVM refuse the launch otherwise) */
#define SNP_POLICY_RSVD_MBO (1ull << 17)
/* SNP_LAUNCH_FINISH: ID_BLOCK 96 bytes, ID_AUTH 4096 bytes, HOST_DATA
 * 32 bytes (SNP firmware ABI spec 56860, "SNP_LAUNCH_FINISH") */
#define SNP_ID_BLOCK_SIZE  96
#define SNP_ID_AUTH_SIZE   4096
#define SNP_HOST_DATA_SIZE 32

static int
check_text(const char *what, const char *s, struct cvm_err *err)
{
	if (s && !xmlw_text_ok(s))
		return cvm_err_set(err, -EINVAL,
				   "%s holds a control character or invalid "
				   "UTF-8, which domain XML cannot carry",
				   what);
	return 0;
}

static int
check_texts(const struct cvm_vmspec *s, struct cvm_err *err)
{
	const struct {
		const char *what, *val;
	} t[] = {
		{"the kernel path", s->kernel},
		{"the initrd path", s->initrd},
		{"the kernel command line", s->append},
		{"the firmware path", s->firmware_code},
		{"the firmware variables path", s->firmware_vars},
		{"the serial log path", s->serial_log},
		{"the CPU model", s->cpu_model},
		{"the id-block", s->sev.id_block},
		{"the id-auth", s->sev.id_auth},
		{"the host-data", s->sev.host_data},
	};
	int r = 0;

	for (size_t i = 0; i < CVM_ARRAY_SIZE(t) && r == 0; i++)
		r = check_text(t[i].what, t[i].val, err);
	for (size_t i = 0; i < s->ndisks && r == 0; i++)
		r = check_text("a disk path", s->disks[i].path, err);
	return r;
}

static int
check_b64(const char *what, const char *text, size_t want, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct cvm_err e = CVM_ERR_INIT;

	if (!text)
		return 0;
	if (cvm_base64_decode(text, &b, &e) < 0)
		return cvm_err_set(err, -EINVAL, "%s: %s", what, e.msg);
	if (b.len != want)
		return cvm_err_set(err, -EINVAL,
				   "%s decodes to %zu bytes; SNP_LAUNCH_FINISH "
				   "takes exactly %zu",
				   what, b.len, want);
	return 0;
}

static int
check_boot(const struct cvm_vmspec *s, struct cvm_err *err)
{
	bool have_disk = false;

	if (s->ndisks > CVM_VM_MAX_DISKS)
		return cvm_err_set(err, -EINVAL, "%zu disks; at most %d",
				   s->ndisks, CVM_VM_MAX_DISKS);
	for (size_t i = 0; i < s->ndisks; i++) {
		if (!s->disks[i].path || s->disks[i].path[0] != '/')
			return cvm_err_set(
				err, -EINVAL,
				"disk %zu needs an absolute path "
				"(libvirt resolves paths on the host "
				"that runs the guest)",
				i + 1);
		have_disk |= !s->disks[i].cdrom;
	}
	if ((s->initrd || s->append) && !s->kernel)
		return cvm_err_set(err, -EINVAL,
				   "an initrd or a kernel command line needs "
				   "a kernel (direct kernel boot)");
	switch (s->boot) {
	case CVM_BOOT_PVH:
		if (!s->kernel)
			return cvm_err_set(err, -EINVAL,
					   "PVH boot needs a kernel");
		if (s->protection != CVM_PROT_NONE)
			return cvm_err_set(
				err, -CVM_E_UNSUPPORTED,
				"protection '%s' starts the guest in OVMF, "
				"which PVH boot skips; use EFI boot",
				cvm_protection_name(s->protection));
		return 0;
	case CVM_BOOT_EFI:
		if (!s->kernel)
			return cvm_err_set(err, -EINVAL,
					   "EFI direct boot needs a kernel "
					   "(an EFI application or bzImage)");
		return 0;
	case CVM_BOOT_DISK:
		if (!have_disk)
			return cvm_err_set(err, -EINVAL,
					   "disk boot needs a disk image");
		return 0;
	}
	return cvm_err_set(err, -EINVAL, "unknown boot mode %d", (int)s->boot);
}

static int
check_firmware(const struct cvm_vmspec *s, unsigned long version,
	       struct cvm_err *err)
{
	char v[32];

	if (s->boot == CVM_BOOT_PVH)
		return 0;
	if (s->firmware_code && s->firmware_code[0] != '/')
		return cvm_err_set(err, -EINVAL,
				   "the firmware '%s' needs an absolute path",
				   s->firmware_code);
	if (s->firmware_vars && s->firmware_vars[0] != '/')
		return cvm_err_set(err, -EINVAL,
				   "the firmware variables '%s' need an "
				   "absolute path",
				   s->firmware_vars);
	/* SNP has no NVRAM at all; otherwise no vars means stateless */
	if (s->protection != CVM_PROT_SEV_SNP && s->firmware_code &&
	    !s->firmware_vars && version < CVM_VIRT_V_STATELESS) {
		cvm_virt_version_format(version, v, sizeof(v));
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "libvirt %s cannot run OVMF without a "
				   "variable store (<loader stateless='yes'> "
				   "came in 8.6.0): give the vars template",
				   v);
	}
	return 0;
}

static int
check_sev(const struct cvm_vmspec *s, struct cvm_err *err)
{
	const struct cvm_sev_params *p = &s->sev;
	bool es = s->protection == CVM_PROT_SEV_ES;

	if (p->policy > UINT32_MAX)
		return cvm_err_set(err, -EINVAL,
				   "SEV policy 0x%" PRIx64 " does not fit in "
				   "32 bits",
				   p->policy);
	if (es && !(p->policy & SEV_POLICY_ES))
		return cvm_err_set(err, -EINVAL,
				   "SEV-ES needs the ES bit (bit 2) in the "
				   "policy; 0x%" PRIx64 " lacks it (0x7 is "
				   "the usual SEV-ES policy)",
				   p->policy);
	if (!es && (p->policy & SEV_POLICY_ES))
		return cvm_err_set(err, -EINVAL,
				   "policy 0x%" PRIx64 " has the ES bit "
				   "(bit 2): that is an SEV-ES guest; ask for "
				   "protection sev-es",
				   p->policy);
	if (p->id_block || p->id_auth || p->host_data || p->author_key ||
	    p->vcek_disabled)
		return cvm_err_set(err, -EINVAL,
				   "id-block, id-auth, host-data, author-key "
				   "and vcek are SEV-SNP launch parameters, "
				   "not for protection '%s'",
				   cvm_protection_name(s->protection));
	return 0;
}

static int
check_snp(const struct cvm_vmspec *s, unsigned long version,
	  struct cvm_err *err)
{
	const struct cvm_sev_params *p = &s->sev;
	char v[32];
	int r;

	if (version < CVM_VIRT_V_SEV_SNP) {
		cvm_virt_version_format(version, v, sizeof(v));
		return cvm_err_set(
			err, -CVM_E_UNSUPPORTED,
			"libvirt %s cannot describe SEV-SNP guests: "
			"<launchSecurity type='sev-snp'> needs libvirt >= "
			"10.5 (Debian 12 ships 9.0); use the QEMU backend "
			"with QEMU >= 9.1, or a newer libvirt",
			v);
	}
	if (!(p->policy & SNP_POLICY_RSVD_MBO))
		return cvm_err_set(err, -EINVAL,
				   "SNP policy 0x%" PRIx64 " lacks bit 17, "
				   "which must be one (0x30000 is the usual "
				   "policy)",
				   p->policy);
	if (p->dh_cert_file || p->session_file)
		return cvm_err_set(err, -EINVAL,
				   "dh-cert and session files are SEV/SEV-ES "
				   "launch parameters; SNP guests attest "
				   "instead");
	if (p->id_auth && !p->id_block)
		return cvm_err_set(err, -EINVAL,
				   "an id-auth needs its id-block");
	if (p->author_key && !p->id_auth)
		return cvm_err_set(err, -EINVAL,
				   "author-key needs an id-auth carrying the "
				   "author key");
	r = check_b64("the id-block", p->id_block, SNP_ID_BLOCK_SIZE, err);
	if (r == 0)
		r = check_b64("the id-auth", p->id_auth, SNP_ID_AUTH_SIZE, err);
	if (r == 0)
		r = check_b64("the host-data", p->host_data, SNP_HOST_DATA_SIZE,
			      err);
	return r;
}

static int
check_protection(const struct cvm_vmspec *s, unsigned long version,
		 struct cvm_err *err)
{
	char v[32];

	switch (s->protection) {
	case CVM_PROT_NONE:
		if (s->sev.kernel_hashes)
			return cvm_err_set(
				err, -EINVAL,
				"kernel hashes are an SEV launch "
				"feature; this VM has no protection");
		return 0;
	case CVM_PROT_SEV:
	case CVM_PROT_SEV_ES:
		if (s->sev.kernel_hashes &&
		    version < CVM_VIRT_V_KERNEL_HASHES) {
			cvm_virt_version_format(version, v, sizeof(v));
			return cvm_err_set(err, -CVM_E_UNSUPPORTED,
					   "libvirt %s has no kernelHashes "
					   "(measured direct boot came in "
					   "8.0.0)",
					   v);
		}
		return check_sev(s, err);
	case CVM_PROT_SEV_SNP:
		return check_snp(s, version, err);
	case CVM_PROT_AUTO:
		break;
	}
	return cvm_err_set(err, -EINVAL,
			   "protection 'auto' must be resolved (by the host "
			   "check) before the XML is written");
}

const char *
domxml_msg_name(const char *name)
{
	return name && xmlw_text_ok(name) ? name : "(unprintable name)";
}

int
domxml_check(const struct cvm_vmspec *s, unsigned long version,
	     struct cvm_err *err)
{
	int r;

	if (!s->name || !s->name[0])
		return cvm_err_set(err, -EINVAL,
				   "domain XML: the VM has no name");
	r = check_text("the VM name", s->name, err);
	if (r == 0 && strchr(s->name, '/'))
		r = cvm_err_set(err, -EINVAL,
				"a libvirt domain name cannot contain '/'");
	if (r == 0 && (s->accel != CVM_ACCEL_KVM && s->accel != CVM_ACCEL_TCG))
		r = cvm_err_set(err, -EINVAL,
				"the accelerator must be resolved (kvm or "
				"tcg) before the XML is written");
	if (r == 0 && (!s->vcpus || !s->memory_mib))
		r = cvm_err_set(err, -EINVAL,
				"the VM needs at least one vCPU and some "
				"memory");
	if (r == 0 && s->sev.kernel_hashes && !s->kernel)
		r = cvm_err_set(err, -EINVAL,
				"kernel hashes measure a directly booted "
				"kernel; this VM has none");
	if (r == 0)
		r = check_texts(s, err);
	if (r == 0)
		r = check_boot(s, err);
	if (r == 0)
		r = check_firmware(s, version, err);
	if (r == 0)
		r = check_protection(s, version, err);
	if (r < 0)
		return cvm_err_prefix(err, "domain XML for '%s'",
				      domxml_msg_name(s->name));
	return 0;
}
