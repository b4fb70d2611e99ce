/* SPDX-License-Identifier: MIT */
/*
 * Which OVMF a VM boots (launch-and-host.md §3.3): Debian's split build
 * (OVMF_CODE_4M.fd, read-only and shared, plus this VM's own copy of the
 * matching OVMF_VARS_4M.fd) for unprotected, SEV and SEV-ES guests; a
 * combined image loaded with -bios and no variable store for SEV-SNP
 * (pflash needs read-only memory that SNP guests lack, AMDSEV#223).  The
 * image must support the level: the footer GUID table for SEV, the
 * SEV-ES reset block for SEV-ES, the SNP metadata for SEV-SNP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/ovmf.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

static bool
supports(const struct cvm_ovmf_info *i, enum cvm_protection p)
{
	switch (p) {
	case CVM_PROT_SEV:
		return i->sev;
	case CVM_PROT_SEV_ES:
		return i->sev_es;
	case CVM_PROT_SEV_SNP:
		return i->sev_snp;
	default:
		return true;
	}
}

/* A combined image (no separate variable store): usable with -bios. */
static bool
combined(const char *path)
{
	const char *base = strrchr(path, '/');

	return !strstr(base ? base + 1 : path, "CODE");
}

/*
 * The host check's pick for SEV-SNP: a combined image with the SNP
 * metadata, not a Secure Boot build; with a kernel, one that can measure
 * it (kernel hashes) first.
 */
static const char *
snp_default(const struct cvm_host_report *h, bool kernel)
{
	const char *any = NULL;

	for (size_t i = 0; i < h->nfirmware; i++) {
		const struct cvm_host_firmware *f = &h->firmware[i];

		if (!f->parsed || !f->info.sev_snp || f->secure_boot ||
		    !combined(f->path))
			continue;
		if (!kernel || f->info.kernel_hashes_snp)
			return f->path;
		if (!any)
			any = f->path;
	}
	return any;
}

static const struct cvm_ovmf_info *
listed(const struct cvm_host_report *h, const char *path)
{
	for (size_t i = 0; i < h->nfirmware; i++)
		if (h->firmware[i].parsed && !strcmp(h->firmware[i].path, path))
			return &h->firmware[i].info;
	return NULL;
}

/* What the host check (or, for a file it did not see, a parse) knows. */
static int
firmware_info(const struct cvm_host_report *h, const char *path,
	      struct cvm_ovmf_info *info, struct cvm_err *err)
{
	const struct cvm_ovmf_info *l = listed(h, path);

	if (l) {
		*info = *l;
		return 0;
	}
	return cvm_ovmf_parse_file(path, info, err);
}

/*
 * The firmware must support the level; a directly booted kernel is
 * measured (kernel-hashes=on) when the firmware has the hash table
 * (QEMU docs amd-memory-encryption.rst; launch-and-host.md §3.1).
 */
static int
check_level(struct cvm_vm_plan *p, const char *path, struct cvm_err *err)
{
	static const char *const need[] = {
		"", "the OVMF footer GUID table (SEV)",
		"the SEV-ES reset block", "the SEV-SNP metadata"};
	enum cvm_protection prot = p->cfg.protection;
	struct cvm_ovmf_info info;
	char summary[160];
	int r;

	if (prot == CVM_PROT_NONE)
		return 0;
	if ((r = firmware_info(p->host, path, &info, err)) < 0)
		return cvm_err_prefix(err, "firmware");
	p->cfg.kernel_hashes =
		p->cfg.has_kernel &&
		(prot == CVM_PROT_SEV_SNP ? info.kernel_hashes_snp
					  : info.kernel_hashes_sev);
	if (supports(&info, prot))
		return 0;
	cvm_ovmf_summary(&info, summary, sizeof(summary));
	return cvm_err_set(err, -CVM_E_UNSUPPORTED,
			   "firmware '%s' cannot boot %s guests: it lacks %s "
			   "(it supports: %s)",
			   path, cvm_protection_name(prot), need[prot],
			   summary);
}

/* The code image: --firmware, else the default for the level. */
static int
pick_code(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
	  struct cvm_err *err)
{
	struct cvm_vm_config *c = &p->cfg;
	const char *def = CVM_OVMF_CODE_DEFAULT;

	if (o->firmware) {
		c->firmware = realpath(o->firmware, NULL);
		if (!c->firmware || access(c->firmware, R_OK) < 0)
			return cvm_err_set(err, -errno, "firmware '%s': %s",
					   o->firmware, strerror(errno));
		return 0;
	}
	if (c->protection == CVM_PROT_SEV_SNP) {
		def = snp_default(p->host, c->guest != CVM_VM_GUEST_DISK);
		if (!def)
			return cvm_err_set(
				err, -CVM_E_HOST,
				"no SEV-SNP firmware found: give --firmware "
				"(a combined OVMF image with SNP support, e.g. "
				"the AmdSev build OVMF.amdsev.fd)");
	}
	/* a simulated host's files are not on this machine */
	if (!vm_host_simulated(p->host) && access(def, R_OK) < 0)
		return cvm_err_set(err, -errno,
				   "firmware '%s': %s (install Debian's ovmf "
				   "or give --firmware)",
				   def, strerror(errno));
	c->firmware = cvm_xstrdup(def);
	return 0;
}

int
vm_plan_firmware(const struct cvm_vm_create_opts *o, struct cvm_vm_plan *p,
		 struct cvm_err *err)
{
	struct cvm_vm_config *c = &p->cfg;
	int r;

	if (c->boot == CVM_BOOT_PVH)
		return o->firmware ? cvm_err_set(err, -CVM_E_USAGE,
						 "--firmware: PVH boot runs "
						 "no firmware (use --boot efi)")
				   : 0;
	if ((r = pick_code(o, p, err)) < 0)
		return r;
	if (c->protection == CVM_PROT_SEV_SNP) {
		if (!combined(c->firmware))
			return cvm_err_set(
				err, -CVM_E_USAGE,
				"firmware '%s' is a split code image; SEV-SNP "
				"boots a combined one with -bios and no "
				"variable store",
				c->firmware);
	} else {
		c->vars_template = cvm_qemu_ovmf_vars_template(c->firmware);
	}
	c->has_vars = c->vars_template && c->backend == CVM_VM_QEMU;
	if (vm_host_simulated(p->host) && !o->firmware &&
	    access(c->firmware, R_OK) < 0 && !listed(p->host, c->firmware))
		return 0; /* nothing on this machine to check */
	return check_level(p, c->firmware, err);
}
