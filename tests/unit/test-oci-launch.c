/* SPDX-License-Identifier: MIT */
/*
 * lib/oci: what happens around a launch: hooks (state on stdin, failure
 * and timeout reports), the console socket (runc's SCM_RIGHTS protocol,
 * also through a path longer than sun_path), the kernel command line,
 * QEMU's argv (microvm for plain guests; lib/qemu's q35 + sev-guest for
 * SEV), and the protection decision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <cmocka.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "../../lib/oci/oci-priv.h"
#include "test-tmpdir.h"

static char dir[] = "/tmp/cvm-oci-launch-XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return test_tmpdir_make(dir);
}

static int
teardown(void **state)
{
	(void)state;
	return test_tmpdir_remove(dir);
}

struct hook_store {
	char *argv[5], *env[2];
};

static struct cvm_oci_hook
hook(struct hook_store *st, const char *script, const char *arg, int timeout)
{
	static char sh[] = "sh", c[] = "-c", var[] = "HOOKVAR=from-the-config",
		    path[] = "/bin/sh";

	st->argv[0] = sh;
	st->argv[1] = c;
	st->argv[2] = (char *)(uintptr_t)script;
	st->argv[3] = (char *)(uintptr_t)arg;
	st->argv[4] = NULL;
	st->env[0] = var;
	st->env[1] = NULL;
	return (struct cvm_oci_hook){path, st->argv, st->env, timeout};
}

static void
test_hooks(void **state)
{
	cleanup_free char *out = cvm_xasprintf("%s/hook.out", dir);
	cleanup_buf struct cvm_buf b = CVM_BUF_INIT;
	struct hook_store st[2];
	struct cvm_oci_hook h[2] = {
		hook(&st[0], "cat > \"$0\"; echo \"$HOOKVAR\" >> \"$0\"", out,
		     5),
		hook(&st[1], "echo refused by policy >&2; exit 3", NULL, 0)};
	struct cvm_oci_hooks hs = {h, 1};
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	if (cvm_oci_hooks_run(&hs, CVM_OCI_HOOK_PRESTART, "{\"id\":\"c1\"}",
			      &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(cvm_file_read(out, &b, 0, NULL), 0);
	assert_string_equal(cvm_buf_str(&b),
			    "{\"id\":\"c1\"}from-the-config\n");
	/* the second fails: kind, path, status and its message */
	hs.n = 2;
	assert_int_equal(
		cvm_oci_hooks_run(&hs, CVM_OCI_HOOK_CREATE_RUNTIME, "{}", &err),
		-CVM_E_CHILD);
	assert_string_equal(err.msg, "createRuntime hook '/bin/sh' failed "
				     "(exit status 3): refused by policy");
}

static void
test_hook_timeout(void **state)
{
	struct hook_store st;
	struct cvm_oci_hook h = hook(&st, "sleep 30", NULL, 1);
	struct cvm_oci_hooks hs = {&h, 1};
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	assert_int_equal(
		cvm_oci_hooks_run(&hs, CVM_OCI_HOOK_POSTSTOP, "{}", &err),
		-CVM_E_TIMEOUT);
	assert_non_null(strstr(err.msg, "poststop hook '/bin/sh' timed out"));
}

/* Receive what cvm_oci_console_send() sent: the name and the master. */
static int
receive(int lfd, char *name, size_t n)
{
	char ctrl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {name, n - 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctrl,
			     .msg_controllen = sizeof(ctrl)};
	int c = accept(lfd, NULL, NULL), fd = -1;
	ssize_t r = recvmsg(c, &msg, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	assert_true(r > 0);
	name[r] = '\0';
	assert_non_null(cm);
	assert_int_equal(cm->cmsg_type, SCM_RIGHTS);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	close(c);
	return fd;
}

static void
console_at(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct cvm_err err = CVM_ERR_INIT;
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0), slave = -1, master;
	char name[128], buf[8];
	cleanup_free char *cwd = getcwd(NULL, 0);
	cleanup_free char *d = cvm_xstrdup(path);

	/* bind through a relative name: the path may be too long */
	*strrchr(d, '/') = '\0';
	assert_int_equal(chdir(d), 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s",
		 strrchr(path, '/') + 1);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(listen(lfd, 1), 0);
	if (cvm_oci_console_send(path, &slave, &err) < 0)
		fail_msg("%s", err.msg);
	master = receive(lfd, name, sizeof(name));
	assert_non_null(strstr(name, "/dev/pts/"));
	/* the pair works: the slave's output reads on the master */
	assert_true(isatty(slave));
	assert_int_equal(write(slave, "ok", 2), 2);
	assert_int_equal(read(master, buf, 2), 2);
	assert_memory_equal(buf, "ok", 2);
	close(master);
	close(slave);
	close(lfd);
}

static void
test_console_socket(void **state)
{
	cleanup_free char *p = cvm_xasprintf("%s/console.sock", dir);
	cleanup_free char *deep = cvm_xasprintf(
		"%s/a-folder-name-long-enough-to-push-the-socket-path/"
		"past-the-108-bytes-of-sun-path-in-sockaddr-un",
		dir);
	cleanup_free char *p2 = cvm_xasprintf("%s/pty.sock", deep);

	(void)state;
	console_at(p);
	assert_int_equal(cvm_mkdir_p(deep, 0700, NULL), 0);
	assert_true(strlen(p2) > 108);
	console_at(p2);
}

static void
test_console_errors(void **state)
{
	struct cvm_err err = CVM_ERR_INIT;
	int slave = -1;

	(void)state;
	assert_true(cvm_oci_console_send("/nonexistent/sock", &slave, &err) <
		    0);
	assert_non_null(strstr(err.msg, "console socket '/nonexistent/sock'"));
	assert_int_equal(slave, -1);
}

static bool
has(const struct cvm_argv *a, const char *opt, const char *val)
{
	for (size_t i = 0; i + 1 < a->n; i++)
		if (!strcmp(a->v[i], opt) && (!val || strstr(a->v[i + 1], val)))
			return true;
	return false;
}

static void
test_plain_argv(void **state)
{
	static char append[] = "x=1", qemu[] = "qemu-system-x86_64",
		    kernel[] = "/k/vmlinux";
	struct cvm_oci_runtime rt = {.append = append};
	struct cvm_oci_plan p = {.protection = CVM_PROT_NONE,
				 .accel = CVM_ACCEL_TCG,
				 .qemu = qemu,
				 .kernel = kernel,
				 .memory_mib = 300,
				 .vcpus = 2};
	cleanup_argv struct cvm_argv a = CVM_ARGV_INIT;
	cleanup_free char *tcg = cvm_oci_cmdline(&rt, CVM_ACCEL_TCG);
	cleanup_free char *kvm = cvm_oci_cmdline(&rt, CVM_ACCEL_KVM);

	(void)state;
	assert_string_equal(kvm, "console=ttyS0 panic=-1 quiet rdinit=/init "
				 "cryptomgr.notests no_timer_check x=1");
	if (oci_tsc_khz())
		assert_non_null(strstr(tcg, " tsc_early_khz="));
	p.append = tcg;
	assert_int_equal(cvm_oci_plan_argv(&p, "/s/initrd.cpio", 3, &a, NULL),
			 0);
	assert_string_equal(a.v[0], "qemu-system-x86_64");
	assert_true(has(&a, "-M", "microvm"));
	assert_true(has(&a, "-accel", "tcg"));
	assert_true(has(&a, "-cpu", "EPYC"));
	assert_true(has(&a, "-m", "300M"));
	assert_true(has(&a, "-smp", "2"));
	assert_true(has(&a, "-kernel", "/k/vmlinux"));
	assert_true(has(&a, "-initrd", "/s/initrd.cpio"));
	assert_true(has(&a, "-append", "rdinit=/init"));
	assert_true(has(&a, "-chardev", "socket,id=ctl,fd=3"));
	assert_true(has(&a, "-device", "isa-serial,chardev=ctl,index=1"));
	assert_true(has(&a, "-device", "isa-debug-exit,iobase=0xf4"));
	assert_true(has(&a, "-qmp", "unix:qmp.sock"));
	assert_true(has(&a, "-chardev", "path=console.log"));
	p.accel = CVM_ACCEL_KVM;
	assert_int_equal(cvm_oci_plan_argv(&p, "/s/i", 3, &a, NULL), 0);
	assert_true(has(&a, "-cpu", "host"));
}

/* SEV through lib/qemu (needs a QEMU to read its capabilities). */
static void
test_sev_argv(void **state)
{
	struct cvm_oci_plan p = {.protection = CVM_PROT_SEV,
				 .accel = CVM_ACCEL_KVM,
				 .qemu = (char *)(uintptr_t)cvm_qemu_binary(),
				 .memory_mib = 512,
				 .vcpus = 1};
	cleanup_argv struct cvm_argv a = CVM_ARGV_INIT;
	cleanup_free char *q = cvm_which(p.qemu);
	struct cvm_err err = CVM_ERR_INIT;

	(void)state;
	if (!q || !cvm_is_executable(q))
		skip();
	p.vm = (struct cvm_vmspec){.protection = CVM_PROT_SEV,
				   .accel = CVM_ACCEL_KVM,
				   .boot = CVM_BOOT_EFI,
				   .vcpus = 1,
				   .memory_mib = 512,
				   .firmware_code = "/fw/OVMF.fd",
				   .kernel = "/boot/vmlinuz",
				   .append = "console=ttyS0",
				   .serial_log = "console.log",
				   .qmp_socket = "qmp.sock",
				   .debug_exit = true,
				   .sev = {.policy = 0x3,
					   .cbitpos = 51,
					   .reduced_phys_bits = 1,
					   .kernel_hashes = true}};
	if (cvm_oci_plan_argv(&p, "/s/initrd.cpio", 3, &a, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(has(&a, "-machine", "q35"));
	assert_true(has(&a, "-machine", "confidential-guest-support=sev0"));
	assert_true(has(&a, "-object", "sev-guest,id=sev0,cbitpos=51"));
	assert_true(has(&a, "-object", "kernel-hashes=on"));
	assert_true(has(&a, "-initrd", "/s/initrd.cpio"));
	assert_true(has(&a, "-chardev", "socket,id=ctl,fd=3"));
	assert_true(has(&a, "-device", "isa-serial,chardev=ctl,index=1"));
}

static void
test_protection_decision(void **state)
{
#define T                                                          \
	"{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"r\"}," \
	" \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"},"      \
	" \"annotations\": {\"io.cvm.protection\": \"%s\"}}"
	static char kernel[] = "/nonexistent/vmlinuz";
	struct cvm_oci_runtime rt = {.protection = CVM_PROT_AUTO,
				     .memory_mib = 256,
				     .vcpus = 1,
				     .kernel = kernel};
	struct cvm_err err = CVM_ERR_INIT;
	struct cvm_oci_spec *s = NULL;
	struct cvm_oci_plan p;
	cleanup_free char *bogus = cvm_xasprintf(T, "tdx");
	cleanup_free char *none = cvm_xasprintf(T, "none");
	cleanup_free char *sev = cvm_xasprintf(T, "sev-snp");

	(void)state;
	assert_int_equal(cvm_oci_spec_parse(bogus, "/b", &s, NULL), 0);
	assert_int_equal(cvm_oci_plan_make(s, &rt, 0, &p, &err), -CVM_E_USAGE);
	assert_non_null(strstr(err.msg, "unknown protection 'tdx'"));
	cvm_oci_spec_free(s);
	/* none by annotation: decided without the host; then the kernel */
	assert_int_equal(cvm_oci_spec_parse(none, "/b", &s, NULL), 0);
	assert_true(cvm_oci_plan_make(s, &rt, 0, &p, &err) < 0);
	assert_non_null(strstr(err.msg, "/nonexistent/vmlinuz"));
	cvm_oci_spec_free(s);
	/* a level asked for by name never falls back */
	if (access("/dev/sev", F_OK) == 0)
		skip();
	assert_int_equal(cvm_oci_spec_parse(sev, "/b", &s, NULL), 0);
	assert_int_equal(cvm_oci_plan_make(s, &rt, 0, &p, &err), -CVM_E_HOST);
	assert_non_null(strstr(err.msg, "protection sev-snp (from the "
					"annotation io.cvm.protection): this "
					"host cannot launch SEV-SNP guests"));
	cvm_oci_spec_free(s);
}

/* Run the monitor in a child; `act` 0: close the commit pipe unwritten,
 * 1: commit then SIGTERM, 2: commit then start a QEMU that is not one.
 * Returns the child's exit status. */
static int
monitor_child(int act)
{
	static const char *const argv[] = {"/bin/false", NULL};
	int fifo[2], commit[2], st;
	pid_t pid;

	assert_int_equal(pipe(fifo), 0);
	assert_int_equal(pipe(commit), 0);
	pid = fork();
	if (pid == 0) {
		struct cvm_oci_monitor m = {.state_dir = dir,
					    .qemu_argv = argv,
					    .start_fd = fifo[0],
					    .commit_fd = commit[0],
					    .tty = -1};
		struct cvm_err err = CVM_ERR_INIT;
		int r;

		close(commit[1]);
		r = cvm_oci_monitor_run(&m, &err);
		/* a QEMU that ends at once: an error that says so */
		if (act == 2 && !strstr(err.msg, "the VM ended before"))
			_exit(99);
		_exit(r);
	}
	close(commit[0]);
	if (act >= 1)
		assert_int_equal(write(commit[1], "c", 1), 1);
	close(commit[1]);
	if (act == 1) {
		usleep(100000);
		kill(pid, SIGTERM);
	}
	if (act == 2)
		assert_int_equal(write(fifo[1], "s", 1), 1);
	waitpid(pid, &st, 0);
	close(fifo[0]);
	close(fifo[1]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void
test_monitor_without_vm(void **state)
{
	(void)state;
	/* create died before committing: the monitor goes too */
	assert_int_equal(monitor_child(0), 255);
	/* a signal while created ends the container with 128 + signal */
	assert_int_equal(monitor_child(1), 128 + SIGTERM);
	/* started, but the VM ends without a status */
	assert_int_equal(monitor_child(2), 255);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_hook_timeout),
		cmocka_unit_test(test_console_socket),
		cmocka_unit_test(test_console_errors),
		cmocka_unit_test(test_plain_argv),
		cmocka_unit_test(test_sev_argv),
		cmocka_unit_test(test_protection_decision),
		cmocka_unit_test(test_monitor_without_vm),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
