/* SPDX-License-Identifier: MIT */
/*
 * cvm-oci's command line: one file per verb (cmd-<verb>.c exporting
 * `verb_<verb>`), global options in cvm-oci.c, logging in log.c, the
 * option parser in opts.c.  The verbs and flags are runc's, as docker
 * 20.10 (containerd's runc shim, go-runc) and podman 4.3 (conmon) call
 * them (../shared/docs/docker-sev.md §1.2).
 */
#ifndef CVM_OCI_CMD_H
#define CVM_OCI_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cvm/err.h"
#include "cvm/log.h"
#include "cvm/oci.h"

/* The global options. */
struct oci_ctx {
	const char *root;     /* --root: the state folder */
	const char *log_path; /* --log, or NULL (stderr) */
	bool log_json;	      /* --log-format json */
	bool debug;	      /* --debug */
	const char *verb;     /* for messages */
};

struct oci_verb {
	const char *name;
	const char *summary;
	const char *usage; /* after "cvm-oci " */
	const char *help;  /* options, printed by --help */
	int (*run)(struct oci_ctx *ctx, int argc, char **argv);
};

extern const struct oci_verb verb_create, verb_start, verb_run, verb_state,
	verb_kill, verb_delete, verb_ps, verb_list, verb_features, verb_exec,
	verb_pause, verb_resume, verb_update, verb_checkpoint, verb_restore,
	verb_events, verb_initrd, verb_measure;

/* ---- log.c ---- */

/* Send libcvm's log (and ours) to --log in runc's format, or stderr. */
void oci_log_init(const struct oci_ctx *ctx);
void oci_log(enum cvm_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Log an error, print it on stderr ("cvm-oci: <msg>"), return the exit
 * status for its code (1, 2 for usage errors). */
int oci_fail(const struct cvm_err *err);
int oci_failf(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print `obj` as indented JSON on stdout (runc's style), then put it. */
struct json_object;
void oci_print_json(struct json_object *obj);

/* ---- opts.c ---- */

/* One option: --name / -s, with a value (`value`) or a flag (`flag`). */
struct oci_opt {
	const char *name;
	char shortname;
	const char **value; /* NULL for a flag */
	bool *flag;
};

/*
 * Parse argv[1..] (argv[0] is the verb): options anywhere before "--",
 * "--name value", "--name=value", "-name value" (Go flag style, as runc
 * takes them) and "-s value".  Positional words go to pos[] (at most
 * maxpos; *npos gets the count).  Returns 0, or the exit status of a
 * usage error (already printed).  `--help` prints the verb's help and
 * returns -1.
 */
int oci_opts(const struct oci_verb *v, const struct oci_opt *opts, int argc,
	     char **argv, char **pos, int maxpos, int *npos);
/* Exactly `n` positional words, named in `what` for the message. */
int oci_need(const struct oci_verb *v, int npos, int n, const char *what);
void oci_help(const struct oci_verb *v, FILE *f);

/* ---- cmd-create.c: shared with cmd-run.c ---- */

struct oci_create_opts {
	const char *bundle, *pid_file, *console_socket, *preserve_fds;
	const char *id;
	bool foreground; /* `run`: the caller waits for the monitor */
};
/* Create the container; *monitor gets the monitor's PID. */
int oci_create(struct oci_ctx *ctx, const struct oci_create_opts *o,
	       int *monitor);
/* Start a created container (cmd-start.c). */
int oci_start(struct oci_ctx *ctx, const char *id);
/* Delete (cmd-delete.c). */
int oci_delete(struct oci_ctx *ctx, const char *id, bool force);
/* Run the `kind` hooks of a saved container on its state as `status`;
 * a failure is logged (state-hooks.c). */
void oci_state_hooks(const struct cvm_oci_state *st,
		     enum cvm_oci_hook_kind kind, enum cvm_oci_status status);

/* ---- cmd-initrd.c: shared with cmd-measure.c ---- */

/* What a measured (SEV) launch of a bundle would boot. */
struct oci_boot {
	char *kernel; /* the bzImage OVMF loads */
	char *append; /* the kernel command line */
	uint64_t size;
	char sha256[65]; /* of the initrd */
};
/* Write the bundle's initrd to `path` (atomically) and fill `b`. */
int oci_boot_files(const char *bundle, const char *path, struct oci_boot *b,
		   struct cvm_err *err);
void oci_boot_release(struct oci_boot *b);

#endif
