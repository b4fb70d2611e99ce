/* SPDX-License-Identifier: MIT */
/*
 * The environment an evaluation ran in: host CPU and microcode, host
 * kernel, QEMU and OVMF versions, SEV firmware versions from the host
 * check, the accelerator (TCG labelled "emulated"), cvm's version and
 * the command line.  See eval_env_capture() in eval-priv.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "cvm/version.h"
#include "eval-priv.h"

static struct json_object *
str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

/* The value of "key : value" in the first processor of /proc/cpuinfo. */
static char *
cpuinfo(const char *text, const char *key)
{
	size_t kl = strlen(key);

	for (const char *l = text; l && *l; l = strchr(l, '\n')) {
		const char *colon, *end;

		l += *l == '\n';
		if (*l == '\n')
			break; /* the end of the first processor */
		if (strncmp(l, key, kl) != 0 || (l[kl] != ' ' && l[kl] != '\t'))
			continue;
		colon = strchr(l, ':');
		end = strchr(l, '\n');
		if (!colon || (end && colon > end))
			continue;
		colon += 1 + (colon[1] == ' ');
		return end ? strndup(colon, (size_t)(end - colon))
			   : strdup(colon);
	}
	return NULL;
}

static struct json_object *
host_json(void)
{
	cleanup_buf struct cvm_buf ci = CVM_BUF_INIT;
	struct json_object *h = json_object_new_object();
	static const char *const keys[][2] = {
		{"model name", "cpu_model"},   {"cpu family", "cpu_family"},
		{"model", "cpu_model_number"}, {"stepping", "stepping"},
		{"microcode", "microcode"},
	};
	struct utsname u;

	if (cvm_file_read("/proc/cpuinfo", &ci, 16u << 20, NULL) < 0)
		cvm_buf_adds(&ci, "");
	for (size_t i = 0; i < CVM_ARRAY_SIZE(keys); i++) {
		cleanup_free char *v = cpuinfo(cvm_buf_str(&ci), keys[i][0]);

		json_object_object_add(h, keys[i][1], str_or_null(v));
	}
	json_object_object_add(
		h, "cpus",
		json_object_new_int64(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_object_add(
		h, "memory_mib",
		json_object_new_int64(
			(int64_t)((uint64_t)sysconf(_SC_PHYS_PAGES) *
					  (uint64_t)sysconf(_SC_PAGESIZE) >>
				  20)));
	if (uname(&u) == 0) {
		json_object_object_add(h, "kernel",
				       json_object_new_string(u.release));
		json_object_object_add(h, "kernel_version",
				       json_object_new_string(u.version));
	}
	return h;
}

/* Debian's package version of `pkg`, or NULL. */
static char *
package_version(const char *pkg)
{
	const char *const argv[] = {"dpkg-query", "-W", "-f=${Version}", pkg,
				    NULL};
	struct cvm_proc_result r = CVM_PROC_RESULT_INIT;
	char *v = NULL;

	if (cvm_proc_run(argv, NULL, 0, 5000, &r, NULL) == 0 && r.status == 0 &&
	    r.out.len)
		v = cvm_xstrdup(cvm_buf_str(&r.out));
	cvm_proc_result_release(&r);
	return v;
}

static struct json_object *
ovmf_json(const char *firmware)
{
	struct json_object *o = json_object_new_object();
	cleanup_free char *ver = package_version("ovmf");
	struct stat st;

	json_object_object_add(o, "path", str_or_null(firmware));
	json_object_object_add(
		o, "bytes",
		firmware && stat(firmware, &st) == 0
			? json_object_new_int64((int64_t)st.st_size)
			: NULL);
	json_object_object_add(o, "package_version", str_or_null(ver));
	return o;
}

static struct json_object *
sev_json(const struct cvm_host_report *h)
{
	struct json_object *o = json_object_new_object(),
			   *lv = json_object_new_object();
	char v[64];

	json_object_object_add(
		o, "max_protection",
		json_object_new_string(cvm_protection_name(h ? h->max : 0)));
	if (h && h->have_sev_status) {
		snprintf(v, sizeof(v), "%u.%u build %u",
			 h->sev_status.api_major, h->sev_status.api_minor,
			 h->sev_status.build);
		json_object_object_add(o, "sev_firmware",
				       json_object_new_string(v));
	} else {
		json_object_object_add(o, "sev_firmware", NULL);
	}
	if (h && h->have_snp_status) {
		snprintf(v, sizeof(v), "%u.%u build %u",
			 h->snp_status.api_major, h->snp_status.api_minor,
			 h->snp_status.build_id);
		json_object_object_add(o, "snp_firmware",
				       json_object_new_string(v));
	} else {
		json_object_object_add(o, "snp_firmware", NULL);
	}
	for (int l = CVM_PROT_SEV; l <= CVM_PROT_SEV_SNP; l++) {
		struct json_object *e = json_object_new_object();
		const char *why = NULL;
		bool ok = h && cvm_host_can_launch(h, l, &why);

		json_object_object_add(e, "launchable",
				       json_object_new_boolean(ok));
		json_object_object_add(e, "reason",
				       str_or_null(ok	 ? NULL
						   : why ? why
							 : "no host check"));
		json_object_object_add(lv, cvm_protection_name(l), e);
	}
	json_object_object_add(o, "levels", lv);
	return o;
}

static void
now_iso(char *out, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct json_object *
eval_env_capture(const struct cvm_host_report *host,
		 const struct cvm_qemu_caps *caps, const char *qemu,
		 const struct cvm_accel_probe *accel, const char *firmware,
		 const struct cvm_eval_config *c)
{
	struct json_object *e = json_object_new_object(),
			   *q = json_object_new_object();
	bool tcg = accel->accel != CVM_ACCEL_KVM;
	char v[64];

	now_iso(v, sizeof(v));
	json_object_object_add(e, "started", json_object_new_string(v));
	json_object_object_add(e, "host", host_json());
	snprintf(v, sizeof(v), "%u.%u.%u", caps->major, caps->minor,
		 caps->micro);
	json_object_object_add(q, "path", json_object_new_string(qemu));
	json_object_object_add(q, "version", json_object_new_string(v));
	json_object_object_add(e, "qemu", q);
	json_object_object_add(e, "ovmf", ovmf_json(firmware));
	json_object_object_add(e, "sev", sev_json(host));
	/* TCG numbers come from an emulator: say so wherever they go */
	json_object_object_add(e, "accelerator",
			       json_object_new_string(tcg ? "tcg" : "kvm"));
	json_object_object_add(e, "emulated", json_object_new_boolean(tcg));
	json_object_object_add(e, "accelerator_reason",
			       json_object_new_string(accel->reason));
	json_object_object_add(e, "cvm_version",
			       json_object_new_string(CVM_VERSION));
	json_object_object_add(e, "command", str_or_null(c->command));
	json_object_object_add(e, "pin", str_or_null(c->pin));
	return e;
}
