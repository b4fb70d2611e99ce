/* SPDX-License-Identifier: MIT */
/*
 * `cvm run --protection/--attest`: the protection decision from the
 * host check, the SEV launch parameters, the nonce and the expected
 * launch digest.  See cvm/runsev.h.  The command lines that follow
 * come from lib/qemu (launch-and-host.md §3): sev-guest for SEV and
 * SEV-ES, sev-snp-guest with -bios for SNP, kernel-hashes=on when the
 * firmware carries the hash table (guest-sev.md §1.2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/host.h"
#include "cvm/measure.h"
#include "cvm/policy.h"
#include "cvm/util.h"

static const char *
level_name(enum cvm_protection p)
{
	static const char *const names[] = {"no", "SEV", "SEV-ES", "SEV-SNP"};

	return p <= CVM_PROT_SEV_SNP ? names[p] : "?";
}

/* The host check over the facts file (req, then $CVM_HOST_FACTS) or
 * this host. */
static int
host_report(struct cvm_run_plan *p, struct cvm_host_report **out,
	    struct cvm_err *err)
{
	const char *facts =
		p->req.facts ? p->req.facts : getenv(CVM_RUN_FACTS_ENV);
	struct cvm_host_opts o = {.skip_libvirt = true};
	struct cvm_host_facts *f = NULL;
	struct cvm_host_source src;
	cleanup_free char *name = NULL;
	int r;

	o.guest_memory = p->req.memory_mib << 20;
	if (!facts || !*facts) {
		o.qemu = p->req.qemu;
		return cvm_host_probe(&o, out, err);
	}
	if (!p->req.dry_run)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "the facts file '%s' describes another "
				   "host: use it with --dry-run",
				   facts);
	if ((r = cvm_host_facts_load(facts, &f, err)) < 0)
		return cvm_err_prefix(err, "--facts");
	src = cvm_host_source_facts(f);
	name = cvm_xasprintf("facts:%s", facts);
	o.source_name = name;
	r = cvm_host_check(&src, &o, out, err);
	cvm_host_facts_free(f);
	p->sev.from_facts = true;
	return r;
}

/* AUTO: the highest level launchable; say what it fell back from. */
static void
pick_auto(struct cvm_run_plan *p, const struct cvm_host_report *r)
{
	enum cvm_protection got = r->max;
	const char *why = r->level[CVM_PROT_SEV_SNP].message;

	p->req.protection = got;
	if (got == CVM_PROT_SEV_SNP) {
		snprintf(p->sev.note, sizeof(p->sev.note),
			 "--protection auto: sev-snp (the highest level)");
		return;
	}
	if (got != CVM_PROT_NONE)
		why = r->level[got + 1].message;
	p->sev.fell_back = true;
	snprintf(p->sev.note, sizeof(p->sev.note),
		 "--protection auto fell back to %s: this host cannot launch "
		 "%s guests (%s)%s",
		 cvm_protection_name(got), level_name(got + 1),
		 why ? why : "no reason given",
		 got == CVM_PROT_NONE ? "; the guest runs UNPROTECTED" : "");
}

static int
decide(struct cvm_run_plan *p, const struct cvm_host_report *r,
       struct cvm_err *err)
{
	enum cvm_protection want = p->req.protection;
	const char *why = NULL;

	if (want == CVM_PROT_AUTO) {
		pick_auto(p, r);
		if (p->req.attest && p->req.protection != CVM_PROT_SEV_SNP)
			return cvm_err_set(err, -CVM_E_HOST,
					   "--attest needs SEV-SNP, which "
					   "this host cannot launch: %s",
					   r->level[CVM_PROT_SEV_SNP].message);
		return 0;
	}
	if (!cvm_host_can_launch(r, want, &why))
		return cvm_err_set(err, -CVM_E_HOST,
				   "--protection %s: this host cannot launch "
				   "%s guests: %s (from the host check, %s)",
				   cvm_protection_name(want), level_name(want),
				   why ? why : "no reason given",
				   r->source ? r->source : "probe");
	return 0;
}

static bool
fw_supports(const struct cvm_ovmf_info *i, enum cvm_protection level)
{
	return level == CVM_PROT_SEV_SNP  ? i->sev_snp
	       : level == CVM_PROT_SEV_ES ? i->sev_es
					  : i->sev;
}

static bool
fw_hashes(const struct cvm_ovmf_info *i, enum cvm_protection level)
{
	return level == CVM_PROT_SEV_SNP ? i->kernel_hashes_snp
					 : i->kernel_hashes_sev;
}

/* The host's best firmware for the level: measured direct boot first,
 * then (SNP: -bios) a combined image rather than a CODE half. */
static const struct cvm_host_firmware *
fw_best(const struct cvm_host_report *r, enum cvm_protection level)
{
	const struct cvm_host_firmware *best = NULL;
	int best_score = -1;

	for (size_t i = 0; i < r->nfirmware; i++) {
		const struct cvm_host_firmware *f = &r->firmware[i];
		int score;

		if (!f->parsed || f->secure_boot ||
		    !fw_supports(&f->info, level))
			continue;
		score = (fw_hashes(&f->info, level) ? 2 : 0) +
			(level == CVM_PROT_SEV_SNP && !strstr(f->path, "CODE"));
		if (score > best_score) {
			best = f;
			best_score = score;
		}
	}
	return best;
}

static int
pick_firmware(struct cvm_run_plan *p, const struct cvm_host_report *r,
	      struct cvm_err *err)
{
	enum cvm_protection level = p->req.protection;
	const struct cvm_host_firmware *f = NULL;
	const char *path = p->req.firmware;

	for (size_t i = 0; path && i < r->nfirmware; i++)
		if (!strcmp(r->firmware[i].path, path) && r->firmware[i].parsed)
			f = &r->firmware[i];
	if (!path && !(f = fw_best(r, level)))
		return cvm_err_set(err, -CVM_E_HOST,
				   "no OVMF build on this host can launch %s "
				   "guests ('cvm host check' lists them; give "
				   "one with --firmware)",
				   level_name(level));
	if (f) {
		p->sev.fw = f->info;
		path = f->path;
	} else if (cvm_ovmf_parse_file(path, &p->sev.fw, err) < 0) {
		return cvm_err_prefix(err, "--firmware");
	}
	p->sev.have_fw_info = true;
	if (!fw_supports(&p->sev.fw, level))
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "firmware '%s' cannot launch %s guests (its "
				   "SEV tables lack what %s needs: see 'cvm "
				   "firmware inspect')",
				   path, level_name(level), level_name(level));
	p->sev.measured_kernel = fw_hashes(&p->sev.fw, level);
	p->sev.params.kernel_hashes = p->sev.measured_kernel;
	p->sev.firmware = cvm_xstrdup(path);
	p->req.firmware = p->sev.firmware;
	return 0;
}

/*
 * The SEV guest policy's ES bit (bit 2, SEV API 55766 "Guest Policy")
 * decides SEV against SEV-ES: a --policy that says the other level is
 * refused with the command the user may have meant (libvirt's and
 * virt-install's policy=0x07 launches SEV-ES).
 */
static int
es_bit_mismatch(const struct cvm_run_plan *p, struct cvm_err *err)
{
	unsigned long long v = (unsigned long long)p->req.policy;

	if (p->req.protection == CVM_PROT_SEV && (v & 0x4))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "--protection sev with --policy 0x%llx: "
				   "that policy has the ES bit (bit 2), which "
				   "makes the guest SEV-ES, not SEV; name the "
				   "level you mean: --protection sev-es "
				   "--policy 0x%llx, or --protection sev "
				   "--policy 0x%llx for plain SEV",
				   v, v, v & ~0x4ull);
	if (p->req.protection == CVM_PROT_SEV_ES && !(v & 0x4))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "--protection sev-es with --policy 0x%llx: "
				   "SEV-ES needs the ES bit (bit 2) in the "
				   "policy, and without it the guest is plain "
				   "SEV; name the level you mean: --protection "
				   "sev-es --policy 0x%llx, or --protection "
				   "sev --policy 0x%llx",
				   v, v | 0x4ull, v);
	return 0;
}

/* Launch parameters for a protected run. */
static int
launch_params(struct cvm_run_plan *p, const struct cvm_host_report *r,
	      struct cvm_err *err)
{
	struct cvm_policy_opts po = {.level = p->req.protection};
	const char *lvl = cvm_protection_name(p->req.protection);

	if (p->req.boot_given && p->req.boot != CVM_BOOT_EFI)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "--protection %s boots through OVMF: use "
				   "--boot efi (PVH has no SEV launch path)",
				   lvl);
	if (p->req.accel == CVM_ACCEL_TCG)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "--protection %s needs KVM: TCG cannot "
				   "run SEV guests",
				   lvl);
	if (!r->have_cbit)
		return cvm_err_set(err, -CVM_E_HOST,
				   "the host check found no C-bit position");
	p->req.boot = CVM_BOOT_EFI;
	p->req.accel = CVM_ACCEL_KVM;
	p->sev.params.cbitpos = r->cbitpos;
	p->sev.params.reduced_phys_bits =
		r->reduced_phys_bits ? r->reduced_phys_bits : 1;
	if (p->req.has_policy && es_bit_mismatch(p, err) < 0)
		return -CVM_E_USAGE;
	if (p->req.has_policy)
		p->sev.params.policy = p->req.policy;
	else if (cvm_policy_make(&po, &p->sev.params.policy, err) < 0)
		return cvm_err_prefix(err, "default policy");
	return pick_firmware(p, r, err);
}

/* A fresh nonce for the guest's `attest` workload (REPORT_DATA). */
static int
draw_nonce(struct cvm_run_plan *p, struct cvm_err *err)
{
	if (getrandom(p->sev.nonce, sizeof(p->sev.nonce), 0) !=
	    (ssize_t)sizeof(p->sev.nonce))
		return cvm_err_set(err, -errno, "getrandom: %s",
				   strerror(errno));
	cvm_hex_encode(p->sev.nonce, sizeof(p->sev.nonce), p->sev.nonce_hex);
	return 0;
}

/* True if the comma-separated `list` names `name`. */
static bool
lists(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *c = list; c && *c;
	     c = strchr(c, ',') ? strchr(c, ',') + 1 : NULL)
		if (!strncmp(c, name, n) && (c[n] == ',' || !c[n]))
			return true;
	return false;
}

/* --attest: the workload list starts with `attest`; a fresh nonce. */
static int
attest_setup(struct cvm_run_plan *p, struct cvm_err *err)
{
	int r;

	if (p->req.protection != CVM_PROT_SEV_SNP)
		return cvm_err_set(err, -CVM_E_USAGE,
				   "--attest needs --protection sev-snp (or "
				   "auto): only SNP guests have attestation "
				   "reports");
	if ((r = draw_nonce(p, err)) < 0)
		return r;
	p->sev.attest = true;
	p->sev.workload = p->req.workload
				  ? cvm_xasprintf("attest,%s", p->req.workload)
				  : cvm_xstrdup("attest");
	p->req.workload = p->sev.workload;
	return 0;
}

int
cvm_run_sev_resolve(struct cvm_run_plan *p, struct cvm_err *err)
{
	struct cvm_host_report *r = NULL;
	int ret;

	p->sev.requested = p->req.protection;
	if (p->req.attest && !p->req.protection_given)
		p->req.protection = p->sev.requested = CVM_PROT_SEV_SNP;
	/* `attest` named without --attest: a nonce, nothing verified */
	if (!p->req.attest && lists(p->req.workload, "attest") &&
	    (ret = draw_nonce(p, err)) < 0)
		return ret;
	if (p->req.protection == CVM_PROT_NONE && !p->req.attest)
		return 0;
	if (p->req.attest && p->req.protection != CVM_PROT_SEV_SNP &&
	    p->req.protection != CVM_PROT_AUTO)
		return attest_setup(p, err);
	if ((ret = host_report(p, &r, err)) < 0)
		return ret;
	p->sev.source = cvm_xstrdup(r->source ? r->source : "probe");
	/* a facts file: the command line is for that host's QEMU */
	if (p->sev.from_facts && r->qemu_path) {
		p->sev.qemu = cvm_xstrdup(r->qemu_path);
		snprintf(p->sev.qemu_version, sizeof(p->sev.qemu_version),
			 "%u.%u.%u", r->qemu_major, r->qemu_minor,
			 r->qemu_micro);
		p->req.qemu = p->sev.qemu;
	} else if (p->sev.from_facts) {
		ret = cvm_err_set(err, -CVM_E_HOST,
				  "the facts host (%s) has no QEMU", r->source);
	}
	if (ret == 0 && (ret = decide(p, r, err)) == 0 &&
	    p->req.protection != CVM_PROT_NONE)
		ret = launch_params(p, r, err);
	if (ret == 0 && p->req.attest)
		ret = attest_setup(p, err);
	cvm_host_report_free(r);
	return ret;
}

void
cvm_run_sev_fill_spec(struct cvm_run_plan *p)
{
	p->spec.protection = p->req.protection;
	if (p->req.protection != CVM_PROT_NONE)
		p->spec.sev = p->sev.params;
	if (p->sev.nonce_hex[0]) {
		char *a = cvm_xasprintf("%s nonce=%s", p->append,
					p->sev.nonce_hex);

		free(p->append);
		p->append = a;
		p->spec.append = a;
	}
}

int
cvm_run_sev_expect(struct cvm_run_plan *p, struct cvm_err *err)
{
	struct cvm_measure_params mp;
	struct cvm_measure_files f = {.ovmf = p->firmware};
	struct cvm_measure_result res;
	const char *cpu = p->spec.cpu_model
				  ? p->spec.cpu_model
				  : cvm_qemu_default_cpu(&p->spec, &p->caps);

	if (!p->sev.attest)
		return 0;
	if (p->sev.from_facts && access(p->firmware, R_OK) != 0) {
		snprintf(p->sev.expected_note, sizeof(p->sev.expected_note),
			 "the firmware '%s' is on the facts host", p->firmware);
		return 0;
	}
	cvm_measure_params_init(&mp);
	mp.mode = CVM_MEASURE_SNP;
	mp.vcpus = p->spec.vcpus;
	mp.fw_name = p->firmware;
	if (cvm_vcpu_type_sig(cpu, &mp.vcpu_sig) < 0)
		return cvm_err_set(err, -CVM_E_UNSUPPORTED,
				   "vCPU model '%s' has no known signature for "
				   "the launch digest",
				   cpu);
	/* kernel-hashes: QEMU hashes the file and the command line */
	if (p->sev.measured_kernel) {
		f.kernel = p->image;
		f.append = p->append;
	}
	if (cvm_measure_files_compute(&f, &mp, &res, err) < 0)
		return cvm_err_prefix(err, "the expected launch digest");
	memcpy(p->sev.expected, res.digest, sizeof(p->sev.expected));
	p->sev.have_expected = true;
	return 0;
}

void
cvm_run_sev_release(struct cvm_run_sev *s)
{
	free(s->source);
	free(s->qemu);
	free(s->firmware);
	free(s->workload);
	memset(s, 0, sizeof(*s));
}
