/* SPDX-License-Identifier: MIT */
/*
 * `cvm demo scrape`: boot the scrape guest (the agent in scrape mode,
 * oci-agent), wait for it to report the random suffix of the secret it
 * built, then read its memory from the host three ways and count the
 * secret and a control string that never entered the guest:
 *   1. QMP dump-guest-memory (an ELF core of guest RAM),
 *   2. HMP pmemsave of all guest-physical RAM (via human-monitor-command),
 *   3. /proc/<QEMU pid>/mem, every readable mapping.
 * A plain guest gives the secret to every method; an SEV/SEV-ES guest's
 * private pages read as ciphertext, an SNP guest's (guest_memfd hosts)
 * are not mapped at all or read as zeros (docker-sev.md §4.2), and QEMU
 * may refuse to dump an encrypted guest; each outcome is reported as is.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cvm/cleanup.h"
#include "cvm/oci.h"
#include "cvm/qmp.h"
#include "cvm/util.h"
#include "oci-priv.h"
#include "oci-proto.h"

#define SECRET_PREFIX "SEV-TOP-secret-"

struct guest {
	pid_t pid;
	int ctl, qerr;
	struct cvm_buf qemu_text;
};

/* Wait for the INFO frame "suffix=<hex>". */
static int
wait_secret(struct guest *g, struct cvm_scrape_result *out, int timeout_ms,
	    struct cvm_err *err)
{
	static struct cvm_chan_frame f;
	struct cvm_chan_dec dec;
	uint64_t end = cvm_now_ns() + (uint64_t)timeout_ms * 1000000ull;
	char line[320];

	cvm_chan_dec_init(&dec);
	while (cvm_now_ns() < end) {
		struct pollfd p[2] = {{g->ctl, POLLIN, 0},
				      {g->qerr, POLLIN, 0}};
		uint8_t buf[4096];
		ssize_t n;

		if (poll(p, 2, 200) <= 0)
			continue;
		if (p[1].revents && (n = read(g->qerr, buf, sizeof(buf))) > 0)
			cvm_buf_add(&g->qemu_text, buf, (size_t)n);
		if (!p[0].revents)
			continue;
		if ((n = read(g->ctl, buf, sizeof(buf))) <= 0)
			break; /* QEMU ended */
		for (size_t used = 0; used < (size_t)n;) {
			bool got;

			used += cvm_chan_dec_feed(&dec, buf + used,
						  (size_t)n - used, &f, &got);
			if (got && f.type == CVM_CHAN_INFO && f.len > 7 &&
			    f.len < 48 && !memcmp(f.data, "suffix=", 7)) {
				snprintf(out->secret, sizeof(out->secret),
					 SECRET_PREFIX "%.*s", f.len - 7,
					 (const char *)f.data + 7);
				return 0;
			}
		}
	}
	cvm_qemu_error_line(cvm_buf_str(&g->qemu_text), line, sizeof(line));
	return cvm_err_set(err, -CVM_E_TIMEOUT,
			   "the scrape guest did not report its secret%s%s",
			   *line ? ": " : " in time", line);
}

static void
make_control(struct cvm_scrape_result *out)
{
	uint8_t r[16];
	char hex[33];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		memset(r, 0x5a, sizeof(r));
	cvm_hex_encode(r, sizeof(r), hex);
	snprintf(out->control, sizeof(out->control), SECRET_PREFIX "%s", hex);
}

static void
scan_file(struct cvm_scrape_result *out, struct cvm_scrape_method *m,
	  const char *path)
{
	const char *needles[] = {out->secret, out->control};
	uint64_t hits[2] = {0, 0};
	struct cvm_err e = CVM_ERR_INIT;

	if (cvm_scrape_file(path, needles, 2, hits, &m->bytes, &e) < 0) {
		snprintf(m->error, sizeof(m->error), "%s", e.msg);
	} else {
		m->ran = true;
		m->secret_hits = hits[0];
		m->control_hits = hits[1];
	}
	unlink(path);
}

static void
qmp_dump(struct cvm_qmp *q, const char *dir, struct cvm_scrape_result *out)
{
	struct cvm_scrape_method *m = &out->m[0];
	cleanup_free char *path = cvm_xasprintf("%s/guest.elf", dir);
	cleanup_free char *proto = cvm_xasprintf("file:%s", path);
	struct json_object *args = json_object_new_object();
	struct cvm_err e = CVM_ERR_INIT;

	json_object_object_add(args, "paging", json_object_new_boolean(0));
	json_object_object_add(args, "protocol", json_object_new_string(proto));
	if (cvm_qmp_execute(q, "dump-guest-memory", args, NULL, &e) < 0)
		snprintf(m->error, sizeof(m->error), "%s", e.msg);
	else
		scan_file(out, m, path);
	json_object_put(args);
}

static void
hmp_pmemsave(struct cvm_qmp *q, const char *dir, uint64_t bytes,
	     struct cvm_scrape_result *out)
{
	struct cvm_scrape_method *m = &out->m[1];
	cleanup_free char *path = cvm_xasprintf("%s/guest.pmem", dir);
	cleanup_free char *cmd = cvm_xasprintf("pmemsave 0 %llu \"%s\"",
					       (unsigned long long)bytes, path);
	struct json_object *args = json_object_new_object(), *ret = NULL;
	struct cvm_err e = CVM_ERR_INIT;
	const char *text;

	json_object_object_add(args, "command-line",
			       json_object_new_string(cmd));
	if (cvm_qmp_execute(q, "human-monitor-command", args, &ret, &e) < 0) {
		snprintf(m->error, sizeof(m->error), "%s", e.msg);
	} else if ((text = json_object_get_string(ret)) && *text) {
		/* HMP reports failures as text in the return value */
		snprintf(m->error, sizeof(m->error), "pmemsave: %.*s",
			 (int)strcspn(text, "\r\n"), text);
	} else {
		scan_file(out, m, path);
	}
	json_object_put(ret);
	json_object_put(args);
}

static void
proc_mem(pid_t pid, struct cvm_scrape_result *out)
{
	struct cvm_scrape_method *m = &out->m[2];
	const char *needles[] = {out->secret, out->control};
	uint64_t hits[2] = {0, 0};
	struct cvm_err e = CVM_ERR_INIT;

	if (cvm_scrape_pid(pid, needles, 2, hits, &m->bytes, &e) < 0) {
		snprintf(m->error, sizeof(m->error), "%s", e.msg);
		return;
	}
	m->ran = true;
	m->secret_hits = hits[0];
	m->control_hits = hits[1];
}

/* The three dumps, over QMP at <dir>/qmp.sock. */
static int
dump_all(struct guest *g, const struct cvm_scrape_opts *o, uint64_t ram,
	 struct cvm_scrape_result *out, struct cvm_err *err)
{
	cleanup_close int dfd = open(o->workdir, O_PATH | O_CLOEXEC);
	cleanup_qmp struct cvm_qmp *q = NULL;
	char sock[64];
	int r;

	/* a short path whatever the folder's length (sun_path: 108) */
	snprintf(sock, sizeof(sock), "/proc/self/fd/%d/qmp.sock", dfd);
	if ((r = cvm_qmp_connect(sock, 10000, &q, err)) < 0)
		return cvm_err_prefix(err, "QMP of the scrape guest");
	cvm_qmp_set_timeout(q, 120000);
	qmp_dump(q, o->workdir, out);
	hmp_pmemsave(q, o->workdir, ram, out);
	proc_mem(g->pid, out);
	cvm_qmp_execute(q, "quit", NULL, NULL, NULL);
	return 0;
}

static void
guest_stop(struct guest *g)
{
	if (g->pid > 0) {
		kill(g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
	}
	cvm_closep(&g->ctl);
	cvm_closep(&g->qerr);
	cvm_buf_release(&g->qemu_text);
}

static int
boot(struct guest *g, const struct cvm_scrape_opts *o, struct cvm_oci_plan *p,
     struct cvm_err *err)
{
	cleanup_free char *initrd = cvm_xasprintf("%s/initrd.cpio", o->workdir);
	cleanup_argv struct cvm_argv argv = CVM_ARGV_INIT;
	struct cvm_oci_runtime rt = *o->rt;
	cleanup_close int fd = -1;
	struct stat st;
	int sp[2], r;

	fd = open(initrd, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cvm_err_set(err, -errno, "cannot create '%s': %s",
				   initrd, strerror(errno));
	if ((r = cvm_oci_initrd_write_scrape(fd, err)) < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return cvm_err_set(err, -errno, "'%s': %s", initrd,
				   strerror(errno));
	rt.protection = o->protection;
	if ((r = cvm_oci_plan_make(NULL, &rt, (uint64_t)st.st_size, p, err)) <
		    0 ||
	    (r = cvm_oci_plan_argv(p, initrd, 3, &argv, err)) < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return cvm_err_set(err, -errno, "socketpair: %s",
				   strerror(errno));
	g->ctl = sp[0];
	r = oci_qemu_spawn(cvm_argv_get(&argv), o->workdir, sp[1], &g->qerr,
			   &g->pid, err);
	close(sp[1]);
	return r;
}

int
cvm_scrape_run(const struct cvm_scrape_opts *o, struct cvm_scrape_result *out,
	       struct cvm_err *err)
{
	static const char *const names[CVM_SCRAPE_METHODS] = {
		"QMP dump-guest-memory", "HMP pmemsave", "/proc/PID/mem"};
	struct guest g = {.pid = -1, .ctl = -1, .qerr = -1};
	struct cvm_oci_plan plan;
	uint64_t t0 = cvm_now_ns();
	int r;

	memset(out, 0, sizeof(*out));
	out->protection = o->protection;
	for (int i = 0; i < CVM_SCRAPE_METHODS; i++)
		out->m[i].name = names[i];
	memset(&plan, 0, sizeof(plan));
	r = boot(&g, o, &plan, err);
	if (r == 0 && (r = wait_secret(&g, out, o->timeout_ms, err)) == 0) {
		out->ready = true;
		out->boot_ns = cvm_now_ns() - t0;
		make_control(out);
		r = dump_all(&g, o, plan.memory_mib << 20, out, err);
	}
	guest_stop(&g);
	cvm_oci_plan_release(&plan);
	return r;
}
