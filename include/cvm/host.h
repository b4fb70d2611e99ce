/* SPDX-License-Identifier: MIT */
/*
 * Host readiness: can this host launch SEV, SEV-ES and SEV-SNP guests
 * right now, and if not, what is in the way?
 *
 * Every fact about the host (CPUID leaves, MSRs, files, device access,
 * /dev/sev and /dev/kvm ioctls, limits, tool output, firmware images) is
 * read through one ops table, `struct cvm_host_ops`.  Three sources
 * implement it:
 *
 *   - cvm_host_source_real(): probes this machine;
 *   - a recorder (cvm_host_recorder_*) that wraps another source and
 *     writes every answer into a facts document (`cvm host facts`);
 *   - a replay source (cvm_host_facts_*) that answers from such a
 *     document, so a facts file from a real Milan, Genoa or Turin host
 *     can be checked anywhere (`cvm host check --facts F.json`).
 *
 * cvm_host_check() runs the checks (docs/host-facts.md lists the facts,
 * docs/host-check.schema.json the report) over a source and returns a
 * report: a tree of checks with status, evidence and a fix, and the
 * verdict: the highest protection launchable now and, per level, the
 * first check in the way.  Launchers (`cvm run`, `cvm vm create
 * --protection auto`, `cvm eval`) call cvm_host_probe() and read the
 * verdict, the C-bit position and the QEMU facts from the report.
 *
 * Not thread-safe per report; separate reports may be built in parallel.
 * The library never prints: everything is in the report.
 */
#ifndef CVM_HOST_H
#define CVM_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm/buf.h"
#include "cvm/err.h"
#include "cvm/ovmf.h"
#include "cvm/policy.h"
#include "cvm/virt.h"
#include "cvm/vmspec.h"

struct json_object;

/* ---- the facts: decoded ioctl results ---------------------------------- */

/*
 * SEV_PLATFORM_STATUS (SEV API spec 55766, "PLATFORM_STATUS"; Linux
 * include/uapi/linux/psp-sev.h struct sev_user_data_status, 12 bytes).
 */
struct cvm_sev_platform_status {
	uint8_t api_major, api_minor; /* firmware "1.55" */
	uint8_t state;		      /* 0 UNINIT, 1 INIT, 2 WORKING */
	uint8_t build;
	uint32_t flags;	      /* bit 0 OWNER, bit 8 CONFIG_ES */
	uint32_t guest_count; /* guests currently running */
};

#define CVM_SEV_STATUS_SIZE    12
#define CVM_SEV_FLAG_OWNER     0x1u
#define CVM_SEV_FLAG_CONFIG_ES 0x100u

/*
 * SNP_PLATFORM_STATUS (SNP firmware ABI spec 56860, "SNP_PLATFORM_STATUS";
 * Linux struct sev_user_data_snp_status, 32 bytes; not in Debian 12's
 * headers, so cvm carries its own copy).
 */
struct cvm_snp_platform_status {
	uint8_t api_major, api_minor;
	uint8_t state;	      /* 0 UNINIT, 1 INIT */
	uint8_t status_flags; /* byte 3: bit 0 RMP initialised, bit 1 alias
			       * check complete, bit 3 TIO enabled */
	uint32_t build_id;
	uint32_t feature_flags; /* bit 0 MASK_CHIP_ID, 1 MASK_CHIP_KEY,
				 * 2 VLEK_EN, 3 FEATURE_INFO, 4 RAPL_DIS,
				 * 5 CIPHERTEXT_HIDING_CAP, 6 ..._EN */
	uint32_t guest_count;
	uint64_t current_tcb, reported_tcb;
};

#define CVM_SNP_STATUS_SIZE	   32
#define CVM_SNP_STATUS_RMP_INIT	   0x1u
#define CVM_SNP_STATUS_ALIAS_CHECK 0x2u

/* Decode the raw ioctl buffers (bounds-checked; -EINVAL when short). */
int cvm_sev_platform_status_decode(const uint8_t *p, size_t n,
				   struct cvm_sev_platform_status *out);
int cvm_snp_platform_status_decode(const uint8_t *p, size_t n,
				   struct cvm_snp_platform_status *out);

/*
 * A TCB_VERSION split into its components.  Milan and Genoa (families
 * 0x19): byte 0 boot loader, 1 TEE, 6 SNP, 7 microcode; Turin (family
 * 0x1A) adds FMC in byte 0 and shifts: 1 boot loader, 2 TEE, 3 SNP,
 * 7 microcode (SNP ABI spec 56860, "TCB_VERSION").
 */
struct cvm_tcb {
	bool has_fmc;
	uint8_t fmc, boot_loader, tee, snp, microcode;
};
void cvm_tcb_decode(uint64_t tcb, unsigned cpu_family, struct cvm_tcb *out);

/* A program's captured result, as the ops table reports it. */
struct cvm_host_run {
	int status; /* exit status, 128 + signal */
	bool timed_out;
	struct cvm_buf out; /* stdout */
	struct cvm_buf err; /* stderr */
};
#define CVM_HOST_RUN_INIT                            \
	{                                            \
		0, false, CVM_BUF_INIT, CVM_BUF_INIT \
	}
void cvm_host_run_release(struct cvm_host_run *r);

/*
 * What the libvirt daemon says about SEV, through its C API (cvm/virt.h):
 * virNodeGetSEVInfo and the <sev> element of the domain capabilities
 * (q35, virt type kvm).  Each query has its own result: 0, or a negative
 * errno with the message in that query's `why`.
 */
struct cvm_host_libvirt {
	char version[32]; /* the daemon's libvirt, "9.0.0" */
	int node_rc;
	struct cvm_virt_sev_caps node;
	int domcaps_rc;
	struct cvm_virt_sev_caps domcaps;
	char why[256]; /* why the connection failed (when it did) */
};

/* ---- the ops table ------------------------------------------------------ */

/*
 * Every operation returns 0 on success or a negative errno, which is a
 * fact too (-ENOENT for a missing file, -EACCES, -ENOTTY ...).  A replay
 * source returns CVM_HOST_NOFACT when the facts document does not hold
 * the answer.  Outputs are only written on success; buffers are replaced.
 * `ctx` is the source's own state.
 */
#define CVM_HOST_NOFACT (-ENODATA)

struct cvm_host_ops {
	/* CPUID leaf/subleaf: regs = EAX, EBX, ECX, EDX */
	int (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf,
		     uint32_t regs[4]);
	/* RDMSR through /dev/cpu/<cpu>/msr */
	int (*rdmsr)(void *ctx, unsigned cpu, uint32_t msr, uint64_t *val);
	/* a whole (small) file: sysfs, procfs */
	int (*read_file)(void *ctx, const char *path, struct cvm_buf *out);
	/* directory entries, sorted, "\n"-separated, without . and .. */
	int (*list_dir)(void *ctx, const char *path, struct cvm_buf *out);
	/* open(path, flags) and close: can we read/write a device? */
	int (*open_access)(void *ctx, const char *path, int flags);
	/* the flags line of the first processor in /proc/cpuinfo */
	int (*cpuinfo_flags)(void *ctx, struct cvm_buf *out);
	/* SEV_ISSUE_CMD on /dev/sev; `fw_error` gets the firmware status
	 * (also on failure, 0 when none) */
	int (*sev_status)(void *ctx, struct cvm_sev_platform_status *st,
			  uint32_t *fw_error);
	int (*snp_status)(void *ctx, struct cvm_snp_platform_status *st,
			  uint32_t *fw_error);
	/* KVM_GET_API_VERSION on /dev/kvm */
	int (*kvm_api_version)(void *ctx, int *version);
	/* getrlimit(RLIMIT_MEMLOCK); UINT64_MAX = unlimited */
	int (*memlock)(void *ctx, uint64_t *soft, uint64_t *hard);
	/* uname(2) release and machine, into "release\nmachine" */
	int (*uname)(void *ctx, struct cvm_buf *out);
	/* the effective user id */
	int (*euid)(void *ctx, unsigned *uid);
	/* where a program is ($PATH, then the sbin/libexec folders) */
	int (*find_program)(void *ctx, const char *name, struct cvm_buf *path);
	/* run argv (argv[0] a path) to completion, capturing its output */
	int (*run)(void *ctx, const char *const *argv, int timeout_ms,
		   struct cvm_host_run *out);
	/* parse a firmware image (cvm_ovmf_parse) */
	int (*firmware)(void *ctx, const char *path,
			struct cvm_ovmf_info *info);
	/* connect to the libvirt daemon at `uri` and ask it about SEV; a
	 * connection that fails is the answer (-ECONNREFUSED: no daemon
	 * there), with libvirt's message in out->why also then */
	int (*libvirt)(void *ctx, const char *uri,
		       struct cvm_host_libvirt *out);
};

struct cvm_host_source {
	const struct cvm_host_ops *ops;
	void *ctx;
};

/* This machine. */
struct cvm_host_source cvm_host_source_real(void);

/*
 * A facts document (JSON, docs/host-facts.md).  Load one to replay it, or
 * create an empty one and record into it.
 */
struct cvm_host_facts;

/* An empty document, ready for recording. */
struct cvm_host_facts *cvm_host_facts_new(void);
/* Parse `text` / the file `path`; -CVM_E_PARSE naming the file and the
 * reason for malformed documents. */
int cvm_host_facts_parse(const char *text, const char *name,
			 struct cvm_host_facts **out, struct cvm_err *err);
int cvm_host_facts_load(const char *path, struct cvm_host_facts **out,
			struct cvm_err *err);
void cvm_host_facts_free(struct cvm_host_facts *f);
/* The document (borrowed: owned by `f`). */
struct json_object *cvm_host_facts_json(struct cvm_host_facts *f);
/* The document's "comment" member, or NULL. */
const char *cvm_host_facts_comment(struct cvm_host_facts *f);

/* Answer from `f` (which must outlive the source). */
struct cvm_host_source cvm_host_source_facts(struct cvm_host_facts *f);

/*
 * A recorder: answers from `inner` and stores every answer in `into`.
 * Both must outlive the recorder; the struct is the source's context.
 */
struct cvm_host_recorder {
	struct cvm_host_source inner;
	struct cvm_host_facts *into;
};
struct cvm_host_source cvm_host_source_recorder(struct cvm_host_recorder *r);

/* ---- the check ---------------------------------------------------------- */

enum cvm_check_status {
	CVM_CHECK_OK,
	CVM_CHECK_WARN,
	CVM_CHECK_FAIL,
	CVM_CHECK_SKIP,
};

/* "ok", "warn", "fail", "skip" */
const char *cvm_check_status_name(enum cvm_check_status s);

/* Which levels a check must pass for: bit (1 << enum cvm_protection). */
#define CVM_GATE(p) (1u << (p))
#define CVM_GATE_ALL                                          \
	(CVM_GATE(CVM_PROT_SEV) | CVM_GATE(CVM_PROT_SEV_ES) | \
	 CVM_GATE(CVM_PROT_SEV_SNP))

/*
 * One check.  All strings belong to the report.  A check whose parent
 * (or the check it depends on) failed or was skipped is itself skipped,
 * with `cause` naming the failed one.  A level is launchable when no
 * check gating it has status FAIL or SKIP (docs/host-facts.md lists the
 * checks and their gates).
 */
struct cvm_host_check {
	char *id;	/* stable: "cpu.sev", "kvm.snp", "firmware:/path" */
	char *name;	/* "SEV", "SEV-SNP enabled in KVM", a firmware path */
	int parent;	/* index in the report, -1 for a top-level check */
	unsigned depth; /* 0 for top-level */
	unsigned gates; /* CVM_GATE() mask */
	enum cvm_check_status status;
	char *message;	/* one line: the result in words */
	char *evidence; /* what was read, e.g. "CPUID 0x8000001F: EAX=..." */
	char *fix;	/* one line, or NULL */
	int cause;	/* skipped because this check failed, else -1 */
};

struct cvm_host_level {
	bool launchable;
	int blocker; /* index of the first check in the way, -1 if none */
	/* "<id>: <message> (<evidence>)" of the blocker, or NULL */
	char *message;
};

struct cvm_host_firmware {
	char *path;
	struct cvm_ovmf_info info; /* valid when `parsed` */
	bool parsed;
	bool secure_boot; /* a Secure Boot build (needs SMM): not for SEV */
};

struct cvm_host_report {
	struct cvm_host_check *checks; /* tree order: parents first */
	size_t nchecks;

	/* the verdict; level[] is indexed by enum cvm_protection (SEV..SNP) */
	enum cvm_protection max;
	struct cvm_host_level level[CVM_PROT_SEV_SNP + 1];

	/* facts launchers need (valid when the have_ flag is set) */
	bool have_cbit;
	unsigned cbitpos;	      /* CPUID 0x8000001F EBX[5:0] */
	unsigned phys_addr_reduction; /* CPUID 0x8000001F EBX[11:6] (host) */
	unsigned reduced_phys_bits;   /* what to pass to QEMU: 1 (AMD) */
	unsigned cpu_family, cpu_model;

	char *qemu_path;    /* NULL when no QEMU was found */
	char *qemu_version; /* "7.2.22" */
	unsigned qemu_major, qemu_minor, qemu_micro;
	bool qemu_sev_guest;	 /* `-object help` lists sev-guest */
	bool qemu_sev_snp_guest; /* ... sev-snp-guest */

	char *kernel_release; /* "6.1.0-28-amd64" */
	int kvm_api_version;  /* -1 when /dev/kvm could not be used */

	bool have_sev_status;
	struct cvm_sev_platform_status sev_status;
	bool have_snp_status;
	struct cvm_snp_platform_status snp_status;

	uint64_t memlock_soft, memlock_hard; /* UINT64_MAX = unlimited */
	uint64_t guest_memory;		     /* the size checked against */

	char *libvirt_version; /* NULL when not installed */

	struct cvm_host_firmware *firmware; /* every OVMF image found */
	size_t nfirmware;

	char *source; /* "probe" or "facts:<file>" */
};

struct cvm_host_opts {
	const char *qemu;	 /* QEMU binary; NULL: qemu-system-x86_64 */
	uint64_t guest_memory;	 /* bytes for the memlock check; 0: 1 GiB */
	bool skip_libvirt;	 /* do not ask libvirt (it may be slow) */
	const char *source_name; /* for report->source; NULL: "probe" */
};

/*
 * Run every check over `src` into a new report (free it with
 * cvm_host_report_free()).  Facts that cannot be read are results, not
 * errors; this fails only on invalid options.
 */
int cvm_host_check(const struct cvm_host_source *src,
		   const struct cvm_host_opts *opts,
		   struct cvm_host_report **out, struct cvm_err *err);

/*
 * cvm_host_check() over this machine.  It starts QEMU twice (--version,
 * -object help) and, unless opts->skip_libvirt, libvirtd --version and
 * connects to qemu:///system; about 0.05 s on the development VM without
 * libvirtd (longer when libvirtd answers: it may probe QEMU first).
 */
int cvm_host_probe(const struct cvm_host_opts *opts,
		   struct cvm_host_report **out, struct cvm_err *err);

void cvm_host_report_free(struct cvm_host_report *r);

/*
 * Can the host launch `level` now?  NONE is always launchable.  When it
 * cannot and `why` is not NULL, *why gets the blocker's text (borrowed
 * from the report): "<check id>: <message> (<evidence>)".
 */
bool cvm_host_can_launch(const struct cvm_host_report *r,
			 enum cvm_protection level, const char **why);

/* The check with `id`, or NULL. */
const struct cvm_host_check *
cvm_host_report_find(const struct cvm_host_report *r, const char *id);

/*
 * What the host can do, for cvm_policy_explain() ("ES policy on a host
 * without SEV-ES" and firmware-version notes).
 */
void cvm_host_policy_host(const struct cvm_host_report *r,
			  struct cvm_policy_host *out);

/*
 * The report as JSON (docs/host-check.schema.json); the caller owns the
 * object (json_object_put).
 */
struct json_object *cvm_host_report_json(const struct cvm_host_report *r);

#endif
