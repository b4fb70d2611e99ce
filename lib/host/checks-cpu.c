/* SPDX-License-Identifier: MIT */
/*
 * CPU capability (CPUID) and BIOS enablement (SYSCFG and RMP MSRs): the
 * first two of the three readiness layers (launch-and-host.md §0, §1.1,
 * §1.2, §1.6).  CPUID bits say what the part can do; SYSCFG says what
 * the BIOS turned on.  When the msr module is missing, the kernel's
 * /proc/cpuinfo flags (cleared when BIOS did not enable memory
 * encryption) stand in, and the check says how to read the MSRs.
 */
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "host-priv.h"

/* AMD64 APM vol. 2, "Secure Encrypted Virtualization"; PPR MSRC001_0010 */
#define LEAF_SEV      0x8000001Fu
#define MSR_SYSCFG    0xC0010010u
#define MSR_RMP_BASE  0xC0010132u
#define MSR_RMP_END   0xC0010133u
#define SYSCFG_SMEE   (1ull << 23) /* MemEncryptionModEn */
#define SYSCFG_SNPEN  (1ull << 24)
#define SYSCFG_VMPLEN (1ull << 25)

#define FIX_BARE_METAL "run cvm on a bare-metal AMD EPYC host"
#define FIX_MSR	       "load the msr module: modprobe msr (as root)"

static int
cpuid(struct hc *h, uint32_t leaf, uint32_t regs[4])
{
	memset(regs, 0, 4 * sizeof(uint32_t));
	return h->src->ops->cpuid(h->src->ctx, leaf, 0, regs);
}

/* Family and model: CPUID 1 EAX (AMD64 APM vol. 3, CPUID Fn0000_0001) */
static void
family_model(uint32_t eax, unsigned *family, unsigned *model)
{
	*family = ((eax >> 8) & 0xf) + ((eax >> 20) & 0xff);
	*model = ((eax >> 4) & 0xf) | (((eax >> 16) & 0xf) << 4);
}

static const char *
generation(unsigned family, unsigned model)
{
	if (family == 0x17)
		return model < 0x30 ? "Zen: Naples" : "Zen 2: Rome";
	if (family == 0x19)
		return model < 0x10 ? "Zen 3: Milan" : "Zen 4: Genoa";
	if (family == 0x1A)
		return "Zen 5: Turin";
	return "not an EPYC generation with SEV";
}

static void
brand(struct hc *h, char out[49])
{
	uint32_t regs[4];

	memset(out, 0, 49);
	if (h->ext0[0] < 0x80000004u)
		return;
	for (uint32_t i = 0; i < 3; i++) {
		if (cpuid(h, 0x80000002u + i, regs) < 0)
			return;
		memcpy(out + 16 * i, regs, 16);
	}
	out[48] = '\0';
}

/* DMI names of virtual platforms (systemd-detect-virt's list, short). */
static bool
dmi_virtual(const char *vendor, const char *product)
{
	static const char *const names[] = {
		"QEMU",
		"KVM",
		"VMware",
		"VirtualBox",
		"innotek",
		"Xen",
		"Virtual Machine",
		"Bochs",
		"Google Compute Engine",
		"OpenStack",
		"Parallels",
	};

	if (strstr(product, ".metal")) /* e.g. Amazon EC2 m6a.metal */
		return false;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(names); i++)
		if (strstr(vendor, names[i]) || strstr(product, names[i]))
			return true;
	return false;
}

static void
check_vm(struct hc *h, int parent)
{
	cleanup_buf struct cvm_buf vendor = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf product = CVM_BUF_INIT;
	uint32_t regs[4];
	char hv[13] = "", how[160];
	int c;

	h->in_vm = (h->leaf1[2] >> 31) & 1; /* CPUID 1 ECX bit 31 */
	if (!check_open(h, &c, parent, parent, "cpu.vm",
			"Bare metal (not a VM)", G_NONE))
		return;
	check_evidence(h, c, "CPUID 1 ECX bit 31 (hypervisor) = %d", h->in_vm);
	if (h->in_vm && cpuid(h, 0x40000000u, regs) == 0) {
		memcpy(hv, &regs[1], 4);
		memcpy(hv + 4, &regs[2], 4);
		memcpy(hv + 8, &regs[3], 4);
		check_evidence(h, c, "CPUID 0x40000000 vendor '%s'", hv);
	}
	snprintf(how, sizeof(how), "hypervisor '%s'", hv[0] ? hv : "unknown");
	if (h->src->ops->read_file(h->src->ctx, "/sys/class/dmi/id/sys_vendor",
				   &vendor) == 0 &&
	    h->src->ops->read_file(h->src->ctx,
				   "/sys/class/dmi/id/product_name",
				   &product) == 0) {
		cvm_buf_truncate(&vendor, strcspn(cvm_buf_str(&vendor), "\n"));
		cvm_buf_truncate(&product,
				 strcspn(cvm_buf_str(&product), "\n"));
		check_evidence(h, c, "DMI '%s' '%s'", cvm_buf_str(&vendor),
			       cvm_buf_str(&product));
		/* some hypervisors hide the CPUID bit; DMI still tells */
		if (!h->in_vm &&
		    dmi_virtual(cvm_buf_str(&vendor), cvm_buf_str(&product))) {
			h->in_vm = true;
			snprintf(how, sizeof(how), "DMI '%s'",
				 cvm_buf_str(&product));
		}
	}
	if (h->in_vm)
		check_set(h, c, CVM_CHECK_WARN, FIX_BARE_METAL,
			  "running inside a virtual machine (%s): SEV guests "
			  "need a bare-metal host",
			  how);
	else
		check_set(h, c, CVM_CHECK_OK, NULL, "no hypervisor detected");
}

/* ASIDs 1..EDX-1 are for SEV-ES/SNP, EDX..ECX for SEV (§1.6). */
static void
check_asids(struct hc *h, int parent)
{
	cleanup_buf struct cvm_buf misc = CVM_BUF_INIT;
	uint32_t total = h->sev_leaf[2], min_sev = h->sev_leaf[3];
	uint32_t es = min_sev ? min_sev - 1 : 0;
	uint32_t sev = total >= min_sev && min_sev ? total - min_sev + 1 : 0;
	int c;

	if (!check_open(
		    h, &c, parent, parent, "cpu.asids", "Encrypted-guest ASIDs",
		    es == 0 ? G_ES | G_SNP : (sev == 0 ? G_SEV : G_ES | G_SNP)))
		return;
	check_evidence(h, c,
		       "CPUID 0x8000001F ECX=0x%08x (%u guests), EDX=0x%08x "
		       "(minimum SEV-only ASID %u)",
		       total, total, min_sev, min_sev);
	if (h->src->ops->read_file(h->src->ctx, "/sys/fs/cgroup/misc.capacity",
				   &misc) == 0) {
		while (misc.len && misc.data[misc.len - 1] == '\n')
			cvm_buf_truncate(&misc, misc.len - 1);
		for (char *p = misc.data; p && (p = strchr(p, '\n')); p++)
			*p = ',';
		check_evidence(h, c, "misc.capacity '%s'", cvm_buf_str(&misc));
	}
	if (es == 0)
		check_set(
			h, c, CVM_CHECK_FAIL,
			"BIOS: CBS > CPU Common > SEV-ES ASID Space Limit "
			"Control = Manual, SEV-ES ASID Space Limit = 100",
			"0 ASIDs for SEV-ES/SNP guests (minimum SEV-only ASID "
			"is %u): the BIOS ASID split leaves none",
			min_sev);
	else if (sev == 0)
		check_set(h, c, CVM_CHECK_FAIL,
			  "BIOS: lower the SEV-ES ASID Space Limit",
			  "0 ASIDs for SEV-only guests (%u ASIDs, minimum "
			  "SEV-only ASID %u)",
			  total, min_sev);
	else
		check_set(h, c, CVM_CHECK_OK, NULL,
			  "%u for SEV-ES/SNP, %u for SEV-only guests", es, sev);
}

/* C-bit position (EBX[5:0]) and physical address reduction (EBX[11:6]). */
static void
check_cbit(struct hc *h, int parent)
{
	uint32_t ebx = h->sev_leaf[1];
	unsigned cbit = ebx & 0x3f, red = (ebx >> 6) & 0x3f;
	int c;

	if (!check_open(h, &c, parent, parent, "cpu.cbit", "C-bit position",
			G_ALL))
		return;
	check_evidence(h, c,
		       "CPUID 0x8000001F EBX=0x%08x (bits 5:0 = %u, bits 11:6 "
		       "= %u)",
		       ebx, cbit, red);
	h->r->have_cbit = cbit != 0;
	h->r->cbitpos = cbit;
	h->r->phys_addr_reduction = red;
	if (cbit)
		check_set(h, c, CVM_CHECK_OK, NULL,
			  "bit %u, physical address reduction %u (QEMU: "
			  "cbitpos=%u,reduced-phys-bits=1)",
			  cbit, red, cbit);
	else
		check_set(h, c, CVM_CHECK_FAIL, FIX_BARE_METAL,
			  "C-bit position 0: QEMU would refuse (cbitpos check "
			  "failed)");
}

/* The CPUID 0x8000001F bits (APM vol. 3, CPUID Fn8000_001F). */
static void
check_sev_leaf(struct hc *h, int parent)
{
	uint32_t eax = h->sev_leaf[0], ebx = h->sev_leaf[1];
	int c;

	if (check_open(h, &c, parent, parent, "cpu.sme", "SME", G_NONE)) {
		check_evidence(h, c, "CPUID 0x8000001F EAX bit 0 = %u",
			       eax & 1);
		check_set(h, c, eax & 1 ? CVM_CHECK_OK : CVM_CHECK_WARN, NULL,
			  eax & 1 ? "offered by the CPU" : "not offered");
	}
	if (check_open(h, &h->cpu_sev, parent, parent, "cpu.sev", "SEV",
		       G_ALL)) {
		check_evidence(h, h->cpu_sev,
			       "CPUID 0x8000001F EAX=0x%08x: bit 1 (SEV) = %u",
			       eax, (eax >> 1) & 1);
		if (eax & 2)
			check_set(h, h->cpu_sev, CVM_CHECK_OK, NULL,
				  "offered by the CPU");
		else
			check_set(h, h->cpu_sev, CVM_CHECK_FAIL, FIX_BARE_METAL,
				  "%s",
				  h->in_vm ? "this VM's CPU does not offer SEV"
					   : "this CPU does not offer SEV");
	}
	if (check_open(h, &h->cpu_sev_es, h->cpu_sev, h->cpu_sev, "cpu.sev-es",
		       "SEV-ES", G_ES | G_SNP)) {
		check_evidence(h, h->cpu_sev_es,
			       "CPUID 0x8000001F EAX bit 3 = %u",
			       (eax >> 3) & 1);
		check_set(h, h->cpu_sev_es,
			  eax & 8 ? CVM_CHECK_OK : CVM_CHECK_FAIL,
			  eax & 8 ? NULL
				  : "SEV-ES needs EPYC 7002 (Rome) or later",
			  eax & 8 ? "offered by the CPU"
				  : "CPUID 0x8000001F EAX bit 3 (SEV-ES) is 0");
	}
	if (check_open(h, &h->cpu_snp, h->cpu_sev, h->cpu_sev, "cpu.snp",
		       "SEV-SNP", G_SNP)) {
		check_evidence(h, h->cpu_snp, "CPUID 0x8000001F EAX bit 4 = %u",
			       (eax >> 4) & 1);
		check_set(
			h, h->cpu_snp, eax & 16 ? CVM_CHECK_OK : CVM_CHECK_FAIL,
			eax & 16 ? NULL
				 : "SEV-SNP needs EPYC 7003 (Milan) or later",
			eax & 16 ? "offered by the CPU"
				 : "CPUID 0x8000001F EAX bit 4 (SEV-SNP) is 0");
	}
	if (check_open(h, &h->cpu_vmpl, h->cpu_snp, h->cpu_snp, "cpu.vmpl",
		       "VM Permission Levels", G_NONE)) {
		check_evidence(
			h, h->cpu_vmpl,
			"CPUID 0x8000001F EAX bit 5 = %u, EBX[15:12] = %u",
			(eax >> 5) & 1, (ebx >> 12) & 0xf);
		check_set(h, h->cpu_vmpl,
			  eax & 32 ? CVM_CHECK_OK : CVM_CHECK_WARN, NULL,
			  eax & 32 ? "%u VMPLs" : "not offered (%u VMPLs)",
			  (ebx >> 12) & 0xf);
	}
	check_cbit(h, h->cpu_sev);
	check_asids(h, h->cpu_sev);
}

void
checks_cpu(struct hc *h)
{
	char vendor[13], name[49];
	int cpu, leaf, r;

	r = cpuid(h, 0, h->leaf0);
	check_open(h, &cpu, -1, -1, "cpu", "AMD CPU", G_ALL);
	if (r < 0) {
		check_op_failed(h, cpu, r, CVM_CHECK_FAIL, NULL, "CPUID 0");
		h->cpu_sev = h->cpu_sev_es = h->cpu_snp = h->cpu_vmpl = cpu;
		return;
	}
	memcpy(vendor, &h->leaf0[1], 4);
	memcpy(vendor + 4, &h->leaf0[3], 4);
	memcpy(vendor + 8, &h->leaf0[2], 4);
	vendor[12] = '\0';
	cpuid(h, 1, h->leaf1);
	cpuid(h, 0x80000000u, h->ext0);
	family_model(h->leaf1[0], &h->r->cpu_family, &h->r->cpu_model);
	brand(h, name);
	check_evidence(h, cpu,
		       "CPUID 0 vendor '%s'; CPUID 1 EAX=0x%08x; brand '%s'",
		       vendor, h->leaf1[0], name);
	if (strcmp(vendor, "AuthenticAMD") != 0)
		check_set(h, cpu, CVM_CHECK_FAIL, NULL,
			  "'%s' is not an AMD CPU: SEV is an AMD EPYC feature",
			  vendor);
	else
		check_set(h, cpu, CVM_CHECK_OK, NULL,
			  "AuthenticAMD family 0x%x model 0x%02x (%s)",
			  h->r->cpu_family, h->r->cpu_model,
			  generation(h->r->cpu_family, h->r->cpu_model));
	if (check_open(h, &r, cpu, cpu, "cpu.epyc", "EPYC server CPU",
		       G_NONE)) {
		check_evidence(h, r, "brand '%s'", name);
		if (strstr(name, "EPYC"))
			check_set(h, r, CVM_CHECK_OK, NULL, "'%s'", name);
		else
			check_set(h, r, CVM_CHECK_WARN, NULL,
				  "'%s' is not an EPYC: SEV needs an EPYC part",
				  name);
	}
	check_vm(h, cpu);
	if (check_open(h, &leaf, cpu, cpu, "cpu.leaf",
		       "Memory-encryption CPUID leaf", G_ALL)) {
		check_evidence(h, leaf, "CPUID 0x80000000 EAX=0x%08x",
			       h->ext0[0]);
		if (h->ext0[0] >= LEAF_SEV &&
		    cpuid(h, LEAF_SEV, h->sev_leaf) == 0) {
			h->have_sev_leaf = true;
			check_evidence(h, leaf,
				       "CPUID 0x8000001F EAX=0x%08x EBX=0x%08x "
				       "ECX=0x%08x EDX=0x%08x",
				       h->sev_leaf[0], h->sev_leaf[1],
				       h->sev_leaf[2], h->sev_leaf[3]);
			check_set(h, leaf, CVM_CHECK_OK, NULL,
				  "CPUID 0x8000001F present");
		} else {
			check_set(h, leaf, CVM_CHECK_FAIL, FIX_BARE_METAL,
				  "no CPUID 0x8000001F (highest extended leaf "
				  "0x%08x)",
				  h->ext0[0]);
		}
	}
	check_sev_leaf(h, leaf);
}

/* ---- BIOS --------------------------------------------------------------- */

/* Why the MSRs could not be read, in words, and what to do about it. */
struct msr_read {
	int r;
	uint64_t syscfg;
	const char *why, *fix;
};

static void
msr_reason(struct msr_read *m)
{
	if (m->r == -ENOENT) {
		m->why = "cannot read MSRs: load the msr module";
		m->fix = FIX_MSR;
	} else if (m->r == -EACCES || m->r == -EPERM) {
		m->why = "cannot read MSRs: permission denied (root only)";
		m->fix = "run as root";
	} else {
		m->why = "cannot read MSRs";
		m->fix = NULL;
	}
}

static bool
kernel_before_6_11(const struct hc *h)
{
	return h->have_kernel &&
	       (h->kernel_major < 6 ||
		(h->kernel_major == 6 && h->kernel_minor < 11));
}

/* One SYSCFG bit, or the kernel's cpuinfo flag when MSRs are unreadable. */
static void
syscfg_bit(struct hc *h, int c, const struct msr_read *m, uint64_t bit,
	   const char *what, const char *flag, const char *fix)
{
	unsigned n = (unsigned)__builtin_ctzll(bit);
	bool listed;

	if (m->r == 0) {
		check_evidence(h, c, "SYSCFG bit %u = %d", n,
			       !!(m->syscfg & bit));
		if (m->syscfg & bit)
			check_set(h, c, CVM_CHECK_OK, NULL, "enabled");
		else
			check_set(h, c, CVM_CHECK_FAIL, fix,
				  "%s is off in BIOS", what);
		return;
	}
	if (!h->have_cpuinfo) {
		check_set(h, c, CVM_CHECK_SKIP, m->fix, "%s", m->why);
		return;
	}
	listed = host_has_word(cvm_buf_str(&h->cpuinfo), flag);
	check_evidence(h, c, "/proc/cpuinfo flag '%s' %s", flag,
		       listed ? "present" : "absent");
	/* before 6.11 the kernel did not clear sev_snp when the BIOS left
	 * SNP off, so there the flag says nothing about SNPEn */
	if (!strcmp(flag, "sev_snp") && kernel_before_6_11(h))
		check_set(h, c, CVM_CHECK_WARN, m->fix,
			  "%s, and kernel %u.%u's /proc/cpuinfo does not show "
			  "the BIOS setting",
			  m->why, h->kernel_major, h->kernel_minor);
	else if (listed)
		check_set(h, c, CVM_CHECK_WARN, m->fix,
			  "%s; the kernel lists '%s', so the BIOS enabled it",
			  m->why, flag);
	else
		check_set(h, c, CVM_CHECK_FAIL, fix,
			  "the kernel does not list '%s' in /proc/cpuinfo: %s "
			  "is not enabled (%s)",
			  flag, what, m->why);
}

static void
check_rmp(struct hc *h, int parent, const struct msr_read *m)
{
	uint64_t base = 0, end = 0;
	int c, r1, r2;

	if (!check_open(h, &c, parent, parent, "bios.rmp", "RMP table reserved",
			G_SNP))
		return;
	if (m->r < 0) {
		check_set(h, c, CVM_CHECK_WARN, m->fix,
			  "%s (the SNP platform status shows whether the RMP "
			  "is initialised)",
			  m->why);
		return;
	}
	r1 = h->src->ops->rdmsr(h->src->ctx, 0, MSR_RMP_BASE, &base);
	r2 = h->src->ops->rdmsr(h->src->ctx, 0, MSR_RMP_END, &end);
	if (r1 < 0 || r2 < 0) {
		check_op_failed(h, c, r1 < 0 ? r1 : r2, CVM_CHECK_WARN, NULL,
				"read RMP_BASE/RMP_END");
		return;
	}
	check_evidence(h, c,
		       "MSR 0xC0010132 RMP_BASE=0x%llx, 0xC0010133 "
		       "RMP_END=0x%llx",
		       (unsigned long long)base, (unsigned long long)end);
	if (base && end)
		check_set(h, c, CVM_CHECK_OK, NULL, "RMP table 0x%llx - 0x%llx",
			  (unsigned long long)base, (unsigned long long)end);
	else
		check_set(h, c, CVM_CHECK_FAIL,
			  "BIOS: CBS > CPU Common > SNP Memory Coverage = "
			  "Enabled",
			  "the BIOS reserved no RMP table (RMP_BASE/RMP_END "
			  "are 0)");
}

/* SYSCFG itself (MSR 0xC0010010 through /dev/cpu/0/msr). */
static int
read_syscfg(struct hc *h, struct msr_read *m)
{
	int bios;

	m->r = -EINVAL;
	m->why = "SYSCFG not read";
	m->fix = NULL;
	if (!check_open(h, &bios, -1, h->cpu_sev, "bios",
			"BIOS settings (SYSCFG MSR 0xC0010010)", G_NONE))
		return bios;
	m->r = h->src->ops->rdmsr(h->src->ctx, 0, MSR_SYSCFG, &m->syscfg);
	if (m->r == 0) {
		check_evidence(h, bios, "MSR 0xC0010010 = 0x%016llx",
			       (unsigned long long)m->syscfg);
		check_set(h, bios, CVM_CHECK_OK, NULL, "SYSCFG read");
		return bios;
	}
	msr_reason(m);
	if (m->r == CVM_HOST_NOFACT) {
		check_op_failed(h, bios, m->r, CVM_CHECK_WARN, NULL,
				"MSR 0xC0010010");
		return bios;
	}
	check_op_failed(h, bios, m->r, CVM_CHECK_WARN, m->fix,
			"/dev/cpu/0/msr (MSR 0xC0010010)");
	check_set(h, bios, CVM_CHECK_WARN, m->fix, "%s", m->why);
	return bios;
}

void
checks_bios(struct hc *h)
{
	struct msr_read m;
	int bios, c;

	h->have_cpuinfo =
		h->src->ops->cpuinfo_flags(h->src->ctx, &h->cpuinfo) == 0;
	bios = read_syscfg(h, &m);
	if (check_open(h, &c, bios, h->cpu_sev, "bios.smee",
		       "Memory encryption enabled (SMEE)", G_ALL))
		syscfg_bit(h, c, &m, SYSCFG_SMEE, "memory encryption (SMEE)",
			   "sev", "BIOS: CBS > CPU Common > SMEE = Enabled");
	if (check_open(h, &c, bios, h->cpu_snp, "bios.snp",
		       "SEV-SNP enabled (SNPEn)", G_SNP))
		syscfg_bit(h, c, &m, SYSCFG_SNPEN, "SEV-SNP (SNPEn)", "sev_snp",
			   "BIOS: NBIO Common > SEV-SNP Support = Enabled");
	check_rmp(h, c, &m);
	if (!check_open(h, &c, bios, h->cpu_vmpl, "bios.vmpl",
			"VMPLs enabled (VMPLEn)", G_NONE))
		return;
	if (m.r < 0) {
		check_set(h, c, CVM_CHECK_SKIP, m.fix, "%s", m.why);
		return;
	}
	check_evidence(h, c, "SYSCFG bit 25 = %d",
		       !!(m.syscfg & SYSCFG_VMPLEN));
	check_set(h, c,
		  m.syscfg & SYSCFG_VMPLEN ? CVM_CHECK_OK : CVM_CHECK_WARN,
		  NULL, m.syscfg & SYSCFG_VMPLEN ? "enabled" : "off in BIOS");
}
