/* SPDX-License-Identifier: MIT */
/*
 * Parsing of the kernel command line (cmdline.h).  Keys: workload (a
 * name of [a-z0-9_-], or a comma-separated list of up to
 * CMDLINE_LIST_MAX names), class (S, W, A or '-', any case), reps (1 to
 * CMDLINE_REPS_MAX), nonce (an even number of hex digits, at most
 * CMDLINE_NONCE_MAX).  A later word wins over an earlier one.
 */
#include <stddef.h>

#include "cmdline.h"

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* copy at most cap-1 bytes of [s, e) into d, NUL-terminated */
static void
copy_span(char *d, size_t cap, const char *s, const char *e)
{
	size_t i = 0;

	for (; s < e && i + 1 < cap; s++)
		d[i++] = *s;
	d[i] = '\0';
}

static bool
key_is(const char *k, const char *ke, const char *name)
{
	for (; k < ke && *name; k++, name++)
		if (*k != *name)
			return false;
	return k == ke && !*name;
}

static void
set_error(struct kcmdline *c, const char *what, const char *v, const char *ve)
{
	size_t i = 0;

	for (; *what && i + 1 < sizeof(c->error); what++)
		c->error[i++] = *what;
	for (; v < ve && i + 2 < sizeof(c->error); v++)
		c->error[i++] = *v;
	if (i + 1 < sizeof(c->error))
		c->error[i++] = '\'';
	c->error[i] = '\0';
}

static bool
name_ok(const char *v, const char *ve)
{
	if (v == ve || ve - v >= CMDLINE_NAME_MAX)
		return false;
	for (; v < ve; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= '0' && *v <= '9') ||
		      *v == '_' || *v == '-'))
			return false;
	return true;
}

static int
parse_workload(struct kcmdline *c, const char *v, const char *ve)
{
	const char *p, *e;

	c->nworkloads = 0;
	for (p = v; p <= ve; p = e + 1) {
		for (e = p; e < ve && *e != ','; e++)
			;
		if (!name_ok(p, e)) {
			set_error(c, "bad workload name '", p, e);
			return -1;
		}
		if (c->nworkloads == CMDLINE_LIST_MAX) {
			set_error(c, "more than 8 workloads in '", v, ve);
			return -1;
		}
		copy_span(c->workload[c->nworkloads++], CMDLINE_NAME_MAX, p, e);
	}
	return 0;
}

static int
parse_class(struct kcmdline *c, const char *v, const char *ve)
{
	char ch = ve - v == 1 ? *v : 0;

	if (ch >= 'a' && ch <= 'z')
		ch = (char)(ch - 'a' + 'A');
	if (ch != 'S' && ch != 'W' && ch != 'A' && ch != '-') {
		set_error(c, "bad class (S, W, A or -) '", v, ve);
		return -1;
	}
	c->cls = ch;
	return 0;
}

static int
parse_reps(struct kcmdline *c, const char *v, const char *ve)
{
	unsigned long n = 0;
	const char *p;

	for (p = v; p < ve && *p >= '0' && *p <= '9' && n <= CMDLINE_REPS_MAX;
	     p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (v == ve || p != ve || n < 1 || n > CMDLINE_REPS_MAX) {
		set_error(c, "bad reps (1 to 1000000) '", v, ve);
		return -1;
	}
	c->reps = (unsigned)n;
	return 0;
}

static int
parse_nonce(struct kcmdline *c, const char *v, const char *ve)
{
	const char *p;

	for (p = v; p < ve; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		      (*p >= 'A' && *p <= 'F')))
			break;
	if (v == ve || p != ve || (ve - v) % 2 || ve - v > CMDLINE_NONCE_MAX) {
		set_error(c, "bad nonce (2 to 128 hex digits) '", v,
			  ve - v > 40 ? v + 40 : ve);
		return -1;
	}
	copy_span(c->nonce, sizeof(c->nonce), v, ve);
	return 0;
}

static int
parse_word(struct kcmdline *c, const char *w, const char *we)
{
	const char *eq = w;

	while (eq < we && *eq != '=')
		eq++;
	if (eq < we && key_is(w, eq, "workload"))
		return parse_workload(c, eq + 1, we);
	if (eq < we && key_is(w, eq, "class"))
		return parse_class(c, eq + 1, we);
	if (eq < we && key_is(w, eq, "reps"))
		return parse_reps(c, eq + 1, we);
	if (eq < we && key_is(w, eq, "nonce"))
		return parse_nonce(c, eq + 1, we);
	if (!c->unknown[0])
		copy_span(c->unknown, sizeof(c->unknown), w, we);
	return 0;
}

int
cmdline_parse(const char *s, struct kcmdline *c)
{
	const char *w;

	*c = (struct kcmdline){
		.workload = {"hello"}, .nworkloads = 1, .reps = 1};
	while (s && *s) {
		while (is_space(*s))
			s++;
		for (w = s; *s && !is_space(*s); s++)
			;
		if (s > w && parse_word(c, w, s) < 0)
			return -1;
	}
	return 0;
}
