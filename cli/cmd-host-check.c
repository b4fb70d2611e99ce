/* SPDX-License-Identifier: MIT */
/*
 * `cvm host check`: run every readiness check (on this host, or replayed
 * from a facts file) and print the tree and the verdict: the highest
 * protection launchable now and, per level, the first thing in the way.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-host.h"
#include "cmd.h"
#include "cvm/cleanup.h"
#include "cvm/host.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE                                                       \
	"cvm host check [--json] [--require LEVEL] [--facts FILE] " \
	"[--memory SIZE] [--qemu PATH] [--no-libvirt] [-v]"

struct check_opts {
	struct cvm_host_opts host;
	const char *facts;
	bool json, verbose, have_require;
	enum cvm_protection require;
};

static int
parse(int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"require", required_argument, NULL, 'r'},
		{"facts", required_argument, NULL, 'f'},
		{"memory", required_argument, NULL, 'm'},
		{"qemu", required_argument, NULL, 'q'},
		{"no-libvirt", no_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			o->json = true;
			break;
		case 'r':
			if (cvm_protection_parse(optarg, &o->require) < 0 ||
			    o->require == CVM_PROT_AUTO)
				return cli_usage(
					"cvm host check",
					"--require: '%s' is not a level "
					"(none, sev, sev-es, sev-snp)",
					optarg);
			o->have_require = true;
			break;
		case 'f':
			o->facts = optarg;
			break;
		case 'm':
			if (cvm_parse_size(optarg, &o->host.guest_memory) < 0 ||
			    !o->host.guest_memory)
				return cli_usage("cvm host check",
						 "--memory: '%s' is not a size "
						 "(e.g. 512M, 4G)",
						 optarg);
			break;
		case 'q':
			o->host.qemu = optarg;
			break;
		case 'n':
			o->host.skip_libvirt = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case ':':
			return cli_usage("cvm host check",
					 "option '%s' needs a value",
					 argv[optind - 1]);
		default:
			return cli_usage("cvm host check",
					 "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("cvm host check", "unexpected argument '%s'",
				 argv[optind]);
	return 0;
}

static int
host_check_run(int argc, char **argv)
{
	struct check_opts o = {0};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_host_facts *facts = NULL;
	struct cvm_host_report *r = NULL;
	struct cvm_host_source src = cvm_host_source_real();
	cleanup_free char *name = NULL;
	const char *why = NULL;
	int rc;

	if ((rc = parse(argc, argv, &o)) != 0)
		return rc;
	if (o.facts) {
		if (cvm_host_facts_load(o.facts, &facts, &err) < 0)
			return cli_error(&err);
		src = cvm_host_source_facts(facts);
		name = cvm_xasprintf("facts:%s", o.facts);
		o.host.source_name = name;
	}
	if (cvm_host_check(&src, &o.host, &r, &err) < 0) {
		cvm_host_facts_free(facts);
		return cli_error(&err);
	}
	if (o.json) {
		out_json(cvm_host_report_json(r));
	} else {
		if (facts)
			printf("facts from '%s'%s%s\n\n", o.facts,
			       cvm_host_facts_comment(facts) ? ": " : "",
			       cvm_host_facts_comment(facts)
				       ? cvm_host_facts_comment(facts)
				       : "");
		host_print_tree(r, o.verbose);
		host_print_verdict(r);
	}
	rc = 0;
	if (o.have_require && !cvm_host_can_launch(r, o.require, &why)) {
		fflush(stdout);
		fprintf(stderr, "cvm: error: this host cannot launch %s: %s\n",
			cvm_protection_name(o.require), why);
		rc = 1;
	}
	cvm_host_report_free(r);
	cvm_host_facts_free(facts);
	return rc;
}

const struct cvm_cmd cmd_host_check = {
	.name = "check",
	.summary = "can this host launch SEV, SEV-ES and SEV-SNP guests now?",
	.usage = USAGE,
	.help = "Runs every readiness check (CPU, BIOS, kernel, KVM, /dev/sev\n"
		"and the PSP firmware, memlock, QEMU, OVMF, libvirt) and "
		"prints\n"
		"a tree with the evidence and a fix for each problem, then "
		"the\n"
		"highest protection launchable now and what blocks the "
		"others.\n"
		"\n"
		"options:\n"
		"  --json           the report as JSON "
		"(docs/host-check.schema.json)\n"
		"  --require LEVEL  exit 1 unless LEVEL (none, sev, sev-es, "
		"sev-snp)\n"
		"                   can be launched now\n"
		"  --facts FILE     replay a facts file from `cvm host facts`\n"
		"                   instead of probing this host\n"
		"  --memory SIZE    guest size for the memlock check (default "
		"1G)\n"
		"  --qemu PATH      the QEMU binary to check\n"
		"                   (default qemu-system-x86_64 on $PATH)\n"
		"  --no-libvirt     do not ask libvirt for its capabilities\n"
		"  -v, --verbose    show the evidence of every check\n"
		"\n"
		"exit status: 0 done (and LEVEL launchable), 1 LEVEL not\n"
		"launchable or a facts file unreadable, 2 usage error\n",
	.run = host_check_run,
};
