/* SPDX-License-Identifier: MIT */
/*
 * `cvm run`: boot the cvm unikernel once under QEMU with one or more
 * workloads, stream its console, and report its boot phases and results
 * (a table or --json).  The exit status is the guest's verdict: 0 only
 * when the guest said `exit 0` and every result verified.  The work is
 * done by cvm_run_plan_make() and cvm_guest_run() (lib/guestio).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-run.h"
#include "cmd.h"
#include "cvm/cleanup.h"
#include "cvm/guestio.h"
#include "cvm/proc.h"
#include "cvm/util.h"
#include "out.h"

#define USAGE "cvm run"

struct run_opts {
	struct cvm_run_request req;
	bool json, dry_run, console;
};

static volatile sig_atomic_t run_stop;

static void
run_on_signal(int sig)
{
	(void)sig;
	run_stop = 1;
}

static int
run_parse(int argc, char **argv, struct run_opts *o)
{
	/* options with a value go to cvm_run_request_option() by name */
	static const struct option lo[] = {
		{"guest", 1, NULL, 0},	    {"workload", 1, NULL, 0},
		{"class", 1, NULL, 0},	    {"reps", 1, NULL, 0},
		{"boot", 1, NULL, 0},	    {"memory", 1, NULL, 0},
		{"vcpus", 1, NULL, 0},	    {"accel", 1, NULL, 0},
		{"timeout", 1, NULL, 0},    {"image", 1, NULL, 0},
		{"firmware", 1, NULL, 0},   {"qemu", 1, NULL, 0},
		{"protection", 1, NULL, 0}, {"json", 0, NULL, 'j'},
		{"dry-run", 0, NULL, 'n'},  {"console", 0, NULL, 'c'},
		{"policy", 1, NULL, 0},	    {"facts", 1, NULL, 0},
		{"vcek", 1, NULL, 0},	    {"certs", 1, NULL, 0},
		{"at", 1, NULL, 0},	    {"attest", 0, NULL, 'a'},
		{NULL, 0, NULL, 0},
	};
	struct cvm_err err = CVM_ERR_INIT;
	int c, idx = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, &idx)) != -1) {
		if (c == '?')
			return cli_usage(USAGE,
					 "unknown or incomplete option "
					 "'%s'",
					 argv[optind - 1]);
		o->json |= c == 'j';
		o->dry_run |= c == 'n';
		o->console |= c == 'c';
		o->req.attest |= c == 'a';
		if (c == 0 && cvm_run_request_option(&o->req, lo[idx].name,
						     optarg, &err) < 0)
			return cli_error(&err);
	}
	if (optind < argc)
		return cli_usage(USAGE, "unexpected argument '%s'",
				 argv[optind]);
	if (!o->req.workload && !o->req.attest)
		return cli_usage(USAGE, "--workload NAME is required");
	return 0;
}

/* the console copy stopped mid-line (QEMU killed): end it before an
 * error, so that "cvm: error: ..." starts its own line */
static bool run_console_mid_line;

static void
run_console(void *opaque, const char *data, size_t len, bool cvm1)
{
	(void)opaque;
	(void)cvm1;
	fwrite(data, 1, len, stderr);
	run_console_mid_line = len && data[len - 1] != '\n';
}

static void
run_row(struct out_table *t, const char *name, uint64_t guest_ns, bool guest,
	uint64_t host_ns)
{
	char g[32], h[32];
	const char *cells[3] = {name, guest ? g : "-", h};

	snprintf(g, sizeof(g), "%.3f", (double)guest_ns / 1e6);
	snprintf(h, sizeof(h), "%.3f", (double)host_ns / 1e6);
	out_table_row(t, cells);
}

static void
run_print(const struct cvm_run_plan *p, const struct cvm_guest_run *r)
{
	static const char *const ph[] = {"phase", "guest ms", "host ms"};
	static const char *const rh[] = {"workload", "class", "metric",
					 "value",    "unit",  "verified"};
	const struct cvm_guest_record *rec = &r->rec;
	struct out_table *t = out_table_new(3, ph);

	printf("%s class %c, %s boot, %s, protection %s, %llu MiB, %u vCPU "
	       "(%s)\n",
	       p->req.workload, p->req.cls,
	       p->req.boot == CVM_BOOT_EFI ? "EFI" : "PVH",
	       p->req.accel == CVM_ACCEL_KVM ? "KVM" : "TCG",
	       cvm_protection_name(p->spec.protection),
	       (unsigned long long)p->req.memory_mib, p->req.vcpus,
	       p->accel.reason);
	run_row(t, "exec", 0, false, r->exec_ns);
	if (rec->has_output)
		run_row(t, "first output", 0, false, rec->first_byte_ns);
	for (size_t i = 0; i < rec->nphases; i++)
		run_row(t, rec->phases[i].name, rec->phases[i].guest_ns, true,
			rec->phases[i].host_ns);
	run_row(t, "qemu exit", 0, false, r->end_ns);
	out_table_print(t, stdout);
	out_table_free(t);
	t = out_table_new(6, rh);
	for (size_t i = 0; i < rec->nresults; i++) {
		const struct cvm_guest_result *x = &rec->results[i];
		char cls[2] = {x->cls, 0};
		const char *cells[6] = {
			x->workload,   cls,	x->metric,
			x->value_text, x->unit, cvm_verified_name(x->verified)};

		out_table_row(t, cells);
	}
	if (rec->nresults) {
		printf("\n");
		out_table_print(t, stdout);
	}
	out_table_free(t);
}

static int
run_go(const struct run_opts *o, const struct cvm_run_plan *p)
{
	struct cvm_guest_run_opts ro = {cvm_argv_get(&p->argv),
					(int)p->req.timeout_s * 1000,
					true,
					o->console ? run_console : NULL,
					NULL,
					&run_stop};
	struct cvm_guest_run r;
	struct cvm_err err = CVM_ERR_INIT, verdict = CVM_ERR_INIT;
	struct run_attest a;
	int status;

	run_sev_note(p);
	signal(SIGINT, run_on_signal);
	signal(SIGTERM, run_on_signal);
	if (cvm_guest_run(&ro, &r, &err) < 0)
		return cli_error(&err);
	if (run_console_mid_line)
		fputc('\n', stderr);
	/* the guest's own word on its protection must be the level asked */
	if (cvm_guest_run_verdict(&r, true, &verdict) == 0)
		cvm_guest_record_check_protection(&r.rec, p->spec.protection,
						  &verdict);
	run_attest_verify(p, &r, &a);
	if (o->json) {
		out_json(run_attest_json(&a, cvm_run_json(p, &r, &verdict)));
	} else if (r.rec.nlines) {
		run_print(p, &r);
		run_attest_print(p, &a);
	}
	fflush(stdout);
	run_attest_note(&r.rec);
	status = run_attest_status(&a, verdict.code ? cli_error(&verdict) : 0);
	if (r.stopped)
		status = 130;
	cvm_guest_run_release(&r);
	return status;
}

static int
run_run(int argc, char **argv)
{
	struct run_opts o = {0};
	struct cvm_run_plan plan;
	struct cvm_err err = CVM_ERR_INIT;
	int status;

	if ((status = run_parse(argc, argv, &o)))
		return status;
	o.req.dry_run = o.dry_run;
	if (cvm_run_plan_make(&o.req, &plan, &err) < 0)
		status = cli_error(&err);
	else if (!o.dry_run)
		status = run_go(&o, &plan);
	else
		run_dry(&plan, o.json);
	cvm_run_plan_release(&plan);
	return status;
}

const struct cvm_cmd cmd_run = {
	.name = "run",
	.summary = "boot the cvm unikernel once with workloads and report "
		   "the results",
	.usage = "cvm run [--guest unikernel] --workload NAME[,NAME...] "
		 "[--class S|W|A] [--reps N] [--boot pvh|efi] [--memory SIZE] "
		 "[--vcpus N] [--accel auto|kvm|tcg] [--timeout SECONDS] "
		 "[--image FILE] [--firmware FILE] [--qemu FILE] "
		 "[--protection LEVEL] [--policy N] [--attest] [--facts FILE] "
		 "[--vcek FILE] [--certs PATH] [--at TIME] [--json] "
		 "[--dry-run] [--console]",
	.help = "options:\n"
		"  --workload LIST   hello, stream, ep, is, cg, mg, ft, attest "
		"(tests: fault, hang);\n"
		"                    up to 8, comma-separated, run in one "
		"boot\n"
		"  --class S|W|A     problem size (default S; hello has none)\n"
		"  --reps N          repetitions inside the boot (default 1)\n"
		"  --boot pvh|efi    PVH direct boot (default), or OVMF + EFI "
		"app\n"
		"  --memory SIZE     guest RAM (default: S 64M, W 256M, A 1G, "
		"hello 32M; EFI >= 128M)\n"
		"  --vcpus N         vCPUs (default 1)\n"
		"  --accel MODE      auto (default: probe whether KVM can run "
		"a "
		"guest), kvm or tcg\n"
		"  --timeout SECONDS stop the guest after this (default 300)\n"
		"  --image FILE      the unikernel (default: the build tree's, "
		"$CVM_GUEST_DIR, <prefix>/lib/cvm)\n"
		"  --firmware FILE   OVMF code for EFI (default "
		"/usr/share/OVMF/"
		"OVMF_CODE_4M.fd); its VARS\n"
		"                    template is copied for this run only\n"
		"  --qemu FILE       QEMU binary (default $CVM_QEMU or "
		"qemu-system-x86_64)\n" RUN_HELP_SEV
		"  --json            machine-readable output (schema in the "
		"README)\n"
		"  --dry-run         print the QEMU command line and stop (an "
		"--accel auto probe still runs)\n"
		"  --console         copy the guest's console to stderr\n"
		"exit status: 0 the guest said 'exit 0' and every result "
		"verified (and, with\n--attest, its report); 3 a result or the "
		"report failed verification; 1 any\nother failure (fault, "
		"timeout, QEMU error, a host that cannot); 2 usage\n",
	.run = run_run,
};
