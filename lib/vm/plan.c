/* SPDX-License-Identifier: MIT */
/*
 * Planning `cvm vm create`: every check and every choice before anything
 * is written (see cvm_vm_plan_create() in cvm/vm.h).  The choices follow
 * launch-and-host.md: the protection from the host check (§1), the
 * policy defaults of §2, the firmware of §3.3 (split OVMF with a private
 * variable store for SEV/SEV-ES, a combined image with -bios for SNP).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/ovmf.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

#define MIB	      (1ull << 20)
#define SEV_POLICY_ES (1ull << 2) /* SEV policy bit 2: SEV-ES */

/* Default guest RAM by guest kind (MiB). */
static const uint64_t default_mib[] = {1024, 512, 128};

/* The absolute path of an existing, readable regular file. */
static char *
input_file(const char *what, const char *path, struct cvm_err *err)
{
	struct stat st;
	char *abs;

	if (stat(path, &st) < 0 || access(path, R_OK) < 0) {
		cvm_err_set(err, -errno, "%s '%s': %s", what, path,
			    strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		cvm_err_set(err, -EINVAL, "%s '%s' is not a file", what, path);
		return NULL;
	}
	/* an empty image, kernel or session is a mistake, found now rather
	 * than as QEMU's failure at the first start (t9000) */
	if (S_ISREG(st.st_mode) && st.st_size == 0) {
		cvm_err_set(err, -EINVAL, "%s '%s' is empty", what, path);
		return NULL;
	}
	abs = realpath(path, NULL);
	if (!abs)
		cvm_err_set(err, -errno, "%s '%s': %s", what, path,
			    strerror(errno));
	return abs;
}

static int
usage(struct cvm_err *err, const char *msg)
{
	return cvm_err_set(err, -CVM_E_USAGE, "%s", msg);
}

static int
check_name(const struct cvm_vm_create_opts *o, struct cvm_err *err)
{
	cleanup_free char *root = NULL, *dir = NULL;
	struct stat st;
	int r;

	if ((r = cvm_vm_name_check(o->name, err)) < 0)
		return r;
	root = cvm_vm_root();
	dir = cvm_xasprintf("%s/%s", root, o->name);
	if (lstat(dir, &st) == 0)
		return cvm_err_set(err, -EEXIST,
				   "a VM named '%s' already exists", o->name);
	return 0;
}

/* The options must describe one guest, and only options it can use. */
static int
check_options(const struct cvm_vm_create_opts *o)
{
	int n = !!o->cloud_image + !!o->kernel + !!o->unikernel;

	if (n != 1)
		return n ? -1 : -2;
	if ((o->initrd || o->append) && !o->kernel)
		return -3;
	if ((o->workload || o->image) && !o->unikernel)
		return -4;
	if (o->disk_size && !o->cloud_image)
		return -5;
	if (o->unikernel && (o->cloud_init || o->network_config || o->ssh_key))
		return -6;
	if (o->boot_set && (o->cloud_image || o->boot == CVM_BOOT_DISK))
		return -7;
	return 0;
}

static int
check_source(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	     struct cvm_err *err)
{
	static const char *const why[] = {
		"give one guest: --cloud-image FILE, --kernel FILE or --guest "
		"unikernel, not several",
		"give a guest: --cloud-image FILE, --kernel FILE or --guest "
		"unikernel",
		"--initrd and --append go with --kernel",
		"--workload and --image go with --guest unikernel",
		"--disk-size goes with --cloud-image",
		"the unikernel has no cloud-init: drop --cloud-init, "
		"--network-config and --ssh-key",
		"--boot (pvh or efi) is for --kernel and --guest unikernel; "
		"a cloud image boots from its disk",
	};
	struct cvm_vm_config *c = &p->cfg;
	int k = check_options(o);

	if (k < 0)
		return usage(err, why[-k - 1]);
	c->guest = o->cloud_image ? CVM_VM_GUEST_DISK
		   : o->kernel	  ? CVM_VM_GUEST_KERNEL
				  : CVM_VM_GUEST_UNIKERNEL;
	if (o->cloud_image) {
		c->base_image = input_file("cloud image", o->cloud_image, err);
		if (!c->base_image)
			return err ? err->code : -ENOENT;
		return cvm_vm_image_info(c->base_image, &c->base_format,
					 &p->base_size, err);
	}
	if (o->kernel &&
	    !(p->source_image = input_file("kernel", o->kernel, err)))
		return err ? err->code : -ENOENT;
	if (o->initrd &&
	    !(p->source_initrd = input_file("initrd", o->initrd, err)))
		return err ? err->code : -ENOENT;
	return 0;
}

static int
check_sizes(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	    struct cvm_err *err)
{
	struct cvm_vm_config *c = &p->cfg;
	uint64_t host = (uint64_t)sysconf(_SC_PHYS_PAGES) *
			(uint64_t)sysconf(_SC_PAGESIZE);

	c->vcpus = o->vcpus ? o->vcpus : 1;
	if (c->vcpus > 255)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "--vcpus %u: q35 takes 1 to 255", c->vcpus);
	c->memory_mib = o->memory ? o->memory / MIB : default_mib[c->guest];
	if (o->memory && (o->memory % MIB || !c->memory_mib))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "--memory: %llu bytes is not a whole number "
				   "of MiB",
				   (unsigned long long)o->memory);
	if (host && (c->memory_mib * MIB) > host)
		return cvm_err_set(err, -CVM_E_HOST,
				   "--memory %llu MiB is more than this host "
				   "has (%llu MiB)",
				   (unsigned long long)c->memory_mib,
				   (unsigned long long)(host / MIB));
	if (c->guest == CVM_VM_GUEST_DISK) {
		if (o->disk_size && o->disk_size < p->base_size)
			return cvm_err_set(
				err, -CVM_E_USAGE,
				"--disk-size %llu MiB is smaller than the "
				"image (%llu MiB): a disk can only grow",
				(unsigned long long)(o->disk_size / MIB),
				(unsigned long long)(p->base_size / MIB));
		c->disk_size = o->disk_size ? o->disk_size : p->base_size;
	}
	return 0;
}

/* The boot mode for a kernel or unikernel guest at protection `prot`. */
static int
pick_boot(const struct cvm_vm_create_opts *o, enum cvm_protection prot,
	  struct cvm_vm_config *c, struct cvm_err *err)
{
	if (c->guest == CVM_VM_GUEST_DISK) {
		c->boot = CVM_BOOT_DISK;
		return 0;
	}
	if (o->boot_set && o->boot == CVM_BOOT_PVH && prot != CVM_PROT_NONE)
		return usage(err, "PVH boot cannot be protected (no firmware "
				  "runs, nothing is measured): use --boot "
				  "efi");
	if (o->boot_set)
		c->boot = o->boot;
	else if (c->guest == CVM_VM_GUEST_UNIKERNEL && prot == CVM_PROT_NONE)
		c->boot = CVM_BOOT_PVH; /* fastest: no firmware */
	else
		c->boot = CVM_BOOT_EFI;
	return 0;
}

static int
pick_protection(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
		struct cvm_err *err)
{
	struct cvm_vm_config *c = &p->cfg;
	const struct cvm_host_report *h = p->host;
	enum cvm_protection want = o->protection;
	const char *why = NULL;

	c->requested = want;
	if (want == CVM_PROT_AUTO) {
		want = h->max;
		if (o->boot_set && o->boot == CVM_BOOT_PVH)
			want = CVM_PROT_NONE;
		p->auto_picked = true;
		if (want < CVM_PROT_SEV_SNP && h->level[want + 1].message)
			p->auto_why = h->level[want + 1].message;
	} else if (!cvm_host_can_launch(h, want, &why)) {
		return cvm_err_set(err, -CVM_E_HOST,
				   "this host cannot launch %s guests: %s",
				   cvm_protection_name(want),
				   why ? why : "see 'cvm host check'");
	}
	c->protection = want;
	if (want != CVM_PROT_NONE) {
		if (!h->have_cbit)
			return cvm_err_set(err, -CVM_E_HOST,
					   "the host check found no C-bit "
					   "position (CPUID 0x8000001F)");
		c->cbitpos = h->cbitpos;
		c->reduced_phys_bits = h->reduced_phys_bits;
	}
	return pick_boot(o, want, c, err);
}

/*
 * SEV and SEV-ES share one policy format, and bit 2 (ES) decides which
 * one a guest is (SEV API spec, "Guest Policy"; launch-and-host.md §2):
 * the seed's `policy=0x07` launched SEV-ES.  cvm launches the level that
 * was asked for or none, so a policy of the other level is refused with
 * both ways out.
 */
static int
es_mismatch(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	    struct cvm_err *err)
{
	uint64_t v = p->cfg.policy;

	if (p->cfg.protection == CVM_PROT_SEV) {
		p->policy_level = CVM_PROT_SEV_ES;
		return cvm_err_set(
			err, -CVM_E_USAGE,
			"--protection sev with --policy %s: that policy has "
			"the ES bit (bit 2), which makes the guest SEV-ES, "
			"not SEV (virt-install's policy=0x07 launched SEV-ES "
			"too); name the level you mean: --protection sev-es "
			"--policy %s, or --protection sev --policy 0x%llx "
			"for plain SEV",
			o->policy, o->policy,
			(unsigned long long)(v & ~SEV_POLICY_ES));
	}
	p->policy_level = CVM_PROT_SEV;
	return cvm_err_set(
		err, -CVM_E_USAGE,
		"--protection sev-es with --policy %s: SEV-ES needs "
		"the ES bit (bit 2) in the policy, and without it the "
		"guest is plain SEV; name the level you mean: "
		"--protection sev-es --policy 0x%llx, or "
		"--protection sev --policy %s",
		o->policy, (unsigned long long)(v | SEV_POLICY_ES), o->policy);
}

static int
pick_policy(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	    struct cvm_err *err)
{
	struct cvm_vm_config *c = &p->cfg;
	enum cvm_policy_kind kind = c->protection == CVM_PROT_SEV_SNP
					    ? CVM_POLICY_SNP
					    : CVM_POLICY_SEV;
	struct cvm_policy_opts po = {.level = c->protection};
	struct cvm_policy_host ph;
	int r;

	if (c->protection == CVM_PROT_NONE)
		return o->policy ? cvm_err_set(err, -CVM_E_USAGE,
					       "--policy is for protected VMs "
					       "and this one is unprotected "
					       "(protection none%s)",
					       p->auto_picked ? ", picked by "
								"auto"
							      : "")
				 : 0;
	r = o->policy ? cvm_policy_parse(o->policy, kind, &c->policy, err)
		      : cvm_policy_make(&po, &c->policy, err);
	if (r < 0)
		return cvm_err_prefix(err, "--policy");
	if (o->policy && kind == CVM_POLICY_SEV &&
	    ((c->policy & SEV_POLICY_ES) != 0) !=
		    (c->protection == CVM_PROT_SEV_ES))
		return es_mismatch(o, p, err);
	cvm_host_policy_host(p->host, &ph);
	cvm_policy_explain(kind, c->policy, &ph, &p->policy);
	for (size_t i = 0; i < p->policy.nnotes; i++)
		if (p->policy.notes[i].level == CVM_NOTE_ERROR)
			return cvm_err_set(err, -CVM_E_USAGE,
					   "--policy 0x%llx for %s: %s",
					   (unsigned long long)c->policy,
					   cvm_protection_name(c->protection),
					   p->policy.notes[i].text);
	return 0;
}

static int
fill_rest(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	  struct cvm_err *err)
{
	struct cvm_vm_config *c = &p->cfg;
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;

	if (o->accel == CVM_ACCEL_TCG && c->protection != CVM_PROT_NONE)
		return usage(err, "--accel tcg cannot run confidential guests: "
				  "SEV needs KVM on an AMD EPYC host");
	c->name = cvm_xstrdup(o->name);
	c->backend = o->backend;
	c->connect = o->connect ? cvm_xstrdup(o->connect) : NULL;
	c->accel = o->accel;
	c->network = !o->no_network && c->guest != CVM_VM_GUEST_UNIKERNEL;
	c->has_kernel = c->guest != CVM_VM_GUEST_DISK;
	c->has_initrd = p->source_initrd != NULL;
	c->append = o->append ? cvm_xstrdup(o->append) : NULL;
	c->has_seed = c->guest == CVM_VM_GUEST_DISK || o->cloud_init ||
		      o->network_config || o->ssh_key;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	c->created = cvm_xstrdup(ts);
	c->host = cvm_xstrdup(p->host->source ? p->host->source : "probe");
	return 0;
}

/* The unikernel image for the boot mode, and its workload list. */
static int
pick_unikernel(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	       struct cvm_err *err)
{
	struct cvm_vm_config *c = &p->cfg;
	const char *wl = o->workload ? o->workload : "hello";
	cleanup_free char *list = cvm_xstrdup(wl);
	char *save = NULL;

	if (c->guest != CVM_VM_GUEST_UNIKERNEL)
		return 0;
	for (char *w = strtok_r(list, ",", &save); w;
	     w = strtok_r(NULL, ",", &save))
		if (!cvm_workload_find(w))
			return cvm_err_set(err, -CVM_E_USAGE,
					   "--workload: unknown workload '%s'",
					   w);
	if (!*wl || strstr(wl, ",,") || wl[strlen(wl) - 1] == ',')
		return cvm_err_set(err, -CVM_E_USAGE,
				   "--workload '%s': names separated by commas",
				   wl);
	c->workload = cvm_xstrdup(wl);
	c->append = cvm_xasprintf("workload=%s", wl);
	p->source_image =
		o->image ? input_file("unikernel image", o->image, err)
			 : cvm_guest_image_find(c->boot == CVM_BOOT_PVH
							? "cvm-unikernel.elf"
							: "cvm-unikernel.efi",
						err);
	return p->source_image ? 0 : err ? err->code : -ENOENT;
}

static int
read_text(const char *opt, const char *path, char **out, struct cvm_err *err)
{
	struct cvm_buf b = CVM_BUF_INIT;
	int r;

	if (!path)
		return 0;
	if ((r = cvm_file_read(path, &b, 1u << 20, err)) < 0) {
		cvm_buf_release(&b);
		return cvm_err_prefix(err, "%s", opt);
	}
	if (memchr(b.data, '\0', b.len)) {
		cvm_buf_release(&b);
		return cvm_err_set(err, -CVM_E_USAGE,
				   "%s '%s' is not text (it holds a NUL byte)",
				   opt, path);
	}
	*out = cvm_buf_detach(&b, NULL);
	return 0;
}

/* An ID block or ID auth file from `cvm measure`: base64 text, trimmed
 * (cvm_qemu_validate() checks the decoded sizes). */
static int
read_b64(const char *opt, const char *path, char **out, struct cvm_err *err)
{
	char *t = NULL, *e;
	int r;

	if ((r = read_text(opt, path, &t, err)) < 0 || !t)
		return r;
	for (e = t + strlen(t); e > t && strchr(" \t\r\n", e[-1]); e--)
		;
	*e = '\0';
	*out = t;
	return 0;
}

/* SEV launch session files from `sevctl session`: the guest owner's
 * Diffie-Hellman certificate and the session blob (QEMU sev-guest
 * dh-cert-file, session-file; SEV API spec 55766 LAUNCH_START). */
static int
read_session(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	     struct cvm_err *err)
{
	struct cvm_vm_config *c = &p->cfg;

	if (o->dh_cert &&
	    !(p->source_dh_cert = input_file("--dh-cert", o->dh_cert, err)))
		return err ? err->code : -ENOENT;
	if (o->session &&
	    !(p->source_session = input_file("--session", o->session, err)))
		return err ? err->code : -ENOENT;
	c->has_dh_cert = p->source_dh_cert != NULL;
	c->has_session = p->source_session != NULL;
	return 0;
}

/* The SNP launch options (QEMU sev-snp-guest id-block, id-auth,
 * host-data, author-key-enabled; SNP ABI spec 56860 SNP_LAUNCH_FINISH). */
static int
read_snp(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	 struct cvm_err *err)
{
	struct cvm_vm_config *c = &p->cfg;
	int r;

	if ((o->id_block || o->id_auth || o->host_data || o->author_key) &&
	    c->protection != CVM_PROT_SEV_SNP)
		return usage(err, "--id-block, --id-auth, --host-data and "
				  "--author-key are SEV-SNP options");
	if ((o->dh_cert || o->session) && c->protection != CVM_PROT_SEV &&
	    c->protection != CVM_PROT_SEV_ES)
		return usage(err, "--dh-cert and --session are SEV and SEV-ES "
				  "options (from 'sevctl session')");
	if ((r = read_b64("--id-block", o->id_block, &c->id_block, err)) < 0 ||
	    (r = read_b64("--id-auth", o->id_auth, &c->id_auth, err)) < 0)
		return r;
	c->host_data = o->host_data ? cvm_xstrdup(o->host_data) : NULL;
	c->author_key = o->author_key;
	return read_session(o, p, err);
}

/* The seed's files, and that they make a seed (an ssh key needs a
 * #cloud-config user-data without keys of its own). */
static int
check_seed(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	   struct cvm_err *err)
{
	struct cvm_vm_seed s = {0};
	cleanup_buf struct cvm_buf ud = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf md = CVM_BUF_INIT;
	int r;

	if ((r = read_text("--cloud-init", o->cloud_init, &p->user_data, err)) <
		    0 ||
	    (r = read_text("--network-config", o->network_config,
			   &p->network_config, err)) < 0 ||
	    (r = read_text("--ssh-key", o->ssh_key, &p->ssh_key, err)) < 0)
		return r;
	s.user_data = p->user_data;
	s.ssh_key = p->ssh_key;
	s.instance_id = s.hostname = o->name;
	if ((r = cvm_vm_seed_texts(&s, &ud, &md, err)) < 0)
		return cvm_err_prefix(err, "--ssh-key '%s'", o->ssh_key);
	return 0;
}

/* The smallest guests that boot: OVMF needs 48 MiB under TCG (guestio.h) */
static int
check_min_memory(const struct cvm_vm_config *c, struct cvm_err *err)
{
	unsigned min = c->boot == CVM_BOOT_PVH ? CVM_RUN_MIN_MIB_PVH
					       : CVM_RUN_MIN_MIB_EFI;

	if (c->memory_mib >= min)
		return 0;
	return cvm_err_set(err, -CVM_E_USAGE,
			   "--memory %llu MiB is too small for %s boot (at "
			   "least %u MiB)",
			   (unsigned long long)c->memory_mib,
			   vm_boot_name(c->boot), min);
}

/* The command line must build for the QEMU that will run it. */
static int
check_build(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	    struct cvm_err *err)
{
	struct cvm_qemu_caps caps;
	struct vm_spec s;
	int r;

	if (p->cfg.backend == CVM_VM_LIBVIRT)
		return 0; /* libvirt validates the domain when it defines it */
	if ((r = cvm_vm_qemu_caps(p->host, o->qemu_version, &caps, err)) < 0)
		return r;
	vm_spec_make(&p->cfg, "", false, &s);
	if (s.spec.accel == CVM_ACCEL_AUTO)
		s.spec.accel = CVM_ACCEL_TCG; /* decided at start */
	if (p->cfg.protection != CVM_PROT_NONE)
		s.spec.accel = CVM_ACCEL_KVM;
	r = cvm_qemu_validate(&s.spec, &caps, err);
	vm_spec_release(&s);
	return r;
}

int
cvm_vm_plan_create(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
		   struct cvm_err *err)
{
	int r;

	memset(p, 0, sizeof(*p));
	if ((r = check_name(o, err)) < 0 || (r = check_source(o, p, err)) < 0 ||
	    (r = check_sizes(o, p, err)) < 0 ||
	    (r = check_seed(o, p, err)) < 0 ||
	    (r = cvm_vm_host_report(p->cfg.memory_mib * MIB,
				    o->backend == CVM_VM_LIBVIRT, &p->host,
				    err)) < 0 ||
	    (r = pick_protection(o, p, err)) < 0 ||
	    (r = check_min_memory(&p->cfg, err)) < 0 ||
	    (r = pick_policy(o, p, err)) < 0 ||
	    (r = fill_rest(o, p, err)) < 0 || (r = read_snp(o, p, err)) < 0 ||
	    (r = pick_unikernel(o, p, err)) < 0 ||
	    (r = vm_plan_firmware(o, p, err)) < 0 ||
	    (r = check_build(o, p, err)) < 0)
		return r;
	if (p->source_image)
		p->cfg.kernel_source = cvm_xstrdup(p->source_image);
	return 0;
}

void
cvm_vm_plan_release(struct cvm_vm_plan *p)
{
	cvm_vm_config_release(&p->cfg);
	cvm_host_report_free(p->host);
	free(p->source_image);
	free(p->source_initrd);
	free(p->source_dh_cert);
	free(p->source_session);
	free(p->user_data);
	free(p->network_config);
	free(p->ssh_key);
	memset(p, 0, sizeof(*p));
}
