/* SPDX-License-Identifier: MIT */
/*
 * The launch plan of one container: protection, accelerator, kernel,
 * size.  Protection comes from the io.cvm.protection annotation, else
 * the runtime setting; AUTO takes the highest level the host check
 * (lib/host) allows and says why in the plan's reason, which the
 * runtime logs.  A level named explicitly that the host cannot launch is
 * an error: a container never silently runs with less protection than
 * it asked for.  SEV launches follow launch-and-host.md §3 through
 * lib/qemu (q35, OVMF, sev-guest / sev-snp-guest, kernel-hashes when the
 * firmware has the table); unprotected ones boot the PVH vmlinux on a
 * microvm machine, the fastest path under TCG (docker-sev.md §3).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/host.h"
#include "cvm/linuxguest.h"
#include "cvm/oci.h"
#include "cvm/policy.h"
#include "cvm/util.h"
#include "oci-priv.h"

static const char *
level_name(enum cvm_protection p)
{
	static const char *const names[] = {"unprotected", "SEV", "SEV-ES",
					    "SEV-SNP"};

	return p <= CVM_PROT_SEV_SNP ? names[p] : "?";
}

static int
requested(const struct cvm_oci_spec *s, const struct cvm_oci_runtime *rt,
	  enum cvm_protection *want, const char **from, struct cvm_err *err)
{
	const char *a =
		s ? cvm_oci_spec_annotation(s, CVM_OCI_ANNOTATION) : NULL;

	*want = rt->protection;
	*from = rt->source ? "the runtime config" : "the default";
	if (!a)
		return 0;
	*from = "the annotation " CVM_OCI_ANNOTATION;
	if (cvm_protection_parse(a, want) < 0)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "annotation " CVM_OCI_ANNOTATION ": unknown "
				   "protection '%s' (none, sev, sev-es, "
				   "sev-snp, auto)",
				   a);
	return 0;
}

/* The host's best firmware for `level` (measured direct boot first). */
static const struct cvm_host_firmware *
best_firmware(const struct cvm_host_report *r, enum cvm_protection level)
{
	const struct cvm_host_firmware *best = NULL;
	int best_score = -1;

	for (size_t i = 0; i < r->nfirmware; i++) {
		const struct cvm_host_firmware *f = &r->firmware[i];
		const struct cvm_ovmf_info *o = &f->info;
		bool ok = level == CVM_PROT_SEV_SNP  ? o->sev_snp
			  : level == CVM_PROT_SEV_ES ? o->sev_es
						     : o->sev;
		bool hashes = level == CVM_PROT_SEV_SNP ? o->kernel_hashes_snp
							: o->kernel_hashes_sev;
		int score = hashes ? 2 : 0;

		if (!f->parsed || f->secure_boot || !ok)
			continue;
		score += level == CVM_PROT_SEV_SNP && !strstr(f->path, "CODE");
		if (score > best_score) {
			best = f;
			best_score = score;
		}
	}
	return best;
}

/* SEV launch parameters from the host report. */
static int
sev_params(struct cvm_oci_plan *p, const struct cvm_oci_runtime *rt,
	   const struct cvm_host_report *r, struct cvm_err *err)
{
	struct cvm_policy_opts po = {.level = p->protection};
	const struct cvm_host_firmware *fw = best_firmware(r, p->protection);
	struct cvm_ovmf_info info;
	int ret;

	if (!r->have_cbit)
		return cvm_err_set(err, -CVM_E_HOST,
				   "the host check found no C-bit position");
	p->vm.sev.cbitpos = r->cbitpos;
	p->vm.sev.reduced_phys_bits =
		r->reduced_phys_bits ? r->reduced_phys_bits : 1;
	if ((ret = cvm_policy_make(&po, &p->vm.sev.policy, err)) < 0)
		return ret;
	if (rt->firmware) {
		if ((ret = cvm_ovmf_parse_file(rt->firmware, &info, err)) < 0)
			return cvm_err_prefix(err, "runtime config firmware");
		p->firmware = cvm_xstrdup(rt->firmware);
	} else if (fw) {
		info = fw->info;
		p->firmware = cvm_xstrdup(fw->path);
	} else {
		return cvm_err_set(err, -CVM_E_HOST,
				   "no OVMF build on this host can launch %s "
				   "guests (set \"firmware\" in %s)",
				   level_name(p->protection),
				   CVM_OCI_CONFIG_DEFAULT);
	}
	p->measured = p->protection == CVM_PROT_SEV_SNP
			      ? info.kernel_hashes_snp
			      : info.kernel_hashes_sev;
	p->vm.sev.kernel_hashes = p->measured;
	return 0;
}

/* Decide the level; probe the host unless the answer is certain. */
static int
decide(struct cvm_oci_plan *p, const struct cvm_oci_spec *s,
       const struct cvm_oci_runtime *rt, struct cvm_host_report **rep,
       struct cvm_err *err)
{
	struct cvm_host_opts o = {.skip_libvirt = true, .qemu = rt->qemu};
	enum cvm_protection want;
	const char *from, *why = NULL;
	int r;

	if ((r = requested(s, rt, &want, &from, err)) < 0)
		return r;
	o.guest_memory = p->memory_mib << 20;
	if (want == CVM_PROT_NONE) {
		p->protection = CVM_PROT_NONE;
		snprintf(p->reason, sizeof(p->reason),
			 "protection none (from %s): the VM is not "
			 "confidential",
			 from);
		return 0;
	}
	if (want == CVM_PROT_AUTO && access("/dev/sev", F_OK) < 0) {
		p->protection = CVM_PROT_NONE;
		snprintf(p->reason, sizeof(p->reason),
			 "protection auto (from %s): this host has no "
			 "/dev/sev, so it cannot launch SEV guests: running "
			 "UNPROTECTED",
			 from);
		return 0;
	}
	if ((r = cvm_host_probe(&o, rep, err)) < 0)
		return cvm_err_prefix(err, "host check");
	if (want == CVM_PROT_AUTO) {
		p->protection = (*rep)->max;
		why = (*rep)->level[p->protection == CVM_PROT_NONE
					    ? CVM_PROT_SEV
					    : p->protection]
			      .message;
		snprintf(p->reason, sizeof(p->reason),
			 "protection auto (from %s): %s%s%s", from,
			 p->protection == CVM_PROT_NONE
				 ? "this host cannot launch SEV guests, "
				   "running UNPROTECTED: "
				 : cvm_protection_name(p->protection),
			 p->protection == CVM_PROT_NONE ? ""
							: " (the highest "
							  "level this "
							  "host can "
							  "launch)",
			 p->protection == CVM_PROT_NONE && why ? why : "");
		return 0;
	}
	if (!cvm_host_can_launch(*rep, want, &why))
		return cvm_err_set(err, -CVM_E_HOST,
				   "protection %s (from %s): this host cannot "
				   "launch %s guests: %s",
				   cvm_protection_name(want), from,
				   level_name(want), why ? why : "no reason");
	p->protection = want;
	snprintf(p->reason, sizeof(p->reason), "protection %s (from %s)",
		 cvm_protection_name(want), from);
	return 0;
}

static int
pick_kernel(struct cvm_oci_plan *p, const struct cvm_oci_runtime *rt,
	    struct cvm_err *err)
{
	cleanup_free char *bz = NULL;
	int r;

	if (rt->kernel)
		bz = cvm_xstrdup(rt->kernel);
	else if ((r = cvm_linux_kernel_find(&bz, err)) < 0)
		return r;
	if (p->protection != CVM_PROT_NONE) {
		/* OVMF boots (and measures) the bzImage itself */
		p->kernel = steal_ptr(bz);
		return 0;
	}
	return cvm_linux_vmlinux_cached(bz, &p->kernel, err);
}

static void
size_vm(struct cvm_oci_plan *p, const struct cvm_oci_spec *s,
	const struct cvm_oci_runtime *rt, uint64_t initrd_bytes)
{
	/* the kernel's own ~60 MiB, plus the initrd twice while it is
	 * unpacked into the tmpfs root */
	uint64_t need = 96 + 2 * ((initrd_bytes + (1u << 20) - 1) >> 20);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	p->memory_mib = rt->memory_mib;
	if (s && s->memory_limit)
		p->memory_mib = s->memory_limit >> 20;
	if (p->memory_mib < need)
		p->memory_mib = need;
	p->vcpus = s && s->vcpus ? s->vcpus : rt->vcpus;
	if (ncpu > 0 && p->vcpus > (unsigned)ncpu)
		p->vcpus = (unsigned)ncpu;
	if (!p->vcpus)
		p->vcpus = 1;
}

char *
cvm_oci_cmdline(const struct cvm_oci_runtime *rt, enum cvm_accel accel)
{
	struct cvm_buf b = CVM_BUF_INIT;
	unsigned long khz = oci_tsc_khz();

	/* cryptomgr.notests: no crypto self-tests at boot (~0.2 s under
	 * TCG); the container uses none of the kernel's crypto */
	cvm_buf_adds(&b, "console=ttyS0 panic=-1 quiet rdinit=/init "
			 "cryptomgr.notests no_timer_check");
	/* under TCG the guest cannot calibrate its TSC against the PIT when
	 * the host is busy and hangs in early boot; tell it the rate */
	if (accel == CVM_ACCEL_TCG && khz)
		cvm_buf_addf(&b, " tsc_early_khz=%lu", khz);
	if (rt->append)
		cvm_buf_addf(&b, " %s", rt->append);
	return cvm_buf_detach(&b, NULL);
}

static void
fill_vmspec(struct cvm_oci_plan *p)
{
	struct cvm_vmspec *v = &p->vm;

	v->name = "cvm-oci";
	v->protection = p->protection;
	v->accel = p->accel;
	v->boot = CVM_BOOT_EFI;
	v->vcpus = p->vcpus;
	v->memory_mib = p->memory_mib;
	v->firmware_code = p->firmware;
	v->kernel = p->kernel;
	v->append = p->append;
	v->serial_log = "console.log";
	v->qmp_socket = "qmp.sock";
	v->debug_exit = true;
	v->no_reboot = true;
}

int
cvm_oci_plan_make(const struct cvm_oci_spec *s,
		  const struct cvm_oci_runtime *rt, uint64_t initrd_bytes,
		  struct cvm_oci_plan *p, struct cvm_err *err)
{
	struct cvm_host_report *rep = NULL;
	int r;

	memset(p, 0, sizeof(*p));
	p->qemu = cvm_xstrdup(rt->qemu ? rt->qemu : cvm_qemu_binary());
	size_vm(p, s, rt, initrd_bytes);
	r = decide(p, s, rt, &rep, err);
	if (r == 0 && p->protection != CVM_PROT_NONE) {
		if (rt->accel == CVM_ACCEL_TCG)
			r = cvm_err_set(err, -CVM_E_USAGE,
					"protection %s needs KVM, but the "
					"runtime config says accel tcg",
					cvm_protection_name(p->protection));
		p->accel = CVM_ACCEL_KVM;
		if (r == 0)
			r = sev_params(p, rt, rep, err);
	} else if (r == 0) {
		r = oci_accel_pick(p->qemu, rt->accel, &p->accel, err);
	}
	cvm_host_report_free(rep);
	if (r == 0 && (r = pick_kernel(p, rt, err)) == 0) {
		p->append = cvm_oci_cmdline(rt, p->accel);
		fill_vmspec(p);
	}
	if (r < 0)
		cvm_oci_plan_release(p);
	return r;
}

void
cvm_oci_plan_release(struct cvm_oci_plan *p)
{
	free(p->qemu);
	free(p->kernel);
	free(p->firmware);
	free(p->append);
	memset(p, 0, sizeof(*p));
}

int
cvm_oci_plan_argv(const struct cvm_oci_plan *p, const char *initrd, int ctl_fd,
		  struct cvm_argv *out, struct cvm_err *err)
{
	struct cvm_qemu_caps caps;
	struct cvm_vmspec vm = p->vm;
	int r;

	if (p->protection == CVM_PROT_NONE)
		return oci_plain_argv(p, initrd, ctl_fd, out, err);
	vm.initrd = initrd;
	if ((r = cvm_qemu_caps_probe(p->qemu, &caps, err)) < 0 ||
	    (r = cvm_qemu_build(&vm, &caps, p->qemu, out, err)) < 0)
		return r;
	cvm_argv_add(out, "-chardev");
	cvm_argv_addf(out, "socket,id=ctl,fd=%d", ctl_fd);
	cvm_argv_add(out, "-device");
	cvm_argv_add(out, "isa-serial,chardev=ctl,index=1");
	return 0;
}
