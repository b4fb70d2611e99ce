/* SPDX-License-Identifier: MIT */
/*
 * cvm-oci: a runc-compatible OCI runtime that runs each container's
 * process inside its own microVM, confidential where the host can
 * (../shared/docs/docker-sev.md).  This is the library half; the
 * `cvm-oci` binary (shim/) is a thin command line over it.
 *
 *   bundle/config.json --cvm_oci_spec_load--> struct cvm_oci_spec
 *   + runtime settings  --cvm_oci_plan_make--> struct cvm_oci_plan
 *     (protection from the io.cvm.protection annotation or the runtime
 *     config, resolved with the host check; the kernel; QEMU's argv)
 *   + cvm_oci_initrd_write: the rootfs, the agent as /init and its spec
 *   create forks the monitor (cvm_oci_monitor_run), which owns the VM
 *   and exits with the workload's status; state lives in
 *   <root>/<id>/state.json (runtime-spec runtime.md "State").
 *
 * Everything reports errors as values (struct cvm_err) with runc-style
 * one-line messages; nothing prints.  Not thread-safe: a runtime
 * invocation is one thread.
 */
#ifndef CVM_OCI_H
#define CVM_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cvm/buf.h"
#include "cvm/err.h"
#include "cvm/qemu.h"
#include "cvm/vmspec.h"

struct json_object;

/* The OCI runtime spec version cvm-oci implements and reports. */
#define CVM_OCI_SPEC_VERSION "1.0.2"
/* The annotation that selects the protection of one container. */
#define CVM_OCI_ANNOTATION "io.cvm.protection"

/* ---- config.json --------------------------------------------------- */

enum cvm_oci_hook_kind {
	CVM_OCI_HOOK_PRESTART,
	CVM_OCI_HOOK_CREATE_RUNTIME,
	CVM_OCI_HOOK_CREATE_CONTAINER,
	CVM_OCI_HOOK_START_CONTAINER,
	CVM_OCI_HOOK_POSTSTART,
	CVM_OCI_HOOK_POSTSTOP,
	CVM_OCI_HOOK_KINDS,
};

/* "prestart", "createRuntime", ... (the config.json member names) */
const char *cvm_oci_hook_kind_name(enum cvm_oci_hook_kind k);

struct cvm_oci_hook {
	char *path;
	char **args; /* NULL-terminated; may be empty */
	char **env;  /* NULL-terminated; may be empty */
	int timeout; /* seconds, 0 = none */
};

struct cvm_oci_hooks {
	struct cvm_oci_hook *v;
	size_t n;
};

/* How the guest realises one OCI mount. */
enum cvm_oci_mount_kind {
	CVM_OCI_MOUNT_FS,	 /* a filesystem the guest kernel mounts */
	CVM_OCI_MOUNT_DEV,	 /* tmpfs on /dev, populated like runc's */
	CVM_OCI_MOUNT_COPY_FILE, /* bind of a host file: copied in */
	CVM_OCI_MOUNT_COPY_DIR,	 /* bind of a host directory: copied in */
};

struct cvm_oci_mount {
	char *destination, *type, *source;
	enum cvm_oci_mount_kind kind;
	unsigned long flags; /* MS_* from the options */
	char *data;	     /* the options mount(2) takes as data */
};

/*
 * The parts of a bundle's config.json that cvm-oci uses.  Parsing
 * refuses what a VM cannot honour (linux.devices, bind mounts of
 * sockets or devices, unknown mount types, other platforms' sections)
 * with -CVM_E_UNSUPPORTED, and what is not valid OCI with -CVM_E_PARSE;
 * both name the field.  Namespaces, cgroups, capabilities, seccomp,
 * rlimits and the like are accepted and left to the VM boundary.
 */
struct cvm_oci_spec {
	char *bundle;	 /* absolute */
	char *root_path; /* absolute (relative paths resolved in bundle) */
	bool root_readonly;
	bool terminal;
	unsigned console_rows, console_cols;
	char **args; /* NULL-terminated, at least one */
	size_t nargs;
	char **env; /* NULL-terminated */
	size_t nenv;
	char *cwd;
	uint32_t uid, gid;
	uint32_t *gids;
	size_t ngids;
	bool has_umask;
	uint32_t umask;
	char *hostname; /* NULL when not set */
	struct cvm_oci_mount *mounts;
	size_t nmounts;
	struct cvm_oci_hooks hooks[CVM_OCI_HOOK_KINDS];
	struct json_object *hooks_json;	 /* the "hooks" member, or NULL */
	struct json_object *annotations; /* an object, or NULL */
	uint64_t memory_limit;		 /* bytes, 0 = no limit */
	unsigned vcpus;			 /* from linux.resources.cpu, 0 = any */
};

/*
 * Read `bundle`/config.json (runtime-spec config.md) and check that the
 * rootfs exists.  *out is freed with cvm_oci_spec_free().
 */
int cvm_oci_spec_load(const char *bundle, struct cvm_oci_spec **out,
		      struct cvm_err *err);
/* The same from text; `bundle` resolves relative paths (not checked). */
int cvm_oci_spec_parse(const char *text, const char *bundle,
		       struct cvm_oci_spec **out, struct cvm_err *err);
void cvm_oci_spec_free(struct cvm_oci_spec *s);
/* An annotation's value, or NULL (borrowed from the spec). */
const char *cvm_oci_spec_annotation(const struct cvm_oci_spec *s,
				    const char *key);

/* Parse a "hooks" object (as kept in the state) into `out`. */
int cvm_oci_hooks_parse(struct json_object *hooks, enum cvm_oci_hook_kind k,
			struct cvm_oci_hooks *out, struct cvm_err *err);
void cvm_oci_hooks_release(struct cvm_oci_hooks *h);

/*
 * Run the hooks in order, each with `state_json` on its stdin and its
 * own timeout (runtime-spec config.md "POSIX-platform Hooks").  Stops at
 * the first failure: -CVM_E_CHILD naming the hook kind, its path and its
 * exit status (and the first line it wrote on stderr).
 */
int cvm_oci_hooks_run(const struct cvm_oci_hooks *h, enum cvm_oci_hook_kind k,
		      const char *state_json, struct cvm_err *err);

/* ---- the runtime's own settings ------------------------------------ */

/*
 * /etc/cvm/oci.json (or the file named by $CVM_OCI_CONFIG), every member
 * optional:
 *   {"protection": "auto", "kernel": "/boot/vmlinuz-...",
 *    "firmware": "/path/OVMF.fd", "qemu": "qemu-system-x86_64",
 *    "accel": "auto"|"kvm"|"tcg", "memory_mib": 256, "vcpus": 1,
 *    "append": "extra kernel arguments"}
 * The environment overrides single members for tests and one-off runs:
 * CVM_OCI_PROTECTION, CVM_QEMU, CVM_LINUX_KERNEL, CVM_OCI_ACCEL.
 */
struct cvm_oci_runtime {
	enum cvm_protection protection; /* default AUTO */
	char *kernel;			/* bzImage; NULL: newest in /boot */
	char *firmware;			/* OVMF for SEV launches; NULL: best */
	char *qemu;			/* NULL: cvm_qemu_binary() */
	enum cvm_accel accel;		/* AUTO: KVM if it runs guests */
	uint64_t memory_mib;		/* default 256 */
	unsigned vcpus;			/* default 1 */
	char *append;			/* extra kernel arguments or NULL */
	char *source;			/* the file read, or NULL */
};

#define CVM_OCI_CONFIG_DEFAULT "/etc/cvm/oci.json"

/* Load the settings (a missing default file is fine; a missing named
 * one is not).  Release with cvm_oci_runtime_release(). */
int cvm_oci_runtime_load(struct cvm_oci_runtime *rt, struct cvm_err *err);
void cvm_oci_runtime_release(struct cvm_oci_runtime *rt);

/* ---- the launch plan ------------------------------------------------ */

struct cvm_oci_plan {
	enum cvm_protection protection; /* resolved: never AUTO */
	char reason[512];		/* why this level (for the log) */
	enum cvm_accel accel;
	char *qemu;
	char *kernel;	/* what QEMU boots: vmlinux (PVH) or bzImage (OVMF) */
	char *firmware; /* SEV launches only */
	bool measured;	/* SEV: kernel, initrd and cmdline are measured */
	uint64_t memory_mib;
	unsigned vcpus;
	char *append;	      /* the kernel command line */
	struct cvm_vmspec vm; /* SEV launches: the spec lib/qemu builds */
};

/*
 * Decide protection (annotation io.cvm.protection, else the runtime
 * setting; AUTO is the highest level the host check allows), pick the
 * accelerator, kernel and firmware, size the VM for an initrd of
 * `initrd_bytes`.  A level that was asked for by name and cannot be
 * launched is -CVM_E_HOST with the host check's reason: never a silent
 * fallback.  Release with cvm_oci_plan_release().
 */
int cvm_oci_plan_make(const struct cvm_oci_spec *s,
		      const struct cvm_oci_runtime *rt, uint64_t initrd_bytes,
		      struct cvm_oci_plan *p, struct cvm_err *err);
void cvm_oci_plan_release(struct cvm_oci_plan *p);

/*
 * The guest kernel's command line for an accelerator: "console=ttyS0
 * panic=-1 quiet rdinit=/init cryptomgr.notests", the TSC rate under
 * TCG (tsc_early_khz: the guest cannot calibrate it), then the
 * runtime's "append".  With measured direct boot it is part of the
 * launch digest.  malloc'd.
 */
char *cvm_oci_cmdline(const struct cvm_oci_runtime *rt, enum cvm_accel accel);

/*
 * QEMU's argv for the plan.  Paths are relative to the state directory
 * QEMU runs in: "console.log" (ttyS0), "qmp.sock"; `initrd` is used as
 * given.  The control channel (ttyS1) is the connected socket QEMU
 * inherits as descriptor `ctl_fd`.  Unprotected guests boot the PVH
 * vmlinux on a microvm machine; SEV guests go through cvm_qemu_build()
 * (q35, OVMF).
 */
int cvm_oci_plan_argv(const struct cvm_oci_plan *p, const char *initrd,
		      int ctl_fd, struct cvm_argv *out, struct cvm_err *err);

/* ---- the initramfs ------------------------------------------------- */

/* The guest agent program cvm-oci embeds (a static ELF). */
const uint8_t *cvm_oci_agent(size_t *len);

/*
 * Write the guest's initramfs to `fd`: /init (the agent), /.cvm/spec
 * (the process, mounts and user, lib/oci/oci-proto.h), the rootfs under
 * /ctr and the bind-mounted files and folders at their destinations.
 * Reproducible: sorted entries, the rootfs's owners (others 0), mtime
 * 0, inode numbers in order, so the same bundle and config give the
 * same bytes (and, with SNP and measured direct boot, the same launch
 * digest).  `scrape` builds the demo guest instead (no rootfs, the
 * agent in scrape mode).
 */
int cvm_oci_initrd_write(const struct cvm_oci_spec *s, int fd,
			 struct cvm_err *err);
int cvm_oci_initrd_write_scrape(int fd, struct cvm_err *err);
/* The spec file alone (for tests). */
void cvm_oci_spec_encode(const struct cvm_oci_spec *s, struct cvm_buf *out);

/* ---- state ------------------------------------------------------------ */

enum cvm_oci_status {
	CVM_OCI_CREATING,
	CVM_OCI_CREATED,
	CVM_OCI_RUNNING,
	CVM_OCI_STOPPED,
};
/* "creating", "created", "running", "stopped" */
const char *cvm_oci_status_name(enum cvm_oci_status s);

struct cvm_oci_state {
	char *id, *bundle, *rootfs;
	char *created;	    /* RFC 3339, UTC, nanoseconds */
	pid_t pid;	    /* the monitor */
	uint64_t pid_start; /* its start time (/proc/PID/stat field 22) */
	bool started;	    /* `start` ran */
	enum cvm_protection protection;
	char *protection_reason;
	struct json_object *annotations; /* owned, or NULL */
	struct json_object *hooks;	 /* config.json "hooks", or NULL */
};

/* runc's rule: [A-Za-z0-9_+.-]+, not "." or "..", at most 1024 bytes. */
int cvm_oci_id_check(const char *id, struct cvm_err *err);
/* The default --root: /run/cvm-oci for root, else
 * $XDG_RUNTIME_DIR/cvm-oci.  malloc'd. */
char *cvm_oci_root_default(void);
/* <root>/<id>, malloc'd. */
char *cvm_oci_state_dir(const char *root, const char *id);

/* Remove a state folder and everything in it (it holds no subfolders);
 * a missing folder is fine. */
int cvm_oci_state_remove(const char *dir, struct cvm_err *err);

/* Write <dir>/state.json atomically. */
int cvm_oci_state_save(const char *dir, const struct cvm_oci_state *st,
		       struct cvm_err *err);
/*
 * Load the state of `id`.  -ENOENT with "container 'ID' does not exist"
 * when there is none.  Free with cvm_oci_state_free().
 */
int cvm_oci_state_load(const char *root, const char *id,
		       struct cvm_oci_state **out, struct cvm_err *err);
void cvm_oci_state_free(struct cvm_oci_state *st);
/* created / running while the recorded monitor lives, else stopped. */
enum cvm_oci_status cvm_oci_state_status(const struct cvm_oci_state *st);
/* The runtime-spec state object (plus runc's rootfs, created, owner and
 * cvm's "io.cvm.protection" annotation-style extras under "cvm"). */
struct json_object *cvm_oci_state_json(const struct cvm_oci_state *st,
				       enum cvm_oci_status status);
/* Field 22 of /proc/PID/stat (0 when the process is gone or a zombie). */
uint64_t cvm_oci_pid_start(pid_t pid);
/* Current time as runc writes "created". */
void cvm_oci_now_rfc3339(char *out, size_t size);

/* ---- signals ---------------------------------------------------------- */

/* "TERM", "SIGTERM", "sigterm", "15" -> 15.  -EINVAL naming the text. */
int cvm_oci_signal_parse(const char *s, int *sig, struct cvm_err *err);
/* "TERM" for 15, NULL for an unknown number. */
const char *cvm_oci_signal_name(int sig);

/* ---- the console socket ---------------------------------------------- */

/*
 * runc's --console-socket protocol (runc libcontainer/utils/cmsg.go
 * SendFd): open a pty, send its master over the AF_UNIX socket at `path`
 * in one message (the pty's name as bytes, the descriptor in SCM_RIGHTS)
 * and return the slave in *slave.
 */
int cvm_oci_console_send(const char *path, int *slave, struct cvm_err *err);

/* ---- the monitor ------------------------------------------------------ */

struct cvm_oci_monitor {
	const char *state_dir;	      /* QEMU's working directory */
	const char *const *qemu_argv; /* from cvm_oci_plan_argv(.., 3, ..) */
	int start_fd;  /* the start FIFO, open read-write; one byte = go */
	int commit_fd; /* from create: one byte once the container exists;
			  end of file first means create failed (-1: none) */
	int tty;       /* the console's pty slave, or -1 for plain stdio */
	bool terminal;
};

/*
 * The container's process, as the host sees it: wait for `start`, run
 * QEMU (PR_SET_PDEATHSIG, control channel as descriptor 3), relay stdin,
 * stdout, stderr, signals and window sizes to the agent, and return the
 * status to exit with: the workload's exit code, 128 + signal, or 255
 * when the VM ended without reporting one (with err set).  Signals
 * arriving before `start` end the monitor with 128 + signal, and so does
 * the end of create without a commit byte (255, quietly).  Call in
 * the forked monitor process only: it installs a signalfd for every
 * catchable signal.
 */
int cvm_oci_monitor_run(const struct cvm_oci_monitor *m, struct cvm_err *err);

/* ---- the scrape demo -------------------------------------------------- */

#define CVM_SCRAPE_METHODS 3

struct cvm_scrape_method {
	const char *name; /* "QMP dump-guest-memory", "HMP pmemsave", ... */
	bool ran;
	char error[CVM_ERR_MSG_MAX]; /* why it did not run (QEMU refused) */
	uint64_t secret_hits, control_hits;
	uint64_t bytes; /* scanned */
};

struct cvm_scrape_result {
	enum cvm_protection protection;
	bool ready;	 /* the guest reported its secret */
	char secret[64]; /* what was searched for */
	char control[64];
	struct cvm_scrape_method m[CVM_SCRAPE_METHODS];
	uint64_t boot_ns;
};

struct cvm_scrape_opts {
	const struct cvm_oci_runtime *rt;
	enum cvm_protection protection; /* resolved, not AUTO */
	const char *workdir;		/* an empty directory for dumps */
	int timeout_ms;			/* boot until the secret is ready */
};

/*
 * Boot the scrape guest at `protection`, wait for its secret, then dump
 * its memory from the host three ways (QMP dump-guest-memory, HMP
 * pmemsave through human-monitor-command, /proc/<qemu>/mem) and count
 * the secret and a control string that never entered the guest.
 */
int cvm_scrape_run(const struct cvm_scrape_opts *o,
		   struct cvm_scrape_result *out, struct cvm_err *err);

/*
 * Count the occurrences of each of `n` needles in a file, or in every
 * readable mapping of a process (/proc/PID/maps + /proc/PID/mem).
 * hits[i] += count; *bytes += bytes scanned.
 */
int cvm_scrape_file(const char *path, const char *const *needles, size_t n,
		    uint64_t *hits, uint64_t *bytes, struct cvm_err *err);
int cvm_scrape_pid(pid_t pid, const char *const *needles, size_t n,
		   uint64_t *hits, uint64_t *bytes, struct cvm_err *err);

#endif
