/* SPDX-License-Identifier: MIT */
/*
 * A VM's QEMU process, without a daemon: started detached in the VM's
 * folder (its own session, output to qemu.log), found again through its
 * pid file and /proc, reached through the QMP socket.  See cvm/vm.h.
 */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/qmp.h"
#include "cvm/util.h"
#include "cvm/vm.h"
#include "vm-priv.h"

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Is `pid` alive with `dir` as its working directory? */
static bool
pid_in_dir(pid_t pid, const char *dir)
{
	char link[64], cwd[PATH_MAX];
	cleanup_free char *real = realpath(dir, NULL);
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%ld/cwd", (long)pid);
	n = readlink(link, cwd, sizeof(cwd) - 1);
	if (n < 0) /* not ours to read (EACCES): alive is all we know */
		return errno == EACCES && kill(pid, 0) == 0;
	cwd[n] = '\0';
	return real && !strcmp(cwd, real);
}

pid_t
vm_qemu_pid(const struct cvm_vm *vm, bool *stale)
{
	cleanup_free char *path = cvm_vm_path(vm, CVM_VM_F_PID);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	uint64_t pid = 0;
	char *nl;

	*stale = false;
	if (cvm_file_read(path, &b, 64, NULL) < 0)
		return 0;
	*stale = true;
	nl = strchr(cvm_buf_str(&b), '\n');
	if (nl)
		*nl = '\0';
	if (cvm_parse_u64(cvm_buf_str(&b), &pid) < 0 || pid < 2 ||
	    pid > INT_MAX || !pid_in_dir((pid_t)pid, vm->dir))
		return 0;
	*stale = false;
	return (pid_t)pid;
}

void
vm_clean_runtime(const struct cvm_vm *vm)
{
	static const char *const files[] = {CVM_VM_F_PID, CVM_VM_F_QMP,
					    CVM_VM_F_CONSOLE};

	for (size_t i = 0; i < CVM_ARRAY_SIZE(files); i++) {
		cleanup_free char *p = cvm_vm_path(vm, files[i]);

		unlink(p);
	}
}

/* Gone, or a zombie that its parent (init, once the starting cvm has
 * exited) has yet to reap: proc(5), /proc/PID/stat field 3. */
static bool
pid_gone(pid_t pid)
{
	char path[64];
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	const char *paren;

	waitpid(pid, NULL, WNOHANG); /* our own child: reap it */
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (cvm_file_read(path, &b, 4096, NULL) < 0)
		return kill(pid, 0) < 0 && errno == ESRCH;
	paren = strrchr(cvm_buf_str(&b), ')');
	return paren && paren[1] == ' ' && (paren[2] == 'Z' || paren[2] == 'X');
}

bool
vm_pid_wait_gone(pid_t pid, int timeout_ms)
{
	uint64_t end = cvm_now_ns() + (uint64_t)timeout_ms * 1000000ull;

	for (;;) {
		if (pid_gone(pid))
			return true;
		if (cvm_now_ns() >= end)
			return false;
		sleep_ms(20);
	}
}

int
vm_qmp_open(const struct cvm_vm *vm, int timeout_ms, struct cvm_qmp **out,
	    struct cvm_err *err)
{
	cleanup_free char *path = cvm_vm_short_path(vm, CVM_VM_F_QMP);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	*out = NULL;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cvm_err_set(err, -errno, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return cvm_err_set(err, -e, "VM '%s': QMP socket: %s", vm->name,
				   strerror(e));
	}
	return cvm_qmp_open_fd(fd, timeout_ms, out, err);
}

/* ---- starting ----------------------------------------------------------- */

/* In the child, in the VM folder: our pid into the pid file before QEMU
 * exists (QEMU's -pidfile then writes the same number), so that from the
 * fork on the VM counts as running, also when the cvm that started it
 * is killed before QEMU answers (t9200); no stdio after fork. */
static void
child_pidfile(void)
{
	char buf[24];
	size_t n = sizeof(buf);
	long pid = (long)getpid();
	int fd;

	buf[--n] = '\n';
	do {
		buf[--n] = (char)('0' + pid % 10);
		pid /= 10;
	} while (pid && n > 0);
	fd = open(CVM_VM_F_PID, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, buf + n, sizeof(buf) - n) < 0) {
		/* QEMU writes the file again; nothing to do */
	}
	close(fd);
}

/* In the child: a session of its own in the VM folder, output to the log
 * (`logfd`), the memlock limit raised, then QEMU.  An exec failure's
 * errno goes back through `report`. */
static _Noreturn void
child(struct cvm_vm *vm, const char *prog, char *const *argv, int logfd,
      int report, uint64_t memlock)
{
	int nul = open("/dev/null", O_RDONLY), e;
	struct rlimit rl;

	setsid();
	if (fchdir(vm->dirfd) < 0)
		_exit(127);
	child_pidfile();
	if (nul >= 0)
		dup2(nul, 0);
	dup2(logfd, 1);
	dup2(logfd, 2);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	/* SEV pins guest RAM against RLIMIT_MEMLOCK (launch-and-host.md
	 * §0.8); the parent checked that this is allowed */
	if (memlock && getrlimit(RLIMIT_MEMLOCK, &rl) == 0 &&
	    rl.rlim_cur < memlock) {
		rl.rlim_cur = memlock;
		if (rl.rlim_max < memlock)
			rl.rlim_max = memlock;
		setrlimit(RLIMIT_MEMLOCK, &rl);
	}
	execv(prog, argv);
	e = errno;
	if (write(report, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* QEMU exited before its QMP answered: say why, in one line. */
static int
explain_exit(struct cvm_vm *vm, int status, struct cvm_err *err)
{
	cleanup_free char *log = cvm_vm_path(vm, CVM_VM_F_QEMULOG);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	const struct cvm_qemu_explanation *x;
	char line[320];

	cvm_file_read(log, &b, 1u << 20, NULL);
	x = cvm_qemu_explain(cvm_buf_str(&b));
	cvm_qemu_error_line(cvm_buf_str(&b), line, sizeof(line));
	if (!line[0])
		snprintf(line, sizeof(line), "no error message");
	if (x)
		return cvm_err_set(err, -CVM_E_CHILD,
				   "QEMU exited at start (status %d): %s: %s",
				   status, line, x->text);
	return cvm_err_set(err, -CVM_E_CHILD,
			   "QEMU exited at start (status %d): %s", status,
			   line);
}

static int
fork_qemu(struct cvm_vm *vm, struct cvm_vm_launch *l, uint64_t memlock,
	  struct cvm_err *err)
{
	const char *const *argv = cvm_argv_get(&l->argv);
	cleanup_free char *prog = cvm_which(argv[0]);
	cleanup_free char *log = cvm_vm_path(vm, CVM_VM_F_QEMULOG);
	cleanup_close int logfd = -1;
	int rep[2], e = 0;
	pid_t pid;

	if (!prog || !cvm_is_executable(prog))
		return cvm_err_set(err, -ENOENT, "program '%s' not found",
				   argv[0]);
	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (logfd < 0 || pipe2(rep, O_CLOEXEC) < 0)
		return cvm_err_set(err, -errno, "start VM '%s': %s", vm->name,
				   strerror(errno));
	l->start_ns = cvm_now_ns();
	pid = fork();
	if (pid == 0)
		child(vm, prog, (char *const *)argv, logfd, rep[1], memlock);
	close(rep[1]);
	if (pid < 0 || read(rep[0], &e, sizeof(e)) != (ssize_t)sizeof(e))
		e = pid < 0 ? errno : 0;
	close(rep[0]);
	if (pid > 0 && e) {
		waitpid(pid, NULL, 0);
		vm_clean_runtime(vm); /* the child's pid file */
	}
	if (pid < 0 || e)
		return cvm_err_set(err, -e, "cannot run '%s': %s", argv[0],
				   strerror(e));
	l->pid = pid;
	return 0;
}

/* Wait for QEMU's QMP handshake, or for QEMU to exit. */
static int
handshake(struct cvm_vm *vm, struct cvm_vm_launch *l, int timeout_ms,
	  struct cvm_err *err)
{
	uint64_t end = l->start_ns + (uint64_t)timeout_ms * 1000000ull;
	struct cvm_err e = CVM_ERR_INIT;
	unsigned v[3];
	int status;

	for (;;) {
		struct cvm_qmp *q = NULL;

		if (waitpid(l->pid, &status, WNOHANG) == l->pid) {
			l->pid = 0;
			vm_clean_runtime(vm);
			return explain_exit(vm,
					    WIFSIGNALED(status)
						    ? 128 + WTERMSIG(status)
						    : WEXITSTATUS(status),
					    err);
		}
		if (vm_qmp_open(vm, 2000, &q, &e) == 0) {
			cvm_qmp_version(q, &v[0], &v[1], &v[2]);
			snprintf(l->qemu_version, sizeof(l->qemu_version),
				 "%u.%u.%u", v[0], v[1], v[2]);
			cvm_qmp_close(q);
			l->start_ns = cvm_now_ns() - l->start_ns;
			return 0;
		}
		if (cvm_now_ns() >= end)
			break;
		sleep_ms(20);
	}
	kill(l->pid, SIGKILL);
	waitpid(l->pid, NULL, 0);
	l->pid = 0;
	vm_clean_runtime(vm);
	return cvm_err_set(err, -CVM_E_TIMEOUT,
			   "QEMU did not answer on QMP within %d ms (%s); it "
			   "was killed",
			   timeout_ms, e.msg[0] ? e.msg : "no error");
}

int
vm_qemu_spawn(struct cvm_vm *vm, struct cvm_vm_launch *l, uint64_t memlock,
	      int timeout_ms, struct cvm_err *err)
{
	cleanup_free char *serial = cvm_vm_path(vm, CVM_VM_F_SERIAL);
	int fd, r;

	/* one boot's console per log */
	fd = open(serial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	vm_clean_runtime(vm);
	if ((r = fork_qemu(vm, l, memlock, err)) < 0)
		return r;
	return handshake(vm, l, timeout_ms, err);
}
