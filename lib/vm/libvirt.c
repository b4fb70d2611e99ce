/* SPDX-License-Identifier: MIT */
/*
 * The libvirt back end of `cvm vm` (issue 8): the same VM folder and
 * vm.json, with the domain defined, started, stopped and undefined (with
 * its NVRAM) through lib/virt on the VM's connection URI.  libvirt makes
 * the per-VM NVRAM itself from the variable-store template at first start
 * (launch-and-host.md §4.1).  Paths in the domain are absolute and must
 * exist where the daemon runs: for a remote URI, on that host.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/log.h"
#include "cvm/util.h"
#include "cvm/virt.h"
#include "cvm/vm.h"
#include "vm-priv.h"

int
vm_virt_open(const struct cvm_vm_config *c, struct cvm_virt_conn **out,
	     struct cvm_err *err)
{
	return cvm_virt_open(c->connect, out, err);
}

/* The spec libvirt gets: absolute paths, the accelerator decided. */
static void
virt_spec(const struct cvm_vm_config *c, const char *dir,
	  struct cvm_virt_conn *conn, struct vm_spec *s)
{
	struct cvm_virt_sev_caps caps;
	struct cvm_err e = CVM_ERR_INIT;

	vm_spec_make(c, dir, true, s);
	if (c->protection != CVM_PROT_NONE)
		s->spec.accel = CVM_ACCEL_KVM;
	else if (c->accel == CVM_ACCEL_AUTO)
		/* KVM when the daemon offers a kvm domain type */
		s->spec.accel = cvm_virt_domcaps(conn, "kvm", &caps, &e) == 0
					? CVM_ACCEL_KVM
					: CVM_ACCEL_TCG;
}

int
vm_virt_define(const struct cvm_vm_config *c, const char *dir,
	       struct cvm_err *err)
{
	struct cvm_virt_conn *conn = NULL;
	struct vm_spec s;
	int r;

	if ((r = vm_virt_open(c, &conn, err)) < 0)
		return r;
	virt_spec(c, dir, conn, &s);
	r = cvm_virt_create(conn, &s.spec, 0, err);
	vm_spec_release(&s);
	cvm_virt_close(conn);
	return r;
}

int
cvm_vm_libvirt_xml(const struct cvm_vm_config *c, const char *dir,
		   struct cvm_buf *out, struct cvm_err *err)
{
	struct cvm_virt_conn *conn = NULL;
	struct vm_spec s;
	int r;

	if ((r = vm_virt_open(c, &conn, err)) < 0)
		return r;
	virt_spec(c, dir, conn, &s);
	r = cvm_virt_domain_xml(&s.spec, cvm_virt_daemon_version(conn), 0, out,
				err);
	vm_spec_release(&s);
	cvm_virt_close(conn);
	return r;
}

static enum cvm_vm_state
state_of(const struct cvm_virt_dominfo *d)
{
	if (!strcmp(d->state, "running") || !strcmp(d->state, "blocked"))
		return CVM_VM_RUNNING;
	if (!strcmp(d->state, "paused") || !strcmp(d->state, "pmsuspended"))
		return CVM_VM_PAUSED;
	if (!strcmp(d->state, "crashed") || !strcmp(d->reason, "crashed"))
		return CVM_VM_CRASHED;
	if (!strcmp(d->state, "shutoff") || !strcmp(d->state, "shutdown"))
		return CVM_VM_STOPPED;
	return CVM_VM_UNKNOWN;
}

void
vm_virt_status(const struct cvm_vm *vm, struct cvm_vm_status *st)
{
	struct cvm_virt_conn *conn = NULL;
	struct cvm_virt_dominfo d;
	struct cvm_err e = CVM_ERR_INIT;

	memset(&d, 0, sizeof(d));
	st->state = CVM_VM_UNKNOWN;
	if (vm_virt_open(&vm->cfg, &conn, &e) < 0 ||
	    cvm_virt_inspect(conn, vm->name, &d, &e) < 0) {
		snprintf(st->detail, sizeof(st->detail), "%.240s", e.msg);
	} else {
		st->state = state_of(&d);
		snprintf(st->detail, sizeof(st->detail), "libvirt: %s%s%s",
			 d.state, d.reason[0] ? ", " : "", d.reason);
	}
	cvm_virt_dominfo_release(&d);
	cvm_virt_close(conn);
}

/* Run `fn` on the VM's connection. */
#define WITH_CONN(vm, err, call)                                 \
	__extension__({                                          \
		struct cvm_virt_conn *conn = NULL;               \
		int r_ = vm_virt_open(&(vm)->cfg, &conn, (err)); \
		if (r_ == 0)                                     \
			r_ = (call);                             \
		cvm_virt_close(conn);                            \
		r_;                                              \
	})

int
vm_virt_start(struct cvm_vm *vm, bool paused, struct cvm_err *err)
{
	return WITH_CONN(vm, err, cvm_virt_start(conn, vm->name, paused, err));
}

int
vm_virt_stop(struct cvm_vm *vm, int timeout_ms, enum cvm_vm_stop_how *how,
	     struct cvm_err *err)
{
	struct cvm_vm_status st;
	bool forced = false;
	int r;

	vm_virt_status(vm, &st);
	*how = CVM_VM_STOP_NOT_RUNNING;
	if (st.state != CVM_VM_RUNNING && st.state != CVM_VM_PAUSED)
		return 0;
	r = WITH_CONN(vm, err,
		      cvm_virt_stop(conn, vm->name, timeout_ms, &forced, err));
	*how = forced ? CVM_VM_STOP_KILLED : CVM_VM_STOP_POWERDOWN;
	return r;
}

int
vm_virt_kill(struct cvm_vm *vm, struct cvm_err *err)
{
	return WITH_CONN(vm, err, cvm_virt_kill(conn, vm->name, err));
}

int
vm_virt_undefine(struct cvm_vm *vm, struct cvm_err *err)
{
	int r = WITH_CONN(vm, err, cvm_virt_delete(conn, vm->name, err));

	/* already gone from libvirt: the local state can still go */
	return r == -ENOENT ? 0 : r;
}

/*
 * The console's tail from the serial log.  libvirt's console is the
 * guest's pty, read by the daemon: when QEMU exits, the kernel drops
 * what the daemon had not read yet, so a guest that exits right after
 * printing (the unikernel) can lose its last lines there (cvm/virt.h).
 * QEMU's serial log (<log file=... append='on'/>, in the VM folder) has
 * every byte; where this host can read it (a local daemon, or a shared
 * folder) the bytes the console missed are taken from it.
 */
#define TAIL_KEEP   64
#define ALIGN_SLACK 4096

ssize_t
vm_serial_missed(const char *log, size_t len, uint64_t seen, const char *tail,
		 size_t ntail)
{
	size_t p;

	if (seen > len || ntail > seen)
		return -1;
	/* the log may have grown a little before the console attached */
	for (p = (size_t)seen; p <= len && p - seen <= ALIGN_SLACK; p++)
		if (!memcmp(log + p - ntail, tail, ntail))
			return (ssize_t)p;
	return -1;
}

struct virt_seen {
	const struct cvm_vm_console_opts *o;
	uint64_t n; /* bytes the console delivered */
	char tail[TAIL_KEEP];
	size_t ntail;
};

static int
seen_out(void *opaque, const char *data, size_t len)
{
	struct virt_seen *s = opaque;
	size_t keep = len >= TAIL_KEEP		   ? 0
		      : s->ntail + len > TAIL_KEEP ? TAIL_KEEP - len
						   : s->ntail;
	size_t add = len < TAIL_KEEP ? len : TAIL_KEEP;

	memmove(s->tail, s->tail + s->ntail - keep, keep);
	memcpy(s->tail + keep, data + len - add, add);
	s->ntail = keep + add;
	s->n += len;
	return s->o->out(s->o->opaque, data, len);
}

static off_t
log_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Wait (up to 3 s) until the log stops growing for 200 ms: virtlogd
 * may still be writing the last bytes. */
static void
log_settle(const char *path)
{
	struct timespec ts = {0, 50 * 1000000L};
	off_t last = log_size(path), now;
	int i, still = 0;

	for (i = 0; i < 60 && still < 4; i++) {
		nanosleep(&ts, NULL);
		now = log_size(path);
		still = now == last ? still + 1 : 0;
		last = now;
	}
}

/* Hand the console what the log has after `s`; 1 when `out` is
 * satisfied, 0 otherwise (also when the log is not here). */
static int
replay_tail(const char *path, off_t start, const struct virt_seen *s)
{
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	cleanup_close int fd = -1;
	char chunk[65536];
	ssize_t n, at;

	log_settle(path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || lseek(fd, start, SEEK_SET) != start)
		return 0;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0 && b.len < (64u << 20))
		cvm_buf_add(&b, chunk, (size_t)n);
	at = vm_serial_missed(b.data ? b.data : "", b.len, s->n, s->tail,
			      s->ntail);
	if (at < 0) {
		cvm_log(CVM_LOG_DEBUG,
			"%s does not continue the console's output; not used",
			path);
		return 0;
	}
	if ((size_t)at == b.len)
		return 0;
	return s->o->out(s->o->opaque, b.data + at, b.len - (size_t)at) == 1;
}

/* The stream can close before libvirt has seen QEMU exit: wait (up to
 * `ms`) for the domain to leave the running and paused states. */
static void
vm_virt_wait_stopped(struct cvm_vm *vm, int ms, struct cvm_vm_status *st)
{
	struct timespec ts = {0, 100 * 1000000L};
	int i;

	for (i = 0;; i++) {
		vm_virt_status(vm, st);
		if ((st->state != CVM_VM_RUNNING &&
		     st->state != CVM_VM_PAUSED) ||
		    i >= ms / 100)
			return;
		nanosleep(&ts, NULL);
	}
}

int
vm_virt_console(struct cvm_vm *vm, const struct cvm_vm_console_opts *o,
		struct cvm_err *err)
{
	static const int ends[] = {
		[CVM_VIRT_CONSOLE_EOF] = CVM_VM_CONSOLE_EOF,
		[CVM_VIRT_CONSOLE_STOPPED] = CVM_VM_CONSOLE_STOPPED,
		[CVM_VIRT_CONSOLE_ESCAPE] = CVM_VM_CONSOLE_ESCAPE,
		[CVM_VIRT_CONSOLE_TIMEOUT] = CVM_VM_CONSOLE_TIMEOUT,
	};
	cleanup_free char *log = cvm_vm_path(vm, CVM_VM_F_SERIAL);
	struct virt_seen seen = {.o = o};
	/* lib/virt ends the session at EOF on in_fd, where cvm vm console
	 * only stops the input: so it gets only a terminal's input (a
	 * script's stdin is not forwarded to libvirt consoles) */
	struct cvm_virt_console_opts vo = {
		.out = seen_out,
		.opaque = &seen,
		.in_fd = o->in_fd >= 0 && isatty(o->in_fd) ? o->in_fd : -1,
		.escape = o->escape,
		.timeout_ms = o->timeout_ms,
		.resume = o->resume,
	};
	struct cvm_vm_status st;
	off_t start = log_size(log);
	int r = WITH_CONN(vm, err, cvm_virt_console(conn, vm->name, &vo, err));

	if (r < 0)
		return r;
	if (r == CVM_VIRT_CONSOLE_EOF && start >= 0) {
		vm_virt_wait_stopped(vm, 5000, &st);
		if (st.state != CVM_VM_RUNNING && st.state != CVM_VM_PAUSED &&
		    replay_tail(log, start, &seen))
			return CVM_VM_CONSOLE_STOPPED;
	}
	return (size_t)r < CVM_ARRAY_SIZE(ends) ? ends[r] : CVM_VM_CONSOLE_EOF;
}

struct json_object *
vm_virt_inspect(struct cvm_vm *vm)
{
	struct json_object *o = json_object_new_object();
	struct cvm_virt_dominfo d;
	struct cvm_err e = CVM_ERR_INIT;
	char pol[32];

	memset(&d, 0, sizeof(d));
	if (WITH_CONN(vm, &e, cvm_virt_inspect(conn, vm->name, &d, &e)) < 0) {
		json_object_object_add(o, "error",
				       json_object_new_string(e.msg));
		return o;
	}
	snprintf(pol, sizeof(pol), "0x%llx", (unsigned long long)d.policy);
	json_object_object_add(o, "uri", json_object_new_string(d.uri));
	json_object_object_add(o, "uuid", json_object_new_string(d.uuid));
	json_object_object_add(o, "id", json_object_new_int(d.id));
	json_object_object_add(o, "state", json_object_new_string(d.state));
	json_object_object_add(o, "reason", json_object_new_string(d.reason));
	json_object_object_add(o, "type",
			       json_object_new_string(d.kvm ? "kvm" : "qemu"));
	json_object_object_add(
		o, "protection",
		json_object_new_string(cvm_protection_name(d.protection)));
	json_object_object_add(o, "policy",
			       d.protection == CVM_PROT_NONE
				       ? NULL
				       : json_object_new_string(pol));
	json_object_object_add(o, "measurement",
			       d.has_measurement
				       ? json_object_new_string(d.measurement)
				       : NULL);
	cvm_virt_dominfo_release(&d);
	return o;
}
