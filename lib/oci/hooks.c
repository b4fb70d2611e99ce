/* SPDX-License-Identifier: MIT */
/*
 * Running OCI hooks on the host (runtime-spec config.md "POSIX-platform
 * Hooks"): `path` executed with `args` (argv[0] included) and `env`
 * (inherited when absent, as runc does), the container's state JSON on
 * stdin, killed after `timeout` seconds.  Output is captured so that a
 * failing hook's first line can be reported.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"

#define HOOK_OUTPUT_MAX 4096

extern char **environ;

static _Noreturn void
hook_child(const struct cvm_oci_hook *h, int in, int out)
{
	char *const self[] = {h->path, NULL};
	char *const *argv = h->args && h->args[0] ? h->args : self;
	char *const *envp = h->env && h->env[0] ? h->env : environ;

	dup2(in, 0);
	dup2(out, 1);
	dup2(out, 2);
	signal(SIGPIPE, SIG_DFL);
	execve(h->path, argv, envp);
	dprintf(2, "cannot execute: %s\n", strerror(errno));
	_exit(127);
}

/* Feed stdin, collect output, wait; returns the wait status or -1 on
 * timeout (the hook was killed). */
static int
hook_wait(pid_t pid, int in, int out, const char *state, int timeout,
	  struct cvm_buf *output)
{
	uint64_t deadline =
		timeout > 0 ? cvm_now_ns() + timeout * 1000000000ull : 0;
	bool exited = false, timed_out = false;
	int status = 0;

	/* the state is small; a hook that does not read it gets EPIPE */
	if (write(in, state, strlen(state)) < 0)
		(void)0;
	close(in);
	while (!exited) {
		struct pollfd p = {out, POLLIN, 0};
		char buf[512];
		ssize_t n;

		if (out >= 0 && poll(&p, 1, 20) > 0) {
			n = read(out, buf, sizeof(buf));
			if (n > 0 && output->len < HOOK_OUTPUT_MAX)
				cvm_buf_add(output, buf, (size_t)n);
			if (n == 0)
				out = -1;
		} else if (out < 0) {
			usleep(5000);
		}
		exited = waitpid(pid, &status, WNOHANG) == pid;
		if (!exited && deadline && cvm_now_ns() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			timed_out = exited = true;
		}
	}
	return timed_out ? -1 : status;
}

static int
run_one(const struct cvm_oci_hook *h, enum cvm_oci_hook_kind k,
	const char *state, struct cvm_err *err)
{
	cleanup_buf struct cvm_buf output = CVM_BUF_INIT;
	int in[2], out[2], status;
	char *nl;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return cvm_err_set(err, -errno, "pipe: %s", strerror(errno));
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return cvm_err_set(err, -errno, "pipe: %s", strerror(errno));
	}
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid == 0)
		hook_child(h, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		return cvm_err_set(err, -errno, "fork: %s", strerror(errno));
	}
	status = hook_wait(pid, in[1], out[0], state, h->timeout, &output);
	close(out[0]);
	if (status == -1)
		return cvm_err_set(err, -CVM_E_TIMEOUT,
				   "%s hook '%s' timed out after %d s",
				   cvm_oci_hook_kind_name(k), h->path,
				   h->timeout);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if ((nl = strchr(cvm_buf_str(&output), '\n')))
		*nl = '\0';
	return cvm_err_set(err, -CVM_E_CHILD, "%s hook '%s' failed (%s %d)%s%s",
			   cvm_oci_hook_kind_name(k), h->path,
			   WIFSIGNALED(status) ? "signal" : "exit status",
			   WIFSIGNALED(status) ? WTERMSIG(status)
					       : WEXITSTATUS(status),
			   output.len ? ": " : "", cvm_buf_str(&output));
}

int
cvm_oci_hooks_run(const struct cvm_oci_hooks *h, enum cvm_oci_hook_kind k,
		  const char *state_json, struct cvm_err *err)
{
	for (size_t i = 0; i < h->n; i++) {
		int r = run_one(&h->v[i], k, state_json, err);

		if (r < 0)
			return r;
	}
	return 0;
}
