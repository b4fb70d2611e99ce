/* SPDX-License-Identifier: MIT */
/*
 * Domain XML from a `struct cvm_vmspec`, for a given libvirt version
 * (see cvm/virt.h).  Element meanings: libvirt docs/formatdomain.rst
 * ("Launch Security", "Operating system booting", "Memory Tuning") and
 * docs/kbase/launch_security_sev.rst; the reference's section 4.1 lists
 * what SEV, SEV-ES and SEV-SNP guests need.  Checks of the spec come
 * first (domcheck.c); this file only writes.
 *
 * <launchSecurity> for SEV, SEV-ES (libvirt >= 4.5: type='sev', ES is
 * the policy's bit 2) and SEV-SNP (libvirt >= 10.5: type='sev-snp').
 * libvirt maps the elements one to one onto QEMU's sev-guest and
 * sev-snp-guest objects (cbitpos, reduced-phys-bits, policy, dh-cert-file,
 * session-file, kernel-hashes; id-block, id-auth, host-data,
 * author-key-enabled, vcek-disabled = !vcek).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/virt.h"
#include "virt-priv.h"

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

/* libvirt kbase "Launch security with AMD SEV": 256 MiB over guest RAM
 * "should suffice" for QEMU's own allocations besides the pinned RAM. */
#define SEV_MEMLOCK_EXTRA_MIB 256

/* The SEV session blobs, read from the spec's files. */
struct domxml_lsec {
	char *dh_cert; /* base64 text, whitespace removed */
	char *session;
};

/* sevctl session writes base64 files; a few KiB at most */
#define SESSION_FILE_MAX (64 * 1024)

static int
load_b64_file(const char *what, const char *path, char **out,
	      struct cvm_err *err)
{
	cleanup_buf struct cvm_buf raw = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf text = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf bin = CVM_BUF_INIT;
	struct cvm_err e = CVM_ERR_INIT;
	int r;

	r = cvm_file_read(path, &raw, SESSION_FILE_MAX, err);
	if (r < 0)
		return cvm_err_prefix(err, "%s", what);
	for (size_t i = 0; i < raw.len; i++)
		if (!isspace((unsigned char)raw.data[i]))
			cvm_buf_addch(&text, raw.data[i]);
	if (!text.len)
		return cvm_err_set(err, -EINVAL, "%s '%s' is empty", what,
				   path);
	if (cvm_base64_decode(cvm_buf_str(&text), &bin, &e) < 0)
		return cvm_err_set(err, -EINVAL,
				   "%s '%s' (sevctl session writes base64): %s",
				   what, path, e.msg);
	*out = cvm_buf_detach(&text, NULL);
	return 0;
}

static void
lsec_release(struct domxml_lsec *l)
{
	free(l->dh_cert);
	free(l->session);
	l->dh_cert = l->session = NULL;
}

static int
lsec_load(const struct cvm_vmspec *s, struct domxml_lsec *l,
	  struct cvm_err *err)
{
	int r = 0;

	if (s->protection != CVM_PROT_SEV && s->protection != CVM_PROT_SEV_ES)
		return 0;
	if (s->sev.dh_cert_file)
		r = load_b64_file("the guest owner's DH certificate",
				  s->sev.dh_cert_file, &l->dh_cert, err);
	if (r == 0 && s->sev.session_file)
		r = load_b64_file("the launch session", s->sev.session_file,
				  &l->session, err);
	if (r < 0)
		lsec_release(l);
	return r;
}

/* cbitpos and reducedPhysBits are optional: libvirt fills them in from
 * the host's domain capabilities, which is what a remote host needs. */
static void
put_cbit(struct xmlw *w, const struct cvm_sev_params *p)
{
	if (p->cbitpos)
		xmlw_leaff(w, "cbitpos", "%u", p->cbitpos);
	if (p->reduced_phys_bits)
		xmlw_leaff(w, "reducedPhysBits", "%u", p->reduced_phys_bits);
}

static void
put_sev(struct xmlw *w, const struct cvm_vmspec *s, const struct domxml_lsec *l)
{
	const struct cvm_sev_params *p = &s->sev;

	xmlw_open(w, "launchSecurity");
	xmlw_attr(w, "type", "sev");
	if (p->kernel_hashes)
		xmlw_attr(w, "kernelHashes", "yes");
	put_cbit(w, p);
	xmlw_leaff(w, "policy", "0x%04" PRIx64, p->policy);
	if (l->dh_cert)
		xmlw_leaf(w, "dhCert", l->dh_cert);
	if (l->session)
		xmlw_leaf(w, "session", l->session);
	xmlw_close(w);
}

static void
put_snp(struct xmlw *w, const struct cvm_vmspec *s)
{
	const struct cvm_sev_params *p = &s->sev;

	xmlw_open(w, "launchSecurity");
	xmlw_attr(w, "type", "sev-snp");
	if (p->kernel_hashes)
		xmlw_attr(w, "kernelHashes", "yes");
	if (p->author_key)
		xmlw_attr(w, "authorKey", "yes");
	if (p->vcek_disabled)
		xmlw_attr(w, "vcek", "no");
	put_cbit(w, p);
	xmlw_leaff(w, "policy", "0x%08" PRIx64, p->policy);
	if (p->id_block)
		xmlw_leaf(w, "idBlock", p->id_block);
	if (p->id_auth)
		xmlw_leaf(w, "idAuth", p->id_auth);
	if (p->host_data)
		xmlw_leaf(w, "hostData", p->host_data);
	xmlw_close(w);
}

static void
put_lsec(struct xmlw *w, const struct cvm_vmspec *s,
	 const struct domxml_lsec *l)
{
	switch (s->protection) {
	case CVM_PROT_SEV:
	case CVM_PROT_SEV_ES:
		put_sev(w, s, l);
		break;
	case CVM_PROT_SEV_SNP:
		put_snp(w, s);
		break;
	default:
		break;
	}
}

static const char *const boot_names[] = {
	[CVM_BOOT_PVH] = "pvh",
	[CVM_BOOT_EFI] = "efi",
	[CVM_BOOT_DISK] = "disk",
};

static void
put_metadata(struct xmlw *w, const struct cvm_vmspec *s)
{
	xmlw_open(w, "metadata");
	xmlw_open(w, "cvm:vm");
	xmlw_attr(w, "xmlns:cvm", CVM_VIRT_METADATA_NS);
	xmlw_attr(w, "protection", cvm_protection_name(s->protection));
	xmlw_attr(w, "boot", boot_names[s->boot]);
	xmlw_close(w);
	xmlw_close(w);
}

static void
put_memory(struct xmlw *w, const struct cvm_vmspec *s, unsigned flags)
{
	bool pin = s->protection == CVM_PROT_SEV ||
		   s->protection == CVM_PROT_SEV_ES;

	xmlw_open(w, "memory");
	xmlw_attr(w, "unit", "MiB");
	xmlw_text_closef(w, "%" PRIu64, s->memory_mib);
	/*
	 * SEV/SEV-ES pin all guest RAM (KVM_MEMORY_ENCRYPT_REG_REGION),
	 * counted against RLIMIT_MEMLOCK, which libvirt raises to the
	 * hard limit, or removes with <locked/>.  SNP keeps private memory
	 * in guest_memfd (QEMU memory-backend-memfd), not pinned this way.
	 */
	if (s->protection == CVM_PROT_SEV_SNP) {
		xmlw_open(w, "memoryBacking");
		xmlw_open(w, "source");
		xmlw_attr(w, "type", "memfd");
		xmlw_close(w);
		xmlw_close(w);
	} else if (pin && (flags & CVM_VIRT_XML_LOCKED)) {
		xmlw_open(w, "memoryBacking");
		xmlw_empty(w, "locked");
		xmlw_close(w);
	} else if (pin) {
		xmlw_open(w, "memtune");
		xmlw_open(w, "hard_limit");
		xmlw_attr(w, "unit", "KiB");
		xmlw_text_closef(w, "%" PRIu64,
				 (s->memory_mib + SEV_MEMLOCK_EXTRA_MIB) *
					 1024);
		xmlw_close(w);
	}
	xmlw_leaff(w, "vcpu", "%u", s->vcpus);
}

/* The firmware: pflash + NVRAM template, stateless pflash, a ROM (SNP,
 * which cannot use pflash: "pflash with kvm requires KVM readonly memory
 * support"), or libvirt's automatic selection when no file is given. */
static void
put_loader(struct xmlw *w, const struct cvm_vmspec *s)
{
	bool snp = s->protection == CVM_PROT_SEV_SNP;

	if (!s->firmware_code) {
		if (snp) {
			xmlw_open(w, "loader");
			xmlw_attr(w, "stateless", "yes");
			xmlw_close(w);
			return;
		}
		xmlw_open(w, "firmware");
		xmlw_open(w, "feature");
		xmlw_attr(w, "enabled", "no");
		xmlw_attr(w, "name", "secure-boot");
		xmlw_close(w);
		xmlw_close(w);
		return;
	}
	xmlw_open(w, "loader");
	if (snp) {
		xmlw_attr(w, "type", "rom");
		xmlw_text_close(w, s->firmware_code);
		return;
	}
	xmlw_attr(w, "readonly", "yes");
	xmlw_attr(w, "type", "pflash");
	if (!s->firmware_vars)
		xmlw_attr(w, "stateless", "yes");
	xmlw_text_close(w, s->firmware_code);
	if (s->firmware_vars) {
		/* libvirt copies the template to
		 * /var/lib/libvirt/qemu/nvram/<name>_VARS.fd at first start,
		 * on the host that runs the guest */
		xmlw_open(w, "nvram");
		xmlw_attr(w, "template", s->firmware_vars);
		xmlw_close(w);
	}
}

static void
put_os(struct xmlw *w, const struct cvm_vmspec *s)
{
	xmlw_open(w, "os");
	if (s->boot != CVM_BOOT_PVH && !s->firmware_code)
		xmlw_attr(w, "firmware", "efi");
	xmlw_open(w, "type");
	xmlw_attr(w, "arch", "x86_64");
	xmlw_attr(w, "machine", "q35");
	xmlw_text_close(w, "hvm");
	if (s->boot != CVM_BOOT_PVH)
		put_loader(w, s);
	if (s->kernel)
		xmlw_leaf(w, "kernel", s->kernel);
	if (s->initrd)
		xmlw_leaf(w, "initrd", s->initrd);
	if (s->append)
		xmlw_leaf(w, "cmdline", s->append);
	if (s->boot == CVM_BOOT_DISK) {
		xmlw_open(w, "boot");
		xmlw_attr(w, "dev", "hd");
		xmlw_close(w);
	}
	xmlw_close(w);
}

static void
put_cpu_and_events(struct xmlw *w, const struct cvm_vmspec *s)
{
	/* UEFI requires ACPI on x86 ("UEFI requires ACPI on this
	 * architecture"), and the ACPI power button is how stop asks */
	xmlw_open(w, "features");
	xmlw_empty(w, "acpi");
	xmlw_empty(w, "apic");
	xmlw_close(w);
	xmlw_open(w, "cpu");
	if (s->accel == CVM_ACCEL_KVM && !s->cpu_model) {
		xmlw_attr(w, "mode", "host-passthrough");
	} else {
		xmlw_attr(w, "mode", "custom");
		xmlw_attr(w, "match", "exact");
		xmlw_open(w, "model");
		xmlw_attr(w, "fallback", "allow");
		xmlw_text_close(w, s->cpu_model ? s->cpu_model : "qemu64");
	}
	xmlw_close(w);
	xmlw_open(w, "clock");
	xmlw_attr(w, "offset", "utc");
	xmlw_close(w);
	xmlw_leaf(w, "on_poweroff", "destroy");
	/* SEV-ES/SNP vCPU state is encrypted and cannot be reset: a reboot
	 * must end the guest (QEMU docs; SUSE SEV limitations) */
	xmlw_leaf(w, "on_reboot",
		  s->no_reboot || s->protection >= CVM_PROT_SEV_ES ? "destroy"
								   : "restart");
	xmlw_leaf(w, "on_crash", "destroy");
}

/* A virtio device's <driver>: iommu='on' makes QEMU set
 * VIRTIO_F_ACCESS_PLATFORM, so the guest bounces DMA through shared
 * (unencrypted) pages. */
static void
put_virtio_driver(struct xmlw *w, bool prot, const char *type)
{
	if (!prot && !type)
		return;
	xmlw_open(w, "driver");
	if (type) {
		xmlw_attr(w, "name", "qemu");
		xmlw_attr(w, "type", type);
	}
	if (prot)
		xmlw_attr(w, "iommu", "on");
	xmlw_close(w);
}

static void
put_disks(struct xmlw *w, const struct cvm_vmspec *s, bool prot)
{
	unsigned nvirtio = 0, nsata = 0;

	for (size_t i = 0; i < s->ndisks; i++) {
		const struct cvm_disk *d = &s->disks[i];
		char dev[8];

		xmlw_open(w, "disk");
		xmlw_attr(w, "type", "file");
		xmlw_attr(w, "device", d->cdrom ? "cdrom" : "disk");
		if (d->cdrom) {
			/* the seed is read once at boot: SATA, not virtio */
			put_virtio_driver(w, false,
					  d->format ? d->format : "raw");
			snprintf(dev, sizeof(dev), "sd%c", 'a' + nsata++);
		} else {
			put_virtio_driver(w, prot,
					  d->format ? d->format : "raw");
			snprintf(dev, sizeof(dev), "vd%c", 'a' + nvirtio++);
		}
		xmlw_open(w, "source");
		xmlw_attr(w, "file", d->path);
		xmlw_close(w);
		xmlw_open(w, "target");
		xmlw_attr(w, "dev", dev);
		xmlw_attr(w, "bus", d->cdrom ? "sata" : "virtio");
		xmlw_close(w);
		if (d->readonly || d->cdrom)
			xmlw_empty(w, "readonly");
		xmlw_close(w);
	}
}

static void
put_devices(struct xmlw *w, const struct cvm_vmspec *s)
{
	bool prot = s->protection != CVM_PROT_NONE;

	xmlw_open(w, "devices");
	put_disks(w, s, prot);
	if (s->network) {
		xmlw_open(w, "interface");
		xmlw_attr(w, "type", "user");
		xmlw_open(w, "model");
		xmlw_attr(w, "type", "virtio");
		xmlw_close(w);
		put_virtio_driver(w, prot, NULL);
		if (prot) {
			/* the option ROM would be fetched from shared memory
			 * by OVMF; virt-install's rom.bar=off */
			xmlw_open(w, "rom");
			xmlw_attr(w, "enabled", "no");
			xmlw_close(w);
		}
		xmlw_close(w);
	}
	xmlw_open(w, "serial");
	xmlw_attr(w, "type", "pty");
	if (s->serial_log) {
		xmlw_open(w, "log");
		xmlw_attr(w, "file", s->serial_log);
		xmlw_attr(w, "append", "on");
		xmlw_close(w);
	}
	xmlw_open(w, "target");
	xmlw_attr(w, "port", "0");
	xmlw_close(w);
	xmlw_close(w);
	xmlw_open(w, "console");
	xmlw_attr(w, "type", "pty");
	xmlw_open(w, "target");
	xmlw_attr(w, "type", "serial");
	xmlw_attr(w, "port", "0");
	xmlw_close(w);
	xmlw_close(w);
	/* no balloon: SEV memory is pinned and cvm never balloons */
	xmlw_open(w, "memballoon");
	xmlw_attr(w, "model", "none");
	xmlw_close(w);
	xmlw_close(w);
}

/* libvirt has no element for isa-debug-exit (the unikernel's way out,
 * exit status (v << 1) | 1), so it goes through the qemu namespace. */
static void
put_qemu_args(struct xmlw *w, const struct cvm_vmspec *s)
{
	if (!s->debug_exit)
		return;
	xmlw_open(w, "qemu:commandline");
	xmlw_open(w, "qemu:arg");
	xmlw_attr(w, "value", "-device");
	xmlw_close(w);
	xmlw_open(w, "qemu:arg");
	xmlw_attr(w, "value", "isa-debug-exit,iobase=0xf4,iosize=0x04");
	xmlw_close(w);
	xmlw_close(w);
}

int
cvm_virt_domain_xml(const struct cvm_vmspec *spec, unsigned long version,
		    unsigned flags, struct cvm_buf *out, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf body = CVM_BUF_INIT;
	struct domxml_lsec lsec = {NULL, NULL};
	struct xmlw w;
	int r;

	r = domxml_check(spec, version, err);
	if (r < 0)
		return r;
	r = lsec_load(spec, &lsec, err);
	if (r < 0)
		return cvm_err_prefix(err, "domain XML for '%s'",
				      domxml_msg_name(spec->name));
	xmlw_init(&w, &body);
	xmlw_open(&w, "domain");
	xmlw_attr(&w, "type", spec->accel == CVM_ACCEL_KVM ? "kvm" : "qemu");
	if (spec->debug_exit)
		xmlw_attr(&w, "xmlns:qemu", QEMU_NS);
	xmlw_leaf(&w, "name", spec->name);
	put_metadata(&w, spec);
	put_memory(&w, spec, flags);
	put_os(&w, spec);
	put_cpu_and_events(&w, spec);
	put_devices(&w, spec);
	put_lsec(&w, spec, &lsec);
	put_qemu_args(&w, spec);
	xmlw_close(&w);
	lsec_release(&lsec);
	r = xmlw_finish(&w, err);
	if (r < 0)
		return cvm_err_prefix(err, "domain XML for '%s'",
				      domxml_msg_name(spec->name));
	cvm_buf_add(out, body.data, body.len);
	return 0;
}
