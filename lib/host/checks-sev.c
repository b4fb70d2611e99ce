/* SPDX-License-Identifier: MIT */
/*
 * The PSP: /dev/sev access and the SEV_PLATFORM_STATUS and
 * SNP_PLATFORM_STATUS commands (launch-and-host.md §1.2, §1.3; SEV API
 * spec 55766; SNP firmware ABI spec 56860): firmware version and state,
 * SEV-ES configuration, RMP initialisation, current vs reported TCB and
 * the alias check.
 */
#include <fcntl.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "host-priv.h"

#define FIX_SEV_DEV                                                           \
	"modprobe ccp, enable SEV in BIOS (SMEE, SEV-ES ASID space), run on " \
	"bare metal"
#define FIX_SEV_PERM                                                    \
	"run as root, or a udev rule: KERNEL==\"sev\", MODE=\"0660\", " \
	"GROUP=\"kvm\""
#define FIX_SNP_INIT                                                        \
	"modprobe -r kvm_amd && modprobe kvm_amd sev_snp=1 (kernel 6.11+, " \
	"firmware 1.51+, SNP enabled in BIOS)"

static const char *
state_name(uint8_t s)
{
	static const char *const names[] = {"UNINIT", "INIT", "WORKING"};

	return s < CVM_ARRAY_SIZE(names) ? names[s] : "unknown";
}

static void
fw_failed(struct hc *h, int c, int r, uint32_t fw_error, const char *cmd,
	  const char *fix)
{
	if (r == CVM_HOST_NOFACT || !fw_error) {
		check_op_failed(h, c, r, CVM_CHECK_FAIL, fix, cmd);
		return;
	}
	check_evidence(h, c, "%s: %s, firmware status 0x%02x %s", cmd,
		       host_strerror(r), fw_error,
		       host_fw_status_name(fw_error));
	/* 0x13: in practice SMEE off in BIOS (§1.3, §6) */
	check_set(h, c, CVM_CHECK_FAIL,
		  fw_error == 0x13 ? "BIOS: CBS > CPU Common > SMEE = Enabled"
				   : "see dmesg | grep -iE 'ccp|sev'",
		  "%s failed: firmware status 0x%02x (%s)", cmd, fw_error,
		  host_fw_status_name(fw_error));
}

static void
sev_platform(struct hc *h, int parent)
{
	struct cvm_sev_platform_status *st = &h->r->sev_status;
	uint32_t fw = 0;
	int p, c, r;

	if (!check_open(h, &p, parent, parent, "sev.platform",
			"SEV platform status", G_ALL))
		return;
	r = h->src->ops->sev_status(h->src->ctx, st, &fw);
	if (r < 0) {
		fw_failed(h, p, r, fw, "SEV_PLATFORM_STATUS", NULL);
		return;
	}
	h->r->have_sev_status = true;
	check_evidence(h, p,
		       "SEV_PLATFORM_STATUS: API %u.%u build %u, state %u, "
		       "flags 0x%x, guests %u",
		       st->api_major, st->api_minor, st->build, st->state,
		       st->flags, st->guest_count);
	check_set(h, p, CVM_CHECK_OK, NULL,
		  "firmware %u.%u build %u, %s, %u guests", st->api_major,
		  st->api_minor, st->build, state_name(st->state),
		  st->guest_count);

	if (check_open(h, &c, p, p, "sev.init", "SEV firmware initialised",
		       G_NONE))
		check_set(h, c, st->state ? CVM_CHECK_OK : CVM_CHECK_WARN,
			  st->state ? NULL : "modprobe kvm_amd sev=1",
			  st->state ? "%s"
				    : "%s: initialised when kvm_amd or the "
				      "first guest needs it",
			  state_name(st->state));
	if (check_open(h, &c, p, p, "sev.es-init",
		       "SEV-ES configured in firmware", G_ES | G_SNP)) {
		check_evidence(h, c, "flags bit 8 (CONFIG_ES) = %d",
			       !!(st->flags & CVM_SEV_FLAG_CONFIG_ES));
		if (st->state == 0)
			check_set(h, c, CVM_CHECK_WARN, NULL,
				  "decided when the platform is initialised");
		else if (st->flags & CVM_SEV_FLAG_CONFIG_ES)
			check_set(h, c, CVM_CHECK_OK, NULL, "CONFIG_ES set");
		else
			check_set(h, c, CVM_CHECK_FAIL,
				  "modprobe -r kvm_amd && modprobe kvm_amd "
				  "sev=1 sev_es=1",
				  "the platform was initialised without SEV-ES "
				  "(CONFIG_ES = 0)");
	}
	if (check_open(h, &c, p, p, "sev.fw", "SEV firmware >= 1.51 (SNP)",
		       G_SNP)) {
		bool ok = st->api_major > 1 ||
			  (st->api_major == 1 && st->api_minor >= 51);

		check_evidence(h, c, "API %u.%u", st->api_major, st->api_minor);
		check_set(h, c, ok ? CVM_CHECK_OK : CVM_CHECK_FAIL,
			  ok ? NULL
			     : "update the SEV firmware (BIOS update, or "
			       "amd_sev_fam19h_model*.sbin in "
			       "/lib/firmware/amd/)",
			  ok ? "%u.%u"
			     : "%u.%u < 1.51: SNP needs firmware 1.51",
			  st->api_major, st->api_minor);
	}
}

static void
tcb_text(struct hc *h, uint64_t tcb, char *buf, size_t n)
{
	struct cvm_tcb t;

	cvm_tcb_decode(tcb, h->r->cpu_family, &t);
	if (t.has_fmc)
		snprintf(buf, n,
			 "0x%016llx (fmc %u, boot loader %u, tee %u, snp %u, "
			 "microcode %u)",
			 (unsigned long long)tcb, t.fmc, t.boot_loader, t.tee,
			 t.snp, t.microcode);
	else
		snprintf(buf, n,
			 "0x%016llx (boot loader %u, tee %u, snp %u, microcode "
			 "%u)",
			 (unsigned long long)tcb, t.boot_loader, t.tee, t.snp,
			 t.microcode);
}

static void
snp_children(struct hc *h, int p)
{
	const struct cvm_snp_platform_status *st = &h->r->snp_status;
	char cur[128], rep[128];
	int c;

	if (check_open(h, &c, p, p, "sev.snp-init", "SNP firmware initialised",
		       G_SNP)) {
		check_evidence(h, c, "SNP state %u", st->state);
		check_set(h, c, st->state == 1 ? CVM_CHECK_OK : CVM_CHECK_FAIL,
			  st->state == 1 ? NULL : FIX_SNP_INIT,
			  st->state == 1 ? "INIT" : "SNP firmware is UNINIT");
	}
	if (check_open(h, &c, p, p, "sev.rmp-init", "RMP initialised", G_SNP)) {
		bool ok = st->status_flags & CVM_SNP_STATUS_RMP_INIT;

		check_evidence(h, c, "status byte 3 = 0x%02x (bit 0)",
			       st->status_flags);
		check_set(h, c, ok ? CVM_CHECK_OK : CVM_CHECK_FAIL,
			  ok ? NULL : FIX_SNP_INIT,
			  ok ? "initialised" : "the RMP is not initialised");
	}
	if (check_open(h, &c, p, p, "sev.tcb", "Current TCB = reported TCB",
		       G_NONE)) {
		tcb_text(h, st->current_tcb, cur, sizeof(cur));
		tcb_text(h, st->reported_tcb, rep, sizeof(rep));
		check_evidence(h, c, "current %s; reported %s", cur, rep);
		if (st->current_tcb == st->reported_tcb)
			check_set(h, c, CVM_CHECK_OK, NULL,
				  "TCB versions match");
		else
			check_set(h, c, CVM_CHECK_WARN,
				  "once the new firmware is trusted: snphost "
				  "commit (irreversible)",
				  "current TCB differs from the reported TCB: "
				  "reports and VCEKs use the older one");
	}
	if (check_open(h, &c, p, p, "sev.alias", "Alias check (CVE-2024-21944)",
		       G_NONE)) {
		bool ok = st->status_flags & CVM_SNP_STATUS_ALIAS_CHECK;

		check_evidence(h, c, "status byte 3 = 0x%02x (bit 1)",
			       st->status_flags);
		check_set(
			h, c, ok ? CVM_CHECK_OK : CVM_CHECK_WARN,
			ok ? NULL
			   : "update the BIOS (Milan 1.55.22, Genoa 1.55.38 "
			     "or later; AMD-SB-3015)",
			ok ? "completed since the last update"
			   : "not completed (firmware predates AMD-SB-3015?)");
	}
}

static void
snp_platform(struct hc *h, int parent)
{
	struct cvm_snp_platform_status *st = &h->r->snp_status;
	uint32_t fw = 0;
	int p, r, dep = parent;

	/* a CPU without SNP needs no SNP firmware questions */
	if (check_status(h, h->cpu_snp) == CVM_CHECK_FAIL ||
	    check_status(h, h->cpu_snp) == CVM_CHECK_SKIP)
		dep = h->cpu_snp;
	if (!check_open(h, &p, parent, dep, "sev.snp-platform",
			"SNP platform status", G_SNP))
		return;
	r = h->src->ops->snp_status(h->src->ctx, st, &fw);
	if (r < 0) {
		bool old = h->have_kernel &&
			   (h->kernel_major < 6 ||
			    (h->kernel_major == 6 && h->kernel_minor < 11));

		if (old && r == -EINVAL) {
			check_evidence(h, p, "SNP_PLATFORM_STATUS: EINVAL");
			check_set(h, p, CVM_CHECK_FAIL, NULL,
				  "kernel %u.%u does not know "
				  "SNP_PLATFORM_STATUS (6.11+)",
				  h->kernel_major, h->kernel_minor);
		} else {
			fw_failed(h, p, r, fw, "SNP_PLATFORM_STATUS",
				  FIX_SNP_INIT);
		}
		return;
	}
	h->r->have_snp_status = true;
	check_evidence(h, p,
		       "SNP_PLATFORM_STATUS: API %u.%u build %u, state %u, "
		       "status 0x%02x, features 0x%x, guests %u",
		       st->api_major, st->api_minor, st->build_id, st->state,
		       st->status_flags, st->feature_flags, st->guest_count);
	check_set(h, p, CVM_CHECK_OK, NULL,
		  "SNP firmware %u.%u build %u, %u guests", st->api_major,
		  st->api_minor, st->build_id, st->guest_count);
	snp_children(h, p);
}

void
checks_sev(struct hc *h)
{
	int d, rd, wr;

	check_open(h, &d, -1, -1, "sev", "/dev/sev (AMD PSP)", G_ALL);
	rd = h->src->ops->open_access(h->src->ctx, "/dev/sev", O_RDONLY);
	wr = h->src->ops->open_access(h->src->ctx, "/dev/sev", O_WRONLY);
	if (rd == -ENOENT) {
		check_evidence(h, d, "open /dev/sev: ENOENT");
		check_set(h, d, CVM_CHECK_FAIL, FIX_SEV_DEV,
			  "no /dev/sev: the ccp driver found no SEV firmware%s",
			  h->in_vm ? " (this is a VM)" : "");
		return;
	}
	if (rd < 0) {
		check_op_failed(h, d, rd, CVM_CHECK_FAIL,
				rd == -EACCES ? FIX_SEV_PERM : NULL,
				"open /dev/sev for reading");
		return;
	}
	if (wr < 0) {
		check_op_failed(h, d, wr, CVM_CHECK_FAIL,
				wr == -EACCES ? FIX_SEV_PERM : NULL,
				"open /dev/sev for writing (QEMU opens it "
				"read-write)");
		return;
	}
	check_evidence(h, d, "open /dev/sev: read ok, write ok");
	check_set(h, d, CVM_CHECK_OK, NULL, "readable and writable");
	sev_platform(h, d);
	snp_platform(h, d);
}
