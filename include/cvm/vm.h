/* SPDX-License-Identifier: MIT */
/*
 * `cvm vm`: persistent virtual machines, with QEMU started directly (no
 * daemon) or through libvirt.  The seed's wiki page (convert a cloud
 * image, write a cloud-init seed, virt-install --launchSecurity, console,
 * undefine --nvram) as a library; reference:
 * ../shared/docs/launch-and-host.md §2-§3 and §5-§7.
 *
 * State lives under cvm_data_dir()/vms, one folder per VM, mode 0700:
 *
 *   vm.json       the configuration (struct cvm_vm_config), written
 *                 atomically; the only file every VM has
 *   disk.qcow2    a qcow2 overlay on the user's cloud image (qemu-img);
 *                 the image itself is never written
 *   OVMF_VARS.fd  this VM's own copy of the OVMF variable store, made
 *                 from the template that belongs to the code file (SEV-SNP
 *                 and libvirt VMs have none: -bios / libvirt's NVRAM)
 *   seed.iso      the cloud-init NoCloud seed (ISO 9660, label cidata)
 *   kernel, initrd  copies of a directly booted kernel or the unikernel
 *   godh.b64, session.b64  copies of the SEV launch session (sevctl)
 *   qmp.sock, console.sock, serial.log, qemu.log, qemu.pid
 *                 the running QEMU's endpoints, its stderr and its pid
 *
 * QEMU runs with the VM's folder as its working directory and every path
 * inside it relative, so the sockets fit sun_path (108 bytes) whatever
 * the data directory, and cvm reaches them as /proc/self/fd/N/NAME.
 * A command that changes a VM holds an flock on its folder; a second one
 * fails at once with -CVM_E_STATE ("busy") instead of waiting.
 * Creation builds everything in a temporary folder beside the final one
 * and renames it into place (RENAME_NOREPLACE), so a VM either exists
 * whole or not at all.  The state is read from the pid file and /proc,
 * never from a daemon: after kill -9 of QEMU or a host crash the VM reads
 * as "crashed" and every command still works.
 *
 * Host facts: launchers call cvm_vm_host_report(), which replays the
 * facts file named by $CVM_HOST_FACTS (from `cvm host facts`) instead of
 * probing this machine, so a Milan or Genoa host can be simulated for dry
 * runs and tests.  Not thread-safe; one process acts on a VM at a time
 * (that is what the lock is for).
 */
#ifndef CVM_VM_H
#define CVM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/types.h>

#include "cvm/err.h"
#include "cvm/host.h"
#include "cvm/policy.h"
#include "cvm/qemu.h"
#include "cvm/vmspec.h"

struct json_object;

#define CVM_VM_NAME_MAX	   63
#define CVM_VM_FORMAT	   "cvm-vm/1"
#define CVM_VM_HOST_FACTS  "CVM_HOST_FACTS"
#define CVM_VM_ESCAPE_BYTE 0x1d /* Ctrl-] */

/* File names inside a VM's folder. */
#define CVM_VM_F_CONFIG	 "vm.json"
#define CVM_VM_F_DISK	 "disk.qcow2"
#define CVM_VM_F_VARS	 "OVMF_VARS.fd"
#define CVM_VM_F_SEED	 "seed.iso"
#define CVM_VM_F_KERNEL	 "kernel"
#define CVM_VM_F_INITRD	 "initrd"
#define CVM_VM_F_DHCERT	 "godh.b64"
#define CVM_VM_F_SESSION "session.b64"
#define CVM_VM_F_QMP	 "qmp.sock"
#define CVM_VM_F_CONSOLE "console.sock"
#define CVM_VM_F_SERIAL	 "serial.log"
#define CVM_VM_F_QEMULOG "qemu.log"
#define CVM_VM_F_PID	 "qemu.pid"

enum cvm_vm_backend {
	CVM_VM_QEMU = 0, /* QEMU started by cvm, no daemon */
	CVM_VM_LIBVIRT,	 /* a libvirt domain (any URI) */
};

/* What the VM boots. */
enum cvm_vm_guest {
	CVM_VM_GUEST_DISK = 0,	/* a cloud (disk) image through OVMF */
	CVM_VM_GUEST_KERNEL,	/* a kernel (+ initrd) booted directly */
	CVM_VM_GUEST_UNIKERNEL, /* the cvm unikernel (PVH or EFI) */
};

/* "qemu", "libvirt"; parse: -EINVAL for other text. */
const char *cvm_vm_backend_name(enum cvm_vm_backend b);
int cvm_vm_backend_parse(const char *s, enum cvm_vm_backend *out);
/* "cloud-image", "kernel", "unikernel" */
const char *cvm_vm_guest_name(enum cvm_vm_guest g);

/*
 * A VM name: 1 to 63 of [A-Za-z0-9._-], starting with a letter or digit,
 * without "..".  -CVM_E_USAGE saying what is wrong (a '/', "..", a space,
 * a control character; the name is shown with such bytes escaped).
 */
int cvm_vm_name_check(const char *name, struct cvm_err *err);

/* cvm_data_dir()/vms (malloc'd). */
char *cvm_vm_root(void);

/* ---- the configuration (vm.json) -------------------------------------- */

/*
 * Everything a VM is: what was asked and what cvm chose for it.  Owned
 * strings; paths of files inside the VM's folder are not stored (they
 * have the fixed names above).  The JSON form is documented in
 * docs/readme/60-vm.md.
 */
struct cvm_vm_config {
	char *name;
	enum cvm_vm_backend backend;
	char *connect; /* libvirt URI; NULL: libvirt's default */
	enum cvm_vm_guest guest;
	enum cvm_protection protection; /* resolved, never AUTO */
	enum cvm_protection requested;	/* as asked (may be AUTO) */
	uint64_t policy;		/* when protection != NONE */
	unsigned cbitpos, reduced_phys_bits;
	bool kernel_hashes;   /* measured direct boot (the firmware has the
			       * hash table; QEMU kernel-hashes=on) */
	char *id_block;	      /* SNP: base64 ID block (cvm measure) */
	char *id_auth;	      /* SNP: base64 ID auth info */
	char *host_data;      /* SNP: base64 HOST_DATA, 32 bytes */
	bool author_key;      /* SNP: id_auth carries an author key */
	bool has_dh_cert;     /* SEV/ES: godh.b64 (sevctl session) */
	bool has_session;     /* SEV/ES: session.b64 */
	enum cvm_accel accel; /* AUTO: decided at each start */
	enum cvm_boot boot;
	unsigned vcpus;
	uint64_t memory_mib;
	bool network; /* user-mode virtio-net */

	/* the guest */
	char *base_image;    /* DISK: the user's image (absolute path) */
	char *base_format;   /* DISK: its format ("qcow2", "raw") */
	uint64_t disk_size;  /* DISK: the overlay's virtual size, bytes */
	bool has_kernel;     /* KERNEL, UNIKERNEL: the "kernel" file */
	bool has_initrd;     /* KERNEL: the "initrd" file */
	char *append;	     /* kernel command line, or NULL */
	char *workload;	     /* UNIKERNEL: the workload list */
	char *kernel_source; /* where the kernel copy came from */

	/* firmware (EFI and disk boot) */
	char *firmware;	     /* the OVMF code (or combined) image */
	char *vars_template; /* the variable-store template, or NULL (-bios) */
	bool has_vars;	     /* OVMF_VARS.fd exists (QEMU back end) */

	bool has_seed; /* seed.iso */
	char *created; /* RFC 3339 UTC */
	char *host;    /* where the host facts came from: "probe", "facts:F" */
};

void cvm_vm_config_release(struct cvm_vm_config *c);
/* The config as JSON (new object) and back; parse: -CVM_E_PARSE naming
 * `where` and the bad member. */
struct json_object *cvm_vm_config_json(const struct cvm_vm_config *c);
int cvm_vm_config_parse(struct json_object *o, const char *where,
			struct cvm_vm_config *out, struct cvm_err *err);

/* ---- host facts and QEMU capabilities --------------------------------- */

/*
 * The host report for a launch: $CVM_HOST_FACTS replayed when set, else
 * cvm_host_probe().  `guest_memory` (bytes) sizes the memlock check;
 * `libvirt` also asks libvirt (slower).  Free with cvm_host_report_free.
 */
int cvm_vm_host_report(uint64_t guest_memory, bool libvirt,
		       struct cvm_host_report **out, struct cvm_err *err);

/*
 * The capabilities of the QEMU that will run: the preset of
 * `qemu_version` when given (dry runs: "7.2", "9.1" ...), the preset of
 * the QEMU named in a replayed facts file, else a probe of
 * cvm_qemu_binary().
 */
int cvm_vm_qemu_caps(const struct cvm_host_report *host,
		     const char *qemu_version, struct cvm_qemu_caps *out,
		     struct cvm_err *err);

/* ---- creating --------------------------------------------------------- */

/* `cvm vm create`'s options; zero-initialise, then set. */
struct cvm_vm_create_opts {
	const char *name;
	/* the guest: exactly one of cloud_image, kernel, unikernel */
	const char *cloud_image;
	const char *kernel, *initrd, *append;
	bool unikernel;
	const char *workload; /* unikernel: default "hello" */
	const char *image;    /* unikernel: default cvm_guest_image_find() */
	bool boot_set;	      /* unikernel: `boot` below was chosen */
	enum cvm_boot boot;   /* PVH or EFI (default: PVH unprotected) */

	enum cvm_protection protection; /* default AUTO */
	const char *policy;		/* text; NULL: cvm_policy_make() */
	unsigned vcpus;			/* 0: 1 */
	uint64_t memory;		/* bytes; 0: by guest (see plan) */
	uint64_t disk_size;		/* bytes; 0: the image's size */
	const char *cloud_init;		/* user-data file */
	const char *network_config;	/* network-config file */
	const char *ssh_key;		/* a public key file */
	const char *firmware;		/* OVMF code or combined image */
	const char *id_block, *id_auth; /* SNP: files from cvm measure */
	const char *host_data;		/* SNP: base64 of 32 bytes */
	const char *dh_cert, *session;	/* SEV/ES: sevctl session files */
	bool author_key;		/* SNP: id_auth has an author key */
	enum cvm_accel accel;		/* AUTO: at each start */
	bool no_network; /* no virtio-net (default: on but for unikernels) */
	enum cvm_vm_backend backend;
	const char *connect;	  /* libvirt URI */
	const char *qemu_version; /* dry runs: build for this QEMU */
	bool dry_run;		  /* plan only: write nothing */
};

/* A checked plan: the configuration to write, and why it is so. */
struct cvm_vm_plan {
	struct cvm_vm_config cfg;
	struct cvm_host_report *host; /* the facts it was decided on */
	/* for --protection auto: the level picked and, when it is below
	 * SEV-SNP, what blocked the next level (borrowed from `host`) */
	bool auto_picked;
	const char *auto_why;
	/* set when --policy was refused because its ES bit (bit 2) names
	 * the other SEV level than --protection: the level the policy
	 * describes (SEV or SEV_ES), so a front end can print the command
	 * with it; CVM_PROT_NONE otherwise */
	enum cvm_protection policy_level;
	struct cvm_policy_report policy; /* decoded, when protected */
	char *source_image;		 /* unikernel/kernel file to copy */
	char *source_initrd;
	char *source_dh_cert, *source_session; /* SEV session files */
	uint64_t base_size; /* DISK: the image's virtual size */
	/* the seed's inputs, read and checked (NULL when not given) */
	char *user_data, *network_config, *ssh_key;
};

/*
 * Check everything `cvm vm create` needs before anything is written: the
 * name (and that it is free), exactly one guest source, files that exist
 * (a missing image is -ENOENT naming it), memory (more than the host has
 * is -CVM_E_HOST), the protection against the host check (an explicit
 * level the host cannot launch is -CVM_E_HOST with the check's reason;
 * AUTO picks the highest launchable level, PVH never protected), the
 * policy for that level (cvm_policy_parse + explain: refused values are
 * -CVM_E_USAGE), the firmware for that level, and that the QEMU command
 * line builds (cvm_qemu_validate).  Release with cvm_vm_plan_release(), also
 * after a failure.
 */
int cvm_vm_plan_create(const struct cvm_vm_create_opts *o,
		       struct cvm_vm_plan *plan, struct cvm_err *err);
void cvm_vm_plan_release(struct cvm_vm_plan *plan);

/*
 * Write the planned VM: a temporary folder beside the final one (0700),
 * the kernel/initrd copies, the OVMF variable store copy, the qcow2
 * overlay, the seed ISO and vm.json, then an atomic rename.  Two creates
 * of one name: one wins, the other gets -EEXIST and leaves nothing.  For
 * the libvirt back end the domain is then defined (cvm_virt_create); if
 * libvirt refuses, the folder is removed again.  Any failure removes
 * everything this call made.
 */
int cvm_vm_create(const struct cvm_vm_create_opts *o,
		  const struct cvm_vm_plan *plan, struct cvm_err *err);

/* ---- the seed and the disk (exposed for tests) ------------------------ */

struct cvm_vm_seed {
	const char *user_data;	    /* contents; NULL: "#cloud-config\n" */
	const char *network_config; /* contents, or NULL */
	const char *ssh_key;	    /* contents of a public key file */
	const char *instance_id;
	const char *hostname;
};

/*
 * The user-data and meta-data texts for `s` (cloud-init NoCloud): the
 * ssh keys go into a #cloud-config user-data as ssh_authorized_keys
 * (-CVM_E_USAGE when the user-data is not #cloud-config or already has
 * that key); meta-data holds instance-id and local-hostname.
 */
int cvm_vm_seed_texts(const struct cvm_vm_seed *s, struct cvm_buf *user_data,
		      struct cvm_buf *meta_data, struct cvm_err *err);

/*
 * Write a NoCloud seed ISO to `path` with libisofs: volume label
 * "cidata" (lower case, relaxed volume attributes), Rock Ridge and
 * Joliet, files user-data, meta-data and (if given) network-config.
 */
int cvm_vm_seed_write(const char *path, const struct cvm_vm_seed *s,
		      struct cvm_err *err);

/* The format and virtual size of an image (qemu-img info). */
int cvm_vm_image_info(const char *path, char **format, uint64_t *size,
		      struct cvm_err *err);
/*
 * A qcow2 overlay at `path` on `base` (format `fmt`), `size` bytes
 * (0: the base's size) (qemu-img create -b).
 */
int cvm_vm_overlay_create(const char *path, const char *base, const char *fmt,
			  uint64_t size, struct cvm_err *err);

/* ---- an existing VM --------------------------------------------------- */

struct cvm_vm {
	char *name;
	char *dir; /* absolute path of its folder */
	int dirfd; /* O_PATH|O_DIRECTORY, also the lock */
	bool locked;
	struct cvm_vm_config cfg;
};

enum cvm_vm_open_flags {
	CVM_VM_LOCK = 1 << 0, /* take the lock (fail at once when busy) */
};

/*
 * Open the VM called `name` (checked with cvm_vm_name_check()): -ENOENT
 * "no VM named 'x'" when there is none; -CVM_E_STATE when CVM_VM_LOCK is
 * asked and another command holds the lock; -CVM_E_PARSE for a broken
 * vm.json.  Free with cvm_vm_close(), which releases the lock.
 */
int cvm_vm_open(const char *name, unsigned flags, struct cvm_vm **out,
		struct cvm_err *err);
void cvm_vm_close(struct cvm_vm *vm);
static inline void
cvm_vm_closep(struct cvm_vm **vm)
{
	cvm_vm_close(*vm);
}
#define cleanup_vm __attribute__((cleanup(cvm_vm_closep)))

/* A path inside the VM's folder (malloc'd). */
char *cvm_vm_path(const struct cvm_vm *vm, const char *file);
/* "/proc/self/fd/N/FILE": a short path to a file in the folder, for
 * sockets (valid while the VM is open). */
char *cvm_vm_short_path(const struct cvm_vm *vm, const char *file);

enum cvm_vm_state {
	CVM_VM_STOPPED = 0,
	CVM_VM_RUNNING,
	CVM_VM_PAUSED,	/* libvirt, or QMP query-status in inspect */
	CVM_VM_CRASHED, /* a pid file without its QEMU: killed, host crash */
	CVM_VM_UNKNOWN, /* libvirt unreachable */
};
const char *cvm_vm_state_name(enum cvm_vm_state s);

struct cvm_vm_status {
	enum cvm_vm_state state;
	pid_t pid;	  /* QEMU's pid when running, else 0 */
	char detail[256]; /* e.g. "pid 123 is gone", libvirt's reason */
};

/*
 * The state without asking QEMU: QEMU back end from the pid file and
 * /proc (the pid must be alive and have the VM's folder as its working
 * directory, so a reused pid after a reboot is not taken for QEMU);
 * libvirt from the domain.  Never fails for the QEMU back end; a
 * libvirt error gives UNKNOWN with the reason in `detail`.
 */
void cvm_vm_status(const struct cvm_vm *vm, struct cvm_vm_status *st);

/* ---- lifecycle -------------------------------------------------------- */

struct cvm_vm_start_opts {
	bool paused;		  /* vCPUs stopped until console --resume */
	bool dry_run;		  /* build the command line only */
	const char *qemu_version; /* dry runs: build for this QEMU preset */
	int timeout_ms;		  /* QMP handshake limit; 0: 30 s */
};

/* What a start did (or would do). */
struct cvm_vm_launch {
	struct cvm_argv argv;	      /* QEMU's command line */
	char *cwd;		      /* its working directory */
	struct cvm_qemu_caps caps;    /* of that QEMU */
	struct cvm_accel_probe accel; /* how the accelerator was chosen */
	pid_t pid;		      /* QEMU, once started */
	char qemu_version[32];	      /* from the QMP greeting */
	uint64_t start_ns;	      /* fork to QMP handshake done */
};
void cvm_vm_launch_release(struct cvm_vm_launch *l);

/*
 * Build the QEMU command line for `vm` (also for dry runs: `start
 * --dry-run` and `create --dry-run`).  Protected VMs are re-checked
 * against the host first (-CVM_E_HOST with the blocker).
 */
int cvm_vm_argv(const struct cvm_vm_config *cfg, const char *dir,
		const struct cvm_vm_start_opts *o, struct cvm_vm_launch *out,
		struct cvm_err *err);

/*
 * The domain XML a libvirt VM gets (its connection is asked for the
 * daemon's version); for dry runs of the libvirt back end.
 */
int cvm_vm_libvirt_xml(const struct cvm_vm_config *cfg, const char *dir,
		       struct cvm_buf *out, struct cvm_err *err);

/*
 * Start a stopped (or crashed) VM; it must be locked.  QEMU back end:
 * stale pid file and sockets are removed, the memlock limit is checked
 * (and raised when allowed) for SEV/SEV-ES, QEMU is started detached (its
 * own session, stdin /dev/null, stdout and stderr to qemu.log, the VM
 * folder as working directory) and the start succeeds once the QMP
 * handshake is done.  If QEMU exits first, the error is QEMU's first
 * error line with cvm's explanation (cvm_qemu_explain()).
 * libvirt: virDomainCreate (paused if asked).  -CVM_E_STATE when running.
 * The caller's process is QEMU's parent: waitpid() may reap it
 * (cvm_vm_wait()).
 */
int cvm_vm_start(struct cvm_vm *vm, const struct cvm_vm_start_opts *o,
		 struct cvm_vm_launch *out, struct cvm_err *err);

/* How a VM stopped. */
enum cvm_vm_stop_how {
	CVM_VM_STOP_NOT_RUNNING, /* nothing to do */
	CVM_VM_STOP_POWERDOWN,	 /* the guest powered off after ACPI */
	CVM_VM_STOP_KILLED,	 /* it did not within the timeout: killed */
};

/*
 * Stop: ACPI power button through QMP (system_powerdown), wait up to
 * `timeout_ms` for QEMU to exit, then SIGKILL.  `*how` says which.  A
 * crashed VM is cleaned up (stale pid file and sockets) and reported as
 * NOT_RUNNING.  Must be locked.
 */
int cvm_vm_stop(struct cvm_vm *vm, int timeout_ms, enum cvm_vm_stop_how *how,
		struct cvm_err *err);
/* Kill now (SIGKILL / virDomainDestroy); -CVM_E_STATE when not running. */
int cvm_vm_kill(struct cvm_vm *vm, struct cvm_err *err);
/*
 * Delete: kill if running, undefine a libvirt domain with its NVRAM, and
 * remove the VM's folder with everything in it.  The user's images are
 * never touched.  Must be locked; `vm` is only good for cvm_vm_close()
 * afterwards.
 */
int cvm_vm_delete(struct cvm_vm *vm, struct cvm_err *err);

/*
 * Wait for a QEMU this process started (cvm_vm_start) to exit, up to
 * `timeout_ms` (<= 0: no limit; then -CVM_E_TIMEOUT).  `*status` gets
 * its exit status (128 + signal).
 */
int cvm_vm_wait(struct cvm_vm *vm, pid_t pid, int timeout_ms, int *status,
		struct cvm_err *err);

/* ---- console ---------------------------------------------------------- */

/* Receives console output; return 0 to go on, 1 to stop. */
typedef int (*cvm_vm_output_fn)(void *opaque, const char *data, size_t len);

struct cvm_vm_console_opts {
	cvm_vm_output_fn out; /* required */
	void *opaque;
	int in_fd;	/* input for the guest; -1: none.  EOF on it only
			 * stops the input, the session goes on */
	int escape;	/* a byte on in_fd that ends the session; -1: none */
	int timeout_ms; /* <= 0: no limit */
	bool resume;	/* resume a paused VM once attached */
	/* when set (e.g. by a signal handler) the session ends as if
	 * the escape byte came; may be NULL (QEMU back end only) */
	const volatile sig_atomic_t *stop;
};

enum cvm_vm_console_end {
	CVM_VM_CONSOLE_EOF,	/* the VM stopped */
	CVM_VM_CONSOLE_STOPPED, /* `out` returned 1 */
	CVM_VM_CONSOLE_ESCAPE,	/* the escape byte */
	CVM_VM_CONSOLE_TIMEOUT,
};

/*
 * Attach to the serial console (the console socket, or libvirt's
 * virDomainOpenConsole) and pump bytes until one of the ends above,
 * returned as a value >= 0.  -CVM_E_STATE when the VM is not running.
 * Does not take the lock: stop and kill work while someone is attached.
 */
int cvm_vm_console(struct cvm_vm *vm, const struct cvm_vm_console_opts *o,
		   struct cvm_err *err);

/* ---- inspect and list ------------------------------------------------- */

/*
 * Everything about one VM as JSON (schema in docs/readme/60-vm.md): the
 * configuration, the state, pid, the files, and for a running QEMU VM the
 * QMP answers query-status and query-sev (or the error QEMU gave); for
 * libvirt, the domain and its launch measurement.  (`cvm vm inspect`
 * adds the policy, decoded by cvm_policy_explain().)
 */
struct json_object *cvm_vm_inspect_json(struct cvm_vm *vm, struct cvm_err *err);

/* One row of `cvm vm list`. */
struct cvm_vm_entry {
	char *name;
	struct cvm_vm_status status;
	enum cvm_protection protection;
	uint64_t memory_mib;
	unsigned vcpus;
	enum cvm_vm_backend backend;
	char *error; /* a VM whose vm.json cannot be read: why */
};

/*
 * Every VM under cvm_vm_root(), sorted by name (temporary creation
 * folders are skipped, and removed when their creator is gone).  A
 * folder with a broken vm.json is listed with `error` set.
 */
int cvm_vm_list(struct cvm_vm_entry **out, size_t *n, struct cvm_err *err);
void cvm_vm_list_free(struct cvm_vm_entry *e, size_t n);

#endif
