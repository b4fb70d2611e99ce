/* SPDX-License-Identifier: MIT */
/*
 * libvirt errors as cvm errors: the libvirt message, its code, and the
 * plain explanation from the reference's message map (launch-and-host.md
 * sections 4.3, 6 and 7).  QEMU's own start-up errors reach us through
 * libvirt ("qemu unexpectedly closed the monitor: ..."), so the QEMU
 * entries of the map are here too.  Also libvirt version numbers.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cvm/cleanup.h"
#include "cvm/virt.h"
#include "virt-priv.h"

#define ANY_CODE -1

struct explanation {
	int vir_code;	   /* virErrorNumber, or ANY_CODE */
	const char *match; /* substring of the message, or NULL */
	int cvm_code;
	const char *text;
};

/* The first entry that matches wins: specific messages, then codes. */
static const struct explanation explanations[] = {
	{VIR_ERR_CONFIG_UNSUPPORTED, "SEV launch security is not supported",
	 -CVM_E_HOST,
	 "libvirt's probe of QEMU found no SEV on this host (no SEV-capable "
	 "CPU, SEV off in the BIOS or in kvm_amd, or /dev/sev unusable by "
	 "QEMU); run `cvm host check` for the reason"},
	{ANY_CODE, "'sev-snp'", -CVM_E_UNSUPPORTED,
	 "libvirt before 10.5 cannot describe SEV-SNP guests; use the QEMU "
	 "backend with QEMU >= 9.1, or a newer libvirt"},
	{VIR_ERR_XML_INVALID_SCHEMA, "Element launchSecurity",
	 -CVM_E_UNSUPPORTED,
	 "this libvirt's schema rejects the <launchSecurity> element: "
	 "libvirt before 10.5 has no type='sev-snp', before 8.0 no "
	 "kernelHashes"},
	{ANY_CODE, "cannot undefine domain with nvram", -CVM_E_STATE,
	 "the domain has a per-VM NVRAM file, which must be removed with it "
	 "(VIR_DOMAIN_UNDEFINE_NVRAM, virsh undefine --nvram)"},
	{ANY_CODE, "UEFI requires ACPI", -EINVAL,
	 "OVMF needs <features><acpi/>, which cvm always writes: this XML "
	 "was not made by cvm"},
	{ANY_CODE, "machine->cgs->ready", -CVM_E_HOST,
	 "confidential guests need KVM on an AMD EPYC host; this QEMU runs "
	 "with TCG (software emulation)"},
	{ANY_CODE, "cbitpos check failed", -CVM_E_HOST,
	 "this CPU does not expose SEV (CPUID 0x8000001F reports no C-bit): "
	 "inside a VM, or SEV off in the BIOS? run `cvm host check`"},
	{ANY_CODE, "Failed to open /dev/sev", -CVM_E_HOST,
	 "/dev/sev is missing: load ccp, enable SMEE and SEV in the BIOS, "
	 "run on bare metal; run `cvm host check`"},
	{ANY_CODE, "SEV is not enabled in KVM", -CVM_E_HOST,
	 "kvm_amd has SEV disabled (see "
	 "/sys/module/kvm_amd/parameters/sev*); run `cvm host check`"},
	{ANY_CODE, "ret=-95", -CVM_E_HOST,
	 "KVM refused the SEV launch (EOPNOTSUPP): this level is not "
	 "enabled in kvm_amd, or no ASIDs are left; run `cvm host check`"},
	{ANY_CODE, "does not accept value 'sev-snp-guest'", -CVM_E_UNSUPPORTED,
	 "this QEMU is older than 9.1 and cannot run SEV-SNP guests"},
	{ANY_CODE, "pflash with kvm requires KVM readonly memory", -EINVAL,
	 "SEV-SNP guests must load the firmware as a ROM (<loader "
	 "type='rom'>, -bios), not as pflash with NVRAM"},
	{ANY_CODE, "KVM_SET_USER_MEMORY_REGION2 failed", -EINVAL,
	 "SEV-SNP guests must load the firmware as a ROM (<loader "
	 "type='rom'>, -bios), not as pflash with NVRAM"},
	{ANY_CODE, "hashes table area is invalid", -CVM_E_UNSUPPORTED,
	 "measured direct kernel boot needs the AmdSev OVMF build "
	 "(OVMF.amdsev.fd), which has the kernel hashes table"},
	{ANY_CODE, "SNP_LAUNCH_START ret=-22", -EINVAL,
	 "the kernel rejected the SNP policy; use 0x30000 (bit 16 SMT and "
	 "bit 17 set)"},
	{ANY_CODE, "locked pages exceed the lock limit", -CVM_E_HOST,
	 "SEV guest RAM must be pinnable: raise the memlock limit (cvm "
	 "writes <memtune><hard_limit> or <memoryBacking><locked/>)"},
	{ANY_CODE, "failed to register region", -CVM_E_HOST,
	 "SEV guest RAM must be pinnable: raise the memlock limit (cvm "
	 "writes <memtune><hard_limit> or <memoryBacking><locked/>)"},
	{ANY_CODE, "already exists with uuid", -EEXIST,
	 "a domain of that name is already defined; delete it first or "
	 "choose another name"},
	{VIR_ERR_OPERATION_UNSUPPORTED, "SEV", -CVM_E_HOST,
	 "libvirt finds no SEV on this host; run `cvm host check` for the "
	 "reason"},
	{ANY_CODE, "Failed to connect socket", -ECONNREFUSED,
	 "is the libvirt daemon (libvirtd or virtqemud) running there?"},
	{ANY_CODE, "unable to connect to server", -ECONNREFUSED,
	 "is the libvirt daemon listening there (libvirtd --listen, "
	 "listen_tcp/listen_tls in libvirtd.conf)?"},
	{ANY_CODE, "Host key verification failed", -ECONNREFUSED,
	 "ssh could not verify the host: run `ssh HOST` once by hand"},
	{ANY_CODE, "is already running", -CVM_E_STATE, NULL},
	{VIR_ERR_AUTH_FAILED, NULL, -EACCES,
	 "libvirt refused the credentials: run as root or as a member of "
	 "the libvirt group"},
	{VIR_ERR_NO_DOMAIN, NULL, -ENOENT, NULL},
	{VIR_ERR_OPERATION_INVALID, NULL, -CVM_E_STATE, NULL},
	{VIR_ERR_NO_SUPPORT, NULL, -ENOTSUP, NULL},
	{VIR_ERR_INVALID_ARG, "unsupported flags", -ENOTSUP, NULL},
	{VIR_ERR_XML_ERROR, NULL, -EINVAL, NULL},
	{VIR_ERR_XML_INVALID_SCHEMA, NULL, -EINVAL, NULL},
	{VIR_ERR_XML_DETAIL, NULL, -EINVAL, NULL},
	{VIR_ERR_CONFIG_UNSUPPORTED, NULL, -CVM_E_UNSUPPORTED, NULL},
	{VIR_ERR_SYSTEM_ERROR, NULL, -EIO, NULL},
};

const char *
cvm_virt_explain(int vir_code, const char *vir_msg, int *cvm_code)
{
	for (size_t i = 0; i < CVM_ARRAY_SIZE(explanations); i++) {
		const struct explanation *e = &explanations[i];

		if (e->vir_code != ANY_CODE && e->vir_code != vir_code)
			continue;
		if (e->match && (!vir_msg || !strstr(vir_msg, e->match)))
			continue;
		if (cvm_code)
			*cvm_code = e->cvm_code;
		return e->text;
	}
	if (cvm_code)
		*cvm_code = -EIO;
	return NULL;
}

/* libvirt passes QEMU's stderr through, several lines with time stamps:
 * make one line of at most `max` bytes. */
static void
one_line(const char *in, char *out, size_t max)
{
	size_t n = 0;
	bool space = false;

	/* an iteration writes at most 2 bytes; keep 4 for "...\0" */
	for (; *in && n + 6 <= max; in++) {
		unsigned char c = (unsigned char)*in;

		if (isspace(c) || c < 0x20) {
			space = n > 0;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = false;
		out[n++] = (char)c;
	}
	if (*in) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

int
virt_fail_with(struct cvm_err *err, int vir_code, const char *vir_msg,
	       const char *what)
{
	char msg[256];
	const char *why;
	int code;

	one_line(vir_msg ? vir_msg : "unknown libvirt error", msg, sizeof(msg));
	why = cvm_virt_explain(vir_code, vir_msg, &code);
	if (why)
		return cvm_err_set(err, code, "%s: %s (libvirt error %d): %s",
				   what, msg, vir_code, why);
	return cvm_err_set(err, code, "%s: %s (libvirt error %d)", what, msg,
			   vir_code);
}

int
virt_fail(struct cvm_err *err, const char *fmt, ...)
{
	char what[256];
	virErrorPtr e;
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	e = virGetLastError();
	r = virt_fail_with(err, e ? e->code : VIR_ERR_INTERNAL_ERROR,
			   e ? e->message : NULL, what);
	virResetLastError();
	return r;
}

int
cvm_virt_version_parse(const char *text, unsigned long *out)
{
	unsigned long part[3] = {0, 0, 0};
	const char *p = text;
	int n = 0;

	while (n < 3) {
		char *end;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		part[n++] = strtoul(p, &end, 10);
		p = end;
		if (*p != '.')
			break;
		p++;
	}
	if (*p || n < 2 || part[0] > 999 || part[1] > 999 || part[2] > 999)
		return -EINVAL;
	*out = CVM_VIRT_VERSION(part[0], part[1], part[2]);
	return 0;
}

void
cvm_virt_version_format(unsigned long v, char *buf, size_t size)
{
	snprintf(buf, size, "%lu.%lu.%lu", v / 1000000, v / 1000 % 1000,
		 v % 1000);
}
