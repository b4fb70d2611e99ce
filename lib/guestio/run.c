/* SPDX-License-Identifier: MIT */
/*
 * Running a guest under QEMU and reading its console as it goes: host
 * timestamps for the exec, the first console byte and every CVM1 line,
 * a hard timeout, and the verdict on the whole run.  See cvm/guestio.h.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cvm/cleanup.h"
#include "cvm/qemu.h"
#include "cvm/util.h"
#include "guestio-priv.h"

#define STDERR_MAX    65536
#define TAIL_MAX      2048
#define TERM_GRACE_NS 2000000000ull /* SIGTERM, then SIGKILL after 2 s */

struct tee {
	const struct cvm_guest_run_opts *o;
	struct cvm_buf *tail;
};

/* Keep the last TAIL_MAX bytes of console text, then pass it on. */
static void
tee_text(void *opaque, const char *data, size_t len, bool cvm1)
{
	struct tee *t = opaque;

	if (!cvm1) {
		cvm_buf_add(t->tail, data, len);
		if (t->tail->len > 2 * TAIL_MAX) {
			size_t keep = TAIL_MAX;

			memmove(t->tail->data,
				t->tail->data + t->tail->len - keep, keep);
			cvm_buf_truncate(t->tail, keep);
		}
	}
	if (t->o->text)
		t->o->text(t->o->opaque, data, len, cvm1);
}

/* Close *fd and mark it closed (poll() skips negative fds). */
static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Read one chunk; false at EOF or a hard error. */
static bool
read_chunk(int fd, char *buf, size_t size, ssize_t *n)
{
	*n = read(fd, buf, size);
	if (*n < 0 && (errno == EAGAIN || errno == EINTR)) {
		*n = 0;
		return true;
	}
	return *n > 0;
}

static void
pump(struct cvm_qemu_proc *p, struct cvm_guestio *gio,
     const struct cvm_guest_run_opts *o, struct cvm_guest_run *out)
{
	int timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 1;
	uint64_t deadline = p->start_ns + (uint64_t)timeout_ms * 1000000ull;
	uint64_t kill_at = 0;
	char chunk[16384];
	ssize_t n;

	while (p->out_fd >= 0 || p->err_fd >= 0) {
		struct pollfd pf[2] = {{p->out_fd, POLLIN, 0},
				       {p->err_fd, POLLIN, 0}};
		uint64_t now = cvm_now_ns(),
			 until = kill_at ? kill_at : deadline;

		if (o->stop && *o->stop && !kill_at) {
			out->stopped = true;
			until = now;
		}
		if (now >= until) {
			if (kill_at) {
				kill(p->pid, SIGKILL);
				break;
			}
			out->timed_out = !out->stopped;
			kill(p->pid, SIGTERM);
			kill_at = now + TERM_GRACE_NS;
			continue;
		}
		if (poll(pf, 2, (int)((until - now) / 1000000ull) + 1) < 0 &&
		    errno != EINTR)
			break;
		if (pf[0].revents) {
			if (!read_chunk(p->out_fd, chunk, sizeof(chunk), &n))
				close_fd(&p->out_fd);
			else if (n > 0)
				cvm_guestio_feed(gio, chunk, (size_t)n,
						 cvm_now_ns() - p->start_ns);
		}
		if (pf[1].revents) {
			if (!read_chunk(p->err_fd, chunk, sizeof(chunk), &n))
				close_fd(&p->err_fd);
			else if (out->qemu_stderr.len < STDERR_MAX)
				cvm_buf_add(&out->qemu_stderr, chunk,
					    (size_t)n);
		}
	}
}

int
cvm_guest_run(const struct cvm_guest_run_opts *o, struct cvm_guest_run *out,
	      struct cvm_err *err)
{
	struct cvm_qemu_proc p;
	struct tee tee = {o, NULL};
	cleanup_guestio struct cvm_guestio *gio = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	out->timeout_ms = o->timeout_ms;
	tee.tail = &out->console_tail;
	gio = cvm_guestio_new(tee_text, &tee);
	r = cvm_qemu_start(o->argv, &p, err);
	if (r < 0)
		return r;
	out->start_ns = p.start_ns;
	out->exec_ns = cvm_now_ns() - p.start_ns;
	pump(&p, gio, o, out);
	out->qemu_status = cvm_qemu_reap(&p, true);
	out->qemu_peak_rss_kib = p.peak_rss_kib;
	out->end_ns = cvm_now_ns() - p.start_ns;
	cvm_guestio_finish(gio, out->end_ns);
	cvm_guestio_take_record(gio, &out->rec);
	return 0;
}

void
cvm_guest_run_release(struct cvm_guest_run *r)
{
	cvm_guest_record_release(&r->rec);
	cvm_buf_release(&r->qemu_stderr);
	cvm_buf_release(&r->console_tail);
}

/* The console's last non-empty line (a guest kernel's panic, say),
 * control bytes as '?', at most size - 1 bytes; "" when none. */
static void
console_last_line(const struct cvm_buf *tail, char *out, size_t size)
{
	const char *s = cvm_buf_str(tail);
	size_t end = tail->len, start, n;

	while (end > 0 &&
	       (s[end - 1] == '\n' || s[end - 1] == '\r' || s[end - 1] == ' '))
		end--;
	start = end;
	while (start > 0 && s[start - 1] != '\n' && s[start - 1] != '\r')
		start--;
	n = end - start < size - 1 ? end - start : size - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[start + i];

		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	out[n] = '\0';
}

/* "qemu exited with status N: LINE (EXPLANATION)"; without a QEMU error
 * line, the console's last line says what the guest did last */
static int
qemu_failed(const struct cvm_guest_run *r, const char *what,
	    struct cvm_err *err)
{
	const char *text = cvm_buf_str(&r->qemu_stderr);
	const struct cvm_qemu_explanation *x = cvm_qemu_explain(text);
	char line[320], last[200];

	cvm_qemu_error_line(text, line, sizeof(line));
	if (!line[0]) {
		console_last_line(&r->console_tail, last, sizeof(last));
		if (last[0])
			snprintf(line, sizeof(line),
				 "no error message; the console's last line: "
				 "'%s'",
				 last);
		else
			snprintf(line, sizeof(line), "no error message");
	}
	if (x)
		return cvm_err_set(err, -CVM_E_CHILD,
				   "%s (QEMU status %d): %s: %s", what,
				   r->qemu_status, line, x->text);
	return cvm_err_set(err, -CVM_E_CHILD, "%s (QEMU status %d): %s", what,
			   r->qemu_status, line);
}

int
cvm_guest_run_verdict(const struct cvm_guest_run *r, bool debug_exit,
		      struct cvm_err *err)
{
	const struct cvm_guest_record *rec = &r->rec;
	int want, ret;

	if (r->stopped)
		return cvm_err_set(err, -EINTR,
				   "interrupted: the guest was "
				   "stopped");
	if (r->timed_out)
		return cvm_err_set(err, -CVM_E_TIMEOUT,
				   "the guest did not finish within %d s and "
				   "was stopped",
				   (r->timeout_ms + 999) / 1000);
	/* QEMU's own abort after an error we can explain (an assertion
	 * after "failed to set MSR" on a PVM-based KVM): that error */
	if (r->qemu_status > 128 && !rec->has_exit &&
	    cvm_qemu_explain(cvm_buf_str(&r->qemu_stderr)))
		return qemu_failed(r, "QEMU failed", err);
	/* QEMU killed from outside (kill -9, the OOM killer) before the
	 * guest's exit line: say so rather than blame the guest */
	if (r->qemu_status > 128 && !rec->has_exit)
		return cvm_err_set(err, -CVM_E_CHILD,
				   "QEMU was killed by signal %d (%s) before "
				   "the guest finished",
				   r->qemu_status - 128,
				   strsignal(r->qemu_status - 128));
	if (rec->nlines == 0) {
		char line[320];

		cvm_qemu_error_line(cvm_buf_str(&r->qemu_stderr), line,
				    sizeof(line));
		return qemu_failed(r,
				   r->qemu_status != 0 && line[0]
					   ? "QEMU failed"
					   : "the guest reported nothing",
				   err);
	}
	if ((ret = cvm_guest_record_verdict(rec, err)) < 0)
		return ret;
	/* isa-debug-exit: QEMU exits with (value << 1) | 1 (hw/misc/
	 * debugexit.c); an ACPI power-off exits 0 */
	want = ((rec->exit_status << 1) | 1) & 0xff;
	if (debug_exit && r->qemu_status != want && r->qemu_status != 0)
		return qemu_failed(r,
				   "QEMU's exit disagrees with the guest's "
				   "'exit 0'",
				   err);
	return 0;
}
