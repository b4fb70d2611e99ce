/* SPDX-License-Identifier: MIT */
/*
 * What a QEMU binary can do, from its own help listings (the format of
 * QEMU 7.2 to 10.x: `-object help` prints one type per line, `-device
 * help` prints `name "X", bus ...`, `-cpu help` prints `x86 NAME desc`,
 * `-machine help` prints `NAME  description`), or from a version preset.
 * See cvm/qemu.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "cvm/qemu.h"

#define HELP_TIMEOUT_MS 10000

/*
 * The key a help line names, copied into `key`: the word on an object or
 * accelerator line, the first word of a machine line, the quoted name of
 * a device line, the second word of a CPU line.  Empty when none.
 */
static void
line_key(enum cvm_qemu_help kind, const char *line, size_t len, char *key,
	 size_t size)
{
	const char *p = line, *end = line + len, *q;

	key[0] = '\0';
	if (kind == CVM_QEMU_HELP_DEVICE) {
		if (len < 7 || strncmp(line, "name \"", 6) != 0)
			return;
		p = line + 6;
		q = memchr(p, '"', (size_t)(end - p));
		if (!q)
			return;
		end = q;
	} else {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (kind == CVM_QEMU_HELP_CPU) {
			if (end - p < 4 || strncmp(p, "x86 ", 4) != 0)
				return;
			p += 4;
			while (p < end && *p == ' ')
				p++;
		}
		q = p;
		while (q < end && *q != ' ' && *q != '\t')
			q++;
		/* a line with more words is a header, except machine/CPU */
		if ((kind == CVM_QEMU_HELP_OBJECT ||
		     kind == CVM_QEMU_HELP_ACCEL) &&
		    q < end)
			return;
		end = q;
	}
	if ((size_t)(end - p) >= size)
		return;
	memcpy(key, p, (size_t)(end - p));
	key[end - p] = '\0';
}

static bool
help_lists(enum cvm_qemu_help kind, const char *text, const char *name,
	   bool prefix)
{
	const char *line = text;
	char key[128];

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len && line[len - 1] == '\r')
			len--;
		line_key(kind, line, len, key, sizeof(key));
		if (key[0] && (prefix ? strncmp(key, name, strlen(name)) == 0
				      : strcmp(key, name) == 0))
			return true;
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

void
cvm_qemu_caps_parse_help(struct cvm_qemu_caps *c, enum cvm_qemu_help kind,
			 const char *t)
{
	switch (kind) {
	case CVM_QEMU_HELP_ACCEL:
		c->accel_kvm = help_lists(kind, t, "kvm", false);
		c->accel_tcg = help_lists(kind, t, "tcg", false);
		break;
	case CVM_QEMU_HELP_MACHINE:
		c->machine_q35 = help_lists(kind, t, "q35", false) ||
				 help_lists(kind, t, "pc-q35-", true);
		break;
	case CVM_QEMU_HELP_OBJECT:
		c->obj_sev_guest = help_lists(kind, t, "sev-guest", false);
		c->obj_sev_snp_guest =
			help_lists(kind, t, "sev-snp-guest", false);
		c->obj_memfd =
			help_lists(kind, t, "memory-backend-memfd", false);
		break;
	case CVM_QEMU_HELP_DEVICE:
		c->dev_isa_debug_exit =
			help_lists(kind, t, "isa-debug-exit", false);
		c->dev_virtio_net =
			help_lists(kind, t, "virtio-net-pci", false);
		c->dev_virtio_scsi =
			help_lists(kind, t, "virtio-scsi-pci", false);
		c->dev_scsi_hd = help_lists(kind, t, "scsi-hd", false);
		c->dev_scsi_cd = help_lists(kind, t, "scsi-cd", false);
		break;
	case CVM_QEMU_HELP_CPU:
		c->cpu_epyc = help_lists(kind, t, "EPYC", false);
		c->cpu_epyc_v4 = help_lists(kind, t, "EPYC-v4", false);
		break;
	}
}

int
cvm_qemu_caps_parse_version(const char *text, struct cvm_qemu_caps *out,
			    struct cvm_err *err)
{
	static const char tag[] = "QEMU emulator version ";
	const char *p = strstr(text, tag);
	unsigned maj = 0, min = 0, mic = 0;
	int n;

	if (!p ||
	    sscanf(p + sizeof(tag) - 1, "%u.%u.%u", &maj, &min, &mic) < 2) {
		char first[80];

		n = (int)strcspn(text, "\n");
		snprintf(first, sizeof(first), "%.*s", n > 60 ? 60 : n, text);
		return cvm_err_set(err, -CVM_E_PARSE,
				   "not a QEMU version line: '%s'", first);
	}
	out->major = maj;
	out->minor = min;
	out->micro = mic;
	return 0;
}

bool
cvm_qemu_caps_at_least(const struct cvm_qemu_caps *c, unsigned major,
		       unsigned minor)
{
	return c->major > major || (c->major == major && c->minor >= minor);
}

int
cvm_qemu_caps_preset(const char *version, struct cvm_qemu_caps *out,
		     struct cvm_err *err)
{
	unsigned maj = 0, min = 0, mic = 0;
	char tail = 0;
	int n = sscanf(version, "%u.%u.%u%c", &maj, &min, &mic, &tail);

	if (n < 2 || n > 3 || strspn(version, "0123456789.") != strlen(version))
		return cvm_err_set(err, -CVM_E_USAGE,
				   "bad QEMU version '%s' (expected X.Y)",
				   version);
	memset(out, 0, sizeof(*out));
	out->major = maj;
	out->minor = min;
	out->micro = mic;
	if (!cvm_qemu_caps_at_least(out, 7, 2))
		return cvm_err_set(
			err, -CVM_E_USAGE,
			"QEMU '%s' is older than 7.2, the oldest cvm "
			"supports",
			version);
	out->accel_kvm = out->accel_tcg = out->machine_q35 = true;
	out->obj_sev_guest = out->obj_memfd = true;
	out->dev_isa_debug_exit = out->dev_virtio_net = true;
	out->dev_virtio_scsi = out->dev_scsi_hd = out->dev_scsi_cd = true;
	out->cpu_epyc = true;
	/* "target/i386: Add new EPYC CPU versions with updated cache_info"
	 * (EPYC-v4) went into QEMU 8.1 */
	out->cpu_epyc_v4 = cvm_qemu_caps_at_least(out, 8, 1);
	/* sev-snp-guest: QEMU 9.1 (launch-and-host.md §3.2) */
	out->obj_sev_snp_guest = cvm_qemu_caps_at_least(out, 9, 1);
	return 0;
}

static int
run_help(const char *qemu, const char *opt, const char *arg,
	 struct cvm_buf *out, struct cvm_err *err)
{
	const char *argv[] = {qemu, opt, arg, NULL};
	struct cvm_proc_result r = CVM_PROC_RESULT_INIT;
	int ret;

	ret = cvm_proc_run(argv, NULL, 0, HELP_TIMEOUT_MS, &r, err);
	if (ret == 0 && (r.status != 0 || r.timed_out))
		ret = cvm_err_set(err, -CVM_E_CHILD,
				  "'%s %s%s%s' failed (status %d)", qemu, opt,
				  arg ? " " : "", arg ? arg : "", r.status);
	if (ret == 0) {
		cvm_buf_release(out);
		*out = r.out;
		r.out = (struct cvm_buf)CVM_BUF_INIT;
	}
	cvm_proc_result_release(&r);
	return ret;
}

int
cvm_qemu_caps_probe(const char *qemu, struct cvm_qemu_caps *out,
		    struct cvm_err *err)
{
	static const struct {
		enum cvm_qemu_help kind;
		const char *opt;
	} lists[] = {
		{CVM_QEMU_HELP_ACCEL, "-accel"},
		{CVM_QEMU_HELP_MACHINE, "-machine"},
		{CVM_QEMU_HELP_OBJECT, "-object"},
		{CVM_QEMU_HELP_DEVICE, "-device"},
		{CVM_QEMU_HELP_CPU, "-cpu"},
	};
	cleanup_buf struct cvm_buf text = CVM_BUF_INIT;
	int r;

	memset(out, 0, sizeof(*out));
	r = run_help(qemu, "--version", NULL, &text, err);
	if (r == 0)
		r = cvm_qemu_caps_parse_version(cvm_buf_str(&text), out, err);
	for (size_t i = 0; r == 0 && i < CVM_ARRAY_SIZE(lists); i++) {
		r = run_help(qemu, lists[i].opt, "help", &text, err);
		if (r == 0)
			cvm_qemu_caps_parse_help(out, lists[i].kind,
						 cvm_buf_str(&text));
	}
	if (r < 0)
		return cvm_err_prefix(err, "probe QEMU '%s'", qemu);
	out->probed = true;
	return 0;
}
