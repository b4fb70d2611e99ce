/* SPDX-License-Identifier: MIT */
/*
 * `cvm host facts`: probe this host the way `cvm host check` does and
 * record every answer (CPUID, MSRs, files, ioctls, tool output) as a
 * facts file that `cvm host check --facts` replays anywhere.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "cvm/host.h"
#include "cvm/util.h"
#include "cvm/version.h"
#include "out.h"

#define USAGE                                                        \
	"cvm host facts [-o FILE] [--comment TEXT] [--memory SIZE] " \
	"[--qemu PATH] [--no-libvirt]"

struct facts_opts {
	struct cvm_host_opts host;
	const char *out, *comment;
};

static int
parse(int argc, char **argv, struct facts_opts *o)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"comment", required_argument, NULL, 'c'},
		{"memory", required_argument, NULL, 'm'},
		{"qemu", required_argument, NULL, 'q'},
		{"no-libvirt", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			o->out = optarg;
			break;
		case 'c':
			o->comment = optarg;
			break;
		case 'm':
			if (cvm_parse_size(optarg, &o->host.guest_memory) < 0 ||
			    !o->host.guest_memory)
				return cli_usage("cvm host facts",
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
		case ':':
			return cli_usage("cvm host facts",
					 "option '%s' needs a value",
					 argv[optind - 1]);
		default:
			return cli_usage("cvm host facts",
					 "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("cvm host facts", "unexpected argument '%s'",
				 argv[optind]);
	return 0;
}

static int
host_facts_run(int argc, char **argv)
{
	struct facts_opts o = {0};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_host_recorder rec;
	struct cvm_host_source src;
	struct cvm_host_report *r = NULL;
	struct json_object *doc;
	char *text;
	int rc;

	if ((rc = parse(argc, argv, &o)) != 0)
		return rc;
	rec.inner = cvm_host_source_real();
	rec.into = cvm_host_facts_new();
	doc = cvm_host_facts_json(rec.into);
	json_object_object_add(doc, "recorded_by",
			       json_object_new_string("cvm " CVM_VERSION));
	if (o.comment)
		json_object_object_add(doc, "comment",
				       json_object_new_string(o.comment));
	src = cvm_host_source_recorder(&rec);
	if (cvm_host_check(&src, &o.host, &r, &err) < 0) {
		cvm_host_facts_free(rec.into);
		return cli_error(&err);
	}
	cvm_host_report_free(r);
	text = cvm_xasprintf(
		"%s\n",
		json_object_to_json_string_ext(
			doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				     JSON_C_TO_STRING_NOSLASHESCAPE));
	rc = 0;
	if (!o.out)
		fputs(text, stdout);
	else if (cvm_file_write_atomic(o.out, text, strlen(text), 0644, &err) <
		 0)
		rc = cli_error(&err);
	free(text);
	cvm_host_facts_free(rec.into);
	return rc;
}

const struct cvm_cmd cmd_host_facts = {
	.name = "facts",
	.summary = "record this host's facts for `cvm host check --facts`",
	.usage = USAGE,
	.help = "Probes this host exactly as `cvm host check` does and prints\n"
		"every answer as JSON (docs/host-facts.md): CPUID leaves, "
		"MSRs,\n"
		"sysfs and procfs files, /dev/sev and /dev/kvm ioctls, "
		"limits,\n"
		"tool output, firmware summaries.  Missing things are "
		"recorded\n"
		"too (e.g. {\"error\": \"ENOENT\"}).\n"
		"\n"
		"options:\n"
		"  -o, --output FILE  write FILE (atomically) instead of "
		"stdout\n"
		"  --comment TEXT     a note stored in the file (\"Genoa, BIOS "
		"X\")\n"
		"  --memory SIZE      guest size for the memlock check\n"
		"  --qemu PATH        the QEMU binary to ask\n"
		"  --no-libvirt       do not ask libvirt\n",
	.run = host_facts_run,
};
