/* SPDX-License-Identifier: MIT */
/*
 * The monitor: the process the engine sees as the container (its PID is
 * in the pid-file, its exit status is the container's).  runq calls the
 * same thing "proxy" (docker-sev.md §1.1, §2.7).  It boots the VM at
 * once: the guest kernel and the agent's set-up are the container's
 * environment, which the runtime spec lets `create` prepare; the
 * container's process waits for START, sent when `start` writes a byte
 * into the start FIFO (so the boot overlaps the engine's work between
 * create and start).  Then it moves bytes: the engine's stdin (or pty)
 * to STDIN frames, STDOUT/STDERR
 * frames to its stdout/stderr, every catchable signal to a SIGNAL frame
 * for the agent, SIGWINCH to RESIZE.  Nothing goes to the guest before
 * its HELLO, because the serial port drops bytes until the agent has
 * opened it.  The status comes from the EXIT frame; the console marker
 * and QEMU's own exit are fallbacks.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/log.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "oci-priv.h"
#include "oci-proto.h"

#define QEMU_ERR_MAX  8192
#define EXIT_GRACE_MS 3000

struct mon {
	const struct cvm_oci_monitor *m;
	int sfd, ctl, qerr;
	int in, out, err; /* the engine's side */
	pid_t qemu;
	int qemu_status;
	bool hello, in_done, have_exit, qemu_done;
	bool started;  /* `start` ran */
	int commit;    /* the commit pipe until committed, then -1 */
	int end_early; /* 128 + signal, or 255: ended before `start` */
	int status;
	uint64_t t_boot, t_start, t_hello, t_exit;
	struct cvm_buf to_guest, qemu_text;
	struct cvm_chan_dec dec;
};

static void
queue(struct mon *m, uint8_t type, const void *p, size_t n)
{
	uint8_t frame[CVM_CHAN_MAX_FRAME];

	cvm_buf_add(&m->to_guest, frame, cvm_chan_encode(frame, type, p, n));
}

static void
flush_guest(struct mon *m)
{
	while (m->hello && m->to_guest.len) {
		ssize_t w = send(m->ctl, m->to_guest.data, m->to_guest.len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		memmove(m->to_guest.data, m->to_guest.data + w,
			m->to_guest.len - (size_t)w);
		cvm_buf_truncate(&m->to_guest, m->to_guest.len - (size_t)w);
	}
}

static void
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the engine stopped reading: drop */
		s += w;
		n -= (size_t)w;
	}
}

static void
send_size(struct mon *m)
{
	struct winsize ws;
	uint8_t p[4];

	if (m->m->tty < 0 || ioctl(m->m->tty, TIOCGWINSZ, &ws) < 0 ||
	    !ws.ws_row || !ws.ws_col)
		return;
	p[0] = (uint8_t)ws.ws_row;
	p[1] = (uint8_t)(ws.ws_row >> 8);
	p[2] = (uint8_t)ws.ws_col;
	p[3] = (uint8_t)(ws.ws_col >> 8);
	queue(m, CVM_CHAN_RESIZE, p, sizeof(p));
}

static void
guest_frame(struct mon *m, const struct cvm_chan_frame *f)
{
	char text[CVM_CHAN_MAX_PAYLOAD + 1];

	switch (f->type) {
	case CVM_CHAN_HELLO:
		m->hello = true;
		m->t_hello = cvm_now_ns();
		if (f->len < 4 || cvm_chan_u32(f->data) != CVM_CHAN_VERSION)
			cvm_log(CVM_LOG_WARN, "agent speaks another protocol "
					      "version");
		cvm_log(CVM_LOG_DEBUG, "agent ready %.3f s after QEMU started",
			(double)(m->t_hello - m->t_boot) / 1e9);
		send_size(m);
		break;
	case CVM_CHAN_STDOUT:
		write_all(m->out, f->data, f->len);
		break;
	case CVM_CHAN_STDERR:
		write_all(m->err, f->data, f->len);
		break;
	case CVM_CHAN_EXIT:
		if (f->len < 8)
			break;
		m->have_exit = true;
		m->t_exit = cvm_now_ns();
		m->status =
			cvm_chan_u32(f->data) == CVM_CHAN_EXIT_SIGNAL
				? 128 + (int)(cvm_chan_u32(f->data + 4) & 0x7f)
				: (int)(cvm_chan_u32(f->data + 4) & 0xff);
		break;
	case CVM_CHAN_LOG:
	case CVM_CHAN_INFO:
		memcpy(text, f->data, f->len);
		text[f->len] = '\0';
		cvm_log(f->type == CVM_CHAN_LOG ? CVM_LOG_WARN : CVM_LOG_DEBUG,
			"agent: %s", text);
		break;
	default:
		break;
	}
}

static void
read_guest(struct mon *m)
{
	static struct cvm_chan_frame f;
	uint8_t buf[16384];
	ssize_t n;

	while ((n = recv(m->ctl, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		size_t used = 0;
		bool got;

		while (used < (size_t)n) {
			used += cvm_chan_dec_feed(&m->dec, buf + used,
						  (size_t)n - used, &f, &got);
			if (got)
				guest_frame(m, &f);
		}
	}
	if (n == 0) { /* QEMU is gone */
		close(m->ctl);
		m->ctl = -1;
	}
}

static void
read_engine(struct mon *m)
{
	uint8_t buf[CVM_CHAN_MAX_PAYLOAD];
	ssize_t n = read(m->in, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		queue(m, CVM_CHAN_STDIN, buf, (size_t)n);
		return;
	}
	/* end of input (a pty reads EIO once the engine closed the master) */
	m->in_done = true;
	queue(m, CVM_CHAN_STDIN_EOF, NULL, 0);
}

static void
read_qemu_err(struct mon *m)
{
	char buf[1024];
	ssize_t n = read(m->qerr, buf, sizeof(buf));

	if (n <= 0) {
		close(m->qerr);
		m->qerr = -1;
		return;
	}
	if (m->qemu_text.len < QEMU_ERR_MAX)
		cvm_buf_add(&m->qemu_text, buf, (size_t)n);
}

/* Reap QEMU, pass sizes and signals on. */
static void
on_signal(struct mon *m)
{
	struct signalfd_siginfo si;
	uint8_t p[4];

	while (read(m->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGCHLD) {
			int st;

			if (m->qemu > 0 &&
			    waitpid(m->qemu, &st, WNOHANG) == m->qemu) {
				m->qemu_done = true;
				m->qemu_status = st;
			}
		} else if (sig == SIGWINCH) {
			send_size(m);
		} else if (sig != SIGPIPE && sig != SIGURG && !m->started) {
			/* created, not started: the signal ends the container
			 */
			m->end_early = 128 + sig;
			kill(m->qemu, SIGKILL);
		} else if (sig != SIGPIPE && sig != SIGURG) {
			cvm_log(CVM_LOG_DEBUG, "forwarding signal %d", sig);
			cvm_chan_put_u32(p, (uint32_t)sig);
			queue(m, CVM_CHAN_SIGNAL, p, sizeof(p));
		}
	}
}

static int
setup_signals(struct mon *m, struct cvm_err *err)
{
	static const int sync_sigs[] = {SIGSEGV, SIGBUS,  SIGILL, SIGFPE,
					SIGTRAP, SIGABRT, SIGSYS};
	sigset_t all;

	sigfillset(&all);
	for (size_t i = 0; i < CVM_ARRAY_SIZE(sync_sigs); i++)
		sigdelset(&all, sync_sigs[i]);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0 ||
	    (m->sfd = signalfd(-1, &all, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		return cvm_err_set(err, -errno, "signalfd: %s",
				   strerror(errno));
	return 0;
}

/* The start FIFO or the commit pipe is readable. */
static void
on_lifecycle(struct mon *m, bool start, bool commit)
{
	char c;

	if (start && read(m->m->start_fd, &c, 1) == 1) {
		m->started = true;
		m->t_start = cvm_now_ns();
		queue(m, CVM_CHAN_START, NULL, 0);
	}
	if (commit && read(m->commit, &c, 1) == 1) {
		m->commit = -1; /* committed: nothing more to hear */
	} else if (commit) {
		/* create ended without committing: it failed */
		m->end_early = 255;
		kill(m->qemu, SIGKILL);
	}
}

static void
relay(struct mon *m)
{
	uint64_t grace = 0;

	while (!m->qemu_done || m->ctl >= 0) {
		bool can_in =
			m->started && m->hello && !m->in_done && m->in >= 0;
		struct pollfd p[6] = {
			{m->ctl,
			 (short)(POLLIN |
				 (m->hello && m->to_guest.len ? POLLOUT : 0)),
			 0},
			{m->sfd, POLLIN, 0},
			{can_in ? m->in : -1, POLLIN, 0},
			{m->qerr, POLLIN, 0},
			{m->started ? -1 : m->m->start_fd, POLLIN, 0},
			{m->commit, POLLIN, 0}};

		if (m->qemu_done && m->ctl >= 0) {
			read_guest(m); /* what QEMU wrote before it ended */
			cvm_closep(&m->ctl);
			m->ctl = -1;
			break;
		}
		if (poll(p, 6, m->have_exit ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			read_guest(m);
		if (p[1].revents)
			on_signal(m);
		if (p[2].revents)
			read_engine(m);
		if (p[3].revents)
			read_qemu_err(m);
		if (p[4].revents || p[5].revents)
			on_lifecycle(m, p[4].revents, p[5].revents);
		if (m->ctl >= 0)
			flush_guest(m);
		if (m->have_exit && !grace)
			grace = cvm_now_ns() + EXIT_GRACE_MS * 1000000ull;
		if (grace && !m->qemu_done && cvm_now_ns() > grace)
			kill(m->qemu, SIGKILL); /* reaped via SIGCHLD */
	}
}

/* The VM ended before `start`: stay a created container until start (to
 * report why, as the container's output), a signal or a failed create. */
static void
wait_start(struct mon *m)
{
	while (!m->started && !m->end_early) {
		struct pollfd p[3] = {{m->m->start_fd, POLLIN, 0},
				      {m->sfd, POLLIN, 0},
				      {m->commit, POLLIN, 0}};

		if (poll(p, 3, -1) < 0 && errno != EINTR)
			return;
		if (p[1].revents)
			on_signal(m);
		if (p[0].revents || p[2].revents)
			on_lifecycle(m, p[0].revents, p[2].revents);
	}
}

/* The status from the console marker, when the EXIT frame never came. */
static bool
marker_status(const char *dir, int *status)
{
	cleanup_free char *path = cvm_xasprintf("%s/console.log", dir);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	const char *p, *last = NULL;
	int v;

	if (cvm_file_read(path, &b, 64u << 20, NULL) < 0)
		return false;
	for (p = cvm_buf_str(&b); (p = strstr(p, CVM_AGENT_MARKER)); p++)
		last = p + strlen(CVM_AGENT_MARKER);
	if (!last)
		return false;
	if (sscanf(last, "code=%d", &v) == 1)
		*status = v & 0xff;
	else if (sscanf(last, "signal=%d", &v) == 1)
		*status = 128 + (v & 0x7f);
	else
		return false;
	return true;
}

static int
finish(struct mon *m, struct cvm_err *err)
{
	char line[320];

	if (m->have_exit)
		return m->status;
	if (marker_status(m->m->state_dir, &m->status)) {
		cvm_log(CVM_LOG_WARN, "exit status from the console marker");
		return m->status;
	}
	while (m->qerr >= 0)
		read_qemu_err(m);
	cvm_qemu_error_line(cvm_buf_str(&m->qemu_text), line, sizeof(line));
	cvm_err_set(err, -CVM_E_CHILD,
		    "the VM ended before the container's process reported "
		    "its exit status (QEMU %s %d)%s%s",
		    WIFSIGNALED(m->qemu_status) ? "signal" : "exit status",
		    WIFSIGNALED(m->qemu_status) ? WTERMSIG(m->qemu_status)
						: WEXITSTATUS(m->qemu_status),
		    *line ? ": " : "", line);
	return 255;
}

static void
mon_release(struct mon *m)
{
	if (m->qemu > 0 && !m->qemu_done) {
		kill(m->qemu, SIGKILL);
		waitpid(m->qemu, NULL, 0);
	}
	cvm_closep(&m->ctl);
	cvm_closep(&m->qerr);
	cvm_closep(&m->sfd);
	cvm_buf_release(&m->to_guest);
	cvm_buf_release(&m->qemu_text);
}

static void
tty_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
}

int
cvm_oci_monitor_run(const struct cvm_oci_monitor *mo, struct cvm_err *err)
{
	struct mon m = {.m = mo, .sfd = -1, .ctl = -1, .qerr = -1};
	int sp[2], r;

	m.commit = mo->commit_fd;
	m.in = mo->tty >= 0 ? mo->tty : 0;
	m.out = mo->tty >= 0 ? mo->tty : 1;
	m.err = mo->tty >= 0 ? mo->tty : 2;
	if (mo->tty >= 0)
		tty_raw(mo->tty); /* the guest's own pty does the line work */
	if ((r = setup_signals(&m, err)) < 0)
		return 255;
	m.t_boot = m.t_start = cvm_now_ns();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
		cvm_err_set(err, -errno, "socketpair: %s", strerror(errno));
		mon_release(&m);
		return 255;
	}
	m.ctl = sp[0];
	r = oci_qemu_spawn(mo->qemu_argv, mo->state_dir, sp[1], &m.qerr,
			   &m.qemu, err);
	close(sp[1]);
	if (r == 0) {
		relay(&m);
		wait_start(&m);
	}
	if (m.end_early) {
		mon_release(&m);
		cvm_err_clear(err);
		return m.end_early;
	}
	r = r < 0 ? 255 : finish(&m, err);
	cvm_log(CVM_LOG_DEBUG,
		"container ended with status %d %.3f s after start (the VM "
		"booted for %.3f s before)",
		r, (double)(cvm_now_ns() - m.t_start) / 1e9,
		(double)(m.t_start - m.t_boot) / 1e9);
	mon_release(&m);
	return r;
}
