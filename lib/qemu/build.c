/* SPDX-License-Identifier: MIT */
/*
 * The QEMU command line for a VM spec: see cvm_qemu_build() in
 * cvm/qemu.h.  Option spellings follow QEMU's qemu-options.hx and
 * docs/system/i386/amd-memory-encryption.rst as summarised in
 * ../shared/docs/launch-and-host.md §3; they parse on QEMU 7.2 to 10.x.
 */
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/qemu.h"

#define SEV_ID	  "sev0"
#define RAM_ID	  "ram0"
#define SERIAL_ID "serial0"
#define QMP_ID	  "qmp0"
#define SCSI_ID	  "scsi0"
#define NET_ID	  "net0"

/* A -OPT argument built as "head" plus ",key=escaped-value" pairs. */
static void
kv(struct cvm_buf *b, const char *key, const char *value)
{
	cvm_buf_addf(b, ",%s=", key);
	cvm_qemu_opt_escape(b, value);
}

static void
add_opt(struct cvm_argv *a, const char *opt, struct cvm_buf *b)
{
	cvm_argv_add(a, opt);
	cvm_argv_add(a, cvm_buf_str(b));
	cvm_buf_truncate(b, 0);
}

const char *
cvm_qemu_default_cpu(const struct cvm_vmspec *s, const struct cvm_qemu_caps *c)
{
	if (s->protection != CVM_PROT_NONE)
		/* the model the SEV/SNP docs and AMD's scripts use; QEMU
		 * 7.2 predates EPYC-v4 (added in 8.1) */
		return c->cpu_epyc_v4 ? "EPYC-v4" : "EPYC";
	return s->accel == CVM_ACCEL_KVM ? "host" : "max";
}

static bool
protected_es(const struct cvm_vmspec *s)
{
	/* SEV-ES and SNP guests cannot be reset (launch-and-host.md §3.1) */
	return s->protection == CVM_PROT_SEV_ES ||
	       s->protection == CVM_PROT_SEV_SNP;
}

static void
add_machine(struct cvm_argv *a, const struct cvm_vmspec *s,
	    const struct cvm_qemu_caps *c, struct cvm_buf *b)
{
	if (s->name) {
		cvm_buf_adds(b, "guest=");
		cvm_qemu_opt_escape(b, s->name);
		add_opt(a, "-name", b);
	}
	cvm_buf_adds(b, "q35,vmport=off");
	if (s->protection != CVM_PROT_NONE)
		cvm_buf_adds(b, ",confidential-guest-support=" SEV_ID);
	if (s->protection == CVM_PROT_SEV_SNP)
		cvm_buf_adds(b, ",memory-backend=" RAM_ID);
	add_opt(a, "-machine", b);
	cvm_argv_add(a, "-accel");
	cvm_argv_add(a, s->accel == CVM_ACCEL_KVM ? "kvm" : "tcg");
	cvm_argv_add(a, "-cpu");
	cvm_argv_add(a,
		     s->cpu_model ? s->cpu_model : cvm_qemu_default_cpu(s, c));
	cvm_argv_add(a, "-smp");
	cvm_argv_addf(a, "%u", s->vcpus);
	cvm_argv_add(a, "-m");
	cvm_argv_addf(a, "%lluM", (unsigned long long)s->memory_mib);
}

static void
add_sev(struct cvm_argv *a, const struct cvm_vmspec *s, struct cvm_buf *b)
{
	const struct cvm_sev_params *p = &s->sev;
	bool snp = s->protection == CVM_PROT_SEV_SNP;

	if (s->protection == CVM_PROT_NONE)
		return;
	if (snp) {
		/* guest RAM from memfd (AMDSEV launch-qemu.sh; §3.2) */
		cvm_buf_addf(b,
			     "memory-backend-memfd,id=" RAM_ID
			     ",size=%lluM,share=true,prealloc=false",
			     (unsigned long long)s->memory_mib);
		add_opt(a, "-object", b);
	}
	cvm_buf_addf(b, "%s,id=" SEV_ID ",cbitpos=%u,reduced-phys-bits=%u",
		     snp ? "sev-snp-guest" : "sev-guest", p->cbitpos,
		     p->reduced_phys_bits);
	cvm_buf_addf(b, ",policy=0x%llx", (unsigned long long)p->policy);
	if (p->dh_cert_file)
		kv(b, "dh-cert-file", p->dh_cert_file);
	if (p->session_file)
		kv(b, "session-file", p->session_file);
	if (p->id_block)
		kv(b, "id-block", p->id_block);
	if (p->id_auth)
		kv(b, "id-auth", p->id_auth);
	if (p->author_key)
		cvm_buf_adds(b, ",author-key-enabled=on");
	if (p->host_data)
		kv(b, "host-data", p->host_data);
	if (p->vcek_disabled)
		cvm_buf_adds(b, ",vcek-disabled=on");
	if (p->kernel_hashes)
		cvm_buf_adds(b, ",kernel-hashes=on");
	add_opt(a, "-object", b);
}

static void
add_firmware(struct cvm_argv *a, const struct cvm_vmspec *s, struct cvm_buf *b)
{
	if (s->boot == CVM_BOOT_PVH)
		return;
	/* SNP: -bios only, never pflash (AMDSEV#223; §0.4).  Without a
	 * variable store an unprotected guest gets -bios too. */
	if (s->protection == CVM_PROT_SEV_SNP ||
	    (!s->firmware_vars && s->protection == CVM_PROT_NONE)) {
		cvm_argv_add(a, "-bios");
		cvm_argv_add(a, s->firmware_code);
		return;
	}
	/* SEV/SEV-ES: code read-only (a stateless build alone) */
	cvm_buf_adds(b, "if=pflash,format=raw,unit=0,readonly=on");
	kv(b, "file", s->firmware_code);
	add_opt(a, "-drive", b);
	if (s->firmware_vars) {
		cvm_buf_adds(b, "if=pflash,format=raw,unit=1");
		kv(b, "file", s->firmware_vars);
		add_opt(a, "-drive", b);
	}
}

static void
add_kernel(struct cvm_argv *a, const struct cvm_vmspec *s)
{
	if (s->kernel) {
		cvm_argv_add(a, "-kernel");
		cvm_argv_add(a, s->kernel);
	}
	if (s->initrd) {
		cvm_argv_add(a, "-initrd");
		cvm_argv_add(a, s->initrd);
	}
	if (s->append) {
		cvm_argv_add(a, "-append");
		cvm_argv_add(a, s->append);
	}
}

static void
add_endpoints(struct cvm_argv *a, const struct cvm_vmspec *s, struct cvm_buf *b)
{
	if (s->serial_stdio || s->serial_socket) {
		cvm_buf_adds(b, s->serial_stdio ? "stdio" : "socket");
		cvm_buf_adds(b, ",id=" SERIAL_ID);
		if (s->serial_socket) {
			kv(b, "path", s->serial_socket);
			cvm_buf_adds(b, ",server=on,wait=off");
		}
		if (s->serial_log) {
			kv(b, "logfile", s->serial_log);
			cvm_buf_adds(b, ",logappend=on");
		}
	} else if (s->serial_log) {
		cvm_buf_adds(b, "file,id=" SERIAL_ID);
		kv(b, "path", s->serial_log);
		cvm_buf_adds(b, ",append=on");
	}
	if (b->len) {
		add_opt(a, "-chardev", b);
		cvm_argv_add(a, "-serial");
		cvm_argv_add(a, "chardev:" SERIAL_ID);
	}
	if (s->qmp_socket) {
		cvm_buf_adds(b, "socket,id=" QMP_ID);
		kv(b, "path", s->qmp_socket);
		cvm_buf_adds(b, ",server=on,wait=off");
		add_opt(a, "-chardev", b);
		cvm_argv_add(a, "-mon");
		cvm_argv_add(a, "chardev=" QMP_ID ",mode=control");
	}
	if (s->pidfile) {
		cvm_argv_add(a, "-pidfile");
		cvm_argv_add(a, s->pidfile);
	}
}

/* virtio under protection: DMA through the (bounce-buffered) IOMMU path
 * and no legacy interface (§3.1; QEMU sets these for
 * confidential-guest-support since 6.0, cvm says so explicitly) */
static void
add_virtio_opts(struct cvm_buf *b, const struct cvm_vmspec *s)
{
	if (s->protection != CVM_PROT_NONE)
		cvm_buf_adds(b, ",disable-legacy=on,iommu_platform=on");
}

static void
add_devices(struct cvm_argv *a, const struct cvm_vmspec *s, struct cvm_buf *b)
{
	bool boot_set = false;

	if (s->debug_exit) {
		cvm_argv_add(a, "-device");
		cvm_argv_add(a, "isa-debug-exit,iobase=0xf4,iosize=0x04");
	}
	if (s->ndisks) {
		cvm_buf_adds(b, "virtio-scsi-pci,id=" SCSI_ID);
		add_virtio_opts(b, s);
		add_opt(a, "-device", b);
	}
	for (size_t i = 0; i < s->ndisks; i++) {
		const struct cvm_disk *d = &s->disks[i];

		cvm_buf_adds(b, "if=none");
		cvm_buf_addf(b, ",id=disk%zu", i);
		kv(b, "file", d->path);
		kv(b, "format", d->format ? d->format : "raw");
		if (d->readonly || d->cdrom)
			cvm_buf_adds(b, ",readonly=on");
		add_opt(a, "-drive", b);
		cvm_buf_addf(b, "%s,drive=disk%zu,bus=" SCSI_ID ".0",
			     d->cdrom ? "scsi-cd" : "scsi-hd", i);
		if (s->boot == CVM_BOOT_DISK && !d->cdrom && !boot_set) {
			cvm_buf_adds(b, ",bootindex=1");
			boot_set = true;
		}
		add_opt(a, "-device", b);
	}
	if (s->network) {
		cvm_argv_add(a, "-netdev");
		cvm_argv_add(a, "user,id=" NET_ID);
		/* romfile=: no iPXE option ROM, which breaks SEV (§3.1) */
		cvm_buf_adds(b, "virtio-net-pci,netdev=" NET_ID ",romfile=");
		add_virtio_opts(b, s);
		add_opt(a, "-device", b);
	}
}

int
cvm_qemu_build(const struct cvm_vmspec *s, const struct cvm_qemu_caps *c,
	       const char *qemu, struct cvm_argv *out, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	cleanup_argv struct cvm_argv a = CVM_ARGV_INIT;
	int r;

	if ((r = cvm_qemu_validate(s, c, err)) < 0)
		return r;
	cvm_argv_add(&a, qemu);
	add_machine(&a, s, c, &b);
	add_sev(&a, s, &b);
	cvm_argv_add(&a, "-nodefaults");
	cvm_argv_add(&a, "-no-user-config");
	cvm_argv_add(&a, "-display");
	cvm_argv_add(&a, "none");
	if (s->no_reboot || protected_es(s))
		cvm_argv_add(&a, "-no-reboot");
	if (s->paused)
		cvm_argv_add(&a, "-S");
	add_firmware(&a, s, &b);
	add_kernel(&a, s);
	add_endpoints(&a, s, &b);
	add_devices(&a, s, &b);
	cvm_argv_release(out);
	*out = a;
	a = (struct cvm_argv)CVM_ARGV_INIT;
	return 0;
}
