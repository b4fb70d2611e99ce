/* SPDX-License-Identifier: MIT */
/*
 * The user-space side: QEMU (version; does it know sev-guest and
 * sev-snp-guest? we ask it with `-object help`) and the OVMF builds on
 * the system and what each supports (parsed with cvm_ovmf_parse).
 * launch-and-host.md §1.7, §3.2, §3.3, §3.5.  libvirt: checks-libvirt.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"
#include "host-priv.h"

#define QEMU_TIMEOUT_MS 10000
#define FIX_QEMU_SNP	"install QEMU 9.1 or later and pass it with --qemu"

static int
run(struct hc *h, const char *const *argv, int timeout_ms,
    struct cvm_host_run *res)
{
	return h->src->ops->run(h->src->ctx, argv, timeout_ms, res);
}

/* The first line of `s` (for messages). */
static char *
first_line(const char *s)
{
	return cvm_xasprintf("%.*s", (int)strcspn(s, "\n"), s);
}

static int
find_qemu(struct hc *h, struct cvm_buf *path)
{
	int r;

	if (h->opts.qemu)
		return h->src->ops->find_program(h->src->ctx, h->opts.qemu,
						 path);
	r = h->src->ops->find_program(h->src->ctx, "qemu-system-x86_64", path);
	if (r == -ENOENT)
		r = h->src->ops->find_program(h->src->ctx, "qemu-kvm", path);
	return r;
}

static void
qemu_objects(struct hc *h, int q)
{
	const char *argv[] = {h->r->qemu_path, "-object", "help", NULL};
	struct cvm_host_run res = CVM_HOST_RUN_INIT;
	int c, r = -EINVAL;
	bool ok;

	if (check_open(h, &c, q, q, "qemu.sev", "QEMU knows sev-guest",
		       G_SEV | G_ES))
		r = run(h, argv, QEMU_TIMEOUT_MS, &res);
	if (r < 0 || res.status != 0) {
		if (r < 0)
			check_op_failed(h, c, r, CVM_CHECK_FAIL, NULL,
					"qemu -object help");
		else
			check_set(h, c, CVM_CHECK_FAIL, NULL,
				  "'-object help' exited with %d", res.status);
	} else {
		h->r->qemu_sev_guest =
			host_has_word(cvm_buf_str(&res.out), "sev-guest");
		h->r->qemu_sev_snp_guest =
			host_has_word(cvm_buf_str(&res.out), "sev-snp-guest");
		check_evidence(h, c, "'-object help' %s sev-guest",
			       h->r->qemu_sev_guest ? "lists"
						    : "does not list");
		check_set(h, c,
			  h->r->qemu_sev_guest ? CVM_CHECK_OK : CVM_CHECK_FAIL,
			  h->r->qemu_sev_guest
				  ? NULL
				  : "install a QEMU built with SEV",
			  h->r->qemu_sev_guest ? "yes"
					       : "this QEMU has no sev-guest "
						 "object");
	}
	if (!check_open(h, &c, q, c, "qemu.snp",
			"QEMU knows sev-snp-guest (9.1+)", G_SNP)) {
		cvm_host_run_release(&res);
		return;
	}
	ok = h->r->qemu_sev_snp_guest;
	check_evidence(h, c, "'-object help' %s sev-snp-guest; version %s",
		       ok ? "lists" : "does not list", h->r->qemu_version);
	if (ok)
		check_set(h, c, CVM_CHECK_OK, NULL, "yes");
	else
		check_set(h, c, CVM_CHECK_FAIL, FIX_QEMU_SNP,
			  "QEMU %s has no sev-snp-guest object: %s",
			  h->r->qemu_version,
			  h->r->qemu_major > 9 || (h->r->qemu_major == 9 &&
						   h->r->qemu_minor >= 1)
				  ? "built without SEV-SNP"
				  : "SEV-SNP needs QEMU 9.1 or later");
	cvm_host_run_release(&res);
}

void
checks_qemu(struct hc *h)
{
	cleanup_buf struct cvm_buf path = CVM_BUF_INIT;
	struct cvm_host_run res = CVM_HOST_RUN_INIT;
	unsigned v[3] = {0, 0, 0};
	const char *argv[3] = {NULL, "--version", NULL};
	cleanup_free char *line = NULL;
	int q, r;

	check_open(h, &q, -1, -1, "qemu", "QEMU", G_ALL);
	r = find_qemu(h, &path);
	if (r < 0) {
		check_op_failed(h, q, r, CVM_CHECK_FAIL,
				"apt-get install qemu-system-x86",
				h->opts.qemu ? h->opts.qemu
					     : "qemu-system-x86_64");
		return;
	}
	h->r->qemu_path = cvm_xstrdup(cvm_buf_str(&path));
	argv[0] = h->r->qemu_path;
	r = run(h, argv, QEMU_TIMEOUT_MS, &res);
	if (r < 0 || res.status != 0 ||
	    !host_parse_version(cvm_buf_str(&res.out), "version ", v)) {
		if (r < 0)
			check_op_failed(h, q, r, CVM_CHECK_FAIL, NULL,
					"qemu --version");
		else
			check_set(h, q, CVM_CHECK_FAIL, NULL,
				  "'%s --version' gave no version (exit %d)",
				  h->r->qemu_path, res.status);
		cvm_host_run_release(&res);
		return;
	}
	h->r->qemu_major = v[0];
	h->r->qemu_minor = v[1];
	h->r->qemu_micro = v[2];
	h->r->qemu_version = cvm_xasprintf("%u.%u.%u", v[0], v[1], v[2]);
	line = first_line(cvm_buf_str(&res.out));
	cvm_host_run_release(&res);
	check_evidence(h, q, "%s --version: '%s'", h->r->qemu_path, line);
	check_set(h, q, CVM_CHECK_OK, NULL, "QEMU %s (%s)", h->r->qemu_version,
		  h->r->qemu_path);
	qemu_objects(h, q);
}

/* ---- firmware ----------------------------------------------------------- */

static bool
firmware_name(const char *n)
{
	size_t l = strlen(n);

	if (l < 4 || strcmp(n + l - 3, ".fd") != 0)
		return false;
	if (strstr(n, "VARS") || strstr(n, "vars") || strstr(n, "tdx"))
		return false;
	return strstr(n, "OVMF") || strstr(n, "ovmf") ||
	       strncmp(n, "edk2-x86_64", 11) == 0;
}

static bool
secure_boot_name(const char *n)
{
	return strstr(n, "secboot") || strstr(n, ".ms.") ||
	       strstr(n, "snakeoil") || strstr(n, "secure");
}

static void
firmware_features(const struct cvm_ovmf_info *i, struct cvm_buf *b)
{
	cvm_buf_addf(b, "SEV %s, SEV-ES %s, SNP %s, kernel hashes %s",
		     i->sev ? "yes" : "no", i->sev_es ? "yes" : "no",
		     i->sev_snp ? "yes" : "no",
		     i->kernel_hashes_sev || i->kernel_hashes_snp ? "yes"
								  : "no");
}

static void
firmware_file(struct hc *h, int parent, const char *path, const char *name)
{
	struct cvm_host_firmware *fw;
	cleanup_free char *id = cvm_xasprintf("firmware:%s", path);
	cleanup_buf struct cvm_buf feat = CVM_BUF_INIT;
	int c, r;

	h->r->firmware = cvm_xrealloc(h->r->firmware,
				      (h->r->nfirmware + 1) * sizeof(*fw));
	fw = &h->r->firmware[h->r->nfirmware++];
	memset(fw, 0, sizeof(*fw));
	fw->path = cvm_xstrdup(path);
	fw->secure_boot = secure_boot_name(name);
	check_open(h, &c, parent, -1, id, path, G_NONE);
	if (fw->secure_boot) {
		check_set(h, c, CVM_CHECK_SKIP, NULL,
			  "Secure Boot build (needs SMM): not for SEV guests");
		return;
	}
	r = h->src->ops->firmware(h->src->ctx, path, &fw->info);
	if (r < 0) {
		check_op_failed(h, c, r, CVM_CHECK_WARN, NULL, "parse");
		return;
	}
	fw->parsed = true;
	firmware_features(&fw->info, &feat);
	check_evidence(h, c, "%zu bytes; %s", fw->info.size,
		       cvm_buf_str(&feat));
	check_set(h, c, fw->info.sev ? CVM_CHECK_OK : CVM_CHECK_WARN, NULL,
		  "%s", cvm_buf_str(&feat));
}

/* Which found builds support a feature: "a.fd, b.fd" or NULL. */
static char *
supporting(struct hc *h, size_t offset)
{
	struct cvm_buf b = CVM_BUF_INIT;

	for (size_t i = 0; i < h->r->nfirmware; i++) {
		const struct cvm_host_firmware *fw = &h->r->firmware[i];

		if (fw->parsed &&
		    *(const bool *)((const char *)&fw->info + offset))
			cvm_buf_addf(&b, "%s%s", b.len ? ", " : "", fw->path);
	}
	return b.len ? cvm_buf_detach(&b, NULL) : NULL;
}

static void
firmware_level(struct hc *h, int parent, const char *id, const char *name,
	       unsigned gates, size_t offset, enum cvm_check_status missing,
	       const char *fix, const char *why)
{
	cleanup_free char *files = supporting(h, offset);
	int c;

	if (!check_open(h, &c, parent, -1, id, name, gates))
		return;
	check_evidence(h, c, "%zu builds parsed", h->r->nfirmware);
	if (files)
		check_set(h, c, CVM_CHECK_OK, NULL, "%s", files);
	else
		check_set(h, c, missing, fix, "%s", why);
}

void
checks_firmware(struct hc *h)
{
	cleanup_buf struct cvm_buf names = CVM_BUF_INIT;
	struct cvm_buf dirs = CVM_BUF_INIT;
	int f;

	check_open(h, &f, -1, -1, "firmware", "OVMF firmware", G_NONE);
	for (size_t d = 0; host_firmware_dirs[d]; d++) {
		cleanup_free char *copy = NULL;
		char *save = NULL;

		if (h->src->ops->list_dir(h->src->ctx, host_firmware_dirs[d],
					  &names) < 0)
			continue;
		cvm_buf_addf(&dirs, "%s%s", dirs.len ? ", " : "",
			     host_firmware_dirs[d]);
		copy = cvm_xstrdup(cvm_buf_str(&names));
		for (char *n = strtok_r(copy, "\n", &save); n;
		     n = strtok_r(NULL, "\n", &save)) {
			cleanup_free char *path = NULL;

			if (!firmware_name(n))
				continue;
			path = cvm_xasprintf("%s/%s", host_firmware_dirs[d], n);
			firmware_file(h, f, path, n);
		}
	}
	check_evidence(h, f, "searched %s",
		       dirs.len ? cvm_buf_str(&dirs) : "(no firmware folder)");
	cvm_buf_release(&dirs);
	if (h->r->nfirmware)
		check_set(h, f, CVM_CHECK_OK, NULL, "%zu builds found",
			  h->r->nfirmware);
	else
		check_set(h, f, CVM_CHECK_WARN, "apt-get install ovmf",
			  "no OVMF build found");
	firmware_level(h, f, "firmware.sev", "Firmware for SEV", G_SEV,
		       offsetof(struct cvm_ovmf_info, sev), CVM_CHECK_FAIL,
		       "apt-get install ovmf",
		       "no OVMF build with the SEV footer table");
	firmware_level(h, f, "firmware.sev-es", "Firmware for SEV-ES", G_ES,
		       offsetof(struct cvm_ovmf_info, sev_es), CVM_CHECK_FAIL,
		       "apt-get install ovmf",
		       "no OVMF build with an SEV-ES reset block");
	firmware_level(h, f, "firmware.snp", "Firmware for SEV-SNP", G_SNP,
		       offsetof(struct cvm_ovmf_info, sev_snp), CVM_CHECK_FAIL,
		       "build edk2 OvmfPkg/AmdSev/AmdSevX64.dsc (Fedora/RHEL "
		       "ship it as OVMF.amdsev.fd) into /usr/share/edk2/ovmf",
		       "no OVMF build with SNP metadata (secrets and CPUID "
		       "pages)");
	firmware_level(h, f, "firmware.hashes",
		       "Measured direct boot (kernel-hashes=on)", G_NONE,
		       offsetof(struct cvm_ovmf_info, kernel_hashes_sev),
		       CVM_CHECK_WARN,
		       "use the AmdSevX64 OVMF build (OVMF.amdsev.fd)",
		       "no build with a kernel-hashes table: measured direct "
		       "boot needs the AmdSev OVMF build");
}
