/* SPDX-License-Identifier: MIT */
/*
 * OS enablement, the third readiness layer (launch-and-host.md §1.3,
 * §1.5): the kernel version and command line, the IOMMU trap for SNP,
 * KVM and the kvm_amd parameters, /dev/sev and the PSP's platform
 * status, and the memlock limit that SEV's pinned guest memory needs.
 */
#include <fcntl.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "host-priv.h"

#define MIB (1ull << 20)

static int
read_file(struct hc *h, const char *path, struct cvm_buf *b)
{
	int r = h->src->ops->read_file(h->src->ctx, path, b);

	/* sysfs values end in a newline */
	while (r == 0 && b->len && (b->data[b->len - 1] == '\n'))
		cvm_buf_truncate(b, b->len - 1);
	return r;
}

/* The kernel command line options that matter here (§1.5). */
static void
cmdline_options(const char *cmdline, struct cvm_buf *out)
{
	static const char *const prefixes[] = {
		"mem_encrypt=", "kvm_amd.",	      "iommu=",
		"amd_iommu=",	"iommu.passthrough=",
	};
	cleanup_free char *copy = cvm_xstrdup(cmdline);
	char *save = NULL;

	for (char *w = strtok_r(copy, " \t\n", &save); w;
	     w = strtok_r(NULL, " \t\n", &save))
		for (size_t i = 0; i < CVM_ARRAY_SIZE(prefixes); i++)
			if (strncmp(w, prefixes[i], strlen(prefixes[i])) == 0)
				cvm_buf_addf(out, "%s%s", out->len ? " " : "",
					     w);
}

static bool
param_off(const char *cmdline, const char *name)
{
	static const char *const off[] = {"0", "N", "n", "off"};
	char word[64];

	for (size_t i = 0; i < CVM_ARRAY_SIZE(off); i++) {
		snprintf(word, sizeof(word), "%s=%s", name, off[i]);
		if (host_has_word(cmdline, word))
			return true;
	}
	return false;
}

/* SNP needs an IOMMU that is on and not in passthrough (§0.2, §1.5). */
static void
check_iommu(struct hc *h, int parent, const char *cmdline)
{
	static const char *const bad[] = {
		"iommu=pt",
		"iommu.passthrough=1",
		"iommu.passthrough=on",
		"iommu.passthrough=y",
		"amd_iommu=off",
		"amd_iommu=pgtbl_v2",
	};
	cleanup_buf struct cvm_buf units = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf type = CVM_BUF_INIT;
	int c, r;

	if (!check_open(h, &c, parent, parent, "kernel.iommu",
			"IOMMU usable for SNP", G_SNP))
		return;
	for (size_t i = 0; i < CVM_ARRAY_SIZE(bad); i++) {
		if (!host_has_word(cmdline, bad[i]))
			continue;
		check_evidence(h, c, "/proc/cmdline has '%s'", bad[i]);
		check_set(
			h, c, CVM_CHECK_FAIL,
			"remove it from the kernel command line "
			"(GRUB_CMDLINE_LINUX in /etc/default/grub), "
			"update-grub, reboot",
			"'%s' on the kernel command line disables SNP (AMD-Vi: "
			"SNP: IOMMU disabled or configured in passthrough "
			"mode)",
			bad[i]);
		return;
	}
	r = h->src->ops->list_dir(h->src->ctx, "/sys/class/iommu", &units);
	if (r < 0 && r != -ENOENT) {
		check_op_failed(h, c, r, CVM_CHECK_FAIL, NULL,
				"/sys/class/iommu");
		return;
	}
	check_evidence(h, c, "/sys/class/iommu: %s",
		       units.len ? cvm_buf_str(&units) : "no IOMMU");
	if (r < 0 || units.len == 0) {
		check_set(h, c, CVM_CHECK_FAIL,
			  "enable the IOMMU in BIOS (NBIO Common > IOMMU)",
			  "no IOMMU is active: SNP needs the AMD IOMMU");
		return;
	}
	if (read_file(h, "/sys/kernel/iommu_groups/0/type", &type) == 0) {
		check_evidence(h, c, "iommu_groups/0/type '%s'",
			       cvm_buf_str(&type));
		if (strcmp(cvm_buf_str(&type), "identity") == 0) {
			check_set(h, c, CVM_CHECK_FAIL,
				  "add iommu.passthrough=0 to the kernel "
				  "command line",
				  "the IOMMU's default domain is passthrough "
				  "(identity): SNP cannot be enabled");
			return;
		}
	}
	check_set(h, c, CVM_CHECK_OK, NULL, "IOMMU active, not passthrough");
}

void
checks_kernel(struct hc *h)
{
	cleanup_buf struct cvm_buf cmd = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf opts = CVM_BUF_INIT;
	int k, c, r;

	check_open(h, &k, -1, -1, "kernel", "Linux kernel", G_NONE);
	if (h->uname_r < 0) {
		check_op_failed(h, k, h->uname_r, CVM_CHECK_FAIL, NULL,
				"uname");
	} else {
		check_evidence(h, k, "uname release '%s'",
			       h->r->kernel_release);
		check_set(h, k, CVM_CHECK_OK, NULL, "Linux %s",
			  h->r->kernel_release);
	}
	if (check_open(h, &c, k, k, "kernel.snp",
		       "Kernel >= 6.11 (SNP host support)", G_SNP)) {
		if (!h->have_kernel)
			check_set(h, c, CVM_CHECK_FAIL, NULL,
				  "cannot parse the kernel release");
		else if (h->kernel_major > 6 ||
			 (h->kernel_major == 6 && h->kernel_minor >= 11))
			check_set(h, c, CVM_CHECK_OK, NULL, "%u.%u",
				  h->kernel_major, h->kernel_minor);
		else
			check_set(h, c, CVM_CHECK_FAIL,
				  "install Linux 6.11 or later (Debian 12: "
				  "bookworm-backports)",
				  "%u.%u < 6.11: no SEV-SNP host support",
				  h->kernel_major, h->kernel_minor);
		check_evidence(h, c, "uname release '%s'",
			       h->r->kernel_release ? h->r->kernel_release
						    : "?");
	}
	check_open(h, &c, k, -1, "kernel.cmdline", "Kernel command line",
		   G_NONE);
	r = h->src->ops->read_file(h->src->ctx, "/proc/cmdline", &cmd);
	if (r < 0) {
		check_op_failed(h, c, r, CVM_CHECK_WARN, NULL, "/proc/cmdline");
		return;
	}
	cmdline_options(cvm_buf_str(&cmd), &opts);
	check_evidence(h, c, "/proc/cmdline SEV-related: '%s'",
		       cvm_buf_str(&opts));
	if (param_off(cvm_buf_str(&cmd), "kvm_amd.sev") ||
	    param_off(cvm_buf_str(&cmd), "kvm_amd.sev_es") ||
	    param_off(cvm_buf_str(&cmd), "kvm_amd.sev_snp"))
		check_set(h, c, CVM_CHECK_WARN,
			  "remove the kvm_amd.sev*=0 options (they are on by "
			  "default)",
			  "the command line turns SEV features off: '%s'",
			  cvm_buf_str(&opts));
	else
		check_set(h, c, CVM_CHECK_OK, NULL, "%s",
			  opts.len ? cvm_buf_str(&opts)
				   : "no SEV-related options (defaults)");
	check_iommu(h, k, cvm_buf_str(&cmd));
}

/* ---- KVM ---------------------------------------------------------------- */

static void
kvm_param(struct hc *h, int parent, const char *id, const char *name,
	  const char *param, unsigned gates, const char *missing)
{
	cleanup_buf struct cvm_buf v = CVM_BUF_INIT;
	char path[96], fix[160];
	int c, r;

	if (!check_open(h, &c, parent, parent, id, name, gates))
		return;
	snprintf(path, sizeof(path), "/sys/module/kvm_amd/parameters/%s",
		 param);
	snprintf(fix, sizeof(fix),
		 "modprobe -r kvm_amd && modprobe kvm_amd %s=1 (or "
		 "kvm_amd.%s=1 on the kernel command line)",
		 param, param);
	r = read_file(h, path, &v);
	if (r == -ENOENT) {
		check_evidence(h, c, "%s: ENOENT", path);
		check_set(h, c, CVM_CHECK_FAIL, NULL,
			  "kvm_amd has no '%s' "
			  "parameter: %s",
			  param, missing);
		return;
	}
	if (r < 0) {
		check_op_failed(h, c, r, CVM_CHECK_FAIL, NULL, path);
		return;
	}
	check_evidence(h, c, "%s = '%s'", path, cvm_buf_str(&v));
	if (!strcmp(v.data, "Y") || !strcmp(v.data, "1") ||
	    !strcmp(v.data, "y"))
		check_set(h, c, CVM_CHECK_OK, NULL, "enabled");
	else
		check_set(h, c, CVM_CHECK_FAIL, fix,
			  "kvm_amd parameter %s is '%s' (off)", param,
			  cvm_buf_str(&v));
}

void
checks_kvm(struct hc *h)
{
	cleanup_buf struct cvm_buf params = CVM_BUF_INIT;
	cleanup_buf struct cvm_buf other = CVM_BUF_INIT;
	int k, a, r, v = -1;

	check_open(h, &k, -1, -1, "kvm", "KVM (/dev/kvm)", G_ALL);
	r = h->src->ops->kvm_api_version(h->src->ctx, &v);
	if (r == 0) {
		h->r->kvm_api_version = v;
		check_evidence(h, k, "KVM_GET_API_VERSION = %d", v);
		check_set(h, k, v == 12 ? CVM_CHECK_OK : CVM_CHECK_FAIL, NULL,
			  "API version %d%s", v,
			  v == 12 ? "" : " (expected 12)");
	} else {
		check_op_failed(h, k, r, CVM_CHECK_FAIL,
				r == -EACCES
					? "add the user to group 'kvm'"
					: "enable SVM in BIOS and modprobe "
					  "kvm_amd",
				"/dev/kvm");
	}
	if (!check_open(h, &a, k, k, "kvm.amd", "kvm_amd module", G_ALL))
		return;
	r = h->src->ops->list_dir(h->src->ctx, "/sys/module/kvm_amd/parameters",
				  &params);
	if (r == -ENOENT) {
		static const char *const others[] = {"kvm_intel", "kvm_pvm"};

		check_evidence(h, a, "/sys/module/kvm_amd: ENOENT");
		for (size_t i = 0; i < CVM_ARRAY_SIZE(others); i++) {
			char p[64];

			snprintf(p, sizeof(p), "/sys/module/%s", others[i]);
			if (h->src->ops->list_dir(h->src->ctx, p, &other) == 0)
				check_evidence(h, a, "KVM here is %s",
					       others[i]);
		}
		check_set(h, a, CVM_CHECK_FAIL, "modprobe kvm_amd",
			  "kvm_amd is not loaded: KVM cannot run SEV guests");
		return;
	}
	if (r < 0) {
		check_op_failed(h, a, r, CVM_CHECK_FAIL, NULL,
				"/sys/module/kvm_amd/parameters");
		return;
	}
	for (char *p = params.data; p && (p = strchr(p, '\n')); p++)
		*p = ' ';
	check_evidence(h, a, "parameters: %s", cvm_buf_str(&params));
	check_set(h, a, CVM_CHECK_OK, NULL, "loaded");
	kvm_param(h, a, "kvm.sev", "SEV enabled in KVM", "sev", G_ALL,
		  "kernel built without CONFIG_KVM_AMD_SEV");
	kvm_param(h, a, "kvm.sev-es", "SEV-ES enabled in KVM", "sev_es",
		  G_ES | G_SNP, "kernel too old for SEV-ES (5.19+)");
	kvm_param(h, a, "kvm.snp", "SEV-SNP enabled in KVM", "sev_snp", G_SNP,
		  "this kernel has no SNP host support (6.11+)");
}

/* ---- memlock ------------------------------------------------------------ */

static void
fmt_limit(uint64_t v, char *buf, size_t n)
{
	if (v == UINT64_MAX)
		snprintf(buf, n, "unlimited");
	else
		snprintf(buf, n, "%llu MiB", (unsigned long long)(v / MIB));
}

/* SEV pins all guest RAM against RLIMIT_MEMLOCK (§0.8): RAM + 256 MiB. */
void
checks_memlock(struct hc *h)
{
	uint64_t soft = 0, hard = 0, need = h->opts.guest_memory + 256 * MIB;
	char s[32], hd[32];
	int c, r;

	check_open(h, &c, -1, -1, "memlock", "Memlock limit (RLIMIT_MEMLOCK)",
		   G_ALL);
	r = h->src->ops->memlock(h->src->ctx, &soft, &hard);
	if (r < 0) {
		check_op_failed(h, c, r, CVM_CHECK_FAIL, NULL, "getrlimit");
		return;
	}
	h->have_euid = h->src->ops->euid(h->src->ctx, &h->euid) == 0;
	h->r->memlock_soft = soft;
	h->r->memlock_hard = hard;
	fmt_limit(soft, s, sizeof(s));
	fmt_limit(hard, hd, sizeof(hd));
	check_evidence(h, c,
		       "RLIMIT_MEMLOCK soft %s, hard %s; need %llu MiB for a "
		       "%llu MiB guest; euid %d",
		       s, hd, (unsigned long long)(need / MIB),
		       (unsigned long long)(h->opts.guest_memory / MIB),
		       h->have_euid ? (int)h->euid : -1);
	if (soft >= need)
		check_set(h, c, CVM_CHECK_OK, NULL, "%s covers the guest", s);
	else if (hard >= need || (h->have_euid && h->euid == 0))
		check_set(h, c, CVM_CHECK_WARN,
			  "ulimit -l unlimited before launching (services: "
			  "LimitMEMLOCK=infinity)",
			  "soft limit %s < %llu MiB; %s can raise it", s,
			  (unsigned long long)(need / MIB),
			  hard >= need
				  ? "the hard limit allows, so the launcher"
				  : "root");
	else
		check_set(h, c, CVM_CHECK_FAIL,
			  "raise memlock in /etc/security/limits.d/ or launch "
			  "as root",
			  "hard limit %s < %llu MiB: SEV pins guest memory and "
			  "the launch would fail ('Cannot allocate memory')",
			  hd, (unsigned long long)(need / MIB));
}

/* The kernel release is read first: the BIOS checks need it too. */
void
host_read_kernel(struct hc *h)
{
	cleanup_buf struct cvm_buf u = CVM_BUF_INIT;
	char *nl;

	h->uname_r = h->src->ops->uname(h->src->ctx, &u);
	if (h->uname_r < 0)
		return;
	nl = strchr(cvm_buf_str(&u), '\n');
	if (nl)
		*nl = '\0';
	h->r->kernel_release = cvm_xstrdup(cvm_buf_str(&u));
	h->have_kernel = host_parse_kernel(h->r->kernel_release,
					   &h->kernel_major, &h->kernel_minor);
}
