/* SPDX-License-Identifier: MIT */
/*
 * A QMP client (QEMU Machine Protocol, QEMU docs/interop/qmp-spec.rst)
 * over a unix socket, on json-c.  The protocol: the server greets with
 * {"QMP": {"version": ..., "capabilities": [...]}}; the client must send
 * {"execute": "qmp_capabilities"} first; then every command gets exactly
 * one reply, {"return": ...} or {"error": {"class": ..., "desc": ...}},
 * carrying the "id" the command gave; asynchronous {"event": ...}
 * messages may arrive at any time in between.  Messages are one JSON
 * object per line.
 *
 * Reads are bounded (CVM_QMP_MAX_MESSAGE per message, CVM_QMP_MAX_EVENTS
 * queued events; the oldest are dropped beyond that) and every wait has
 * a timeout.  A malformed message is an error, never a crash.
 * One `struct cvm_qmp` must not be used by two threads at once.
 */
#ifndef CVM_QMP_H
#define CVM_QMP_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "cvm/err.h"

#define CVM_QMP_MAX_MESSAGE (1u << 20)
#define CVM_QMP_MAX_EVENTS  256

struct cvm_qmp;

/*
 * Connect to the QMP socket at `path`, retrying until it accepts (QEMU
 * creates it a moment after it starts) for up to `timeout_ms`, then read
 * the greeting and negotiate capabilities.  `timeout_ms` also becomes
 * the default timeout of later calls.  *out is freed with
 * cvm_qmp_close().  -ETIMEDOUT, -ECONNREFUSED, -CVM_E_PARSE (not a QMP
 * greeting) with the path in the message.
 */
int cvm_qmp_connect(const char *path, int timeout_ms, struct cvm_qmp **out,
		    struct cvm_err *err);

/*
 * The same on an already connected stream socket (it is taken over and
 * closed by cvm_qmp_close(), also on failure).  For tests and for
 * sockets passed in by a parent.
 */
int cvm_qmp_open_fd(int fd, int timeout_ms, struct cvm_qmp **out,
		    struct cvm_err *err);

/* Close the connection and free everything; NULL is fine. */
void cvm_qmp_close(struct cvm_qmp *q);
static inline void
cvm_qmp_closep(struct cvm_qmp **q)
{
	cvm_qmp_close(*q);
}
#define cleanup_qmp __attribute__((cleanup(cvm_qmp_closep)))

/* The QEMU version from the greeting (0.0.0 if it had none). */
void cvm_qmp_version(const struct cvm_qmp *q, unsigned *major, unsigned *minor,
		     unsigned *micro);

/* Change the timeout of later calls (milliseconds, > 0). */
void cvm_qmp_set_timeout(struct cvm_qmp *q, int timeout_ms);

/*
 * Run `command` with `args` (a JSON object, borrowed; NULL for none) and
 * wait for its reply, queueing the events that arrive meanwhile.  On
 * success *ret (if not NULL) gets a new reference to the "return" value;
 * release it with json_object_put().  An error reply is -CVM_E_CHILD
 * with "qmp 'command': CLASS: desc"; the class stays readable through
 * cvm_qmp_error_class() until the next call.  -ETIMEDOUT, -ECONNRESET
 * (QEMU closed the socket), -CVM_E_PARSE (a malformed message).
 */
int cvm_qmp_execute(struct cvm_qmp *q, const char *command,
		    struct json_object *args, struct json_object **ret,
		    struct cvm_err *err);

/* The class of the last error reply ("GenericError", ...) or "". */
const char *cvm_qmp_error_class(const struct cvm_qmp *q);

/*
 * The next event, oldest first: a queued one at once, otherwise wait up
 * to `timeout_ms` (0: do not wait) for one to arrive.  Returns 1 and
 * sets *ev (a new reference: json_object_put() it), 0 when none came in
 * time, < 0 on error (-ECONNRESET once the socket is closed and the queue
 * is empty).
 */
int cvm_qmp_next_event(struct cvm_qmp *q, int timeout_ms,
		       struct json_object **ev, struct cvm_err *err);

/*
 * Wait up to `timeout_ms` for the event called `name` (e.g. "SHUTDOWN"),
 * dropping other events on the way.  1 with *ev set (or just 1 when ev is
 * NULL), 0 on timeout, < 0 on error.
 */
int cvm_qmp_wait_event(struct cvm_qmp *q, const char *name, int timeout_ms,
		       struct json_object **ev, struct cvm_err *err);

/* How many events were dropped because the queue was full. */
size_t cvm_qmp_events_dropped(const struct cvm_qmp *q);

#endif
