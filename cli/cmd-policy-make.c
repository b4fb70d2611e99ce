/* SPDX-License-Identifier: MIT */
/*
 * `cvm policy make`: build a guest policy with safe defaults and print
 * it as hex, ready for the launch commands (--policy $(cvm policy make
 * --level sev-snp)).  Warnings about the chosen bits go to stderr.
 */
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>

#include "cmd-policy.h"
#include "cmd.h"
#include "cvm/cleanup.h"
#include "cvm/policy.h"
#include "out.h"

#define USAGE "cvm policy make --level sev|sev-es|sev-snp [OPTIONS] [--json]"

static int
min_firmware(const char *s, struct cvm_policy_opts *o)
{
	unsigned major, minor;
	int n = 0;

	if (sscanf(s, "%3u.%3u%n", &major, &minor, &n) != 2 || s[n] ||
	    major > 255 || minor > 255 || s[0] < '0' || s[0] > '9')
		return cli_usage("cvm policy make",
				 "--min-firmware: '%s' is not MAJOR.MINOR "
				 "(e.g. 1.51)",
				 s);
	o->api_major = (uint8_t)major;
	o->api_minor = (uint8_t)minor;
	return 0;
}

/* The options that set one flag of struct cvm_policy_opts. */
static const struct {
	const char *name;
	size_t offset;
} flags[] = {
	{"allow-debug", offsetof(struct cvm_policy_opts, allow_debug)},
	{"allow-key-sharing",
	 offsetof(struct cvm_policy_opts, allow_key_sharing)},
	{"no-send", offsetof(struct cvm_policy_opts, no_send)},
	{"no-smt", offsetof(struct cvm_policy_opts, no_smt)},
	{"single-socket", offsetof(struct cvm_policy_opts, single_socket)},
	{"cxl-allow", offsetof(struct cvm_policy_opts, cxl_allow)},
	{"aes-256-xts", offsetof(struct cvm_policy_opts, aes_256_xts)},
	{"rapl-dis", offsetof(struct cvm_policy_opts, rapl_dis)},
	{"ciphertext-hiding",
	 offsetof(struct cvm_policy_opts, ciphertext_hiding)},
	{"page-swap-disable",
	 offsetof(struct cvm_policy_opts, page_swap_disable)},
};

enum { O_LEVEL = 1, O_MINFW, O_JSON, O_FLAG = 256 };

static int
parse_level(const char *s, struct cvm_policy_opts *o)
{
	if (cvm_protection_parse(s, &o->level) < 0 ||
	    o->level == CVM_PROT_NONE || o->level == CVM_PROT_AUTO)
		return cli_usage("cvm policy make",
				 "--level: '%s' is not sev, sev-es or sev-snp",
				 s);
	return 0;
}

static int
parse(int argc, char **argv, struct cvm_policy_opts *o, bool *json)
{
	struct option longopts[CVM_ARRAY_SIZE(flags) + 4] = {
		{"level", required_argument, NULL, O_LEVEL},
		{"min-firmware", required_argument, NULL, O_MINFW},
		{"json", no_argument, NULL, O_JSON},
	};
	bool have_level = false;
	int ch, rc = 0;

	for (size_t i = 0; i < CVM_ARRAY_SIZE(flags); i++)
		longopts[3 + i] = (struct option){flags[i].name, no_argument,
						  NULL, O_FLAG + (int)i};
	optind = 0;
	opterr = 0;
	while (!rc &&
	       (ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (ch >= O_FLAG)
			*(bool *)((char *)o + flags[ch - O_FLAG].offset) = true;
		else if (ch == O_LEVEL)
			have_level = (rc = parse_level(optarg, o)) == 0;
		else if (ch == O_MINFW)
			rc = min_firmware(optarg, o);
		else if (ch == O_JSON)
			*json = true;
		else if (ch == ':')
			rc = cli_usage("cvm policy make",
				       "option '%s' needs a value",
				       argv[optind - 1]);
		else
			rc = cli_usage("cvm policy make", "unknown option '%s'",
				       argv[optind - 1]);
	}
	if (rc)
		return rc;
	if (optind < argc)
		return cli_usage("cvm policy make", "unexpected argument '%s'",
				 argv[optind]);
	if (!have_level)
		return cli_usage("cvm policy make",
				 "--level sev|sev-es|sev-snp is required");
	return 0;
}

static void
print_json(const struct cvm_policy_opts *o, const struct cvm_policy_report *r)
{
	struct json_object *obj = json_object_new_object();
	char hex[32];

	snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)r->value);
	json_object_object_add(
		obj, "level",
		json_object_new_string(cvm_protection_name(o->level)));
	json_object_object_add(
		obj, "kind",
		json_object_new_string(cvm_policy_kind_name(r->kind)));
	json_object_object_add(obj, "value", json_object_new_string(hex));
	json_object_object_add(obj, "decimal",
			       json_object_new_int64((int64_t)r->value));
	json_object_object_add(obj, "notes", policy_notes_json(r));
	out_json(obj);
}

static int
policy_make_run(int argc, char **argv)
{
	struct cvm_policy_opts o = {0};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_policy_report rep;
	bool json = false;
	uint64_t v;
	int rc;

	if ((rc = parse(argc, argv, &o, &json)) != 0)
		return rc;
	if (cvm_policy_make(&o, &v, &err) < 0)
		return cli_usage("cvm policy make", "%s", err.msg);
	cvm_policy_explain(o.level == CVM_PROT_SEV_SNP ? CVM_POLICY_SNP
						       : CVM_POLICY_SEV,
			   v, NULL, &rep);
	if (json) {
		print_json(&o, &rep);
		return 0;
	}
	for (size_t i = 0; i < rep.nnotes; i++)
		if (rep.notes[i].level != CVM_NOTE_INFO)
			cli_warn("%s", rep.notes[i].text);
	printf("0x%llx\n", (unsigned long long)v);
	return 0;
}

const struct cvm_cmd cmd_policy_make = {
	.name = "make",
	.summary = "build a guest policy with safe defaults, printed as hex",
	.usage = USAGE,
	.help = "Defaults: sev 0x3 (NODBG|NOKS), sev-es 0x7 (NODBG|NOKS|ES),\n"
		"sev-snp 0x30000 (SMT allowed | bit 17, which must be 1).\n"
		"\n"
		"options:\n"
		"  --level LEVEL         sev, sev-es or sev-snp (required)\n"
		"  --allow-debug         SEV: clear NODBG; SNP: set DEBUG "
		"(the\n"
		"                        host can then read guest memory)\n"
		"  --min-firmware M.N    minimum firmware API (SEV) / ABI "
		"(SNP)\n"
		"  --json                the value and its notes as JSON\n"
		"SEV and SEV-ES only:\n"
		"  --allow-key-sharing   clear NOKS\n"
		"  --no-send             set NOSEND (forbid migration)\n"
		"SEV-SNP only:\n"
		"  --no-smt              clear SMT (host must run with SMT "
		"off)\n"
		"  --single-socket       bit 20\n"
		"  --cxl-allow           bit 21\n"
		"  --aes-256-xts         bit 22, require AES-256-XTS\n"
		"  --rapl-dis            bit 23, require RAPL disabled\n"
		"  --ciphertext-hiding   bit 24\n"
		"  --page-swap-disable   bit 25\n"
		"Bits 20-25 and a clear SMT are refused by older kernels; the\n"
		"warnings say which.\n",
	.run = policy_make_run,
};
