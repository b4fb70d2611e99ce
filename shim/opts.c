/* SPDX-License-Identifier: MIT */
/*
 * Option parsing for the verbs.  runc uses Go's flag conventions through
 * urfave/cli, so "-bundle X", "--bundle X" and "--bundle=X" all work, and
 * engines rely on some of them; we accept the same.
 */
#include <stdio.h>
#include <string.h>

#include "oci-cmd.h"

void
oci_help(const struct oci_verb *v, FILE *f)
{
	fprintf(f, "usage: cvm-oci %s\n\n%s\n", v->usage, v->summary);
	if (v->help)
		fprintf(f, "\n%s", v->help);
}

static int
usage(const struct oci_verb *v, const char *what, const char *arg)
{
	oci_failf(-CVM_E_USAGE, "%s: %s '%s' (see 'cvm-oci %s --help')",
		  v->name, what, arg, v->name);
	return 2;
}

static const struct oci_opt *
find(const struct oci_opt *opts, const char *name, size_t len, char shortname)
{
	for (const struct oci_opt *o = opts; o && o->name; o++) {
		if (shortname && o->shortname == shortname)
			return o;
		if (!shortname && strlen(o->name) == len &&
		    !strncmp(o->name, name, len))
			return o;
	}
	return NULL;
}

/* One option word at argv[*i]; may take the next word as its value. */
static int
one(const struct oci_verb *v, const struct oci_opt *opts, int argc, char **argv,
    int *i)
{
	const char *w = argv[*i] + 1, *eq;
	const struct oci_opt *o;

	if (*w == '-')
		w++;
	eq = strchr(w, '=');
	o = find(opts, w, eq ? (size_t)(eq - w) : strlen(w), 0);
	if (!o && argv[*i][1] != '-' && strlen(w) == 1)
		o = find(opts, NULL, 0, *w);
	if (!o)
		return usage(v, "unknown option", argv[*i]);
	if (o->flag) {
		/* Go's flags also take "--force=true" */
		*o->flag = !eq || strcmp(eq + 1, "false");
		return 0;
	}
	if (eq) {
		*o->value = eq + 1;
		return 0;
	}
	if (*i + 1 >= argc)
		return usage(v, "a value is missing after", argv[*i]);
	*o->value = argv[++*i];
	return 0;
}

int
oci_opts(const struct oci_verb *v, const struct oci_opt *opts, int argc,
	 char **argv, char **pos, int maxpos, int *npos)
{
	bool only_pos = false;

	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (!only_pos && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
			oci_help(v, stdout);
			return -1;
		}
		if (!only_pos && !strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		if (!only_pos && a[0] == '-' && a[1]) {
			if ((r = one(v, opts, argc, argv, &i)) != 0)
				return r;
			continue;
		}
		if (*npos >= maxpos)
			return usage(v, "unexpected argument", a);
		pos[(*npos)++] = argv[i];
	}
	return 0;
}

int
oci_need(const struct oci_verb *v, int npos, int n, const char *what)
{
	if (npos >= n)
		return 0;
	oci_failf(-CVM_E_USAGE, "%s: %s is missing (see 'cvm-oci %s --help')",
		  v->name, what, v->name);
	return 2;
}
