/* SPDX-License-Identifier: MIT */
/*
 * `cvm demo scrape`: can the host read a secret from a guest's memory?
 * Runs the plain guest (the control: the secret must be found) and, where
 * the host can launch it, the protected one (it must not be), each read
 * three ways by lib/oci (demo.c); prints a verdict per method.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cmd-demo.h"
#include "cmd.h"
#include "cvm/cleanup.h"
#include "cvm/host.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE                                                          \
	"cvm demo scrape [--protection none|sev|sev-es|sev-snp|auto] " \
	"[--json] [--keep DIR] [--timeout SEC]"

struct scrape_opts {
	enum cvm_protection protection;
	bool json;
	const char *keep;
	int timeout_s;
};

static int
parse(int argc, char **argv, struct scrape_opts *o)
{
	static const struct option lo[] = {
		{"protection", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"keep", required_argument, NULL, 'k'},
		{"timeout", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0}};
	uint64_t v;
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		if (ch == 'p' &&
		    cvm_protection_parse(optarg, &o->protection) < 0)
			return cli_usage("cvm demo scrape",
					 "--protection: unknown level '%s'",
					 optarg);
		else if (ch == 'j')
			o->json = true;
		else if (ch == 'k')
			o->keep = optarg;
		else if (ch == 't' && (cvm_parse_u64(optarg, &v) < 0 || !v))
			return cli_usage("cvm demo scrape",
					 "--timeout: '%s' is not a number of "
					 "seconds",
					 optarg);
		else if (ch == 't')
			o->timeout_s = (int)v;
		else if (ch != 'p')
			return cli_usage("cvm demo scrape",
					 "unknown option '%s'",
					 argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage("cvm demo scrape", "unexpected argument '%s'",
				 argv[optind]);
	return 0;
}

/* Which protected level runs, or why none does (*why, borrowed). */
static int
protected_level(const struct scrape_opts *o, enum cvm_protection *lvl,
		char *why, size_t n, struct cvm_err *err)
{
	struct cvm_host_opts ho = {.skip_libvirt = true};
	struct cvm_host_report *r = NULL;
	const char *blocker = NULL;
	int ret;

	*lvl = CVM_PROT_NONE;
	if (o->protection == CVM_PROT_NONE)
		return 0;
	if ((ret = cvm_host_probe(&ho, &r, err)) < 0)
		return ret;
	*lvl = o->protection == CVM_PROT_AUTO ? r->max : o->protection;
	if (o->protection == CVM_PROT_AUTO && *lvl == CVM_PROT_NONE)
		snprintf(why, n, "this host cannot launch SEV guests: %s",
			 r->level[CVM_PROT_SEV].message);
	else if (!cvm_host_can_launch(r, *lvl, &blocker))
		ret = cvm_err_set(err, -CVM_E_HOST,
				  "--protection %s: this host cannot launch "
				  "it: %s (--protection none runs the plain "
				  "half alone)",
				  cvm_protection_name(*lvl), blocker);
	cvm_host_report_free(r);
	return ret;
}

/* found by every method that ran (plain) or by none (protected) */
static bool
as_expected(const struct cvm_scrape_result *res)
{
	bool plain = res->protection == CVM_PROT_NONE;
	int ran = 0;

	for (int i = 0; i < CVM_SCRAPE_METHODS; i++) {
		const struct cvm_scrape_method *m = &res->m[i];

		if (!m->ran)
			continue;
		ran++;
		if (m->control_hits || (plain != (m->secret_hits > 0)))
			return false;
	}
	return plain ? ran == CVM_SCRAPE_METHODS : true;
}

static int
run_half(const struct scrape_opts *o, const struct cvm_oci_runtime *rt,
	 enum cvm_protection p, const char *dir, struct json_object *runs,
	 struct cvm_err *err)
{
	struct cvm_scrape_opts so = {.rt = rt,
				     .protection = p,
				     .workdir = dir,
				     .timeout_ms = o->timeout_s * 1000};
	struct cvm_scrape_result res;
	bool ok;

	if (cvm_scrape_run(&so, &res, err) < 0)
		return cvm_err_prefix(err, "%s guest", cvm_protection_name(p));
	ok = as_expected(&res);
	if (o->json)
		json_object_array_add(runs, demo_scrape_json(&res, ok));
	else
		demo_scrape_print(&res, ok);
	return ok ? 0 : -CVM_E_INVALID;
}

static int
demo_scrape_run(int argc, char **argv)
{
	struct scrape_opts o = {.protection = CVM_PROT_AUTO, .timeout_s = 120};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_runtime rt;
	struct json_object *runs = json_object_new_array(), *top;
	enum cvm_protection lvl;
	char why[600] = "", tmpl[] = "/tmp/cvm-scrape.XXXXXX";
	cleanup_free char *keep = NULL;
	const char *dir;
	int r, worst = 0;

	if ((r = parse(argc, argv, &o)) != 0 ||
	    (r = cvm_oci_runtime_load(&rt, &err)) < 0 ||
	    (r = protected_level(&o, &lvl, why, sizeof(why), &err)) < 0) {
		json_object_put(runs);
		return r > 0 ? r : cli_error(&err);
	}
	if (o.keep && cvm_mkdir_p(o.keep, 0700, &err) == 0)
		dir = keep = realpath(o.keep, NULL); /* QEMU runs in it */
	else
		dir = o.keep ? NULL : mkdtemp(tmpl);
	if (!dir) {
		cvm_oci_runtime_release(&rt);
		json_object_put(runs);
		return err.code ? cli_error(&err) : 1;
	}
	if (!o.json)
		demo_scrape_intro();
	for (int half = 0; half < 2 && !err.code; half++) {
		if (half == 1 && lvl == CVM_PROT_NONE)
			break;
		r = run_half(&o, &rt, half ? lvl : CVM_PROT_NONE, dir, runs,
			     &err);
		if (r == -CVM_E_INVALID)
			worst = 3;
	}
	if (!o.keep)
		cvm_oci_state_remove(dir, NULL); /* a flat folder of files */
	if (o.json) {
		top = json_object_new_object();
		json_object_object_add(top, "runs", runs);
		json_object_object_add(top, "protected_skipped",
				       *why ? json_object_new_string(why)
					    : NULL);
		out_json(top);
	} else {
		json_object_put(runs);
		demo_scrape_limits(*why ? why : NULL);
	}
	cvm_oci_runtime_release(&rt);
	return err.code ? cli_error(&err) : worst;
}

const struct cvm_cmd cmd_demo_scrape = {
	.name = "scrape",
	.summary = "can the host read a secret from a guest's memory?",
	.usage = USAGE,
	.help = "Boots a guest that builds a secret at run time (never in its "
		"image, never on\nits console) and reports only its random "
		"suffix; the host then dumps the\nguest's memory (QMP "
		"dump-guest-memory, HMP pmemsave, /proc/<qemu>/mem) and\n"
		"searches for the secret and for a control string that never "
		"entered the guest.\nThe plain guest always runs (the "
		"control: the secret must be found); the\nprotected one runs "
		"when the host can launch it (it must not be).\n\n"
		"  --protection P  none (the plain half only), sev, sev-es, "
		"sev-snp, or auto\n                  (default: the highest "
		"level this host can launch)\n"
		"  --json          one object: {runs: [...], "
		"protected_skipped}\n"
		"  --keep DIR      keep the guest's files (initrd, "
		"console.log) "
		"in DIR\n"
		"  --timeout SEC   boot timeout per guest (default 120)\n\n"
		"Exit status: 0 as expected, 3 when a result contradicts the "
		"protection\n(a protected guest's secret found, or a plain "
		"one's "
		"missed), 1 on errors.\n",
	.run = demo_scrape_run,
};
