/* SPDX-License-Identifier: MIT */
/*
 * cvm-oci: a runc-compatible OCI runtime that runs each container in its
 * own microVM, confidential (SEV, SEV-ES, SEV-SNP) where the host can.
 *
 *   dockerd --add-runtime cvm=/usr/local/bin/cvm-oci
 *   docker run --runtime cvm IMAGE CMD
 *   podman --runtime /usr/local/bin/cvm-oci run IMAGE CMD
 *
 * This file: the global options (runc's: --root, --log, --log-format,
 * --debug, and the ones accepted for compatibility) and the verb table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/util.h"

#include "cvm/version.h"
#include "cvm/oci.h"
#include "oci-cmd.h"

static const struct oci_verb *const verbs[] = {
	&verb_checkpoint, &verb_create,	  &verb_delete, &verb_events,
	&verb_exec,	  &verb_features, &verb_initrd, &verb_kill,
	&verb_list,	  &verb_measure,  &verb_pause,	&verb_ps,
	&verb_restore,	  &verb_resume,	  &verb_run,	&verb_start,
	&verb_state,	  &verb_update,	  NULL,
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: cvm-oci [--root DIR] [--log FILE] [--log-format "
		   "text|json] [--debug] COMMAND [ARGS]\n\n"
		   "An OCI runtime (runc's command line) that runs each "
		   "container in its own\nmicroVM, protected by AMD SEV, "
		   "SEV-ES or SEV-SNP where the host can.\n\ncommands:\n");
	for (size_t i = 0; verbs[i]; i++)
		fprintf(f, "  %-11s %s\n", verbs[i]->name, verbs[i]->summary);
	fprintf(f,
		"\nProtection: the annotation " CVM_OCI_ANNOTATION
		"=none|sev|sev-es|sev-snp|auto, else\n" CVM_OCI_CONFIG_DEFAULT
		" (\"protection\"), else auto: the highest level the host "
		"can launch.\n'cvm-oci COMMAND --help' describes a "
		"command.\n");
}

static void
version(void)
{
	printf("cvm-oci version %s\nspec: %s\n", CVM_VERSION,
	       CVM_OCI_SPEC_VERSION);
}

enum gkind { G_ROOT, G_LOG, G_FORMAT, G_DEBUG, G_FLAG, G_VALUE };

/* runc's global options; the last ones are accepted and ignored */
static const struct {
	const char *name;
	enum gkind kind;
} globals[] = {
	{"--root", G_ROOT},	      {"--log", G_LOG},
	{"--log-format", G_FORMAT},   {"--debug", G_DEBUG},
	{"--systemd-cgroup", G_FLAG}, {"--rootless", G_VALUE},
	{"--criu", G_VALUE},
};

/* A global option at argv[*i]; 1 if it was one, 0 if not, 2 on error. */
static int
global(struct oci_ctx *ctx, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *eq = strchr(a, '='), *val;
	size_t n = eq ? (size_t)(eq - a) : strlen(a);

	for (size_t k = 0; k < sizeof(globals) / sizeof(globals[0]); k++) {
		enum gkind g = globals[k].kind;

		if (strlen(globals[k].name) != n ||
		    strncmp(a, globals[k].name, n))
			continue;
		if (g == G_DEBUG || g == G_FLAG) {
			ctx->debug |= g == G_DEBUG;
			return 1;
		}
		if (!eq && *i + 1 >= argc)
			return oci_failf(-CVM_E_USAGE,
					 "option '%s' needs a value", a);
		val = eq ? eq + 1 : argv[++*i];
		if (g == G_ROOT)
			ctx->root = val;
		else if (g == G_LOG)
			ctx->log_path = val;
		else if (g == G_FORMAT && !strcmp(val, "json"))
			ctx->log_json = true;
		else if (g == G_FORMAT && strcmp(val, "text"))
			return oci_failf(-CVM_E_USAGE,
					 "--log-format '%s': text or json",
					 val);
		return 1;
	}
	return 0;
}

/* The global options, then the verb; returns the exit status. */
static int
dispatch(struct oci_ctx *ctx, char **root, int argc, char **argv)
{
	int i, r;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout), 0;
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-v"))
			return version(), 0;
		if ((r = global(ctx, argc, argv, &i)) == 1)
			continue;
		if (r == 0)
			return oci_failf(-CVM_E_USAGE,
					 "unknown global option '%s'", argv[i]);
		return 2;
	}
	/* QEMU runs in the state folder: every path must be absolute */
	if (ctx->root[0] != '/') {
		cleanup_free char *cwd = getcwd(NULL, 0);
		char *abs = cvm_xasprintf("%s/%s", cwd ? cwd : "", ctx->root);

		free(*root);
		ctx->root = *root = abs;
	}
	oci_log_init(ctx);
	if (i >= argc || !strcmp(argv[i], "help")) {
		usage(i >= argc ? stderr : stdout);
		return i >= argc ? 2 : 0;
	}
	for (size_t k = 0; verbs[k]; k++) {
		if (strcmp(verbs[k]->name, argv[i]))
			continue;
		ctx->verb = verbs[k]->name;
		r = verbs[k]->run(ctx, argc - i, argv + i);
		return r < 0 ? 0 : r;
	}
	return oci_failf(-CVM_E_USAGE,
			 "unknown command '%s' (see 'cvm-oci --help')",
			 argv[i]);
}

int
main(int argc, char **argv)
{
	struct oci_ctx ctx = {0};
	char *root = cvm_oci_root_default();
	int r;

	ctx.root = root;
	r = dispatch(&ctx, &root, argc, argv);
	free(root);
	return r;
}
