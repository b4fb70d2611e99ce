/* SPDX-License-Identifier: MIT */
/* Running programs without a shell: see cvm/proc.h. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/proc.h"
#include "cvm/util.h"

#define CAPTURE_MAX (16u << 20)

void
cvm_proc_result_release(struct cvm_proc_result *r)
{
	cvm_buf_release(&r->out);
	cvm_buf_release(&r->err);
}

/* In the child: wire up stdio and exec; report an exec failure's errno
 * through `report` (close-on-exec, so a successful exec closes it). */
static void
child_exec(const char *prog, const char *const *argv, int in, int out,
	   int errfd, int report)
{
	int e;

	dup2(in, 0);
	dup2(out, 1);
	dup2(errfd, 2);
	signal(SIGPIPE, SIG_DFL);
	execv(prog, (char *const *)argv);
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Read what is available on `fd` into `b`; returns false at EOF/error. */
static bool
drain(int fd, struct cvm_buf *b)
{
	char chunk[16384];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (b->len < CAPTURE_MAX)
		cvm_buf_add(b, chunk, (size_t)n);
	return true;
}

static int
pump(int in_fd, const void *in, size_t in_len, int out_fd, int err_fd,
     int timeout_ms, struct cvm_proc_result *res)
{
	uint64_t deadline =
		timeout_ms > 0
			? cvm_now_ns() + (uint64_t)timeout_ms * 1000000ull
			: 0;
	size_t in_off = 0;

	while (out_fd >= 0 || err_fd >= 0) {
		struct pollfd pf[3] = {{out_fd, POLLIN, 0},
				       {err_fd, POLLIN, 0},
				       {in_fd, POLLOUT, 0}};
		int wait_ms = -1;

		if (deadline) {
			uint64_t now = cvm_now_ns();

			if (now >= deadline)
				return -ETIMEDOUT;
			wait_ms = (int)((deadline - now) / 1000000ull) + 1;
		}
		if (poll(pf, 3, wait_ms) < 0 && errno != EINTR)
			return -errno;
		if (pf[0].revents && !drain(out_fd, &res->out)) {
			close(out_fd);
			out_fd = -1;
		}
		if (pf[1].revents && !drain(err_fd, &res->err)) {
			close(err_fd);
			err_fd = -1;
		}
		if (pf[2].revents) {
			ssize_t n = write(in_fd, (const char *)in + in_off,
					  in_len - in_off);

			if (n > 0)
				in_off += (size_t)n;
			if (n < 0 || in_off >= in_len) {
				close(in_fd);
				in_fd = -1;
			}
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	return 0;
}

int
cvm_proc_run(const char *const *argv, const void *in, size_t in_len,
	     int timeout_ms, struct cvm_proc_result *res, struct cvm_err *err)
{
	cleanup_free char *prog = cvm_which(argv[0]);
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
	int prep[2] = {-1, -1};
	int status = 0, r, exec_errno = 0;
	pid_t pid;

	if (!prog)
		return cvm_err_set(err, -ENOENT, "program '%s' not found",
				   argv[0]);
	if (pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0 ||
	    pipe2(pin, O_CLOEXEC) < 0 || pipe2(prep, O_CLOEXEC) < 0) {
		r = -errno;
		for (int i = 0; i < 2; i++) {
			cvm_closep(&pin[i]);
			cvm_closep(&pout[i]);
			cvm_closep(&perr[i]);
			cvm_closep(&prep[i]);
		}
		return cvm_err_set(err, r, "pipe: %s", strerror(-r));
	}
	pid = fork();
	if (pid == 0)
		child_exec(prog, argv, pin[0], pout[1], perr[1], prep[1]);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	close(prep[1]);
	if (pid < 0) {
		r = -errno;
		close(pin[1]);
		close(pout[0]);
		close(perr[0]);
		close(prep[0]);
		return cvm_err_set(err, r, "fork: %s", strerror(-r));
	}
	if (read(prep[0], &exec_errno, sizeof(exec_errno)) !=
	    (ssize_t)sizeof(exec_errno))
		exec_errno = 0;
	close(prep[0]);
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	if (!in || !in_len) {
		close(pin[1]);
		pin[1] = -1;
	}
	{
		void (*old)(int) = signal(SIGPIPE, SIG_IGN);

		r = pump(pin[1], in, in_len, pout[0], perr[0], timeout_ms, res);
		signal(SIGPIPE, old);
	}
	if (r == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		res->timed_out = true;
		close(pout[0]);
		close(perr[0]);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		res->signal = WTERMSIG(status);
		res->status = 128 + res->signal;
	} else {
		res->status = WEXITSTATUS(status);
	}
	if (exec_errno)
		return cvm_err_set(err, -exec_errno, "cannot run '%s': %s",
				   argv[0], strerror(exec_errno));
	if (r < 0 && r != -ETIMEDOUT)
		return cvm_err_set(err, r, "running '%s': %s", argv[0],
				   strerror(-r));
	return 0;
}

char *
cvm_argv_join(const char *const *argv)
{
	struct cvm_buf b = CVM_BUF_INIT;

	for (size_t i = 0; argv[i]; i++) {
		const char *a = argv[i];
		bool quote = !*a ||
			     strpbrk(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") != NULL;

		if (i)
			cvm_buf_addch(&b, ' ');
		if (!quote) {
			cvm_buf_adds(&b, a);
			continue;
		}
		cvm_buf_addch(&b, '\'');
		for (; *a; a++) {
			if (*a == '\'')
				cvm_buf_adds(&b, "'\\''");
			else
				cvm_buf_addch(&b, *a);
		}
		cvm_buf_addch(&b, '\'');
	}
	return cvm_buf_detach(&b, NULL);
}
