/* SPDX-License-Identifier: MIT */
/*
 * The serial console through libvirt: virDomainOpenConsole() joins a
 * non-blocking virStream to the guest's first console (the pty of the
 * <serial> device, on whichever host runs the guest), and libvirt's
 * default event loop pumps it (see cvm/virt.h).  Guest output goes to
 * the caller's callback; bytes from `in_fd` go to the guest.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "cvm/cleanup.h"
#include "cvm/log.h"
#include "cvm/virt.h"
#include "virt-priv.h"

#define RUNNING -1
/* after libvirt says the domain stopped, wait this long for the last
 * bytes still in the stream before calling it EOF */
#define STOP_GRACE_MS 3000

struct console {
	struct cvm_virt_conn *c;
	const char *name;
	virStreamPtr st;
	const struct cvm_virt_console_opts *o;
	struct cvm_err *err;
	int end;	    /* RUNNING, or an enum cvm_virt_console_end */
	int code;	    /* < 0 when a failure ended the session */
	char pending[4096]; /* input not yet accepted by the stream */
	size_t npending;
	int in_watch, timer, grace, lifecycle;
};

static void
finish(struct console *con, int end)
{
	if (con->end == RUNNING)
		con->end = end;
}

static void
fail(struct console *con, int code)
{
	if (con->end == RUNNING) {
		con->end = CVM_VIRT_CONSOLE_EOF;
		con->code = code;
	}
}

static void
set_stream_events(struct console *con)
{
	int ev = VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP |
		 VIR_STREAM_EVENT_ERROR;

	if (con->npending)
		ev |= VIR_STREAM_EVENT_WRITABLE;
	virStreamEventUpdateCallback(con->st, ev);
	/* stop reading input while the stream is full */
	if (con->in_watch >= 0)
		virEventUpdateHandle(con->in_watch,
				     con->npending ? 0
						   : VIR_EVENT_HANDLE_READABLE);
}

static void
flush_input(struct console *con)
{
	int n;

	while (con->npending) {
		n = virStreamSend(con->st, con->pending, con->npending);
		if (n == -2)
			break;
		if (n < 0) {
			fail(con, virt_fail(con->err,
					    "write to the console of "
					    "'%s'",
					    con->name));
			return;
		}
		memmove(con->pending, con->pending + n,
			con->npending - (size_t)n);
		con->npending -= (size_t)n;
	}
	set_stream_events(con);
}

static void
read_output(struct console *con)
{
	char buf[4096];
	int n, r;

	while (con->end == RUNNING) {
		n = virStreamRecv(con->st, buf, sizeof(buf));
		if (n == -2)
			return;
		if (n == 0) {
			finish(con, CVM_VIRT_CONSOLE_EOF);
			return;
		}
		if (n < 0) {
			fail(con,
			     virt_fail(con->err, "read the console of '%s'",
				       con->name));
			return;
		}
		r = con->o->out(con->o->opaque, buf, (size_t)n);
		if (r < 0)
			fail(con, cvm_err_set(con->err, r,
					      "console of '%s': the output "
					      "handler failed",
					      con->name));
		else if (r == 1)
			finish(con, CVM_VIRT_CONSOLE_STOPPED);
	}
}

static void
stream_event(virStreamPtr st, int events, void *opaque)
{
	struct console *con = opaque;

	(void)st;
	if (events & VIR_STREAM_EVENT_READABLE)
		read_output(con);
	if (con->end == RUNNING && (events & VIR_STREAM_EVENT_WRITABLE))
		flush_input(con);
	if (events & (VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR)) {
		read_output(con);
		finish(con, CVM_VIRT_CONSOLE_EOF);
	}
}

static void
input_event(int watch, int fd, int events, void *opaque)
{
	struct console *con = opaque;
	size_t room = sizeof(con->pending) - con->npending;
	char *esc;
	ssize_t n;

	(void)watch;
	(void)events;
	n = read(fd, con->pending + con->npending, room);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		finish(con, CVM_VIRT_CONSOLE_ESCAPE);
		return;
	}
	esc = con->o->escape >= 0 ? memchr(con->pending + con->npending,
					   con->o->escape, (size_t)n)
				  : NULL;
	if (esc) {
		con->npending = (size_t)(esc - con->pending);
		flush_input(con);
		finish(con, CVM_VIRT_CONSOLE_ESCAPE);
		return;
	}
	con->npending += (size_t)n;
	flush_input(con);
}

static void
timer_event(int timer, void *opaque)
{
	struct console *con = opaque;

	if (timer == con->grace)
		finish(con, CVM_VIRT_CONSOLE_EOF);
	else
		finish(con, CVM_VIRT_CONSOLE_TIMEOUT);
}

/* The domain stopped: the stream normally closes by itself, but do not
 * wait for ever if the daemon keeps it open. */
static int
lifecycle_event(virConnectPtr conn, virDomainPtr dom, int event, int detail,
		void *opaque)
{
	struct console *con = opaque;

	(void)conn;
	(void)dom;
	(void)detail;
	if (event == VIR_DOMAIN_EVENT_STOPPED && con->grace < 0)
		con->grace = virEventAddTimeout(STOP_GRACE_MS, timer_event, con,
						NULL);
	return 0;
}

static int
attach(struct console *con, virDomainPtr d)
{
	virConnectPtr conn = virt_conn_ptr(con->c);
	const struct cvm_virt_console_opts *o = con->o;

	con->st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
	if (!con->st || virDomainOpenConsole(d, NULL, con->st,
					     VIR_DOMAIN_CONSOLE_FORCE) < 0)
		return virt_fail(con->err, "open the console of '%s' on '%s'",
				 con->name, cvm_virt_uri(con->c));
	if (virStreamEventAddCallback(con->st,
				      VIR_STREAM_EVENT_READABLE |
					      VIR_STREAM_EVENT_HANGUP |
					      VIR_STREAM_EVENT_ERROR,
				      stream_event, con, NULL) < 0)
		return virt_fail(con->err, "watch the console of '%s'",
				 con->name);
	con->lifecycle = virConnectDomainEventRegisterAny(
		conn, d, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
		VIR_DOMAIN_EVENT_CALLBACK(lifecycle_event), con, NULL);
	virResetLastError();
	if (o->in_fd >= 0)
		con->in_watch =
			virEventAddHandle(o->in_fd, VIR_EVENT_HANDLE_READABLE,
					  input_event, con, NULL);
	if (o->timeout_ms > 0)
		con->timer = virEventAddTimeout(o->timeout_ms, timer_event, con,
						NULL);
	if (o->resume && virDomainResume(d) < 0)
		return virt_fail(con->err, "resume '%s' on '%s'", con->name,
				 cvm_virt_uri(con->c));
	return 0;
}

static void
detach(struct console *con)
{
	if (con->timer >= 0)
		virEventRemoveTimeout(con->timer);
	if (con->grace >= 0)
		virEventRemoveTimeout(con->grace);
	if (con->in_watch >= 0)
		virEventRemoveHandle(con->in_watch);
	if (con->lifecycle >= 0)
		virConnectDomainEventDeregisterAny(virt_conn_ptr(con->c),
						   con->lifecycle);
	if (con->st) {
		virStreamEventRemoveCallback(con->st);
		if (con->end == CVM_VIRT_CONSOLE_EOF && con->code == 0)
			virStreamFinish(con->st);
		else
			virStreamAbort(con->st);
		virStreamFree(con->st);
	}
	virResetLastError();
}

int
cvm_virt_console(struct cvm_virt_conn *c, const char *name,
		 const struct cvm_virt_console_opts *o, struct cvm_err *err)
{
	cleanup_dom virDomainPtr d = NULL;
	struct console con = {
		.c = c,
		.name = name,
		.o = o,
		.err = err,
		.end = RUNNING,
		.in_watch = -1,
		.timer = -1,
		.grace = -1,
		.lifecycle = -1,
	};
	int r;

	if (!o->out)
		CVM_BUG("cvm_virt_console without an output callback");
	r = virt_lookup(c, name, &d, err);
	if (r < 0)
		return r;
	r = attach(&con, d);
	while (r == 0 && con.end == RUNNING)
		if (virEventRunDefaultImpl() < 0)
			r = virt_fail(err, "libvirt's event loop failed");
	detach(&con);
	if (r < 0)
		return r;
	if (con.code < 0)
		return con.code;
	return con.end;
}
