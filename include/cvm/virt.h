/* SPDX-License-Identifier: MIT */
/*
 * The libvirt back end: domain XML from a `struct cvm_vmspec`, and the
 * lifecycle through the libvirt C API (local or remote, any URI).
 * `cvm vm --backend libvirt [--connect URI]` is built on the calls below:
 *
 *   create  cvm_virt_create()   generate XML for the daemon's version and
 *                               define it (validated); nothing is left
 *                               defined when it fails
 *   start   cvm_virt_start()    optionally paused, to attach the console
 *                               or read the launch measurement first
 *   stop    cvm_virt_stop()     ACPI shutdown, destroy after a timeout
 *   kill    cvm_virt_kill()     destroy now
 *   console cvm_virt_console()  the serial console through a virStream
 *   inspect cvm_virt_inspect()  state, protection, launch measurement
 *   delete  cvm_virt_delete()   destroy if running, undefine with NVRAM
 *   list    cvm_virt_list()     the domains of one or more URIs
 *
 * Host facts for `cvm host check`: cvm_virt_node_sev() (virNodeGetSEVInfo)
 * and cvm_virt_domcaps() (the <sev> element of the domain capabilities).
 *
 * libvirt's own error printing is switched off; its errors come back as
 * one-line `struct cvm_err` messages with cvm's explanation added (see
 * cvm_virt_explain()).  Reference: launch-and-host.md section 4.
 * A connection is used by one thread at a time.
 */
#ifndef CVM_VIRT_H
#define CVM_VIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvm/buf.h"
#include "cvm/err.h"
#include "cvm/vmspec.h"

/* libvirt's own version encoding (virConnectGetLibVersion). */
#define CVM_VIRT_VERSION(maj, min, mic)                                 \
	((unsigned long)(maj)*1000000UL + (unsigned long)(min)*1000UL + \
	 (unsigned long)(mic))

/* Versions that gate what the XML may contain (libvirt formatdomain). */
#define CVM_VIRT_V_KERNEL_HASHES CVM_VIRT_VERSION(8, 0, 0)
#define CVM_VIRT_V_STATELESS	 CVM_VIRT_VERSION(8, 6, 0)
#define CVM_VIRT_V_SEV_SNP	 CVM_VIRT_VERSION(10, 5, 0)

/* The namespace of the <metadata> element cvm puts in its domains. */
#define CVM_VIRT_METADATA_NS "https://cvm.invalid/libvirt/1"

/* Parse "9.0.0" or "10.5" into the encoding above; -EINVAL otherwise. */
int cvm_virt_version_parse(const char *text, unsigned long *out);
/* Format `v` as "major.minor.micro" into `buf` (at least 32 bytes). */
void cvm_virt_version_format(unsigned long v, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Domain XML */

enum cvm_virt_xml_flags {
	/*
	 * Pin guest RAM with <memoryBacking><locked/> (no cgroup limit)
	 * instead of <memtune><hard_limit> = RAM + 256 MiB.  Either lets
	 * SEV/SEV-ES register all guest memory with KVM (the memlock limit).
	 */
	CVM_VIRT_XML_LOCKED = 1 << 0,
};

/*
 * Write the domain XML for `spec` as libvirt `version` accepts it into
 * `out` (appended).  The spec's accel and protection must be resolved
 * (not AUTO).  What goes in, by protection level:
 *   none, SEV, SEV-ES: OVMF as read-only pflash + <nvram template=...>
 *     (libvirt makes the per-VM copy at first start), or a stateless
 *     loader when the spec has no vars template;
 *   SEV-SNP: <loader type='rom'> (-bios) and no NVRAM, libvirt >= 10.5;
 *   SEV and above: <launchSecurity>, iommu='on' on every virtio device,
 *     <rom enabled='no'/> on virtio-net, no memory balloon, and for
 *     SEV/SEV-ES a memlock allowance (see CVM_VIRT_XML_LOCKED);
 *   SEV-ES and SNP: <on_reboot>destroy</on_reboot> (vCPU state cannot be
 *     reset).
 * Every text is escaped; control characters and invalid UTF-8 in the
 * spec's strings are refused.  The SEV dhCert/session files are read.
 * Errors: -EINVAL (bad spec), -CVM_E_UNSUPPORTED (this libvirt cannot
 * express it, e.g. SEV-SNP before 10.5), file errors for dhCert/session.
 */
int cvm_virt_domain_xml(const struct cvm_vmspec *spec, unsigned long version,
			unsigned flags, struct cvm_buf *out,
			struct cvm_err *err);

/* ------------------------------------------------------------------ */
/* Errors */

/*
 * cvm's explanation for a libvirt error (virError code and message), or
 * NULL when there is none.  `*cvm_code` (may be NULL) gets the negative
 * cvm code the error maps to (-CVM_E_HOST, -CVM_E_UNSUPPORTED, -ENOENT,
 * -CVM_E_STATE, ... and -EIO when nothing more specific applies).
 */
const char *cvm_virt_explain(int vir_code, const char *vir_msg, int *cvm_code);

/* ------------------------------------------------------------------ */
/* Connections */

struct cvm_virt_conn;

/*
 * Open a connection to `uri` (NULL: libvirt's default, $LIBVIRT_DEFAULT_URI
 * or qemu:///system as root).  Any URI libvirt accepts works:
 * qemu:///system, qemu+tcp://HOST/system, qemu+ssh://HOST/system,
 * test:///default.  There is no interactive authentication (the library
 * never prompts): ssh keys or an agent, polkit rules and root work; a URI
 * that needs typed credentials fails with libvirt's message.
 * Free with cvm_virt_close().
 */
int cvm_virt_open(const char *uri, struct cvm_virt_conn **out,
		  struct cvm_err *err);
void cvm_virt_close(struct cvm_virt_conn *c);

/* The URI as given (or libvirt's canonical one for NULL). */
const char *cvm_virt_uri(const struct cvm_virt_conn *c);
/* The libvirt version of the daemon at the other end (0 if unknown). */
unsigned long cvm_virt_daemon_version(const struct cvm_virt_conn *c);
/* The hypervisor (QEMU) version reported by the daemon (0 if unknown). */
unsigned long cvm_virt_hv_version(const struct cvm_virt_conn *c);

/* ------------------------------------------------------------------ */
/* Lifecycle (domains by name) */

/*
 * Define a persistent domain for `spec`, with XML made for the daemon's
 * libvirt version, and validated by libvirt (VIR_DOMAIN_DEFINE_VALIDATE).
 * -EEXIST when the name is taken.  A refusal (e.g. SEV on a host without
 * it) leaves nothing defined.
 */
int cvm_virt_create(struct cvm_virt_conn *c, const struct cvm_vmspec *spec,
		    unsigned xml_flags, struct cvm_err *err);
/* Define from ready XML (validated); `name_out` (may be NULL) gets the
 * domain's name, malloc'd. */
int cvm_virt_define_xml(struct cvm_virt_conn *c, const char *xml,
			char **name_out, struct cvm_err *err);

/* Start a defined domain; `paused` starts it with its vCPUs stopped. */
int cvm_virt_start(struct cvm_virt_conn *c, const char *name, bool paused,
		   struct cvm_err *err);
/* Resume a paused domain. */
int cvm_virt_resume(struct cvm_virt_conn *c, const char *name,
		    struct cvm_err *err);
/*
 * Stop: ask the guest to power off (ACPI), wait up to `timeout_ms`, then
 * destroy it.  `*forced` (may be NULL) says whether it had to be
 * destroyed.  A domain that is not running is not an error.
 */
int cvm_virt_stop(struct cvm_virt_conn *c, const char *name, int timeout_ms,
		  bool *forced, struct cvm_err *err);
/* Kill: destroy (power off) now.  -CVM_E_STATE if it is not running. */
int cvm_virt_kill(struct cvm_virt_conn *c, const char *name,
		  struct cvm_err *err);
/*
 * Delete: destroy if running, then undefine with its NVRAM file
 * (VIR_DOMAIN_UNDEFINE_NVRAM; without it libvirt refuses with "cannot
 * undefine domain with nvram", code 55).  A driver that does not know
 * the flag gets a plain undefine.
 */
int cvm_virt_delete(struct cvm_virt_conn *c, const char *name,
		    struct cvm_err *err);

/* ------------------------------------------------------------------ */
/* Console */

/*
 * Receives console output; return 0 to go on, 1 to stop reading (e.g.
 * the expected text arrived), < 0 to fail with that code.
 */
typedef int (*cvm_virt_output_fn)(void *opaque, const char *data, size_t len);

struct cvm_virt_console_opts {
	cvm_virt_output_fn out; /* required */
	void *opaque;
	int in_fd;	/* bytes read here go to the guest; -1: none */
	int escape;	/* a byte on in_fd that ends the session (0x1d is
			 * Ctrl-]); -1: none */
	int timeout_ms; /* <= 0: no limit */
	bool resume;	/* resume a paused domain once attached, so that
			 * no early output is lost */
};

enum cvm_virt_console_end {
	CVM_VIRT_CONSOLE_EOF,	  /* the guest stopped / the stream closed */
	CVM_VIRT_CONSOLE_STOPPED, /* the output callback returned 1 */
	CVM_VIRT_CONSOLE_ESCAPE,  /* the escape byte or EOF on in_fd */
	CVM_VIRT_CONSOLE_TIMEOUT,
};

/*
 * Attach to the first serial console of `name` (virDomainOpenConsole,
 * forcing out another session) and pump data until one of the ends
 * above, which is returned (>= 0).  Runs libvirt's default event loop
 * in the calling thread.
 *
 * The console is the guest's pty, read by the daemon.  When QEMU exits
 * the kernel discards what the daemon had not read yet, so a guest that
 * exits right after printing (the unikernel, through isa-debug-exit) can
 * lose the tail of its output here, more often on a loaded host (6 runs
 * in 12 with the CPUs busy, none when idle).  QEMU's serial log (the
 * spec's serial_log, <log file=...>) always has every byte: read results
 * from it when the daemon is local.  libvirt 9.0 opens consoles of pty
 * serials only, so a socket (which would keep the bytes) is no way out.
 */
int cvm_virt_console(struct cvm_virt_conn *c, const char *name,
		     const struct cvm_virt_console_opts *o,
		     struct cvm_err *err);

/* ------------------------------------------------------------------ */
/* Inspect and list */

struct cvm_virt_dominfo {
	char *uri; /* the connection's URI */
	char *name;
	char uuid[40];
	int id; /* -1 when not running */
	/* state: "running", "blocked", "paused", "shutting-down",
	 * "shutoff", "crashed", "pmsuspended" or "unknown" (virsh's words);
	 * reason, for shutoff: "shutdown", "destroyed", "crashed" (also a
	 * QEMU that exited by itself, e.g. isa-debug-exit), "failed",
	 * "daemon"; for paused: "user", "starting-up", ...; running:
	 * "booted", "unpaused"; else "" */
	const char *state;
	const char *reason;
	bool persistent;
	unsigned vcpus;
	uint64_t memory_kib;
	bool kvm; /* domain type kvm (else qemu: TCG) */

	/* from the definition: <launchSecurity> and its policy */
	enum cvm_protection protection;
	uint64_t policy;
	bool cvm; /* carries cvm's metadata (created by cvm) */

	/* virDomainGetLaunchSecurityInfo, for a running SEV/SNP domain */
	bool has_measurement;
	char measurement[128]; /* base64, as libvirt gives it */
	unsigned api_major, api_minor, build_id;
};

/* Free the strings and zero `d`. */
void cvm_virt_dominfo_release(struct cvm_virt_dominfo *d);

/* State, definition facts and (where SEV) the launch measurement. */
int cvm_virt_inspect(struct cvm_virt_conn *c, const char *name,
		     struct cvm_virt_dominfo *out, struct cvm_err *err);

/* The domains of one connection (`*out` malloc'd, `*n` entries). */
int cvm_virt_list_conn(struct cvm_virt_conn *c, struct cvm_virt_dominfo **out,
		       size_t *n, struct cvm_err *err);

/* One host's answer in a multi-host list. */
struct cvm_virt_host_list {
	char *uri;
	int code;		     /* 0, or why this host failed */
	char error[CVM_ERR_MSG_MAX]; /* the message when code < 0 */
	struct cvm_virt_dominfo *doms;
	size_t ndoms;
};

/*
 * List the domains of every URI in `uris` (`nuris` >= 1), one entry per
 * URI in `*out` (always set, also on failure; free it with
 * cvm_virt_host_list_free(*out, nuris)).  One host's failure is recorded
 * in its entry and does not stop the others; the call fails (with the
 * first host's error) only when no host answered.
 */
int cvm_virt_list(const char *const *uris, size_t nuris,
		  struct cvm_virt_host_list **out, struct cvm_err *err);
void cvm_virt_host_list_free(struct cvm_virt_host_list *l, size_t n);

/* ------------------------------------------------------------------ */
/* Host facts */

struct cvm_virt_sev_caps {
	bool supported; /* libvirt reports SEV for this host */
	unsigned cbitpos, reduced_phys_bits;
	unsigned max_guests, max_es_guests;
	char why[256]; /* when !supported: libvirt's reason, if any */
};

/*
 * The <sev> element of the domain capabilities for q35/x86_64 and the
 * given virt type ("kvm" or "qemu"; NULL: "kvm").
 */
int cvm_virt_domcaps(struct cvm_virt_conn *c, const char *virttype,
		     struct cvm_virt_sev_caps *out, struct cvm_err *err);
/* The same from domain-capabilities XML text (what the call above parses). */
int cvm_virt_domcaps_parse(const char *xml, struct cvm_virt_sev_caps *out,
			   struct cvm_err *err);

/*
 * virNodeGetSEVInfo: on a host with SEV, `supported` and the numbers;
 * otherwise `supported` is false with libvirt's reason in `why` (e.g.
 * "QEMU does not support SEV guest") and the call still succeeds.
 */
int cvm_virt_node_sev(struct cvm_virt_conn *c, struct cvm_virt_sev_caps *out,
		      struct cvm_err *err);

#endif
