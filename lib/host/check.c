/* SPDX-License-Identifier: MIT */
/*
 * The host check: builds the tree of checks (checks-*.c add them in
 * output order), skips the children of failed checks with that cause,
 * and derives the verdict: per protection level, the first gating check
 * that did not pass; the highest level with none is the maximum.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "host-priv.h"

#define DEFAULT_GUEST_MEMORY (1ull << 30)

const char *const host_firmware_dirs[] = {
	"/usr/share/OVMF",	"/usr/share/ovmf",
	"/usr/share/edk2/ovmf", "/usr/share/edk2/ovmf-4m",
	"/usr/share/edk2/x64",	"/usr/share/edk2-ovmf/x64",
	"/usr/share/qemu",	NULL,
};

const char *
cvm_check_status_name(enum cvm_check_status s)
{
	static const char *const names[] = {"ok", "warn", "fail", "skip"};

	return (unsigned)s < CVM_ARRAY_SIZE(names) ? names[s] : "?";
}

static char *vfmt(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* Messages and evidence are one line each: a control byte in a value
 * read from the host or a facts file becomes '?'. */
static char *
one_line(struct cvm_buf *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (((unsigned char)b->data[i] < 0x20 && b->data[i] != '\t') ||
		    b->data[i] == 0x7f)
			b->data[i] = '?';
	return cvm_buf_detach(b, NULL);
}

static char *
vfmt(const char *fmt, va_list ap)
{
	struct cvm_buf b = CVM_BUF_INIT;

	cvm_buf_vaddf(&b, fmt, ap);
	return one_line(&b);
}

bool
check_open(struct hc *h, int *idx, int parent, int dep, const char *id,
	   const char *name, unsigned gates)
{
	struct cvm_host_report *r = h->r;
	struct cvm_host_check *c;
	int cause;

	if (r->nchecks == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		r->checks = cvm_xrealloc(r->checks, h->cap * sizeof(*c));
	}
	*idx = (int)r->nchecks++;
	c = &r->checks[*idx];
	memset(c, 0, sizeof(*c));
	c->id = cvm_xstrdup(id);
	c->name = cvm_xstrdup(name);
	c->parent = parent;
	c->depth = parent < 0 ? 0 : r->checks[parent].depth + 1;
	c->gates = gates;
	c->cause = -1;
	c->status = CVM_CHECK_SKIP;
	c->message = cvm_xstrdup("not evaluated");
	c->evidence = cvm_xstrdup("");
	if (dep < 0 || r->checks[dep].status == CVM_CHECK_OK ||
	    r->checks[dep].status == CVM_CHECK_WARN)
		return true;
	/* sevctl/snphost: a failed parent's children are skipped */
	cause = r->checks[dep].cause >= 0 ? r->checks[dep].cause : dep;
	c->cause = cause;
	free(c->message);
	c->message = cvm_xasprintf("skipped: %s (%s) %s", r->checks[cause].name,
				   r->checks[cause].id,
				   r->checks[cause].status == CVM_CHECK_FAIL
					   ? "failed"
					   : "could not be checked");
	return false;
}

void
check_set(struct hc *h, int idx, enum cvm_check_status st, const char *fix,
	  const char *fmt, ...)
{
	struct cvm_host_check *c = &h->r->checks[idx];
	va_list ap;

	c->status = st;
	free(c->fix);
	c->fix = fix ? cvm_xstrdup(fix) : NULL;
	free(c->message);
	va_start(ap, fmt);
	c->message = vfmt(fmt, ap);
	va_end(ap);
}

void
check_evidence(struct hc *h, int idx, const char *fmt, ...)
{
	struct cvm_host_check *c = &h->r->checks[idx];
	struct cvm_buf b = CVM_BUF_INIT;
	va_list ap;

	cvm_buf_adds(&b, c->evidence);
	if (b.len)
		cvm_buf_adds(&b, "; ");
	va_start(ap, fmt);
	cvm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	free(c->evidence);
	c->evidence = one_line(&b);
}

void
check_op_failed(struct hc *h, int idx, int code, enum cvm_check_status st,
		const char *fix, const char *what)
{
	char buf[32];

	if (code == CVM_HOST_NOFACT) {
		check_set(h, idx, CVM_CHECK_SKIP, NULL,
			  "%s: not recorded in the facts file", what);
		check_evidence(h, idx, "no fact for %s", what);
		return;
	}
	check_set(h, idx, st, fix, "%s: %s", what, host_strerror(code));
	check_evidence(h, idx, "%s: %s", what,
		       host_errno_name(-code, buf, sizeof(buf)));
}

enum cvm_check_status
check_status(struct hc *h, int idx)
{
	return idx < 0 ? CVM_CHECK_OK : h->r->checks[idx].status;
}

/* ---- small parsers shared by the check groups --------------------------- */

bool
host_parse_kernel(const char *release, unsigned *major, unsigned *minor)
{
	return sscanf(release, "%u.%u", major, minor) == 2;
}

bool
host_parse_version(const char *text, const char *after, unsigned v[3])
{
	const char *p = text;

	if (after) {
		p = strstr(text, after);
		if (!p)
			return false;
		p += strlen(after);
	}
	for (; *p; p++) {
		int n = 0;

		if (!isdigit((unsigned char)*p))
			continue;
		v[2] = 0;
		if (sscanf(p, "%u.%u%n", &v[0], &v[1], &n) < 2)
			continue;
		if (p[n] == '.')
			sscanf(p + n + 1, "%u", &v[2]);
		return true;
	}
	return false;
}

bool
host_version_ge(const unsigned v[3], unsigned a, unsigned b, unsigned c)
{
	if (v[0] != a)
		return v[0] > a;
	if (v[1] != b)
		return v[1] > b;
	return v[2] >= c;
}

bool
host_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n) {
		bool start = p == list || isspace((unsigned char)p[-1]);
		bool end = p[n] == '\0' || isspace((unsigned char)p[n]);

		if (start && end)
			return true;
	}
	return false;
}

char *
host_argv_key(const char *const *argv)
{
	return cvm_argv_join(argv);
}

/* ---- the verdict -------------------------------------------------------- */

static void
verdict(struct cvm_host_report *r)
{
	r->max = CVM_PROT_NONE;
	for (int l = CVM_PROT_SEV; l <= CVM_PROT_SEV_SNP; l++) {
		struct cvm_host_level *lv = &r->level[l];

		lv->launchable = true;
		lv->blocker = -1;
		for (size_t i = 0; i < r->nchecks; i++) {
			const struct cvm_host_check *c = &r->checks[i];

			if (!(c->gates & CVM_GATE(l)) ||
			    c->status == CVM_CHECK_OK ||
			    c->status == CVM_CHECK_WARN)
				continue;
			lv->launchable = false;
			lv->blocker = c->cause >= 0 ? c->cause : (int)i;
			c = &r->checks[lv->blocker];
			lv->message = cvm_xasprintf(
				"%s: %s%s%s%s", c->id, c->message,
				c->evidence[0] ? " (" : "", c->evidence,
				c->evidence[0] ? ")" : "");
			break;
		}
		if (lv->launchable)
			r->max = (enum cvm_protection)l;
	}
}

int
cvm_host_check(const struct cvm_host_source *src,
	       const struct cvm_host_opts *opts, struct cvm_host_report **out,
	       struct cvm_err *err)
{
	struct hc h;

	if (!src || !src->ops)
		return cvm_err_set(err, -EINVAL, "host check: no source");
	memset(&h, 0, sizeof(h));
	h.src = src;
	if (opts)
		h.opts = *opts;
	if (!h.opts.guest_memory)
		h.opts.guest_memory = DEFAULT_GUEST_MEMORY;
	h.cpu_sev = h.cpu_sev_es = h.cpu_snp = h.cpu_vmpl = -1;
	h.r = cvm_xcalloc(1, sizeof(*h.r));
	h.r->kvm_api_version = -1;
	h.r->reduced_phys_bits = 1; /* AMD's advice; AMDESE/qemu#7 */
	h.r->guest_memory = h.opts.guest_memory;
	h.r->source =
		cvm_xstrdup(h.opts.source_name ? h.opts.source_name : "probe");

	host_read_kernel(&h);
	checks_cpu(&h);
	checks_bios(&h);
	checks_kernel(&h);
	checks_kvm(&h);
	checks_sev(&h);
	checks_memlock(&h);
	checks_qemu(&h);
	checks_firmware(&h);
	checks_libvirt(&h);
	verdict(h.r);

	cvm_buf_release(&h.cpuinfo);
	*out = h.r;
	return 0;
}

int
cvm_host_probe(const struct cvm_host_opts *opts, struct cvm_host_report **out,
	       struct cvm_err *err)
{
	struct cvm_host_source src = cvm_host_source_real();

	return cvm_host_check(&src, opts, out, err);
}

void
cvm_host_report_free(struct cvm_host_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nchecks; i++) {
		free(r->checks[i].id);
		free(r->checks[i].name);
		free(r->checks[i].message);
		free(r->checks[i].evidence);
		free(r->checks[i].fix);
	}
	free(r->checks);
	for (int l = 0; l <= CVM_PROT_SEV_SNP; l++)
		free(r->level[l].message);
	for (size_t i = 0; i < r->nfirmware; i++)
		free(r->firmware[i].path);
	free(r->firmware);
	free(r->qemu_path);
	free(r->qemu_version);
	free(r->kernel_release);
	free(r->libvirt_version);
	free(r->source);
	free(r);
}

bool
cvm_host_can_launch(const struct cvm_host_report *r, enum cvm_protection level,
		    const char **why)
{
	if (level == CVM_PROT_NONE)
		return true;
	if (level > CVM_PROT_SEV_SNP) {
		if (why)
			*why = "not a protection level";
		return false;
	}
	if (!r->level[level].launchable && why)
		*why = r->level[level].message;
	return r->level[level].launchable;
}

const struct cvm_host_check *
cvm_host_report_find(const struct cvm_host_report *r, const char *id)
{
	for (size_t i = 0; i < r->nchecks; i++)
		if (strcmp(r->checks[i].id, id) == 0)
			return &r->checks[i];
	return NULL;
}

void
cvm_host_policy_host(const struct cvm_host_report *r,
		     struct cvm_policy_host *out)
{
	memset(out, 0, sizeof(*out));
	out->sev_es = r->level[CVM_PROT_SEV_ES].launchable;
	out->sev_snp = r->level[CVM_PROT_SEV_SNP].launchable;
	out->have_firmware = r->have_sev_status;
	out->api_major = r->sev_status.api_major;
	out->api_minor = r->sev_status.api_minor;
}
