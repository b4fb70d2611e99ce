/* SPDX-License-Identifier: MIT */
/*
 * `cvm-oci create [--bundle B] [--pid-file F] [--console-socket S] ID`:
 * read the bundle, decide the protection, write the initramfs, fork the
 * monitor (which waits for `start`), save the state, run the prestart
 * and createRuntime hooks, write the pid-file.  Any failure removes the
 * state folder and the monitor: nothing is left behind.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/util.h"
#include "create.h"

static int
save_state(struct create *c, struct cvm_oci_state *st, struct cvm_err *err)
{
	cvm_oci_now_rfc3339(c->created, sizeof(c->created));
	st->id = (char *)c->o->id;
	st->bundle = c->spec->bundle;
	st->rootfs = c->spec->root_path;
	st->created = c->created;
	st->pid = c->monitor;
	st->pid_start = cvm_oci_pid_start(c->monitor);
	st->protection = c->plan.protection;
	st->protection_reason = c->plan.reason;
	st->annotations = c->spec->annotations;
	st->hooks = c->spec->hooks_json;
	return cvm_oci_state_save(c->dir, st, err);
}

/* createRuntime and prestart run here, on the host, with the state. */
static int
run_hooks(struct create *c, struct cvm_oci_state *st, struct cvm_err *err)
{
	struct json_object *j = cvm_oci_state_json(st, CVM_OCI_CREATING);
	const char *text = json_object_to_json_string_ext(
		j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int r;

	/* the runtime spec orders prestart (deprecated) with createRuntime */
	r = cvm_oci_hooks_run(&c->spec->hooks[CVM_OCI_HOOK_PRESTART],
			      CVM_OCI_HOOK_PRESTART, text, err);
	if (r == 0)
		r = cvm_oci_hooks_run(
			&c->spec->hooks[CVM_OCI_HOOK_CREATE_RUNTIME],
			CVM_OCI_HOOK_CREATE_RUNTIME, text, err);
	for (int k = CVM_OCI_HOOK_CREATE_CONTAINER;
	     r == 0 && k <= CVM_OCI_HOOK_START_CONTAINER; k++)
		if (c->spec->hooks[k].n)
			oci_log(CVM_LOG_WARN,
				"%s hooks skipped: they run inside the "
				"container's namespaces, which live in the VM",
				cvm_oci_hook_kind_name(
					(enum cvm_oci_hook_kind)k));
	json_object_put(j);
	return r;
}

static int
create_run(struct create *c, struct cvm_err *err)
{
	struct cvm_oci_state st = {0};
	char pid[32];
	int r;

	if ((r = create_prepare(c, err)) < 0)
		return r;
	if (pipe2(c->ready, O_CLOEXEC) < 0 || pipe2(c->commit, O_CLOEXEC) < 0)
		return cvm_err_set(err, -errno, "pipe: %s", strerror(errno));
	c->monitor = fork();
	if (c->monitor < 0)
		return cvm_err_set(err, -errno, "fork: %s", strerror(errno));
	if (c->monitor == 0)
		create_monitor_main(c);
	close(c->ready[1]);
	c->ready[1] = -1;
	if (read(c->ready[0], pid, 1) != 1)
		return cvm_err_set(err, -CVM_E_CHILD,
				   "the container's monitor ended at once");
	if ((r = save_state(c, &st, err)) < 0 ||
	    (r = run_hooks(c, &st, err)) < 0)
		return r;
	snprintf(pid, sizeof(pid), "%d", (int)c->monitor);
	if (c->o->pid_file &&
	    (r = cvm_file_write_atomic(c->o->pid_file, pid, strlen(pid), 0644,
				       err)) < 0)
		return cvm_err_prefix(err, "--pid-file");
	if (write(c->commit[1], "c", 1) != 1)
		return cvm_err_set(err, -CVM_E_CHILD,
				   "the container's monitor ended early");
	return 0;
}

int
oci_create(struct oci_ctx *ctx, const struct oci_create_opts *o, int *monitor)
{
	struct create c = {
		.ctx = ctx,
		.o = o,
		.start_fd = -1,
		.tty = -1,
		.ready = {-1, -1},
		.commit = {-1, -1},
	};
	struct cvm_err err = CVM_ERR_INIT;
	bool made = false;
	int r;

	if ((r = cvm_oci_id_check(o->id, &err)) == 0) {
		c.dir = cvm_oci_state_dir(ctx->root, o->id);
		r = create_run(&c, &err);
		made = err.code != -CVM_E_STATE;
	}
	cvm_closep(&c.start_fd);
	cvm_closep(&c.tty);
	cvm_closep(&c.ready[0]);
	cvm_closep(&c.ready[1]);
	cvm_closep(&c.commit[0]);
	cvm_closep(&c.commit[1]);
	if (r < 0 && c.monitor > 0) {
		kill(c.monitor, SIGKILL);
		waitpid(c.monitor, NULL, 0);
	}
	if (r < 0 && made && c.dir)
		cvm_oci_state_remove(c.dir, NULL);
	if (r == 0 && monitor)
		*monitor = c.monitor;
	cvm_argv_release(&c.argv);
	cvm_oci_plan_release(&c.plan);
	cvm_oci_runtime_release(&c.rt);
	cvm_oci_spec_free(c.spec);
	free(c.dir);
	return r < 0 ? oci_fail(&err) : 0;
}

static int
create_cmd(struct oci_ctx *ctx, int argc, char **argv)
{
	struct oci_create_opts o = {0};
	bool ignored = false;
	const struct oci_opt opts[] = {
		{"bundle", 'b', &o.bundle, NULL},
		{"pid-file", 0, &o.pid_file, NULL},
		{"console-socket", 0, &o.console_socket, NULL},
		{"preserve-fds", 0, &o.preserve_fds, NULL},
		{"no-pivot", 0, NULL, &ignored},
		{"no-new-keyring", 0, NULL, &ignored},
		{NULL, 0, NULL, NULL}};
	char *pos[1];
	int npos, r;

	if ((r = oci_opts(&verb_create, opts, argc, argv, pos, 1, &npos)) !=
		    0 ||
	    (r = oci_need(&verb_create, npos, 1, "the container ID")) != 0)
		return r;
	o.id = pos[0];
	return oci_create(ctx, &o, NULL);
}

const struct oci_verb verb_create = {
	.name = "create",
	.summary = "create a container: its VM waits for 'start'",
	.usage = "create [--bundle DIR] [--pid-file FILE] [--console-socket "
		 "SOCKET] ID",
	.help = "  -b, --bundle DIR          the OCI bundle (default: .)\n"
		"      --pid-file FILE       where to write the container's "
		"PID (the monitor)\n"
		"      --console-socket S    send a pty master there "
		"(process.terminal)\n"
		"      --preserve-fds N      only 0: descriptors cannot enter "
		"a VM\n"
		"      --no-pivot, --no-new-keyring   accepted, no effect\n",
	.run = create_cmd,
};
