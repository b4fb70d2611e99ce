/* SPDX-License-Identifier: MIT */
/*
 * Starting QEMU in the background without a shell: fork + execv with the
 * serial console (stdout) and stderr on pipes.  See cvm/qemu.h.
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/qemu.h"
#include "cvm/util.h"

/* In the child: stdin from /dev/null, stdout/stderr to the pipes; an exec
 * failure's errno goes back through `report` (close-on-exec).  QEMU dies
 * with its parent: a `cvm run` killed with SIGKILL must not leave its
 * guest running unwatched (tests/integration/t9100-fault-run.sh). */
static _Noreturn void
child(const char *prog, const char *const *argv, int out, int errfd, int report,
      pid_t parent)
{
	int nul = open("/dev/null", O_RDONLY);
	int e;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	if (nul >= 0)
		dup2(nul, 0);
	dup2(out, 1);
	dup2(errfd, 2);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execv(prog, (char *const *)argv);
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static void
close_pair(int p[2])
{
	cvm_closep(&p[0]);
	cvm_closep(&p[1]);
}

int
cvm_qemu_start(const char *const *argv, struct cvm_qemu_proc *p,
	       struct cvm_err *err)
{
	cleanup_free char *prog = cvm_which(argv[0]);
	int pout[2] = {-1, -1}, perr[2] = {-1, -1}, prep[2] = {-1, -1};
	int e = 0, r;
	pid_t pid, parent;

	*p = (struct cvm_qemu_proc)CVM_QEMU_PROC_INIT;
	if (!prog || !cvm_is_executable(prog))
		return cvm_err_set(err, -ENOENT, "program '%s' not found",
				   argv[0]);
	if (pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0 ||
	    pipe2(prep, O_CLOEXEC) < 0) {
		r = -errno;
		close_pair(pout);
		close_pair(perr);
		close_pair(prep);
		return cvm_err_set(err, r, "pipe: %s", strerror(-r));
	}
	p->start_ns = cvm_now_ns();
	parent = getpid();
	pid = fork();
	if (pid == 0)
		child(prog, argv, pout[1], perr[1], prep[1], parent);
	r = pid < 0 ? -errno : 0;
	cvm_closep(&pout[1]);
	cvm_closep(&perr[1]);
	cvm_closep(&prep[1]);
	if (r == 0 && read(prep[0], &e, sizeof(e)) != (ssize_t)sizeof(e))
		e = 0;
	cvm_closep(&prep[0]);
	if (r < 0 || e) {
		cvm_closep(&pout[0]);
		cvm_closep(&perr[0]);
		if (r < 0)
			return cvm_err_set(err, r, "fork: %s", strerror(-r));
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return cvm_err_set(err, -e, "cannot run '%s': %s", argv[0],
				   strerror(e));
	}
	fcntl(pout[0], F_SETFL, O_NONBLOCK);
	fcntl(perr[0], F_SETFL, O_NONBLOCK);
	p->pid = pid;
	p->out_fd = pout[0];
	p->err_fd = perr[0];
	return 0;
}

int
cvm_qemu_reap(struct cvm_qemu_proc *p, bool kill_it)
{
	int status = 0;
	struct rusage ru;

	cvm_closep(&p->out_fd);
	cvm_closep(&p->err_fd);
	p->out_fd = p->err_fd = -1;
	if (p->pid <= 0)
		return -1;
	if (kill_it)
		kill(p->pid, SIGKILL);
	memset(&ru, 0, sizeof(ru));
	while (wait4(p->pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	p->pid = -1;
	p->peak_rss_kib = ru.ru_maxrss > 0 ? (uint64_t)ru.ru_maxrss : 0;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
