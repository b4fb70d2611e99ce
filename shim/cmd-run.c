/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci run [--bundle B] [--detach] ID`: create, start, wait, delete,
 * and exit with the container's status, as `runc run` does.  Engines do
 * not use it; it runs a bundle without one (tests, the benchmark).
 * Signals that reach `run` are passed to the container.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvm/oci.h"
#include "oci-cmd.h"

/* Wait for the monitor, forwarding signals to it; its exit status. */
static int
wait_monitor(pid_t pid)
{
	sigset_t set;
	int sfd, st = 0;

	sigfillset(&set);
	sigdelset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	for (;;) {
		struct pollfd p = {sfd, POLLIN, 0};
		struct signalfd_siginfo si;

		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		if (poll(&p, 1, 50) > 0 &&
		    read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			kill(pid, (int)si.ssi_signo);
	}
	close(sfd);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static int
run_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	struct oci_create_opts o = {0};
	bool detach = false, ignored = false;
	const struct oci_opt opts[] = {
		{"bundle", 'b', &o.bundle, NULL},
		{"pid-file", 0, &o.pid_file, NULL},
		{"console-socket", 0, &o.console_socket, NULL},
		{"detach", 'd', NULL, &detach},
		{"no-pivot", 0, NULL, &ignored},
		{"no-new-keyring", 0, NULL, &ignored},
		{NULL, 0, NULL, NULL}};
	char *pos[1];
	int npos, r, monitor = -1;

	if ((r = oci_opts(&verb_run, opts, argc, argv, pos, 1, &npos)) != 0 ||
	    (r = oci_need(&verb_run, npos, 1, "the container ID")) != 0)
		return r;
	o.id = pos[0];
	o.foreground = !detach;
	if ((r = oci_create(ctx, &o, &monitor)) != 0)
		return r;
	if ((r = oci_start(ctx, o.id)) != 0) {
		oci_delete(ctx, o.id, true);
		return r;
	}
	if (detach)
		return 0;
	r = wait_monitor(monitor);
	oci_delete(ctx, o.id, true);
	return r;
}

const struct oci_verb verb_run = {
	.name = "run",
	.summary = "create and start a container, wait, delete; exit with "
		   "its status",
	.usage = "run [--bundle DIR] [--pid-file FILE] [--console-socket "
		 "SOCKET] [--detach] ID",
	.help = "  -b, --bundle DIR   the OCI bundle (default: .)\n"
		"  -d, --detach       return once the container started\n",
	.run = run_cmd,
};
