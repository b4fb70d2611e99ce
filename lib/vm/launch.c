/* SPDX-License-Identifier: MIT */
/*
 * What a launch is built from: the host (the readiness report, probed or
 * replayed from $CVM_HOST_FACTS to simulate another host), the QEMU
 * capabilities and accelerator that go with it, the shared `struct
 * cvm_vmspec` made from a VM's configuration (for the QEMU command-line
 * builder and the libvirt XML), and the QEMU command line of a start or
 * dry run.  See cvm/vm.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

#define FACTS_PREFIX "facts:"

int
cvm_vm_host_report(uint64_t guest_memory, bool libvirt,
		   struct cvm_host_report **out, struct cvm_err *err)
{
	const char *facts = getenv(CVM_VM_HOST_FACTS);
	struct cvm_host_opts o = {0};
	struct cvm_host_facts *f = NULL;
	struct cvm_host_source src;
	cleanup_free char *name = NULL;
	int r;

	o.guest_memory = guest_memory;
	o.skip_libvirt = !libvirt;
	if (!facts || !*facts)
		return cvm_host_probe(&o, out, err);
	if ((r = cvm_host_facts_load(facts, &f, err)) < 0)
		return cvm_err_prefix(err, "$" CVM_VM_HOST_FACTS);
	src = cvm_host_source_facts(f);
	name = cvm_xasprintf(FACTS_PREFIX "%s", facts);
	o.source_name = name;
	r = cvm_host_check(&src, &o, out, err);
	cvm_host_facts_free(f);
	return r;
}

bool
vm_host_simulated(const struct cvm_host_report *h)
{
	return h && h->source &&
	       !strncmp(h->source, FACTS_PREFIX, strlen(FACTS_PREFIX));
}

int
cvm_vm_qemu_caps(const struct cvm_host_report *h, const char *qemu_version,
		 struct cvm_qemu_caps *out, struct cvm_err *err)
{
	char ver[32];

	memset(out, 0, sizeof(*out));
	if (qemu_version)
		return cvm_qemu_caps_preset(qemu_version, out, err);
	if (!vm_host_simulated(h))
		return cvm_qemu_caps_probe(cvm_qemu_binary(), out, err);
	/* the facts describe another host's QEMU: use its version's preset */
	if (!h->qemu_path)
		return cvm_err_set(err, -ENOENT,
				   "the host facts ('%s') name no QEMU",
				   h->source + strlen(FACTS_PREFIX));
	snprintf(ver, sizeof(ver), "%u.%u", h->qemu_major, h->qemu_minor);
	return cvm_qemu_caps_preset(ver, out, err);
}

int
vm_accel_resolve(const struct cvm_vm_config *c, const struct cvm_host_report *h,
		 const struct cvm_qemu_caps *caps, struct cvm_accel_probe *out,
		 struct cvm_err *err)
{
	struct cvm_vmspec kvm = {0};

	memset(out, 0, sizeof(*out));
	if (c->protection != CVM_PROT_NONE) {
		/* SEV needs KVM; TCG cannot run it (launch-and-host.md §3.5) */
		out->accel = CVM_ACCEL_KVM;
		snprintf(out->reason, sizeof(out->reason),
			 "confidential guests need KVM");
		return 0;
	}
	if (c->accel != CVM_ACCEL_AUTO) {
		out->accel = c->accel;
		snprintf(out->reason, sizeof(out->reason),
			 "chosen at create (--accel %s)",
			 vm_accel_name(c->accel));
		return 0;
	}
	if (vm_host_simulated(h)) {
		/* no QEMU of that host to probe: trust its /dev/kvm */
		out->accel =
			h->kvm_api_version > 0 ? CVM_ACCEL_KVM : CVM_ACCEL_TCG;
		snprintf(out->reason, sizeof(out->reason),
			 "host facts: /dev/kvm %s",
			 h->kvm_api_version > 0 ? "works" : "unusable");
		return 0;
	}
	kvm.protection = CVM_PROT_NONE;
	kvm.accel = CVM_ACCEL_KVM;
	return cvm_qemu_accel_detect(cvm_qemu_binary(), caps,
				     cvm_qemu_default_cpu(&kvm, caps), out,
				     err);
}

static const char *
own(struct vm_spec *s, const char *dir, bool absolute, const char *file)
{
	char *p = absolute ? cvm_xasprintf("%s/%s", dir, file)
			   : cvm_xstrdup(file);

	if (s->nowned == CVM_ARRAY_SIZE(s->owned))
		CVM_BUG("vm_spec: too many owned strings");
	s->owned[s->nowned++] = p;
	return p;
}

static void
add_disk(struct cvm_vmspec *v, const char *path, const char *fmt, bool cdrom)
{
	struct cvm_disk *d = &v->disks[v->ndisks++];

	d->path = path;
	d->format = fmt;
	d->cdrom = cdrom;
	d->readonly = cdrom;
}

void
vm_spec_make(const struct cvm_vm_config *c, const char *dir, bool absolute,
	     struct vm_spec *s)
{
	struct cvm_vmspec *v = &s->spec;

	memset(s, 0, sizeof(*s));
	v->name = c->name;
	v->protection = c->protection;
	v->sev.policy = c->policy;
	v->sev.cbitpos = c->cbitpos;
	v->sev.reduced_phys_bits = c->reduced_phys_bits;
	v->sev.kernel_hashes = c->kernel_hashes;
	v->sev.id_block = c->id_block;
	v->sev.id_auth = c->id_auth;
	v->sev.host_data = c->host_data;
	v->sev.author_key = c->author_key;
	v->accel = c->accel;
	v->boot = c->boot;
	v->vcpus = c->vcpus;
	v->memory_mib = c->memory_mib;
	if (c->boot != CVM_BOOT_PVH) {
		v->firmware_code = c->firmware;
		/* libvirt copies the template into its own NVRAM at first
		 * start; QEMU gets this VM's copy */
		if (absolute)
			v->firmware_vars = c->vars_template;
		else if (c->has_vars)
			v->firmware_vars = own(s, dir, false, CVM_VM_F_VARS);
	}
	if (c->has_dh_cert)
		v->sev.dh_cert_file = own(s, dir, absolute, CVM_VM_F_DHCERT);
	if (c->has_session)
		v->sev.session_file = own(s, dir, absolute, CVM_VM_F_SESSION);
	if (c->has_kernel)
		v->kernel = own(s, dir, absolute, CVM_VM_F_KERNEL);
	if (c->has_initrd)
		v->initrd = own(s, dir, absolute, CVM_VM_F_INITRD);
	v->append = c->append;
	if (c->guest == CVM_VM_GUEST_DISK)
		add_disk(v, own(s, dir, absolute, CVM_VM_F_DISK), "qcow2",
			 false);
	if (c->has_seed)
		add_disk(v, own(s, dir, absolute, CVM_VM_F_SEED), "raw", true);
	v->serial_log = own(s, dir, absolute, CVM_VM_F_SERIAL);
	if (!absolute) {
		v->serial_socket = own(s, dir, false, CVM_VM_F_CONSOLE);
		v->qmp_socket = own(s, dir, false, CVM_VM_F_QMP);
		v->pidfile = own(s, dir, false, CVM_VM_F_PID);
	}
	/* the unikernel ends through isa-debug-exit; a triple fault must
	 * stop it rather than reboot it for ever */
	v->debug_exit = c->guest == CVM_VM_GUEST_UNIKERNEL;
	v->no_reboot = c->guest == CVM_VM_GUEST_UNIKERNEL;
	v->network = c->network;
}

void
vm_spec_release(struct vm_spec *s)
{
	for (size_t i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	memset(s, 0, sizeof(*s));
}

void
cvm_vm_launch_release(struct cvm_vm_launch *l)
{
	cvm_argv_release(&l->argv);
	free(l->cwd);
	memset(l, 0, sizeof(*l));
}

/* A protected VM is launched only where the host check allows it. */
static int
recheck_host(const struct cvm_vm_config *c, const struct cvm_host_report *h,
	     struct cvm_err *err)
{
	const char *why = NULL;

	if (cvm_host_can_launch(h, c->protection, &why))
		return 0;
	return cvm_err_set(err, -CVM_E_HOST,
			   "this host cannot launch %s guests now: %s",
			   cvm_protection_name(c->protection),
			   why ? why : "see 'cvm host check'");
}

int
cvm_vm_argv(const struct cvm_vm_config *c, const char *dir,
	    const struct cvm_vm_start_opts *o, struct cvm_vm_launch *out,
	    struct cvm_err *err)
{
	struct cvm_host_report *h = NULL;
	struct vm_spec s;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = cvm_vm_host_report(c->memory_mib << 20, false, &h, err)) < 0)
		return r;
	if ((c->protection != CVM_PROT_NONE &&
	     (r = recheck_host(c, h, err)) < 0) ||
	    (r = cvm_vm_qemu_caps(h, o ? o->qemu_version : NULL, &out->caps,
				  err)) < 0 ||
	    (r = vm_accel_resolve(c, h, &out->caps, &out->accel, err)) < 0) {
		cvm_host_report_free(h);
		return r;
	}
	cvm_host_report_free(h);
	vm_spec_make(c, dir, false, &s);
	s.spec.accel = out->accel.accel;
	s.spec.paused = o && o->paused;
	r = cvm_qemu_build(&s.spec, &out->caps, cvm_qemu_binary(), &out->argv,
			   err);
	vm_spec_release(&s);
	if (r < 0)
		return cvm_err_prefix(err, "VM '%s'", c->name);
	out->cwd = cvm_xstrdup(dir);
	return 0;
}
