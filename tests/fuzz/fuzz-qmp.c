/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the QMP client (lib/qemu/qmp.c; QEMU docs/interop/qmp-spec.rst)
 * as a hostile QEMU would: the input is everything the "server" says,
 * written at once into one end of a socketpair before the end is shut
 * for writing.  The client reads the greeting, negotiates capabilities
 * (its commands carry the ids "cvm-1", "cvm-2", ... which the seeds
 * use), runs two commands, waits for an event and drains the event
 * queue.  EOF arrives right after the input, so no call waits for its
 * timeout.  Inputs above 64 KiB are cut (the socket buffer holds them
 * without a reader thread).
 */
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fuzz.h"

#include "cvm/qmp.h"

#define FUZZ_QMP_MAX (64u << 10)

static void
session(struct cvm_qmp *q)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct json_object *ret = NULL, *args, *ev = NULL;
	unsigned v[3];
	int r;

	cvm_qmp_version(q, &v[0], &v[1], &v[2]);
	r = cvm_qmp_execute(q, "query-status", NULL, &ret, &err);
	fuzz_check_err(r, &err, "cvm_qmp_execute");
	json_object_put(ret);
	ret = NULL;
	(void)cvm_qmp_error_class(q);
	args = json_object_new_object();
	json_object_object_add(args, "device", json_object_new_string("x"));
	cvm_err_clear(&err);
	r = cvm_qmp_execute(q, "eject", args, &ret, &err);
	fuzz_check_err(r, &err, "cvm_qmp_execute");
	json_object_put(args);
	json_object_put(ret);
	if (strnlen(cvm_qmp_error_class(q), 64) == 64)
		fuzz_fail("error class not terminated");
	cvm_err_clear(&err);
	r = cvm_qmp_wait_event(q, "SHUTDOWN", 0, &ev, &err);
	fuzz_check_err(r, &err, "cvm_qmp_wait_event");
	json_object_put(ev);
	for (int i = 0; i < 2 * CVM_QMP_MAX_EVENTS; i++) {
		ev = NULL;
		cvm_err_clear(&err);
		r = cvm_qmp_next_event(q, 0, &ev, &err);
		fuzz_check_err(r, &err, "cvm_qmp_next_event");
		if (r <= 0)
			break;
		if (!json_object_is_type(ev, json_type_object))
			fuzz_fail("an event that is not an object");
		json_object_put(ev);
	}
	(void)cvm_qmp_events_dropped(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_qmp *q = NULL;
	int sv[2], buf = 1 << 20, r;
	ssize_t w;

	if (size > FUZZ_QMP_MAX)
		size = FUZZ_QMP_MAX;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		fuzz_fail("socketpair: %s", strerror(errno));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	while (size > 0) {
		w = write(sv[1], data, size);
		if (w <= 0)
			break; /* the buffer is full: the rest is cut */
		data += w;
		size -= (size_t)w;
	}
	shutdown(sv[1], SHUT_WR);
	r = cvm_qmp_open_fd(sv[0], 1000, &q, &err);
	fuzz_check_err(r, &err, "cvm_qmp_open_fd");
	if (r == 0)
		session(q);
	cvm_qmp_close(q);
	close(sv[1]);
	return 0;
}
