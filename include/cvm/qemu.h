/* SPDX-License-Identifier: MIT */
/*
 * QEMU: what a given qemu-system-x86_64 can do (its version and the object
 * types, machines, devices, accelerators and CPU models it knows), the
 * command line for a `struct cvm_vmspec` on that QEMU, whether KVM can
 * really run guests here, starting QEMU without a shell, and plain
 * explanations of QEMU's error messages.
 *
 * The command lines follow ../shared/docs/launch-and-host.md §3 (QEMU's
 * docs/system/i386/amd-memory-encryption.rst): sev-guest for SEV and
 * SEV-ES, sev-snp-guest (QEMU >= 9.1) with a memfd RAM backend and -bios
 * for SEV-SNP, virtio with iommu_platform and no legacy interface under
 * protection.  Golden files in tests/data/qemu/ pin the output for QEMU
 * 7.2, 8.2, 9.1 and 10.1.
 *
 * Everything here is thread-compatible (no global state); the functions
 * that start QEMU change nothing but their own child processes.
 */
#ifndef CVM_QEMU_H
#define CVM_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cvm/buf.h"
#include "cvm/err.h"
#include "cvm/vmspec.h"

/* ---- argument vectors ---- */

/* A NULL-terminated argv of owned strings, grown as needed. */
struct cvm_argv {
	char **v; /* v[n] == NULL once anything was added */
	size_t n;
	size_t cap;
};
#define CVM_ARGV_INIT      \
	{                  \
		NULL, 0, 0 \
	}

/* Append a copy of `s`. */
void cvm_argv_add(struct cvm_argv *a, const char *s);
void cvm_argv_addf(struct cvm_argv *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The array for execv() and cvm_argv_join(); never NULL. */
const char *const *cvm_argv_get(const struct cvm_argv *a);
/* Free every string and reset to CVM_ARGV_INIT. */
void cvm_argv_release(struct cvm_argv *a);
#define cleanup_argv __attribute__((cleanup(cvm_argv_release)))

/*
 * Append `value` to `b` escaped for a QEMU option list ("a,b" ->
 * "a,,b"): QEMU's QemuOpts syntax uses ',' as the separator and ",," for
 * a literal comma.
 */
void cvm_qemu_opt_escape(struct cvm_buf *b, const char *value);

/* ---- capabilities ---- */

struct cvm_qemu_caps {
	unsigned major, minor, micro; /* "QEMU emulator version 7.2.22" */
	bool probed;		      /* from a binary, not a preset */
	/* -accel help */
	bool accel_kvm, accel_tcg;
	/* -machine help */
	bool machine_q35;
	/* -object help */
	bool obj_sev_guest, obj_sev_snp_guest, obj_memfd;
	/* -device help */
	bool dev_isa_debug_exit, dev_virtio_net, dev_virtio_scsi, dev_scsi_hd,
		dev_scsi_cd;
	/* -cpu help */
	bool cpu_epyc, cpu_epyc_v4;
};

/* Which help listing a text comes from, for cvm_qemu_caps_parse_help(). */
enum cvm_qemu_help {
	CVM_QEMU_HELP_ACCEL,
	CVM_QEMU_HELP_MACHINE,
	CVM_QEMU_HELP_OBJECT,
	CVM_QEMU_HELP_DEVICE,
	CVM_QEMU_HELP_CPU,
};

/* The QEMU binary to use: $CVM_QEMU, else "qemu-system-x86_64". */
const char *cvm_qemu_binary(void);

/*
 * Run `qemu --version` and the five help listings (each a separate QEMU
 * process, about 20 ms each) and fill `out`.  -ENOENT naming the binary
 * when it is missing; -CVM_E_PARSE when the version line is not QEMU's.
 */
int cvm_qemu_caps_probe(const char *qemu, struct cvm_qemu_caps *out,
			struct cvm_err *err);

/* Parse "QEMU emulator version X.Y.Z ..." into out->major/minor/micro. */
int cvm_qemu_caps_parse_version(const char *text, struct cvm_qemu_caps *out,
				struct cvm_err *err);
/* Set the flags that `text` (the output of one help listing) proves. */
void cvm_qemu_caps_parse_help(struct cvm_qemu_caps *out,
			      enum cvm_qemu_help kind, const char *text);

/*
 * What an upstream QEMU of version "X.Y" knows (for golden tests and for
 * `--qemu-version` dry runs): sev-snp-guest from 9.1, the EPYC-v4 CPU
 * model from 8.1, everything else cvm uses from 7.2.  -CVM_E_USAGE for
 * text that is not X.Y[.Z] or a version before 7.2.
 */
int cvm_qemu_caps_preset(const char *version, struct cvm_qemu_caps *out,
			 struct cvm_err *err);

/* True when caps->major.minor >= major.minor. */
bool cvm_qemu_caps_at_least(const struct cvm_qemu_caps *caps, unsigned major,
			    unsigned minor);

/* ---- the command line ---- */

/*
 * The CPU model cvm uses when spec->cpu_model is NULL: "max" under TCG,
 * "host" under KVM, and an EPYC model under SEV (EPYC-v4 when the QEMU
 * has it, else EPYC).  Static string.
 */
const char *cvm_qemu_default_cpu(const struct cvm_vmspec *spec,
				 const struct cvm_qemu_caps *caps);

/*
 * Check that `spec` can be launched by a QEMU with `caps`, without
 * starting anything: no AUTO protection or accelerator left, no SEV under
 * TCG or with PVH boot, no SNP before QEMU 9.1, no pflash variable store
 * for SNP, SEV-only options only with SEV and SNP-only ones only with
 * SNP (base64 blobs of the right decoded size), the ES policy bit
 * matching the level, firmware present exactly for EFI and disk boot, a
 * kernel for PVH and EFI, sane vCPU and memory counts, one serial
 * endpoint.  -CVM_E_USAGE (a contradiction in the request) or
 * -CVM_E_UNSUPPORTED (this QEMU cannot do it), with the reason.
 */
int cvm_qemu_validate(const struct cvm_vmspec *spec,
		      const struct cvm_qemu_caps *caps, struct cvm_err *err);

/*
 * Validate, then put into `out` (released first) the full command line,
 * starting with `qemu` as argv[0].  Deterministic: the same spec and
 * caps always give the same argv (golden-tested).  On failure `out` is
 * left as it was.
 */
int cvm_qemu_build(const struct cvm_vmspec *spec,
		   const struct cvm_qemu_caps *caps, const char *qemu,
		   struct cvm_argv *out, struct cvm_err *err);

/*
 * The variable-store template that belongs to an OVMF code file:
 * ".../OVMF_CODE_4M.fd" -> ".../OVMF_VARS_4M.fd" (the same name with
 * CODE replaced by VARS) when that file exists.  NULL for a file without
 * "CODE" in its name (a combined image such as OVMF.fd or the AmdSev
 * build, started with -bios) or without a sibling.  malloc'd.
 */
char *cvm_qemu_ovmf_vars_template(const char *code);

/* Debian's split OVMF build, used when no firmware is given. */
#define CVM_OVMF_CODE_DEFAULT "/usr/share/OVMF/OVMF_CODE_4M.fd"

/* ---- accelerator detection ---- */

struct cvm_accel_probe {
	enum cvm_accel accel; /* what to use: KVM or TCG */
	bool kvm_works;	      /* the probe guest ran to its end under KVM */
	char reason[256];     /* why (e.g. "KVM internal error. Suberror: 1") */
	uint64_t probe_ns;    /* how long the probe run took (0: none ran) */
};

/*
 * Decide whether KVM can run guests here: the QEMU must list kvm, /dev/kvm
 * must open read-write, and a probe guest must run to its end under
 * `-accel kvm -cpu cpu_model` (NULL: "host"): a 64 KiB firmware image that
 * goes from the reset vector to long mode with paging, reads the local
 * APIC, uses x87 and SSE, and exits through isa-debug-exit.  (A KVM that
 * can open /dev/kvm but not run ordinary guests, such as a PVM-based one,
 * stops with "KVM internal error" or an MSR assertion.)  The probe is
 * killed after 5 s.  Nothing is cached.  Fills `out` with KVM or TCG and
 * the reason; fails only when the probe cannot be run at all.
 */
int cvm_qemu_accel_detect(const char *qemu, const struct cvm_qemu_caps *caps,
			  const char *cpu_model, struct cvm_accel_probe *out,
			  struct cvm_err *err);

/*
 * Write the probe firmware image described above to `path` (0600).
 * Exposed for tests; the probe exits with QEMU status
 * CVM_ACCEL_PROBE_STATUS.
 */
int cvm_qemu_accel_probe_image(const char *path, struct cvm_err *err);
#define CVM_ACCEL_PROBE_STATUS ((0x5a << 1) | 1)

/* ---- running QEMU ---- */

/* A QEMU started in the background with its stdout and stderr on pipes. */
struct cvm_qemu_proc {
	pid_t pid;	   /* -1 when not running / reaped */
	int out_fd;	   /* its stdout (the serial console), non-blocking */
	int err_fd;	   /* its stderr, non-blocking */
	uint64_t start_ns; /* cvm_now_ns() just before the fork */
	uint64_t peak_rss_kib; /* after cvm_qemu_reap(): its peak RSS (wait4) */
};
#define CVM_QEMU_PROC_INIT    \
	{                     \
		-1, -1, -1, 0 \
	}

/*
 * Start argv (argv[0] looked up on $PATH) with stdin on /dev/null, no
 * shell.  Returns once the exec succeeded; -ENOENT naming the program, or
 * the exec's errno, otherwise.
 */
int cvm_qemu_start(const char *const *argv, struct cvm_qemu_proc *p,
		   struct cvm_err *err);

/*
 * Wait for the child (SIGKILL first when `kill_it`), close the pipes and
 * return its exit status as a shell reports it (128 + signal).  Sets
 * p->peak_rss_kib from the child's resource usage (ru_maxrss).
 */
int cvm_qemu_reap(struct cvm_qemu_proc *p, bool kill_it);

/* ---- error explanations ---- */

/* One row of the message map (launch-and-host.md §6-§7). */
struct cvm_qemu_explanation {
	const char *match; /* substring of QEMU's stderr (or the kernel log) */
	const char *layer; /* "QEMU", "host", "config", "firmware", ... */
	const char *text;  /* what it means and what to do, one sentence */
};

/*
 * The explanation for the first row whose match occurs in `output`, or
 * NULL.  Rows are tried in table order (more specific rows first).
 */
const struct cvm_qemu_explanation *cvm_qemu_explain(const char *output);

/* The whole table, for docs and tests; *n gets the number of rows. */
const struct cvm_qemu_explanation *cvm_qemu_explanations(size_t *n);

/*
 * The line of QEMU's stderr worth showing: the first that is not a
 * warning, without the "qemu-system-x86_64: " prefix, at most 300 bytes.
 * Writes "" when there is none.
 */
void cvm_qemu_error_line(const char *output, char *out, size_t size);

#endif
