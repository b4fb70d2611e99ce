/* SPDX-License-Identifier: MIT */
/*
 * One CVM1 line into the run record (docs/result-format.md): the kinds
 * boot, info, result, report, fault and exit, each with a fixed number of
 * space-separated fields.  Anything else is refused with the reason.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/util.h"

#define MAX_FIELDS 8
#define MAX_NAME   64 /* phase names, info keys, workload/metric/unit */

struct fields {
	char *f[MAX_FIELDS];
	size_t n;
};

/* Split `s` in place on runs of blanks; false if there are too many. */
static bool
split(char *s, struct fields *out)
{
	out->n = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			*s++ = '\0';
		if (!*s)
			return true;
		if (out->n == MAX_FIELDS)
			return false;
		out->f[out->n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
}

/* A name: 1..MAX_NAME printable, non-blank ASCII bytes. */
static bool
is_name(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if ((unsigned char)s[n] <= 0x20 || (unsigned char)s[n] >= 0x7f)
			return false;
	return n > 0 && n <= MAX_NAME;
}

static bool
parse_hex(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s[n]; n++) {
		if (!isxdigit((unsigned char)s[n]) || n == 16)
			return false;
		v = v << 4 |
		    (uint64_t)(isdigit((unsigned char)s[n])
				       ? s[n] - '0'
				       : (tolower((unsigned char)s[n]) - 'a' +
					  10));
	}
	*out = v;
	return n > 0;
}

static bool
room(struct cvm_guest_record *r, size_t n)
{
	if (n < CVM_GUESTIO_MAX_ITEMS)
		return true;
	r->dropped++;
	return false;
}

static int
kind_boot(struct cvm_guest_record *r, struct fields *f, uint64_t host_ns,
	  struct cvm_err *err)
{
	uint64_t ns;

	if (f->n != 3 || !is_name(f->f[1]) || cvm_parse_u64(f->f[2], &ns) < 0)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'boot' wants PHASE NANOSECONDS");
	if (room(r, r->nphases)) {
		r->phases = cvm_xrealloc(r->phases,
					 (r->nphases + 1) * sizeof(*r->phases));
		r->phases[r->nphases++] = (struct cvm_guest_phase){
			cvm_xstrdup(f->f[1]), ns, host_ns};
	}
	return 0;
}

static int
kind_info(struct cvm_guest_record *r, struct fields *f, uint64_t host_ns,
	  struct cvm_err *err)
{
	if (f->n != 3 || !is_name(f->f[1]))
		return cvm_err_set(err, -CVM_E_PARSE, "'info' wants KEY VALUE");
	if (room(r, r->ninfos)) {
		r->infos = cvm_xrealloc(r->infos,
					(r->ninfos + 1) * sizeof(*r->infos));
		r->infos[r->ninfos++] = (struct cvm_guest_info){
			cvm_xstrdup(f->f[1]), cvm_xstrdup(f->f[2]), host_ns};
	}
	return 0;
}

static int
parse_verified(const char *s, enum cvm_verified *v)
{
	if (strcmp(s, "yes") == 0)
		*v = CVM_VERIFIED_YES;
	else if (strcmp(s, "no") == 0)
		*v = CVM_VERIFIED_NO;
	else if (strcmp(s, "na") == 0)
		*v = CVM_VERIFIED_NA;
	else
		return -1;
	return 0;
}

static int
kind_result(struct cvm_guest_record *r, struct fields *f, uint64_t host_ns,
	    struct cvm_err *err)
{
	struct cvm_guest_result res = {0};
	char *end = NULL;
	const char *cls;

	if (f->n != 7)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'result' wants WORKLOAD CLASS METRIC VALUE "
				   "UNIT VERIFIED");
	cls = f->f[2];
	if (!is_name(f->f[1]) || !is_name(f->f[3]) || !is_name(f->f[5]))
		return cvm_err_set(err, -CVM_E_PARSE, "bad name in 'result'");
	if (strlen(cls) != 1 || !strchr("SWA-", cls[0]))
		return cvm_err_set(err, -CVM_E_PARSE,
				   "result class '%.8s' is not S, W, A or -",
				   cls);
	res.value = strtod(f->f[4], &end);
	if (end == f->f[4] || *end || !isfinite(res.value))
		return cvm_err_set(
			err, -CVM_E_PARSE,
			"result value '%.32s' is not a finite number", f->f[4]);
	if (parse_verified(f->f[6], &res.verified) < 0)
		return cvm_err_set(
			err, -CVM_E_PARSE,
			"result verified '%.8s' is not yes, no or na", f->f[6]);
	if (!room(r, r->nresults))
		return 0;
	res.workload = cvm_xstrdup(f->f[1]);
	res.cls = cls[0];
	res.metric = cvm_xstrdup(f->f[3]);
	res.value_text = cvm_xstrdup(f->f[4]);
	res.unit = cvm_xstrdup(f->f[5]);
	res.host_ns = host_ns;
	r->results = cvm_xrealloc(r->results,
				  (r->nresults + 1) * sizeof(*r->results));
	r->results[r->nresults++] = res;
	return 0;
}

static int
kind_report(struct cvm_guest_record *r, struct fields *f, struct cvm_err *err)
{
	const char *h;

	if (f->n != 2 || strlen(f->f[1]) != 2 * CVM_GUESTIO_REPORT_BYTES)
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'report' wants %d hex digits",
				   2 * CVM_GUESTIO_REPORT_BYTES);
	for (h = f->f[1]; *h; h++)
		if (!isxdigit((unsigned char)*h))
			return cvm_err_set(err, -CVM_E_PARSE,
					   "'report' has a non-hex digit");
	free(r->report_hex);
	r->report_hex = cvm_xstrdup(f->f[1]);
	for (char *c = r->report_hex; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return 0;
}

static int
kind_fault(struct cvm_guest_record *r, struct fields *f, uint64_t host_ns,
	   struct cvm_err *err)
{
	struct cvm_guest_fault ft = {.host_ns = host_ns};

	if (f->n != 5 || !parse_hex(f->f[1], &ft.vector) ||
	    !parse_hex(f->f[2], &ft.error) || !parse_hex(f->f[3], &ft.rip) ||
	    !parse_hex(f->f[4], &ft.cr2))
		return cvm_err_set(err, -CVM_E_PARSE,
				   "'fault' wants VECTOR ERROR RIP CR2 in hex");
	if (!r->has_fault) { /* the first fault is the cause */
		r->has_fault = true;
		r->fault = ft;
	}
	return 0;
}

static int
kind_exit(struct cvm_guest_record *r, struct fields *f, uint64_t host_ns,
	  struct cvm_err *err)
{
	uint64_t st;

	if (f->n != 2 || cvm_parse_u64(f->f[1], &st) < 0 || st > 0x7fffffff)
		return cvm_err_set(err, -CVM_E_PARSE, "'exit' wants STATUS");
	if (r->has_exit)
		return cvm_err_set(err, -CVM_E_PARSE, "a second 'exit' line");
	r->has_exit = true;
	r->exit_status = (int)st;
	r->exit_host_ns = host_ns;
	return 0;
}

int
cvm_guestio_parse_line(struct cvm_guest_record *r, const char *line,
		       uint64_t host_ns, struct cvm_err *err)
{
	cleanup_free char *copy = NULL;
	struct fields f;
	bool after_exit = r->has_exit;
	const char *k;
	int ret;

	if (strncmp(line, "CVM1 ", 5) != 0)
		return cvm_err_set(err, -CVM_E_PARSE, "not a CVM1 line");
	copy = cvm_xstrdup(line + 5);
	if (!split(copy, &f) || f.n == 0)
		return cvm_err_set(err, -CVM_E_PARSE,
				   f.n ? "too many fields" : "no kind");
	k = f.f[0];
	if (strcmp(k, "boot") == 0)
		ret = kind_boot(r, &f, host_ns, err);
	else if (strcmp(k, "info") == 0)
		ret = kind_info(r, &f, host_ns, err);
	else if (strcmp(k, "result") == 0)
		ret = kind_result(r, &f, host_ns, err);
	else if (strcmp(k, "report") == 0)
		ret = kind_report(r, &f, err);
	else if (strcmp(k, "fault") == 0)
		ret = kind_fault(r, &f, host_ns, err);
	else if (strcmp(k, "exit") == 0)
		ret = kind_exit(r, &f, host_ns, err);
	else
		ret = cvm_err_set(err, -CVM_E_PARSE, "unknown kind '%.16s'", k);
	if (ret == 0) {
		r->nlines++;
		if (after_exit)
			r->after_exit++;
	}
	return ret;
}
