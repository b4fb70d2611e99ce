/* SPDX-License-Identifier: MIT */
/*
 * cvm-agent: wait for START, start the container's process and relay.
 * Without a terminal the process gets three pipes; with one, a pty of the
 * container's devpts instance whose slave becomes its controlling
 * terminal (as runc does with the console socket's pty).  Host frames
 * become stdin bytes, end of input, signals and window sizes; output
 * becomes STDOUT/STDERR frames.  When the process ends, everything else
 * in the guest is killed (runc's pid namespace ends the same way), the
 * output is drained and the status reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"

extern char **environ;

struct relay {
	pid_t pid;
	int in, out, err; /* our ends; in == out for a terminal */
	bool terminal, in_eof, exited, go;
	unsigned rows, cols; /* a size that came before the process */
	int early_sig;	     /* a signal that came before it */
	int status;
	char *pending; /* stdin bytes not yet written */
	size_t npending;
	struct cvm_chan_dec dec;
};

/* In the child: become the container's process or die explaining why. */
static _Noreturn void
child(const struct agent_spec *s, int in, int out, int err)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if (s->terminal && ioctl(in, TIOCSCTTY, 0) < 0)
		dprintf(err, "cvm-agent: TIOCSCTTY: %s\n", strerror(errno));
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	if (chroot(CVM_SPEC_ROOT) < 0 || chdir("/") < 0) {
		dprintf(2, "cvm-agent: chroot: %s\n", strerror(errno));
		_exit(126);
	}
	if (chdir(s->cwd) < 0) {
		dprintf(2, "cvm-agent: cwd '%s': %s\n", s->cwd,
			strerror(errno));
		_exit(126);
	}
	if (s->has_umask)
		umask(s->umask);
	if (setgroups(s->ngroups, s->groups) < 0 || setgid(s->gid) < 0 ||
	    setuid(s->uid) < 0) {
		dprintf(2, "cvm-agent: user %u:%u: %s\n", (unsigned)s->uid,
			(unsigned)s->gid, strerror(errno));
		_exit(126);
	}
	/* execvp() searches the container's own PATH */
	environ = (char **)s->env;
	execvp(s->args[0], s->args);
	dprintf(2, "cvm-agent: exec '%s': %s\n", s->args[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int
open_pty(int *slave)
{
	int unlock = 0;
	int m = open(CVM_SPEC_ROOT "/dev/pts/ptmx", O_RDWR | O_NOCTTY);

	if (m < 0 || ioctl(m, TIOCSPTLCK, &unlock) < 0)
		return -1;
	*slave = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	return *slave < 0 ? -1 : m;
}

static void
resize(struct relay *r, unsigned rows, unsigned cols)
{
	struct winsize ws = {.ws_row = (unsigned short)rows,
			     .ws_col = (unsigned short)cols};

	if (r->terminal && rows && cols)
		ioctl(r->out, TIOCSWINSZ, &ws);
}

static void
spawn(struct relay *r, const struct agent_spec *s)
{
	int pin[2], pout[2], perr[2], slave = -1;

	r->terminal = s->terminal;
	if (s->terminal) {
		if ((r->out = open_pty(&slave)) < 0)
			agent_fail(126, "cannot open a pty: %s",
				   strerror(errno));
		r->in = r->out;
		r->err = -1;
		resize(r, r->rows ? r->rows : s->rows,
		       r->cols ? r->cols : s->cols);
		pin[0] = pout[1] = perr[1] = slave;
	} else {
		if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 ||
		    pipe2(perr, O_CLOEXEC) < 0)
			agent_fail(126, "pipe: %s", strerror(errno));
		r->in = pin[1];
		r->out = pout[0];
		r->err = perr[0];
	}
	r->pid = fork();
	if (r->pid < 0)
		agent_fail(126, "fork: %s", strerror(errno));
	if (r->pid == 0)
		child(s, pin[0], pout[1], perr[1]);
	close(pin[0]);
	if (!s->terminal) {
		close(pout[1]);
		close(perr[1]);
	}
	fcntl(r->in, F_SETFL, O_NONBLOCK);
}

/* Write what we can of the pending stdin bytes; close at end of input. */
static void
flush_stdin(struct relay *r)
{
	if (r->pid <= 0)
		return; /* kept until the process runs */
	while (r->npending) {
		ssize_t w = write(r->in, r->pending, r->npending);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0) { /* the process closed its stdin */
			r->npending = 0;
			break;
		}
		memmove(r->pending, r->pending + w, r->npending - (size_t)w);
		r->npending -= (size_t)w;
	}
	if (r->in_eof && !r->terminal && r->in >= 0) {
		close(r->in);
		r->in = -1;
	}
}

static void
host_frame(struct relay *r, const struct cvm_chan_frame *f)
{
	switch (f->type) {
	case CVM_CHAN_STDIN:
		if (r->in < 0 && r->pid > 0)
			return; /* the process's stdin is closed */
		r->pending = realloc(r->pending, r->npending + f->len);
		if (!r->pending)
			agent_fail(126, "out of memory for stdin");
		memcpy(r->pending + r->npending, f->data, f->len);
		r->npending += f->len;
		flush_stdin(r);
		break;
	case CVM_CHAN_STDIN_EOF:
		r->in_eof = true;
		flush_stdin(r);
		break;
	case CVM_CHAN_SIGNAL:
		if (f->len < 4 || r->exited)
			break;
		if (r->pid > 0)
			kill(r->pid, (int)cvm_chan_u32(f->data));
		else /* it came with START: for the process once it runs */
			r->early_sig = (int)cvm_chan_u32(f->data);
		break;
	case CVM_CHAN_RESIZE:
		if (f->len < 4)
			break;
		r->rows = f->data[0] | (f->data[1] << 8);
		r->cols = f->data[2] | (f->data[3] << 8);
		if (r->pid > 0)
			resize(r, r->rows, r->cols);
		break;
	case CVM_CHAN_START:
		r->go = true;
		break;
	default:
		agent_log("unknown frame type 0x%02x ignored", f->type);
	}
}

static void
read_host(struct relay *r)
{
	static struct cvm_chan_frame f;
	uint8_t buf[4096];
	ssize_t n = read(agent_chan, buf, sizeof(buf));
	size_t used = 0;
	bool got;

	while (n > 0 && used < (size_t)n) {
		used += cvm_chan_dec_feed(&r->dec, buf + used, (size_t)n - used,
					  &f, &got);
		if (got)
			host_frame(r, &f);
	}
}

/* Relay one read of `*fd`; at its end close it.  A pty master reads EIO
 * once the last slave is closed. */
static void
pump(int *fd, uint8_t type)
{
	static char buf[CVM_CHAN_MAX_PAYLOAD];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n > 0) {
		agent_send(type, buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close(*fd);
	*fd = -1;
}

static void
reap(struct relay *r, int sfd)
{
	struct signalfd_siginfo si;
	int st;
	pid_t p;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p != r->pid)
			continue;
		r->exited = true;
		r->status = st;
		/* the container ends with its process (runc: pid namespace) */
		kill(-1, SIGKILL);
	}
}

_Noreturn void
agent_run(const struct agent_spec *s)
{
	static struct relay r;
	sigset_t set;
	int sfd;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	r.in = r.out = r.err = -1;
	/* the container is set up: its process waits for `start`; input
	 * that arrives with START is kept for it */
	while (!r.go) {
		struct pollfd p = {agent_chan, POLLIN, 0};

		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			agent_fail(126, "poll: %s", strerror(errno));
		if (p.revents)
			read_host(&r);
	}
	spawn(&r, s);
	flush_stdin(&r);
	if (r.early_sig)
		kill(r.pid, r.early_sig);
	while (!r.exited || r.out >= 0 || r.err >= 0) {
		struct pollfd p[5] = {{agent_chan, POLLIN, 0},
				      {sfd, POLLIN, 0},
				      {r.out, POLLIN, 0},
				      {r.err, POLLIN, 0},
				      {r.npending ? r.in : -1, POLLOUT, 0}};

		if (poll(p, 5, -1) < 0 && errno != EINTR)
			agent_fail(126, "poll: %s", strerror(errno));
		if (p[0].revents)
			read_host(&r);
		if (p[1].revents)
			reap(&r, sfd);
		if (p[2].revents && r.out >= 0)
			pump(&r.out, CVM_CHAN_STDOUT);
		if (r.terminal && r.out < 0)
			r.in = -1; /* the same descriptor, now closed */
		if (p[3].revents && r.err >= 0)
			pump(&r.err, CVM_CHAN_STDERR);
		if (p[4].revents)
			flush_stdin(&r);
	}
	if (WIFSIGNALED(r.status))
		agent_exit(CVM_CHAN_EXIT_SIGNAL, WTERMSIG(r.status));
	agent_exit(CVM_CHAN_EXIT_CODE, WEXITSTATUS(r.status));
}
