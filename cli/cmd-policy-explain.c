/* SPDX-License-Identifier: MIT */
/*
 * `cvm policy explain`: decode an SEV or SEV-SNP guest policy into a
 * table of bits with their meaning, plus warnings (what weakens
 * confidentiality) and errors (what firmware or KVM refuses).
 */
#include <getopt.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cmd-policy.h"
#include "cmd.h"
#include "cvm/host.h"
#include "cvm/policy.h"
#include "out.h"

#define USAGE                                                              \
	"cvm policy explain [--sev|--snp] [--host|--facts FILE] [--json] " \
	"VALUE"

struct explain_opts {
	bool sev, snp, json, host;
	const char *facts, *value;
};

static void
print_human(const struct cvm_policy_report *r, bool guessed)
{
	static const char *const header[] = {"BITS", "FIELD", "VALUE",
					     "MEANING"};
	static const enum out_colour colours[] = {OUT_PLAIN, OUT_YELLOW,
						  OUT_RED};
	struct out_table *t = out_table_new(4, header);
	char b[16], v[32];

	printf("%s guest policy 0x%llx%s\n\n",
	       r->kind == CVM_POLICY_SNP ? "SEV-SNP" : "SEV",
	       (unsigned long long)r->value,
	       guessed ? " (kind guessed from the value; pass --sev or --snp)"
		       : "");
	for (size_t i = 0; i < r->nfields; i++) {
		const char *row[4] = {b, r->fields[i].name, v,
				      r->fields[i].meaning};

		policy_field_bits(&r->fields[i], b, sizeof(b));
		snprintf(v, sizeof(v),
			 r->fields[i].lo == r->fields[i].hi ? "%llu" : "0x%llx",
			 (unsigned long long)r->fields[i].value);
		out_table_row(t, row);
	}
	out_table_print(t, stdout);
	out_table_free(t);
	if (r->nnotes)
		putchar('\n');
	for (size_t i = 0; i < r->nnotes; i++)
		printf("%s%s%s: %s\n",
		       out_sgr(stdout, colours[r->notes[i].level]),
		       cvm_note_level_name(r->notes[i].level),
		       out_reset(stdout), r->notes[i].text);
}

static int
parse(int argc, char **argv, struct explain_opts *o)
{
	static const struct option longopts[] = {
		{"sev", no_argument, NULL, 's'},
		{"snp", no_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		{"host", no_argument, NULL, 'h'},
		{"facts", required_argument, NULL, 'f'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o->sev = true;
			break;
		case 'n':
			o->snp = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			o->host = true;
			break;
		case 'f':
			o->facts = optarg;
			break;
		case ':':
			return cli_usage("cvm policy explain",
					 "option '%s' needs a value",
					 argv[optind - 1]);
		default:
			return cli_usage("cvm policy explain",
					 "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (o->sev && o->snp)
		return cli_usage("cvm policy explain",
				 "--sev and --snp exclude each other");
	if (o->host && o->facts)
		return cli_usage("cvm policy explain",
				 "--host and --facts exclude each other");
	if (optind >= argc)
		return cli_usage("cvm policy explain", "no policy VALUE given");
	if (optind + 1 < argc)
		return cli_usage("cvm policy explain",
				 "unexpected argument '%s'", argv[optind + 1]);
	o->value = argv[optind];
	return 0;
}

/* What the host (probed or replayed) can do. */
static int
host_caps(const struct explain_opts *o, struct cvm_policy_host *ph)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_host_facts *facts = NULL;
	struct cvm_host_report *r = NULL;
	struct cvm_host_opts hopts = {.skip_libvirt = true};
	struct cvm_host_source src = cvm_host_source_real();

	if (o->facts) {
		if (cvm_host_facts_load(o->facts, &facts, &err) < 0)
			return cli_error(&err);
		src = cvm_host_source_facts(facts);
	}
	if (cvm_host_check(&src, &hopts, &r, &err) < 0) {
		cvm_host_facts_free(facts);
		return cli_error(&err);
	}
	cvm_host_policy_host(r, ph);
	cvm_host_report_free(r);
	cvm_host_facts_free(facts);
	return 0;
}

static int
policy_explain_run(int argc, char **argv)
{
	struct explain_opts o = {0};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_policy_report rep;
	struct cvm_policy_host ph;
	enum cvm_policy_kind kind;
	bool guessed = false;
	uint64_t v;
	int rc;

	if ((rc = parse(argc, argv, &o)) != 0)
		return rc;
	kind = o.snp ? CVM_POLICY_SNP : CVM_POLICY_SEV;
	if (cvm_policy_parse(o.value, o.sev ? CVM_POLICY_SEV : CVM_POLICY_SNP,
			     &v, &err) < 0)
		return cli_usage("cvm policy explain", "%s", err.msg);
	if (!o.sev && !o.snp) {
		/* SNP's bit 17 must be 1; SEV policies never exceed 32 bits */
		guessed = true;
		kind = (v >> 32) || (v & (1ull << 17)) ? CVM_POLICY_SNP
						       : CVM_POLICY_SEV;
	}
	if ((o.host || o.facts) && (rc = host_caps(&o, &ph)) != 0)
		return rc;
	cvm_policy_explain(kind, v, o.host || o.facts ? &ph : NULL, &rep);
	if (o.json)
		out_json(policy_report_json(&rep, guessed));
	else
		print_human(&rep, guessed);
	return rep.refused ? 3 : 0;
}

const struct cvm_cmd cmd_policy_explain = {
	.name = "explain",
	.summary = "decode a guest policy bit by bit, with warnings and errors",
	.usage = USAGE,
	.help = "VALUE is hex (0x30000) or decimal (196608); nothing else.\n"
		"\n"
		"options:\n"
		"  --sev          an SEV/SEV-ES policy (32 bits)\n"
		"  --snp          an SEV-SNP policy (64 bits); without "
		"either,\n"
		"                 SNP is assumed when bit 17 or bits 63:32 are "
		"set\n"
		"  --host         also check it against this host (cvm host "
		"check)\n"
		"  --facts FILE   ... against a host recorded with cvm host "
		"facts\n"
		"  --json         the decoded policy as JSON\n"
		"\n"
		"exit status: 0 valid, 3 firmware or KVM would refuse it\n"
		"(an \"error\" note), 2 usage error (a malformed VALUE)\n",
	.run = policy_explain_run,
};
